//! Discussion tables: forming, seating, reporters, notes, consent — one rule per test.

use super::*;
use crate::room::commands::Outcome;
use crate::room::views;
use polyphony_protocol::{
    Consent, NewNote, PassReporter, TableMode, TablesRequest, WithdrawNote, NOTES_PER_PARTICIPANT,
};

/// A room with participants 0 … n−1 (joined through the command).
fn crowd(n: u32) -> Room {
    let mut r = room();
    for i in 2..n {
        let step = cmd::check_join(
            &r,
            cmd::JoinRequest::trusted(format!("token-{i}"), 2, Instant::now()),
        );
        commit(&mut r, step, ());
    }
    r
}

fn form(r: &mut Room, mode: TableMode, size: u8) -> u32 {
    let step = cmd::check_form_tables(r, None, &TablesRequest { mode, size }, 3);
    commit(r, step, ())
}

fn note(id: &str, text: &str) -> NewNote {
    NewNote {
        id: id.into(),
        text: text.into(),
    }
}

fn add(r: &mut Room, pid: u32, id: &str, text: &str) -> u32 {
    let step = cmd::check_add_note(r, pid, &note(id, text), 4);
    commit(r, step, None).note
}

fn reporter_of(r: &Room, pid: u32) -> u32 {
    let (plan, table) = r.tables().seat_of(pid).unwrap();
    plan.reporter(table).unwrap()
}

#[test]
fn forming_tables_in_a_closed_room_is_refused() {
    let mut r = crowd(4);
    closed(&mut r);
    let req = TablesRequest {
        mode: TableMode::Mixed,
        size: 8,
    };
    assert!(matches!(
        err(cmd::check_form_tables(&r, None, &req, 3)),
        RoomError::Closed
    ));
}

#[test]
fn a_table_size_outside_2_to_20_is_refused() {
    let r = crowd(4);
    for size in [0, 1, 21] {
        let req = TablesRequest {
            mode: TableMode::Mixed,
            size,
        };
        assert!(matches!(
            err(cmd::check_form_tables(&r, None, &req, 3)),
            RoomError::BadTableSize(s) if s == size
        ));
    }
}

#[test]
fn forming_seats_everyone_draws_one_reporter_per_table_and_moves_the_stage() {
    let mut r = crowd(10);
    assert_eq!(form(&mut r, TableMode::Mixed, 4), 1);
    let plan = r.tables().current().unwrap();
    assert_eq!(plan.plan.tables.len(), 3);
    for pid in 0..10 {
        assert!(plan.plan.table_of(pid).is_some(), "{pid} has no seat");
    }
    for t in &plan.plan.tables {
        assert!(t.members.len() <= 4);
        assert!(t.has(plan.reporter(t.number).unwrap()));
    }
    assert_eq!(r.info().stage, Stage::Tables);
    let view = views::tables_view(&r, None).unwrap();
    assert!(view.reporters_ready);
    assert_eq!(view.tables.iter().map(|t| t.size).sum::<u32>(), 10);
}

#[test]
fn a_join_while_tables_exist_seats_the_newcomer() {
    let mut r = crowd(3);
    form(&mut r, TableMode::Mixed, 2);
    let step = cmd::check_join(
        &r,
        cmd::JoinRequest::trusted("late".into(), 5, Instant::now()),
    );
    commit(&mut r, step, ());
    let (_, table) = r.tables().seat_of(3).unwrap();
    let plan = r.tables().current().unwrap();
    assert!(plan.plan.tables.iter().all(|t| t.members.len() <= 2));
    assert!(plan.plan.table(table).unwrap().has(3));
    // A fifth opens table 3, and is its reporter.
    let step = cmd::check_join(
        &r,
        cmd::JoinRequest::trusted("later".into(), 6, Instant::now()),
    );
    commit(&mut r, step, ());
    assert_eq!(r.tables().seat_of(4).unwrap().1, 3);
    assert_eq!(reporter_of(&r, 4), 4);
}

