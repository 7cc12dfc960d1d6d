//! [`PolisPca`]: Polis's power-iteration PCA as a `linfa` algorithm.

use std::borrow::Cow;

use linfa::dataset::{DatasetBase, Records};
use linfa::traits::{Fit, Transformer};
use linfa::ParamGuard;
use ndarray::{Array2, ArrayBase, Data, Ix2};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::error::CoreError;
use crate::pca::{self as engine, CenteredRows, PcaFit, Stopping};

use super::ImputedVotes;
use crate::preset::PcaStopping;

/// Checked hyperparameters of [`PolisPca`] (what [`PolisPcaParams`] becomes after
/// [`ParamGuard::check`]); [`Fit`] lives here.
///
/// ```
/// use polyphony_core::linfa::ParamGuard;
/// use polyphony_core::PolisPca;
/// let valid = PolisPca::params().iterations(50).check()?;
/// assert_eq!(valid.iterations(), 50);
/// # Ok::<(), polyphony_core::CoreError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct PolisPcaValidParams {
    iterations: u32,
    stopping: PcaStopping,
    warm_start: Vec<Vec<f64>>,
    seed: u64,
    collapse_rank1: bool,
}

impl PolisPcaValidParams {
    /// Power-iteration steps after the first (Polis: 100, so 101 multiplications).
    ///
    /// ```
    /// # use polyphony_core::linfa::ParamGuard;
    /// assert_eq!(polyphony_core::PolisPca::params().check()?.iterations(), 100);
    /// # Ok::<(), polyphony_core::CoreError>(())
    /// ```
    pub fn iterations(&self) -> u32 {
        self.iterations
    }

    /// When power iteration stops.
    ///
    /// ```
    /// # use polyphony_core::linfa::ParamGuard;
    /// use polyphony_core::{PcaStopping, PolisPca};
    /// assert_eq!(PolisPca::params().check()?.stopping(), PcaStopping::FixedSteps);
    /// # Ok::<(), polyphony_core::CoreError>(())
    /// ```
    pub fn stopping(&self) -> PcaStopping {
        self.stopping
    }

    /// The start vectors of the two components (the last fit's components for a warm start).
    ///
    /// ```
    /// # use polyphony_core::linfa::ParamGuard;
    /// assert!(polyphony_core::PolisPca::params().check()?.warm_start().is_empty());
    /// # Ok::<(), polyphony_core::CoreError>(())
    /// ```
    pub fn warm_start(&self) -> &[Vec<f64>] {
        &self.warm_start
    }

    /// Seed of the one random source (a restart from a random vector).
    ///
    /// ```
    /// # use polyphony_core::linfa::ParamGuard;
    /// assert_eq!(polyphony_core::PolisPca::params().seed(9).check()?.seed(), 9);
    /// # Ok::<(), polyphony_core::CoreError>(())
    /// ```
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Whether a rank-1 fit projects everyone to the origin, as Polis does.
    ///
    /// ```
    /// # use polyphony_core::linfa::ParamGuard;
    /// assert!(polyphony_core::PolisPca::params().check()?.collapse_rank1());
    /// # Ok::<(), polyphony_core::CoreError>(())
    /// ```
    pub fn collapse_rank1(&self) -> bool {
        self.collapse_rank1
    }

    fn fit_rows(&self, rows: &CenteredRows<'_>, n_rows: usize, center: Vec<f64>) -> PolisPca {
        let stopping = match self.stopping {
            PcaStopping::FixedSteps => Stopping::Polis {
                iterations: self.iterations,
            },
            PcaStopping::Converged => Stopping::Converged {
                iterations: self.iterations,
                tolerance: PcaStopping::TOLERANCE,
            },
        };
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(self.seed);
        let fit = engine::fit(rows, n_rows, center, &self.warm_start, stopping, &mut rng);
        PolisPca {
            center: fit.center,
            components: fit.comps,
            collapse_rank1: self.collapse_rank1,
        }
    }
}

