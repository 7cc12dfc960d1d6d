//! Admission over HTTP: a join needs the projector's code (or an open room), idle identities
//! expire from the database too, a vote changes a handful of times, and the console sees who
//! joins.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use axum::http::StatusCode;
use common::*;
use polyphony_server::Limits;

async fn join_with(
    r: &axum::Router,
    code: &str,
    admission: &str,
) -> (StatusCode, serde_json::Value) {
    call(
        r,
        "POST",
        &format!("/api/rooms/{code}/join?admission={admission}"),
        &[],
        None,
    )
    .await
}

#[tokio::test]
async fn a_join_needs_the_code_the_projector_shows() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let (code, key) = create_room(&r, 2, "").await;
    // The room code alone (on the projector, in a photo) is not enough.
    let (st, json) = call(&r, "POST", &format!("/api/rooms/{code}/join"), &[], None).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{json}");
    assert_eq!(json["code"], "admission_required", "{json}");
    assert!(
        json["error"].as_str().unwrap().contains("QR code"),
        "{json}"
    );
    let (st, json) = join_with(&r, &code, "123456").await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{json}");
    // Only the facilitator (the projector opened from the console) reads the code.
    let (st, _) = call(
        &r,
        "GET",
        &format!("/api/rooms/{code}/admission"),
        &[],
        None,
    )
    .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let admission = admission_code(&r, &code, &key).await;
    assert_eq!(admission.len(), 6);
    let (st, json) = join_with(&r, &code, &admission).await;
    assert_eq!(st, StatusCode::CREATED, "{json}");
    // Another room's code does not open this one.
    let (other, other_key) = create_room(&r, 2, "").await;
    let theirs = admission_code(&r, &other, &other_key).await;
    if theirs != admission {
        let (st, _) = join_with(&r, &code, &theirs).await;
        assert_eq!(st, StatusCode::FORBIDDEN);
    }
    // An open room takes joins without it, and shows no code.
    let (open, open_key) = create_room(&r, 2, OPEN).await;
    let (st, json) = call(&r, "POST", &format!("/api/rooms/{open}/join"), &[], None).await;
    assert_eq!(st, StatusCode::CREATED, "{json}");
    let view = host_call(&r, &open, &open_key, "GET", "/admission", None).await;
    assert!(view["code"].is_null(), "{view}");
}

#[tokio::test]
async fn the_console_sees_who_joins_and_who_takes_part() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let (code, key) = create_room(&r, 2, "").await;
    let tokens = [
        join(&r, &code).await,
        join(&r, &code).await,
        join(&r, &code).await,
    ];
    let vote = r#"{"id":"v1","statement":0,"vote":"agree"}"#;
    let (st, json) = call(
        &r,
        "POST",
        &format!("/api/rooms/{code}/votes"),
        &[("x-participant-token", &tokens[0])],
        Some(vote),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{json}");
    let view = host_call(&r, &code, &key, "GET", "/admission", None).await;
    assert_eq!(view["joins_last_minute"], 3, "{view}");
    assert_eq!(view["active"], 1, "{view}");
    assert_eq!(view["idle"], 2, "{view}");
    assert!(view["changes_in_ms"].as_u64().unwrap() <= 60_000, "{view}");
}

#[tokio::test]
async fn idle_identities_expire_from_the_database_and_the_cap_counts_who_acts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("idle.db");
    let limits = Limits {
        idle_join_expiry: Duration::from_millis(50),
        max_participants_per_room: 2,
        ..test_limits()
    };
    let state = open_db(&db, limits.clone()).await.unwrap();
    let r = polyphony_server::app(state.clone());
    let (code, key) = create_room(&r, 3, "").await;
    // Five identities that never act: more than the cap of 2, and none holds a place.
    let idle: Vec<String> = futures_util::future::join_all((0..5).map(|_| join(&r, &code))).await;
    let voter = join(&r, &code).await;
    let vote = |token: String, id: &'static str| {
        let r = r.clone();
        let code = code.clone();
        async move {
            let body = format!(r#"{{"id":"{id}","statement":0,"vote":"agree"}}"#);
            call(
                &r,
                "POST",
                &format!("/api/rooms/{code}/votes"),
                &[("x-participant-token", &token)],
                Some(&body),
            )
            .await
        }
    };
    let (st, json) = vote(voter.clone(), "a").await;
    assert_eq!(st, StatusCode::OK, "{json}");
    // Past the expiry, the next join takes the idle ones with it.
    tokio::time::sleep(Duration::from_millis(120)).await;
    let late = join(&r, &code).await;
    for t in &idle {
        let (st, json) = vote(t.clone(), "b").await;
        assert_eq!(st, StatusCode::FORBIDDEN, "an expired identity: {json}");
    }
    // The late one acts (2 of 2); one more joins but is refused at its first action.
    let (st, json) = vote(late.clone(), "c").await;
    assert_eq!(st, StatusCode::OK, "{json}");
    // The room is full for newcomers now: refused at the join.
    let admission = admission_code(&r, &code, &key).await;
    let (st, json) = join_with(&r, &code, &admission).await;
    assert_eq!(st, StatusCode::CONFLICT, "{json}");
    assert_eq!(json["code"], "room_full", "{json}");
    state.shutdown().await;
    drop(r);
    // After a restart the expired identities are still gone; the voters are still there.
    let (_state, r) = open_at(&db).await;
    let (st, _) = call(
        &r,
        "GET",
        &format!("/api/rooms/{code}/me"),
        &[("x-participant-token", &idle[0])],
        None,
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = call(
        &r,
        "GET",
        &format!("/api/rooms/{code}/me"),
        &[("x-participant-token", &voter)],
        None,
    )
    .await;
    assert_eq!(st, StatusCode::OK);
}

