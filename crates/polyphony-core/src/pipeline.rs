//! The steps of one update, each callable and testable on its own.
//!
//! [`crate::Conversation::update`] is this sequence, with state carried between updates:
//! [`in_conv`] (§2) → [`pca`] (§3) → [`project_participants`] (§3.6) → [`base_clusters`]
//! (§4.2) → [`tallies`] → [`groups`] (§4.3–4.5) → [`repness`] (§6) → [`consensus`] (§7.1) →
//! [`group_aware_consensus`] (§7.2) → [`priorities`] (§10) → [`divisive`]. A researcher can run
//! any prefix of it, swap one step, or feed a step hand-made inputs.
//!
//! "By column" means in the order of [`VoteMatrix::statements`]; `mod_out[j]` marks a column
//! moderated out of the math.
//!
//! ```
//! use std::collections::BTreeSet;
//! use polyphony_core::{pipeline, AnalysisParams, Vote, VoteEvent, VoteMatrix};
//! let params = AnalysisParams::default();
//! let mut m = VoteMatrix::default();
//! for p in 0..10u32 {
//!     for s in 0..7u32 {
//!         let v = if (p + s) % 2 == 0 { Vote::Agree } else { Vote::Disagree };
//!         m.apply(&[VoteEvent::new(p, s, v, 0)]);
//!     }
//! }
//! let mod_out = vec![false; m.statements().len()];
//! let in_conv = pipeline::in_conv(&m, &BTreeSet::new(), &params);
//! let map = pipeline::pca(&m, &mod_out, &[], &params, 0);
//! let positions = pipeline::project_participants(&m, &mod_out, &map, &params);
//! let bases = pipeline::base_clusters(m.participants(), &positions, &in_conv, &[], &params);
//! assert_eq!(in_conv.len(), 10);
//! assert!(bases.len() >= 2);
//! ```

use std::collections::{BTreeMap, BTreeSet};

use linfa::dataset::Records;
use linfa::traits::{Fit, Transformer};
use linfa::DatasetBase;

use crate::analysis::PcaSummary;
use crate::kmeans::Cluster;
use crate::learn::{self, ImputedVotes, PolisKMeans, PolisKMeansParams, PolisPca, PolisPcaParams};
use crate::matrix::VoteMatrix;
use crate::params::AnalysisParams;
use crate::preset::PriorityTallies;
use crate::stats::Tally;
use crate::vote::{ParticipantId, StatementId};

/// §2: who is in the clustering. Everyone in `previous` who still has a vote stays (nobody
/// leaves); a participant joins with `min(min_votes_in_conv, statements)` votes; while fewer
/// than `greedy_floor` are in, the top voters are admitted.
///
/// ```
/// use std::collections::BTreeSet;
/// use polyphony_core::{pipeline, AnalysisParams, Vote, VoteEvent, VoteMatrix};
/// let mut m = VoteMatrix::default();
/// m.apply(&[VoteEvent::new(1, 1, Vote::Agree, 0), VoteEvent::new(2, 1, Vote::Pass, 0)]);
/// // One statement: one vote is all it takes.
/// let all = pipeline::in_conv(&m, &BTreeSet::new(), &AnalysisParams::default());
/// assert_eq!(all, BTreeSet::from([1, 2]));
/// ```
pub fn in_conv(
    votes: &VoteMatrix,
    previous: &BTreeSet<ParticipantId>,
    params: &AnalysisParams,
) -> BTreeSet<ParticipantId> {
    let participants = votes.participants();
    let counts: Vec<usize> = (0..participants.len()).map(|r| votes.row_len(r)).collect();
    let threshold = params
        .min_votes_in_conv()
        .min(votes.statements().len() as u32)
        .max(1) as usize;
    let mut in_conv: BTreeSet<ParticipantId> = previous
        .iter()
        .copied()
        .filter(|p| votes.row_of(*p).is_some_and(|r| counts[r] > 0))
        .collect();
    for (r, &p) in participants.iter().enumerate() {
        if counts[r] >= threshold {
            in_conv.insert(p);
        }
    }
    let floor = params.greedy_floor() as usize;
    if in_conv.len() < floor {
        let mut candidates: Vec<usize> = (0..participants.len())
            .filter(|&r| counts[r] > 0 && !in_conv.contains(&participants[r]))
            .collect();
        candidates.sort_by_key(|&r| std::cmp::Reverse(counts[r]));
        let need = floor - in_conv.len();
        for r in candidates.into_iter().take(need) {
            in_conv.insert(participants[r]);
        }
    }
    in_conv
}

