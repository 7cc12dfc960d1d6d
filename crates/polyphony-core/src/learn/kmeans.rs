//! [`PolisKMeans`]: Polis's k-means as a `linfa` algorithm.

use linfa::dataset::DatasetBase;
use linfa::traits::{Fit, PredictInplace};
use linfa::ParamGuard;
use ndarray::{Array1, Array2, ArrayBase, Data, Ix2};

use crate::error::CoreError;
use crate::kmeans::{self as engine, Cluster, Points};
use crate::preset::KMeansConvergence;

/// Checked hyperparameters of [`PolisKMeans`] (what [`PolisKMeansParams`] becomes after
/// [`ParamGuard::check`]); [`Fit`] lives here.
///
/// ```
/// use polyphony_core::linfa::ParamGuard;
/// let valid = polyphony_core::PolisKMeans::params(3).check()?;
/// assert_eq!(valid.n_clusters(), 3);
/// # Ok::<(), polyphony_core::CoreError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct PolisKMeansValidParams {
    n_clusters: usize,
    max_iterations: u32,
    convergence: KMeansConvergence,
    warm_start: Vec<Cluster>,
}

impl PolisKMeansValidParams {
    /// The number of clusters asked for (fewer come out when there are fewer distinct points).
    ///
    /// ```
    /// # use polyphony_core::linfa::ParamGuard;
    /// assert_eq!(polyphony_core::PolisKMeans::params(2).check()?.n_clusters(), 2);
    /// # Ok::<(), polyphony_core::CoreError>(())
    /// ```
    pub fn n_clusters(&self) -> usize {
        self.n_clusters
    }

    /// Lloyd steps after the first (default 20, Polis's group level).
    ///
    /// ```
    /// # use polyphony_core::linfa::ParamGuard;
    /// assert_eq!(polyphony_core::PolisKMeans::params(2).check()?.max_iterations(), 20);
    /// # Ok::<(), polyphony_core::CoreError>(())
    /// ```
    pub fn max_iterations(&self) -> u32 {
        self.max_iterations
    }

    /// How convergence is decided (default [`KMeansConvergence::SortedZip`], Polis's).
    ///
    /// ```
    /// # use polyphony_core::linfa::ParamGuard;
    /// use polyphony_core::{KMeansConvergence, PolisKMeans};
    /// assert_eq!(PolisKMeans::params(2).check()?.convergence(), KMeansConvergence::SortedZip);
    /// # Ok::<(), polyphony_core::CoreError>(())
    /// ```
    pub fn convergence(&self) -> KMeansConvergence {
        self.convergence
    }

    /// The clusters a warm start begins from (members are row indices of the dataset).
    ///
    /// ```
    /// # use polyphony_core::linfa::ParamGuard;
    /// assert!(polyphony_core::PolisKMeans::params(2).check()?.warm_start().is_empty());
    /// # Ok::<(), polyphony_core::CoreError>(())
    /// ```
    pub fn warm_start(&self) -> &[Cluster] {
        &self.warm_start
    }
}

/// Hyperparameters of [`PolisKMeans`], unchecked; [`ParamGuard::check`] validates them.
///
/// Defaults: `max_iterations` 20 (Polis's group level; the base level uses 100),
/// `convergence` [`KMeansConvergence::SortedZip`], no `warm_start` (a cold start takes the
/// first `n_clusters` distinct points in row order as centres).
///
/// ```
/// use polyphony_core::linfa::ParamGuard;
/// use polyphony_core::{KMeansConvergence, PolisKMeans};
/// let p = PolisKMeans::params(4).max_iterations(100).convergence(KMeansConvergence::ById);
/// assert!(p.check().is_ok());
/// assert!(PolisKMeans::params(0).check().is_err());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct PolisKMeansParams(PolisKMeansValidParams);

impl PolisKMeansParams {
    /// Lloyd steps after the first, 1 to 100,000 (default 20).
    ///
    /// ```
    /// use polyphony_core::linfa::ParamGuard;
    /// assert!(polyphony_core::PolisKMeans::params(2).max_iterations(0).check().is_err());
    /// ```
    pub fn max_iterations(mut self, iterations: u32) -> Self {
        self.0.max_iterations = iterations;
        self
    }

