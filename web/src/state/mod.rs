//! View state as plain Rust: what each screen knows and how every event changes it. No DOM, no
//! network: the components feed events in and send what comes out, and native unit tests drive
//! the same code.
//!
//! - [`phone`]: [`PhoneModel`], a participant's phone (offline queue, resend, sticky statement,
//!   consent, table notes).
//! - [`screen`]: [`ScreenModel`], what the projector and the console know (and the
//!   facilitator's notes).
//! - [`map`]: placing the opinion map's points.
//! - [`fit`]: how much text fits the projector, so that no stage scrolls.
//! - [`controls`]: the facilitator's hand: statements by how divisive, the second vote's
//!   preselection, the timer's clock, group names, how a group leans.
//! - [`seeds`]: the start page's seed statements checked as they are typed.
//! - [`projector`]: what the projector decides: an ended timer's minute, the report page the
//!   console turned to, a spectrum's steps, each divisive statement's leans.

use polyphony_protocol::{ClientMessage, ErrorCode, ServerMessage, StatementView, Vote};
use serde::{Deserialize, Serialize};

pub mod controls;
pub mod fit;
pub mod map;
pub mod phone;
pub mod projector;
pub mod run_sheet;
pub mod screen;
pub mod seeds;
pub mod task;

pub use fit::{how_many, lines_with, newest_that_fit, text_lines, Fit};
pub use map::{label_index, map_layout, spread_duplicates};
pub use phone::{Outage, PhoneModel};
pub use screen::ScreenModel;
pub use task::PhoneTask;

/// What a room's WebSocket reports (`crate::net::connect`), to a phone or a screen alike.
// A server message is as large as its largest (a welcome's `RoomInfo`); events live for one
// dispatch, so boxing them would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum SocketEvent {
    /// The socket opened (the server's `welcome` arrived).
    Connected,
    /// The socket closed or failed, and why as far as the browser can tell.
    Disconnected(Closed),
    /// A message from the server.
    Server(ServerMessage),
}

/// Why a socket closed, as far as a browser can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Closed {
    /// The browser says it has no network.
    NoNetwork,
    /// The server closed it saying it restarts or goes away (close code 1012 or 1001): another
    /// server takes the room over, or this one starts again. The phone's network works.
    ServerRestart,
    /// It dropped, or could not open, with no reason a browser can read (close code 1006): the
    /// phone's wifi, or a server that stopped or refused the upgrade.
    Unknown,
}

impl Closed {
    /// The reason a WebSocket close code gives.
    pub fn from_code(code: u16) -> Closed {
        match code {
            1001 | 1012 => Closed::ServerRestart,
            _ => Closed::Unknown,
        }
    }
}

/// Something that happened to a phone.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum PhoneEvent {
    /// The socket opened.
    Connected,
    /// The socket closed or failed, and why as far as the browser can tell.
    Disconnected(Closed),
    /// While the socket is closed, the phone asked the server over HTTP: `true` when it
    /// answered (whatever it said: a 503 while the room moves to another server is an answer),
    /// `false` when it could not be reached.
    ServerReached(bool),
    /// A message from the server.
    Server(ServerMessage),
    /// The participant voted.
    Vote {
        /// On this statement.
        statement: u32,
        /// This way.
        vote: Vote,
    },
    /// The participant wrote a statement.
    AddStatement(String),
    /// The participant placed themselves on the spectrum.
    Spectrum {
        /// Spectrum id.
        spectrum: u32,
        /// Round.
        round: u8,
        /// −2 … 2.
        position: i8,
    },
    /// The participant accepted the room's rules.
    Consent,
    /// The participant wrote a note for their table.
    AddNote(String),
    /// The participant withdraws their own unreleased note.
    WithdrawNote(u32),
    /// The reporter hands the role on.
    PassReporter,
    /// Time to resend what the server asked us to retry (429, or voting paused).
    Retry,
    /// Statement texts read from the room's public view (the spotlight's, when the phone's own
    /// view does not carry it).
    Statements(Vec<StatementView>),
}

/// A request not yet answered by the server; kept (and saved) until it is. Typed all the way:
/// it becomes JSON only where it leaves the phone (the socket, the browser's storage).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Queued {
    /// The request's id.
    pub id: String,
    /// The request.
    #[serde(deserialize_with = "saved_message")]
    pub message: ClientMessage,
}

/// A saved queue's message: an object, or (saved by an earlier build of the app, which kept
/// each request as JSON text) a string holding one — a phone updated mid-workshop keeps its
/// unsent votes.
fn saved_message<'de, D: serde::Deserializer<'de>>(d: D) -> Result<ClientMessage, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Saved {
        Message(ClientMessage),
        Text(String),
    }
    match Saved::deserialize(d)? {
        Saved::Message(m) => Ok(m),
        Saved::Text(t) => serde_json::from_str(&t).map_err(serde::de::Error::custom),
    }
}

/// Short feedback for the participant.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    /// Their statement was stored.
    StatementSent,
    /// Their note was stored (shown on the projector only once the facilitator releases it).
    NoteSent,
    /// The server refused something: its stable code (worded from the tables) and its English
    /// sentence (shown only for a code this build has no words for).
    Refused {
        /// Why, as a stable code.
        code: Option<ErrorCode>,
        /// Why, in English.
        error: String,
    },
}

impl From<SocketEvent> for PhoneEvent {
    fn from(e: SocketEvent) -> PhoneEvent {
        match e {
            SocketEvent::Connected => PhoneEvent::Connected,
            SocketEvent::Disconnected(why) => PhoneEvent::Disconnected(why),
            SocketEvent::Server(m) => PhoneEvent::Server(m),
        }
    }
}