/// §3: the opinion map. Column means, two principal components by power iteration
/// warm-started from `warm_start` (last update's components), and each statement's position
/// and extremity. `rng_seed` seeds the one random source (a restart from a random vector);
/// [`crate::Conversation::update`] passes `seed ^ tick`.
///
/// This is [`PolisPca`] fitted on the [`ImputedVotes`] of `votes`, with hyperparameters from
/// `params` ([`pca_params`]).
///
/// ```
/// use polyphony_core::{pipeline, AnalysisParams, Vote, VoteEvent, VoteMatrix};
/// let mut m = VoteMatrix::default();
/// for p in 0..4u32 {
///     let v = if p < 2 { Vote::Agree } else { Vote::Disagree };
///     m.apply(&[VoteEvent::new(p, 0, v, 0), VoteEvent::new(p, 1, Vote::Agree, 0)]);
/// }
/// let map = pipeline::pca(&m, &[false, false], &[], &AnalysisParams::default(), 0);
/// // Statement 1 is agreed by all: no spread, so it is less extreme than statement 0.
/// assert!(map.statement_extremity[1] < map.statement_extremity[0]);
/// assert_eq!(map.center, vec![0.0, -1.0]); // agree = −1 inside the math
/// ```
pub fn pca(
    votes: &VoteMatrix,
    mod_out: &[bool],
    warm_start: &[Vec<f64>],
    params: &AnalysisParams,
    rng_seed: u64,
) -> PcaSummary {
    let data = DatasetBase::new(ImputedVotes::new(votes, mod_out), ());
    pca_on(&data, warm_start, params, rng_seed)
}

/// The [`PolisPca`] hyperparameters an update uses: `pca_iterations`, `pca_stopping`,
/// `collapse_rank1` from `params`, the start vectors (at most two are used) and the seed.
///
/// ```
/// use polyphony_core::linfa::ParamGuard;
/// use polyphony_core::{pipeline, AnalysisParams};
/// let p = pipeline::pca_params(&AnalysisParams::default(), &[], 7).check()?;
/// assert_eq!((p.iterations(), p.seed()), (100, 7));
/// # Ok::<(), polyphony_core::CoreError>(())
/// ```
pub fn pca_params(
    params: &AnalysisParams,
    warm_start: &[Vec<f64>],
    rng_seed: u64,
) -> PolisPcaParams {
    PolisPca::params()
        .iterations(params.pca_iterations())
        .stopping(params.pca_stopping())
        .collapse_rank1(params.collapse_rank1())
        .warm_start(warm_start.iter().take(2).cloned().collect())
        .seed(rng_seed)
}

/// [`pca`] on votes already imputed (the update builds them once for the PCA and the projection).
pub(crate) fn pca_on(
    data: &DatasetBase<ImputedVotes, ()>,
    warm_start: &[Vec<f64>],
    params: &AnalysisParams,
    rng_seed: u64,
) -> PcaSummary {
    // A warm start that is not finite (a corrupted stored state) cannot be checked: start cold.
    let fitted = pca_params(params, warm_start, rng_seed)
        .fit(data)
        .or_else(|_| pca_params(params, &[], rng_seed).fit(data));
    // Valid `AnalysisParams` have the same iteration range, so the cold fit cannot fail; if
    // it did, the map would be flat.
    let model = fitted.unwrap_or_else(|_| {
        PolisPca::flat(
            data.records.column_means().to_vec(),
            params.collapse_rank1(),
        )
    });
    let (statement_projections, statement_extremity) = model.feature_projections();
    PcaSummary {
        center: model.center().to_vec(),
        components: model.components().to_vec(),
        statement_projections,
        statement_extremity,
    }
}

