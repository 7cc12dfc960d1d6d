//! The clusterers `compare` puts beside the engine: each fits the 2-D projection its own way
//! (k by silhouette, DBSCAN's ε at the k-distance knee, HDBSCAN's own hierarchy).

use std::collections::BTreeMap;

use hdbscan::{Hdbscan, HdbscanHyperParams};
use linfa::prelude::*;
use linfa_clustering::{Dbscan, GaussianMixtureModel, KMeans};
use ndarray::ArrayView2;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256Plus;

use super::{CompareParams, Pipeline};
use crate::features::{knee_epsilon, select_rows, silhouette};

/// What a linfa pipeline's full run fixed, reused on every resample.
#[derive(Clone, Copy, Debug)]
pub(super) enum Fixed {
    K(usize),
    Epsilon(f64),
    MinClusterSize(usize),
}

pub(super) struct Fitted {
    pub(super) labels: Vec<Option<u32>>,
    pub(super) fixed: Option<Fixed>,
    pub(super) k_choice: String,
    pub(super) epsilon: Option<f64>,
}

/// The full run of a pipeline on the projection: k (or ε, or the smallest cluster) chosen its
/// own way.
pub(super) fn fit_full(
    pipeline: Pipeline,
    points: ArrayView2<'_, f64>,
    params: &CompareParams,
) -> Option<Fitted> {
    match pipeline {
        Pipeline::Dbscan => {
            let m = params.dbscan_min_points as usize;
            let eps = knee_epsilon(points, m)?;
            let labels = dbscan(points, m, eps)?;
            Some(Fitted {
                labels,
                fixed: Some(Fixed::Epsilon(eps)),
                k_choice: format!("DBSCAN: min_points {m}, ε {eps:.4} at the k-distance knee"),
                epsilon: Some(eps),
            })
        }
        Pipeline::Hdbscan => {
            let m = hdbscan_min_cluster_size(params, points.nrows());
            let labels = hdbscan(points, m)?;
            Some(Fitted {
                labels,
                fixed: Some(Fixed::MinClusterSize(m)),
                k_choice: format!(
                    "HDBSCAN: min_cluster_size {m} (= min_samples), the most persistent clusters"
                ),
                epsilon: None,
            })
        }
        _ => {
            // linfa's k-means panics when asked for more clusters than distinct points, and a
            // silhouette needs a point outside any one cluster: cap k there.
            let distinct = distinct_points(points);
            let mut best: Option<(f64, usize, Vec<Option<u32>>)> = None;
            let k_max = (params.k_max as usize)
                .min(distinct)
                .min(points.nrows().saturating_sub(1));
            for k in params.k_min as usize..=k_max {
                let Some(labels) = cluster_k(pipeline, points, k, params) else {
                    continue;
                };
                let Some(s) = silhouette_of(points, &labels) else {
                    continue;
                };
                // Ties go to the larger k, as Polis's `max-key` keeps the last.
                if best.as_ref().is_none_or(|b| s >= b.0) {
                    best = Some((s, k, labels));
                }
            }
            let (_, k, labels) = best?;
            Some(Fitted {
                labels,
                fixed: Some(Fixed::K(k)),
                k_choice: format!(
                    "best silhouette over k = {}..={}",
                    params.k_min, params.k_max
                ),
                epsilon: None,
            })
        }
    }
}

/// HDBSCAN's smallest cluster for `n` points: the parameter when set, else 5 (the usual
/// default, scikit-learn's and the crate's) or one in twenty of the points when that is more,
/// so that it looks for opinion groups rather than knots of people who voted alike.
pub(super) fn hdbscan_min_cluster_size(params: &CompareParams, n: usize) -> usize {
    params
        .hdbscan_min_cluster_size
        .map_or_else(|| n.div_ceil(20).max(5), |m| m as usize)
}

/// The refit of a resample with what the full run fixed.
pub(super) fn refit(
    pipeline: Pipeline,
    points: ArrayView2<'_, f64>,
    fixed: Fixed,
    params: &CompareParams,
) -> Option<Vec<Option<u32>>> {
    match fixed {
        Fixed::K(k) => cluster_k(pipeline, points, k, params),
        Fixed::Epsilon(eps) => dbscan(points, params.dbscan_min_points as usize, eps),
        Fixed::MinClusterSize(m) => hdbscan(points, m),
    }
}

/// The same partition with labels 0, 1, 2, … in order of first appearance, so that a result
/// does not depend on how a clusterer numbers its clusters.
pub(super) fn first_seen(labels: &[Option<u32>]) -> Vec<Option<u32>> {
    let mut names: BTreeMap<u32, u32> = BTreeMap::new();
    labels
        .iter()
        .map(|l| {
            l.map(|l| {
                let next = names.len() as u32;
                *names.entry(l).or_insert(next)
            })
        })
        .collect()
}

