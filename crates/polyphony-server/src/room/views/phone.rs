//! A phone's view (`PhoneView`): its next statement and a stock of upcoming ones, its own votes
//! and statements, its group (with reasons) once results show, the open spectrum round, its
//! table, and the spotlight.

use polyphony_analysis_view::group_reasons;
use polyphony_core::Analysis;
use polyphony_protocol::{CastVote, PhoneGroup, PhoneView, SpectrumPrompt, Stage};

use super::visibility::{visibility, Reveal};
use super::{consented, phone_table, shown};
use crate::room::model::{statement_view, visible, Room};
use crate::room::routing::Route;

/// Reasons a phone gives for its group.
const PHONE_REASONS: usize = 3;
/// Unvoted statements a phone gets beyond `next`: enough to keep voting offline and to keep the
/// statement on screen while the server's choice moves on.
const UPCOMING: usize = 100;

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
        table: phone_table(room, pid, analysis),
        consented: consented(room, pid),
        spotlight: room
            .info()
            .controls
            .spotlight
            .and_then(|sid| room.statements().get(&sid))
            .filter(|s| visible(s))
            .map(statement_view),
    }
}
