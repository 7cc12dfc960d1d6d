//! Opinion change between two analyses: nothing changed, symmetry, and planted shifts.

#![allow(clippy::unwrap_used)] // Tests may fail loudly.

use polyphony_core::{
    opinion_change, Analysis, AnalysisParams, Conversation, Preset, Vote, VoteEvent,
};
use proptest::prelude::*;

/// Two camps of `n` on `statements` statements: camp A agrees with the even ones.
fn camps(n: u32, statements: u32) -> Vec<VoteEvent> {
    let mut votes = Vec::new();
    for p in 0..2 * n {
        for s in 0..statements {
            let agree = (p < n) == (s % 2 == 0);
            let vote = if agree { Vote::Agree } else { Vote::Disagree };
            votes.push(VoteEvent::new(p, s, vote, 0));
        }
    }
    votes
}

fn conversation(seed: u64) -> Conversation {
    Conversation::new(
        AnalysisParams::builder(Preset::Workshop)
            .seed(seed)
            .build()
            .unwrap(),
    )
}

fn random_votes() -> impl Strategy<Value = Vec<VoteEvent>> {
    prop::collection::vec((0u32..30, 0u32..8, 0u8..3), 50..300).prop_map(|v| {
        v.into_iter()
            .map(|(p, s, x)| {
                VoteEvent::new(
                    p,
                    s,
                    [Vote::Agree, Vote::Disagree, Vote::Pass][x as usize],
                    0,
                )
            })
            .collect()
    })
}

fn pair(first: &[VoteEvent], second: &[VoteEvent], seed: u64) -> (Analysis, Analysis) {
    let mut conv = conversation(seed);
    conv.add_votes(first);
    let before = conv.update();
    conv.add_votes(second);
    (before, conv.update())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn comparing_a_snapshot_with_itself_finds_no_change(votes in random_votes(), seed in 0u64..5) {
        let mut conv = conversation(seed);
        conv.add_votes(&votes);
        let a = conv.update();
        let change = opinion_change(&a, &a);
        prop_assert!(change.statements.iter().all(|s| s.agree_shift() == 0.0 && s.disagree_shift() == 0.0));
        prop_assert_eq!(change.moved, 0);
        prop_assert!(change.moves.is_empty());
        prop_assert!(change.consensus_gained.is_empty() && change.consensus_lost.is_empty());
        prop_assert!(change.distances.iter().all(|d| d.before == d.after));
        prop_assert!(change.largest_shifts(5).is_empty());
    }

    #[test]
    fn swapping_the_snapshots_reverses_the_change(
        first in random_votes(), second in random_votes(), seed in 0u64..5
    ) {
        let (a, b) = pair(&first, &second, seed);
        let forward = opinion_change(&a, &b);
        let back = opinion_change(&b, &a);
        prop_assert_eq!(forward.statements.len(), back.statements.len());
        for (f, r) in forward.statements.iter().zip(&back.statements) {
            prop_assert_eq!((f.statement, f.group), (r.statement, r.group));
            prop_assert!((f.agree_shift() + r.agree_shift()).abs() < 1e-12);
            prop_assert!((f.disagree_shift() + r.disagree_shift()).abs() < 1e-12);
        }
        prop_assert_eq!(&forward.consensus_gained, &back.consensus_lost);
        prop_assert_eq!(&forward.consensus_lost, &back.consensus_gained);
        prop_assert_eq!(forward.moved, back.moved);
        for m in &forward.moves {
            prop_assert!(back.moves.iter().any(|r| r.from == m.to && r.to == m.from && r.count == m.count));
        }
    }
}

#[test]
fn a_planted_shift_is_found_and_nothing_else_moves() {
    // Camp B (6..12) comes round to statement 0 after discussion; nothing else changes.
    let second: Vec<VoteEvent> = (6..12)
        .map(|p| VoteEvent::new(p, 0, Vote::Agree, 1))
        .collect();
    let (before, after) = pair(&camps(6, 6), &second, 3);
    let change = opinion_change(&before, &after);
    let top = change.largest_shifts(10);
    assert_eq!(
        top.len(),
        1,
        "only one group moved on one statement: {top:?}"
    );
    assert_eq!(top[0].statement, 0);
    assert!((top[0].agree_shift() - 1.0).abs() < 1e-12);
    assert!((top[0].disagree_shift() + 1.0).abs() < 1e-12);
    // Statement 0 is now shared by the whole room.
    assert!(change.consensus_gained.contains(&0), "{change:?}");
    assert!(change.consensus_lost.is_empty());
    // The two camps stood apart on six statements; now on five: they came closer.
    assert_eq!(change.distances.len(), 1);
    assert!(change.distances[0].after < change.distances[0].before);
    assert_eq!(change.moved, 0);
}

#[test]
fn people_who_change_sides_are_counted_never_named() {
    // Three of camp B adopt camp A's votes on everything.
    let second: Vec<VoteEvent> = (9..12)
        .flat_map(|p| {
            (0..6).map(move |s| {
                let vote = if s % 2 == 0 {
                    Vote::Agree
                } else {
                    Vote::Disagree
                };
                VoteEvent::new(p, s, vote, 1)
            })
        })
        .collect();
    let (before, after) = pair(&camps(6, 6), &second, 3);
    let change = opinion_change(&before, &after);
    assert_eq!(change.moved, 3, "{:?}", change.moves);
    assert_eq!(change.moves.len(), 1);
    assert_ne!(change.moves[0].from, change.moves[0].to);
    let json = serde_json::to_string(&change).unwrap();
    assert!(
        !json.contains("participant"),
        "the change names no one: {json}"
    );
}
