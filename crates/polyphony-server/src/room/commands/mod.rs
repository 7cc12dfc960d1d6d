//! Every change a room accepts, as pure functions over [`Room`]: a `check_*` function decides,
//! from the room and the request alone, whether the request is acceptable and what it changes
//! (a [`Change`]), and [`Change::apply`] makes that change once the database has it. The live
//! room (`super::live`) runs them in that order under its lock, with the durable write between.
//!
//! Nothing here does I/O or reads a clock: times and fresh secrets come in with the request.

use std::net::IpAddr;
use std::time::Instant;

use polyphony_core::{Vote, VoteEvent};
use polyphony_protocol::{
    ModerationMode, ModerationState, NewStatement, RoomInfo, StatementAdded, StatementView,
    VoteAck, VoteRequest,
};

mod brief;
mod controls;
mod spectrum;
mod tables;

pub(crate) use brief::{check_set_brief, checked_brief, SetBrief};

#[cfg(test)]
pub(crate) use controls::MAX_SNAPSHOTS;
pub(crate) use controls::{
    check_control, check_snapshot, without_statement, SetControls, TakeSnapshot,
};

pub(crate) use spectrum::{
    check_position, check_spectrum_round, check_start_spectrum, live_spectrum, PlacePosition,
    SpectrumRound, StartSpectrum,
};

pub(crate) use tables::{
    check_add_note, check_consent, check_dissolve_tables, check_form_tables, check_pass_reporter,
    check_release_note, check_withdraw_note, host_note, AddNote, Agree, DissolveTables, FormTables,
    Outcome, Pass, Release, Withdraw,
};

use super::error::RoomError;
use super::model::{
    check_client_id, check_settings, check_statement_text, says_already, statement_view,
    Participant, Room,
};
use super::text::comparison_key;
use crate::store::{RoomField, StoredDraw, StoredParticipant, StoredSeat, StoredStatement};

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
    const NONE: Effects = Effects {
        analyse: false,
        publish: false,
    };
    const ANALYSE: Effects = Effects {
        analyse: true,
        publish: false,
    };
    const PUBLISH: Effects = Effects {
        analyse: false,
        publish: true,
    };
    const BOTH: Effects = Effects {
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

    fn apply(self, room: &mut Room, written: C::Written) -> (C::Output, Effects) {
        self.change.apply(room, written)
    }
}

// ---- join ----

/// A join as it reaches the room.
#[derive(Clone, Debug)]
pub(crate) struct JoinRequest {
    /// The new participant's token (fresh and random).
    pub(crate) token: String,
    /// When (ms) and at which instant.
    pub(crate) created: i64,
    pub(crate) now: Instant,
    /// The address it came from (by [`crate::guard::addr_key`]), when known.
    pub(crate) origin: Option<IpAddr>,
    /// Vote tokens the participant starts with (`None`: the full `vote_burst`).
    pub(crate) burst: Option<u32>,
    /// The projector's code the phone brought (see [`super::admission`]); `None` to skip the
    /// check (the server's own joins: tests, imports).
    pub(crate) admission: Option<Admission>,
}

#[cfg(test)]
impl JoinRequest {
    /// A join the server makes itself (no admission check, no address).
    pub(crate) fn trusted(token: String, created: i64, now: Instant) -> JoinRequest {
        JoinRequest {
            token,
            created,
            now,
            origin: None,
            burst: None,
            admission: None,
        }
    }
}

/// What a join brings for admission.
#[derive(Clone, Debug)]
pub(crate) enum Admission {
    /// The code from the projector (`None`: none came).
    Code(Option<String>),
}

/// A new participant (seated at a table while tables are formed), and the identities that
/// joined long ago and never acted, expired in the same commit.
#[derive(Clone, Debug)]
pub(crate) struct Join {
    pub(crate) participant: StoredParticipant,
    pub(crate) now: Instant,
    /// The seat while tables are formed, and the first draw of a table it opens.
    pub(crate) seat: Option<(StoredSeat, Option<StoredDraw>)>,
    /// Vote tokens the participant starts with (`None`: the full `vote_burst`).
    pub(crate) burst: Option<u32>,
    pub(crate) origin: Option<IpAddr>,
    /// Idle identities (joined before `expired_before`, never acted) removed with this join.
    pub(crate) expire: Vec<u32>,
    pub(crate) expired_before: i64,
}

