//! [`EngineInbox`]: what the room's analysis task has not seen yet. Commands put committed
//! changes here when they apply (a vote event, a moderation change, the frozen groups
//! changed); the task (`super::task`) takes it all at once with [`Room::take_engine_input`]
//! and runs one update over it. At start the inbox holds every stored vote, so the first
//! update sees the whole room.

use std::collections::BTreeSet;

use polyphony_core::{FrozenGroups, StatementStatus, VoteEvent};

use super::model::Room;

/// Committed changes the engine has not seen yet.
#[derive(Debug, Default)]
pub(crate) struct EngineInbox {
    /// Vote events committed since the engine last took its input.
    pub(crate) votes: Vec<VoteEvent>,
    /// Moderation changed since the last engine update.
    pub(crate) statuses_changed: bool,
    /// The frozen groups changed since the engine last took its input.
    pub(crate) frozen_changed: bool,
    /// Participants were removed: the engine, which cannot take votes back, starts again from
    /// the room's remaining votes.
    pub(crate) rebuild: bool,
}

/// What the engine has not seen yet ([`Room::take_engine_input`]).
#[derive(Debug, Default)]
pub(crate) struct EngineInput {
    /// New vote events.
    pub(crate) events: Vec<VoteEvent>,
    /// Every statement's status, when moderation changed.
    pub(crate) statuses: Option<Vec<(u32, StatementStatus)>>,
    /// The frozen groups, when they changed (`Some(None)`: unfrozen).
    pub(crate) frozen: Option<Option<FrozenGroups>>,
    /// Start the engine again: `events` is then every remaining vote, `statuses` and `frozen`
    /// are given, and these participants leave the labels the next update matches against.
    pub(crate) rebuild: Option<BTreeSet<u32>>,
}

impl EngineInput {
    /// Whether there is anything to update for.
    pub(crate) fn is_empty(&self) -> bool {
        self.events.is_empty()
            && self.statuses.is_none()
            && self.frozen.is_none()
            && self.rebuild.is_none()
    }
}

impl Room {
    /// Takes what the engine has not seen: new vote events, every statement's status when
    /// moderation changed, and the frozen groups when they changed.
    pub(super) fn take_engine_input(&mut self) -> EngineInput {
        if std::mem::take(&mut self.inbox.rebuild) {
            self.inbox = EngineInbox::default();
            return EngineInput {
                events: self.events.clone(),
                statuses: Some(
                    self.statements
                        .values()
                        .map(|s| (s.sid, StatementStatus::from(s)))
                        .collect(),
                ),
                frozen: Some(self.frozen.clone()),
                rebuild: Some(self.removed.clone()),
            };
        }
        let events = std::mem::take(&mut self.inbox.votes);
        let statuses = std::mem::take(&mut self.inbox.statuses_changed).then(|| {
            self.statements
                .values()
                .map(|s| (s.sid, StatementStatus::from(s)))
                .collect()
        });
        let frozen = std::mem::take(&mut self.inbox.frozen_changed).then(|| self.frozen.clone());
        EngineInput {
            events,
            statuses,
            frozen,
            rebuild: None,
        }
    }
}