/// Hyperparameters of [`PolisPca`], unchecked; [`ParamGuard::check`] validates them.
///
/// Defaults (Polis's): `iterations` 100, `stopping` [`PcaStopping::FixedSteps`], no
/// `warm_start` (each component starts from the all-ones vector), `seed` 0, `collapse_rank1`
/// true. Two components are always fitted, as in Polis. The engine's
/// [`crate::AnalysisParams`] set these from `pca_iterations`, `pca_stopping`, the last update's
/// components, `seed ^ tick` and `collapse_rank1`.
///
/// ```
/// use polyphony_core::linfa::ParamGuard;
/// use polyphony_core::{PcaStopping, PolisPca};
/// let p = PolisPca::params().stopping(PcaStopping::Converged).iterations(1000);
/// assert!(p.check_ref().is_ok());
/// assert!(PolisPca::params().iterations(0).check().is_err());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct PolisPcaParams(PolisPcaValidParams);

impl Default for PolisPcaParams {
    fn default() -> Self {
        PolisPcaParams(PolisPcaValidParams {
            iterations: 100,
            stopping: PcaStopping::FixedSteps,
            warm_start: Vec::new(),
            seed: 0,
            collapse_rank1: true,
        })
    }
}

impl PolisPcaParams {
    /// Power-iteration steps after the first, 1 to 100,000 (default 100).
    ///
    /// ```
    /// use polyphony_core::linfa::ParamGuard;
    /// assert!(polyphony_core::PolisPca::params().iterations(100_001).check().is_err());
    /// ```
    pub fn iterations(mut self, iterations: u32) -> Self {
        self.0.iterations = iterations;
        self
    }

    /// When power iteration stops (default [`PcaStopping::FixedSteps`], Polis's).
    ///
    /// ```
    /// use polyphony_core::{PcaStopping, PolisPca};
    /// let p = PolisPca::params().stopping(PcaStopping::Converged);
    /// # let _ = p;
    /// ```
    pub fn stopping(mut self, stopping: PcaStopping) -> Self {
        self.0.stopping = stopping;
        self
    }

    /// Start vectors (at most two, finite): component `k` starts from `starts[k]`, cut or
    /// padded with 1.0 to the number of features; an all-zero start is replaced by a seeded
    /// random vector. Pass the previous fit's [`PolisPca::components`] to warm-start.
    ///
    /// ```
    /// use polyphony_core::linfa::ParamGuard;
    /// use polyphony_core::PolisPca;
    /// assert!(PolisPca::params().warm_start(vec![vec![1.0]; 3]).check().is_err());
    /// assert!(PolisPca::params().warm_start(vec![vec![f64::NAN]]).check().is_err());
    /// ```
    pub fn warm_start(mut self, starts: Vec<Vec<f64>>) -> Self {
        self.0.warm_start = starts;
        self
    }

    /// Seed of the one random source (default 0).
    ///
    /// ```
    /// let p = polyphony_core::PolisPca::params().seed(42);
    /// # let _ = p;
    /// ```
    pub fn seed(mut self, seed: u64) -> Self {
        self.0.seed = seed;
        self
    }

    /// Whether a rank-1 fit (an all-zero second component) projects everyone to the origin,
    /// as Polis does (default true).
    ///
    /// ```
    /// let p = polyphony_core::PolisPca::params().collapse_rank1(false);
    /// # let _ = p;
    /// ```
    pub fn collapse_rank1(mut self, collapse: bool) -> Self {
        self.0.collapse_rank1 = collapse;
        self
    }
}

fn invalid(name: &'static str, reason: &str) -> CoreError {
    CoreError::InvalidParameter {
        name,
        reason: reason.to_string(),
    }
}

impl ParamGuard for PolisPcaParams {
    type Checked = PolisPcaValidParams;
    type Error = CoreError;

    fn check_ref(&self) -> Result<&PolisPcaValidParams, CoreError> {
        let p = &self.0;
        if !(1..=100_000).contains(&p.iterations) {
            return Err(invalid("iterations", "must be 1 to 100000"));
        }
        if p.warm_start.len() > 2 {
            return Err(invalid("warm_start", "at most two start vectors"));
        }
        if p.warm_start.iter().flatten().any(|x| !x.is_finite()) {
            return Err(invalid("warm_start", "must be finite"));
        }
        Ok(p)
    }

    fn check(self) -> Result<PolisPcaValidParams, CoreError> {
        self.check_ref()?;
        Ok(self.0)
    }
}