/// At most this many idle identities expire with one join (joins come at most
/// `Limits::joins_per_room_per_minute`, so the queue drains faster than it fills).
const EXPIRE_PER_JOIN: usize = 64;

/// A new anonymous participant.
///
/// The room's cap counts participants who have acted only: one who joins and does nothing
/// holds no place, and expires after `Limits::idle_join_expiry` (the expired go with a later
/// join, in its commit). A participant past the cap is refused at their first action.
pub(crate) fn check_join(room: &Room, req: JoinRequest) -> Result<Step<Join>, RoomError> {
    room.open_for_changes()?;
    if let Some(Admission::Code(code)) = &req.admission {
        let ok = room.info.settings.open_admission
            || code
                .as_deref()
                .is_some_and(|c| super::admission::admits(&room.key, req.created, c));
        if !ok {
            return Err(RoomError::AdmissionRequired);
        }
    }
    let max = room.limits.max_participants_per_room;
    if room.active_participants >= max as usize {
        return Err(RoomError::Full { max });
    }
    let pid = room.next_pid;
    // Ids near u32::MAX (an import's) are never reused or wrapped: the room is full.
    if pid == u32::MAX || room.participants.contains_key(&pid) {
        return Err(RoomError::Full { max });
    }
    let expiry = i64::try_from(room.limits.idle_join_expiry.as_millis()).unwrap_or(i64::MAX);
    let expired_before = req.created.saturating_sub(expiry);
    let known = room.tables.participants_known();
    let expire = room
        .idle_joins
        .iter()
        .take_while(|(t, _)| *t < expired_before)
        .filter(|(_, pid)| room.is_idle(*pid) && !known.contains(pid))
        .map(|(_, pid)| *pid)
        .take(EXPIRE_PER_JOIN)
        .collect();
    Ok(Step::Write(Join {
        participant: StoredParticipant {
            pid,
            token: req.token,
            created: req.created,
        },
        now: req.now,
        seat: tables::late_seat(room, pid),
        burst: req.burst,
        origin: req.origin,
        expire,
        expired_before,
    }))
}

impl Change for Join {
    type Written = ();
    /// The participant's token.
    type Output = String;

    fn reserve(&self, room: &mut Room) {
        room.next_pid = room.next_pid.max(self.participant.pid.saturating_add(1));
        room.joins_in_flight += 1;
        if let Some((seat, _)) = &self.seat {
            tables::reserve_seat(room, seat);
        }
        // The expiring identities go now, so nothing checked meanwhile can act as them.
        for pid in &self.expire {
            room.forget_idle(*pid);
        }
    }

    fn unreserve(&self, room: &mut Room) {
        room.joins_in_flight = room.joins_in_flight.saturating_sub(1);
    }

    fn apply(self, room: &mut Room, (): ()) -> (String, Effects) {
        room.joins_in_flight = room.joins_in_flight.saturating_sub(1);
        if let Some((_, Some(draw))) = self.seat {
            tables::apply_draw(room, draw);
        }
        room.drop_stale_idle_joins(self.expired_before);
        let p = self.participant;
        room.tokens.insert(p.token.clone(), p.pid);
        let burst = self
            .burst
            .unwrap_or(room.limits.vote_burst)
            .min(room.limits.vote_burst);
        let mut joined = Participant::new(burst, self.now, p.created, p.token.clone());
        joined.origin = self.origin;
        room.participants.insert(p.pid, joined);
        room.idle_joins.push_back((p.created, p.pid));
        (p.token, Effects::ANALYSE)
    }
}

