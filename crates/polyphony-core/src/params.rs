//! Analysis parameters: every knob, with its preset's default, behind a validated builder.

use serde::{Deserialize, Serialize};

use crate::preset::{KMeansConvergence, PcaStopping, Preset, PriorityTallies};

mod builder;
mod stored;

pub use builder::AnalysisParamsBuilder;
use stored::StoredParams;

/// Every knob of an analysis, with the defaults of its [`Preset`].
///
/// Build it with [`AnalysisParams::builder`]; [`AnalysisParamsBuilder::build`] checks ranges.
/// The two presets differ only in the fields whose getters say "(polis) … (workshop)", so any
/// one difference can be switched on its own:
///
/// ```
/// use polyphony_core::{AnalysisParams, Preset};
/// let polis = AnalysisParams::builder(Preset::Polis).build()?;
/// assert_eq!(polis.max_groups(), 5);
/// // The workshop preset with Polis's up-to-5 groups, every bug fix kept.
/// let wide = AnalysisParams::builder(Preset::Workshop).max_groups(5).build()?;
/// assert!(wide.best_agree_as_agree() && !polis.best_agree_as_agree());
/// # Ok::<(), polyphony_core::CoreError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "StoredParams")]
pub struct AnalysisParams {
    preset: Preset,
    seed: u64,
    min_votes_in_conv: u32,
    greedy_floor: u32,
    min_participants_for_groups: u32,
    pca_iterations: u32,
    base_k: u32,
    base_iterations: u32,
    group_iterations: u32,
    max_groups: u32,
    bases_per_extra_group: u32,
    smoother_buffer: u32,
    pca_stopping: PcaStopping,
    collapse_rank1: bool,
    kmeans_convergence: KMeansConvergence,
    smoother_fallback: bool,
    best_agree_as_agree: bool,
    repness_test_f32: bool,
    priority_tallies: PriorityTallies,
    stable_labels: bool,
}

impl Default for AnalysisParams {
    fn default() -> Self {
        AnalysisParams::defaults(Preset::Workshop)
    }
}

impl AnalysisParams {
    fn defaults(preset: Preset) -> Self {
        let polis = preset == Preset::Polis;
        AnalysisParams {
            preset,
            seed: 0,
            min_votes_in_conv: 7,
            greedy_floor: if polis { 15 } else { 0 },
            min_participants_for_groups: if polis { 0 } else { 7 },
            pca_iterations: 100,
            base_k: 100,
            base_iterations: 100,
            group_iterations: 20,
            max_groups: if polis { 5 } else { 3 },
            bases_per_extra_group: 12,
            smoother_buffer: 4,
            pca_stopping: if polis {
                PcaStopping::FixedSteps
            } else {
                PcaStopping::Converged
            },
            collapse_rank1: polis,
            kmeans_convergence: if polis {
                KMeansConvergence::SortedZip
            } else {
                KMeansConvergence::ById
            },
            smoother_fallback: !polis,
            best_agree_as_agree: !polis,
            repness_test_f32: polis,
            priority_tallies: if polis {
                PriorityTallies::PreviousGroups
            } else {
                PriorityTallies::CurrentInConv
            },
            stable_labels: !polis,
        }
    }

    /// A builder starting from a preset's defaults.
    ///
    /// ```
    /// let b = polyphony_core::AnalysisParams::builder(polyphony_core::Preset::Workshop);
    /// assert!(b.build().is_ok());
    /// ```
    pub fn builder(preset: Preset) -> AnalysisParamsBuilder {
        AnalysisParamsBuilder(AnalysisParams::defaults(preset))
    }

    /// The preset these parameters started from.
    ///
    /// ```
    /// assert_eq!(polyphony_core::AnalysisParams::default().preset(), polyphony_core::Preset::Workshop);
    /// ```
    pub fn preset(&self) -> Preset {
        self.preset
    }
    /// Seed of the engine's one random source (restarting an all-zero PCA component). Default 0.
    ///
    /// ```
    /// assert_eq!(polyphony_core::AnalysisParams::default().seed(), 0);
    /// ```
    pub fn seed(&self) -> u64 {
        self.seed
    }
    /// Votes a participant needs to join the clustering: `min(this, statements)`. Default 7.
    ///
    /// ```
    /// assert_eq!(polyphony_core::AnalysisParams::default().min_votes_in_conv(), 7);
    /// ```
    pub fn min_votes_in_conv(&self) -> u32 {
        self.min_votes_in_conv
    }
    /// Polis's greedy floor: while fewer are in, the top voters are added for good. 15 (polis), 0 (workshop).
    ///
    /// ```
    /// assert_eq!(polyphony_core::AnalysisParams::default().greedy_floor(), 0);
    /// ```
    pub fn greedy_floor(&self) -> u32 {
        self.greedy_floor
    }
    /// In-conv participants needed before groups are reported. 0 (polis), 7 (workshop).
    ///
    /// ```
    /// assert_eq!(polyphony_core::AnalysisParams::default().min_participants_for_groups(), 7);
    /// ```
    pub fn min_participants_for_groups(&self) -> u32 {
        self.min_participants_for_groups
    }
    /// Power-iteration steps after the first (Polis runs this + 1 multiplications). Default 100.
    ///
    /// ```
    /// assert_eq!(polyphony_core::AnalysisParams::default().pca_iterations(), 100);
    /// ```
    pub fn pca_iterations(&self) -> u32 {
        self.pca_iterations
    }
    /// Number of base clusters. Default 100.
    ///
    /// ```
    /// assert_eq!(polyphony_core::AnalysisParams::default().base_k(), 100);
    /// ```
    pub fn base_k(&self) -> u32 {
        self.base_k
    }
    /// Lloyd steps for base clusters. Default 100.
    ///
    /// ```
    /// assert_eq!(polyphony_core::AnalysisParams::default().base_iterations(), 100);
    /// ```
    pub fn base_iterations(&self) -> u32 {
        self.base_iterations
    }
    /// Lloyd steps for groups. Default 20 (what Polis really runs, §4.3 Q3).
    ///
    /// ```
    /// assert_eq!(polyphony_core::AnalysisParams::default().group_iterations(), 20);
    /// ```
    pub fn group_iterations(&self) -> u32 {
        self.group_iterations
    }
    /// Most groups ever formed. 5 (polis), 3 (workshop).
    ///
    /// ```
    /// assert_eq!(polyphony_core::AnalysisParams::default().max_groups(), 3);
    /// ```
    pub fn max_groups(&self) -> u32 {
        self.max_groups
    }
    /// One more candidate k per this many base clusters: `max_k = min(max_groups, 2 + bases / this)`. Default 12.
    ///
    /// ```
    /// assert_eq!(polyphony_core::AnalysisParams::default().bases_per_extra_group(), 12);
    /// ```
    pub fn bases_per_extra_group(&self) -> u32 {
        self.bases_per_extra_group
    }
    /// Consecutive updates a new best k must win before it is shown. Default 4.
    ///
    /// ```
    /// assert_eq!(polyphony_core::AnalysisParams::default().smoother_buffer(), 4);
    /// ```
    pub fn smoother_buffer(&self) -> u32 {
        self.smoother_buffer
    }