    /// How convergence is decided (default [`KMeansConvergence::SortedZip`]).
    ///
    /// ```
    /// let p = polyphony_core::PolisKMeans::params(2).convergence(polyphony_core::KMeansConvergence::ById);
    /// # let _ = p;
    /// ```
    pub fn convergence(mut self, convergence: KMeansConvergence) -> Self {
        self.0.convergence = convergence;
        self
    }

    /// Warm start from earlier clusters, their members named by row index of the dataset about
    /// to be fitted (indices beyond it are dropped): each keeps its id and starts at its
    /// members' weighted mean; coinciding centres merge; while there are fewer clusters than
    /// `n_clusters` (and distinct points), the point farthest from every centre starts a new
    /// cluster with the next id. Ids must be distinct.
    ///
    /// ```
    /// use polyphony_core::linfa::ParamGuard;
    /// use polyphony_core::{Cluster, PolisKMeans};
    /// let c = |id| Cluster { id, members: vec![0], center: [0.0, 0.0] };
    /// assert!(PolisKMeans::params(2).warm_start(vec![c(1), c(1)]).check().is_err());
    /// ```
    pub fn warm_start(mut self, clusters: Vec<Cluster>) -> Self {
        self.0.warm_start = clusters;
        self
    }
}

impl ParamGuard for PolisKMeansParams {
    type Checked = PolisKMeansValidParams;
    type Error = CoreError;

    fn check_ref(&self) -> Result<&PolisKMeansValidParams, CoreError> {
        let p = &self.0;
        let invalid = |name, reason: &str| CoreError::InvalidParameter {
            name,
            reason: reason.to_string(),
        };
        if p.n_clusters == 0 {
            return Err(invalid("n_clusters", "must be at least 1"));
        }
        if !(1..=100_000).contains(&p.max_iterations) {
            return Err(invalid("max_iterations", "must be 1 to 100000"));
        }
        let mut ids: Vec<u32> = p.warm_start.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        if ids.windows(2).any(|w| w[0] == w[1]) {
            return Err(invalid("warm_start", "cluster ids must be distinct"));
        }
        Ok(p)
    }

    fn check(self) -> Result<PolisKMeansValidParams, CoreError> {
        self.check_ref()?;
        Ok(self.0)
    }
}

/// Clusters found by Polis's k-means (§4.1), sorted by id; members are row indices.
///
/// Fit it on a dataset whose records are points on the map (`n × 2`, e.g. a
/// [`crate::PolisPca`] transform) and whose weights, if any, weigh the points (a base cluster
/// counts as many times as the participants it holds). [`linfa::traits::Predict`] gives the
/// index (into [`PolisKMeans::clusters`]) of the nearest centre, ties to the later cluster.
///
/// ```
/// use polyphony_core::linfa::prelude::*;
/// use polyphony_core::PolisKMeans;
/// use ndarray::array;
/// let x = array![[0.0, 0.0], [1.0, 0.0], [10.0, 0.0]];
/// // The point at 0 stands for three participants: it pulls its centre.
/// let data = DatasetBase::from(x.clone()).with_weights(array![3.0f32, 1.0, 1.0]);
/// let model = PolisKMeans::params(2).fit(&data)?;
/// assert_eq!(model.clusters()[0].members, vec![0, 1]);
/// assert_eq!(model.clusters()[0].center, [0.25, 0.0]);
/// assert_eq!(model.predict(&array![[9.0, 1.0]]).to_vec(), vec![1]);
/// # Ok::<(), polyphony_core::CoreError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct PolisKMeans {
    clusters: Vec<Cluster>,
}

impl PolisKMeans {
    /// Default hyperparameters for `n_clusters` clusters (see [`PolisKMeansParams`]).
    ///
    /// ```
    /// let p = polyphony_core::PolisKMeans::params(3);
    /// # let _ = p;
    /// ```
    pub fn params(n_clusters: usize) -> PolisKMeansParams {
        PolisKMeansParams(PolisKMeansValidParams {
            n_clusters,
            max_iterations: 20,
            convergence: KMeansConvergence::SortedZip,
            warm_start: Vec::new(),
        })
    }

    /// The clusters, sorted by id (members are row indices of the fitted dataset, ascending).
    ///
    /// ```
    /// use polyphony_core::linfa::prelude::*;
    /// let x = ndarray::array![[0.0, 0.0], [5.0, 5.0]];
    /// let m = polyphony_core::PolisKMeans::params(2).fit(&DatasetBase::from(x))?;
    /// assert_eq!(m.clusters().len(), 2);
    /// # Ok::<(), polyphony_core::CoreError>(())
    /// ```
    pub fn clusters(&self) -> &[Cluster] {
        &self.clusters
    }

