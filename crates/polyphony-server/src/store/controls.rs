//! The facilitator's controls, spectrum rounds beyond two, and the analysis snapshots the
//! report compares, as stored.
//!
//! The controls are one JSON column of the room (they change together and are read together);
//! a spectrum remembers how many rounds it opened (a round opened and closed with nobody placed
//! still counts); a snapshot is the room's analysis at a moment worth comparing (each stage
//! change, a second vote opening), kept whole so the report can compare any two.

use polyphony_core::{Analysis, FrozenGroups};
use polyphony_protocol::{RoomControls, Stage};
use rusqlite::{params, Connection};

use super::{db_err, StoreError};

/// Migration 3: the controls column, spectrum round counts, analysis snapshots.
pub(super) const MIGRATION: &str = r#"
ALTER TABLE rooms ADD COLUMN controls TEXT;
ALTER TABLE spectrums ADD COLUMN rounds INTEGER NOT NULL DEFAULT 0;
CREATE TABLE snapshots (
    room_id INTEGER NOT NULL REFERENCES rooms(id),
    seq INTEGER NOT NULL,
    stage TEXT NOT NULL,
    time INTEGER NOT NULL,
    analysis TEXT NOT NULL,
    PRIMARY KEY (room_id, seq)
);
"#;

/// Migration 4: the frozen groups' membership (JSON of `polyphony_core::FrozenGroups`; NULL
/// while the groups follow the votes). Private to the room: only counts leave the server.
pub(super) const MIGRATION_FROZEN: &str = r#"
ALTER TABLE rooms ADD COLUMN frozen_groups TEXT;
"#;

/// Writes the frozen groups (`None`: the groups follow the votes again).
pub fn update_frozen_groups(
    conn: &Connection,
    room_id: i64,
    frozen: Option<&FrozenGroups>,
) -> Result<(), StoreError> {
    let json = frozen
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| StoreError::Failed(e.to_string()))?;
    conn.execute(
        "UPDATE rooms SET frozen_groups = ?1 WHERE id = ?2",
        params![json, room_id],
    )
    .map_err(db_err)?;
    Ok(())
}

/// The room's frozen groups, if any. One that does not read is an error: a room must not
/// silently regroup the people who sat at its tables.
pub(super) fn load_frozen_groups(
    conn: &Connection,
    room_id: i64,
) -> Result<Option<FrozenGroups>, StoreError> {
    let json: Option<String> = conn
        .query_row(
            "SELECT frozen_groups FROM rooms WHERE id = ?1",
            [room_id],
            |r| r.get(0),
        )
        .map_err(db_err)?;
    json.map(|j| {
        serde_json::from_str(&j)
            .map_err(|e| StoreError::Failed(format!("room {room_id}: frozen groups: {e}")))
    })
    .transpose()
}

/// An analysis snapshot as stored.
#[derive(Clone, Debug)]
pub struct StoredSnapshot {
    /// 0, 1, … in the order taken.
    pub seq: u32,
    /// The stage the room moved to when it was taken.
    pub stage: Stage,
    /// When (ms).
    pub time: i64,
    /// The analysis at that moment.
    pub analysis: Analysis,
}

/// Writes the room's controls.
pub fn update_controls(
    conn: &Connection,
    room_id: i64,
    controls: &RoomControls,
) -> Result<(), StoreError> {
    let json = serde_json::to_string(controls).map_err(|e| StoreError::Failed(e.to_string()))?;
    conn.execute(
        "UPDATE rooms SET controls = ?1 WHERE id = ?2",
        params![json, room_id],
    )
    .map_err(db_err)?;
    Ok(())
}

/// Stores a snapshot (a resend of the same `seq` is ignored).
pub fn insert_snapshot(
    conn: &Connection,
    room_id: i64,
    s: &StoredSnapshot,
) -> Result<(), StoreError> {
    let json = serde_json::to_string(&s.analysis).map_err(|e| StoreError::Failed(e.to_string()))?;
    conn.execute(
        "INSERT OR IGNORE INTO snapshots (room_id, seq, stage, time, analysis)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![room_id, s.seq, s.stage.as_str(), s.time, json],
    )
    .map_err(db_err)?;
    Ok(())
}

/// The room's controls (defaults when never set).
pub(super) fn load_controls(conn: &Connection, room_id: i64) -> Result<RoomControls, StoreError> {
    let json: Option<String> = conn
        .query_row("SELECT controls FROM rooms WHERE id = ?1", [room_id], |r| {
            r.get(0)
        })
        .map_err(db_err)?;
    match json {
        None => Ok(RoomControls::default()),
        Some(j) => serde_json::from_str(&j)
            .map_err(|e| StoreError::Failed(format!("room {room_id}: controls: {e}"))),
    }
}

/// The room's snapshots, oldest first. One that no longer reads (an older engine's analysis)
/// is skipped with a warning: the report loses a comparison, the room still opens.
pub(super) fn load_snapshots(
    conn: &Connection,
    room_id: i64,
) -> Result<Vec<StoredSnapshot>, StoreError> {
    let mut s = conn
        .prepare("SELECT seq, stage, time, analysis FROM snapshots WHERE room_id = ?1 ORDER BY seq")
        .map_err(db_err)?;
    let rows: Vec<(u32, String, i64, String)> = s
        .query_map([room_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .map_err(db_err)?
        .collect::<Result<_, _>>()
        .map_err(db_err)?;
    let mut out = Vec::with_capacity(rows.len());
    for (seq, stage, time, json) in rows {
        let (Some(stage), Ok(analysis)) = (Stage::parse(&stage), serde_json::from_str(&json))
        else {
            tracing::warn!(
                room_id,
                seq,
                "a stored analysis snapshot does not read; skipped"
            );
            continue;
        };
        out.push(StoredSnapshot {
            seq,
            stage,
            time,
            analysis,
        });
    }
    Ok(out)
}
