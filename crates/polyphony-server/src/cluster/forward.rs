//! Any instance answers any phone: a request about a room another instance serves is
//! forwarded to that instance (its internal address is in the room's lease row), HTTP as one
//! request and answer, a WebSocket proxied both ways for as long as it lasts.
//!
//! Why proxy sockets rather than fan views out through the database: a phone's view is its
//! own (the statement it is shown next, its votes), built by the room's model where the room
//! lives, and the owner already pushes it on every change. A proxy keeps one code path for a
//! socket wherever it lands, and costs one hop on loopback or the data centre's network.
//! `LISTEN/NOTIFY` carries only the wake-up that matters between instances: a room changed
//! hands, so sockets proxied to its former owner close at once and the phones reconnect
//! (`Cluster::moves`). NOTIFY's payload limit (8 kB) and its one-database fan-out would not
//! carry views for thousands of sockets; when rooms outgrow one owner's sockets (tens of
//! thousands of phones in one room), a message bus (NATS or similar) carrying each snapshot to
//! edge instances that build the phones' views would replace the proxy.
//!
//! Between instances the forwarding one adds `x-polyphony-peer` (the cluster's secret, drawn
//! by the first instance and kept in the database) and `x-polyphony-client` (the phone's
//! address): the owner takes the phone's address from there only when the secret matches,
//! so per-address limits keep meaning the phone's address, and a phone cannot forge it.
//! A forwarded request is never forwarded again: if the owner it reached no longer holds the
//! room, the answer is 503 with `Retry-After`, and the phone asks again.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use axum::body::Body;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite;

use super::{Cluster, Located};
use crate::error::ApiError;
use crate::request_log::Retried;
use crate::AppState;

/// The cluster's secret, on a request one instance forwards to another.
pub(crate) const PEER_HEADER: &str = "x-polyphony-peer";
/// The phone's address, on a forwarded request.
pub(crate) const CLIENT_HEADER: &str = "x-polyphony-client";

/// The join code of a path only the room's owner can answer: `/api/rooms/{code}[/…]` or the
/// report page `/r/{code}/report`. The app's pages (`/r/{code}`, `/r/{code}/screen`, …) are the
/// same file on every instance: served where they land, even while the room changes hands.
fn room_code(path: &str) -> Option<&str> {
    if let Some(rest) = path.strip_prefix("/api/rooms/") {
        let code = rest.split('/').next()?;
        return (!code.is_empty()).then_some(code);
    }
    let code = path.strip_prefix("/r/")?.strip_suffix("/report")?;
    (!code.is_empty() && !code.contains('/')).then_some(code)
}

/// Headers that belong to one connection, not to the request (RFC 9110 §7.6.1), and the ones
/// the forwarding sets itself.
fn passes(name: &HeaderName) -> bool {
    !matches!(
        name.as_str(),
        "connection"
            | "keep-alive"
            | "proxy-connection"
            | "te"
            | "trailer"
            | "transfer-encoding"
            | "upgrade"
            | "host"
            | "content-length"
            | PEER_HEADER
            | CLIENT_HEADER
    ) && !name.as_str().starts_with("sec-websocket-")
}

/// The answer while a room is between owners: ask again in a second. Expected during a
/// takeover, so logged at WARN with `why` (`crate::request_log`), not as a failure.
fn moving(why: impl Into<String>) -> Response {
    let mut r = ApiError::with_status(
        StatusCode::SERVICE_UNAVAILABLE,
        "this room is moving to another server; try again in a moment",
    )
    .into_response();
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    r.extensions_mut().insert(Retried::because(why));
    r
}

/// The middleware: requests about a room served here, or about no room, go on; the others go
/// to the room's owner. A 503 the client retries, from here or from the owner, leaves with
/// the room's code for the log.
pub(crate) async fn to_owner(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let code = room_code(req.uri().path()).map(crate::normalize_code);
    let mut response = route(&state, code.as_deref(), req, next).await;
    if let (Some(code), Some(retried)) = (code, response.extensions_mut().get_mut::<Retried>()) {
        retried.room.get_or_insert(code);
    }
    response
}

async fn route(state: &AppState, code: Option<&str>, req: Request, next: Next) -> Response {
    let Some(cluster) = state.cluster() else {
        return next.run(req).await;
    };
    let Some(code) = code else {
        return next.run(req).await;
    };
    if state.room(code).is_ok() {
        return next.run(req).await;
    }
    // Forwarded by another instance (its secret shown): never forwarded again.
    let already_forwarded = req
        .headers()
        .get(PEER_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|p| crate::util::same_secret(p, &cluster.secret));
    match cluster.locate(code).await {
        Located::Unknown => next.run(req).await,
        // Claimed now: served once the room is built (a moment, for a large room).
        Located::Here if state.room(code).is_ok() => next.run(req).await,
        Located::Here => moving("claimed here, not yet loaded"),
        Located::Elsewhere(address) if !already_forwarded => {
            let client = crate::extract::client_ip_of(&req, state);
            if is_upgrade(req.headers()) {
                socket(state, cluster, &address, code.to_owned(), client, req).await
            } else {
                http(state, cluster, &address, code, client, req).await
            }
        }
        Located::Elsewhere(_) => {
            moving("forwarded here by another instance, but this one no longer serves the room")
        }
        Located::Unavailable => {
            moving("the room is between two instances, or the database cannot be reached")
        }
    }
}

