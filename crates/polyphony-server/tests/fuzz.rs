//! Fuzzing every HTTP body and WebSocket message (issue 9): proptest with a fixed seed, so CI
//! runs the same few thousand cases each time. Each case is a real endpoint (or socket) with a
//! body that is valid, valid with one field replaced, arbitrary JSON, or arbitrary text, and
//! credentials that are right, wrong or missing. Nothing may answer 5xx or panic, and the
//! server answers after.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::StatusCode;
use axum::Router;
use common::{call, create_room, fresh, join, serve, test_limits};
use futures_util::{SinkExt, StreamExt};
use polyphony_server::Limits;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

/// Any JSON value, a few levels deep, with the strings and numbers that break parsers.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop_oneof![
            Just(-1i64),
            Just(0),
            Just(1),
            Just(2),
            Just(3),
            Just(u32::MAX as i64),
            Just(i64::from(u32::MAX) + 1)
        ]
        .prop_map(|n| json!(n)),
        ".{0,40}".prop_map(Value::String),
        prop_oneof![
            Just("agree"),
            Just("disagree"),
            Just("pass"),
            Just("accepted"),
            Just("pending"),
            Just("rejected"),
            Just("strict"),
            Just("groups"),
            Just("mixed"),
            Just("same_group"),
            Just("\u{202e}\u{200b}"),
            Just("=HYPERLINK(\"x\")"),
            Just(""),
        ]
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(field_name(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Field names the protocol uses, and others.
fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "id",
            "statement",
            "vote",
            "text",
            "state",
            "stage",
            "open",
            "spectrum",
            "round",
            "position",
            "topic",
            "description",
            "language",
            "statements",
            "settings",
            "seed",
            "rules",
            "moderation",
            "participants_can_add",
            "statement_max_chars",
            "statements_per_participant",
            "mode",
            "size",
            "note",
            "table",
            "author_of",
            "type",
            "consent",
            "plan",
            "brief",
            "title",
            "image",
            "positions",
            "side",
            "source",
        ])
        .prop_map(String::from),
        "[a-z_]{1,12}",
    ]
}

/// A valid body for each endpoint kind (statement 0 exists).
fn valid_bodies() -> Vec<Value> {
    vec![
        json!({ "id": "v1", "statement": 0, "vote": "agree" }),
        json!({ "id": "s1", "text": "A new statement" }),
        json!({ "state": "rejected" }),
        json!({ "stage": "groups" }),
        json!({ "statement": 0 }),
        json!({ "open": 2 }),
        json!({ "spectrum": 0, "round": 1, "position": 2 }),
        json!({ "mode": "same_group", "size": 4 }),
        json!({ "id": "n1", "text": "a note" }),
        json!({ "author_of": 0 }),
        json!({ "topic": "t", "statements": ["a", "b"], "settings": { "moderation": "strict" } }),
        json!({ "moderation": "open", "statement_max_chars": 100, "statements_per_participant": 3 }),
        json!([{ "title": "t", "image": "https://example.org/a.png",
                 "positions": [{ "side": "s", "text": "x", "source": "y" }] }]),
        json!({ "topic": "t", "brief": [{ "title": "t", "text": "x" }] }),
    ]
}

