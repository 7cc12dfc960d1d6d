//! PCA as Polis computes it (§3): mean imputation, power iteration, sparsity-aware projection.
//!
//! Written by hand rather than with `linfa-reduction`: Polis's results depend on power iteration
//! warm-started from the previous update's components, on its exact step count, and on a
//! projection that scales each participant by how much of the conversation they saw. An SVD
//! gives the same components at convergence but neither the warm start nor the sign lineage.
//!
//! The centred, mean-imputed matrix is zero wherever a vote is missing (the imputed value *is*
//! the column mean), so everything runs on the sparse votes: with up to 4,096 statements the
//! engine forms the statements × statements Gram matrix once per update (cost Σ votes-per-row²)
//! and iterates on it; above that it iterates on the sparse rows directly.

use std::borrow::Cow;

use ndarray::{Array1, Array2};
use rand::Rng;
use rand_xoshiro::Xoshiro256PlusPlus;

#[cfg(any(test, feature = "bench-internals"))]
use crate::matrix::VoteMatrix;

const GRAM_MAX_COLUMNS: usize = 4096;

/// Centre and components of one update, in column order.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PcaFit {
    pub center: Vec<f64>,
    pub comps: Vec<Vec<f64>>,
}

/// Sparse centred rows: (column, value − centre) for every vote on a statement not moderated out.
pub(crate) struct CenteredRows<'a> {
    pub offsets: Cow<'a, [usize]>,
    pub columns: Cow<'a, [u32]>,
    pub values: Vec<f64>,
}

#[cfg(any(test, feature = "bench-internals"))]
pub(crate) fn column_means(m: &VoteMatrix, mod_out: &[bool]) -> Vec<f64> {
    let c = m.statements().len();
    let mut sum = vec![0.0; c];
    let mut count = vec![0u32; c];
    for r in 0..m.participants().len() {
        for (j, v) in m.row(r) {
            sum[j] += v.polis_value();
            count[j] += 1;
        }
    }
    (0..c)
        .map(|j| {
            if mod_out[j] || count[j] == 0 {
                0.0
            } else {
                sum[j] / f64::from(count[j])
            }
        })
        .collect()
}

#[cfg(any(test, feature = "bench-internals"))]
pub(crate) fn centered_rows(
    m: &VoteMatrix,
    mod_out: &[bool],
    center: &[f64],
) -> CenteredRows<'static> {
    let mut offsets = Vec::with_capacity(m.participants().len() + 1);
    let mut columns = Vec::with_capacity(m.vote_count() as usize);
    let mut values = Vec::with_capacity(m.vote_count() as usize);
    offsets.push(0);
    for r in 0..m.participants().len() {
        for (j, v) in m.row(r) {
            if !mod_out[j] {
                columns.push(j as u32);
                values.push(v.polis_value() - center[j]);
            }
        }
        offsets.push(columns.len());
    }
    CenteredRows {
        offsets: Cow::Owned(offsets),
        columns: Cow::Owned(columns),
        values,
    }
}

/// How power iteration decides it is done.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Stopping {
    /// Polis: `iterations + 1` multiplications unless the norm repeats exactly.
    Polis { iterations: u32 },
    /// Stop when no coordinate moves more than `tolerance`, after at most `iterations + 1`.
    Converged { iterations: u32, tolerance: f64 },
}

enum Operator {
    Gram(Array2<f64>),
    Sparse,
}

