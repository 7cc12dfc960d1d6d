//! One conversation: votes in, an [`Analysis`] out, state carried between updates.

use std::collections::{BTreeMap, BTreeSet};

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

use crate::error::CoreError;
use crate::kmeans::{self, Cluster, Convergence, Points};
use crate::matrix::{ApplyReport, VoteMatrix};
use crate::params::{AnalysisParams, Preset};
use crate::pca::{self, Stopping};
use crate::state::EngineState;
use crate::stats::{
    self, Consensus, DivisiveStatement, GroupStance, RepresentativeStatement, Tally,
};
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
}

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
/// let p = polyphony_core::ParticipantPoint { participant: 3, position: [0.1, -0.2], in_conv: true, base_cluster: Some(0), group: Some(1) };
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
    /// Group id, once groups exist.
    pub group: Option<u32>,
}

/// The room split into opinion groups, and how k was chosen.
///
/// ```
/// let g = polyphony_core::OpinionGroups { silhouettes: Default::default(), best_k: 2, groups: vec![] };
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
        let params = &self.params;
        let polis = params.is_polis();
        let m = &self.matrix;
        let n_rows = m.participants().len();
        let statements = m.statements().to_vec();
        let n_cols = statements.len();
        let tick = self.state.tick + 1;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(params.seed() ^ tick);

        let status: Vec<StatementStatus> = statements.iter().map(|&s| self.statement(s)).collect();
        let mod_out: Vec<bool> = status.iter().map(StatementStatus::is_mod_out).collect();
        let n_mod_out = mod_out.iter().filter(|&&x| x).count();

        // §2: who is in the clustering.
        let counts: Vec<u32> = (0..n_rows).map(|r| m.row_len(r) as u32).collect();
        let threshold = params.min_votes_in_conv().min(n_cols as u32).max(1);
        let mut in_conv: BTreeSet<ParticipantId> = self
            .state
            .in_conv
            .iter()
            .copied()
            .filter(|p| m.row_of(*p).is_some_and(|r| counts[r] > 0))
            .collect();
        for (r, &p) in m.participants().iter().enumerate() {
            if counts[r] >= threshold {
                in_conv.insert(p);
            }
        }
        let floor = params.greedy_floor() as usize;
        if in_conv.len() < floor {
            let mut candidates: Vec<usize> = (0..n_rows)
                .filter(|&r| counts[r] > 0 && !in_conv.contains(&m.participants()[r]))
                .collect();
            candidates.sort_by_key(|&r| std::cmp::Reverse(counts[r]));
            let need = floor - in_conv.len();
            for r in candidates.into_iter().take(need) {
                in_conv.insert(m.participants()[r]);
            }
        }

        // §3: PCA and projections.
        let center = pca::column_means(m, &mod_out);
        let rows = pca::centered_rows(m, &mod_out, &center);
        let stopping = if polis {
            Stopping::Polis {
                iterations: params.pca_iterations(),
            }
        } else {
            Stopping::Converged {
                iterations: params.pca_iterations(),
                tolerance: 1e-13,
            }
        };
        let fit = pca::fit(
            &rows,
            n_rows,
            center,
            &self.state.components,
            stopping,
            &mut rng,
        );
        let positions = pca::project_rows(&rows, n_mod_out, n_cols, &fit, polis);
        let (statement_projections, statement_extremity) = pca::project_statements(&fit);

        // §4.2: base clusters of in-conv participants, in row order.
        let convergence = if polis {
            Convergence::SortedZip
        } else {
            Convergence::ById
        };
        let in_rows: Vec<usize> = (0..n_rows)
            .filter(|&r| in_conv.contains(&m.participants()[r]))
            .collect();
        let in_names: Vec<u32> = in_rows.iter().map(|&r| m.participants()[r]).collect();
        let in_positions: Vec<[f64; 2]> = in_rows.iter().map(|&r| positions[r]).collect();
        let mut base_clusters = kmeans::kmeans(
            &Points {
                names: &in_names,
                positions: &in_positions,
                weights: None,
            },
            params.base_k() as usize,
            params.base_iterations(),
            &self.state.base_clusters,
            convergence,
        );
        base_clusters.sort_by_key(|c| c.id);
        let mut base_of: BTreeMap<ParticipantId, u32> = BTreeMap::new();
        for c in &base_clusters {
            for &p in &c.members {
                base_of.insert(p, c.id);
            }
        }
        let base_tallies: Vec<Vec<Tally>> = base_clusters
            .iter()
            .map(|c| tally_rows(m, c.members.iter().filter_map(|&p| m.row_of(p)), n_cols))
            .collect();

        // §4.3–4.5: groups over base clusters.
        let show_groups =
            !in_conv.is_empty() && in_conv.len() as u32 >= params.min_participants_for_groups();
        let mut group_clusterings = BTreeMap::new();
        let mut groups: Option<OpinionGroups> = None;
        let mut smoother = self.state.smoother.clone();
        if !base_clusters.is_empty() {
            let nb = base_clusters.len() as u32;
            let max_k = params
                .max_groups()
                .min(2 + nb / params.bases_per_extra_group());
            let bids: Vec<u32> = base_clusters.iter().map(|c| c.id).collect();
            let centers: Vec<[f64; 2]> = base_clusters.iter().map(|c| c.center).collect();
            let weights: Vec<f64> = base_clusters
                .iter()
                .map(|c| c.members.len() as f64)
                .collect();
            let points = Points {
                names: &bids,
                positions: &centers,
                weights: Some(&weights),
            };
            let mut silhouettes = BTreeMap::new();
            for k in 2..=max_k {
                let last = self
                    .state
                    .group_clusterings
                    .get(&k)
                    .map_or(&[][..], Vec::as_slice);
                let mut clustering = kmeans::kmeans(
                    &points,
                    k as usize,
                    params.group_iterations(),
                    last,
                    convergence,
                );
                clustering.sort_by_key(|c| c.id);
                let labels: Vec<usize> = bids
                    .iter()
                    .map(|b| {
                        clustering
                            .iter()
                            .position(|c| c.members.contains(b))
                            .unwrap_or(0)
                    })
                    .collect();
                if let Some(s) = kmeans::silhouette(&centers, &labels) {
                    silhouettes.insert(k, s);
                }
                group_clusterings.insert(k, clustering);
            }
            // Best k: highest silhouette, ties to the larger k.
            let best_k = silhouettes
                .iter()
                .fold(None::<(u32, f64)>, |acc, (&k, &s)| match acc {
                    Some((_, bs)) if s < bs => acc,
                    _ => Some((k, s)),
                })
                .map(|(k, _)| k);
            let shown = match best_k {
                Some(best) => {
                    let available: Vec<u32> = if polis {
                        Vec::new()
                    } else {
                        silhouettes.keys().copied().collect()
                    };
                    let k = smoother.observe(best, params.smoother_buffer(), &available);
                    if group_clusterings.contains_key(&k) {
                        k
                    } else {
                        best
                    }
                }
                None => 2,
            };
            if show_groups {
                let clustering = group_clusterings.get(&shown).cloned().unwrap_or_default();
                groups = Some(OpinionGroups {
                    silhouettes,
                    best_k: best_k.unwrap_or(1),
                    groups: build_groups(&clustering, &base_clusters, &base_tallies, n_cols),
                });
            }
        }

        let mut group_of: BTreeMap<ParticipantId, u32> = BTreeMap::new();
        if let Some(g) = &groups {
            for group in &g.groups {
                for &p in &group.members {
                    group_of.insert(p, group.id);
                }
            }
        }

        // §6: representative statements.
        if let Some(g) = &mut groups {
            let all: Vec<Vec<Tally>> = g.groups.iter().map(|x| x.tallies.clone()).collect();
            for (i, group) in g.groups.iter_mut().enumerate() {
                let rest: Vec<Tally> = (0..n_cols)
                    .map(|j| {
                        all.iter()
                            .enumerate()
                            .filter(|(o, _)| *o != i)
                            .fold(Tally::default(), |acc, (_, t)| acc.plus(&t[j]))
                    })
                    .collect();
                group.representative =
                    stats::representative(&statements, &group.tallies, &rest, &mod_out, polis);
            }
        }

        // §7: consensus over everyone, group-aware consensus over groups.
        let totals = tally_rows(m, 0..n_rows, n_cols);
        let consensus = stats::consensus(&statements, &totals, &mod_out);
        let mut group_aware_consensus = BTreeMap::new();
        if let Some(g) = &groups {
            for (j, &s) in statements.iter().enumerate() {
                group_aware_consensus.insert(
                    s,
                    stats::group_aware_consensus(g.groups.iter().map(|x| x.tallies[j])),
                );
            }
        }

        // §10: routing priorities.
        let in_conv_totals: Vec<Tally> = if polis {
            statements
                .iter()
                .map(|s| {
                    self.state
                        .previous_group_votes
                        .values()
                        .filter_map(|votes| votes.get(s))
                        .fold(Tally::default(), |acc, t| acc.plus(t))
                })
                .collect()
        } else {
            tally_rows(m, in_rows.iter().copied(), n_cols)
        };
        let priorities: BTreeMap<StatementId, f64> = statements
            .iter()
            .enumerate()
            .map(|(j, &s)| {
                (
                    s,
                    stats::priority(
                        &in_conv_totals[j],
                        statement_extremity[j],
                        status[j].is_meta,
                    ),
                )
            })
            .collect();

        // Divisive statements for the room.
        let mut divisive = Vec::new();
        if let Some(g) = groups.as_ref().filter(|g| g.groups.len() >= 2) {
            for j in 0..n_cols {
                if mod_out[j] {
                    continue;
                }
                let per: Vec<(u32, Tally)> = g
                    .groups
                    .iter()
                    .map(|x| (x.members.len() as u32, x.tallies[j]))
                    .collect();
                let stances: Vec<GroupStance> = g
                    .groups
                    .iter()
                    .map(|x| GroupStance::from_tally(x.id, &x.label, x.tallies[j]))
                    .collect();
                let explanation = stances
                    .iter()
                    .map(|s| format!("{}: {:.0}% agree", s.label, 100.0 * s.agree_rate))
                    .collect::<Vec<_>>()
                    .join(" · ");
                divisive.push(DivisiveStatement {
                    statement: statements[j],
                    divisiveness: stats::divisiveness(&per),
                    extremity: statement_extremity[j],
                    groups: stances,
                    explanation,
                });
            }
            divisive.sort_by(|a, b| {
                b.divisiveness
                    .partial_cmp(&a.divisiveness)
                    .unwrap_or(std::cmp::Ordering::Equal)
            });
        }

        let participants: Vec<ParticipantPoint> = m
            .participants()
            .iter()
            .enumerate()
            .map(|(r, &p)| ParticipantPoint {
                participant: p,
                position: positions[r],
                in_conv: in_conv.contains(&p),
                base_cluster: base_of.get(&p).copied(),
                group: group_of.get(&p).copied(),
            })
            .collect();

        // Carry the state forward.
        let previous_group_votes = groups
            .as_ref()
            .map(|g| {
                g.groups
                    .iter()
                    .map(|x| {
                        (
                            x.id,
                            statements
                                .iter()
                                .copied()
                                .zip(x.tallies.iter().copied())
                                .collect(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        self.state = EngineState {
            tick,
            participants: m.participants().to_vec(),
            statements: statements.clone(),
            in_conv: in_conv.clone(),
            components: fit.comps.clone(),
            base_clusters: base_clusters.clone(),
            group_clusterings,
            smoother,
            previous_group_votes,
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
        Analysis {
            preset: params.preset(),
            tick,
            participant_count: n_rows as u32,
            vote_count: m.vote_count(),
            mod_out: pick(&|s| s.is_mod_out()),
            meta: pick(&|s| s.is_meta),
            user_vote_counts: m.participants().iter().copied().zip(counts).collect(),
            in_conv: in_conv.into_iter().collect(),
            pca: PcaSummary {
                center: fit.center,
                components: fit.comps,
                statement_projections,
                statement_extremity,
            },
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

fn tally_rows(m: &VoteMatrix, rows: impl Iterator<Item = usize>, n_cols: usize) -> Vec<Tally> {
    let mut t = vec![Tally::default(); n_cols];
    for r in rows {
        for (j, v) in m.row(r) {
            t[j].add(v);
        }
    }
    t
}

fn build_groups(
    clustering: &[Cluster],
    base_clusters: &[Cluster],
    base_tallies: &[Vec<Tally>],
    n_cols: usize,
) -> Vec<OpinionGroup> {
    clustering
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut members = Vec::new();
            let mut tallies = vec![Tally::default(); n_cols];
            let (mut x, mut y, mut w) = (0.0, 0.0, 0.0);
            for &bid in &c.members {
                if let Some(b) = base_clusters.iter().position(|b| b.id == bid) {
                    members.extend_from_slice(&base_clusters[b].members);
                    for (t, bt) in tallies.iter_mut().zip(&base_tallies[b]) {
                        *t = t.plus(bt);
                    }
                    let n = base_clusters[b].members.len() as f64;
                    x += n * base_clusters[b].center[0];
                    y += n * base_clusters[b].center[1];
                    w += n;
                }
            }
            members.sort_unstable();
            let mut base_ids = c.members.clone();
            base_ids.sort_unstable();
            OpinionGroup {
                id: c.id,
                label: stats::group_label(i),
                members,
                base_clusters: base_ids,
                center: if w > 0.0 { [x / w, y / w] } else { c.center },
                tallies,
                representative: Vec::new(),
            }
        })
        .collect()
}
