//! The one error type of the Polis formats crate.

use std::path::PathBuf;

use thiserror::Error;

/// Why an import or export failed. Every message names the line (and, once read from disk,
/// the file) so a researcher can fix the input.
#[derive(Debug, Error)]
pub enum PolisError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// An error inside a named file.
    #[error("{path}: {source}")]
    InFile {
        /// The file.
        path: PathBuf,
        /// The error.
        source: Box<PolisError>,
    },
    /// The folder holds neither import form.
    #[error("{0}")]
    NotAnExport(String),
    /// A required column is missing from the header.
    #[error("missing column `{0}` in the header")]
    MissingColumn(String),
    /// A row that cannot be read.
    #[error("line {line}: {message}")]
    Malformed {
        /// 1-based line number (the header is line 1).
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A vote on a statement the comments file does not list.
    #[error("line {line}: vote on unknown statement id {statement}")]
    UnknownStatement {
        /// 1-based line (CSV) or 1-based record number (JSON).
        line: u64,
        /// The id.
        statement: u32,
    },
    /// A vote value other than −1, 0 or 1.
    #[error("line {line}: vote value `{value}` is not one of -1, 0, 1 (is this the vote column?)")]
    BadVote {
        /// 1-based line.
        line: u64,
        /// The value found.
        value: String,
    },
    /// JSON that does not parse or has the wrong shape.
    #[error("{0}")]
    Json(String),
}
