//! `polyphony report`: a Polis export in, the take-away report ([`polyphony_report`]) out as
//! one HTML file.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use polyphony_core::{AnalysisParams, Preset};
use polyphony_polis::PolisConversation;
use polyphony_report::{ChangeInput, Lang, Moment, ReportInput};

use super::{read_export, SignArg};

/// Write the take-away report of a Polis export as one self-contained HTML file (inline CSS
/// and SVG, no script): opens offline, reads on a phone, prints on A4.
#[derive(clap::Args)]
pub struct Args {
    /// The export folder.
    path: PathBuf,
    /// The HTML file to write.
    #[arg(short, long)]
    out: PathBuf,
    /// The report's language: zh-TW, en, ja or ko.
    #[arg(long, default_value_t = Lang::En)]
    lang: Lang,
    /// `workshop` (2–3 groups, bug fixes) or `polis` (reproduce Polis).
    #[arg(long, default_value_t = Preset::Workshop)]
    preset: Preset,
    /// Seed of the engine's random source.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Which vote value means agree in the input.
    #[arg(long, value_enum, default_value_t = SignArg::Auto)]
    vote_sign: SignArg,
}

/// Analyzes the export and writes its report to `--out`.
pub fn run(args: Args) -> Result<()> {
    let data = read_export(&args.path, args.vote_sign)?;
    let params = AnalysisParams::builder(args.preset)
        .seed(args.seed)
        .build()?;
    let html = polyphony_report::render(&report_input(&data, &args.path, params, args.lang));
    let out = &args.out;
    std::fs::write(out, html)
        .with_context(|| format!("cannot write the report to {}", out.display()))?;
    println!("Wrote the report to {}", out.display());
    Ok(())
}

/// The report of a Polis export: the analysis of every vote, and the opinion change from the
/// earlier half of the votes (by time) to all of them, in one warm-started conversation so the
/// group ids match.
fn report_input(
    data: &PolisConversation,
    path: &Path,
    params: AnalysisParams,
    lang: Lang,
) -> ReportInput {
    let seed = params.seed();
    let analysis = data.to_conversation(params.clone()).update();
    let topic = data.summary.get("topic").cloned().unwrap_or_else(|| {
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    let mut input = ReportInput::new(topic, lang, analysis.clone(), seed);
    input.description = data
        .summary
        .get("conversation-description")
        .cloned()
        .unwrap_or_default();
    input.statements = data
        .statements
        .iter()
        .map(|s| (s.id, s.text.clone()))
        .collect();
    let mut votes = data.votes.clone();
    votes.sort_by_key(|v| v.time);
    let (first, rest) = votes.split_at(votes.len() / 2);
    if !first.is_empty() {
        let mut half = PolisConversation {
            votes: first.to_vec(),
            ..data.clone()
        };
        half.polis_groups.clear();
        let mut conv = half.to_conversation(params);
        let before = conv.update();
        let before_votes = conv.matrix().clone();
        conv.add_votes(rest);
        let after = conv.update();
        input.change = Some(ChangeInput::new(
            Moment::FirstHalfOfVotes,
            Moment::AllVotes,
            (&before, &before_votes),
            (&after, conv.matrix()),
        ));
    }
    input
}
