//! The lab's one error type.

use thiserror::Error;

/// What can go wrong in the lab: a parameter out of range (caught by a builder's `build`), or
/// data a tool cannot work on.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum LabError {
    /// A parameter is out of its range; the message names it and the range.
    #[error("invalid parameter: {0}")]
    InvalidParams(String),
    /// A cadence (`--every`) could not be read.
    #[error("cannot read the cadence `{0}`: expected a duration such as 500ms, 1s, 10m, 2h or 1d")]
    BadDuration(String),
    /// Replay needs vote times, and every vote carries the same one (an export without
    /// `votes.csv`, read from `participants-votes.csv`, has none).
    #[error("this export has no vote timestamps (all votes carry the same time), so it cannot be replayed: use an export with votes.csv or votes.json")]
    NoTimestamps,
    /// A change was asked between two moments that are not in order, or before the first
    /// update.
    #[error("compare two moments of the replay, the earlier first, each at or after the first update: {0}")]
    BadMoments(String),
    /// The conversation has no votes.
    #[error("the conversation has no votes")]
    NoVotes,
    /// The engine refused its parameters or state.
    #[error(transparent)]
    Core(#[from] polyphony_core::CoreError),
}
