//! Turning a room and its analysis into what the projector and each phone show. Views only
//! read the room; the phone's next statement comes in as a [`Route`].
//!
//! Everything here is anonymous by construction: the projector's points and spectrum counts carry
//! no participant id, and a phone's view holds only its own votes, group and positions.

use std::collections::{BTreeMap, HashMap};

use super::model::{statement_view, visible, AnalysisSnapshot, Room, Spectrum};
use super::routing::Route;
use polyphony_analysis_view::{fill_from_analysis, group_reasons, group_stances};
use polyphony_core::{panel_change, Analysis, Answer, PanelShift, Vote, VoteMatrix};
use polyphony_protocol::{
    CastVote, ChangeView, GroupPanelCounts, LiveGroupsView, MapPoint, ModerationState, PanelCounts,
    PanelView, PhoneGroup, PhoneView, RevoteProgress, RoomView, SpectrumGroupCounts,
    SpectrumMovement, SpectrumPrompt, SpectrumRoundView, SpectrumView, Stage, StatementStats,
    StatementView,
};

/// Reasons a phone gives for its group.
const PHONE_REASONS: usize = 3;
/// Statements the report stage's change lists.
const CHANGE_PANELS: usize = 3;
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
    room_view_as(room, analysis, min_groups, Reveal::AsControlled)
}

/// Whether anything is withheld from the room right now (results, or an open round's counts):
/// then the facilitator's console gets its own, complete view.
pub(crate) fn withholding(room: &Room) -> bool {
    let shown = visibility(room, Reveal::AsControlled);
    !shown.results()
        || room
            .spectrums()
            .iter()
            .any(|s| s.open_round.is_some_and(|r| !shown.round_counts(s, r)))
}

/// What a view may show of the room's results: the one decision every view (projector, phone,
/// spectrum) and the published report follow. Made by [`visibility`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Visibility {
    results: bool,
    open_round_counts: bool,
}

/// What the room shows now: with `Reveal::AsControlled` (every screen, the report page) the
/// facilitator's hides hold — results hidden withholds the map, groups, consensus, divisive,
/// per-group splits, the change and every spectrum count; an open round's counts are withheld
/// until revealed. `Reveal::All` (the facilitator's console, their download) shows everything.
pub(crate) fn visibility(room: &Room, reveal: Reveal) -> Visibility {
    let c = &room.info().controls;
    match reveal {
        Reveal::All => Visibility {
            results: true,
            open_round_counts: true,
        },
        Reveal::AsControlled => Visibility {
            results: !c.results_hidden,
            open_round_counts: c.spectrum_counts_shown,
        },
    }
}

impl Visibility {
    /// Whether the analysis' results show (map, groups, consensus, divisive, splits, change).
    pub(crate) fn results(self) -> bool {
        self.results
    }

    /// The analysis, if its results show.
    pub(crate) fn analysis(self, analysis: Option<&Analysis>) -> Option<&Analysis> {
        analysis.filter(|_| self.results)
    }

    /// Whether round `round` of `sp` shows its counts (and the movement it is part of).
    pub(crate) fn round_counts(self, sp: &Spectrum, round: u8) -> bool {
        self.results && (sp.open_round != Some(round) || self.open_round_counts)
    }

    /// The analysis as a reader that takes a whole one (the report) may see it: itself, or with
    /// results hidden only its counts (people, votes, statements) — no map, groups, consensus,
    /// divisive statements or clusters.
    pub(crate) fn analysis_as_shown(self, analysis: &Analysis) -> Analysis {
        if self.results {
            return analysis.clone();
        }
        Analysis {
            pca: Default::default(),
            participants: Vec::new(),
            base_clusters: Vec::new(),
            base_tallies: Vec::new(),
            groups: None,
            consensus: Default::default(),
            group_aware_consensus: Default::default(),
            divisive: Vec::new(),
            ..analysis.clone()
        }
    }
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
    view.tables = super::table_views::tables_view(room, analysis);
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

/// Whether a spectrum view follows the facilitator's hide/reveal (screens) or shows every
/// count (the take-away report, made after the workshop).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reveal {
    AsControlled,
    All,
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
    let step = |p: i8| usize::try_from(i16::from(p) + 2).unwrap_or(0).min(4);
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
    let step = |p: i8| usize::try_from(i16::from(p) + 2).unwrap_or(0).min(4);
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
fn change_view(room: &Room, analysis: &Analysis) -> Option<ChangeView> {
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

/// The room as a phone gets it: the briefing's cards only on the briefing stage. A phone's view
/// goes out after each of its votes, on venue wifi: up to 12 cards in every one would cost
/// kilobytes a tap for something read once.
fn phone_room_info(room: &Room) -> polyphony_protocol::RoomInfo {
    let mut info = room.info().clone();
    if info.stage != Stage::Brief {
        info.brief.clear();
    }
    info
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
    let group = visibility(room, Reveal::AsControlled)
        .analysis(analysis)
        .and_then(|a| {
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
        let at = |r: u8| sp.round(r).and_then(|m| m.get(&pid)).copied();
        Some(SpectrumPrompt {
            spectrum: sp.id,
            statement: statement_view(s),
            round,
            position: at(round),
            first_round_position: at(1),
            previous_position: round.checked_sub(1).and_then(at),
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
        room: phone_room_info(room),
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
        spotlight: room
            .info()
            .controls
            .spotlight
            .and_then(|sid| room.statements().get(&sid))
            .filter(|s| visible(s))
            .map(statement_view),
    }
}
