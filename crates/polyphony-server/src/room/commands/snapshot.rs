//! Analysis snapshots: the analysis kept at a moment worth comparing (a stage change, a second
//! vote opening, tables formed), which the report's change compares.

use std::sync::Arc;

use polyphony_core::Analysis;
use polyphony_protocol::Stage;

use crate::room::change::{Change, Effects, Step};
use crate::room::error::RoomError;
use crate::room::live::LiveRoom;
use crate::room::model::{AnalysisSnapshot, Room};
use crate::store::{RoomWrites, StoreError, StoredSnapshot};
use crate::util::next_time;

/// The analysis at a moment worth comparing, to store and keep.
#[derive(Clone, Debug)]
pub(crate) struct TakeSnapshot {
    pub(crate) snapshot: StoredSnapshot,
    analysis: Arc<Analysis>,
}

/// Most snapshots one room keeps: a workshop changes stage a dozen times; a facilitator
/// clicking back and forth should not grow the database without end.
pub(crate) const MAX_SNAPSHOTS: usize = 64;

/// A snapshot of `analysis` taken when the room moved to `stage` at `time` (ms). Skipped when
/// the room has its maximum, or when nothing changed since the last one (same update).
pub(crate) fn check_snapshot(
    room: &Room,
    stage: Stage,
    time: i64,
    analysis: Arc<Analysis>,
) -> Result<Step<TakeSnapshot>, RoomError> {
    let last = room.snapshots.last();
    if room.snapshots.len() >= MAX_SNAPSHOTS
        || last.is_some_and(|l| l.analysis.tick == analysis.tick && l.stage == stage)
    {
        return Ok(Step::Done(()));
    }
    let seq = last.map_or(0, |l| l.seq + 1);
    Ok(Step::Write(TakeSnapshot {
        snapshot: StoredSnapshot {
            seq,
            stage,
            time,
            analysis: (*analysis).clone(),
        },
        analysis,
    }))
}

impl Change for TakeSnapshot {
    type Written = ();
    type Output = ();

    fn persist(&self, store: &mut dyn RoomWrites) -> Result<(), StoreError> {
        store.insert_snapshot(&self.snapshot)
    }

    fn apply(self, room: &mut Room, (): ()) -> ((), Effects) {
        let s = self.snapshot;
        if room.snapshots.last().is_none_or(|l| l.seq < s.seq) {
            room.snapshots.push(AnalysisSnapshot {
                seq: s.seq,
                stage: s.stage,
                time: s.time,
                analysis: self.analysis,
            });
        }
        ((), Effects::PUBLISH)
    }
}

impl LiveRoom {
    /// Stores the analysis as it is now (every acknowledged vote included), marked with
    /// `stage`. A failure is logged: the stage change it follows is already committed.
    pub(crate) async fn take_snapshot(&self, stage: Stage) {
        self.settle().await;
        let Some(analysis) = self.analysis() else {
            return;
        };
        let time = next_time();
        if let Err(e) = self
            .commit(|room| check_snapshot(room, stage, time, analysis))
            .await
        {
            tracing::warn!(error = %e, "cannot store an analysis snapshot");
        }
    }
}
