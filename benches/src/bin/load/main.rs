//! Load test of the workshop server: simulated phones join one room over HTTP and vote over
//! WebSocket on 127.0.0.1, each waiting for its acknowledgement before thinking and voting again
//! (as the web app does). Prints acknowledged / rejected / unacknowledged / lost votes and the
//! ack latency percentiles.
//!
//! "Lost" is checked, not assumed: after the run the room's `votes.csv` export is read back and
//! every acknowledged, non-duplicate vote must be in it.
//!
//! With `--tables same_group|mixed`, the phones stay connected after voting; the facilitator
//! forms discussion tables and the run prints how long it took from the request until every
//! phone had been shown its table.
//!
//! With `--attack big-frames|slow-headers|join-flood|sybil|slow-readers|slow-bodies|positions`,
//! one hostile address (127.0.0.1) attacks the server during the middle half of the run, and the
//! run prints what the attacker got, the phones' ack p99 before, during and after the attack,
//! the process's RSS before, at its peak during and 5 s after the attack's last socket closed,
//! and whether every phone kept being served (the lost-vote check counts the attacker's
//! acknowledged votes too). `slow-readers` is meant for a big room: `--statements 1000`.
//!
//! With `--soak`, 500 phones (unless `--phones`) vote for `--minutes` (default 10) with two
//! reconnect storms (at a third and two thirds of the run every phone drops its socket, with a
//! vote in flight, and reconnects within the same 5 s, resending that vote), and the run prints
//! acks, p99, the process's RSS at start and end, and the lost votes (must be 0).
//!
//! `cargo xtask load --phones 200 --seconds 30` (or `cargo run --release -p polyphony-benches
//! --bin load -- --phones 200 --seconds 30`). Without `--url` the server runs in this process, on
//! its own runtime and threads, with a fresh SQLite file in a temporary folder, and each phone
//! connects from its own loopback address (127.1.x.y, Linux), as phones in a hall have their own
//! addresses; the attacker uses 127.0.0.1.
//!
//! With `--rooms N` the phones are spread evenly over N rooms (phone n in room n mod N), and
//! every room's export is checked for lost votes. `--url` takes several addresses separated by
//! commas, the instances of one deployment (`polyphony serve --db postgres://… --advertise …`):
//! each room's phones go round-robin over them, as behind a load balancer that knows nothing
//! of rooms, so most phones land on an instance that forwards them to the room's owner. Rooms
//! are created on the first address, or with `--spread-rooms` room r on address r mod the
//! number of addresses (the creating instance owns the room).
//!
//! A server on this machine's IPv4 loopback (127.x.y.z), in this process or not, sees each
//! phone from its own 127.1.x.y (and, with several rooms, each room's facilitator from its own
//! 127.2.x.y). From one address, phones meet the per-address caps a hall behind one NAT meets:
//! of 2,000 phones in 20 rooms, 1,776 were refused (300 joins a minute, 1,200 connections).
//! `--server-pids` names the processes of a server started elsewhere; their RSS and open files
//! are read from `/proc` before the phones start and every second, and printed with what they
//! come to per phone.
//!
//! The parts: `phone.rs` (a simulated phone), `attack/` (the hostile address's modes),
//! `room.rs` (the facilitator's requests), `net.rs` (connections, the in-process server),
//! `probe.rs` (memory, open files, percentiles), `report.rs` (the figures printed at the end).

mod attack;
mod net;
mod phone;
mod probe;
mod report;
mod room;

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use clap::Parser;

use attack::{attack_worker, Attack, AttackTally, Target};
use phone::{phone, Acks, PhonePlan, Tally};
use probe::{open_files, rss_mib, Sampler, ServerSampler};
use report::Run;
use room::Room;

