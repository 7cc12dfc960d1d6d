//! What one update says: the opinion map, its participants, the opinion groups and the
//! statements that unite or divide them, as plain data.
//!
//! These types are the engine's output and the [`crate::pipeline`] steps' inputs and outputs.
//! They live apart from [`crate::Conversation`], which runs the pipeline, so the pipeline
//! depends on data, not on its caller.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::kmeans::Cluster;
use crate::preset::Preset;
use crate::stats::{Consensus, DivisiveStatement, RepresentativeStatement, Tally};
use crate::vote::{ParticipantId, StatementId};

/// The opinion map and everything said about it after one update.
///
/// Vectors indexed "by column" follow [`Analysis::statements`] (Polis's `tids` order).
///
/// ```
/// let a = polyphony_core::Conversation::new(Default::default()).update();
/// assert_eq!(a.participant_count, 0);
/// assert!(a.groups.is_none());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// The preset that produced this.
    pub preset: Preset,
    /// Update number (1 for the first update).
    pub tick: u64,
    /// Participants with at least one vote.
    pub participant_count: u32,
    /// Latest votes held (one per participant and statement).
    pub vote_count: u64,
    /// Statements with at least one vote, in column order.
    pub statements: Vec<StatementId>,
    /// Statements moderated out of the math (rejected or meta), ascending.
    pub mod_out: Vec<StatementId>,
    /// Meta statements, ascending.
    pub meta: Vec<StatementId>,
    /// Votes per participant (passes and moderated statements included).
    pub user_vote_counts: BTreeMap<ParticipantId, u32>,
    /// Participants in the clustering, ascending.
    pub in_conv: Vec<ParticipantId>,
    /// The PCA behind the map.
    pub pca: PcaSummary,
    /// Every participant's place on the map, in row order.
    pub participants: Vec<ParticipantPoint>,
    /// Base clusters of in-conv participants, by id.
    pub base_clusters: Vec<Cluster>,
    /// Tallies of each base cluster (same order) by column.
    pub base_tallies: Vec<Vec<Tally>>,
    /// The opinion groups, once there are enough participants for them.
    pub groups: Option<OpinionGroups>,
    /// What most of the room agrees or disagrees with.
    pub consensus: Consensus,
    /// Π over groups of (agree + 1)/(seen + 2), by statement (empty without groups).
    pub group_aware_consensus: BTreeMap<StatementId, f64>,
    /// Routing weight of each statement: who should see what next.
    pub priorities: BTreeMap<StatementId, f64>,
    /// Statements by how far apart the groups stand, most divisive first (empty without groups).
    pub divisive: Vec<DivisiveStatement>,
}

/// Centre, components and statement positions of the opinion map (agree = −1 inside, as Polis).
///
/// ```
/// let p = polyphony_core::PcaSummary::default();
/// assert!(p.center.is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PcaSummary {
    /// Column means (the imputed value of a missing vote).
    pub center: Vec<f64>,
    /// Two unit components, by column.
    pub components: Vec<Vec<f64>>,
    /// Each statement as a virtual "agree only" participant, by column.
    pub statement_projections: Vec<[f64; 2]>,
    /// Distance of that point from the centre: Polis's divisiveness signal.
    pub statement_extremity: Vec<f64>,
}

/// One participant on the map.
///
/// ```
/// let p = polyphony_core::ParticipantPoint { participant: 3, position: [0.1, -0.2], in_conv: true, base_cluster: Some(0), group: Some(1), live_group: None };
/// assert_eq!(p.group, Some(1));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParticipantPoint {
    /// Who.
    pub participant: ParticipantId,
    /// Where on the map.
    pub position: [f64; 2],
    /// In the clustering.
    pub in_conv: bool,
    /// Base cluster id, for in-conv participants.
    pub base_cluster: Option<u32>,
    /// Group id, once groups exist (the frozen group while groups are frozen).
    pub group: Option<u32>,
    /// While groups are frozen: the group the live clustering puts this participant in, with
    /// labels matched to the frozen ones (`None` when not frozen or in no live group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live_group: Option<u32>,
}

/// The room split into opinion groups, and how k was chosen.
///
/// ```
/// let g = polyphony_core::OpinionGroups { silhouettes: Default::default(), best_k: 2, groups: vec![], live: None };
/// assert_eq!(g.best_k, 2);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OpinionGroups {
    /// Silhouette of each candidate k.
    pub silhouettes: BTreeMap<u32, f64>,
    /// This update's best k (the shown k may lag it: see [`crate::KSmoother`]).
    pub best_k: u32,
    /// The groups shown, by id.
    pub groups: Vec<OpinionGroup>,
    /// Set while the groups are frozen: what the live clustering shows instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live: Option<LiveGroups>,
}

/// One opinion group: who is in it and what sets it apart.
///
/// ```
/// let g = polyphony_core::OpinionGroup { id: 0, label: "A".into(), members: vec![1, 2], base_clusters: vec![0], center: [0.0, 0.0], tallies: vec![], representative: vec![] };
/// assert_eq!(g.label, "A");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OpinionGroup {
    /// Stable id (Polis's gid).
    pub id: u32,
    /// "A", "B", "C" in id order.
    pub label: String,
    /// Participants, ascending.
    pub members: Vec<ParticipantId>,
    /// Base clusters, by id.
    pub base_clusters: Vec<u32>,
    /// Size-weighted centre of its base clusters.
    pub center: [f64; 2],
    /// Members' votes by column.
    pub tallies: Vec<Tally>,
    /// The statements that most set it apart (Polis repness).
    pub representative: Vec<RepresentativeStatement>,
}

/// What the live clustering says while groups are frozen: how many groups the votes show now,
/// and how many frozen members' votes now place them in another group. The console tells the
/// facilitator ("the votes now show 2 groups; keep 3 or update"); nothing moves on its own.
///
/// ```
/// let l = polyphony_core::LiveGroups { count: 2, switched: 3 };
/// assert!(l.count == 2 && l.switched == 3);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveGroups {
    /// Groups in the live clustering (0 when it has none).
    pub count: u32,
    /// Members of a frozen group whose live group has another label (or none).
    pub switched: u32,
}
