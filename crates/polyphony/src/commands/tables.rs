//! `polyphony tables`: a Polis export in, the engine's plan of discussion tables out.

use std::path::PathBuf;

use anyhow::Result;
use polyphony_core::{AnalysisParams, Preset, TableMode, TableParams};

use super::{read_export, SignArg, TablesFormat};
use crate::text;

/// Plan discussion tables for a Polis export (as the workshop does after the map):
/// same-group or mixed tables of at most `--size` people, seeded.
#[derive(clap::Args)]
pub struct Args {
    /// The export folder.
    path: PathBuf,
    /// `same_group` (each table within one opinion group) or `mixed` (every group at every
    /// table, neighbours on the map apart).
    #[arg(long, default_value = "same_group")]
    mode: TableMode,
    /// The most people at one table (2–20).
    #[arg(long, default_value_t = TableParams::DEFAULT_SIZE)]
    size: u8,
    /// `workshop` or `polis`: the analysis that gives the groups.
    #[arg(long, default_value_t = Preset::Workshop)]
    preset: Preset,
    /// Seed of the analysis and of the plan.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// `text` (tables with their make-up) or `json` (the whole plan, with participant ids).
    #[arg(long, value_enum, default_value_t = TablesFormat::Text)]
    format: TablesFormat,
    /// Which vote value means agree in the input.
    #[arg(long, value_enum, default_value_t = SignArg::Auto)]
    vote_sign: SignArg,
}

/// Analyzes the export, plans the tables and prints the plan.
pub fn run(args: Args) -> Result<()> {
    let data = read_export(&args.path, args.vote_sign)?;
    let params = AnalysisParams::builder(args.preset)
        .seed(args.seed)
        .build()?;
    let analysis = data.to_conversation(params).update();
    let tables = TableParams::builder(args.mode)
        .size(args.size)
        .seed(args.seed)
        .build()?;
    let plan = data.table_plan(&analysis, &tables);
    let out = match args.format {
        TablesFormat::Text => text::tables(&plan, &analysis),
        TablesFormat::Json => serde_json::to_string_pretty(&plan)?,
    };
    println!("{out}");
    Ok(())
}
