//! Moving a workshop laptop's rooms to a hosted service (`polyphony migrate --from polyphony.db
//! --to postgres://…`): every room of a SQLite store copied into a PostgreSQL store, then
//! checked the way the rooms will be used.
//!
//! The steps, and why each:
//! - the source is checked (a Polyphony SQLite database, not newer than this build) and copied
//!   with SQLite's online backup API into a temporary folder, where this build's migrations
//!   run: the source file is never written, a server still running on it does not disturb the
//!   copy (one read transaction), and a database from an older Polyphony moves too;
//! - join codes already in the target refuse the whole move before anything is written (a
//!   room's phones and facilitator find it by its code, so two rooms cannot share one);
//! - the target's schema is created or migrated as `serve` would, then every row of every room
//!   is copied in one PostgreSQL transaction, each row read back equal inside it
//!   (`store/migrate/`);
//! - with that transaction still open, each room is loaded from both databases as `serve` loads
//!   it, analysed, and its export files (the server's own: `export.rs`, exact cells) compared
//!   byte for byte; only then does the transaction commit, so a difference leaves nothing in
//!   the target and no instance serving it ever sees half a room. The SHA-256 of a room's
//!   exports is what `polyphony migrate` prints, so the two sides can be compared again later
//!   by anyone holding the files.

use std::path::Path;

use polyphony_polis::CsvCells;
use sha2::{Digest, Sha256};

use crate::export::{self, ExportFile};
use crate::room::LiveRoom;
use crate::store::{self, Database, MigrateError, Store, StoreError, StoredRoom};
use crate::Limits;

/// A room moved by [`migrate_to_postgres`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MigratedRoom {
    /// Join code (unchanged, as are the facilitator key and the phones' tokens).
    pub code: String,
    /// Rows copied per table, `rooms` first; the same in both databases.
    pub rows: Vec<(&'static str, usize)>,
    /// SHA-256 (hex) of the room's export files, each file's name, length and bytes in turn:
    /// the same whether the room is loaded from SQLite or from PostgreSQL.
    pub exports_sha256: String,
}

/// Runs `f` on a blocking thread (SQLite, and the PostgreSQL client, which drives its own
/// runtime, must not run on the async one).
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, MigrateError> + Send + 'static,
) -> Result<T, MigrateError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| MigrateError::Store(StoreError::Failed(format!("migration task: {e}"))))?
}

/// Each export file's name and SHA-256, as the server writes it for `room` (exact cells), and
/// the room's digest over all of them.
async fn export_digests(
    room: StoredRoom,
    scratch: &Store,
) -> Result<(Vec<(&'static str, [u8; 32])>, String), MigrateError> {
    let code = room.code.clone();
    // The room's analysis runs as at a server's start; its engine state is saved to a scratch
    // database where no such room exists (neither real database is written).
    let live = LiveRoom::start(room, scratch.clone(), Limits::default())
        .await
        .map_err(|e| StoreError::Failed(format!("room {code}: cannot load it: {e}")))?;
    let mut files = Vec::new();
    let mut all = Sha256::new();
    for name in ExportFile::names() {
        let Some(file) = ExportFile::parse(name) else {
            continue;
        };
        let body = export::build(&live, file, CsvCells::Exact)
            .map_err(|e| StoreError::Failed(format!("room {code}: {name}: {e}")))?;
        let digest: [u8; 32] = Sha256::digest(body.as_bytes()).into();
        all.update(name.as_bytes());
        all.update((body.len() as u64).to_le_bytes());
        all.update(body.as_bytes());
        files.push((name, digest));
    }
    let hex = all.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok((files, hex))
}

/// Copies every room of the SQLite database `from` into the PostgreSQL database `to` (its
/// tables created when empty) and checks the copy; see the module's steps. Refused, with
/// nothing written, when `from` is not a Polyphony database or is newer than this build, or
/// when `to` already holds one of the rooms' join codes; a copy that fails its check is rolled
/// back. Once committed, the rooms are free rooms of `to`: the instances serving it claim them
/// as they claim any room without a lease.
pub async fn migrate_to_postgres(
    from: &Path,
    to: &Database,
) -> Result<Vec<MigratedRoom>, MigrateError> {
    let Database::Postgres(url) = to.clone() else {
        return Err(StoreError::Failed(format!(
            "{} is not a PostgreSQL URL (postgres://… or postgresql://…)",
            to.describe()
        ))
        .into());
    };
    let dir = tempfile::tempdir()
        .map_err(|e| StoreError::Failed(format!("cannot make a temporary folder: {e}")))?;
    let copy = dir.path().join("source.db");
    let source = from.to_path_buf();
    let to_copy = copy.clone();
    let source_rooms = blocking(move || {
        store::check_source(&source)?;
        crate::backup::backup_database(&source, &to_copy).map_err(|e| MigrateError::Source {
            path: source.display().to_string(),
            why: format!("cannot copy it: {e}"),
        })?;
        // This build's migrations, on the copy: a database from an older Polyphony moves too.
        let (store, rooms) = Store::open(&Database::Sqlite(to_copy))?;
        drop(store);
        Ok(rooms)
    })
    .await?;
    let codes: Vec<String> = source_rooms.iter().map(|r| r.code.clone()).collect();
    let target = url.clone();
    blocking(move || {
        let taken = store::codes_in_target(&target, &codes)?;
        if taken.is_empty() {
            Ok(())
        } else {
            Err(MigrateError::CodesTaken(taken))
        }
    })
    .await?;
    let mut pending = blocking(move || store::copy_rooms(&copy, &url)).await?;
    let scratch = dir.path().join("check.db");
    let checked = check(&mut pending, source_rooms, &scratch).await;
    blocking(move || match checked {
        Ok(moved) => {
            pending.commit()?;
            Ok(moved)
        }
        Err(e) => {
            pending.rollback();
            Err(e)
        }
    })
    .await
}

/// Compares each copied room, loaded from PostgreSQL inside the open transaction, with the
/// source's room: their export files, as the server writes them.
async fn check(
    pending: &mut store::PendingCopy,
    mut source_rooms: Vec<StoredRoom>,
    scratch: &Path,
) -> Result<Vec<MigratedRoom>, MigrateError> {
    let scratch_db = Database::Sqlite(scratch.to_path_buf());
    let scratch = blocking(move || Ok(Store::open(&scratch_db)?.0)).await?;
    let take = |rooms: &mut Vec<StoredRoom>, id: i64| {
        rooms
            .iter()
            .position(|r| r.id == id)
            .map(|i| rooms.swap_remove(i))
    };
    let mut target_rooms = std::mem::take(&mut pending.target_rooms);
    let mut moved = Vec::with_capacity(pending.copied.len());
    for c in &pending.copied {
        let differs = |what: &str| MigrateError::Differs {
            code: c.code.clone(),
            what: what.to_owned(),
        };
        let s =
            take(&mut source_rooms, c.source_id).ok_or_else(|| differs("the room's loading"))?;
        let t =
            take(&mut target_rooms, c.target_id).ok_or_else(|| differs("the room's loading"))?;
        let (source_files, source_digest) = export_digests(s, &scratch).await?;
        let (target_files, target_digest) = export_digests(t, &scratch).await?;
        if source_digest != target_digest {
            let file = source_files
                .iter()
                .zip(&target_files)
                .find(|(a, b)| a != b)
                .map_or("the exports", |(a, _)| a.0);
            return Err(differs(&format!("export {file}")));
        }
        moved.push(MigratedRoom {
            code: c.code.clone(),
            rows: c.rows.clone(),
            exports_sha256: source_digest,
        });
    }
    Ok(moved)
}
