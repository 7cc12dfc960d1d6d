//! Discussion tables, their reporters, their shared notes, and the participant's consent.
//!
//! Privacy by construction: the projector and the console see a plan as counts (per table, per
//! group), never who sits where; a phone sees only its own table; a note never carries its
//! author (a phone learns only that a note is `mine`); the reporter is told only on their own
//! phone (`PhoneTable::reporter`), the room only learns that every table has one.

use serde::{Deserialize, Serialize};

pub use polyphony_types::TableMode;

/// The default most people at one table.
pub const DEFAULT_TABLE_SIZE: u8 = 8;
/// The longest note, in characters (Unicode scalar values).
pub const NOTE_MAX_CHARS: u32 = 280;
/// The most notes one participant may write per table plan.
pub const NOTES_PER_PARTICIPANT: u32 = 20;

fn default_table_size() -> u8 {
    DEFAULT_TABLE_SIZE
}

/// `POST /api/rooms/{code}/tables` (key): form the tables, or form them again (a new plan
/// replaces the old one; notes of the old plan stay in the exports).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TablesRequest {
    /// Same-group or mixed tables.
    pub mode: TableMode,
    /// The most people at one table, 2–20 (default 8).
    #[serde(default = "default_table_size")]
    pub size: u8,
}

/// The table plan as the projector and the console see it: numbers and counts only.
/// `DELETE /api/rooms/{code}/tables` (key) dissolves it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TablesView {
    /// 1 for the first plan of the room, 2 after re-forming, …
    pub plan: u32,
    /// Same-group or mixed.
    pub mode: TableMode,
    /// The most people at one table.
    pub size: u8,
    /// The tables, by number.
    pub tables: Vec<TableSummary>,
    /// Every table has a reporter (never who).
    pub reporters_ready: bool,
}

/// One table on the projector: its number, make-up and released notes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableSummary {
    /// The number on the table's sign.
    pub number: u32,
    /// In a same-group plan, the group the table was formed from ("A"); `None` otherwise.
    pub group: Option<String>,
    /// People at the table.
    pub size: u32,
    /// How many of each group sit here (label `None`: not in a group), by label.
    pub groups: Vec<TableGroupCount>,
    /// Notes the facilitator released, oldest first.
    pub notes: Vec<ReleasedNote>,
}

/// How many members of one group sit at a table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableGroupCount {
    /// Group label ("A"), or `None` for people outside the groups.
    pub group: Option<String>,
    /// How many.
    pub count: u32,
}

/// A note the facilitator released: shown on the projector and in the exports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleasedNote {
    /// Note id.
    pub id: u32,
    /// The text.
    pub text: String,
}

/// A phone's own table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneTable {
    /// The plan this seat belongs to (see [`TablesView::plan`]).
    pub plan: u32,
    /// The number on the sign to look for.
    pub number: u32,
    /// In a same-group plan, the group the table was formed from.
    pub group: Option<String>,
    /// People at the table (including this phone).
    pub size: u32,
    /// This phone reports for its table (told to nobody else).
    pub reporter: bool,
    /// The table's notes (every member sees them), oldest first.
    pub notes: Vec<TableNote>,
}

/// A note as the members of its table see it (never its author).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableNote {
    /// Note id.
    pub id: u32,
    /// The text.
    pub text: String,
    /// This phone wrote it (so it may withdraw it before release).
    pub mine: bool,
    /// The facilitator released it to the projector and the report.
    pub released: bool,
}

/// `POST /api/rooms/{code}/notes` (token) or the WebSocket's `add_note`: a note for the
/// phone's own table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewNote {
    /// Client-generated id, 1–64 characters: the same id from the same phone adds one note.
    pub id: String,
    /// The text, at most [`NOTE_MAX_CHARS`] characters.
    pub text: String,
}

/// The answer to [`NewNote`], sent once the note is committed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteAck {
    /// The client's id.
    pub id: String,
    /// The note's id.
    pub note: u32,
    /// True when this client id had been received before (nothing changed).
    pub duplicate: bool,
}

/// `POST /api/rooms/{code}/notes/{note}/withdraw` (token) or the WebSocket's
/// `withdraw_note`: the author takes back a note that is not released yet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithdrawNote {
    /// Client-generated id (answered by [`Done`]).
    pub id: String,
    /// The note.
    pub note: u32,
}

/// `POST /api/rooms/{code}/reporter/pass` (token) or the WebSocket's `pass_reporter`: the
/// reporter hands the role on; another member is drawn and nobody learns who passed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PassReporter {
    /// Client-generated id (answered by [`Done`]); a resend passes once.
    pub id: String,
}

/// `POST /api/rooms/{code}/consent` (token) or the WebSocket's `consent`: the participant
/// accepted the room's rules (anonymous participation; statements, votes and released notes
/// may be shown on the screen and in the report).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    /// Client-generated id (answered by [`Done`]).
    pub id: String,
}

/// A request without a payload of its own is committed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Done {
    /// The client's id.
    pub id: String,
    /// True when this client id had been received before (nothing changed).
    pub duplicate: bool,
}

/// A note as the facilitator sees it (`GET /api/rooms/{code}/notes`, key, and the facilitator
/// socket's `host` message): every table's notes, never their author.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostNote {
    /// Note id.
    pub id: u32,
    /// The plan it was written under.
    pub plan: u32,
    /// The table it was written at.
    pub table: u32,
    /// The text.
    pub text: String,
    /// Released to the projector and the report.
    pub released: bool,
}

/// What only the facilitator's socket (`?key=`) receives, besides the room view.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostView {
    /// Every note of the current plan not withdrawn, by table then id.
    pub notes: Vec<HostNote>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn tables_request_defaults_to_eight() {
        let r: TablesRequest = serde_json::from_str(r#"{"mode":"same_group"}"#).unwrap();
        assert_eq!(r.size, 8);
        assert_eq!(r.mode, TableMode::SameGroup);
        assert!(serde_json::from_str::<TablesRequest>(r#"{"mode":"circles"}"#).is_err());
    }
}
