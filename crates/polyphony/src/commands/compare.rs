//! `polyphony compare`: a Polis export in, the lab's pipelines side by side out; the reading,
//! clock and printing are [`crate::lab`]'s.

use std::path::PathBuf;

use anyhow::Result;

use super::{read_export, SignArg, TablesFormat};
use crate::lab;

/// Run several pipelines on one export side by side — Polis (the engine) and linfa PCA with
/// KMeans, GaussianMixture, DBSCAN and HDBSCAN — with k, group sizes, silhouette, ARI and
/// agreement against the export's Polis groups, bootstrap stability and time; and rank
/// statements by bridging (Community Notes' matrix factorisation) beside Polis's
/// group-informed consensus.
#[derive(clap::Args)]
pub struct Args {
    /// The export folder.
    path: PathBuf,
    /// Bootstrap resamples for stability (0 to skip).
    #[arg(long, default_value_t = 50)]
    bootstrap: u32,
    /// Seed of the resamples, the engine and the linfa pipelines.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Group-informed consensus: `legacy` (Polis's product of Laplace-smoothed agree rates)
    /// or `geometric` (red-dwarf's geometric mean with a Jeffreys prior).
    #[arg(long, default_value = "legacy")]
    consensus: String,
    /// Also list representative statements that survive Benjamini–Hochberg at this
    /// false-discovery rate (e.g. 0.05).
    #[arg(long, value_name = "Q")]
    fdr: Option<f64>,
    /// `text` (a table) or `json` (everything, with each participant's group per pipeline).
    #[arg(long, value_enum, default_value_t = TablesFormat::Text)]
    format: TablesFormat,
    /// Which vote value means agree in the input.
    #[arg(long, value_enum, default_value_t = SignArg::Auto)]
    vote_sign: SignArg,
}

/// Runs the pipelines and prints their comparison.
pub fn run(args: Args) -> Result<()> {
    let data = read_export(&args.path, args.vote_sign)?;
    let how = lab::CompareHow {
        bootstrap: args.bootstrap,
        seed: args.seed,
        consensus: args.consensus.parse()?,
        fdr: args.fdr,
        json: matches!(args.format, TablesFormat::Json),
    };
    println!("{}", lab::compare(&data, &how)?);
    Ok(())
}