#[derive(Parser)]
#[command(about = "Drive simulated phones against a Polyphony server")]
struct Args {
    /// Simulated phones (default 200, or 500 with --soak).
    #[arg(long)]
    phones: Option<usize>,
    /// How long they vote.
    #[arg(long, default_value_t = 30)]
    seconds: u64,
    /// Seed statements in the room.
    #[arg(long, default_value_t = 40)]
    statements: usize,
    /// Mean think time between a phone's votes (uniform in 0.5–1.5 × this).
    #[arg(long, default_value_t = 1000)]
    think_ms: u64,
    /// A running server (`http://host:port`), or the instances of one deployment separated by
    /// commas (the phones go round-robin over them); default: start one in this process.
    #[arg(long, value_delimiter = ',')]
    url: Vec<String>,
    /// Rooms; the phones are spread evenly over them.
    #[arg(long, default_value_t = 1)]
    rooms: usize,
    /// With several `--url`: create room r on address r mod their number (default: every room
    /// on the first), so that each instance owns some of the rooms.
    #[arg(long)]
    spread_rooms: bool,
    /// Process ids of the server started elsewhere (its instances), comma-separated: their
    /// RSS and open files are sampled and printed.
    #[arg(long, value_delimiter = ',')]
    server_pids: Vec<u32>,
    /// Seed of the simulated phones' choices.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// After voting, form discussion tables (`same_group` or `mixed`) and time how long until
    /// every phone shows its table.
    #[arg(long)]
    tables: Option<String>,
    /// Attack the server from one address during the middle half of the run.
    #[arg(long, value_enum)]
    attack: Option<Attack>,
    /// A sustained run with reconnect storms (see the top of this file); `--minutes` long.
    #[arg(long)]
    soak: bool,
    /// How long a soak runs.
    #[arg(long, default_value_t = 10)]
    minutes: u64,
}

