//! Writes: each runs inside a group transaction (see [`super::Store::write`]).

use polyphony_protocol::{ModerationState, RoomSettings, Stage};
use rusqlite::{params, Connection, OptionalExtension};

use super::{
    db_err, StoreError, StoredParticipant, StoredPosition, StoredRoom, StoredSpectrum,
    StoredStatement, StoredVote,
};

/// Inserts a room with its seed statements; returns its row id.
pub fn insert_room(
    conn: &Connection,
    room: &StoredRoom,
    creator_address: Option<&str>,
) -> Result<i64, StoreError> {
    let settings =
        serde_json::to_string(&room.settings).map_err(|e| StoreError::Failed(e.to_string()))?;
    conn.execute(
        "INSERT INTO rooms (code, facilitator_key, topic, description, language, settings, stage,
                            closed, seed, created, creator_address, rules)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            room.code,
            room.facilitator_key,
            room.topic,
            room.description,
            room.language,
            settings,
            room.stage.as_str(),
            room.closed,
            room.seed as i64,
            room.created,
            creator_address,
            room.rules,
        ],
    )
    .map_err(db_err)?;
    let id = conn.last_insert_rowid();
    for s in &room.statements {
        insert_statement(conn, id, s)?;
    }
    for p in &room.participants {
        insert_participant(conn, id, p)?;
    }
    for v in &room.votes {
        insert_vote(conn, id, v)?;
    }
    if !room.brief.is_empty() {
        super::brief::update_brief(conn, id, &room.brief)?;
    }
    Ok(id)
}

/// Inserts a statement.
pub fn insert_statement(
    conn: &Connection,
    room_id: i64,
    s: &StoredStatement,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO statements (room_id, sid, text, author, is_seed, moderation, created, client_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            room_id,
            s.sid,
            s.text,
            s.author,
            s.is_seed,
            s.moderation.as_str(),
            s.created,
            s.client_id
        ],
    )
    .map_err(db_err)?;
    Ok(())
}

/// Inserts a participant.
pub fn insert_participant(
    conn: &Connection,
    room_id: i64,
    p: &StoredParticipant,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO participants (room_id, pid, token, created) VALUES (?1, ?2, ?3, ?4)",
        params![room_id, p.pid, p.token, p.created],
    )
    .map_err(db_err)?;
    Ok(())
}

/// Marks participants removed by the facilitator at `time` (ms); their rows, votes and
/// positions stay as the record. Returns how many were not removed before.
pub fn remove_participants(
    conn: &Connection,
    room_id: i64,
    pids: &[u32],
    time: i64,
) -> Result<usize, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "UPDATE participants SET removed = ?3
             WHERE room_id = ?1 AND pid = ?2 AND removed IS NULL",
        )
        .map_err(db_err)?;
    let mut n = 0;
    for pid in pids {
        n += stmt.execute(params![room_id, pid, time]).map_err(db_err)?;
    }
    Ok(n)
}

/// Deletes participants who joined and never acted (expired identities). A participant with
/// a vote, a statement or a spectrum position is kept whatever the caller thought.
pub fn delete_idle_participants(
    conn: &Connection,
    room_id: i64,
    pids: &[u32],
) -> Result<(), StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "DELETE FROM participants WHERE room_id = ?1 AND pid = ?2
               AND NOT EXISTS (SELECT 1 FROM votes v WHERE v.room_id = ?1 AND v.pid = ?2)
               AND NOT EXISTS (SELECT 1 FROM statements s WHERE s.room_id = ?1 AND s.author = ?2)
               AND NOT EXISTS (SELECT 1 FROM spectrum_positions p
                               WHERE p.room_id = ?1 AND p.pid = ?2)",
        )
        .map_err(db_err)?;
    for pid in pids {
        stmt.execute(params![room_id, pid]).map_err(db_err)?;
    }
    Ok(())
}

/// Inserts a vote event unless this participant already sent this client id; returns whether
/// it was inserted.
pub fn insert_vote(conn: &Connection, room_id: i64, v: &StoredVote) -> Result<bool, StoreError> {
    let n = conn
        .execute(
            "INSERT OR IGNORE INTO votes (room_id, pid, sid, vote, time, client_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                room_id,
                v.pid,
                v.sid,
                i64::from(v.vote.agree_positive()),
                v.time,
                v.client_id
            ],
        )
        .map_err(db_err)?;
    Ok(n == 1)
}

