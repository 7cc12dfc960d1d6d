//! # polyphony-lab
//!
//! The researcher's lab around the Polyphony engine. Three tools, all pure functions of a
//! conversation's votes (no files, network, clock or global random source, so the same code runs
//! natively and in WebAssembly):
//!
//! - [`compare`]: runs several pipelines side by side on one conversation — Polis (the engine's
//!   own [`Conversation::update`](polyphony_core::Conversation::update)) and `linfa-reduction`
//!   PCA followed by `linfa-clustering`'s `KMeans`, `GaussianMixture` and `Dbscan`, and HDBSCAN
//!   — and reports per pipeline the number of groups, their sizes, the silhouette (linfa's
//!   metric), the adjusted Rand index and agreement against the export's own Polis groups when
//!   it has them, and bootstrap stability; and, for statements, [`bridging`] scores (Community
//!   Notes' matrix factorisation) beside Polis's [`group_informed_consensus`] (either form), and
//!   representative statements under false-discovery control ([`repness_fdr`]).
//! - [`replay`]: feeds the votes in time order and updates the way Polis's math worker does
//!   (one update per poll interval in which votes arrived), carrying the engine's state, so the
//!   final groups are path-dependent as Polis's were.
//! - [`timelapse`]: the same replay, keeping snapshots (map positions in one aligned basis,
//!   groups, per-statement group tallies) for playing the map forming over time.
//!
//! ```
//! use polyphony_core::{Vote, VoteEvent};
//! use polyphony_lab::{compare, CompareParams, LabData, Pipeline};
//!
//! // Two camps of six people who vote opposite ways on six statements.
//! let mut votes = Vec::new();
//! for p in 0..12u32 {
//!     for s in 0..6u32 {
//!         let agree = (p % 2 == 0) == (s % 2 == 0);
//!         let vote = if agree { Vote::Agree } else { Vote::Disagree };
//!         votes.push(VoteEvent::new(p, s, vote, i64::from(p * 6 + s) * 1000));
//!     }
//! }
//! let data = LabData::new(votes);
//! let params = CompareParams::builder().bootstrap(5).pipelines(&[Pipeline::Polis, Pipeline::KMeans]).build()?;
//! let result = compare(&data, &params)?;
//! assert!(result.pipelines.iter().all(|p| p.k == Some(2)));
//! # Ok::<(), polyphony_lab::LabError>(())
//! ```

#![warn(missing_docs)]

mod bridging;
mod compare;
mod consensus;
mod data;
mod error;
mod fdr;
mod features;
mod metrics;
mod replay;
#[cfg(test)]
mod tests;
mod timelapse;

pub use bridging::{bridging, Bridging, BridgingParams, BridgingScore, BridgingStop};
pub use compare::{
    compare, compare_with_clock, CompareParams, CompareParamsBuilder, Comparison, Pipeline,
    PipelineResult, RankedStatement, StatementComparison,
};
pub use consensus::{group_informed_consensus, ConsensusForm};
pub use data::LabData;
pub use error::LabError;
pub use fdr::{benjamini_hochberg, repness_fdr, FdrStatement, GroupRepnessFdr, RepnessFdr};
pub use metrics::{adjusted_rand_index, agreement, reference_scores};
pub use replay::{
    replay, replay_change, Cadence, Replay, ReplayChange, ReplayParams, ReplayParamsBuilder,
};
pub use timelapse::{
    replay_with_timelapse, timelapse, Frame, FrameGroup, FramePoint, FrameStatement, GroupTally,
    Timelapse,
};
