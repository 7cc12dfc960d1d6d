//! The hand-written PCA and k-means called directly, without `linfa`'s types (feature
//! `bench-internals`): what the benches compare the `linfa` path with. Not part of the API.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::kmeans::{self, Cluster, Points};
use crate::matrix::VoteMatrix;
use crate::pca::{self, Stopping};
use crate::preset::{KMeansConvergence, PcaStopping};

/// The engine's PCA without `linfa`: column means, centred sparse rows, power iteration.
/// Returns the centre and the two components.
///
/// ```
/// let (center, comps) = polyphony_core::direct::pca(&Default::default(), &[], &[], 100,
///     polyphony_core::PcaStopping::FixedSteps, 0);
/// assert!(center.is_empty() && comps.len() == 2);
/// ```
pub fn pca(
    votes: &VoteMatrix,
    mod_out: &[bool],
    warm_start: &[Vec<f64>],
    iterations: u32,
    stopping: PcaStopping,
    seed: u64,
) -> (Vec<f64>, Vec<Vec<f64>>) {
    let mut padded = mod_out.to_vec();
    padded.resize(votes.statements().len(), false);
    let center = pca::column_means(votes, &padded);
    let rows = pca::centered_rows(votes, &padded, &center);
    let stopping = match stopping {
        PcaStopping::FixedSteps => Stopping::Polis { iterations },
        PcaStopping::Converged => Stopping::Converged {
            iterations,
            tolerance: PcaStopping::TOLERANCE,
        },
    };
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let n = votes.participants().len();
    let fit = pca::fit(&rows, n, center, warm_start, stopping, &mut rng);
    (fit.center, fit.comps)
}

/// The engine's k-means without `linfa`: points named by their index, optional weights.
///
/// ```
/// let c = polyphony_core::direct::kmeans(&[[0.0, 0.0], [4.0, 0.0]], None, 2, 20, &[],
///     polyphony_core::KMeansConvergence::SortedZip);
/// assert_eq!(c.len(), 2);
/// ```
pub fn kmeans(
    positions: &[[f64; 2]],
    weights: Option<&[f64]>,
    k: usize,
    max_iterations: u32,
    warm_start: &[Cluster],
    convergence: KMeansConvergence,
) -> Vec<Cluster> {
    let names: Vec<u32> = (0..positions.len() as u32).collect();
    let points = Points {
        names: &names,
        positions,
        weights,
    };
    let mut c = kmeans::kmeans(&points, k, max_iterations, warm_start, convergence);
    c.sort_by_key(|c| c.id);
    c
}
