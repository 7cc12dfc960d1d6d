//! Issue 21, item 8: the smaller gaps.
//! - Every text a person writes goes through one normaliser: statements made only of blank
//!   characters are empty, visual duplicates are duplicates, a note of zero-width spaces is
//!   empty and a note loses its bidi overrides, a topic too.
//! - A CSV text cell with a formula start after a separator is guarded; `?raw=` takes 0 or 1.
//! - The errors hyper answers itself, below axum (400 for a bad header name or request line,
//!   414, 431), have a JSON body like every other 4xx.
//! - `restore_database` refuses an SQLite file that is not a Polyphony database `serve` opens.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use axum::http::StatusCode;
use axum::Router;
use common::*;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn add_statement(
    r: &Router,
    code: &str,
    token: &str,
    id: &str,
    text: &str,
) -> (StatusCode, Value) {
    call(
        r,
        "POST",
        &format!("/api/rooms/{code}/statements"),
        &[("x-participant-token", token)],
        Some(&json!({ "id": id, "text": text }).to_string()),
    )
    .await
}

#[tokio::test]
async fn blank_statements_are_empty_and_visual_duplicates_are_duplicates() {
    let limits = polyphony_server::Limits {
        votes_per_second: 1000,
        vote_burst: 1000,
        ..test_limits()
    };
    let (_s, r, _d) = fresh(limits).await;
    let body = json!({
        "topic": "Buses",
        "statements": ["Buses should be free"],
        "settings": { "statements_per_participant": 1000 },
        "seed": 1,
    });
    let (status, created) = call(&r, "POST", "/api/rooms", &[], Some(&body.to_string())).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let code = created["room"]["code"].as_str().unwrap().to_string();
    let token = join(&r, &code).await;

    for (i, (name, blank)) in [
        ("Hangul filler U+3164", "\u{3164}"),
        ("Hangul choseong filler U+115F", "\u{115F}"),
        ("halfwidth Hangul filler U+FFA0", "\u{FFA0}"),
        ("Braille blank U+2800", "\u{2800}\u{2800}"),
        ("soft hyphen U+00AD", "\u{00AD}"),
        ("combining grapheme joiner U+034F", "\u{034F}"),
        ("Mongolian vowel separator U+180E", "\u{180E}"),
        ("tag characters", "\u{E0041}\u{E0042}\u{E007F}"),
        ("a lone combining mark", "\u{0301}"),
        ("a lone variation selector", "\u{FE0F}"),
        ("NUL", "\u{0000}"),
        ("a mix with spaces", " \u{3164} \u{00AD}\u{2800} \u{0301} "),
    ]
    .into_iter()
    .enumerate()
    {
        let (status, e) = add_statement(&r, &code, &token, &format!("blank-{i}"), blank).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {e}");
        assert_eq!(e["code"], "empty_statement", "{name}: {e}");
    }

    for (i, (name, twin)) in [
        ("soft hyphen", "Bu\u{00AD}ses should be free"),
        ("combining grapheme joiner", "Buses\u{034F} should be free"),
        ("tag characters", "Buses should\u{E0041}\u{E007F} be free"),
        ("variation selector", "Buses\u{FE0F} should be free"),
        ("ZWJ inside a word", "Bu\u{200D}ses should be free"),
        ("ZWNJ inside a word", "Bus\u{200C}es should be free"),
        ("NUL", "Buses\u{0000} should be free"),
    ]
    .into_iter()
    .enumerate()
    {
        let (status, e) = add_statement(&r, &code, &token, &format!("twin-{i}"), twin).await;
        assert_eq!(status, StatusCode::CONFLICT, "{name}: {e}");
        assert_eq!(e["code"], "duplicate_statement", "{name}: {e}");
    }
    // Seeds follow the same rule.
    let body = json!({ "topic": "Seeds", "statements": ["Night buses", "Night\u{00AD} buses"] });
    let (status, e) = call(&r, "POST", "/api/rooms", &[], Some(&body.to_string())).await;
    assert_eq!(status, StatusCode::CONFLICT, "{e}");

    // A topic loses its bidi overrides and invisible characters too.
    let body =
        json!({ "topic": "\u{202E}Buses\u{200B} \u{3164}", "description": "One\u{202E}\n\n\nTwo" });
    let (status, created) = call(&r, "POST", "/api/rooms", &[], Some(&body.to_string())).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["room"]["topic"], "Buses");
    assert_eq!(created["room"]["description"], "One\n\nTwo");
    let body = json!({ "topic": "\u{200B}\u{3164}\u{00AD}" });
    let (status, e) = call(&r, "POST", "/api/rooms", &[], Some(&body.to_string())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
}