fn is_upgrade(headers: &HeaderMap) -> bool {
    headers
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// One HTTP request to the owner, its answer back.
async fn http(
    state: &AppState,
    cluster: &Cluster,
    address: &str,
    code: &str,
    client: Option<IpAddr>,
    req: Request,
) -> Response {
    let (parts, body) = req.into_parts();
    let limit = state
        .limits()
        .max_body_bytes
        .max(polyphony_protocol::BRIEF_MAX_BODY_BYTES);
    let Ok(body) = axum::body::to_bytes(body, limit).await else {
        return ApiError::with_status(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("a request body is at most {limit} bytes"),
        )
        .into_response();
    };
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let mut request = cluster
        .http
        .request(parts.method.clone(), format!("{address}{path}"))
        .header(PEER_HEADER, &cluster.secret)
        .body(body);
    for (name, value) in &parts.headers {
        if passes(name) {
            request = request.header(name, value);
        }
    }
    if let Some(ip) = client {
        request = request.header(CLIENT_HEADER, ip.to_string());
    }
    let answer = match request.send().await {
        Ok(a) => a,
        Err(e) => {
            cluster.forget_owner(code);
            return moving(format!("its owner at {address} cannot be reached ({e})"));
        }
    };
    let status = answer.status();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        // The owner we knew does not serve the room (any more): ask the database next time.
        cluster.forget_owner(code);
    }
    let headers = answer.headers().clone();
    let Ok(bytes) = answer.bytes().await else {
        return moving(format!("its owner at {address} stopped answering"));
    };
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    for (name, value) in &headers {
        if passes(name) {
            response.headers_mut().append(name.clone(), value.clone());
        }
    }
    if status == StatusCode::SERVICE_UNAVAILABLE && headers.contains_key(header::RETRY_AFTER) {
        response.extensions_mut().insert(Retried::because(format!(
            "its owner at {address} answered 503 (the room is moving)"
        )));
    }
    response
}

/// A WebSocket: connects to the owner first (a refusal there is this answer), then accepts
/// the phone's upgrade and carries messages both ways until either side closes or the room
/// moves.
async fn socket(
    state: &AppState,
    cluster: &Cluster,
    address: &str,
    code: String,
    client: Option<IpAddr>,
    req: Request,
) -> Response {
    let (mut parts, _) = req.into_parts();
    let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, state).await {
        Ok(u) => u,
        Err(e) => return e.into_response(),
    };
    let host = address.strip_prefix("http://").unwrap_or(address);
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let mut request = match tungstenite::client::IntoClientRequest::into_client_request(format!(
        "ws://{host}{path}"
    )) {
        Ok(r) => r,
        Err(e) => {
            return moving(format!(
                "no WebSocket address for its owner at {address} ({e})"
            ))
        }
    };
    let Ok(secret) = HeaderValue::from_str(&cluster.secret) else {
        return moving("the cluster's secret is not a header value");
    };
    request.headers_mut().insert(PEER_HEADER, secret);
    if let Some(ip) = client.and_then(|ip| HeaderValue::from_str(&ip.to_string()).ok()) {
        request.headers_mut().insert(CLIENT_HEADER, ip);
    }
    let max = state.limits().max_body_bytes;
    let config = tungstenite::protocol::WebSocketConfig::default()
        .max_message_size(Some(max))
        .max_frame_size(Some(max));
    let connect = async {
        let stream = connect_from(cluster.source, host)
            .await
            .map_err(tungstenite::Error::Io)?;
        tokio_tungstenite::client_async_with_config(request, stream, Some(config)).await
    };
    let upstream = match tokio::time::timeout(Duration::from_secs(5), connect).await {
        Ok(Ok((ws, _))) => ws,
        Ok(Err(tungstenite::Error::Http(refusal))) => {
            // The owner refused the socket (a wrong token, a full room): that is the answer.
            let (head, body) = refusal.into_parts();
            if head.status == StatusCode::SERVICE_UNAVAILABLE {
                cluster.forget_owner(&code);
            }
            let mut r = Response::new(Body::from(body.unwrap_or_default()));
            *r.status_mut() = head.status;
            for (name, value) in &head.headers {
                if passes(name) {
                    r.headers_mut().append(name.clone(), value.clone());
                }
            }
            if head.status == StatusCode::SERVICE_UNAVAILABLE
                && head.headers.contains_key(header::RETRY_AFTER)
            {
                r.extensions_mut().insert(Retried::because(format!(
                    "its owner at {address} refused the socket with 503 (the room is moving)"
                )));
            }
            return r;
        }
        Ok(Err(e)) => {
            cluster.forget_owner(&code);
            return moving(format!("its owner at {address} cannot be reached ({e})"));
        }
        Err(_) => {
            cluster.forget_owner(&code);
            return moving(format!("its owner at {address} did not answer within 5 s"));
        }
    };
    let moves = cluster.moves();
    let send_timeout = state.limits().ws_send_timeout;
    upgrade
        .read_buffer_size(8 * 1024)
        .max_message_size(max)
        .max_frame_size(max)
        .on_upgrade(move |phone| pipe(phone, upstream, moves, code, send_timeout))
}