/// Fits two components on the centred rows, starting from `starts` (padded with 1.0 for new
/// columns; all-zero starts replaced by seeded random vectors; no start → the ones vector).
pub(crate) fn fit(
    rows: &CenteredRows<'_>,
    n_rows: usize,
    center: Vec<f64>,
    starts: &[Vec<f64>],
    stopping: Stopping,
    rng: &mut Xoshiro256PlusPlus,
) -> PcaFit {
    let c = center.len();
    let n_comps = 2.min(n_rows).min(c);
    if n_comps < 2 {
        // Rank-1 shapes: Polis projects everyone to the origin (§3.5, Q16).
        return PcaFit {
            center,
            comps: vec![vec![0.0; c], vec![0.0; c]],
        };
    }
    let op = if c <= GRAM_MAX_COLUMNS {
        Operator::Gram(gram(rows, c))
    } else {
        Operator::Sparse
    };
    let mut comps: Vec<Vec<f64>> = Vec::with_capacity(2);
    for k in 0..2 {
        let mut start: Vec<f64> = match starts.get(k) {
            Some(prev) => {
                let mut v: Vec<f64> = prev.iter().copied().take(c).collect();
                v.resize(c, 1.0);
                v
            }
            None => vec![1.0; c],
        };
        if start.iter().all(|&x| x == 0.0) {
            for x in &mut start {
                *x = rng.gen::<f64>();
            }
        }
        let deflate: Vec<&Vec<f64>> = comps.iter().collect();
        let mut pc = power_iterate(&op, rows, Array1::from(start), &deflate, stopping);
        if pc.iter().all(|&x| x == 0.0) {
            // The start was exactly orthogonal to every direction with variance (the ones
            // vector is, on perfectly balanced votes): retry from a seeded random vector.
            let random: Array1<f64> = (0..c).map(|_| rng.gen::<f64>()).collect();
            pc = power_iterate(&op, rows, random, &deflate, stopping);
        }
        comps.push(pc.to_vec());
    }
    PcaFit { center, comps }
}

/// Below this many vote pairs the Gram matrix is formed on the calling thread alone: starting
/// a second thread costs up to a few hundred microseconds of system time on a small VM (its
/// allocator also takes a fresh 2 MiB page of its own, which the kernel zeroes), which a replay
/// (one update per second of a conversation) and a one-shot `analyze` pay every time.
/// Measured: below a million pairs the split made replays slower; at vtaiwan.uberx's 1.36
/// million the PCA step took 1.53 ms split and 1.41 ms alone (medians of 60, in turn).
#[cfg(not(target_family = "wasm"))]
const GRAM_SPLIT_PAIRS: usize = 4_000_000;

/// The statements × statements Gram matrix of the centred rows.
///
/// Each cell is summed in row order whatever the schedule, so the result is bit-identical on
/// every platform: natively, when the rows hold enough vote pairs, the lines are split in two
/// contiguous halves of about equal work, each filled by its own thread over all the rows.
fn gram(rows: &CenteredRows<'_>, c: usize) -> Array2<f64> {
    let mut g = vec![0.0; c * c];
    let split = split_line(rows, c);
    match split {
        #[cfg(not(target_family = "wasm"))]
        Some(s) if s > 0 && s < c => {
            let (low, high) = g.split_at_mut(s * c);
            // The second half goes to a helper thread; if the system refuses one (limits, a
            // sandbox), this thread fills it after the first: only the speed-up is lost.
            let high = std::sync::Mutex::new(high);
            let fill_high = || {
                if let Ok(mut h) = high.lock() {
                    gram_lines(rows, c, s..c, &mut h[..]);
                }
            };
            std::thread::scope(|scope| {
                let helper = std::thread::Builder::new().spawn_scoped(scope, fill_high);
                gram_lines(rows, c, 0..s, low);
                if helper.is_err() {
                    fill_high();
                }
            });
        }
        _ => gram_lines(rows, c, 0..c, &mut g),
    }
    // Mirror the upper triangle (columns inside a row are sorted, so i ≤ j was filled).
    for i in 0..c {
        for j in 0..i {
            g[i * c + j] = g[j * c + i];
        }
    }
    Array2::from_shape_vec((c, c), g).unwrap_or_else(|_| Array2::zeros((c, c)))
}

