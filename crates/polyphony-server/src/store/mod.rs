//! The store: schema, migrations, loading every room at start, and one writer thread that
//! commits in groups, on SQLite (a file, the default) or PostgreSQL (`postgres://…`).
//!
//! Why one writer: SQLite takes one writer at a time anyway, and a thread that drains every
//! pending write into one transaction turns a burst of 200 phones' votes into one fsync instead
//! of 200 (group commit). A caller gets its answer only after the transaction holding its write
//! has committed, which is what lets the server acknowledge a vote only once it is durable.
//! PostgreSQL gets the same thread for the same reasons: one transaction per batch is one WAL
//! flush per batch, and the order of commits is the order of the queue, whichever backend.
//!
//! The database is the log; the rooms live in memory (see `room/`) and are rebuilt from it at
//! start. Reads after start never touch the database.
//!
//! One interface above, two backends below: [`Store`] (open, [`Store::write_room`],
//! [`Store::insert_room`], [`Store::checkpoint`]) is all the server sees. Underneath, a backend
//! is a [`Backend`] (begin / savepoint / commit of the group transaction, and the writes) that
//! the shared writer loop drives: [`sqlite::SqliteBackend`] over `write.rs`, `tables.rs`,
//! `controls.rs`, `brief.rs` and `schema.rs`, and [`pg::PgBackend`] (`pg/`: the connection in
//! `mod.rs`, its own dialect of the same schema and migrations in `schema.rs`, `load.rs`,
//! `writes.rs`; leases in `lease.rs`). The room's commands write through
//! [`RoomWrites`] (`room_writes.rs`), which both backends implement. `migrate/` copies a
//! SQLite store's rows into a PostgreSQL one, table by table (`polyphony migrate`).

mod brief;
mod controls;
pub(crate) mod lease;
mod migrate;
mod pg;
mod room_writes;
mod schema;
mod sqlite;
mod tables;
#[cfg(test)]
mod test_postgres;
mod write;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;

use polyphony_core::Vote;
use polyphony_protocol::{ModerationState, RoomSettings, Stage};
use tokio::sync::oneshot;

pub use brief::update_brief;
pub use controls::{insert_snapshot, update_controls, update_frozen_groups, StoredSnapshot};
pub use lease::Instance;
pub(crate) use lease::{Fences, Whereabouts};
pub use migrate::MigrateError;
pub(crate) use migrate::{check_source, codes_in_target, copy_rooms, PendingCopy};
pub(crate) use pg::{connect_as, PgBackend};
pub(crate) use room_writes::RoomWrites;
pub use tables::{
    dissolve_plan, insert_consent, insert_draw, insert_note_once, insert_plan, insert_request,
    insert_seat, release_note, request_seen, withdraw_note, StoredDraw, StoredNote, StoredPlan,
    StoredSeat, StoredTables,
};
pub use write::*;

/// A database failure: what SQLite or PostgreSQL (or the writer thread) said, or a write this
/// instance may no longer make. Its text is for the log, never for a client.
#[derive(Clone, Debug, thiserror::Error)]
pub enum StoreError {
    /// The database (or the writer thread) failed; the text is for the log.
    #[error("{0}")]
    Failed(String),
    /// Fencing: this instance no longer holds the room's lease (another instance took the
    /// room over while this one was paused or cut off), so the write was refused, not made.
    #[error("room {0} is served by another instance now: this one lost its lease")]
    LeaseLost(i64),
}

pub(crate) fn db_err(e: rusqlite::Error) -> StoreError {
    StoreError::Failed(e.to_string())
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

/// Where the rooms are stored: the `--db` value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Database {
    /// A SQLite file (created when missing).
    Sqlite(PathBuf),
    /// A PostgreSQL connection string (`postgres://user@host/db`); its schema is created when
    /// missing.
    Postgres(String),
}

