//! The schema, its migrations, and loading every room at start.

use polyphony_core::Vote;
use polyphony_protocol::{ModerationState, RoomSettings, Stage};
use rusqlite::Connection;

use super::{
    db_err, StoreError, StoredParticipant, StoredPosition, StoredRoom, StoredSpectrum,
    StoredStatement, StoredVote,
};

/// Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
pub(super) const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE rooms (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    facilitator_key TEXT NOT NULL,
    topic TEXT NOT NULL,
    description TEXT NOT NULL,
    language TEXT NOT NULL,
    settings TEXT NOT NULL,
    stage TEXT NOT NULL,
    closed INTEGER NOT NULL DEFAULT 0,
    seed INTEGER NOT NULL,
    created INTEGER NOT NULL,
    creator_address TEXT,
    engine_state TEXT
);
CREATE TABLE participants (
    room_id INTEGER NOT NULL REFERENCES rooms(id),
    pid INTEGER NOT NULL,
    token TEXT NOT NULL UNIQUE,
    created INTEGER NOT NULL,
    PRIMARY KEY (room_id, pid)
);
CREATE TABLE statements (
    room_id INTEGER NOT NULL REFERENCES rooms(id),
    sid INTEGER NOT NULL,
    text TEXT NOT NULL,
    author INTEGER,
    is_seed INTEGER NOT NULL,
    moderation TEXT NOT NULL,
    created INTEGER NOT NULL,
    client_id TEXT,
    PRIMARY KEY (room_id, sid)
);
CREATE UNIQUE INDEX statements_client_id ON statements (room_id, author, client_id)
    WHERE client_id IS NOT NULL;
CREATE TABLE votes (
    seq INTEGER PRIMARY KEY,
    room_id INTEGER NOT NULL REFERENCES rooms(id),
    pid INTEGER NOT NULL,
    sid INTEGER NOT NULL,
    vote INTEGER NOT NULL CHECK (vote IN (-1, 0, 1)),
    time INTEGER NOT NULL,
    client_id TEXT NOT NULL,
    UNIQUE (room_id, pid, client_id)
);
CREATE TABLE spectrums (
    room_id INTEGER NOT NULL REFERENCES rooms(id),
    id INTEGER NOT NULL,
    sid INTEGER NOT NULL,
    open_round INTEGER,
    created INTEGER NOT NULL,
    PRIMARY KEY (room_id, id)
);
CREATE TABLE spectrum_positions (
    room_id INTEGER NOT NULL REFERENCES rooms(id),
    spectrum INTEGER NOT NULL,
    round INTEGER NOT NULL,
    pid INTEGER NOT NULL,
    position INTEGER NOT NULL CHECK (position BETWEEN -2 AND 2),
    time INTEGER NOT NULL,
    PRIMARY KEY (room_id, spectrum, round, pid)
);
"#,
    super::tables::MIGRATION,
    super::controls::MIGRATION,
    super::controls::MIGRATION_FROZEN,
    super::brief::MIGRATION,
    // Participants the facilitator removed: the time they were removed (ms), else NULL.
    "ALTER TABLE participants ADD COLUMN removed INTEGER;",
    // Room leases and the cluster's shared secret (`lease.rs`): PostgreSQL's, where several
    // instances share a database; a SQLite file has one server, and the tables stay empty. Here
    // so both dialects keep one schema and one version number.
    r#"
CREATE TABLE room_leases (
    room_id INTEGER PRIMARY KEY REFERENCES rooms(id),
    owner TEXT NOT NULL,
    address TEXT NOT NULL,
    epoch INTEGER NOT NULL,
    expires INTEGER NOT NULL
);
CREATE TABLE polyphony_cluster (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    secret TEXT NOT NULL
);
"#,
    // The cluster's live instances and their addresses (`lease.rs`): PostgreSQL's too; empty
    // here.
    r#"
CREATE TABLE cluster_members (
    owner TEXT PRIMARY KEY,
    address TEXT NOT NULL,
    expires INTEGER NOT NULL
);
"#,
];

