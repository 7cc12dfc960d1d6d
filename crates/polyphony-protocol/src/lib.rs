//! Polyphony's wire protocol: every HTTP body and WebSocket message the workshop server and the
//! web app exchange, as serde types, so both sides compile against one definition.
//!
//! `docs/protocol.md` lists the endpoints with one JSON example per message. Messages are JSON;
//! enums are tagged with `"type"` and use `snake_case`. [`PROTOCOL_VERSION`] goes up whenever a
//! change would break an older client; the server says its version in [`ServerMessage::Welcome`].
//!
//! Privacy rules the types enforce by construction: no payload a phone or the projector receives
//! carries a participant token, a participant id or a statement's author.

mod brief;
mod controls;
mod explore;
mod messages;
pub mod paths;
mod requests;
mod room;
pub mod routing;
mod tables;
mod views;

pub use brief::*;
pub use controls::*;
pub use explore::*;
pub use messages::*;
pub use requests::*;
pub use room::*;
pub use tables::*;
pub use views::*;

pub use polyphony_types::{GroupStance, Lang, Stance, StatementId, Vote};

/// The protocol version this crate speaks.
pub const PROTOCOL_VERSION: u32 = 1;

#[cfg(test)]
mod tests;
