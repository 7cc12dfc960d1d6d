//! A spectrum's view (`SpectrumView`): each round's counts per step and per group (withheld
//! while hidden), and how each group moved between two rounds, each person compared with
//! themselves.

use std::collections::{BTreeMap, HashMap};

use polyphony_core::{panel_change, Analysis, Answer, PanelShift};
use polyphony_protocol::{
    ModerationState, SpectrumGroupCounts, SpectrumMovement, SpectrumRoundView, SpectrumView,
};

use super::visibility::{visibility, Reveal};
use crate::room::model::{statement_view, Room, Spectrum};

/// Participant → (group id, label), from the analysis.
fn group_of(analysis: Option<&Analysis>) -> HashMap<u32, (u32, String)> {
    let mut out = HashMap::new();
    if let Some(groups) = analysis.and_then(|a| a.groups.as_ref()) {
        for g in &groups.groups {
            for &m in &g.members {
                out.insert(m, (g.id, g.label.clone()));
            }
        }
    }
    out
}

/// Where a place on the spectrum (−2 … 2) counts: index 0 … 4 of a round's counts (a place
/// out of range is clamped, never a panic).
fn step(position: i8) -> usize {
    usize::try_from(i16::from(position) + 2).unwrap_or(0).min(4)
}

/// One spectrum with its rounds and the movement between its first and last round. A round's
/// counts are withheld while it is open and the facilitator has not revealed them, and while
/// results are hidden: only how many people placed themselves shows.
pub(crate) fn spectrum_view(
    room: &Room,
    sp: &Spectrum,
    analysis: Option<&Analysis>,
) -> SpectrumView {
    spectrum_view_as(room, sp, analysis, Reveal::AsControlled)
}

/// [`spectrum_view`], or with every count shown.
pub(crate) fn spectrum_view_as(
    room: &Room,
    sp: &Spectrum,
    analysis: Option<&Analysis>,
    reveal: Reveal,
) -> SpectrumView {
    spectrum_view_between(room, sp, analysis, reveal, (1, sp.rounds()))
}

/// [`spectrum_view_as`] with the movement measured between rounds `from` and `to` (checked by
/// the caller: `1 <= from < to <= rounds`).
pub(crate) fn spectrum_view_between(
    room: &Room,
    sp: &Spectrum,
    analysis: Option<&Analysis>,
    reveal: Reveal,
    (from, to): (u8, u8),
) -> SpectrumView {
    let groups = group_of(analysis);
    let key = |pid: &u32| -> (Option<u32>, String) {
        groups
            .get(pid)
            .map_or((None, String::new()), |(g, l)| (Some(*g), l.clone()))
    };
    let shown = visibility(room, reveal);
    let hidden = |round: u8| !shown.round_counts(sp, round);
    let rounds = (1..=sp.rounds())
        .map(|round| {
            let positions = sp.round(round).cloned().unwrap_or_default();
            let mut counts = [0u32; 5];
            let mut by: BTreeMap<(Option<u32>, String), [u32; 5]> = BTreeMap::new();
            let hide = hidden(round);
            if !hide {
                for (pid, &p) in &positions {
                    counts[step(p)] += 1;
                    by.entry(key(pid)).or_default()[step(p)] += 1;
                }
            }
            SpectrumRoundView {
                round,
                placed: positions.len() as u32,
                hidden: hide,
                counts,
                by_group: by
                    .into_iter()
                    .map(|((group, label), counts)| SpectrumGroupCounts {
                        group,
                        label,
                        counts,
                    })
                    .collect(),
            }
        })
        .collect();
    let compared = (to > from && !hidden(from) && !hidden(to))
        .then(|| sp.round(from).zip(sp.round(to)))
        .flatten();
    let movement = compared
        .map(|(first, last)| spectrum_movement(first, last, &groups))
        .unwrap_or_default();
    let statement = room.statements.get(&sp.sid).map(statement_view).unwrap_or(
        polyphony_protocol::StatementView {
            id: sp.sid,
            text: String::new(),
            is_seed: false,
            moderation: ModerationState::Rejected,
        },
    );
    SpectrumView {
        id: sp.id,
        statement,
        open_round: sp.open_round,
        rounds,
        movement,
        movement_from: from,
        movement_to: to,
    }
}

/// How each group moved between two rounds: each person compared with themselves
/// ([`panel_change`], the groups held as the analysis has them: the frozen ones once frozen),
/// with the step-to-step flows the projector draws.
fn spectrum_movement(
    first: &BTreeMap<u32, i8>,
    last: &BTreeMap<u32, i8>,
    groups: &HashMap<u32, (u32, String)>,
) -> Vec<SpectrumMovement> {
    let answers = |round: &BTreeMap<u32, i8>| -> Vec<Answer> {
        round
            .iter()
            .map(|(&participant, &position)| Answer {
                participant,
                item: 0,
                position,
            })
            .collect()
    };
    let membership: BTreeMap<u32, u32> = groups.iter().map(|(&p, (g, _))| (p, *g)).collect();
    let labels: BTreeMap<u32, String> = groups.values().cloned().collect();
    let panel = panel_change(&answers(first), &answers(last), &membership);
    let Some(item) = panel.items.first() else {
        return Vec::new();
    };
    item.groups
        .iter()
        .map(|g| {
            let mut flows = [[0u32; 5]; 5];
            for (pid, before) in first {
                let Some(after) = last.get(pid) else { continue };
                if membership.get(pid).copied() == g.group {
                    flows[step(*before)][step(*after)] += 1;
                }
            }
            let PanelShift {
                answered_both,
                toward_agree,
                toward_disagree,
                stayed,
                mean_before,
                mean_after,
            } = g.shift;
            SpectrumMovement {
                group: g.group,
                label: g
                    .group
                    .and_then(|id| labels.get(&id).cloned())
                    .unwrap_or_default(),
                answered_both,
                toward_agree,
                toward_disagree,
                stayed,
                mean_before,
                mean_after,
                flows,
            }
        })
        .collect()
}
