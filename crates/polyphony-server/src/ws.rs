//! One WebSocket: a phone (votes in, its own view out) or a screen (the room view out).
//!
//! A socket sends `welcome`, then the current view, then a new view whenever the room's snapshot
//! changes (skipping any it missed while busy) — so a phone that reconnects is up to date at
//! once. A phone's requests are handled in order, each by the one dispatch of participant
//! requests (`crate::dispatch`, the same command entry points as HTTP); its one answer (`ack`,
//! `statement_added`, `spectrum_ack`, `note_ack`, `done` or `rejected`) goes out once the change
//! is committed, followed by the phone's new view.
//!
//! What a socket may hold is bounded: a frame or message over the size limit closes it when its
//! header arrives; views come from a `watch` channel (the latest only, never a queue), and each
//! send is awaited until flushed, so a socket holds at most one view in flight; and a send that
//! does not complete within `Limits::ws_send_timeout` (a client that stops reading) drops the
//! socket. The projector's and facilitator's views are serialised once per snapshot
//! ([`Snapshot::room_message`]) and every socket's message shares those bytes
//! ([`room_update`]); a socket holds no snapshot while it sends.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket};
use futures_util::{SinkExt, StreamExt};
use polyphony_protocol::{
    ClientMessage, ErrorBody, HostView, PhoneView, ServerMessage, PROTOCOL_VERSION,
};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};

use crate::dispatch;
use crate::room::LiveRoom;
use crate::Snapshot;

/// Who is on the other end.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Role {
    /// A participant's phone.
    Phone(u32),
    /// The projector (no key).
    Screen,
    /// The facilitator console (key checked).
    Host,
}

const KEEPALIVE: Duration = Duration::from_secs(20);

/// Messages one socket may send per [`MESSAGE_WINDOW`] before it is closed (a phone's queue
/// replayed after the wifi came back is at most a few dozen; each request is answered).
const MESSAGES_PER_WINDOW: u32 = 300;
/// See [`MESSAGES_PER_WINDOW`].
const MESSAGE_WINDOW: Duration = Duration::from_secs(10);

/// The socket's sending half, how long a send may take, and the server's budget for large
/// messages in flight (KiB permits).
struct Out {
    tx: futures_util::stream::SplitSink<WebSocket, Message>,
    timeout: Duration,
    budget: Arc<Semaphore>,
    budget_kib: u32,
}

/// Messages up to this size go out without a share of the budget (phones' views, acks).
const SMALL: usize = 16 * 1024;

/// Sends one message; `false` when the socket failed or did not take it within the timeout.
/// A large message first takes its share of the server's send budget, within the same
/// deadline, and holds it until the socket has taken the message: what slow sockets hold
/// together is bounded (`Limits::socket_send_budget_bytes`).
async fn send(out: &mut Out, m: Message) -> bool {
    let len = match &m {
        Message::Text(t) => t.len(),
        Message::Binary(b) => b.len(),
        _ => 0,
    };
    let deadline = tokio::time::Instant::now() + out.timeout;
    let Some(_share) = share(out, len, deadline).await else {
        return false;
    };
    matches!(
        tokio::time::timeout_at(deadline, out.tx.send(m)).await,
        Ok(Ok(()))
    )
}

/// A share of the send budget for a message of `len` bytes (none needed for a small one),
/// waited for until `deadline`; `None` when it did not come in time.
async fn share(
    out: &Out,
    len: usize,
    deadline: tokio::time::Instant,
) -> Option<Option<OwnedSemaphorePermit>> {
    if len <= SMALL {
        return Some(None);
    }
    // A message larger than the whole budget takes all of it.
    let kib = u32::try_from(len.div_ceil(1024))
        .unwrap_or(u32::MAX)
        .min(out.budget_kib);
    match tokio::time::timeout_at(deadline, Arc::clone(&out.budget).acquire_many_owned(kib)).await {
        Ok(Ok(p)) => Some(Some(p)),
        _ => None,
    }
}

/// Sends a screen's or the console's view: first its share of the budget, then the latest view.
/// A socket waiting for its share holds no view, so sockets stuck at different moments do not
/// each keep a different old view alive. `false` when the socket failed or timed out.
async fn send_room_view(
    out: &mut Out,
    snapshots: &mut watch::Receiver<Arc<Snapshot>>,
    role: Role,
) -> bool {
    let deadline = tokio::time::Instant::now() + out.timeout;
    let len = room_message(&snapshots.borrow(), role).len();
    let Some(_share) = share(out, len, deadline).await else {
        return false;
    };
    let Some(m) = room_update(&snapshots.borrow_and_update(), role) else {
        return true;
    };
    matches!(
        tokio::time::timeout_at(deadline, out.tx.send(m)).await,
        Ok(Ok(()))
    )
}

fn text(msg: &ServerMessage) -> Message {
    Message::Text(serde_json::to_string(msg).unwrap_or_default().into())
}

