//! Several pipelines on one conversation, side by side.
//!
//! Every pipeline groups the same participants: those the engine puts in the clustering (Polis's
//! in-conv rule, §2 of the math spec), so the scores compare like with like.
//!
//! - **Polis**: the engine's own update ([`polyphony_core::Conversation::update`]) with the
//!   parameters' preset (`polis` by default): sparsity-aware PCA projection, 100 base clusters,
//!   weighted k-means over them with k in 2..=`max_k` by silhouette.
//! - **KMeans**, **GaussianMixture**: `linfa-reduction`'s PCA (two components, on each
//!   participant's row of the imputed vote matrix: agree +1, disagree −1, pass 0, a missing vote
//!   the column's mean, moderated-out statements 0), then `linfa-clustering`'s `KMeans`
//!   (k-means++, `kmeans_runs` restarts) or `GaussianMixture` (full covariance, k-means start).
//!   k is chosen as Polis chooses it: the best silhouette over k = `k_min..=k_max` (2..=5 by
//!   default, Polis's range), ties going to the larger k.
//! - **Dbscan**: the same projection, `linfa-clustering`'s `Dbscan` with `min_points` = 4
//!   (2 × dimensions, Sander et al. 1998) and ε at the knee of the sorted 3-nearest-neighbour
//!   distances; k is what DBSCAN finds, and the points it leaves as noise are counted apart.
//!
//! **Scores.** The silhouette is linfa's (Euclidean, over participants, unweighted), each
//! pipeline in its own 2-D space. ARI and agreement are against the reference grouping (Polis's
//! `group-id`) over every participant it groups; one the pipeline leaves out counts as its own
//! "ungrouped" label. **Stability** resamples the clustered participants with replacement
//! `bootstrap` times (the same resamples for every pipeline, seeded), refits the pipeline on
//! each (the engine runs a whole update and chooses its own k; the linfa pipelines refit PCA and
//! the clusterer with the k or ε the full run chose, as Hennig's `clusterboot` does) and
//! averages the ARI of each resample's groups against the full run over the participants drawn.

use std::collections::{BTreeMap, BTreeSet};

use linfa::prelude::*;
use linfa_clustering::{Dbscan, GaussianMixtureModel, KMeans};
use ndarray::{Array2, ArrayView2};
use polyphony_core::{ParticipantId, VoteEvent};
use rand::{Rng, SeedableRng};
use rand_xoshiro::{Xoshiro256Plus, Xoshiro256PlusPlus};
use serde::{Deserialize, Serialize};

use crate::features::{imputed_records, knee_epsilon, pca_projection, select_rows, silhouette};
use crate::metrics::{adjusted_rand_index, agreement};
use crate::{LabData, LabError};

mod params;
pub use params::{CompareParams, CompareParamsBuilder, Pipeline};

/// Label of a participant a pipeline leaves ungrouped, in reference scores.
const UNGROUPED: u32 = u32::MAX;
/// Label of DBSCAN's noise points: one more cluster in ARI and agreement.
const NOISE: u32 = u32::MAX - 1;

/// What `compare` found: one result per pipeline, over the same participants.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The participants clustered (the engine's in-conv set), in the vote matrix's order.
    pub participants: Vec<ParticipantId>,
    /// How many participants the reference grouping groups (0 when there is none).
    pub reference_participants: u32,
    /// Groups in the reference grouping.
    pub reference_k: Option<u32>,
    /// Bootstrap resamples run.
    pub bootstrap: u32,
    /// Seed used.
    pub seed: u64,
    /// One result per pipeline, in the order asked.
    pub pipelines: Vec<PipelineResult>,
}

/// One pipeline's result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PipelineResult {
    /// Which pipeline.
    pub pipeline: Pipeline,
    /// How its k was chosen, in words.
    pub k_choice: String,
    /// Groups found (`None` if the pipeline failed or found none).
    pub k: Option<u32>,
    /// Members per group, by group label.
    pub group_sizes: Vec<u32>,
    /// Participants left out as noise (DBSCAN only).
    pub noise: u32,
    /// DBSCAN's ε, when it ran.
    pub epsilon: Option<f64>,
    /// linfa's silhouette of its groups in its own 2-D space (noise left out).
    pub silhouette: Option<f64>,
    /// Adjusted Rand index against the reference grouping.
    pub ari: Option<f64>,
    /// Share of the reference's participants in the matching group after the best matching.
    pub agreement: Option<f64>,
    /// Mean ARI of the resamples' groups against this full run (`None` without resamples).
    pub stability: Option<f64>,
    /// Resamples that produced groups (the others are left out of `stability`).
    pub resamples: u32,
    /// Milliseconds of the full run (PCA included), when a clock was given.
    pub time_ms: Option<f64>,
    /// Milliseconds of all the resamples, when a clock was given.
    pub bootstrap_ms: Option<f64>,
    /// Group label per participant of [`Comparison::participants`] (`None`: ungrouped or noise).
    pub groups: Vec<Option<u32>>,
    /// Why the pipeline gave no groups, if it failed.
    pub error: Option<String>,
}

