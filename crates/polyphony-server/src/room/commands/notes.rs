//! A table's notes: a participant writes one for their own table, withdraws it before its
//! release, and the facilitator releases it to the projector and the report (a release and a
//! withdrawal racing are decided inside the commit).

use std::time::Instant;

use polyphony_protocol::{
    Done, HostNote, NewNote, NoteAck, WithdrawNote, NOTES_PER_PARTICIPANT, NOTE_MAX_CHARS,
};

use super::{done, Outcome};
use crate::room::change::{limited, Change, Effects, Step};
use crate::room::error::RoomError;
use crate::room::live::LiveRoom;
use crate::room::model::{check_client_id, Room};
use crate::room::views::host_note;
use crate::store::{RoomWrites, StoreError, StoredNote};
use crate::util::next_time;

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

    fn persist(&self, store: &mut dyn RoomWrites) -> Result<Option<u32>, StoreError> {
        store.insert_note_once(&self.note)
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

    fn persist(&self, store: &mut dyn RoomWrites) -> Result<Outcome, StoreError> {
        if store.request_seen(self.pid, &self.client_id)? {
            return Ok(Outcome::Resent);
        }
        if !store.withdraw_note(self.note)? {
            return Ok(Outcome::Refused);
        }
        store.insert_request(self.pid, &self.client_id, "withdraw")?;
        Ok(Outcome::Done)
    }

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

    fn persist(&self, store: &mut dyn RoomWrites) -> Result<bool, StoreError> {
        store.release_note(self.note)
    }

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

impl LiveRoom {
    /// A note for the participant's own table.
    pub async fn add_note(&self, pid: u32, req: NewNote) -> Result<NoteAck, RoomError> {
        let (created, now) = (next_time(), Instant::now());
        self.commit(|room| {
            let step = check_add_note(room, pid, &req, created);
            limited(room, pid, now, step)
        })
        .await
    }

    /// The author withdraws a note that is not released.
    pub async fn withdraw_note(&self, pid: u32, req: WithdrawNote) -> Result<Done, RoomError> {
        let now = Instant::now();
        self.commit(|room| limited(room, pid, now, check_withdraw_note(room, pid, &req)))
            .await?
    }

    /// The facilitator releases a note to the projector and the report.
    pub async fn release_note(&self, id: u32) -> Result<HostNote, RoomError> {
        self.commit(|room| check_release_note(room, id)).await?
    }
}
