//! Slow and oversized bodies (issue 21, item 6), over real TCP on loopback through
//! `polyphony_server::serve`: a body must arrive whole within `Limits::body_read_timeout` of its
//! headers (408 JSON, closed, the address's slot given back), a `Content-Length` over the
//! route's limit is answered 413 JSON before the body is read, and one address never holds
//! more than half of the server's connections.
#![allow(clippy::unwrap_used)]

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::{fresh, serve, test_limits};
use polyphony_server::Limits;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// A TCP connection to `addr` from local address `from` (any 127.x.y.z works on Linux).
async fn connect_from(from: &str, addr: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(format!("{from}:0").parse().unwrap()).unwrap();
    socket.connect(addr).await.unwrap()
}

/// Reads until the server closes the connection or `within` passes; (bytes read, closed).
async fn read_until_closed(s: &mut TcpStream, within: Duration) -> (String, bool) {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, s.read(&mut buf)).await {
            Err(_) => return (String::from_utf8_lossy(&got).into_owned(), false),
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&got).into_owned(), true),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
}

/// Sends one body byte every `every` until the server answers and closes, or `within` passes;
/// (what the server sent, closed).
async fn drip(mut s: TcpStream, every: Duration, within: Duration) -> (String, bool) {
    let deadline = tokio::time::Instant::now() + within;
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while tokio::time::Instant::now() < deadline {
        // A write may fail once the server has answered and closed: read what it said.
        let _ = s.write_all(b" ").await;
        match tokio::time::timeout(every, s.read(&mut buf)).await {
            Err(_) => {}
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&got).into_owned(), true),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
    (String::from_utf8_lossy(&got).into_owned(), false)
}

async fn health_from(from: &str, addr: SocketAddr) -> String {
    let mut s = connect_from(from, addr).await;
    s.write_all(b"GET /api/health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .await
        .unwrap();
    read_until_closed(&mut s, Duration::from_secs(5)).await.0
}

/// The JSON body of an answer.
fn json_of(answer: &str) -> serde_json::Value {
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {answer}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_body_is_answered_408_and_gives_its_slot_back() {
    let limits = Limits {
        body_read_timeout: Duration::from_secs(1),
        max_connections_per_address: 3,
        ..test_limits()
    };
    let (state, router, _d) = fresh(limits).await;
    let (addr, server) = serve(&state, router).await;
    // Three requests from one address, each sending its headers then a body byte every 200 ms:
    // the idle timeout (60 s) never fires, the header timeout no longer applies.
    let started = Instant::now();
    let mut drips = Vec::new();
    for _ in 0..3 {
        let mut s = connect_from("127.0.0.1", addr).await;
        s.write_all(
            b"POST /api/rooms HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n\
              content-length: 1000\r\n\r\n{",
        )
        .await
        .unwrap();
        drips.push(tokio::spawn(drip(
            s,
            Duration::from_millis(200),
            Duration::from_secs(5),
        )));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Mid-body, they hold the address's three connections.
    let answer = health_from("127.0.0.1", addr).await;
    assert!(answer.starts_with("HTTP/1.1 429"), "{answer}");
    for d in drips {
        let (text, closed) = d.await.unwrap();
        assert!(closed, "a slow body kept its connection: {text}");
        assert!(text.starts_with("HTTP/1.1 408"), "{text}");
        assert!(
            text.to_ascii_lowercase().contains("connection: close"),
            "{text}"
        );
        let json = json_of(&text);
        assert!(
            json["error"].as_str().unwrap().contains("did not arrive"),
            "{json}"
        );
    }
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    // Their slots are free again.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let answer = health_from("127.0.0.1", addr).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    state.request_shutdown();
    server.await.unwrap().unwrap();
}

/// Sends a head and answers what the server said within a second, and whether it closed.
async fn send_head(addr: SocketAddr, head: &str) -> (String, bool) {
    let mut s = connect_from("127.0.0.1", addr).await;
    s.write_all(head.as_bytes()).await.unwrap();
    read_until_closed(&mut s, Duration::from_secs(1)).await
}

#[tokio::test]
async fn a_body_announced_over_the_limit_is_answered_413_at_once() {
    let (state, router, _d) = fresh(test_limits()).await;
    let (addr, server) = serve(&state, router).await;
    for (method, path, length) in [
        ("POST", "/api/rooms", 1_000_000_000u64),
        ("POST", "/api/rooms/ABCDEF/votes", 1_000_000_000),
        // Over `max_body_bytes` (64 KiB), under the briefing's limit: refused on a vote...
        ("POST", "/api/rooms/ABCDEF/votes", 100_000),
        ("PUT", "/api/rooms/ABCDEF/settings", 65_537),
        // ...and over the briefing's limit on the briefing routes.
        ("PUT", "/api/rooms/ABCDEF/brief", 300_000),
        ("GET", "/api/health", 1_000_000_000),
    ] {
        let started = Instant::now();
        let (text, closed) = send_head(
            addr,
            &format!(
                "{method} {path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n\
                 content-length: {length}\r\n\r\n"
            ),
        )
        .await;
        assert!(started.elapsed() < Duration::from_secs(1));
        assert!(closed, "{method} {path} {length}: {text}");
        assert!(
            text.starts_with("HTTP/1.1 413"),
            "{method} {path} {length}: {text}"
        );
        let json = json_of(&text);
        assert!(
            json["error"].as_str().unwrap().contains("too large"),
            "{json}"
        );
        assert_eq!(json["code"], "too_long", "{json}");
    }
    // A briefing-sized body is not refused by its announced length: it is read (and here, not
    // being JSON, refused as such).
    let body = "x".repeat(100_000);
    let mut s = connect_from("127.0.0.1", addr).await;
    s.write_all(
        format!(
            "POST /api/rooms HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n\
             content-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let (text, _) = read_until_closed(&mut s, Duration::from_secs(5)).await;
    assert!(text.starts_with("HTTP/1.1 400"), "{text}");
    state.request_shutdown();
    server.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_cannot_take_every_connection() {
    // A low open-file limit: 20 connections in all, and a per-address cap (10,000 in the test
    // limits) that would let one address take them all.
    let limits = Limits {
        max_connections: 20,
        ..test_limits()
    };
    let (state, router, _d) = fresh(limits).await;
    let (addr, server) = serve(&state, router).await;
    // Half-sent requests from one address: half the server's connections are held, the rest
    // refused with a 429.
    let mut held = Vec::new();
    for _ in 0..30 {
        let mut s = connect_from("127.0.0.1", addr).await;
        let _ = s
            .write_all(b"POST /api/rooms HTTP/1.1\r\nhost: x\r\n")
            .await;
        held.push(s);
    }
    let mut refused = 0;
    for s in &mut held {
        let (text, closed) = read_until_closed(s, Duration::from_millis(200)).await;
        if closed {
            assert!(text.starts_with("HTTP/1.1 429"), "{text}");
            refused += 1;
        }
    }
    assert_eq!(refused, 20);
    // Another address is served at once.
    let started = Instant::now();
    let answer = health_from("127.0.0.2", addr).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(1));
    drop(held);
    state.request_shutdown();
    server.await.unwrap().unwrap();
}
