//! `polyphony`: the one command users run. A thin shell over the library crates: this file
//! parses the command line and hands each command to its own file in [`commands`] (its flags
//! and its `run`).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod commands;
mod lab;
mod runtime;
mod text;

#[derive(Parser)]
#[command(name = "polyphony", version, about = "Polis-style deliberation engine")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The commands in the order `polyphony --help` lists them; each one's help is the doc comment
/// of its `Args`.
#[derive(Subcommand)]
enum Command {
    Serve(commands::serve::Args),
    Restore(commands::restore::Args),
    Migrate(commands::migrate::Args),
    Import(commands::import::Args),
    Analyze(commands::analyze::Args),
    Compare(commands::compare::Args),
    Tables(commands::tables::Args),
    Report(commands::report::Args),
}

/// mimalloc, not the system's malloc: after a wave of slow sockets (1,200 projector sockets
/// that never read a 380 KiB view) glibc's malloc kept ~450 MiB it no longer used; mimalloc
/// gives freed pages back to the system within milliseconds (README, "Load"). Its version 2
/// (the workspace's `v2` feature): faster than 3 for a short `analyze` and lighter under load
/// (measurements beside the dependency in the workspace's Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let done = match Cli::parse().command {
        Command::Serve(args) => commands::serve::run(args),
        Command::Restore(args) => commands::restore::run(args),
        Command::Migrate(args) => commands::migrate::run(args),
        Command::Import(args) => commands::import::run(args),
        Command::Analyze(args) => commands::analyze::run(args),
        Command::Compare(args) => commands::compare::run(args),
        Command::Tables(args) => commands::tables::run(args),
        Command::Report(args) => commands::report::run(args),
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
