//! One conversation: votes in, an [`Analysis`] out, state carried between updates.

use std::collections::{BTreeMap, BTreeSet};

use linfa::DatasetBase;

use crate::analysis::{Analysis, LiveGroups, OpinionGroup, OpinionGroups, ParticipantPoint};
use crate::error::CoreError;
use crate::identity::{self, FrozenGroups};
use crate::kmeans::Cluster;
use crate::learn::ImputedVotes;
use crate::matrix::{ApplyReport, VoteMatrix};
use crate::params::AnalysisParams;
use crate::pipeline;
use crate::preset::PriorityTallies;
use crate::state::EngineState;
use crate::stats::Tally;
use crate::vote::{ParticipantId, StatementId, StatementStatus, VoteEvent};

/// A conversation's votes, statement statuses and engine state.
///
/// Add votes as they come, call [`Conversation::update`] whenever results are wanted (after
/// every vote, or once per burst), and persist [`Conversation::state`] to survive a restart.
///
/// ```
/// use polyphony_core::{AnalysisParams, Conversation, Vote, VoteEvent};
/// let mut conv = Conversation::new(AnalysisParams::default());
/// let mut votes = Vec::new();
/// for p in 0..10u32 {
///     for s in 0..6u32 {
///         // Two camps: even participants agree with even statements, odd ones with odd.
///         let vote = if (p + s) % 2 == 0 { Vote::Agree } else { Vote::Disagree };
///         votes.push(VoteEvent::new(p, s, vote, 0));
///     }
/// }
/// conv.add_votes(&votes);
/// let analysis = conv.update();
/// let groups = analysis.groups.expect("10 participants with 6 votes each are enough");
/// assert_eq!(groups.groups.len(), 2);
/// assert_eq!(groups.groups[0].members.len(), 5);
/// ```
#[derive(Clone, Debug)]
pub struct Conversation {
    params: AnalysisParams,
    matrix: VoteMatrix,
    statuses: BTreeMap<StatementId, StatementStatus>,
    state: EngineState,
    frozen: Option<FrozenGroups>,
}

impl Conversation {
    /// A new, empty conversation.
    ///
    /// ```
    /// let c = polyphony_core::Conversation::new(Default::default());
    /// assert_eq!(c.matrix().vote_count(), 0);
    /// ```
    pub fn new(params: AnalysisParams) -> Self {
        Conversation {
            params,
            matrix: VoteMatrix::default(),
            statuses: BTreeMap::new(),
            state: EngineState::default(),
            frozen: None,
        }
    }

    /// A conversation that resumes from persisted state: re-add the stored votes after this.
    ///
    /// Fails when the state names a participant or statement twice.
    ///
    /// ```
    /// use polyphony_core::{Conversation, EngineState};
    /// let state = EngineState { participants: vec![2, 2], ..Default::default() };
    /// assert!(Conversation::with_state(Default::default(), state).is_err());
    /// ```
    pub fn with_state(params: AnalysisParams, state: EngineState) -> Result<Self, CoreError> {
        let unique_p: BTreeSet<_> = state.participants.iter().collect();
        let unique_s: BTreeSet<_> = state.statements.iter().collect();
        if unique_p.len() != state.participants.len() || unique_s.len() != state.statements.len() {
            return Err(CoreError::StateMismatch(
                "a participant or statement appears twice in the stored order".into(),
            ));
        }
        Ok(Conversation {
            matrix: VoteMatrix::with_order(&state.participants, &state.statements),
            params,
            statuses: BTreeMap::new(),
            state,
            frozen: None,
        })
    }

    /// Adds votes (see [`VoteMatrix::apply`] for re-votes and ordering).
    ///
    /// ```
    /// use polyphony_core::{Conversation, Vote, VoteEvent};
    /// let mut c = Conversation::new(Default::default());
    /// c.add_votes(&[VoteEvent::new(1, 1, Vote::Agree, 0)]);
    /// assert_eq!(c.matrix().vote_count(), 1);
    /// ```
    pub fn add_votes(&mut self, events: &[VoteEvent]) -> ApplyReport {
        self.matrix.apply(events)
    }

    /// Sets a statement's moderation and meta flag (takes effect at the next update).
    ///
    /// ```
    /// use polyphony_core::{Conversation, Moderation, StatementStatus};
    /// let mut c = Conversation::new(Default::default());
    /// c.set_statement(4, StatementStatus { moderation: Moderation::Rejected, is_meta: false });
    /// assert!(c.statement(4).is_mod_out());
    /// ```
    pub fn set_statement(&mut self, statement: StatementId, status: StatementStatus) {
        self.statuses.insert(statement, status);
    }

