//! The records the linfa pipelines work on, and the helpers they share.

use linfa::prelude::*;
use linfa_reduction::Pca;
use ndarray::{Array1, Array2, ArrayView2};
use polyphony_core::{Conversation, ParticipantId};

/// Each listed participant's row of Polis's imputed vote matrix (§1.2, §3.1 of the math spec):
/// agree = +1, disagree = −1, pass = 0; a missing vote is the column's mean over the votes
/// cast on it; a moderated-out or meta statement is 0 for everyone. Rows in `participants`
/// order, columns in the matrix's order.
pub(crate) fn imputed_records(conv: &Conversation, participants: &[ParticipantId]) -> Array2<f64> {
    let matrix = conv.matrix();
    let statements = matrix.statements();
    let cols = statements.len();
    let mod_out: Vec<bool> = statements
        .iter()
        .map(|&s| conv.statement(s).is_mod_out())
        .collect();
    let mut sums = vec![0.0f64; cols];
    let mut counts = vec![0u32; cols];
    for row in 0..matrix.participants().len() {
        for (col, vote) in matrix.row(row) {
            sums[col] += f64::from(vote.agree_positive());
            counts[col] += 1;
        }
    }
    let means: Vec<f64> = (0..cols)
        .map(|c| {
            if mod_out[c] || counts[c] == 0 {
                0.0
            } else {
                sums[c] / f64::from(counts[c])
            }
        })
        .collect();
    let mut records = Array2::zeros((participants.len(), cols));
    for (i, &p) in participants.iter().enumerate() {
        let mut out = records.row_mut(i);
        for (c, m) in means.iter().enumerate() {
            out[c] = *m;
        }
        if let Some(row) = matrix.row_of(p) {
            for (col, vote) in matrix.row(row) {
                out[col] = if mod_out[col] {
                    0.0
                } else {
                    f64::from(vote.agree_positive())
                };
            }
        }
    }
    records
}

/// linfa-reduction's PCA to two components (one when there is a single column), fitted on
/// `records` and applied to them. `None` when PCA cannot run (fewer than two rows or no column).
pub(crate) fn pca_projection(records: ArrayView2<'_, f64>) -> Option<Array2<f64>> {
    if records.nrows() < 2 || records.ncols() == 0 {
        return None;
    }
    let dims = records.ncols().min(2);
    let data = DatasetBase::from(records.to_owned());
    let pca = Pca::params(dims).fit(&data).ok()?;
    let projected: Array2<f64> = pca.predict(&records);
    projected.iter().all(|x| x.is_finite()).then_some(projected)
}

/// linfa's silhouette (Euclidean, unweighted, O(n²)) of a labelling; `None` with fewer than two
/// labels (where linfa answers 1 by convention) or fewer than two points.
pub(crate) fn silhouette(points: ArrayView2<'_, f64>, labels: &[usize]) -> Option<f64> {
    let mut distinct: Vec<usize> = labels.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 2 || points.nrows() != labels.len() {
        return None;
    }
    let data = DatasetBase::new(points.to_owned(), Array1::from(labels.to_vec()));
    data.silhouette_score().ok().filter(|s: &f64| s.is_finite())
}

/// Rows of `x` at `indices`.
pub(crate) fn select_rows(x: ArrayView2<'_, f64>, indices: &[usize]) -> Array2<f64> {
    let mut out = Array2::zeros((indices.len(), x.ncols()));
    for (i, &r) in indices.iter().enumerate() {
        out.row_mut(i).assign(&x.row(r));
    }
    out
}

/// DBSCAN's ε by the k-distance knee (Ester et al. 1996; Sander et al. 1998 for
/// `min_points` = 2 · dimensions): each point's distance to its (`min_points` − 1)-th nearest
/// other point, sorted ascending; ε is the value at the point of that curve farthest from the
/// straight line joining its ends (both axes scaled to [0, 1]). O(n²).
pub(crate) fn knee_epsilon(points: ArrayView2<'_, f64>, min_points: usize) -> Option<f64> {
    let n = points.nrows();
    let k = min_points.saturating_sub(1).max(1);
    if n <= k {
        return None;
    }
    let mut kdist: Vec<f64> = Vec::with_capacity(n);
    let mut dists = Vec::with_capacity(n);
    for i in 0..n {
        dists.clear();
        for j in 0..n {
            if i != j {
                let d = (&points.row(i) - &points.row(j))
                    .mapv(|v| v * v)
                    .sum()
                    .sqrt();
                dists.push(d);
            }
        }
        let (_, kth, _) = dists.select_nth_unstable_by(k - 1, f64::total_cmp);
        kdist.push(*kth);
    }
    kdist.sort_unstable_by(f64::total_cmp);
    let (first, last) = (kdist[0], kdist[n - 1]);
    let span = last - first;
    if span <= 0.0 {
        // Every point has its neighbours at one distance; 0 when they coincide, where any
        // small ε joins them.
        return Some(if last > 0.0 { last } else { 1e-9 });
    }
    let mut best = (f64::NEG_INFINITY, last);
    for (i, &d) in kdist.iter().enumerate() {
        let x = i as f64 / (n - 1) as f64;
        let y = (d - first) / span;
        // Distance below the chord y = x of the normalised, convex curve.
        let gap = x - y;
        if gap > best.0 {
            best = (gap, d);
        }
    }
    Some(best.1).filter(|e| *e > 0.0)
}
