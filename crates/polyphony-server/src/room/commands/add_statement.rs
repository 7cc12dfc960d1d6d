//! Adding a statement, from a participant or the facilitator: three caps counted with the
//! statements in flight, a text the room already has refused, a client id counted once.

use std::time::Instant;

use polyphony_protocol::{ModerationMode, ModerationState, NewStatement, StatementAdded};

use crate::room::change::{limited, Change, Effects, Step};
use crate::room::error::RoomError;
use crate::room::live::LiveRoom;
use crate::room::model::{
    check_client_id, check_statement_text, says_already, statement_view, Room,
};
use crate::room::text::comparison_key;
use crate::store::{RoomWrites, StoreError, StoredStatement};
use crate::util::next_time;

/// A statement to add.
#[derive(Clone, Debug)]
pub(crate) struct AddStatement {
    pub(crate) statement: StoredStatement,
    /// The client's id, echoed in the answer.
    request_id: Option<String>,
}

/// A statement from a participant (`author = Some(pid)`) or the facilitator (`None`), created
/// at `created` (ms). A participant's client id already used answers `duplicate`; a text the
/// room already has (normalised, case-sensitive, among statements not rejected) is refused.
pub(crate) fn check_add_statement(
    room: &Room,
    author: Option<u32>,
    req: &NewStatement,
    created: i64,
) -> Result<Step<AddStatement>, RoomError> {
    if let Some(id) = &req.id {
        check_client_id(id)?;
    }
    if let (Some(pid), Some(id)) = (author, &req.id) {
        if let Some(s) = room
            .statements
            .values()
            .find(|s| s.author == Some(pid) && s.client_id.as_deref() == Some(id))
        {
            return Ok(Step::Done(StatementAdded {
                id: req.id.clone(),
                statement: statement_view(s),
                duplicate: true,
            }));
        }
    }
    room.open_for_changes()?;
    if author.is_some() && !room.info.settings.participants_can_add {
        return Err(RoomError::ParticipantsCannotAdd);
    }
    let max = room.limits.max_statements_per_room;
    let sid = room.in_flight.next_sid;
    // Statements on their way to the store count too, so racing requests cannot pass a cap.
    let in_room = room.statements.len() + room.in_flight.texts.len();
    if in_room >= max as usize || sid == u32::MAX || room.statements.contains_key(&sid) {
        return Err(RoomError::StatementLimit { max });
    }
    if let Some(pid) = author {
        // Participants stop short of the cap: the facilitator's reserve stays free for them.
        let share = max.saturating_sub(room.limits.facilitator_statement_reserve);
        if in_room >= share as usize {
            return Err(RoomError::ParticipantStatementLimit { max: share });
        }
        let own = room.info.settings.statements_per_participant;
        let stored = room
            .statements
            .values()
            .filter(|s| s.author == Some(pid))
            .count();
        let flying = room
            .in_flight
            .texts
            .values()
            .filter(|(a, _)| *a == Some(pid))
            .count();
        if stored + flying >= own as usize {
            return Err(RoomError::AuthorStatementLimit { max: own });
        }
    }
    let text = check_statement_text(&req.text, room.info.settings.statement_max_chars)?;
    if says_already(room, &text).is_some() {
        return Err(RoomError::DuplicateStatement);
    }
    // The same text on its way to the store under another client id: a duplicate too (the same
    // id goes on, and the store's insert answers it as a resend).
    if let Some(sender) = room.in_flight.texts.get(&comparison_key(&text)) {
        if *sender != (author, req.id.clone()) {
            return Err(RoomError::DuplicateStatement);
        }
    }
    let moderation = match (author, room.info.settings.moderation) {
        (Some(_), ModerationMode::Strict) => ModerationState::Pending,
        _ => ModerationState::Accepted,
    };
    Ok(Step::Write(AddStatement {
        statement: StoredStatement {
            sid,
            text,
            author,
            is_seed: false,
            moderation,
            created,
            client_id: req.id.clone(),
        },
        request_id: req.id.clone(),
    }))
}

impl Change for AddStatement {
    /// `Some(row)` when the store already held this author's client id (a resend that raced
    /// the first request): that row is the statement, and nothing new was stored.
    type Written = Option<StoredStatement>;
    type Output = StatementAdded;

    fn reserve(&self, room: &mut Room) {
        room.in_flight.next_sid = room
            .in_flight
            .next_sid
            .max(self.statement.sid.saturating_add(1));
        room.in_flight.texts.insert(
            comparison_key(&self.statement.text),
            (self.statement.author, self.statement.client_id.clone()),
        );
    }

    fn unreserve(&self, room: &mut Room) {
        room.in_flight
            .texts
            .remove(&comparison_key(&self.statement.text));
    }

    fn persist(&self, store: &mut dyn RoomWrites) -> Result<Self::Written, StoreError> {
        store.insert_statement_once(&self.statement)
    }

    fn apply(
        self,
        room: &mut Room,
        existing: Option<StoredStatement>,
    ) -> (StatementAdded, Effects) {
        room.in_flight
            .texts
            .remove(&comparison_key(&self.statement.text));
        let duplicate = existing.is_some();
        let stored = existing.unwrap_or(self.statement);
        let sid = stored.sid;
        // The first of two racing requests may apply after the second: whichever comes first
        // puts the stored row in memory, the other finds it there.
        let new = !room.statements.contains_key(&sid);
        if new {
            room.statement_keys
                .insert(sid, comparison_key(&stored.text));
        }
        let s = room.statements.entry(sid).or_insert(stored);
        let added = StatementAdded {
            id: self.request_id,
            statement: statement_view(s),
            duplicate,
        };
        if new {
            room.inbox.statuses_changed = true;
            (added, Effects::ANALYSE)
        } else {
            (added, Effects::NONE)
        }
    }
}

impl LiveRoom {
    /// Adds a statement from a participant (`author = Some(pid)`, held to their rate limit) or
    /// the facilitator (`None`).
    pub async fn add_statement(
        &self,
        author: Option<u32>,
        req: NewStatement,
    ) -> Result<StatementAdded, RoomError> {
        let (created, now) = (next_time(), Instant::now());
        match author {
            Some(pid) => {
                self.commit(|room| {
                    let step = check_add_statement(room, author, &req, created);
                    limited(room, pid, now, step)
                })
                .await
            }
            None => {
                self.commit(|room| check_add_statement(room, author, &req, created))
                    .await
            }
        }
    }
}
