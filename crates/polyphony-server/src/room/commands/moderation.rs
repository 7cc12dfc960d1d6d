//! Moderation: accept, reject or put back one statement, or reject pending statements in bulk;
//! and the queue the facilitator moderates from.

use polyphony_protocol::{ModerationItem, ModerationState, StatementView};

use super::without_statement;
use crate::room::change::{Change, Effects, Step};
use crate::room::error::RoomError;
use crate::room::live::LiveRoom;
use crate::room::model::{statement_view, Room};
use crate::store::{RoomWrites, StoreError};
use crate::util::lock;

/// A moderation decision.
#[derive(Clone, Debug)]
pub(crate) struct Moderate {
    pub(crate) sid: u32,
    pub(crate) state: ModerationState,
    /// The controls without the statement (spotlight, second vote), when it leaves the room.
    pub(crate) controls: Option<polyphony_protocol::RoomControls>,
}

/// Accepts or rejects (or puts back to pending) statement `sid`.
pub(crate) fn check_moderate(
    room: &Room,
    sid: u32,
    state: ModerationState,
) -> Result<Step<Moderate>, RoomError> {
    if !room.statements.contains_key(&sid) {
        return Err(RoomError::UnknownStatement(sid));
    }
    let controls = if state == ModerationState::Accepted {
        None
    } else {
        without_statement(room, sid)
    };
    Ok(Step::Write(Moderate {
        sid,
        state,
        controls,
    }))
}

impl Change for Moderate {
    type Written = ();
    type Output = Result<StatementView, RoomError>;

    fn persist(&self, store: &mut dyn RoomWrites) -> Result<(), StoreError> {
        store.update_moderation(self.sid, self.state)?;
        if let Some(c) = &self.controls {
            store.update_controls(c)?;
        }
        Ok(())
    }

    fn apply(self, room: &mut Room, (): ()) -> (Self::Output, Effects) {
        let Some(s) = room.statements.get_mut(&self.sid) else {
            return (Err(RoomError::UnknownStatement(self.sid)), Effects::NONE);
        };
        s.moderation = self.state;
        let view = statement_view(s);
        room.inbox.statuses_changed = true;
        if let Some(c) = self.controls {
            room.info.controls = c;
        }
        if self.state != ModerationState::Accepted {
            for p in room.participants.values_mut() {
                if p.showing == Some(self.sid) {
                    p.showing = None;
                }
            }
        }
        (Ok(view), Effects::BOTH)
    }
}

/// Rejects pending statements in one commit (the console's bulk moderation).
#[derive(Clone, Debug)]
pub(crate) struct RejectPending {
    pub(crate) sids: Vec<u32>,
}

/// Every pending statement, or (with `author_of`) every pending statement by the participant
/// who wrote `author_of`. The answer lists statement ids only: it never says who wrote them.
pub(crate) fn check_reject_pending(
    room: &Room,
    author_of: Option<u32>,
) -> Result<Step<RejectPending>, RoomError> {
    let author = match author_of {
        None => None,
        Some(sid) => {
            let s = room
                .statements
                .get(&sid)
                .ok_or(RoomError::UnknownStatement(sid))?;
            Some(s.author.ok_or(RoomError::NotFromParticipant(sid))?)
        }
    };
    let sids: Vec<u32> = room
        .statements
        .values()
        .filter(|s| s.moderation == ModerationState::Pending)
        .filter(|s| author.is_none() || s.author == author)
        .map(|s| s.sid)
        .collect();
    if sids.is_empty() {
        return Ok(Step::Done(Vec::new()));
    }
    Ok(Step::Write(RejectPending { sids }))
}

impl Change for RejectPending {
    type Written = ();
    /// The ids rejected.
    type Output = Vec<u32>;

    fn persist(&self, store: &mut dyn RoomWrites) -> Result<(), StoreError> {
        for sid in &self.sids {
            store.update_moderation(*sid, ModerationState::Rejected)?;
        }
        Ok(())
    }

    fn apply(self, room: &mut Room, (): ()) -> (Vec<u32>, Effects) {
        for sid in &self.sids {
            if let Some(s) = room.statements.get_mut(sid) {
                s.moderation = ModerationState::Rejected;
            }
        }
        for p in room.participants.values_mut() {
            if p.showing.is_some_and(|sid| self.sids.contains(&sid)) {
                p.showing = None;
            }
        }
        room.inbox.statuses_changed = true;
        (self.sids, Effects::BOTH)
    }
}

impl LiveRoom {
    /// Every statement with its moderation state, for the facilitator.
    pub fn moderation_queue(&self) -> Vec<ModerationItem> {
        lock(&self.state)
            .statements()
            .values()
            .map(|s| ModerationItem {
                statement: statement_view(s),
                from_participant: s.author.is_some(),
                created: s.created,
            })
            .collect()
    }

    /// Accepts or rejects a statement.
    pub async fn moderate(
        &self,
        sid: u32,
        state: ModerationState,
    ) -> Result<StatementView, RoomError> {
        self.commit(|room| check_moderate(room, sid, state)).await?
    }

    /// Rejects every pending statement, or every pending one by the author of `author_of`;
    /// answers the ids rejected.
    pub async fn reject_pending(&self, author_of: Option<u32>) -> Result<Vec<u32>, RoomError> {
        self.commit(|room| check_reject_pending(room, author_of))
            .await
    }
}