/// §3.6: every participant's place on the map, in row order: the sparsity-aware projection
/// (scaled by how much of the conversation each one saw).
///
/// ```
/// use polyphony_core::{pipeline, AnalysisParams, Vote, VoteEvent, VoteMatrix};
/// let mut m = VoteMatrix::default();
/// for p in 0..4u32 {
///     let v = if p < 2 { Vote::Agree } else { Vote::Disagree };
///     m.apply(&[VoteEvent::new(p, 0, v, 0), VoteEvent::new(p, 1, v, 0), VoteEvent::new(p, 2, Vote::Pass, 0)]);
/// }
/// let params = AnalysisParams::default();
/// let map = pipeline::pca(&m, &[false; 3], &[], &params, 0);
/// let at = pipeline::project_participants(&m, &[false; 3], &map, &params);
/// // The two camps land on opposite sides of the first axis.
/// assert!(at[0][0] * at[2][0] < 0.0);
/// assert_eq!(at[0], at[1]);
/// ```
pub fn project_participants(
    votes: &VoteMatrix,
    mod_out: &[bool],
    map: &PcaSummary,
    params: &AnalysisParams,
) -> Vec<[f64; 2]> {
    project_on(&ImputedVotes::new(votes, mod_out), map, params)
}

/// [`project_participants`] on votes already imputed: the [`PolisPca`] of `map` transforms
/// them. A map of another width than the votes places everyone at the origin.
pub(crate) fn project_on(
    votes: &ImputedVotes,
    map: &PcaSummary,
    params: &AnalysisParams,
) -> Vec<[f64; 2]> {
    let n = votes.nsamples();
    PolisPca::from_parts(
        map.center.clone(),
        map.components.clone(),
        params.collapse_rank1(),
    )
    .and_then(|model| model.transform(votes))
    .map(|at| at.rows().into_iter().map(|r| [r[0], r[1]]).collect())
    .unwrap_or_else(|_| vec![[0.0, 0.0]; n])
}

/// §4.2: up to `base_k` base clusters of the in-conv participants, warm-started from last
/// update's `previous`, sorted by id. `participants` and `positions` are in row order.
///
/// ```
/// use std::collections::BTreeSet;
/// use polyphony_core::{pipeline, AnalysisParams};
/// let positions = [[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [9.0, 9.0]];
/// let in_conv = BTreeSet::from([1, 2, 3]); // participant 4 is not in the clustering
/// let params = AnalysisParams::builder(Default::default()).base_k(2).build()?;
/// let bases = pipeline::base_clusters(&[1, 2, 3, 4], &positions, &in_conv, &[], &params);
/// assert_eq!(bases.iter().map(|c| c.members.clone()).collect::<Vec<_>>(), vec![vec![1, 2], vec![3]]);
/// # Ok::<(), polyphony_core::CoreError>(())
/// ```
pub fn base_clusters(
    participants: &[ParticipantId],
    positions: &[[f64; 2]],
    in_conv: &BTreeSet<ParticipantId>,
    previous: &[Cluster],
    params: &AnalysisParams,
) -> Vec<Cluster> {
    let (names, at): (Vec<ParticipantId>, Vec<[f64; 2]>) = participants
        .iter()
        .zip(positions)
        .filter(|(p, _)| in_conv.contains(p))
        .map(|(&p, &x)| (p, x))
        .unzip();
    let params = PolisKMeans::params(params.base_k() as usize)
        .max_iterations(params.base_iterations())
        .convergence(params.kmeans_convergence());
    fit_named(params, &names, &at, None, previous)
}

