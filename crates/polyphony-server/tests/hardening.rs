//! Issue 9's findings through the router (`oneshot`): a rejected statement is gone from every
//! view and refused for votes and positions; every error answer is `{"error": ...}` JSON; the
//! public map's order says nothing about who joined or voted first.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use common::*;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// One request; the status, content type and body text.
async fn raw(
    r: &Router,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<String>,
) -> (StatusCode, String, String) {
    let mut req = Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req.body(body.map_or_else(Body::empty, Body::from)).unwrap();
    let resp = r.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let ct = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, ct, String::from_utf8_lossy(&bytes).into_owned())
}

/// The answer is `want` with a JSON `{"error": "<non-empty>", "code": "<stable code>"}` body.
fn assert_json_error(case: &str, got: (StatusCode, String, String), want: StatusCode) {
    let (status, ct, body) = got;
    assert_eq!(status, want, "{case}: {body}");
    assert!(
        ct.starts_with("application/json"),
        "{case}: {ct:?} {body:?}"
    );
    let json: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    assert!(
        json["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{case}: error body missing: {body:?}"
    );
    assert!(
        json["code"].as_str().is_some_and(|c| !c.is_empty()),
        "{case}: code missing: {body}"
    );
    assert_eq!(json.as_object().map(|o| o.len()), Some(2), "{case}: {body}");
}

async fn reject(r: &Router, code: &str, key: &str, sid: u32) {
    let (status, json) = call(
        r,
        "POST",
        &format!("/api/rooms/{code}/statements/{sid}/moderation"),
        &[("x-facilitator-key", key)],
        Some(r#"{"state":"rejected"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{json}");
}

fn says_rejected(json: &Value) -> bool {
    json["error"]
        .as_str()
        .is_some_and(|e| e.contains("rejected"))
}

// ---- rejected statements ----

#[tokio::test]
async fn a_vote_on_a_rejected_statement_is_refused_and_not_stored() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let (code, key) = create_room(&r, 3, "").await;
    let token = join(&r, &code).await;
    let me = [("x-participant-token", token.as_str())];
    reject(&r, &code, &key, 1).await;
    let (status, json) = call(
        &r,
        "POST",
        &format!("/api/rooms/{code}/votes"),
        &me,
        Some(r#"{"id":"v-1","statement":1,"vote":"agree"}"#),
    )
    .await;
    assert!(status.is_client_error(), "{status} {json}");
    assert!(says_rejected(&json), "{json}");
    let (_, phone) = call(&r, "GET", &format!("/api/rooms/{code}/me"), &me, None).await;
    assert_eq!(phone["votes"], serde_json::json!([]), "{phone}");
    let (_, csv) = call_text(
        &r,
        "GET",
        &format!("/api/rooms/{code}/export/votes.csv"),
        &[("x-facilitator-key", key.as_str())],
        None,
    )
    .await;
    assert_eq!(csv.lines().count(), 1, "only the header: {csv}");
}

#[tokio::test]
async fn a_spectrum_on_a_statement_later_rejected_leaves_every_view() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let (code, key) = create_room(&r, 3, "").await;
    let host = [("x-facilitator-key", key.as_str())];
    let token = join(&r, &code).await;
    let me = [("x-participant-token", token.as_str())];
    let (status, sp) = call(
        &r,
        "POST",
        &format!("/api/rooms/{code}/spectrums"),
        &host,
        Some(r#"{"statement":1}"#),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{sp}");
    let id = sp["id"].as_u64().unwrap();
    let text = sp["statement"]["text"].as_str().unwrap().to_string();
    let pos = format!("/api/rooms/{code}/spectrum-positions");
    let place = format!(r#"{{"spectrum":{id},"round":1,"position":1}}"#);
    let (status, json) = call(&r, "POST", &pos, &me, Some(&place)).await;
    assert_eq!(status, StatusCode::OK, "{json}");

    reject(&r, &code, &key, 1).await;
    let (_, view) = call_text(&r, "GET", &format!("/api/rooms/{code}/view"), &[], None).await;
    assert!(
        !view.contains(&text),
        "the projector still shows it: {view}"
    );
    let view: Value = serde_json::from_str(&view).unwrap();
    assert_eq!(view["spectrums"], serde_json::json!([]), "{view}");
    let (_, phone) = call_text(&r, "GET", &format!("/api/rooms/{code}/me"), &me, None).await;
    assert!(!phone.contains(&text), "the phone still shows it: {phone}");
    let phone: Value = serde_json::from_str(&phone).unwrap();
    assert_eq!(phone["spectrum"], Value::Null);

    let (status, json) = call(&r, "POST", &pos, &me, Some(&place)).await;
    assert!(status.is_client_error(), "{status} {json}");
    assert!(says_rejected(&json), "{json}");
    let (status, json) = call(
        &r,
        "GET",
        &format!("/api/rooms/{code}/spectrums/{id}"),
        &[],
        None,
    )
    .await;
    assert!(status.is_client_error(), "{status} {json}");
    let (status, json) = call(
        &r,
        "POST",
        &format!("/api/rooms/{code}/spectrums/{id}/round"),
        &host,
        Some(r#"{"open":2}"#),
    )
    .await;
    assert!(status.is_client_error(), "{status} {json}");
    assert!(says_rejected(&json), "{json}");
}

#[tokio::test]
async fn a_spectrum_cannot_start_on_a_rejected_statement() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let (code, key) = create_room(&r, 3, "").await;
    reject(&r, &code, &key, 1).await;
    let (status, json) = call(
        &r,
        "POST",
        &format!("/api/rooms/{code}/spectrums"),
        &[("x-facilitator-key", key.as_str())],
        Some(r#"{"statement":1}"#),
    )
    .await;
    assert!(status.is_client_error(), "{status} {json}");
    assert!(says_rejected(&json), "{json}");
    let (_, view) = call(&r, "GET", &format!("/api/rooms/{code}/view"), &[], None).await;
    assert_eq!(view["spectrums"], serde_json::json!([]));
}

// ---- every error is JSON ----

/// (what, method, uri, headers, body, the status wanted).
type Case<'a> = (
    &'a str,
    &'a str,
    String,
    Vec<(&'a str, &'a str)>,
    Option<String>,
    StatusCode,
);

#[tokio::test]
async fn every_error_answer_is_json() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let (code, key) = create_room(&r, 3, "").await;
    let token = join(&r, &code).await;
    let me = [("x-participant-token", token.as_str())];
    let cases: Vec<Case> = vec![
        (
            "invalid UTF-8 in the room code",
            "GET",
            "/api/rooms/%FF%FE/view".into(),
            vec![],
            None,
            StatusCode::NOT_FOUND,
        ),
        (
            "invalid UTF-8 in a spectrum id",
            "GET",
            format!("/api/rooms/{code}/spectrums/%FF"),
            vec![],
            None,
            StatusCode::NOT_FOUND,
        ),
        (
            "invalid UTF-8 in a statement id",
            "POST",
            format!("/api/rooms/{code}/statements/%C3%28/moderation"),
            vec![
                ("x-facilitator-key", key.as_str()),
                ("content-type", "application/json"),
            ],
            Some(r#"{"state":"rejected"}"#.into()),
            StatusCode::BAD_REQUEST,
        ),
        (
            "a repeated ?key=",
            "GET",
            format!("/api/rooms/{code}/export/votes.csv?key={key}&key={key}"),
            vec![],
            None,
            StatusCode::BAD_REQUEST,
        ),
        (
            "a repeated ?token= on the socket",
            "GET",
            format!("/api/rooms/{code}/ws?token={token}&token={token}"),
            vec![],
            None,
            StatusCode::BAD_REQUEST,
        ),
        (
            "a wrong method",
            "DELETE",
            format!("/api/rooms/{code}/votes"),
            me.to_vec(),
            None,
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            "a wrong method on health",
            "PUT",
            "/api/health".into(),
            vec![],
            None,
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (
            "an unknown API path",
            "GET",
            "/api/nothing/here".into(),
            vec![],
            None,
            StatusCode::NOT_FOUND,
        ),
        (
            "an unknown path under a room",
            "GET",
            format!("/api/rooms/{code}/nothing"),
            vec![],
            None,
            StatusCode::NOT_FOUND,
        ),
        (
            "the bare API prefix",
            "GET",
            "/api".into(),
            vec![],
            None,
            StatusCode::NOT_FOUND,
        ),
        (
            "a body that is too large",
            "POST",
            format!("/api/rooms/{code}/votes"),
            vec![
                ("x-participant-token", token.as_str()),
                ("content-type", "application/json"),
            ],
            Some(format!(
                r#"{{"id":"v-1","statement":1,"vote":"agree","x":"{}"}}"#,
                "x".repeat(100_000)
            )),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "a too large body for the facilitator",
            "POST",
            format!("/api/rooms/{code}/stage"),
            vec![
                ("x-facilitator-key", key.as_str()),
                ("content-type", "application/json"),
            ],
            Some("x".repeat(100_000)),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "a socket request without an upgrade",
            "GET",
            format!("/api/rooms/{code}/ws"),
            vec![],
            None,
            StatusCode::BAD_REQUEST,
        ),
    ];
    let mut failed = Vec::new();
    for (case, method, uri, headers, body, want) in cases {
        let got = raw(&r, method, &uri, &headers, body).await;
        let shown = format!("{case}: {got:?}");
        if std::panic::catch_unwind(|| assert_json_error(case, got, want)).is_err() {
            eprintln!("FAILED {shown}");
            failed.push(shown);
        }
    }
    assert!(failed.is_empty(), "{failed:#?}");
    // A 405 still says which methods the path takes.
    let req = Request::builder()
        .method("PUT")
        .uri("/api/health")
        .body(Body::empty())
        .unwrap();
    let resp = r.clone().oneshot(req).await.unwrap();
    assert!(resp.headers().contains_key("allow"), "{:?}", resp.headers());
}

// ---- the public map ----

/// Waits until the analysis includes every vote; returns the room view.
async fn analysed(r: &Router, code: &str) -> Value {
    for _ in 0..500 {
        let (_, view) = call(r, "GET", &format!("/api/rooms/{code}/view"), &[], None).await;
        if view["tick"].as_u64().unwrap_or(0) > 0 && view["analyzed_votes"] == view["votes"] {
            return view;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the analysis did not catch up");
}

/// A room where the people of `people` (in this order) join and then vote, each as its camp.
async fn room_with(r: &Router, people: &[usize], statements: usize) -> Value {
    let (code, _key) = create_room(r, statements, "").await;
    let mut tokens = Vec::new();
    for _ in people {
        tokens.push(join(r, &code).await);
    }
    for (token, &person) in tokens.iter().zip(people) {
        for s in 0..statements {
            let vote = camp_vote(person % 2, s, statements);
            let (status, json) = call(
                r,
                "POST",
                &format!("/api/rooms/{code}/votes"),
                &[("x-participant-token", token.as_str())],
                Some(&format!(
                    r#"{{"id":"v{s}","statement":{s},"vote":"{vote}"}}"#
                )),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{json}");
        }
    }
    analysed(r, &code).await
}

#[tokio::test]
async fn the_map_says_nothing_about_join_or_vote_order() {
    let limits = polyphony_server::Limits {
        vote_burst: 1000,
        ..test_limits()
    };
    let (_s, r, _d) = fresh(limits).await;
    let forward: Vec<usize> = (0..8).collect();
    let shuffled = vec![0, 5, 2, 7, 3, 6, 1, 4];
    let a = room_with(&r, &forward, 6).await;
    let b = room_with(&r, &shuffled, 6).await;
    // Group letters follow the room's history (a group keeps its letter with its people from the
    // first update that drew groups), so they are compared as a partition: the same dots, in the
    // same order, and the same dots sharing a group.
    let dots = |v: &Value| -> Vec<(String, Option<u64>)> {
        v["map"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["position"].to_string(), p["group"].as_u64()))
            .collect()
    };
    let (da, db) = (dots(&a), dots(&b));
    assert_eq!(da.len(), 8);
    let positions = |d: &[(String, Option<u64>)]| d.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
    assert_eq!(
        positions(&da),
        positions(&db),
        "the same votes give the same dots"
    );
    for i in 0..8 {
        for j in 0..8 {
            assert_eq!(
                da[i].1 == da[j].1,
                db[i].1 == db[j].1,
                "the same partition: {da:?} {db:?}"
            );
        }
    }
    for dot in a["map"].as_array().unwrap() {
        let keys: Vec<&String> = dot.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            ["group", "position"],
            "a dot is a place and a group, nothing else"
        );
    }
    // Sorted by position: x, then y.
    let xy: Vec<(f64, f64)> = a["map"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["position"][0].as_f64().unwrap(),
                p["position"][1].as_f64().unwrap(),
            )
        })
        .collect();
    assert!(xy.windows(2).all(|w| w[0] <= w[1]), "{xy:?}");
    // Groups are sizes, never members.
    for g in a["groups"].as_array().unwrap() {
        assert!(g.get("members").is_none(), "{g}");
    }
}
