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

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::conversation::PcaSummary;
use crate::kmeans::{self, Cluster, Points};
use crate::matrix::VoteMatrix;
use crate::params::AnalysisParams;
use crate::pca::{self, PcaFit, Stopping};
use crate::preset::{PcaStopping, PriorityTallies};
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

fn stopping(params: &AnalysisParams) -> Stopping {
    let iterations = params.pca_iterations();
    match params.pca_stopping() {
        PcaStopping::FixedSteps => Stopping::Polis { iterations },
        PcaStopping::Converged => Stopping::Converged {
            iterations,
            tolerance: PcaStopping::TOLERANCE,
        },
    }
}

/// §3: the opinion map. Column means, two principal components by power iteration
/// warm-started from `warm_start` (last update's components), and each statement's position
/// and extremity. `rng_seed` seeds the one random source (a restart from a random vector);
/// [`crate::Conversation::update`] passes `seed ^ tick`.
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
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(rng_seed);
    let center = pca::column_means(votes, mod_out);
    let rows = pca::centered_rows(votes, mod_out, &center);
    let n_rows = votes.participants().len();
    let fit = pca::fit(
        &rows,
        n_rows,
        center,
        warm_start,
        stopping(params),
        &mut rng,
    );
    let (statement_projections, statement_extremity) = pca::project_statements(&fit);
    PcaSummary {
        center: fit.center,
        components: fit.comps,
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
    let rows = pca::centered_rows(votes, mod_out, &map.center);
    let n_mod_out = mod_out.iter().filter(|&&x| x).count();
    let fit = PcaFit {
        center: map.center.clone(),
        comps: map.components.clone(),
    };
    pca::project_rows(
        &rows,
        n_mod_out,
        map.center.len(),
        &fit,
        params.collapse_rank1(),
    )
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
    let points = Points {
        names: &names,
        positions: &at,
        weights: None,
    };
    let mut clusters = kmeans::kmeans(
        &points,
        params.base_k() as usize,
        params.base_iterations(),
        previous,
        params.kmeans_convergence(),
    );
    clusters.sort_by_key(|c| c.id);
    clusters
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

mod groups;
mod statements;

pub use groups::{groups, Grouping};
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
