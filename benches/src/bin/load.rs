//! Load test of the workshop server: simulated phones join one room over HTTP and vote over
//! WebSocket on 127.0.0.1, each waiting for its acknowledgement before thinking and voting again
//! (as the web app does). Prints acknowledged / rejected / unacknowledged / lost votes and the
//! ack latency percentiles.
//!
//! "Lost" is checked, not assumed: after the run the room's `votes.csv` export is read back and
//! every acknowledged, non-duplicate vote must be in it.
//!
//! With `--tables same_group|mixed`, the phones stay connected after voting; the facilitator
//! forms discussion tables and the run prints how long it took from the request until every
//! phone had been shown its table.
//!
//! With `--attack big-frames|slow-headers|join-flood|sybil|slow-readers|slow-bodies|positions`,
//! one hostile address (127.0.0.1) attacks the server during the middle half of the run, and the
//! run prints what the attacker got, the phones' ack p99 before, during and after the attack,
//! the process's RSS before, at its peak during and 5 s after the attack's last socket closed,
//! and whether every phone kept being served (the lost-vote check counts the attacker's
//! acknowledged votes too). `slow-readers` is meant for a big room: `--statements 1000`.
//!
//! With `--soak`, 500 phones (unless `--phones`) vote for `--minutes` (default 10) with two
//! reconnect storms (at a third and two thirds of the run every phone drops its socket, with a
//! vote in flight, and reconnects within the same 5 s, resending that vote), and the run prints
//! acks, p99, the process's RSS at start and end, and the lost votes (must be 0).
//!
//! `cargo xtask load --phones 200 --seconds 30` (or `cargo run --release -p polyphony-benches
//! --bin load -- --phones 200 --seconds 30`). Without `--url` the server runs in this process, on
//! its own runtime and threads, with a fresh SQLite file in a temporary folder, and each phone
//! connects from its own loopback address (127.1.x.y, Linux), as phones in a hall have their own
//! addresses; the attacker uses 127.0.0.1.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::{Parser, ValueEnum};
use futures_util::{SinkExt, StreamExt};
use polyphony_protocol::{ClientMessage, NewStatement, ServerMessage, Vote, VoteRequest};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use tokio_tungstenite::tungstenite::Message;

/// What the hostile address does during `--attack`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Attack {
    /// WebSockets (no credential needed: the projector's) whose first frame announces 15 MiB
    /// and then trickles, reopened as fast as they close.
    BigFrames,
    /// Connections that send half a request's headers and a line now and then, as many as the
    /// server lets through, reopened as they close.
    SlowHeaders,
    /// Joins as fast as the server answers, from 8 loops.
    JoinFlood,
    /// Sybil identities: the attacker knows the current admission code (someone in the room
    /// relays it) and joins as many tokens as the server lets it, each voting 10 times a
    /// second by flipping agree/disagree on the same statement (the next one once refused
    /// `vote_limit`).
    Sybil,
    /// Projector sockets (no credential) with a 4 KiB receive buffer that never read, 1,200
    /// tried at once and held to the end (the address's cap refuses some; they retry every
    /// 200 ms and take the slots of sockets the server drops). Run on a big room:
    /// `--statements 1000`.
    SlowReaders,
    /// Connections that send a POST's complete headers with a Content-Length, then one body
    /// byte every 3 s, as many as the server lets through, reopened as they end.
    SlowBodies,
    /// One joined token sending spectrum positions as fast as its socket takes them (the
    /// facilitator opens a spectrum on statement 0 as the attack starts).
    Positions,
}

#[derive(Parser)]
#[command(about = "Drive simulated phones against a Polyphony server")]
struct Args {
    /// Simulated phones (default 200, or 500 with --soak).
    #[arg(long)]
    phones: Option<usize>,
    /// How long they vote.
    #[arg(long, default_value_t = 30)]
    seconds: u64,
    /// Seed statements in the room.
    #[arg(long, default_value_t = 40)]
    statements: usize,
    /// Mean think time between a phone's votes (uniform in 0.5–1.5 × this).
    #[arg(long, default_value_t = 1000)]
    think_ms: u64,
    /// A running server (`http://host:port`); default: start one in this process.
    #[arg(long)]
    url: Option<String>,
    /// Seed of the simulated phones' choices.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// After voting, form discussion tables (`same_group` or `mixed`) and time how long until
    /// every phone shows its table.
    #[arg(long)]
    tables: Option<String>,
    /// Attack the server from one address during the middle half of the run.
    #[arg(long, value_enum)]
    attack: Option<Attack>,
    /// A sustained run with reconnect storms (see the top of this file); `--minutes` long.
    #[arg(long)]
    soak: bool,
    /// How long a soak runs.
    #[arg(long, default_value_t = 10)]
    minutes: u64,
}

#[derive(Default)]
struct Tally {
    sent: AtomicU64,
    acked: AtomicU64,
    duplicates: AtomicU64,
    rejected: AtomicU64,
    unacked: AtomicU64,
    statements: AtomicU64,
    /// Phones done voting and waiting for their table.
    waiting: AtomicU64,
    /// Reconnections during storms.
    reconnects: AtomicU64,
}

/// The loopback address phone `n` connects from (in-process server only): 127.1.x.y.
fn phone_addr(n: usize) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(
        127,
        1 + (n / 250) as u8,
        0,
        1 + (n % 250) as u8,
    ))
}

