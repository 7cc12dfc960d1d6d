//! Rooms: a [`model`] of plain data (the room as committed, with what is [`in_flight`] and
//! the engine's [`inbox`] beside it), the [`change`] every command is made of, the [`commands`]
//! (one file per command: check, reserve, persist, apply and its entry point on [`LiveRoom`]),
//! [`routing`] of a phone's next statement, the [`views`] built from a room, the [`live`] room
//! whose one commit path runs every command, and each room's analysis [`task`].
//!
//! Dependencies run one way: `error`, `text` ← `model` (with `in_flight`, `inbox`, `rate`,
//! `tables`) ← `change`, `routing`, `views` ← `task` ← `live` ← `commands`. `live` names no
//! particular command: each command's file adds its entry point to [`LiveRoom`].

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
pub(crate) mod tables;
pub(crate) mod task;
pub(crate) mod text;
pub(crate) mod views;

#[cfg(test)]
mod tests;

pub use error::RoomError;
pub use live::LiveRoom;
pub use task::Snapshot;
