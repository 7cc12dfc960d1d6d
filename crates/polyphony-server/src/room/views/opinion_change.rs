//! The report stage's change (`ChangeView`): what moved between the first snapshot with groups
//! and now, on the same people, and the room's votes at a moment, which the report compares
//! too.

use std::collections::HashMap;

use polyphony_core::{Analysis, PanelShift, VoteMatrix};
use polyphony_protocol::{ChangeView, GroupPanelCounts, PanelCounts, PanelView, StatementView};

use super::shown;
use crate::room::model::{AnalysisSnapshot, Room};

/// Statements the report stage's change lists.
const CHANGE_PANELS: usize = 3;

/// Every vote the room held at `time` (ms): each person's latest vote on each statement then.
pub(crate) fn votes_at(room: &Room, time: i64) -> VoteMatrix {
    let events: Vec<polyphony_core::VoteEvent> = room
        .events()
        .iter()
        .filter(|e| e.time <= time)
        .copied()
        .collect();
    let mut m = VoteMatrix::default();
    m.apply(&events);
    m
}

/// Every vote the room holds now.
pub(crate) fn votes_now(room: &Room) -> VoteMatrix {
    let mut m = VoteMatrix::default();
    m.apply(room.events());
    m
}

/// The first snapshot whose analysis had opinion groups: the "before" of the room's change.
pub(crate) fn first_with_groups(room: &Room) -> Option<&AnalysisSnapshot> {
    room.snapshots().iter().find(|s| {
        s.analysis
            .groups
            .as_ref()
            .is_some_and(|g| !g.groups.is_empty())
    })
}

/// What changed since the first snapshot with groups, on the report stage (results shown).
pub(super) fn change_view(room: &Room, analysis: &Analysis) -> Option<ChangeView> {
    let first = first_with_groups(room)?;
    let change = polyphony_core::opinion_change(
        &first.analysis,
        &votes_at(room, first.time),
        analysis,
        &votes_now(room),
    );
    let shown = shown(room);
    let labels: HashMap<u32, String> = [&*first.analysis, analysis]
        .into_iter()
        .flat_map(|a| a.groups.iter().flat_map(|g| &g.groups))
        .map(|g| (g.id, g.label.clone()))
        .collect();
    let counts = |s: &PanelShift| PanelCounts {
        answered_both: s.answered_both,
        toward_agree: s.toward_agree,
        toward_disagree: s.toward_disagree,
        stayed: s.stayed,
    };
    let listed = |ids: &[u32]| -> Vec<StatementView> {
        ids.iter().filter_map(|s| shown.get(s).cloned()).collect()
    };
    Some(ChangeView {
        since: first.stage,
        moved: change.moved,
        panels: change
            .panel
            .most_moved(usize::MAX)
            .into_iter()
            .filter_map(|item| {
                Some(PanelView {
                    statement: shown.get(&item.item)?.clone(),
                    everyone: counts(&item.everyone),
                    groups: item
                        .groups
                        .iter()
                        .map(|g| GroupPanelCounts {
                            group: g.group,
                            label: g
                                .group
                                .and_then(|id| labels.get(&id).cloned())
                                .unwrap_or_default(),
                            counts: counts(&g.shift),
                        })
                        .collect(),
                })
            })
            .take(CHANGE_PANELS)
            .collect(),
        consensus_gained: listed(&change.consensus_gained),
        consensus_lost: listed(&change.consensus_lost),
    })
}
