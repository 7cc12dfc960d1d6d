//! # polyphony-core
//!
//! The opinion engine behind Polyphony: agree / disagree / pass votes in; an opinion map,
//! 2–5 opinion groups, what each group stands for, what all groups share and what divides them
//! out. It follows the Polis math (the `polis` preset reproduces Polis's outputs) and does no
//! I/O at all: no files, network, clock or global random source, so it runs the same natively
//! and in WebAssembly.
//!
//! ```
//! use polyphony_core::{AnalysisParams, Conversation, Preset, Vote, VoteEvent};
//! let params = AnalysisParams::builder(Preset::Workshop).seed(7).build()?;
//! let mut conv = Conversation::new(params);
//! conv.add_votes(&[VoteEvent::new(1, 10, Vote::Agree, 0)]);
//! let analysis = conv.update();
//! assert_eq!(analysis.participant_count, 1);
//! # Ok::<(), polyphony_core::CoreError>(())
//! ```
//!
//! Polis's PCA and k-means are `linfa` algorithms: [`PolisPca`] and [`PolisKMeans`] take their
//! hyperparameters through `linfa`'s `ParamGuard`, fit a `linfa` `Dataset` and transform or
//! predict, and the engine's [`pipeline`] calls them through that same API. They are written
//! here rather than taken from `linfa-reduction` / `linfa-clustering` because Polis's results
//! depend on warm starts, weights and initialisation rules those do not offer. [`linfa`] is
//! re-exported, so a caller uses the version these types implement.

mod analysis;
mod change;
mod conversation;
#[cfg(feature = "bench-internals")]
pub mod direct;
mod error;
mod identity;
mod kmeans;
mod learn;
mod matrix;
mod panel;
mod params;
mod pca;
pub mod pipeline;
mod preset;
mod state;
mod stats;
mod tables;
mod vote;

pub use analysis::{
    Analysis, LiveGroups, OpinionGroup, OpinionGroups, ParticipantPoint, PcaSummary,
};
pub use change::{opinion_change, GroupDistance, GroupMove, OpinionChange, VoteShares};
pub use conversation::Conversation;
pub use error::CoreError;
pub use identity::{match_labels, FrozenGroups, GroupMembers};
pub use kmeans::Cluster;
pub use learn::{
    ImputedVotes, PolisKMeans, PolisKMeansParams, PolisKMeansValidParams, PolisPca, PolisPcaParams,
    PolisPcaValidParams,
};
/// The `linfa` crate these algorithms implement (0.8, on `ndarray` 0.16).
///
/// ```
/// use polyphony_core::linfa::prelude::*;
/// let data = DatasetBase::from(ndarray::array![[0.0, 1.0]]);
/// assert_eq!(data.nsamples(), 1);
/// ```
pub use linfa;
pub use matrix::{ApplyReport, VoteMatrix, MAX_PARTICIPANTS, MAX_STATEMENTS};
pub use panel::{panel_change, Answer, GroupShift, PanelChange, PanelItem, PanelShift};
pub use params::{AnalysisParams, AnalysisParamsBuilder};
pub use polyphony_types::UnknownTableMode;
pub use preset::{KMeansConvergence, PcaStopping, Preset, PriorityTallies};
pub use state::{EngineState, KSmoother};
pub use stats::{
    group_label, group_stance, Consensus, ConsensusStatement, DivisiveStatement, GroupStance,
    RepresentativeStatement, Stance, Tally, Z90,
};
pub use tables::{
    draw_reporter, DiscussionTable, Seat, TableMember, TableMode, TableParams, TableParamsBuilder,
    TablePlan,
};
pub use vote::{Moderation, ParticipantId, StatementId, StatementStatus, Vote, VoteEvent};
