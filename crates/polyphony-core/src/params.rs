//! Analysis parameters: two documented presets and a validated builder.

use serde::{Deserialize, Serialize};

use crate::error::CoreError;

/// Which behaviour the engine follows.
///
/// ```
/// use polyphony_core::Preset;
/// assert_eq!(Preset::default(), Preset::Workshop);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// Reproduce Polis: up to `min(5, 2 + bases / 12)` groups, every quirk of the math that
    /// shapes results kept (greedy in-conv floor of 15, previous-tick priorities, best-agree that
    /// can come out labelled "disagree", the float32 `repness-test`, sorted-zip k-means
    /// convergence).
    Polis,
    /// For a live room, and the default: 2–3 groups, shown once 7 or more participants are in,
    /// with the quirks that are plain bugs fixed:
    /// - no greedy floor that admits one-vote participants for good;
    /// - priorities from the current update's tallies, not the previous one's;
    /// - a best-agree statement is always reported as agree;
    /// - `repness-test` keeps full precision;
    /// - k-means convergence matches clusters by id, so a dropped cluster cannot hide a move;
    /// - the k smoother falls back to the best k when its k is no longer computed;
    /// - power iteration stops once the component no longer moves (1e-13), not after a fixed count;
    /// - when the votes have a single direction of disagreement (two perfectly opposed camps),
    ///   participants are still placed along it instead of all at the origin in one group.
    #[default]
    Workshop,
}

/// Every knob of an analysis, with the defaults of its [`Preset`].
///
/// Build it with [`AnalysisParams::builder`]; [`AnalysisParamsBuilder::build`] checks ranges.
///
/// ```
/// use polyphony_core::{AnalysisParams, Preset};
/// let p = AnalysisParams::builder(Preset::Polis).seed(42).build()?;
/// assert_eq!(p.max_groups(), 5);
/// assert_eq!(AnalysisParams::default().max_groups(), 3);
/// # Ok::<(), polyphony_core::CoreError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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

    pub(crate) fn is_polis(&self) -> bool {
        self.preset == Preset::Polis
    }
}

/// Builder for [`AnalysisParams`]; see there for each field's meaning and default.
///
/// ```
/// use polyphony_core::{AnalysisParams, Preset};
/// let p = AnalysisParams::builder(Preset::Workshop).max_groups(2).build()?;
/// assert_eq!(p.max_groups(), 2);
/// # Ok::<(), polyphony_core::CoreError>(())
/// ```
#[derive(Clone, Debug)]
pub struct AnalysisParamsBuilder(AnalysisParams);

