//! Planted data: the lab's tools find what was planted, and replay batches as documented.

use std::collections::BTreeMap;

use polyphony_core::{Vote, VoteEvent};

use crate::{compare, replay, Cadence, CompareParams, LabData, LabError, Pipeline, ReplayParams};

/// Three camps of 15 on 12 statements: camp c agrees with statement s when s % 3 == c, and
/// disagrees otherwise; participant p also passes on statement (p / 3 + 1) % 12, so positions differ.
fn three_camps() -> (Vec<VoteEvent>, BTreeMap<u32, u32>) {
    let mut votes = Vec::new();
    let mut camps = BTreeMap::new();
    for p in 0..45u32 {
        let camp = p % 3;
        camps.insert(p, camp);
        for s in 0..12u32 {
            let vote = if s == (p / 3 + 1) % 12 {
                Vote::Pass
            } else if s % 3 == camp {
                Vote::Agree
            } else {
                Vote::Disagree
            };
            votes.push(VoteEvent::new(
                p,
                s,
                vote,
                i64::from(p) * 10_000 + i64::from(s),
            ));
        }
    }
    (votes, camps)
}

#[test]
fn the_pipelines_score_one_against_the_planted_camps() {
    let (votes, camps) = three_camps();
    let data = LabData::new(votes).with_reference_groups(camps);
    let params = CompareParams::builder()
        .bootstrap(5)
        .seed(2)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let result = compare(&data, &params).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(result.reference_k, Some(3));
    assert_eq!(result.participants.len(), 45);
    for p in &result.pipelines {
        assert_eq!(p.resamples, 5, "{}", p.pipeline);
        assert!(p.time_ms.is_none(), "no clock, no time");
        if p.pipeline == Pipeline::Dbscan {
            // Density finds the tight knots each camp's passes make, so it splits the camps;
            // but none of its clusters mixes two camps.
            let mut camp_of_cluster: BTreeMap<u32, u32> = BTreeMap::new();
            for (participant, group) in result.participants.iter().zip(&p.groups) {
                if let Some(g) = group {
                    let camp = participant % 3;
                    assert_eq!(*camp_of_cluster.entry(*g).or_insert(camp), camp, "{p:?}");
                }
            }
            continue;
        }
        assert_eq!(p.k, Some(3), "{}: {p:?}", p.pipeline);
        assert_eq!(p.ari, Some(1.0), "{}", p.pipeline);
        assert_eq!(p.agreement, Some(1.0), "{}", p.pipeline);
    }
}

#[test]
fn the_same_seed_gives_the_same_comparison() {
    let (votes, camps) = three_camps();
    let data = LabData::new(votes).with_reference_groups(camps);
    let params = CompareParams::builder()
        .bootstrap(4)
        .pipelines(&[Pipeline::KMeans, Pipeline::Dbscan])
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(compare(&data, &params), compare(&data, &params));
}

#[test]
fn replay_batches_by_window_and_by_votes() {
    let (votes, _) = three_camps();
    let data = LabData::new(votes);
    // One participant every 10 s: one update per participant with 1-second windows.
    let every_second = ReplayParams::builder()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(replay(&data, &every_second).map(|r| r.updates), Ok(45));
    let by_votes = ReplayParams::builder()
        .cadence(Cadence::EveryVotes { votes: 100 })
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let r = replay(&data, &by_votes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.updates, 6); // 540 votes
    assert_eq!(r.analysis.participant_count, 45);
    assert_eq!(r.state.tick, r.analysis.tick);
}

#[test]
fn replay_refuses_votes_without_times() {
    let votes = vec![
        VoteEvent::new(1, 0, Vote::Agree, 0),
        VoteEvent::new(2, 0, Vote::Disagree, 0),
    ];
    let params = ReplayParams::builder()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        replay(&LabData::new(votes), &params).err(),
        Some(LabError::NoTimestamps)
    );
    assert_eq!(
        replay(&LabData::default(), &params).err(),
        Some(LabError::NoVotes)
    );
}
