//! The WebSocket messages, both ways.

use serde::{Deserialize, Serialize};

use super::*;

/// What a phone may send on its WebSocket (`GET /api/rooms/{code}/ws?token=…`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// A vote; answered by [`ServerMessage::Ack`] or [`ServerMessage::Rejected`].
    Vote(VoteRequest),
    /// A new statement; answered by [`ServerMessage::StatementAdded`] or `Rejected`.
    AddStatement(NewStatement),
    /// A place on the spectrum; answered by [`ServerMessage::SpectrumAck`] or `Rejected`.
    Spectrum(SpectrumPosition),
    /// A note for the phone's table; answered by [`ServerMessage::NoteAck`] or `Rejected`.
    AddNote(NewNote),
    /// The author withdraws an unreleased note; answered by [`ServerMessage::Done`].
    WithdrawNote(WithdrawNote),
    /// The reporter hands the role on; answered by [`ServerMessage::Done`].
    PassReporter(PassReporter),
    /// The participant accepts the room's rules; answered by [`ServerMessage::Done`].
    Consent(Consent),
    /// Keep-alive; answered by [`ServerMessage::Pong`].
    Ping,
}

/// A request the server could not apply. `id` repeats the client's id; `status` is the HTTP
/// status the same request would get (429 means: wait and resend).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// The client's id, when the request had one.
    pub id: Option<String>,
    /// HTTP-equivalent status.
    pub status: u16,
    /// Why, in English.
    pub error: String,
    /// Why, as a stable code the phone words in its own language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<ErrorCode>,
}

/// What the server sends on a WebSocket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// First message on every socket.
    Welcome {
        /// [`PROTOCOL_VERSION`].
        version: u32,
        /// The room (boxed: its briefing makes it the largest message, sent once a socket).
        room: Box<RoomInfo>,
    },
    /// A vote is committed.
    Ack(VoteAck),
    /// A statement is stored.
    StatementAdded(StatementAdded),
    /// A spectrum position is committed.
    SpectrumAck(SpectrumAck),
    /// A note is committed.
    NoteAck(NoteAck),
    /// A withdrawal, a pass or a consent is committed.
    Done(Done),
    /// What only the facilitator sees (facilitator sockets only): sent after Welcome and
    /// whenever it changes.
    Host(Box<HostView>),
    /// A request was refused; nothing changed.
    Rejected(Rejection),
    /// The phone's whole view (phones only): sent after Welcome and whenever it changes.
    Phone(Box<PhoneView>),
    /// The room's whole view (projector and facilitator sockets): sent after Welcome and
    /// whenever it changes.
    Room(Box<RoomView>),
    /// Answer to [`ClientMessage::Ping`].
    Pong,
    /// A message that could not be read at all (not JSON, unknown type).
    Error(ErrorBody),
}
