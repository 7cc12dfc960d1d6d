//! A phone's live session: its [`PhoneModel`], the socket, the saved queue, the retry after a 429
//! or a vote refused while voting was paused, and the spotlight's text when the phone's view
//! does not carry it (read once from the room's public view). When the socket fails for no
//! reason a browser can read, the phone asks the server over HTTP, which says whether the
//! server can be reached at all (else the phone is offline), and whether the room still knows
//! this phone's token.

use std::cell::{Cell, Ref, RefCell};
use std::rc::Rc;

use polyphony_protocol::{ClientMessage, ErrorCode, RoomView, ServerMessage};
use yew::prelude::*;

use crate::hooks::phone_identity::request_prefix;
use crate::net::{self, Socket};
use crate::routes::api;
use crate::state::{Closed, PhoneEvent, PhoneModel, SocketEvent};
use crate::storage;

/// How long a phone waits before resending what the server rate-limited (429).
const RETRY_MS: u32 = 1000;
/// How long before a vote refused as paused is tried again, in case the view saying so never
/// comes (paused and resumed at once); while the view says paused, the retry sends no vote.
const PAUSED_RETRY_MS: u32 = 3000;

struct Session {
    code: String,
    model: RefCell<PhoneModel>,
    socket: RefCell<Option<Socket>>,
    redraw: UseForceUpdateHandle,
    /// The spotlight whose text was last asked of the room view (asked once per statement).
    spotlight_asked: Cell<Option<u32>>,
    /// Sockets that failed for no reason given since the last one that opened; the phone asks
    /// the server after the 1st, 2nd, 4th, 8th… (the socket's own retries are 0.5 s doubling to
    /// 5 s apart, so a long outage costs one request every few retries).
    failures: Cell<u32>,
    /// The token the socket uses, and what to do when the room no longer knows it.
    identity: RefCell<Option<(String, Callback<()>)>>,
}

impl Session {
    /// Sends the model's messages, as JSON only here, at the edge.
    fn send(&self, messages: Vec<ClientMessage>) {
        if let Some(s) = self.socket.borrow().as_ref() {
            for m in messages {
                match serde_json::to_string(&m) {
                    Ok(text) => s.send(text),
                    // Cannot happen for these plain types; said rather than sent empty.
                    Err(e) => web_sys::console::error_1(&format!("request not sent: {e}").into()),
                }
            }
        }
    }

    /// Applies an event, sends what it returns, saves the queue and redraws; after a 429, resends
    /// the queue a second later.
    fn dispatch(self: &Rc<Self>, e: PhoneEvent) {
        let retry = match &e {
            PhoneEvent::Server(ServerMessage::Rejected(r)) if r.status == 429 => Some(RETRY_MS),
            PhoneEvent::Server(ServerMessage::Rejected(r))
                if r.code == Some(ErrorCode::VotingPaused) =>
            {
                Some(PAUSED_RETRY_MS)
            }
            _ => None,
        };
        match &e {
            PhoneEvent::Connected => self.failures.set(0),
            PhoneEvent::Disconnected(Closed::Unknown) => {
                let failures = self.failures.get() + 1;
                self.failures.set(failures);
                if failures.is_power_of_two() {
                    self.ask_server();
                }
            }
            _ => {}
        }
        let out = self.model.borrow_mut().apply(e);
        self.send(out);
        storage::save_queue(&self.code, &self.model.borrow().queue);
        self.redraw.force_update();
        if let Some(ms) = retry {
            let session = Rc::clone(self);
            gloo_timers::callback::Timeout::new(ms, move || {
                let out = session.model.borrow_mut().apply(PhoneEvent::Retry);
                session.send(out);
            })
            .forget();
        }
        self.read_spotlight();
    }

    /// Asks the room over HTTP (which, unlike a refused socket, says why) whether the server
    /// can be reached (`ServerReached`: any answer, a 503 while the room moves included) and
    /// whether it still knows this phone's token: when it does not, the token is forgotten and
    /// the phone joins again, at the first such answer. Only a 403 saying `not_participant`
    /// means that (the room was found and does not know the token: removed, or expired); no
    /// answer, a 5xx or 503 while the room changes servers, a 429, a 404 for a room the server
    /// has not loaded, or a 401 (the token did not arrive) leave the token as it is.
    fn ask_server(self: &Rc<Self>) {
        let Some((token, forget)) = self.identity.borrow().clone() else {
            return;
        };
        let url = api::me(&self.code);
        let session = Rc::downgrade(self);
        wasm_bindgen_futures::spawn_local(async move {
            let header = [(
                polyphony_protocol::paths::PARTICIPANT_TOKEN_HEADER,
                token.as_str(),
            )];
            let answer = net::get::<serde_json::Value>(&url, &header).await;
            let reached = !matches!(&answer, Err(e) if e.status == 0);
            if let Some(s) = session.upgrade() {
                s.dispatch(PhoneEvent::ServerReached(reached));
            }
            if let Err(e) = answer {
                if not_in_room(e.status, e.code) {
                    forget.emit(());
                }
            }
        });
    }