/// The first line of the second half when the Gram work is worth two threads: the line where
/// the upper-triangle pairs (`i ≤ j`, counted on line `i`) reach half of all of them.
#[cfg(not(target_family = "wasm"))]
fn split_line(rows: &CenteredRows<'_>, c: usize) -> Option<usize> {
    let mut per_line = vec![0usize; c];
    for r in 0..rows.offsets.len() - 1 {
        let cols = &rows.columns[rows.offsets[r]..rows.offsets[r + 1]];
        for (i, &ci) in cols.iter().enumerate() {
            per_line[ci as usize] += cols.len() - i;
        }
    }
    let total: usize = per_line.iter().sum();
    if total < GRAM_SPLIT_PAIRS {
        return None;
    }
    let mut seen = 0;
    per_line
        .iter()
        .position(|&w| {
            seen += w;
            2 * seen >= total
        })
        .map(|last_of_first| last_of_first + 1)
}

#[cfg(target_family = "wasm")]
fn split_line(_: &CenteredRows<'_>, _: usize) -> Option<usize> {
    None
}

/// Adds every row's pairs `(i, j)`, `i ≤ j`, with `i` in `lines`, to `out` (those lines, each
/// `c` long, in order).
fn gram_lines(rows: &CenteredRows<'_>, c: usize, lines: std::ops::Range<usize>, out: &mut [f64]) {
    let first = lines.start;
    for r in 0..rows.offsets.len() - 1 {
        let (a, b) = (rows.offsets[r], rows.offsets[r + 1]);
        let cols = &rows.columns[a..b];
        let vals = &rows.values[a..b];
        // Columns inside a row are sorted: skip to the first in `lines`, stop after the last.
        let start = cols.partition_point(|&ci| (ci as usize) < first);
        for i in start..cols.len() {
            let ci = cols[i] as usize;
            if ci >= lines.end {
                break;
            }
            let vi = vals[i];
            let line = &mut out[(ci - first) * c..(ci - first + 1) * c];
            for (&cj, &vj) in cols[i..].iter().zip(&vals[i..]) {
                line[cj as usize] += vi * vj;
            }
        }
    }
}

fn apply(op: &Operator, rows: &CenteredRows<'_>, v: &Array1<f64>) -> Array1<f64> {
    match op {
        Operator::Gram(g) => g.dot(v),
        Operator::Sparse => {
            let mut w = Array1::zeros(v.len());
            for r in 0..rows.offsets.len() - 1 {
                let (a, b) = (rows.offsets[r], rows.offsets[r + 1]);
                let mut dot = 0.0;
                for i in a..b {
                    dot += rows.values[i] * v[rows.columns[i] as usize];
                }
                if dot != 0.0 {
                    for i in a..b {
                        w[rows.columns[i] as usize] += dot * rows.values[i];
                    }
                }
            }
            w
        }
    }
}

/// Removes the components already found: v ← v − Σ (v·p / p·p) p.
fn project_out(v: &mut Array1<f64>, deflate: &[&Vec<f64>]) {
    for p in deflate {
        let pp: f64 = p.iter().map(|x| x * x).sum();
        if pp == 0.0 {
            continue;
        }
        let dot: f64 = v.iter().zip(p.iter()).map(|(a, b)| a * b).sum();
        let f = dot / pp;
        for (x, y) in v.iter_mut().zip(p.iter()) {
            *x -= f * y;
        }
    }
}

fn power_iterate(
    op: &Operator,
    rows: &CenteredRows<'_>,
    start: Array1<f64>,
    deflate: &[&Vec<f64>],
    stopping: Stopping,
) -> Array1<f64> {
    let (mut it, tolerance) = match stopping {
        Stopping::Polis { iterations } => (iterations, None),
        Stopping::Converged {
            iterations,
            tolerance,
        } => (iterations, Some(tolerance)),
    };
    let mut v = start;
    let mut last = 0.0;
    loop {
        // Deflated operator (I − Q) A (I − Q): the same as Polis's row-wise Gram–Schmidt.
        let mut x = v.clone();
        project_out(&mut x, deflate);
        let mut w = apply(op, rows, &x);
        project_out(&mut w, deflate);
        let ev = w.dot(&w).sqrt();
        let u = if ev == 0.0 { w } else { w / ev };
        let moved = tolerance.map(|t| {
            u.iter()
                .zip(v.iter())
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max)
                < t
        });
        if it == 0 || ev == last || moved == Some(true) {
            return u;
        }
        v = u;
        last = ev;
        it -= 1;
    }
}