    /// Freezes the groups (`Some`) or lets them follow the votes again (`None`); takes effect
    /// at the next update.
    ///
    /// While frozen, the analysis's groups are the frozen membership (members the vote matrix
    /// knows): their centres, tallies, representative statements, the group-aware consensus and
    /// the divisive statements are computed for them, and every participant's
    /// [`ParticipantPoint::group`] is their frozen group (`None` for someone who joined later).
    /// The live clustering still runs (the map moves, the warm start advances): each
    /// participant's [`ParticipantPoint::live_group`] and [`OpinionGroups::live`] say what it
    /// shows, so a facilitator can decide to update.
    ///
    /// ```
    /// use polyphony_core::{Conversation, FrozenGroups, GroupMembers, Vote, VoteEvent};
    /// let mut c = Conversation::new(Default::default());
    /// for p in 0..10u32 {
    ///     for s in 0..6u32 {
    ///         let v = if (p + s) % 2 == 0 { Vote::Agree } else { Vote::Disagree };
    ///         c.add_votes(&[VoteEvent::new(p, s, v, 0)]);
    ///     }
    /// }
    /// // The facilitator keeps a partition the votes would not draw: 0–2 against the rest.
    /// c.set_frozen_groups(Some(FrozenGroups::new(vec![
    ///     GroupMembers { id: 0, members: vec![0, 1, 2] },
    ///     GroupMembers { id: 1, members: (3..10).collect() },
    /// ])));
    /// let a = c.update();
    /// let groups = a.groups.expect("frozen groups are always shown");
    /// assert_eq!(groups.groups[0].members, vec![0, 1, 2]);
    /// assert_eq!(groups.live.map(|l| l.count), Some(2));
    /// assert_eq!(a.participants[1].group, Some(0));
    /// ```
    pub fn set_frozen_groups(&mut self, frozen: Option<FrozenGroups>) {
        self.frozen = frozen.filter(|f| !f.is_empty());
    }

    /// The frozen groups, if any.
    ///
    /// ```
    /// assert!(polyphony_core::Conversation::new(Default::default()).frozen_groups().is_none());
    /// ```
    pub fn frozen_groups(&self) -> Option<&FrozenGroups> {
        self.frozen.as_ref()
    }

    /// A statement's status (unmoderated and not meta unless set).
    ///
    /// ```
    /// assert!(!polyphony_core::Conversation::new(Default::default()).statement(1).is_meta);
    /// ```
    pub fn statement(&self, statement: StatementId) -> StatementStatus {
        self.statuses.get(&statement).copied().unwrap_or_default()
    }

