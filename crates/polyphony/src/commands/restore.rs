//! `polyphony restore BACKUP --db FILE`: flags in, [`polyphony_server::restore_database`] makes
//! the database from the backup (checked first), two lines out.

use std::path::PathBuf;

use anyhow::{Context, Result};

/// Make a database from a backup written by `serve --backup` (checked first), then run
/// `polyphony serve --db FILE` to carry on.
#[derive(clap::Args)]
pub struct Args {
    /// The backup file (`<db name>.backup` in the backup folder).
    backup: PathBuf,
    /// The database file to create.
    #[arg(long, default_value = "polyphony.db")]
    db: PathBuf,
    /// Replace the database file if it exists.
    #[arg(long)]
    force: bool,
}

/// Makes the database `--db` from the backup.
pub fn run(args: Args) -> Result<()> {
    let Args { backup, db, force } = args;
    let restored = polyphony_server::restore_database(&backup, &db, force)
        .with_context(|| format!("cannot restore {}", backup.display()))?;
    println!(
        "restored {} room(s) into {}: {}",
        restored.rooms.len(),
        db.display(),
        restored.rooms.join(", ")
    );
    println!(
        "carry on with: polyphony serve --db {} (facilitator keys and phone tokens are unchanged)",
        db.display()
    );
    Ok(())
}
