//! The parts of a [`RoomView`] that come from the engine's [`Analysis`]: the map, the groups
//! with what sets them apart, consensus and divisive statements. The server and the browser
//! explorer build them with these same functions.
//!
//! This is the one place that knows both the engine and the wire: `polyphony-protocol` stays
//! wire-only (the web app compiles against it without the engine), and the engine knows nothing
//! of views.

use std::collections::BTreeMap;

use polyphony_core::{Analysis, GroupStance, OpinionGroup, Stance};

use polyphony_protocol::{
    ConsensusView, DivisiveView, GroupReason, GroupView, MapPoint, RoomView, StatementId,
    StatementView,
};

/// Representative statements on a group card.
pub const GROUP_CARD_STATEMENTS: usize = 5;
/// Divisive statements in a view.
pub const DIVISIVE_SHOWN: usize = 10;

/// `part / whole` as a rounded percentage (0 when `whole` is 0).
pub fn percent(part: u32, whole: u32) -> u32 {
    if whole == 0 {
        0
    } else {
        (f64::from(part) * 100.0 / f64::from(whole)).round() as u32
    }
}

/// Up to `n` statements that set a group apart, among `shown` (the statements participants
/// see). Polis's list can open with the group's best-agreed statement even when everyone agrees
/// with it (repness ≤ 1); such entries are skipped, so a phone is never told "you are in B
/// because you agree with what all of us agree with".
pub fn group_reasons(
    g: &OpinionGroup,
    shown: &BTreeMap<StatementId, StatementView>,
    n: usize,
) -> Vec<GroupReason> {
    g.representative
        .iter()
        .filter(|r| r.repness > 1.0)
        .filter_map(|r| {
            Some(GroupReason {
                statement: shown.get(&r.statement)?.clone(),
                stance: r.repful_for,
                percent: percent(r.n_success, r.n_trials),
            })
        })
        .take(n)
        .collect()
}

/// Each group's votes on a statement (empty before groups or for a statement without votes).
pub fn group_stances(a: &Analysis, statement: StatementId) -> Vec<GroupStance> {
    let Some(j) = a.statements.iter().position(|&s| s == statement) else {
        return Vec::new();
    };
    a.groups
        .as_ref()
        .map(|g| {
            g.groups
                .iter()
                .filter_map(|x| {
                    x.tallies
                        .get(j)
                        .map(|t| polyphony_core::group_stance(x.id, &x.label, *t))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Fills `view`'s map, groups, consensus and divisive lists from `a`, showing only statements in
/// `shown`.
pub fn fill_from_analysis(
    view: &mut RoomView,
    a: &Analysis,
    shown: &BTreeMap<StatementId, StatementView>,
) {
    view.tick = a.tick;
    view.analyzed_votes = a.vote_count;
    view.map = a
        .participants
        .iter()
        .map(|p| MapPoint {
            position: p.position,
            group: p.group,
        })
        .collect();
    view.groups = a
        .groups
        .as_ref()
        .map(|g| {
            g.groups
                .iter()
                .map(|g| GroupView {
                    id: g.id,
                    label: g.label.clone(),
                    size: g.members.len() as u32,
                    center: g.center,
                    representative: group_reasons(g, shown, GROUP_CARD_STATEMENTS),
                })
                .collect()
        })
        .unwrap_or_default();
    let consensus = a
        .consensus
        .agree
        .iter()
        .map(|c| (c, Stance::Agree))
        .chain(a.consensus.disagree.iter().map(|c| (c, Stance::Disagree)));
    view.consensus = consensus
        .filter_map(|(c, stance)| {
            Some(ConsensusView {
                statement: shown.get(&c.statement)?.clone(),
                stance,
                percent: percent(c.n_success, c.n_trials),
            })
        })
        .collect();
    view.divisive = a
        .divisive
        .iter()
        .filter_map(|d| {
            Some(DivisiveView {
                statement: shown.get(&d.statement)?.clone(),
                divisiveness: d.divisiveness,
                groups: d.groups.clone(),
            })
        })
        .take(DIVISIVE_SHOWN)
        .collect();
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use polyphony_core::{AnalysisParams, Conversation, Preset, Vote, VoteEvent};
    use polyphony_protocol::ModerationState;

    #[test]
    fn two_camps_fill_every_part() {
        let mut c = Conversation::new(
            AnalysisParams::builder(Preset::Workshop)
                .seed(1)
                .build()
                .unwrap(),
        );
        let mut t = 0;
        for p in 0..8u32 {
            for s in 0..4u32 {
                t += 1;
                let v = if s == 3 || (p % 2 == 0) == (s % 2 == 0) {
                    Vote::Agree
                } else {
                    Vote::Disagree
                };
                c.add_votes(&[VoteEvent::new(p, s, v, t)]);
            }
        }
        let a = c.update();
        let shown: BTreeMap<u32, StatementView> = (0..4)
            .map(|id| {
                (
                    id,
                    StatementView {
                        id,
                        text: format!("s{id}"),
                        is_seed: true,
                        moderation: ModerationState::Accepted,
                    },
                )
            })
            .collect();
        let mut view = RoomView::default();
        fill_from_analysis(&mut view, &a, &shown);
        assert_eq!(view.map.len(), 8);
        assert_eq!(view.groups.len(), 2);
        assert!(view
            .groups
            .iter()
            .all(|g| g.size == 4 && !g.representative.is_empty()));
        // Statement 3 is shared by everyone: never a reason, and it is consensus.
        assert!(view
            .groups
            .iter()
            .flat_map(|g| &g.representative)
            .all(|r| r.statement.id != 3));
        assert!(view
            .consensus
            .iter()
            .any(|c| c.statement.id == 3 && c.stance == Stance::Agree));
        assert_ne!(view.divisive[0].statement.id, 3);
        assert_eq!(group_stances(&a, 0).len(), 2);
        assert!(group_stances(&a, 99).is_empty());
        assert_eq!(percent(2, 3), 67);
    }
}
