//! Admission, idle identities, and the bounds on what many identities can do.

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use super::{commit, err, room, room_with, vote};
use crate::room::admission::current_code;
use crate::room::commands::{self as cmd, Admission, JoinRequest, VoteWritten};
use crate::room::error::RoomError;
use crate::room::model::Room;
use crate::Limits;

const T: i64 = 1_800_000_000_000;

fn from_phone(token: &str, created: i64, code: Option<String>) -> JoinRequest {
    JoinRequest {
        admission: Some(Admission::Code(code)),
        ..JoinRequest::trusted(token.into(), created, Instant::now())
    }
}

fn joined(r: &mut Room, req: JoinRequest) -> u32 {
    let step = cmd::check_join(r, req);
    let token = commit(r, step, ());
    r.participant_by_token(&token).unwrap()
}

#[test]
fn a_phone_joins_with_the_projectors_code_only() {
    let mut r = room();
    let (code, left) = current_code("key", T);
    assert!(matches!(
        err(cmd::check_join(&r, from_phone("a", T, None))),
        RoomError::AdmissionRequired
    ));
    assert!(matches!(
        err(cmd::check_join(
            &r,
            from_phone("a", T, Some("000000".into()))
        )),
        RoomError::AdmissionRequired
    ));
    // The code of two minutes ago is refused, this minute's and last minute's are taken.
    let stale = current_code("key", T - 120_000).0;
    assert!(matches!(
        err(cmd::check_join(&r, from_phone("a", T, Some(stale)))),
        RoomError::AdmissionRequired
    ));
    joined(&mut r, from_phone("a", T, Some(code.clone())));
    joined(&mut r, from_phone("b", T + left + 1, Some(code)));
    // An open room takes a join without a code.
    r.info.settings.open_admission = true;
    joined(&mut r, from_phone("c", T, None));
}

#[test]
fn idle_identities_hold_no_place_and_expire_with_a_later_join() {
    let limits = Limits {
        max_participants_per_room: 3,
        idle_join_expiry: Duration::from_secs(60),
        ..Limits::default()
    };
    let mut r = room_with(1, limits);
    // Participants 0 and 1 (joined at 1 ms) never acted; 0 votes now.
    let step = cmd::check_vote(&r, 0, &vote("v", 0), Instant::now());
    commit(
        &mut r,
        step,
        VoteWritten {
            inserted: true,
            time: 2,
        },
    );
    // Five more join: only one acted, so the cap of 3 is not reached.
    let pids: Vec<u32> = (0..5)
        .map(|i| {
            joined(
                &mut r,
                JoinRequest::trusted(format!("t{i}"), 30_000, Instant::now()),
            )
        })
        .collect();
    assert_eq!(r.participants.len(), 7);
    // A join a minute later takes the idle ones that joined more than a minute before it.
    let step = cmd::check_join(
        &r,
        JoinRequest::trusted("late".into(), 61_005, Instant::now()),
    );
    match &step {
        Ok(cmd::Step::Write(j)) => assert_eq!(j.expire, vec![1]),
        _ => panic!("expected a join"),
    }
    commit(&mut r, step, ());
    assert!(r.participants.contains_key(&0), "acted: kept");
    assert!(!r.participants.contains_key(&1), "idle: expired");
    assert!(r.participant_by_token("token-1").is_none());
    for pid in &pids {
        assert!(r.participants.contains_key(pid), "joined 30 s in: not yet");
    }
    // The cap counts at the first action: two more act, the third is refused.
    let now = Instant::now();
    for (i, pid) in pids.iter().take(2).enumerate() {
        let step = cmd::check_vote(&r, *pid, &vote(&format!("w{i}"), 0), now);
        commit(
            &mut r,
            step,
            VoteWritten {
                inserted: true,
                time: 20,
            },
        );
    }
    let e = err(cmd::check_vote(&r, pids[2], &vote("w2", 0), now));
    assert!(matches!(e, RoomError::Full { max: 3 }), "{e}");
    assert!(matches!(
        err(cmd::check_join(
            &r,
            JoinRequest::trusted("no".into(), 70_000, now)
        )),
        RoomError::Full { max: 3 }
    ));
}

#[test]
fn a_vote_changes_a_handful_of_times_then_is_refused() {
    let mut r = room();
    let now = Instant::now();
    let max = Limits::default().vote_events_per_statement;
    for i in 0..max {
        let mut v = vote(&format!("flip{i}"), 0);
        if i % 2 == 1 {
            v.vote = polyphony_core::Vote::Disagree;
        }
        let step = cmd::check_vote(&r, 0, &v, now);
        commit(
            &mut r,
            step,
            VoteWritten {
                inserted: true,
                time: 10 + i64::from(i),
            },
        );
    }
    let e = err(cmd::check_vote(&r, 0, &vote("again", 0), now));
    assert!(
        matches!(e, RoomError::VoteLimit { sid: 0, max: m } if m == max),
        "{e}"
    );
    // Other statements and other people are not affected; a resend is still answered.
    let step = cmd::check_vote(&r, 0, &vote("other", 1), now);
    assert!(step.is_ok());
    let step = cmd::check_vote(&r, 1, &vote("theirs", 0), now);
    assert!(step.is_ok());
    assert!(matches!(
        cmd::check_vote(&r, 0, &vote("flip0", 0), now),
        Ok(cmd::Step::Done(_))
    ));
}

