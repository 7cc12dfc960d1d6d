//! The SQLite file: schema, migrations, loading every room at start, and one writer thread that
//! commits in groups.
//!
//! Why one writer: SQLite takes one writer at a time anyway, and a thread that drains every
//! pending write into one transaction turns a burst of 200 phones' votes into one fsync instead
//! of 200 (group commit). A caller gets its answer only after the transaction holding its write
//! has committed, which is what lets the server acknowledge a vote only once it is durable.
//! The database runs in WAL mode with `synchronous = FULL`: a commit survives a killed process
//! and a power cut.
//!
//! The database is the log; the rooms live in memory (see `room.rs`) and are rebuilt from it at
//! start. Reads after start never touch the file.

use std::path::Path;
use std::sync::mpsc;
use std::thread;

use polyphony_core::Vote;
use polyphony_protocol::{ModerationState, RoomSettings, Stage};
use rusqlite::{params, Connection, OptionalExtension};
use tokio::sync::oneshot;

use crate::error::ServerError;

/// Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
const MIGRATIONS: &[&str] = &[r#"
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
"#];

/// A room as stored.
#[derive(Clone, Debug)]
pub struct StoredRoom {
    /// Row id.
    pub id: i64,
    /// Join code.
    pub code: String,
    /// Facilitator key.
    pub facilitator_key: String,
    /// Topic.
    pub topic: String,
    /// Description.
    pub description: String,
    /// Language tag.
    pub language: String,
    /// Settings.
    pub settings: RoomSettings,
    /// Stage.
    pub stage: Stage,
    /// Closed.
    pub closed: bool,
    /// Engine seed.
    pub seed: u64,
    /// Creation time (ms).
    pub created: i64,
    /// Engine state JSON after the last update.
    pub engine_state: Option<String>,
    /// Participants by pid.
    pub participants: Vec<StoredParticipant>,
    /// Statements by sid.
    pub statements: Vec<StoredStatement>,
    /// Every vote event, in commit order.
    pub votes: Vec<StoredVote>,
    /// Spectrums by id.
    pub spectrums: Vec<StoredSpectrum>,
    /// Latest position per spectrum, round and participant.
    pub positions: Vec<StoredPosition>,
}

/// A participant as stored.
#[derive(Clone, Debug)]
pub struct StoredParticipant {
    /// Participant id in the room (0, 1, …).
    pub pid: u32,
    /// Their secret token.
    pub token: String,
    /// Join time (ms).
    pub created: i64,
}

/// A statement as stored.
#[derive(Clone, Debug)]
pub struct StoredStatement {
    /// Statement id in the room (0, 1, …).
    pub sid: u32,
    /// Text.
    pub text: String,
    /// Participant who wrote it; `None` for the facilitator.
    pub author: Option<u32>,
    /// Seed statement.
    pub is_seed: bool,
    /// Moderation state.
    pub moderation: ModerationState,
    /// Creation time (ms).
    pub created: i64,
    /// The client's id for it.
    pub client_id: Option<String>,
}

/// A vote event as stored.
#[derive(Clone, Debug)]
pub struct StoredVote {
    /// Participant.
    pub pid: u32,
    /// Statement.
    pub sid: u32,
    /// Vote.
    pub vote: Vote,
    /// Commit time (ms, strictly increasing across the server).
    pub time: i64,
    /// The client's id.
    pub client_id: String,
}

/// A spectrum as stored.
#[derive(Clone, Debug)]
pub struct StoredSpectrum {
    /// Spectrum id in the room (0, 1, …).
    pub id: u32,
    /// Statement.
    pub sid: u32,
    /// Open round.
    pub open_round: Option<u8>,
    /// Creation time (ms).
    pub created: i64,
}

/// A spectrum position as stored.
#[derive(Clone, Debug)]
pub struct StoredPosition {
    /// Spectrum.
    pub spectrum: u32,
    /// Round.
    pub round: u8,
    /// Participant.
    pub pid: u32,
    /// −2 … 2.
    pub position: i8,
}

type Finish = Box<dyn FnOnce(Result<(), ServerError>) + Send>;
type WriteJob = Box<dyn FnOnce(Result<&Connection, ServerError>) -> Finish + Send>;

enum Job {
    Write(WriteJob),
    Checkpoint(oneshot::Sender<Result<(), ServerError>>),
}

/// Handle to the writer thread; cheap to clone.
#[derive(Clone)]
pub struct Store {
    jobs: mpsc::Sender<Job>,
}

fn db_err(e: rusqlite::Error) -> ServerError {
    ServerError::Storage(e.to_string())
}

impl Store {
    /// Opens (creating if needed) the database, runs the migrations, loads every room and starts
    /// the writer thread.
    pub fn open(path: &Path) -> Result<(Store, Vec<StoredRoom>), ServerError> {
        let mut conn = Connection::open(path).map_err(|e| {
            ServerError::Storage(format!("cannot open database {}: {e}", path.display()))
        })?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(db_err)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(db_err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(db_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(db_err)?;
        migrate(&mut conn)?;
        let rooms = load_rooms(&conn)?;
        let (tx, rx) = mpsc::channel::<Job>();
        thread::Builder::new()
            .name("polyphony-sqlite-writer".into())
            .spawn(move || writer_loop(conn, rx))
            .map_err(|e| ServerError::Storage(format!("cannot start the writer thread: {e}")))?;
        Ok((Store { jobs: tx }, rooms))
    }

    /// Runs `f` inside the next group transaction and answers once that transaction committed.
    /// An error from `f` rolls back `f`'s own writes only.
    pub async fn write<T, F>(&self, f: F) -> Result<T, ServerError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, ServerError> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel::<Result<T, ServerError>>();
        let job: WriteJob = Box::new(move |conn| {
            let result = match conn {
                Ok(conn) => in_savepoint(conn, f),
                Err(e) => Err(e),
            };
            Box::new(move |commit: Result<(), ServerError>| {
                let _ = tx.send(commit.and(result));
            })
        });
        self.jobs
            .send(Job::Write(job))
            .map_err(|_| ServerError::Storage("the database writer has stopped".into()))?;
        rx.await
            .map_err(|_| ServerError::Storage("the database writer has stopped".into()))?
    }

    /// Waits for every earlier write, then folds the WAL back into the database file.
    pub async fn checkpoint(&self) -> Result<(), ServerError> {
        let (tx, rx) = oneshot::channel();
        self.jobs
            .send(Job::Checkpoint(tx))
            .map_err(|_| ServerError::Storage("the database writer has stopped".into()))?;
        rx.await
            .map_err(|_| ServerError::Storage("the database writer has stopped".into()))?
    }
}

fn in_savepoint<T>(
    conn: &Connection,
    f: impl FnOnce(&Connection) -> Result<T, ServerError>,
) -> Result<T, ServerError> {
    conn.execute_batch("SAVEPOINT job").map_err(db_err)?;
    match f(conn) {
        Ok(v) => {
            conn.execute_batch("RELEASE job").map_err(db_err)?;
            Ok(v)
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK TO job; RELEASE job");
            Err(e)
        }
    }
}

/// Most jobs one transaction takes; the rest wait for the next.
const MAX_GROUP: usize = 1024;

fn writer_loop(conn: Connection, rx: mpsc::Receiver<Job>) {
    while let Ok(first) = rx.recv() {
        let mut jobs = vec![first];
        while jobs.len() < MAX_GROUP {
            match rx.try_recv() {
                Ok(j) => jobs.push(j),
                Err(_) => break,
            }
        }
        let mut writes = Vec::new();
        let mut checkpoints = Vec::new();
        for job in jobs {
            match job {
                Job::Write(w) => writes.push(w),
                Job::Checkpoint(tx) => checkpoints.push(tx),
            }
        }
        if !writes.is_empty() {
            let begun = conn.execute_batch("BEGIN IMMEDIATE").map_err(db_err);
            let finishes: Vec<Finish> = match &begun {
                Ok(()) => writes.into_iter().map(|w| w(Ok(&conn))).collect(),
                Err(e) => writes.into_iter().map(|w| w(Err(e.clone()))).collect(),
            };
            let commit = begun.and_then(|()| conn.execute_batch("COMMIT").map_err(db_err));
            if commit.is_err() {
                let _ = conn.execute_batch("ROLLBACK");
            }
            for finish in finishes {
                finish(commit.clone());
            }
        }
        for tx in checkpoints {
            let r = conn
                .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
                .map_err(db_err);
            let _ = tx.send(r);
        }
    }
}

fn migrate(conn: &mut Connection) -> Result<(), ServerError> {
    let done: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(db_err)?;
    let done = usize::try_from(done).unwrap_or(0);
    if done > MIGRATIONS.len() {
        return Err(ServerError::Storage(format!(
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

fn vote_from_db(v: i64) -> Result<Vote, ServerError> {
    Vote::from_agree_positive(v)
        .ok_or_else(|| ServerError::Storage(format!("vote value {v} in the database")))
}

fn load_rooms(conn: &Connection) -> Result<Vec<StoredRoom>, ServerError> {
    let mut rooms = Vec::new();
    let mut stmt = conn
        .prepare(
            "SELECT id, code, facilitator_key, topic, description, language, settings, stage,
                    closed, seed, created, engine_state FROM rooms ORDER BY id",
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
        ) = row.map_err(db_err)?;
        let settings: RoomSettings = serde_json::from_str(&settings)
            .map_err(|e| ServerError::Storage(format!("room {code}: settings: {e}")))?;
        let stage = Stage::parse(&stage)
            .ok_or_else(|| ServerError::Storage(format!("room {code}: stage {stage}")))?;
        rooms.push(StoredRoom {
            id,
            code,
            facilitator_key: key,
            topic,
            description,
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
        });
    }
    for room in &mut rooms {
        load_room_rows(conn, room)?;
    }
    Ok(rooms)
}

/// Every row `sql` returns for a room, mapped by `f`.
fn room_rows<T>(
    conn: &Connection,
    sql: &str,
    room_id: i64,
    f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>, ServerError> {
    let mut s = conn.prepare(sql).map_err(db_err)?;
    let rows = s
        .query_map([room_id], f)
        .map_err(db_err)?
        .collect::<Result<_, _>>()
        .map_err(db_err)?;
    Ok(rows)
}

fn load_room_rows(conn: &Connection, room: &mut StoredRoom) -> Result<(), ServerError> {
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
            return Err(ServerError::Storage(format!(
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
        "SELECT id, sid, open_round, created FROM spectrums WHERE room_id = ? ORDER BY id",
        id,
        |r| {
            Ok(StoredSpectrum {
                id: r.get(0)?,
                sid: r.get(1)?,
                open_round: r.get(2)?,
                created: r.get(3)?,
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
    Ok(())
}

// ---- writes (each runs inside a group transaction, see `Store::write`) ----

/// Inserts a room with its seed statements; returns its row id.
pub fn insert_room(
    conn: &Connection,
    room: &StoredRoom,
    creator_address: Option<&str>,
) -> Result<i64, ServerError> {
    let settings =
        serde_json::to_string(&room.settings).map_err(|e| ServerError::Storage(e.to_string()))?;
    conn.execute(
        "INSERT INTO rooms (code, facilitator_key, topic, description, language, settings, stage,
                            closed, seed, created, creator_address)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
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
    Ok(id)
}

/// Inserts a statement.
pub fn insert_statement(
    conn: &Connection,
    room_id: i64,
    s: &StoredStatement,
) -> Result<(), ServerError> {
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
) -> Result<(), ServerError> {
    conn.execute(
        "INSERT INTO participants (room_id, pid, token, created) VALUES (?1, ?2, ?3, ?4)",
        params![room_id, p.pid, p.token, p.created],
    )
    .map_err(db_err)?;
    Ok(())
}

/// Inserts a vote event unless this participant already sent this client id; returns whether
/// it was inserted.
pub fn insert_vote(conn: &Connection, room_id: i64, v: &StoredVote) -> Result<bool, ServerError> {
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

/// Looks up a statement by its author's client id.
pub fn statement_by_client_id(
    conn: &Connection,
    room_id: i64,
    author: u32,
    client_id: &str,
) -> Result<Option<u32>, ServerError> {
    conn.query_row(
        "SELECT sid FROM statements WHERE room_id = ?1 AND author = ?2 AND client_id = ?3",
        params![room_id, author, client_id],
        |r| r.get(0),
    )
    .optional()
    .map_err(db_err)
}

/// Updates one column of a room.
pub fn update_room_field(
    conn: &Connection,
    room_id: i64,
    field: RoomField,
) -> Result<(), ServerError> {
    let r = match field {
        RoomField::Settings(s) => {
            let json =
                serde_json::to_string(&s).map_err(|e| ServerError::Storage(e.to_string()))?;
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
) -> Result<(), ServerError> {
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
) -> Result<(), ServerError> {
    conn.execute(
        "INSERT INTO spectrums (room_id, id, sid, open_round, created) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (room_id, id) DO UPDATE SET open_round = excluded.open_round",
        params![room_id, s.id, s.sid, s.open_round, s.created],
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
) -> Result<(), ServerError> {
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn room(code: &str) -> StoredRoom {
        StoredRoom {
            id: 0,
            code: code.into(),
            facilitator_key: "k".into(),
            topic: "t".into(),
            description: String::new(),
            language: "en".into(),
            settings: RoomSettings::default(),
            stage: Stage::Collect,
            closed: false,
            seed: u64::MAX,
            created: 1,
            engine_state: None,
            participants: vec![StoredParticipant {
                pid: 0,
                token: format!("tok-{code}"),
                created: 1,
            }],
            statements: vec![StoredStatement {
                sid: 0,
                text: "s".into(),
                author: None,
                is_seed: true,
                moderation: ModerationState::Accepted,
                created: 1,
                client_id: None,
            }],
            votes: vec![],
            spectrums: vec![],
            positions: vec![],
        }
    }

    #[tokio::test]
    async fn writes_survive_reopen_and_duplicate_ids_insert_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.db");
        {
            let (store, rooms) = Store::open(&path).unwrap();
            assert!(rooms.is_empty());
            let id = store
                .write(|c| insert_room(c, &room("ABCDEF"), None))
                .await
                .unwrap();
            let vote = StoredVote {
                pid: 0,
                sid: 0,
                vote: Vote::Disagree,
                time: 5,
                client_id: "v1".into(),
            };
            for expect in [true, false, false] {
                let v = vote.clone();
                let inserted = store.write(move |c| insert_vote(c, id, &v)).await.unwrap();
                assert_eq!(inserted, expect);
            }
            // A failing job rolls back only itself.
            let bad = store
                .write(move |c| insert_statement(c, id + 100, &room("X").statements[0]))
                .await;
            assert!(bad.is_err());
            store.checkpoint().await.unwrap();
        }
        let (_store, rooms) = Store::open(&path).unwrap();
        assert_eq!(rooms.len(), 1);
        assert_eq!(rooms[0].seed, u64::MAX);
        assert_eq!(rooms[0].votes.len(), 1);
        assert_eq!(rooms[0].votes[0].vote, Vote::Disagree);
        assert_eq!(rooms[0].statements.len(), 1);
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.db");
        let c = Connection::open(&path).unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
        drop(c);
        let err = Store::open(&path).err().unwrap();
        assert!(err.to_string().contains("newer"), "{err}");
    }
}
