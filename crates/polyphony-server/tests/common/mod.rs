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
        actions_per_address_per_second: 100_000,
        action_burst_per_address: 100_000,
        actions_per_room_per_second: 100_000,
        action_burst_per_room: 100_000,
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
    let text = String::from_utf8_lossy(&bytes).into_owned();
    // A room made here: its key, for `join` to read the projector's code with.
    if method == "POST" && uri == "/api/rooms" && status == StatusCode::CREATED {
        if let Ok(v) = serde_json::from_str::<Value>(&text) {
            if let (Some(c), Some(k)) = (v["room"]["code"].as_str(), v["facilitator_key"].as_str())
            {
                remember_key(c, k);
            }
        }
    }
    (status, text)
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
    let (code, key) = (
        json["room"]["code"].as_str().unwrap().to_string(),
        json["facilitator_key"].as_str().unwrap().to_string(),
    );
    remember_key(&code, &key);
    (code, key)
}

/// `create_room`'s `extra` for a room that takes joins without the projector's code (tests
/// about something else than admission, joining many phones from one test address).
pub const OPEN: &str = r#","settings":{"open_admission":true}"#;

/// Keys of the rooms this test process created, so that [`join`] can read the projector's
/// admission code as the room's projector does.
static KEYS: std::sync::Mutex<Vec<(String, String)>> = std::sync::Mutex::new(Vec::new());

/// Remembers a room's key for [`join`] (rooms not made by [`create_room`]).
pub fn remember_key(code: &str, key: &str) {
    KEYS.lock()
        .unwrap()
        .push((code.to_string(), key.to_string()));
}

fn key_of(code: &str) -> Option<String> {
    let keys = KEYS.lock().unwrap();
    keys.iter()
        .rev()
        .find(|(c, _)| c == code)
        .map(|(_, k)| k.clone())
}

/// The six-digit code the room's projector shows now (what a phone's QR code carries).
pub async fn admission_code(router: &Router, code: &str, key: &str) -> String {
    let (status, json) = call(
        router,
        "GET",
        &format!("/api/rooms/{code}/admission"),
        &[("x-facilitator-key", key)],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    json["code"].as_str().unwrap_or_default().to_string()
}

/// Joins a room on a real server at `base` (`http://…/api`) as a phone that scanned the
/// projector's QR code: reads the code the projector shows now (with `key`), joins with it;
/// returns the participant token.
pub async fn join_over_http(http: &reqwest::Client, base: &str, code: &str, key: &str) -> String {
    let admission: Value = http
        .get(format!("{base}/rooms/{code}/admission"))
        .header("x-facilitator-key", key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let admission = admission["code"].as_str().unwrap();
    let joined: Value = http
        .post(format!("{base}/rooms/{code}/join?admission={admission}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    joined["participant_token"].as_str().unwrap().to_string()
}

/// Joins a room as a phone that scanned the projector's QR code; returns the participant token.
pub async fn join(router: &Router, code: &str) -> String {
    let admission = match key_of(code) {
        Some(key) => admission_code(router, code, &key).await,
        None => String::new(),
    };
    let (status, json) = call(
        router,
        "POST",
        &format!("/api/rooms/{code}/join?admission={admission}"),
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
