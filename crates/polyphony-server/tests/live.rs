//! A real server on 127.0.0.1 (port 0): a facilitator creates a room over HTTP, 8 phones join and
//! vote over WebSocket, the projector socket sees 2–3 groups, every phone learns its group, a
//! resent vote id counts once, and a reconnecting phone gets its state back.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::*;
use futures_util::{SinkExt, StreamExt};
use polyphony_protocol::{ClientMessage, PhoneView, RoomView, ServerMessage, Vote, VoteRequest};
use tokio_tungstenite::tungstenite::Message;

const STATEMENTS: usize = 10;

async fn recv(ws: &mut Socket) -> ServerMessage {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(10), ws.next())
            .await
            .expect("no message within 10 s")
            .expect("socket closed")
            .expect("socket error");
        if let Message::Text(t) = msg {
            return serde_json::from_str(&t).unwrap();
        }
    }
}

async fn send(ws: &mut Socket, msg: &ClientMessage) {
    ws.send(Message::Text(serde_json::to_string(msg).unwrap().into()))
        .await
        .unwrap();
}

/// Reads until a phone view satisfying `want` arrives (answers in between are returned too).
async fn phone_until(ws: &mut Socket, want: impl Fn(&PhoneView) -> bool) -> PhoneView {
    loop {
        if let ServerMessage::Phone(v) = recv(ws).await {
            if want(&v) {
                return *v;
            }
        }
    }
}

fn vote_msg(id: &str, statement: u32, vote: Vote) -> ClientMessage {
    ClientMessage::Vote(VoteRequest {
        id: id.into(),
        statement,
        vote,
    })
}

/// Sends a vote and returns whether the server called it a duplicate.
async fn ack_of(ws: &mut Socket, msg: &ClientMessage) -> bool {
    send(ws, msg).await;
    loop {
        if let ServerMessage::Ack(a) = recv(ws).await {
            return a.duplicate;
        }
    }
}

async fn room_until(ws: &mut Socket, want: impl Fn(&RoomView) -> bool) -> RoomView {
    loop {
        if let ServerMessage::Room(v) = recv(ws).await {
            if want(&v) {
                return *v;
            }
        }
    }
}

