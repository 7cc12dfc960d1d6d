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

/// The environment variable naming the PostgreSQL server the tests use: a URL whose role may
/// create databases (`cargo xtask test` starts a throw-away cluster and sets it).
pub const POSTGRES_VAR: &str = "POLYPHONY_TEST_POSTGRES";

/// With `POLYPHONY_TEST_BACKEND=postgres`, every server test runs on PostgreSQL: each database
/// path a test names becomes its own PostgreSQL database (the same one each time the path is
/// opened again, as a restart does). Otherwise SQLite, as `polyphony serve` by default.
pub fn on_postgres() -> bool {
    std::env::var("POLYPHONY_TEST_BACKEND").is_ok_and(|b| b == "postgres")
}

/// The test PostgreSQL server's URL; a test that needs it fails, never skips, without it.
pub fn postgres_url() -> String {
    match std::env::var(POSTGRES_VAR) {
        Ok(url) if !url.is_empty() => url,
        _ => panic!(
            "this test needs PostgreSQL: set {POSTGRES_VAR} to a server URL whose role may \
             create databases (e.g. postgres://postgres@127.0.0.1:5432/postgres), or run \
             `cargo xtask test`, which starts a throw-away cluster (Debian: apt-get install \
             postgresql)"
        ),
    }
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let scheme_end = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let query = rest[authority_end..]
        .find('?')
        .map_or("", |q| &rest[authority_end + q..]);
    format!("{}/{name}{query}", &url[..scheme_end + authority_end])
}

/// A new, empty database on the test PostgreSQL server.
pub fn fresh_postgres() -> polyphony_server::Database {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let base = postgres_url();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = format!("polyphony_t{}_{nanos}_{n}", std::process::id());
    let url = base.clone();
    let create = format!("CREATE DATABASE {name}");
    // The blocking client runs its own runtime: not on a thread of the test's.
    std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls)
            .unwrap_or_else(|e| panic!("cannot connect to {url} ({POSTGRES_VAR}): {e}"));
        c.batch_execute(&create).unwrap();
    })
    .join()
    .unwrap();
    polyphony_server::Database::Postgres(with_database(&base, &name))
}

/// Runs `sql` on a PostgreSQL database from a connection of its own (what another process
/// would see) and answers the first column of each row.
pub fn pg_query_i64(db: &polyphony_server::Database, sql: &str) -> Vec<i64> {
    let polyphony_server::Database::Postgres(url) = db.clone() else {
        panic!("not a PostgreSQL database: {db:?}");
    };
    let sql = sql.to_string();
    std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        c.query(&sql, &[])
            .unwrap()
            .iter()
            .map(|r| r.get::<_, i64>(0))
            .collect()
    })
    .join()
    .unwrap()
}

/// PostgreSQL databases standing for the SQLite paths tests named (`on_postgres`).
static PG_FOR_PATH: std::sync::Mutex<Vec<(std::path::PathBuf, polyphony_server::Database)>> =
    std::sync::Mutex::new(Vec::new());

/// The database a test's path stands for: the SQLite file, or with `on_postgres` its own
/// PostgreSQL database.
pub fn database_for(path: &std::path::Path) -> polyphony_server::Database {
    if !on_postgres() {
        return polyphony_server::Database::Sqlite(path.to_path_buf());
    }
    let mut map = PG_FOR_PATH.lock().unwrap();
    if let Some((_, db)) = map.iter().find(|(p, _)| p == path) {
        return db.clone();
    }
    let db = fresh_postgres();
    map.push((path.to_path_buf(), db.clone()));
    db
}

/// Runs `sql` on the database `path` stands for (see [`database_for`]), from a connection of
/// its own; answers how many rows it changed. For tests that damage a database on purpose.
pub fn execute_on(path: &std::path::Path, sql: &str) -> u64 {
    execute_in(&database_for(path), sql)
}

/// Runs `sql` on `db` from a connection of its own (what another process would do); answers
/// how many rows it changed.
pub fn execute_in(db: &polyphony_server::Database, sql: &str) -> u64 {
    match db.clone() {
        polyphony_server::Database::Sqlite(file) => {
            let conn = rusqlite::Connection::open(file).unwrap();
            conn.execute(sql, []).unwrap() as u64
        }
        polyphony_server::Database::Postgres(url) => {
            let sql = sql.to_string();
            // The blocking client runs its own runtime: not on a thread of the test's.
            std::thread::spawn(move || {
                let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
                c.execute(sql.as_str(), &[]).unwrap()
            })
            .join()
            .unwrap()
        }
    }
}

/// `AppState::open` on the database `path` stands for (see [`database_for`]).
pub async fn open_db(
    path: &std::path::Path,
    limits: Limits,
) -> Result<AppState, polyphony_server::RoomError> {
    AppState::open_database(&database_for(path), limits).await
}

/// A fresh server state on a new database (a SQLite file in a temporary folder, or see
/// [`on_postgres`]).
pub async fn fresh(limits: Limits) -> (AppState, Router, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let state = open_db(&dir.path().join("test.db"), limits).await.unwrap();
    let router = app(state.clone());
    (state, router, dir)
}

/// The server state on the database `db` (created or reopened, as a restart does) and its
/// router.
pub async fn open_at(db: &std::path::Path) -> (AppState, Router) {
    let state = open_db(db, test_limits()).await.unwrap();
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

/// A phone's vote through the router (client id `id`, vote `v` on statement `s`): the status
/// and the answer, whatever they are.
pub async fn post_vote(
    router: &Router,
    code: &str,
    token: &str,
    id: &str,
    s: usize,
    v: &str,
) -> (StatusCode, Value) {
    let body = format!(r#"{{"id":"{id}","statement":{s},"vote":"{v}"}}"#);
    call(
        router,
        "POST",
        &format!("/api/rooms/{code}/votes"),
        &[("x-participant-token", token)],
        Some(&body),
    )
    .await
}

/// A phone's vote that must be acknowledged (see [`post_vote`]); the acknowledgement.
pub async fn vote(router: &Router, code: &str, token: &str, id: &str, s: usize, v: &str) -> Value {
    let (status, json) = post_vote(router, code, token, id, s, v).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    json
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

/// One export file's text, read with the facilitator key (the request must succeed).
#[allow(dead_code)]
pub async fn export(r: &Router, code: &str, key: &str, file: &str) -> String {
    let (status, text) = call_text(
        r,
        "GET",
        &format!("/api/rooms/{code}/export/{file}?key={key}"),
        &[],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{file}: {text}");
    text
}
