//! The room's rules, one test each, on the plain model: no SQLite, no tokio.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use polyphony_core::Vote;
use polyphony_protocol::{
    ModerationMode, ModerationState, NewStatement, RoomSettings, SpectrumPosition, Stage,
    VoteRequest,
};

use super::commands::{self as cmd, Change, Step, VoteWritten};
use super::error::RoomError;
use super::model::Room;
use super::routing;
use crate::store::{RoomField, StoredParticipant, StoredRoom, StoredStatement};
use crate::Limits;

/// A room with `n` accepted seed statements, participants 0 and 1, and these limits.
pub(super) fn room_with(n: u32, limits: Limits) -> Room {
    let statement = |sid| StoredStatement {
        sid,
        text: format!("statement {sid}"),
        author: None,
        is_seed: true,
        moderation: ModerationState::Accepted,
        created: 1,
        client_id: None,
    };
    let participant = |pid| StoredParticipant {
        pid,
        token: format!("token-{pid}"),
        created: 1,
    };
    let stored = StoredRoom {
        id: 1,
        code: "ABCDEF".into(),
        facilitator_key: "key".into(),
        topic: "t".into(),
        description: String::new(),
        rules: String::new(),
        language: "en".into(),
        settings: RoomSettings::default(),
        stage: Stage::Collect,
        closed: false,
        seed: 7,
        created: 1,
        engine_state: None,
        controls: Default::default(),
        snapshots: Vec::new(),
        frozen_groups: None,
        brief: Vec::new(),
        removed: Vec::new(),
        participants: vec![participant(0), participant(1)],
        statements: (0..n).map(statement).collect(),
        votes: vec![],
        spectrums: vec![],
        positions: vec![],
        tables: Default::default(),
    };
    Room::from_stored(stored, limits, Instant::now())
}

fn room() -> Room {
    room_with(3, Limits::default())
}

/// Runs a checked change through reserve and apply, as the live room does after its write.
pub(super) fn commit<C: Change>(
    room: &mut Room,
    step: Result<Step<C>, RoomError>,
    written: C::Written,
) -> C::Output {
    match step.unwrap() {
        Step::Done(out) => out,
        Step::Write(c) => {
            c.reserve(room);
            c.apply(room, written).0
        }
    }
}

pub(super) fn vote(id: &str, statement: u32) -> VoteRequest {
    VoteRequest {
        id: id.into(),
        statement,
        vote: Vote::Agree,
    }
}

fn statement(id: Option<&str>, text: &str) -> NewStatement {
    NewStatement {
        id: id.map(Into::into),
        text: text.into(),
    }
}

fn closed(room: &mut Room) {
    let step = cmd::check_set_field(room, RoomField::Closed(true));
    commit(room, step, ());
}

pub(super) fn err<C: Change>(r: Result<Step<C>, RoomError>) -> RoomError {
    match r {
        Err(e) => e,
        Ok(_) => panic!("expected an error"),
    }
}

#[test]
fn a_closed_room_takes_no_join_vote_statement_or_spectrum() {
    let mut r = room();
    closed(&mut r);
    let now = Instant::now();
    assert!(matches!(
        err(cmd::check_join(
            &r,
            cmd::JoinRequest::trusted("t".into(), 2, now)
        )),
        RoomError::Closed
    ));
    assert!(matches!(
        err(cmd::check_vote(&r, 0, &vote("v", 0), now)),
        RoomError::Closed
    ));
    let s = statement(None, "hello");
    assert!(matches!(
        err(cmd::check_add_statement(&r, Some(0), &s, 2)),
        RoomError::Closed
    ));
    assert!(matches!(
        err(cmd::check_start_spectrum(&r, 0, 2)),
        RoomError::Closed
    ));
}

