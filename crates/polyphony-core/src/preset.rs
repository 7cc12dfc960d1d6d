//! The two presets and the named choices on which they differ.
//!
//! Every place where reproducing Polis and running a live room disagree is one field of
//! [`crate::AnalysisParams`] with one of the types below; [`Preset`] only picks their defaults,
//! so a researcher can switch a single choice and see what it changes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::CoreError;

/// Which behaviour the engine follows: the defaults every [`crate::AnalysisParams`] starts from.
///
/// Parse it from the names front ends accept (`workshop`, `polis`), so every front end reports
/// the same error for a typo:
///
/// ```
/// use polyphony_core::Preset;
/// assert_eq!("polis".parse::<Preset>()?, Preset::Polis);
/// assert_eq!(Preset::Workshop.to_string(), "workshop");
/// let err = "wokshop".parse::<Preset>().unwrap_err();
/// assert_eq!(err.to_string(), "unknown preset `wokshop` (workshop or polis)");
/// # Ok::<(), polyphony_core::CoreError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// Reproduce Polis: up to `min(5, 2 + bases / 12)` groups, every quirk of the math that
    /// shapes results kept: greedy in-conv floor of 15, [`PriorityTallies::PreviousGroups`],
    /// best-agree that can come out labelled "disagree", the float32 `repness-test`,
    /// [`KMeansConvergence::SortedZip`], [`PcaStopping::FixedSteps`], rank-1 maps collapsed to
    /// the origin, the k smoother without its fallback or margin, group k-means warm-started
    /// only, and a k whose k-means emptied a cluster still a candidate.
    Polis,
    /// For a live room, and the default: 2–3 groups, shown once 7 or more participants are in,
    /// with the quirks that are plain bugs fixed:
    /// - no greedy floor that admits one-vote participants for good;
    /// - priorities from the current update's tallies, not the previous one's;
    /// - a best-agree statement is always reported as agree;
    /// - `repness-test` keeps full precision;
    /// - k-means convergence matches clusters by id, so a dropped cluster cannot hide a move;
    /// - the k smoother falls back to the best k when its k is no longer computed, and shows a
    ///   best k that wins clearly at once, so the groups a room ends on do not depend on how
    ///   many updates its last votes fell into;
    /// - a warm-started group k-means left in a clearly worse partition than a cold start
    ///   finds (a camp that arrived late, lumped with another) takes the cold start's;
    /// - a k whose k-means emptied a cluster is no candidate, so it cannot win a tie with the
    ///   smaller k it duplicates and show another number of groups at the next update;
    /// - power iteration stops once the component no longer moves (1e-13), not after a fixed count;
    /// - when the votes have a single direction of disagreement (two perfectly opposed camps),
    ///   participants are still placed along it instead of all at the origin in one group.
    #[default]
    Workshop,
}

impl Preset {
    /// The name front ends use, as [`FromStr`] reads it.
    fn name(self) -> &'static str {
        match self {
            Preset::Polis => "polis",
            Preset::Workshop => "workshop",
        }
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Preset {
    type Err = CoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Preset::Workshop, Preset::Polis]
            .into_iter()
            .find(|p| p.name() == s)
            .ok_or_else(|| CoreError::UnknownPreset(s.to_string()))
    }
}

/// How power iteration decides a principal component is found (§3.4).
///
/// Polis runs a fixed number of steps, which on slowly converging data stops short of the
/// component; stopping once it no longer moves gives the same answer as an SVD would.
///
/// ```
/// use polyphony_core::{AnalysisParams, PcaStopping, Preset};
/// // The workshop map, but with Polis's fixed step count.
/// let p = AnalysisParams::builder(Preset::Workshop).pca_stopping(PcaStopping::FixedSteps).build()?;
/// assert_ne!(p, AnalysisParams::default());
/// # Ok::<(), polyphony_core::CoreError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PcaStopping {
    /// Polis: `pca_iterations + 1` multiplications, unless the norm repeats exactly.
    FixedSteps,
    /// Stop once no coordinate moves more than [`PcaStopping::TOLERANCE`], after at most
    /// `pca_iterations + 1` multiplications.
    Converged,
}

impl PcaStopping {
    /// Largest coordinate move still counted as "no longer moves" by [`PcaStopping::Converged`].
    ///
    /// ```
    /// assert!(polyphony_core::PcaStopping::TOLERANCE < 1e-12);
    /// ```
    pub const TOLERANCE: f64 = 1e-13;
}

/// How k-means decides its centres stopped moving (threshold 0.01 in both, §4.1).
///
/// Polis sorts the old and new centres and zips them, so a cluster that disappears can hide a
/// centre that moved; matching by id cannot.
///
/// ```
/// use polyphony_core::{AnalysisParams, KMeansConvergence, Preset};
/// let p = AnalysisParams::builder(Preset::Polis).kmeans_convergence(KMeansConvergence::ById).build()?;
/// assert_eq!(p.kmeans_convergence(), KMeansConvergence::ById);
/// # Ok::<(), polyphony_core::CoreError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KMeansConvergence {
    /// Polis: sort old and new centres, zip them (truncating to the shorter list).
    SortedZip,
    /// Match centres by cluster id; any cluster born or dropped means "not converged".
    ById,
}

/// Which tallies the routing priorities (§10.1) are computed from.
///
/// Polis reads the per-group votes stored by the *previous* update, so a new statement looks
/// unseen for one update longer than it is; the current in-conv tallies do not lag.
///
/// ```
/// use polyphony_core::{AnalysisParams, Preset, PriorityTallies};
/// let p = AnalysisParams::builder(Preset::Polis).priority_tallies(PriorityTallies::CurrentInConv).build()?;
/// assert_eq!(p.priority_tallies(), PriorityTallies::CurrentInConv);
/// # Ok::<(), polyphony_core::CoreError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriorityTallies {
    /// Polis: the sum of the previous update's group tallies (`EngineState::previous_group_votes`).
    PreviousGroups,
    /// This update's tallies over the participants in the clustering.
    CurrentInConv,
}