/// Two principal components found by Polis's power iteration (§3.2–3.4), and the centre.
///
/// Fit it on a dataset of [`ImputedVotes`] (exactly the engine's PCA) or of any dense matrix
/// (centred on its column means); transform records to positions on the map (`n × 2`).
///
/// ```
/// use polyphony_core::linfa::prelude::*;
/// use polyphony_core::PolisPca;
/// use ndarray::array;
/// // Four points on a line y = 2x: the first component is that direction.
/// let x = array![[1.0, 2.0], [2.0, 4.0], [3.0, 6.0], [4.0, 8.0]];
/// let pca = PolisPca::params().fit(&DatasetBase::from(x.clone()))?;
/// let pc1 = &pca.components()[0];
/// assert!((pc1[1] / pc1[0] - 2.0).abs() < 1e-9);
/// let at = pca.transform(&x)?;
/// assert_eq!(at.dim(), (4, 2));
/// # Ok::<(), polyphony_core::CoreError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct PolisPca {
    center: Vec<f64>,
    components: Vec<Vec<f64>>,
    collapse_rank1: bool,
}

impl PolisPca {
    /// The default hyperparameters (see [`PolisPcaParams`]).
    ///
    /// ```
    /// assert_eq!(polyphony_core::PolisPca::params(), Default::default());
    /// ```
    pub fn params() -> PolisPcaParams {
        PolisPcaParams::default()
    }

    /// A fitted model from its parts (a stored [`crate::PcaSummary`], a Polis math blob):
    /// `components` must be two vectors as long as `center`.
    ///
    /// ```
    /// use polyphony_core::PolisPca;
    /// let pca = PolisPca::from_parts(vec![0.0; 2], vec![vec![1.0, 0.0], vec![0.0, 1.0]], false)?;
    /// assert_eq!(pca.center(), &[0.0, 0.0]);
    /// assert!(PolisPca::from_parts(vec![0.0; 2], vec![vec![1.0]], false).is_err());
    /// # Ok::<(), polyphony_core::CoreError>(())
    /// ```
    pub fn from_parts(
        center: Vec<f64>,
        components: Vec<Vec<f64>>,
        collapse_rank1: bool,
    ) -> Result<Self, CoreError> {
        if components.len() != 2 || components.iter().any(|c| c.len() != center.len()) {
            return Err(CoreError::InvalidDataset(format!(
                "need two components of length {}",
                center.len()
            )));
        }
        Ok(PolisPca {
            center,
            components,
            collapse_rank1,
        })
    }

    /// A flat map: `center`, two all-zero components.
    pub(crate) fn flat(center: Vec<f64>, collapse_rank1: bool) -> Self {
        let c = center.len();
        PolisPca {
            center,
            components: vec![vec![0.0; c]; 2],
            collapse_rank1,
        }
    }

    /// Column means the records were centred on.
    ///
    /// ```
    /// # let pca = polyphony_core::PolisPca::from_parts(vec![0.5], vec![vec![1.0], vec![0.0]], true)?;
    /// assert_eq!(pca.center(), &[0.5]);
    /// # Ok::<(), polyphony_core::CoreError>(())
    /// ```
    pub fn center(&self) -> &[f64] {
        &self.center
    }

    /// The two components, unit vectors (all zeros when the data has no such direction).
    ///
    /// ```
    /// # let pca = polyphony_core::PolisPca::from_parts(vec![0.5], vec![vec![1.0], vec![0.0]], true)?;
    /// assert_eq!(pca.components()[0], vec![1.0]);
    /// # Ok::<(), polyphony_core::CoreError>(())
    /// ```
    pub fn components(&self) -> &[Vec<f64>] {
        &self.components
    }

    /// Each feature (statement) as a virtual participant who agreed with it alone (§3.7), and
    /// its extremity (distance from the origin).
    ///
    /// ```
    /// # let pca = polyphony_core::PolisPca::from_parts(vec![0.0], vec![vec![1.0], vec![0.0]], true)?;
    /// let (at, extremity) = pca.feature_projections();
    /// assert_eq!(at, vec![[-1.0, 0.0]]);
    /// assert_eq!(extremity, vec![1.0]);
    /// # Ok::<(), polyphony_core::CoreError>(())
    /// ```
    pub fn feature_projections(&self) -> (Vec<[f64; 2]>, Vec<f64>) {
        engine::project_statements(&self.as_fit())
    }

