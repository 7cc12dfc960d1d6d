//! [`ImputedVotes`]: the mean-imputed vote matrix, the records the Polis PCA is fitted on.

use std::borrow::Cow;

use linfa::dataset::Records;
use ndarray::Array2;

use crate::matrix::VoteMatrix;
use crate::pca::CenteredRows;

/// The mean-imputed vote matrix (§3.1), held sparsely: a `linfa` records type.
///
/// Row `i` is the `i`-th participant of the [`VoteMatrix`], column `j` its `j`-th statement.
/// A vote is its Polis value (agree −1, disagree +1, pass 0), a missing vote is the column's
/// mean over the votes it has, and a column moderated out is 0 for everyone (Polis's
/// rating-mat). Only the votes are stored, so a 100k × 10k conversation at a few percent
/// density fits in memory; [`ImputedVotes::to_dense`] gives the full matrix.
///
/// Fitting [`PolisPca`](super::PolisPca) on these records is exactly the engine's PCA; its transform is the
/// sparsity-aware projection (§3.6), which needs to know which cells were votes.
///
/// ```
/// use polyphony_core::linfa::dataset::Records;
/// use polyphony_core::{ImputedVotes, Vote, VoteEvent, VoteMatrix};
/// let mut m = VoteMatrix::default();
/// m.apply(&[VoteEvent::new(1, 0, Vote::Agree, 0), VoteEvent::new(2, 0, Vote::Pass, 0),
///           VoteEvent::new(2, 1, Vote::Disagree, 0)]);
/// let x = ImputedVotes::new(&m, &[false, false]);
/// assert_eq!((x.nsamples(), x.nfeatures()), (2, 2));
/// assert_eq!(x.column_means(), &[-0.5, 1.0]);
/// // Participant 1 never voted on statement 1: imputed with its mean.
/// assert_eq!(x.to_dense().row(0).to_vec(), vec![-1.0, 1.0]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ImputedVotes {
    pub(super) means: Vec<f64>,
    offsets: Vec<usize>,
    columns: Vec<u32>,
    values: Vec<f64>,
    pub(super) n_mod_out: usize,
}

impl ImputedVotes {
    /// The imputed matrix of `votes`; `mod_out[j]` marks column `j` as moderated out (missing
    /// entries count as not moderated out).
    ///
    /// ```
    /// use polyphony_core::{ImputedVotes, Vote, VoteEvent, VoteMatrix};
    /// let mut m = VoteMatrix::default();
    /// m.apply(&[VoteEvent::new(1, 0, Vote::Agree, 0), VoteEvent::new(1, 1, Vote::Agree, 0)]);
    /// let x = ImputedVotes::new(&m, &[false, true]);
    /// assert_eq!(x.column_means(), &[-1.0, 0.0]); // statement 1 is out: zero for everyone
    /// ```
    pub fn new(votes: &VoteMatrix, mod_out: &[bool]) -> Self {
        let c = votes.statements().len();
        let out = |j: usize| mod_out.get(j).copied().unwrap_or(false);
        let mut sum = vec![0.0; c];
        let mut count = vec![0u32; c];
        let n = votes.participants().len();
        let mut offsets = Vec::with_capacity(n + 1);
        let mut columns = Vec::with_capacity(votes.vote_count() as usize);
        let mut values = Vec::with_capacity(votes.vote_count() as usize);
        offsets.push(0);
        for r in 0..n {
            for (j, v) in votes.row(r) {
                let x = v.polis_value();
                sum[j] += x;
                count[j] += 1;
                if !out(j) {
                    columns.push(j as u32);
                    values.push(x);
                }
            }
            offsets.push(columns.len());
        }
        let means = (0..c)
            .map(|j| {
                if out(j) || count[j] == 0 {
                    0.0
                } else {
                    sum[j] / f64::from(count[j])
                }
            })
            .collect();
        ImputedVotes {
            means,
            offsets,
            columns,
            values,
            n_mod_out: (0..c).filter(|&j| out(j)).count(),
        }
    }

    /// Each column's mean over its votes (0 for a column moderated out): the value a missing
    /// vote is imputed with, and the centre [`PolisPca`](super::PolisPca) finds.
    ///
    /// ```
    /// assert!(polyphony_core::ImputedVotes::new(&Default::default(), &[]).column_means().is_empty());
    /// ```
    pub fn column_means(&self) -> &[f64] {
        &self.means
    }

    /// The full participants × statements matrix.
    ///
    /// ```
    /// use polyphony_core::{ImputedVotes, Vote, VoteEvent, VoteMatrix};
    /// let mut m = VoteMatrix::default();
    /// m.apply(&[VoteEvent::new(1, 0, Vote::Disagree, 0)]);
    /// assert_eq!(ImputedVotes::new(&m, &[]).to_dense()[[0, 0]], 1.0);
    /// ```
    pub fn to_dense(&self) -> Array2<f64> {
        let c = self.means.len();
        let n = self.offsets.len() - 1;
        let mut x = Array2::from_shape_fn((n, c), |(_, j)| self.means[j]);
        for r in 0..n {
            for i in self.offsets[r]..self.offsets[r + 1] {
                x[[r, self.columns[i] as usize]] = self.values[i];
            }
        }
        x
    }

    /// The votes minus `center`, by row (moderated-out columns left out: they are 0 − 0).
    pub(crate) fn centered(&self, center: &[f64]) -> CenteredRows<'_> {
        CenteredRows {
            offsets: Cow::Borrowed(&self.offsets),
            columns: Cow::Borrowed(&self.columns),
            values: self
                .columns
                .iter()
                .zip(&self.values)
                .map(|(&j, &x)| x - center[j as usize])
                .collect(),
        }
    }
}

impl Records for ImputedVotes {
    type Elem = f64;

    fn nsamples(&self) -> usize {
        self.offsets.len() - 1
    }

    fn nfeatures(&self) -> usize {
        self.means.len()
    }
}
