//! Joins racing table formation (issue 21, item 4): phones that join while the facilitator forms
//! tables (once, or twice in a row) all have a seat in the plan in force — as the server holds it,
//! and after a restart on the same database file (seats are stored).
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use axum::Router;
use common::*;
use serde_json::Value;

/// Rounds (one room each), phones joined before the tables, phones joining while they form.
const ROUNDS: usize = 10;
const BEFORE: usize = 8;
const RACING: usize = 8;

struct Room {
    code: String,
    tokens: Vec<String>,
}

async fn form(r: Router, code: String, key: String) {
    let (status, view) = call(
        &r,
        "POST",
        &format!("/api/rooms/{code}/tables"),
        &[("x-facilitator-key", &key)],
        Some(r#"{"mode":"mixed","size":4}"#),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{view}");
}

/// Every phone of `room` has a seat in the plan in force; answers how many had none.
async fn unseated(r: &Router, room: &Room) -> Vec<String> {
    let (status, view) = call(
        r,
        "GET",
        &format!("/api/rooms/{}/view", room.code),
        &[],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let plan = view["tables"]["plan"].clone();
    assert!(plan.is_u64(), "tables are formed: {view}");
    let seated: u64 = view["tables"]["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["size"].as_u64().unwrap())
        .sum();
    let mut out = Vec::new();
    for (i, token) in room.tokens.iter().enumerate() {
        let (status, me): (StatusCode, Value) = call(
            r,
            "GET",
            &format!("/api/rooms/{}/me", room.code),
            &[("x-participant-token", token)],
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{me}");
        if me["table"].is_null() || me["table"]["plan"] != plan {
            out.push(format!("phone {i}: {}", me["table"]));
        }
    }
    assert!(
        !out.is_empty() || seated == room.tokens.len() as u64,
        "the projector counts {seated} seats for {} phones",
        room.tokens.len()
    );
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn joins_racing_table_formation_all_have_a_seat_also_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("seating.db");
    let (state, r) = open_at(&db).await;
    let mut rooms = Vec::new();
    for round in 0..ROUNDS {
        let (code, key) = create_room(&r, 4, "").await;
        let mut tokens = Vec::new();
        for _ in 0..BEFORE {
            tokens.push(join(&r, &code).await);
        }
        let mut joins = Vec::new();
        let mut forms = Vec::new();
        for i in 0..RACING {
            if i == RACING / 2 {
                forms.push(tokio::spawn(form(r.clone(), code.clone(), key.clone())));
                if round % 2 == 1 {
                    // Formed again while the first plan and the joins are in flight.
                    forms.push(tokio::spawn(form(r.clone(), code.clone(), key.clone())));
                }
            }
            let (r, code) = (r.clone(), code.clone());
            joins.push(tokio::spawn(async move { join(&r, &code).await }));
        }
        for f in forms {
            f.await.unwrap();
        }
        for j in joins {
            tokens.push(j.await.unwrap());
        }
        rooms.push(Room { code, tokens });
    }
    let mut missing = Vec::new();
    for (i, room) in rooms.iter().enumerate() {
        let out = unseated(&r, room).await;
        if !out.is_empty() {
            missing.push(format!("round {i}: {} unseated: {out:?}", out.len()));
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");

    state.shutdown().await;
    drop(r);
    let (state, r) = open_at(&db).await;
    for (i, room) in rooms.iter().enumerate() {
        let out = unseated(&r, room).await;
        assert!(
            out.is_empty(),
            "after the restart, round {i}: {} unseated: {out:?}",
            out.len()
        );
    }
    state.shutdown().await;
}
