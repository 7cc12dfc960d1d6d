//! The one rate limit of every participant action, three buckets deep: the participant's own,
//! the one shared by everyone who joined from the same address, and the room's. Time is passed
//! in: the buckets are pure functions of the instants they are shown.

use std::time::Instant;

use super::error::RoomError;
use super::model::Room;

/// A token bucket: `rate` per second, at most `burst` at once. Time is passed in, so the
/// bucket is a pure function of the instants it is shown.
#[derive(Clone, Debug)]
pub(crate) struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    /// A full bucket.
    pub(crate) fn full(burst: u32, now: Instant) -> Bucket {
        Bucket {
            tokens: f64::from(burst),
            at: now,
        }
    }

    /// Tokens available at `now`.
    pub(crate) fn available(&self, now: Instant, rate: u32, burst: u32) -> f64 {
        let refill = now.saturating_duration_since(self.at).as_secs_f64() * f64::from(rate);
        (self.tokens + refill).min(f64::from(burst))
    }

    /// Takes one token at `now`; false (and nothing taken) when the bucket is empty.
    pub(crate) fn take(&mut self, now: Instant, rate: u32, burst: u32) -> bool {
        self.tokens = self.available(now, rate, burst);
        self.at = self.at.max(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

impl Room {
    /// The one rate limit of every participant action (votes, statements, spectrum positions,
    /// notes and their withdrawal, reporter passes, consent): `pid`'s bucket must hold a token
    /// at `now` (`Limits::votes_per_second` sustained, `Limits::vote_burst` at once). Checked
    /// under the lock with the request; [`Room::take_rate_token`] takes it when the change is
    /// reserved.
    ///
    /// Three buckets must each hold a token: the participant's own, the one shared by everyone
    /// who joined from the same address (`Limits::actions_per_address_per_second`: many tokens
    /// from one machine act at one machine's rate), and the room's
    /// (`Limits::actions_per_room_per_second`: what the room stores per second is bounded
    /// whoever sends). Each refusal is [`RoomError::RateLimited`] (429: the phone resends).
    pub(crate) fn check_rate(&self, pid: u32, now: Instant) -> Result<(), RoomError> {
        let p = self
            .participants
            .get(&pid)
            .ok_or(RoomError::UnknownParticipant)?;
        let l = &self.limits;
        let max = l.max_participants_per_room;
        if !p.active && self.active_participants >= max as usize {
            return Err(RoomError::Full { max });
        }
        if p.bucket.available(now, l.votes_per_second, l.vote_burst) < 1.0 {
            return Err(RoomError::RateLimited {
                rate: l.votes_per_second,
            });
        }
        let origin = p.origin.and_then(|o| self.origin_buckets.get(&o));
        let (a_rate, a_burst) = (l.actions_per_address_per_second, l.action_burst_per_address);
        if origin.is_some_and(|b| b.available(now, a_rate, a_burst) < 1.0) {
            return Err(RoomError::RateLimited { rate: a_rate });
        }
        let (r_rate, r_burst) = (l.actions_per_room_per_second, l.action_burst_per_room);
        if self.room_bucket.available(now, r_rate, r_burst) < 1.0 {
            return Err(RoomError::RateLimited { rate: r_rate });
        }
        Ok(())
    }

    /// Takes one token of each of `pid`'s buckets at `now` (see [`Room::check_rate`]); the
    /// participant has acted from now on.
    pub(crate) fn take_rate_token(&mut self, pid: u32, now: Instant) {
        let l = &self.limits;
        let Some(p) = self.participants.get_mut(&pid) else {
            return;
        };
        p.bucket.take(now, l.votes_per_second, l.vote_burst);
        if !p.active {
            p.active = true;
            self.active_participants += 1;
        }
        if let Some(o) = p.origin {
            let (rate, burst) = (l.actions_per_address_per_second, l.action_burst_per_address);
            self.origin_buckets
                .entry(o)
                .or_insert_with(|| Bucket::full(burst, now))
                .take(now, rate, burst);
        }
        self.room_bucket
            .take(now, l.actions_per_room_per_second, l.action_burst_per_room);
    }
}
