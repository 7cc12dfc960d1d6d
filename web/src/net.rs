//! Talking to the server, and nothing else: JSON over HTTP, and a WebSocket that reconnects by
//! itself. Paths come from [`crate::routes`].
//!
//! The socket reports [`SocketEvent::Connected`] when the server's `welcome` arrives (not when
//! the TCP connection opens), every server message, and [`SocketEvent::Disconnected`] when it
//! drops, with why as far as the browser can tell ([`Closed`]: its own network down, the server
//! restarting or moving the room — close code 1012 or 1001 — or no reason given); it then
//! retries with backoff (0.5 s doubling to 5 s). When the browser says it is offline the socket
//! is closed at once, and reopened as soon as the browser is back online.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use futures::channel::{mpsc, oneshot};
use futures::future::Either;
use futures::{SinkExt, StreamExt};
use gloo_net::websocket::futures::WebSocket;
use gloo_net::websocket::{Message, WebSocketError};
use polyphony_protocol::{ErrorCode, ServerMessage};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::nav::{origin, window};
use crate::state::{Closed, SocketEvent};

/// An HTTP failure: the status (0 when the server was not reached) and the server's sentence.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpError {
    /// HTTP status.
    pub status: u16,
    /// What went wrong (the server's English sentence, for logs and as the last fallback).
    pub message: String,
    /// The same as a stable code (`ErrorBody.code`), which screens word in their language.
    pub code: Option<ErrorCode>,
}

async fn finish<T: DeserializeOwned>(
    resp: Result<gloo_net::http::Response, gloo_net::Error>,
) -> Result<T, HttpError> {
    let resp = resp.map_err(|e| HttpError {
        status: 0,
        message: e.to_string(),
        code: None,
    })?;
    let status = resp.status();
    if !resp.ok() {
        let body: serde_json::Value = resp.json().await.unwrap_or_default();
        return Err(HttpError {
            status,
            message: body["error"].as_str().unwrap_or("error").to_string(),
            code: serde_json::from_value(body["code"].clone()).ok(),
        });
    }
    resp.json().await.map_err(|e| HttpError {
        status,
        message: e.to_string(),
        code: None,
    })
}

/// POSTs `body` as JSON with optional headers; reads the JSON answer.
pub async fn post<B: Serialize, T: DeserializeOwned>(
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&B>,
) -> Result<T, HttpError> {
    let mut req = gloo_net::http::Request::post(url);
    for (k, v) in headers {
        req = req.header(k, v);
    }
    let resp = match body {
        Some(b) => match req.json(b) {
            Ok(r) => r.send().await,
            Err(e) => Err(e),
        },
        None => req.send().await,
    };
    finish(resp).await
}

/// PUTs `body` as JSON with optional headers; reads the JSON answer.
pub async fn put<B: Serialize, T: DeserializeOwned>(
    url: &str,
    headers: &[(&str, &str)],
    body: &B,
) -> Result<T, HttpError> {
    let mut req = gloo_net::http::Request::put(url);
    for (k, v) in headers {
        req = req.header(k, v);
    }
    let resp = match req.json(body) {
        Ok(r) => r.send().await,
        Err(e) => Err(e),
    };
    finish(resp).await
}

/// DELETEs with optional headers; any answer body is ignored.
pub async fn delete(url: &str, headers: &[(&str, &str)]) -> Result<(), HttpError> {
    let mut req = gloo_net::http::Request::delete(url);
    for (k, v) in headers {
        req = req.header(k, v);
    }
    match finish::<serde_json::Value>(req.send().await).await {
        Err(e) if e.status == 0 || !(200..300).contains(&e.status) => Err(e),
        _ => Ok(()),
    }
}

/// GETs JSON.
pub async fn get<T: DeserializeOwned>(url: &str, headers: &[(&str, &str)]) -> Result<T, HttpError> {
    let mut req = gloo_net::http::Request::get(url);
    for (k, v) in headers {
        req = req.header(k, v);
    }
    finish(req.send().await).await
}

/// A live socket; dropping every clone stops it.
#[derive(Clone)]
pub struct Socket {
    sender: Rc<RefCell<Option<mpsc::UnboundedSender<String>>>>,
    alive: Rc<Cell<bool>>,
}

impl Socket {
    /// Sends a message if the socket is open (callers keep their own queue for the rest).
    pub fn send(&self, json: String) {
        if let Some(tx) = self.sender.borrow().as_ref() {
            let _ = tx.unbounded_send(json);
        }
    }

    /// Stops reconnecting and closes.
    pub fn stop(&self) {
        self.alive.set(false);
        self.sender.borrow_mut().take();
    }
}