#[test]
fn many_tokens_from_one_address_share_its_rate() {
    let limits = Limits {
        actions_per_address_per_second: 1,
        action_burst_per_address: 4,
        ..Limits::default()
    };
    let mut r = room_with(3, limits);
    let here = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
    let there = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2));
    let at = |token: &str, origin| JoinRequest {
        origin: Some(origin),
        ..JoinRequest::trusted(token.into(), 5, Instant::now())
    };
    let sybils: Vec<u32> = (0..4)
        .map(|i| joined(&mut r, at(&format!("s{i}"), here)))
        .collect();
    let other = joined(&mut r, at("o", there));
    let now = Instant::now();
    // Four tokens, one vote each: the address's burst of 4 ...
    for (i, pid) in sybils.iter().enumerate() {
        let step = cmd::check_vote(&r, *pid, &vote(&format!("a{i}"), 0), now);
        commit(
            &mut r,
            step,
            VoteWritten {
                inserted: true,
                time: 10,
            },
        );
    }
    // ... then every token of that address waits, each with its own bucket still full.
    for pid in &sybils {
        let e = err(cmd::check_vote(&r, *pid, &vote("b", 1), now));
        assert!(matches!(e, RoomError::RateLimited { rate: 1 }), "{e}");
    }
    // Another address is not held back.
    assert!(cmd::check_vote(&r, other, &vote("c", 0), now).is_ok());
    // A second later the address has one more.
    let later = now + Duration::from_millis(1000);
    assert!(cmd::check_vote(&r, sybils[0], &vote("d", 1), later).is_ok());
}

#[test]
fn the_room_takes_a_bounded_rate_from_everyone() {
    let limits = Limits {
        actions_per_room_per_second: 1,
        action_burst_per_room: 3,
        ..Limits::default()
    };
    let mut r = room_with(3, limits);
    let now = Instant::now();
    for (i, pid) in [0, 1, 0].iter().enumerate() {
        let step = cmd::check_vote(&r, *pid, &vote(&format!("v{i}"), i as u32), now);
        commit(
            &mut r,
            step,
            VoteWritten {
                inserted: true,
                time: 10,
            },
        );
    }
    let e = err(cmd::check_vote(&r, 1, &vote("w", 2), now));
    assert!(matches!(e, RoomError::RateLimited { rate: 1 }), "{e}");
}

#[test]
fn removing_a_window_takes_its_identities_out_of_the_room_groups_and_engine_input() {
    use polyphony_core::{FrozenGroups, GroupMembers};
    use polyphony_protocol::RemoveJoined;
    let mut r = room();
    let now = Instant::now();
    let (code, _) = current_code("key", T);
    // Two real people before the window, three identities in it (two vote, one only joined).
    let real: Vec<u32> = (0..2)
        .map(|i| {
            joined(
                &mut r,
                from_phone(&format!("r{i}"), T + i, Some(code.clone())),
            )
        })
        .collect();
    let flood: Vec<u32> = (0..3)
        .map(|i| {
            joined(
                &mut r,
                from_phone(&format!("f{i}"), T + 60_000 + i, Some(code.clone())),
            )
        })
        .collect();
    for (i, pid) in real.iter().chain(&flood[..2]).enumerate() {
        let step = cmd::check_vote(&r, *pid, &vote(&format!("v{i}"), 0), now);
        commit(
            &mut r,
            step,
            VoteWritten {
                inserted: true,
                time: T + 100_000 + i as i64,
            },
        );
    }
    r.frozen = Some(FrozenGroups::new(vec![
        GroupMembers {
            id: 0,
            members: vec![real[0], flood[0]],
        },
        GroupMembers {
            id: 1,
            members: vec![real[1], flood[1]],
        },
    ]));
    let _ = r.take_engine_input();
    // Only the idle one, first.
    let idle_only = RemoveJoined {
        from: T + 60_000,
        to: T + 120_000,
        only_idle: true,
    };
    let step = cmd::check_remove_joined(&r, &idle_only, T + 200_000);
    let done = commit(&mut r, step, 1);
    assert_eq!((done.removed, done.voters), (1, 0));
    assert!(r.participant_by_token("f2").is_none());
    // Then the whole window: the two voters go, with their votes and group places.
    let window = RemoveJoined {
        only_idle: false,
        ..idle_only
    };
    let step = cmd::check_remove_joined(&r, &window, T + 200_000);
    let done = commit(&mut r, step, 2);
    assert_eq!((done.removed, done.voters), (2, 2));
    assert!(r.participant_by_token("f0").is_none());
    assert_eq!(r.participants().len(), 2);
    assert!(r.events().iter().all(|e| real.contains(&e.participant)));
    assert_eq!(r.removed_events().len(), 2);
    let frozen = r.frozen.clone().unwrap();
    assert_eq!(frozen.groups[0].members, vec![real[0]]);
    assert_eq!(frozen.groups[1].members, vec![real[1]]);
    // The engine starts again from the remaining votes, without the removed people.
    let input = r.take_engine_input();
    assert_eq!(input.rebuild.as_ref().map(|s| s.len()), Some(3));
    assert_eq!(input.events.len(), 2);
    assert!(input.statuses.is_some() && input.frozen.is_some());
    // Nobody is left in the window; a reversed window is refused.
    let step = cmd::check_remove_joined(&r, &window, T + 200_000);
    assert_eq!(commit(&mut r, step, 0).removed, 0);
    let reversed = RemoveJoined {
        from: T + 120_000,
        to: T,
        only_idle: false,
    };
    assert!(matches!(
        err(cmd::check_remove_joined(&r, &reversed, T)),
        RoomError::BadRemovalWindow { .. }
    ));
    // A new join is not given a removed id.
    let next = joined(
        &mut r,
        from_phone(
            "late",
            T + 300_000,
            Some(current_code("key", T + 300_000).0),
        ),
    );
    assert!(!flood.contains(&next));
}