#[test]
fn a_note_from_a_participant_without_a_seat_is_refused() {
    let r = crowd(3);
    assert!(matches!(
        err(cmd::check_add_note(&r, 0, &note("n", "hi"), 4)),
        RoomError::NotSeated
    ));
}

#[test]
fn a_note_is_trimmed_non_empty_and_at_most_280_characters() {
    let mut r = crowd(3);
    form(&mut r, TableMode::Mixed, 8);
    assert!(matches!(
        err(cmd::check_add_note(&r, 0, &note("n", "   "), 4)),
        RoomError::EmptyNote
    ));
    let long = "é".repeat(281);
    assert!(matches!(
        err(cmd::check_add_note(&r, 0, &note("n", &long), 4)),
        RoomError::NoteTooLong {
            chars: 281,
            max: 280
        }
    ));
    let id = add(&mut r, 0, "n", &format!("  {}  ", "é".repeat(280)));
    assert_eq!(r.tables().notes[&id].text.chars().count(), 280);
}

#[test]
fn a_participant_writes_at_most_20_notes_per_plan() {
    let mut r = crowd(3);
    form(&mut r, TableMode::Mixed, 8);
    for i in 0..NOTES_PER_PARTICIPANT {
        add(&mut r, 0, &format!("n{i}"), "x");
    }
    assert!(matches!(
        err(cmd::check_add_note(&r, 0, &note("last", "x"), 4)),
        RoomError::TooManyNotes { max: 20 }
    ));
    add(&mut r, 1, "other", "x");
}

#[test]
fn a_resent_note_id_counts_once() {
    let mut r = crowd(3);
    form(&mut r, TableMode::Mixed, 8);
    let first = add(&mut r, 0, "n", "hello");
    match cmd::check_add_note(&r, 0, &note("n", "hello"), 4).unwrap() {
        Step::Done(ack) => assert!(ack.duplicate && ack.note == first),
        Step::Write(_) => panic!("a resend must not write"),
    }
    assert_eq!(r.tables().notes.len(), 1);
}

#[test]
fn a_note_goes_to_its_authors_table_only() {
    let mut r = crowd(4);
    form(&mut r, TableMode::Mixed, 2);
    let id = add(&mut r, 0, "n", "ours");
    let mine = views::phone_table(&r, 0, None).unwrap();
    assert!(mine.notes.iter().any(|n| n.id == id && n.mine));
    let other = (1..4)
        .find(|p| r.tables().seat_of(*p).unwrap().1 != mine.number)
        .unwrap();
    assert!(views::phone_table(&r, other, None)
        .unwrap()
        .notes
        .is_empty());
}

#[test]
fn only_its_author_withdraws_a_note() {
    let mut r = crowd(3);
    form(&mut r, TableMode::Mixed, 8);
    let id = add(&mut r, 0, "n", "hello");
    let w = WithdrawNote {
        id: "w".into(),
        note: id,
    };
    assert!(matches!(
        err(cmd::check_withdraw_note(&r, 1, &w)),
        RoomError::NotYourNote
    ));
    let step = cmd::check_withdraw_note(&r, 0, &w);
    assert!(!commit(&mut r, step, Outcome::Done).unwrap().duplicate);
    assert!(r.tables().notes[&id].withdrawn);
    // Resent: counts once.
    let step = cmd::check_withdraw_note(&r, 0, &w);
    assert!(commit(&mut r, step, Outcome::Done).unwrap().duplicate);
}

