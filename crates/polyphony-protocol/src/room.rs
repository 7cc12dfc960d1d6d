//! The room: its stages, settings, creation and joining.

use serde::{Deserialize, Serialize};

use crate::{BriefCard, RoomControls};

/// The stages a facilitator moves the room through, in order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// The briefing: the key facts of the issue, one card at a time on the projector (paged
    /// from the console), as a list on phones. A room created with cards opens here.
    Brief,
    /// Participants vote and add statements; the projector shows the join code and counts.
    /// A room created without briefing cards opens here.
    #[default]
    Collect,
    /// The opinion map and the groups.
    Groups,
    /// The statements that divide the groups most.
    Divisive,
    /// A spectrum round on one statement.
    Spectrum,
    /// Discussion tables of at most 8: same-group, then mixed; reporters and shared notes.
    Tables,
    /// Consensus, group profiles, divisive statements and movement, for the report.
    Report,
}

impl Stage {
    /// Every stage, in workshop order.
    pub const ALL: [Stage; 7] = [
        Stage::Brief,
        Stage::Collect,
        Stage::Groups,
        Stage::Divisive,
        Stage::Spectrum,
        Stage::Tables,
        Stage::Report,
    ];

    /// The wire name (`"collect"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Brief => "brief",
            Stage::Collect => "collect",
            Stage::Groups => "groups",
            Stage::Divisive => "divisive",
            Stage::Spectrum => "spectrum",
            Stage::Tables => "tables",
            Stage::Report => "report",
        }
    }

    /// Reads a wire name.
    pub fn parse(name: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// Who decides whether a participant's statement is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModerationMode {
    /// New statements are shown at once; the facilitator may reject them later.
    #[default]
    Open,
    /// New statements wait in the facilitator's queue until accepted.
    Strict,
}

/// A statement's moderation state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModerationState {
    /// Shown to participants and in the math.
    Accepted,
    /// Waiting for the facilitator (strict rooms); not shown to participants.
    Pending,
    /// Hidden and out of the math.
    Rejected,
}

impl ModerationState {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ModerationState::Accepted => "accepted",
            ModerationState::Pending => "pending",
            ModerationState::Rejected => "rejected",
        }
    }

    /// Reads a wire name.
    pub fn parse(name: &str) -> Option<ModerationState> {
        [
            ModerationState::Accepted,
            ModerationState::Pending,
            ModerationState::Rejected,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
    }
}

/// Default longest statement, in characters (Unicode scalar values).
pub const DEFAULT_STATEMENT_MAX_CHARS: u32 = 280;
/// The longest a room may allow.
pub const MAX_STATEMENT_MAX_CHARS: u32 = 2000;
/// The longest house-rules text, in characters.
pub const RULES_MAX_CHARS: u32 = 1000;
/// Default number of statements one participant may add to a room.
pub const DEFAULT_STATEMENTS_PER_PARTICIPANT: u32 = 10;
/// The most statements per participant a room may allow.
pub const MAX_STATEMENTS_PER_PARTICIPANT: u32 = 1000;

/// What the facilitator can change about a room.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RoomSettings {
    /// Open (default) or strict moderation of participants' statements.
    pub moderation: ModerationMode,
    /// Participants may add statements (default true).
    pub participants_can_add: bool,
    /// Longest statement in characters (default 280, at most 2000).
    pub statement_max_chars: u32,
    /// Statements one participant may add, rejected ones included (default 10, 0–1000; the
    /// facilitator is not counted). Absent in rooms stored before it existed: the default.
    pub statements_per_participant: u32,
    /// Anyone with the room's code may join (default false: a join needs the six-digit code the
    /// projector shows, which changes every minute, so the room code alone — on the projector,
    /// in photos, in a chat — does not let a stranger fill the room). For rooms run online,
    /// without a projector.
    pub open_admission: bool,
}

impl Default for RoomSettings {
    fn default() -> Self {
        RoomSettings {
            moderation: ModerationMode::Open,
            participants_can_add: true,
            statement_max_chars: DEFAULT_STATEMENT_MAX_CHARS,
            statements_per_participant: DEFAULT_STATEMENTS_PER_PARTICIPANT,
            open_admission: false,
        }
    }
}