/// A body: valid, valid with one field replaced, any JSON, or any text.
fn body() -> impl Strategy<Value = String> {
    let valid = prop::sample::select(valid_bodies());
    prop_oneof![
        valid.clone().prop_map(|v| v.to_string()),
        (valid, field_name(), any_json()).prop_map(|(mut v, k, x)| {
            if let Some(o) = v.as_object_mut() {
                o.insert(k, x);
            }
            v.to_string()
        }),
        any_json().prop_map(|v| v.to_string()),
        ".{0,200}",
        prop::collection::vec(any::<u8>(), 0..200)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}

/// Endpoints with a body (method, path with `{code}` and `{id}`).
const ENDPOINTS: &[(&str, &str)] = &[
    ("POST", "/api/rooms"),
    ("PUT", "/api/rooms/{code}/settings"),
    ("PUT", "/api/rooms/{code}/brief"),
    ("POST", "/api/rooms/{code}/join"),
    ("POST", "/api/rooms/{code}/votes"),
    ("POST", "/api/rooms/{code}/statements"),
    ("POST", "/api/rooms/{code}/statements/{id}/moderation"),
    ("POST", "/api/rooms/{code}/statements/reject-pending"),
    ("POST", "/api/rooms/{code}/stage"),
    ("POST", "/api/rooms/{code}/spectrums"),
    ("POST", "/api/rooms/{code}/spectrums/{id}/round"),
    ("POST", "/api/rooms/{code}/spectrum-positions"),
    ("POST", "/api/rooms/{code}/tables"),
    ("DELETE", "/api/rooms/{code}/tables"),
    ("POST", "/api/rooms/{code}/notes"),
    ("POST", "/api/rooms/{code}/notes/{id}/withdraw"),
    ("POST", "/api/rooms/{code}/notes/{id}/release"),
    ("POST", "/api/rooms/{code}/reporter/pass"),
    ("POST", "/api/rooms/{code}/consent"),
    ("GET", "/api/rooms/{code}/export/{id}"),
    ("GET", "/api/rooms/{code}/spectrums/{id}"),
    ("GET", "/api/rooms/{code}/me"),
    ("GET", "/api/rooms/{code}/view"),
    ("POST", "/api/rooms/{code}/close"),
];

/// Generous limits, so that most cases reach the room's own checks rather than a rate limit.
fn limits() -> Limits {
    Limits {
        votes_per_second: 100_000,
        vote_burst: 100_000,
        rooms_per_address_per_hour: 100_000,
        ..test_limits()
    }
}

fn config(cases: u32, seed: u64) -> Config {
    Config {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        ..Config::default()
    }
}

#[test]
fn no_http_body_makes_a_5xx_or_a_panic() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (state, r, _dir, code, key, token): (_, Router, _, String, String, String) =
        rt.block_on(async {
            let (state, r, dir) = fresh(limits()).await;
            let (code, key) = create_room(&r, 5, "").await;
            let token = join(&r, &code).await;
            (state, r, dir, code, key, token)
        });
    let ids = prop_oneof![
        Just("0".to_string()),
        Just("1".to_string()),
        Just("4294967295".to_string()),
        Just("votes.csv".to_string()),
        Just("polyphony.json".to_string()),
        "[0-9]{1,12}",
        "[a-z%.\\-]{0,10}",
    ];
    let who = prop_oneof![Just(0u8), Just(1), Just(2), Just(3)];
    let codes = prop_oneof![
        4 => Just(code.clone()),
        1 => Just(code.to_lowercase()),
        1 => "[A-Z0-9%]{0,8}",
    ];
    let strategy = (prop::sample::select(ENDPOINTS), codes, ids, who, body());
    let served = AtomicUsize::new(0);
    let mut runner = TestRunner::new(config(3000, 0x9017_5eed));
    runner
        .run(&strategy, |((method, path), c, id, who, body)| {
            let uri = path.replace("{code}", &c).replace("{id}", &id);
            let headers: Vec<(&str, &str)> = match who {
                0 => vec![],
                1 => vec![("x-facilitator-key", key.as_str())],
                2 => vec![("x-participant-token", token.as_str())],
                _ => vec![("x-participant-token", "0000"), ("x-facilitator-key", "zz")],
            };
            let (status, json) = rt.block_on(call(&r, method, &uri, &headers, Some(&body)));
            prop_assert!(
                !status.is_server_error(),
                "{method} {uri} {body:?} → {status} {json}"
            );
            if status.is_client_error() {
                prop_assert!(
                    json["error"].is_string(),
                    "{method} {uri} → {status} {json}"
                );
            }
            served.fetch_add(1, Ordering::Relaxed);
            Ok(())
        })
        .unwrap();
    assert_eq!(served.load(Ordering::Relaxed), 3000);
    // Still alive and consistent.
    rt.block_on(async {
        let (st, _) = call(&r, "GET", "/api/health", &[], None).await;
        assert_eq!(st, StatusCode::OK);
        let (st, _) = call(&r, "GET", &format!("/api/rooms/{code}/view"), &[], None).await;
        assert_eq!(st, StatusCode::OK);
        state.shutdown().await;
    });
}

