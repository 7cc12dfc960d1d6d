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
        if p.pipeline.has_noise() {
            // Density (DBSCAN, HDBSCAN) finds the tight knots each camp's passes make, so it
            // splits the camps; but none of its clusters mixes two camps.
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

/// Two planted camps, 12 and 6, split on statements 0..20 and on 100 (the big camp agrees);
/// statement 101 bridges: 7 of 12 and 4 of 6 agree, a lower raw share than 100's 12 of 18.
fn two_camps_and_a_bridge() -> Vec<VoteEvent> {
    let mut votes = Vec::new();
    for p in 0..18u32 {
        let big = p < 12;
        let v = |agree: bool| if agree { Vote::Agree } else { Vote::Disagree };
        for s in 0..20u32 {
            votes.push(VoteEvent::new(p, s, v(big == (s % 2 == 0)), 0));
        }
        votes.push(VoteEvent::new(p, 100, v(big), 0));
        votes.push(VoteEvent::new(
            p,
            101,
            v(if big { p < 7 } else { p < 16 }),
            0,
        ));
    }
    votes
}

#[test]
fn compare_ranks_statements_by_bridging_beside_group_consensus() {
    let data = LabData::new(two_camps_and_a_bridge());
    let params = CompareParams::builder()
        .bootstrap(0)
        .pipelines(&[Pipeline::Polis])
        .repness_fdr(Some(0.05))
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let c = compare(&data, &params).unwrap_or_else(|e| panic!("{e}"));
    let s = &c.statements;
    let bridging = s.bridging.as_ref().unwrap_or_else(|| panic!("no bridging"));
    assert_eq!(bridging.statements[0].statement, 101, "{bridging:#?}");
    // The legacy form is the engine's group-aware consensus, bit for bit.
    let analysis = data.conversation(params.analysis().clone()).update();
    assert_eq!(s.consensus_form, crate::ConsensusForm::Legacy);
    assert_eq!(s.group_consensus.len(), 22);
    for r in &s.group_consensus {
        assert_eq!(
            analysis.group_aware_consensus.get(&r.statement).copied(),
            Some(r.score)
        );
    }
    // Polis's groups are the camps, so 11 also leads group-informed consensus.
    assert_eq!(
        s.group_consensus[0].statement, 101,
        "{:?}",
        s.group_consensus
    );
    // What survives false-discovery control splits the camps; the bridge never does.
    let fdr = s.repness_fdr.as_ref().unwrap_or_else(|| panic!("no fdr"));
    assert!(fdr.survivors > 0 && fdr.survivors <= fdr.polis_sufficient);
    assert!(fdr
        .groups
        .iter()
        .flat_map(|g| &g.statements)
        .all(|x| x.statement != 101));
}

#[test]
fn the_geometric_form_is_selectable() {
    let data = LabData::new(two_camps_and_a_bridge());
    let params = CompareParams::builder()
        .bootstrap(0)
        .pipelines(&[Pipeline::Polis])
        .consensus(crate::ConsensusForm::Geometric)
        .bridging(false)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let c = compare(&data, &params).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.statements.consensus_form, crate::ConsensusForm::Geometric);
    assert!(c.statements.bridging.is_none() && c.statements.repness_fdr.is_none());
    assert_eq!(c.statements.group_consensus[0].statement, 101);
    assert!(c.statements.group_consensus.iter().all(|r| r.score <= 1.0));
}
