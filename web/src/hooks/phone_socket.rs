//! A phone's live session: its [`PhoneModel`], the socket, the saved queue, the retry after a 429
//! or a vote refused while voting was paused, and the spotlight's text when the phone's view
//! does not carry it (read once from the room's public view).

use std::cell::{Cell, Ref, RefCell};
use std::rc::Rc;

use polyphony_protocol::{ErrorCode, RoomView, ServerMessage};
use yew::prelude::*;

use crate::hooks::phone_identity::request_prefix;
use crate::net::{self, Socket};
use crate::routes::api;
use crate::state::{PhoneEvent, PhoneModel, SocketEvent};
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
}

impl Session {
    fn send(&self, messages: Vec<String>) {
        if let Some(s) = self.socket.borrow().as_ref() {
            for m in messages {
                s.send(m);
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
pub fn use_phone_socket(code: &str, token: Option<String>) -> Phone {
    let redraw = use_force_update();
    let session = use_memo(code.to_string(), |code| Session {
        code: code.clone(),
        model: RefCell::new(PhoneModel::new(&request_prefix(), storage::queue(code))),
        socket: RefCell::new(None),
        redraw,
        spotlight_asked: Cell::new(None),
    });
    {
        let session = Rc::clone(&session);
        use_effect_with(
            (code.to_string(), token),
            move |(code, token): &(String, Option<String>)| {
                if let Some(token) = token {
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
