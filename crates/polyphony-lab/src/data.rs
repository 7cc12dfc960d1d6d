//! The lab's input: one conversation's votes and statement statuses.

use std::collections::{BTreeMap, BTreeSet};

use polyphony_core::{
    AnalysisParams, Conversation, ParticipantId, StatementId, StatementStatus, VoteEvent,
};

/// One conversation as the lab reads it: every vote event (re-votes included), the statements'
/// moderation, and optionally a reference grouping (the export's own Polis `group-id`).
///
/// Vote times are milliseconds (Polis's darwin exports and API); [`LabData::with_times_in_seconds`]
/// converts an export whose timestamps are seconds.
///
/// ```
/// use polyphony_core::{Vote, VoteEvent};
/// let data = polyphony_lab::LabData::new(vec![VoteEvent::new(1, 0, Vote::Agree, 5)]);
/// assert_eq!(data.votes.len(), 1);
/// assert!(data.reference_groups.is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LabData {
    /// Every vote event.
    pub votes: Vec<VoteEvent>,
    /// Moderation and meta status of statements (a statement not named is accepted).
    pub statements: Vec<(StatementId, StatementStatus)>,
    /// The grouping to score pipelines against (Polis's group per participant), when known.
    pub reference_groups: BTreeMap<ParticipantId, u32>,
}

impl LabData {
    /// Data with these votes, every statement accepted and no reference grouping.
    pub fn new(votes: Vec<VoteEvent>) -> Self {
        LabData {
            votes,
            ..Default::default()
        }
    }

    /// Sets the statements' statuses.
    pub fn with_statements(mut self, statements: Vec<(StatementId, StatementStatus)>) -> Self {
        self.statements = statements;
        self
    }

    /// Sets the reference grouping (e.g. Polis's `group-id` column).
    pub fn with_reference_groups(mut self, groups: BTreeMap<ParticipantId, u32>) -> Self {
        self.reference_groups = groups;
        self
    }

    /// Multiplies every vote time by 1,000 when the times are seconds, as in Polis's newer
    /// TypeScript CSV export (every time below 10¹¹, i.e. before 1973 read as milliseconds).
    ///
    /// ```
    /// use polyphony_core::{Vote, VoteEvent};
    /// let data = polyphony_lab::LabData::new(vec![VoteEvent::new(1, 0, Vote::Agree, 1_500_000_000)]);
    /// assert_eq!(data.with_times_in_seconds().votes[0].time, 1_500_000_000_000);
    /// ```
    pub fn with_times_in_seconds(mut self) -> Self {
        let max = self.votes.iter().map(|v| v.time).max().unwrap_or(0);
        if max > 0 && max < 100_000_000_000 {
            for v in &mut self.votes {
                v.time = v.time.saturating_mul(1000);
            }
        }
        self
    }

    /// Whether the votes carry usable times (at least two different ones).
    pub fn has_timestamps(&self) -> bool {
        let mut times = self.votes.iter().map(|v| v.time);
        match times.next() {
            Some(first) => times.any(|t| t != first),
            None => false,
        }
    }

    /// A core conversation holding these statuses (and no votes yet).
    pub(crate) fn empty_conversation(&self, params: AnalysisParams) -> Conversation {
        let mut conv = Conversation::new(params);
        for &(id, status) in &self.statements {
            conv.set_statement(id, status);
        }
        conv
    }

    /// A core conversation holding these statuses and every vote.
    pub(crate) fn conversation(&self, params: AnalysisParams) -> Conversation {
        let mut conv = self.empty_conversation(params);
        conv.add_votes(&self.votes);
        conv
    }

    /// The distinct participants, ascending.
    pub(crate) fn participants(&self) -> BTreeSet<ParticipantId> {
        self.votes.iter().map(|v| v.participant).collect()
    }
}
