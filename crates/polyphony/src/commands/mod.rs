//! One file per command of `polyphony`: its flags (a clap `Args` struct, whose doc comment is
//! the command's help) and its `run`. What the flags of several commands share is here.

use std::path::Path;

use anyhow::{Context, Result};
use clap::ValueEnum;
use polyphony_polis::{PolisConversation, VoteSign};

pub mod analyze;
pub mod compare;
pub mod import;
pub mod migrate;
pub mod report;
pub mod restore;
pub mod serve;
pub mod tables;

/// `--vote-sign`: which vote value means agree in the input. (No doc comments on the values:
/// clap would list them with their help.)
#[derive(Clone, Copy, ValueEnum)]
pub enum SignArg {
    Auto,
    AgreePositive,
    AgreeNegative,
}

/// The engine's reading of `--vote-sign`.
pub fn sign(arg: SignArg) -> VoteSign {
    match arg {
        SignArg::Auto => VoteSign::Auto,
        SignArg::AgreePositive => VoteSign::AgreePositive,
        SignArg::AgreeNegative => VoteSign::AgreeNegative,
    }
}

/// `--format` of `compare` and `tables`.
#[derive(Clone, Copy, ValueEnum)]
pub enum TablesFormat {
    Text,
    Json,
}

/// The Polis export at `path` (an openData folder or an API pair), every vote read as
/// `--vote-sign` says.
pub fn read_export(path: &Path, vote_sign: SignArg) -> Result<PolisConversation> {
    polyphony_polis::read_path(path, sign(vote_sign))
        .with_context(|| format!("cannot import {}", path.display()))
}
