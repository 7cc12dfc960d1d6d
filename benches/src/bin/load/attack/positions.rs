//! One joined token sending spectrum positions as fast as its socket takes them.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use futures_util::{SinkExt, StreamExt};
use polyphony_protocol::{ClientMessage, ServerMessage};
use tokio_tungstenite::tungstenite::Message;

use super::{admission_code, attacker_join, refusal, AttackTally, Target, ATTACKER};
use crate::net::websocket;

/// Positions: the facilitator opens a spectrum; one token joined from the attacker's address
/// sends positions (a different one each time) as fast as its socket takes them, while
/// another task reads the answers.
pub(super) async fn positions(t: Target, end: Instant, tally: Arc<AttackTally>) -> Result<()> {
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
