//! The one dispatch of a participant's request: a [`ClientMessage`] in, one [`ServerMessage`]
//! out, through the same per-command entry points (`LiveRoom::vote`, `LiveRoom::add_note`, …)
//! that the HTTP endpoints call. The WebSocket (`crate::ws`) sends what it answers; a refusal
//! is the status and sentence an HTTP request would get, with the request's id.

use polyphony_protocol::{ClientMessage, ServerMessage};

use crate::error::ApiError;
use crate::room::{LiveRoom, RoomError};

/// Runs participant `pid`'s request in `room` and answers it once its change is committed.
pub(crate) async fn participant_request(
    room: &LiveRoom,
    pid: u32,
    msg: ClientMessage,
) -> ServerMessage {
    match msg {
        ClientMessage::Vote(v) => {
            let id = Some(v.id.clone());
            answer(id, room.vote(pid, v).await, ServerMessage::Ack)
        }
        ClientMessage::AddStatement(s) => {
            let id = s.id.clone();
            answer(
                id,
                room.add_statement(Some(pid), s).await,
                ServerMessage::StatementAdded,
            )
        }
        ClientMessage::Spectrum(p) => {
            let id = p.id.clone();
            answer(
                id,
                room.spectrum_position(pid, p).await,
                ServerMessage::SpectrumAck,
            )
        }
        ClientMessage::AddNote(n) => {
            let id = Some(n.id.clone());
            answer(id, room.add_note(pid, n).await, ServerMessage::NoteAck)
        }
        ClientMessage::WithdrawNote(w) => {
            let id = Some(w.id.clone());
            answer(id, room.withdraw_note(pid, w).await, ServerMessage::Done)
        }
        ClientMessage::PassReporter(p) => {
            let id = Some(p.id.clone());
            answer(id, room.pass_reporter(pid, p).await, ServerMessage::Done)
        }
        ClientMessage::Consent(c) => {
            let id = Some(c.id.clone());
            answer(id, room.consent(pid, c).await, ServerMessage::Done)
        }
        ClientMessage::Ping => ServerMessage::Pong,
    }
}

/// The answer `ok` wraps, or the refusal of request `id`.
fn answer<T>(
    id: Option<String>,
    result: Result<T, RoomError>,
    ok: impl FnOnce(T) -> ServerMessage,
) -> ServerMessage {
    match result {
        Ok(done) => ok(done),
        Err(e) => ApiError::from(e).rejection(id),
    }
}
