//! Invariants of the engine, on random conversations.

#![allow(clippy::unwrap_used)] // Tests may fail loudly.

use std::collections::BTreeMap;

use polyphony_core::{AnalysisParams, Conversation, EngineState, Preset, Vote, VoteEvent};
use proptest::prelude::*;

fn vote_strategy() -> impl Strategy<Value = Vec<VoteEvent>> {
    prop::collection::vec((0u32..40, 0u32..15, 0u8..3, 0i64..5), 1..400).prop_map(|v| {
        v.into_iter()
            .map(|(p, s, x, t)| {
                let vote = [Vote::Agree, Vote::Disagree, Vote::Pass][x as usize];
                VoteEvent::new(p, s, vote, t)
            })
            .collect()
    })
}

fn preset_strategy() -> impl Strategy<Value = Preset> {
    prop_oneof![Just(Preset::Workshop), Just(Preset::Polis)]
}

fn analyze(preset: Preset, votes: &[VoteEvent]) -> polyphony_core::Analysis {
    let params = AnalysisParams::builder(preset).build().expect("params");
    let mut conv = Conversation::new(params);
    conv.add_votes(votes);
    conv.update()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_in_conv_participant_has_exactly_one_group(votes in vote_strategy(), preset in preset_strategy()) {
        let a = analyze(preset, &votes);
        if let Some(groups) = &a.groups {
            let mut count: BTreeMap<u32, usize> = BTreeMap::new();
            for g in &groups.groups {
                for &p in &g.members {
                    *count.entry(p).or_default() += 1;
                }
            }
            for p in &a.in_conv {
                prop_assert_eq!(count.get(p).copied(), Some(1), "participant {}", p);
            }
            prop_assert_eq!(count.len(), a.in_conv.len());
            let max = if preset == Preset::Workshop { 3 } else { 5 };
            prop_assert!(groups.groups.len() <= max);
            for point in &a.participants {
                prop_assert_eq!(point.group.is_some(), point.in_conv);
            }
        } else {
            prop_assert!(a.participants.iter().all(|p| p.group.is_none()));
        }
    }

    #[test]
    fn results_do_not_depend_on_arrival_order_within_an_update(
        votes in vote_strategy(),
        seed in any::<u64>(),
        preset in preset_strategy(),
    ) {
        let mut shuffled = votes.clone();
        // A seeded Fisher–Yates shuffle.
        let mut x = seed | 1;
        for i in (1..shuffled.len()).rev() {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            shuffled.swap(i, (x % (i as u64 + 1)) as usize);
        }
        prop_assert_eq!(analyze(preset, &votes), analyze(preset, &shuffled));
    }

    #[test]
    fn restored_state_gives_the_same_next_update(votes in vote_strategy(), more in vote_strategy()) {
        let params = AnalysisParams::default();
        let mut live = Conversation::new(params.clone());
        live.add_votes(&votes);
        live.update();
        let json = serde_json::to_string(live.state()).expect("serialize");
        let state: EngineState = serde_json::from_str(&json).expect("deserialize");
        let mut restored = Conversation::with_state(params, state).expect("restore");
        restored.add_votes(&votes);
        live.add_votes(&more);
        restored.add_votes(&more);
        prop_assert_eq!(live.update(), restored.update());
    }

    #[test]
    fn scores_stay_in_range(votes in vote_strategy()) {
        let a = analyze(Preset::Workshop, &votes);
        for d in &a.divisive {
            prop_assert!((0.0..=1.0 + 1e-12).contains(&d.divisiveness));
        }
        for v in a.group_aware_consensus.values() {
            prop_assert!(*v > 0.0 && *v < 1.0);
        }
        for c in a.pca.components.iter() {
            let n: f64 = c.iter().map(|x| x * x).sum();
            prop_assert!(n == 0.0 || (n - 1.0).abs() < 1e-9);
        }
    }
}