pub(super) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let done: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(db_err)?;
    let done = usize::try_from(done).unwrap_or(0);
    if done > MIGRATIONS.len() {
        return Err(StoreError::Failed(format!(
            "the database is from a newer Polyphony (schema {done}, this build knows {})",
            MIGRATIONS.len()
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(done) {
        let tx = conn.transaction().map_err(db_err)?;
        tx.execute_batch(sql).map_err(db_err)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)
            .map_err(db_err)?;
        tx.commit().map_err(db_err)?;
    }
    Ok(())
}

fn vote_from_db(v: i64) -> Result<Vote, StoreError> {
    Vote::from_agree_positive(v)
        .ok_or_else(|| StoreError::Failed(format!("vote value {v} in the database")))
}

pub(super) fn load_rooms(conn: &Connection) -> Result<Vec<StoredRoom>, StoreError> {
    let mut rooms = Vec::new();
    let mut stmt = conn
        .prepare(
            "SELECT id, code, facilitator_key, topic, description, language, settings, stage,
                    closed, seed, created, engine_state, rules FROM rooms ORDER BY id",
        )
        .map_err(db_err)?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, bool>(8)?,
                r.get::<_, i64>(9)?,
                r.get::<_, i64>(10)?,
                r.get::<_, Option<String>>(11)?,
                r.get::<_, String>(12)?,
            ))
        })
        .map_err(db_err)?;
    for row in rows {
        let (
            id,
            code,
            key,
            topic,
            description,
            language,
            settings,
            stage,
            closed,
            seed,
            created,
            state,
            rules,
        ) = row.map_err(db_err)?;
        let settings: RoomSettings = serde_json::from_str(&settings)
            .map_err(|e| StoreError::Failed(format!("room {code}: settings: {e}")))?;
        let stage = Stage::parse(&stage)
            .ok_or_else(|| StoreError::Failed(format!("room {code}: stage {stage}")))?;
        rooms.push(StoredRoom {
            id,
            code,
            facilitator_key: key,
            topic,
            description,
            rules,
            language,
            settings,
            stage,
            closed,
            seed: seed as u64,
            created,
            engine_state: state,
            participants: Vec::new(),
            statements: Vec::new(),
            votes: Vec::new(),
            spectrums: Vec::new(),
            positions: Vec::new(),
            tables: Default::default(),
            controls: Default::default(),
            snapshots: Vec::new(),
            frozen_groups: None,
            brief: Vec::new(),
            removed: Vec::new(),
        });
    }
    for room in &mut rooms {
        load_room_rows(conn, room)?;
    }
    Ok(rooms)
}

/// Every row `sql` returns for a room, mapped by `f`.
/// Every row of `sql` (one `?`: the room's id), read by `f`: the one way a room's rows are
/// loaded (schema and tables alike).
pub(super) fn room_rows<T>(
    conn: &Connection,
    sql: &str,
    room_id: i64,
    f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>, StoreError> {
    let mut s = conn.prepare(sql).map_err(db_err)?;
    let rows = s
        .query_map([room_id], f)
        .map_err(db_err)?
        .collect::<Result<_, _>>()
        .map_err(db_err)?;
    Ok(rows)
}

fn load_room_rows(conn: &Connection, room: &mut StoredRoom) -> Result<(), StoreError> {
    let id = room.id;
    room.participants = room_rows(
        conn,
        "SELECT pid, token, created FROM participants WHERE room_id = ? ORDER BY pid",
        id,
        |r| {
            Ok(StoredParticipant {
                pid: r.get(0)?,
                token: r.get(1)?,
                created: r.get(2)?,
            })
        },
    )?;
    let statements = room_rows(
        conn,
        "SELECT sid, text, author, is_seed, moderation, created, client_id FROM statements
         WHERE room_id = ? ORDER BY sid",
        id,
        |r| {
            let moderation: String = r.get(4)?;
            Ok((
                StoredStatement {
                    sid: r.get(0)?,
                    text: r.get(1)?,
                    author: r.get(2)?,
                    is_seed: r.get(3)?,
                    moderation: ModerationState::parse(&moderation)
                        .unwrap_or(ModerationState::Pending),
                    created: r.get(5)?,
                    client_id: r.get(6)?,
                },
                moderation,
            ))
        },
    )?;
    for (s, raw) in statements {
        if ModerationState::parse(&raw).is_none() {
            return Err(StoreError::Failed(format!(
                "statement {}: moderation {raw}",
                s.sid
            )));
        }
        room.statements.push(s);
    }
    let votes = room_rows(
        conn,
        "SELECT pid, sid, vote, time, client_id FROM votes WHERE room_id = ? ORDER BY seq",
        id,
        |r| {
            Ok((
                r.get::<_, i64>(2)?,
                StoredVote {
                    pid: r.get(0)?,
                    sid: r.get(1)?,
                    vote: Vote::Pass,
                    time: r.get(3)?,
                    client_id: r.get(4)?,
                },
            ))
        },
    )?;
    for (value, mut v) in votes {
        v.vote = vote_from_db(value)?;
        room.votes.push(v);
    }
    room.spectrums = room_rows(
        conn,
        "SELECT id, sid, open_round, created, rounds FROM spectrums WHERE room_id = ? ORDER BY id",
        id,
        |r| {
            Ok(StoredSpectrum {
                id: r.get(0)?,
                sid: r.get(1)?,
                open_round: r.get(2)?,
                created: r.get(3)?,
                rounds: r.get(4)?,
            })
        },
    )?;
    room.positions = room_rows(
        conn,
        "SELECT spectrum, round, pid, position FROM spectrum_positions WHERE room_id = ?
         ORDER BY spectrum, round, pid",
        id,
        |r| {
            Ok(StoredPosition {
                spectrum: r.get(0)?,
                round: r.get(1)?,
                pid: r.get(2)?,
                position: r.get(3)?,
            })
        },
    )?;
    room.tables = super::tables::load(conn, id)?;
    room.controls = super::controls::load_controls(conn, id)?;
    room.snapshots = super::controls::load_snapshots(conn, id)?;
    room.frozen_groups = super::controls::load_frozen_groups(conn, id)?;
    room.brief = super::brief::load_brief(conn, id)?;
    room.removed = room_rows(
        conn,
        "SELECT pid FROM participants WHERE room_id = ? AND removed IS NOT NULL ORDER BY pid",
        id,
        |r| r.get(0),
    )?;
    Ok(())
}
