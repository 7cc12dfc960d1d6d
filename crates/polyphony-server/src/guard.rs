//! What one network address may hold or do: counted slots (open connections, WebSockets) and
//! join windows (joins per address and per room per minute). Addresses are keyed by
//! [`addr_key`]: an IPv6 address by its /64, since one device can pick any address in its
//! prefix.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::room::RoomError;
use crate::util::lock;
use crate::Limits;

/// The key an address is counted under: IPv4 as is (also when mapped into IPv6), IPv6 by its
/// /64 prefix.
pub(crate) fn addr_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

/// Counted slots per address (open connections, open WebSockets).
#[derive(Debug, Default)]
pub(crate) struct Slots {
    held: Mutex<HashMap<IpAddr, u32>>,
}

/// One slot, given back when dropped.
#[derive(Debug)]
pub(crate) struct Slot {
    slots: Arc<Slots>,
    key: IpAddr,
}

impl Slots {
    /// A slot for `ip` if it holds fewer than `max`.
    pub(crate) fn try_take(self: &Arc<Self>, ip: IpAddr, max: u32) -> Option<Slot> {
        let key = addr_key(ip);
        let mut held = lock(&self.held);
        let n = held.entry(key).or_insert(0);
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(Slot {
            slots: Arc::clone(self),
            key,
        })
    }

    /// Slots held by every address together.
    pub(crate) fn total(&self) -> u64 {
        lock(&self.held).values().map(|n| u64::from(*n)).sum()
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut held = lock(&self.slots.held);
        if let Some(n) = held.get_mut(&self.key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                held.remove(&self.key);
            }
        }
    }
}

const MINUTE: Duration = Duration::from_secs(60);

/// Instants in the last minute, at most `cap` of them.
fn admit(window: &mut VecDeque<Instant>, now: Instant, cap: u32) -> Result<usize, u64> {
    while window
        .front()
        .is_some_and(|t| now.saturating_duration_since(*t) >= MINUTE)
    {
        window.pop_front();
    }
    if window.len() >= cap as usize {
        let oldest = window.front().copied().unwrap_or(now);
        let wait = MINUTE.saturating_sub(now.saturating_duration_since(oldest));
        return Err(wait.as_secs().max(1));
    }
    Ok(window.len())
}

/// Joins in the last minute, per address and per room, and wrong joining codes per address
/// and room.
///
/// The room's window counts only joins that happened: a join refused (a wrong joining code, a
/// full or closed room) gives its place back, or anyone who can read the room's code off the
/// projector could fill the window with made-up joining codes and keep every phone out. Wrong
/// codes count per address instead: past `Limits::wrong_codes_per_address_per_minute` an
/// address may not try again into that room for the rest of the minute (one address then
/// guesses at most that many of the million codes a minute).
#[derive(Debug, Default)]
pub(crate) struct JoinWindows {
    by_address: HashMap<IpAddr, VecDeque<Instant>>,
    by_room: HashMap<String, VecDeque<Instant>>,
    wrong_codes: HashMap<(IpAddr, String), VecDeque<Instant>>,
}

impl JoinWindows {
    /// Admits a join from `ip` (none: an in-process caller) into room `code` at `now`, or says
    /// how many seconds to wait. Answers the vote tokens the new participant starts with: the
    /// full burst for an address's first few joins of the minute, one second's worth after.
    pub(crate) fn admit(
        &mut self,
        ip: Option<IpAddr>,
        code: &str,
        now: Instant,
        limits: &Limits,
    ) -> Result<u32, RoomError> {
        // Forget quiet addresses now and then, so the maps hold only the last minute's.
        let recent = |w: &VecDeque<Instant>| {
            w.back()
                .is_some_and(|t| now.saturating_duration_since(*t) < MINUTE)
        };
        if self.by_address.len() > 4096 {
            self.by_address.retain(|_, w| recent(w));
        }
        if self.wrong_codes.len() > 4096 {
            self.wrong_codes.retain(|_, w| recent(w));
        }
        if let Some(w) =
            ip.and_then(|ip| self.wrong_codes.get_mut(&(addr_key(ip), code.to_string())))
        {
            admit(w, now, limits.wrong_codes_per_address_per_minute).map_err(|retry_after| {
                RoomError::JoinRateLimited {
                    scope: "with wrong joining codes from this address",
                    retry_after,
                }
            })?;
        }
        let room = self.by_room.entry(code.to_string()).or_default();
        admit(room, now, limits.joins_per_room_per_minute).map_err(|retry_after| {
            RoomError::JoinRateLimited {
                scope: "into this room",
                retry_after,
            }
        })?;
        let earlier = match ip {
            None => 0,
            Some(ip) => {
                let w = self.by_address.entry(addr_key(ip)).or_default();
                let n =
                    admit(w, now, limits.joins_per_address_per_minute).map_err(|retry_after| {
                        RoomError::JoinRateLimited {
                            scope: "from this address",
                            retry_after,
                        }
                    })?;
                w.push_back(now);
                n
            }
        };
        room.push_back(now);
        Ok(
            if earlier < limits.full_bursts_per_address_per_minute as usize {
                limits.vote_burst
            } else {
                limits.votes_per_second.min(limits.vote_burst)
            },
        )
    }