#[test]
fn a_full_room_takes_no_join() {
    let mut r = room_with(
        1,
        Limits {
            max_participants_per_room: 2,
            ..Limits::default()
        },
    );
    // Participants who only joined hold no place ...
    let step = cmd::check_join(&r, cmd::JoinRequest::trusted("t".into(), 2, Instant::now()));
    assert!(step.is_ok());
    // ... those who acted do.
    let now = Instant::now();
    for pid in [0, 1] {
        let step = cmd::check_vote(&r, pid, &vote(&format!("v{pid}"), 0), now);
        commit(
            &mut r,
            step,
            VoteWritten {
                inserted: true,
                time: 3,
            },
        );
    }
    let e = err(cmd::check_join(
        &r,
        cmd::JoinRequest::trusted("t".into(), 2, Instant::now()),
    ));
    assert!(matches!(e, RoomError::Full { max: 2 }), "{e}");
}

#[test]
fn joins_get_distinct_ids_while_in_flight() {
    let mut r = room();
    let now = Instant::now();
    let a = match cmd::check_join(&r, cmd::JoinRequest::trusted("a".into(), 2, now)).unwrap() {
        Step::Write(c) => c,
        Step::Done(_) => unreachable!(),
    };
    a.reserve(&mut r);
    let b = match cmd::check_join(&r, cmd::JoinRequest::trusted("b".into(), 2, now)).unwrap() {
        Step::Write(c) => c,
        Step::Done(_) => unreachable!(),
    };
    assert_ne!(a.participant.pid, b.participant.pid);
    assert_eq!(a.apply(&mut r, ()).0, "a");
    assert_eq!(r.participant_by_token("a"), Some(2));
}

#[test]
fn a_vote_on_an_unknown_statement_is_refused() {
    let r = room();
    let e = err(cmd::check_vote(&r, 0, &vote("v", 9), Instant::now()));
    assert!(matches!(e, RoomError::UnknownStatement(9)), "{e}");
    assert!(matches!(
        err(cmd::check_moderate(&r, 9, ModerationState::Accepted)),
        RoomError::UnknownStatement(9)
    ));
}

#[test]
fn a_vote_on_a_pending_statement_is_refused() {
    let mut r = room();
    let step = cmd::check_moderate(&r, 1, ModerationState::Pending);
    commit(&mut r, step, ()).unwrap();
    let e = err(cmd::check_vote(&r, 0, &vote("v", 1), Instant::now()));
    assert!(matches!(e, RoomError::StatementPending(1)), "{e}");
}

#[test]
fn a_vote_on_a_rejected_statement_is_refused() {
    let mut r = room();
    let step = cmd::check_moderate(&r, 1, ModerationState::Rejected);
    commit(&mut r, step, ()).unwrap();
    let e = err(cmd::check_vote(&r, 0, &vote("v", 1), Instant::now()));
    assert!(matches!(e, RoomError::StatementRejected(1)), "{e}");
}

#[test]
fn a_spectrum_on_a_rejected_statement_takes_no_start_round_or_position() {
    let mut r = room();
    let step = cmd::check_start_spectrum(&r, 1, 2);
    let id = commit(&mut r, step, ());
    let step = cmd::check_moderate(&r, 1, ModerationState::Rejected);
    commit(&mut r, step, ()).unwrap();
    let place = SpectrumPosition {
        id: None,
        spectrum: id,
        round: 1,
        position: 0,
    };
    let e = err(cmd::check_position(&r, 0, &place));
    assert!(matches!(e, RoomError::StatementRejected(1)), "{e}");
    let e = err(cmd::check_spectrum_round(&r, id, Some(2)));
    assert!(matches!(e, RoomError::StatementRejected(1)), "{e}");
    let e = err(cmd::check_start_spectrum(&r, 1, 3));
    assert!(matches!(e, RoomError::StatementRejected(1)), "{e}");
    // The facilitator may still close it.
    assert!(cmd::check_spectrum_round(&r, id, None).is_ok());
}

#[test]
fn a_client_id_is_1_to_64_characters() {
    let r = room();
    let now = Instant::now();
    assert!(matches!(
        err(cmd::check_vote(&r, 0, &vote("", 0), now)),
        RoomError::BadClientId
    ));
    let long = "x".repeat(65);
    assert!(matches!(
        err(cmd::check_vote(&r, 0, &vote(&long, 0), now)),
        RoomError::BadClientId
    ));
}