macro_rules! setter {
    ($(#[$doc:meta])* $name:ident: $ty:ty) => {
        $(#[$doc])*
        pub fn $name(mut self, value: $ty) -> Self {
            self.0.$name = value;
            self
        }
    };
}

impl AnalysisParamsBuilder {
    setter!(
        /// Sets the seed.
        ///
        /// ```
        /// let p = polyphony_core::AnalysisParams::builder(Default::default()).seed(9).build()?;
        /// assert_eq!(p.seed(), 9);
        /// # Ok::<(), polyphony_core::CoreError>(())
        /// ```
        seed: u64
    );
    setter!(
        /// Sets the in-conv vote threshold (≥ 1).
        ///
        /// ```
        /// assert!(polyphony_core::AnalysisParams::builder(Default::default()).min_votes_in_conv(0).build().is_err());
        /// ```
        min_votes_in_conv: u32
    );
    setter!(
        /// Sets the greedy floor (0 turns it off).
        ///
        /// ```
        /// let p = polyphony_core::AnalysisParams::builder(Default::default()).greedy_floor(15).build()?;
        /// assert_eq!(p.greedy_floor(), 15);
        /// # Ok::<(), polyphony_core::CoreError>(())
        /// ```
        greedy_floor: u32
    );
    setter!(
        /// Sets the in-conv count needed before groups are reported.
        ///
        /// ```
        /// let p = polyphony_core::AnalysisParams::builder(Default::default()).min_participants_for_groups(3).build()?;
        /// assert_eq!(p.min_participants_for_groups(), 3);
        /// # Ok::<(), polyphony_core::CoreError>(())
        /// ```
        min_participants_for_groups: u32
    );
    setter!(
        /// Sets the power-iteration count (≥ 1).
        ///
        /// ```
        /// assert!(polyphony_core::AnalysisParams::builder(Default::default()).pca_iterations(0).build().is_err());
        /// ```
        pca_iterations: u32
    );
    setter!(
        /// Sets the number of base clusters (≥ 2).
        ///
        /// ```
        /// assert!(polyphony_core::AnalysisParams::builder(Default::default()).base_k(1).build().is_err());
        /// ```
        base_k: u32
    );
    setter!(
        /// Sets the base k-means step count (≥ 1).
        ///
        /// ```
        /// assert!(polyphony_core::AnalysisParams::builder(Default::default()).base_iterations(0).build().is_err());
        /// ```
        base_iterations: u32
    );
    setter!(
        /// Sets the group k-means step count (≥ 1).
        ///
        /// ```
        /// assert!(polyphony_core::AnalysisParams::builder(Default::default()).group_iterations(0).build().is_err());
        /// ```
        group_iterations: u32
    );
    setter!(
        /// Sets the largest number of groups (2..=12).
        ///
        /// ```
        /// assert!(polyphony_core::AnalysisParams::builder(Default::default()).max_groups(13).build().is_err());
        /// ```
        max_groups: u32
    );
    setter!(
        /// Sets how many base clusters add one candidate k (≥ 1).
        ///
        /// ```
        /// assert!(polyphony_core::AnalysisParams::builder(Default::default()).bases_per_extra_group(0).build().is_err());
        /// ```
        bases_per_extra_group: u32
    );
    setter!(
        /// Sets the smoother buffer (≥ 1; 1 means no smoothing).
        ///
        /// ```
        /// let p = polyphony_core::AnalysisParams::builder(Default::default()).smoother_buffer(1).build()?;
        /// assert_eq!(p.smoother_buffer(), 1);
        /// # Ok::<(), polyphony_core::CoreError>(())
        /// ```
        smoother_buffer: u32
    );

    /// Checks every range and returns the parameters.
    ///
    /// ```
    /// assert!(polyphony_core::AnalysisParams::builder(Default::default()).build().is_ok());
    /// ```
    pub fn build(self) -> Result<AnalysisParams, CoreError> {
        let p = self.0;
        let check = |ok: bool, name: &'static str, reason: &str| {
            if ok {
                Ok(())
            } else {
                Err(CoreError::InvalidParameter {
                    name,
                    reason: reason.to_string(),
                })
            }
        };
        check(
            p.min_votes_in_conv >= 1,
            "min_votes_in_conv",
            "must be at least 1",
        )?;
        check(
            p.pca_iterations >= 1,
            "pca_iterations",
            "must be at least 1",
        )?;
        check(
            p.pca_iterations <= 100_000,
            "pca_iterations",
            "must be at most 100000",
        )?;
        check(p.base_k >= 2, "base_k", "must be at least 2")?;
        check(p.base_k <= 10_000, "base_k", "must be at most 10000")?;
        check(
            p.base_iterations >= 1,
            "base_iterations",
            "must be at least 1",
        )?;
        check(
            p.group_iterations >= 1,
            "group_iterations",
            "must be at least 1",
        )?;
        check(
            (2..=12).contains(&p.max_groups),
            "max_groups",
            "must be between 2 and 12",
        )?;
        check(
            p.bases_per_extra_group >= 1,
            "bases_per_extra_group",
            "must be at least 1",
        )?;
        check(
            p.smoother_buffer >= 1,
            "smoother_buffer",
            "must be at least 1",
        )?;
        Ok(p)
    }
}