#[tokio::test]
async fn notes_are_normalised_like_statements() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let (code, key) = create_room(&r, 2, "").await;
    let token = join(&r, &code).await;
    let (status, e) = call(
        &r,
        "POST",
        &format!("/api/rooms/{code}/tables"),
        &[("x-facilitator-key", &key)],
        Some(r#"{"mode":"mixed","size":2}"#),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{e}");
    let note = |id: &str, text: &str| {
        let body = json!({ "id": id, "text": text }).to_string();
        let (r, code, token) = (r.clone(), code.clone(), token.clone());
        async move {
            call(
                &r,
                "POST",
                &format!("/api/rooms/{code}/notes"),
                &[("x-participant-token", &token)],
                Some(&body),
            )
            .await
        }
    };
    let (status, e) = note("zw", "\u{200B}\u{200B}\u{200B}").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (status, e) = note("blank", "\u{3164}\u{2800}\u{00AD}").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (status, ack) = note("rtl", "We \u{202E}agree\u{202C} on  buses").await;
    assert_eq!(status, StatusCode::CREATED, "{ack}");
    let (_, notes) = call(
        &r,
        "GET",
        &format!("/api/rooms/{code}/notes"),
        &[("x-facilitator-key", &key)],
        None,
    )
    .await;
    assert_eq!(notes[0]["text"], "We agree on buses", "{notes}");
}

#[tokio::test]
async fn a_formula_after_a_separator_is_guarded_and_raw_takes_0_or_1() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let body =
        json!({ "topic": "ok;=1+1", "statements": ["ok;=1+1", "fine, -2 degrees"], "seed": 1 });
    let (status, created) = call(&r, "POST", "/api/rooms", &[], Some(&body.to_string())).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let code = created["room"]["code"].as_str().unwrap().to_string();
    let key = created["facilitator_key"].as_str().unwrap().to_string();
    let get = |file: &str, query: &str| {
        let uri = format!("/api/rooms/{code}/export/{file}?key={key}{query}");
        let r = r.clone();
        async move { call_text(&r, "GET", &uri, &[], None).await }
    };
    let (status, comments) = get("comments.csv", "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(comments.contains("ok;'=1+1"), "{comments}");
    assert!(!comments.contains("ok;=1+1"), "{comments}");
    assert!(comments.contains("fine, '-2 degrees"), "{comments}");
    let (_, summary) = get("summary.csv", "").await;
    assert!(
        summary.contains("ok;'=1+1") && !summary.contains("ok;=1+1"),
        "{summary}"
    );
    let (status, raw) = get("comments.csv", "&raw=1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(raw.contains("ok;=1+1"), "{raw}");
    let (status, _) = get("comments.csv", "&raw=0").await;
    assert_eq!(status, StatusCode::OK);
    for bad in ["true", "false", "yes", ""] {
        let (status, body) = get("comments.csv", &format!("&raw={bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "raw={bad}: {body}");
        let json: Value = serde_json::from_str(&body).unwrap();
        assert!(json["error"].as_str().unwrap().contains("raw"), "{json}");
    }
}

/// Sends `request` as raw bytes and reads the answer until the server closes (or a pause).
async fn raw_request(addr: std::net::SocketAddr, request: &[u8]) -> String {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    // The server may answer (and close) before it has read all of a large request.
    let _ = s.write_all(request).await;
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

/// The status and JSON body of a raw answer.
fn answer(raw: &str) -> (u16, Value) {
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((raw, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let lower = head.to_ascii_lowercase();
    assert!(
        lower.contains("content-type: application/json"),
        "not JSON: {head}"
    );
    let length: usize = lower
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(usize::MAX);
    assert_eq!(length, body.len(), "{raw}");
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

#[tokio::test]
async fn errors_hyper_answers_itself_have_json_bodies() {
    let (state, r, _d) = fresh(test_limits()).await;
    let (addr, server) = serve(&state, r).await;
    let long_uri = format!("GET /{} HTTP/1.1\r\nhost: x\r\n\r\n", "a".repeat(70_000));
    let many: String = (0..150).map(|i| format!("x-h{i}: 1\r\n")).collect();
    let many_headers = format!("GET /api/health HTTP/1.1\r\nhost: x\r\n{many}\r\n");
    let huge_header = format!(
        "GET /api/health HTTP/1.1\r\nhost: x\r\nx-big: {}\r\n\r\n",
        "b".repeat(500_000)
    );
    for (name, request, want) in [
        (
            "a bad header name",
            "GET /api/health HTTP/1.1\r\nhost: x\r\nbad header: 1\r\n\r\n".to_string(),
            400,
        ),
        (
            "a bad request line",
            "G E T /api/health HTTP/1.1\r\nhost: x\r\n\r\n".to_string(),
            400,
        ),
        (
            "a bad version",
            "GET /api/health HTTP/9.9\r\nhost: x\r\n\r\n".to_string(),
            400,
        ),
        ("a URI over 65534 bytes", long_uri, 414),
        ("150 headers", many_headers, 431),
        ("a 500 kB header", huge_header, 431),
    ] {
        let raw = raw_request(addr, request.as_bytes()).await;
        let (status, json) = answer(&raw);
        assert_eq!(status, want, "{name}: {raw}");
        assert!(
            json["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{name}: {raw}"
        );
        assert_eq!(json["code"], "bad_request", "{name}: {json}");
    }
    // The app's own answers are untouched, before and after on one connection.
    let raw = raw_request(
        addr,
        b"GET /api/health HTTP/1.1\r\nhost: x\r\n\r\nGET /api/nowhere HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
    )
    .await;
    assert!(raw.starts_with("HTTP/1.1 200 OK\r\n"), "{raw}");
    assert!(raw.contains(r#""protocol":1"#), "{raw}");
    assert!(raw.contains("HTTP/1.1 404 Not Found\r\n"), "{raw}");
    state.request_shutdown();
    let _ = server.await;
    state.shutdown().await;
}

#[test]
fn restore_refuses_a_database_serve_would_refuse() {
    let dir = tempfile::tempdir().unwrap();
    // Only `rooms(code)`: it passes the integrity check and has a rooms table with codes.
    let fake = dir.path().join("fake.db");
    {
        let c = rusqlite::Connection::open(&fake).unwrap();
        c.execute_batch("CREATE TABLE rooms (code TEXT); INSERT INTO rooms VALUES ('ABC234');")
            .unwrap();
    }
    let db = dir.path().join("restored.db");
    let e = polyphony_server::restore_database(&fake, &db, false).unwrap_err();
    assert!(e.to_string().contains("schema"), "{e}");
    assert!(!db.exists(), "nothing is restored");

    // The same with a schema version but not Polyphony's tables.
    {
        let c = rusqlite::Connection::open(&fake).unwrap();
        c.pragma_update(None, "user_version", 2).unwrap();
    }
    let e = polyphony_server::restore_database(&fake, &db, false).unwrap_err();
    assert!(!db.exists(), "nothing is restored: {e}");

    // A real database restores.
    let real = dir.path().join("real.db");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let code = rt.block_on(async {
        let state = polyphony_server::AppState::open(&real, test_limits())
            .await
            .unwrap();
        let r = polyphony_server::app(state.clone());
        let (code, _) = create_room(&r, 2, "").await;
        state.shutdown().await;
        code
    });
    let copy = dir.path().join("copy.db");
    let restored = polyphony_server::restore_database(&real, &copy, false).unwrap();
    assert_eq!(restored.rooms, [code]);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names.iter().any(|n| n.contains("restore-check")),
        "the trial copy is gone: {names:?}"
    );

    // A Polyphony database from a newer build (schema version beyond this build's).
    {
        let c = rusqlite::Connection::open(&copy).unwrap();
        c.pragma_update(None, "user_version", 999).unwrap();
    }
    let newer = dir.path().join("newer.db");
    let e = polyphony_server::restore_database(&copy, &newer, false).unwrap_err();
    assert!(e.to_string().contains("newer"), "{e}");
    assert!(!newer.exists());
}
