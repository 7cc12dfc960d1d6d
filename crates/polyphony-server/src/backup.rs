//! Backups: a consistent copy of the database, taken with SQLite's online backup API while the
//! server runs (`polyphony serve --backup DIR`), and [`restore_database`] to carry on from one.
//!
//! A copy is taken from its own read-only connection in one backup step, that is inside one
//! read transaction: it holds exactly the transactions committed when it began — so every vote
//! acknowledged before then, since nothing is acknowledged before it is committed. It is
//! written to a temporary file, synced, then renamed over the previous copy, so the folder
//! always holds one whole copy. A restore checks the copy is a Polyphony database this build
//! serves (schema version, tables, a trial open) before it writes anything.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use crate::room::RoomError;
use crate::store::StoreError;
use crate::AppState;

fn store_err(what: &str, path: &Path, e: impl std::fmt::Display) -> StoreError {
    StoreError::Failed(format!("{what} {}: {e}", path.display()))
}

/// Copies `from` (an open connection) page by page into a new database at `to`.
fn copy(from: &Connection, to: &Path) -> Result<(), StoreError> {
    let mut dst = Connection::open(to).map_err(|e| store_err("cannot create", to, e))?;
    {
        let backup =
            Backup::new(from, &mut dst).map_err(|e| store_err("cannot back up to", to, e))?;
        // One step of every page: one read transaction, so one consistent state. A writer
        // holding the lock makes the step busy: wait a little and try again.
        let mut tries = 0;
        loop {
            match backup.step(-1) {
                Ok(StepResult::Done) => break,
                Ok(StepResult::More) => {}
                Ok(other) => {
                    if tries >= 200 {
                        return Err(store_err("backup kept failing", to, format!("{other:?}")));
                    }
                    tries += 1;
                    std::thread::sleep(Duration::from_millis(25));
                }
                Err(e) => return Err(store_err("backup failed", to, e)),
            }
        }
    }
    // The copy keeps the source's WAL mode; fold everything into the one file.
    dst.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .map_err(|e| store_err("cannot checkpoint", to, e))?;
    dst.close()
        .map_err(|(_, e)| store_err("cannot close", to, e))?;
    Ok(())
}

/// Removes a database file's WAL and shared-memory companions, if any.
fn remove_companions(db: &Path) {
    for ext in ["-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(ext);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

/// Where `--backup DIR` keeps the copy of database `db`: `DIR/<db name>.backup`.
pub fn backup_path(db: &Path, dir: &Path) -> PathBuf {
    let name = db.file_name().map_or_else(
        || "polyphony.db".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    dir.join(format!("{name}.backup"))
}

/// Writes a consistent copy of database `db` to `dest` (atomically replacing it).
pub fn backup_database(db: &Path, dest: &Path) -> Result<(), StoreError> {
    let src = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| store_err("cannot open", db, e))?;
    src.busy_timeout(Duration::from_secs(5))
        .map_err(|e| store_err("cannot open", db, e))?;
    let mut tmp = dest.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let _ = std::fs::remove_file(&tmp);
    remove_companions(&tmp);
    copy(&src, &tmp)?;
    remove_companions(&tmp);
    std::fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .map_err(|e| store_err("cannot sync", &tmp, e))?;
    std::fs::rename(&tmp, dest).map_err(|e| store_err("cannot rename to", dest, e))?;
    if let Some(dir) = dest.parent() {
        // The rename itself survives a power cut once the folder is synced (unix).
        let _ = std::fs::File::open(dir).and_then(|f| f.sync_all());
    }
    Ok(())
}

/// What a restore found in the backup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Restored {
    /// Join codes of the rooms in the restored database.
    pub rooms: Vec<String>,
}

/// The tables of Polyphony's first schema: every Polyphony database has them.
const FIRST_TABLES: &[&str] = &[
    "rooms",
    "participants",
    "statements",
    "votes",
    "spectrums",
    "spectrum_positions",
];

/// Whether `src` looks like a Polyphony database: a schema version (`PRAGMA user_version`, 1 or
/// more: Polyphony sets it with its first migration) and the first schema's tables.
fn check_schema(src: &Connection, backup: &Path) -> Result<(), StoreError> {
    let version: i64 = src
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(|e| store_err("cannot check", backup, e))?;
    if version < 1 {
        return Err(store_err(
            "not a Polyphony database:",
            backup,
            format!("its schema version is {version} (a Polyphony database's is 1 or more)"),
        ));
    }
    for table in FIRST_TABLES {
        let found: bool = src
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
                [table],
                |r| r.get(0),
            )
            .map_err(|e| store_err("cannot check", backup, e))?;
        if !found {
            return Err(store_err(
                "not a Polyphony database:",
                backup,
                format!("it has no `{table}` table (schema version {version})"),
            ));
        }
    }
    Ok(())
}

