//! What `compare` runs: the [`Pipeline`]s and the validated [`CompareParams`].

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use polyphony_core::{AnalysisParams, Preset};
use serde::{Deserialize, Serialize};

use crate::{ConsensusForm, LabError};

/// One pipeline `compare` can run.
///
/// ```
/// use polyphony_lab::Pipeline;
/// assert_eq!("gmm".parse::<Pipeline>()?, Pipeline::GaussianMixture);
/// assert_eq!(Pipeline::KMeans.to_string(), "kmeans");
/// # Ok::<(), polyphony_lab::LabError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pipeline {
    /// The engine: Polis's PCA, base clusters and group k-means.
    Polis,
    /// linfa PCA + linfa-clustering `KMeans`.
    #[serde(rename = "kmeans")]
    KMeans,
    /// linfa PCA + linfa-clustering `GaussianMixture`.
    #[serde(rename = "gmm")]
    GaussianMixture,
    /// linfa PCA + linfa-clustering `Dbscan`.
    Dbscan,
    /// linfa PCA + HDBSCAN (the `hdbscan` crate).
    Hdbscan,
}

impl Pipeline {
    /// Every pipeline, in the order `compare` runs them.
    pub const ALL: [Pipeline; 5] = [
        Pipeline::Polis,
        Pipeline::KMeans,
        Pipeline::GaussianMixture,
        Pipeline::Dbscan,
        Pipeline::Hdbscan,
    ];

    /// Whether the pipeline leaves some participants out as noise (DBSCAN, HDBSCAN).
    ///
    /// ```
    /// assert!(polyphony_lab::Pipeline::Hdbscan.has_noise());
    /// assert!(!polyphony_lab::Pipeline::KMeans.has_noise());
    /// ```
    pub fn has_noise(self) -> bool {
        matches!(self, Pipeline::Dbscan | Pipeline::Hdbscan)
    }
}

impl fmt::Display for Pipeline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Pipeline::Polis => "polis",
            Pipeline::KMeans => "kmeans",
            Pipeline::GaussianMixture => "gmm",
            Pipeline::Dbscan => "dbscan",
            Pipeline::Hdbscan => "hdbscan",
        })
    }
}

impl FromStr for Pipeline {
    type Err = LabError;
    fn from_str(s: &str) -> Result<Self, LabError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "polis" => Ok(Pipeline::Polis),
            "kmeans" | "k-means" => Ok(Pipeline::KMeans),
            "gmm" | "gaussian_mixture" | "gaussianmixture" => Ok(Pipeline::GaussianMixture),
            "dbscan" => Ok(Pipeline::Dbscan),
            "hdbscan" => Ok(Pipeline::Hdbscan),
            other => Err(LabError::InvalidParams(format!(
                "unknown pipeline `{other}` (polis, kmeans, gmm, dbscan, hdbscan)"
            ))),
        }
    }
}

/// What `compare` runs, validated by [`CompareParamsBuilder::build`].
///
/// Defaults (each follows Polis or the algorithm's usual rule, none is tuned to a dataset):
/// - `analysis`: the `polis` preset, seed 0 — the engine as Polis runs;
/// - `bootstrap`: 50 resamples (0 turns stability off; at most 10,000);
/// - `seed`: 0, for the resamples and the linfa pipelines' random starts;
/// - `k_min..=k_max`: 2..=5, Polis's range of group counts;
/// - `kmeans_runs`: 10 restarts of k-means++ (the classic scikit-learn `n_init`);
/// - `dbscan_min_points`: 4 (2 × the projection's two dimensions);
/// - `hdbscan_min_cluster_size`: unset: max(5, ⌈n / 20⌉) of the n clustered participants;
/// - `pipelines`: all five, in [`Pipeline::ALL`] order;
/// - `bridging`: on (Community Notes' model, its own defaults, seeded with `seed`);
/// - `consensus`: [`ConsensusForm::Legacy`], Polis's group-informed consensus;
/// - `repness_fdr`: off (`Some(q)`: Benjamini–Hochberg at false-discovery rate q).
///
/// ```
/// let params = polyphony_lab::CompareParams::builder().bootstrap(20).seed(3).build()?;
/// assert_eq!(params.bootstrap(), 20);
/// assert!(polyphony_lab::CompareParams::builder().k_range(1, 3).build().is_err());
/// # Ok::<(), polyphony_lab::LabError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct CompareParams {
    pub(super) analysis: AnalysisParams,
    pub(super) bootstrap: u32,
    pub(super) seed: u64,
    pub(super) k_min: u32,
    pub(super) k_max: u32,
    pub(super) kmeans_runs: u32,
    pub(super) dbscan_min_points: u32,
    pub(super) hdbscan_min_cluster_size: Option<u32>,
    pub(super) pipelines: Vec<Pipeline>,
    pub(super) bridging: bool,
    pub(super) consensus: ConsensusForm,
    pub(super) repness_fdr: Option<f64>,
}

impl CompareParams {
    /// A builder with the defaults above.
    pub fn builder() -> CompareParamsBuilder {
        CompareParamsBuilder {
            params: CompareParams::unchecked_default(),
            analysis: None,
        }
    }

    fn unchecked_default() -> Self {
        CompareParams {
            analysis: AnalysisParams::default(),
            bootstrap: 50,
            seed: 0,
            k_min: 2,
            k_max: 5,
            kmeans_runs: 10,
            dbscan_min_points: 4,
            hdbscan_min_cluster_size: None,
            pipelines: Pipeline::ALL.to_vec(),
            bridging: true,
            consensus: ConsensusForm::Legacy,
            repness_fdr: None,
        }
    }