    /// The spotlight's text, when the phone has not seen it: read from the room's public view.
    fn read_spotlight(self: &Rc<Self>) {
        let Some(id) = self.model.borrow().spotlight_text_missing() else {
            return;
        };
        if self.spotlight_asked.replace(Some(id)) == Some(id) {
            return;
        }
        let session = Rc::downgrade(self);
        let url = api::view(&self.code);
        wasm_bindgen_futures::spawn_local(async move {
            if let Ok(view) = net::get::<RoomView>(&url, &[]).await {
                if let Some(s) = session.upgrade() {
                    let texts = view.statements.into_iter().map(|s| s.statement).collect();
                    s.dispatch(PhoneEvent::Statements(texts));
                }
            }
        });
    }
}

/// Whether an answer of `/me` says the room does not know the token (so it is forgotten).
fn not_in_room(status: u16, code: Option<ErrorCode>) -> bool {
    status == 403 && code == Some(ErrorCode::NotParticipant)
}

/// A phone's session, as its page sees it.
#[derive(Clone)]
pub struct Phone {
    session: Rc<Session>,
}

impl Phone {
    /// What the phone shows.
    pub fn model(&self) -> Ref<'_, PhoneModel> {
        self.session.model.borrow()
    }

    /// Feeds the participant's actions in.
    pub fn dispatch(&self) -> Callback<PhoneEvent> {
        let session = Rc::clone(&self.session);
        Callback::from(move |e| session.dispatch(e))
    }
}

/// The phone's session in room `code`: the model (resuming the saved queue), and, once `token`
/// is known, the socket feeding it.
#[hook]
pub fn use_phone_socket(code: &str, token: Option<String>, forget: Callback<()>) -> Phone {
    let redraw = use_force_update();
    let session = use_memo(code.to_string(), |code| Session {
        code: code.clone(),
        model: RefCell::new(PhoneModel::new(&request_prefix(), storage::queue(code))),
        socket: RefCell::new(None),
        redraw,
        spotlight_asked: Cell::new(None),
        failures: Cell::new(0),
        identity: RefCell::new(None),
    });
    {
        let session = Rc::clone(&session);
        use_effect_with(
            (code.to_string(), token),
            move |(code, token): &(String, Option<String>)| {
                if let Some(token) = token {
                    session.failures.set(0);
                    // A new identity after the room forgot the old one: this phone starts over
                    // as a new participant (the rules asked again; nothing of the old identity
                    // is sent under the new one).
                    let replaced = session
                        .identity
                        .borrow()
                        .as_ref()
                        .is_some_and(|(old, _)| old != token);
                    if replaced {
                        *session.model.borrow_mut() =
                            PhoneModel::new(&request_prefix(), Vec::new());
                        storage::save_queue(code, &[]);
                    }
                    *session.identity.borrow_mut() = Some((token.clone(), forget));
                    let weak = Rc::downgrade(&session);
                    let on_event: Rc<dyn Fn(SocketEvent)> = Rc::new(move |e: SocketEvent| {
                        if let Some(s) = weak.upgrade() {
                            s.dispatch(e.into());
                        }
                    });
                    *session.socket.borrow_mut() =
                        Some(net::connect(&api::ws_phone(code, token), on_event));
                }
                move || {
                    if let Some(s) = session.socket.borrow_mut().take() {
                        s.stop();
                    }
                }
            },
        );
    }
    Phone { session }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_403_not_participant_forgets_the_token() {
        assert!(not_in_room(403, Some(ErrorCode::NotParticipant)));
        // The request lacked the token, the server could not be reached, was busy or moving
        // the room, or refused for another reason: the token stays.
        assert!(!not_in_room(401, Some(ErrorCode::NotParticipant)));
        assert!(!not_in_room(0, None));
        assert!(!not_in_room(503, Some(ErrorCode::Internal)));
        assert!(!not_in_room(500, Some(ErrorCode::Internal)));
        assert!(!not_in_room(429, Some(ErrorCode::RateLimited)));
        assert!(!not_in_room(404, Some(ErrorCode::UnknownRoom)));
        assert!(!not_in_room(403, Some(ErrorCode::AdmissionRequired)));
        assert!(!not_in_room(403, None));
    }
}