    fn as_fit(&self) -> PcaFit {
        PcaFit {
            center: self.center.clone(),
            comps: self.components.clone(),
        }
    }

    fn project(&self, rows: &CenteredRows<'_>, n_mod_out: usize) -> Array2<f64> {
        let at = engine::project_rows(
            rows,
            n_mod_out,
            self.center.len(),
            &self.components,
            self.collapse_rank1,
        );
        to_array(&at)
    }

    fn check_width(&self, width: usize) -> Result<(), CoreError> {
        if width == self.center.len() {
            Ok(())
        } else {
            Err(CoreError::InvalidDataset(format!(
                "{width} features, the model was fitted on {}",
                self.center.len()
            )))
        }
    }
}

pub(crate) fn to_array(points: &[[f64; 2]]) -> Array2<f64> {
    Array2::from_shape_fn((points.len(), 2), |(i, k)| points[i][k])
}

impl<T> Fit<ImputedVotes, T, CoreError> for PolisPcaValidParams {
    type Object = PolisPca;

    /// Exactly the engine's PCA: centre = the column means, power iteration on the sparse
    /// centred votes (statements × statements Gram matrix up to 4,096 statements).
    fn fit(&self, dataset: &DatasetBase<ImputedVotes, T>) -> Result<PolisPca, CoreError> {
        let x = &dataset.records;
        let center = x.means.clone();
        let rows = x.centered(&center);
        Ok(self.fit_rows(&rows, x.nsamples(), center))
    }
}

impl<D: Data<Elem = f64>, T> Fit<ArrayBase<D, Ix2>, T, CoreError> for PolisPcaValidParams {
    type Object = PolisPca;

    /// PCA of a dense matrix (already imputed): centred on its column means.
    fn fit(&self, dataset: &DatasetBase<ArrayBase<D, Ix2>, T>) -> Result<PolisPca, CoreError> {
        let x = &dataset.records;
        if x.iter().any(|v| !v.is_finite()) {
            return Err(CoreError::InvalidDataset("records must be finite".into()));
        }
        let (n, c) = x.dim();
        let mut center = vec![0.0; c];
        for row in x.rows() {
            for (s, v) in center.iter_mut().zip(row) {
                *s += v;
            }
        }
        if n > 0 {
            for s in &mut center {
                *s /= n as f64;
            }
        }
        let rows = dense_centered(x, &center);
        Ok(self.fit_rows(&rows, n, center))
    }
}

fn dense_centered<D: Data<Elem = f64>>(
    x: &ArrayBase<D, Ix2>,
    center: &[f64],
) -> CenteredRows<'static> {
    let (n, c) = x.dim();
    let mut offsets = Vec::with_capacity(n + 1);
    let mut columns = Vec::with_capacity(n * c);
    let mut values = Vec::with_capacity(n * c);
    offsets.push(0);
    for row in x.rows() {
        for (j, (v, m)) in row.iter().zip(center).enumerate() {
            columns.push(j as u32);
            values.push(v - m);
        }
        offsets.push(columns.len());
    }
    CenteredRows {
        offsets: Cow::Owned(offsets),
        columns: Cow::Owned(columns),
        values,
    }
}

impl Transformer<&ImputedVotes, Result<Array2<f64>, CoreError>> for PolisPca {
    /// The sparsity-aware projection (§3.6): each participant's `Σ (vote − centre) · pc` over
    /// the cells they voted on, scaled by `sqrt(statements / cells seen)` (moderated-out columns
    /// count as seen by everyone). Fails when the records have another number of statements.
    fn transform(&self, x: &ImputedVotes) -> Result<Array2<f64>, CoreError> {
        self.check_width(x.nfeatures())?;
        Ok(self.project(&x.centered(&self.center), x.n_mod_out))
    }
}

impl<D: Data<Elem = f64>> Transformer<&ArrayBase<D, Ix2>, Result<Array2<f64>, CoreError>>
    for PolisPca
{
    /// The plain projection `(x − centre) · pc` of dense records (every cell counts as seen).
    /// Fails when the records have another number of features.
    fn transform(&self, x: &ArrayBase<D, Ix2>) -> Result<Array2<f64>, CoreError> {
        self.check_width(x.ncols())?;
        Ok(self.project(&dense_centered(x, &self.center), 0))
    }
}
