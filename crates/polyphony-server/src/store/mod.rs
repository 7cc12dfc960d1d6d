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
//! The database is the log; the rooms live in memory (see `room/`) and are rebuilt from it at
//! start. Reads after start never touch the file.
//!
//! The room's commands write through one interface, [`RoomWrites`] (`room_writes.rs`), handed
//! to them by [`Store::write_room`]; the SQL behind it is this module's alone, so another
//! backend replaces what is here and nothing above it.

mod brief;
mod controls;
mod room_writes;
mod schema;
mod tables;
mod write;

use std::path::Path;
use std::sync::mpsc;
use std::thread;

use polyphony_core::Vote;
use polyphony_protocol::{ModerationState, RoomSettings, Stage};
use rusqlite::Connection;
use tokio::sync::oneshot;

pub use brief::update_brief;
pub use controls::{insert_snapshot, update_controls, update_frozen_groups, StoredSnapshot};
pub(crate) use room_writes::{RoomWrites, SqliteRoomWrites};
pub use tables::{
    dissolve_plan, insert_consent, insert_draw, insert_note_once, insert_plan, insert_request,
    insert_seat, release_note, request_seen, withdraw_note, StoredDraw, StoredNote, StoredPlan,
    StoredSeat, StoredTables,
};
pub use write::*;

/// A database failure: what SQLite (or the writer thread) said. Its text is for the log, never
/// for a client.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{0}")]
pub struct StoreError(pub String);

pub(crate) fn db_err(e: rusqlite::Error) -> StoreError {
    StoreError(e.to_string())
}

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
    /// House rules (empty: the app's standard rules).
    pub rules: String,
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
    /// Discussion tables, reporters, notes and consent.
    pub tables: StoredTables,
    /// The facilitator's controls.
    pub controls: polyphony_protocol::RoomControls,
    /// Analysis snapshots, oldest first.
    pub snapshots: Vec<StoredSnapshot>,
    /// The frozen groups, if the facilitator froze them.
    pub frozen_groups: Option<polyphony_core::FrozenGroups>,
    /// The briefing cards, in order.
    pub brief: Vec<polyphony_protocol::BriefCard>,
    /// Participants the facilitator removed (`RemoveJoined`): kept in `participants` and
    /// `votes` as the record, out of the room and its analysis.
    pub removed: Vec<u32>,
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
    /// Rounds opened so far (at least the open one).
    pub rounds: u8,
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

type Finish = Box<dyn FnOnce(Result<(), StoreError>) + Send>;
type WriteJob = Box<dyn FnOnce(Result<&Connection, StoreError>) -> Finish + Send>;

enum Job {
    Write(WriteJob),
    Checkpoint(oneshot::Sender<Result<(), StoreError>>),
}

/// Handle to the writer thread; cheap to clone.
#[derive(Clone)]
pub struct Store {
    jobs: mpsc::Sender<Job>,
}

impl Store {
    /// Opens (creating if needed) the database, runs the migrations, loads every room and starts
    /// the writer thread.
    pub fn open(path: &Path) -> Result<(Store, Vec<StoredRoom>), StoreError> {
        let mut conn = Connection::open(path)
            .map_err(|e| StoreError(format!("cannot open database {}: {e}", path.display())))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(db_err)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(db_err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(db_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(db_err)?;
        schema::migrate(&mut conn)?;
        let rooms = schema::load_rooms(&conn)?;
        let (tx, rx) = mpsc::channel::<Job>();
        thread::Builder::new()
            .name("polyphony-sqlite-writer".into())
            .spawn(move || writer_loop(conn, rx))
            .map_err(|e| StoreError(format!("cannot start the writer thread: {e}")))?;
        Ok((Store { jobs: tx }, rooms))
    }

    /// Runs `f` inside the next group transaction and answers once that transaction committed.
    /// An error from `f` rolls back `f`'s own writes only.
    pub async fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel::<Result<T, StoreError>>();
        let job: WriteJob = Box::new(move |conn| {
            let result = match conn {
                Ok(conn) => in_savepoint(conn, f),
                Err(e) => Err(e),
            };
            Box::new(move |commit: Result<(), StoreError>| {
                let _ = tx.send(commit.and(result));
            })
        });
        self.jobs
            .send(Job::Write(job))
            .map_err(|_| StoreError("the database writer has stopped".into()))?;
        rx.await
            .map_err(|_| StoreError("the database writer has stopped".into()))?
    }

    /// Runs `f` with room `room_id`'s [`RoomWrites`] inside the next group transaction and
    /// answers once that transaction committed: the path every room command's write takes.
    pub(crate) async fn write_room<T, F>(&self, room_id: i64, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn RoomWrites) -> Result<T, StoreError> + Send + 'static,
    {
        self.write(move |conn| f(&mut SqliteRoomWrites { conn, room_id }))
            .await
    }

    /// Waits for every earlier write, then folds the WAL back into the database file.
    pub async fn checkpoint(&self) -> Result<(), StoreError> {
        let (tx, rx) = oneshot::channel();
        self.jobs
            .send(Job::Checkpoint(tx))
            .map_err(|_| StoreError("the database writer has stopped".into()))?;
        rx.await
            .map_err(|_| StoreError("the database writer has stopped".into()))?
    }
}

fn in_savepoint<T>(
    conn: &Connection,
    f: impl FnOnce(&Connection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
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
            rules: String::new(),
            language: "en".into(),
            settings: RoomSettings::default(),
            stage: Stage::Collect,
            closed: false,
            seed: u64::MAX,
            created: 1,
            engine_state: None,
            controls: Default::default(),
            snapshots: Vec::new(),
            frozen_groups: None,
            brief: Vec::new(),
            removed: Vec::new(),
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
            tables: StoredTables::default(),
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