impl Database {
    /// Reads a `--db` value: a `postgres://` or `postgresql://` URL is PostgreSQL, anything else
    /// a SQLite file path (so every existing command line keeps its meaning).
    pub fn parse(value: &str) -> Database {
        let lower = value.trim_start().to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            Database::Postgres(value.trim().to_owned())
        } else {
            Database::Sqlite(PathBuf::from(value))
        }
    }

    /// The SQLite file, if this is one (backups are SQLite's).
    pub fn sqlite_path(&self) -> Option<&Path> {
        match self {
            Database::Sqlite(p) => Some(p),
            Database::Postgres(_) => None,
        }
    }

    /// What to print or log: the path, or the URL without its password.
    pub fn describe(&self) -> String {
        match self {
            Database::Sqlite(p) => p.display().to_string(),
            Database::Postgres(url) => pg::redact(url),
        }
    }
}

impl From<&Path> for Database {
    fn from(p: &Path) -> Self {
        Database::Sqlite(p.to_path_buf())
    }
}

/// One backend's connection, driven by the writer loop: the group transaction's edges and the
/// writes inside it. Both backends implement it; nothing outside `store/` sees it.
pub(crate) trait Backend: Send + 'static {
    /// Starts the group transaction.
    fn begin(&mut self) -> Result<(), StoreError>;
    /// Commits it.
    fn commit(&mut self) -> Result<(), StoreError>;
    /// Rolls it back (after a failed commit; errors are moot then).
    fn rollback(&mut self);
    /// Opens a savepoint for one job, so a failing job undoes only its own writes.
    fn savepoint(&mut self) -> Result<(), StoreError>;
    /// Keeps the job's writes.
    fn release(&mut self) -> Result<(), StoreError>;
    /// Undoes the job's writes.
    fn rollback_to_savepoint(&mut self);
    /// Refuses room `room_id`'s writes unless this instance still holds the room (PostgreSQL's
    /// lease fence, `lease.rs`); a SQLite file has one server, nothing to check.
    fn fence(&mut self, _room_id: i64) -> Result<(), StoreError> {
        Ok(())
    }
    /// Room `room_id`'s writes inside the open transaction.
    fn room_writes(&mut self, room_id: i64) -> Box<dyn RoomWrites + '_>;
    /// Inserts a new room (seed statements, participants, votes, brief); answers its row id.
    fn insert_room(
        &mut self,
        room: &StoredRoom,
        creator_address: Option<&str>,
    ) -> Result<i64, StoreError>;
    /// Makes everything committed so far durable in the database's main files (SQLite: folds
    /// the WAL back; PostgreSQL: nothing to do, its own checkpointer runs).
    fn checkpoint(&mut self) -> Result<(), StoreError>;
}

type Finish = Box<dyn FnOnce(Result<(), StoreError>) + Send>;
type WriteJob = Box<dyn FnOnce(Result<&mut dyn Backend, StoreError>) -> Finish + Send>;

enum Job {
    Write(WriteJob),
    Checkpoint(oneshot::Sender<Result<(), StoreError>>),
}

/// Handle to the writer thread, whichever backend it writes to; cheap to clone.
#[derive(Clone)]
pub struct Store {
    jobs: mpsc::Sender<Job>,
    /// On PostgreSQL: what the lease thread needs (the URL, who this instance is, the rooms it
    /// holds).
    leases: Option<Leasing>,
}

/// What the lease thread of a PostgreSQL store needs.
#[derive(Clone)]
pub(crate) struct Leasing {
    pub(crate) url: String,
    pub(crate) instance: Instance,
    pub(crate) fences: Fences,
}

impl Store {
    /// Opens (creating if needed) the database, runs the migrations, loads every room and starts
    /// the writer thread, as the only instance on it ([`Instance::solo`]). Blocking: call it
    /// off the async runtime (`spawn_blocking`).
    pub fn open(db: &Database) -> Result<(Store, Vec<StoredRoom>), StoreError> {
        Store::open_as(db, Instance::solo())
    }