/// The server's own allocator (see `crates/polyphony/src/main.rs`), so the RSS this process
/// reports is the one `polyphony serve` would have.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    let args = Args::parse();
    let phones = args.phones.unwrap_or(if args.soak { 500 } else { 200 });
    let seconds = if args.soak {
        args.minutes * 60
    } else {
        args.seconds
    };
    let urls: Vec<String> = args
        .url
        .iter()
        .map(|u| u.trim().trim_end_matches('/').to_string())
        .filter(|u| !u.is_empty())
        .collect();
    let in_process = urls.is_empty();
    if args.rooms == 0 {
        bail!("--rooms is at least 1");
    }
    if args.rooms > 1 && (args.tables.is_some() || args.attack.is_some()) {
        bail!("--tables and --attack run in one room (no --rooms)");
    }
    if in_process && !args.server_pids.is_empty() {
        bail!("--server-pids is for a server started elsewhere (--url)");
    }
    // 2,000 phones hold more sockets than the 1,024 files many shells allow.
    polyphony_server::raise_fd_limit();
    let (urls, _dir) = if in_process {
        let (u, d) = net::start_server()?;
        (vec![u], Some(d))
    } else {
        (urls, None)
    };
    // Phones in a hall have addresses of their own; on loopback each phone can too.
    let own_addresses = urls.iter().all(|u| net::is_loopback_v4(u));
    let mut rooms = Vec::new();
    for r in 0..args.rooms {
        let url = if args.spread_rooms {
            &urls[r % urls.len()]
        } else {
            &urls[0]
        };
        let local = (own_addresses && args.rooms > 1).then(|| net::facilitator_addr(r));
        rooms.push(Room::create(url.clone(), args.statements, args.seed, local).await?);
    }
    let room = &rooms[0];
    // The process's RSS every second.
    let sampler = Sampler::start();
    let server_sampler =
        (!args.server_pids.is_empty()).then(|| ServerSampler::start(args.server_pids.clone()));
    // A process that is not there measures nothing (and says the server is someone else's).
    if let Some(s) = &server_sampler {
        for (pid, (rss, _)) in args.server_pids.iter().zip(&s.before) {
            if rss.is_none() {
                bail!("--server-pids: no process {pid} to measure (/proc/{pid}/status)");
            }
        }
    }
    let tallies: Vec<Arc<Tally>> = rooms.iter().map(|_| Arc::new(Tally::default())).collect();
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let storms = if args.soak {
        vec![
            started + Duration::from_secs(seconds / 3),
            started + Duration::from_secs(2 * seconds / 3),
        ]
    } else {
        Vec::new()
    };
    let plan = PhonePlan {
        url: room.url.clone(),
        code: room.code.clone(),
        statements: args.statements,
        think: Duration::from_millis(args.think_ms),
        deadline,
        seed: args.seed,
        wait_for_table: args.tables.is_some(),
        local: None,
        storms,
        started,
        key: room.key.clone(),
    };
    let mut tasks = Vec::new();
    for n in 0..phones {
        // Phone n is in room n mod rooms; a room's phones take the addresses in turn.
        let (r, i) = (n % rooms.len(), n / rooms.len());
        let plan = PhonePlan {
            url: urls[i % urls.len()].clone(),
            code: rooms[r].code.clone(),
            key: rooms[r].key.clone(),
            local: own_addresses.then(|| net::phone_addr(n)),
            ..plan.clone()
        };
        tasks.push(tokio::spawn(phone(plan, n, Arc::clone(&tallies[r]))));
    }
    // The attack: the middle half of the run, from 127.0.0.1.
    let attack_window = (seconds as f64 / 4.0, seconds as f64 * 3.0 / 4.0);
    let attack_tally = Arc::new(AttackTally::default());
    let mut attackers = Vec::new();
    if let Some(kind) = args.attack {
        let (from, to) = (
            started + Duration::from_secs_f64(attack_window.0),
            started + Duration::from_secs_f64(attack_window.1),
        );
        let target = Target {
            url: room.url.clone(),
            code: room.code.clone(),
            key: room.key.clone(),
            statements: args.statements,
        };
        for _ in 0..kind.workers() {
            let (target, tally) = (target.clone(), Arc::clone(&attack_tally));
            attackers.push(tokio::spawn(async move {
                tokio::time::sleep_until(from.into()).await;
                attack_worker(kind, target, to, tally).await;
            }));
        }
    }
    // Once every attacking task has ended (its sockets closed), wait 5 s and measure the RSS
    // "after" the attack.
    let after_attack = (!attackers.is_empty()).then(|| {
        let attackers = std::mem::take(&mut attackers);
        tokio::spawn(async move {
            for a in attackers {
                let _ = a.await;
            }
            let done = started.elapsed().as_secs_f64();
            tokio::time::sleep(Duration::from_secs(5)).await;
            (done, rss_mib(), open_files())
        })
    });
    let mut formed_at = None;
    if let Some(mode) = &args.tables {
        // Every phone has voted its last and listens; then the facilitator forms the tables.
        let patience = Instant::now() + Duration::from_secs(seconds + 30);
        formed_at = Some(
            room.form_tables(mode, phones, &tallies[0], patience)
                .await?,
        );
    }
    let mut latencies: Acks = Vec::new();
    let mut seated = Vec::new();
    let mut failed_phones = 0;
    let mut real_voters = 0;
    for t in tasks {
        match t.await {
            Ok(Ok((l, at))) => {
                real_voters += usize::from(!l.is_empty());
                latencies.extend(l);
                seated.extend(at);
            }
            Ok(Err(e)) => {
                failed_phones += 1;
                eprintln!("load: a phone failed: {e:#}");
            }
            Err(e) => {
                failed_phones += 1;
                eprintln!("load: a phone panicked: {e}");
            }
        }
    }
    let after_attack = match after_attack {
        Some(t) => t.await.ok(),
        None => None,
    };
    let elapsed = started.elapsed().as_secs_f64();
    // Give the analysis one coalescing window, then count what the server stored.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let samples = sampler.stop();
    let server = server_sampler.map(ServerSampler::stop);
    let rss_end = rss_mib();
    let run = Run {
        phones,
        failed_phones,
        real_voters,
        elapsed,
        statements: args.statements,
        seconds,
        soak: args.soak,
        attack: args.attack,
        attack_window,
        after_attack,
        latencies,
        seated,
        formed_at,
        tally: Arc::new(Tally::sum(&tallies)),
        attack_tally,
        samples,
        rss_end,
        server,
        addresses: urls.len(),
    };
    report::report(&run, &rooms, &tallies).await
}
