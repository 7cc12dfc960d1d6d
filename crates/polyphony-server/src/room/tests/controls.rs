//! The facilitator's controls and spectrum rounds, one rule per test, on the plain model.

use std::time::Instant;

use polyphony_protocol::{ControlRequest, ModerationState, SpectrumPosition};

use super::*;

/// An analysis whose groups have these ids (each with one member, participant = id).
fn groups(ids: &[u32]) -> Option<polyphony_core::Analysis> {
    let mut a = polyphony_core::Conversation::new(Default::default()).update();
    if !ids.is_empty() {
        a.groups = Some(polyphony_core::OpinionGroups {
            silhouettes: Default::default(),
            best_k: ids.len() as u32,
            groups: ids
                .iter()
                .map(|&id| polyphony_core::OpinionGroup {
                    id,
                    label: polyphony_core::group_label(id as usize),
                    members: vec![id],
                    base_clusters: vec![],
                    center: [0.0, 0.0],
                    tallies: vec![],
                    representative: vec![],
                })
                .collect(),
            live: None,
        });
    }
    Some(a)
}

fn control(r: &mut Room, req: ControlRequest, now: i64, ids: &[u32]) {
    let step = cmd::check_control(r, &req, now, groups(ids).as_ref());
    commit(r, step, ());
}

fn place(r: &mut Room, pid: u32, spectrum: u32, round: u8, position: i8) {
    let req = SpectrumPosition {
        id: None,
        spectrum,
        round,
        position,
    };
    let step = cmd::check_position(r, pid, &req);
    commit(r, step, ());
}

#[test]
fn a_paused_room_refuses_votes_and_takes_them_again_on_resume() {
    let mut r = room();
    let now = Instant::now();
    control(&mut r, ControlRequest::PauseVoting, 5, &[]);
    assert!(r.info().controls.voting_paused);
    assert!(matches!(
        err(cmd::check_vote(&r, 0, &vote("v1", 0), now)),
        RoomError::VotingPaused
    ));
    control(&mut r, ControlRequest::ResumeVoting, 6, &[]);
    assert!(matches!(
        cmd::check_vote(&r, 0, &vote("v1", 0), now),
        Ok(Step::Write(_))
    ));
}

#[test]
fn a_timer_runs_one_to_thirty_minutes_from_now() {
    let mut r = room();
    for bad in [0, 31] {
        let req = ControlRequest::StartTimer { minutes: bad };
        assert!(matches!(
            err(cmd::check_control(&r, &req, 1, groups(&[]).as_ref())),
            RoomError::BadTimer { .. }
        ));
    }
    control(
        &mut r,
        ControlRequest::StartTimer { minutes: 5 },
        1_000,
        &[],
    );
    let t = r.info().controls.timer.unwrap();
    assert_eq!((t.started, t.seconds, t.ends()), (1_000, 300, 301_000));
    control(&mut r, ControlRequest::StopTimer, 2_000, &[]);
    assert_eq!(r.info().controls.timer, None);
}

#[test]
fn moving_the_room_on_stops_its_countdown_and_nothing_else() {
    let mut r = room();
    let stage = |r: &mut Room, s: Stage| {
        let step = cmd::check_set_field(r, RoomField::Stage(s));
        commit(r, step, ());
    };
    stage(&mut r, Stage::Tables);
    control(&mut r, ControlRequest::PauseVoting, 1, &[]);
    control(&mut r, ControlRequest::StartTimer { minutes: 10 }, 2, &[]);
    // The same stage again (a second click) leaves the countdown running.
    stage(&mut r, Stage::Tables);
    assert!(r.info().controls.timer.is_some());
    stage(&mut r, Stage::Report);
    assert_eq!(r.info().stage, Stage::Report);
    assert_eq!(r.info().controls.timer, None);
    assert!(r.info().controls.voting_paused, "other controls stay");
}

