//! Connection exhaustion (issue 9, item 3), over real TCP on loopback through
//! `polyphony_server::serve`: idle connections from one address are capped (429 with a JSON
//! body) while other addresses are served, the whole server is capped (503), a connection that
//! sends its headers slowly or goes quiet is closed, WebSockets are capped per address.
#![allow(clippy::unwrap_used)]

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::{create_room, fresh, serve, test_limits};
use polyphony_server::Limits;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// A TCP connection to `addr` from local address `from` (any 127.x.y.z works on Linux).
async fn connect_from(from: &str, addr: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(format!("{from}:0").parse().unwrap())?;
    socket.connect(addr).await
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

async fn health_from(from: &str, addr: SocketAddr) -> String {
    let mut s = connect_from(from, addr).await.unwrap();
    s.write_all(b"GET /api/health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .await
        .unwrap();
    read_until_closed(&mut s, Duration::from_secs(5)).await.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_from_one_address_are_capped_and_others_are_served() {
    let limits = Limits {
        max_connections_per_address: 50,
        ..test_limits()
    };
    // Both ends are in this process: 1,100 client descriptors plus the server's.
    polyphony_server::raise_fd_limit();
    let (state, router, _d) = fresh(limits).await;
    let (addr, server) = serve(&state, router).await;
    // 1,100 idle connections from one address, none sending a byte.
    let mut idle = Vec::new();
    for _ in 0..1100 {
        idle.push(connect_from("127.0.0.1", addr).await.unwrap());
    }
    // Every one past the 50th is answered 429 with a JSON body and closed at once.
    let mut refused = 0;
    for s in idle.iter_mut().skip(50) {
        let (text, closed) = read_until_closed(s, Duration::from_secs(2)).await;
        assert!(closed, "a connection past the cap stayed open");
        assert!(text.starts_with("HTTP/1.1 429"), "{text}");
        let body = text.split("\r\n\r\n").nth(1).unwrap();
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert!(json["error"]
            .as_str()
            .unwrap()
            .contains("too many connections"));
        refused += 1;
    }
    assert_eq!(refused, 1050);
    // Another address is served at once.
    let started = Instant::now();
    let answer = health_from("127.0.0.2", addr).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(2));
    // Closing the held ones gives the address its connections back.
    idle.clear();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let answer = health_from("127.0.0.1", addr).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    state.request_shutdown();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn the_whole_server_is_capped_with_a_503() {
    let limits = Limits {
        max_connections: 10,
        ..test_limits()
    };
    let (state, router, _d) = fresh(limits).await;
    let (addr, server) = serve(&state, router).await;
    let mut held = Vec::new();
    for i in 0..10 {
        held.push(
            connect_from(&format!("127.0.1.{}", i + 1), addr)
                .await
                .unwrap(),
        );
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let answer = health_from("127.0.2.1", addr).await;
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains(r#"{"error":"#), "{answer}");
    drop(held);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let answer = health_from("127.0.2.1", addr).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    state.request_shutdown();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn slow_headers_are_cut_off_after_the_header_timeout() {
    let limits = Limits {
        header_read_timeout: Duration::from_secs(1),
        ..test_limits()
    };
    let (state, router, _d) = fresh(limits).await;
    let (addr, server) = serve(&state, router).await;
    let mut s = connect_from("127.0.0.1", addr).await.unwrap();
    let started = Instant::now();
    // Half a request, then a header line now and then: never the blank line.
    s.write_all(b"GET /api/health HTTP/1.1\r\nhost: x\r\n")
        .await
        .unwrap();
    let mut closed = false;
    for i in 0..8 {
        tokio::time::sleep(Duration::from_millis(400)).await;
        if s.write_all(format!("x-slow-{i}: 1\r\n").as_bytes())
            .await
            .is_err()
        {
            closed = true;
            break;
        }
        let mut buf = [0u8; 512];
        if let Ok(Ok(0) | Err(_)) =
            tokio::time::timeout(Duration::from_millis(10), s.read(&mut buf)).await
        {
            closed = true;
            break;
        }
    }
    assert!(closed, "a slow-headers connection was still open after 3 s");
    assert!(started.elapsed() < Duration::from_secs(3));
    // A kept-alive connection that sends no next request is closed by the same timeout.
    let mut s = connect_from("127.0.0.1", addr).await.unwrap();
    s.write_all(b"GET /api/health HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    let (text, closed) = read_until_closed(&mut s, Duration::from_secs(3)).await;
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(closed, "an idle kept-alive connection stayed open");
    state.request_shutdown();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn a_body_that_stops_coming_is_cut_off_after_the_idle_timeout() {
    let limits = Limits {
        idle_timeout: Duration::from_secs(1),
        ..test_limits()
    };
    let (state, router, _d) = fresh(limits).await;
    let (addr, server) = serve(&state, router).await;
    let mut s = connect_from("127.0.0.1", addr).await.unwrap();
    s.write_all(
        b"POST /api/rooms HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"topic\":",
    )
    .await
    .unwrap();
    let (_, closed) = read_until_closed(&mut s, Duration::from_secs(4)).await;
    assert!(closed, "a stalled body kept its connection");
    state.request_shutdown();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn websockets_are_capped_per_address() {
    let limits = Limits {
        max_websockets_per_address: 3,
        ..test_limits()
    };
    let (state, router, _d) = fresh(limits).await;
    let (code, _) = create_room(&router, 1, "").await;
    let (addr, server) = serve(&state, router).await;
    let url = format!("ws://{addr}/api/rooms/{code}/ws");
    let mut open = Vec::new();
    for _ in 0..3 {
        open.push(tokio_tungstenite::connect_async(&url).await.unwrap());
    }
    match tokio_tungstenite::connect_async(&url).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
            assert_eq!(resp.status(), 429);
            let body =
                String::from_utf8_lossy(resp.body().as_deref().unwrap_or_default()).into_owned();
            assert!(body.contains("WebSockets per address"), "{body}");
        }
        other => panic!("a fourth socket from one address: {:?}", other.map(|_| ())),
    }
    // A closed socket gives its slot back.
    drop(open.pop());
    let mut ok = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        if tokio_tungstenite::connect_async(&url).await.is_ok() {
            ok = true;
            break;
        }
    }
    assert!(ok);
    state.request_shutdown();
    server.await.unwrap().unwrap();
}
