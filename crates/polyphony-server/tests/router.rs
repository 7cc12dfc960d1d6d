//! Every endpoint through the router, without a network (`oneshot`): the happy path and the
//! errors a real client can cause (wrong key 403, unknown ids 404, oversized text 413,
//! malformed JSON 400, rate limits 429). Every error body is `{"error": "..."}`.
#![allow(clippy::unwrap_used)]

mod common;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use common::*;
use polyphony_server::Limits;
use tower::ServiceExt;

fn assert_error(status: StatusCode, json: &serde_json::Value, want: StatusCode) {
    assert_eq!(status, want, "{json}");
    assert!(
        json["error"].as_str().is_some_and(|e| !e.is_empty()),
        "error body missing: {json}"
    );
}

#[tokio::test]
async fn create_and_read_a_room() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let (code, key) = create_room(&r, 3, "").await;
    assert_eq!(code.len(), 6);
    assert!(code
        .chars()
        .all(|c| "23456789ABCDEFGHJKMNPQRSTUVWXYZ".contains(c)));
    assert_eq!(key.len(), 64, "256-bit key as hex");
    let (status, info) = call(&r, "GET", &format!("/api/rooms/{code}"), &[], None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(info["topic"], "Ride sharing");
    assert_eq!(info["stage"], "collect");
    assert!(info.get("facilitator_key").is_none());
    // Codes are read leniently, as typed on a phone.
    let lower = code.to_lowercase();
    let (status, _) = call(&r, "GET", &format!("/api/rooms/{lower}"), &[], None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, json) = call(&r, "GET", "/api/rooms/ZZZZZZ", &[], None).await;
    assert_error(status, &json, StatusCode::NOT_FOUND);
    let (status, json) = call(&r, "GET", "/api/health", &[], None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["ok"], true);
}

