//! The one error type of the core crate.

use thiserror::Error;

/// Everything the engine can refuse.
///
/// The engine itself cannot fail on well-formed votes; these errors come from parameters that
/// make no sense and from restored state that does not fit the votes it is restored with.
///
/// ```
/// use polyphony_core::{AnalysisParams, CoreError, Preset};
/// let err = AnalysisParams::builder(Preset::Workshop).max_groups(1).build().unwrap_err();
/// assert!(matches!(err, CoreError::InvalidParameter { .. }));
/// ```
#[derive(Debug, Error, Clone, PartialEq)]
pub enum CoreError {
    /// A parameter is out of its documented range.
    #[error("invalid parameter `{name}`: {reason}")]
    InvalidParameter {
        /// The builder method that was given the bad value.
        name: &'static str,
        /// What the valid range is.
        reason: String,
    },
    /// A preset name that is neither `workshop` nor `polis` (from [`crate::Preset`]'s `FromStr`).
    #[error("unknown preset `{0}` (workshop or polis)")]
    UnknownPreset(String),
    /// Restored engine state does not match the conversation it is applied to.
    #[error("engine state does not fit this conversation: {0}")]
    StateMismatch(String),
    /// A dataset given to one of the `linfa` algorithms ([`crate::PolisPca`],
    /// [`crate::PolisKMeans`]) does not fit it: wrong width, values that are not finite, bad
    /// weights.
    #[error("invalid dataset: {0}")]
    InvalidDataset(String),
    /// An error reported by `linfa` itself.
    #[error("linfa: {0}")]
    Linfa(String),
}

impl From<polyphony_types::UnknownTableMode> for CoreError {
    fn from(e: polyphony_types::UnknownTableMode) -> Self {
        CoreError::InvalidParameter {
            name: "table_mode",
            reason: e.to_string(),
        }
    }
}