#[test]
fn the_spotlight_takes_only_a_statement_participants_see_and_leaves_with_it() {
    let mut r = room();
    let unknown = ControlRequest::Spotlight { statement: Some(9) };
    assert!(matches!(
        err(cmd::check_control(&r, &unknown, 1, groups(&[]).as_ref())),
        RoomError::NotAccepted(9)
    ));
    control(
        &mut r,
        ControlRequest::Spotlight { statement: Some(1) },
        1,
        &[],
    );
    assert_eq!(r.info().controls.spotlight, Some(1));
    // Rejecting the statement takes it off every screen, spotlight included.
    let step = cmd::check_moderate(&r, 1, ModerationState::Rejected);
    let _ = commit(&mut r, step, ());
    assert_eq!(r.info().controls.spotlight, None);
}

#[test]
fn a_group_is_named_only_while_it_exists_and_an_empty_name_clears_it() {
    let mut r = room();
    let name = |n: &str| ControlRequest::NameGroup {
        group: 1,
        name: n.into(),
    };
    assert!(matches!(
        err(cmd::check_control(
            &r,
            &name("Safety"),
            1,
            groups(&[0]).as_ref()
        )),
        RoomError::UnknownGroup(1)
    ));
    let long = "長".repeat(41);
    assert!(matches!(
        err(cmd::check_control(
            &r,
            &name(&long),
            1,
            groups(&[0, 1]).as_ref()
        )),
        RoomError::GroupNameTooLong { chars: 41, .. }
    ));
    control(&mut r, name("  Safety\u{200B} first "), 1, &[0, 1]);
    assert_eq!(r.info().controls.group_name(1), Some("Safety first"));
    control(&mut r, name("Safety second"), 2, &[0, 1]);
    assert_eq!(r.info().controls.group_names.len(), 1);
    // Clearing works even after the group is gone.
    control(&mut r, name(""), 3, &[]);
    assert_eq!(r.info().controls.group_name(1), None);
}

#[test]
fn a_second_vote_asks_again_statements_already_voted_until_voted_since() {
    let mut r = room();
    let now = Instant::now();
    for (id, sid) in [("a", 0), ("b", 1), ("c", 2)] {
        let step = cmd::check_vote(&r, 0, &vote(id, sid), now);
        let w = VoteWritten {
            inserted: true,
            time: 10,
        };
        let _ = commit(&mut r, step, w);
    }
    assert_eq!(routing::route(&r, 0, None).unvoted, Vec::<u32>::new());
    let bad = ControlRequest::OpenRevote { statements: vec![] };
    assert!(matches!(
        err(cmd::check_control(&r, &bad, 20, groups(&[]).as_ref())),
        RoomError::BadRevote { .. }
    ));
    let open = ControlRequest::OpenRevote {
        statements: vec![2, 0, 2],
    };
    control(&mut r, open, 20, &[]);
    let rv = r.info().controls.revote.clone().unwrap();
    assert_eq!((rv.id, rv.statements, rv.opened), (1, vec![0, 2], 20));
    let route = routing::route(&r, 0, None);
    assert_eq!(route.unvoted, vec![0, 2]);
    assert!(route.next.is_some_and(|s| s == 0 || s == 2));
    // Participant 1 never voted: everything is open to them as before.
    assert_eq!(routing::route(&r, 1, None).unvoted, vec![0, 1, 2]);
    // A vote since the second vote opened counts; the first vote stays in the history.
    let step = cmd::check_vote(&r, 0, &vote("d", 0), now);
    let w = VoteWritten {
        inserted: true,
        time: 30,
    };
    let _ = commit(&mut r, step, w);
    assert_eq!(routing::route(&r, 0, None).unvoted, vec![2]);
    assert_eq!(r.events().iter().filter(|e| e.participant == 0).count(), 4);
    control(&mut r, ControlRequest::CloseRevote, 40, &[]);
    assert_eq!(routing::route(&r, 0, None).unvoted, Vec::<u32>::new());
}