#[test]
fn a_resent_vote_id_counts_once() {
    let mut r = room();
    let now = Instant::now();
    let step = cmd::check_vote(&r, 0, &vote("v1", 2), now);
    let ack = commit(
        &mut r,
        step,
        VoteWritten {
            inserted: true,
            time: 10,
        },
    );
    assert!(!ack.duplicate);
    assert_eq!(r.events().len(), 1);
    // Known in memory: answered without a change.
    match cmd::check_vote(&r, 0, &vote("v1", 2), now).unwrap() {
        Step::Done(ack) => assert!(ack.duplicate),
        Step::Write(_) => panic!("a resent id must not be written again"),
    }
    // The same id from another participant is another vote.
    assert!(matches!(
        cmd::check_vote(&r, 1, &vote("v1", 2), now).unwrap(),
        Step::Write(_)
    ));
    // A resend that raced the first and reached the store second: the store says so.
    let step = cmd::check_vote(&r, 1, &vote("v2", 2), now);
    let ack = commit(
        &mut r,
        step,
        VoteWritten {
            inserted: false,
            time: 11,
        },
    );
    assert!(ack.duplicate);
    assert_eq!(r.events().len(), 1);
}

#[test]
fn votes_over_the_rate_limit_are_refused_until_the_bucket_refills() {
    let mut r = room_with(
        3,
        Limits {
            votes_per_second: 1,
            vote_burst: 2,
            ..Limits::default()
        },
    );
    let now = Instant::now();
    for i in 0..2 {
        let step = cmd::check_vote(&r, 0, &vote(&format!("v{i}"), i), now);
        commit(
            &mut r,
            step,
            VoteWritten {
                inserted: true,
                time: i64::from(i),
            },
        );
    }
    let e = err(cmd::check_vote(&r, 0, &vote("v2", 2), now));
    assert!(matches!(e, RoomError::RateLimited { rate: 1 }), "{e}");
    // Another participant has their own bucket; a second later there is a token again.
    assert!(cmd::check_vote(&r, 1, &vote("v2", 2), now).is_ok());
    let later = now + Duration::from_millis(1100);
    assert!(cmd::check_vote(&r, 0, &vote("v2", 2), later).is_ok());
}

#[test]
fn an_over_long_or_empty_statement_is_refused() {
    let r = room();
    let long = "字".repeat(281);
    let e = err(cmd::check_add_statement(
        &r,
        Some(0),
        &statement(None, &long),
        2,
    ));
    assert!(
        matches!(
            e,
            RoomError::StatementTooLong {
                chars: 281,
                max: 280
            }
        ),
        "{e}"
    );
    let e = err(cmd::check_add_statement(
        &r,
        Some(0),
        &statement(None, "   "),
        2,
    ));
    assert!(matches!(e, RoomError::EmptyStatement), "{e}");
}

#[test]
fn statements_respect_the_room_settings_and_limit() {
    let mut r = room_with(
        2,
        Limits {
            max_statements_per_room: 3,
            ..Limits::default()
        },
    );
    let settings = RoomSettings {
        participants_can_add: false,
        ..RoomSettings::default()
    };
    let step = cmd::check_set_field(&r, RoomField::Settings(settings));
    commit(&mut r, step, ());
    let e = err(cmd::check_add_statement(
        &r,
        Some(0),
        &statement(None, "x"),
        2,
    ));
    assert!(matches!(e, RoomError::ParticipantsCannotAdd), "{e}");
    // The facilitator may; then the room is full.
    let step = cmd::check_add_statement(&r, None, &statement(None, "x"), 2);
    let added = commit(&mut r, step, None);
    assert_eq!(added.statement.id, 2);
    let e = err(cmd::check_add_statement(&r, None, &statement(None, "y"), 2));
    assert!(matches!(e, RoomError::StatementLimit { max: 3 }), "{e}");
    let bad = RoomSettings {
        statement_max_chars: 0,
        ..RoomSettings::default()
    };
    assert!(matches!(
        err(cmd::check_set_field(&r, RoomField::Settings(bad))),
        RoomError::BadStatementLimit
    ));
}