/// Silhouette of the labelled points (unlabelled ones left out).
pub(super) fn silhouette_of(points: ArrayView2<'_, f64>, labels: &[Option<u32>]) -> Option<f64> {
    let kept: Vec<usize> = labels
        .iter()
        .enumerate()
        .filter(|(_, l)| l.is_some())
        .map(|(i, _)| i)
        .collect();
    let l: Vec<usize> = kept
        .iter()
        .filter_map(|&i| labels[i])
        .map(|g| g as usize)
        .collect();
    silhouette(select_rows(points, &kept).view(), &l)
}

/// How many different points there are (exact equality).
fn distinct_points(points: ArrayView2<'_, f64>) -> usize {
    let mut rows: Vec<Vec<u64>> = points
        .rows()
        .into_iter()
        .map(|r| r.iter().map(|x| x.to_bits()).collect())
        .collect();
    rows.sort_unstable();
    rows.dedup();
    rows.len()
}

/// KMeans or GaussianMixture with k clusters; labels per point. `None` when there are fewer
/// distinct points than k (linfa's k-means would panic) or the fit fails.
fn cluster_k(
    pipeline: Pipeline,
    points: ArrayView2<'_, f64>,
    k: usize,
    params: &CompareParams,
) -> Option<Vec<Option<u32>>> {
    if distinct_points(points) < k {
        return None;
    }
    let data = DatasetBase::from(points.to_owned());
    let rng = Xoshiro256Plus::seed_from_u64(params.seed.wrapping_add(k as u64));
    let labels: ndarray::Array1<usize> = match pipeline {
        Pipeline::KMeans => {
            let model = KMeans::params_with_rng(k, rng)
                .n_runs(params.kmeans_runs as usize)
                .fit(&data)
                .ok()?;
            model.predict(&points)
        }
        Pipeline::GaussianMixture => {
            let model = GaussianMixtureModel::params_with_rng(k, rng)
                .fit(&data)
                .ok()?;
            model.predict(&points)
        }
        _ => return None,
    };
    Some(labels.iter().map(|&l| Some(l as u32)).collect())
}

fn dbscan(points: ArrayView2<'_, f64>, min_points: usize, eps: f64) -> Option<Vec<Option<u32>>> {
    let valid = Dbscan::params(min_points).tolerance(eps).check().ok()?;
    let labels = valid.transform(&points);
    Some(labels.iter().map(|l| l.map(|l| l as u32)).collect())
}

/// HDBSCAN (Campello, Moulavi & Sander 2013; the `hdbscan` crate, after scikit-learn's) with
/// `min_cluster_size` = `min_samples` = `m`, Euclidean, no cluster-selection ε and no single
/// cluster: k and the noise are what its excess-of-mass selection keeps. Deterministic (no
/// random start). `None` with too few points to form two clusters.
fn hdbscan(points: ArrayView2<'_, f64>, m: usize) -> Option<Vec<Option<u32>>> {
    if points.nrows() < 2 * m.max(2) {
        return None;
    }
    let data: Vec<Vec<f64>> = points.rows().into_iter().map(|r| r.to_vec()).collect();
    let hp = HdbscanHyperParams::builder()
        .min_cluster_size(m)
        .min_samples(m)
        .build();
    let labels = Hdbscan::new(&data, hp).cluster().ok()?;
    Some(labels.iter().map(|&l| u32::try_from(l).ok()).collect())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests may fail loudly.
mod tests {
    use ndarray::Array2;

    use super::*;

    /// Two planted blobs on a grid, 40 points around (0, 0) and 20 around (10, 10), 0.1 apart,
    /// and three lone points far from both: HDBSCAN finds k = 2 by itself, the blobs whole, and
    /// the three as noise.
    #[test]
    fn hdbscan_finds_the_planted_blobs_and_the_noise() {
        let mut rows: Vec<[f64; 2]> = Vec::new();
        for i in 0..40 {
            rows.push([f64::from(i % 8) * 0.1, f64::from(i / 8) * 0.1]);
        }
        for i in 0..20 {
            rows.push([10.0 + f64::from(i % 5) * 0.1, 10.0 + f64::from(i / 5) * 0.1]);
        }
        rows.extend([[-30.0, 25.0], [30.0, -25.0], [40.0, 40.0]]);
        let points = Array2::from_shape_fn((rows.len(), 2), |(i, j)| rows[i][j]);
        let params = CompareParams::builder().build().unwrap();
        let m = hdbscan_min_cluster_size(&params, points.nrows());
        assert_eq!(m, 5); // ⌈63 / 20⌉ = 4 < 5
        let labels = first_seen(&hdbscan(points.view(), m).unwrap());
        assert!(labels[..40].iter().all(|l| *l == Some(0)), "{labels:?}");
        assert!(labels[40..60].iter().all(|l| *l == Some(1)), "{labels:?}");
        assert_eq!(&labels[60..], &[None, None, None]);
        // Too few points for two clusters: no fit rather than a panic.
        let few = select_rows(points.view(), &[0, 1, 2, 3, 4, 5]);
        assert_eq!(hdbscan(few.view(), 5), None);
    }
}
