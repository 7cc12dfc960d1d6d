//! Votes as participants cast them.

use serde::{Deserialize, Serialize};

pub use polyphony_types::{ParticipantId, StatementId, Vote};

/// One vote as it happened: who, on what, what, and when.
///
/// `time` is any clock that orders events (Polis uses milliseconds since the epoch). When the
/// same participant votes on the same statement twice, the later `time` wins.
///
/// ```
/// use polyphony_core::{Vote, VoteEvent};
/// let v = VoteEvent::new(1, 4, Vote::Agree, 1_700_000_000_000);
/// assert_eq!(v.statement, 4);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteEvent {
    /// Who voted.
    pub participant: ParticipantId,
    /// On which statement.
    pub statement: StatementId,
    /// What they said.
    pub vote: Vote,
    /// When (orders re-votes; later wins).
    pub time: i64,
}

impl VoteEvent {
    /// Builds a vote event.
    ///
    /// ```
    /// let v = polyphony_core::VoteEvent::new(0, 0, polyphony_core::Vote::Pass, 0);
    /// assert_eq!(v.participant, 0);
    /// ```
    pub fn new(participant: ParticipantId, statement: StatementId, vote: Vote, time: i64) -> Self {
        VoteEvent {
            participant,
            statement,
            vote,
            time,
        }
    }
}

/// How a statement stands with the moderators, and whether it is a meta statement.
///
/// Polis takes a statement out of the math ("mod-out") when it is rejected or meta: its column
/// stays in the matrix, zeroed for everyone (§1.2 of the math spec).
///
/// ```
/// use polyphony_core::{Moderation, StatementStatus};
/// let s = StatementStatus { moderation: Moderation::Accepted, is_meta: true };
/// assert!(s.is_mod_out());
/// assert!(!StatementStatus::default().is_mod_out());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementStatus {
    /// The moderators' decision.
    pub moderation: Moderation,
    /// A statement about the conversation itself ("I am a student"), not an opinion.
    pub is_meta: bool,
}

impl StatementStatus {
    /// Whether the math zeroes this statement out (rejected or meta).
    ///
    /// ```
    /// use polyphony_core::{Moderation, StatementStatus};
    /// let s = StatementStatus { moderation: Moderation::Rejected, is_meta: false };
    /// assert!(s.is_mod_out());
    /// ```
    pub fn is_mod_out(&self) -> bool {
        self.is_meta || self.moderation == Moderation::Rejected
    }
}

/// A moderation decision, as Polis encodes it in `mod`: 1, 0, −1.
///
/// ```
/// use polyphony_core::Moderation;
/// assert_eq!(Moderation::from_polis(-1), Some(Moderation::Rejected));
/// assert_eq!(Moderation::Accepted.polis_value(), 1);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Moderation {
    /// Moderated in (`mod = 1`).
    Accepted,
    /// Not yet moderated (`mod = 0`); in the math this counts as in.
    #[default]
    Unmoderated,
    /// Moderated out (`mod = −1`).
    Rejected,
}

impl Moderation {
    /// Reads Polis's `mod` value.
    ///
    /// ```
    /// assert_eq!(polyphony_core::Moderation::from_polis(0), Some(polyphony_core::Moderation::Unmoderated));
    /// ```
    pub fn from_polis(value: i64) -> Option<Moderation> {
        match value {
            1 => Some(Moderation::Accepted),
            0 => Some(Moderation::Unmoderated),
            -1 => Some(Moderation::Rejected),
            _ => None,
        }
    }

    /// Polis's `mod` value.
    ///
    /// ```
    /// assert_eq!(polyphony_core::Moderation::Rejected.polis_value(), -1);
    /// ```
    pub fn polis_value(self) -> i8 {
        match self {
            Moderation::Accepted => 1,
            Moderation::Unmoderated => 0,
            Moderation::Rejected => -1,
        }
    }
}