#[test]
fn a_strict_room_holds_participant_statements_for_moderation() {
    let mut r = room();
    let settings = RoomSettings {
        moderation: ModerationMode::Strict,
        ..RoomSettings::default()
    };
    let step = cmd::check_set_field(&r, RoomField::Settings(settings));
    commit(&mut r, step, ());
    let step = cmd::check_add_statement(&r, Some(0), &statement(Some("s1"), " Mine "), 2);
    let added = commit(&mut r, step, None);
    assert_eq!(added.statement.moderation, ModerationState::Pending);
    assert_eq!(added.statement.text, "Mine");
    let step = cmd::check_add_statement(&r, None, &statement(None, "Host's"), 2);
    assert_eq!(
        commit(&mut r, step, None).statement.moderation,
        ModerationState::Accepted
    );
}

#[test]
fn a_resent_statement_id_counts_once_even_when_racing() {
    let mut r = room();
    let req = statement(Some("s1"), "Same");
    // Two requests with one id, both checked before either is stored: distinct sids reserved.
    let (a, b) = match (cmd::check_add_statement(&r, Some(0), &req, 2).unwrap(), ()) {
        (Step::Write(a), ()) => {
            a.reserve(&mut r);
            match cmd::check_add_statement(&r, Some(0), &req, 3).unwrap() {
                Step::Write(b) => {
                    b.reserve(&mut r);
                    (a, b)
                }
                Step::Done(_) => unreachable!(),
            }
        }
        (Step::Done(_), ()) => unreachable!(),
    };
    assert_ne!(a.statement.sid, b.statement.sid);
    // The store inserted `a` and told `b` so; `b` happens to apply first.
    let stored = a.statement.clone();
    let (b_added, _) = b.apply(&mut r, Some(stored));
    assert!(b_added.duplicate);
    assert_eq!(b_added.statement.id, a.statement.sid);
    let sid = a.statement.sid;
    let (a_added, _) = a.apply(&mut r, None);
    assert!(!a_added.duplicate);
    assert_eq!(a_added.statement.id, sid);
    assert_eq!(
        r.statements().values().filter(|s| s.text == "Same").count(),
        1
    );
    // Later resends are answered from memory.
    assert!(
        matches!(cmd::check_add_statement(&r, Some(0), &req, 4).unwrap(), Step::Done(d) if d.duplicate)
    );
}

#[test]
fn spectrum_rules_unknown_round_not_open_out_of_range() {
    let mut r = room();
    assert!(matches!(
        err(cmd::check_start_spectrum(&r, 9, 2)),
        RoomError::NotAccepted(9)
    ));
    let step = cmd::check_start_spectrum(&r, 1, 2);
    let id = commit(&mut r, step, ());
    assert_eq!(r.info().stage, Stage::Spectrum);
    let place = |round, position| SpectrumPosition {
        id: None,
        spectrum: id,
        round,
        position,
    };
    let e = err(cmd::check_position(&r, 0, &place(2, 1)));
    assert!(matches!(e, RoomError::RoundNotOpen(2)), "{e}");
    assert!(matches!(
        err(cmd::check_position(&r, 0, &place(1, 3))),
        RoomError::PositionOutOfRange
    ));
    let unknown = SpectrumPosition {
        spectrum: 5,
        ..place(1, 0)
    };
    assert!(matches!(
        err(cmd::check_position(&r, 0, &unknown)),
        RoomError::UnknownSpectrum(5)
    ));
    assert!(matches!(
        err(cmd::check_spectrum_round(&r, id, Some(3))),
        RoomError::NoRound { next: 2, .. }
    ));
    assert!(matches!(
        err(cmd::check_spectrum_round(&r, 5, Some(2))),
        RoomError::UnknownSpectrum(5)
    ));
    let step = cmd::check_position(&r, 0, &place(1, -2));
    commit(&mut r, step, ());
    let step = cmd::check_spectrum_round(&r, id, Some(2));
    commit(&mut r, step, ());
    assert!(cmd::check_position(&r, 0, &place(2, 1)).is_ok());
    assert_eq!(r.spectrum(id).unwrap().positions[0].get(&0), Some(&-2));
    // A second spectrum closes the first and gets its own id.
    let step = cmd::check_start_spectrum(&r, 2, 3);
    let second = commit(&mut r, step, ());
    assert_ne!(second, id);
    assert_eq!(r.spectrum(id).unwrap().open_round, None);
}