    /// Every statement whose status was set, ascending.
    ///
    /// ```
    /// let c = polyphony_core::Conversation::new(Default::default());
    /// assert_eq!(c.statement_statuses().count(), 0);
    /// ```
    pub fn statement_statuses(&self) -> impl Iterator<Item = (StatementId, StatementStatus)> + '_ {
        self.statuses.iter().map(|(&t, &s)| (t, s))
    }

    /// The votes.
    ///
    /// ```
    /// assert!(polyphony_core::Conversation::new(Default::default()).matrix().participants().is_empty());
    /// ```
    pub fn matrix(&self) -> &VoteMatrix {
        &self.matrix
    }

    /// The state the next update starts from; persist it to resume after a restart.
    ///
    /// ```
    /// assert_eq!(polyphony_core::Conversation::new(Default::default()).state().tick, 0);
    /// ```
    pub fn state(&self) -> &EngineState {
        &self.state
    }

    /// The parameters.
    ///
    /// ```
    /// assert_eq!(polyphony_core::Conversation::new(Default::default()).params().max_groups(), 3);
    /// ```
    pub fn params(&self) -> &AnalysisParams {
        &self.params
    }

    /// Recomputes everything from the current votes, warm-started from the state, and advances
    /// the state. Same votes and same state (and seed) give the same result on every platform.
    ///
    /// ```
    /// let mut c = polyphony_core::Conversation::new(Default::default());
    /// assert_eq!(c.update().tick, 1);
    /// assert_eq!(c.update().tick, 2);
    /// ```
    pub fn update(&mut self) -> Analysis {
        let (params, m, state) = (&self.params, &self.matrix, &self.state);
        let tick = state.tick + 1;
        let statements = m.statements().to_vec();
        let status: Vec<StatementStatus> = statements.iter().map(|&s| self.statement(s)).collect();
        let mod_out: Vec<bool> = status.iter().map(StatementStatus::is_mod_out).collect();
        let is_meta: Vec<bool> = status.iter().map(|s| s.is_meta).collect();

        let in_conv = pipeline::in_conv(m, &state.in_conv, params);
        // The imputed votes are built once, for the PCA's fit and its transform.
        let imputed = DatasetBase::new(ImputedVotes::new(m, &mod_out), ());
        let map = pipeline::pca_on(&imputed, &state.components, params, params.seed() ^ tick);
        let positions = pipeline::project_on(&imputed.records, &map, params);
        let base_clusters = pipeline::base_clusters(
            m.participants(),
            &positions,
            &in_conv,
            &state.base_clusters,
            params,
        );
        let current_in_conv = params.priority_tallies() == PriorityTallies::CurrentInConv;
        let pipeline::UpdateTallies {
            base: base_tallies,
            totals,
            in_conv: in_conv_tallies,
        } = pipeline::update_tallies(m, &base_clusters, &in_conv, current_in_conv);
        let grouping = pipeline::groups(
            &base_clusters,
            &base_tallies,
            in_conv.len(),
            &state.group_clusterings,
            &state.smoother,
            params,
        );
        let mut groups = grouping.groups;
        // Labels that follow people: matched to the frozen groups while there are some, else to
        // the previous update's labelled groups.
        let mut group_labels = Vec::new();
        if let Some(g) = &mut groups {
            let reference = match &self.frozen {
                Some(f) => f.groups.as_slice(),
                None => state.group_labels.as_slice(),
            };
            if params.stable_labels() || self.frozen.is_some() {
                let labels = identity::match_labels(reference, &identity::memberships(g));
                identity::relabel(g, &labels);
            }
            if params.stable_labels() {
                group_labels = identity::memberships(g);
            }
        }
        // Polis's priorities read the live groups' tallies, frozen or not.
        let previous_group_votes = group_votes(&statements, &groups);
        let mut live_group_of: Option<BTreeMap<ParticipantId, u32>> = None;
        if let Some(frozen) = &self.frozen {
            let live = groups.take();
            let live_of: BTreeMap<ParticipantId, u32> = live
                .iter()
                .flat_map(|g| &g.groups)
                .flat_map(|g| g.members.iter().map(move |&p| (p, g.id)))
                .collect();
            groups = Some(frozen_groups(
                m,
                &positions,
                frozen,
                live.as_ref(),
                &live_of,
            ));
            live_group_of = Some(live_of);
        }
        let group_list = groups.as_ref().map_or(&[][..], |g| g.groups.as_slice());
        let representative = pipeline::repness(&statements, group_list, &mod_out, params);
        let consensus = pipeline::consensus(&statements, &totals, &mod_out);
        let group_aware_consensus = match &groups {
            Some(_) => pipeline::group_aware_consensus(&statements, group_list),
            None => BTreeMap::new(),
        };
        let priority_tallies = match in_conv_tallies {
            Some(t) => t,
            None => pipeline::priority_tallies(m, &in_conv, &state.previous_group_votes, params),
        };
        let priorities = pipeline::priorities(
            &statements,
            &priority_tallies,
            &map.statement_extremity,
            &is_meta,
        );
        let divisive =
            pipeline::divisive(&statements, group_list, &map.statement_extremity, &mod_out);
        if let Some(g) = &mut groups {
            for (group, rep) in g.groups.iter_mut().zip(representative) {
                group.representative = rep;
            }
        }

        let mut participants = points(m, &positions, &in_conv, &base_clusters, &groups);
        if let Some(live) = &live_group_of {
            for p in &mut participants {
                p.live_group = live.get(&p.participant).copied();
            }
        }
        self.state = EngineState {
            tick,
            participants: m.participants().to_vec(),
            statements: statements.clone(),
            in_conv: in_conv.clone(),
            components: map.components.clone(),
            base_clusters: base_clusters.clone(),
            group_clusterings: grouping.clusterings,
            smoother: grouping.smoother,
            previous_group_votes,
            group_labels,
        };
        let pick = |f: &dyn Fn(&StatementStatus) -> bool| {
            let mut v: Vec<StatementId> = self
                .statuses
                .iter()
                .filter(|(_, s)| f(s))
                .map(|(&t, _)| t)
                .collect();
            v.sort_unstable();
            v
        };
        let m = &self.matrix;
        Analysis {
            preset: self.params.preset(),
            tick,
            participant_count: m.participants().len() as u32,
            vote_count: m.vote_count(),
            mod_out: pick(&|s| s.is_mod_out()),
            meta: pick(&|s| s.is_meta),
            user_vote_counts: (0..m.participants().len())
                .map(|r| (m.participants()[r], m.row_len(r) as u32))
                .collect(),
            in_conv: in_conv.into_iter().collect(),
            pca: map,
            participants,
            base_clusters,
            base_tallies,
            groups,
            consensus,
            group_aware_consensus,
            priorities,
            divisive,
            statements,
        }
    }
}

