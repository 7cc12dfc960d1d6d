//! A participant's place on a spectrum's open round (−2 … 2, latest wins; the same place
//! again changes nothing and takes no rate token).

use std::time::Instant;

use polyphony_protocol::{SpectrumAck, SpectrumPosition};

use super::spectrum::live_spectrum;
use crate::room::change::{limited, Change, Effects, Step};
use crate::room::error::RoomError;
use crate::room::live::LiveRoom;
use crate::room::model::{check_client_id, Room};
use crate::store::{RoomWrites, StoreError, StoredPosition};
use crate::util::next_time;

/// Where a participant stands in the open round (latest wins).
#[derive(Clone, Debug)]
pub(crate) struct PlacePosition {
    pub(crate) position: StoredPosition,
    ack: SpectrumAck,
}

/// `pid`'s position in a spectrum's open round.
pub(crate) fn check_position(
    room: &Room,
    pid: u32,
    req: &SpectrumPosition,
) -> Result<Step<PlacePosition>, RoomError> {
    if let Some(id) = &req.id {
        check_client_id(id)?;
    }
    if !(-2..=2).contains(&req.position) {
        return Err(RoomError::PositionOutOfRange);
    }
    room.open_for_changes()?;
    let sp = live_spectrum(room, req.spectrum)?;
    if sp.open_round != Some(req.round) {
        return Err(RoomError::RoundNotOpen(req.round));
    }
    let ack = SpectrumAck {
        id: req.id.clone(),
        spectrum: req.spectrum,
        round: req.round,
        position: req.position,
    };
    // Where the participant already stands: nothing to write (and no rate token taken).
    if sp.round(req.round).and_then(|r| r.get(&pid)) == Some(&req.position) {
        return Ok(Step::Done(ack));
    }
    Ok(Step::Write(PlacePosition {
        position: StoredPosition {
            spectrum: req.spectrum,
            round: req.round,
            pid,
            position: req.position,
        },
        ack,
    }))
}

impl Change for PlacePosition {
    type Written = ();
    type Output = SpectrumAck;

    fn persist(&self, store: &mut dyn RoomWrites) -> Result<(), StoreError> {
        store.upsert_position(&self.position, next_time())
    }

    fn apply(self, room: &mut Room, (): ()) -> (SpectrumAck, Effects) {
        let p = &self.position;
        if let Some(sp) = room.spectrums.iter_mut().find(|s| s.id == p.spectrum) {
            if p.round >= 1 {
                sp.ensure_round(p.round);
                sp.positions[usize::from(p.round - 1)].insert(p.pid, p.position);
            }
        }
        (self.ack, Effects::ANALYSE)
    }
}

impl LiveRoom {
    /// Records where a participant stands in the open round (latest wins).
    pub async fn spectrum_position(
        &self,
        pid: u32,
        req: SpectrumPosition,
    ) -> Result<SpectrumAck, RoomError> {
        let now = Instant::now();
        self.commit(|room| limited(room, pid, now, check_position(room, pid, &req)))
            .await
    }
}
