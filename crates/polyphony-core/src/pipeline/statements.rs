//! §6–§10: what the groups and the room say about each statement.

use std::collections::BTreeMap;

use crate::analysis::OpinionGroup;
use crate::params::AnalysisParams;
use crate::stats::{
    self, p_hat, prop_test, Consensus, ConsensusStatement, DivisiveStatement,
    RepresentativeStatement, Tally, Z90,
};
use crate::vote::StatementId;

/// §6: each group's representative statements (Polis `repness`), one list per group in the
/// order of `groups`: what sets the group apart from everyone in the other groups.
///
/// ```
/// use polyphony_core::{pipeline, AnalysisParams, OpinionGroup, Stance, Tally};
/// let group = |id, agree, disagree| OpinionGroup {
///     id, label: polyphony_core::group_label(id as usize), members: vec![], base_clusters: vec![],
///     center: [0.0, 0.0], tallies: vec![Tally { agree, disagree, seen: 10 }], representative: vec![],
/// };
/// let groups = [group(0, 10, 0), group(1, 0, 10)];
/// let rep = pipeline::repness(&[42], &groups, &[false], &AnalysisParams::default());
/// assert_eq!(rep[0][0].statement, 42);
/// assert_eq!((rep[0][0].repful_for, rep[1][0].repful_for), (Stance::Agree, Stance::Disagree));
/// ```
pub fn repness(
    statements: &[StatementId],
    groups: &[OpinionGroup],
    mod_out: &[bool],
    params: &AnalysisParams,
) -> Vec<Vec<RepresentativeStatement>> {
    (0..groups.len())
        .map(|i| {
            let rest: Vec<Tally> = (0..statements.len())
                .map(|j| {
                    groups
                        .iter()
                        .enumerate()
                        .filter(|(o, _)| *o != i)
                        .fold(Tally::default(), |acc, (_, g)| acc.plus(&g.tallies[j]))
                })
                .collect();
            stats::representative(
                statements,
                &groups[i].tallies,
                &rest,
                mod_out,
                params.best_agree_as_agree(),
                params.repness_test_f32(),
            )
        })
        .collect()
}