/// The screen's or facilitator's view of `snap` as a message sharing the snapshot's bytes (a
/// reference count, not a copy per socket), or `None` before the first publish.
fn room_update(snap: &Snapshot, role: Role) -> Option<Message> {
    let m = room_message(snap, role);
    (!m.is_empty()).then(|| Message::Text(m.clone()))
}

/// The screen's or facilitator's message of `snap` (empty before the first publish).
fn room_message(snap: &Snapshot, role: Role) -> &axum::extract::ws::Utf8Bytes {
    if let Role::Host = role {
        &snap.host_message
    } else {
        &snap.room_message
    }
}

/// The phone's view as a message, or `None` when it equals the last one sent.
fn phone_update(
    room: &LiveRoom,
    pid: u32,
    analysis: Option<&polyphony_core::Analysis>,
    last: &mut Option<PhoneView>,
) -> Option<Message> {
    let view = room.phone_view(pid, analysis);
    if last.as_ref() == Some(&view) {
        return None;
    }
    let m = text(&ServerMessage::Phone(Box::new(view.clone())));
    *last = Some(view);
    Some(m)
}

/// The facilitator's notes as a message, or `None` when they equal the last ones sent.
fn host_update(room: &LiveRoom, last: &mut Option<HostView>) -> Option<Message> {
    let view = room.host_view();
    if last.as_ref() == Some(&view) {
        return None;
    }
    let m = text(&ServerMessage::Host(Box::new(view.clone())));
    *last = Some(view);
    Some(m)
}

pub(crate) async fn serve(
    socket: WebSocket,
    room: Arc<LiveRoom>,
    role: Role,
    mut shutdown: watch::Receiver<bool>,
    send_timeout: Duration,
    (budget, budget_kib): (Arc<Semaphore>, u32),
) {
    let (tx, mut rx) = socket.split();
    let mut out = Out {
        tx,
        timeout: send_timeout,
        budget,
        budget_kib,
    };
    let mut snapshots = room.subscribe();
    let mut retirement = room.retirement();
    if room.retired() {
        return;
    }
    let welcome = ServerMessage::Welcome {
        version: PROTOCOL_VERSION,
        room: Box::new(room.info()),
    };
    if !send(&mut out, text(&welcome)).await {
        return;
    }
    let mut last_phone: Option<PhoneView> = None;
    let mut last_host: Option<HostView> = None;
    // Mark the current snapshot unseen so the first loop turn sends it.
    snapshots.mark_changed();
    let mut window = (tokio::time::Instant::now(), 0u32);
    let mut keepalive = tokio::time::interval(KEEPALIVE);
    keepalive.tick().await;
    loop {
        tokio::select! {
            changed = snapshots.changed() => {
                if changed.is_err() {
                    break;
                }
                // The snapshot is let go before the send: a socket that reads slowly holds the
                // view's shared bytes, not the snapshot's analysis.
                if let Role::Phone(pid) = role {
                    // Removed by the facilitator (or expired): the socket ends, and the phone,
                    // refused on reconnecting, learns why and joins again.
                    if !room.has_participant(pid) {
                        let close = axum::extract::ws::CloseFrame {
                            code: axum::extract::ws::close_code::POLICY,
                            reason: "not in the room any more; join again".into(),
                        };
                        let _ = send(&mut out, Message::Close(Some(close))).await;
                        break;
                    }
                    let view = {
                        let snap = Arc::clone(&snapshots.borrow_and_update());
                        phone_update(&room, pid, snap.analysis.as_deref(), &mut last_phone)
                    };
                    if let Some(m) = view {
                        if !send(&mut out, m).await {
                            break;
                        }
                    }
                } else if !send_room_view(&mut out, &mut snapshots, role).await {
                    break;
                }
                if let Role::Host = role {
                    if let Some(m) = host_update(&room, &mut last_host) {
                        if !send(&mut out, m).await {
                            break;
                        }
                    }
                }
            }
            incoming = rx.next() => {
                let Some(Ok(msg)) = incoming else { break };
                // Every request gets an answer, so a socket that sends without pause (refused
                // or no-op requests included) would be answered without pause: past
                // MESSAGES_PER_WINDOW in a window the socket is closed (a real phone sends a
                // few a second and backs off on 429).
                let now = tokio::time::Instant::now();
                if now.duration_since(window.0) > MESSAGE_WINDOW {
                    window = (now, 0);
                }
                window.1 += 1;
                if window.1 > MESSAGES_PER_WINDOW {
                    tracing::info!("socket closed: more than {MESSAGES_PER_WINDOW} messages in {MESSAGE_WINDOW:?}");
                    let close = axum::extract::ws::CloseFrame {
                        code: axum::extract::ws::close_code::POLICY,
                        reason: "too many messages; reconnect and slow down".into(),
                    };
                    let _ = send(&mut out, Message::Close(Some(close))).await;
                    break;
                }
                let raw = match msg {
                    Message::Text(t) => t.to_string(),
                    Message::Binary(b) => String::from_utf8_lossy(&b).into_owned(),
                    Message::Close(_) => break,
                    Message::Ping(_) | Message::Pong(_) => continue,
                };
                let reply = handle(&room, role, &raw).await;
                if room.retired() {
                    // Fenced off: the request was not written. No answer: the phone keeps it
                    // queued, reconnects and resends it to the room's new owner.
                    let _ = send(&mut out, Message::Close(Some(moved()))).await;
                    break;
                }
                if !send(&mut out, text(&reply)).await {
                    break;
                }
                if let (Role::Phone(pid), true) = (role, !matches!(reply, ServerMessage::Pong | ServerMessage::Error(_))) {
                    let snap = room.snapshot();
                    if let Some(m) = phone_update(&room, pid, snap.analysis.as_deref(), &mut last_phone) {
                        if !send(&mut out, m).await {
                            break;
                        }
                    }
                }
            }
            _ = keepalive.tick() => {
                if !send(&mut out, Message::Ping(Vec::new().into())).await {
                    break;
                }
            }
            _ = shutdown.changed() => {
                let _ = send(&mut out, Message::Close(Some(stopping()))).await;
                break;
            }
            _ = retirement.changed() => {
                let _ = send(&mut out, Message::Close(Some(moved()))).await;
                break;
            }
        }
    }
}

