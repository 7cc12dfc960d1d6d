//! Attacks on the WebSocket edge, on a real server on 127.0.0.1 (port 0): a frame announcing
//! 15 MiB on the projector socket (no credential needed) closes the connection at once instead
//! of being buffered, a projector that never reads is dropped instead of holding views, and the
//! server keeps serving.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::*;
use polyphony_server::Limits;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::MaybeTlsStream;

/// Reads until the server closes the connection; the bytes read, or `None` after `within`.
async fn until_closed(tcp: &mut TcpStream, within: Duration) -> Option<usize> {
    tokio::time::timeout(within, async {
        let mut buf = vec![0u8; 64 * 1024];
        let mut n = 0;
        loop {
            match tcp.read(&mut buf).await {
                Ok(0) | Err(_) => return n,
                Ok(k) => n += k,
            }
        }
    })
    .await
    .ok()
}

#[tokio::test]
async fn a_frame_announcing_15_mib_closes_the_socket_at_once() {
    let (state, router, _d) = fresh(test_limits()).await;
    let (code, _key) = create_room(&router, 3, "").await;
    let (addr, server) = serve(&state, router).await;

    // A real handshake on the projector socket, then raw bytes.
    let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/api/rooms/{code}/ws"))
        .await
        .unwrap();
    let MaybeTlsStream::Plain(mut tcp) = ws.into_inner() else {
        panic!("plain TCP expected");
    };
    // FIN + binary, masked, 64-bit length of 15 MiB, mask key, then the first 4 KiB of payload.
    let mut frame = vec![0x82u8, 0x80 | 127];
    frame.extend_from_slice(&(15u64 * 1024 * 1024).to_be_bytes());
    frame.extend_from_slice(&[1, 2, 3, 4]);
    frame.extend_from_slice(&[0u8; 4096]);
    tcp.write_all(&frame).await.unwrap();

    // The server must close the connection promptly rather than wait for the rest.
    assert!(
        until_closed(&mut tcp, Duration::from_secs(3))
            .await
            .is_some(),
        "the server still holds a socket that announced a 15 MiB frame"
    );

    let health = reqwest::get(format!("http://{addr}/api/health"))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);

    state.shutdown().await;
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn a_projector_that_never_reads_is_dropped() {
    let limits = Limits {
        ws_send_timeout: Duration::from_millis(300),
        vote_burst: 10_000,
        votes_per_second: 10_000,
        ..test_limits()
    };
    let (state, router, _d) = fresh(limits).await;
    // Long statements make every projector view large (about 200 × 250 characters).
    let statements: Vec<String> = (0..200)
        .map(|i| format!("{i} {}", "long statement text ".repeat(12)))
        .collect();
    let body = serde_json::json!({ "topic": "Slow readers", "statements": statements });
    let (status, json) = call(&router, "POST", "/api/rooms", &[], Some(&body.to_string())).await;
    assert_eq!(status, 201, "{json}");
    let code = json["room"]["code"].as_str().unwrap().to_string();
    let (addr, server) = serve(&state, router.clone()).await;

    // A projector with a tiny receive window that never reads.
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let tcp = socket.connect(addr).await.unwrap();
    let (ws, _) = tokio_tungstenite::client_async(format!("ws://{addr}/api/rooms/{code}/ws"), tcp)
        .await
        .unwrap();
    let mut tcp = ws.into_inner();

    // Every vote makes a new view: far more than the socket buffers hold.
    let tokens = [join(&router, &code).await, join(&router, &code).await];
    for s in 0..200 {
        for t in &tokens {
            let (status, json) = call(
                &router,
                "POST",
                &format!("/api/rooms/{code}/votes"),
                &[("x-participant-token", t.as_str())],
                Some(&format!(
                    r#"{{"id":"v{s}","statement":{s},"vote":"agree"}}"#
                )),
            )
            .await;
            assert_eq!(status, 200, "{json}");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let read = until_closed(&mut tcp, Duration::from_secs(10)).await;
    assert!(
        read.is_some(),
        "the server still holds a projector that stopped reading"
    );

    let health = reqwest::get(format!("http://{addr}/api/health"))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    state.shutdown().await;
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn slow_projectors_share_a_bounded_send_budget_and_readers_still_get_views() {
    // A budget of 128 KiB for large messages, views of about 60 KiB: two stalled sends fill it.
    let limits = Limits {
        ws_send_timeout: Duration::from_millis(500),
        socket_send_budget_bytes: 128 * 1024,
        vote_burst: 10_000,
        votes_per_second: 10_000,
        ..test_limits()
    };
    let (state, router, _d) = fresh(limits).await;
    let statements: Vec<String> = (0..200)
        .map(|i| format!("{i} {}", "long statement text ".repeat(12)))
        .collect();
    let body = serde_json::json!({ "topic": "Budget", "statements": statements, "settings": { "open_admission": true } });
    let (status, json) = call(&router, "POST", "/api/rooms", &[], Some(&body.to_string())).await;
    assert_eq!(status, 201, "{json}");
    let code = json["room"]["code"].as_str().unwrap().to_string();
    let (addr, server) = serve(&state, router.clone()).await;

    // Six projectors that never read, each with a tiny receive window.
    let mut stalled = Vec::new();
    for _ in 0..6 {
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        let tcp = socket.connect(addr).await.unwrap();
        let (ws, _) =
            tokio_tungstenite::client_async(format!("ws://{addr}/api/rooms/{code}/ws"), tcp)
                .await
                .unwrap();
        stalled.push(ws.into_inner());
    }
    // New views for everyone, more than the sockets' buffers hold.
    let token = join(&router, &code).await;
    for s in 0..150 {
        let (status, json) = call(
            &router,
            "POST",
            &format!("/api/rooms/{code}/votes"),
            &[("x-participant-token", token.as_str())],
            Some(&format!(
                r#"{{"id":"v{s}","statement":{s},"vote":"agree"}}"#
            )),
        )
        .await;
        assert_eq!(status, 200, "{json}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // A projector that reads gets its whole view (larger than 16 KiB, so through the budget).
    let (mut reader, _) =
        tokio_tungstenite::connect_async(format!("ws://{addr}/api/rooms/{code}/ws"))
            .await
            .unwrap();
    let got_view = tokio::time::timeout(Duration::from_secs(10), async {
        use futures_util::StreamExt;
        while let Some(Ok(m)) = reader.next().await {
            if let tokio_tungstenite::tungstenite::Message::Text(t) = m {
                if t.len() > 16 * 1024 && t.contains("\"room\"") {
                    return true;
                }
            }
        }
        false
    })
    .await;
    assert_eq!(
        got_view,
        Ok(true),
        "a reading projector waited for the stalled ones"
    );
    // The stalled ones are dropped, their share given back.
    for tcp in &mut stalled {
        assert!(
            until_closed(tcp, Duration::from_secs(10)).await.is_some(),
            "a projector that never reads is still held"
        );
    }
    state.shutdown().await;
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn a_phone_socket_that_sends_without_pause_is_closed() {
    // Positions where the phone already stands cost no rate token but each gets an answer:
    // a socket sending them without pause is closed, and the server goes on serving.
    let (state, router, _d) = fresh(test_limits()).await;
    let (code, key) = create_room(&router, 3, "").await;
    host_call(
        &router,
        &code,
        &key,
        "POST",
        "/spectrums",
        Some(r#"{"statement":0}"#),
    )
    .await;
    let token = join(&router, &code).await;
    let (addr, server) = serve(&state, router.clone()).await;
    let (ws, _) =
        tokio_tungstenite::connect_async(format!("ws://{addr}/api/rooms/{code}/ws?token={token}"))
            .await
            .unwrap();
    use futures_util::{SinkExt, StreamExt};
    let (mut tx, mut rx) = ws.split();
    // Whether the server's policy close frame arrived, or the server reset the connection.
    let reader = tokio::spawn(async move {
        let mut closed_by_policy = false;
        while let Some(m) = rx.next().await {
            match m {
                Ok(tokio_tungstenite::tungstenite::Message::Close(Some(f))) => {
                    closed_by_policy = u16::from(f.code) == 1008;
                }
                Ok(_) => {}
                Err(_) => return true,
            }
        }
        closed_by_policy
    });
    let position = r#"{"type":"spectrum","spectrum":0,"round":1,"position":1}"#;
    let mut sent = 0;
    for _ in 0..2000 {
        if tx
            .send(tokio_tungstenite::tungstenite::Message::Text(
                position.into(),
            ))
            .await
            .is_err()
        {
            break;
        }
        sent += 1;
    }
    // The server closes it: with a policy close frame, or (when the frame is lost behind the
    // answers the sender never read) by the connection ending under the sender — its sends
    // fail, or, when all 2,000 fit in the socket buffers before the server's first answer (on
    // PostgreSQL the first position's commit takes a few milliseconds), its reads see the
    // reset.
    let closed = tokio::time::timeout(Duration::from_secs(10), reader).await;
    assert!(
        closed.is_ok(),
        "the socket is still open after {sent} messages"
    );
    assert!(
        matches!(closed, Ok(Ok(true))) || sent < 2000,
        "after {sent} messages the socket was not closed: {closed:?}"
    );
    // A fresh socket of the same phone is served.
    let (mut again, _) =
        tokio_tungstenite::connect_async(format!("ws://{addr}/api/rooms/{code}/ws?token={token}"))
            .await
            .unwrap();
    let first = tokio::time::timeout(Duration::from_secs(5), again.next()).await;
    assert!(matches!(first, Ok(Some(Ok(_)))), "{first:?}");
    state.shutdown().await;
    server.await.unwrap().unwrap();
}
