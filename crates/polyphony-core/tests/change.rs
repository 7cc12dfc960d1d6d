//! Opinion change between two moments: nothing changed, symmetry, planted shifts, and change
//! measured on the same people whatever the groups do.

#![allow(clippy::unwrap_used)] // Tests may fail loudly.

use std::collections::BTreeMap;

use polyphony_core::{
    opinion_change, panel_change, Analysis, AnalysisParams, Answer, Conversation, Preset, Vote,
    VoteEvent, VoteMatrix,
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

type Moment = (Analysis, VoteMatrix);

fn pair(first: &[VoteEvent], second: &[VoteEvent], seed: u64) -> (Moment, Moment) {
    let mut conv = conversation(seed);
    conv.add_votes(first);
    let before = (conv.update(), conv.matrix().clone());
    conv.add_votes(second);
    (before, (conv.update(), conv.matrix().clone()))
}

fn change(a: &Moment, b: &Moment) -> polyphony_core::OpinionChange {
    opinion_change(&a.0, &a.1, &b.0, &b.1)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn comparing_a_snapshot_with_itself_finds_no_change(votes in random_votes(), seed in 0u64..5) {
        let mut conv = conversation(seed);
        conv.add_votes(&votes);
        let a = (conv.update(), conv.matrix().clone());
        let change = change(&a, &a);
        prop_assert!(change.panel.items.iter().all(|i| i.everyone.moved() == 0 && i.everyone.mean_shift() == 0.0));
        prop_assert_eq!(change.moved, 0);
        prop_assert!(change.moves.is_empty());
        prop_assert!(change.consensus_gained.is_empty() && change.consensus_lost.is_empty());
        prop_assert!(change.distances.iter().all(|d| d.before == d.after));
        prop_assert!(change.panel.most_moved(5).is_empty());
    }

    /// The property: a room where nobody changes a vote shows no change, however the
    /// groups move (here: more people join, the engine regroups, other seeds are used).
    #[test]
    fn nobody_changing_a_vote_shows_no_change_whatever_the_regrouping(
        first in random_votes(), newcomers in random_votes(), seed in 0u64..5, other_seed in 0u64..5
    ) {
        let mut conv = conversation(seed);
        conv.add_votes(&first);
        let before = (conv.update(), conv.matrix().clone());
        // Newcomers (ids 100+) vote; nobody who voted before votes again.
        let late: Vec<VoteEvent> = newcomers
            .iter()
            .map(|v| VoteEvent::new(v.participant + 100, v.statement, v.vote, 1))
            .collect();
        let mut again = conversation(other_seed);
        again.add_votes(&first);
        again.add_votes(&late);
        let after = (again.update(), again.matrix().clone());
        let c = change(&before, &after);
        for item in &c.panel.items {
            prop_assert_eq!(item.everyone.moved(), 0);
            prop_assert_eq!(item.everyone.mean_shift(), 0.0);
            for g in &item.groups {
                prop_assert_eq!(g.shift.moved(), 0);
                prop_assert_eq!(g.shift.mean_shift(), 0.0);
            }
        }
        prop_assert!(c.panel.most_moved(usize::MAX).is_empty());
        prop_assert_eq!(c.moved, 0, "nobody who kept their votes is said to have moved");
    }

    /// Each person's own move is counted once per item: the panel's counts add up to the people
    /// who answered both times, and moving everyone's answer one way is seen as exactly that.
    #[test]
    fn the_panel_counts_each_person_once(
        votes in random_votes(), flip in prop::collection::vec(any::<bool>(), 30), groups in prop::collection::vec(0u32..3, 30)
    ) {
        let mut m = VoteMatrix::default();
        m.apply(&votes);
        let before = Answer::votes(&m);
        let after: Vec<Answer> = before
            .iter()
            .map(|a| Answer { position: if flip[a.participant as usize] { -a.position } else { a.position }, ..*a })
            .collect();
        let membership: BTreeMap<u32, u32> = (0..30).map(|p| (p, groups[p as usize])).collect();
        let c = panel_change(&before, &after, &membership);
        for item in &c.items {
            let e = item.everyone;
            prop_assert_eq!(e.toward_agree + e.toward_disagree + e.stayed, e.answered_both);
            let by_group: u32 = item.groups.iter().map(|g| g.shift.answered_both).sum();
            prop_assert_eq!(by_group, e.answered_both);
            let expected_moves = before
                .iter()
                .filter(|a| a.item == item.item && flip[a.participant as usize] && a.position != 0)
                .count() as u32;
            prop_assert_eq!(e.moved(), expected_moves);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn swapping_the_snapshots_reverses_the_change(
        first in random_votes(), second in random_votes(), seed in 0u64..5
    ) {
        let (a, b) = pair(&first, &second, seed);
        let forward = change(&a, &b);
        let back = change(&b, &a);
        prop_assert_eq!(forward.panel.items.len(), back.panel.items.len());
        for (f, r) in forward.panel.items.iter().zip(&back.panel.items) {
            prop_assert_eq!(f.item, r.item);
            prop_assert_eq!(f.everyone.toward_agree, r.everyone.toward_disagree);
            prop_assert!((f.everyone.mean_shift() + r.everyone.mean_shift()).abs() < 1e-12);
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
    let change = change(&before, &after);
    let top = change.panel.most_moved(10);
    assert_eq!(top.len(), 1, "people moved on one statement only: {top:?}");
    assert_eq!(top[0].item, 0);
    assert_eq!(top[0].everyone.toward_agree, 6);
    assert_eq!(top[0].everyone.answered_both, 12);
    assert!((top[0].everyone.mean_shift() - 1.0).abs() < 1e-12);
    // All six movers are one group of the first moment; the other group stayed.
    let moved: Vec<(Option<u32>, u32)> = top[0]
        .groups
        .iter()
        .map(|g| (g.group, g.shift.toward_agree))
        .collect();
    assert_eq!(moved.iter().map(|m| m.1).sum::<u32>(), 6);
    assert!(
        moved.iter().any(|m| m.1 == 0) && moved.iter().any(|m| m.1 == 6),
        "{moved:?}"
    );
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
    let change = change(&before, &after);
    assert_eq!(change.moved, 3, "{:?}", change.moves);
    assert_eq!(change.moves.len(), 1);
    assert_ne!(change.moves[0].from, change.moves[0].to);
    let json = serde_json::to_string(&change).unwrap();
    assert!(
        !json.contains("participant"),
        "the change names no one: {json}"
    );
}
