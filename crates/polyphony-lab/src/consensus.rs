//! Group-informed consensus, in both forms the field uses.
//!
//! - [`ConsensusForm::Legacy`], Polis's (`conversation.clj` `:group-aware-consensus`, §7.2 of
//!   the math spec): the product over groups of each group's Laplace-smoothed agree rate,
//!   Π_g (A_g + 1) / (S_g + 2). Not normalised for the number of groups, so it shrinks as k
//!   grows. Equal, bit for bit, to the engine's `Analysis::group_aware_consensus`.
//! - [`ConsensusForm::Geometric`], red-dwarf's "standard" `consensus_mode`
//!   (polis-community/red-dwarf pull requests #118, geometric mean, and #120, Jeffreys prior and
//!   effective agreement): each group's agree rate with the Jeffreys prior,
//!   p_a = (A_g + ½) / (S_g + 1), times one minus its disagree rate p_d = (D_g + ½) / (S_g + 1),
//!   then the geometric mean over groups, (Π_g p_a (1 − p_d))^(1/k). Comparable across k, and a
//!   statement some group disagrees with ranks below one it merely passes on.

use std::fmt;
use std::str::FromStr;

use polyphony_core::Tally;
use serde::{Deserialize, Serialize};

use crate::LabError;

/// Which group-informed consensus to compute.
///
/// ```
/// use polyphony_lab::ConsensusForm;
/// assert_eq!("geometric".parse::<ConsensusForm>()?, ConsensusForm::Geometric);
/// assert_eq!(ConsensusForm::default().to_string(), "legacy");
/// # Ok::<(), polyphony_lab::LabError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsensusForm {
    /// Polis: Π_g (A_g + 1) / (S_g + 2).
    #[default]
    Legacy,
    /// red-dwarf: (Π_g p_a (1 − p_d))^(1/k) with the Jeffreys prior.
    Geometric,
}

impl fmt::Display for ConsensusForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConsensusForm::Legacy => "legacy",
            ConsensusForm::Geometric => "geometric",
        })
    }
}

impl FromStr for ConsensusForm {
    type Err = LabError;
    fn from_str(s: &str) -> Result<Self, LabError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "legacy" | "polis" | "product" => Ok(ConsensusForm::Legacy),
            "geometric" | "standard" | "jeffreys" => Ok(ConsensusForm::Geometric),
            other => Err(LabError::InvalidParams(format!(
                "unknown consensus form `{other}` (legacy, geometric)"
            ))),
        }
    }
}

/// One statement's group-informed consensus from its tallies in each group (raw votes of the
/// group's members, as Polis's `group-votes`), in group order. `None` without groups.
///
/// Complexity: O(groups).
///
/// ```
/// use polyphony_core::Tally;
/// use polyphony_lab::{group_informed_consensus, ConsensusForm};
/// let everyone_agrees = [Tally { agree: 9, disagree: 0, seen: 9 }, Tally { agree: 3, disagree: 0, seen: 3 }];
/// let legacy = group_informed_consensus(&everyone_agrees, ConsensusForm::Legacy).unwrap();
/// assert!((legacy - (10.0 / 11.0) * (4.0 / 5.0)).abs() < 1e-15);
/// let geometric = group_informed_consensus(&everyone_agrees, ConsensusForm::Geometric).unwrap();
/// assert!(geometric > legacy);
/// ```
pub fn group_informed_consensus(groups: &[Tally], form: ConsensusForm) -> Option<f64> {
    if groups.is_empty() {
        return None;
    }
    Some(match form {
        ConsensusForm::Legacy => groups.iter().fold(1.0, |acc, t| {
            acc * ((f64::from(t.agree) + 1.0) / (f64::from(t.seen) + 2.0))
        }),
        ConsensusForm::Geometric => {
            let product = groups.iter().fold(1.0, |acc, t| {
                let n = f64::from(t.seen) + 1.0;
                let pa = (f64::from(t.agree) + 0.5) / n;
                let pd = (f64::from(t.disagree) + 0.5) / n;
                acc * pa * (1.0 - pd)
            });
            product.powf(1.0 / groups.len() as f64)
        }
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests may fail loudly.
mod tests {
    use super::*;

    fn t(agree: u32, disagree: u32, seen: u32) -> Tally {
        Tally {
            agree,
            disagree,
            seen,
        }
    }

    /// Unanimous agreement in every group: the product shrinks with each group added, the
    /// geometric mean does not move.
    #[test]
    fn the_geometric_form_does_not_shrink_with_more_groups() {
        let two = [t(10, 0, 10); 2];
        let four = [t(10, 0, 10); 4];
        let (l2, l4) = (
            group_informed_consensus(&two, ConsensusForm::Legacy).unwrap(),
            group_informed_consensus(&four, ConsensusForm::Legacy).unwrap(),
        );
        assert!((l4 - l2 * l2).abs() < 1e-15 && l4 < l2);
        let (g2, g4) = (
            group_informed_consensus(&two, ConsensusForm::Geometric).unwrap(),
            group_informed_consensus(&four, ConsensusForm::Geometric).unwrap(),
        );
        assert!((g2 - g4).abs() < 1e-12);
        // Jeffreys: (10.5 / 11) · (1 − 0.5 / 11).
        assert!((g2 - (10.5 / 11.0) * (10.5 / 11.0)).abs() < 1e-12);
    }

    /// 8 of 10 agree in each group; in one statement the other two disagree, in the other they
    /// pass. Polis's product ties them; the geometric form ranks the passes higher.
    #[test]
    fn disagreement_lowers_the_geometric_form_only() {
        let disagreed = [t(8, 2, 10), t(8, 2, 10)];
        let passed = [t(8, 0, 10), t(8, 0, 10)];
        let legacy = |g: &[Tally]| group_informed_consensus(g, ConsensusForm::Legacy).unwrap();
        let geo = |g: &[Tally]| group_informed_consensus(g, ConsensusForm::Geometric).unwrap();
        assert_eq!(legacy(&disagreed), legacy(&passed));
        assert!(geo(&passed) > geo(&disagreed));
        assert_eq!(group_informed_consensus(&[], ConsensusForm::Legacy), None);
    }
}
