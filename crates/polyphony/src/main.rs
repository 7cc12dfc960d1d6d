//! `polyphony`: the one command users run. A thin shell over the library crates.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use polyphony_core::{AnalysisParams, Preset, TableMode, TableParams};
use polyphony_polis::{PolisConversation, ReferenceGroups, VoteSign};
use polyphony_report::{ChangeInput, Lang, Moment, ReportInput};

mod lab;
mod migrate;
mod serve;
mod text;

#[derive(Parser)]
#[command(name = "polyphony", version, about = "Polis-style deliberation engine")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the workshop server: web app, HTTP API and WebSocket on one port, rooms stored in an
    /// SQLite file or a PostgreSQL database. Prints the addresses phones on the same network can open, with a QR code.
    Serve {
        /// Address and port to listen on (0.0.0.0 = every network interface).
        #[arg(long, default_value = "0.0.0.0:8080")]
        addr: SocketAddr,
        /// Where the rooms are stored: a SQLite file (created if missing), or a PostgreSQL URL
        /// such as `postgres://user@host/db` (its tables created if missing).
        #[arg(long, default_value = "polyphony.db")]
        db: String,
        /// Behind a reverse proxy: take each client's address from the last X-Forwarded-For
        /// entry (per-address limits then count phones, not the proxy). Only with a proxy that
        /// sets that header: without one, anyone could pick their address.
        #[arg(long)]
        trust_proxy: bool,
        /// Keep a consistent copy of the database in this folder (every 30 s and at each
        /// stage change); `polyphony restore` carries on from it on another machine. SQLite
        /// only: for PostgreSQL use its own tools (pg_dump, replication).
        #[arg(long)]
        backup: Option<PathBuf>,
        /// One of several instances on one PostgreSQL database: the address the other
        /// instances reach this one at (`http://10.0.0.5:8080`). Each room is served by one
        /// instance at a time (a lease in the database); a request reaching another instance
        /// is forwarded here, and a room whose instance stopped is taken over by another within
        /// a few seconds. Without it, a PostgreSQL server is the only instance.
        #[arg(long)]
        advertise: Option<String>,
        /// How long a room's lease lasts without renewal, in milliseconds: how long a room
        /// stays unserved after its instance died (PostgreSQL).
        #[arg(long, default_value_t = 3000)]
        lease_ms: u64,
        /// Open connections one network address may hold (default 1200: a hall of 500 phones
        /// behind one NAT address); at most half of what the open-file limit allows. Another
        /// instance of the cluster is not capped: it forwards phones, counted by their own
        /// address.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        max_connections_per_address: Option<u32>,
    },
    /// Make a database from a backup written by `serve --backup` (checked first), then run
    /// `polyphony serve --db FILE` to carry on.
    Restore {
        /// The backup file (`<db name>.backup` in the backup folder).
        backup: PathBuf,
        /// The database file to create.
        #[arg(long, default_value = "polyphony.db")]
        db: PathBuf,
        /// Replace the database file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Move every room of a SQLite database into a PostgreSQL one, and check the move.
    ///
    /// Every row of every room is copied in one transaction (the PostgreSQL tables created
    /// when empty), then checked: every row read back equal, and each room's export files
    /// identical loaded from either database. Prints one line per room. Refused, with nothing
    /// written, when the PostgreSQL database already holds one of the join codes or the file
    /// is not a Polyphony database.
    Migrate {
        /// The SQLite database (`serve --db FILE`); read, never written. Stop the server first:
        /// what it stores after the copy began is not copied.
        #[arg(long)]
        from: PathBuf,
        /// The PostgreSQL database, e.g. `postgres://user@host/db`.
        #[arg(long)]
        to: String,
    },
    /// Create a room from a Polis export (openData folder or API pair) in the database, for
    /// demos and replays; prints its join code and facilitator key. Restart a running server to
    /// see it.
    Import {
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
    },
    /// Analyze a Polis export: an openData folder (comments.csv + votes.csv or
    /// participants-votes.csv) or an API pair folder (votes.json + comments.json).
    Analyze {
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
    },
    /// Run several pipelines on one export side by side — Polis (the engine) and linfa PCA with
    /// KMeans, GaussianMixture, DBSCAN and HDBSCAN — with k, group sizes, silhouette, ARI and
    /// agreement against the export's Polis groups, bootstrap stability and time; and rank
    /// statements by bridging (Community Notes' matrix factorisation) beside Polis's
    /// group-informed consensus.
    Compare {
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
    },
    /// Plan discussion tables for a Polis export (as the workshop does after the map):
    /// same-group or mixed tables of at most `--size` people, seeded.
    Tables {
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
    },
    /// Write the take-away report of a Polis export as one self-contained HTML file (inline CSS
    /// and SVG, no script): opens offline, reads on a phone, prints on A4.
    Report {
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
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum TablesFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
    PolisBlob,
}

#[derive(Clone, Copy, ValueEnum)]
enum SignArg {
    Auto,
    AgreePositive,
    AgreeNegative,
}

/// mimalloc, not the system's malloc: after a wave of slow sockets (1,200 projector sockets
/// that never read a 380 KiB view) glibc's malloc kept ~450 MiB it no longer used; mimalloc
/// gives freed pages back to the system within milliseconds (README, "Load"). Its version 2
/// (the workspace's `v2` feature): faster than 3 for a short `analyze` and lighter under load
/// (measurements beside the dependency in the workspace's Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn sign(arg: SignArg) -> VoteSign {
    match arg {
        SignArg::Auto => VoteSign::Auto,
        SignArg::AgreePositive => VoteSign::AgreePositive,
        SignArg::AgreeNegative => VoteSign::AgreeNegative,
    }
}

