//! Discussion-table commands: form and dissolve tables, add, withdraw and release notes, pass
//! the reporter's role on, consent; and where a late joiner sits ([`late_seat`]).

use polyphony_core::{draw_reporter, Analysis, Seat, TableParams, TablePlan};
use polyphony_protocol::{
    Consent, Done, HostNote, NewNote, NoteAck, PassReporter, Stage, TablesRequest, WithdrawNote,
    NOTES_PER_PARTICIPANT, NOTE_MAX_CHARS,
};

use super::{Change, Effects, Step};
use crate::room::error::RoomError;
use crate::room::model::{check_client_id, Room};
use crate::room::tables::Plan;
use crate::store::{StoredDraw, StoredNote, StoredPlan, StoredSeat};

/// The seed of plan `number` of a room seeded with `seed`.
fn plan_seed(seed: u64, number: u32) -> u64 {
    seed ^ u64::from(number).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// Logs a reporter draw: room, plan, table and draw number, never who.
fn log_draw(room: &Room, d: &StoredDraw) {
    tracing::info!(
        room = %room.info.code,
        plan = d.plan,
        table = d.table,
        draw = d.draw,
        "reporter drawn"
    );
}

/// The answer of a request a resend repeats.
fn done(id: &str, duplicate: bool) -> Done {
    Done {
        id: id.to_string(),
        duplicate,
    }
}

// ---- form, dissolve ----

/// A new table plan with a reporter drawn for every table; the room moves to the tables stage.
#[derive(Clone, Debug)]
pub(crate) struct FormTables {
    pub(crate) plan: StoredPlan,
    pub(crate) draws: Vec<StoredDraw>,
    /// Groups not frozen yet are frozen with the tables (the groups the tables were made
    /// from): the controls that say so, and who is in which group.
    pub(crate) freeze: Option<(
        polyphony_protocol::RoomControls,
        polyphony_core::FrozenGroups,
    )>,
}

/// Tables for every joined participant, from the latest `analysis` (groups and places on the
/// map); participants outside it are seated too.
pub(crate) fn check_form_tables(
    room: &Room,
    analysis: Option<&Analysis>,
    req: &TablesRequest,
    created: i64,
) -> Result<Step<FormTables>, RoomError> {
    room.open_for_changes()?;
    let number = room.tables.next_plan;
    let params = TableParams::builder(req.mode)
        .size(req.size)
        .seed(plan_seed(room.seed, number))
        .build()
        .map_err(|_| RoomError::BadTableSize(req.size))?;
    let pids: Vec<u32> = room.participants.keys().copied().collect();
    let seats: Vec<Seat> = match analysis {
        Some(a) => Seat::from_analysis(a, &pids)
            .into_iter()
            .filter(|s| room.participants.contains_key(&s.participant))
            .collect(),
        None => pids.iter().map(|&p| Seat::unplaced(p)).collect(),
    };
    let plan = TablePlan::form(&seats, &params);
    let draws = plan
        .tables
        .iter()
        .filter_map(|t| {
            Some(StoredDraw {
                plan: number,
                table: t.number,
                draw: 0,
                pid: draw_reporter(t, params.seed, 0, &[])?,
                passed: Vec::new(),
            })
        })
        .collect();
    let freeze = match (&room.frozen, analysis) {
        (None, Some(a)) => {
            let groups = polyphony_core::FrozenGroups::from_live(a);
            (!groups.is_empty()).then(|| {
                let mut controls = room.info.controls.clone();
                controls.groups_frozen = true;
                (controls, groups)
            })
        }
        _ => None,
    };
    Ok(Step::Write(FormTables {
        plan: StoredPlan {
            number,
            plan,
            dissolved: false,
            created,
        },
        draws,
        freeze,
    }))
}

impl Change for FormTables {
    type Written = ();
    /// The plan's number.
    type Output = u32;

    fn reserve(&self, room: &mut Room) {
        room.tables.next_plan = room.tables.next_plan.max(self.plan.number + 1);
    }

    fn apply(self, room: &mut Room, (): ()) -> (u32, Effects) {
        let number = self.plan.number;
        let mut plan = Plan {
            number,
            plan: self.plan.plan,
            dissolved: false,
            reporters: Default::default(),
        };
        for d in self.draws {
            log_draw(room, &d);
            plan.record_draw(d);
        }
        room.tables.plans.push(plan);
        room.tables.plans.sort_by_key(|p| p.number);
        room.info.stage = Stage::Tables;
        if let Some((controls, groups)) = self.freeze {
            room.info.controls = controls;
            room.frozen = Some(groups);
            room.frozen_changed = true;
            return (number, Effects::BOTH);
        }
        (number, Effects::PUBLISH)
    }
}

/// The plan in force is dissolved.
#[derive(Clone, Debug)]
pub(crate) struct DissolveTables {
    pub(crate) plan: u32,
}

/// Dissolves the tables in force.
pub(crate) fn check_dissolve_tables(room: &Room) -> Result<Step<DissolveTables>, RoomError> {
    let plan = room.tables.current().ok_or(RoomError::NoTables)?;
    Ok(Step::Write(DissolveTables { plan: plan.number }))
}

impl Change for DissolveTables {
    type Written = ();
    type Output = ();

    fn apply(self, room: &mut Room, (): ()) -> ((), Effects) {
        if let Some(p) = room.tables.plan_mut(self.plan) {
            p.dissolved = true;
        }
        ((), Effects::PUBLISH)
    }
}

// ---- late joiners ----

/// Where a participant joining now sits, while tables are formed: the smallest table (a new
/// one when all are full, with the joiner as its reporter).
pub(crate) fn late_seat(room: &Room, pid: u32) -> Option<(StoredSeat, Option<StoredDraw>)> {
    let current = room.tables.current()?;
    let mut plan = current.plan.clone();
    let table = plan.place(Seat::unplaced(pid));
    let draw = if current.plan.table(table).is_none() {
        let t = plan.table(table)?;
        Some(StoredDraw {
            plan: current.number,
            table,
            draw: 0,
            pid: draw_reporter(t, plan.params.seed, 0, &[])?,
            passed: Vec::new(),
        })
    } else {
        None
    };
    let seat = StoredSeat {
        plan: current.number,
        pid,
        table,
    };
    Some((seat, draw))
}

/// Seats a late joiner in memory (at check time, so that the next joiner's check sees it).
pub(crate) fn reserve_seat(room: &mut Room, seat: &StoredSeat) {
    if let Some(p) = room.tables.plan_mut(seat.plan) {
        p.seat(seat.pid, seat.table);
    }
}

/// Records a new table's first draw once committed.
pub(crate) fn apply_draw(room: &mut Room, draw: StoredDraw) {
    log_draw(room, &draw);
    if let Some(p) = room.tables.plan_mut(draw.plan) {
        p.record_draw(draw);
    }
}

// ---- notes ----

/// A note for the author's own table.
#[derive(Clone, Debug)]
pub(crate) struct AddNote {
    pub(crate) note: StoredNote,
}

/// A note from `pid` for their table in the plan in force, written at `created` (ms). A client
/// id this participant already used answers `duplicate`.
pub(crate) fn check_add_note(
    room: &Room,
    pid: u32,
    req: &NewNote,
    created: i64,
) -> Result<Step<AddNote>, RoomError> {
    check_client_id(&req.id)?;
    let t = &room.tables;
    if let Some(n) = t
        .notes
        .values()
        .find(|n| n.author == pid && n.client_id == req.id)
    {
        return Ok(Step::Done(NoteAck {
            id: req.id.clone(),
            note: n.id,
            duplicate: true,
        }));
    }
    room.open_for_changes()?;
    let (plan, table) = t.seat_of(pid).ok_or(RoomError::NotSeated)?;
    // Normalised like every text a person writes (invisible and bidi-control characters out).
    let text = crate::room::text::normalise(&req.text);
    if text.is_empty() {
        return Err(RoomError::EmptyNote);
    }
    let chars = text.chars().count();
    if chars > NOTE_MAX_CHARS as usize {
        return Err(RoomError::NoteTooLong {
            chars,
            max: NOTE_MAX_CHARS,
        });
    }
    let written = t
        .notes
        .values()
        .filter(|n| n.author == pid && n.plan == plan.number)
        .count();
    if written >= NOTES_PER_PARTICIPANT as usize {
        return Err(RoomError::TooManyNotes {
            max: NOTES_PER_PARTICIPANT,
        });
    }
    Ok(Step::Write(AddNote {
        note: StoredNote {
            id: t.next_note,
            plan: plan.number,
            table,
            author: pid,
            client_id: req.id.clone(),
            text,
            released: false,
            withdrawn: false,
            created,
        },
    }))
}

impl Change for AddNote {
    /// `Some(id)` when the store already held this author's client id (a racing resend).
    type Written = Option<u32>;
    type Output = NoteAck;

    fn reserve(&self, room: &mut Room) {
        room.tables.next_note = room.tables.next_note.max(self.note.id + 1);
    }

    fn apply(self, room: &mut Room, existing: Option<u32>) -> (NoteAck, Effects) {
        let ack = NoteAck {
            id: self.note.client_id.clone(),
            note: existing.unwrap_or(self.note.id),
            duplicate: existing.is_some(),
        };
        if existing.is_some() {
            return (ack, Effects::NONE);
        }
        room.tables.notes.insert(self.note.id, self.note);
        (ack, Effects::PUBLISH)
    }
}

/// How a withdrawal's write went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Done now.
    Done,
    /// This client id was stored before: nothing changed.
    Resent,
    /// Refused inside the commit (the note was released meanwhile; a racing pass drew first).
    Refused,
}

