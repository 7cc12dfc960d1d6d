//! Limits a hostile participant meets (issue 9, items 4 and 5): statements per participant and
//! the facilitator's reserve, bulk moderation, joins per address and per room, no fresh vote
//! burst per fresh token, `X-Forwarded-For` read only when trusted. Through the router, with
//! the peer address set as `polyphony serve` sets it.
#![allow(clippy::unwrap_used)]

mod common;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use axum::Router;
use common::{call, create_room, fresh, join, open_db, test_limits, OPEN};
use http_body_util::BodyExt;
use polyphony_server::Limits;
use serde_json::{json, Value};
use tower::ServiceExt;

/// One request from peer `from` (as `polyphony serve` passes it); status, headers, JSON body.
async fn call_from(
    r: &Router,
    from: &str,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> (StatusCode, axum::http::HeaderMap, Value) {
    let peer: SocketAddr = format!("{from}:40000").parse().unwrap();
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .extension(ConnectInfo(peer));
    if body.is_some() {
        req = req.header("content-type", "application/json");
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .unwrap();
    let resp = r.clone().oneshot(req).await.unwrap();
    let (status, headers) = (resp.status(), resp.headers().clone());
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        headers,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn add(r: &Router, code: &str, who: (&str, &str), text: &str) -> (StatusCode, Value) {
    let body = json!({ "text": text }).to_string();
    call(
        r,
        "POST",
        &format!("/api/rooms/{code}/statements"),
        &[who],
        Some(&body),
    )
    .await
}

// ---- item 4: one participant cannot fill a room ----

#[tokio::test]
async fn a_participant_adds_at_most_the_rooms_statements_per_participant() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let (code, key) = create_room(&r, 2, r#","settings":{"statements_per_participant":3}"#).await;
    let (a, b) = (join(&r, &code).await, join(&r, &code).await);
    for i in 0..3 {
        let (st, j) = add(&r, &code, ("x-participant-token", &a), &format!("mine {i}")).await;
        assert_eq!(st, StatusCode::CREATED, "{j}");
    }
    let (st, j) = add(&r, &code, ("x-participant-token", &a), "one more").await;
    assert_eq!(st, StatusCode::CONFLICT, "{j}");
    assert!(j["error"].as_str().unwrap().contains("maximum of 3"), "{j}");
    // Another participant and the facilitator are not held back by it.
    let (st, _) = add(&r, &code, ("x-participant-token", &b), "theirs").await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, _) = add(&r, &code, ("x-facilitator-key", &key), "the host's").await;
    assert_eq!(st, StatusCode::CREATED);
}

#[tokio::test]
async fn rejected_statements_still_count_against_their_author() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let (code, key) = create_room(&r, 0, r#","settings":{"statements_per_participant":1}"#).await;
    let a = join(&r, &code).await;
    let (_, j) = add(&r, &code, ("x-participant-token", &a), "spam").await;
    let sid = j["statement"]["id"].as_u64().unwrap();
    let (st, _) = call(
        &r,
        "POST",
        &format!("/api/rooms/{code}/statements/{sid}/moderation"),
        &[("x-facilitator-key", &key)],
        Some(r#"{"state":"rejected"}"#),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = add(&r, &code, ("x-participant-token", &a), "more spam").await;
    assert_eq!(st, StatusCode::CONFLICT);
}

#[tokio::test]
async fn the_facilitator_keeps_a_reserve_when_participants_fill_the_room() {
    let limits = Limits {
        max_statements_per_room: 12,
        facilitator_statement_reserve: 2,
        ..test_limits()
    };
    let (_s, r, _d) = fresh(limits).await;
    let (code, key) = create_room(&r, 0, r#","settings":{"statements_per_participant":4}"#).await;
    let mut added = 0;
    'fill: for _ in 0..4 {
        let t = join(&r, &code).await;
        for i in 0..4 {
            let (st, j) = add(&r, &code, ("x-participant-token", &t), &format!("{t} {i}")).await;
            if st != StatusCode::CREATED {
                assert_eq!(st, StatusCode::CONFLICT, "{j}");
                assert!(j["error"].as_str().unwrap().contains("(10)"), "{j}");
                break 'fill;
            }
            added += 1;
        }
    }
    assert_eq!(added, 10);
    for i in 0..2 {
        let (st, j) = add(&r, &code, ("x-facilitator-key", &key), &format!("host {i}")).await;
        assert_eq!(st, StatusCode::CREATED, "{j}");
    }
    let (st, _) = add(&r, &code, ("x-facilitator-key", &key), "host 3").await;
    assert_eq!(st, StatusCode::CONFLICT);
}

#[tokio::test]
async fn racing_statements_from_one_participant_stop_at_the_cap() {
    let (state, r, _d) = fresh(test_limits()).await;
    let (code, _key) = create_room(&r, 0, r#","settings":{"statements_per_participant":5}"#).await;
    let t = join(&r, &code).await;
    let tasks: Vec<_> = (0..60)
        .map(|i| {
            let (r, code, t) = (r.clone(), code.clone(), t.clone());
            tokio::spawn(async move {
                add(&r, &code, ("x-participant-token", &t), &format!("race {i}"))
                    .await
                    .0
            })
        })
        .collect();
    let mut created = 0;
    for task in tasks {
        if task.await.unwrap() == StatusCode::CREATED {
            created += 1;
        }
    }
    assert_eq!(created, 5);
    let room = state.room(&code).unwrap();
    assert_eq!(room.moderation_queue().len(), 5);
}

#[tokio::test]
async fn old_rooms_without_the_setting_load_with_the_default() {
    let settings: polyphony_protocol::RoomSettings = serde_json::from_str(
        r#"{"moderation":"open","participants_can_add":true,"statement_max_chars":280}"#,
    )
    .unwrap();
    assert_eq!(settings.statements_per_participant, 10);
}

#[tokio::test]
async fn settings_refuse_an_out_of_range_statements_per_participant() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let (st, j) = call(
        &r,
        "POST",
        "/api/rooms",
        &[],
        Some(r#"{"topic":"t","settings":{"statements_per_participant":100000}}"#),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{j}");
}

/// A strict room where participants a (3 statements) and b (2) wait in the queue.
async fn strict_queue(r: &Router) -> (String, String, Vec<u64>, Vec<u64>) {
    let (code, key) = create_room(r, 1, r#","settings":{"moderation":"strict"}"#).await;
    let (a, b) = (join(r, &code).await, join(r, &code).await);
    let mut ids = (Vec::new(), Vec::new());
    for i in 0..3 {
        let (_, j) = add(r, &code, ("x-participant-token", &a), &format!("a {i}")).await;
        ids.0.push(j["statement"]["id"].as_u64().unwrap());
        if i < 2 {
            let (_, j) = add(r, &code, ("x-participant-token", &b), &format!("b {i}")).await;
            ids.1.push(j["statement"]["id"].as_u64().unwrap());
        }
    }
    (code, key, ids.0, ids.1)
}

#[tokio::test]
async fn reject_pending_from_one_author_leaves_the_others_and_names_nobody() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let (code, key, a, b) = strict_queue(&r).await;
    let url = format!("/api/rooms/{code}/statements/reject-pending");
    let body = json!({ "author_of": a[1] }).to_string();
    let (st, j) = call(&r, "POST", &url, &[], Some(&body)).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "{j}");
    let (st, j) = call(
        &r,
        "POST",
        &url,
        &[("x-facilitator-key", &key)],
        Some(&body),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{j}");
    assert_eq!(j, json!({ "rejected": a }));
    let (_, queue) = call(
        &r,
        "GET",
        &format!("/api/rooms/{code}/statements"),
        &[("x-facilitator-key", &key)],
        None,
    )
    .await;
    for item in queue.as_array().unwrap() {
        let id = item["statement"]["id"].as_u64().unwrap();
        let want = if a.contains(&id) {
            "rejected"
        } else if b.contains(&id) {
            "pending"
        } else {
            "accepted"
        };
        assert_eq!(item["statement"]["moderation"], want, "{item}");
    }
    // A seed (the facilitator's) names no participant: refused, nothing changes.
    let (st, j) = call(
        &r,
        "POST",
        &url,
        &[("x-facilitator-key", &key)],
        Some(r#"{"author_of":0}"#),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{j}");
    let (st, _) = call(
        &r,
        "POST",
        &url,
        &[("x-facilitator-key", &key)],
        Some(r#"{"author_of":999}"#),
    )
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn reject_all_pending_empties_the_queue_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let state = open_db(&db, test_limits()).await.unwrap();
    let r = polyphony_server::app(state.clone());
    let (code, key, a, b) = strict_queue(&r).await;
    let url = format!("/api/rooms/{code}/statements/reject-pending");
    let (st, j) = call(&r, "POST", &url, &[("x-facilitator-key", &key)], Some("{}")).await;
    assert_eq!(st, StatusCode::OK, "{j}");
    let mut all: Vec<u64> = a.iter().chain(&b).copied().collect();
    all.sort_unstable();
    assert_eq!(j, json!({ "rejected": all }));
    let (_, j) = call(&r, "POST", &url, &[("x-facilitator-key", &key)], Some("{}")).await;
    assert_eq!(j, json!({ "rejected": [] }));
    state.shutdown().await;
    let state = open_db(&db, test_limits()).await.unwrap();
    let room = state.room(&code).unwrap();
    let pending = room
        .moderation_queue()
        .into_iter()
        .filter(|i| i.statement.moderation == polyphony_protocol::ModerationState::Pending)
        .count();
    assert_eq!(pending, 0);
    state.shutdown().await;
}

// ---- item 5: identities are not free ----

#[tokio::test]
async fn joins_per_address_are_limited_with_retry_after() {
    let limits = Limits {
        joins_per_address_per_minute: 5,
        ..test_limits()
    };
    let (_s, r, _d) = fresh(limits).await;
    let (code, _) = create_room(&r, 1, OPEN).await;
    let url = format!("/api/rooms/{code}/join");
    for _ in 0..5 {
        let (st, _, j) = call_from(&r, "10.0.0.1", "POST", &url, &[], None).await;
        assert_eq!(st, StatusCode::CREATED, "{j}");
    }
    let (st, h, j) = call_from(&r, "10.0.0.1", "POST", &url, &[], None).await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS, "{j}");
    assert!(
        j["error"].as_str().unwrap().contains("from this address"),
        "{j}"
    );
    let secs: u64 = h["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&secs), "{secs}");
    // Another phone is not held back; a forged X-Forwarded-For is ignored without --trust-proxy.
    let (st, _, _) = call_from(&r, "10.0.0.2", "POST", &url, &[], None).await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, _, _) = call_from(
        &r,
        "10.0.0.1",
        "POST",
        &url,
        &[("x-forwarded-for", "10.9.9.9")],
        None,
    )
    .await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn joins_per_room_are_limited_whatever_the_address() {
    let limits = Limits {
        joins_per_room_per_minute: 20,
        ..test_limits()
    };
    let (_s, r, _d) = fresh(limits).await;
    let (code, _) = create_room(&r, 1, OPEN).await;
    let (other, _) = create_room(&r, 1, OPEN).await;
    let mut created = 0;
    for i in 0..30 {
        let (st, _, _) = call_from(
            &r,
            &format!("10.1.{}.{}", i / 200, i % 200 + 1),
            "POST",
            &format!("/api/rooms/{code}/join"),
            &[],
            None,
        )
        .await;
        if st == StatusCode::CREATED {
            created += 1;
        } else {
            assert_eq!(st, StatusCode::TOO_MANY_REQUESTS);
        }
    }
    assert_eq!(created, 20);
    let (st, _, _) = call_from(
        &r,
        "10.2.0.1",
        "POST",
        &format!("/api/rooms/{other}/join"),
        &[],
        None,
    )
    .await;
    assert_eq!(st, StatusCode::CREATED);
}

#[tokio::test]
async fn with_trust_proxy_the_forwarded_address_counts() {
    let limits = Limits {
        joins_per_address_per_minute: 2,
        trust_proxy: true,
        ..test_limits()
    };
    let (_s, r, _d) = fresh(limits).await;
    let (code, _) = create_room(&r, 1, OPEN).await;
    let url = format!("/api/rooms/{code}/join");
    // Everyone arrives from the proxy (127.0.0.1); the proxy names each phone.
    for phone in 1..=5 {
        let xff = format!("203.0.113.7, 10.0.0.{phone}");
        let (st, _, j) = call_from(
            &r,
            "127.0.0.1",
            "POST",
            &url,
            &[("x-forwarded-for", &xff)],
            None,
        )
        .await;
        assert_eq!(st, StatusCode::CREATED, "{j}");
    }
    for _ in 0..2 {
        let (st, _, _) = call_from(
            &r,
            "127.0.0.1",
            "POST",
            &url,
            &[("x-forwarded-for", "10.0.0.9")],
            None,
        )
        .await;
        assert_eq!(st, StatusCode::CREATED);
    }
    let (st, _, _) = call_from(
        &r,
        "127.0.0.1",
        "POST",
        &url,
        &[("x-forwarded-for", "10.0.0.9")],
        None,
    )
    .await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS);
}

/// Votes accepted from `token` sent at once, on statements 0..n.
async fn burst(r: &Router, code: &str, token: &str, n: u32) -> usize {
    let mut ok = 0;
    for s in 0..n {
        let body = json!({ "id": format!("v{s}"), "statement": s, "vote": "agree" }).to_string();
        let (st, _) = call(
            r,
            "POST",
            &format!("/api/rooms/{code}/votes"),
            &[("x-participant-token", token)],
            Some(&body),
        )
        .await;
        if st == StatusCode::OK {
            ok += 1;
        } else {
            assert_eq!(st, StatusCode::TOO_MANY_REQUESTS);
        }
    }
    ok
}

#[tokio::test]
async fn a_fresh_token_gets_no_fresh_vote_burst_beyond_its_addresss_budget() {
    let limits = Limits {
        votes_per_second: 1,
        vote_burst: 30,
        full_bursts_per_address_per_minute: 2,
        ..test_limits()
    };
    let (_s, r, _d) = fresh(limits).await;
    let (code, _) = create_room(&r, 40, OPEN).await;
    let url = format!("/api/rooms/{code}/join");
    let mut got = Vec::new();
    for _ in 0..4 {
        let (_, _, j) = call_from(&r, "10.0.0.1", "POST", &url, &[], None).await;
        let token = j["participant_token"].as_str().unwrap().to_string();
        got.push(burst(&r, &code, &token, 35).await);
    }
    // The address's first two tokens may send 30 at once; later ones one second's worth (the
    // test's rate is 1 a second; a vote or so may refill while the burst is sent).
    assert!(got[0] >= 30 && got[1] >= 30, "{got:?}");
    assert!(got[2] <= 3 && got[3] <= 3, "{got:?}");
}

/// A new room asked of a server that holds `max_rooms`: 503 `server_full`, saying what to do;
/// nothing stored, the rooms it holds still served; a restart with a higher limit takes new
/// rooms again.
#[tokio::test]
async fn a_server_holding_its_most_rooms_refuses_another_and_keeps_the_rest() {
    let limits = Limits {
        max_rooms: 2,
        ..test_limits()
    };
    let (state, r, dir) = fresh(limits.clone()).await;
    let body = r#"{"topic":"Ride sharing","statements":["One","Two"]}"#;
    let mut codes = Vec::new();
    for from in ["10.0.0.1", "10.0.0.2"] {
        let (status, _, json) = call_from(&r, from, "POST", "/api/rooms", &[], Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{json}");
        codes.push(json["room"]["code"].as_str().unwrap().to_string());
    }
    for from in ["10.0.0.1", "10.0.0.3"] {
        let (status, _, json) = call_from(&r, from, "POST", "/api/rooms", &[], Some(body)).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{json}");
        assert_eq!(json["code"], "server_full");
        assert!(
            json["error"].as_str().unwrap().contains("--max-rooms"),
            "{json}"
        );
    }
    assert_eq!(state.room_codes().len(), 2, "nothing more held");
    for code in &codes {
        let (status, json) = call(&r, "GET", &format!("/api/rooms/{code}/view"), &[], None).await;
        assert_eq!(status, StatusCode::OK, "{json}");
    }
    // The operator raises the limit: the same database, restarted, takes the next room.
    drop((state, r));
    let db = dir.path().join("test.db");
    let state = open_db(
        &db,
        Limits {
            max_rooms: 10,
            ..limits
        },
    )
    .await
    .unwrap();
    let r = polyphony_server::app(state.clone());
    let (status, _, json) = call_from(&r, "10.0.0.3", "POST", "/api/rooms", &[], Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    assert_eq!(state.room_codes().len(), 3);
}
