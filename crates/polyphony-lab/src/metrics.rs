//! Partition agreement: the adjusted Rand index and the best one-to-one agreement.

use std::collections::BTreeMap;

/// The adjusted Rand index (Hubert & Arabie 1985) of two labellings of the same items, given as
/// `(label in A, label in B)` pairs: 1 for the same partition (whatever the label names), about
/// 0 for a chance one, negative below chance.
///
/// When both partitions are trivial in the same way (one cluster each, or all singletons) the
/// index is 0/0; it is then 1, as in scikit-learn. Fewer than two items also give 1.
///
/// Complexity: O(n log n).
///
/// ```
/// use polyphony_lab::adjusted_rand_index;
/// assert_eq!(adjusted_rand_index(&[(0, 5), (0, 5), (1, 7), (1, 7)]), 1.0);
/// assert!(adjusted_rand_index(&[(0, 0), (0, 1), (1, 0), (1, 1)]) < 0.0);
/// ```
pub fn adjusted_rand_index(pairs: &[(u32, u32)]) -> f64 {
    let n = pairs.len() as f64;
    if pairs.len() < 2 {
        return 1.0;
    }
    let mut cells: BTreeMap<(u32, u32), u64> = BTreeMap::new();
    let mut rows: BTreeMap<u32, u64> = BTreeMap::new();
    let mut cols: BTreeMap<u32, u64> = BTreeMap::new();
    for &(a, b) in pairs {
        *cells.entry((a, b)).or_default() += 1;
        *rows.entry(a).or_default() += 1;
        *cols.entry(b).or_default() += 1;
    }
    let choose2 = |x: u64| (x as f64) * (x as f64 - 1.0) / 2.0;
    let index: f64 = cells.values().map(|&c| choose2(c)).sum();
    let sum_a: f64 = rows.values().map(|&c| choose2(c)).sum();
    let sum_b: f64 = cols.values().map(|&c| choose2(c)).sum();
    let expected = sum_a * sum_b / (n * (n - 1.0) / 2.0);
    let max = (sum_a + sum_b) / 2.0;
    let denominator = max - expected;
    if denominator == 0.0 {
        return 1.0;
    }
    (index - expected) / denominator
}

/// The share of items on which two labellings agree after the best one-to-one matching of
/// their labels (an unmatched label agrees with nothing): 1 for the same partition.
///
/// The matching is exact (dynamic programming over subsets of the smaller label set) up to 16
/// labels on the smaller side, greedy by largest overlap beyond.
///
/// ```
/// use polyphony_lab::agreement;
/// assert_eq!(agreement(&[(0, 1), (0, 1), (1, 0), (1, 2)]), 0.75);
/// ```
pub fn agreement(pairs: &[(u32, u32)]) -> f64 {
    if pairs.is_empty() {
        return 1.0;
    }
    let mut a_labels: Vec<u32> = pairs.iter().map(|p| p.0).collect();
    let mut b_labels: Vec<u32> = pairs.iter().map(|p| p.1).collect();
    a_labels.sort_unstable();
    a_labels.dedup();
    b_labels.sort_unstable();
    b_labels.dedup();
    // The contingency table, with the smaller label set as rows.
    let swap = a_labels.len() > b_labels.len();
    let (rows, cols) = if swap {
        (&b_labels, &a_labels)
    } else {
        (&a_labels, &b_labels)
    };
    let mut table = vec![vec![0u64; cols.len()]; rows.len()];
    for &(a, b) in pairs {
        let (r, c) = if swap { (b, a) } else { (a, b) };
        if let (Ok(i), Ok(j)) = (rows.binary_search(&r), cols.binary_search(&c)) {
            table[i][j] += 1;
        }
    }
    let matched = if rows.len() <= 16 {
        best_matching(&table)
    } else {
        greedy_matching(&table)
    };
    matched as f64 / pairs.len() as f64
}

