//! The validated builder of [`AnalysisParams`].

use super::AnalysisParams;
use crate::error::CoreError;
use crate::preset::{KMeansConvergence, PcaStopping, PriorityTallies};

/// Builder for [`AnalysisParams`]; see there for each field's meaning and default.
///
/// ```
/// use polyphony_core::{AnalysisParams, Preset};
/// let p = AnalysisParams::builder(Preset::Workshop).max_groups(2).build()?;
/// assert_eq!(p.max_groups(), 2);
/// # Ok::<(), polyphony_core::CoreError>(())
/// ```
#[derive(Clone, Debug)]
pub struct AnalysisParamsBuilder(pub(super) AnalysisParams);

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
        /// Sets the seed. The same votes, state and seed give the same analysis on every
        /// platform; the seed only matters when power iteration must restart from a random
        /// vector.
        ///
        /// ```
        /// use polyphony_core::{AnalysisParams, Conversation, Preset, Vote, VoteEvent};
        /// let run = |seed| -> Result<_, polyphony_core::CoreError> {
        ///     let mut c = Conversation::new(AnalysisParams::builder(Preset::Workshop).seed(seed).build()?);
        ///     c.add_votes(&[VoteEvent::new(1, 1, Vote::Agree, 0), VoteEvent::new(2, 1, Vote::Disagree, 0)]);
        ///     Ok(c.update())
        /// };
        /// assert_eq!(run(9)?, run(9)?);
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
        /// Sets the greedy floor (0 turns it off): while fewer participants are in the
        /// clustering, the top voters are admitted for good, even with a single vote.
        ///
        /// ```
        /// use polyphony_core::{AnalysisParams, Conversation, Preset, Vote, VoteEvent};
        /// let mut c = Conversation::new(AnalysisParams::builder(Preset::Workshop).greedy_floor(15).build()?);
        /// c.add_votes(&[VoteEvent::new(1, 1, Vote::Agree, 0), VoteEvent::new(1, 2, Vote::Agree, 0)]);
        /// for s in 3..10 { c.add_votes(&[VoteEvent::new(2, s, Vote::Agree, 0)]); }
        /// // Participant 1 has 2 votes of the 7 needed, but the floor lets them in.
        /// assert_eq!(c.update().in_conv, vec![1, 2]);
        /// # Ok::<(), polyphony_core::CoreError>(())
        /// ```
        greedy_floor: u32
    );
    setter!(
        /// Sets the in-conv count needed before groups are reported (0: report groups as soon
        /// as two base clusters exist, as Polis does).
        ///
        /// ```
        /// use polyphony_core::{AnalysisParams, Conversation, Preset, Vote, VoteEvent};
        /// let mut votes = Vec::new();
        /// for p in 0..4u32 {
        ///     for s in 0..7u32 {
        ///         let v = if (p + s) % 2 == 0 { Vote::Agree } else { Vote::Disagree };
        ///         votes.push(VoteEvent::new(p, s, v, 0));
        ///     }
        /// }
        /// let groups = |min| -> Result<bool, polyphony_core::CoreError> {
        ///     let params = AnalysisParams::builder(Preset::Workshop).min_participants_for_groups(min).build()?;
        ///     let mut c = Conversation::new(params);
        ///     c.add_votes(&votes);
        ///     Ok(c.update().groups.is_some())
        /// };
        /// assert!(!groups(7)?); // four participants are too few by default
        /// assert!(groups(3)?);
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
        /// Sets the smoother buffer (≥ 1; 1 means no smoothing: the shown k is always this
        /// update's best k).
        ///
        /// ```
        /// use polyphony_core::{AnalysisParams, Preset};
        /// assert!(AnalysisParams::builder(Preset::Workshop).smoother_buffer(0).build().is_err());
        /// let mut s = polyphony_core::KSmoother::default();
        /// s.observe(2, 1, &[]);
        /// assert_eq!(s.observe(3, 1, &[]), 3); // with buffer 1 a new best k shows at once
        /// ```
        smoother_buffer: u32
    );
    setter!(
        /// Sets how power iteration stops (see [`PcaStopping`]).
        ///
        /// ```
        /// use polyphony_core::{AnalysisParams, PcaStopping, Preset};
        /// // Polis's results with a converged PCA: how much do the fixed steps matter?
        /// let p = AnalysisParams::builder(Preset::Polis).pca_stopping(PcaStopping::Converged).build()?;
        /// assert_ne!(p, AnalysisParams::builder(Preset::Polis).build()?);
        /// # Ok::<(), polyphony_core::CoreError>(())
        /// ```
        pca_stopping: PcaStopping
    );
    setter!(
        /// Sets whether rank-1 votes put everyone at the origin (see
        /// [`AnalysisParams::collapse_rank1`]).
        ///
        /// ```
        /// use polyphony_core::{AnalysisParams, Conversation, Preset, Vote, VoteEvent};
        /// let mut votes = Vec::new();
        /// for p in 0..8u32 {
        ///     for s in 0..7u32 {
        ///         // Two perfectly opposed camps: one direction of disagreement only.
        ///         let v = if (p % 2 == 0) == (s % 2 == 0) { Vote::Agree } else { Vote::Disagree };
        ///         votes.push(VoteEvent::new(p, s, v, 0));
        ///     }
        /// }
        /// let spread = |collapse| -> Result<f64, polyphony_core::CoreError> {
        ///     let params = AnalysisParams::builder(Preset::Workshop).collapse_rank1(collapse).build()?;
        ///     let mut c = Conversation::new(params);
        ///     c.add_votes(&votes);
        ///     Ok(c.update().participants.iter().map(|p| p.position[0].abs()).sum())
        /// };
        /// assert_eq!(spread(true)?, 0.0);
        /// assert!(spread(false)? > 0.0);
        /// # Ok::<(), polyphony_core::CoreError>(())
        /// ```
        collapse_rank1: bool
    );
    setter!(
        /// Sets how k-means tests convergence (see [`KMeansConvergence`]).
        ///
        /// ```
        /// use polyphony_core::{AnalysisParams, KMeansConvergence, Preset};
        /// let p = AnalysisParams::builder(Preset::Polis).kmeans_convergence(KMeansConvergence::ById).build()?;
        /// assert_eq!(p.kmeans_convergence(), KMeansConvergence::ById);
        /// assert_eq!(p.max_groups(), 5); // everything else stays Polis
        /// # Ok::<(), polyphony_core::CoreError>(())
        /// ```
        kmeans_convergence: KMeansConvergence
    );
    setter!(
        /// Sets whether the k smoother falls back to the best k (see
        /// [`AnalysisParams::smoother_fallback`]).
        ///
        /// ```
        /// let mut s = polyphony_core::KSmoother { last_k: Some(2), last_k_count: 1, smoothed_k: Some(5) };
        /// // k = 5 is no longer computed: with the fallback the best k (2) is shown.
        /// assert_eq!(s.clone().observe(2, 4, &[2, 3]), 2);
        /// assert_eq!(s.observe(2, 4, &[]), 5);
        /// ```
        smoother_fallback: bool
    );
    setter!(
        /// Sets the silhouette margin by which a new best k is shown at once (see
        /// [`AnalysisParams::smoother_margin`]); `None` waits for the smoother's buffer
        /// whatever the margin. A margin must be above 0 and at most 2 (silhouettes lie in
        /// −1..=1).
        ///
        /// ```
        /// use polyphony_core::{AnalysisParams, Preset};
        /// let p = AnalysisParams::builder(Preset::Workshop).smoother_margin(None).build()?;
        /// assert_eq!(p.smoother_margin(), None);
        /// assert!(AnalysisParams::builder(Preset::Workshop).smoother_margin(Some(0.0)).build().is_err());
        /// # Ok::<(), polyphony_core::CoreError>(())
        /// ```
        smoother_margin: Option<f64>
    );
    setter!(
        /// Sets whether warm-started group k-means is checked against a cold start (see
        /// [`AnalysisParams::group_restart`]).
        ///
        /// ```
        /// use polyphony_core::{AnalysisParams, Preset};
        /// let p = AnalysisParams::builder(Preset::Workshop).group_restart(false).build()?;
        /// assert!(!p.group_restart());
        /// # Ok::<(), polyphony_core::CoreError>(())
        /// ```
        group_restart: bool
    );
    setter!(
        /// Sets whether a k whose k-means emptied a cluster is left out of the candidates (see
        /// [`AnalysisParams::skip_collapsed_k`]).
        ///
        /// ```
        /// use polyphony_core::{AnalysisParams, Preset};
        /// let p = AnalysisParams::builder(Preset::Polis).skip_collapsed_k(true).build()?;
        /// assert!(p.skip_collapsed_k() && !p.group_restart());
        /// # Ok::<(), polyphony_core::CoreError>(())
        /// ```
        skip_collapsed_k: bool
    );
    setter!(
        /// Sets whether a best-agree statement is always reported as agree (see
        /// [`AnalysisParams::best_agree_as_agree`]).
        ///
        /// ```
        /// use polyphony_core::{AnalysisParams, Preset};
        /// let p = AnalysisParams::builder(Preset::Polis).best_agree_as_agree(true).build()?;
        /// assert!(p.best_agree_as_agree() && p.repness_test_f32());
        /// # Ok::<(), polyphony_core::CoreError>(())
        /// ```
        best_agree_as_agree: bool
    );
    setter!(
        /// Sets whether `repness_test` is rounded through float32 (see
        /// [`AnalysisParams::repness_test_f32`]).
        ///
        /// ```
        /// use polyphony_core::{AnalysisParams, Preset};
        /// // Polis's repness selection with full-precision tests.
        /// let p = AnalysisParams::builder(Preset::Polis).repness_test_f32(false).build()?;
        /// assert!(!p.repness_test_f32() && !p.best_agree_as_agree());
        /// # Ok::<(), polyphony_core::CoreError>(())
        /// ```
        repness_test_f32: bool
    );
    setter!(
        /// Sets which tallies feed the routing priorities (see [`PriorityTallies`]).
        ///
        /// ```
        /// use polyphony_core::{AnalysisParams, Conversation, Preset, PriorityTallies, Vote, VoteEvent};
        /// let lagging = AnalysisParams::builder(Preset::Workshop)
        ///     .priority_tallies(PriorityTallies::PreviousGroups).build()?;
        /// let mut c = Conversation::new(lagging);
        /// for p in 0..20u32 { c.add_votes(&[VoteEvent::new(p, 1, Vote::Agree, 0)]); }
        /// // No groups yet, so nothing was counted before: statement 1 still looks unseen.
        /// let unseen = c.update().priorities[&1];
        /// let mut fresh = Conversation::new(AnalysisParams::default());
        /// for p in 0..20u32 { fresh.add_votes(&[VoteEvent::new(p, 1, Vote::Agree, 0)]); }
        /// assert!(fresh.update().priorities[&1] < unseen);
        /// # Ok::<(), polyphony_core::CoreError>(())
        /// ```
        priority_tallies: PriorityTallies
    );
    setter!(
        /// Sets whether groups keep their labels by members across updates (see
        /// [`AnalysisParams::stable_labels`]).
        ///
        /// ```
        /// use polyphony_core::{AnalysisParams, Preset};
        /// let p = AnalysisParams::builder(Preset::Workshop).stable_labels(false).build()?;
        /// assert!(!p.stable_labels());
        /// # Ok::<(), polyphony_core::CoreError>(())
        /// ```
        stable_labels: bool
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
        check(
            p.smoother_margin.is_none_or(|m| m > 0.0 && m <= 2.0),
            "smoother_margin",
            "must be above 0 and at most 2",
        )?;
        Ok(p)
    }
}