    /// [`Store::open`] as `instance`: on PostgreSQL it loads only the rooms it claims at start
    /// (`lease.rs`); a SQLite file has one server, which loads every room.
    pub fn open_as(
        db: &Database,
        instance: Instance,
    ) -> Result<(Store, Vec<StoredRoom>), StoreError> {
        match db {
            Database::Sqlite(path) => {
                let (backend, rooms) = sqlite::SqliteBackend::open(path)?;
                Ok((
                    Store::start(backend, "polyphony-sqlite-writer", None)?,
                    rooms,
                ))
            }
            Database::Postgres(url) => {
                let fences = Fences::default();
                let (backend, rooms) = pg::PgBackend::open(url, instance.clone(), fences.clone())?;
                let leasing = Leasing {
                    url: url.clone(),
                    instance,
                    fences,
                };
                Ok((
                    Store::start(backend, "polyphony-pg-writer", Some(leasing))?,
                    rooms,
                ))
            }
        }
    }

    fn start(
        backend: impl Backend,
        name: &str,
        leases: Option<Leasing>,
    ) -> Result<Store, StoreError> {
        let (tx, rx) = mpsc::channel::<Job>();
        thread::Builder::new()
            .name(name.into())
            .spawn(move || writer_loop(backend, rx))
            .map_err(|e| StoreError::Failed(format!("cannot start the writer thread: {e}")))?;
        Ok(Store { jobs: tx, leases })
    }

    /// What the lease thread needs, on PostgreSQL.
    pub(crate) fn leasing(&self) -> Option<&Leasing> {
        self.leases.as_ref()
    }

    /// Runs `f` inside the next group transaction and answers once that transaction committed.
    /// An error from `f` rolls back `f`'s own writes only.
    async fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn Backend) -> Result<T, StoreError> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel::<Result<T, StoreError>>();
        let job: WriteJob = Box::new(move |backend| {
            let result = match backend {
                Ok(backend) => in_savepoint(backend, f),
                Err(e) => Err(e),
            };
            Box::new(move |commit: Result<(), StoreError>| {
                let _ = tx.send(commit.and(result));
            })
        });
        self.jobs
            .send(Job::Write(job))
            .map_err(|_| StoreError::Failed("the database writer has stopped".into()))?;
        rx.await
            .map_err(|_| StoreError::Failed("the database writer has stopped".into()))?
    }

    /// Runs `f` with room `room_id`'s [`RoomWrites`] inside the next group transaction and
    /// answers once that transaction committed: the path every room command's write takes.
    pub(crate) async fn write_room<T, F>(&self, room_id: i64, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut dyn RoomWrites) -> Result<T, StoreError> + Send + 'static,
    {
        self.write(move |backend| {
            backend.fence(room_id)?;
            f(&mut *backend.room_writes(room_id))
        })
        .await
    }

    /// Inserts a new room (with its seed statements, and the participants and votes of an
    /// import) and answers its row id once committed.
    pub(crate) async fn insert_room(
        &self,
        room: StoredRoom,
        creator_address: Option<String>,
    ) -> Result<i64, StoreError> {
        self.write(move |backend| backend.insert_room(&room, creator_address.as_deref()))
            .await
    }

    /// Waits for every earlier write, then makes the database's files whole (SQLite folds the
    /// WAL back into the database file).
    pub async fn checkpoint(&self) -> Result<(), StoreError> {
        let (tx, rx) = oneshot::channel();
        self.jobs
            .send(Job::Checkpoint(tx))
            .map_err(|_| StoreError::Failed("the database writer has stopped".into()))?;
        rx.await
            .map_err(|_| StoreError::Failed("the database writer has stopped".into()))?
    }
}

fn in_savepoint<T>(
    backend: &mut dyn Backend,
    f: impl FnOnce(&mut dyn Backend) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    backend.savepoint()?;
    match f(backend) {
        Ok(v) => {
            backend.release()?;
            Ok(v)
        }
        Err(e) => {
            backend.rollback_to_savepoint();
            Err(e)
        }
    }
}

/// Most jobs one transaction takes; the rest wait for the next.
const MAX_GROUP: usize = 1024;