/// The author withdraws a note before its release.
#[derive(Clone, Debug)]
pub(crate) struct Withdraw {
    pub(crate) pid: u32,
    pub(crate) client_id: String,
    pub(crate) note: u32,
}

/// `pid` withdraws a note they wrote, before it is released.
pub(crate) fn check_withdraw_note(
    room: &Room,
    pid: u32,
    req: &WithdrawNote,
) -> Result<Step<Withdraw>, RoomError> {
    check_client_id(&req.id)?;
    if room.tables.requests.contains(&(pid, req.id.clone())) {
        return Ok(Step::Done(Ok(done(&req.id, true))));
    }
    let n = room
        .tables
        .notes
        .get(&req.note)
        .ok_or(RoomError::UnknownNote(req.note))?;
    if n.author != pid {
        return Err(RoomError::NotYourNote);
    }
    if n.released {
        return Err(RoomError::NoteReleased(n.id));
    }
    if n.withdrawn {
        return Ok(Step::Done(Ok(done(&req.id, true))));
    }
    Ok(Step::Write(Withdraw {
        pid,
        client_id: req.id.clone(),
        note: n.id,
    }))
}

impl Change for Withdraw {
    type Written = Outcome;
    type Output = Result<Done, RoomError>;

    fn apply(self, room: &mut Room, w: Outcome) -> (Self::Output, Effects) {
        match w {
            Outcome::Refused => (Err(RoomError::NoteReleased(self.note)), Effects::NONE),
            Outcome::Resent => (Ok(done(&self.client_id, true)), Effects::NONE),
            Outcome::Done => {
                if let Some(n) = room.tables.notes.get_mut(&self.note) {
                    n.withdrawn = true;
                }
                room.tables
                    .requests
                    .insert((self.pid, self.client_id.clone()));
                (Ok(done(&self.client_id, false)), Effects::PUBLISH)
            }
        }
    }
}

