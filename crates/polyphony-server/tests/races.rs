//! The same client id sent from many tasks at once (a phone's resend racing its first request)
//! counts once, every answer names the stored statement, and what the server holds in memory is
//! what the database holds after a restart.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::Value;

const RACERS: usize = 24;

/// Room for every racer's vote in the rate limit.
fn limits() -> polyphony_server::Limits {
    polyphony_server::Limits {
        votes_per_second: 1000,
        vote_burst: 1000,
        ..test_limits()
    }
}

/// The moderation queue and the votes export: the room as the server holds it.
async fn holdings(r: &axum::Router, code: &str, key: &str) -> (Value, String) {
    let host = [("x-facilitator-key", key)];
    let (status, queue) = call(
        r,
        "GET",
        &format!("/api/rooms/{code}/statements"),
        &host,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, votes) = call_text(
        r,
        "GET",
        &format!("/api/rooms/{code}/export/votes.csv"),
        &host,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    (queue, votes)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_client_id_sent_concurrently_is_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("races.db");
    let (code, key, before) = {
        let state = open_db(&db, limits()).await.unwrap();
        let r = polyphony_server::app(state.clone());
        let (code, key) = create_room(&r, 2, OPEN).await;
        let token = join(&r, &code).await;
        for round in 0..4 {
            let mut tasks = Vec::new();
            for _ in 0..RACERS {
                let (r, code, token) = (r.clone(), code.clone(), token.clone());
                tasks.push(tokio::spawn(async move {
                    let me = [("x-participant-token", token.as_str())];
                    let statement = call(
                        &r,
                        "POST",
                        &format!("/api/rooms/{code}/statements"),
                        &me,
                        Some(&format!(r#"{{"id":"s-{round}","text":"Raced {round}"}}"#)),
                    )
                    .await;
                    let vote = call(
                        &r,
                        "POST",
                        &format!("/api/rooms/{code}/votes"),
                        &me,
                        Some(&format!(
                            r#"{{"id":"v-{round}","statement":0,"vote":"agree"}}"#
                        )),
                    )
                    .await;
                    (statement, vote)
                }));
            }
            let mut sids = Vec::new();
            let (mut fresh_statements, mut fresh_votes) = (0, 0);
            for t in tasks {
                let ((s_status, s), (v_status, v)) = t.await.unwrap();
                assert!(
                    [StatusCode::CREATED, StatusCode::OK].contains(&s_status),
                    "{s}"
                );
                assert_eq!(v_status, StatusCode::OK, "{v}");
                sids.push(s["statement"]["id"].as_u64().unwrap());
                fresh_statements += usize::from(s["duplicate"] == false);
                fresh_votes += usize::from(v["duplicate"] == false);
            }
            assert_eq!(fresh_statements, 1, "one request stored the statement");
            assert_eq!(fresh_votes, 1, "one request stored the vote");
            assert!(
                sids.iter().all(|s| *s == sids[0]),
                "every answer names the stored statement: {sids:?}"
            );
        }
        let before = holdings(&r, &code, &key).await;
        let raced: Vec<&Value> = before
            .0
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| {
                i["statement"]["text"]
                    .as_str()
                    .unwrap()
                    .starts_with("Raced")
            })
            .collect();
        assert_eq!(raced.len(), 4, "{}", before.0);
        assert_eq!(before.1.lines().count(), 1 + 4, "{}", before.1);
        state.shutdown().await;
        (code, key, before)
    };
    let state = open_db(&db, limits()).await.unwrap();
    let r = polyphony_server::app(state.clone());
    assert_eq!(holdings(&r, &code, &key).await, before, "memory = database");
    state.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_text_sent_concurrently_under_different_ids_is_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let state = open_db(&dir.path().join("texts.db"), limits())
        .await
        .unwrap();
    let r = polyphony_server::app(state.clone());
    let (code, key) = create_room(&r, 2, OPEN).await;
    let mut tokens = Vec::new();
    for _ in 0..4 {
        tokens.push(join(&r, &code).await);
    }
    for round in 0..4 {
        let mut tasks = Vec::new();
        for n in 0..RACERS {
            let (r, code, token) = (r.clone(), code.clone(), tokens[n % 4].clone());
            tasks.push(tokio::spawn(async move {
                let me = [("x-participant-token", token.as_str())];
                call(
                    &r,
                    "POST",
                    &format!("/api/rooms/{code}/statements"),
                    &me,
                    // Other ids, other spacing: one statement once normalised.
                    Some(&format!(
                        r#"{{"id":"t-{round}-{n}","text":"Same  text {round} "}}"#
                    )),
                )
                .await
            }));
        }
        let (mut stored, mut refused) = (0, 0);
        for t in tasks {
            let (status, body) = t.await.unwrap();
            match status {
                StatusCode::CREATED => stored += 1,
                StatusCode::CONFLICT => refused += 1,
                other => panic!("{other}: {body}"),
            }
        }
        assert_eq!((stored, refused), (1, RACERS - 1), "round {round}");
    }
    let (queue, _) = holdings(&r, &code, &key).await;
    let same = queue
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| {
            i["statement"]["text"]
                .as_str()
                .unwrap()
                .starts_with("Same text")
        })
        .count();
    assert_eq!(same, 4, "{queue}");
    state.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn first_actions_racing_for_the_last_places_never_pass_the_cap() {
    // The cap counts participants who act: 40 join (joining holds no place), then all vote
    // at once for the 5 places.
    const CAP: u32 = 5;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cap.db");
    let capped = || polyphony_server::Limits {
        max_participants_per_room: CAP,
        ..limits()
    };
    let code = {
        let state = open_db(&db, capped()).await.unwrap();
        let r = polyphony_server::app(state.clone());
        let (code, _key) = create_room(&r, 2, OPEN).await;
        let mut tokens = Vec::new();
        for _ in 0..40 {
            tokens.push(join(&r, &code).await);
        }
        let mut tasks = Vec::new();
        for token in tokens {
            let (r, code) = (r.clone(), code.clone());
            tasks.push(tokio::spawn(async move {
                let body = r#"{"id":"v","statement":0,"vote":"agree"}"#;
                let headers = [("x-participant-token", token.as_str())];
                call(
                    &r,
                    "POST",
                    &format!("/api/rooms/{code}/votes"),
                    &headers,
                    Some(body),
                )
                .await
            }));
        }
        let (mut voted, mut full) = (0, 0);
        for t in tasks {
            let (status, body) = t.await.unwrap();
            match status {
                StatusCode::OK => voted += 1,
                StatusCode::CONFLICT => {
                    assert_eq!(body["code"], "room_full", "{body}");
                    full += 1;
                }
                other => panic!("{other}: {body}"),
            }
        }
        assert_eq!((voted, full), (CAP, 40 - CAP));
        state.shutdown().await;
        code
    };
    let state = open_db(&db, capped()).await.unwrap();
    let r = polyphony_server::app(state.clone());
    let (_, view) = call(&r, "GET", &format!("/api/rooms/{code}/view"), &[], None).await;
    assert_eq!(
        view["voters"], CAP,
        "memory = database after a restart: {view}"
    );
    state.shutdown().await;
}
