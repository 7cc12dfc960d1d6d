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
//! - **Hdbscan**: the same projection, HDBSCAN (Campello, Moulavi & Sander 2013; the `hdbscan`
//!   crate: linfa has none) with `min_cluster_size` = `min_samples` = max(5, ⌈n / 20⌉) unless
//!   set; k and the noise are its own (the most persistent clusters of its hierarchy).
//!
//! **Statements** ([`StatementComparison`], statements.rs): bridging scores from Community
//! Notes' matrix factorisation ([`crate::bridging`]) beside Polis's group-informed consensus
//! over the engine's groups, in the form asked ([`crate::ConsensusForm`]), and, when asked,
//! the representative statements that survive Benjamini–Hochberg ([`crate::repness_fdr`]).
//!
//! Where each part lives: this file runs the pipelines and scores them; fit.rs fits the
//! clusterers, stability.rs the bootstrap, statements.rs the statement rankings, params.rs
//! what to run.
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

use ndarray::Array2;
use polyphony_core::ParticipantId;
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

use crate::features::{imputed_records, pca_projection};
use crate::metrics::{adjusted_rand_index, agreement};
use crate::{LabData, LabError};

mod fit;
mod params;
mod stability;
mod statements;
use fit::{first_seen, fit_full, silhouette_of};
pub use params::{CompareParams, CompareParamsBuilder, Pipeline};
use stability::{linfa_stability, polis_stability};
pub use statements::{RankedStatement, StatementComparison};

/// Label of a participant a pipeline leaves ungrouped, in reference scores.
const UNGROUPED: u32 = u32::MAX;
/// Label of DBSCAN's and HDBSCAN's noise points: one more cluster in ARI and agreement.
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
    /// Statements: bridging beside group-informed consensus, and repness under FDR control.
    pub statements: StatementComparison,
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
    /// Participants left out as noise (DBSCAN and HDBSCAN only).
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
            let noise_label = if pipeline.has_noise() {
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
    let statements = statements::compare_statements(&conv, &analysis, params);
    Ok(Comparison {
        statements,
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
        noise: if pipeline.has_noise() { noise } else { 0 },
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
