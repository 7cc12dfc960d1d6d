//! Groups belong to people: labels follow members across updates, and frozen groups stay put
//! while the live map moves.

#![allow(clippy::unwrap_used)] // Tests may fail loudly.

use std::collections::{BTreeMap, BTreeSet};

use polyphony_core::{
    match_labels, AnalysisParams, Conversation, FrozenGroups, GroupMembers, Preset, Vote, VoteEvent,
};
use proptest::prelude::*;

/// A partition of `0..n` people into `k` non-empty groups, from a random assignment.
fn partition() -> impl Strategy<Value = Vec<GroupMembers>> {
    (2usize..6, 6u32..40).prop_flat_map(|(k, n)| {
        prop::collection::vec(0..k as u32, n as usize).prop_map(move |owner| {
            let mut groups: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
            for (p, g) in owner.iter().enumerate() {
                groups.entry(*g).or_default().push(p as u32);
            }
            groups
                .into_values()
                .enumerate()
                .map(|(i, members)| GroupMembers {
                    id: i as u32,
                    members,
                })
                .collect()
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// The engine renumbered its groups but nobody moved: every label stays with its people.
    #[test]
    fn a_relabelled_but_unchanged_partition_keeps_every_label(
        previous in partition(), shuffle in any::<u64>()
    ) {
        let k = previous.len() as u32;
        // A permutation of the ids, from the seed.
        let mut ids: Vec<u32> = (0..k).collect();
        let mut x = shuffle;
        for i in (1..ids.len()).rev() {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ids.swap(i, (x >> 33) as usize % (i + 1));
        }
        let current: Vec<GroupMembers> = previous
            .iter()
            .zip(&ids)
            .map(|(g, &id)| GroupMembers { id: id + 10, members: g.members.clone() })
            .collect();
        let labels = match_labels(&previous, &current);
        for (g, c) in previous.iter().zip(&current) {
            prop_assert_eq!(labels[&c.id], g.id);
        }
    }

    /// A group that splits in two keeps its label on the larger part; the other groups keep
    /// theirs; the smaller part gets a label no one else holds.
    #[test]
    fn a_split_group_keeps_its_label_on_the_larger_part(
        previous in partition(), which in any::<prop::sample::Index>(), cut in any::<prop::sample::Index>()
    ) {
        let split = which.index(previous.len());
        let members = &previous[split].members;
        prop_assume!(members.len() >= 3);
        let at = 1 + cut.index(members.len() - 1);
        let (a, b) = members.split_at(at);
        prop_assume!(a.len() != b.len());
        let (larger, smaller) = if a.len() > b.len() { (a, b) } else { (b, a) };
        let mut current: Vec<GroupMembers> = previous
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != split)
            .map(|(i, g)| GroupMembers { id: 100 + i as u32, members: g.members.clone() })
            .collect();
        current.push(GroupMembers { id: 50, members: smaller.to_vec() });
        current.push(GroupMembers { id: 60, members: larger.to_vec() });
        let labels = match_labels(&previous, &current);
        prop_assert_eq!(labels[&60], previous[split].id);
        for (i, g) in previous.iter().enumerate().filter(|(i, _)| *i != split) {
            prop_assert_eq!(labels[&(100 + i as u32)], g.id);
        }
        let others: BTreeSet<u32> = previous.iter().map(|g| g.id).collect();
        prop_assert!(!others.contains(&labels[&50]));
    }

    /// Labels are always distinct, and every current group gets one.
    #[test]
    fn labels_are_distinct(previous in partition(), current in partition()) {
        let labels = match_labels(&previous, &current);
        prop_assert_eq!(labels.len(), current.len());
        let distinct: BTreeSet<u32> = labels.values().copied().collect();
        prop_assert_eq!(distinct.len(), current.len());
    }
}

/// Three camps of 10 on 9 statements; camp c agrees with statements s where s % 3 == c, and
/// each person passes on one statement of their own (so the map has more than a few points).
fn three_camps() -> Vec<VoteEvent> {
    (0..30u32).flat_map(|p| camp_votes(p, p / 10, 0)).collect()
}

/// Person `p` voting as camp `camp` at time `t`.
fn camp_votes(p: u32, camp: u32, t: i64) -> Vec<VoteEvent> {
    (0..9u32)
        .map(|s| {
            let v = if s == p % 9 {
                Vote::Pass
            } else if s % 3 == camp {
                Vote::Agree
            } else {
                Vote::Disagree
            };
            VoteEvent::new(p, s, v, t)
        })
        .collect()
}

fn label_of(a: &polyphony_core::Analysis) -> BTreeMap<u32, Option<u32>> {
    a.participants
        .iter()
        .map(|p| (p.participant, p.group))
        .collect()
}

#[test]
fn labels_follow_people_when_the_room_regroups() {
    let mut conv = Conversation::new(
        AnalysisParams::builder(Preset::Workshop)
            .seed(3)
            .build()
            .unwrap(),
    );
    conv.add_votes(&three_camps());
    let before = conv.update();
    let groups = before.groups.as_ref().unwrap();
    assert_eq!(
        groups.groups.len(),
        3,
        "three camps, three groups: {:?} {:?}",
        groups.silhouettes,
        groups
            .groups
            .iter()
            .map(|g| g.members.clone())
            .collect::<Vec<_>>()
    );
    let before_of = label_of(&before);
    // Camp 2 comes round to camp 1's votes: the votes now show two groups.
    let second: Vec<VoteEvent> = (20..30u32).flat_map(|p| camp_votes(p, 1, 1)).collect();
    conv.add_votes(&second);
    let mut after = conv.update();
    for _ in 0..6 {
        after = conv.update(); // the k smoother needs a few updates to accept 2
    }
    assert_eq!(after.groups.as_ref().unwrap().groups.len(), 2);
    let after_of = label_of(&after);
    // Camp 0 keeps its label; camp 1 keeps its label (it holds the merged group's larger part or
    // an equal one, and an optimum keeps camp 0 and one of the others).
    for p in 0..10u32 {
        assert_eq!(after_of[&p], before_of[&p], "camp 0 keeps its letter");
    }
    let merged: BTreeSet<Option<u32>> = (10..30u32).map(|p| after_of[&p]).collect();
    assert_eq!(merged.len(), 1, "camps 1 and 2 are one group now");
    let merged = *merged.iter().next().unwrap();
    assert!(merged == before_of[&10] || merged == before_of[&20]);
}

#[test]
fn frozen_groups_stay_while_the_live_map_moves() {
    let mut conv = Conversation::new(
        AnalysisParams::builder(Preset::Workshop)
            .seed(1)
            .build()
            .unwrap(),
    );
    conv.add_votes(&three_camps());
    let first = conv.update();
    let frozen = FrozenGroups::from_analysis(&first);
    conv.set_frozen_groups(Some(frozen.clone()));
    assert_eq!(frozen.groups.len(), 3);
    // Camp 2 now votes with camp 1, and newcomers arrive.
    let more: Vec<VoteEvent> = (20..30u32)
        .chain(40..46)
        .flat_map(|p| camp_votes(p, 1, 1))
        .collect();
    conv.add_votes(&more);
    let mut a = conv.update();
    for _ in 0..6 {
        a = conv.update();
    }
    let groups = a.groups.as_ref().unwrap();
    assert_eq!(
        FrozenGroups::from_analysis(&a),
        frozen,
        "the frozen membership is the groups"
    );
    let live = groups.live.unwrap();
    assert_eq!(
        live.count, 2,
        "the console can say: the votes now show 2 groups"
    );
    assert_eq!(
        live.switched, 10,
        "camp 2's ten people now vote with another group"
    );
    for p in &a.participants {
        assert_eq!(p.group, frozen.group_of(p.participant));
        if (40..46).contains(&p.participant) {
            assert_eq!(p.group, None, "joined after the freeze");
            assert!(p.live_group.is_some());
        }
    }
    // The frozen groups' tallies are their members' votes: camp 2 (frozen) now agrees with 1, 4, 7.
    let camp2 = frozen.group_of(20).unwrap();
    let g = groups.groups.iter().find(|g| g.id == camp2).unwrap();
    let col = a.statements.iter().position(|&s| s == 4).unwrap();
    assert_eq!(
        (g.tallies[col].agree, g.tallies[col].seen),
        (9, 10),
        "one of ten passes on 4"
    );
    // Unfreezing hands the groups back to the votes.
    conv.set_frozen_groups(None);
    let b = conv.update();
    assert!(b.groups.as_ref().unwrap().live.is_none());
    assert!(b.participants.iter().all(|p| p.live_group.is_none()));
}
