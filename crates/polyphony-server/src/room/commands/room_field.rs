//! The room's own columns: settings, stage, closing.

use polyphony_protocol::{RoomInfo, RoomSettings, Stage};

use crate::room::change::{Change, Effects, Step};
use crate::room::error::RoomError;
use crate::room::live::LiveRoom;
use crate::room::model::{check_settings, Room};
use crate::store::{RoomField, RoomWrites, StoreError};

/// A new value for one of the room's own columns (settings, stage, closed).
#[derive(Clone, Debug)]
pub(crate) struct SetField(pub(crate) RoomField);

/// Settings from the facilitator.
pub(crate) fn check_set_field(_room: &Room, field: RoomField) -> Result<Step<SetField>, RoomError> {
    if let RoomField::Settings(s) = &field {
        check_settings(s)?;
    }
    Ok(Step::Write(SetField(field)))
}

impl Change for SetField {
    type Written = ();
    type Output = RoomInfo;

    fn persist(&self, store: &mut dyn RoomWrites) -> Result<(), StoreError> {
        store.update_room_field(self.0.clone())
    }

    fn apply(self, room: &mut Room, (): ()) -> (RoomInfo, Effects) {
        match self.0 {
            RoomField::Settings(s) => room.info.settings = s,
            RoomField::Stage(s) => room.info.stage = s,
            RoomField::Closed(c) => room.info.closed = c,
            RoomField::EngineState(_) => {}
        }
        (room.info.clone(), Effects::PUBLISH)
    }
}

impl LiveRoom {
    /// Changes the settings.
    pub async fn set_settings(&self, settings: RoomSettings) -> Result<RoomInfo, RoomError> {
        self.commit(|room| check_set_field(room, RoomField::Settings(settings)))
            .await
    }

    /// Moves the room to a stage, and keeps a snapshot of the analysis at that moment (the
    /// report compares them).
    pub async fn set_stage(&self, stage: Stage) -> Result<RoomInfo, RoomError> {
        let info = self
            .commit(|room| check_set_field(room, RoomField::Stage(stage)))
            .await?;
        self.take_snapshot(stage).await;
        Ok(info)
    }

    /// Closes the room: no more joins, votes or statements; views stay readable.
    pub async fn close(&self) -> Result<RoomInfo, RoomError> {
        self.commit(|room| check_set_field(room, RoomField::Closed(true)))
            .await
    }
}