/// Fits [`PolisKMeans`] on points named by `names` (participant or base-cluster ids), weighted
/// by `weights`, warm-started from `previous` (members named the same way); returns the
/// clusters with members named, sorted by id.
pub(crate) fn fit_named(
    params: PolisKMeansParams,
    names: &[u32],
    positions: &[[f64; 2]],
    weights: Option<&[f64]>,
    previous: &[Cluster],
) -> Vec<Cluster> {
    let index: BTreeMap<u32, u32> = names
        .iter()
        .enumerate()
        .map(|(i, &n)| (n, i as u32))
        .collect();
    // Members no longer among the points are dropped; their cluster stays (an empty cluster
    // still counts for the next id).
    let warm: Vec<Cluster> = previous
        .iter()
        .map(|c| Cluster {
            id: c.id,
            members: c
                .members
                .iter()
                .filter_map(|m| index.get(m).copied())
                .collect(),
            center: c.center,
        })
        .collect();
    let mut data = DatasetBase::from(learn::to_array(positions));
    if let Some(w) = weights {
        data = data.with_weights(w.iter().map(|&w| w as f32).collect());
    }
    // Cannot fail: k ≥ 1, points are finite map positions, weights are participant counts.
    let model = params
        .warm_start(warm)
        .fit(&data)
        .unwrap_or_else(|_| PolisKMeans::empty());
    model
        .into_clusters()
        .into_iter()
        .map(|c| Cluster {
            id: c.id,
            members: c.members.iter().map(|&i| names[i as usize]).collect(),
            center: c.center,
        })
        .collect()
}

/// Agree / disagree / seen counts by column over some participants (unknown ones are skipped).
///
/// ```
/// use polyphony_core::{pipeline, Vote, VoteEvent, VoteMatrix};
/// let mut m = VoteMatrix::default();
/// m.apply(&[VoteEvent::new(1, 7, Vote::Agree, 0), VoteEvent::new(2, 7, Vote::Pass, 0)]);
/// let t = pipeline::tallies(&m, [1, 2, 99]);
/// assert_eq!((t[0].agree, t[0].seen), (1, 2));
/// ```
pub fn tallies(
    votes: &VoteMatrix,
    participants: impl IntoIterator<Item = ParticipantId>,
) -> Vec<Tally> {
    let mut t = vec![Tally::default(); votes.statements().len()];
    for r in participants.into_iter().filter_map(|p| votes.row_of(p)) {
        for (j, v) in votes.row(r) {
            t[j].add(v);
        }
    }
    t
}

/// The tallies one update needs, from one pass over the votes: per base cluster (as
/// [`tallies`] over its members), over everyone (`totals`), and over the in-conv participants
/// when `with_in_conv` (what [`priority_tallies`] reads under
/// [`PriorityTallies::CurrentInConv`]). Counts are integers, so they equal the separate calls.
/// (Clusters that list a participant twice, or one the matrix does not know, are tallied by
/// the separate per-cluster passes instead.)
pub(crate) struct UpdateTallies {
    pub base: Vec<Vec<Tally>>,
    pub totals: Vec<Tally>,
    pub in_conv: Option<Vec<Tally>>,
}

pub(crate) fn update_tallies(
    votes: &VoteMatrix,
    base_clusters: &[Cluster],
    in_conv: &BTreeSet<ParticipantId>,
    with_in_conv: bool,
) -> UpdateTallies {
    const NONE: u32 = u32::MAX;
    let (n, c) = (votes.participants().len(), votes.statements().len());
    let mut cluster_of = vec![NONE; n];
    for (b, cluster) in base_clusters.iter().enumerate() {
        for r in cluster.members.iter().filter_map(|&p| votes.row_of(p)) {
            cluster_of[r] = b as u32;
        }
    }
    let mut base = vec![vec![Tally::default(); c]; base_clusters.len()];
    // A participant listed twice (in two clusters) counts in each, as the separate calls do.
    let listed: usize = base_clusters.iter().map(|b| b.members.len()).sum();
    let unique = cluster_of.iter().filter(|&&b| b != NONE).count();
    if listed != unique {
        for (b, cluster) in base_clusters.iter().enumerate() {
            base[b] = tallies(votes, cluster.members.iter().copied());
        }
    }
    let mut in_conv_row = vec![false; if with_in_conv { n } else { 0 }];
    if with_in_conv {
        for r in in_conv.iter().filter_map(|&p| votes.row_of(p)) {
            in_conv_row[r] = true;
        }
    }
    let mut totals = vec![Tally::default(); c];
    let mut conv = vec![Tally::default(); if with_in_conv { c } else { 0 }];
    for r in 0..n {
        let b = cluster_of[r];
        let into_base = b != NONE && listed == unique;
        let into_conv = with_in_conv && in_conv_row[r];
        for (j, v) in votes.row(r) {
            totals[j].add(v);
            if into_base {
                base[b as usize][j].add(v);
            }
            if into_conv {
                conv[j].add(v);
            }
        }
    }
    UpdateTallies {
        base,
        totals,
        in_conv: with_in_conv.then_some(conv),
    }
}

