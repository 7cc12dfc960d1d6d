//! `polyphony serve`: flags in, [`polyphony_server`] serves the rooms until Ctrl-C or SIGTERM;
//! out go the addresses phones on the same network can open, with a QR code.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use polyphony_server::{AppState, Database, Instance, Limits};

use crate::runtime::{init_logging, runtime};

/// Run the workshop server: web app, HTTP API and WebSocket on one port, rooms stored in an
/// SQLite file or a PostgreSQL database. Prints the addresses phones on the same network can open, with a QR code.
#[derive(clap::Args)]
pub struct Args {
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
    /// Rooms this server holds (default 10,000, ~20 KB each when empty): creating one more
    /// is refused until the limit is raised, so that room creation, open to anyone, cannot
    /// fill the server's memory.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    max_rooms: Option<u32>,
}

/// Addresses a phone on the same network can reach: every non-loopback IPv4 address of this
/// machine when listening on all interfaces, else the one listened on.
fn lan_urls(bound: SocketAddr) -> Vec<String> {
    let port = bound.port();
    let ips: Vec<IpAddr> = if bound.ip().is_unspecified() {
        if_addrs::get_if_addrs()
            .unwrap_or_default()
            .into_iter()
            .filter(|i| !i.is_loopback())
            .map(|i| i.ip())
            .filter(IpAddr::is_ipv4)
            .collect()
    } else {
        vec![bound.ip()]
    };
    ips.into_iter()
        .map(|ip| format!("http://{}", SocketAddr::new(ip, port)))
        .collect()
}

/// The QR code of `url`, drawn with half-block characters (two rows per line).
fn terminal_qr(url: &str) -> Option<String> {
    let code = qrcode::QrCode::new(url.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::unicode::Dense1x2>()
            .dark_color(qrcode::render::unicode::Dense1x2::Light)
            .light_color(qrcode::render::unicode::Dense1x2::Dark)
            .quiet_zone(true)
            .build(),
    )
}

async fn wait_for_signal(state: AppState) {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(t) => t,
                Err(_) => {
                    let _ = ctrl_c.await;
                    state.request_shutdown();
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
    state.request_shutdown();
}

/// How often `--backup` copies the database (and at each stage change).
const BACKUP_EVERY: Duration = Duration::from_secs(30);

/// Runs the server until Ctrl-C or SIGTERM.
pub fn run(args: Args) -> Result<()> {
    let db = &Database::parse(&args.db);
    init_logging();
    if args.advertise.is_some() && db.sqlite_path().is_some() {
        anyhow::bail!(
            "--advertise joins instances sharing a PostgreSQL database; a SQLite file has one \
             server"
        );
    }
    let instance = match &args.advertise {
        Some(a) => Instance::member(a).map_err(anyhow::Error::msg)?,
        None => Instance::solo(),
    }
    .with_lease(Duration::from_millis(args.lease_ms));
    if args.backup.is_some() && db.sqlite_path().is_none() {
        anyhow::bail!(
            "--backup copies a SQLite file; for PostgreSQL use its own tools (pg_dump, \
             replication)"
        );
    }
    // A hall of phones holds a socket each, plus connections: raise the open-file soft limit
    // to the hard one, and keep clear of it.
    let fd_limit = polyphony_server::raise_fd_limit();
    let mut limits = Limits {
        trust_proxy: args.trust_proxy,
        ..Limits::default()
    };
    if let Some(n) = args.max_connections_per_address {
        limits.max_connections_per_address = n;
    }
    if let Some(n) = args.max_rooms {
        limits.max_rooms = n;
    }
    if let Some(n) = fd_limit {
        let usable = n.saturating_sub(64).clamp(64, u64::from(u32::MAX));
        limits.max_connections = u32::try_from(usable).unwrap_or(u32::MAX);
        tracing::info!(
            open_files = n,
            max_connections = limits.max_connections,
            // At most half of `max_connections`: one address leaves room for the others.
            connections_per_address = limits.connections_per_address(),
            "limits"
        );
    }
    if let Some(dir) = &args.backup {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the backup folder {}", dir.display()))?;
    }
    let addr = args.addr;
    runtime()?.block_on(async {
        let state = AppState::open_as(db, limits, instance)
            .await
            .with_context(|| format!("cannot open {}", db.describe()))?;
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr} (is another server using it?)"))?;
        let bound = listener.local_addr().context("no local address")?;
        let local = format!(
            "http://{}",
            SocketAddr::new([127, 0, 0, 1].into(), bound.port())
        );
        println!(
            "Polyphony is listening on {bound}; database {}",
            db.describe()
        );
        println!("  on this laptop:   {local}");
        let urls = lan_urls(bound);
        for url in &urls {
            println!("  on phones (same wifi): {url}");
        }
        if let Some(qr) = urls.first().and_then(|u| terminal_qr(u)) {
            println!("{qr}");
        } else if urls.is_empty() {
            println!("  (no network address found: phones cannot reach this machine)");
        }
        println!(
            "{} room(s) loaded. Ctrl-C stops the server.",
            state.room_codes().len()
        );
        if let Some(a) = &args.advertise {
            println!("  one of several instances: the others reach this one at {a}");
        }
        if let Some(dir) = &args.backup {
            let path = state
                .backup_to(dir)
                .await
                .with_context(|| format!("cannot write a backup into {}", dir.display()))?;
            println!(
                "  backup: {} (every {} s and at each stage change)",
                path.display(),
                BACKUP_EVERY.as_secs()
            );
            tokio::spawn(state.clone().run_backups(dir.clone(), BACKUP_EVERY));
        }
        tokio::spawn(wait_for_signal(state.clone()));
        polyphony_server::serve(listener, state.clone())
            .await
            .context("the server stopped with an error")?;
        state.shutdown().await;
        if let Some(dir) = &args.backup {
            match state.backup_to(dir).await {
                Ok(path) => println!("  last backup: {}", path.display()),
                Err(e) => eprintln!("the last backup failed: {e}"),
            }
        }
        println!(
            "Polyphony stopped; every acknowledged vote is in {}",
            db.describe()
        );
        Ok(())
    })
}
