//! Input at the edges (issue 9, items 8 and 10): exports that would run formulas in the
//! facilitator's spreadsheet, statements that are empty or repeated once normalised, and Polis
//! imports with over-long comments or ids near `u32::MAX`.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::*;
use polyphony_core::{Moderation, Vote, VoteEvent};
use polyphony_polis::{PolisConversation, PolisStatement, VoteSign};
use polyphony_server::Limits;

fn assert_error(status: StatusCode, json: &serde_json::Value, want: StatusCode) {
    assert_eq!(status, want, "{json}");
    assert!(
        json["error"].as_str().is_some_and(|e| !e.is_empty()),
        "error body missing: {json}"
    );
}

const TOPIC: &str = r#"=HYPERLINK("http://evil.example","click")"#;

/// A room whose topic and first statements start with formula characters; one participant
/// disagrees with statement 0 (so `votes.csv` has a `-1`).
async fn formula_room(r: &axum::Router) -> (String, String) {
    let body = serde_json::json!({
        "topic": TOPIC,
        "statements": ["=1+2", "-abc", "@SUM(A1)", "plain words"],
        "seed": 7,
    })
    .to_string();
    let (status, json) = call(r, "POST", "/api/rooms", &[], Some(&body)).await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    let code = json["room"]["code"].as_str().unwrap().to_string();
    let key = json["facilitator_key"].as_str().unwrap().to_string();
    let t = join(r, &code).await;
    let (status, _) = call(
        r,
        "POST",
        &format!("/api/rooms/{code}/votes"),
        &[("x-participant-token", &t)],
        Some(r#"{"id":"v0","statement":0,"vote":"disagree"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    (code, key)
}

async fn download(r: &axum::Router, code: &str, key: &str, file: &str, query: &str) -> String {
    let (status, body) = call_text(
        r,
        "GET",
        &format!("/api/rooms/{code}/export/{file}?key={key}{query}"),
        &[],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{file}{query}: {body}");
    body
}

fn texts(comments: &str, votes: &str) -> Vec<String> {
    let conv = polyphony_polis::read_named_files(
        &[
            ("comments.csv", comments.as_bytes()),
            ("votes.csv", votes.as_bytes()),
        ],
        VoteSign::Auto,
    )
    .expect("the export re-imports");
    conv.statements.into_iter().map(|s| s.text).collect()
}

#[tokio::test]
async fn csv_downloads_are_spreadsheet_safe_unless_raw_is_asked() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let (code, key) = formula_room(&r).await;

    let comments = download(&r, &code, &key, "comments.csv", "").await;
    let votes = download(&r, &code, &key, "votes.csv", "").await;
    assert_eq!(
        texts(&comments, &votes),
        ["'=1+2", "'-abc", "'@SUM(A1)", "plain words"],
        "{comments}"
    );
    // Numbers are numbers: the disagree is still -1.
    assert!(
        votes.lines().nth(1).unwrap().ends_with(",0,0,-1"),
        "{votes}"
    );
    let summary = download(&r, &code, &key, "summary.csv", "").await;
    assert_eq!(
        summary.lines().next().unwrap(),
        r#"topic,"'=HYPERLINK(""http://evil.example"",""click"")""#
    );

    // ?raw=1: the exact text, for tools that need it (the key is still required).
    let comments = download(&r, &code, &key, "comments.csv", "&raw=1").await;
    let votes = download(&r, &code, &key, "votes.csv", "&raw=1").await;
    assert_eq!(
        texts(&comments, &votes),
        ["=1+2", "-abc", "@SUM(A1)", "plain words"]
    );
    let summary = download(&r, &code, &key, "summary.csv", "&raw=1").await;
    assert_eq!(
        summary.lines().next().unwrap(),
        r#"topic,"=HYPERLINK(""http://evil.example"",""click"")""#
    );
    let (status, json) = call(
        &r,
        "GET",
        &format!("/api/rooms/{code}/export/comments.csv?raw=1"),
        &[],
        None,
    )
    .await;
    assert_error(status, &json, StatusCode::UNAUTHORIZED);
    let (status, json) = call(
        &r,
        "GET",
        &format!("/api/rooms/{code}/export/comments.csv?key={key}&raw=maybe"),
        &[],
        None,
    )
    .await;
    assert_error(status, &json, StatusCode::BAD_REQUEST);

    // Polyphony JSON is always exact.
    let (_, json) = call(
        &r,
        "GET",
        &format!("/api/rooms/{code}/export/polyphony.json?key={key}"),
        &[],
        None,
    )
    .await;
    assert_eq!(json["room"]["topic"], TOPIC);
    assert_eq!(json["statements"][0]["text"], "=1+2");
}

async fn add(
    r: &axum::Router,
    code: &str,
    token: &str,
    id: &str,
    text: &str,
) -> (StatusCode, serde_json::Value) {
    let body = serde_json::json!({ "id": id, "text": text }).to_string();
    call(
        r,
        "POST",
        &format!("/api/rooms/{code}/statements"),
        &[("x-participant-token", token)],
        Some(&body),
    )
    .await
}

#[tokio::test]
async fn invisible_only_statements_are_empty() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let (code, _key) = create_room(&r, 1, "").await;
    let t = join(&r, &code).await;
    for (i, text) in [
        "\u{200B}\u{200C}\u{200D}",
        " \u{202E}\u{2066}\u{FEFF} \u{2060}",
        "\u{3000}\u{200F}\t\n",
    ]
    .into_iter()
    .enumerate()
    {
        let (status, json) = add(&r, &code, &t, &format!("z{i}"), text).await;
        assert_error(status, &json, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

#[tokio::test]
async fn the_same_text_three_times_makes_one_statement() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let (code, key) = create_room(&r, 1, "").await;
    let t = join(&r, &code).await;
    let (status, json) = add(&r, &code, &t, "a", "Buses  should be free").await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    assert_eq!(json["statement"]["text"], "Buses should be free");
    let (status, json) = add(&r, &code, &t, "b", " Buses should be free ").await;
    assert_error(status, &json, StatusCode::CONFLICT);
    assert!(json["error"]
        .as_str()
        .unwrap()
        .contains("already in the room"));
    let other = join(&r, &code).await;
    let (status, json) = add(
        &r,
        &code,
        &other,
        "c",
        "Buses\u{3000}should\u{200B} be free",
    )
    .await;
    assert_error(status, &json, StatusCode::CONFLICT);
    // The same id resent is still the first statement, not a conflict.
    let (status, json) = add(&r, &code, &t, "a", "Buses  should be free").await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["duplicate"], true);
    // Case differs: another statement.
    let (status, _) = add(&r, &code, &t, "d", "buses should be free").await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, json) = call(
        &r,
        "GET",
        &format!("/api/rooms/{code}/statements"),
        &[("x-facilitator-key", &key)],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let same = json
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["statement"]["text"] == "Buses should be free")
        .count();
    assert_eq!(same, 1, "{json}");
}

fn statement(id: u32, text: String, author: Option<u32>) -> PolisStatement {
    PolisStatement {
        id,
        text,
        author,
        moderation: Moderation::Accepted,
        is_meta: false,
        is_seed: false,
        created: Some(1_700_000_000_000),
    }
}

fn conversation(statements: Vec<PolisStatement>, votes: Vec<VoteEvent>) -> PolisConversation {
    PolisConversation {
        statements,
        votes,
        polis_groups: Default::default(),
        summary: Default::default(),
    }
}

#[tokio::test]
async fn an_over_long_imported_comment_is_refused_by_id() {
    let (s, _r, _d) = fresh(test_limits()).await;
    let long = "x".repeat(10 * 1024 * 1024);
    let data = conversation(
        vec![
            statement(0, "fine".into(), None),
            statement(17, long, Some(3)),
        ],
        vec![VoteEvent::new(3, 0, Vote::Agree, 1_700_000_000_001)],
    );
    let err = s
        .import_polis(&data, "t", 1, Vec::new())
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("statement 17"), "{err}");
    assert!(err.contains("2000"), "{err}");
    assert!(s.room_codes().is_empty(), "nothing was created");
}

