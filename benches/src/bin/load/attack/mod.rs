//! The hostile address: what each `--attack` mode does, what the attacker got (`AttackTally`),
//! and the joins and refusals the modes share. The modes are grouped by what they spend:
//! `identities.rs` (join flood, sybil tokens), `connections.rs` (slow headers, slow bodies, slow
//! readers, big frames), `positions.rs` (one token's flood of spectrum positions).

mod connections;
mod identities;
mod positions;

use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::ValueEnum;

/// What the hostile address does during `--attack`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Attack {
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

impl Attack {
    /// How many attacking tasks the mode runs at once.
    pub(crate) fn workers(self) -> usize {
        match self {
            Attack::JoinFlood => 8,
            Attack::BigFrames => 40,
            Attack::SlowHeaders | Attack::SlowBodies => 1500,
            Attack::SlowReaders => 1200,
            Attack::Sybil | Attack::Positions => 1,
        }
    }
}

/// One attacker worker, looping until `end`.
pub(crate) async fn attack_worker(
    kind: Attack,
    target: Target,
    end: Instant,
    tally: Arc<AttackTally>,
) {
    match kind {
        Attack::JoinFlood => identities::join_flood(target, end, tally).await,
        Attack::Sybil => identities::sybil(target, end, tally).await,
        Attack::SlowHeaders => connections::slow_headers(target, end, tally).await,
        Attack::BigFrames => connections::big_frames(target, end, tally).await,
        Attack::SlowReaders => connections::slow_reader(target, end, tally).await,
        Attack::SlowBodies => connections::slow_body(target, end, tally).await,
        Attack::Positions => {
            if let Err(e) = positions::positions(target, end, tally).await {
                eprintln!("load: the positions attack failed: {e:#}");
            }
        }
    }
}

/// What the attacker managed.
#[derive(Default)]
pub(crate) struct AttackTally {
    /// Connections (or joins) tried.
    pub(crate) tried: AtomicU64,
    /// Refused at once (429 / 503).
    pub(crate) refused: AtomicU64,
    /// Accepted, then closed by the server (frame too big, header timeout).
    pub(crate) cut: AtomicU64,
    /// Joins that succeeded.
    pub(crate) joined: AtomicU64,
    /// Most connections the attacker held open at once.
    pub(crate) held_max: AtomicU64,
    pub(crate) held: AtomicU64,
    /// Votes of the attacker's tokens acknowledged as new (stored: part of the lost check).
    pub(crate) votes_new: AtomicU64,
    /// The attacker's tokens that got at least one vote acknowledged.
    pub(crate) voters: AtomicU64,
    /// Whether the server's TCP states were printed (slow readers).
    pub(crate) states_seen: std::sync::atomic::AtomicBool,
    /// Bytes of text messages the attacker's sockets received (positions).
    pub(crate) received: AtomicU64,
    /// How the newer modes' attempts ended, by name ("acked", "rate_limited", "408", ...):
    /// how many, and the longest time one of them took (s).
    pub(crate) outcomes: std::sync::Mutex<std::collections::BTreeMap<String, (u64, f64)>>,
}

impl AttackTally {
    pub(crate) fn count(&self, what: &str) {
        self.count_timed(what, 0.0);
    }
    pub(crate) fn count_timed(&self, what: &str, secs: f64) {
        if let Ok(mut m) = self.outcomes.lock() {
            let e = m.entry(what.to_string()).or_insert((0, 0.0));
            e.0 += 1;
            e.1 = e.1.max(secs);
        }
    }
    pub(crate) fn outcome(&self, what: &str) -> u64 {
        self.outcomes
            .lock()
            .ok()
            .and_then(|m| m.get(what).map(|e| e.0))
            .unwrap_or(0)
    }
    pub(crate) fn hold(&self) {
        let now = self.held.fetch_add(1, Ordering::Relaxed) + 1;
        self.held_max.fetch_max(now, Ordering::Relaxed);
    }
    pub(crate) fn release(&self) {
        self.held.fetch_sub(1, Ordering::Relaxed);
    }
}
/// What the attacker knows of the room.
#[derive(Clone)]
pub(crate) struct Target {
    pub(crate) url: String,
    pub(crate) code: String,
    /// The facilitator key: the attacker uses it only to read the admission code, as someone
    /// in the room relaying what the projector shows would (and the facilitator's own
    /// requests, e.g. opening a spectrum, go with it).
    pub(crate) key: String,
    pub(crate) statements: usize,
}

/// The address every attack comes from.
pub(crate) const ATTACKER: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// An error answer's stable code (`rate_limited`, ...), or its status when it has none.
pub(crate) fn refusal(code: Option<polyphony_protocol::ErrorCode>, status: u16) -> String {
    code.and_then(|c| serde_json::to_value(c).ok())
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| status.to_string())
}

/// The admission code the projector shows now.
pub(crate) async fn admission_code(http: &reqwest::Client, t: &Target) -> Result<String> {
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
pub(crate) async fn attacker_join(
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