/// Inserts a statement unless its author already stored this client id; returns the stored
/// row in that case (and inserts nothing). Deciding inside the write makes a resend that races
/// the first request count once.
pub fn insert_statement_once(
    conn: &Connection,
    room_id: i64,
    s: &StoredStatement,
) -> Result<Option<StoredStatement>, StoreError> {
    if let (Some(author), Some(id)) = (s.author, s.client_id.as_deref()) {
        if let Some(existing) = statement_by_client_id(conn, room_id, author, id)? {
            return Ok(Some(existing));
        }
    }
    insert_statement(conn, room_id, s)?;
    Ok(None)
}

/// Looks up a statement by its author's client id.
pub fn statement_by_client_id(
    conn: &Connection,
    room_id: i64,
    author: u32,
    client_id: &str,
) -> Result<Option<StoredStatement>, StoreError> {
    conn.query_row(
        "SELECT sid, text, author, is_seed, moderation, created, client_id FROM statements
         WHERE room_id = ?1 AND author = ?2 AND client_id = ?3",
        params![room_id, author, client_id],
        |r| {
            let moderation: String = r.get(4)?;
            Ok(StoredStatement {
                sid: r.get(0)?,
                text: r.get(1)?,
                author: r.get(2)?,
                is_seed: r.get(3)?,
                moderation: ModerationState::parse(&moderation).unwrap_or(ModerationState::Pending),
                created: r.get(5)?,
                client_id: r.get(6)?,
            })
        },
    )
    .optional()
    .map_err(db_err)
}

/// Updates one column of a room.
pub fn update_room_field(
    conn: &Connection,
    room_id: i64,
    field: RoomField,
) -> Result<(), StoreError> {
    let r = match field {
        RoomField::Settings(s) => {
            let json = serde_json::to_string(&s).map_err(|e| StoreError::Failed(e.to_string()))?;
            conn.execute(
                "UPDATE rooms SET settings = ?1 WHERE id = ?2",
                params![json, room_id],
            )
        }
        RoomField::Stage(s) => conn.execute(
            "UPDATE rooms SET stage = ?1 WHERE id = ?2",
            params![s.as_str(), room_id],
        ),
        RoomField::Closed(c) => conn.execute(
            "UPDATE rooms SET closed = ?1 WHERE id = ?2",
            params![c, room_id],
        ),
        RoomField::EngineState(s) => conn.execute(
            "UPDATE rooms SET engine_state = ?1 WHERE id = ?2",
            params![s, room_id],
        ),
    };
    r.map_err(db_err)?;
    Ok(())
}

/// A room column to update.
#[derive(Clone, Debug)]
pub enum RoomField {
    /// Settings.
    Settings(RoomSettings),
    /// Stage.
    Stage(Stage),
    /// Closed flag.
    Closed(bool),
    /// Engine state JSON.
    EngineState(String),
}

/// Sets a statement's moderation state.
pub fn update_moderation(
    conn: &Connection,
    room_id: i64,
    sid: u32,
    state: ModerationState,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE statements SET moderation = ?1 WHERE room_id = ?2 AND sid = ?3",
        params![state.as_str(), room_id, sid],
    )
    .map_err(db_err)?;
    Ok(())
}

/// Inserts or updates a spectrum.
pub fn upsert_spectrum(
    conn: &Connection,
    room_id: i64,
    s: &StoredSpectrum,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO spectrums (room_id, id, sid, open_round, created, rounds)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (room_id, id) DO UPDATE SET open_round = excluded.open_round,
             rounds = MAX(rounds, excluded.rounds)",
        params![room_id, s.id, s.sid, s.open_round, s.created, s.rounds],
    )
    .map_err(db_err)?;
    Ok(())
}

/// Stores a spectrum position (latest wins).
pub fn upsert_position(
    conn: &Connection,
    room_id: i64,
    p: &StoredPosition,
    time: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO spectrum_positions (room_id, spectrum, round, pid, position, time)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (room_id, spectrum, round, pid)
         DO UPDATE SET position = excluded.position, time = excluded.time",
        params![room_id, p.spectrum, p.round, p.pid, p.position, time],
    )
    .map_err(db_err)?;
    Ok(())
}
