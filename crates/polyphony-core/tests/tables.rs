//! Invariants of the discussion-table plan, on random rooms.

#![allow(clippy::unwrap_used)] // Tests may fail loudly.

use std::collections::{BTreeMap, BTreeSet};

use polyphony_core::{
    AnalysisParams, Conversation, Preset, Seat, TableMode, TableParams, TablePlan, Vote, VoteEvent,
};
use proptest::prelude::*;

/// Up to 300 participants, 0–3 groups, some outside the clustering, scattered on the map.
fn room_strategy() -> impl Strategy<Value = Vec<Seat>> {
    (
        0u32..=3,
        prop::collection::vec((0u32..4, -50i32..50, any::<bool>()), 0..300),
    )
        .prop_map(|(groups, people)| {
            people
                .into_iter()
                .enumerate()
                .map(|(i, (g, x, voted))| Seat {
                    participant: i as u32 * 3 + 1,
                    group: (groups > 0 && g < groups).then_some(g),
                    position: voted.then_some([f64::from(x) / 10.0, 0.0]),
                })
                .collect()
        })
}

fn params(mode: TableMode, size: u8, seed: u64) -> TableParams {
    TableParams::builder(mode)
        .size(size)
        .seed(seed)
        .build()
        .unwrap()
}

fn sizes<'a>(tables: impl Iterator<Item = &'a polyphony_core::DiscussionTable>) -> (usize, usize) {
    let s: Vec<usize> = tables.map(|t| t.members.len()).collect();
    (
        s.iter().copied().min().unwrap_or(0),
        s.iter().copied().max().unwrap_or(0),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn everyone_sits_at_exactly_one_table_of_at_most_size(
        seats in room_strategy(), size in 2u8..=20, seed in any::<u64>(), mixed in any::<bool>()
    ) {
        let mode = if mixed { TableMode::Mixed } else { TableMode::SameGroup };
        let plan = TablePlan::form(&seats, &params(mode, size, seed));
        let mut seen = BTreeSet::new();
        for t in &plan.tables {
            prop_assert!(!t.members.is_empty(), "an empty table");
            prop_assert!(t.members.len() <= usize::from(size));
            for m in &t.members {
                prop_assert!(seen.insert(m.participant), "{} seated twice", m.participant);
            }
        }
        let everyone: BTreeSet<u32> = seats.iter().map(|s| s.participant).collect();
        prop_assert_eq!(seen, everyone);
        let numbers: Vec<u32> = plan.tables.iter().map(|t| t.number).collect();
        prop_assert_eq!(numbers, (1..=plan.tables.len() as u32).collect::<Vec<_>>());
    }

    #[test]
    fn same_group_tables_are_pure_and_even_within_each_group(
        seats in room_strategy(), size in 2u8..=20, seed in any::<u64>()
    ) {
        let plan = TablePlan::form(&seats, &params(TableMode::SameGroup, size, seed));
        let groups: BTreeSet<Option<u32>> = plan.tables.iter().map(|t| t.group).collect();
        for g in groups {
            let (lo, hi) = sizes(plan.tables.iter().filter(|t| t.group == g));
            prop_assert!(hi - lo <= 1, "group {g:?}: sizes {lo}..{hi}");
        }
        for t in &plan.tables {
            for m in &t.members {
                // Purity: a group member sits only at a table of their own group.
                if m.group.is_some() {
                    prop_assert_eq!(m.group, t.group);
                }
            }
        }
        // As few tables as the groups need: ⌈n_g / size⌉ each, plus outsiders' overflow.
        let mut per_group: BTreeMap<u32, usize> = BTreeMap::new();
        for s in &seats {
            if let Some(g) = s.group {
                *per_group.entry(g).or_default() += 1;
            }
        }
        let grouped_tables = plan.tables.iter().filter(|t| t.group.is_some()).count();
        let needed: usize = per_group.values().map(|n| n.div_ceil(usize::from(size))).sum();
        prop_assert_eq!(grouped_tables, needed);
    }

    #[test]
    fn mixed_tables_are_even_and_spread_every_group(
        seats in room_strategy(), size in 2u8..=20, seed in any::<u64>()
    ) {
        let plan = TablePlan::form(&seats, &params(TableMode::Mixed, size, seed));
        let (lo, hi) = sizes(plan.tables.iter());
        prop_assert!(hi - lo <= 1, "sizes {lo}..{hi}");
        let n = plan.tables.len();
        prop_assert_eq!(n, seats.len().div_ceil(usize::from(size)));
        let mut per_group: BTreeMap<u32, usize> = BTreeMap::new();
        for s in &seats {
            if let Some(g) = s.group {
                *per_group.entry(g).or_default() += 1;
            }
        }
        let group_count = per_group.len().max(1);
        let cap = usize::from(size).div_ceil(group_count) + 1;
        for t in &plan.tables {
            let counts = t.group_counts();
            for (&g, &total) in &per_group {
                let here = counts.get(&Some(g)).copied().unwrap_or(0) as usize;
                // The best any plan can do: ⌈n_g / tables⌉ …
                prop_assert!(here <= total.div_ceil(n), "group {g}: {here} of {total} at one of {n} tables");
                // … and the bound whenever the counts allow it.
                if total <= n * cap {
                    prop_assert!(here <= cap);
                }
                // Every table gets a member of a group big enough to reach every table.
                if total >= n {
                    prop_assert!(here >= 1);
                }
            }
        }
    }

    #[test]
    fn same_room_and_seed_give_the_same_plan_whatever_the_order(
        seats in room_strategy(), size in 2u8..=20, seed in any::<u64>(), mixed in any::<bool>()
    ) {
        let mode = if mixed { TableMode::Mixed } else { TableMode::SameGroup };
        let p = params(mode, size, seed);
        let mut shuffled = seats.clone();
        shuffled.reverse();
        shuffled.rotate_left(seats.len() / 3);
        prop_assert_eq!(TablePlan::form(&seats, &p), TablePlan::form(&shuffled, &p));
    }

    #[test]
    fn late_joiners_fill_the_smallest_tables(
        seats in room_strategy(), size in 2u8..=20, seed in any::<u64>(), late in 1u32..30
    ) {
        let mut plan = TablePlan::form(&seats, &params(TableMode::Mixed, size, seed));
        for i in 0..late {
            let (smallest, _) = sizes(plan.tables.iter());
            let tables_before = plan.tables.len();
            let number = plan.place(Seat::unplaced(10_000 + i));
            let table = plan.table(number).unwrap();
            prop_assert!(table.members.len() <= usize::from(size));
            if smallest < usize::from(size) && tables_before > 0 {
                // A table had room: the newcomer joined one of the smallest.
                prop_assert_eq!(table.members.len(), smallest + 1);
                prop_assert_eq!(plan.tables.len(), tables_before);
            } else {
                // Every table was full: a new one opened.
                prop_assert_eq!(table.members.len(), 1);
                prop_assert_eq!(number as usize, tables_before + 1);
            }
            // Placing again changes nothing.
            prop_assert_eq!(plan.place(Seat::unplaced(10_000 + i)), number);
        }
    }
}

#[test]
fn a_real_analysis_gives_pure_same_group_tables() {
    // Two camps of 12 who disagree on everything, and 3 people who joined but never voted.
    let mut votes = Vec::new();
    for p in 0..24u32 {
        for s in 0..10u32 {
            let camp_a = p < 12;
            let vote = if camp_a == (s % 2 == 0) {
                Vote::Agree
            } else {
                Vote::Disagree
            };
            votes.push(VoteEvent::new(p, s, vote, i64::from(p * 10 + s)));
        }
    }
    let mut conv = Conversation::new(
        AnalysisParams::builder(Preset::Workshop)
            .seed(5)
            .build()
            .unwrap(),
    );
    conv.add_votes(&votes);
    let analysis = conv.update();
    let seats = Seat::from_analysis(&analysis, &[100, 101, 102]);
    assert_eq!(seats.len(), 27);
    let plan = TablePlan::form(&seats, &params(TableMode::SameGroup, 8, 5));
    // 12 + 12 → 2 tables per camp (6 + 6); the 3 late joiners fill the smallest tables.
    assert_eq!(plan.tables.len(), 4);
    for t in &plan.tables {
        let camps: BTreeSet<bool> = t
            .members
            .iter()
            .filter(|m| m.participant < 100)
            .map(|m| m.participant < 12)
            .collect();
        assert_eq!(camps.len(), 1, "table {} mixes the camps", t.number);
    }
    let mixed = TablePlan::form(&seats, &params(TableMode::Mixed, 8, 5));
    for t in &mixed.tables {
        let camps: BTreeSet<bool> = t
            .members
            .iter()
            .filter(|m| m.participant < 100)
            .map(|m| m.participant < 12)
            .collect();
        assert_eq!(camps.len(), 2, "mixed table {} holds one camp", t.number);
    }
}
