//! The facilitator's controls end to end: through the router (every control, its refusals,
//! a paused room refusing votes without keeping half of one, spectrum rounds beyond two, the
//! report page published or not, everything after a restart), and over real sockets on
//! 127.0.0.1 (hidden results never reach a projector or a phone until revealed).
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use axum::http::StatusCode;
use axum::Router;
use common::*;
use futures_util::StreamExt;
use polyphony_protocol::{RoomView, ServerMessage};
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;

const N: usize = 6;

async fn control(r: &Router, code: &str, key: &str, body: &str) -> (StatusCode, Value) {
    call(
        r,
        "POST",
        &format!("/api/rooms/{code}/controls"),
        &[("x-facilitator-key", key)],
        Some(body),
    )
    .await
}

/// Ten people in two camps vote on every statement; returns their tokens.
async fn two_camps(r: &Router, code: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    for p in 0..10 {
        let t = join(r, code).await;
        for s in 0..N {
            vote(r, code, &t, &format!("v{s}"), s, camp_vote(p % 2, s, N)).await;
        }
        tokens.push(t);
    }
    tokens
}

/// The projector's view once `want` holds (the analysis catches up within its window).
async fn view_until(r: &Router, code: &str, want: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..200 {
        let (_, v) = call(r, "GET", &format!("/api/rooms/{code}/view"), &[], None).await;
        if want(&v) {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the view never got there");
}

#[tokio::test]
async fn every_control_needs_the_key_and_refuses_what_it_cannot_do() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let (code, key) = create_room(&r, N, "").await;
    let url = format!("/api/rooms/{code}/controls");
    let (status, _) = call(&r, "POST", &url, &[], Some(r#"{"action":"pause_voting"}"#)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let wrong = [("x-facilitator-key", "00")];
    let (status, _) = call(
        &r,
        "POST",
        &url,
        &wrong,
        Some(r#"{"action":"pause_voting"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let refused: [(&str, StatusCode, &str); 7] = [
        (
            r#"{"action":"dance"}"#,
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            r#"{"action":"start_timer","minutes":0}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            r#"{"action":"start_timer","minutes":31}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            r#"{"action":"spotlight","statement":99}"#,
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            r#"{"action":"name_group","group":0,"name":"Safety"}"#,
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            r#"{"action":"open_revote","statements":[]}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
        ),
        (
            r#"{"action":"name_group","group":0,"name":"12345678901234567890123456789012345678901"}"#,
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_long",
        ),
    ];
    for (body, want, code_name) in refused {
        let (status, json) = control(&r, &code, &key, body).await;
        assert_eq!(status, want, "{body}: {json}");
        assert_eq!(json["code"], code_name, "{body}: {json}");
    }
    // What each control sets is in the room's info, for every screen.
    let ok = [
        r#"{"action":"hide_results"}"#,
        r#"{"action":"pause_voting"}"#,
        r#"{"action":"start_timer","minutes":3}"#,
        r#"{"action":"spotlight","statement":2}"#,
        r#"{"action":"open_revote","statements":[1,3]}"#,
        r#"{"action":"publish_report"}"#,
    ];
    for body in ok {
        let (status, json) = control(&r, &code, &key, body).await;
        assert_eq!(status, StatusCode::OK, "{body}: {json}");
    }
    let (_, info) = call(&r, "GET", &format!("/api/rooms/{code}"), &[], None).await;
    let c = &info["controls"];
    assert_eq!(c["results_hidden"], true);
    assert_eq!(c["voting_paused"], true);
    assert_eq!(c["timer"]["seconds"], 180);
    assert_eq!(c["spotlight"], 2);
    assert_eq!(c["revote"]["statements"], serde_json::json!([1, 3]));
    assert_eq!(c["report_published"], true);
    // A phone gets the spotlight's text with its view, without knowing every statement.
    let t = join(&r, &code).await;
    let me = [("x-participant-token", t.as_str())];
    let (_, phone) = call(&r, "GET", &format!("/api/rooms/{code}/me"), &me, None).await;
    assert_eq!(phone["spotlight"]["text"], "Statement number 2");
    assert!(phone["group"].is_null());
}

#[tokio::test]
async fn a_paused_room_refuses_votes_keeps_nothing_of_them_and_takes_them_after() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let (code, key) = create_room(&r, N, "").await;
    let t = join(&r, &code).await;
    control(&r, &code, &key, r#"{"action":"pause_voting"}"#).await;
    let (status, json) = post_vote(&r, &code, &t, "held", 1, "agree").await;
    assert_eq!(status, StatusCode::CONFLICT, "{json}");
    assert_eq!(json["code"], "voting_paused");
    let me = [("x-participant-token", t.as_str())];
    let (_, phone) = call(&r, "GET", &format!("/api/rooms/{code}/me"), &me, None).await;
    assert_eq!(phone["votes"], serde_json::json!([]));
    assert_eq!(phone["room"]["controls"]["voting_paused"], true);
    let k = [("x-facilitator-key", key.as_str())];
    let (_, csv) = call_text(
        &r,
        "GET",
        &format!("/api/rooms/{code}/export/votes.csv"),
        &k,
        None,
    )
    .await;
    assert_eq!(csv.lines().count(), 1, "only the header: {csv}");
    // The phone resends the same id after resume: it counts, once.
    control(&r, &code, &key, r#"{"action":"resume_voting"}"#).await;
    let (status, ack) = post_vote(&r, &code, &t, "held", 1, "agree").await;
    assert_eq!(
        (status, ack["duplicate"].clone()),
        (StatusCode::OK, Value::Bool(false))
    );
    let (_, csv) = call_text(
        &r,
        "GET",
        &format!("/api/rooms/{code}/export/votes.csv"),
        &k,
        None,
    )
    .await;
    assert_eq!(csv.lines().count(), 2, "{csv}");
}

#[tokio::test]
async fn a_spectrum_runs_four_rounds_with_counts_hidden_while_each_is_open() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let (code, key) = create_room(&r, N, "").await;
    let k = [("x-facilitator-key", key.as_str())];
    let tokens = [join(&r, &code).await, join(&r, &code).await];
    let (status, sp) = call(
        &r,
        "POST",
        &format!("/api/rooms/{code}/spectrums"),
        &k,
        Some(r#"{"statement":0}"#),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{sp}");
    let id = sp["id"].as_u64().unwrap();
    let round_url = format!("/api/rooms/{code}/spectrums/{id}/round");
    for round in 1..=4i64 {
        if round > 1 {
            let body = format!(r#"{{"open":{round}}}"#);
            let (status, json) = call(&r, "POST", &round_url, &k, Some(&body)).await;
            assert_eq!(status, StatusCode::OK, "{json}");
        }
        for (i, t) in tokens.iter().enumerate() {
            // Person 0 moves one step toward agreeing each round; person 1 stays.
            let position = if i == 0 { round - 3 } else { 0 };
            let body = format!(r#"{{"spectrum":{id},"round":{round},"position":{position}}}"#);
            let (status, json) = call(
                &r,
                "POST",
                &format!("/api/rooms/{code}/spectrum-positions"),
                &[("x-participant-token", t)],
                Some(&body),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{json}");
        }
        let (_, v) = call(
            &r,
            "GET",
            &format!("/api/rooms/{code}/spectrums/{id}"),
            &[],
            None,
        )
        .await;
        let open = &v["rounds"][(round - 1) as usize];
        assert_eq!(open["hidden"], true, "round {round}: {v}");
        assert_eq!(open["placed"], 2);
        assert_eq!(
            open["counts"],
            serde_json::json!([0, 0, 0, 0, 0]),
            "no counts while hidden"
        );
        assert_eq!(
            v["rounds"].as_array().unwrap().len(),
            round as usize,
            "no empty frame for a round not opened"
        );
    }
    let (status, json) = call(&r, "POST", &round_url, &k, Some(r#"{"open":6}"#)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{json}");
    control(&r, &code, &key, r#"{"action":"reveal_spectrum"}"#).await;
    let (_, v) = call(
        &r,
        "GET",
        &format!("/api/rooms/{code}/spectrums/{id}"),
        &[],
        None,
    )
    .await;
    assert_eq!(v["rounds"][3]["hidden"], false);
    assert_eq!(v["rounds"][3]["counts"], serde_json::json!([0, 0, 1, 1, 0]));
    assert_eq!(
        (v["movement_from"].clone(), v["movement_to"].clone()),
        (1.into(), 4.into())
    );
    let m = &v["movement"][0];
    assert_eq!(
        (m["toward_agree"].clone(), m["stayed"].clone()),
        (1.into(), 1.into())
    );
    // Any two rounds: from round 2 (-1) to round 3 (0), person 0 moved one step, person 1 stayed.
    let between = format!("/api/rooms/{code}/spectrums/{id}?from=2&to=3");
    let (status, v) = call(&r, "GET", &between, &[], None).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(
        (v["movement_from"].clone(), v["movement_to"].clone()),
        (2.into(), 3.into())
    );
    assert_eq!(
        v["movement"][0]["flows"][1][2], 1,
        "one moved from -1 to 0: {v}"
    );
    for bad in ["from=3&to=2", "from=0&to=2", "from=1&to=5", "to=9"] {
        let url = format!("/api/rooms/{code}/spectrums/{id}?{bad}");
        let (status, json) = call(&r, "GET", &url, &[], None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {json}");
    }
    // Opening a round hides the counts again.
    call(&r, "POST", &round_url, &k, Some(r#"{"open":5}"#)).await;
    let (_, info) = call(&r, "GET", &format!("/api/rooms/{code}"), &[], None).await;
    assert_eq!(info["controls"]["spectrum_counts_shown"], false);
}

#[tokio::test]
async fn the_report_is_private_until_published_and_everything_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("controls.db");
    let (code, key) = {
        let state = open_db(&db, test_limits()).await.unwrap();
        let r = polyphony_server::app(state.clone());
        let (code, key) = create_room(&r, N, r#","language":"ja""#).await;
        two_camps(&r, &code).await;
        let v = view_until(&r, &code, |v| {
            v["groups"].as_array().is_some_and(|g| g.len() >= 2)
        })
        .await;
        let g = v["groups"][0]["id"].as_u64().unwrap();
        let k = [("x-facilitator-key", key.as_str())];
        // A stage change keeps a snapshot; a second vote changes minds; the report compares.
        call(
            &r,
            "POST",
            &format!("/api/rooms/{code}/stage"),
            &k,
            Some(r#"{"stage":"groups"}"#),
        )
        .await;
        let (status, json) = control(
            &r,
            &code,
            &key,
            &format!(r#"{{"action":"name_group","group":{g},"name":"安全第一"}}"#),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{json}");
        control(&r, &code, &key, r#"{"action":"start_timer","minutes":10}"#).await;
        let (status, sp) = call(
            &r,
            "POST",
            &format!("/api/rooms/{code}/spectrums"),
            &k,
            Some(r#"{"statement":0}"#),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
        let id = sp["id"].as_u64().unwrap();
        for round in 2..=3 {
            let body = format!(r#"{{"open":{round}}}"#);
            call(
                &r,
                "POST",
                &format!("/api/rooms/{code}/spectrums/{id}/round"),
                &k,
                Some(&body),
            )
            .await;
        }
        call(
            &r,
            "POST",
            &format!("/api/rooms/{code}/stage"),
            &k,
            Some(r#"{"stage":"report"}"#),
        )
        .await;
        let v = view_until(&r, &code, |v| !v["change"].is_null()).await;
        assert_eq!(v["change"]["since"], "groups", "{}", v["change"]);
        // Moving the room on stopped the countdown started at the groups stage; one started
        // at the report is kept across the restart.
        let (_, info) = call(&r, "GET", &format!("/api/rooms/{code}"), &[], None).await;
        assert!(info["controls"]["timer"].is_null(), "{info}");
        control(&r, &code, &key, r#"{"action":"start_timer","minutes":10}"#).await;
        state.shutdown().await;
        (code, key)
    };
    let state = open_db(&db, test_limits()).await.unwrap();
    let r = polyphony_server::app(state.clone());
    let (_, info) = call(&r, "GET", &format!("/api/rooms/{code}"), &[], None).await;
    assert_eq!(info["controls"]["timer"]["seconds"], 600, "{info}");
    assert_eq!(info["controls"]["group_names"][0]["name"], "安全第一");
    let (_, v) = call(
        &r,
        "GET",
        &format!("/api/rooms/{code}/spectrums/0"),
        &[],
        None,
    )
    .await;
    assert_eq!(
        v["rounds"].as_array().unwrap().len(),
        3,
        "rounds opened survive: {v}"
    );
    let v = view_until(&r, &code, |v| !v["change"].is_null()).await;
    assert_eq!(v["change"]["since"], "groups", "the snapshots survive");
    // Not published: 404 for everyone without the key, the page with it.
    let page = format!("/r/{code}/report");
    let (status, json) = call(&r, "GET", &page, &[], None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{json}");
    let (status, html) = call_text(&r, "GET", &format!("{page}?key={key}"), &[], None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"<html lang="ja">"#), "the room's language");
    assert!(html.contains("安全第一"), "the group's name");
    assert!(!html.contains("<script"), "no script");
    for section in ["<svg", "Statement number 1"] {
        assert!(html.contains(section), "{section} missing");
    }
    let (status, _) = call_text(&r, "GET", &format!("{page}?key=00"), &[], None).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a wrong key reads as no report"
    );
    control(&r, &code, &key, r#"{"action":"publish_report"}"#).await;
    let (status, public) = call_text(&r, "GET", &format!("{page}?lang=ko"), &[], None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(public.contains(r#"<html lang="ko">"#));
    let (status, file) = call_text(
        &r,
        "GET",
        &format!("/api/rooms/{code}/export/report.html?key={key}"),
        &[],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(file.contains("安全第一"));
    let (status, _) = call_text(
        &r,
        "GET",
        &format!("/api/rooms/{code}/export/report.html"),
        &[],
        None,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the download needs the key, published or not"
    );
    state.shutdown().await;
}

/// Reads every text frame a socket receives for `window`.
async fn frames(ws: &mut Socket, window: Duration) -> Vec<String> {
    let mut out = Vec::new();
    let end = tokio::time::Instant::now() + window;
    while let Ok(Some(Ok(msg))) = tokio::time::timeout_at(end, ws.next()).await {
        if let Message::Text(t) = msg {
            out.push(t.to_string());
        }
    }
    out
}

#[tokio::test]
async fn hidden_results_never_reach_a_projector_or_a_phone_until_revealed() {
    let (state, r, _d) = fresh(test_limits()).await;
    let (code, key) = create_room(&r, N, "").await;
    control(&r, &code, &key, r#"{"action":"hide_results"}"#).await;
    let (addr, _server) = serve(&state, r.clone()).await;
    let (mut screen, _) =
        tokio_tungstenite::connect_async(format!("ws://{addr}/api/rooms/{code}/ws"))
            .await
            .unwrap();
    let tokens = two_camps(&r, &code).await;
    let (mut phone, _) = tokio_tungstenite::connect_async(format!(
        "ws://{addr}/api/rooms/{code}/ws?token={}",
        tokens[0]
    ))
    .await
    .unwrap();
    // The engine has groups by now (it runs whatever the screens show).
    for _ in 0..200 {
        if state
            .room(&code)
            .unwrap()
            .analysis()
            .is_some_and(|a| a.groups.is_some())
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The facilitator's console sees everything, to decide when to reveal.
    let (mut host, _) =
        tokio_tungstenite::connect_async(format!("ws://{addr}/api/rooms/{code}/ws?key={key}"))
            .await
            .unwrap();
    let host_frames = frames(&mut host, Duration::from_millis(300)).await;
    assert!(host_frames.iter().any(|f| {
        matches!(serde_json::from_str::<ServerMessage>(f), Ok(ServerMessage::Room(v)) if groups_shown(&v))
    }), "the console's view keeps the results");
    let screen_frames = frames(&mut screen, Duration::from_millis(600)).await;
    let phone_frames = frames(&mut phone, Duration::from_millis(300)).await;
    assert!(!screen_frames.is_empty() && !phone_frames.is_empty());
    for f in &screen_frames {
        if let Ok(ServerMessage::Room(v)) = serde_json::from_str::<ServerMessage>(f) {
            assert!(
                v.map.is_empty()
                    && v.groups.is_empty()
                    && v.divisive.is_empty()
                    && v.consensus.is_empty(),
                "{f}"
            );
            assert!(v.statements.iter().all(|s| s.groups.is_empty()), "{f}");
        }
        assert!(
            !f.contains("\"center\""),
            "no group centre in any frame: {f}"
        );
    }
    let last = screen_frames
        .iter()
        .rev()
        .find_map(|f| match serde_json::from_str::<ServerMessage>(f) {
            Ok(ServerMessage::Room(v)) => Some(v),
            _ => None,
        })
        .unwrap();
    assert_eq!(
        (last.participants, last.voters),
        (10, 10),
        "counts still show"
    );
    for f in &phone_frames {
        if let Ok(ServerMessage::Phone(v)) = serde_json::from_str::<ServerMessage>(f) {
            assert!(v.group.is_none(), "{f}");
        }
        assert!(
            !f.contains("\"reasons\""),
            "no group reasons in any frame: {f}"
        );
    }
    control(&r, &code, &key, r#"{"action":"reveal_results"}"#).await;
    let revealed = frames(&mut screen, Duration::from_millis(600)).await;
    let shown = revealed.iter().any(|f| {
        matches!(serde_json::from_str::<ServerMessage>(f), Ok(ServerMessage::Room(v)) if groups_shown(&v))
    });
    assert!(shown, "the reveal reaches the projector");
    let phone_after = frames(&mut phone, Duration::from_millis(300)).await;
    assert!(phone_after.iter().any(|f| matches!(serde_json::from_str::<ServerMessage>(f), Ok(ServerMessage::Phone(v)) if v.group.is_some())));
    state.shutdown().await;
}

fn groups_shown(v: &RoomView) -> bool {
    !v.groups.is_empty() && !v.map.is_empty()
}