#[tokio::test]
async fn a_vote_flipped_back_and_forth_is_refused_after_a_handful_of_changes() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let (code, _key) = create_room(&r, 2, "").await;
    let token = join(&r, &code).await;
    let max = Limits::default().vote_events_per_statement;
    let send = |i: u32| {
        let vote = if i.is_multiple_of(2) {
            "agree"
        } else {
            "disagree"
        };
        format!(r#"{{"id":"flip{i}","statement":0,"vote":"{vote}"}}"#)
    };
    let url = format!("/api/rooms/{code}/votes");
    let headers = [("x-participant-token", token.as_str())];
    for i in 0..max {
        let (st, json) = call(&r, "POST", &url, &headers, Some(&send(i))).await;
        assert_eq!(st, StatusCode::OK, "{json}");
    }
    let (st, json) = call(&r, "POST", &url, &headers, Some(&send(max))).await;
    assert_eq!(st, StatusCode::CONFLICT, "{json}");
    assert_eq!(json["code"], "vote_limit", "{json}");
    // The last stored vote stands; a resend of an acknowledged vote is still answered.
    let (st, json) = call(&r, "POST", &url, &headers, Some(&send(0))).await;
    assert_eq!(st, StatusCode::OK, "{json}");
    assert_eq!(json["duplicate"], true, "{json}");
}

/// The attack a hostile phone made: the room's code is on the projector, and made-up joining
/// codes sent from two addresses filled the room's joins of the minute (they counted before the
/// code was checked), so the next phone with the right code was turned away for 59 s. Now a
/// refused join gives its place back, and an address sending wrong codes is stopped alone.
#[tokio::test]
async fn made_up_joining_codes_keep_no_phone_out() {
    let limits = Limits {
        joins_per_room_per_minute: 20,
        wrong_codes_per_address_per_minute: 5,
        ..test_limits()
    };
    let (state, r, _d) = fresh(limits).await;
    let (code, key) = create_room(&r, 2, "").await;
    let admission = admission_code(&r, &code, &key).await;
    let (addr, _server) = serve(&state, r).await;
    let base = format!("http://{addr}");
    let from = |ip: [u8; 4]| {
        reqwest::Client::builder()
            .local_address(std::net::IpAddr::from(ip))
            .build()
            .unwrap()
    };
    let join_as = |client: reqwest::Client, admission: String| {
        let url = format!("{base}/api/rooms/{code}/join?admission={admission}");
        async move { client.post(url).send().await.unwrap().status() }
    };
    // Three times the room's joins a minute, from two addresses, none of them the code.
    let mut answers = std::collections::BTreeMap::new();
    for (i, ip) in (0..60).zip([[127, 0, 0, 2], [127, 0, 0, 3]].iter().cycle()) {
        let made_up = format!("{:06}", 100_000 + i);
        if made_up == admission {
            continue;
        }
        let st = join_as(from(*ip), made_up).await;
        *answers.entry(st.as_u16()).or_insert(0) += 1;
    }
    // Five wrong codes from each address, then each is stopped for the minute.
    assert_eq!(answers.get(&403), Some(&10), "{answers:?}");
    assert_eq!(
        answers.values().sum::<i32>() - 10,
        answers[&429],
        "{answers:?}"
    );
    // Phones elsewhere with the right code: the room takes its 20 joins of the minute.
    for i in 0..20u8 {
        let st = join_as(from([127, 0, 1, i]), admission.clone()).await;
        assert_eq!(st, StatusCode::CREATED, "phone {i}");
    }
    let st = join_as(from([127, 0, 2, 1]), admission.clone()).await;
    assert_eq!(
        st,
        StatusCode::TOO_MANY_REQUESTS,
        "the 21st join of the minute"
    );
}
