//! `polyphony import`: a Polis export in, a room created by [`polyphony_server`] in the
//! database; out go its join code and facilitator key.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use polyphony_protocol::BriefCard;
use polyphony_server::{AppState, Limits};

use super::{read_export, SignArg};
use crate::runtime::{init_logging, runtime};

/// Create a room from a Polis export (openData folder or API pair) in the database, for
/// demos and replays; prints its join code and facilitator key. Restart a running server to
/// see it.
#[derive(clap::Args)]
pub struct Args {
    /// The export folder.
    path: PathBuf,
    /// The SQLite database file (created if missing).
    #[arg(long, default_value = "polyphony.db")]
    db: PathBuf,
    /// The room's topic (default: the export's summary topic).
    #[arg(long)]
    topic: Option<String>,
    /// Seed of the engine's random source.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Which vote value means agree in the input.
    #[arg(long, value_enum, default_value_t = SignArg::Auto)]
    vote_sign: SignArg,
    /// Briefing cards for the room: a JSON list of cards, or a room's `polyphony.json`
    /// export (its `room.brief`).
    #[arg(long, value_name = "CARDS.json")]
    brief: Option<PathBuf>,
}

/// Creates the room from the export and prints how to reach it.
pub fn run(args: Args) -> Result<()> {
    let Args {
        path,
        db,
        topic,
        seed,
        vote_sign,
        brief,
    } = args;
    let data = read_export(&path, vote_sign)?;
    let brief = match brief {
        Some(file) => read_brief(&file)?,
        None => Vec::new(),
    };
    let topic = topic
        .or_else(|| data.summary.get("topic").cloned())
        .unwrap_or_else(|| {
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
    init_logging();
    runtime()?.block_on(async {
        let state = AppState::open(&db, Limits::default())
            .await
            .with_context(|| format!("cannot open {}", db.display()))?;
        let cards = brief.len();
        let created = state.import_polis(&data, &topic, seed, brief).await?;
        state.shutdown().await;
        println!("room {} created in {}", created.room.code, db.display());
        println!("facilitator key: {}", created.facilitator_key);
        println!(
            "{} statements, {} votes, {cards} briefing cards; open /r/{}/screen once the server runs",
            data.statements.len(),
            data.votes.len(),
            created.room.code
        );
        Ok(())
    })
}

/// Briefing cards from a file: a JSON list of cards, or a room's `polyphony.json` export.
fn read_brief(file: &Path) -> Result<Vec<BriefCard>> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", file.display()))?;
    let cards = match value.get("room").and_then(|r| r.get("brief")) {
        Some(cards) => cards.clone(),
        None => value,
    };
    serde_json::from_value(cards).with_context(|| {
        format!(
            "{}: expected a list of briefing cards (or a room export with room.brief)",
            file.display()
        )
    })
}