/// §7.1: up to five statements a significant majority of `totals` (everyone's tallies, by
/// column) agrees with, and five it disagrees with.
///
/// ```
/// use polyphony_core::{pipeline, Tally};
/// let totals = [Tally { agree: 18, disagree: 1, seen: 20 }, Tally { agree: 10, disagree: 10, seen: 20 }];
/// let c = pipeline::consensus(&[1, 2], &totals, &[false, false]);
/// assert_eq!(c.agree.iter().map(|s| s.statement).collect::<Vec<_>>(), vec![1]);
/// assert!(c.disagree.is_empty());
/// ```
pub fn consensus(statements: &[StatementId], totals: &[Tally], mod_out: &[bool]) -> Consensus {
    let pick = |success: &dyn Fn(&Tally) -> u32| {
        let mut list: Vec<ConsensusStatement> = (0..statements.len())
            .filter(|&j| !mod_out[j])
            .filter_map(|j| {
                let t = &totals[j];
                let s = success(t);
                let p = p_hat(s, t.seen);
                let z = prop_test(s, t.seen);
                (p > 0.5 && z > Z90).then_some(ConsensusStatement {
                    statement: statements[j],
                    n_success: s,
                    n_trials: t.seen,
                    p_success: p,
                    p_test: z,
                })
            })
            .collect();
        list.sort_by(|a, b| {
            (b.p_success * b.p_test)
                .partial_cmp(&(a.p_success * a.p_test))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        list.truncate(5);
        list
    };
    Consensus {
        agree: pick(&|t| t.agree),
        disagree: pick(&|t| t.disagree),
    }
}

/// §7.2: group-aware consensus of each statement, Π over groups of (agree + 1) / (seen + 2):
/// high only when every group agrees.
///
/// ```
/// use polyphony_core::{pipeline, OpinionGroup, Tally};
/// let group = |agree| OpinionGroup {
///     id: 0, label: "A".into(), members: vec![], base_clusters: vec![], center: [0.0, 0.0],
///     tallies: vec![Tally { agree, disagree: 8 - agree, seen: 8 }], representative: vec![],
/// };
/// let both = pipeline::group_aware_consensus(&[5], &[group(8), group(8)]);
/// let one = pipeline::group_aware_consensus(&[5], &[group(8), group(0)]);
/// assert!(both[&5] > 0.8 && one[&5] < 0.1);
/// ```
pub fn group_aware_consensus(
    statements: &[StatementId],
    groups: &[OpinionGroup],
) -> BTreeMap<StatementId, f64> {
    statements
        .iter()
        .enumerate()
        .map(|(j, &s)| {
            let per_group = groups.iter().map(|g| g.tallies[j]);
            (s, stats::group_aware_consensus(per_group))
        })
        .collect()
}

/// The sum of the previous update's group tallies, by column (what Polis computes
/// priorities from; a statement new since then counts as unseen).
///
/// ```
/// use std::collections::BTreeMap;
/// use polyphony_core::{pipeline, Tally};
/// let t = Tally { agree: 1, disagree: 0, seen: 1 };
/// let previous = BTreeMap::from([(0, BTreeMap::from([(7, t)])), (1, BTreeMap::from([(7, t)]))]);
/// let sums = pipeline::previous_group_tallies(&[7, 8], &previous);
/// assert_eq!((sums[0].seen, sums[1].seen), (2, 0));
/// ```
pub fn previous_group_tallies(
    statements: &[StatementId],
    previous: &BTreeMap<u32, BTreeMap<StatementId, Tally>>,
) -> Vec<Tally> {
    statements
        .iter()
        .map(|s| {
            previous
                .values()
                .filter_map(|votes| votes.get(s))
                .fold(Tally::default(), |acc, t| acc.plus(t))
        })
        .collect()
}

/// §10.1: routing priority of each statement, who should see what next: high for statements
/// few have seen (novelty), that split the map (extremity) and that people do not pass on;
/// 49 for meta statements. `tallies`, `extremity` and `is_meta` are by column.
///
/// ```
/// use polyphony_core::{pipeline, Tally};
/// let seen = Tally { agree: 10, disagree: 10, seen: 20 };
/// let p = pipeline::priorities(&[1, 2, 3], &[Tally::default(), seen, seen], &[0.0, 0.0, 0.0], &[false, false, true]);
/// assert!(p[&1] > p[&2]); // nobody has seen statement 1 yet
/// assert_eq!(p[&3], 49.0);
/// ```
pub fn priorities(
    statements: &[StatementId],
    tallies: &[Tally],
    extremity: &[f64],
    is_meta: &[bool],
) -> BTreeMap<StatementId, f64> {
    statements
        .iter()
        .enumerate()
        .map(|(j, &s)| (s, stats::priority(&tallies[j], extremity[j], is_meta[j])))
        .collect()
}

/// Statements by how far apart the groups stand, most divisive first (see
/// [`DivisiveStatement`] for the score); empty with fewer than two groups. `extremity` is by
/// column ([`crate::PcaSummary::statement_extremity`]).
///
/// ```
/// use polyphony_core::{pipeline, OpinionGroup, Tally};
/// let group = |id, agree: [u32; 2]| OpinionGroup {
///     id, label: polyphony_core::group_label(id as usize), members: vec![1, 2], base_clusters: vec![],
///     center: [0.0, 0.0], tallies: agree.map(|a| Tally { agree: a, disagree: 4 - a, seen: 4 }).to_vec(),
///     representative: vec![],
/// };
/// let d = pipeline::divisive(&[1, 2], &[group(0, [4, 2]), group(1, [0, 2])], &[1.0, 0.5], &[false; 2]);
/// assert_eq!(d[0].statement, 1);
/// assert_eq!((d[0].groups[0].agree_rate, d[0].groups[1].agree_rate), (1.0, 0.0));
/// assert_eq!(d[1].divisiveness, 0.0);
/// ```
pub fn divisive(
    statements: &[StatementId],
    groups: &[OpinionGroup],
    extremity: &[f64],
    mod_out: &[bool],
) -> Vec<DivisiveStatement> {
    if groups.len() < 2 {
        return Vec::new();
    }
    let mut divisive: Vec<DivisiveStatement> = (0..statements.len())
        .filter(|&j| !mod_out[j])
        .map(|j| {
            let per: Vec<(u32, Tally)> = groups
                .iter()
                .map(|g| (g.members.len() as u32, g.tallies[j]))
                .collect();
            DivisiveStatement {
                statement: statements[j],
                divisiveness: stats::divisiveness(&per),
                extremity: extremity[j],
                groups: groups
                    .iter()
                    .map(|g| stats::group_stance(g.id, &g.label, g.tallies[j]))
                    .collect(),
            }
        })
        .collect();
    divisive.sort_by(|a, b| {
        b.divisiveness
            .partial_cmp(&a.divisiveness)
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    divisive
}
