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
//! `cargo xtask load --phones 200 --seconds 30` (or `cargo run --release -p polyphony-benches
//! --bin load -- --phones 200 --seconds 30`). Without `--url` the server runs in this process, on
//! its own runtime and threads, with a fresh SQLite file in a temporary folder.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::Parser;
use futures_util::{SinkExt, StreamExt};
use polyphony_protocol::{ClientMessage, NewStatement, ServerMessage, Vote, VoteRequest};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use tokio_tungstenite::tungstenite::Message;

#[derive(Parser)]
#[command(about = "Drive simulated phones against a Polyphony server")]
struct Args {
    /// Simulated phones.
    #[arg(long, default_value_t = 200)]
    phones: usize,
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
}

fn start_server() -> Result<(String, tempfile::TempDir)> {
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
            let state = match polyphony_server::AppState::open(&db, Default::default()).await {
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
            let app = polyphony_server::app(state.clone())
                .into_make_service_with_connect_info::<SocketAddr>();
            let _ = axum::serve(listener, app).await;
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

#[allow(clippy::too_many_arguments)]
async fn phone(
    http: reqwest::Client,
    url: String,
    code: String,
    n: usize,
    statements: usize,
    think: Duration,
    deadline: Instant,
    seed: u64,
    tally: Arc<Tally>,
    wait_for_table: bool,
) -> Result<(Vec<f64>, Option<Instant>)> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ (n as u64).wrapping_mul(0x9E37_79B9));
    let joined: serde_json::Value = http
        .post(format!("{url}/api/rooms/{code}/join"))
        .send()
        .await?
        .json()
        .await?;
    let token = joined["participant_token"]
        .as_str()
        .context("no token")?
        .to_string();
    let ws_url = format!(
        "{}/api/rooms/{code}/ws?token={token}",
        url.replacen("http", "ws", 1)
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(ws_url).await?;
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
        ws.send(Message::Text(serde_json::to_string(&msg)?.into()))
            .await?;
        let sent = Instant::now();
        if is_vote {
            tally.sent.fetch_add(1, Ordering::Relaxed);
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
                        latencies.push(sent.elapsed().as_secs_f64() * 1000.0);
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

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let args = Args::parse();
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
    let tally = Arc::new(Tally::default());
    let think = Duration::from_millis(args.think_ms);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.seconds);
    let mut tasks = Vec::new();
    for n in 0..args.phones {
        tasks.push(tokio::spawn(phone(
            http.clone(),
            url.clone(),
            code.clone(),
            n,
            args.statements,
            think,
            deadline,
            args.seed,
            Arc::clone(&tally),
            args.tables.is_some(),
        )));
    }
    let mut formed_at = None;
    if let Some(mode) = &args.tables {
        // Every phone has voted its last and listens; then the facilitator forms the tables.
        let patience = Instant::now() + Duration::from_secs(args.seconds + 30);
        while tally.waiting.load(Ordering::Relaxed) < args.phones as u64
            && Instant::now() < patience
        {
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
    let mut latencies = Vec::new();
    let mut seated = Vec::new();
    let mut failed_phones = 0;
    for t in tasks {
        match t.await {
            Ok(Ok((l, at))) => {
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
    let elapsed = started.elapsed().as_secs_f64();
    // Give the analysis one coalescing window, then count what the server stored.
    tokio::time::sleep(Duration::from_millis(500)).await;
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
    latencies.sort_by(f64::total_cmp);
    let acked = tally.acked.load(Ordering::Relaxed);
    let new_votes = acked - tally.duplicates.load(Ordering::Relaxed);
    let lost = new_votes.saturating_sub(stored);
    println!(
        "phones {} ({} failed), {:.1} s, {} statements + {} written by phones",
        args.phones,
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
    println!(
        "ack latency ms: p50 {:.2}, p90 {:.2}, p99 {:.2}, max {:.2}",
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.90),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or(f64::NAN)
    );
    println!(
        "room view: {} participants, {} groups, analysis tick {}",
        view["participants"],
        view["groups"].as_array().map_or(0, Vec::len),
        view["tick"]
    );
    if let Some(t0) = formed_at {
        let mut ms: Vec<f64> = seated
            .iter()
            .map(|at| at.saturating_duration_since(t0).as_secs_f64() * 1000.0)
            .collect();
        ms.sort_by(f64::total_cmp);
        println!(
            "table shown on {} of {} phones: p50 {:.1} ms, all within {:.1} ms of the request",
            ms.len(),
            args.phones - failed_phones,
            percentile(&ms, 0.5),
            ms.last().copied().unwrap_or(f64::NAN)
        );
        if ms.len() < args.phones - failed_phones {
            bail!("some phones were never shown their table");
        }
    }
    if lost > 0 || failed_phones > 0 || stored < new_votes {
        bail!("votes were lost or phones failed");
    }
    Ok(())
}