/// A TCP connection to `host` (`host:port`) from `source` when given (the address the other
/// instances know this one by: `peers.rs`).
async fn connect_from(source: Option<IpAddr>, host: &str) -> std::io::Result<TcpStream> {
    let mut failed = None;
    for addr in tokio::net::lookup_host(host).await? {
        let socket = if addr.is_ipv4() {
            TcpSocket::new_v4()?
        } else {
            TcpSocket::new_v6()?
        };
        if let Some(ip) = source.filter(|ip| ip.is_ipv4() == addr.is_ipv4()) {
            socket.bind(SocketAddr::new(ip, 0))?;
        }
        match socket.connect(addr).await {
            Ok(stream) => {
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Err(e) => failed = Some(e),
        }
    }
    Err(failed.unwrap_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::NotFound, format!("{host}: no address"))
    }))
}

type Upstream = tokio_tungstenite::WebSocketStream<TcpStream>;

async fn pipe(
    phone: WebSocket,
    upstream: Upstream,
    mut moves: tokio::sync::broadcast::Receiver<String>,
    code: String,
    send_timeout: Duration,
) {
    let (mut phone_tx, mut phone_rx) = phone.split();
    let (mut up_tx, mut up_rx) = upstream.split();
    loop {
        tokio::select! {
            from_phone = phone_rx.next() => {
                let Some(Ok(m)) = from_phone else { break };
                let closing = matches!(m, Message::Close(_));
                if up_tx.send(to_upstream(m)).await.is_err() || closing {
                    break;
                }
            }
            from_owner = up_rx.next() => {
                let Some(Ok(m)) = from_owner else { break };
                let Some(m) = to_phone(m) else { continue };
                let closing = matches!(m, Message::Close(_));
                let sent = tokio::time::timeout(send_timeout, phone_tx.send(m)).await;
                if !matches!(sent, Ok(Ok(()))) || closing {
                    break;
                }
            }
            moved = moves.recv() => {
                match moved {
                    Ok(c) if c == code => break,
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(_) => break,
                }
            }
        }
    }
    // The phone reconnects (it resends what was not acknowledged) and reaches the owner.
    let close = CloseFrame {
        code: axum::extract::ws::close_code::RESTART,
        reason: "the room moved to another server; reconnect".into(),
    };
    let _ = tokio::time::timeout(send_timeout, phone_tx.send(Message::Close(Some(close)))).await;
    let _ = up_tx.close().await;
}

fn to_upstream(m: Message) -> tungstenite::Message {
    match m {
        Message::Text(t) => tungstenite::Message::text(t.as_str()),
        Message::Binary(b) => tungstenite::Message::Binary(b),
        Message::Ping(b) => tungstenite::Message::Ping(b),
        Message::Pong(b) => tungstenite::Message::Pong(b),
        Message::Close(c) => {
            tungstenite::Message::Close(c.map(|c| tungstenite::protocol::CloseFrame {
                code: c.code.into(),
                reason: c.reason.as_str().into(),
            }))
        }
    }
}

fn to_phone(m: tungstenite::Message) -> Option<Message> {
    Some(match m {
        tungstenite::Message::Text(t) => Message::Text(t.as_str().into()),
        tungstenite::Message::Binary(b) => Message::Binary(b),
        tungstenite::Message::Ping(b) => Message::Ping(b),
        tungstenite::Message::Pong(b) => Message::Pong(b),
        tungstenite::Message::Close(c) => Message::Close(c.map(|c| CloseFrame {
            code: c.code.into(),
            reason: c.reason.as_str().into(),
        })),
        tungstenite::Message::Frame(_) => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_room_of_a_path() {
        assert_eq!(room_code("/api/rooms/ABC234/votes"), Some("ABC234"));
        assert_eq!(room_code("/api/rooms/ABC234"), Some("ABC234"));
        assert_eq!(room_code("/r/ABC234/report"), Some("ABC234"));
        // The app's pages are the same everywhere: not forwarded.
        assert_eq!(room_code("/r/ABC234"), None);
        assert_eq!(room_code("/r/ABC234/screen"), None);
        assert_eq!(room_code("/api/rooms"), None);
        assert_eq!(room_code("/api/rooms/"), None);
        assert_eq!(room_code("/api/health"), None);
        assert_eq!(room_code("/"), None);
    }

    #[test]
    fn connection_headers_and_the_peer_headers_do_not_pass() {
        for h in [
            "connection",
            "host",
            "upgrade",
            PEER_HEADER,
            CLIENT_HEADER,
            "sec-websocket-key",
        ] {
            assert!(!passes(&HeaderName::from_static(h)), "{h}");
        }
        for h in [
            "x-participant-token",
            "x-facilitator-key",
            "content-type",
            "accept-language",
        ] {
            assert!(passes(&HeaderName::from_static(h)), "{h}");
        }
    }
}