/// A WebSocket message: a valid message of each type, one with a field replaced, any JSON with
/// a `type`, or any text.
fn ws_message() -> impl Strategy<Value = String> {
    let valid = prop::sample::select(vec![
        json!({ "type": "vote", "id": "w1", "statement": 0, "vote": "agree" }),
        json!({ "type": "add_statement", "id": "ws1", "text": "From the socket" }),
        json!({ "type": "spectrum", "spectrum": 0, "round": 1, "position": -2 }),
        json!({ "type": "add_note", "id": "wn", "text": "note" }),
        json!({ "type": "withdraw_note", "id": "ww", "note": 0 }),
        json!({ "type": "pass_reporter", "id": "wp" }),
        json!({ "type": "consent", "id": "wc", "note": 0 }),
        json!({ "type": "ping" }),
    ]);
    let types = prop::sample::select(vec![
        "vote",
        "add_statement",
        "spectrum",
        "add_note",
        "withdraw_note",
        "pass_reporter",
        "consent",
        "ping",
        "pong",
        "welcome",
        "",
    ]);
    prop_oneof![
        valid.clone().prop_map(|v| v.to_string()),
        (valid, field_name(), any_json()).prop_map(|(mut v, k, x)| {
            if k != "type" {
                if let Some(o) = v.as_object_mut() {
                    o.insert(k, x);
                }
            }
            v.to_string()
        }),
        (types, any_json()).prop_map(|(t, v)| {
            let mut o = v.as_object().cloned().unwrap_or_default();
            o.insert("type".into(), json!(t));
            Value::Object(o).to_string()
        }),
        ".{0,300}",
    ]
}

#[test]
fn no_websocket_message_makes_a_5xx_or_a_panic_or_a_dead_socket() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (state, r, _dir) = fresh(limits()).await;
        let (code, _key) = create_room(&r, 5, "").await;
        let token = join(&r, &code).await;
        let (addr, server) = serve(&state, r.clone()).await;
        let phone_url = format!("ws://{addr}/api/rooms/{code}/ws?token={token}");
        let screen_url = format!("ws://{addr}/api/rooms/{code}/ws");
        let (mut phone, _) = tokio_tungstenite::connect_async(&phone_url).await.unwrap();
        let (mut screen, _) = tokio_tungstenite::connect_async(&screen_url).await.unwrap();
        // A socket may send 300 messages in 10 s (then it is closed as flooding): each socket
        // is replaced by a fresh one after 100 cases (200 messages with their pings).
        let mut sent = [0u32; 2];
        let mut runner = TestRunner::new(config(2000, 0x0005_0c4e));
        let cases = std::sync::Mutex::new(Vec::new());
        runner
            .run(&(ws_message(), any::<bool>()), |(m, to_screen)| {
                cases.lock().unwrap().push((m, to_screen));
                Ok(())
            })
            .unwrap();
        let cases = cases.into_inner().unwrap();
        assert_eq!(cases.len(), 2000);
        let mut answered = 0;
        for (m, to_screen) in &cases {
            let which = usize::from(*to_screen);
            sent[which] += 1;
            if sent[which] > 100 {
                sent[which] = 1;
                let url = if *to_screen { &screen_url } else { &phone_url };
                let (fresh, _) = tokio_tungstenite::connect_async(url).await.unwrap();
                if *to_screen {
                    screen = fresh;
                } else {
                    phone = fresh;
                }
            }
            let socket = if *to_screen { &mut screen } else { &mut phone };
            socket.send(Message::text(m.clone())).await.unwrap();
            // A ping after each case: its pong says the case was handled, in order.
            socket
                .send(Message::text(r#"{"type":"ping"}"#))
                .await
                .unwrap();
            loop {
                let next = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
                    .await
                    .unwrap_or_else(|_| panic!("no answer to {m}"));
                let Some(Ok(Message::Text(t))) = next else {
                    match next {
                        Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                        other => panic!("the socket ended after {m}: {other:?}"),
                    }
                };
                let v: Value = serde_json::from_str(&t).unwrap();
                if v["type"] == "rejected" {
                    let status = v["status"].as_u64().unwrap();
                    assert!(status < 500, "{m} → {v}");
                }
                if v["type"] == "pong" {
                    answered += 1;
                    break;
                }
            }
        }
        assert_eq!(answered, 2000);
        let (st, _) = call(&r, "GET", "/api/health", &[], None).await;
        assert_eq!(st, StatusCode::OK);
        state.request_shutdown();
        server.await.unwrap().unwrap();
        state.shutdown().await;
    });
}