#[tokio::test]
async fn imports_with_ids_near_u32_max_are_refused_or_safe() {
    let (s, r, _d) = fresh(test_limits()).await;
    let limits = Limits::default();
    // A participant id at the very top: the next join would wrap.
    let data = conversation(
        vec![statement(0, "fine".into(), None)],
        vec![VoteEvent::new(u32::MAX, 0, Vote::Agree, 1_700_000_000_001)],
    );
    let err = s
        .import_polis(&data, "t", 1, Vec::new())
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("participant id 4294967295"), "{err}");
    let data = conversation(
        vec![statement(u32::MAX - 1, "fine".into(), None)],
        Vec::new(),
    );
    let err = s
        .import_polis(&data, "t", 1, Vec::new())
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("statement id 4294967294"), "{err}");
    assert!(s.room_codes().is_empty(), "nothing was created");

    // The largest ids an import may use still leave room for the room's limits.
    let top_pid = u32::MAX - limits.max_participants_per_room;
    let top_sid = u32::MAX - limits.max_statements_per_room;
    let data = conversation(
        vec![statement(top_sid, "fine".into(), None)],
        vec![VoteEvent::new(
            top_pid,
            top_sid,
            Vote::Agree,
            1_700_000_000_001,
        )],
    );
    let created = s.import_polis(&data, "t", 1, Vec::new()).await.unwrap();
    let code = created.room.code;
    remember_key(&code, &created.facilitator_key);
    let t = join(&r, &code).await;
    let (status, json) = add(&r, &code, &t, "a", "a new statement").await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    assert_eq!(json["statement"]["id"], top_sid + 1);
}

#[tokio::test]
async fn a_corrupt_saved_engine_state_loses_no_vote() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("corrupt.db");
    let code = {
        let (state, r) = open_at(&db).await;
        let (code, _key) = create_room(&r, 3, "").await;
        let token = join(&r, &code).await;
        for s in 0..3 {
            let body = format!(r#"{{"id":"v{s}","statement":{s},"vote":"agree"}}"#);
            let (st, json) = call(
                &r,
                "POST",
                &format!("/api/rooms/{code}/votes"),
                &[("x-participant-token", &token)],
                Some(&body),
            )
            .await;
            assert_eq!(st, StatusCode::OK, "{json}");
        }
        state.shutdown().await;
        code
    };
    let n = execute_on(
        &db,
        &format!("UPDATE rooms SET engine_state = '{{\"not an engine state' WHERE code = '{code}'"),
    );
    assert_eq!(n, 1);
    // The room opens, its engine starts afresh from the stored votes.
    let (state, r) = open_at(&db).await;
    let (st, view) = call(&r, "GET", &format!("/api/rooms/{code}/view"), &[], None).await;
    assert_eq!(st, StatusCode::OK, "{view}");
    assert_eq!(view["votes"], 3, "{view}");
    state.shutdown().await;
}
