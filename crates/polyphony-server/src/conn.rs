//! [`serve`]: the accept loop. Each TCP connection is counted against its address
//! (`Limits::max_connections_per_address`) and the whole server (`Limits::max_connections`);
//! one over either is answered at once with a 429 or 503 and `{"error": ...}`, and closed.
//! Connections from another live instance of the cluster (forwarding its phones) and, with
//! `Limits::trust_proxy`, every connection count only against the whole server.
//! HTTP/1.1 only (phones on a LAN speak plain HTTP; browsers use HTTP/2 only over TLS), with a
//! header-read timeout (`Limits::header_read_timeout`, which also ends a keep-alive connection
//! that sends no next request) and an idle timeout (`Limits::idle_timeout`: no byte either way)
//! until a WebSocket takes the connection over (sockets have their own keep-alive and send
//! timeout, see [`crate::ws`]). A request's body must arrive whole within
//! `Limits::body_read_timeout` of its headers (408, JSON, and closed: [`TimedBody`]), and one
//! that announces a `Content-Length` over its route's limit is answered 413 (JSON) before a
//! byte of it is read ([`too_large`]). One address holds at most half of the server's
//! connections ([`Limits::connections_per_address`]). The errors hyper answers itself (400, 414,
//! 431: a request it cannot parse) leave with a JSON body like every other 4xx
//! ([`json_for_hyper_error`]).

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderValue, Method, Request, Response, StatusCode};
use axum::response::IntoResponse;
use hyper::body::{Frame, Incoming, SizeHint};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tower::Service;

use crate::error::ApiError;
use crate::guard::{Slot, Slots};
use crate::{app, AppState};

/// A request body that must arrive whole by `deadline` (`Limits::body_read_timeout` after the
/// headers); past it, reading fails and `timed_out` is set, so that the answer is a 408.
struct TimedBody {
    inner: Incoming,
    deadline: tokio::time::Instant,
    /// Made at the first read that has to wait (most bodies never do).
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    timed_out: Arc<AtomicBool>,
}

/// The error a [`TimedBody`] fails with.
#[derive(Debug)]
struct BodyTimedOut;

impl std::fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body did not arrive in time")
    }
}

impl std::error::Error for BodyTimedOut {}

impl hyper::body::Body for TimedBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|r| r.map_err(Into::into)));
        }
        let deadline = this.deadline;
        let sleep = this
            .sleep
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        if sleep.as_mut().poll(cx).is_ready() {
            this.timed_out.store(true, Ordering::Relaxed);
            return Poll::Ready(Some(Err(Box::new(BodyTimedOut))));
        }
        Poll::Pending
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The body limit of a request's route: `max_body_bytes`, or for the two routes that take a
/// briefing (`brief_body` in [`crate::api::app`]) the briefing's limit if larger.
fn body_limit(method: &Method, path: &str, max_body: usize) -> usize {
    let brief = (method == Method::POST && path == "/api/rooms")
        || (method == Method::PUT
            && path
                .strip_prefix("/api/rooms/")
                .and_then(|rest| rest.strip_suffix("/brief"))
                .is_some_and(|code| !code.is_empty() && !code.contains('/')));
    if brief {
        max_body.max(polyphony_protocol::BRIEF_MAX_BODY_BYTES)
    } else {
        max_body
    }
}

/// An error answer that also closes the connection (its body is left unread).
fn closing(status: StatusCode, error: String) -> Response<Body> {
    let mut resp = ApiError::with_status(status, error).into_response();
    resp.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    resp
}

/// The 413 for a request whose `Content-Length` is over its route's limit, answered before a
/// byte of the body is read (a body that announces no length is cut off by the router's
/// `DefaultBodyLimit` as it comes).
fn too_large<B>(req: &Request<B>, max_body: usize) -> Option<Response<Body>> {
    let announced: u64 = req
        .headers()
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let limit = body_limit(req.method(), req.uri().path(), max_body);
    (announced > u64::try_from(limit).unwrap_or(u64::MAX)).then(|| {
        closing(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the request body is too large (at most {limit} bytes)"),
        )
    })
}

/// Milliseconds since `start`.
fn since(start: Instant) -> i64 {
    i64::try_from(start.elapsed().as_millis()).unwrap_or(i64::MAX)
}

/// A TCP stream that notes when a byte last moved either way, and holds its address's slot.
struct Watched {
    stream: TcpStream,
    start: Instant,
    last: Arc<AtomicI64>,
    _slot: Slot,
    /// hyper's own error answer being written as JSON instead ([`json_for_hyper_error`]).
    rewrite: Option<Rewrite>,
}

/// An answer written in place of the bytes hyper gave: `bytes` go out (`sent` so far), then
/// hyper is told its `replaces` bytes went.
struct Rewrite {
    bytes: Vec<u8>,
    sent: usize,
    replaces: usize,
}

