//! `polyphony analyze`: a Polis export in, the engine's analysis out — as a readable summary,
//! JSON or a Polis math blob; cold, replayed in time order ([`crate::lab`]) or from a Polis
//! blob's state.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::ValueEnum;
use polyphony_core::{AnalysisParams, Preset};
use polyphony_polis::{PolisConversation, ReferenceGroups};

use super::{sign, SignArg};
use crate::{lab, text};

/// Analyze a Polis export: an openData folder (comments.csv + votes.csv or
/// participants-votes.csv) or an API pair folder (votes.json + comments.json).
#[derive(clap::Args)]
pub struct Args {
    /// The export folder.
    path: PathBuf,
    /// `workshop` (2–3 groups, bug fixes) or `polis` (reproduce Polis).
    #[arg(long, default_value_t = Preset::Workshop)]
    preset: Preset,
    /// What to print.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Seed of the engine's random source.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Which vote value means agree in the input.
    #[arg(long, value_enum, default_value_t = SignArg::Auto)]
    vote_sign: SignArg,
    /// Replay the votes in time order, one update per second in which votes arrived (as
    /// Polis's math worker polls), carrying the engine's state: the groups Polis's history
    /// would give, not a cold run's. Needs vote timestamps (votes.csv or votes.json).
    #[arg(long)]
    replay: bool,
    /// With --replay: one update per DURATION with new votes (500ms, 1s, 10m, 2h, 1d).
    #[arg(
        long,
        requires = "replay",
        conflicts_with = "every_votes",
        value_name = "DURATION"
    )]
    every: Option<String>,
    /// With --replay: one update per N votes.
    #[arg(long, requires = "replay", value_name = "N")]
    every_votes: Option<u32>,
    /// With --replay: write the time-lapse (snapshots of the map, groups and per-statement
    /// group votes, in the final basis) to this JSON file.
    #[arg(long, requires = "replay", value_name = "OUT.json")]
    timelapse: Option<PathBuf>,
    /// With --replay: the opinion change between two moments, given as durations after the
    /// first vote (FROM..TO, e.g. 1h..2d, or 0..30m), measured on the same people: for
    /// each statement, how many of those who voted on it at both moments moved toward agree
    /// or disagree, in the room and per group (held fixed).
    #[arg(long, requires = "replay", value_name = "FROM..TO")]
    change: Option<String>,
    /// Restore the state a Polis math blob (math-pca2.json) implies and run one `polis`
    /// update on the export's votes: Polis's own numbers.
    #[arg(long, conflicts_with = "replay", value_name = "math-pca2.json")]
    polis_state: Option<PathBuf>,
}

/// `--format`: what `analyze` prints. (No doc comments on the values: clap would list them with
/// their help.)
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
    PolisBlob,
}

/// Analyzes the export and prints the analysis in `--format`.
pub fn run(args: Args) -> Result<()> {
    let Args {
        path,
        preset,
        format,
        seed,
        vote_sign,
        replay,
        every,
        every_votes,
        timelapse,
        change,
        polis_state,
    } = args;
    let how = lab::AnalyzeHow {
        replay,
        every,
        every_votes,
        timelapse,
        polis_state,
    };
    let change = change.as_deref().map(lab::parse_moments).transpose()?;
    if change.is_some() && format == Format::PolisBlob {
        bail!("--change prints text or JSON, not a Polis blob");
    }
    lab::check(&how, &path)?;
    let sign = sign(vote_sign);
    // Polis's own groups are compared with ours only in the text summary and a
    // replay's scores: otherwise participants-votes.csv is left unread.
    let groups = match format == Format::Text || how.replay || change.is_some() {
        true => ReferenceGroups::Read,
        false => ReferenceGroups::Skip,
    };
    let mut data: PolisConversation = polyphony_polis::read_path_with(&path, sign, groups)
        .with_context(|| format!("cannot import {}", path.display()))?;
    let params = AnalysisParams::builder(preset).seed(seed).build()?;
    let replay_change = match change {
        Some((from, to)) => Some(lab::replay_change(&data, params.clone(), &how, from, to)?),
        None => None,
    };
    // The JSON report reads the statements, not the votes.
    let (conv, analysis) = lab::analysis(&mut data, params, &how, format == Format::Json)?;
    let out = match format {
        Format::Text => {
            let mut out = text::summary(&data, &analysis);
            if let Some(line) = lab::reference_line(&data, &analysis) {
                out = format!("{out}\n\n{line}");
            }
            if let Some(c) = &replay_change {
                out = format!("{out}\n\n{}", text::change(&data, c));
            }
            Some(out.into_bytes())
        }
        Format::Json => {
            // Written straight from the typed analysis, piece by piece as it is made.
            let mut stdout = std::io::stdout().lock();
            polyphony_polis::write_analysis_report_to(
                &mut stdout,
                &data,
                &analysis,
                replay_change.as_ref(),
            )?;
            stdout.write_all(b"\n")?;
            stdout.flush()?;
            None
        }
        Format::PolisBlob => {
            let last = data.votes.iter().map(|v| v.time).max();
            Some(serde_json::to_vec(&polyphony_polis::math_blob(
                &conv, &analysis, last,
            ))?)
        }
    };
    if let Some(out) = out {
        print_line(out)?;
    }
    // The process ends here: leave the memory to the system rather than free the
    // export, the matrix and the analysis piece by piece.
    std::mem::forget((data, conv, analysis));
    Ok(())
}

/// Prints `out` and a newline to stdout in one write.
fn print_line(mut out: Vec<u8>) -> Result<()> {
    out.push(b'\n');
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&out)?;
    stdout.flush()?;
    Ok(())
}