// ---- vote ----

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
    let counted = !room.votes_in_flight.contains(&key);
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
            room.votes_in_flight
                .insert((self.pid, self.client_id.clone()));
            if let Some(p) = room.participants.get_mut(&self.pid) {
                *p.vote_events.entry(self.sid).or_insert(0) += 1;
            }
        }
    }

    fn unreserve(&self, room: &mut Room) {
        if self.counted {
            room.votes_in_flight
                .remove(&(self.pid, self.client_id.clone()));
            room.unreserve_vote_event(self.pid, self.sid);
        }
    }

    fn apply(self, room: &mut Room, w: VoteWritten) -> (VoteAck, Effects) {
        let (pid, sid) = (self.pid, self.sid);
        if self.counted {
            room.votes_in_flight.remove(&(pid, self.client_id.clone()));
            if !w.inserted {
                // The store had this id already: no new event.
                room.unreserve_vote_event(pid, sid);
            }
        }
        room.vote_ids.insert((pid, self.client_id.clone()));
        if w.inserted {
            let event = VoteEvent::new(pid, sid, self.vote, w.time);
            room.events.push(event);
            room.pending_votes.push(event);
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

// ---- statements ----

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
    let sid = room.next_sid;
    // Statements on their way to the store count too, so racing requests cannot pass a cap.
    let in_room = room.statements.len() + room.texts_in_flight.len();
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
            .texts_in_flight
            .values()
            .filter(|(a, _)| *a == Some(pid))
            .count();
        if stored + flying >= own as usize {
            return Err(RoomError::AuthorStatementLimit { max: own });
        }
    }
    let text = check_statement_text(&req.text, room.info.settings.statement_max_chars)?;
    if says_already(&room.statements, &text).is_some() {
        return Err(RoomError::DuplicateStatement);
    }
    // The same text on its way to the store under another client id: a duplicate too (the same
    // id goes on, and the store's insert answers it as a resend).
    if let Some(sender) = room.texts_in_flight.get(&comparison_key(&text)) {
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
        room.next_sid = room.next_sid.max(self.statement.sid.saturating_add(1));
        room.texts_in_flight.insert(
            comparison_key(&self.statement.text),
            (self.statement.author, self.statement.client_id.clone()),
        );
    }

    fn unreserve(&self, room: &mut Room) {
        room.texts_in_flight
            .remove(&comparison_key(&self.statement.text));
    }

    fn apply(
        self,
        room: &mut Room,
        existing: Option<StoredStatement>,
    ) -> (StatementAdded, Effects) {
        room.texts_in_flight
            .remove(&comparison_key(&self.statement.text));
        let duplicate = existing.is_some();
        let stored = existing.unwrap_or(self.statement);
        let sid = stored.sid;
        // The first of two racing requests may apply after the second: whichever comes first
        // puts the stored row in memory, the other finds it there.
        let new = !room.statements.contains_key(&sid);
        let s = room.statements.entry(sid).or_insert(stored);
        let added = StatementAdded {
            id: self.request_id,
            statement: statement_view(s),
            duplicate,
        };
        if new {
            room.statuses_changed = true;
            (added, Effects::ANALYSE)
        } else {
            (added, Effects::NONE)
        }
    }
}

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

    fn apply(self, room: &mut Room, (): ()) -> (Self::Output, Effects) {
        let Some(s) = room.statements.get_mut(&self.sid) else {
            return (Err(RoomError::UnknownStatement(self.sid)), Effects::NONE);
        };
        s.moderation = self.state;
        let view = statement_view(s);
        room.statuses_changed = true;
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
        room.statuses_changed = true;
        (self.sids, Effects::BOTH)
    }
}

// ---- room fields ----

/// A new value for one of the room's own columns (settings, stage, closed).
#[derive(Clone, Debug)]
pub(crate) struct SetField(pub(crate) RoomField);

/// Settings from the facilitator.
pub(crate) fn check_set_field(_room: &Room, field: RoomField) -> Result<Step<SetField>, RoomError> {
    if let RoomField::Settings(s) = &field {
        check_settings(s)?;
    }
    Ok(Step::Write(SetField(field)))
}

impl Change for SetField {
    type Written = ();
    type Output = RoomInfo;

    fn apply(self, room: &mut Room, (): ()) -> (RoomInfo, Effects) {
        match self.0 {
            RoomField::Settings(s) => room.info.settings = s,
            RoomField::Stage(s) => room.info.stage = s,
            RoomField::Closed(c) => room.info.closed = c,
            RoomField::EngineState(_) => {}
        }
        (room.info.clone(), Effects::PUBLISH)
    }
}
