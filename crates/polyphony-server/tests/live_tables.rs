//! A real server on 127.0.0.1: 16 phones in two camps vote, the map shows the groups, then
//! same-group tables are pure, mixed tables hold both camps, exactly one phone per table is
//! told it reports, and a released note reaches the projector while an unreleased one never
//! does.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use common::*;
use futures_util::{SinkExt, StreamExt};
use polyphony_protocol::{ClientMessage, NewNote, PhoneView, RoomView, ServerMessage};
use tokio_tungstenite::tungstenite::Message;

const STATEMENTS: usize = 8;
const PHONES: usize = 16;

/// The next message, and the raw text it came in.
async fn recv(ws: &mut Socket) -> (ServerMessage, String) {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("no message within 10 s")
            .expect("socket closed")
            .expect("socket error");
        if let Message::Text(t) = msg {
            return (serde_json::from_str(&t).unwrap(), t.to_string());
        }
    }
}

async fn phone_until(ws: &mut Socket, want: impl Fn(&PhoneView) -> bool) -> PhoneView {
    loop {
        if let (ServerMessage::Phone(v), _) = recv(ws).await {
            if want(&v) {
                return *v;
            }
        }
    }
}

/// Reads projector messages until `want`; every raw message read is checked by `never`.
async fn room_until(ws: &mut Socket, never: &str, want: impl Fn(&RoomView) -> bool) -> RoomView {
    loop {
        let (msg, raw) = recv(ws).await;
        assert!(!raw.contains(never), "the projector got {never:?}");
        if let ServerMessage::Room(v) = msg {
            if want(&v) {
                return *v;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_phones_sit_at_tables_by_camp() {
    let (state, router, _dir) = fresh(test_limits()).await;
    let (addr, server) = serve(&state, router).await;
    let http = reqwest::Client::new();
    let base = format!("http://{addr}/api");
    let statements: Vec<String> = (0..STATEMENTS).map(|i| format!("Statement {i}")).collect();
    let created: serde_json::Value = http
        .post(format!("{base}/rooms"))
        .json(&serde_json::json!({ "topic": "Buses", "statements": statements, "seed": 11 }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = created["room"]["code"].as_str().unwrap().to_string();
    let key = created["facilitator_key"].as_str().unwrap().to_string();
    let ws_url = format!("ws://{addr}/api/rooms/{code}/ws");
    let (mut screen, _) = tokio_tungstenite::connect_async(&ws_url).await.unwrap();
    let (mut console, _) = tokio_tungstenite::connect_async(format!("{ws_url}?key={key}"))
        .await
        .unwrap();

    // Camp 0 and camp 1 vote opposite ways on every statement.
    let mut phones = Vec::new();
    for i in 0..PHONES {
        let token = join_over_http(&http, &base, &code, &key).await;
        let camp = i % 2;
        for s in 0..STATEMENTS {
            let agree = (camp == 0) == s.is_multiple_of(2);
            let vote = if agree { "agree" } else { "disagree" };
            let status = http
                .post(format!("{base}/rooms/{code}/votes"))
                .header("x-participant-token", &token)
                .json(&serde_json::json!({ "id": format!("v{s}"), "statement": s, "vote": vote }))
                .send()
                .await
                .unwrap()
                .status();
            assert!(status.is_success());
        }
        let (ws, _) = tokio_tungstenite::connect_async(format!("{ws_url}?token={token}"))
            .await
            .unwrap();
        phones.push((camp, ws));
    }
    let view = room_until(&mut screen, "\u{0}", |v| {
        v.votes == (PHONES * STATEMENTS) as u64 && v.groups.len() == 2
    })
    .await;
    assert_eq!(view.groups.len(), 2);

    let form = |mode: &'static str| {
        let (http, base, code, key) = (http.clone(), base.clone(), code.clone(), key.clone());
        async move {
            let r = http
                .post(format!("{base}/rooms/{code}/tables"))
                .header("x-facilitator-key", key)
                .json(&serde_json::json!({ "mode": mode, "size": 8 }))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 201);
            r.json::<serde_json::Value>().await.unwrap()["plan"]
                .as_u64()
                .unwrap() as u32
        }
    };

    for (mode, plan) in [("same_group", 1), ("mixed", 2)] {
        assert_eq!(form(mode).await, plan);
        let mut camps: BTreeMap<u32, BTreeSet<usize>> = BTreeMap::new();
        let mut reporters: BTreeMap<u32, u32> = BTreeMap::new();
        for (camp, ws) in &mut phones {
            let v = phone_until(ws, |v| v.table.as_ref().is_some_and(|t| t.plan == plan)).await;
            let t = v.table.unwrap();
            assert!(t.size <= 8);
            camps.entry(t.number).or_default().insert(*camp);
            *reporters.entry(t.number).or_default() += u32::from(t.reporter);
        }
        assert!(camps.len() >= 2, "{mode}: {camps:?}");
        for (table, c) in &camps {
            match mode {
                "same_group" => assert_eq!(c.len(), 1, "table {table} mixes camps"),
                _ => assert_eq!(c.len(), 2, "table {table} holds one camp"),
            }
            assert_eq!(reporters[table], 1, "{mode}: table {table}");
        }
        let projector = room_until(&mut screen, "\u{0}", |v| {
            v.tables.as_ref().is_some_and(|t| t.plan == plan)
        })
        .await;
        assert!(projector.tables.unwrap().reporters_ready);
    }

    // Two notes from a phone over its socket; the facilitator releases one.
    let (_, ws) = &mut phones[0];
    let mut ids = Vec::new();
    for (id, text) in [
        ("a", "Buses every ten minutes"),
        ("b", "SECRET unreleased idea"),
    ] {
        let msg = ClientMessage::AddNote(NewNote {
            id: id.into(),
            text: text.into(),
        });
        ws.send(Message::Text(serde_json::to_string(&msg).unwrap().into()))
            .await
            .unwrap();
        loop {
            match recv(ws).await.0 {
                ServerMessage::NoteAck(a) => {
                    assert!(!a.duplicate);
                    ids.push(a.note);
                    break;
                }
                ServerMessage::Rejected(r) => panic!("note rejected: {r:?}"),
                _ => {}
            }
        }
    }
    // The console sees both notes, the projector neither yet.
    loop {
        if let ServerMessage::Host(h) = recv(&mut console).await.0 {
            if h.notes.len() == 2 {
                assert!(h.notes.iter().all(|n| !n.released));
                break;
            }
        }
    }
    let status = http
        .post(format!("{base}/rooms/{code}/notes/{}/release", ids[0]))
        .header("x-facilitator-key", &key)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status.as_u16(), 200);
    let view = room_until(&mut screen, "SECRET", |v| {
        v.tables
            .as_ref()
            .is_some_and(|t| t.tables.iter().any(|t| !t.notes.is_empty()))
    })
    .await;
    let shown: Vec<String> = view
        .tables
        .unwrap()
        .tables
        .iter()
        .flat_map(|t| t.notes.iter().map(|n| n.text.clone()))
        .collect();
    assert_eq!(shown, ["Buses every ten minutes"]);

    state.request_shutdown();
    server.await.unwrap().unwrap();
    state.shutdown().await;
}