/// `GET /api/rooms/{code}/admission` (facilitator key): what the projector shows for joining,
/// and who has been joining (for the console).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdmissionView {
    /// The six-digit code a join needs now (in the QR code as `#join=CODE`), or `None` when the
    /// room's admission is open.
    pub code: Option<String>,
    /// Milliseconds until the code changes (the previous code is still accepted for a minute).
    pub changes_in_ms: u32,
    /// Joins in the last minute.
    pub joins_last_minute: u32,
    /// Participants who have acted (voted, written, stood, consented): the ones the room's cap
    /// counts.
    pub active: u32,
    /// Participants who joined but have not acted yet (they expire after a while).
    pub idle: u32,
    /// The largest share of the room's participants that joined from one network address, in
    /// percent (0 when the server no longer knows: after a restart), and how many that is.
    pub top_address_percent: u32,
    /// See `top_address_percent`.
    pub top_address_participants: u32,
    /// Joins by minute over the last hour, oldest first (minutes without a join left out):
    /// what the console shows so a facilitator can see a flood and remove it
    /// (`POST …/participants/remove`).
    #[serde(default)]
    pub joins_by_minute: Vec<JoinMinute>,
    /// Participants removed so far (their votes are out of the analysis).
    #[serde(default)]
    pub removed: u32,
}

/// One minute of joins, in [`AdmissionView::joins_by_minute`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinMinute {
    /// The minute's start, ms since the epoch.
    pub minute: i64,
    /// Identities that joined in it and are still in the room.
    pub joined: u32,
    /// Of those, how many have voted.
    pub voted: u32,
}

/// `POST /api/rooms/{code}/participants/remove` (facilitator key): removes every identity that
/// joined in `[from, to)` (ms since the epoch) — a flood of fake phones seen in the console's
/// joins by minute. Their tokens stop working (a real phone among them is asked to join
/// again), their votes leave the analysis and every count, and the exports keep them apart
/// (`removed-votes.csv`). Removing again finds nobody new: idempotent.
///
/// ```
/// # use polyphony_protocol::RemoveJoined;
/// let r: RemoveJoined = serde_json::from_str(r#"{"from":1000,"to":61000}"#).unwrap();
/// assert_eq!((r.from, r.to, r.only_idle), (1000, 61000, false));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoveJoined {
    /// Joined at or after this time (ms since the epoch).
    pub from: i64,
    /// Joined before this time (ms since the epoch).
    pub to: i64,
    /// Only identities that have not acted (voted, written, stood, consented).
    #[serde(default)]
    pub only_idle: bool,
}

/// What `POST …/participants/remove` did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemovedJoined {
    /// Identities removed now.
    pub removed: u32,
    /// Of those, how many had voted (their votes left the analysis).
    pub voters: u32,
}

/// `POST /api/rooms`: a new room.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewRoom {
    /// The question, shown on every screen.
    pub topic: String,
    /// Background, shown under the topic.
    #[serde(default)]
    pub description: String,
    /// BCP 47 tag of the room's own texts (`zh-TW`, `en`, `ja`, `ko`…); default `en`.
    #[serde(default)]
    pub language: Option<String>,
    /// Seed statements, in order.
    #[serde(default)]
    pub statements: Vec<String>,
    /// Settings; defaults when absent.
    #[serde(default)]
    pub settings: RoomSettings,
    /// Seed of the engine's random source; random when absent.
    #[serde(default)]
    pub seed: Option<u64>,
    /// The room's house rules, shown on the join screen above the consent button (at most
    /// 1,000 characters); empty: the app's standard rules in the reader's language.
    #[serde(default)]
    pub rules: String,
    /// Briefing cards (at most 12, see [`check_brief`](crate::check_brief)); with any, the room
    /// opens on the [`Stage::Brief`] stage.
    #[serde(default)]
    pub brief: Vec<BriefCard>,
}

/// Public facts about a room (what a phone sees before joining).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomInfo {
    /// Join code (6 characters from an unambiguous alphabet).
    pub code: String,
    /// The question.
    pub topic: String,
    /// Background.
    pub description: String,
    /// Language tag of the room's texts.
    pub language: String,
    /// Current settings.
    pub settings: RoomSettings,
    /// Current stage.
    pub stage: Stage,
    /// Closed rooms take no more votes or statements.
    pub closed: bool,
    /// The facilitator's house rules (empty: the app's standard rules).
    #[serde(default)]
    pub rules: String,
    /// Creation time, ms since the epoch.
    pub created: i64,
    /// What the facilitator has set: results hidden, voting paused, timer, spotlight, group
    /// names, a second vote, the report published.
    #[serde(default)]
    pub controls: RoomControls,
    /// The briefing cards, in order (public: every screen shows them; empty when none).
    #[serde(default)]
    pub brief: Vec<BriefCard>,
}

/// `POST /api/rooms` answer. The facilitator key is returned here only, once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomCreated {
    /// The room.
    pub room: RoomInfo,
    /// Secret (≥ 128 bits, hex) every facilitator action needs, in the `x-facilitator-key` header.
    pub facilitator_key: String,
}

/// `POST /api/rooms/{code}/join` answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Joined {
    /// Secret (≥ 128 bits, hex) the phone keeps to come back as the same person; sent in the
    /// `x-participant-token` header or the WebSocket's `token` query parameter.
    pub participant_token: String,
    /// The room.
    pub room: RoomInfo,
}
