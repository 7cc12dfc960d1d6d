//! Connections to the server: TCP from a chosen loopback address, WebSockets, the server
//! itself when it runs in this process, and reading a connection until the server ends it.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

/// The loopback address phone `n` connects from (a server on loopback): 127.1.x.y.
pub(crate) fn phone_addr(n: usize) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(
        127,
        1 + (n / 250) as u8,
        0,
        1 + (n % 250) as u8,
    ))
}
/// The loopback address the facilitator of room `r` creates it from, when a run has several
/// rooms: 127.2.x.y. Rooms one address may create are capped per hour (30), so 20 rooms from
/// one address would leave a second run against the same server refused; a facilitator per
/// room is what a hosted server sees anyway.
pub(crate) fn facilitator_addr(r: usize) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(
        127,
        2 + (r / 250) as u8,
        0,
        1 + (r % 250) as u8,
    ))
}

/// Whether the server at `url` is on this machine's IPv4 loopback (`127.x.y.z`, written as an
/// address): then the phones can connect from addresses of their own, as in a hall. A server
/// elsewhere (or named, or on IPv6) sees the one address this machine has.
pub(crate) fn is_loopback_v4(url: &str) -> bool {
    host_of(url)
        .parse::<SocketAddr>()
        .is_ok_and(|a| a.is_ipv4() && a.ip().is_loopback())
}

/// `host:port` of `url`.
fn host_of(url: &str) -> &str {
    url.trim_start_matches("http://")
        .trim_start_matches("ws://")
        .split('/')
        .next()
        .unwrap_or_default()
}

/// A TCP connection to the server at `url` from `local` (if any).
pub(crate) async fn tcp(url: &str, local: Option<IpAddr>) -> Result<tokio::net::TcpStream> {
    tcp_with(url, local, None).await
}

/// A TCP connection to the server at `url` from `local` (if any), with a receive buffer of
/// `recv_buffer` bytes (if any; the kernel may round it).
pub(crate) async fn tcp_with(
    url: &str,
    local: Option<IpAddr>,
    recv_buffer: Option<u32>,
) -> Result<tokio::net::TcpStream> {
    let host = host_of(url);
    let addr: SocketAddr = match host.parse() {
        Ok(a) => a,
        Err(_) => tokio::net::lookup_host(host)
            .await?
            .next()
            .context("cannot resolve the server")?,
    };
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    if let Some(ip) = local {
        socket.bind(SocketAddr::new(ip, 0))?;
    }
    if let Some(bytes) = recv_buffer {
        socket.set_recv_buffer_size(bytes)?;
    }
    Ok(socket.connect(addr).await?)
}

pub(crate) type Socket = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

/// A WebSocket to `path` on the server at `url`, from `local`.
pub(crate) async fn websocket(url: &str, path: &str, local: Option<IpAddr>) -> Result<Socket> {
    let stream = tcp(url, local).await?;
    let ws_url = format!("{}{path}", url.replacen("http", "ws", 1));
    let (ws, _) = tokio_tungstenite::client_async(ws_url, stream).await?;
    Ok(ws)
}
/// The workshop server on 127.0.0.1, port chosen by the system, on its own runtime (2 worker
/// threads) and thread, with a fresh SQLite file in a temporary folder: its URL and the folder.
pub(crate) fn start_server() -> Result<(String, tempfile::TempDir)> {
    polyphony_server::raise_fd_limit();
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("load.db");
    let (tx, rx) = std::sync::mpsc::channel::<Result<SocketAddr, String>>();
    std::thread::spawn(move || {
        let rt = match tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
        {
            Ok(rt) => rt,
            Err(e) => {
                let _ = tx.send(Err(e.to_string()));
                return;
            }
        };
        rt.block_on(async move {
            let mut limits = polyphony_server::Limits::default();
            if let Some(n) = polyphony_server::raise_fd_limit() {
                limits.max_connections =
                    u32::try_from(n.saturating_sub(64).max(64)).unwrap_or(u32::MAX);
            }
            let state = match polyphony_server::AppState::open(&db, limits).await {
                Ok(s) => s,
                Err(e) => {
                    let _ = tx.send(Err(e.to_string()));
                    return;
                }
            };
            let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
                Ok(l) => l,
                Err(e) => {
                    let _ = tx.send(Err(e.to_string()));
                    return;
                }
            };
            let _ = tx.send(listener.local_addr().map_err(|e| e.to_string()));
            let _ = polyphony_server::serve(listener, state).await;
        });
    });
    let addr = rx
        .recv()
        .context("server thread ended")?
        .map_err(anyhow::Error::msg)?;
    Ok((format!("http://{addr}"), dir))
}
/// Reads until the server closes the connection or `until`; true when the server closed it.
pub(crate) async fn closed_by_server(
    s: &mut tokio::net::TcpStream,
    until: Instant,
) -> (bool, Vec<u8>) {
    use tokio::io::AsyncReadExt;
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout_at(until.into(), s.read(&mut buf)).await {
            Err(_) => return (false, got),
            Ok(Ok(0)) | Ok(Err(_)) => return (true, got),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
}

/// How a drained connection ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Drained {
    /// End of stream or an error: the server closed it.
    Closed,
    /// Still open, and bytes still arriving in the last second.
    Flowing,
    /// Still open, and nothing arrived for the last second.
    Silent,
}

/// Reads and discards until the server closes the connection or `until`.
pub(crate) async fn drain(s: &mut tokio::net::TcpStream, until: Instant) -> Drained {
    use tokio::io::AsyncReadExt;
    let mut buf = [0u8; 4096];
    let mut last = Instant::now();
    loop {
        match tokio::time::timeout_at(until.into(), s.read(&mut buf)).await {
            Err(_) if last.elapsed() < Duration::from_secs(1) => return Drained::Flowing,
            Err(_) => return Drained::Silent,
            Ok(Ok(0)) | Ok(Err(_)) => return Drained::Closed,
            Ok(Ok(_)) => last = Instant::now(),
        }
    }
}
