//! Discussion tables through the router: every endpoint, each refusal, resends, exports, and a
//! restart on the same database file.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use axum::Router;
use common::*;
use serde_json::Value;

struct Room {
    code: String,
    key: String,
    tokens: Vec<String>,
}

impl Room {
    fn url(&self, rest: &str) -> String {
        format!("/api/rooms/{}{rest}", self.code)
    }
}

async fn room_of(r: &Router, phones: usize) -> Room {
    let (code, key) = create_room(r, 4, "").await;
    let mut tokens = Vec::new();
    for _ in 0..phones {
        tokens.push(join(r, &code).await);
    }
    Room { code, key, tokens }
}

async fn host(
    r: &Router,
    room: &Room,
    method: &str,
    rest: &str,
    body: Option<&str>,
) -> (StatusCode, Value) {
    call(
        r,
        method,
        &room.url(rest),
        &[("x-facilitator-key", &room.key)],
        body,
    )
    .await
}

async fn phone(
    r: &Router,
    room: &Room,
    i: usize,
    method: &str,
    rest: &str,
    body: Option<&str>,
) -> (StatusCode, Value) {
    call(
        r,
        method,
        &room.url(rest),
        &[("x-participant-token", &room.tokens[i])],
        body,
    )
    .await
}

async fn form(r: &Router, room: &Room, body: &str) -> Value {
    let (status, view) = host(r, room, "POST", "/tables", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{view}");
    view
}

async fn me(r: &Router, room: &Room, i: usize) -> Value {
    let (status, v) = phone(r, room, i, "GET", "/me", None).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    v
}

/// Adds a note from phone `i`; returns (status, body).
async fn note(r: &Router, room: &Room, i: usize, id: &str, text: &str) -> (StatusCode, Value) {
    let body = serde_json::json!({ "id": id, "text": text }).to_string();
    phone(r, room, i, "POST", "/notes", Some(&body)).await
}

#[tokio::test]
async fn forming_tables_needs_the_key_an_open_room_and_a_size_of_2_to_20() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let room = room_of(&r, 5).await;
    let body = Some(r#"{"mode":"mixed"}"#);
    let (status, _) = call(
        &r,
        "POST",
        &room.url("/tables"),
        &[("x-facilitator-key", "nope")],
        body,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(&r, "POST", &room.url("/tables"), &[], body).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = phone(&r, &room, 0, "POST", "/tables", body).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a token is not a key");
    for size in [1, 21] {
        let b = format!(r#"{{"mode":"mixed","size":{size}}}"#);
        let (status, e) = host(&r, &room, "POST", "/tables", Some(&b)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{size}: {e}");
    }
    let (status, _) = host(&r, &room, "DELETE", "/tables", None).await;
    assert_eq!(status, StatusCode::CONFLICT, "nothing to dissolve");

    let view = form(&r, &room, r#"{"mode":"mixed","size":2}"#).await;
    assert_eq!(view["plan"], 1);
    assert_eq!(view["size"], 2);
    assert_eq!(view["tables"].as_array().unwrap().len(), 3);
    assert_eq!(view["reporters_ready"], true);
    let (_, projector) = call(&r, "GET", &room.url("/view"), &[], None).await;
    assert_eq!(projector["tables"]["plan"], 1);
    assert_eq!(projector["room"]["stage"], "tables");
    let text = projector.to_string();
    assert!(
        !text.contains("members") && !text.contains("author"),
        "the projector names nobody: {text}"
    );
    assert!(!text.contains("reporter\":true"));

    let (status, _) = host(&r, &room, "DELETE", "/tables", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(me(&r, &room, 0).await["table"].is_null());
    let (_, projector) = call(&r, "GET", &room.url("/view"), &[], None).await;
    assert!(projector["tables"].is_null());

    let (status, _) = host(&r, &room, "POST", "/close", None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, e) = host(&r, &room, "POST", "/tables", body).await;
    assert_eq!(status, StatusCode::CONFLICT, "{e}");
}

#[tokio::test]
async fn notes_are_per_table_limited_and_resends_count_once() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let room = room_of(&r, 4).await;
    let (status, e) = note(&r, &room, 0, "n0", "before tables").await;
    assert_eq!(status, StatusCode::CONFLICT, "an unseated phone: {e}");
    form(&r, &room, r#"{"mode":"mixed","size":2}"#).await;
    let late = join(&r, &room.code).await;
    let room = Room {
        tokens: room.tokens.iter().cloned().chain([late]).collect(),
        ..room
    };
    assert!(
        !me(&r, &room, 4).await["table"].is_null(),
        "a late joiner is seated"
    );

    let (status, e) = note(&r, &room, 0, "long", &"x".repeat(281)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{e}");
    let (status, e) = note(&r, &room, 0, "empty", "  ").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (status, ack) = note(&r, &room, 0, "n1", "  We agree on buses  ").await;
    assert_eq!(status, StatusCode::CREATED, "{ack}");
    assert_eq!(ack["duplicate"], false);
    let (status, again) = note(&r, &room, 0, "n1", "We agree on buses").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["duplicate"], true);
    assert_eq!(again["note"], ack["note"]);

    let mine = me(&r, &room, 0).await;
    let table = mine["table"]["number"].clone();
    let notes = mine["table"]["notes"].as_array().unwrap().clone();
    assert_eq!(notes.len(), 1, "counted once: {notes:?}");
    assert_eq!(notes[0]["text"], "We agree on buses");
    assert_eq!(notes[0]["mine"], true);
    assert_eq!(notes[0]["released"], false);
    for i in 1..5 {
        let v = me(&r, &room, i).await;
        let n = v["table"]["notes"].as_array().unwrap();
        if v["table"]["number"] == table {
            assert_eq!(n.len(), 1);
            assert_eq!(n[0]["mine"], false);
        } else {
            assert!(n.is_empty(), "phone {i} sees another table's note");
        }
    }
    // No endpoint shows a phone every note.
    let (status, _) = phone(&r, &room, 1, "GET", "/notes", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for i in 0..19 {
        let (status, _) = note(&r, &room, 0, &format!("m{i}"), "more").await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (status, e) = note(&r, &room, 0, "m20", "one too many").await;
    assert_eq!(status, StatusCode::CONFLICT, "{e}");
}

#[tokio::test]
async fn release_and_withdraw_follow_their_rules() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let room = room_of(&r, 3).await;
    form(&r, &room, r#"{"mode":"mixed"}"#).await;
    let (_, a) = note(&r, &room, 0, "a", "to release").await;
    let (_, b) = note(&r, &room, 0, "b", "to withdraw").await;
    let (a, b) = (a["note"].as_u64().unwrap(), b["note"].as_u64().unwrap());

    let (status, _) = phone(&r, &room, 0, "POST", &format!("/notes/{a}/release"), None).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a participant cannot release"
    );
    let (status, n) = host(&r, &room, "POST", &format!("/notes/{a}/release"), None).await;
    assert_eq!(status, StatusCode::OK, "{n}");
    assert_eq!(n["released"], true);
    assert!(n.get("author").is_none());
    let (status, _) = host(&r, &room, "POST", "/notes/99/release", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let w = |id: &str, note: u64| serde_json::json!({ "id": id, "note": note }).to_string();
    let (status, e) = phone(
        &r,
        &room,
        0,
        "POST",
        &format!("/notes/{a}/withdraw"),
        Some(&w("w1", a)),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "released: {e}");
    let (status, e) = phone(
        &r,
        &room,
        1,
        "POST",
        &format!("/notes/{b}/withdraw"),
        Some(&w("w2", b)),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "someone else's: {e}");
    let (status, e) = phone(
        &r,
        &room,
        0,
        "POST",
        &format!("/notes/{a}/withdraw"),
        Some(&w("w3", b)),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "path and body disagree: {e}"
    );
    let (status, d) = phone(
        &r,
        &room,
        0,
        "POST",
        &format!("/notes/{b}/withdraw"),
        Some(&w("w4", b)),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["duplicate"], false);
    let (_, d) = phone(
        &r,
        &room,
        0,
        "POST",
        &format!("/notes/{b}/withdraw"),
        Some(&w("w4", b)),
    )
    .await;
    assert_eq!(d["duplicate"], true);
    let (status, _) = host(&r, &room, "POST", &format!("/notes/{b}/release"), None).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a withdrawn note cannot be released"
    );

    let (status, notes) = host(&r, &room, "GET", "/notes", None).await;
    assert_eq!(status, StatusCode::OK);
    let texts: Vec<&str> = notes
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["to release"], "withdrawn notes leave the console");
    let (_, projector) = call(&r, "GET", &room.url("/view"), &[], None).await;
    let shown = projector["tables"]["tables"].to_string();
    assert!(
        shown.contains("to release") && !shown.contains("to withdraw"),
        "{shown}"
    );

    let (status, json) = call_text(
        &r,
        "GET",
        &room.url(&format!("/export/polyphony.json?key={}", room.key)),
        &[],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["notes"].as_array().unwrap().len(), 1);
    assert_eq!(json["notes"][0]["text"], "to release");
    assert!(json["notes"][0].get("author").is_none());
    assert_eq!(
        json["tables"][0]["tables"][0]["members"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let (status, csv) = call_text(
        &r,
        "GET",
        &room.url(&format!("/export/tables.csv?key={}", room.key)),
        &[],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(csv, "participant,plan,table\n0,1,1\n1,1,1\n2,1,1\n");
}

/// Which phone reports for `i`'s table.
async fn reporter_at(r: &Router, room: &Room, table: &Value) -> Vec<usize> {
    let mut out = Vec::new();
    for i in 0..room.tokens.len() {
        let v = me(r, room, i).await;
        if &v["table"]["number"] == table && v["table"]["reporter"] == true {
            out.push(i);
        }
    }
    out
}

#[tokio::test]
async fn only_the_reporter_passes_and_consent_counts_once_and_a_restart_keeps_it_all() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tables.db");
    let state = open_db(&db, test_limits()).await.unwrap();
    let r = polyphony_server::app(state.clone());
    let room = room_of(&r, 6).await;
    form(&r, &room, r#"{"mode":"mixed"}"#).await;
    let table = me(&r, &room, 0).await["table"]["number"].clone();
    let reporters = reporter_at(&r, &room, &table).await;
    assert_eq!(reporters.len(), 1, "one phone is told");
    let reporter = reporters[0];
    let other = (0..6).find(|i| *i != reporter).unwrap();
    let (status, e) = phone(
        &r,
        &room,
        other,
        "POST",
        "/reporter/pass",
        Some(r#"{"id":"p"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{e}");
    let (status, d) = phone(
        &r,
        &room,
        reporter,
        "POST",
        "/reporter/pass",
        Some(r#"{"id":"p"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["duplicate"], false);
    let (_, d) = phone(
        &r,
        &room,
        reporter,
        "POST",
        "/reporter/pass",
        Some(r#"{"id":"p"}"#),
    )
    .await;
    assert_eq!(d["duplicate"], true, "a resent pass passes once");
    let next = reporter_at(&r, &room, &table).await;
    assert_eq!(next.len(), 1);
    assert_ne!(next[0], reporter);

    assert_eq!(me(&r, &room, 0).await["consented"], false);
    let (status, d) = phone(&r, &room, 0, "POST", "/consent", Some(r#"{"id":"c"}"#)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(d["duplicate"], false);
    let (_, d) = phone(&r, &room, 0, "POST", "/consent", Some(r#"{"id":"c"}"#)).await;
    assert_eq!(d["duplicate"], true);
    assert_eq!(me(&r, &room, 0).await["consented"], true);
    // Votes are not refused without consent (older clients vote without asking).
    let (status, _) = phone(
        &r,
        &room,
        1,
        "POST",
        "/votes",
        Some(r#"{"id":"v","statement":0,"vote":"agree"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let (_, n) = note(&r, &room, 0, "n", "kept").await;
    let (_, n2) = note(&r, &room, 0, "n2", "released and kept").await;
    host(
        &r,
        &room,
        "POST",
        &format!("/notes/{}/release", n2["note"]),
        None,
    )
    .await;
    let late = join(&r, &room.code).await;
    let late_room = Room {
        tokens: vec![late],
        code: room.code.clone(),
        key: room.key.clone(),
    };
    let late_table = me(&r, &late_room, 0).await["table"].clone();
    assert!(!late_table.is_null(), "a late joiner is seated");
    let mut before = Vec::new();
    for i in 0..6 {
        before.push(me(&r, &room, i).await["table"].clone());
    }
    state.shutdown().await;
    drop(r);

    let state = open_db(&db, test_limits()).await.unwrap();
    let r = polyphony_server::app(state.clone());
    for (i, t) in before.iter().enumerate() {
        assert_eq!(
            &me(&r, &room, i).await["table"],
            t,
            "phone {i} after the restart"
        );
    }
    assert_eq!(me(&r, &late_room, 0).await["table"], late_table);
    assert_eq!(me(&r, &room, 0).await["consented"], true);
    let (_, d) = phone(&r, &room, 0, "POST", "/consent", Some(r#"{"id":"c2"}"#)).await;
    assert_eq!(d["duplicate"], true);
    let (_, d) = phone(
        &r,
        &room,
        reporter,
        "POST",
        "/reporter/pass",
        Some(r#"{"id":"p"}"#),
    )
    .await;
    assert_eq!(d["duplicate"], true, "the pass id survives the restart");
    let (_, again) = note(&r, &room, 0, "n", "kept").await;
    assert_eq!(again["duplicate"], true);
    assert_eq!(again["note"], n["note"]);
    let (_, notes) = host(&r, &room, "GET", "/notes", None).await;
    assert_eq!(notes.as_array().unwrap().len(), 2);
    let (_, projector) = call(&r, "GET", &room.url("/view"), &[], None).await;
    assert_eq!(projector["tables"]["reporters_ready"], true);
    assert!(projector["tables"]
        .to_string()
        .contains("released and kept"));
    state.shutdown().await;
}

#[tokio::test]
async fn house_rules_are_kept_and_limited() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let (code, _) = create_room(&r, 1, r#","rules":"Be kind.""#).await;
    let (_, info) = call(&r, "GET", &format!("/api/rooms/{code}"), &[], None).await;
    assert_eq!(info["rules"], "Be kind.");
    let body = serde_json::json!({ "topic": "t", "rules": "x".repeat(1001) }).to_string();
    let (status, _) = call(&r, "POST", "/api/rooms", &[], Some(&body)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

/// A hostile phone joined again and again while tables were formed: each new identity sat at
/// the smallest table and read all its notes, so one phone read every table's unreleased notes.
/// Notes are written for the people at the table when it was formed; someone seated later
/// reads them once the facilitator releases them, and their own.
#[tokio::test]
async fn a_late_joiner_reads_a_tables_notes_once_they_are_released() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let room = room_of(&r, 4).await;
    form(&r, &room, r#"{"mode":"mixed","size":3}"#).await;
    for i in 0..4 {
        let (status, _) = note(&r, &room, i, &format!("n{i}"), &format!("secret {i}")).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let late = join(&r, &room.code).await;
    let room = Room {
        tokens: room.tokens.iter().cloned().chain([late]).collect(),
        ..room
    };
    let table = me(&r, &room, 4).await["table"]["number"].clone();
    let mates: Vec<usize> = {
        let mut m = Vec::new();
        for i in 0..4 {
            if me(&r, &room, i).await["table"]["number"] == table {
                m.push(i);
            }
        }
        m
    };
    assert!(!mates.is_empty(), "the late joiner sits at a formed table");
    let notes = |v: Value| v["table"]["notes"].as_array().unwrap().clone();
    // The table's own members read each other's notes; the late joiner none of them.
    for &i in &mates {
        assert_eq!(
            notes(me(&r, &room, i).await).len(),
            mates.len(),
            "member {i}"
        );
    }
    assert!(
        notes(me(&r, &room, 4).await).is_empty(),
        "no unreleased note for the late joiner"
    );
    // One of the table's notes released: the late joiner reads that one.
    let (_, all) = host(&r, &room, "GET", "/notes", None).await;
    let at_table: Vec<&Value> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["table"] == table)
        .collect();
    assert_eq!(at_table.len(), mates.len());
    let released = at_table[0]["id"].as_u64().unwrap();
    let (status, _) = host(
        &r,
        &room,
        "POST",
        &format!("/notes/{released}/release"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let seen = notes(me(&r, &room, 4).await);
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0]["id"].as_u64(), Some(released));
    assert_eq!(seen[0]["released"], true);
    // And their own.
    let (status, _) = note(&r, &room, 4, "mine", "late but here").await;
    assert_eq!(status, StatusCode::CREATED);
    let seen = notes(me(&r, &room, 4).await);
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(seen
        .iter()
        .any(|n| n["mine"] == true && n["text"] == "late but here"));
}