/// The report of a Polis export: the analysis of every vote, and the opinion change from the
/// earlier half of the votes (by time) to all of them, in one warm-started conversation so the
/// group ids match.
fn report_input(
    data: &PolisConversation,
    path: &std::path::Path,
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

/// Prints `out` and a newline to stdout in one write.
fn print_line(mut out: Vec<u8>) -> Result<()> {
    use std::io::Write as _;
    out.push(b'\n');
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&out)?;
    stdout.flush()?;
    Ok(())
}

/// Briefing cards from a file: a JSON list of cards, or a room's `polyphony.json` export.
fn read_brief(file: &std::path::Path) -> Result<Vec<polyphony_protocol::BriefCard>> {
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

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Serve {
            addr,
            db,
            trust_proxy,
            backup,
            advertise,
            lease_ms,
            max_connections_per_address,
        } => serve::serve(
            addr,
            &polyphony_server::Database::parse(&db),
            serve::Options {
                trust_proxy,
                backup,
                advertise,
                lease: std::time::Duration::from_millis(lease_ms),
                max_connections_per_address,
            },
        ),
        Command::Restore { backup, db, force } => serve::restore(&backup, &db, force),
        Command::Migrate { from, to } => migrate::migrate(&from, &to),
        Command::Import {
            path,
            db,
            topic,
            seed,
            vote_sign,
            brief,
        } => {
            let data = polyphony_polis::read_path(&path, sign(vote_sign))
                .with_context(|| format!("cannot import {}", path.display()))?;
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
            serve::import(&db, &data, &topic, seed, brief)
        }
        Command::Analyze {
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
        } => {
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
            let data: PolisConversation = polyphony_polis::read_path_with(&path, sign, groups)
                .with_context(|| format!("cannot import {}", path.display()))?;
            let params = AnalysisParams::builder(preset).seed(seed).build()?;
            let replay_change = match change {
                Some((from, to)) => {
                    Some(lab::replay_change(&data, params.clone(), &how, from, to)?)
                }
                None => None,
            };
            let (conv, analysis) = lab::analysis(&data, params, &how)?;
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
                    use std::io::Write as _;
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
        Command::Compare {
            path,
            bootstrap,
            seed,
            consensus,
            fdr,
            format,
            vote_sign,
        } => {
            let data = polyphony_polis::read_path(&path, sign(vote_sign))
                .with_context(|| format!("cannot import {}", path.display()))?;
            let how = lab::CompareHow {
                bootstrap,
                seed,
                consensus: consensus.parse()?,
                fdr,
                json: matches!(format, TablesFormat::Json),
            };
            println!("{}", lab::compare(&data, &how)?);
            Ok(())
        }
        Command::Tables {
            path,
            mode,
            size,
            preset,
            seed,
            format,
            vote_sign,
        } => {
            let data = polyphony_polis::read_path(&path, sign(vote_sign))
                .with_context(|| format!("cannot import {}", path.display()))?;
            let params = AnalysisParams::builder(preset).seed(seed).build()?;
            let analysis = data.to_conversation(params).update();
            let tables = TableParams::builder(mode).size(size).seed(seed).build()?;
            let plan = data.table_plan(&analysis, &tables);
            let out = match format {
                TablesFormat::Text => text::tables(&plan, &analysis),
                TablesFormat::Json => serde_json::to_string_pretty(&plan)?,
            };
            println!("{out}");
            Ok(())
        }
        Command::Report {
            path,
            out,
            lang,
            preset,
            seed,
            vote_sign,
        } => {
            let data = polyphony_polis::read_path(&path, sign(vote_sign))
                .with_context(|| format!("cannot import {}", path.display()))?;
            let params = AnalysisParams::builder(preset).seed(seed).build()?;
            let html = polyphony_report::render(&report_input(&data, &path, params, lang));
            std::fs::write(&out, html)
                .with_context(|| format!("cannot write the report to {}", out.display()))?;
            println!("Wrote the report to {}", out.display());
            Ok(())
        }
    }
}
