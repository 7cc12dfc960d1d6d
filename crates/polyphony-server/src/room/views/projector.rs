//! The projector's view (`RoomView`): counts, every visible statement with its tallies and
//! per-group stances, the analysis' map, groups, consensus and divisive statements, spectrums,
//! tables, the second vote's progress and, on the report stage, the change; and the same
//! complete for the facilitator's console while something is withheld.

use std::collections::{BTreeMap, HashMap};

use polyphony_analysis_view::{fill_from_analysis, group_stances};
use polyphony_core::{Analysis, Vote};
use polyphony_protocol::{
    LiveGroupsView, MapPoint, ModerationState, RevoteProgress, RoomView, Stage, StatementStats,
};

use super::opinion_change::change_view;
use super::spectrum::spectrum_view_as;
use super::visibility::{visibility, Reveal};
use super::{shown, tables_view};
use crate::room::model::{statement_view, visible, Room};

/// The projector's view.
pub(crate) fn room_view(room: &Room, analysis: Option<&Analysis>, min_groups: u32) -> RoomView {
    room_view_as(room, analysis, min_groups, Reveal::AsControlled)
}

/// The projector's view, or (`Reveal::All`) the facilitator's: everything the room would see
/// with nothing hidden, so the console can decide when to reveal.
pub(crate) fn room_view_as(
    room: &Room,
    analysis: Option<&Analysis>,
    min_groups: u32,
    reveal: Reveal,
) -> RoomView {
    let mut tallies: BTreeMap<u32, [u32; 3]> = BTreeMap::new();
    let mut voters = 0u32;
    let mut votes = 0u64;
    for p in room.participants().values() {
        if !p.votes.is_empty() {
            voters += 1;
        }
        votes += p.votes.len() as u64;
        for (sid, (v, _)) in &p.votes {
            let t = tallies.entry(*sid).or_default();
            match v {
                Vote::Agree => t[0] += 1,
                Vote::Disagree => t[1] += 1,
                Vote::Pass => t[2] += 1,
            }
        }
    }
    let shown_analysis = visibility(room, reveal).analysis(analysis);
    // Each statement's place in the engine's divisive order (what the projector lists).
    let rank: HashMap<u32, usize> = shown_analysis
        .map(|a| {
            a.divisive
                .iter()
                .enumerate()
                .map(|(i, d)| (d.statement, i))
                .collect()
        })
        .unwrap_or_default();
    let statements = room
        .statements
        .values()
        .filter(|s| visible(s))
        .map(|s| {
            let t = tallies.get(&s.sid).copied().unwrap_or_default();
            StatementStats {
                statement: statement_view(s),
                agree: t[0],
                disagree: t[1],
                pass: t[2],
                groups: shown_analysis
                    .map(|a| group_stances(a, s.sid))
                    .unwrap_or_default(),
                divisiveness: rank
                    .get(&s.sid)
                    .and_then(|&r| shown_analysis?.divisive.get(r))
                    .map(|d| d.divisiveness),
                divisive_rank: rank.get(&s.sid).map(|&r| r as u32),
            }
        })
        .collect();
    let mut view = RoomView {
        room: Some(room.info().clone()),
        tick: analysis.map_or(0, |a| a.tick),
        analyzed_votes: analysis.map_or(0, |a| a.vote_count),
        participants: room.participants().len() as u32,
        voters,
        votes,
        pending: room
            .statements
            .values()
            .filter(|s| s.moderation == ModerationState::Pending)
            .count() as u32,
        min_participants_for_groups: min_groups,
        statements,
        ..RoomView::default()
    };
    if let Some(a) = shown_analysis {
        fill_from_analysis(&mut view, a, &shown(room));
        sort_map(&mut view.map);
        if room.info().stage == Stage::Report {
            view.change = change_view(room, a);
        }
    }
    // A spectrum on a statement rejected since is gone with its statement.
    view.spectrums = room
        .spectrums
        .iter()
        .filter(|sp| room.statements.get(&sp.sid).is_some_and(visible))
        .map(|sp| spectrum_view_as(room, sp, analysis, reveal))
        .collect();
    view.tables = tables_view(room, analysis);
    view.revote_progress = revote_progress(room);
    // Counts only: how many groups the votes draw while the room's groups are frozen.
    view.live_groups = analysis
        .and_then(|a| a.groups.as_ref()?.live)
        .map(|l| LiveGroupsView {
            count: l.count,
            switched: l.switched,
        });
    view
}

/// Puts the map's dots in an order that says nothing about who: by position (x, then y), then
/// group. The analysis lists them in first-vote order, which anyone who watched the room could
/// match to faces.
fn sort_map(map: &mut [MapPoint]) {
    map.sort_by(|a, b| {
        a.position[0]
            .total_cmp(&b.position[0])
            .then(a.position[1].total_cmp(&b.position[1]))
            .then(a.group.cmp(&b.group))
    });
}

/// The open second vote's progress: people who had voted on one of its statements before it
/// opened, and how many of them have voted again on each of those since.
fn revote_progress(room: &Room) -> Option<RevoteProgress> {
    let revote = room.info().controls.revote.as_ref()?;
    // Per (participant, statement): voted before the opening, voted since.
    let mut seen: BTreeMap<(u32, u32), (bool, bool)> = BTreeMap::new();
    for e in room.events() {
        if revote.statements.contains(&e.statement) {
            let s = seen.entry((e.participant, e.statement)).or_default();
            if e.time < revote.opened {
                s.0 = true;
            } else {
                s.1 = true;
            }
        }
    }
    let mut people: BTreeMap<u32, bool> = BTreeMap::new();
    for (&(p, _), &(before, since)) in &seen {
        if before {
            let done = people.entry(p).or_insert(true);
            *done &= since;
        }
    }
    Some(RevoteProgress {
        asked: people.len() as u32,
        done: people.values().filter(|d| **d).count() as u32,
    })
}