/// The one writer: takes every job waiting, runs them in one transaction (each in its own
/// savepoint), commits, and only then answers each job with the commit's outcome.
fn writer_loop(mut backend: impl Backend, rx: mpsc::Receiver<Job>) {
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
            let begun = backend.begin();
            let finishes: Vec<Finish> = match &begun {
                Ok(()) => writes
                    .into_iter()
                    .map(|w| w(Ok(&mut backend as &mut dyn Backend)))
                    .collect(),
                Err(e) => writes.into_iter().map(|w| w(Err(e.clone()))).collect(),
            };
            let commit = begun.and_then(|()| backend.commit());
            if commit.is_err() {
                backend.rollback();
            }
            for finish in finishes {
                finish(commit.clone());
            }
        }
        for tx in checkpoints {
            let _ = tx.send(backend.checkpoint());
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

    /// What every backend must do: a write answered only once committed, a resent client id
    /// stored once (decided inside the transaction), a failing job rolling back only itself,
    /// and everything there after reopening.
    pub(crate) async fn writes_survive_reopen_on(db: Database) {
        {
            let to_open = db.clone();
            let (store, rooms) = tokio::task::spawn_blocking(move || Store::open(&to_open))
                .await
                .unwrap()
                .unwrap();
            assert!(rooms.is_empty());
            let id = store.insert_room(room("ABCDEF"), None).await.unwrap();
            let vote = StoredVote {
                pid: 0,
                sid: 0,
                vote: Vote::Disagree,
                time: 5,
                client_id: "v1".into(),
            };
            // Sent together (one group transaction, or a few): exactly one counts.
            let answers = futures_util::future::join_all((0..3).map(|_| {
                let v = vote.clone();
                store.write_room(id, move |w| w.insert_vote(&v))
            }))
            .await;
            let inserted: Vec<bool> = answers.into_iter().map(Result::unwrap).collect();
            assert_eq!(inserted.iter().filter(|i| **i).count(), 1, "{inserted:?}");
            // A failing job (no such room) rolls back only itself.
            let bad = store
                .write_room(id + 100, |w| {
                    w.insert_statement_once(&room("X").statements[0])
                })
                .await;
            assert!(bad.is_err());
            let ok = store
                .write_room(id, |w| w.remove_participants(&[0], 9))
                .await
                .unwrap();
            assert_eq!(ok, 1);
            store.checkpoint().await.unwrap();
        }
        let (_store, rooms) = tokio::task::spawn_blocking(move || Store::open(&db))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(rooms.len(), 1);
        assert_eq!(rooms[0].seed, u64::MAX);
        assert_eq!(rooms[0].votes.len(), 1);
        assert_eq!(rooms[0].votes[0].vote, Vote::Disagree);
        assert_eq!(rooms[0].statements.len(), 1);
        assert_eq!(rooms[0].removed, [0]);
    }

    #[tokio::test]
    async fn writes_survive_reopen_and_duplicate_ids_insert_once() {
        let dir = tempfile::tempdir().unwrap();
        writes_survive_reopen_on(Database::Sqlite(dir.path().join("p.db"))).await;
    }

    /// The same on PostgreSQL (`POLYPHONY_TEST_POSTGRES`, a server URL whose role may create
    /// databases; `cargo xtask test` starts one). Fails, never skips, without it.
    #[tokio::test]
    async fn writes_survive_reopen_on_postgres() {
        let url = super::test_postgres::fresh_postgres("polyphony_unit");
        writes_survive_reopen_on(Database::Postgres(url)).await;
    }

    #[test]
    fn a_db_value_names_its_backend() {
        assert_eq!(
            Database::parse("polyphony.db"),
            Database::Sqlite("polyphony.db".into())
        );
        assert_eq!(
            Database::parse("postgres://u@h/db"),
            Database::Postgres("postgres://u@h/db".into())
        );
        assert!(matches!(
            Database::parse("postgresql://u@h/db"),
            Database::Postgres(_)
        ));
        assert!(matches!(Database::parse("./postgres"), Database::Sqlite(_)));
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.db");
        let c = rusqlite::Connection::open(&path).unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
        drop(c);
        let err = Store::open(&Database::Sqlite(path)).err().unwrap();
        assert!(err.to_string().contains("newer"), "{err}");
    }
}