/// Runs the pipelines of `params` on `data`; no timing (use [`compare_with_clock`]).
///
/// Complexity: the engine's update once per resample; O(n²) in clustered participants for the
/// silhouettes and DBSCAN's ε.
///
/// # Errors
/// [`LabError::NoVotes`] for an empty conversation.
///
/// ```
/// use polyphony_core::{Vote, VoteEvent};
/// use polyphony_lab::{compare, CompareParams, LabData, Pipeline};
/// let mut votes = Vec::new();
/// for p in 0..16u32 {
///     for s in 0..8u32 {
///         let with_camp = (p % 2 == 0) == (s % 2 == 0);
///         votes.push(VoteEvent::new(p, s, if with_camp { Vote::Agree } else { Vote::Disagree }, 0));
///     }
/// }
/// let params = CompareParams::builder().bootstrap(3).pipelines(&[Pipeline::GaussianMixture]).build()?;
/// let result = compare(&LabData::new(votes), &params)?;
/// assert_eq!(result.pipelines[0].group_sizes, vec![8, 8]);
/// # Ok::<(), polyphony_lab::LabError>(())
/// ```
pub fn compare(data: &LabData, params: &CompareParams) -> Result<Comparison, LabError> {
    run(data, params, None)
}

/// [`compare`], timing each pipeline with `clock` (milliseconds from any origin: the CLI passes
/// a monotonic clock, JavaScript `performance.now()`); the lab itself reads no clock.
///
/// # Errors
/// As [`compare`].
///
/// ```
/// use polyphony_core::{Vote, VoteEvent};
/// let mut votes = Vec::new();
/// for p in 0..16u32 {
///     for s in 0..8u32 {
///         let with_camp = (p % 2 == 0) == (s % 2 == 0);
///         votes.push(VoteEvent::new(p, s, if with_camp { Vote::Agree } else { Vote::Disagree }, 0));
///     }
/// }
/// let params = polyphony_lab::CompareParams::builder().bootstrap(0).build()?;
/// let mut ticks = 0.0;
/// let result = polyphony_lab::compare_with_clock(&polyphony_lab::LabData::new(votes), &params, &mut || { ticks += 1.0; ticks })?;
/// assert!(result.pipelines.iter().all(|p| p.time_ms.is_some()));
/// # Ok::<(), polyphony_lab::LabError>(())
/// ```
pub fn compare_with_clock(
    data: &LabData,
    params: &CompareParams,
    clock: &mut dyn FnMut() -> f64,
) -> Result<Comparison, LabError> {
    run(data, params, Some(clock))
}

/// What a linfa pipeline's full run fixed, reused on every resample.
#[derive(Clone, Copy, Debug)]
enum Fixed {
    K(usize),
    Epsilon(f64),
}

struct Fitted {
    labels: Vec<Option<u32>>,
    fixed: Option<Fixed>,
    k_choice: String,
    epsilon: Option<f64>,
}