    /// A join admitted at `now` into room `code` did not happen (`error`): its place in the
    /// room's window is given back, and a wrong joining code is counted against the address.
    pub(crate) fn refused(
        &mut self,
        ip: Option<IpAddr>,
        code: &str,
        now: Instant,
        error: &RoomError,
    ) {
        if let Some(w) = self.by_room.get_mut(code) {
            if let Some(i) = w.iter().rposition(|t| *t == now) {
                w.remove(i);
            }
        }
        if let (Some(ip), RoomError::AdmissionRequired) = (ip, error) {
            self.wrong_codes
                .entry((addr_key(ip), code.to_string()))
                .or_default()
                .push_back(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_addresses_count_by_their_64_prefix_and_mapped_v4_as_v4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1"
            .parse()
            .unwrap_or(IpAddr::V4([0; 4].into()));
        let b: IpAddr = "2001:db8:1:2:bbbb::9"
            .parse()
            .unwrap_or(IpAddr::V4([0; 4].into()));
        assert_eq!(addr_key(a), addr_key(b));
        let m: IpAddr = "::ffff:10.0.0.7"
            .parse()
            .unwrap_or(IpAddr::V4([0; 4].into()));
        assert_eq!(addr_key(m), IpAddr::V4([10, 0, 0, 7].into()));
    }

    #[test]
    fn slots_are_capped_per_address_and_given_back() {
        let slots = Arc::new(Slots::default());
        let ip = IpAddr::V4([10, 0, 0, 1].into());
        let a = slots.try_take(ip, 2);
        let b = slots.try_take(ip, 2);
        assert!(a.is_some() && b.is_some());
        assert!(slots.try_take(ip, 2).is_none());
        assert!(slots
            .try_take(IpAddr::V4([10, 0, 0, 2].into()), 2)
            .is_some());
        drop(a);
        assert!(slots.try_take(ip, 2).is_some());
    }

    #[test]
    fn joins_are_limited_per_address_and_room_and_later_ones_get_no_burst() {
        let limits = Limits {
            joins_per_address_per_minute: 5,
            joins_per_room_per_minute: 7,
            full_bursts_per_address_per_minute: 2,
            ..Limits::default()
        };
        let mut w = JoinWindows::default();
        let t0 = Instant::now();
        let ip = Some(IpAddr::V4([10, 0, 0, 1].into()));
        let bursts: Vec<u32> = (0..5)
            .map(|_| w.admit(ip, "ROOM", t0, &limits).unwrap_or(999))
            .collect();
        assert_eq!(bursts, vec![60, 60, 10, 10, 10]);
        match w.admit(ip, "ROOM", t0 + Duration::from_secs(20), &limits) {
            Err(RoomError::JoinRateLimited { retry_after, .. }) => assert_eq!(retry_after, 40),
            other => panic!("{other:?}"),
        }
        let other = Some(IpAddr::V4([10, 0, 0, 2].into()));
        assert!(w.admit(other, "ROOM", t0, &limits).is_ok());
        assert!(w.admit(other, "ROOM", t0, &limits).is_ok());
        assert!(matches!(
            w.admit(other, "ROOM", t0, &limits),
            Err(RoomError::JoinRateLimited {
                scope: "into this room",
                ..
            })
        ));
        assert!(w.admit(other, "OTHER", t0, &limits).is_ok());
        // A minute later the address may join again.
        assert!(w.admit(ip, "ROOM", t0 + MINUTE, &limits).is_ok());
    }

    #[test]
    fn wrong_joining_codes_never_fill_the_room_and_stop_only_their_address() {
        let limits = Limits {
            joins_per_address_per_minute: 1000,
            joins_per_room_per_minute: 5,
            wrong_codes_per_address_per_minute: 3,
            ..Limits::default()
        };
        let mut w = JoinWindows::default();
        let t0 = Instant::now();
        let hostile = Some(IpAddr::V4([10, 0, 0, 66].into()));
        // Many more made-up codes than the room takes joins in a minute: each is refused by
        // the room and gives its place back; past three the address is stopped.
        let mut stopped = 0;
        for i in 0..50 {
            let now = t0 + Duration::from_millis(i);
            match w.admit(hostile, "ROOM", now, &limits) {
                Ok(_) => w.refused(hostile, "ROOM", now, &RoomError::AdmissionRequired),
                Err(RoomError::JoinRateLimited { scope, .. }) => {
                    assert!(scope.contains("wrong joining codes"), "{scope}");
                    stopped += 1;
                }
                Err(e) => panic!("{e:?}"),
            }
        }
        assert_eq!(stopped, 47);
        // The room's window is empty: five phones with the right code join at once.
        for i in 0..5u8 {
            let phone = Some(IpAddr::V4([10, 0, 1, i].into()));
            assert!(w.admit(phone, "ROOM", t0, &limits).is_ok(), "phone {i}");
        }
        // Another room, and the same address a minute later, are not stopped.
        assert!(w.admit(hostile, "OTHER", t0, &limits).is_ok());
        assert!(w
            .admit(
                hostile,
                "ROOM",
                t0 + Duration::from_millis(49) + MINUTE,
                &limits
            )
            .is_ok());
    }
}