/// Every participant's place, base cluster and group, in row order.
fn points(
    matrix: &VoteMatrix,
    positions: &[[f64; 2]],
    in_conv: &BTreeSet<ParticipantId>,
    base_clusters: &[Cluster],
    groups: &Option<OpinionGroups>,
) -> Vec<ParticipantPoint> {
    let participants = matrix.participants();
    // Base cluster and group by row: members are participant ids the matrix knows.
    let mut base_of: Vec<Option<u32>> = vec![None; participants.len()];
    for c in base_clusters {
        for r in c.members.iter().filter_map(|&p| matrix.row_of(p)) {
            base_of[r] = Some(c.id);
        }
    }
    let mut group_of: Vec<Option<u32>> = vec![None; participants.len()];
    for g in groups.iter().flat_map(|g| &g.groups) {
        for r in g.members.iter().filter_map(|&p| matrix.row_of(p)) {
            group_of[r] = Some(g.id);
        }
    }
    participants
        .iter()
        .zip(positions)
        .enumerate()
        .map(|(r, (&p, &position))| ParticipantPoint {
            participant: p,
            position,
            in_conv: in_conv.contains(&p),
            base_cluster: base_of[r],
            group: group_of[r],
            live_group: None,
        })
        .collect()
}

/// Each group's tallies by statement: what the next update's Polis priorities read.
fn group_votes(
    statements: &[StatementId],
    groups: &Option<OpinionGroups>,
) -> BTreeMap<u32, BTreeMap<StatementId, Tally>> {
    groups
        .iter()
        .flat_map(|g| &g.groups)
        .map(|g| {
            let votes = statements.iter().copied().zip(g.tallies.iter().copied());
            (g.id, votes.collect())
        })
        .collect()
}

/// The frozen groups as this update's groups: members the matrix knows, their tallies and
/// centre (the mean place of the members; no base clusters: a frozen group is people, not a
/// union of clusters).
fn frozen_groups(
    matrix: &VoteMatrix,
    positions: &[[f64; 2]],
    frozen: &FrozenGroups,
    live: Option<&OpinionGroups>,
    live_of: &BTreeMap<ParticipantId, u32>,
) -> OpinionGroups {
    let groups = frozen
        .groups
        .iter()
        .map(|f| {
            let members: Vec<ParticipantId> = f
                .members
                .iter()
                .copied()
                .filter(|&p| matrix.row_of(p).is_some())
                .collect();
            let mut center = [0.0, 0.0];
            for r in members.iter().filter_map(|&p| matrix.row_of(p)) {
                center[0] += positions[r][0];
                center[1] += positions[r][1];
            }
            let n = members.len().max(1) as f64;
            OpinionGroup {
                id: f.id,
                label: crate::stats::group_label(f.id as usize),
                tallies: pipeline::tallies(matrix, members.iter().copied()),
                members,
                base_clusters: Vec::new(),
                center: [center[0] / n, center[1] / n],
                representative: Vec::new(),
            }
        })
        .collect();
    let membership = frozen.membership();
    let switched = membership
        .iter()
        .filter(|(p, &g)| matrix.row_of(**p).is_some() && live_of.get(p) != Some(&g))
        .count() as u32;
    OpinionGroups {
        silhouettes: live.map(|l| l.silhouettes.clone()).unwrap_or_default(),
        best_k: live.map_or(0, |l| l.best_k),
        groups,
        live: Some(LiveGroups {
            count: live.map_or(0, |l| l.groups.len() as u32),
            switched,
        }),
    }
}
