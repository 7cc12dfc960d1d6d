//! Rooms: a [`model`] of plain data and pure functions, the [`commands`] that check and apply
//! every change, [`routing`] of a phone's next statement, the [`views`] built from a room, the
//! [`live`] room that commits changes, and each room's analysis [`task`].
//!
//! Dependencies run one way: `error`, `text` ← `model` ← `commands`, `routing` ← `views` ← `task` ←
//! `live` (and `live` uses all of them).

pub(crate) mod admission;
pub(crate) mod change;
pub(crate) mod commands;
mod error;
pub(crate) mod in_flight;
pub(crate) mod inbox;
pub(crate) mod live;
pub(crate) mod model;
pub(crate) mod rate;
pub(crate) mod routing;
mod table_views;
pub(crate) mod tables;
pub(crate) mod task;
pub(crate) mod text;
pub(crate) mod views;

#[cfg(test)]
mod tests;

pub use error::RoomError;
pub use live::LiveRoom;
pub use task::Snapshot;
