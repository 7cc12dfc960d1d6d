//! The small values both the engine and the wire speak: votes, ids, which way a statement sets
//! a group apart, how a group stands on a statement, how tables are composed, and the
//! languages every screen and the report speak ([`Lang`]).
//!
//! They live here, apart from the engine (`polyphony-core`, which re-exports them) and the
//! protocol (`polyphony-protocol`, which carries them), so that the protocol — and the web app
//! compiled against it — does not depend on the engine and its numeric crates.

use serde::{Deserialize, Serialize};

pub mod english;
pub mod korean;
mod lang;

pub use lang::{Lang, UnknownLang};

/// A participant's id, as Polis numbers them (`pid`).
///
/// ```
/// let pid: polyphony_types::ParticipantId = 7;
/// assert_eq!(pid, 7);
/// ```
pub type ParticipantId = u32;

/// A statement's id, as Polis numbers comments (`tid`).
///
/// ```
/// let tid: polyphony_types::StatementId = 3;
/// assert_eq!(tid, 3);
/// ```
pub type StatementId = u32;

/// One reaction to one statement.
///
/// Polyphony speaks of votes semantically. The Polis math stores agree as −1 and disagree as +1
/// (see [`Vote::polis_value`]); export formats differ again (see the `polyphony-polis` crate), so
/// the sign only ever appears at a boundary.
///
/// ```
/// use polyphony_types::Vote;
/// assert_eq!(Vote::from_agree_positive(1), Some(Vote::Agree));
/// assert_eq!(Vote::Agree.polis_value(), -1.0);
/// assert_eq!(Vote::from_agree_positive(2), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Vote {
    /// "I agree".
    Agree,
    /// "I disagree".
    Disagree,
    /// "Pass / unsure": counts as seen, carries no direction.
    Pass,
}

impl Vote {
    /// Reads a vote in the openData convention: +1 agree, −1 disagree, 0 pass.
    ///
    /// ```
    /// use polyphony_types::Vote;
    /// assert_eq!(Vote::from_agree_positive(-1), Some(Vote::Disagree));
    /// ```
    pub fn from_agree_positive(value: i64) -> Option<Vote> {
        match value {
            1 => Some(Vote::Agree),
            -1 => Some(Vote::Disagree),
            0 => Some(Vote::Pass),
            _ => None,
        }
    }

    /// The vote in the openData convention: +1 agree, −1 disagree, 0 pass.
    ///
    /// ```
    /// assert_eq!(polyphony_types::Vote::Disagree.agree_positive(), -1);
    /// ```
    pub fn agree_positive(self) -> i8 {
        match self {
            Vote::Agree => 1,
            Vote::Disagree => -1,
            Vote::Pass => 0,
        }
    }

    /// The value the Polis math works on: agree = −1, disagree = +1, pass = 0.
    ///
    /// Centres, components and projections are computed on these values so that they can be
    /// compared with Polis math blobs directly.
    ///
    /// ```
    /// assert_eq!(polyphony_types::Vote::Pass.polis_value(), 0.0);
    /// ```
    pub fn polis_value(self) -> f64 {
        match self {
            Vote::Agree => -1.0,
            Vote::Disagree => 1.0,
            Vote::Pass => 0.0,
        }
    }
}

/// Which way a statement sets a group apart.
///
/// ```
/// assert_eq!(serde_json::to_string(&polyphony_types::Stance::Agree).unwrap(), "\"agree\"");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stance {
    /// The group agrees more than the rest.
    Agree,
    /// The group disagrees more than the rest.
    Disagree,
}

/// How one group stands on one statement.
///
/// ```
/// let g = polyphony_types::GroupStance { group: 0, label: "A".into(), agree: 17, disagree: 1, passes: 2, seen: 20, agree_rate: 0.85 };
/// assert_eq!(g.label, "A");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupStance {
    /// Group id.
    pub group: u32,
    /// Group letter, "A" for the first group.
    pub label: String,
    /// Members who agreed.
    pub agree: u32,
    /// Members who disagreed.
    pub disagree: u32,
    /// Members who passed.
    pub passes: u32,
    /// Members who voted on it.
    pub seen: u32,
    /// agree / seen (0 when nobody voted): the share read aloud.
    pub agree_rate: f64,
}

impl GroupStance {
    /// A group's stance from its counts on the statement: `seen` members voted, `agree` and
    /// `disagree` of them one way or the other (the rest passed).
    ///
    /// ```
    /// let g = polyphony_types::GroupStance::from_counts(1, "B", 1, 2, 4);
    /// assert_eq!((g.passes, g.agree_rate), (1, 0.25));
    /// assert_eq!(polyphony_types::GroupStance::from_counts(0, "A", 0, 0, 0).agree_rate, 0.0);
    /// ```
    pub fn from_counts(
        group: u32,
        label: &str,
        agree: u32,
        disagree: u32,
        seen: u32,
    ) -> GroupStance {
        GroupStance {
            group,
            label: label.to_string(),
            agree,
            disagree,
            passes: seen.saturating_sub(agree).saturating_sub(disagree),
            seen,
            agree_rate: if seen == 0 {
                0.0
            } else {
                f64::from(agree) / f64::from(seen)
            },
        }
    }
}

/// How the tables are composed.
///
/// ```
/// use polyphony_types::TableMode;
/// assert_eq!(serde_json::to_string(&TableMode::SameGroup).unwrap(), "\"same_group\"");
/// assert_eq!("mixed".parse::<TableMode>(), Ok(TableMode::Mixed));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableMode {
    /// Every table within one opinion group ("why are we a group?"); a group larger than the
    /// table size is split into tables as equal as possible.
    SameGroup,
    /// Every table holds members of as many groups as possible, in shares as even as possible,
    /// with neighbours on the map spread over different tables (to look for common ground).
    Mixed,
}

impl std::str::FromStr for TableMode {
    type Err = UnknownTableMode;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "same_group" => Ok(Self::SameGroup),
            "mixed" => Ok(Self::Mixed),
            other => Err(UnknownTableMode(other.to_string())),
        }
    }
}

/// A table mode that is neither `same_group` nor `mixed`.
///
/// ```
/// let e = "tables".parse::<polyphony_types::TableMode>().unwrap_err();
/// assert_eq!(e.to_string(), "`tables` is not a table mode (same_group or mixed)");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a table mode (same_group or mixed)")]
pub struct UnknownTableMode(pub String);