    /// The engine's parameters (the Polis pipeline, and who is clustered).
    pub fn analysis(&self) -> &AnalysisParams {
        &self.analysis
    }
    /// Bootstrap resamples.
    pub fn bootstrap(&self) -> u32 {
        self.bootstrap
    }
    /// Seed of the resamples and the linfa pipelines.
    pub fn seed(&self) -> u64 {
        self.seed
    }
    /// The pipelines run.
    pub fn pipelines(&self) -> &[Pipeline] {
        &self.pipelines
    }
    /// The form of group-informed consensus reported.
    pub fn consensus(&self) -> ConsensusForm {
        self.consensus
    }
    /// The false-discovery rate of representative statements, when asked.
    pub fn repness_fdr(&self) -> Option<f64> {
        self.repness_fdr
    }
}

/// Builder of [`CompareParams`]; `build` checks every value.
#[derive(Clone, Debug)]
pub struct CompareParamsBuilder {
    params: CompareParams,
    analysis: Option<AnalysisParams>,
}

impl CompareParamsBuilder {
    /// The engine's parameters (default: the `polis` preset, seed 0).
    pub fn analysis(mut self, analysis: AnalysisParams) -> Self {
        self.analysis = Some(analysis);
        self
    }
    /// Bootstrap resamples, 0..=10,000 (default 50).
    pub fn bootstrap(mut self, n: u32) -> Self {
        self.params.bootstrap = n;
        self
    }
    /// Seed of the resamples and the linfa pipelines (default 0).
    pub fn seed(mut self, seed: u64) -> Self {
        self.params.seed = seed;
        self
    }
    /// Range of k tried by KMeans and GaussianMixture, 2 ≤ min ≤ max ≤ 20 (default 2..=5).
    pub fn k_range(mut self, min: u32, max: u32) -> Self {
        self.params.k_min = min;
        self.params.k_max = max;
        self
    }
    /// k-means++ restarts, 1..=100 (default 10).
    pub fn kmeans_runs(mut self, runs: u32) -> Self {
        self.params.kmeans_runs = runs;
        self
    }
    /// DBSCAN's `min_points`, 2..=100 (default 4).
    pub fn dbscan_min_points(mut self, m: u32) -> Self {
        self.params.dbscan_min_points = m;
        self
    }
    /// HDBSCAN's smallest cluster (and `min_samples`), 2..=1,000 (default: max(5, ⌈n / 20⌉)).
    pub fn hdbscan_min_cluster_size(mut self, m: u32) -> Self {
        self.params.hdbscan_min_cluster_size = Some(m);
        self
    }
    /// The pipelines to run, at least one, each once (default all five).
    pub fn pipelines(mut self, pipelines: &[Pipeline]) -> Self {
        self.params.pipelines = pipelines.to_vec();
        self
    }
    /// Whether to fit the bridging model (default true).
    pub fn bridging(mut self, on: bool) -> Self {
        self.params.bridging = on;
        self
    }
    /// The form of group-informed consensus (default [`ConsensusForm::Legacy`]).
    pub fn consensus(mut self, form: ConsensusForm) -> Self {
        self.params.consensus = form;
        self
    }
    /// Representative statements under Benjamini–Hochberg at false-discovery rate `q` in
    /// (0, 1) (default: off).
    pub fn repness_fdr(mut self, q: Option<f64>) -> Self {
        self.params.repness_fdr = q;
        self
    }

    /// Checks the parameters.
    ///
    /// # Errors
    /// [`LabError::InvalidParams`] naming the first value out of range.
    pub fn build(self) -> Result<CompareParams, LabError> {
        let mut p = self.params;
        if let Some(a) = self.analysis {
            p.analysis = a;
        } else {
            p.analysis = AnalysisParams::builder(Preset::Polis)
                .seed(p.seed)
                .build()?;
        }
        let bad = |m: String| Err(LabError::InvalidParams(m));
        if p.bootstrap > 10_000 {
            return bad(format!("bootstrap {} is over 10000", p.bootstrap));
        }
        if p.k_min < 2 || p.k_max < p.k_min || p.k_max > 20 {
            return bad(format!(
                "k range {}..={} must satisfy 2 ≤ min ≤ max ≤ 20",
                p.k_min, p.k_max
            ));
        }
        if !(1..=100).contains(&p.kmeans_runs) {
            return bad(format!("kmeans_runs {} is not in 1..=100", p.kmeans_runs));
        }
        if !(2..=100).contains(&p.dbscan_min_points) {
            return bad(format!(
                "dbscan_min_points {} is not in 2..=100",
                p.dbscan_min_points
            ));
        }
        if let Some(m) = p.hdbscan_min_cluster_size {
            if !(2..=1_000).contains(&m) {
                return bad(format!("hdbscan_min_cluster_size {m} is not in 2..=1000"));
            }
        }
        if let Some(q) = p.repness_fdr {
            if !(q > 0.0 && q < 1.0) {
                return bad(format!("repness_fdr {q} is not in (0, 1)"));
            }
        }
        if p.pipelines.is_empty() {
            return bad("no pipeline to run".into());
        }
        let distinct: BTreeSet<Pipeline> = p.pipelines.iter().copied().collect();
        if distinct.len() != p.pipelines.len() {
            return bad("a pipeline is named twice".into());
        }
        Ok(p)
    }
}
