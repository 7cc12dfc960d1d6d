//! The spectrum, the facilitator's side: start a spectrum, open or close its rounds, and its
//! views (a participant's position is `super::position`).

use polyphony_protocol::{ModerationState, RoomControls, SpectrumView, Stage, MAX_SPECTRUM_ROUNDS};

use crate::room::change::{Change, Effects, Step};
use crate::room::error::RoomError;
use crate::room::live::LiveRoom;
use crate::room::model::{visible, Room, Spectrum};
use crate::room::views;
use crate::store::{RoomField, RoomWrites, StoreError, StoredSpectrum, StoredStatement};
use crate::util::{lock, next_time};

/// Statement `sid` when participants see it: a rejected one is refused as rejected, a pending
/// or unknown one as not accepted.
pub(crate) fn shown_statement(room: &Room, sid: u32) -> Result<&StoredStatement, RoomError> {
    match room.statements.get(&sid) {
        Some(s) if visible(s) => Ok(s),
        Some(s) if s.moderation == ModerationState::Rejected => {
            Err(RoomError::StatementRejected(sid))
        }
        _ => Err(RoomError::NotAccepted(sid)),
    }
}

/// Spectrum `id` while its statement is shown: a spectrum on a statement rejected (or put back
/// to pending) since is gone from every view and takes no positions.
pub(crate) fn live_spectrum(room: &Room, id: u32) -> Result<&Spectrum, RoomError> {
    let sp = room.spectrum(id)?;
    shown_statement(room, sp.sid)?;
    Ok(sp)
}

/// A new spectrum with round 1 open; every other open spectrum closes.
#[derive(Clone, Debug)]
pub(crate) struct StartSpectrum {
    pub(crate) new: StoredSpectrum,
    pub(crate) closing: Vec<StoredSpectrum>,
    /// The controls with the open round's counts hidden again.
    pub(crate) controls: RoomControls,
}

/// The room's controls with the open round's counts hidden (a round opening resets them, so
/// people place themselves before they see the room).
fn counts_hidden(room: &Room) -> RoomControls {
    RoomControls {
        spectrum_counts_shown: false,
        ..room.info.controls.clone()
    }
}

/// A spectrum on accepted statement `sid`, created at `created` (ms).
pub(crate) fn check_start_spectrum(
    room: &Room,
    sid: u32,
    created: i64,
) -> Result<Step<StartSpectrum>, RoomError> {
    room.open_for_changes()?;
    shown_statement(room, sid)?;
    let closing = room
        .spectrums
        .iter()
        .filter(|s| s.open_round.is_some())
        .map(|s| StoredSpectrum {
            id: s.id,
            sid: s.sid,
            open_round: None,
            rounds: s.rounds(),
            created: s.created,
        })
        .collect();
    let new = StoredSpectrum {
        id: room.in_flight.next_spectrum,
        sid,
        open_round: Some(1),
        rounds: 1,
        created,
    };
    Ok(Step::Write(StartSpectrum {
        new,
        closing,
        controls: counts_hidden(room),
    }))
}

impl Change for StartSpectrum {
    type Written = ();
    /// The new spectrum's id.
    type Output = u32;

    fn reserve(&self, room: &mut Room) {
        room.in_flight.next_spectrum = room.in_flight.next_spectrum.max(self.new.id + 1);
    }

    fn persist(&self, store: &mut dyn RoomWrites) -> Result<(), StoreError> {
        for s in &self.closing {
            store.upsert_spectrum(s)?;
        }
        store.upsert_spectrum(&self.new)?;
        store.update_controls(&self.controls)?;
        store.update_room_field(RoomField::Stage(Stage::Spectrum))
    }

    fn apply(self, room: &mut Room, (): ()) -> (u32, Effects) {
        for s in &mut room.spectrums {
            s.open_round = None;
        }
        room.spectrums.push(Spectrum {
            id: self.new.id,
            sid: self.new.sid,
            open_round: Some(1),
            created: self.new.created,
            positions: vec![Default::default()],
        });
        room.info.stage = Stage::Spectrum;
        room.info.controls = self.controls;
        (self.new.id, Effects::PUBLISH)
    }
}

/// New open rounds for a spectrum and for the ones it closes.
#[derive(Clone, Debug)]
pub(crate) struct SpectrumRound {
    pub(crate) changes: Vec<StoredSpectrum>,
    /// The controls with the counts hidden, when a round opens.
    pub(crate) controls: Option<RoomControls>,
}