#[test]
fn a_released_note_cannot_be_withdrawn_and_a_withdrawn_one_not_released() {
    let mut r = crowd(3);
    form(&mut r, TableMode::Mixed, 8);
    let a = add(&mut r, 0, "a", "released");
    let step = cmd::check_release_note(&r, a);
    assert!(commit(&mut r, step, true).unwrap().released);
    let w = WithdrawNote {
        id: "w".into(),
        note: a,
    };
    assert!(matches!(
        err(cmd::check_withdraw_note(&r, 0, &w)),
        RoomError::NoteReleased(_)
    ));
    // A release that wins the race inside the commit refuses the withdrawal.
    let b = add(&mut r, 0, "b", "raced");
    let w = WithdrawNote {
        id: "w2".into(),
        note: b,
    };
    let step = cmd::check_withdraw_note(&r, 0, &w);
    assert!(commit(&mut r, step, Outcome::Refused).is_err());
    let c = add(&mut r, 0, "c", "withdrawn");
    let w = WithdrawNote {
        id: "w3".into(),
        note: c,
    };
    let step = cmd::check_withdraw_note(&r, 0, &w);
    commit(&mut r, step, Outcome::Done).unwrap();
    assert!(matches!(
        err(cmd::check_release_note(&r, c)),
        RoomError::NoteWithdrawn(_)
    ));
}

#[test]
fn the_projector_sees_released_notes_only() {
    let mut r = crowd(3);
    form(&mut r, TableMode::Mixed, 8);
    let a = add(&mut r, 0, "a", "shown");
    add(&mut r, 1, "b", "hidden");
    let step = cmd::check_release_note(&r, a);
    commit(&mut r, step, true).unwrap();
    let view = views::tables_view(&r, None).unwrap();
    let texts: Vec<&str> = view
        .tables
        .iter()
        .flat_map(|t| t.notes.iter().map(|n| n.text.as_str()))
        .collect();
    assert_eq!(texts, ["shown"]);
}

#[test]
fn only_the_reporter_passes_and_someone_else_is_drawn() {
    let mut r = crowd(6);
    form(&mut r, TableMode::Mixed, 8);
    let reporter = reporter_of(&r, 0);
    let other = (0..6).find(|p| *p != reporter).unwrap();
    let pass = PassReporter { id: "p".into() };
    assert!(matches!(
        err(cmd::check_pass_reporter(&r, other, &pass)),
        RoomError::NotReporter
    ));
    let step = cmd::check_pass_reporter(&r, reporter, &pass);
    assert!(!commit(&mut r, step, Outcome::Done).duplicate);
    let next = reporter_of(&r, 0);
    assert_ne!(next, reporter);
    // The same id again passes once.
    let step = cmd::check_pass_reporter(&r, reporter, &pass);
    assert!(commit(&mut r, step, Outcome::Done).duplicate);
    assert_eq!(reporter_of(&r, 0), next);
    // Only the reporter's phone is told.
    let told: Vec<u32> = (0..6)
        .filter(|p| views::phone_table(&r, *p, None).unwrap().reporter)
        .collect();
    assert_eq!(told, [next]);
}

#[test]
fn consent_counts_once() {
    let mut r = crowd(2);
    let c = Consent { id: "c".into() };
    let step = cmd::check_consent(&r, 0, &c);
    assert!(!commit(&mut r, step, true).duplicate);
    assert!(views::consented(&r, 0));
    assert!(!views::consented(&r, 1));
    assert!(matches!(
        cmd::check_consent(&r, 0, &Consent { id: "c2".into() }).unwrap(),
        Step::Done(d) if d.duplicate
    ));
}

#[test]
fn dissolving_removes_every_seat_and_reforming_numbers_the_next_plan() {
    let mut r = crowd(4);
    assert!(matches!(
        err(cmd::check_dissolve_tables(&r)),
        RoomError::NoTables
    ));
    form(&mut r, TableMode::Mixed, 8);
    let step = cmd::check_dissolve_tables(&r);
    commit(&mut r, step, ());
    assert!(views::tables_view(&r, None).is_none());
    assert!(views::phone_table(&r, 0, None).is_none());
    assert_eq!(form(&mut r, TableMode::SameGroup, 8), 2);
}
