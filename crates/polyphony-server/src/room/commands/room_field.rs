//! The room's own columns: settings, stage, closing.

use polyphony_protocol::{RoomControls, RoomInfo, RoomSettings, Stage};

use crate::room::change::{Change, Effects, Step};
use crate::room::error::RoomError;
use crate::room::live::LiveRoom;
use crate::room::model::{check_settings, Room};
use crate::store::{RoomField, RoomWrites, StoreError};

/// A new value for one of the room's own columns (settings, stage, closed).
#[derive(Clone, Debug)]
pub(crate) struct SetField {
    field: RoomField,
    /// The controls written in the same commit: moving the room to another stage stops a
    /// running countdown (it timed what the room was doing; a table's ten minutes must not go
    /// on ticking over the report).
    controls: Option<RoomControls>,
}

/// Settings from the facilitator.
pub(crate) fn check_set_field(room: &Room, field: RoomField) -> Result<Step<SetField>, RoomError> {
    if let RoomField::Settings(s) = &field {
        check_settings(s)?;
    }
    let controls = match field {
        RoomField::Stage(stage)
            if stage != room.info.stage && room.info.controls.timer.is_some() =>
        {
            Some(RoomControls {
                timer: None,
                ..room.info.controls.clone()
            })
        }
        _ => None,
    };
    Ok(Step::Write(SetField { field, controls }))
}

impl Change for SetField {
    type Written = ();
    type Output = RoomInfo;

    fn persist(&self, store: &mut dyn RoomWrites) -> Result<(), StoreError> {
        store.update_room_field(self.field.clone())?;
        if let Some(controls) = &self.controls {
            store.update_controls(controls)?;
        }
        Ok(())
    }

    fn apply(self, room: &mut Room, (): ()) -> (RoomInfo, Effects) {
        if let Some(controls) = self.controls {
            room.info.controls = controls;
        }
        match self.field {
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

    /// Moves the room to a stage (stopping a running countdown), and keeps a snapshot of the
    /// analysis at that moment (the report compares them).
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