fn run(
    data: &LabData,
    params: &CompareParams,
    mut clock: Option<&mut dyn FnMut() -> f64>,
) -> Result<Comparison, LabError> {
    if data.votes.is_empty() {
        return Err(LabError::NoVotes);
    }
    let mut now = || clock.as_mut().map(|c| c());
    let start = now();
    let mut conv = data.conversation(params.analysis.clone());
    let analysis = conv.update();
    let polis_time = elapsed(start, now());
    let clustered: Vec<_> = analysis.participants.iter().filter(|p| p.in_conv).collect();
    let population: Vec<ParticipantId> = clustered.iter().map(|p| p.participant).collect();
    let polis_labels: Vec<Option<u32>> = clustered.iter().map(|p| p.group).collect();
    let polis_points =
        Array2::from_shape_fn((clustered.len(), 2), |(i, j)| clustered[i].position[j]);

    let needs_linfa = params.pipelines.iter().any(|p| *p != Pipeline::Polis);
    let start = now();
    let records = needs_linfa.then(|| imputed_records(&conv, &population));
    let projection = records.as_ref().and_then(|r| pca_projection(r.view()));
    let pca_time = elapsed(start, now());

    // The same resamples for every pipeline: indices into `population`.
    let resamples: Vec<Vec<usize>> = (0..params.bootstrap)
        .map(|r| {
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(
                params.seed ^ u64::from(r).wrapping_mul(0x9E37_79B9_7F4A_7C15),
            );
            let n = population.len() as u32;
            (0..n)
                .map(|_| rng.gen_range(0..n.max(1)) as usize)
                .collect()
        })
        .collect();

    let reference: Vec<(ParticipantId, u32)> = data
        .reference_groups
        .iter()
        .map(|(&p, &g)| (p, g))
        .collect();
    let reference_k = (!reference.is_empty())
        .then(|| reference.iter().map(|r| r.1).collect::<BTreeSet<_>>().len() as u32);

    let mut results = Vec::with_capacity(params.pipelines.len());
    for &pipeline in &params.pipelines {
        let mut result = match pipeline {
            Pipeline::Polis => {
                let sil = silhouette_of(polis_points.view(), &polis_labels);
                let mut r = new_result(
                    pipeline,
                    "silhouette over 2..=max_k on base clusters, smoothed (the engine)".into(),
                    polis_labels.clone(),
                    sil,
                );
                r.time_ms = polis_time;
                let start = now();
                let (stability, ok) =
                    polis_stability(data, params, &population, &polis_labels, &resamples);
                r.bootstrap_ms = elapsed(start, now());
                r.stability = stability;
                r.resamples = ok;
                r
            }
            _ => {
                let Some(points) = projection.as_ref() else {
                    results.push(failed(pipeline, "linfa PCA could not run on this matrix"));
                    continue;
                };
                let start = now();
                let fitted = fit_full(pipeline, points.view(), params);
                let time = elapsed(start, now()).zip(pca_time).map(|(a, b)| a + b);
                let Some(fitted) = fitted else {
                    let mut r = failed(pipeline, "the clusterer found no groups");
                    r.time_ms = time;
                    results.push(r);
                    continue;
                };
                let sil = silhouette_of(points.view(), &fitted.labels);
                let mut r = new_result(
                    pipeline,
                    fitted.k_choice.clone(),
                    first_seen(&fitted.labels),
                    sil,
                );
                r.epsilon = fitted.epsilon;
                r.time_ms = time;
                let start = now();
                let (stability, ok) = match (records.as_ref(), fitted.fixed) {
                    (Some(records), Some(fixed)) => linfa_stability(
                        pipeline,
                        records.view(),
                        fixed,
                        params,
                        &fitted.labels,
                        &resamples,
                    ),
                    _ => (None, 0),
                };
                r.bootstrap_ms = elapsed(start, now());
                r.stability = stability;
                r.resamples = ok;
                r
            }
        };
        if !reference.is_empty() {
            let by_participant: BTreeMap<ParticipantId, u32> = population
                .iter()
                .zip(&result.groups)
                .filter_map(|(&p, g)| g.map(|g| (p, g)))
                .collect();
            let noise_label = if pipeline == Pipeline::Dbscan {
                NOISE
            } else {
                UNGROUPED
            };
            let in_population: BTreeSet<ParticipantId> = population.iter().copied().collect();
            let pairs: Vec<(u32, u32)> =
                reference
                    .iter()
                    .map(|&(p, g)| {
                        let ours = by_participant.get(&p).copied().unwrap_or(
                            if in_population.contains(&p) {
                                noise_label
                            } else {
                                UNGROUPED
                            },
                        );
                        (g, ours)
                    })
                    .collect();
            result.ari = Some(adjusted_rand_index(&pairs));
            result.agreement = Some(agreement(&pairs));
        }
        results.push(result);
    }
    Ok(Comparison {
        participants: population,
        reference_participants: reference.len() as u32,
        reference_k,
        bootstrap: params.bootstrap,
        seed: params.seed,
        pipelines: results,
    })
}

fn elapsed(start: Option<f64>, end: Option<f64>) -> Option<f64> {
    start.zip(end).map(|(a, b)| (b - a).max(0.0))
}

fn new_result(
    pipeline: Pipeline,
    k_choice: String,
    groups: Vec<Option<u32>>,
    silhouette: Option<f64>,
) -> PipelineResult {
    let mut sizes: BTreeMap<u32, u32> = BTreeMap::new();
    let mut noise = 0;
    for g in &groups {
        match g {
            Some(g) => *sizes.entry(*g).or_default() += 1,
            None => noise += 1,
        }
    }
    let k = (!sizes.is_empty()).then_some(sizes.len() as u32);
    PipelineResult {
        pipeline,
        k_choice,
        k,
        group_sizes: sizes.into_values().collect(),
        noise: if pipeline == Pipeline::Dbscan {
            noise
        } else {
            0
        },
        epsilon: None,
        silhouette,
        ari: None,
        agreement: None,
        stability: None,
        resamples: 0,
        time_ms: None,
        bootstrap_ms: None,
        groups,
        error: None,
    }
}

