//! Removing the identities that joined in a window: the facilitator's answer to a flood of
//! fake phones (issue 21). Their tokens stop working, their votes and spectrum places leave the
//! analysis and every count at once, and the store keeps them (marked removed) as the record
//! that `removed-votes.csv` exports. Nobody is deleted, so removing the same window again finds
//! nobody new.

use std::collections::BTreeSet;

use polyphony_core::FrozenGroups;
use polyphony_protocol::{RemoveJoined, RemovedJoined};

use crate::room::change::{Change, Effects, Step};
use crate::room::error::RoomError;
use crate::room::live::LiveRoom;
use crate::room::model::Room;
use crate::store::{RoomWrites, StoreError};
use crate::util::next_time;

/// The identities to remove, decided under the lock.
#[derive(Clone, Debug)]
pub(crate) struct Remove {
    pub(crate) pids: Vec<u32>,
    /// How many of them had voted.
    pub(crate) voters: u32,
    /// When (ms).
    pub(crate) time: i64,
    /// The frozen groups without them, when the groups are frozen and held any of them.
    pub(crate) frozen: Option<FrozenGroups>,
}

/// Everyone in the room who joined in `[from, to)` (only those who never acted, with
/// `only_idle`). An empty window, or one reversed, is refused; a window with nobody in it is
/// answered without a write.
pub(crate) fn check_remove_joined(
    room: &Room,
    req: &RemoveJoined,
    time: i64,
) -> Result<Step<Remove>, RoomError> {
    if req.to <= req.from {
        return Err(RoomError::BadRemovalWindow {
            from: req.from,
            to: req.to,
        });
    }
    let pids: Vec<u32> = room
        .participants
        .iter()
        .filter(|(_, p)| (req.from..req.to).contains(&p.joined))
        .filter(|(_, p)| !req.only_idle || !p.active)
        .map(|(pid, _)| *pid)
        .collect();
    if pids.is_empty() {
        return Ok(Step::Done(RemovedJoined::default()));
    }
    let voters = pids
        .iter()
        .filter(|pid| {
            room.participants
                .get(pid)
                .is_some_and(|p| !p.votes.is_empty())
        })
        .count();
    let set: BTreeSet<u32> = pids.iter().copied().collect();
    let frozen = room.frozen.as_ref().and_then(|f| {
        let held = f
            .groups
            .iter()
            .any(|g| g.members.iter().any(|m| set.contains(m)));
        held.then(|| without(f, &set))
    });
    Ok(Step::Write(Remove {
        pids,
        voters: u32::try_from(voters).unwrap_or(u32::MAX),
        time,
        frozen,
    }))
}

/// The frozen groups without the removed participants.
fn without(f: &FrozenGroups, removed: &BTreeSet<u32>) -> FrozenGroups {
    let mut f = f.clone();
    for g in &mut f.groups {
        g.members.retain(|m| !removed.contains(m));
    }
    f
}

impl Change for Remove {
    type Written = usize;
    type Output = RemovedJoined;

    fn persist(&self, store: &mut dyn RoomWrites) -> Result<usize, StoreError> {
        let n = store.remove_participants(&self.pids, self.time)?;
        if let Some(f) = &self.frozen {
            store.update_frozen_groups(Some(f))?;
        }
        Ok(n)
    }

    fn apply(self, room: &mut Room, _: usize) -> (RemovedJoined, Effects) {
        let set: BTreeSet<u32> = self.pids.iter().copied().collect();
        let mut removed = 0u32;
        for pid in &self.pids {
            if let Some(p) = room.participants.remove(pid) {
                room.tokens.remove(&p.token);
                if p.active {
                    room.active_participants = room.active_participants.saturating_sub(1);
                }
                room.removed.insert(*pid);
                removed += 1;
            }
        }
        room.idle_joins.retain(|(_, pid)| !set.contains(pid));
        // Their votes leave the analysis (kept apart for the export) and their places leave
        // every spectrum round.
        let (gone, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut room.events)
            .into_iter()
            .partition(|e| set.contains(&e.participant));
        room.events = kept;
        room.removed_events.extend(gone);
        for sp in &mut room.spectrums {
            for round in &mut sp.positions {
                round.retain(|pid, _| !set.contains(pid));
            }
        }
        if let Some(f) = self.frozen {
            room.frozen = Some(f);
        }
        // The engine cannot take votes back: it starts again from the room's remaining votes.
        room.inbox.rebuild = true;
        (
            RemovedJoined {
                removed,
                voters: self.voters,
            },
            Effects::BOTH,
        )
    }
}

impl LiveRoom {
    /// Removes the identities that joined in a window (the facilitator's key is checked by
    /// the caller).
    pub async fn remove_joined(&self, req: RemoveJoined) -> Result<RemovedJoined, RoomError> {
        let time = next_time();
        self.commit(|room| check_remove_joined(room, &req, time))
            .await
    }
}
