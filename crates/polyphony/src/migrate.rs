//! `polyphony migrate --from FILE --to postgres://…`: flags in, [`polyphony_server`] moves and
//! checks the rooms, one line out per room.

use std::path::Path;

use anyhow::{bail, Context, Result};
use polyphony_server::{Database, MigratedRoom};

/// One room's line: its join code, the rows copied per table, and the SHA-256 of its export
/// files (the same loaded from either database).
fn line(room: &MigratedRoom) -> String {
    let rows: Vec<String> = room
        .rows
        .iter()
        .map(|(table, n)| format!("{table} {n}"))
        .collect();
    format!(
        "{}  {}  exports sha256 {}",
        room.code,
        rows.join(", "),
        room.exports_sha256
    )
}

/// Copies every room of the SQLite file `from` into the PostgreSQL database `to`.
pub fn migrate(from: &Path, to: &str) -> Result<()> {
    let target = Database::parse(to);
    if target.sqlite_path().is_some() {
        bail!("--to takes a PostgreSQL URL (postgres://user@host/db), not {to}");
    }
    super::serve::init_logging();
    let moved = super::serve::runtime()?
        .block_on(polyphony_server::migrate_to_postgres(from, &target))
        .with_context(|| format!("cannot migrate {} to {}", from.display(), target.describe()))?;
    for room in &moved {
        println!("{}", line(room));
    }
    println!(
        "{} room(s) copied from {} to {} and checked (every row read back, exports identical); \
         serve them with: polyphony serve --db {}",
        moved.len(),
        from.display(),
        target.describe(),
        target.describe()
    );
    Ok(())
}
