//! The briefing end to end, through the router: a room created with cards opens on the brief
//! stage and shows them to anyone who asks; only the facilitator key replaces them; every limit
//! is refused with its status and code; the cards are in the JSON export and the report, reach
//! phones, and survive a restart; the brief stage is reachable and pages with `show_page`.
#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use axum::Router;
use common::*;
use polyphony_protocol::{
    BriefCard, BriefPosition, BRIEF_IMAGE_MAX_CHARS, BRIEF_MAX_CARDS, BRIEF_MAX_POSITIONS,
    BRIEF_POSITION_MAX_CHARS, BRIEF_SIDE_MAX_CHARS, BRIEF_SOURCE_MAX_CHARS, BRIEF_TEXT_MAX_CHARS,
    BRIEF_TITLE_MAX_CHARS,
};
use serde_json::{json, Value};

fn card(title: &str) -> BriefCard {
    BriefCard {
        title: title.into(),
        text: "Taxi drivers hold a professional licence; ride-hailing drivers do not.".into(),
        image: Some("https://example.org/licence.png".into()),
        positions: vec![
            BriefPosition {
                side: "Taxi union".into(),
                text: "The same rules for everyone who drives for money.".into(),
                source: "Union statement, March 2024".into(),
            },
            BriefPosition {
                side: "Platforms".into(),
                text: "A licence test keeps part-time drivers out.".into(),
                source: "https://example.org/platforms".into(),
            },
        ],
    }
}

/// A card at every limit, in Chinese (three bytes a character).
fn full_card() -> BriefCard {
    let zh = |n: u32| "字".repeat(n as usize);
    BriefCard {
        title: zh(BRIEF_TITLE_MAX_CHARS),
        text: zh(BRIEF_TEXT_MAX_CHARS),
        image: Some(format!(
            "https://{}",
            "a".repeat(BRIEF_IMAGE_MAX_CHARS as usize - 8)
        )),
        positions: vec![
            BriefPosition {
                side: zh(BRIEF_SIDE_MAX_CHARS),
                text: zh(BRIEF_POSITION_MAX_CHARS),
                source: zh(BRIEF_SOURCE_MAX_CHARS),
            };
            BRIEF_MAX_POSITIONS
        ],
    }
}

async fn put_brief(
    r: &Router,
    code: &str,
    key: Option<&str>,
    cards: &Value,
) -> (StatusCode, Value) {
    let headers: Vec<(&str, &str)> = key.map(|k| ("x-facilitator-key", k)).into_iter().collect();
    call(
        r,
        "PUT",
        &format!("/api/rooms/{code}/brief"),
        &headers,
        Some(&cards.to_string()),
    )
    .await
}

async fn info(r: &Router, code: &str) -> Value {
    let (status, json) = call(r, "GET", &format!("/api/rooms/{code}"), &[], None).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    json
}

fn cards_of(v: &Value) -> Vec<BriefCard> {
    serde_json::from_value(v["brief"].clone()).unwrap()
}