/// The close frame of every socket when the server stops (1001, going away: the phone says it
/// is reconnecting to the room, not that it is offline, and reconnects to this server started
/// again or, in a cluster, to another instance).
fn stopping() -> axum::extract::ws::CloseFrame {
    axum::extract::ws::CloseFrame {
        code: axum::extract::ws::close_code::AWAY,
        reason: "the server is stopping; reconnect".into(),
    }
}

/// The close frame of a socket whose room another instance serves now (1012: reconnect).
fn moved() -> axum::extract::ws::CloseFrame {
    axum::extract::ws::CloseFrame {
        code: axum::extract::ws::close_code::RESTART,
        reason: "the room moved to another server; reconnect".into(),
    }
}

/// One message from the socket, answered with one message: a participant's request goes
/// through the one dispatch ([`dispatch::participant_request`]); a screen or console may only
/// ping.
async fn handle(room: &LiveRoom, role: Role, raw: &str) -> ServerMessage {
    let msg: ClientMessage = match serde_json::from_str(raw) {
        Ok(m) => m,
        Err(e) => {
            return ServerMessage::Error(ErrorBody {
                error: format!("cannot read this message: {e}"),
                code: Some(polyphony_protocol::ErrorCode::BadRequest),
            })
        }
    };
    match (role, msg) {
        (_, ClientMessage::Ping) => ServerMessage::Pong,
        (Role::Phone(pid), msg) => dispatch::participant_request(room, pid, msg).await,
        (Role::Screen | Role::Host, _) => ServerMessage::Error(ErrorBody {
            error:
                "only a phone socket (opened with ?token=) takes votes, statements, positions and notes"
                    .into(),
            code: Some(polyphony_protocol::ErrorCode::BadRequest),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::extract::ws::Utf8Bytes;
    use polyphony_protocol::RoomView;

    fn snapshot(room: &str, host: Option<&str>) -> Snapshot {
        let room_message = Utf8Bytes::from(room.to_string());
        let host_message = host.map_or_else(|| room_message.clone(), |h| h.to_string().into());
        Snapshot {
            version: 1,
            analysis: None,
            room_view: Arc::new(RoomView::default()),
            room_message,
            host_message,
        }
    }

    fn text_of(m: Option<Message>) -> Utf8Bytes {
        match m {
            Some(Message::Text(t)) => t,
            other => panic!("not a text message: {other:?}"),
        }
    }

    #[test]
    fn every_screens_view_shares_the_snapshots_bytes() {
        let view = format!(r#"{{"type":"room","pad":"{}"}}"#, "x".repeat(400 * 1024));
        let snap = snapshot(&view, None);
        let shared = snap.room_message.as_str().as_ptr();
        // A thousand sockets' pending messages: one allocation, not a copy each.
        let pending: Vec<Utf8Bytes> = (0..1000)
            .map(|i| {
                let role = if i % 10 == 0 {
                    Role::Host
                } else {
                    Role::Screen
                };
                text_of(room_update(&snap, role))
            })
            .collect();
        for m in &pending {
            assert_eq!(m.as_str().as_ptr(), shared);
            assert_eq!(m.len(), view.len());
        }
        // While something is hidden from the room, the facilitator's sockets share theirs.
        let snap = snapshot("{\"room\":1}", Some("{\"host\":1}"));
        let a = text_of(room_update(&snap, Role::Host));
        let b = text_of(room_update(&snap, Role::Host));
        assert_eq!(a.as_str().as_ptr(), snap.host_message.as_str().as_ptr());
        assert_eq!(a.as_str().as_ptr(), b.as_str().as_ptr());
        assert_eq!(a, "{\"host\":1}");
        assert_eq!(text_of(room_update(&snap, Role::Screen)), "{\"room\":1}");
        // Before the first publish there is nothing to send.
        assert!(room_update(&snapshot("", None), Role::Screen).is_none());
    }
}