/// Sparsity-aware projection of every row (§3.6): `sqrt(C / |S|) · Σ_S (x − c)·pc`, where S
/// counts the row's votes on statements in the math plus every moderated-out column (zeroed for
/// everyone, so "seen" by everyone).
///
/// With `collapse_rank1` (the Polis preset), an all-zero second component puts everyone at the
/// origin, as Polis's projection does for rank-1 comps. Without it, rank-1 data (two perfectly
/// opposed camps) is projected on the first component, so the camps stay apart.
pub(crate) fn project_rows(
    rows: &CenteredRows<'_>,
    n_mod_out: usize,
    n_columns: usize,
    comps: &[Vec<f64>],
    collapse_rank1: bool,
) -> Vec<[f64; 2]> {
    let (pc1, pc2) = (&comps[0], &comps[1]);
    let degenerate = collapse_rank1 && pc2.iter().all(|&x| x == 0.0);
    (0..rows.offsets.len() - 1)
        .map(|r| {
            if degenerate {
                return [0.0, 0.0];
            }
            let (a, b) = (rows.offsets[r], rows.offsets[r + 1]);
            let (mut p1, mut p2) = (0.0, 0.0);
            for i in a..b {
                let j = rows.columns[i] as usize;
                p1 += rows.values[i] * pc1[j];
                p2 += rows.values[i] * pc2[j];
            }
            let seen = (b - a + n_mod_out).max(1);
            let scale = (n_columns as f64 / seen as f64).sqrt();
            [scale * p1, scale * p2]
        })
        .collect()
}

/// Each statement as a virtual participant who agreed with it alone (§3.7), and its extremity.
pub(crate) fn project_statements(fit: &PcaFit) -> (Vec<[f64; 2]>, Vec<f64>) {
    let c = fit.center.len();
    let scale = (c as f64).sqrt();
    let proj: Vec<[f64; 2]> = (0..c)
        .map(|j| {
            let d = -1.0 - fit.center[j];
            [scale * d * fit.comps[0][j], scale * d * fit.comps[1][j]]
        })
        .collect();
    let extremity = proj
        .iter()
        .map(|p| (p[0] * p[0] + p[1] * p[1]).sqrt())
        .collect();
    (proj, extremity)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// Rows with enough vote pairs for the two-thread Gram: its cells must be the very same
    /// floats as one thread's (each cell summed in row order either way).
    #[test]
    fn gram_split_in_two_is_bit_identical_to_one_pass() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
        // About 1600 × 100² / 2 = 8 million pairs: above `GRAM_SPLIT_PAIRS`.
        let c = 200;
        let (mut offsets, mut columns, mut values) = (vec![0], Vec::new(), Vec::new());
        for _ in 0..1600 {
            for j in 0..c as u32 {
                if rng.gen::<f64>() < 0.5 {
                    columns.push(j);
                    values.push(rng.gen::<f64>() * 2.0 - 1.0);
                }
            }
            offsets.push(columns.len());
        }
        let rows = CenteredRows {
            offsets: Cow::Owned(offsets),
            columns: Cow::Owned(columns),
            values,
        };
        #[cfg(not(target_family = "wasm"))]
        {
            let split = split_line(&rows, c);
            assert!(split.is_some_and(|s| s > 0 && s < c), "{split:?}");
        }
        let mut one = vec![0.0; c * c];
        gram_lines(&rows, c, 0..c, &mut one);
        let two = gram(&rows, c);
        for i in 0..c {
            for j in i..c {
                assert_eq!(
                    two[[i, j]].to_bits(),
                    one[i * c + j].to_bits(),
                    "cell {i},{j}"
                );
                assert_eq!(
                    two[[j, i]].to_bits(),
                    one[i * c + j].to_bits(),
                    "cell {j},{i}"
                );
            }
        }
    }
}
