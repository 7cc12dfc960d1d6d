//! Attacks with identities: joins as fast as the server answers, and sybil tokens that vote.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use polyphony_protocol::{ClientMessage, ServerMessage, Vote, VoteRequest};
use tokio_tungstenite::tungstenite::Message;

use super::{admission_code, attacker_join, refusal, AttackTally, Target, ATTACKER};
use crate::net::websocket;

/// Join flood: joins as fast as the server answers (without the admission code), from
/// [`Attack::JoinFlood`]'s 8 loops.
///
/// [`Attack::JoinFlood`]: super::Attack::JoinFlood
pub(super) async fn join_flood(t: Target, end: Instant, tally: Arc<AttackTally>) {
    let Target { url, code, .. } = t;
    let http = reqwest::Client::builder()
        .local_address(Some(ATTACKER))
        .build()
        .unwrap_or_default();
    while Instant::now() < end {
        tally.tried.fetch_add(1, Ordering::Relaxed);
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
}

/// Sybil: join tokens from the attacker's address while the server lets it, each voting.
pub(super) async fn sybil(t: Target, end: Instant, tally: Arc<AttackTally>) {
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
