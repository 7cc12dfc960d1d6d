//! The facilitator's side of the run: the room it creates, the tables it forms, and what it
//! reads back at the end (the stored votes, the room view, the admission figures).

use std::net::IpAddr;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::phone::Tally;

/// The room under load, and the facilitator's HTTP client.
pub(crate) struct Room {
    pub(crate) http: reqwest::Client,
    pub(crate) url: String,
    pub(crate) code: String,
    pub(crate) key: String,
}

impl Room {
    /// Creates the room on the server at `url`, from `local` (if any): `statements` seed
    /// statements, the phones' `seed`.
    pub(crate) async fn create(
        url: String,
        statements: usize,
        seed: u64,
        local: Option<IpAddr>,
    ) -> Result<Room> {
        let mut http = reqwest::Client::builder();
        if let Some(ip) = local {
            http = http.local_address(ip);
        }
        let http = http.build()?;
        let statements: Vec<String> = (0..statements)
            .map(|i| format!("Load test statement {i}"))
            .collect();
        let created: serde_json::Value = http
            .post(format!("{url}/api/rooms"))
            .json(&serde_json::json!({
                "topic": "Load test", "statements": statements, "seed": seed,
                "settings": { "statement_max_chars": 280 }
            }))
            .send()
            .await?
            .json()
            .await?;
        let code = created["room"]["code"]
            .as_str()
            .with_context(|| format!("room not created: {created}"))?
            .to_string();
        let key = created["facilitator_key"]
            .as_str()
            .context("no key")?
            .to_string();
        Ok(Room {
            http,
            url,
            code,
            key,
        })
    }

    /// Once every phone has voted its last and listens (or `patience` has passed), forms
    /// tables of 8 in `mode` and prints how many and how fast; returns when it was asked.
    pub(crate) async fn form_tables(
        &self,
        mode: &str,
        phones: usize,
        tally: &Tally,
        patience: Instant,
    ) -> Result<Instant> {
        let Room {
            http,
            url,
            code,
            key,
        } = self;
        while tally.waiting.load(Ordering::Relaxed) < phones as u64 && Instant::now() < patience {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // Let the last analysis run, so the plan uses the groups.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let t0 = Instant::now();
        let answer = http
            .post(format!("{url}/api/rooms/{code}/tables"))
            .header("x-facilitator-key", key)
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
        Ok(t0)
    }

    /// How many votes the room's `votes.csv` export holds.
    pub(crate) async fn stored_votes(&self) -> Result<u64> {
        let csv = self
            .http
            .get(format!(
                "{}/api/rooms/{}/export/votes.csv",
                self.url, self.code
            ))
            .header("x-facilitator-key", &self.key)
            .send()
            .await?
            .text()
            .await?;
        Ok(csv.lines().count().saturating_sub(1) as u64)
    }

    /// The projector's view of the room.
    pub(crate) async fn view(&self) -> Result<serde_json::Value> {
        Ok(self
            .http
            .get(format!("{}/api/rooms/{}/view", self.url, self.code))
            .send()
            .await?
            .json()
            .await?)
    }

    /// The console's admission figures (who takes part, who only joined, the top address).
    pub(crate) async fn admission(&self) -> Result<serde_json::Value> {
        Ok(self
            .http
            .get(format!("{}/api/rooms/{}/admission", self.url, self.code))
            .header("x-facilitator-key", &self.key)
            .send()
            .await?
            .json()
            .await?)
    }
}