/// The JSON answer for an error hyper answers itself, if `head` is one.
///
/// hyper's HTTP/1 server answers a request it cannot parse before any service sees it — 400 for
/// a malformed request line, method, version or header (a header name with a space), 414 for a
/// target over 65,534 bytes, 431 for headers beyond its read buffer or over 100 of them — with a
/// bare head (`content-length: 0`) and closes the connection (hyper 1.x,
/// `proto::h1::role::Server::on_error`); `http1::Builder` has no option to change that answer.
/// So the stream recognises it as hyper writes it: a 400, 414 or 431 whose head ends the write
/// and says `content-length: 0` — the app never writes one (`json_errors` gives every 4xx a
/// JSON body) — and writes the same status and headers with an `{"error", "code"}` body.
fn json_for_hyper_error(head: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(head).ok()?;
    let head = text.strip_suffix("\r\n\r\n")?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?;
    let error = match status_line.strip_prefix("HTTP/1.")?.get(2..6)? {
        "400 " => "cannot read this request: its request line or a header is malformed",
        "414 " => "the request's address is too long (at most 65534 bytes)",
        "431 " => "the request's headers are too large or too many",
        _ => return None,
    };
    let mut headers = Vec::new();
    let mut empty = false;
    for line in lines {
        let (name, value) = line.split_once(':')?;
        if name.eq_ignore_ascii_case("content-length") {
            empty = value.trim() == "0";
        } else if !name.eq_ignore_ascii_case("content-type") {
            headers.push(line);
        }
    }
    if !empty {
        return None;
    }
    let body = serde_json::to_string(&polyphony_protocol::ErrorBody {
        error: error.into(),
        code: Some(polyphony_protocol::ErrorCode::BadRequest),
    })
    .ok()?;
    let mut out = format!("{status_line}\r\ncontent-type: application/json\r\n");
    for h in headers {
        out.push_str(h);
        out.push_str("\r\n");
    }
    out.push_str(&format!("content-length: {}\r\n\r\n{body}", body.len()));
    Some(out.into_bytes())
}

