//! Voting: agree, disagree or pass on a statement; a vote id counts once (a resend is answered
//! from memory, one racing the first request by the store's insert inside the same commit).

use std::time::Instant;

use polyphony_core::{Vote, VoteEvent};
use polyphony_protocol::{ModerationState, VoteAck, VoteRequest};

use crate::room::change::{Change, Effects, Step};
use crate::room::error::RoomError;
use crate::room::live::LiveRoom;
use crate::room::model::{check_client_id, Room};
use crate::store::{RoomWrites, StoreError, StoredVote};
use crate::util::next_time;

/// A vote to record.
#[derive(Clone, Debug)]
pub(crate) struct CastVote {
    pub(crate) pid: u32,
    pub(crate) sid: u32,
    pub(crate) vote: Vote,
    pub(crate) client_id: String,
    now: Instant,
    /// Whether this copy holds a place among the participant's events on the statement (the
    /// first copy of its client id in flight does; a resend racing it does not).
    counted: bool,
}

/// A vote from `pid` at `now`. A vote id this participant already sent answers `duplicate`
/// without a change.
pub(crate) fn check_vote(
    room: &Room,
    pid: u32,
    req: &VoteRequest,
    now: Instant,
) -> Result<Step<CastVote>, RoomError> {
    check_client_id(&req.id)?;
    if room.vote_ids.contains(&(pid, req.id.clone())) {
        return Ok(Step::Done(VoteAck {
            id: req.id.clone(),
            duplicate: true,
        }));
    }
    room.open_for_changes()?;
    if room.info.controls.voting_paused {
        return Err(RoomError::VotingPaused);
    }
    match room.statements.get(&req.statement) {
        None => return Err(RoomError::UnknownStatement(req.statement)),
        Some(s) if s.moderation == ModerationState::Pending => {
            return Err(RoomError::StatementPending(req.statement))
        }
        Some(s) if s.moderation == ModerationState::Rejected => {
            return Err(RoomError::StatementRejected(req.statement))
        }
        Some(_) => {}
    }
    room.check_rate(pid, now)?;
    // A copy of a vote still on its way to the store is a resend, never a change: it goes on
    // uncounted (the store keeps one), whatever the count.
    let key = (pid, req.id.clone());
    let counted = !room.in_flight.votes.contains(&key);
    if counted {
        let max = room.limits.vote_events_per_statement;
        let stored = room
            .participants
            .get(&pid)
            .and_then(|p| p.vote_events.get(&req.statement))
            .copied()
            .unwrap_or(0);
        if stored >= max {
            return Err(RoomError::VoteLimit {
                sid: req.statement,
                max,
            });
        }
    }
    Ok(Step::Write(CastVote {
        pid,
        sid: req.statement,
        vote: req.vote,
        client_id: req.id.clone(),
        now,
        counted,
    }))
}

/// Whether the store inserted the vote (false: this id was already stored) and its time.
#[derive(Clone, Copy, Debug)]
pub(crate) struct VoteWritten {
    pub(crate) inserted: bool,
    pub(crate) time: i64,
}

impl Change for CastVote {
    type Written = VoteWritten;
    type Output = VoteAck;

    /// The rate token, and the vote's place among the participant's events on the statement
    /// (held now, so votes in flight together cannot pass the cap).
    fn reserve(&self, room: &mut Room) {
        room.take_rate_token(self.pid, self.now);
        if self.counted {
            room.in_flight
                .votes
                .insert((self.pid, self.client_id.clone()));
            if let Some(p) = room.participants.get_mut(&self.pid) {
                *p.vote_events.entry(self.sid).or_insert(0) += 1;
            }
        }
    }

    fn unreserve(&self, room: &mut Room) {
        if self.counted {
            room.in_flight
                .votes
                .remove(&(self.pid, self.client_id.clone()));
            room.unreserve_vote_event(self.pid, self.sid);
        }
    }

    fn persist(&self, store: &mut dyn RoomWrites) -> Result<VoteWritten, StoreError> {
        // The time is taken in commit order, so a later commit is a later vote.
        let time = next_time();
        let inserted = store.insert_vote(&StoredVote {
            pid: self.pid,
            sid: self.sid,
            vote: self.vote,
            time,
            client_id: self.client_id.clone(),
        })?;
        Ok(VoteWritten { inserted, time })
    }

    fn apply(self, room: &mut Room, w: VoteWritten) -> (VoteAck, Effects) {
        let (pid, sid) = (self.pid, self.sid);
        if self.counted {
            room.in_flight.votes.remove(&(pid, self.client_id.clone()));
            if !w.inserted {
                // The store had this id already: no new event.
                room.unreserve_vote_event(pid, sid);
            }
        }
        room.vote_ids.insert((pid, self.client_id.clone()));
        if w.inserted {
            let event = VoteEvent::new(pid, sid, self.vote, w.time);
            room.events.push(event);
            room.inbox.votes.push(event);
            if let Some(p) = room.participants.get_mut(&pid) {
                if p.votes.get(&sid).is_none_or(|(_, t)| *t <= w.time) {
                    p.votes.insert(sid, (self.vote, w.time));
                }
                if p.showing == Some(sid) {
                    p.showing = None;
                }
            }
        }
        let ack = VoteAck {
            id: self.client_id,
            duplicate: !w.inserted,
        };
        (
            ack,
            if w.inserted {
                Effects::ANALYSE
            } else {
                Effects::NONE
            },
        )
    }
}

impl LiveRoom {
    /// Records a vote; answers once it is committed. The same client id from the same
    /// participant is applied once.
    pub async fn vote(&self, pid: u32, req: VoteRequest) -> Result<VoteAck, RoomError> {
        let now = Instant::now();
        self.commit(|room| check_vote(room, pid, &req, now)).await
    }
}
