//! The report page `/r/{code}/report` through the router: before it is published a reader
//! gets a small HTML page (404) in their language saying so — `?lang=`, else the first
//! `Accept-Language` language the report speaks, else the room's — and the facilitator (key)
//! or, once published, anyone gets the report in that language with links to the others; the
//! links carry the key only when the page was opened with it. Notes are listed plan by plan.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use common::*;
use http_body_util::BodyExt;
use polyphony_report::{t, Key, Lang};
use tower::ServiceExt;

const N: usize = 6;

/// A page: status, `Content-Type`, `Vary`, body.
struct Page {
    status: StatusCode,
    content_type: String,
    vary: String,
    body: String,
}

async fn get(r: &Router, uri: &str, headers: &[(&str, &str)]) -> Page {
    let mut req = Request::builder().method("GET").uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = r
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let header_of = |name| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let (content_type, vary) = (header_of(header::CONTENT_TYPE), header_of(header::VARY));
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    Page {
        status,
        content_type,
        vary,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

/// Ten people in two camps vote on every statement; returns their tokens once the analysis
/// has two groups.
async fn two_camps(r: &Router, code: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    for p in 0..10 {
        let token = join(r, code).await;
        for s in 0..N {
            let body = format!(
                r#"{{"id":"v{s}","statement":{s},"vote":"{}"}}"#,
                camp_vote(p % 2, s, N)
            );
            let (status, json) = call(
                r,
                "POST",
                &format!("/api/rooms/{code}/votes"),
                &[("x-participant-token", &token)],
                Some(&body),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{json}");
        }
        tokens.push(token);
    }
    for _ in 0..200 {
        let (_, v) = call(r, "GET", &format!("/api/rooms/{code}/view"), &[], None).await;
        if v["groups"].as_array().is_some_and(|g| g.len() >= 2) {
            return tokens;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no groups");
}

/// The text a reader sees: no tags, no style sheet.
fn visible_text(html: &str) -> String {
    let mut html = html.to_string();
    while let (Some(a), Some(b)) = (html.find("<style>"), html.find("</style>")) {
        html.replace_range(a..b + "</style>".len(), " ");
    }
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Asserts `page` is the "not published yet" page in `lang`.
fn assert_not_published(page: &Page, lang: Lang) {
    assert_eq!(page.status, StatusCode::NOT_FOUND, "{lang}");
    assert!(
        page.content_type.starts_with("text/html"),
        "{lang}: {}",
        page.content_type
    );
    assert!(
        page.vary.contains("Accept-Language"),
        "{lang}: {}",
        page.vary
    );
    let html = &page.body;
    assert!(html.starts_with("<!DOCTYPE html>"), "{lang}: {html}");
    assert!(
        html.contains(&format!(r#"<html lang="{}">"#, lang.tag())),
        "{lang}"
    );
    assert!(
        html.contains(t(lang, Key::NotPublishedTitle)),
        "{lang}: {html}"
    );
    assert!(html.contains(t(lang, Key::NotPublishedText)), "{lang}");
    assert!(html.contains("<style>") && !html.contains("<script"));
    assert!(!html.contains("key="), "{lang}: never a key in its links");
    assert!(
        !html.contains(r#"<section id="summary""#),
        "{lang}: no report"
    );
    for other in Lang::ALL.iter().filter(|&&o| o != lang) {
        assert!(
            !html.contains(t(*other, Key::NotPublishedText)),
            "{lang}: {other}"
        );
    }
}

#[tokio::test]
async fn an_unpublished_report_is_a_page_in_the_reader_s_language() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let (code, key) = create_room(&r, N, r#","language":"zh-TW""#).await;
    two_camps(&r, &code).await;
    let page = format!("/r/{code}/report");

    // Accept-Language: the first language the report speaks.
    let ja = get(&r, &page, &[("accept-language", "fr-FR,ja;q=0.9,en;q=0.8")]).await;
    assert_not_published(&ja, Lang::Ja);
    // No English sentence on the Japanese page: once the tags, the style sheet, the room's
    // topic (as entered) and the switcher's "English" are left out, no Latin word is left.
    let text = visible_text(&ja.body)
        .replace("Ride sharing", "")
        .replace("English", "");
    let latin: Vec<&str> = text
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() >= 2)
        .collect();
    assert!(latin.is_empty(), "Latin words on the ja page: {latin:?}");
    let shown = visible_text(&ja.body);
    for &k in Key::ALL {
        assert!(
            !shown.contains(t(Lang::En, k)),
            "English {k:?} on the ja page"
        );
    }

    // ?lang= first, whatever the header says; a tag the report does not speak is ignored.
    let ko = get(&r, &format!("{page}?lang=ko"), &[("accept-language", "ja")]).await;
    assert_not_published(&ko, Lang::Ko);
    let ko = get(
        &r,
        &format!("{page}?lang=fr"),
        &[("accept-language", "de, ko")],
    )
    .await;
    assert_not_published(&ko, Lang::Ko);
    // Else the room's language.
    assert_not_published(&get(&r, &page, &[]).await, Lang::ZhTw);
    assert_not_published(
        &get(&r, &page, &[("accept-language", "de-CH, fr;q=0.5")]).await,
        Lang::ZhTw,
    );
    // A wrong key reads as none; the page never echoes it.
    let wrong = get(&r, &format!("{page}?key=0f0f&lang=en"), &[]).await;
    assert_not_published(&wrong, Lang::En);
    assert!(!wrong.body.contains("0f0f"));
    // The page links to itself in the other languages.
    assert!(ja
        .body
        .contains(r#"<a href="?lang=zh-TW" hreflang="zh-TW" lang="zh-TW">繁體中文</a>"#));

    // No room: JSON, as every other API error.
    let (status, json) = call(&r, "GET", "/r/NOPE99/report", &[], None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(json["error"].is_string(), "{json}");

    // The facilitator's key in the address: the report, links keeping the key.
    let with_key = get(
        &r,
        &format!("{page}?key={key}"),
        &[("accept-language", "ja")],
    )
    .await;
    assert_eq!(with_key.status, StatusCode::OK);
    assert!(with_key.body.contains(r#"<html lang="ja">"#));
    assert!(with_key.body.contains(r#"<section id="summary""#));
    assert!(with_key.body.contains(&format!(
        r#"<a href="?lang=en&amp;key={key}" hreflang="en""#
    )));
    assert!(
        !with_key.body.contains("?lang=ja"),
        "the current language is no link"
    );
    // The key in the header: the report, links without it.
    let header_key = get(&r, &page, &[("x-facilitator-key", &key)]).await;
    assert_eq!(header_key.status, StatusCode::OK);
    assert!(header_key.body.contains(r#"<html lang="zh-TW">"#));
    assert!(header_key
        .body
        .contains(r#"<a href="?lang=en" hreflang="en""#));
    assert!(!header_key.body.contains("key="));

    // Published: the report for everyone, in their language, no key anywhere.
    host_call(
        &r,
        &code,
        &key,
        "POST",
        "/controls",
        Some(r#"{"action":"publish_report"}"#),
    )
    .await;
    for (headers, lang) in [
        (vec![("accept-language", "ja-JP,ja;q=0.9")], Lang::Ja),
        (vec![], Lang::ZhTw),
    ] {
        let public = get(&r, &page, &headers).await;
        assert_eq!(public.status, StatusCode::OK, "{lang}");
        assert!(public.content_type.starts_with("text/html"));
        assert!(public
            .body
            .contains(&format!(r#"<html lang="{}">"#, lang.tag())));
        assert!(public.body.contains(r#"<section id="consensus""#));
        assert!(public.body.contains(r#"<nav class="langs""#));
        assert!(!public.body.contains("key=") && !public.body.contains(&key));
    }
    let ko = get(&r, &format!("{page}?lang=ko"), &[("accept-language", "ja")]).await;
    assert!(ko.body.contains(r#"<html lang="ko">"#));
    // The file to keep: the room's language, no language links.
    let (status, file) = call_text(
        &r,
        "GET",
        &format!("/api/rooms/{code}/export/report.html?key={key}"),
        &[("accept-language", "ja")],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(file.contains(r#"<html lang="zh-TW">"#));
    // No links in the file but its inline icon.
    let file = file.replace(r#"<link rel="icon" href="data:,">"#, "");
    assert!(!file.contains("<nav") && !file.contains("href="));
}

#[tokio::test]
async fn released_notes_are_listed_plan_by_plan() {
    let (_s, r, _d) = fresh(test_limits()).await;
    let (code, key) = create_room(&r, N, "").await;
    let tokens = two_camps(&r, &code).await;
    let mut notes = Vec::new();
    for (mode, text) in [
        ("same_group", "said at a same-group table"),
        ("mixed", "said at a mixed table"),
    ] {
        let body = format!(r#"{{"mode":"{mode}","size":8}}"#);
        host_call(&r, &code, &key, "POST", "/tables", Some(&body)).await;
        let body = serde_json::json!({ "id": mode, "text": text }).to_string();
        let (status, note) = call(
            &r,
            "POST",
            &format!("/api/rooms/{code}/notes"),
            &[("x-participant-token", &tokens[0])],
            Some(&body),
        )
        .await;
        assert!(status.is_success(), "{note}");
        let id = note["note"].as_u64().unwrap();
        host_call(
            &r,
            &code,
            &key,
            "POST",
            &format!("/notes/{id}/release"),
            None,
        )
        .await;
        notes.push(text);
    }
    let page = get(&r, &format!("/r/{code}/report?lang=en&key={key}"), &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = &page.body;
    let at = |needle: &str| {
        html.find(needle)
            .unwrap_or_else(|| panic!("{needle} missing"))
    };
    let order = [
        at(r#"<h3 class="plan">Same-group tables</h3>"#),
        at(notes[0]),
        at(r#"<h3 class="plan">Mixed tables</h3>"#),
        at(notes[1]),
    ];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
}
