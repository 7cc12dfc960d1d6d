//! Consent: a participant accepts the room's rules, once (a resend, or a second consent, is a
//! duplicate).

use std::time::Instant;

use polyphony_protocol::{Consent, Done};

use super::done;
use crate::room::change::{limited, Change, Effects, Step};
use crate::room::error::RoomError;
use crate::room::live::LiveRoom;
use crate::room::model::{check_client_id, Room};
use crate::store::{RoomWrites, StoreError};
use crate::util::next_time;

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

    fn persist(&self, store: &mut dyn RoomWrites) -> Result<bool, StoreError> {
        store.insert_request(self.pid, &self.client_id, "consent")?;
        store.insert_consent(self.pid, next_time())
    }

    fn apply(self, room: &mut Room, new: bool) -> (Done, Effects) {
        room.tables.consented.insert(self.pid);
        room.tables
            .requests
            .insert((self.pid, self.client_id.clone()));
        let effects = if new { Effects::PUBLISH } else { Effects::NONE };
        (done(&self.client_id, !new), effects)
    }
}

impl LiveRoom {
    /// The participant accepts the room's rules.
    pub async fn consent(&self, pid: u32, req: Consent) -> Result<Done, RoomError> {
        let now = Instant::now();
        self.commit(|room| limited(room, pid, now, check_consent(room, pid, &req)))
            .await
    }
}