#[test]
fn statements_asked_again_come_before_new_ones_in_a_second_vote() {
    // Ten statements: a random pick among the unvoted would be one asked again 2 times in 9.
    let mut r = room_with(10, Limits::default());
    let now = Instant::now();
    // Participant 0 votes on 1 and 2; the second vote asks 1 and 2 again.
    for (id, sid) in [("a", 1), ("b", 2)] {
        let step = cmd::check_vote(&r, 0, &vote(id, sid), now);
        let w = VoteWritten {
            inserted: true,
            time: 10,
        };
        let _ = commit(&mut r, step, w);
    }
    let open = ControlRequest::OpenRevote {
        statements: vec![1, 2],
    };
    control(&mut r, open, 20, &[]);
    let route = routing::route(&r, 0, None);
    assert_eq!(
        route.unvoted,
        vec![1, 2, 0, 3, 4, 5, 6, 7, 8, 9],
        "asked again first, then the new ones"
    );
    assert!(
        route.next.is_some_and(|s| s == 1 || s == 2),
        "the next is one asked again: {:?}",
        route.next
    );
    // Participant 1 voted on none: nothing is asked again of them; every statement by id.
    assert_eq!(
        routing::route(&r, 1, None).unvoted,
        (0..10).collect::<Vec<u32>>()
    );
}

#[test]
fn a_spectrum_runs_any_number_of_rounds_in_order_and_each_opening_hides_its_counts() {
    let mut r = room();
    let step = cmd::check_start_spectrum(&r, 0, 1);
    let id = commit(&mut r, step, ());
    place(&mut r, 0, id, 1, -2);
    control(&mut r, ControlRequest::RevealSpectrum, 2, &[]);
    assert!(r.info().controls.spectrum_counts_shown);
    // Round 3 before round 2: refused, saying which rounds can open.
    assert!(matches!(
        err(cmd::check_spectrum_round(&r, id, Some(3))),
        RoomError::NoRound { next: 2, max: 9 }
    ));
    for round in 2..=4u8 {
        let step = cmd::check_spectrum_round(&r, id, Some(round));
        commit(&mut r, step, ());
        assert!(!r.info().controls.spectrum_counts_shown, "round {round}");
        place(&mut r, 0, id, round, -2 + round as i8);
    }
    let sp = r.spectrum(id).unwrap();
    assert_eq!(sp.rounds(), 4);
    assert_eq!(sp.round(4).unwrap().get(&0), Some(&2));
    // Reopening an earlier round is allowed; a new round beyond the last is the next only.
    let step = cmd::check_spectrum_round(&r, id, Some(2));
    commit(&mut r, step, ());
    assert!(matches!(
        err(cmd::check_spectrum_round(&r, id, Some(6))),
        RoomError::NoRound { next: 5, .. }
    ));
}

#[test]
fn snapshots_skip_an_unchanged_analysis_and_stop_at_the_cap() {
    let mut r = room();
    let a = std::sync::Arc::new(polyphony_core::Conversation::new(Default::default()).update());
    let step = cmd::check_snapshot(&r, Stage::Groups, 1, a.clone());
    commit(&mut r, step, ());
    assert_eq!(r.snapshots().len(), 1);
    // The same update at the same stage again: nothing new.
    assert!(matches!(
        cmd::check_snapshot(&r, Stage::Groups, 2, a.clone()),
        Ok(Step::Done(()))
    ));
    for i in 0..100 {
        let stage = if i % 2 == 0 {
            Stage::Report
        } else {
            Stage::Groups
        };
        let step = cmd::check_snapshot(&r, stage, 3 + i, a.clone());
        commit(&mut r, step, ());
    }
    assert_eq!(r.snapshots().len(), cmd::MAX_SNAPSHOTS);
    let seqs: Vec<u32> = r.snapshots().iter().map(|s| s.seq).collect();
    assert!(seqs.windows(2).all(|w| w[0] + 1 == w[1]));
}