/// Opens round `open` of spectrum `id` (an earlier round again, or the next new one, up to
/// [`MAX_SPECTRUM_ROUNDS`]), closing any other open one, or closes it (`None`).
pub(crate) fn check_spectrum_round(
    room: &Room,
    id: u32,
    open: Option<u8>,
) -> Result<Step<SpectrumRound>, RoomError> {
    let sp = room.spectrum(id)?;
    if let Some(r) = open {
        let next = sp.rounds().saturating_add(1).min(MAX_SPECTRUM_ROUNDS);
        if r == 0 || r > next {
            return Err(RoomError::NoRound {
                next,
                max: MAX_SPECTRUM_ROUNDS,
            });
        }
        room.open_for_changes()?;
        live_spectrum(room, id)?;
    }
    let changes = room
        .spectrums
        .iter()
        .filter(|s| s.id == id || s.open_round.is_some())
        .map(|s| StoredSpectrum {
            id: s.id,
            sid: s.sid,
            open_round: if s.id == id { open } else { None },
            rounds: if s.id == id {
                s.rounds().max(open.unwrap_or(0))
            } else {
                s.rounds()
            },
            created: s.created,
        })
        .collect();
    Ok(Step::Write(SpectrumRound {
        changes,
        controls: open.map(|_| counts_hidden(room)),
    }))
}

impl Change for SpectrumRound {
    type Written = ();
    type Output = ();

    fn persist(&self, store: &mut dyn RoomWrites) -> Result<(), StoreError> {
        for s in &self.changes {
            store.upsert_spectrum(s)?;
        }
        if let Some(c) = &self.controls {
            store.update_controls(c)?;
        }
        Ok(())
    }

    fn apply(self, room: &mut Room, (): ()) -> ((), Effects) {
        for ch in &self.changes {
            if let Some(s) = room.spectrums.iter_mut().find(|s| s.id == ch.id) {
                s.open_round = ch.open_round;
                s.ensure_round(ch.rounds);
            }
        }
        if let Some(c) = self.controls {
            room.info.controls = c;
        }
        ((), Effects::PUBLISH)
    }
}

impl LiveRoom {
    /// Starts a spectrum on a statement with round 1 open (closing any other), and moves the room
    /// to the spectrum stage.
    pub async fn start_spectrum(&self, sid: u32) -> Result<SpectrumView, RoomError> {
        let created = next_time();
        let id = self
            .commit(|room| check_start_spectrum(room, sid, created))
            .await?;
        self.take_snapshot(Stage::Spectrum).await;
        self.spectrum(id)
    }

    /// Opens a round of a spectrum (closing any other open one), or closes it (`None`).
    pub async fn spectrum_round(
        &self,
        id: u32,
        open: Option<u8>,
    ) -> Result<SpectrumView, RoomError> {
        self.commit(|room| check_spectrum_round(room, id, open))
            .await?;
        // The facilitator may close a spectrum whose statement was rejected, and sees it.
        let analysis = self.analysis();
        let room = lock(&self.state);
        let sp = room.spectrum(id)?;
        Ok(views::spectrum_view(&room, sp, analysis.as_deref()))
    }

    /// A spectrum's view (refused once its statement is rejected: it is gone from every view).
    pub fn spectrum(&self, id: u32) -> Result<SpectrumView, RoomError> {
        let analysis = self.analysis();
        let room = lock(&self.state);
        let sp = live_spectrum(&room, id)?;
        Ok(views::spectrum_view(&room, sp, analysis.as_deref()))
    }

    /// A spectrum's view with the movement between rounds `from` and `to` (any two rounds
    /// opened, `from` before `to`).
    pub fn spectrum_between(&self, id: u32, from: u8, to: u8) -> Result<SpectrumView, RoomError> {
        let analysis = self.analysis();
        let room = lock(&self.state);
        let sp = live_spectrum(&room, id)?;
        if from == 0 || from >= to || to > sp.rounds() {
            return Err(RoomError::BadRounds {
                rounds: sp.rounds(),
            });
        }
        Ok(views::spectrum_view_between(
            &room,
            sp,
            analysis.as_deref(),
            views::Reveal::AsControlled,
            (from, to),
        ))
    }
}
