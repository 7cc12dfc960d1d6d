//! `polyphony migrate --from FILE --to postgres://…`: flags in, [`polyphony_server`] moves and
//! checks the rooms, one line out per room.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use polyphony_server::{Database, MigratedRoom};

use crate::runtime::{init_logging, runtime};

/// Move every room of a SQLite database into a PostgreSQL one, and check the move.
///
/// Every row of every room is copied in one transaction (the PostgreSQL tables created
/// when empty), then checked: every row read back equal, and each room's export files
/// identical loaded from either database. Prints one line per room. Refused, with nothing
/// written, when the PostgreSQL database already holds one of the join codes or the file
/// is not a Polyphony database.
#[derive(clap::Args)]
pub struct Args {
    /// The SQLite database (`serve --db FILE`); read, never written. Stop the server first:
    /// what it stores after the copy began is not copied.
    #[arg(long)]
    from: PathBuf,
    /// The PostgreSQL database, e.g. `postgres://user@host/db`.
    #[arg(long)]
    to: String,
}

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

/// Copies every room of the SQLite file `--from` into the PostgreSQL database `--to`.
pub fn run(args: Args) -> Result<()> {
    let Args { from, to } = args;
    let target = Database::parse(&to);
    if target.sqlite_path().is_some() {
        bail!("--to takes a PostgreSQL URL (postgres://user@host/db), not {to}");
    }
    init_logging();
    let moved = runtime()?
        .block_on(polyphony_server::migrate_to_postgres(&from, &target))
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
