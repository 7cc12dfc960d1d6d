//! Issue 21, items 5 and 7, through the router.
//!
//! The published report honours every hide the live views honour: an open round whose counts
//! are hidden shows none on the report page, and with results hidden the report has no map and
//! no groups (the facilitator's download, with the key, shows everything).
//!
//! One rate limit for every participant action: a burst of spectrum positions from one token
//! gets `429 rate_limited` (with `Retry-After`) past the burst allowance, and so do its notes,
//! consent and votes meanwhile, while another phone's positions go through.
#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use common::*;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

/// Statements in the room.
const N: usize = 6;

/// One request: status, `Retry-After` (if any) and the body as text.
async fn send(
    r: &Router,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<String>,
) -> (StatusCode, Option<String>, String) {
    let mut req = Request::builder().method(method).uri(uri);
    if body.is_some() {
        req = req.header("content-type", "application/json");
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = r
        .clone()
        .oneshot(req.body(body.map_or_else(Body::empty, Body::from)).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let retry = resp
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, retry, String::from_utf8_lossy(&bytes).into_owned())
}

async fn host(r: &Router, code: &str, key: &str, method: &str, rest: &str, body: Value) -> Value {
    let body = (!body.is_null()).then(|| body.to_string());
    let (status, _, text) = send(
        r,
        method,
        &format!("/api/rooms/{code}{rest}"),
        &[("x-facilitator-key", key)],
        body,
    )
    .await;
    assert!(status.is_success(), "{method} {rest}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

async fn phone(
    r: &Router,
    code: &str,
    token: &str,
    rest: &str,
    body: Value,
) -> (StatusCode, Option<String>, Value) {
    let (status, retry, text) = send(
        r,
        "POST",
        &format!("/api/rooms/{code}{rest}"),
        &[("x-participant-token", token)],
        Some(body.to_string()),
    )
    .await;
    (
        status,
        retry,
        serde_json::from_str(&text).unwrap_or(Value::Null),
    )
}

/// Ten people in two camps vote on every statement; answers their tokens once the analysis has
/// groups.
async fn voted_room(r: &Router) -> (String, String, Vec<String>) {
    let (code, key) = create_room(r, N, "").await;
    let mut tokens = Vec::new();
    for p in 0..10 {
        let token = join(r, &code).await;
        for s in 0..N {
            let body =
                json!({ "id": format!("v{s}"), "statement": s, "vote": camp_vote(p % 2, s, N) });
            let (status, _, ack) = phone(r, &code, &token, "/votes", body).await;
            assert_eq!(status, StatusCode::OK, "{ack}");
        }
        tokens.push(token);
    }
    for _ in 0..200 {
        let (_, view) = call(r, "GET", &format!("/api/rooms/{code}/view"), &[], None).await;
        if view["groups"].as_array().is_some_and(|g| g.len() >= 2) {
            return (code, key, tokens);
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the room never formed groups");
}

async fn page(r: &Router, uri: &str, headers: &[(&str, &str)]) -> String {
    let (status, _, html) = send(r, "GET", uri, headers, None).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {html}");
    html
}

/// The report's spectrum section, if it has one.
fn spectrum_section(html: &str) -> Option<&str> {
    let start = html.find(r#"<section id="spectrum""#)?;
    let end = html[start..].find("</section>")?;
    Some(&html[start..start + end])
}

#[tokio::test]
async fn the_published_report_honours_every_hide_of_the_live_views() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let (code, key, tokens) = voted_room(&r).await;
    // Round 1 opens with its counts hidden; three people disagree strongly, seven agree.
    host(
        &r,
        &code,
        &key,
        "POST",
        "/spectrums",
        json!({ "statement": 0 }),
    )
    .await;
    for (i, token) in tokens.iter().enumerate() {
        let position = if i < 3 { -2 } else { 2 };
        let body = json!({ "id": "p1", "spectrum": 0, "round": 1, "position": position });
        let (status, _, ack) = phone(&r, &code, token, "/spectrum-positions", body).await;
        assert_eq!(status, StatusCode::OK, "{ack}");
    }
    host(
        &r,
        &code,
        &key,
        "POST",
        "/controls",
        json!({ "action": "publish_report" }),
    )
    .await;
    let (_, live) = call(
        &r,
        "GET",
        &format!("/api/rooms/{code}/spectrums/0"),
        &[],
        None,
    )
    .await;
    assert_eq!(live["rounds"][0]["hidden"], true, "{live}");
    assert_eq!(live["rounds"][0]["counts"], json!([0, 0, 0, 0, 0]));

    let report = format!("/r/{code}/report");
    let with_key = format!("/r/{code}/report?key={key}");
    let download = format!("/api/rooms/{code}/export/report.html");
    for html in [page(&r, &report, &[]).await, page(&r, &with_key, &[]).await] {
        if let Some(section) = spectrum_section(&html) {
            assert!(
                !section.contains("<td>7<") && !section.contains("<td>3<"),
                "the hidden round's counts are on the report page: {section}"
            );
        }
    }
    // The facilitator's file to keep has every count.
    let file = page(&r, &download, &[("x-facilitator-key", &key)]).await;
    let section = spectrum_section(&file).expect("the download has the spectrum");
    assert!(
        section.contains("<td>7<") && section.contains("<td>3<"),
        "{section}"
    );

    // Revealed: the page shows the counts too.
    host(
        &r,
        &code,
        &key,
        "POST",
        "/controls",
        json!({ "action": "reveal_spectrum" }),
    )
    .await;
    let html = page(&r, &report, &[]).await;
    let section = spectrum_section(&html).expect("a revealed round is on the report");
    assert!(
        section.contains("<td>7<") && section.contains("<td>3<"),
        "{section}"
    );

    // Results shown: the map has its dots and the groups their letters.
    let html = page(&r, &report, &[]).await;
    assert!(html.contains("<circle"), "the map is drawn");
    assert!(html.contains(r#"class="gl""#), "the groups are named");

    // Results hidden: no map, no groups, no spectrum counts on the page (nor with the key).
    host(
        &r,
        &code,
        &key,
        "POST",
        "/controls",
        json!({ "action": "hide_results" }),
    )
    .await;
    let (_, view) = call(&r, "GET", &format!("/api/rooms/{code}/view"), &[], None).await;
    assert!(view["map"].as_array().unwrap().is_empty(), "{view}");
    for html in [page(&r, &report, &[]).await, page(&r, &with_key, &[]).await] {
        assert!(
            !html.contains("<circle"),
            "the map is drawn while results are hidden"
        );
        assert!(
            !html.contains(r#"class="gl""#),
            "groups are shown while results are hidden"
        );
        if let Some(section) = spectrum_section(&html) {
            assert!(!section.contains("<td>7<"), "{section}");
        }
    }
    let file = page(&r, &download, &[("x-facilitator-key", &key)]).await;
    assert!(file.contains("<circle") && file.contains(r#"class="gl""#));
}

#[tokio::test]
async fn one_rate_limit_holds_every_participant_action() {
    // One token a second refills the bucket: a loaded machine pausing between the burst and
    // the other actions does not refill it (at the default 10 a second it could, and did).
    let (_s, r, _d) = fresh(polyphony_server::Limits {
        votes_per_second: 1,
        ..test_limits()
    })
    .await;
    let (code, key) = create_room(&r, 3, "").await;
    let hostile = join(&r, &code).await;
    let real = join(&r, &code).await;
    let third = join(&r, &code).await;
    host(
        &r,
        &code,
        &key,
        "POST",
        "/spectrums",
        json!({ "statement": 0 }),
    )
    .await;
    host(
        &r,
        &code,
        &key,
        "POST",
        "/tables",
        json!({ "mode": "mixed", "size": 3 }),
    )
    .await;

    let (mut ok, mut limited) = (0, 0);
    for i in 0..300 {
        let body =
            json!({ "id": format!("p{i}"), "spectrum": 0, "round": 1, "position": i % 5 - 2 });
        let (status, retry, e) = phone(&r, &code, &hostile, "/spectrum-positions", body).await;
        match status {
            StatusCode::OK => ok += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                limited += 1;
                assert_eq!(e["code"], "rate_limited", "{e}");
                let retry: u64 = retry.expect("Retry-After").parse().unwrap();
                assert!((1..=10).contains(&retry), "{retry}");
            }
            other => panic!("{other}: {e}"),
        }
    }
    // The burst (60) and what refills while the requests run, never the 300.
    assert!((60..150).contains(&ok), "{ok} positions taken");
    assert!(limited > 150, "{limited} refused");

    // The same limiter holds the token's other actions.
    let tries = [
        ("/notes", json!({ "id": "n1", "text": "We agree on buses" })),
        ("/consent", json!({ "id": "c1" })),
        (
            "/votes",
            json!({ "id": "v1", "statement": 1, "vote": "agree" }),
        ),
        (
            "/statements",
            json!({ "id": "s1", "text": "A new statement" }),
        ),
    ];
    for (rest, body) in &tries {
        let (status, _, e) = phone(&r, &code, &hostile, rest, body.clone()).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{rest}: {e}");
        assert_eq!(e["code"], "rate_limited", "{rest}: {e}");
    }

    // Real phones are not held by the hostile one: their positions, notes and consent go in.
    for (token, position) in [(&real, 1), (&third, -1)] {
        let body = json!({ "id": "p1", "spectrum": 0, "round": 1, "position": position });
        let (status, _, ack) = phone(&r, &code, token, "/spectrum-positions", body).await;
        assert_eq!(status, StatusCode::OK, "{ack}");
    }
    for (rest, body) in &tries {
        let (status, _, e) = phone(&r, &code, &real, rest, body.clone()).await;
        assert!(status.is_success(), "{rest}: {status} {e}");
    }
    // Placing oneself where one already stands changes nothing and costs nothing.
    let (status, me) = call(
        &r,
        "GET",
        &format!("/api/rooms/{code}/me"),
        &[("x-participant-token", &hostile)],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let at = me["spectrum"]["position"].as_i64().unwrap();
    let body = json!({ "id": "again", "spectrum": 0, "round": 1, "position": at });
    let (status, _, ack) = phone(&r, &code, &hostile, "/spectrum-positions", body).await;
    assert_eq!(status, StatusCode::OK, "{ack}");
    assert_eq!(ack["position"], at);
}