/// Exact maximum-weight matching of every row to a distinct column: DP over the columns, with
/// the set of rows already used as a bit mask (rows ≤ 16).
fn best_matching(table: &[Vec<u64>]) -> u64 {
    let rows = table.len();
    let cols = table.first().map_or(0, Vec::len);
    let size = 1usize << rows;
    let mut best = vec![0u64; size];
    for j in 0..cols {
        let mut next = best.clone();
        for (mask, &so_far) in best.iter().enumerate() {
            for (i, row) in table.iter().enumerate() {
                if mask & (1 << i) == 0 {
                    let m = mask | (1 << i);
                    next[m] = next[m].max(so_far + row[j]);
                }
            }
        }
        best = next;
    }
    best.into_iter().max().unwrap_or(0)
}

fn greedy_matching(table: &[Vec<u64>]) -> u64 {
    let mut cells: Vec<(u64, usize, usize)> = table
        .iter()
        .enumerate()
        .flat_map(|(i, row)| row.iter().enumerate().map(move |(j, &c)| (c, i, j)))
        .collect();
    cells.sort_unstable_by(|a, b| b.cmp(a));
    let mut used_rows = vec![false; table.len()];
    let mut used_cols = vec![false; table.first().map_or(0, Vec::len)];
    let mut total = 0;
    for (c, i, j) in cells {
        if !used_rows[i] && !used_cols[j] {
            used_rows[i] = true;
            used_cols[j] = true;
            total += c;
        }
    }
    total
}

/// How an analysis's groups agree with a reference grouping (Polis's `group-id`): the adjusted
/// Rand index and [`agreement`] over every participant the reference groups, a participant the
/// analysis leaves ungrouped counting as a label of its own. `None` without a reference.
///
/// ```
/// use std::collections::BTreeMap;
/// use polyphony_core::{AnalysisParams, Conversation, Preset, Vote, VoteEvent};
/// let mut conv = Conversation::new(AnalysisParams::builder(Preset::Polis).build()?);
/// let votes: Vec<VoteEvent> = (0..20u32)
///     .flat_map(|p| (0..6u32).map(move |s| VoteEvent::new(p, s, if (p + s) % 2 == 0 { Vote::Agree } else { Vote::Disagree }, 0)))
///     .collect();
/// conv.add_votes(&votes);
/// let analysis = conv.update();
/// let reference: BTreeMap<u32, u32> = (0..20u32).map(|p| (p, p % 2)).collect();
/// let (ari, agreement) = polyphony_lab::reference_scores(&analysis, &reference).unwrap();
/// assert_eq!((ari, agreement), (1.0, 1.0));
/// # Ok::<(), polyphony_core::CoreError>(())
/// ```
pub fn reference_scores(
    analysis: &polyphony_core::Analysis,
    reference: &BTreeMap<polyphony_core::ParticipantId, u32>,
) -> Option<(f64, f64)> {
    if reference.is_empty() {
        return None;
    }
    let ours: BTreeMap<u32, u32> = analysis
        .participants
        .iter()
        .filter_map(|p| p.group.map(|g| (p.participant, g)))
        .collect();
    let pairs: Vec<(u32, u32)> = reference
        .iter()
        .map(|(p, &g)| (g, ours.get(p).copied().unwrap_or(u32::MAX)))
        .collect();
    Some((adjusted_rand_index(&pairs), agreement(&pairs)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ari_is_one_for_relabelled_partitions_and_symmetric() {
        let pairs = [(0, 9), (0, 9), (1, 3), (1, 3), (2, 4)];
        assert_eq!(adjusted_rand_index(&pairs), 1.0);
        let swapped: Vec<(u32, u32)> = pairs.iter().map(|&(a, b)| (b, a)).collect();
        assert_eq!(adjusted_rand_index(&swapped), 1.0);
    }

    #[test]
    fn ari_matches_a_hand_computed_value() {
        // scikit-learn: adjusted_rand_score([0,0,1,1], [0,0,1,2]) = 0.5714285714285715
        let ari = adjusted_rand_index(&[(0, 0), (0, 0), (1, 1), (1, 2)]);
        assert!((ari - 0.571_428_571_428_571_5).abs() < 1e-12, "{ari}");
    }

    #[test]
    fn agreement_counts_the_best_matching() {
        assert_eq!(agreement(&[(0, 1), (0, 1), (1, 0), (1, 0)]), 1.0);
        // Three labels against two: one label can match nothing.
        assert_eq!(agreement(&[(0, 0), (1, 1), (2, 1)]), 2.0 / 3.0);
    }
}