/// The resident set size of this process (server and simulated phones), in MiB (Linux).
fn rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// A TCP connection to the server at `url` from `local` (if any).
async fn tcp(url: &str, local: Option<IpAddr>) -> Result<tokio::net::TcpStream> {
    tcp_with(url, local, None).await
}

/// A TCP connection to the server at `url` from `local` (if any), with a receive buffer of
/// `recv_buffer` bytes (if any; the kernel may round it).
async fn tcp_with(
    url: &str,
    local: Option<IpAddr>,
    recv_buffer: Option<u32>,
) -> Result<tokio::net::TcpStream> {
    let host = url
        .trim_start_matches("http://")
        .trim_start_matches("ws://")
        .split('/')
        .next()
        .unwrap_or_default();
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

type Socket = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

/// A WebSocket to `path` on the server at `url`, from `local`.
async fn websocket(url: &str, path: &str, local: Option<IpAddr>) -> Result<Socket> {
    let stream = tcp(url, local).await?;
    let ws_url = format!("{}{path}", url.replacen("http", "ws", 1));
    let (ws, _) = tokio_tungstenite::client_async(ws_url, stream).await?;
    Ok(ws)
}

fn start_server() -> Result<(String, tempfile::TempDir)> {
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

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// One phone: what it needs to know.
#[derive(Clone)]
struct PhonePlan {
    url: String,
    code: String,
    statements: usize,
    think: Duration,
    deadline: Instant,
    seed: u64,
    wait_for_table: bool,
    /// The address it connects from (None: the system's choice).
    local: Option<IpAddr>,
    /// Reconnect storms: the phone drops its socket within 5 s after each.
    storms: Vec<Instant>,
    /// The run's start (latencies are stamped with their time since it).
    started: Instant,
    /// The facilitator key: the phone reads the admission code the projector shows (as a
    /// person reads it off the screen) before it joins.
    key: String,
}

/// A phone's acks: (seconds since the start, latency ms).
type Acks = Vec<(f64, f64)>;

async fn phone(plan: PhonePlan, n: usize, tally: Arc<Tally>) -> Result<(Acks, Option<Instant>)> {
    let PhonePlan {
        url,
        code,
        statements,
        think,
        deadline,
        seed,
        wait_for_table,
        local,
        storms,
        started,
        key,
    } = plan;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ (n as u64).wrapping_mul(0x9E37_79B9));
    let mut http = reqwest::Client::builder();
    if let Some(ip) = local {
        http = http.local_address(ip);
    }
    let http = http.build()?;
    let admission: serde_json::Value = http
        .get(format!("{url}/api/rooms/{code}/admission"))
        .header("x-facilitator-key", &key)
        .send()
        .await?
        .json()
        .await?;
    let admission = admission["code"].as_str().unwrap_or_default();
    let answer = http
        .post(format!("{url}/api/rooms/{code}/join?admission={admission}"))
        .send()
        .await?;
    if !answer.status().is_success() {
        bail!("join: {} {}", answer.status(), answer.text().await?);
    }
    let joined: serde_json::Value = answer.json().await?;
    let token = joined["participant_token"]
        .as_str()
        .context("no token")?
        .to_string();
    let path = format!("/api/rooms/{code}/ws?token={token}");
    let mut ws = websocket(&url, &path, local).await?;
    // Each storm: this phone's moment within its 5 s.
    let mut drops: Vec<Instant> = storms
        .iter()
        .map(|t| *t + Duration::from_millis(rng.gen_range(0..5000)))
        .collect();
    drops.reverse();
    let camp = n % 2;
    let mut latencies = Vec::new();
    let mut next: Option<u32> = None;
    let mut k = 0u64;
    // Stagger the start so the phones do not all vote in the same millisecond.
    tokio::time::sleep(think.mul_f64(rng.gen::<f64>())).await;
    while Instant::now() < deadline {
        // Most votes follow the server's routing; when a phone has voted on everything it
        // changes its mind on a random statement. One in 25 actions writes a statement.
        let msg = if k % 25 == 24 {
            ClientMessage::AddStatement(NewStatement {
                id: Some(format!("s{k}")),
                text: format!("Phone {n} thinks thought number {k}"),
            })
        } else {
            let statement = next.unwrap_or_else(|| rng.gen_range(0..statements as u32));
            let s = statement as usize;
            let vote = if s.is_multiple_of(3) || s.is_multiple_of(2) == (camp == 0) {
                Vote::Agree
            } else if rng.gen_bool(0.1) {
                Vote::Pass
            } else {
                Vote::Disagree
            };
            ClientMessage::Vote(VoteRequest {
                id: format!("v{k}"),
                statement,
                vote,
            })
        };
        k += 1;
        let is_vote = matches!(msg, ClientMessage::Vote(_));
        let text = serde_json::to_string(&msg)?;
        ws.send(Message::Text(text.clone().into())).await?;
        let mut sent = Instant::now();
        if is_vote {
            tally.sent.fetch_add(1, Ordering::Relaxed);
        }
        // A storm: the wifi drops with this request in flight; the phone reconnects and
        // resends it (same id), as the web app's offline queue does.
        if drops.last().is_some_and(|t| Instant::now() >= *t) {
            drops.pop();
            drop(ws);
            ws = websocket(&url, &path, local).await?;
            ws.send(Message::Text(text.into())).await?;
            sent = Instant::now();
            tally.reconnects.fetch_add(1, Ordering::Relaxed);
        }
        // Read until this request's answer, remembering the latest "next".
        let answered = tokio::time::timeout(Duration::from_secs(10), async {
            while let Some(frame) = ws.next().await {
                let Ok(Message::Text(t)) = frame else {
                    continue;
                };
                match serde_json::from_str::<ServerMessage>(&t) {
                    Ok(ServerMessage::Phone(v)) => next = v.next.map(|s| s.id),
                    Ok(ServerMessage::Ack(a)) => {
                        latencies.push((
                            sent.duration_since(started).as_secs_f64(),
                            sent.elapsed().as_secs_f64() * 1000.0,
                        ));
                        tally.acked.fetch_add(1, Ordering::Relaxed);
                        if a.duplicate {
                            tally.duplicates.fetch_add(1, Ordering::Relaxed);
                        }
                        return true;
                    }
                    Ok(ServerMessage::StatementAdded(_)) => {
                        tally.statements.fetch_add(1, Ordering::Relaxed);
                        return true;
                    }
                    Ok(ServerMessage::Rejected(_)) => {
                        if is_vote {
                            tally.rejected.fetch_add(1, Ordering::Relaxed);
                        }
                        return true;
                    }
                    _ => {}
                }
            }
            false
        })
        .await
        .unwrap_or(false);
        if !answered {
            if is_vote {
                tally.unacked.fetch_add(1, Ordering::Relaxed);
            }
            break;
        }
        // Wait for the phone view that follows the answer, briefly.
        if let Ok(Some(Ok(Message::Text(t)))) =
            tokio::time::timeout(Duration::from_millis(200), ws.next()).await
        {
            if let Ok(ServerMessage::Phone(v)) = serde_json::from_str::<ServerMessage>(&t) {
                next = v.next.map(|s| s.id);
            }
        }
        tokio::time::sleep(think.mul_f64(0.5 + rng.gen::<f64>())).await;
    }
    let mut seated = None;
    if wait_for_table {
        tally.waiting.fetch_add(1, Ordering::Relaxed);
        seated = tokio::time::timeout(Duration::from_secs(60), async {
            while let Some(frame) = ws.next().await {
                let Ok(Message::Text(t)) = frame else {
                    continue;
                };
                if let Ok(ServerMessage::Phone(v)) = serde_json::from_str::<ServerMessage>(&t) {
                    if v.table.is_some() {
                        return Some(Instant::now());
                    }
                }
            }
            None
        })
        .await
        .ok()
        .flatten();
    }
    let _ = ws.close(None).await;
    Ok((latencies, seated))
}

/// What the attacker managed.
#[derive(Default)]
struct AttackTally {
    /// Connections (or joins) tried.
    tried: AtomicU64,
    /// Refused at once (429 / 503).
    refused: AtomicU64,
    /// Accepted, then closed by the server (frame too big, header timeout).
    cut: AtomicU64,
    /// Joins that succeeded.
    joined: AtomicU64,
    /// Most connections the attacker held open at once.
    held_max: AtomicU64,
    held: AtomicU64,
    /// Votes of the attacker's tokens acknowledged as new (stored: part of the lost check).
    votes_new: AtomicU64,
    /// The attacker's tokens that got at least one vote acknowledged.
    voters: AtomicU64,
    /// Whether the server's TCP states were printed (slow readers).
    states_seen: std::sync::atomic::AtomicBool,
    /// Bytes of text messages the attacker's sockets received (positions).
    received: AtomicU64,
    /// How the newer modes' attempts ended, by name ("acked", "rate_limited", "408", ...):
    /// how many, and the longest time one of them took (s).
    outcomes: std::sync::Mutex<std::collections::BTreeMap<String, (u64, f64)>>,
}

impl AttackTally {
    fn count(&self, what: &str) {
        self.count_timed(what, 0.0);
    }
    fn count_timed(&self, what: &str, secs: f64) {
        if let Ok(mut m) = self.outcomes.lock() {
            let e = m.entry(what.to_string()).or_insert((0, 0.0));
            e.0 += 1;
            e.1 = e.1.max(secs);
        }
    }
    fn outcome(&self, what: &str) -> u64 {
        self.outcomes
            .lock()
            .ok()
            .and_then(|m| m.get(what).map(|e| e.0))
            .unwrap_or(0)
    }
    fn hold(&self) {
        let now = self.held.fetch_add(1, Ordering::Relaxed) + 1;
        self.held_max.fetch_max(now, Ordering::Relaxed);
    }
    fn release(&self) {
        self.held.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Reads until the server closes the connection or `until`; true when the server closed it.
async fn closed_by_server(s: &mut tokio::net::TcpStream, until: Instant) -> (bool, Vec<u8>) {
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
enum Drained {
    /// End of stream or an error: the server closed it.
    Closed,
    /// Still open, and bytes still arriving in the last second.
    Flowing,
    /// Still open, and nothing arrived for the last second.
    Silent,
}

/// Reads and discards until the server closes the connection or `until`.
async fn drain(s: &mut tokio::net::TcpStream, until: Instant) -> Drained {
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

/// Open file descriptors of this process (Linux): the server's and the clients' sockets.
fn open_files() -> Option<usize> {
    Some(std::fs::read_dir("/proc/self/fd").ok()?.count())
}

/// TCP connections to the server's `port` from 127.0.0.1, as the server's end sees them, by
/// state (`/proc/net/tcp`, Linux): "established", "fin_wait1", ...
fn server_side_states(port: u16) -> std::collections::BTreeMap<&'static str, u64> {
    let mut by_state = std::collections::BTreeMap::new();
    let Ok(table) = std::fs::read_to_string("/proc/self/net/tcp") else {
        return by_state;
    };
    let local = format!("0100007F:{port:04X}");
    for line in table.lines().skip(1) {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 4 || f[1] != local || !f[2].starts_with("0100007F:") {
            continue;
        }
        let state = match f[3] {
            "01" => "established",
            "04" => "fin_wait1",
            "05" => "fin_wait2",
            "06" => "time_wait",
            "08" => "close_wait",
            "09" => "last_ack",
            _ => "other",
        };
        *by_state.entry(state).or_insert(0) += 1;
    }
    by_state
}

/// What the attacker knows of the room.
#[derive(Clone)]
struct Target {
    url: String,
    code: String,
    /// The facilitator key: the attacker uses it only to read the admission code, as someone
    /// in the room relaying what the projector shows would (and the facilitator's own
    /// requests, e.g. opening a spectrum, go with it).
    key: String,
    statements: usize,
}

/// The address every attack comes from.
const ATTACKER: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// An error answer's stable code (`rate_limited`, ...), or its status when it has none.
fn refusal(code: Option<polyphony_protocol::ErrorCode>, status: u16) -> String {
    code.and_then(|c| serde_json::to_value(c).ok())
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| status.to_string())
}

/// The admission code the projector shows now.
async fn admission_code(http: &reqwest::Client, t: &Target) -> Result<String> {
    let v: serde_json::Value = http
        .get(format!("{}/api/rooms/{}/admission", t.url, t.code))
        .header("x-facilitator-key", &t.key)
        .send()
        .await?
        .json()
        .await?;
    Ok(v["code"].as_str().unwrap_or_default().to_string())
}

/// One join from the attacker's address: the token, or how it was refused and how long to
/// wait before the next try.
async fn attacker_join(
    http: &reqwest::Client,
    t: &Target,
    admission: &str,
) -> Result<std::result::Result<String, (String, Duration)>> {
    let answer = http
        .post(format!(
            "{}/api/rooms/{}/join?admission={admission}",
            t.url, t.code
        ))
        .send()
        .await?;
    let status = answer.status();
    if status.is_success() {
        let joined: serde_json::Value = answer.json().await?;
        let token = joined["participant_token"].as_str().context("no token")?;
        return Ok(Ok(token.to_string()));
    }
    let wait = answer
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
        .map_or(Duration::from_millis(200), Duration::from_secs);
    let body: polyphony_protocol::ErrorBody = answer.json().await?;
    Ok(Err((refusal(body.code, status.as_u16()), wait)))
}

/// Sybil: join tokens from the attacker's address while the server lets it, each voting.
async fn sybil(t: Target, end: Instant, tally: Arc<AttackTally>) {
    let http = reqwest::Client::builder()
        .local_address(Some(ATTACKER))
        .build()
        .unwrap_or_default();
    let mut voters = Vec::new();
    let mut admission: Option<(String, Instant)> = None;
    while Instant::now() < end {
        // The code rotates every minute (the previous one still accepted): read it again
        // every 20 s, as the relaying accomplice would.
        let code = match &admission {
            Some((c, at)) if at.elapsed() < Duration::from_secs(20) => c.clone(),
            _ => match admission_code(&http, &t).await {
                Ok(c) => {
                    admission = Some((c.clone(), Instant::now()));
                    c
                }
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        tally.tried.fetch_add(1, Ordering::Relaxed);
        match attacker_join(&http, &t, &code).await {
            Ok(Ok(token)) => {
                let n = tally.joined.fetch_add(1, Ordering::Relaxed) as usize;
                let (t, tally) = (t.clone(), Arc::clone(&tally));
                voters.push(tokio::spawn(sybil_voter(t, token, n, end, tally)));
            }
            Ok(Err((why, wait))) => {
                tally.refused.fetch_add(1, Ordering::Relaxed);
                tally.count(&format!("join {why}"));
                if why == "admission_required" {
                    admission = None;
                }
                let until = (Instant::now() + wait).min(end);
                tokio::time::sleep_until(until.into()).await;
            }
            Err(_) => {
                tally.count("join failed");
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
    for v in voters {
        let _ = v.await;
    }
}

/// One sybil token: a vote every 100 ms (10 a second, what one token may send), agree and
/// disagree in turn on one statement until it is refused `vote_limit`, then the next.
async fn sybil_voter(t: Target, token: String, n: usize, end: Instant, tally: Arc<AttackTally>) {
    let path = format!("/api/rooms/{}/ws?token={token}", t.code);
    let Ok(mut ws) = websocket(&t.url, &path, Some(ATTACKER)).await else {
        tally.count("socket refused");
        return;
    };
    tally.hold();
    let statements = t.statements.max(1) as u32;
    let mut statement = n as u32 % statements;
    let mut agree = true;
    let mut voted = false;
    let mut k = 0u64;
    while Instant::now() < end {
        let tick = Instant::now();
        k += 1;
        let msg = ClientMessage::Vote(VoteRequest {
            id: format!("x{k}"),
            statement,
            vote: if agree { Vote::Agree } else { Vote::Disagree },
        });
        let Ok(text) = serde_json::to_string(&msg) else {
            break;
        };
        if ws.send(Message::Text(text.into())).await.is_err() {
            tally.count("socket closed by the server");
            break;
        }
        let answer = tokio::time::timeout(Duration::from_secs(10), async {
            while let Some(frame) = ws.next().await {
                let Ok(Message::Text(t)) = frame else {
                    continue;
                };
                match serde_json::from_str::<ServerMessage>(&t) {
                    Ok(ServerMessage::Ack(a)) => return Some(Ok(a.duplicate)),
                    Ok(ServerMessage::Rejected(r)) => return Some(Err(refusal(r.code, r.status))),
                    _ => {}
                }
            }
            None
        })
        .await;
        match answer {
            Ok(Some(Ok(duplicate))) => {
                tally.count("acked");
                if !duplicate {
                    tally.votes_new.fetch_add(1, Ordering::Relaxed);
                }
                if !voted {
                    voted = true;
                    tally.voters.fetch_add(1, Ordering::Relaxed);
                }
                agree = !agree;
            }
            Ok(Some(Err(why))) => {
                if why == "vote_limit" {
                    statement = (statement + 1) % statements;
                }
                tally.count(&why);
            }
            Ok(None) => {
                tally.count("socket closed by the server");
                break;
            }
            Err(_) => {
                tally.count("no answer within 10 s");
                break;
            }
        }
        tokio::time::sleep_until((tick + Duration::from_millis(100)).into()).await;
    }
    let _ = ws.close(None).await;
    tally.release();
}

/// Slow readers: a projector socket with a 4 KiB receive buffer that reads nothing until `end`
/// (a refused one retries every 200 ms, so a slot the server frees is taken again), then is
/// drained to see whether the server dropped it. The handshake is written by hand: the
/// attacker holds no buffer of its own.
async fn slow_reader(t: Target, end: Instant, tally: Arc<AttackTally>) {
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
async fn slow_body(t: Target, end: Instant, tally: Arc<AttackTally>) {
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

/// Positions: the facilitator opens a spectrum; one token joined from the attacker's address
/// sends positions (a different one each time) as fast as its socket takes them, while
/// another task reads the answers.
async fn positions(t: Target, end: Instant, tally: Arc<AttackTally>) -> Result<()> {
    let facilitator = reqwest::Client::new();
    let answer = facilitator
        .post(format!("{}/api/rooms/{}/spectrums", t.url, t.code))
        .header("x-facilitator-key", &t.key)
        .json(&serde_json::json!({ "statement": 0 }))
        .send()
        .await?;
    if !answer.status().is_success() {
        bail!(
            "opening a spectrum: {} {}",
            answer.status(),
            answer.text().await?
        );
    }
    let spectrum: polyphony_protocol::SpectrumView = answer.json().await?;
    let round = spectrum.open_round.context("no round open")?;
    let http = reqwest::Client::builder()
        .local_address(Some(ATTACKER))
        .build()?;
    let admission = admission_code(&http, &t).await?;
    let token = match attacker_join(&http, &t, &admission).await? {
        Ok(token) => token,
        Err((why, _)) => bail!("the attacker could not join: {why}"),
    };
    tally.joined.fetch_add(1, Ordering::Relaxed);
    let path = format!("/api/rooms/{}/ws?token={token}", t.code);
    let ws = websocket(&t.url, &path, Some(ATTACKER)).await?;
    tally.hold();
    let (mut sink, mut stream) = ws.split();
    let reader = {
        let tally = Arc::clone(&tally);
        tokio::spawn(async move {
            // Answers to what was sent before `end` still count, for a moment after it.
            let stop = end + Duration::from_secs(2);
            // An ack at the position of the previous ack moved nothing: the server answers
            // "where you already stand" without taking a rate token or writing.
            let mut stands = None;
            while let Ok(Some(frame)) = tokio::time::timeout_at(stop.into(), stream.next()).await {
                let Ok(Message::Text(text)) = frame else {
                    continue;
                };
                tally
                    .received
                    .fetch_add(text.len() as u64, Ordering::Relaxed);
                match serde_json::from_str::<ServerMessage>(&text) {
                    Ok(ServerMessage::SpectrumAck(a)) => {
                        if stands == Some(a.position) {
                            tally.count("acked where it already stood");
                        } else {
                            tally.count("acked");
                            stands = Some(a.position);
                        }
                    }
                    Ok(ServerMessage::Rejected(r)) => tally.count(&refusal(r.code, r.status)),
                    Ok(ServerMessage::Phone(_)) => tally.count("phone views received"),
                    _ => {}
                }
            }
        })
    };
    let mut k = 0u64;
    while Instant::now() < end {
        k += 1;
        let msg = ClientMessage::Spectrum(polyphony_protocol::SpectrumPosition {
            id: Some(format!("p{k}")),
            spectrum: spectrum.id,
            round,
            position: (k % 5) as i8 - 2,
        });
        let text = serde_json::to_string(&msg)?;
        tally.tried.fetch_add(1, Ordering::Relaxed);
        if sink.send(Message::Text(text.into())).await.is_err() {
            tally.count("socket closed by the server");
            break;
        }
    }
    let _ = reader.await;
    tally.release();
    Ok(())
}

/// One attacker worker, looping until `end`.
async fn attack_worker(kind: Attack, target: Target, end: Instant, tally: Arc<AttackTally>) {
    use tokio::io::AsyncWriteExt;
    match kind {
        Attack::Sybil => return sybil(target, end, tally).await,
        Attack::SlowReaders => return slow_reader(target, end, tally).await,
        Attack::SlowBodies => return slow_body(target, end, tally).await,
        Attack::Positions => {
            if let Err(e) = positions(target, end, tally).await {
                eprintln!("load: the positions attack failed: {e:#}");
            }
            return;
        }
        Attack::JoinFlood | Attack::SlowHeaders | Attack::BigFrames => {}
    }
    let Target { url, code, .. } = target;
    let attacker = Some(ATTACKER);
    let http = reqwest::Client::builder()
        .local_address(attacker)
        .build()
        .unwrap_or_default();
    while Instant::now() < end {
        tally.tried.fetch_add(1, Ordering::Relaxed);
        match kind {
            Attack::JoinFlood => {
                match http
                    .post(format!("{url}/api/rooms/{code}/join"))
                    .send()
                    .await
                {
                    Ok(r) if r.status().is_success() => {
                        tally.joined.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(_) => {
                        tally.refused.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
                }
            }
            Attack::SlowHeaders => {
                let Ok(mut s) = tcp(&url, attacker).await else {
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
            Attack::Sybil | Attack::SlowReaders | Attack::SlowBodies | Attack::Positions => {}
            Attack::BigFrames => {
                let path = format!("/api/rooms/{code}/ws");
                let Ok(mut ws) = websocket(&url, &path, attacker).await else {
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
    }
}

/// The server's own allocator (see `crates/polyphony/src/main.rs`), so the RSS this process
/// reports is the one `polyphony serve` would have.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let args = Args::parse();
    let phones = args.phones.unwrap_or(if args.soak { 500 } else { 200 });
    let seconds = if args.soak {
        args.minutes * 60
    } else {
        args.seconds
    };
    let in_process = args.url.is_none();
    let (url, _dir) = match &args.url {
        Some(u) => (u.trim_end_matches('/').to_string(), None),
        None => {
            let (u, d) = start_server()?;
            (u, Some(d))
        }
    };
    let http = reqwest::Client::new();
    let statements: Vec<String> = (0..args.statements)
        .map(|i| format!("Load test statement {i}"))
        .collect();
    let created: serde_json::Value = http
        .post(format!("{url}/api/rooms"))
        .json(&serde_json::json!({
            "topic": "Load test", "statements": statements, "seed": args.seed,
            "settings": { "statement_max_chars": 280 }
        }))
        .send()
        .await?
        .json()
        .await?;
    let code = created["room"]["code"]
        .as_str()
        .context("room not created")?
        .to_string();
    let key = created["facilitator_key"]
        .as_str()
        .context("no key")?
        .to_string();
    // The process's RSS every second.
    let rss_samples = Arc::new(std::sync::Mutex::new(Vec::<(f64, f64)>::new()));
    let fd_samples = Arc::new(std::sync::Mutex::new(Vec::<(f64, usize)>::new()));
    let sampler = {
        let samples = Arc::clone(&rss_samples);
        let fds = Arc::clone(&fd_samples);
        let t0 = Instant::now();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                if let (Some(m), Ok(mut v)) = (rss_mib(), samples.lock()) {
                    v.push((t0.elapsed().as_secs_f64(), m));
                }
                if let (Some(n), Ok(mut v)) = (open_files(), fds.lock()) {
                    v.push((t0.elapsed().as_secs_f64(), n));
                }
            }
        })
    };
    let tally = Arc::new(Tally::default());
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let storms = if args.soak {
        vec![
            started + Duration::from_secs(seconds / 3),
            started + Duration::from_secs(2 * seconds / 3),
        ]
    } else {
        Vec::new()
    };
    let plan = PhonePlan {
        url: url.clone(),
        code: code.clone(),
        statements: args.statements,
        think: Duration::from_millis(args.think_ms),
        deadline,
        seed: args.seed,
        wait_for_table: args.tables.is_some(),
        local: None,
        storms,
        started,
        key: key.clone(),
    };
    let mut tasks = Vec::new();
    for n in 0..phones {
        let plan = PhonePlan {
            local: in_process.then(|| phone_addr(n)),
            ..plan.clone()
        };
        tasks.push(tokio::spawn(phone(plan, n, Arc::clone(&tally))));
    }
    // The attack: the middle half of the run, from 127.0.0.1.
    let attack_window = (seconds as f64 / 4.0, seconds as f64 * 3.0 / 4.0);
    let attack_tally = Arc::new(AttackTally::default());
    let mut attackers = Vec::new();
    if let Some(kind) = args.attack {
        let (from, to) = (
            started + Duration::from_secs_f64(attack_window.0),
            started + Duration::from_secs_f64(attack_window.1),
        );
        let workers = match kind {
            Attack::JoinFlood => 8,
            Attack::BigFrames => 40,
            Attack::SlowHeaders | Attack::SlowBodies => 1500,
            Attack::SlowReaders => 1200,
            Attack::Sybil | Attack::Positions => 1,
        };
        let target = Target {
            url: url.clone(),
            code: code.clone(),
            key: key.clone(),
            statements: args.statements,
        };
        for _ in 0..workers {
            let (target, tally) = (target.clone(), Arc::clone(&attack_tally));
            attackers.push(tokio::spawn(async move {
                tokio::time::sleep_until(from.into()).await;
                attack_worker(kind, target, to, tally).await;
            }));
        }
    }
    // Once every attacking task has ended (its sockets closed), wait 5 s and measure the RSS
    // "after" the attack.
    let after_attack = (!attackers.is_empty()).then(|| {
        let attackers = std::mem::take(&mut attackers);
        tokio::spawn(async move {
            for a in attackers {
                let _ = a.await;
            }
            let done = started.elapsed().as_secs_f64();
            tokio::time::sleep(Duration::from_secs(5)).await;
            (done, rss_mib(), open_files())
        })
    });
    let mut formed_at = None;
    if let Some(mode) = &args.tables {
        // Every phone has voted its last and listens; then the facilitator forms the tables.
        let patience = Instant::now() + Duration::from_secs(seconds + 30);
        while tally.waiting.load(Ordering::Relaxed) < phones as u64 && Instant::now() < patience {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // Let the last analysis run, so the plan uses the groups.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let t0 = Instant::now();
        let answer = http
            .post(format!("{url}/api/rooms/{code}/tables"))
            .header("x-facilitator-key", &key)
            .json(&serde_json::json!({ "mode": mode, "size": 8 }))
            .send()
            .await?;
        if !answer.status().is_success() {
            bail!(
                "forming tables: {} {}",
                answer.status(),
                answer.text().await?
            );
        }
        let plan: serde_json::Value = answer.json().await?;
        println!(
            "tables formed ({mode}): {} tables, answered in {:.1} ms",
            plan["tables"].as_array().map_or(0, Vec::len),
            t0.elapsed().as_secs_f64() * 1000.0
        );
        formed_at = Some(t0);
    }
    let mut latencies: Acks = Vec::new();
    let mut seated = Vec::new();
    let mut failed_phones = 0;
    let mut real_voters = 0;
    for t in tasks {
        match t.await {
            Ok(Ok((l, at))) => {
                real_voters += usize::from(!l.is_empty());
                latencies.extend(l);
                seated.extend(at);
            }
            Ok(Err(e)) => {
                failed_phones += 1;
                eprintln!("load: a phone failed: {e:#}");
            }
            Err(e) => {
                failed_phones += 1;
                eprintln!("load: a phone panicked: {e}");
            }
        }
    }
    let after_attack = match after_attack {
        Some(t) => t.await.ok(),
        None => None,
    };
    let elapsed = started.elapsed().as_secs_f64();
    // Give the analysis one coalescing window, then count what the server stored.
    tokio::time::sleep(Duration::from_millis(500)).await;
    sampler.abort();
    let rss_end = rss_mib();
    let samples = rss_samples.lock().map(|v| v.clone()).unwrap_or_default();
    let rss_start = samples.iter().find(|(t, _)| *t >= 10.0).map(|(_, m)| *m);
    let rss_peak = samples.iter().map(|(_, m)| *m).fold(f64::NAN, f64::max);
    let csv = http
        .get(format!("{url}/api/rooms/{code}/export/votes.csv"))
        .header("x-facilitator-key", &key)
        .send()
        .await?
        .text()
        .await?;
    let stored = csv.lines().count().saturating_sub(1) as u64;
    let view: serde_json::Value = http
        .get(format!("{url}/api/rooms/{code}/view"))
        .send()
        .await?
        .json()
        .await?;
    let p99_in = |from: f64, to: f64| {
        let mut ms: Vec<f64> = latencies
            .iter()
            .filter(|(t, _)| *t >= from && *t < to)
            .map(|(_, ms)| *ms)
            .collect();
        ms.sort_by(f64::total_cmp);
        (percentile(&ms, 0.99), ms.len())
    };
    let mut all: Vec<f64> = latencies.iter().map(|(_, ms)| *ms).collect();
    all.sort_by(f64::total_cmp);
    let acked = tally.acked.load(Ordering::Relaxed);
    let new_votes = acked - tally.duplicates.load(Ordering::Relaxed);
    // Votes acknowledged to the attacker's tokens are in the export too.
    let attacker_votes = attack_tally.votes_new.load(Ordering::Relaxed);
    let lost = (new_votes + attacker_votes).saturating_sub(stored);
    println!(
        "phones {} ({} failed), {:.1} s, {} statements + {} written by phones",
        phones,
        failed_phones,
        elapsed,
        args.statements,
        tally.statements.load(Ordering::Relaxed)
    );
    println!(
        "votes sent {}, acknowledged {} ({:.0}/s), rejected {}, unacknowledged {}, lost {} (stored {})",
        tally.sent.load(Ordering::Relaxed),
        acked,
        acked as f64 / elapsed,
        tally.rejected.load(Ordering::Relaxed),
        tally.unacked.load(Ordering::Relaxed),
        lost,
        stored
    );
    if attacker_votes > 0 {
        println!("(stored includes the attacker's {attacker_votes} acknowledged votes)");
    }
    println!(
        "ack latency ms: p50 {:.2}, p90 {:.2}, p99 {:.2}, max {:.2}",
        percentile(&all, 0.50),
        percentile(&all, 0.90),
        percentile(&all, 0.99),
        all.last().copied().unwrap_or(f64::NAN)
    );
    println!(
        "room view: {} participants, {} groups, analysis tick {}",
        view["participants"],
        view["groups"].as_array().map_or(0, Vec::len),
        view["tick"]
    );
    if args.soak {
        let mib = |m: Option<f64>| m.map_or("?".into(), |m| format!("{m:.0}"));
        println!(
            "soak: {} phones, {} min, {} reconnections in 2 storms; RSS of this process (server and phones) {} MiB at 10 s, {} MiB peak, {} MiB at the end",
            phones,
            seconds / 60,
            tally.reconnects.load(Ordering::Relaxed),
            mib(rss_start),
            mib(Some(rss_peak).filter(|m| m.is_finite())),
            mib(rss_end),
        );
    }
    let mut attack_failed = false;
    if let Some(kind) = args.attack {
        let (before, n_before) = p99_in(0.0, attack_window.0);
        let (during, n_during) = p99_in(attack_window.0, attack_window.1);
        let a = &attack_tally;
        println!(
            "attack {kind:?} from 127.0.0.1, {:.0}–{:.0} s: tried {}, refused at once {}, cut by the server {}, joined {}, held at most {} at once",
            attack_window.0,
            attack_window.1,
            a.tried.load(Ordering::Relaxed),
            a.refused.load(Ordering::Relaxed),
            a.cut.load(Ordering::Relaxed),
            a.joined.load(Ordering::Relaxed),
            a.held_max.load(Ordering::Relaxed),
        );
        let outcomes = a.outcomes.lock().map(|m| m.clone()).unwrap_or_default();
        if !outcomes.is_empty() {
            let list: Vec<String> = outcomes
                .iter()
                .map(|(what, (n, secs))| {
                    if *secs > 0.0 {
                        format!("{what} {n} (longest {secs:.1} s)")
                    } else {
                        format!("{what} {n}")
                    }
                })
                .collect();
            println!("attacker's outcomes: {}", list.join(", "));
        }
        match kind {
            Attack::Sybil => {
                let admission: serde_json::Value = http
                    .get(format!("{url}/api/rooms/{code}/admission"))
                    .header("x-facilitator-key", &key)
                    .send()
                    .await?
                    .json()
                    .await?;
                let fake = a.voters.load(Ordering::Relaxed) as usize;
                println!(
                    "sybil: {} tokens joined; votes acknowledged {}, refused rate_limited {}, vote_limit {}, room_full {}; {fake} fake voters of {} voters ({:.0}% fake); the server counts {} active participants, {} idle, top address {} participants ({}%)",
                    a.joined.load(Ordering::Relaxed),
                    a.outcome("acked"),
                    a.outcome("rate_limited"),
                    a.outcome("vote_limit"),
                    a.outcome("room_full"),
                    fake + real_voters,
                    100.0 * fake as f64 / (fake + real_voters).max(1) as f64,
                    admission["active"],
                    admission["idle"],
                    admission["top_address_participants"],
                    admission["top_address_percent"],
                );
            }
            Attack::Positions => println!(
                "positions: {} sent, acknowledged {} moves (and {} where it already stood, nothing written), refused rate_limited {}; {:.1} MB of answers and views sent back to the attacker",
                a.tried.load(Ordering::Relaxed),
                a.outcome("acked"),
                a.outcome("acked where it already stood"),
                a.outcome("rate_limited"),
                a.received.load(Ordering::Relaxed) as f64 / 1e6,
            ),
            _ => {}
        }
        let (done, rss_after, fds_after) = after_attack.unwrap_or((attack_window.1, None, None));
        let (after, n_after) = p99_in(done, f64::INFINITY);
        println!(
            "phones' ack p99: {before:.2} ms before ({n_before} acks), {during:.2} ms during ({n_during} acks), {after:.2} ms after ({n_after} acks)"
        );
        let mib = |m: Option<f64>| m.map_or("?".into(), |m| format!("{m:.0}"));
        let rss_before = samples
            .iter()
            .rfind(|(t, _)| *t < attack_window.0)
            .map(|(_, m)| *m);
        let rss_during = samples
            .iter()
            .filter(|(t, _)| *t >= attack_window.0 && *t <= done)
            .map(|(_, m)| *m)
            .fold(f64::NAN, f64::max);
        println!(
            "RSS of this process (server, phones, attacker): {} MiB before the attack, {} MiB peak during it, {} MiB 5 s after its last socket closed ({done:.0} s), {} MiB at the end",
            mib(rss_before),
            mib(Some(rss_during).filter(|m| m.is_finite())),
            mib(rss_after),
            mib(rss_end),
        );
        let fds = fd_samples.lock().map(|v| v.clone()).unwrap_or_default();
        println!(
            "open files of this process: {} before the attack, {} at most during it, {} 5 s after",
            fds.iter()
                .rfind(|(t, _)| *t < attack_window.0)
                .map_or("?".into(), |(_, n)| n.to_string()),
            fds.iter()
                .filter(|(t, _)| *t >= attack_window.0 && *t <= done)
                .map(|(_, n)| *n)
                .max()
                .map_or("?".into(), |n| n.to_string()),
            fds_after.map_or("?".into(), |n| n.to_string()),
        );
        let served = failed_phones == 0
            && tally.unacked.load(Ordering::Relaxed) == 0
            && n_during > 0
            && during < 1000.0;
        println!(
            "real phones kept being served during the attack: {}",
            if served { "yes" } else { "NO" }
        );
        attack_failed = !served;
    }
    if let Some(t0) = formed_at {
        let mut ms: Vec<f64> = seated
            .iter()
            .map(|at| at.saturating_duration_since(t0).as_secs_f64() * 1000.0)
            .collect();
        ms.sort_by(f64::total_cmp);
        println!(
            "table shown on {} of {} phones: p50 {:.1} ms, all within {:.1} ms of the request",
            ms.len(),
            phones - failed_phones,
            percentile(&ms, 0.5),
            ms.last().copied().unwrap_or(f64::NAN)
        );
        if ms.len() < phones - failed_phones {
            bail!("some phones were never shown their table");
        }
    }
    if lost > 0 || failed_phones > 0 || stored < new_votes + attacker_votes {
        bail!("votes were lost or phones failed");
    }
    if attack_failed {
        bail!("the phones were not served during the attack");
    }
    Ok(())
}
