//! Attacks on connections: held open as long as the server lets them, each spending a slot,
//! a timer or a buffer of the server's.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{AttackTally, Target, ATTACKER};
use crate::net::{closed_by_server, drain, tcp, tcp_with, websocket, Drained};
use crate::probe::server_side_states;

/// Slow headers: half a request's headers, then a header line every 2 s and never the blank
/// line; again as soon as the server ends it, until `end`.
pub(super) async fn slow_headers(t: Target, end: Instant, tally: Arc<AttackTally>) {
    use tokio::io::AsyncWriteExt;
    while Instant::now() < end {
        tally.tried.fetch_add(1, Ordering::Relaxed);
        let Ok(mut s) = tcp(&t.url, Some(ATTACKER)).await else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        if s.write_all(b"GET /api/health HTTP/1.1\r\nhost: x\r\n")
            .await
            .is_err()
        {
            continue;
        }
        tally.hold();
        // A header line every 2 s, never the blank line.
        let mut line = 0;
        let outcome = loop {
            let (closed, got) =
                closed_by_server(&mut s, Instant::now() + Duration::from_secs(2)).await;
            if closed || !got.is_empty() {
                break got;
            }
            line += 1;
            if Instant::now() >= end
                || s.write_all(format!("x-{line}: y\r\n").as_bytes())
                    .await
                    .is_err()
            {
                break Vec::new();
            }
        };
        tally.release();
        if outcome.starts_with(b"HTTP/1.1 429") || outcome.starts_with(b"HTTP/1.1 503") {
            tally.refused.fetch_add(1, Ordering::Relaxed);
        } else {
            tally.cut.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Big frames: a projector socket (no credential) whose first frame announces 15 MiB, then
/// 60 KiB of it and a trickle; reopened as soon as the server closes it, until `end`.
pub(super) async fn big_frames(t: Target, end: Instant, tally: Arc<AttackTally>) {
    use tokio::io::AsyncWriteExt;
    let path = format!("/api/rooms/{}/ws", t.code);
    while Instant::now() < end {
        tally.tried.fetch_add(1, Ordering::Relaxed);
        let Ok(mut ws) = websocket(&t.url, &path, Some(ATTACKER)).await else {
            tally.refused.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        tally.hold();
        // A binary frame announcing 15 MiB (masked, as a client must), then 60 KiB of it
        // and a trickle.
        let mut frame = vec![0x82u8, 0xFF];
        frame.extend_from_slice(&(15u64 << 20).to_be_bytes());
        frame.extend_from_slice(&[1, 2, 3, 4]);
        frame.extend(std::iter::repeat_n(0u8, 60 * 1024));
        let s = ws.get_mut();
        let mut cut = s.write_all(&frame).await.is_err();
        while !cut && Instant::now() < end {
            let (closed, _) =
                closed_by_server(s, Instant::now() + Duration::from_millis(500)).await;
            cut = closed || s.write_all(&[0u8; 1024]).await.is_err();
        }
        tally.release();
        if cut {
            tally.cut.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Slow readers: a projector socket with a 4 KiB receive buffer that reads nothing until `end`
/// (a refused one retries every 200 ms, so a slot the server frees is taken again), then is
/// drained to see whether the server dropped it. The handshake is written by hand: the
/// attacker holds no buffer of its own.
pub(super) async fn slow_reader(t: Target, end: Instant, tally: Arc<AttackTally>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let request = format!(
        "GET /api/rooms/{}/ws HTTP/1.1\r\nhost: x\r\nupgrade: websocket\r\nconnection: upgrade\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n\r\n",
        t.code
    );
    while Instant::now() < end {
        tally.tried.fetch_add(1, Ordering::Relaxed);
        let Ok(mut s) = tcp_with(&t.url, Some(ATTACKER), Some(4096)).await else {
            tally.count("connect failed");
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let mut head = [0u8; 12];
        let upgraded = s.write_all(request.as_bytes()).await.is_ok()
            && s.read_exact(&mut head).await.is_ok()
            && head.starts_with(b"HTTP/1.1 101");
        if !upgraded {
            tally.refused.fetch_add(1, Ordering::Relaxed);
            drop(s);
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        }
        tally.hold();
        tally.count("opened");
        tokio::time::sleep_until(end.into()).await;
        if !tally.states_seen.swap(true, Ordering::Relaxed) {
            // Once, at the end of the attack: the server's end of the attacker's connections.
            let port = t.url.rsplit(':').next().and_then(|p| p.parse().ok());
            let states = port.map(server_side_states).unwrap_or_default();
            let list: Vec<String> = states.iter().map(|(s, n)| format!("{s} {n}")).collect();
            println!(
                "slow readers at the end of the attack: the attacker holds {}; the server's ends of connections from 127.0.0.1: {}",
                tally.held.load(Ordering::Relaxed),
                list.join(", ")
            );
        }
        let drained = drain(&mut s, Instant::now() + Duration::from_secs(3)).await;
        drop(s);
        tally.release();
        tally.count(match drained {
            Drained::Closed => "dropped by the server (end of stream once drained)",
            Drained::Flowing => "still open, views still arriving",
            Drained::Silent => "still open, nothing arriving",
        });
        if drained == Drained::Closed {
            tally.cut.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Slow bodies: a POST's complete headers announcing a 64-byte body, then a byte of it every
/// 3 s; again until `end`.
pub(super) async fn slow_body(t: Target, end: Instant, tally: Arc<AttackTally>) {
    use tokio::io::AsyncWriteExt;
    let head = format!(
        "POST /api/rooms/{}/votes HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 64\r\n\r\n",
        t.code
    );
    while Instant::now() < end {
        tally.tried.fetch_add(1, Ordering::Relaxed);
        let Ok(mut s) = tcp(&t.url, Some(ATTACKER)).await else {
            tally.count("connect failed");
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let opened = Instant::now();
        if s.write_all(head.as_bytes()).await.is_err() {
            tally.count("closed while sending the headers");
            continue;
        }
        tally.hold();
        let outcome = loop {
            let (closed, got) =
                closed_by_server(&mut s, Instant::now() + Duration::from_secs(3)).await;
            if closed || !got.is_empty() {
                break Some(got);
            }
            if Instant::now() >= end {
                break None;
            }
            if s.write_all(b" ").await.is_err() {
                break Some(Vec::new());
            }
        };
        tally.release();
        let held = opened.elapsed().as_secs_f64();
        let what = match outcome {
            None => "still sending at the end".to_string(),
            Some(got) if got.is_empty() => "closed without an answer".to_string(),
            Some(got) => {
                let status = String::from_utf8_lossy(&got[..got.len().min(12)]).to_string();
                let status = status.trim_start_matches("HTTP/1.1 ").trim().to_string();
                if status == "429" || status == "503" {
                    tally.refused.fetch_add(1, Ordering::Relaxed);
                } else {
                    tally.cut.fetch_add(1, Ordering::Relaxed);
                }
                format!("answered {status}")
            }
        };
        tally.count_timed(&what, held);
    }
}
