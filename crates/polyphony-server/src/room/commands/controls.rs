//! The facilitator's controls: hide and reveal results, pause voting, a timer, a spotlight,
//! group names, a second vote, the report published, groups frozen and unfrozen. Each control is one [`ControlRequest`] checked against the room and written as the
//! room's whole [`RoomControls`].

use std::collections::BTreeSet;

use polyphony_core::{Analysis, FrozenGroups};
use polyphony_protocol::{
    ControlRequest, GroupName, Paging, Revote, RoomControls, RoomInfo, Timer, GROUP_NAME_MAX_CHARS,
    MAX_PAGE, REVOTE_MAX_STATEMENTS, TIMER_MAX_MINUTES,
};

use super::spectrum::shown_statement;
use crate::room::change::{Change, Effects, Step};
use crate::room::error::RoomError;
use crate::room::live::LiveRoom;
use crate::room::model::Room;
use crate::store::{RoomWrites, StoreError};
use crate::util::next_time;

/// The room's controls after one request, and the frozen groups when they change.
#[derive(Clone, Debug)]
pub(crate) struct SetControls {
    pub(crate) controls: RoomControls,
    /// `Some(new)` when the frozen groups change (`Some(None)`: unfrozen).
    pub(crate) frozen: Option<Option<FrozenGroups>>,
}

/// Checks control `req` at `now` (ms) against the room and its latest `analysis` (a name is only
/// given to a group that exists; groups are frozen as the votes draw them now).
pub(crate) fn check_control(
    room: &Room,
    req: &ControlRequest,
    now: i64,
    analysis: Option<&Analysis>,
) -> Result<Step<SetControls>, RoomError> {
    let groups: Vec<u32> = analysis
        .and_then(|a| a.groups.as_ref())
        .map(|g| g.groups.iter().map(|g| g.id).collect())
        .unwrap_or_default();
    let mut c = room.info.controls.clone();
    let mut frozen = None;
    match req {
        ControlRequest::FreezeGroups => {
            let live = analysis
                .map(FrozenGroups::from_live)
                .filter(|f| !f.is_empty())
                .ok_or(RoomError::NoGroups)?;
            c.groups_frozen = true;
            frozen = Some(Some(live));
        }
        ControlRequest::ShowPage { page, auto } => {
            c.paging = Some(Paging {
                stage: room.info.stage,
                page: (*page).min(MAX_PAGE),
                auto: *auto,
            });
        }
        ControlRequest::UnfreezeGroups => {
            if room.frozen.is_none() && !c.groups_frozen {
                return Ok(Step::Done(room.info.clone()));
            }
            c.groups_frozen = false;
            frozen = Some(None);
        }
        ControlRequest::HideResults => c.results_hidden = true,
        ControlRequest::RevealResults => c.results_hidden = false,
        ControlRequest::RevealSpectrum => c.spectrum_counts_shown = true,
        ControlRequest::HideSpectrum => c.spectrum_counts_shown = false,
        ControlRequest::PauseVoting => c.voting_paused = true,
        ControlRequest::ResumeVoting => c.voting_paused = false,
        ControlRequest::StartTimer { minutes } => {
            if !(1..=TIMER_MAX_MINUTES).contains(minutes) {
                return Err(RoomError::BadTimer {
                    minutes: *minutes,
                    max: TIMER_MAX_MINUTES,
                });
            }
            c.timer = Some(Timer {
                started: now,
                seconds: minutes * 60,
            });
        }
        ControlRequest::StopTimer => c.timer = None,
        ControlRequest::Spotlight { statement } => {
            if let Some(sid) = statement {
                shown_statement(room, *sid)?;
            }
            c.spotlight = *statement;
        }
        ControlRequest::NameGroup { group, name } => {
            let name = crate::room::text::normalise(name);
            let chars = name.chars().count();
            if chars > GROUP_NAME_MAX_CHARS as usize {
                return Err(RoomError::GroupNameTooLong {
                    chars,
                    max: GROUP_NAME_MAX_CHARS,
                });
            }
            c.group_names.retain(|g| g.group != *group);
            if !name.is_empty() {
                if !groups.contains(group) {
                    return Err(RoomError::UnknownGroup(*group));
                }
                c.group_names.push(GroupName {
                    group: *group,
                    name,
                });
                c.group_names.sort_by_key(|g| g.group);
            }
        }
        ControlRequest::OpenRevote { statements } => {
            let ids: BTreeSet<u32> = statements.iter().copied().collect();
            if ids.is_empty() || ids.len() > REVOTE_MAX_STATEMENTS {
                return Err(RoomError::BadRevote {
                    max: REVOTE_MAX_STATEMENTS,
                });
            }
            room.open_for_changes()?;
            for sid in &ids {
                shown_statement(room, *sid)?;
            }
            c.revote = Some(Revote {
                id: c.revote.as_ref().map_or(1, |r| r.id + 1),
                statements: ids.into_iter().collect(),
                opened: now,
            });
        }
        ControlRequest::CloseRevote => c.revote = None,
        ControlRequest::PublishReport => c.report_published = true,
        ControlRequest::UnpublishReport => c.report_published = false,
    }
    Ok(Step::Write(SetControls {
        controls: c,
        frozen,
    }))
}

impl Change for SetControls {
    type Written = ();
    type Output = RoomInfo;

    fn persist(&self, store: &mut dyn RoomWrites) -> Result<(), StoreError> {
        if let Some(frozen) = &self.frozen {
            store.update_frozen_groups(frozen.as_ref())?;
        }
        store.update_controls(&self.controls)
    }

    fn apply(self, room: &mut Room, (): ()) -> (RoomInfo, Effects) {
        room.info.controls = self.controls;
        let effects = match self.frozen {
            Some(f) => {
                room.frozen = f;
                room.inbox.frozen_changed = true;
                Effects::BOTH
            }
            None => Effects::PUBLISH,
        };
        (room.info.clone(), effects)
    }
}

/// The controls once statement `sid` is no longer shown: it leaves the spotlight and the
/// second vote (a second vote left with nothing to ask ends). `None` when nothing changes.
pub(crate) fn without_statement(room: &Room, sid: u32) -> Option<RoomControls> {
    let mut c = room.info.controls.clone();
    let mut changed = false;
    if c.spotlight == Some(sid) {
        c.spotlight = None;
        changed = true;
    }
    if let Some(r) = &mut c.revote {
        if r.statements.contains(&sid) {
            r.statements.retain(|s| *s != sid);
            changed = true;
        }
        if r.statements.is_empty() {
            c.revote = None;
        }
    }
    changed.then_some(c)
}

impl LiveRoom {
    /// Applies one of the facilitator's controls. Opening a second vote keeps a snapshot of the
    /// analysis first, so the report can compare before and after.
    pub async fn control(&self, req: ControlRequest) -> Result<RoomInfo, RoomError> {
        if matches!(req, ControlRequest::OpenRevote { .. }) {
            let stage = self.info().stage;
            self.take_snapshot(stage).await;
        }
        if matches!(req, ControlRequest::FreezeGroups) {
            // Freeze what every acknowledged vote draws.
            self.settle().await;
        }
        let analysis = self.analysis();
        let now = next_time();
        self.commit(|room| check_control(room, &req, now, analysis.as_deref()))
            .await
    }
}