/// The facilitator releases a note to the projector and the report.
#[derive(Clone, Debug)]
pub(crate) struct Release {
    pub(crate) note: u32,
}

/// The note as the facilitator sees it.
pub(crate) fn host_note(n: &StoredNote) -> HostNote {
    HostNote {
        id: n.id,
        plan: n.plan,
        table: n.table,
        text: n.text.clone(),
        released: n.released,
    }
}

/// Releases note `id` (a released note answers as it is).
pub(crate) fn check_release_note(room: &Room, id: u32) -> Result<Step<Release>, RoomError> {
    let n = room
        .tables
        .notes
        .get(&id)
        .ok_or(RoomError::UnknownNote(id))?;
    if n.withdrawn {
        return Err(RoomError::NoteWithdrawn(id));
    }
    if n.released {
        return Ok(Step::Done(Ok(host_note(n))));
    }
    Ok(Step::Write(Release { note: id }))
}

impl Change for Release {
    /// Whether the store released it (false: withdrawn meanwhile).
    type Written = bool;
    type Output = Result<HostNote, RoomError>;

    fn apply(self, room: &mut Room, released: bool) -> (Self::Output, Effects) {
        let Some(n) = room.tables.notes.get_mut(&self.note) else {
            return (Err(RoomError::UnknownNote(self.note)), Effects::NONE);
        };
        if !released {
            return (Err(RoomError::NoteWithdrawn(self.note)), Effects::NONE);
        }
        n.released = true;
        (Ok(host_note(n)), Effects::PUBLISH)
    }
}

