//! The facilitator's hand, as plain Rust: what the console offers (statements by how divisive
//! they are, the second vote's preselection) and how the projector words the controls (the
//! timer's clock, group names, which way a group leans, which way a shift went).

use polyphony_protocol::{
    GroupStance, RoomControls, RoomView, ShiftView, StatementId, StatementStats, Timer,
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

/// How divisive a statement is from its per-group tallies: half the spread between the group
/// most for it and the group most against it ((agree − disagree) / voters), 0 … 1; `None`
/// before groups exist.
pub fn divisiveness(s: &StatementStats) -> Option<f64> {
    let leans: Vec<f64> = s
        .groups
        .iter()
        .filter(|g| g.seen > 0)
        .map(|g| (f64::from(g.agree) - f64::from(g.disagree)) / f64::from(g.seen))
        .collect();
    if leans.len() < 2 {
        return None;
    }
    let max = leans.iter().copied().fold(f64::MIN, f64::max);
    let min = leans.iter().copied().fold(f64::MAX, f64::min);
    Some(((max - min) / 2.0).clamp(0.0, 1.0))
}

/// The accepted statements for the console, most divisive first (then by id); statements
/// without a measure (before groups) after those with one.
pub fn by_divisiveness(statements: &[StatementStats]) -> Vec<(StatementStats, Option<f64>)> {
    let mut rows: Vec<(StatementStats, Option<f64>)> = statements
        .iter()
        .map(|s| (s.clone(), divisiveness(s)))
        .collect();
    rows.sort_by(|(a, da), (b, db)| {
        db.unwrap_or(-1.0)
            .total_cmp(&da.unwrap_or(-1.0))
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

/// Which way a shift is read out: the larger of the agree and disagree changes (agree when
/// equal), as `(agreeing, before, after)`.
pub fn shift_reading(s: &ShiftView) -> (bool, u32, u32) {
    let da = s.agree_after.abs_diff(s.agree_before);
    let dd = s.disagree_after.abs_diff(s.disagree_before);
    if da >= dd {
        (true, s.agree_before, s.agree_after)
    } else {
        (false, s.disagree_before, s.disagree_after)
    }
}

/// A shift that changed something.
pub fn shift_moved(s: &ShiftView) -> bool {
    s.agree_before != s.agree_after || s.disagree_before != s.disagree_after
}

/// The step (0 = strongly disagree … 4 = strongly agree) nearest to a mean position (−2 … 2).
pub fn nearest_step(mean: f64) -> usize {
    if mean.is_nan() {
        return 2;
    }
    (mean.clamp(-2.0, 2.0).round() + 2.0) as usize
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
        let rows = by_divisiveness(&[
            stats(0, vec![]),
            stats(1, vec![stance(0, 5, 5, 0), stance(1, 5, 5, 0)]),
            stats(2, vec![stance(0, 10, 0, 0), stance(1, 0, 10, 0)]),
            stats(3, vec![stance(0, 8, 2, 0), stance(1, 2, 8, 0)]),
        ]);
        let order: Vec<u32> = rows.iter().map(|(s, _)| s.statement.id).collect();
        assert_eq!(order, vec![2, 3, 1, 0]);
        assert_eq!(rows[0].1, Some(1.0));
        assert_eq!(rows[2].1, Some(0.0));
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
    fn a_shift_reads_out_its_larger_change() {
        let shift = |ab, aa, db, da| ShiftView {
            statement: statement(4),
            group: 0,
            label: "A".into(),
            agree_before: ab,
            agree_after: aa,
            disagree_before: db,
            disagree_after: da,
        };
        assert_eq!(shift_reading(&shift(20, 65, 70, 30)), (true, 20, 65));
        assert_eq!(shift_reading(&shift(20, 25, 70, 10)), (false, 70, 10));
        assert!(!shift_moved(&shift(20, 20, 70, 70)));
        assert!(shift_moved(&shift(20, 21, 70, 70)));
    }

    #[test]
    fn a_mean_position_reads_as_the_nearest_step() {
        assert_eq!(nearest_step(-2.0), 0);
        assert_eq!(nearest_step(-1.4), 1);
        assert_eq!(nearest_step(0.4), 2);
        assert_eq!(nearest_step(1.6), 4);
        assert_eq!(nearest_step(9.0), 4);
        assert_eq!(nearest_step(f64::NAN), 2);
    }
}