#[test]
fn the_statement_showing_stays_until_voted_on() {
    let mut r = room_with(5, Limits::default());
    let first = routing::route(&r, 0, None);
    let shown = first.next.unwrap();
    r.show(0, first.next);
    // Whatever the chooser would pick now, the statement on screen stays.
    for _ in 0..3 {
        assert_eq!(routing::route(&r, 0, None).next, Some(shown));
    }
    let step = cmd::check_vote(&r, 0, &vote("v", shown), Instant::now());
    commit(
        &mut r,
        step,
        VoteWritten {
            inserted: true,
            time: 5,
        },
    );
    let after = routing::route(&r, 0, None);
    assert_ne!(after.next, Some(shown));
    assert_eq!((after.voted, after.total), (1, 5));
    // Rejecting the statement on screen moves the phone on too.
    r.show(0, after.next);
    let step = cmd::check_moderate(&r, after.next.unwrap(), ModerationState::Rejected);
    commit(&mut r, step, ()).unwrap();
    let moved = routing::route(&r, 0, None);
    assert_ne!(moved.next, after.next);
    assert_eq!(moved.total, 4);
}

mod admission;
mod controls;
mod tables;

#[test]
fn ids_at_u32_max_are_never_handed_out_or_wrapped() {
    let mut r = room();
    r.in_flight.next_pid = u32::MAX - 1;
    r.in_flight.next_sid = u32::MAX - 1;
    let now = Instant::now();
    let step = cmd::check_join(&r, cmd::JoinRequest::trusted("a".into(), 2, now));
    commit(&mut r, step, ());
    assert!(r.participants.contains_key(&(u32::MAX - 1)));
    assert!(matches!(
        err(cmd::check_join(
            &r,
            cmd::JoinRequest::trusted("b".into(), 2, now)
        )),
        RoomError::Full { .. }
    ));
    let step = cmd::check_add_statement(&r, Some(0), &statement(Some("s1"), "one"), 2);
    commit(&mut r, step, None);
    assert!(r.statements.contains_key(&(u32::MAX - 1)));
    let s = statement(Some("s2"), "two");
    assert!(matches!(
        err(cmd::check_add_statement(&r, Some(0), &s, 2)),
        RoomError::StatementLimit { .. }
    ));
}

#[test]
fn a_statement_is_normalised_and_refused_when_the_room_has_it() {
    let mut r = room();
    let step =
        cmd::check_add_statement(&r, Some(0), &statement(Some("a"), " Fares\u{200B}  up "), 2);
    let added = commit(&mut r, step, None);
    assert_eq!(added.statement.text, "Fares up");
    let again = statement(Some("b"), "Fares\u{3000}up");
    assert!(matches!(
        err(cmd::check_add_statement(&r, Some(1), &again, 3)),
        RoomError::DuplicateStatement
    ));
    // A seed's text counts too, and the facilitator is refused alike.
    let seed = statement(None, "statement 0");
    assert!(matches!(
        err(cmd::check_add_statement(&r, None, &seed, 3)),
        RoomError::DuplicateStatement
    ));
    // Once rejected, the text may be said again.
    let sid = added.statement.id;
    let step = cmd::check_moderate(&r, sid, ModerationState::Rejected);
    commit(&mut r, step, ()).unwrap();
    assert!(cmd::check_add_statement(&r, Some(1), &again, 4).is_ok());
}