    /// How power iteration stops. [`PcaStopping::FixedSteps`] (polis), [`PcaStopping::Converged`] (workshop).
    ///
    /// ```
    /// use polyphony_core::{AnalysisParams, PcaStopping};
    /// assert_eq!(AnalysisParams::default().pca_stopping(), PcaStopping::Converged);
    /// ```
    pub fn pca_stopping(&self) -> PcaStopping {
        self.pca_stopping
    }
    /// When the second component is all zero (rank-1 votes, two perfectly opposed camps), put
    /// everyone at the origin as Polis does, rather than along the first component.
    /// `true` (polis), `false` (workshop).
    ///
    /// ```
    /// assert!(!polyphony_core::AnalysisParams::default().collapse_rank1());
    /// ```
    pub fn collapse_rank1(&self) -> bool {
        self.collapse_rank1
    }
    /// How k-means (base clusters and groups) tests convergence.
    /// [`KMeansConvergence::SortedZip`] (polis), [`KMeansConvergence::ById`] (workshop).
    ///
    /// ```
    /// use polyphony_core::{AnalysisParams, KMeansConvergence};
    /// assert_eq!(AnalysisParams::default().kmeans_convergence(), KMeansConvergence::ById);
    /// ```
    pub fn kmeans_convergence(&self) -> KMeansConvergence {
        self.kmeans_convergence
    }
    /// Whether the k smoother falls back to this update's best k when its own k was not
    /// computed (see [`crate::KSmoother::observe`]). `false` (polis), `true` (workshop).
    ///
    /// ```
    /// assert!(polyphony_core::AnalysisParams::default().smoother_fallback());
    /// ```
    pub fn smoother_fallback(&self) -> bool {
        self.smoother_fallback
    }
    /// Whether a group's best-agree statement is always reported as agree (Polis labels it by
    /// whichever test is larger, so it can come out "disagree"). `false` (polis), `true` (workshop).
    ///
    /// ```
    /// assert!(polyphony_core::AnalysisParams::default().best_agree_as_agree());
    /// ```
    pub fn best_agree_as_agree(&self) -> bool {
        self.best_agree_as_agree
    }
    /// Whether `repness_test` is rounded through float32, as Polis's blob stores it.
    /// `true` (polis), `false` (workshop).
    ///
    /// ```
    /// assert!(!polyphony_core::AnalysisParams::default().repness_test_f32());
    /// ```
    pub fn repness_test_f32(&self) -> bool {
        self.repness_test_f32
    }
    /// Which tallies feed the routing priorities. [`PriorityTallies::PreviousGroups`] (polis),
    /// [`PriorityTallies::CurrentInConv`] (workshop).
    ///
    /// ```
    /// use polyphony_core::{AnalysisParams, PriorityTallies};
    /// assert_eq!(AnalysisParams::default().priority_tallies(), PriorityTallies::CurrentInConv);
    /// ```
    pub fn priority_tallies(&self) -> PriorityTallies {
        self.priority_tallies
    }
    /// (polis) `false`: group ids are k-means ids, as Polis reports them; (workshop) `true`:
    /// each update's groups take the labels of the previous update's groups they share most
    /// members with ([`crate::match_labels`]), so "group A" stays the same people when the
    /// number of groups changes or a group splits.
    ///
    /// ```
    /// use polyphony_core::{AnalysisParams, Preset};
    /// assert!(AnalysisParams::default().stable_labels());
    /// assert!(!AnalysisParams::builder(Preset::Polis).build()?.stable_labels());
    /// # Ok::<(), polyphony_core::CoreError>(())
    /// ```
    pub fn stable_labels(&self) -> bool {
        self.stable_labels
    }
}
