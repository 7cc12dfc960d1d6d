//! The facilitator's hand, as plain Rust: what the console offers (statements by how divisive
//! they are, the second vote's preselection) and how the projector words the controls (the
//! timer's clock, group names, which way a group leans, who changed their own vote, how far a
//! group moved on average, and what the votes draw while the groups are frozen).

use polyphony_protocol::{
    GroupStance, PanelCounts, RoomControls, RoomView, StatementId, StatementStats, Timer,
};

/// Milliseconds left on `timer` at `now` (ms since the epoch), never below zero.
pub fn remaining_ms(timer: &Timer, now: i64) -> i64 {
    (timer.ends() - now).max(0)
}

/// `mm:ss` for `ms`, rounded up to the next second (so the clock shows 00:00 only at the end).
pub fn mm_ss(ms: i64) -> String {
    let s = (ms.max(0) + 999) / 1000;
    format!("{:02}:{:02}", s / 60, s % 60)
}

/// The group's letter with its facilitator-given name: "A · Safety first", or just "A".
pub fn group_title(controls: Option<&RoomControls>, id: Option<u32>, label: &str) -> String {
    match id.and_then(|id| controls?.group_name(id)) {
        Some(name) if !name.trim().is_empty() => format!("{label} · {name}"),
        _ => label.to_string(),
    }
}

/// The facilitator's name for the group with letter `label` in `view`, if any.
pub fn name_of_label<'a>(view: &'a RoomView, label: &str) -> Option<&'a str> {
    let id = view.groups.iter().find(|g| g.label == label)?.id;
    view.room
        .as_ref()?
        .controls
        .group_name(id)
        .filter(|n| !n.trim().is_empty())
}

/// Every group of `view` the facilitator named, as (letter, name): what the table tiles show
/// beside a same-group table's letter.
pub fn names_by_label(view: &RoomView) -> Vec<(String, String)> {
    view.groups
        .iter()
        .filter_map(|g| Some((g.label.clone(), name_of_label(view, &g.label)?.to_string())))
        .collect()
}

/// Which way a group leans on a statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lean {
    /// More than half of its voters agree.
    Agrees,
    /// More than half disagree.
    Disagrees,
    /// Neither.
    Split,
}

/// Which way `g` leans: a majority of its voters one way, else split.
pub fn lean(g: &GroupStance) -> Lean {
    if g.seen == 0 {
        Lean::Split
    } else if 2 * g.agree > g.seen {
        Lean::Agrees
    } else if 2 * g.disagree > g.seen {
        Lean::Disagrees
    } else {
        Lean::Split
    }
}

/// Agree, disagree and pass shares of a group's voters, in whole percent summing to 100 (0, 0, 0
/// when nobody voted).
pub fn shares(g: &GroupStance) -> [u32; 3] {
    if g.seen == 0 {
        return [0, 0, 0];
    }
    let pct = |n: u32| ((f64::from(n) * 100.0) / f64::from(g.seen)).round() as u32;
    let (a, d) = (pct(g.agree), pct(g.disagree));
    let d = d.min(100 - a.min(100));
    [a.min(100), d, 100 - a.min(100) - d]
}

/// The accepted statements for the console in the projector's order: the engine's divisive
/// ranking (with its divisiveness, the measure the projector uses), then statements without a
/// measure (before groups) by id.
pub fn by_divisiveness(statements: &[StatementStats]) -> Vec<(StatementStats, Option<f64>)> {
    let mut rows: Vec<(StatementStats, Option<f64>)> = statements
        .iter()
        .map(|s| (s.clone(), s.divisiveness))
        .collect();
    rows.sort_by(|(a, _), (b, _)| {
        let rank = |s: &StatementStats| s.divisive_rank.unwrap_or(u32::MAX);
        rank(a)
            .cmp(&rank(b))
            .then(a.statement.id.cmp(&b.statement.id))
    });
    rows
}

