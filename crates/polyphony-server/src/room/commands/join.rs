//! Joining: a new anonymous participant (the projector's code checked, seated at a table
//! while tables are formed, idle identities expired in the same commit).

use std::net::IpAddr;
use std::time::Instant;

use super::tables;
use crate::room::change::{Change, Effects, Step};
use crate::room::error::RoomError;
use crate::room::live::LiveRoom;
use crate::room::model::{Participant, Room};
use crate::store::{RoomWrites, StoreError, StoredDraw, StoredParticipant, StoredSeat};
use crate::util::{next_time, random_hex};

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
                .is_some_and(|c| crate::room::admission::admits(&room.key, req.created, c));
        if !ok {
            return Err(RoomError::AdmissionRequired);
        }
    }
    let max = room.limits.max_participants_per_room;
    if room.active_participants >= max as usize {
        return Err(RoomError::Full { max });
    }
    let pid = room.in_flight.next_pid;
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
        room.in_flight.next_pid = room
            .in_flight
            .next_pid
            .max(self.participant.pid.saturating_add(1));
        room.in_flight.joins += 1;
        if let Some((seat, _)) = &self.seat {
            tables::reserve_seat(room, seat);
        }
        // The expiring identities go now, so nothing checked meanwhile can act as them.
        for pid in &self.expire {
            room.forget_idle(*pid);
        }
    }

    fn unreserve(&self, room: &mut Room) {
        room.in_flight.joins = room.in_flight.joins.saturating_sub(1);
    }

    fn persist(&self, store: &mut dyn RoomWrites) -> Result<(), StoreError> {
        store.insert_participant(&self.participant)?;
        if !self.expire.is_empty() {
            store.delete_idle_participants(&self.expire)?;
        }
        if let Some((seat, draw)) = &self.seat {
            store.insert_seat(seat)?;
            if let Some(d) = draw {
                store.insert_draw(d)?;
            }
        }
        Ok(())
    }

    fn apply(self, room: &mut Room, (): ()) -> (String, Effects) {
        room.in_flight.joins = room.in_flight.joins.saturating_sub(1);
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

impl LiveRoom {
    /// A new anonymous participant; answers their token.
    pub async fn join(&self) -> Result<String, RoomError> {
        self.join_as(None, None, None).await
    }

    /// A new participant from a phone at `origin` who brought `admission` (the projector's
    /// code, checked unless the room's admission is open), whose vote bucket starts with
    /// `burst` tokens (see `Limits::full_bursts_per_address_per_minute`); answers their token.
    pub(crate) async fn join_from(
        &self,
        origin: Option<IpAddr>,
        burst: u32,
        admission: Option<String>,
    ) -> Result<String, RoomError> {
        let origin = origin.map(crate::guard::addr_key);
        self.join_as(origin, Some(burst), Some(Admission::Code(admission)))
            .await
    }

    async fn join_as(
        &self,
        origin: Option<IpAddr>,
        burst: Option<u32>,
        admission: Option<Admission>,
    ) -> Result<String, RoomError> {
        let _seating = self.seating.read().await;
        let req = JoinRequest {
            token: random_hex(16),
            created: next_time(),
            now: Instant::now(),
            origin,
            burst,
            admission,
        };
        self.commit(|room| check_join(room, req)).await
    }
}
