//! Turning a room and its analysis into what the projector and each phone show. Views only
//! read the room; the phone's next statement comes in as a [`Route`].
//!
//! Everything here is anonymous by construction: the projector's points and spectrum counts carry
//! no participant id, and a phone's view holds only its own votes, group and positions.

use std::collections::{BTreeMap, HashMap};

use super::model::{statement_view, visible, Room, Spectrum};
use super::routing::Route;
use polyphony_core::{Analysis, Vote};
use polyphony_protocol::analysis_view::{fill_from_analysis, group_reasons, group_stances};
use polyphony_protocol::{
    CastVote, MapPoint, ModerationState, PhoneGroup, PhoneView, RoomView, SpectrumGroupCounts,
    SpectrumMovement, SpectrumPrompt, SpectrumRoundView, SpectrumView, StatementStats,
    StatementView,
};

/// Reasons a phone gives for its group.
const PHONE_REASONS: usize = 3;
/// Unvoted statements a phone gets beyond `next`: enough to keep voting offline and to keep the
/// statement on screen while the server's choice moves on.
const UPCOMING: usize = 100;

/// The statements participants see, as the views show them.
fn shown(room: &Room) -> BTreeMap<u32, StatementView> {
    room.statements()
        .values()
        .filter(|s| visible(s))
        .map(|s| (s.sid, statement_view(s)))
        .collect()
}

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

/// The projector's view.
pub(crate) fn room_view(room: &Room, analysis: Option<&Analysis>, min_groups: u32) -> RoomView {
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
                groups: analysis
                    .map(|a| group_stances(a, s.sid))
                    .unwrap_or_default(),
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
    if let Some(a) = analysis {
        fill_from_analysis(&mut view, a, &shown(room));
        sort_map(&mut view.map);
    }
    // A spectrum on a statement rejected since is gone with its statement.
    view.spectrums = room
        .spectrums
        .iter()
        .filter(|sp| room.statements.get(&sp.sid).is_some_and(visible))
        .map(|sp| spectrum_view(room, sp, analysis))
        .collect();
    view.tables = super::table_views::tables_view(room, analysis);
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

/// One spectrum with its rounds and the movement between them.
pub(crate) fn spectrum_view(
    room: &Room,
    sp: &Spectrum,
    analysis: Option<&Analysis>,
) -> SpectrumView {
    let groups = group_of(analysis);
    let key = |pid: &u32| -> (Option<u32>, String) {
        groups
            .get(pid)
            .map_or((None, String::new()), |(g, l)| (Some(*g), l.clone()))
    };
    let step = |p: i8| usize::try_from(i16::from(p) + 2).unwrap_or(0).min(4);
    let rounds = (0..2)
        .map(|r| {
            let mut counts = [0u32; 5];
            let mut by: BTreeMap<(Option<u32>, String), [u32; 5]> = BTreeMap::new();
            for (pid, &p) in &sp.positions[r] {
                counts[step(p)] += 1;
                by.entry(key(pid)).or_default()[step(p)] += 1;
            }
            SpectrumRoundView {
                round: r as u8 + 1,
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
    let mut moves: BTreeMap<(Option<u32>, String), SpectrumMovement> = BTreeMap::new();
    for (pid, &before) in &sp.positions[0] {
        let Some(&after) = sp.positions[1].get(pid) else {
            continue;
        };
        let (group, label) = key(pid);
        let m = moves
            .entry((group, label.clone()))
            .or_insert_with(|| SpectrumMovement {
                group,
                label,
                answered_both: 0,
                toward_agree: 0,
                toward_disagree: 0,
                stayed: 0,
                mean_before: 0.0,
                mean_after: 0.0,
                flows: [[0; 5]; 5],
            });
        m.answered_both += 1;
        match after.cmp(&before) {
            std::cmp::Ordering::Greater => m.toward_agree += 1,
            std::cmp::Ordering::Less => m.toward_disagree += 1,
            std::cmp::Ordering::Equal => m.stayed += 1,
        }
        // Sums for now; divided below.
        m.mean_before += f64::from(before);
        m.mean_after += f64::from(after);
        m.flows[step(before)][step(after)] += 1;
    }
    let movement = moves
        .into_values()
        .map(|mut m| {
            let n = f64::from(m.answered_both.max(1));
            m.mean_before /= n;
            m.mean_after /= n;
            m
        })
        .collect();
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
    }
}

/// One phone's view, showing `route.next`.
pub(crate) fn phone_view(
    room: &Room,
    pid: u32,
    route: &Route,
    analysis: Option<&Analysis>,
) -> PhoneView {
    let votes: Vec<CastVote> = room
        .participants()
        .get(&pid)
        .map(|p| {
            p.votes
                .iter()
                .map(|(s, (v, _))| CastVote {
                    statement: *s,
                    vote: *v,
                })
                .collect()
        })
        .unwrap_or_default();
    let next = route.next;
    let group = analysis.and_then(|a| {
        let point = a.participants.iter().find(|p| p.participant == pid)?;
        let gid = point.group?;
        let g = a.groups.as_ref()?.groups.iter().find(|g| g.id == gid)?;
        Some(PhoneGroup {
            id: g.id,
            label: g.label.clone(),
            size: g.members.len() as u32,
            reasons: group_reasons(g, &shown(room), PHONE_REASONS),
        })
    });
    let spectrum = room.spectrums().iter().find_map(|sp| {
        let round = sp.open_round?;
        let s = room.statements().get(&sp.sid).filter(|s| visible(s))?;
        Some(SpectrumPrompt {
            spectrum: sp.id,
            statement: statement_view(s),
            round,
            position: sp.positions[usize::from(round.clamp(1, 2) - 1)]
                .get(&pid)
                .copied(),
            first_round_position: sp.positions[0].get(&pid).copied(),
        })
    });
    let upcoming = route
        .unvoted
        .iter()
        .filter(|s| Some(**s) != next)
        .take(UPCOMING)
        .filter_map(|s| room.statements().get(s))
        .map(statement_view)
        .collect();
    PhoneView {
        room: room.info().clone(),
        next: next
            .and_then(|s| room.statements().get(&s))
            .map(statement_view),
        upcoming,
        voted: route.voted,
        total: route.total,
        votes,
        group,
        spectrum,
        my_statements: room
            .statements
            .values()
            .filter(|s| s.author == Some(pid))
            .map(statement_view)
            .collect(),
        table: super::table_views::phone_table(room, pid, analysis),
        consented: super::table_views::consented(room, pid),
    }
}
