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
    smoother_margin: Option<f64>,
    group_restart: bool,
    skip_collapsed_k: bool,
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
            smoother_margin: if polis { None } else { Some(0.2) },
            group_restart: !polis,
            skip_collapsed_k: !polis,
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
    /// How much better a new best k's silhouette must be than the shown k's to be shown at
    /// once, without waiting for [`AnalysisParams::smoother_buffer`] updates in a row.
    /// `None` (polis), `Some(0.2)` (workshop).
    ///
    /// The smoother counts updates, and how many updates a room's votes fall into depends on
    /// the server's load (votes gather into fewer, larger updates while one runs): when a third
    /// camp arrives with the last votes, the new k can win two or three updates and then the
    /// votes stop, so Polis's rule shows the old k for good though the data plainly say
    /// otherwise. A clear win cannot be noise, so it shows at once; close calls still wait.
    /// With 0.2, the seven shared Polis conversations replayed at 1 and at 5 votes an update
    /// show the same k at every update as without it, while a third camp that stands apart
    /// beats the old k by 0.3 (`tests/live_room.rs`).
    ///
    /// ```
    /// use polyphony_core::{AnalysisParams, Preset};
    /// assert_eq!(AnalysisParams::default().smoother_margin(), Some(0.2));
    /// assert_eq!(AnalysisParams::builder(Preset::Polis).build()?.smoother_margin(), None);
    /// # Ok::<(), polyphony_core::CoreError>(())
    /// ```
    pub fn smoother_margin(&self) -> Option<f64> {
        self.smoother_margin
    }
    /// Whether each warm-started group k-means is also fitted from a cold start, the cold fit
    /// replacing the warm one when its within-group sum of squares is under half the warm
    /// one's ([`crate::pipeline::RESTART_GAIN`]). `false` (polis), `true` (workshop).
    ///
    /// A warm start keeps groups with their people from one update to the next, but it cannot
    /// leave a partition that stopped fitting: when two camps voted first, k = 3 splits one of
    /// them, and a third camp arriving later joins the nearest group instead of forming its
    /// own, so k = 3 scores below k = 2 for the rest of the room (`tests/live_room.rs`: the
    /// cold fit's sum is 0.16 of the trapped one's). Only a partition more than twice as tight
    /// takes over, so ordinary drift keeps its warm groups: the seven shared Polis
    /// conversations replayed at 5 votes an update never come under 0.6 and show the same
    /// groups at every update; at one vote an update, only scoop-hivemind.ubi changes, its k
    /// changing 3 times in 7,174 updates instead of once.
    ///
    /// ```
    /// use polyphony_core::{AnalysisParams, Preset};
    /// assert!(AnalysisParams::default().group_restart());
    /// assert!(!AnalysisParams::builder(Preset::Polis).build()?.group_restart());
    /// # Ok::<(), polyphony_core::CoreError>(())
    /// ```
    pub fn group_restart(&self) -> bool {
        self.group_restart
    }
    /// Whether a k whose group k-means ended with fewer than k groups (Lloyd's step emptied a
    /// cluster) is left out of the candidates: not scored, never the best k, never shown.
    /// `false` (polis), `true` (workshop).
    ///
    /// Such a k is the smaller k's partition under another name: their silhouettes are equal
    /// and Polis's tie rule picks the larger k, so the smoother settles on a k = 3 that shows
    /// two groups. The next update's warm start gives k = 3 its third cluster back (the most
    /// distal point), and the room shows three groups without a vote having changed. Left
    /// out, the smaller k is chosen, and an update on the same votes shows the same groups
    /// (`tests/live_room.rs`; the seven shared Polis conversations replayed at 1 and at 5
    /// votes an update show the same groups at every update with and without it).
    ///
    /// ```
    /// use polyphony_core::{AnalysisParams, Preset};
    /// assert!(AnalysisParams::default().skip_collapsed_k());
    /// assert!(!AnalysisParams::builder(Preset::Polis).build()?.skip_collapsed_k());
    /// # Ok::<(), polyphony_core::CoreError>(())
    /// ```
    pub fn skip_collapsed_k(&self) -> bool {
        self.skip_collapsed_k
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
