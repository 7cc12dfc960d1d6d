//! A simulated phone: it reads the admission code, joins, votes over its WebSocket (waiting for
//! each ack, as the web app does), writes a statement now and then, drops its socket in a
//! reconnect storm and resends, and, with `--tables`, waits until it is shown its table.

use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use futures_util::{SinkExt, StreamExt};
use polyphony_protocol::{ClientMessage, NewStatement, ServerMessage, Vote, VoteRequest};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use tokio_tungstenite::tungstenite::Message;

use crate::net::websocket;

/// What every phone counted, together.
#[derive(Default)]
pub(crate) struct Tally {
    pub(crate) sent: AtomicU64,
    pub(crate) acked: AtomicU64,
    pub(crate) duplicates: AtomicU64,
    pub(crate) rejected: AtomicU64,
    pub(crate) unacked: AtomicU64,
    pub(crate) statements: AtomicU64,
    /// Phones done voting and waiting for their table.
    pub(crate) waiting: AtomicU64,
    /// Reconnections during storms.
    pub(crate) reconnects: AtomicU64,
}
impl Tally {
    /// The rooms' tallies added up (each room keeps its own, for its lost-vote check).
    pub(crate) fn sum(all: &[Arc<Tally>]) -> Tally {
        let add = |field: fn(&Tally) -> &AtomicU64| {
            AtomicU64::new(all.iter().map(|t| field(t).load(Ordering::Relaxed)).sum())
        };
        Tally {
            sent: add(|t| &t.sent),
            acked: add(|t| &t.acked),
            duplicates: add(|t| &t.duplicates),
            rejected: add(|t| &t.rejected),
            unacked: add(|t| &t.unacked),
            statements: add(|t| &t.statements),
            waiting: add(|t| &t.waiting),
            reconnects: add(|t| &t.reconnects),
        }
    }
}

/// One phone: what it needs to know.
#[derive(Clone)]
pub(crate) struct PhonePlan {
    pub(crate) url: String,
    pub(crate) code: String,
    pub(crate) statements: usize,
    pub(crate) think: Duration,
    pub(crate) deadline: Instant,
    pub(crate) seed: u64,
    pub(crate) wait_for_table: bool,
    /// The address it connects from (None: the system's choice).
    pub(crate) local: Option<IpAddr>,
    /// Reconnect storms: the phone drops its socket within 5 s after each.
    pub(crate) storms: Vec<Instant>,
    /// The run's start (latencies are stamped with their time since it).
    pub(crate) started: Instant,
    /// The facilitator key: the phone reads the admission code the projector shows (as a
    /// person reads it off the screen) before it joins.
    pub(crate) key: String,
}

/// A phone's acks: (seconds since the start, latency ms).
pub(crate) type Acks = Vec<(f64, f64)>;

pub(crate) async fn phone(
    plan: PhonePlan,
    n: usize,
    tally: Arc<Tally>,
) -> Result<(Acks, Option<Instant>)> {
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
