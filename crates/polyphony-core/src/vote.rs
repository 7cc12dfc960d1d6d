//! Votes as participants cast them.

use serde::{Deserialize, Serialize};

/// A participant's id, as Polis numbers them (`pid`).
///
/// ```
/// let pid: polyphony_core::ParticipantId = 7;
/// assert_eq!(pid, 7);
/// ```
pub type ParticipantId = u32;

/// A statement's id, as Polis numbers comments (`tid`).
///
/// ```
/// let tid: polyphony_core::StatementId = 3;
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
/// use polyphony_core::Vote;
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
    /// use polyphony_core::Vote;
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
    /// assert_eq!(polyphony_core::Vote::Disagree.agree_positive(), -1);
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
    /// assert_eq!(polyphony_core::Vote::Pass.polis_value(), 0.0);
    /// ```
    pub fn polis_value(self) -> f64 {
        match self {
            Vote::Agree => -1.0,
            Vote::Disagree => 1.0,
            Vote::Pass => 0.0,
        }
    }
}

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