/// The second vote's preselection: the three most divisive statements and the two most shared,
/// without repeats, in that order.
pub fn revote_preselection(view: &RoomView) -> Vec<StatementId> {
    let mut out: Vec<StatementId> = Vec::new();
    let divisive = view.divisive.iter().map(|d| d.statement.id).take(3);
    let shared = view.consensus.iter().map(|c| c.statement.id);
    for id in divisive {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    let mut taken = 0;
    for id in shared {
        if taken == 2 {
            break;
        }
        if !out.contains(&id) {
            out.push(id);
            taken += 1;
        }
    }
    out
}

/// Whether anyone in a panel changed their own vote.
pub fn panel_moved(c: &PanelCounts) -> bool {
    c.toward_agree + c.toward_disagree > 0
}

/// The smallest average move read out as a move, in steps of the 5-step scale (it shows with one
/// decimal, so anything smaller would read "+0.0").
pub const SHIFT_MIN: f64 = 0.05;

/// The average move from `mean_before` to `mean_after` (positions −2 … 2), in steps: positive
/// toward agree; `None` when it is below [`SHIFT_MIN`] either way (or unknown).
pub fn mean_shift(mean_before: f64, mean_after: f64) -> Option<f64> {
    let shift = mean_after - mean_before;
    (shift.abs() >= SHIFT_MIN).then_some(shift)
}

/// A shift's size with one decimal, for a sentence that says its direction in words ("1.5
/// steps toward disagreeing", never "-1.5 steps toward disagreeing").
pub fn shift_steps(shift: f64) -> String {
    format!("{:.1}", shift.abs())
}

/// While the groups are frozen, what the console says about the votes now: `(live, frozen)` when
/// the votes draw another number of groups than the room keeps, and how many people's votes now
/// put them in another group than theirs. Nothing (`(None, 0)`) while the groups follow the
/// votes.
pub fn live_groups_notice(view: &RoomView) -> (Option<(u32, u32)>, u32) {
    let Some(live) = view.live_groups else {
        return (None, 0);
    };
    let frozen = u32::try_from(view.groups.len()).unwrap_or(u32::MAX);
    (
        (live.count != frozen).then_some((live.count, frozen)),
        live.switched,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use polyphony_protocol::{
        ConsensusView, DivisiveView, GroupName, ModerationState, Stance, StatementView,
    };

    fn statement(id: u32) -> StatementView {
        StatementView {
            id,
            text: format!("s{id}"),
            is_seed: true,
            moderation: ModerationState::Accepted,
        }
    }

    fn stance(group: u32, agree: u32, disagree: u32, passes: u32) -> GroupStance {
        let seen = agree + disagree + passes;
        GroupStance {
            group,
            label: ["A", "B", "C"][group as usize].into(),
            agree,
            disagree,
            passes,
            seen,
            agree_rate: if seen == 0 {
                0.0
            } else {
                f64::from(agree) / f64::from(seen)
            },
        }
    }

    fn stats(id: u32, groups: Vec<GroupStance>) -> StatementStats {
        StatementStats {
            divisiveness: None,
            divisive_rank: None,
            statement: statement(id),
            agree: 0,
            disagree: 0,
            pass: 0,
            groups,
        }
    }

    #[test]
    fn the_clock_counts_down_to_zero_and_rounds_up() {
        let t = Timer {
            started: 1_000_000,
            seconds: 300,
        };
        assert_eq!(mm_ss(remaining_ms(&t, 1_000_000)), "05:00");
        assert_eq!(mm_ss(remaining_ms(&t, 1_000_001)), "05:00");
        assert_eq!(mm_ss(remaining_ms(&t, 1_001_000)), "04:59");
        assert_eq!(mm_ss(remaining_ms(&t, 1_299_500)), "00:01");
        assert_eq!(remaining_ms(&t, 1_300_000), 0);
        assert_eq!(
            mm_ss(remaining_ms(&t, 2_000_000)),
            "00:00",
            "never negative"
        );
        assert_eq!(mm_ss(30 * 60 * 1000), "30:00");
    }

    #[test]
    fn a_named_group_keeps_its_letter() {
        let c = RoomControls {
            group_names: vec![GroupName {
                group: 1,
                name: "Safety first".into(),
            }],
            ..Default::default()
        };
        assert_eq!(group_title(Some(&c), Some(1), "B"), "B · Safety first");
        assert_eq!(group_title(Some(&c), Some(0), "A"), "A");
        assert_eq!(group_title(Some(&c), None, "B"), "B");
        assert_eq!(group_title(None, Some(1), "B"), "B");
    }

    #[test]
    fn leaning_needs_a_majority() {
        assert_eq!(lean(&stance(0, 6, 2, 2)), Lean::Agrees);
        assert_eq!(lean(&stance(0, 1, 8, 1)), Lean::Disagrees);
        assert_eq!(lean(&stance(0, 5, 5, 0)), Lean::Split);
        assert_eq!(lean(&stance(0, 0, 0, 0)), Lean::Split);
    }

    #[test]
    fn shares_label_every_segment_and_sum_to_100() {
        assert_eq!(shares(&stance(0, 1, 1, 1)), [33, 33, 34]);
        assert_eq!(shares(&stance(0, 2, 1, 0)), [67, 33, 0]);
        assert_eq!(shares(&stance(0, 0, 0, 0)), [0, 0, 0]);
        for (a, d, p) in [(1, 2, 3), (5, 0, 1), (0, 7, 0), (3, 3, 3)] {
            let s = shares(&stance(0, a, d, p));
            assert_eq!(s.iter().sum::<u32>(), 100, "{a} {d} {p}");
        }
    }

    #[test]
    fn the_most_divisive_statement_comes_first() {
        // The engine's ranking, as the projector lists it, whatever the tallies would suggest.
        let ranked = |id, rank: u32, d: f64| StatementStats {
            divisiveness: Some(d),
            divisive_rank: Some(rank),
            ..stats(id, vec![stance(0, 5, 5, 0), stance(1, 5, 5, 0)])
        };
        let rows = by_divisiveness(&[
            stats(0, vec![]),
            ranked(1, 2, 0.1),
            ranked(2, 0, 0.9),
            ranked(3, 1, 0.9),
        ]);
        let order: Vec<u32> = rows.iter().map(|(s, _)| s.statement.id).collect();
        assert_eq!(order, vec![2, 3, 1, 0]);
        assert_eq!(rows[0].1, Some(0.9));
        assert_eq!(rows[2].1, Some(0.1));
        assert_eq!(rows[3].1, None, "no measure before groups");
    }

    #[test]
    fn the_second_vote_preselects_three_divisive_and_two_shared() {
        let divisive = |id| DivisiveView {
            statement: statement(id),
            divisiveness: 0.5,
            groups: vec![],
        };
        let shared = |id| ConsensusView {
            statement: statement(id),
            stance: Stance::Agree,
            percent: 90,
        };
        let view = RoomView {
            divisive: vec![divisive(4), divisive(2), divisive(7), divisive(1)],
            consensus: vec![shared(2), shared(9), shared(3), shared(5)],
            ..Default::default()
        };
        assert_eq!(revote_preselection(&view), vec![4, 2, 7, 9, 3]);
        assert!(revote_preselection(&RoomView::default()).is_empty());
    }

    #[test]
    fn a_panel_moved_when_someone_changed_their_own_vote() {
        let counts = |a, d, s| PanelCounts {
            answered_both: a + d + s,
            toward_agree: a,
            toward_disagree: d,
            stayed: s,
        };
        assert!(!panel_moved(&counts(0, 0, 9)));
        assert!(!panel_moved(&PanelCounts::default()));
        assert!(panel_moved(&counts(1, 0, 8)));
        assert!(panel_moved(&counts(0, 2, 0)));
    }

    #[test]
    fn an_average_move_reads_as_its_size_the_direction_in_words() {
        let shift = |b, a| mean_shift(b, a).map(shift_steps);
        assert_eq!(shift(-2.0, -1.6).as_deref(), Some("0.4"));
        assert_eq!(
            shift(1.0, -0.5).as_deref(),
            Some("1.5"),
            "toward disagreeing, no minus"
        );
        assert_eq!(shift(-2.0, -0.5).as_deref(), Some("1.5"));
        assert!(
            mean_shift(1.0, -0.5).is_some_and(|s| s < 0.0),
            "the sign picks the words"
        );
        assert_eq!(shift(0.5, 0.5), None, "no shift");
        assert_eq!(shift(0.5, 0.53), None, "too small to read as +0.0");
        assert_eq!(shift(0.5, 0.47), None, "too small to read as -0.0");
        assert_eq!(shift(f64::NAN, 1.0), None, "unknown");
        assert_eq!(shift_steps(2.0), "2.0");
        assert_eq!(shift_steps(-0.6), "0.6");
    }

    #[test]
    fn frozen_groups_say_when_the_votes_draw_others() {
        use polyphony_protocol::{GroupView, LiveGroupsView};
        let group = |id: u32| GroupView {
            id,
            label: ["A", "B", "C"][id as usize].into(),
            size: 3,
            center: [0.0, 0.0],
            representative: vec![],
        };
        let view = |live: Option<LiveGroupsView>, groups: u32| RoomView {
            groups: (0..groups).map(group).collect(),
            live_groups: live,
            ..Default::default()
        };
        let live = |count, switched| Some(LiveGroupsView { count, switched });
        assert_eq!(live_groups_notice(&view(None, 3)), (None, 0), "not frozen");
        assert_eq!(live_groups_notice(&view(live(3, 0), 3)), (None, 0));
        assert_eq!(live_groups_notice(&view(live(3, 4), 3)), (None, 4));
        assert_eq!(live_groups_notice(&view(live(2, 5), 3)), (Some((2, 3)), 5));
        assert_eq!(live_groups_notice(&view(live(3, 0), 2)), (Some((3, 2)), 0));
    }
}