fn failed(pipeline: Pipeline, why: &str) -> PipelineResult {
    let mut r = new_result(pipeline, String::new(), Vec::new(), None);
    r.error = Some(why.to_string());
    r
}

/// The same partition with labels 0, 1, 2, … in order of first appearance, so that a result
/// does not depend on how a clusterer numbers its clusters.
fn first_seen(labels: &[Option<u32>]) -> Vec<Option<u32>> {
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
fn silhouette_of(points: ArrayView2<'_, f64>, labels: &[Option<u32>]) -> Option<f64> {
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

/// The full run of a linfa pipeline: k (or ε) chosen its own way.
fn fit_full(
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

/// ARI of a resample's labels (indexed like `sample`) against the full run, over the distinct
/// participants drawn that both label.
fn resample_ari(sample: &[usize], labels: &[Option<u32>], full: &[Option<u32>]) -> Option<f64> {
    let mut seen = BTreeSet::new();
    let pairs: Vec<(u32, u32)> = sample
        .iter()
        .zip(labels)
        .filter(|(i, _)| seen.insert(**i))
        .filter_map(|(&i, l)| Some((full.get(i).copied().flatten()?, (*l)?)))
        .collect();
    (!pairs.is_empty()).then(|| adjusted_rand_index(&pairs))
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

fn linfa_stability(
    pipeline: Pipeline,
    records: ArrayView2<'_, f64>,
    fixed: Fixed,
    params: &CompareParams,
    full: &[Option<u32>],
    resamples: &[Vec<usize>],
) -> (Option<f64>, u32) {
    // DBSCAN's noise is a label of its own when scoring it.
    let full: Vec<Option<u32>> = if pipeline == Pipeline::Dbscan {
        full.iter().map(|l| Some(l.unwrap_or(NOISE))).collect()
    } else {
        full.to_vec()
    };
    let mut scores = Vec::new();
    for sample in resamples {
        let rows = select_rows(records, sample);
        let Some(points) = pca_projection(rows.view()) else {
            continue;
        };
        let labels = match fixed {
            Fixed::K(k) => cluster_k(pipeline, points.view(), k, params),
            Fixed::Epsilon(eps) => dbscan(points.view(), params.dbscan_min_points as usize, eps)
                .map(|l| l.into_iter().map(|x| Some(x.unwrap_or(NOISE))).collect()),
        };
        if let Some(score) = labels.and_then(|l| resample_ari(sample, &l, &full)) {
            scores.push(score);
        }
    }
    (mean(&scores), scores.len() as u32)
}

fn polis_stability(
    data: &LabData,
    params: &CompareParams,
    population: &[ParticipantId],
    full: &[Option<u32>],
    resamples: &[Vec<usize>],
) -> (Option<f64>, u32) {
    if resamples.is_empty() {
        return (None, 0);
    }
    let mut votes_of: BTreeMap<ParticipantId, Vec<VoteEvent>> = BTreeMap::new();
    for v in &data.votes {
        votes_of.entry(v.participant).or_default().push(*v);
    }
    let fresh_base = data
        .participants()
        .last()
        .map_or(0, |p| p.saturating_add(1));
    let mut scores = Vec::new();
    for sample in resamples {
        // A participant drawn again joins as a new participant with the same votes.
        let mut copies: BTreeSet<usize> = BTreeSet::new();
        let mut fresh = fresh_base;
        let mut votes = Vec::new();
        let mut ids = Vec::with_capacity(sample.len());
        for &i in sample {
            let Some(&p) = population.get(i) else {
                continue;
            };
            let id = if copies.insert(i) {
                p
            } else {
                fresh = fresh.saturating_add(1);
                fresh - 1
            };
            ids.push(id);
            for v in votes_of.get(&p).map(Vec::as_slice).unwrap_or(&[]) {
                votes.push(VoteEvent {
                    participant: id,
                    ..*v
                });
            }
        }
        let resampled = LabData {
            votes,
            statements: data.statements.clone(),
            reference_groups: BTreeMap::new(),
        };
        let analysis = resampled.conversation(params.analysis.clone()).update();
        let group_of: BTreeMap<ParticipantId, u32> = analysis
            .participants
            .iter()
            .filter_map(|p| p.group.map(|g| (p.participant, g)))
            .collect();
        let labels: Vec<Option<u32>> = ids.iter().map(|id| group_of.get(id).copied()).collect();
        if let Some(score) = resample_ari(sample, &labels, full) {
            scores.push(score);
        }
    }
    (mean(&scores), scores.len() as u32)
}