    /// A model with no cluster (what an empty dataset gives).
    pub(crate) fn empty() -> Self {
        PolisKMeans {
            clusters: Vec::new(),
        }
    }

    /// Consumes the model into its clusters.
    ///
    /// ```
    /// use polyphony_core::linfa::prelude::*;
    /// let x = ndarray::array![[0.0, 0.0]];
    /// let m = polyphony_core::PolisKMeans::params(2).fit(&DatasetBase::from(x))?;
    /// assert_eq!(m.into_clusters()[0].members, vec![0]);
    /// # Ok::<(), polyphony_core::CoreError>(())
    /// ```
    pub fn into_clusters(self) -> Vec<Cluster> {
        self.clusters
    }

    /// The centres, one row per cluster (in [`PolisKMeans::clusters`] order).
    ///
    /// ```
    /// use polyphony_core::linfa::prelude::*;
    /// let x = ndarray::array![[0.0, 0.0], [2.0, 0.0]];
    /// let m = polyphony_core::PolisKMeans::params(1).fit(&DatasetBase::from(x))?;
    /// assert_eq!(m.centroids(), ndarray::array![[1.0, 0.0]]);
    /// # Ok::<(), polyphony_core::CoreError>(())
    /// ```
    pub fn centroids(&self) -> Array2<f64> {
        Array2::from_shape_fn((self.clusters.len(), 2), |(i, k)| {
            self.clusters[i].center[k]
        })
    }
}

impl<D: Data<Elem = f64>, T> Fit<ArrayBase<D, Ix2>, T, CoreError> for PolisKMeansValidParams {
    type Object = PolisKMeans;

    /// Fails when the records are not `n × 2` (with n > 0) or not finite, or a weight is
    /// negative or not finite.
    fn fit(&self, dataset: &DatasetBase<ArrayBase<D, Ix2>, T>) -> Result<PolisKMeans, CoreError> {
        let x = &dataset.records;
        if x.nrows() == 0 {
            return Ok(PolisKMeans {
                clusters: Vec::new(),
            });
        }
        if x.ncols() != 2 {
            return Err(CoreError::InvalidDataset(format!(
                "Polis k-means clusters points on the map: need 2 features, got {}",
                x.ncols()
            )));
        }
        if x.iter().any(|v| !v.is_finite()) {
            return Err(CoreError::InvalidDataset("records must be finite".into()));
        }
        let positions: Vec<[f64; 2]> = x.rows().into_iter().map(|r| [r[0], r[1]]).collect();
        let weights: Option<Vec<f64>> = dataset
            .weights()
            .map(|w| w.iter().map(|&w| f64::from(w)).collect());
        if let Some(w) = &weights {
            if w.len() != positions.len() || w.iter().any(|w| !w.is_finite() || *w < 0.0) {
                return Err(CoreError::InvalidDataset(
                    "one finite, non-negative weight per record".into(),
                ));
            }
        }
        let names: Vec<u32> = (0..positions.len() as u32).collect();
        let points = Points {
            names: &names,
            positions: &positions,
            weights: weights.as_deref(),
        };
        let mut clusters = engine::kmeans(
            &points,
            self.n_clusters,
            self.max_iterations,
            &self.warm_start,
            self.convergence,
        );
        clusters.sort_by_key(|c| c.id);
        Ok(PolisKMeans { clusters })
    }
}

impl<D: Data<Elem = f64>> PredictInplace<ArrayBase<D, Ix2>, Array1<usize>> for PolisKMeans {
    /// The nearest centre of each record (the first two features), ties to the later cluster;
    /// 0 for every record when the model has no cluster or a record has fewer than two features.
    fn predict_inplace(&self, x: &ArrayBase<D, Ix2>, y: &mut Array1<usize>) {
        for (row, label) in x.rows().into_iter().zip(y.iter_mut()) {
            *label = 0;
            if row.len() < 2 {
                continue;
            }
            let p = [row[0], row[1]];
            let mut best = f64::INFINITY;
            for (i, c) in self.clusters.iter().enumerate() {
                let d = engine::distance(p, c.center);
                if d <= best {
                    best = d;
                    *label = i;
                }
            }
        }
    }

    fn default_target(&self, x: &ArrayBase<D, Ix2>) -> Array1<usize> {
        Array1::zeros(x.nrows())
    }
}