/// Opens a copy of `src` next to `db` as `polyphony serve` would (its migrations run, every room
/// loads), then removes the copy: a backup this build cannot serve is refused before `db` is
/// touched (a schema newer than this build's included).
fn check_serves(src: &Connection, backup: &Path, db: &Path) -> Result<(), StoreError> {
    let mut trial = db.as_os_str().to_owned();
    trial.push(".restore-check");
    let trial = PathBuf::from(trial);
    let clean = || {
        let _ = std::fs::remove_file(&trial);
        remove_companions(&trial);
    };
    clean();
    let opened = copy(src, &trial)
        .and_then(|()| crate::store::Store::open(&crate::store::Database::Sqlite(trial.clone())));
    // The store's writer thread ends once its handle is dropped; the copy goes either way.
    let result = opened
        .map(drop)
        .map_err(|e| store_err("cannot serve", backup, e));
    clean();
    result
}

/// Makes `db` a copy of backup `backup`, checked first: it opens, passes SQLite's integrity
/// check, has a Polyphony schema version and tables, and a copy of it opens as `polyphony
/// serve` opens a database (migrations, every room loaded) — so `serve` starts on what was
/// restored. Refuses to replace an existing `db` unless `replace`; a refused backup leaves `db`
/// as it was.
pub fn restore_database(backup: &Path, db: &Path, replace: bool) -> Result<Restored, StoreError> {
    if !backup.is_file() {
        return Err(store_err("no backup at", backup, "not a file"));
    }
    if db.exists() && !replace {
        return Err(store_err(
            "will not replace",
            db,
            "it exists (pass --force to replace it, or choose another --db)",
        ));
    }
    let src = Connection::open_with_flags(backup, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| store_err("cannot open", backup, e))?;
    let check: String = src
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| store_err("cannot check", backup, e))?;
    if check != "ok" {
        return Err(store_err("damaged backup", backup, check));
    }
    check_schema(&src, backup)?;
    check_serves(&src, backup, db)?;
    let rooms = {
        let mut stmt = src
            .prepare("SELECT code FROM rooms ORDER BY code")
            .map_err(|e| store_err("not a Polyphony database:", backup, e))?;
        let codes = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(|e| store_err("cannot read", backup, e))?;
        codes
            .collect::<Result<Vec<String>, _>>()
            .map_err(|e| store_err("cannot read", backup, e))?
    };
    let _ = std::fs::remove_file(db);
    remove_companions(db);
    copy(&src, db)?;
    remove_companions(db);
    Ok(Restored { rooms })
}

impl AppState {
    /// Writes a consistent copy of the database into `dir` now (see [`backup_path`]).
    pub async fn backup_to(&self, dir: &Path) -> Result<PathBuf, RoomError> {
        // PostgreSQL has its own tools for this (pg_dump, replication); `serve` refuses
        // `--backup` with it, and this answers the same to any other caller.
        let Some(db) = self.inner.db.sqlite_path().map(Path::to_path_buf) else {
            return Err(RoomError::Internal(
                "backups copy a SQLite file; for PostgreSQL use pg_dump or replication".into(),
            ));
        };
        let dest = backup_path(&db, dir);
        let out = dest.clone();
        tokio::task::spawn_blocking(move || backup_database(&db, &dest))
            .await
            .map_err(|e| RoomError::Internal(format!("backup task: {e}")))??;
        Ok(out)
    }

    /// Keeps a copy of the database in `dir`: every `every`, and at once after a stage change,
    /// until shutdown. A failed copy is logged and tried again next time.
    pub async fn run_backups(self, dir: PathBuf, every: Duration) {
        let mut shutdown = std::pin::pin!(self.shutdown_requested());
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                () = self.inner.backup_now.notified() => {}
                () = &mut shutdown => return,
            }
            match self.backup_to(&dir).await {
                Ok(path) => tracing::debug!(path = %path.display(), "backup written"),
                Err(e) => tracing::error!(error = %e, dir = %dir.display(), "backup failed"),
            }
        }
    }

    /// Asks the backup task (if any) for a copy now.
    pub(crate) fn backup_soon(&self) {
        self.inner.backup_now.notify_one();
    }
}