#[tokio::test]
async fn bad_room_requests_are_refused_clearly() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let cases: Vec<(String, StatusCode)> = vec![
        (r#"{"topic":"x","#.into(), StatusCode::BAD_REQUEST),
        (
            r#"{"topic":"x","colour":"red"}"#.into(),
            StatusCode::BAD_REQUEST,
        ),
        (
            r#"{"topic":"   "}"#.into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            format!(r#"{{"topic":"{}"}}"#, "t".repeat(301)),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            format!(r#"{{"topic":"t","statements":["{}"]}}"#, "字".repeat(281)),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            r#"{"topic":"t","statements":["ok",""]}"#.into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            r#"{"topic":"t","settings":{"statement_max_chars":0}}"#.into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            r#"{"topic":"t","language":"en; drop"}"#.into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            format!(r#"{{"topic":"t","description":"{}"}}"#, "d".repeat(70_000)),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ];
    for (body, want) in cases {
        let (status, json) = call(&r, "POST", "/api/rooms", &[], Some(&body)).await;
        assert_error(status, &json, want);
    }
    // A statement of exactly the limit is fine (characters, not bytes).
    let body = format!(r#"{{"topic":"t","statements":["{}"]}}"#, "字".repeat(280));
    let (status, _) = call(&r, "POST", "/api/rooms", &[], Some(&body)).await;
    assert_eq!(status, StatusCode::CREATED);
    // No content type.
    let req = Request::builder()
        .method("POST")
        .uri("/api/rooms")
        .body(Body::from(r#"{"topic":"t"}"#))
        .unwrap();
    let resp = r.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn rooms_per_address_are_limited() {
    let (_s, r, _d) = fresh(Limits {
        rooms_per_address_per_hour: 2,
        ..test_limits()
    })
    .await;
    let from: SocketAddr = "192.0.2.7:5000".parse().unwrap();
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let mut req = Request::builder()
            .method("POST")
            .uri("/api/rooms")
            .header("content-type", "application/json")
            .body(Body::from(r#"{"topic":"t"}"#))
            .unwrap();
        req.extensions_mut().insert(ConnectInfo(from));
        statuses.push(r.clone().oneshot(req).await.unwrap().status());
    }
    assert_eq!(
        statuses,
        [
            StatusCode::CREATED,
            StatusCode::CREATED,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
}

#[tokio::test]
async fn votes_need_a_token_and_count_once_per_id() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let (code, _key) = create_room(&r, 3, "").await;
    let token = join(&r, &code).await;
    assert_eq!(token.len(), 32, "128-bit token as hex");
    let votes = format!("/api/rooms/{code}/votes");
    let me = [("x-participant-token", token.as_str())];
    let body = r#"{"id":"v-1","statement":1,"vote":"agree"}"#;

    let (status, json) = call(&r, "POST", &votes, &[], Some(body)).await;
    assert_error(status, &json, StatusCode::UNAUTHORIZED);
    let (status, json) = call(
        &r,
        "POST",
        &votes,
        &[("x-participant-token", "f00d")],
        Some(body),
    )
    .await;
    assert_error(status, &json, StatusCode::FORBIDDEN);

    let mut dups = Vec::new();
    for _ in 0..3 {
        let (status, json) = call(&r, "POST", &votes, &me, Some(body)).await;
        assert_eq!(status, StatusCode::OK, "{json}");
        dups.push(json["duplicate"].as_bool().unwrap());
    }
    assert_eq!(dups, [false, true, true]);

    let (status, json) = call(
        &r,
        "POST",
        &votes,
        &me,
        Some(r#"{"id":"v-2","statement":99,"vote":"agree"}"#),
    )
    .await;
    assert_error(status, &json, StatusCode::NOT_FOUND);
    let (status, json) = call(
        &r,
        "POST",
        &votes,
        &me,
        Some(r#"{"id":"v-3","statement":1,"vote":"maybe"}"#),
    )
    .await;
    assert_error(status, &json, StatusCode::BAD_REQUEST);
    let (status, json) = call(
        &r,
        "POST",
        &votes,
        &me,
        Some(r#"{"id":"","statement":1,"vote":"pass"}"#),
    )
    .await;
    assert_error(status, &json, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, json) = call(&r, "POST", "/api/rooms/NOROOM/votes", &me, Some(body)).await;
    assert_error(status, &json, StatusCode::NOT_FOUND);

    // A changed mind: a new id on the same statement replaces the vote.
    let (status, _) = call(
        &r,
        "POST",
        &votes,
        &me,
        Some(r#"{"id":"v-4","statement":1,"vote":"disagree"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, phone) = call(&r, "GET", &format!("/api/rooms/{code}/me"), &me, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        phone["votes"],
        serde_json::json!([{"statement": 1, "vote": "disagree"}])
    );
    assert_eq!(phone["voted"], 1);
    assert_eq!(phone["total"], 3);
    assert_ne!(
        phone["next"]["id"], 1,
        "a voted statement is not shown again"
    );
    assert!(phone.get("participant_token").is_none());

    // Two vote events, one current vote.
    let (_s2, csv) = call_text(
        &r,
        "GET",
        &format!("/api/rooms/{code}/export/votes.csv"),
        &[("x-facilitator-key", &_key)],
        None,
    )
    .await;
    assert_eq!(csv.lines().count(), 3, "{csv}");
}

#[tokio::test]
async fn votes_per_second_are_limited() {
    let (_s, r, _d) = fresh(Limits {
        votes_per_second: 1,
        vote_burst: 3,
        ..test_limits()
    })
    .await;
    let (code, _key) = create_room(&r, 5, "").await;
    let token = join(&r, &code).await;
    let mut statuses = Vec::new();
    for i in 0..5 {
        let body = format!(r#"{{"id":"v{i}","statement":{i},"vote":"agree"}}"#);
        let (status, _) = call(
            &r,
            "POST",
            &format!("/api/rooms/{code}/votes"),
            &[("x-participant-token", &token)],
            Some(&body),
        )
        .await;
        statuses.push(status);
    }
    assert_eq!(&statuses[..3], &[StatusCode::OK; 3]);
    assert_eq!(statuses[4], StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn statements_moderation_and_settings() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let (code, key) = create_room(&r, 2, r#","settings":{"moderation":"strict"}"#).await;
    let token = join(&r, &code).await;
    let me = [("x-participant-token", token.as_str())];
    let host = [("x-facilitator-key", key.as_str())];
    let wrong = [("x-facilitator-key", "0000")];
    let add = format!("/api/rooms/{code}/statements");

    let (status, json) = call(
        &r,
        "POST",
        &add,
        &me,
        Some(r#"{"id":"s1","text":"  Drivers need insurance  "}"#),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{json}");
    assert_eq!(json["statement"]["moderation"], "pending");
    assert_eq!(json["statement"]["text"], "Drivers need insurance");
    assert!(json["statement"].get("author").is_none());
    let sid = json["statement"]["id"].as_u64().unwrap();
    let (status, json) = call(
        &r,
        "POST",
        &add,
        &me,
        Some(r#"{"id":"s1","text":"Drivers need insurance"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["duplicate"], true);
    assert_eq!(json["statement"]["id"].as_u64(), Some(sid));

    let long = format!(r#"{{"text":"{}"}}"#, "x".repeat(281));
    let (status, json) = call(&r, "POST", &add, &me, Some(&long)).await;
    assert_error(status, &json, StatusCode::PAYLOAD_TOO_LARGE);
    let (status, json) = call(&r, "POST", &add, &me, Some(r#"{"text":"   "}"#)).await;
    assert_error(status, &json, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, json) = call(&r, "POST", &add, &[], Some(r#"{"text":"hi"}"#)).await;
    assert_error(status, &json, StatusCode::UNAUTHORIZED);

    // Pending statements are not voted on and not shown.
    let (status, json) = call(
        &r,
        "POST",
        &format!("/api/rooms/{code}/votes"),
        &me,
        Some(&format!(r#"{{"id":"v","statement":{sid},"vote":"agree"}}"#)),
    )
    .await;
    assert_error(status, &json, StatusCode::CONFLICT);
    let (_, phone) = call(&r, "GET", &format!("/api/rooms/{code}/me"), &me, None).await;
    assert_eq!(phone["total"], 2);
    assert_eq!(phone["my_statements"][0]["moderation"], "pending");

    // The queue is the facilitator's only.
    let (status, json) = call(&r, "GET", &add, &wrong, None).await;
    assert_error(status, &json, StatusCode::FORBIDDEN);
    let (status, queue) = call(&r, "GET", &add, &host, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(queue.as_array().unwrap().len(), 3);
    assert_eq!(queue[2]["from_participant"], true);

    let moderate = format!("/api/rooms/{code}/statements/{sid}/moderation");
    let (status, json) = call(
        &r,
        "POST",
        &moderate,
        &wrong,
        Some(r#"{"state":"accepted"}"#),
    )
    .await;
    assert_error(status, &json, StatusCode::FORBIDDEN);
    let (status, json) = call(&r, "POST", &moderate, &[], Some(r#"{"state":"accepted"}"#)).await;
    assert_error(status, &json, StatusCode::UNAUTHORIZED);
    let (status, json) = call(
        &r,
        "POST",
        &format!("/api/rooms/{code}/statements/77/moderation"),
        &host,
        Some(r#"{"state":"accepted"}"#),
    )
    .await;
    assert_error(status, &json, StatusCode::NOT_FOUND);
    let (status, json) = call(
        &r,
        "POST",
        &format!("/api/rooms/{code}/statements/abc/moderation"),
        &host,
        Some(r#"{"state":"accepted"}"#),
    )
    .await;
    assert_error(status, &json, StatusCode::NOT_FOUND);
    let (status, json) = call(&r, "POST", &moderate, &host, Some(r#"{"state":"shiny"}"#)).await;
    assert_error(status, &json, StatusCode::BAD_REQUEST);
    let (status, json) = call(
        &r,
        "POST",
        &moderate,
        &host,
        Some(r#"{"state":"accepted"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    let (_, phone) = call(&r, "GET", &format!("/api/rooms/{code}/me"), &me, None).await;
    assert_eq!(phone["total"], 3);

    // Facilitator statements are accepted at once.
    let (status, json) = call(&r, "POST", &add, &host, Some(r#"{"text":"From the host"}"#)).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(json["statement"]["moderation"], "accepted");

    // Settings: participants may no longer add.
    let settings = format!("/api/rooms/{code}/settings");
    let (status, json) = call(
        &r,
        "PUT",
        &settings,
        &host,
        Some(r#"{"participants_can_add":false}"#),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["settings"]["participants_can_add"], false);
    let (status, json) = call(&r, "POST", &add, &me, Some(r#"{"text":"one more"}"#)).await;
    assert_error(status, &json, StatusCode::FORBIDDEN);
    let (status, json) = call(
        &r,
        "PUT",
        &settings,
        &host,
        Some(r#"{"statement_max_chars":100000}"#),
    )
    .await;
    assert_error(status, &json, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, json) = call(&r, "PUT", &settings, &wrong, Some(r#"{}"#)).await;
    assert_error(status, &json, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn stages_spectrum_rounds_and_close() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let (code, key) = create_room(&r, 3, "").await;
    let host = [("x-facilitator-key", key.as_str())];
    let stage = format!("/api/rooms/{code}/stage");
    let (status, json) = call(
        &r,
        "POST",
        &stage,
        &[("x-facilitator-key", "nope")],
        Some(r#"{"stage":"groups"}"#),
    )
    .await;
    assert_error(status, &json, StatusCode::FORBIDDEN);
    let (status, json) = call(&r, "POST", &stage, &host, Some(r#"{"stage":"lunch"}"#)).await;
    assert_error(status, &json, StatusCode::BAD_REQUEST);
    let (status, json) = call(&r, "POST", &stage, &host, Some(r#"{"stage":"divisive"}"#)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["stage"], "divisive");

    let tokens = [join(&r, &code).await, join(&r, &code).await];
    let spectrums = format!("/api/rooms/{code}/spectrums");
    let (status, json) = call(&r, "POST", &spectrums, &host, Some(r#"{"statement":42}"#)).await;
    assert_error(status, &json, StatusCode::NOT_FOUND);
    let (status, sp) = call(&r, "POST", &spectrums, &host, Some(r#"{"statement":1}"#)).await;
    assert_eq!(status, StatusCode::CREATED, "{sp}");
    assert_eq!(sp["open_round"], 1);
    let id = sp["id"].as_u64().unwrap();
    let (_, info) = call(&r, "GET", &format!("/api/rooms/{code}"), &[], None).await;
    assert_eq!(info["stage"], "spectrum");

    let pos = format!("/api/rooms/{code}/spectrum-positions");
    let place = |round: u8, p: i8| format!(r#"{{"spectrum":{id},"round":{round},"position":{p}}}"#);
    let t0 = [("x-participant-token", tokens[0].as_str())];
    let t1 = [("x-participant-token", tokens[1].as_str())];
    let (status, json) = call(&r, "POST", &pos, &t0, Some(&place(1, 3))).await;
    assert_error(status, &json, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, json) = call(&r, "POST", &pos, &t0, Some(&place(2, 1))).await;
    assert_error(status, &json, StatusCode::CONFLICT);
    let (status, json) = call(
        &r,
        "POST",
        &pos,
        &t0,
        Some(r#"{"spectrum":9,"round":1,"position":0}"#),
    )
    .await;
    assert_error(status, &json, StatusCode::NOT_FOUND);
    for (t, p) in [(&t0, -2), (&t1, 1), (&t0, -1)] {
        let (status, json) = call(&r, "POST", &pos, t, Some(&place(1, p))).await;
        assert_eq!(status, StatusCode::OK, "{json}");
    }
    let (_, phone) = call(&r, "GET", &format!("/api/rooms/{code}/me"), &t0, None).await;
    assert_eq!(phone["spectrum"]["round"], 1);
    assert_eq!(phone["spectrum"]["position"], -1, "latest position wins");

    let round = format!("/api/rooms/{code}/spectrums/{id}/round");
    let (status, json) = call(&r, "POST", &round, &host, Some(r#"{"open":3}"#)).await;
    assert_error(status, &json, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = call(&r, "POST", &round, &host, Some(r#"{"open":2}"#)).await;
    assert_eq!(status, StatusCode::OK);
    for (t, p) in [(&t0, 1), (&t1, 1)] {
        let (status, _) = call(&r, "POST", &pos, t, Some(&place(2, p))).await;
        assert_eq!(status, StatusCode::OK);
    }
    // The open round's counts show once the facilitator reveals them.
    let (status, _) = call(
        &r,
        "POST",
        &format!("/api/rooms/{code}/controls"),
        &host,
        Some(r#"{"action":"reveal_spectrum"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, sp) = call(
        &r,
        "GET",
        &format!("/api/rooms/{code}/spectrums/{id}"),
        &[],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        sp["rounds"][0]["counts"],
        serde_json::json!([0, 1, 0, 1, 0])
    );
    assert_eq!(
        sp["rounds"][1]["counts"],
        serde_json::json!([0, 0, 0, 2, 0])
    );
    let m = &sp["movement"][0];
    assert_eq!(m["answered_both"], 2);
    assert_eq!(m["toward_agree"], 1);
    assert_eq!(m["stayed"], 1);
    assert_eq!(m["flows"][1][3], 1, "one moved from -1 to +1");
    let (status, json) = call(
        &r,
        "GET",
        &format!("/api/rooms/{code}/spectrums/x"),
        &[],
        None,
    )
    .await;
    assert_error(status, &json, StatusCode::NOT_FOUND);
    let (status, json) = call(&r, "POST", &round, &host, Some(r#"{"open":null}"#)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["open_round"], serde_json::Value::Null);

    // Closing: views stay readable, changes are refused.
    let (status, _) = call(&r, "POST", &format!("/api/rooms/{code}/close"), &[], None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, json) = call(&r, "POST", &format!("/api/rooms/{code}/close"), &host, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["closed"], true);
    let (status, json) = call(
        &r,
        "POST",
        &format!("/api/rooms/{code}/votes"),
        &t0,
        Some(r#"{"id":"late","statement":0,"vote":"agree"}"#),
    )
    .await;
    assert_error(status, &json, StatusCode::CONFLICT);
    let (status, json) = call(&r, "POST", &format!("/api/rooms/{code}/join"), &[], None).await;
    assert_error(status, &json, StatusCode::CONFLICT);
    let (status, view) = call(&r, "GET", &format!("/api/rooms/{code}/view"), &[], None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(view["room"]["closed"], true);
}

#[tokio::test]
async fn exports_need_the_key_and_have_polis_columns() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let (code, key) = create_room(&r, 4, "").await;
    let host = [("x-facilitator-key", key.as_str())];
    for i in 0..3 {
        let t = join(&r, &code).await;
        for s in 0..4 {
            let body = format!(
                r#"{{"id":"{i}-{s}","statement":{s},"vote":"{}"}}"#,
                camp_vote(i % 2, s, 4)
            );
            let (status, _) = call(
                &r,
                "POST",
                &format!("/api/rooms/{code}/votes"),
                &[("x-participant-token", &t)],
                Some(&body),
            )
            .await;
            assert_eq!(status, StatusCode::OK);
        }
    }
    let heads = [
        ("comments.csv", "timestamp,comment-id,author-id,agrees,disagrees,moderated,is-meta,is-seed,group-informed-consensus,comment-body"),
        ("votes.csv", "timestamp,datetime,comment-id,voter-id,vote"),
        ("participants-votes.csv", "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,1,2,3"),
        ("summary.csv", "topic,Ride sharing"),
        ("comment-groups.csv", "comment-id,comment,total-votes,total-agrees,total-disagrees,total-passes"),
    ];
    for (file, head) in heads {
        let (status, body) = call_text(
            &r,
            "GET",
            &format!("/api/rooms/{code}/export/{file}"),
            &host,
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{file}: {body}");
        assert_eq!(body.lines().next(), Some(head), "{file}");
    }
    let (_, votes) = call_text(
        &r,
        "GET",
        &format!("/api/rooms/{code}/export/votes.csv"),
        &host,
        None,
    )
    .await;
    assert_eq!(votes.lines().count(), 1 + 12);
    let (_, pv) = call_text(
        &r,
        "GET",
        &format!("/api/rooms/{code}/export/participants-votes.csv"),
        &host,
        None,
    )
    .await;
    assert_eq!(pv.lines().count(), 1 + 3);
    // Round trip: the export reads back with the Polis importer.
    let (status, json) = call(
        &r,
        "GET",
        &format!("/api/rooms/{code}/export/polyphony.json"),
        &host,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["votes"].as_array().unwrap().len(), 12);
    assert_eq!(json["statements"].as_array().unwrap().len(), 4);
    let link = format!("/api/rooms/{code}/export/votes.csv?key={key}");
    let (status, body) = call_text(&r, "GET", &link, &[], None).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a download link carries the key in the query"
    );
    assert_eq!(body.lines().count(), 1 + 12);
    let link = format!("/api/rooms/{code}/export/votes.csv?key=nope");
    let (status, json) = call(&r, "GET", &link, &[], None).await;
    assert_error(status, &json, StatusCode::FORBIDDEN);

    let (status, json) = call(
        &r,
        "GET",
        &format!("/api/rooms/{code}/export/secrets.txt"),
        &host,
        None,
    )
    .await;
    assert_error(status, &json, StatusCode::NOT_FOUND);
    let (status, json) = call(
        &r,
        "GET",
        &format!("/api/rooms/{code}/export/votes.csv"),
        &[("x-facilitator-key", "bad")],
        None,
    )
    .await;
    assert_error(status, &json, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn socket_endpoint_and_unknown_paths() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let (code, _key) = create_room(&r, 1, "").await;
    let (status, json) = call(&r, "GET", &format!("/api/rooms/{code}/ws"), &[], None).await;
    assert_error(status, &json, StatusCode::BAD_REQUEST);
    let (status, json) = call(
        &r,
        "GET",
        &format!("/api/rooms/{code}/ws?token=bad"),
        &[],
        None,
    )
    .await;
    assert_error(status, &json, StatusCode::FORBIDDEN);
    let (status, json) = call(
        &r,
        "GET",
        &format!("/api/rooms/{code}/ws?key=bad"),
        &[],
        None,
    )
    .await;
    assert_error(status, &json, StatusCode::FORBIDDEN);
    let (status, json) = call(&r, "GET", "/api/nothing/here", &[], None).await;
    assert_error(status, &json, StatusCode::NOT_FOUND);
    let (status, json) = call(&r, "DELETE", &format!("/api/rooms/{code}"), &[], None).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{json}");
    for page in [
        "/",
        "/explore",
        &format!("/r/{code}"),
        &format!("/r/{code}/screen"),
    ] {
        let (status, html) = call_text(&r, "GET", page, &[], None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(html.contains("Polyphony"), "{page}");
    }
    let (status, _) = call_text(&r, "GET", "/no-such-file.png", &[], None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_database_is_the_truth_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("restart.db");
    let (code, key, token) = {
        let state = open_db(&db, test_limits()).await.unwrap();
        let r = polyphony_server::app(state.clone());
        let (code, key) = create_room(&r, 3, "").await;
        let token = join(&r, &code).await;
        let (status, _) = call(
            &r,
            "POST",
            &format!("/api/rooms/{code}/votes"),
            &[("x-participant-token", &token)],
            Some(r#"{"id":"a","statement":2,"vote":"pass"}"#),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        state.shutdown().await;
        (code, key, token)
    };
    let state = open_db(&db, test_limits()).await.unwrap();
    let r = polyphony_server::app(state.clone());
    let me = [("x-participant-token", token.as_str())];
    let (status, phone) = call(&r, "GET", &format!("/api/rooms/{code}/me"), &me, None).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the token still works after a restart"
    );
    assert_eq!(phone["votes"][0]["vote"], "pass");
    // The vote id is remembered too.
    let (_, ack) = call(
        &r,
        "POST",
        &format!("/api/rooms/{code}/votes"),
        &me,
        Some(r#"{"id":"a","statement":2,"vote":"pass"}"#),
    )
    .await;
    assert_eq!(ack["duplicate"], true);
    let (status, _) = call(
        &r,
        "GET",
        &format!("/api/rooms/{code}/statements"),
        &[("x-facilitator-key", &key)],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}
