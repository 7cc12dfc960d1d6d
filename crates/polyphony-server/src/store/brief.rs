//! The briefing cards as stored: one JSON column of the room (the cards change together and are
//! read together; a facilitator's `PUT` replaces them all).

use polyphony_protocol::BriefCard;
use rusqlite::{params, Connection};

use super::{db_err, StoreError};

/// Migration 5: the briefing cards (JSON of `[BriefCard]`; NULL for a room without any).
pub(super) const MIGRATION: &str = r#"
ALTER TABLE rooms ADD COLUMN brief TEXT;
"#;

/// Writes the room's briefing cards (NULL when there are none).
pub fn update_brief(
    conn: &Connection,
    room_id: i64,
    cards: &[BriefCard],
) -> Result<(), StoreError> {
    let json = if cards.is_empty() {
        None
    } else {
        Some(serde_json::to_string(cards).map_err(|e| StoreError::Failed(e.to_string()))?)
    };
    conn.execute(
        "UPDATE rooms SET brief = ?1 WHERE id = ?2",
        params![json, room_id],
    )
    .map_err(db_err)?;
    Ok(())
}

/// The room's briefing cards (none when never set). Cards that do not read are an error: the
/// room would otherwise open without what the facilitator prepared.
pub(super) fn load_brief(conn: &Connection, room_id: i64) -> Result<Vec<BriefCard>, StoreError> {
    let json: Option<String> = conn
        .query_row("SELECT brief FROM rooms WHERE id = ?1", [room_id], |r| {
            r.get(0)
        })
        .map_err(db_err)?;
    json.map_or(Ok(Vec::new()), |j| {
        serde_json::from_str(&j)
            .map_err(|e| StoreError::Failed(format!("room {room_id}: brief: {e}")))
    })
}
