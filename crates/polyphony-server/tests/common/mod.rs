//! Helpers shared by the server's integration tests.
#![allow(dead_code, clippy::unwrap_used)]

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use polyphony_server::{app, AppState, Limits};
use serde_json::Value;
use tower::ServiceExt;

/// Limits for tests: a short coalescing window so views update quickly, and per-address
/// limits out of the way (every simulated phone connects from 127.0.0.1; the tests of those
/// limits set their own).
pub fn test_limits() -> Limits {
    Limits {
        coalesce: Duration::from_millis(5),
        max_connections_per_address: 10_000,
        max_websockets_per_address: 10_000,
        joins_per_address_per_minute: 10_000,
        full_bursts_per_address_per_minute: 10_000,
        ..Limits::default()
    }
}

/// A fresh server state on a new SQLite file in a temporary folder.
pub async fn fresh(limits: Limits) -> (AppState, Router, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::open(&dir.path().join("test.db"), limits)
        .await
        .unwrap();
    let router = app(state.clone());
    (state, router, dir)
}

/// The server state on the SQLite file `db` (created or reopened, as a restart does) and its
/// router.
pub async fn open_at(db: &std::path::Path) -> (AppState, Router) {
    let state = AppState::open(db, test_limits()).await.unwrap();
    let router = app(state.clone());
    (state, router)
}

/// A facilitator request (`rest` after `/api/rooms/{code}`, with the key) that must succeed;
/// returns its JSON body.
pub async fn host_call(
    router: &Router,
    code: &str,
    key: &str,
    method: &str,
    rest: &str,
    body: Option<&str>,
) -> Value {
    let (status, json) = call(
        router,
        method,
        &format!("/api/rooms/{code}{rest}"),
        &[("x-facilitator-key", key)],
        body,
    )
    .await;
    assert!(status.is_success(), "{method} {rest}: {status} {json}");
    json
}

/// One request through the router without a network; returns the status and the JSON body
/// (`Value::Null` when the body is not JSON).
pub async fn call(
    router: &Router,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> (StatusCode, Value) {
    let (status, text) = call_text(router, method, uri, headers, body).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Like [`call`], returning the body as text.
pub async fn call_text(
    router: &Router,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> (StatusCode, String) {
    let mut req = Request::builder().method(method).uri(uri);
    if body.is_some() {
        req = req.header("content-type", "application/json");
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .unwrap();
    let resp = router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// Creates a room with `n` seed statements; returns (code, facilitator key).
pub async fn create_room(router: &Router, n: usize, extra: &str) -> (String, String) {
    let statements: Vec<String> = (0..n).map(|i| format!("Statement number {i}")).collect();
    let body = format!(
        r#"{{"topic":"Ride sharing","statements":{},"seed":7{extra}}}"#,
        serde_json::to_string(&statements).unwrap()
    );
    let (status, json) = call(router, "POST", "/api/rooms", &[], Some(&body)).await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    (
        json["room"]["code"].as_str().unwrap().to_string(),
        json["facilitator_key"].as_str().unwrap().to_string(),
    )
}

/// Joins a room; returns the participant token.
pub async fn join(router: &Router, code: &str) -> String {
    let (status, json) = call(
        router,
        "POST",
        &format!("/api/rooms/{code}/join"),
        &[],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    json["participant_token"].as_str().unwrap().to_string()
}

/// The vote a member of camp `camp` (0 or 1) casts on statement `s`: the camps disagree on the
/// first half of the statements and agree on the rest.
pub fn camp_vote(camp: usize, s: usize, n: usize) -> &'static str {
    if s < n / 2 {
        if (camp == 0) == s.is_multiple_of(2) {
            "agree"
        } else {
            "disagree"
        }
    } else {
        "agree"
    }
}

/// A server task on 127.0.0.1 that stops when the state's shutdown is requested.
pub type Server = tokio::task::JoinHandle<std::io::Result<()>>;

/// Serves the app on 127.0.0.1 (port 0) as `polyphony serve` does: through
/// `polyphony_server::serve`, with peer addresses and the connection limits of the state's
/// `Limits`. (`router` is the app the state serves; it is rebuilt from the state.)
pub async fn serve(state: &AppState, router: Router) -> (std::net::SocketAddr, Server) {
    drop(router);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = state.clone();
    let server = tokio::spawn(async move { polyphony_server::serve(listener, state).await });
    (addr, server)
}

/// A client WebSocket to the test server.
pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;
