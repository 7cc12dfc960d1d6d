//! The crate's one error type, turned into a Python exception at the boundary.

use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::PyErr;
use thiserror::Error;

/// Why a call from Python failed. Each variant keeps its source's message, which already names
/// the file and line (Polis formats) or the parameter and its range (engine, lab), so the
/// researcher sees the same words as from `polyphony analyze`.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PyBindError {
    /// An export could not be read or parsed.
    #[error(transparent)]
    Polis(#[from] polyphony_polis::PolisError),
    /// The engine refused a parameter or a restored state.
    #[error(transparent)]
    Core(#[from] polyphony_core::CoreError),
    /// The lab refused a parameter or the data (no timestamps to replay, …).
    #[error(transparent)]
    Lab(#[from] polyphony_lab::LabError),
    /// A JSON text given (a Polis math blob) is not JSON, or a result could not be written.
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// An argument Python passed is out of range or inconsistent.
    #[error("{0}")]
    Argument(String),
}

impl From<PyBindError> for PyErr {
    /// A file the system could not read is an `OSError` (as `open` raises); everything else is
    /// a `ValueError`: the input, not the program, is wrong.
    fn from(e: PyBindError) -> PyErr {
        match &e {
            PyBindError::Polis(polyphony_polis::PolisError::Io { .. }) => {
                PyOSError::new_err(e.to_string())
            }
            _ => PyValueError::new_err(e.to_string()),
        }
    }
}