impl Watched {
    fn touch(&self) {
        self.last.store(since(self.start), Ordering::Relaxed);
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.stream).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.touch();
        }
        r
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.rewrite.is_none() && buf.starts_with(b"HTTP/1.") {
            self.rewrite = json_for_hyper_error(buf).map(|bytes| Rewrite {
                bytes,
                sent: 0,
                replaces: buf.len(),
            });
        }
        let this = &mut *self;
        if let Some(rw) = &mut this.rewrite {
            // hyper gives the same bytes again until told they went: send ours meanwhile.
            while rw.sent < rw.bytes.len() {
                match Pin::new(&mut this.stream).poll_write(cx, &rw.bytes[rw.sent..]) {
                    Poll::Ready(Ok(0)) => return Poll::Ready(Ok(0)),
                    Poll::Ready(Ok(n)) => {
                        rw.sent += n;
                        this.last.store(since(this.start), Ordering::Relaxed);
                    }
                    other => return other,
                }
            }
            let replaces = rw.replaces;
            this.rewrite = None;
            return Poll::Ready(Ok(replaces));
        }
        let r = Pin::new(&mut self.stream).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        r
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// The answer to a connection refused before its request is read, written in one go.
fn refusal(status: &str, error: &str) -> Vec<u8> {
    let body = serde_json::json!({ "error": error }).to_string();
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\nretry-after: 10\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Logs a refusal at most once a second (a flood must not flood the log too).
fn log_refusal(last: &AtomicU64, ip: IpAddr, why: &str, refused: u64) {
    if crate::util::once_a_second(last) {
        tracing::warn!(%ip, refused, "connection refused: {why}");
    }
}

/// Serves the app on `listener` until [`AppState::request_shutdown`], with the connection
/// limits above. Call [`AppState::shutdown`] after it returns.
pub async fn serve(listener: TcpListener, state: AppState) -> io::Result<()> {
    let router = app(state.clone());
    let limits = state.limits().clone();
    let per_address = limits.connections_per_address();
    let connections = Arc::new(Slots::default());
    let start = Instant::now();
    let last_log = Arc::new(AtomicU64::new(u64::MAX));
    let mut refused: u64 = 0;
    let mut shutdown = std::pin::pin!(state.shutdown_requested());
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(x) => x,
                Err(e) => {
                    // Out of file descriptors (EMFILE) or a connection reset before accept:
                    // wait a moment instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let ip = peer.ip();
        let over_total = connections.total() >= u64::from(limits.max_connections);
        let slot = if over_total {
            None
        } else if limits.trust_proxy || state.cluster().is_some_and(|c| c.is_instance(ip)) {
            // Behind a proxy every connection comes from the proxy, and another instance of the
            // cluster forwards its phones (counted by their own address at the owner): neither is
            // capped by address (`cluster/peers.rs`).
            connections.try_take(ip, u32::MAX)
        } else {
            connections.try_take(ip, per_address)
        };
        let Some(slot) = slot else {
            refused += 1;
            let (status, why) = if over_total {
                (
                    "503 Service Unavailable",
                    "the server has its maximum of connections open",
                )
            } else {
                (
                    "429 Too Many Requests",
                    "too many connections from this address",
                )
            };
            log_refusal(&last_log, ip, why, refused);
            // The socket's send buffer is empty: one non-blocking write goes out whole or not
            // at all; either way the connection is closed at once.
            let _ = stream.try_write(&refusal(status, &format!("{why}; try again shortly")));
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let last = Arc::new(AtomicI64::new(since(start)));
        let io = Watched {
            stream,
            start,
            last: Arc::clone(&last),
            _slot: slot,
            rewrite: None,
        };
        let router = router.clone();
        let (max_body, body_timeout) = (limits.max_body_bytes, limits.body_read_timeout);
        let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
            let mut router = router.clone();
            async move {
                if let Some(refused) = too_large(&req, max_body) {
                    return Ok::<_, Infallible>(refused);
                }
                req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
                let timed_out = Arc::new(AtomicBool::new(false));
                let req = req.map(|inner| TimedBody {
                    inner,
                    deadline: tokio::time::Instant::now() + body_timeout,
                    sleep: None,
                    timed_out: Arc::clone(&timed_out),
                });
                let resp = router.call(req).await?;
                if timed_out.load(Ordering::Relaxed) {
                    tracing::debug!(%peer, "request body too slow");
                    return Ok(closing(
                        StatusCode::REQUEST_TIMEOUT,
                        format!(
                            "the request body did not arrive within {} s",
                            body_timeout.as_secs_f32()
                        ),
                    ));
                }
                Ok(resp)
            }
        });
        let limits = limits.clone();
        let stop = state.shutdown_requested();
        tokio::spawn(async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_read_timeout)
                .keep_alive(true);
            let conn = builder
                .serve_connection(TokioIo::new(io), service)
                .with_upgrades();
            let mut conn = std::pin::pin!(conn);
            let mut stop = std::pin::pin!(stop);
            let idle = limits.idle_timeout;
            let mut check = tokio::time::interval(idle / 4 + Duration::from_millis(1));
            let mut closing = false;
            loop {
                tokio::select! {
                    r = conn.as_mut() => {
                        if let Err(e) = r {
                            tracing::debug!(error = %e, "connection ended");
                        }
                        return;
                    }
                    _ = check.tick() => {
                        let quiet = since(start) - last.load(Ordering::Relaxed);
                        if quiet >= i64::try_from(idle.as_millis()).unwrap_or(i64::MAX) {
                            tracing::debug!(%peer, "idle connection closed");
                            return;
                        }
                    }
                    () = &mut stop, if !closing => {
                        closing = true;
                        conn.as_mut().graceful_shutdown();
                    }
                }
            }
        });
    }
    // Let connections finish what they are doing (each was told to close), a few seconds at
    // most.
    let deadline = Instant::now() + Duration::from_secs(5);
    while connections.total() > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

/// Raises this process's open-file soft limit to its hard limit (on unix; elsewhere nothing),
/// so that a hall of phones does not run out of descriptors. Answers the soft limit in force
/// after, if known.
pub fn raise_fd_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        match rlimit::increase_nofile_limit(u64::MAX) {
            Ok(n) => Some(n),
            Err(e) => {
                tracing::warn!(error = %e, "cannot raise the open-file limit");
                rlimit::getrlimit(rlimit::Resource::NOFILE)
                    .ok()
                    .map(|(soft, _)| soft)
            }
        }
    }
    #[cfg(not(unix))]
    {
        None
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::json_for_hyper_error;

    #[test]
    fn only_hypers_bare_error_heads_are_rewritten() {
        let hyper = b"HTTP/1.1 431 Request Header Fields Too Large\r\nconnection: close\r\n\
                      content-length: 0\r\ndate: Sat, 05 Dec 2026 04:21:25 GMT\r\n\r\n";
        let json = String::from_utf8(json_for_hyper_error(hyper).unwrap()).unwrap();
        let (head, body) = json.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
        assert!(head.contains("\r\ncontent-type: application/json\r\n"));
        assert!(head.contains("\r\nconnection: close\r\n"));
        assert!(head.contains("\r\ndate: Sat, 05 Dec 2026 04:21:25 GMT\r\n"));
        assert!(head.ends_with(&format!("content-length: {}", body.len())));
        assert!(!head.contains("content-length: 0"));
        assert!(body.contains(r#""code":"bad_request""#), "{body}");
        for other in [
            // The app's own 400 has a body; a 200 or 404 is not hyper's; a head with more after.
            &b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 12\r\n\r\n{\"error\":1}"[..],
            b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\nmore",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n",
        ] {
            assert!(json_for_hyper_error(other).is_none());
        }
    }
}
