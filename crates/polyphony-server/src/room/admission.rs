//! Admission: a join needs what only people in the room can see. The projector shows a
//! six-digit code (in its QR code and under it) that changes every minute; the previous minute's
//! code is still accepted, so a phone that scanned just before the change gets in. The code is
//! derived from the room's facilitator key and the minute, so nothing is stored, every instance
//! and restart agrees, and a code says nothing about the next one. A room set to open admission
//! (`RoomSettings::open_admission`) takes joins without it.
//!
//! Pure functions of the key and the time: no clock is read here.

use std::collections::HashMap;
use std::net::IpAddr;

use polyphony_protocol::{AdmissionView, JoinMinute};
use sha2::{Digest, Sha256};

use super::model::Room;

/// How long one code is shown (ms); the previous one is accepted as long again.
pub(crate) const ROTATION_MS: i64 = 60_000;

/// The code of minute `window` (`time_ms / ROTATION_MS`): six decimal digits.
fn code_of(key: &str, window: i64) -> String {
    let mut h = Sha256::new();
    h.update(b"polyphony admission\0");
    h.update(key.as_bytes());
    h.update([0]);
    h.update(window.to_le_bytes());
    let d = h.finalize();
    let n = u32::from_le_bytes([d[0], d[1], d[2], d[3]]) % 1_000_000;
    format!("{n:06}")
}

/// The code to show at `now_ms`, and how many ms it is shown before the next one.
pub(crate) fn current_code(key: &str, now_ms: i64) -> (String, i64) {
    let window = now_ms.div_euclid(ROTATION_MS);
    let next = (window + 1) * ROTATION_MS;
    (code_of(key, window), next - now_ms)
}

/// Whether `code` admits a join at `now_ms`: this minute's code or the previous minute's.
pub(crate) fn admits(key: &str, now_ms: i64, code: &str) -> bool {
    let code = code.trim();
    if code.len() != 6 {
        return false;
    }
    let window = now_ms.div_euclid(ROTATION_MS);
    [window, window - 1]
        .iter()
        .any(|w| crate::util::same_secret(&code_of(key, *w), code))
}

/// What the projector shows for joining at `now_ms`, and the console's join figures.
pub(crate) fn admission_view(room: &Room, now_ms: i64) -> AdmissionView {
    let (code, changes_in) = current_code(&room.key, now_ms);
    let open = room.info.settings.open_admission;
    let participants = room.participants();
    let joins_last_minute = participants
        .values()
        .filter(|p| p.joined > now_ms - 60_000)
        .count();
    let active = participants.values().filter(|p| p.active).count();
    let mut by_origin: HashMap<IpAddr, usize> = HashMap::new();
    for p in participants.values() {
        if let Some(o) = p.origin {
            *by_origin.entry(o).or_insert(0) += 1;
        }
    }
    let top = by_origin.values().copied().max().unwrap_or(0);
    let n = |x: usize| u32::try_from(x).unwrap_or(u32::MAX);
    AdmissionView {
        code: (!open).then_some(code),
        changes_in_ms: u32::try_from(changes_in).unwrap_or(0),
        joins_last_minute: n(joins_last_minute),
        active: n(active),
        idle: n(participants.len() - active),
        top_address_percent: if participants.is_empty() {
            0
        } else {
            n(top * 100 / participants.len())
        },
        top_address_participants: n(top),
        joins_by_minute: joins_by_minute(room, now_ms),
        removed: n(room.removed.len()),
    }
}

/// Joins by minute over the hour before `now_ms`, oldest first, minutes without a join left
/// out: a flood of identities shows as a tall minute the facilitator can remove.
fn joins_by_minute(room: &Room, now_ms: i64) -> Vec<JoinMinute> {
    let since = now_ms - 60 * 60_000;
    let mut minutes: std::collections::BTreeMap<i64, JoinMinute> = Default::default();
    for p in room.participants().values().filter(|p| p.joined >= since) {
        let minute = p.joined - p.joined.rem_euclid(60_000);
        let m = minutes.entry(minute).or_insert(JoinMinute {
            minute,
            ..JoinMinute::default()
        });
        m.joined += 1;
        if !p.votes.is_empty() {
            m.voted += 1;
        }
    }
    minutes.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_admits_for_its_minute_and_the_next_only() {
        let t = 1_800_000_000_000_i64;
        let (code, left) = current_code("key", t);
        assert_eq!(code.len(), 6);
        assert!(code.bytes().all(|b| b.is_ascii_digit()));
        assert!(left > 0 && left <= ROTATION_MS);
        assert!(admits("key", t, &code));
        assert!(admits("key", t + left, &code), "still in the next minute");
        assert!(
            !admits("key", t + left + ROTATION_MS, &code),
            "gone after two"
        );
        assert!(!admits("other key", t, &code), "another room's code");
        assert!(!admits("key", t, "12345"));
        assert!(!admits("key", t, ""));
    }

    #[test]
    fn codes_change_every_minute() {
        let t = 1_800_000_000_000_i64;
        let codes: std::collections::HashSet<String> = (0..20)
            .map(|i| current_code("key", t + i * ROTATION_MS).0)
            .collect();
        assert!(codes.len() >= 19, "{codes:?}");
    }
}
