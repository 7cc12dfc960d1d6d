//! What every command is made of: a check that answers a [`Step`] (a [`Change`] to commit, or
//! an answer without one), the change's `reserve` (ids and rate tokens held while its write is
//! in flight), its `persist` (the durable write, through the store's [`RoomWrites`]) and its
//! `apply` (the committed change made in memory), with the [`Effects`] that follow. The live
//! room (`super::live::LiveRoom::commit`) runs them in that order; each command's file in
//! `super::commands` implements them for its own change.
//!
//! Nothing here does I/O or reads a clock: the durable write goes through the interface it is
//! handed, times come in with the request.

use std::time::Instant;

use super::error::RoomError;
use super::model::Room;
use crate::store::{RoomWrites, StoreError};

/// What a command asks for after its check: a change to commit, or an answer without one (a
/// resent id: the first request's change is already committed and applied).
#[derive(Debug)]
pub(crate) enum Step<C: Change> {
    /// Commit this change, then apply it.
    Write(C),
    /// Nothing to change; answer this.
    Done(C::Output),
}

/// What the live room does after applying a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Effects {
    /// Wake the analysis task (it publishes after its update).
    pub(crate) analyse: bool,
    /// Publish the projector's view now.
    pub(crate) publish: bool,
}

impl Effects {
    pub(crate) const NONE: Effects = Effects {
        analyse: false,
        publish: false,
    };
    pub(crate) const ANALYSE: Effects = Effects {
        analyse: true,
        publish: false,
    };
    pub(crate) const PUBLISH: Effects = Effects {
        analyse: false,
        publish: true,
    };
    pub(crate) const BOTH: Effects = Effects {
        analyse: true,
        publish: true,
    };
}

/// A checked change, waiting for its durable write.
pub(crate) trait Change: Clone + Send + 'static {
    /// What the database reports back (an insert that found the id already stored, a time).
    type Written: Send + 'static;
    /// The command's answer.
    type Output;
    /// Holds, right after the check and under the same lock, what the change needs before its
    /// write lands (a fresh id, a rate token), so that a command checked meanwhile sees it.
    fn reserve(&self, _room: &mut Room) {}
    /// Gives back what `reserve` held that would block others when the write failed (ids and
    /// rate tokens stay used: a gap is harmless).
    fn unreserve(&self, _room: &mut Room) {}
    /// Writes the change through the store's interface; runs inside the group transaction
    /// that commits it, so what it reports back (an id already stored) is decided by the
    /// commit itself.
    fn persist(&self, store: &mut dyn RoomWrites) -> Result<Self::Written, StoreError>;
    /// Makes the committed change in memory and says what follows.
    fn apply(self, room: &mut Room, written: Self::Written) -> (Self::Output, Effects);
}

// ---- the participant's rate limit ----

/// A participant's change that takes a token of their rate limit when it is reserved (the one
/// limiter of every participant action: [`Room::check_rate`]).
#[derive(Clone, Debug)]
pub(crate) struct Limited<C> {
    pid: u32,
    now: Instant,
    pub(crate) change: C,
}

/// `step`, the check of a request by participant `pid` at `now`, held to the participant's rate
/// limit: a change goes on only while their bucket holds a token (else
/// [`RoomError::RateLimited`], 429); a request answered without a change (a resend) and a
/// refused one cost nothing.
pub(crate) fn limited<C: Change>(
    room: &Room,
    pid: u32,
    now: Instant,
    step: Result<Step<C>, RoomError>,
) -> Result<Step<Limited<C>>, RoomError> {
    match step? {
        Step::Done(answer) => Ok(Step::Done(answer)),
        Step::Write(change) => {
            room.check_rate(pid, now)?;
            Ok(Step::Write(Limited { pid, now, change }))
        }
    }
}

impl<C: Change> Change for Limited<C> {
    type Written = C::Written;
    type Output = C::Output;

    fn reserve(&self, room: &mut Room) {
        room.take_rate_token(self.pid, self.now);
        self.change.reserve(room);
    }

    fn unreserve(&self, room: &mut Room) {
        self.change.unreserve(room);
    }

    fn persist(&self, store: &mut dyn RoomWrites) -> Result<C::Written, StoreError> {
        self.change.persist(store)
    }

    fn apply(self, room: &mut Room, written: C::Written) -> (C::Output, Effects) {
        self.change.apply(room, written)
    }
}