mod groups;
mod statements;

pub use groups::{groups, Grouping, RESTART_GAIN};
pub use statements::{
    consensus, divisive, group_aware_consensus, previous_group_tallies, priorities, repness,
};

/// Which tallies feed [`priorities`], per [`AnalysisParams::priority_tallies`].
///
/// ```
/// use std::collections::{BTreeMap, BTreeSet};
/// use polyphony_core::{pipeline, AnalysisParams, Vote, VoteEvent, VoteMatrix};
/// let mut m = VoteMatrix::default();
/// m.apply(&[VoteEvent::new(1, 7, Vote::Agree, 0)]);
/// let t = pipeline::priority_tallies(&m, &BTreeSet::from([1]), &BTreeMap::new(), &AnalysisParams::default());
/// assert_eq!(t[0].agree, 1);
/// ```
pub fn priority_tallies(
    votes: &VoteMatrix,
    in_conv: &BTreeSet<ParticipantId>,
    previous_group_votes: &BTreeMap<u32, BTreeMap<StatementId, Tally>>,
    params: &AnalysisParams,
) -> Vec<Tally> {
    match params.priority_tallies() {
        PriorityTallies::PreviousGroups => {
            previous_group_tallies(votes.statements(), previous_group_votes)
        }
        PriorityTallies::CurrentInConv => tallies(votes, in_conv.iter().copied()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vote::{Vote, VoteEvent};

    /// The one-pass tallies of an update equal the separate [`tallies`] calls they replace,
    /// including a participant listed in two clusters and one the matrix does not know.
    #[test]
    fn update_tallies_equal_the_separate_passes() {
        let mut m = VoteMatrix::default();
        for p in 0..40u32 {
            for s in 0..9u32 {
                if (p * 7 + s * 3) % 5 != 0 {
                    let v = [Vote::Agree, Vote::Disagree, Vote::Pass][((p + 2 * s) % 3) as usize];
                    m.apply(&[VoteEvent::new(p, s, v, 0)]);
                }
            }
        }
        let cluster = |id, members: Vec<u32>| Cluster {
            id,
            members,
            center: [0.0, 0.0],
        };
        let in_conv: BTreeSet<u32> = (0..30).collect();
        let partition = vec![
            cluster(0, (0..12).collect()),
            cluster(3, (12..30).collect()),
        ];
        let overlapping = vec![cluster(0, vec![1, 2, 3, 999]), cluster(1, vec![3, 4])];
        for clusters in [partition, overlapping, Vec::new()] {
            for with_in_conv in [true, false] {
                let t = update_tallies(&m, &clusters, &in_conv, with_in_conv);
                let separate: Vec<Vec<Tally>> = clusters
                    .iter()
                    .map(|c| tallies(&m, c.members.iter().copied()))
                    .collect();
                assert_eq!(t.base, separate);
                assert_eq!(t.totals, tallies(&m, m.participants().iter().copied()));
                let conv = with_in_conv.then(|| tallies(&m, in_conv.iter().copied()));
                assert_eq!(t.in_conv, conv);
            }
        }
    }
}
