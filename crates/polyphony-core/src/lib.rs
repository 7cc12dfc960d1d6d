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
//! Where the engine departs from `linfa`: PCA ([`pca`](crate) module docs) and k-means with
//! silhouette are written by hand because Polis's results depend on warm starts, weights and
//! initialisation rules that `linfa`'s implementations do not offer; `ndarray` carries the
//! dense part of the PCA.

mod change;
mod conversation;
mod error;
mod kmeans;
mod matrix;
mod params;
mod pca;
pub mod pipeline;
mod preset;
mod state;
mod stats;
mod tables;
mod vote;

pub use change::{
    opinion_change, GroupDistance, GroupMove, OpinionChange, StatementShift, VoteShares,
};
pub use conversation::{
    Analysis, Conversation, OpinionGroup, OpinionGroups, ParticipantPoint, PcaSummary,
};
pub use error::CoreError;
pub use kmeans::Cluster;
pub use matrix::{ApplyReport, VoteMatrix, MAX_PARTICIPANTS, MAX_STATEMENTS};
pub use params::{AnalysisParams, AnalysisParamsBuilder};
pub use preset::{KMeansConvergence, PcaStopping, Preset, PriorityTallies};
pub use state::{EngineState, KSmoother};
pub use stats::{
    group_label, Consensus, ConsensusStatement, DivisiveStatement, GroupStance,
    RepresentativeStatement, Stance, Tally, Z90,
};
pub use tables::{
    draw_reporter, DiscussionTable, Seat, TableMember, TableMode, TableParams, TableParamsBuilder,
    TablePlan,
};
pub use vote::{Moderation, ParticipantId, StatementId, StatementStatus, Vote, VoteEvent};