#[tokio::test]
async fn a_room_created_with_cards_opens_on_them_and_shows_them_to_everyone() {
    let (_state, r, _dir) = fresh(test_limits()).await;
    let cards = vec![card("Licences"), card("Insurance")];
    let extra = format!(r#","brief":{}"#, serde_json::to_string(&cards).unwrap());
    let (code, key) = create_room(&r, 3, &extra).await;
    let room = info(&r, &code).await;
    assert_eq!(room["stage"], "brief", "{room}");
    assert_eq!(cards_of(&room), cards);
    // A phone has them from the join on, and in its view; the projector in its view.
    let admission = admission_code(&r, &code, &key).await;
    let url = format!("/api/rooms/{code}/join?admission={admission}");
    let (status, joined) = call(&r, "POST", &url, &[], None).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(cards_of(&joined["room"]), cards);
    let token = joined["participant_token"].as_str().unwrap();
    let (_, me) = call(
        &r,
        "GET",
        &format!("/api/rooms/{code}/me"),
        &[("x-participant-token", token)],
        None,
    )
    .await;
    assert_eq!(cards_of(&me["room"]), cards);
    let (_, view) = call(&r, "GET", &format!("/api/rooms/{code}/view"), &[], None).await;
    assert_eq!(cards_of(&view["room"]), cards);
    // Votes are taken at the brief stage too (a phone that reads on is not refused).
    let (status, ack) = call(
        &r,
        "POST",
        &format!("/api/rooms/{code}/votes"),
        &[("x-participant-token", token)],
        Some(r#"{"id":"v1","statement":0,"vote":"agree"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{ack}");

    // Without cards, a room opens on collecting votes, as before.
    let (code, _) = create_room(&r, 3, "").await;
    let room = info(&r, &code).await;
    assert_eq!(room["stage"], "collect");
    assert_eq!(room["brief"], json!([]));
}

#[tokio::test]
async fn only_the_facilitator_replaces_the_cards_and_the_brief_stage_pages() {
    let (_state, r, _dir) = fresh(test_limits()).await;
    let (code, key) = create_room(&r, 3, "").await;
    let cards = json!([card("Licences"), card("Insurance"), card("Prices")]);
    let (status, json) = put_brief(&r, &code, None, &cards).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{json}");
    assert_eq!(json["code"], "not_facilitator");
    let (status, json) = put_brief(&r, &code, Some("0123"), &cards).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{json}");
    assert_eq!(json["code"], "not_facilitator");
    assert_eq!(info(&r, &code).await["brief"], json!([]));

    let (status, json) = put_brief(&r, &code, Some(&key), &cards).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["brief"], cards);
    assert_eq!(info(&r, &code).await["brief"], cards);
    // Texts are kept as the room keeps statements: trimmed, one space, paragraphs.
    let messy = json!([{ "title": "  Licences ", "text": "One.\n\n\n  Two  words. ",
                         "image": " ", "positions": [] }]);
    let (status, json) = put_brief(&r, &code, Some(&key), &messy).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(
        json["brief"],
        json!([{ "title": "Licences", "text": "One.\nTwo words.", "positions": [] }])
    );
    // A briefing at every limit, in Chinese, is larger than the default request limit and taken.
    let full = serde_json::to_value(vec![full_card(); BRIEF_MAX_CARDS]).unwrap();
    assert!(full.to_string().len() > 64 * 1024);
    let (status, json) = put_brief(&r, &code, Some(&key), &full).await;
    assert_eq!(status, StatusCode::OK, "{}", json["error"]);
    // The whole list replaces the old one; an empty list removes every card.
    let (status, json) = put_brief(&r, &code, Some(&key), &json!([])).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["brief"], json!([]));
    put_brief(&r, &code, Some(&key), &cards).await;

    // The brief stage is a stage like the others, and its cards page from the console.
    let k = [("x-facilitator-key", key.as_str())];
    let (status, json) = call(
        &r,
        "POST",
        &format!("/api/rooms/{code}/stage"),
        &k,
        Some(r#"{"stage":"brief"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["stage"], "brief");
    let (status, json) = call(
        &r,
        "POST",
        &format!("/api/rooms/{code}/controls"),
        &k,
        Some(r#"{"action":"show_page","page":2}"#),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(
        json["controls"]["paging"],
        json!({ "stage": "brief", "page": 2, "auto": false })
    );
    let (status, json) = call(
        &r,
        "POST",
        &format!("/api/rooms/{code}/stage"),
        &k,
        Some(r#"{"stage":"collect"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["stage"], "collect");
}

#[tokio::test]
async fn every_limit_is_refused_with_its_status_and_code() {
    let (_state, r, _dir) = fresh(test_limits()).await;
    let (code, key) = create_room(&r, 3, "").await;
    let good = card("Licences");
    let with = |f: &dyn Fn(&mut BriefCard)| {
        let mut c = good.clone();
        f(&mut c);
        json!([good.clone(), c])
    };
    let over = |n: u32| "x".repeat(n as usize + 1);
    let cases: Vec<(&str, Value, StatusCode, &str, &str)> = vec![
        (
            "13 cards",
            serde_json::to_value(vec![good.clone(); BRIEF_MAX_CARDS + 1]).unwrap(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_long",
            "at most 12 cards",
        ),
        (
            "an empty title",
            with(&|c| c.title = " \u{200B} ".into()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "empty_statement",
            "briefing card 2: the title is empty",
        ),
        (
            "a long title",
            with(&|c| c.title = over(BRIEF_TITLE_MAX_CHARS)),
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_long",
            "briefing card 2: the title has 81 characters; at most 80",
        ),
        (
            "a long text",
            with(&|c| c.text = over(BRIEF_TEXT_MAX_CHARS)),
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_long",
            "the text has 601 characters",
        ),
        (
            "a long image address",
            with(&|c| c.image = Some(format!("https://{}", over(BRIEF_IMAGE_MAX_CHARS)))),
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_long",
            "the image address has",
        ),
        (
            "an http image",
            with(&|c| c.image = Some("http://example.org/a.png".into())),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "https://",
        ),
        (
            "a script address",
            with(&|c| c.image = Some("javascript:alert(1)".into())),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "https://",
        ),
        (
            "five positions",
            with(&|c| c.positions = vec![c.positions[0].clone(); BRIEF_MAX_POSITIONS + 1]),
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_long",
            "at most 4 positions",
        ),
        (
            "a position without a side",
            with(&|c| c.positions[1].side = "  ".into()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "empty_statement",
            "briefing card 2, position 2: a position needs a side and a text",
        ),
        (
            "a position without a text",
            with(&|c| c.positions[0].text.clear()),
            StatusCode::UNPROCESSABLE_ENTITY,
            "empty_statement",
            "position 1",
        ),
        (
            "a long side",
            with(&|c| c.positions[0].side = over(BRIEF_SIDE_MAX_CHARS)),
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_long",
            "briefing card 2, position 1: the side has 61 characters",
        ),
        (
            "a long position",
            with(&|c| c.positions[1].text = over(BRIEF_POSITION_MAX_CHARS)),
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_long",
            "position 2: the position has 301 characters",
        ),
        (
            "a long source",
            with(&|c| c.positions[1].source = over(BRIEF_SOURCE_MAX_CHARS)),
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_long",
            "the source has 201 characters; at most 200",
        ),
        (
            "an unknown field",
            json!([{ "title": "t", "colour": "red" }]),
            StatusCode::BAD_REQUEST,
            "bad_request",
            "colour",
        ),
    ];
    for (what, cards, status, code_name, says) in cases {
        let (s, json) = put_brief(&r, &code, Some(&key), &cards).await;
        assert_eq!(s, status, "{what}: {json}");
        assert_eq!(json["code"], code_name, "{what}: {json}");
        let error = json["error"].as_str().unwrap();
        assert!(error.contains(says), "{what}: {error}");
        // Nothing of a refused briefing is kept.
        assert_eq!(info(&r, &code).await["brief"], json!([]), "{what}");
        // Creating a room with it is refused the same way, and creates nothing.
        let body = json!({ "topic": "t", "brief": cards }).to_string();
        let (s, json) = call(&r, "POST", "/api/rooms", &[], Some(&body)).await;
        assert_eq!(s, status, "create, {what}: {json}");
        assert_eq!(json["code"], code_name, "create, {what}: {json}");
    }
    // A body far over any briefing is still refused before it is read whole.
    let huge = json!([{ "title": "x".repeat(300 * 1024) }]);
    let (s, json) = put_brief(&r, &code, Some(&key), &huge).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{json}");
}

#[tokio::test]
async fn the_cards_are_exported_and_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("brief.db");
    let cards = vec![card("Licences"), card("保險")];
    let (code, key) = {
        let (state, r) = open_at(&db).await;
        let extra = format!(
            r#","brief":{}"#,
            serde_json::to_string(&cards[..1]).unwrap()
        );
        let (code, key) = create_room(&r, 3, &extra).await;
        let (status, json) = put_brief(
            &r,
            &code,
            Some(&key),
            &serde_json::to_value(&cards).unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{json}");
        state.shutdown().await;
        (code, key)
    };
    let (state, r) = open_at(&db).await;
    let room = info(&r, &code).await;
    assert_eq!(cards_of(&room), cards);
    assert_eq!(room["stage"], "brief");
    let (status, export) = call(
        &r,
        "GET",
        &format!("/api/rooms/{code}/export/polyphony.json?key={key}"),
        &[],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cards_of(&export["room"]), cards);
    // The report lists them, the image by its address as text (the report fetches nothing).
    let (status, html) = call_text(
        &r,
        "GET",
        &format!("/api/rooms/{code}/export/report.html?key={key}&lang=en"),
        &[],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let briefing = &html[html.find(r#"<section id="briefing">"#).unwrap()..];
    for text in [
        "Licences",
        "保險",
        "Taxi union",
        "Union statement, March 2024",
    ] {
        assert!(briefing.contains(text), "{text}");
    }
    assert!(briefing.contains("Image: https://example.org/licence.png"));
    assert!(!html.contains("<img") && !html.contains("src="));
    state.shutdown().await;
}
