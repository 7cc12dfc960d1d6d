//! The facilitator removes a flood of identities (issue 21): everyone who joined in a window
//! leaves the room — tokens refused, votes out of the analysis, the counts and every export but
//! `removed-votes.csv` — and stays removed after a restart.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::*;

async fn vote(r: &axum::Router, code: &str, token: &str, s: usize, v: &str) -> StatusCode {
    let body = format!(r#"{{"id":"v{s}","statement":{s},"vote":"{v}"}}"#);
    call(
        r,
        "POST",
        &format!("/api/rooms/{code}/votes"),
        &[("x-participant-token", token)],
        Some(&body),
    )
    .await
    .0
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Voter ids in a `votes.csv` text (its `voter-id` column).
fn voters(csv: &str) -> std::collections::BTreeSet<u32> {
    csv.lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(3)?.parse().ok())
        .collect()
}

#[tokio::test]
async fn identities_joined_in_a_window_leave_the_room_and_its_analysis() {
    let (state, r, dir) = fresh(test_limits()).await;
    let db = dir.path().join("test.db");
    let (code, key) = create_room(&r, 4, "").await;
    // Eight real people vote first.
    let mut real = Vec::new();
    for i in 0..8 {
        let t = join(&r, &code).await;
        for s in 0..4 {
            let v = if (i + s) % 2 == 0 {
                "agree"
            } else {
                "disagree"
            };
            assert_eq!(vote(&r, &code, &t, s, v).await, StatusCode::OK);
        }
        real.push(t);
    }
    // Then a flood: a dozen identities that all agree with everything. (The server's clock
    // hands out strictly increasing times, a little ahead of the wall clock under a burst:
    // the pause puts the window's start after every real join.)
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let from = now_ms();
    let mut fake = Vec::new();
    for _ in 0..12 {
        let t = join(&r, &code).await;
        for s in 0..4 {
            assert_eq!(vote(&r, &code, &t, s, "agree").await, StatusCode::OK);
        }
        fake.push(t);
    }
    // Two of them only joined.
    fake.push(join(&r, &code).await);
    fake.push(join(&r, &code).await);
    let to = now_ms() + 1_000;
    let before = host_call(&r, &code, &key, "GET", "/admission", None).await;
    let joined: u64 = before["joins_by_minute"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["joined"].as_u64().unwrap())
        .sum();
    assert_eq!(joined, 22, "{before}");
    let voted_before = voters(&export(&r, &code, &key, "votes.csv").await);
    assert_eq!(voted_before.len(), 20);

    // A window that ends before it starts is refused, and removes nobody.
    let (st, json) = call(
        &r,
        "POST",
        &format!("/api/rooms/{code}/participants/remove"),
        &[("x-facilitator-key", &key)],
        Some(&format!(r#"{{"from":{to},"to":{from}}}"#)),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{json}");
    // Without the key: refused.
    let body = format!(r#"{{"from":{from},"to":{to}}}"#);
    let (st, _) = call(
        &r,
        "POST",
        &format!("/api/rooms/{code}/participants/remove"),
        &[],
        Some(&body),
    )
    .await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);

    let done = host_call(&r, &code, &key, "POST", "/participants/remove", Some(&body)).await;
    assert_eq!(
        (done["removed"].as_u64(), done["voters"].as_u64()),
        (Some(14), Some(12)),
        "{done}"
    );
    // Again: nobody new.
    let again = host_call(&r, &code, &key, "POST", "/participants/remove", Some(&body)).await;
    assert_eq!(again["removed"], 0, "{again}");

    // `people`: who is in the room (joined, removed or not yet acted aside).
    let check = |r: axum::Router, people: u64| {
        let (code, key, real, fake) = (code.clone(), key.clone(), real.clone(), fake.clone());
        async move {
            // Their tokens are refused; the real ones still vote.
            for t in &fake {
                let (st, json) = call(
                    &r,
                    "GET",
                    &format!("/api/rooms/{code}/me"),
                    &[("x-participant-token", t)],
                    None,
                )
                .await;
                assert_eq!(st, StatusCode::FORBIDDEN, "{json}");
                assert_eq!(json["code"], "not_participant", "{json}");
            }
            assert_eq!(vote(&r, &code, &real[0], 0, "pass").await, StatusCode::OK);
            // The counts and the analysis are the real room's.
            let view = call(&r, "GET", &format!("/api/rooms/{code}/view"), &[], None)
                .await
                .1;
            assert_eq!(view["participants"], people, "{view}");
            assert_eq!(view["voters"], 8, "{view}");
            let admission = host_call(&r, &code, &key, "GET", "/admission", None).await;
            assert_eq!(admission["removed"], 14, "{admission}");
            // votes.csv and the per-participant file hold the real people only; the removed
            // votes are kept apart.
            let kept = voters(&export(&r, &code, &key, "votes.csv").await);
            let removed = voters(&export(&r, &code, &key, "removed-votes.csv").await);
            assert_eq!(kept.len(), 8, "{kept:?}");
            assert_eq!(removed.len(), 12, "{removed:?}");
            assert!(kept.is_disjoint(&removed));
            let per = export(&r, &code, &key, "participants-votes.csv").await;
            let rows: Vec<u32> = per
                .lines()
                .skip(1)
                .filter_map(|l| l.split(',').next()?.parse().ok())
                .collect();
            assert!(
                rows.iter().all(|p| kept.contains(p)),
                "the analysis holds removed people: {rows:?}"
            );
        }
    };
    check(r.clone(), 8).await;
    // A new phone is not given a removed id.
    let newcomer = join(&r, &code).await;
    let me = call(
        &r,
        "GET",
        &format!("/api/rooms/{code}/me"),
        &[("x-participant-token", &newcomer)],
        None,
    )
    .await
    .1;
    assert!(me.is_object(), "{me}");

    // After a restart, the removal holds.
    state.shutdown().await;
    drop(r);
    let (_state, r) = open_at(&db).await;
    check(r, 9).await;
}

#[tokio::test]
async fn a_removed_phones_open_socket_is_closed_and_cannot_reopen() {
    use futures_util::StreamExt;
    let (state, r, _d) = fresh(test_limits()).await;
    let (code, key) = create_room(&r, 3, "").await;
    let from = now_ms() - 1;
    let token = join(&r, &code).await;
    let (addr, _server) = serve(&state, r.clone()).await;
    let url = format!("ws://{addr}/api/rooms/{code}/ws?token={token}");
    let (ws, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    let (_tx, mut rx) = ws.split();
    // The welcome and the first view arrive: the socket is live.
    let first = tokio::time::timeout(std::time::Duration::from_secs(5), rx.next()).await;
    assert!(matches!(first, Ok(Some(Ok(_)))), "{first:?}");
    let body = format!(r#"{{"from":{from},"to":{}}}"#, now_ms() + 1_000);
    let done = host_call(&r, &code, &key, "POST", "/participants/remove", Some(&body)).await;
    assert_eq!(done["removed"], 1, "{done}");
    // The server ends the socket with a policy close (not a silent stale view).
    let closed = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        while let Some(m) = rx.next().await {
            if let Ok(tokio_tungstenite::tungstenite::Message::Close(Some(f))) = m {
                return Some(u16::from(f.code));
            }
            if m.is_err() {
                return None;
            }
        }
        None
    })
    .await;
    assert_eq!(
        closed,
        Ok(Some(1008)),
        "the removed phone's socket is closed"
    );
    // Reconnecting with the removed token is refused before the upgrade.
    let again = tokio_tungstenite::connect_async(&url).await;
    assert!(again.is_err(), "a removed token opens no socket");
}
