//! The engine as a live room drives it: votes arrive a few at a time, with an update after each
//! batch (warm starts all the way).
#![allow(clippy::unwrap_used)]

use polyphony_core::{AnalysisParams, Conversation, Preset, Vote, VoteEvent};

/// Camp 0 and camp 1 split on the first half of the statements and agree on the rest.
fn camp_vote(camp: usize, s: usize, n: usize) -> Vote {
    if s < n / 2 && (camp == 0) != s.is_multiple_of(2) {
        Vote::Disagree
    } else {
        Vote::Agree
    }
}

#[test]
fn two_perfectly_opposed_camps_stay_two_groups_to_the_last_vote() {
    // Once everyone has voted on everything, the data has one direction of disagreement
    // (rank 1); the workshop preset must still place the camps apart.
    let n = 10;
    let mut c = Conversation::new(
        AnalysisParams::builder(Preset::Workshop)
            .seed(3)
            .build()
            .unwrap(),
    );
    let mut t = 0;
    for round in 0..n {
        for p in 0..8u32 {
            t += 1;
            let s = (round + p as usize * 3) % n;
            c.add_votes(&[VoteEvent::new(
                p,
                s as u32,
                camp_vote(p as usize % 2, s, n),
                t,
            )]);
        }
        let a = c.update();
        if round + 1 < 7 {
            continue;
        }
        let groups = a.groups.expect("groups once 7+ participants have 7 votes");
        let members: Vec<Vec<u32>> = groups.groups.iter().map(|g| g.members.clone()).collect();
        assert_eq!(
            members,
            [vec![0, 2, 4, 6], vec![1, 3, 5, 7]],
            "after round {round}"
        );
    }
}