// ---- reporter, consent ----

/// The reporter hands the role on: a new draw without those who passed.
#[derive(Clone, Debug)]
pub(crate) struct Pass {
    pub(crate) pid: u32,
    pub(crate) client_id: String,
    pub(crate) draw: StoredDraw,
}

/// `pid`, their table's current reporter, passes the role on.
pub(crate) fn check_pass_reporter(
    room: &Room,
    pid: u32,
    req: &PassReporter,
) -> Result<Step<Pass>, RoomError> {
    check_client_id(&req.id)?;
    if room.tables.requests.contains(&(pid, req.id.clone())) {
        return Ok(Step::Done(done(&req.id, true)));
    }
    if room.tables.current().is_none() {
        return Err(RoomError::NoTables);
    }
    let (plan, number) = room.tables.seat_of(pid).ok_or(RoomError::NotSeated)?;
    let last = plan.reporters.get(&number).ok_or(RoomError::NotReporter)?;
    if last.pid != pid {
        return Err(RoomError::NotReporter);
    }
    let table = plan.plan.table(number).ok_or(RoomError::NotSeated)?;
    let mut passed = last.passed.clone();
    if !passed.contains(&pid) {
        passed.push(pid);
    }
    let draw = last.draw + 1;
    let who = draw_reporter(table, plan.plan.params.seed, draw, &passed)
        .ok_or_else(|| RoomError::Internal("a table without members".into()))?;
    Ok(Step::Write(Pass {
        pid,
        client_id: req.id.clone(),
        draw: StoredDraw {
            plan: plan.number,
            table: number,
            draw,
            pid: who,
            passed,
        },
    }))
}

impl Change for Pass {
    type Written = Outcome;
    type Output = Done;

    fn apply(self, room: &mut Room, w: Outcome) -> (Done, Effects) {
        room.tables
            .requests
            .insert((self.pid, self.client_id.clone()));
        if w != Outcome::Done {
            return (done(&self.client_id, true), Effects::NONE);
        }
        apply_draw(room, self.draw);
        (done(&self.client_id, false), Effects::PUBLISH)
    }
}

/// The participant accepts the room's rules.
#[derive(Clone, Debug)]
pub(crate) struct Agree {
    pub(crate) pid: u32,
    pub(crate) client_id: String,
}

/// `pid` consents; once per participant (a resend, or a second consent, is a duplicate).
pub(crate) fn check_consent(
    room: &Room,
    pid: u32,
    req: &Consent,
) -> Result<Step<Agree>, RoomError> {
    check_client_id(&req.id)?;
    if room.tables.consented.contains(&pid) {
        return Ok(Step::Done(done(&req.id, true)));
    }
    if !room.participants.contains_key(&pid) {
        return Err(RoomError::UnknownParticipant);
    }
    Ok(Step::Write(Agree {
        pid,
        client_id: req.id.clone(),
    }))
}

impl Change for Agree {
    /// Whether the consent is new.
    type Written = bool;
    type Output = Done;

    fn apply(self, room: &mut Room, new: bool) -> (Done, Effects) {
        room.tables.consented.insert(self.pid);
        room.tables
            .requests
            .insert((self.pid, self.client_id.clone()));
        let effects = if new { Effects::PUBLISH } else { Effects::NONE };
        (done(&self.client_id, !new), effects)
    }
}
