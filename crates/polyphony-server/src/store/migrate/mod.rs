//! Copying rooms from a SQLite store into a PostgreSQL one (`polyphony migrate`), row by row.
//!
//! Why rows and not [`super::StoredRoom`]s: a loaded room leaves out what the server never reads
//! back (when a position was taken, a participant removed or consent given, the address that
//! created the room, what kind of request a client id was). A move must not lose any of it,
//! so every column of every table is copied as stored, and each table is listed with its
//! columns ([`tables`]). The list is checked against both databases before anything is written
//! (a column or a table this build does not know refuses the copy), and a test holds it to the
//! schema's migrations, so a new migration cannot silently go uncopied.
//!
//! Everything is written in one PostgreSQL transaction on the connection `serve` would use
//! (`PgBackend`, TLS included), which stays open while the caller checks the copy: every copied
//! row is read back inside it equal to the SQLite row, and the rooms are loaded inside it as
//! `serve` loads them ([`PendingCopy::target_rooms`]). Until [`PendingCopy::commit`] nothing is
//! visible to anyone else (no instance of a cluster can claim a room half copied), and any
//! failure (a join code already taken, a dropped connection, a difference) leaves the target as
//! it was.
//!
//! The parts: [`tables`] lists what is copied, [`rows`] reads and writes rows in either dialect,
//! [`verify`] checks both databases before a write, and [`copy`] makes the copy.

mod copy;
mod rows;
mod tables;
mod verify;

use super::StoreError;

pub(crate) use copy::{copy_rooms, PendingCopy};
pub(crate) use verify::{check_source, codes_in_target};

/// Why a migration was refused or failed. Nothing of it is kept in the target in any case.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    /// The source is not a Polyphony SQLite database (or not one this build can read).
    #[error("{path}: {why}")]
    Source {
        /// The source file.
        path: String,
        /// What is wrong with it.
        why: String,
    },
    /// The target already holds rooms with these join codes.
    #[error(
        "the target already holds room(s) {}: nothing was copied (a room moves once; to copy it \
         again, delete it from the target first)",
        .0.join(", ")
    )]
    CodesTaken(Vec<String>),
    /// A copied room differs between the two databases; the transaction was rolled back.
    #[error(
        "room {code}: {what} differs between SQLite and PostgreSQL; nothing of the move is kept \
         in the target"
    )]
    Differs {
        /// The room's join code.
        code: String,
        /// What differs (a table, an export file).
        what: String,
    },
    /// A database failure.
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// A room as copied: its code, its row ids in both databases, and how many rows of each table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopiedRoom {
    /// Join code.
    pub code: String,
    /// `rooms.id` in the source.
    pub source_id: i64,
    /// `rooms.id` of the copy.
    pub target_id: i64,
    /// Rows copied per table (`rooms` first), read back equal.
    pub rows: Vec<(&'static str, usize)>,
}