/// The socket `index.html` opened for a phone while the app downloaded
/// (`polyphonyEarlySocket`: its URL, the socket and the messages that arrived meanwhile), when
/// it is for `url` and not closed: taken over here, in one synchronous step (the page's own
/// message handler off, the app's on), so no message is lost or seen twice. Taken once.
fn take_early_socket(url: &str) -> Option<(WebSocket, Vec<String>)> {
    let window = window()?;
    let name = wasm_bindgen::JsValue::from_str("polyphonyEarlySocket");
    let early = js_sys::Reflect::get(&window, &name).ok()?;
    if early.is_undefined() || early.is_null() {
        return None;
    }
    let _ = js_sys::Reflect::delete_property(window.as_ref(), &name);
    let field = |f: &str| js_sys::Reflect::get(&early, &wasm_bindgen::JsValue::from_str(f)).ok();
    let ws = field("socket")?.dyn_into::<web_sys::WebSocket>().ok()?;
    // CONNECTING (0) or OPEN (1): its open and close events are still to come.
    if field("url")?.as_string()? != url || ws.ready_state() > 1 {
        let _ = ws.close();
        return None;
    }
    let arrived: Vec<String> = field("buffered")
        .and_then(|b| b.dyn_into::<js_sys::Array>().ok())
        .map(|b| b.iter().filter_map(|m| m.as_string()).collect())
        .unwrap_or_default();
    ws.set_onmessage(None);
    WebSocket::try_from(ws).ok().map(|ws| (ws, arrived))
}

/// Opens `path` (e.g. `/api/rooms/ABC234/ws?token=…`) on this page's server and keeps it open.
pub fn connect(path: &str, on_event: Rc<dyn Fn(SocketEvent)>) -> Socket {
    let url = format!("{}{}", origin().replacen("http", "ws", 1), path);
    let socket = Socket {
        sender: Rc::new(RefCell::new(None)),
        alive: Rc::new(Cell::new(true)),
    };
    let offline = Rc::new(Cell::new(
        window().is_some_and(|w| !w.navigator().on_line()),
    ));
    let cancel: Rc<RefCell<Option<oneshot::Sender<()>>>> = Rc::new(RefCell::new(None));
    // The browser's offline / online events.
    if let Some(w) = window() {
        let (off, c) = (Rc::clone(&offline), Rc::clone(&cancel));
        let went_offline = Closure::<dyn FnMut()>::new(move || {
            off.set(true);
            if let Some(tx) = c.borrow_mut().take() {
                let _ = tx.send(());
            }
        });
        let on = Rc::clone(&offline);
        let came_online = Closure::<dyn FnMut()>::new(move || on.set(false));
        let _ =
            w.add_event_listener_with_callback("offline", went_offline.as_ref().unchecked_ref());
        let _ = w.add_event_listener_with_callback("online", came_online.as_ref().unchecked_ref());
        went_offline.forget();
        came_online.forget();
    }
    let s = socket.clone();
    let mut early = take_early_socket(&url);
    wasm_bindgen_futures::spawn_local(async move {
        let mut backoff = 500u64;
        while s.alive.get() {
            if offline.get() {
                gloo_timers::future::sleep(Duration::from_millis(250)).await;
                continue;
            }
            let opened = match early.take() {
                Some(taken) => Ok(taken),
                None => WebSocket::open(&url).map(|ws| (ws, Vec::new())),
            };
            if let Ok((ws, arrived)) = opened {
                let (mut write, read) = ws.split();
                // What arrived before the app took the socket over, then the rest.
                let arrived =
                    futures::stream::iter(arrived.into_iter().map(|t| Ok(Message::Text(t))));
                let mut read = arrived.chain(read);
                let (tx, mut rx) = mpsc::unbounded::<String>();
                let (cancel_tx, cancel_rx) = oneshot::channel::<()>();
                *cancel.borrow_mut() = Some(cancel_tx);
                let writer = async move {
                    while let Some(m) = rx.next().await {
                        if write.send(Message::Text(m)).await.is_err() {
                            break;
                        }
                    }
                };
                let (ev, sender, back) = (Rc::clone(&on_event), Rc::clone(&s.sender), &mut backoff);
                let reader = async move {
                    let mut welcomed = false;
                    while let Some(msg) = read.next().await {
                        let t = match msg {
                            Ok(Message::Text(t)) => t,
                            Ok(Message::Bytes(_)) => continue,
                            // The close event says why; it follows an error event, if any.
                            Err(WebSocketError::ConnectionClose(e)) => {
                                return Closed::from_code(e.code)
                            }
                            Err(_) => continue,
                        };
                        let Ok(m) = serde_json::from_str::<ServerMessage>(&t) else {
                            continue;
                        };
                        if !welcomed {
                            welcomed = true;
                            *back = 500;
                            *sender.borrow_mut() = Some(tx.clone());
                            ev(SocketEvent::Connected);
                        }
                        ev(SocketEvent::Server(m));
                    }
                    Closed::Unknown
                };
                futures::pin_mut!(writer, reader);
                let either = futures::future::select(writer, reader);
                futures::pin_mut!(either);
                let why = match futures::future::select(either, cancel_rx).await {
                    Either::Left((Either::Right((why, _)), _)) => why,
                    // The browser went offline (its event closed this socket).
                    Either::Right((Ok(()), _)) => Closed::NoNetwork,
                    _ => Closed::Unknown,
                };
                s.sender.borrow_mut().take();
                on_event(SocketEvent::Disconnected(why));
            } else {
                on_event(SocketEvent::Disconnected(Closed::Unknown));
            }
            if !s.alive.get() {
                break;
            }
            let mut waited = 0;
            while waited < backoff && !offline.get() && s.alive.get() {
                gloo_timers::future::sleep(Duration::from_millis(100)).await;
                waited += 100;
            }
            backoff = (backoff * 2).min(5000);
        }
    });
    socket
}