fn vote_of(name: &str) -> Vote {
    match name {
        "agree" => Vote::Agree,
        "disagree" => Vote::Disagree,
        _ => Vote::Pass,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_phones_and_a_projector_over_websocket() {
    let (state, router, _dir) = fresh(test_limits()).await;
    let (addr, server) = serve(&state, router).await;
    let http = reqwest::Client::new();
    let base = format!("http://{addr}/api");
    let statements: Vec<String> = (0..STATEMENTS).map(|i| format!("Statement {i}")).collect();
    let created: serde_json::Value = http
        .post(format!("{base}/rooms"))
        .json(&serde_json::json!({ "topic": "Ride sharing", "statements": statements, "seed": 3 }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = created["room"]["code"].as_str().unwrap().to_string();
    let key = created["facilitator_key"].as_str().unwrap().to_string();

    let (mut screen, _) =
        tokio_tungstenite::connect_async(format!("ws://{addr}/api/rooms/{code}/ws"))
            .await
            .unwrap();
    assert!(matches!(
        recv(&mut screen).await,
        ServerMessage::Welcome { version: 1, .. }
    ));

    let mut phones = Vec::new();
    for i in 0..8 {
        let token = join_over_http(&http, &base, &code, &key).await;
        let (mut ws, _) = tokio_tungstenite::connect_async(format!(
            "ws://{addr}/api/rooms/{code}/ws?token={token}"
        ))
        .await
        .unwrap();
        assert!(matches!(recv(&mut ws).await, ServerMessage::Welcome { .. }));
        phones.push((i % 2, token, ws));
    }

    // Every phone votes on whatever the server shows next, until nothing is left.
    let mut tasks = Vec::new();
    for (camp, token, mut ws) in phones {
        tasks.push(tokio::spawn(async move {
            let mut n = 0;
            let last = loop {
                let view = phone_until(&mut ws, |_| true).await;
                let Some(next) = view.next.clone() else {
                    assert_eq!(view.voted as usize, STATEMENTS);
                    break view;
                };
                let id = format!("{token}-{n}");
                let vote = vote_of(camp_vote(camp, next.id as usize, STATEMENTS));
                send(
                    &mut ws,
                    &ClientMessage::Vote(VoteRequest {
                        id: id.clone(),
                        statement: next.id,
                        vote,
                    }),
                )
                .await;
                loop {
                    match recv(&mut ws).await {
                        ServerMessage::Ack(a) => {
                            assert_eq!(a.id, id);
                            assert!(!a.duplicate);
                            break;
                        }
                        ServerMessage::Rejected(r) => panic!("vote rejected: {r:?}"),
                        _ => {}
                    }
                }
                n += 1;
            };
            assert_eq!(n, STATEMENTS);
            (camp, token, ws, last)
        }));
    }
    let mut phones = Vec::new();
    let mut last_views = Vec::new();
    for t in tasks {
        let (camp, token, ws, last) = t.await.unwrap();
        phones.push((camp, token, ws));
        last_views.push(last);
    }

    // The projector sees every voter and 2–3 groups with what sets them apart.
    let view = room_until(&mut screen, |v| v.votes == 80 && !v.groups.is_empty()).await;
    assert!(
        (2..=3).contains(&view.groups.len()),
        "{} groups",
        view.groups.len()
    );
    assert_eq!(view.votes, 80);
    assert_eq!(view.map.len(), 8);
    assert!(view.groups.iter().all(|g| !g.representative.is_empty()));
    assert!(!view.divisive.is_empty());
    assert!(
        view.divisive[0].groups.len() >= 2
            && view.divisive[0]
                .groups
                .iter()
                .all(|g| (0.0..=1.0).contains(&g.agree_rate))
    );

    // Each phone learns its group; the two camps land in different groups.
    let mut labels = [Vec::new(), Vec::new()];
    for ((camp, _token, ws), last) in phones.iter_mut().zip(last_views) {
        // Views are sent only when they change: the last one may already hold the group.
        let v = if last.group.is_some() {
            last
        } else {
            phone_until(ws, |v| v.group.is_some()).await
        };
        let g = v.group.unwrap();
        assert!(["A", "B", "C"].contains(&g.label.as_str()));
        assert!(!g.reasons.is_empty());
        // Reasons are statements the camps split on, never ones everybody agrees with.
        assert!(
            g.reasons
                .iter()
                .all(|r| (r.statement.id as usize) < STATEMENTS / 2),
            "{:?}",
            g.reasons
        );
        labels[*camp].push(g.label);
    }
    for side in &labels {
        assert!(side.iter().all(|l| *l == side[0]), "{labels:?}");
    }
    assert_ne!(labels[0][0], labels[1][0]);

    // The same vote id three times counts once.
    let (_, token, ws) = &mut phones[0];
    let again = ClientMessage::Vote(VoteRequest {
        id: format!("{token}-0"),
        statement: 0,
        vote: Vote::Pass,
    });
    let mut dups = Vec::new();
    for _ in 0..3 {
        dups.push(ack_of(ws, &again).await);
    }
    assert_eq!(
        dups,
        [true, true, true],
        "id {token}-0 was already used by the first vote"
    );
    let fresh_id = ClientMessage::Vote(VoteRequest {
        id: "retry-x".into(),
        statement: 0,
        vote: Vote::Pass,
    });
    dups.clear();
    for _ in 0..3 {
        dups.push(ack_of(ws, &fresh_id).await);
    }
    assert_eq!(dups, [false, true, true]);
    let key = created["facilitator_key"].as_str().unwrap();
    let votes_csv = http
        .get(format!("{base}/rooms/{code}/export/votes.csv"))
        .header("x-facilitator-key", key)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        votes_csv.lines().count(),
        1 + 81,
        "80 votes and one changed mind"
    );

    // Bad messages get a clear answer and the socket stays open.
    ws.send(Message::Text("not json".into())).await.unwrap();
    // A phone view pushed by the export's analysis may come first.
    let answer = loop {
        match recv(ws).await {
            ServerMessage::Phone(_) => continue,
            other => break other,
        }
    };
    assert!(matches!(answer, ServerMessage::Error(_)), "{answer:?}");
    send(ws, &vote_msg("z", 999, Vote::Agree)).await;
    loop {
        if let ServerMessage::Rejected(r) = recv(ws).await {
            assert_eq!(r.status, 404);
            assert_eq!(r.id.as_deref(), Some("z"));
            break;
        }
    }
    send(ws, &ClientMessage::Ping).await;
    loop {
        if matches!(recv(ws).await, ServerMessage::Pong) {
            break;
        }
    }

    // A phone that reconnects (reload, sleep) is the same person with the same votes and group.
    let (camp, token, ws) = phones.pop().unwrap();
    drop(ws);
    let (mut ws, _) =
        tokio_tungstenite::connect_async(format!("ws://{addr}/api/rooms/{code}/ws?token={token}"))
            .await
            .unwrap();
    assert!(matches!(recv(&mut ws).await, ServerMessage::Welcome { .. }));
    let v = phone_until(&mut ws, |_| true).await;
    assert_eq!(v.voted as usize, STATEMENTS);
    assert_eq!(v.group.unwrap().label, labels[camp][0]);

    // A screen socket cannot vote.
    send(&mut screen, &vote_msg("s", 0, Vote::Agree)).await;
    loop {
        if let ServerMessage::Error(e) = recv(&mut screen).await {
            assert!(e.error.contains("phone"));
            break;
        }
    }

    // Shutdown closes every socket, saying the server goes away (1001: the phone reconnects
    // and says so, rather than that it is offline), and the server returns.
    state.request_shutdown();
    let close = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(Ok(m)) = ws.next().await {
            if let Message::Close(frame) = m {
                return frame;
            }
        }
        None
    })
    .await
    .unwrap();
    let close = close.expect("a close frame with a code");
    assert_eq!(u16::from(close.code), 1001, "{close:?}");
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("server did not stop")
        .unwrap()
        .unwrap();
    state.shutdown().await;
}
