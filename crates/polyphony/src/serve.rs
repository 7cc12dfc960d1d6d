//! `polyphony serve` and `polyphony import`: flags in, [`polyphony_server`] does the work.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use polyphony_polis::PolisConversation;
use polyphony_server::{AppState, Database, Instance, Limits};

/// Logs go to stderr through `tracing`; `RUST_LOG` chooses what (e.g. `RUST_LOG=debug` for a
/// span per request). Without it: warnings from libraries, the server's own start lines. The
/// URLs and the QR code are not logs: they go to stdout whatever the filter.
const DEFAULT_LOG: &str = "warn,polyphony=info,polyphony_server=info";

pub(crate) fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(DEFAULT_LOG));
    // A second call (serve after import in one process, tests) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
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

/// `serve`'s flags beyond the address and the database.
pub struct Options {
    /// Read the client's address from `X-Forwarded-For` (behind a reverse proxy).
    pub trust_proxy: bool,
    /// Keep a backup copy in this folder.
    pub backup: Option<PathBuf>,
    /// One of several instances on a PostgreSQL database, reached by the others here.
    pub advertise: Option<String>,
    /// How long a room's lease lasts without renewal (PostgreSQL).
    pub lease: Duration,
    /// Open connections one address may hold, when not the default.
    pub max_connections_per_address: Option<u32>,
}

/// How often `--backup` copies the database (and at each stage change).
const BACKUP_EVERY: Duration = Duration::from_secs(30);

/// Runs the server until Ctrl-C or SIGTERM.
pub fn serve(addr: SocketAddr, db: &Database, options: Options) -> Result<()> {
    init_logging();
    if options.advertise.is_some() && db.sqlite_path().is_some() {
        anyhow::bail!(
            "--advertise joins instances sharing a PostgreSQL database; a SQLite file has one \
             server"
        );
    }
    let instance = match &options.advertise {
        Some(a) => Instance::member(a).map_err(anyhow::Error::msg)?,
        None => Instance::solo(),
    }
    .with_lease(options.lease);
    if options.backup.is_some() && db.sqlite_path().is_none() {
        anyhow::bail!(
            "--backup copies a SQLite file; for PostgreSQL use its own tools (pg_dump, \
             replication)"
        );
    }
    // A hall of phones holds a socket each, plus connections: raise the open-file soft limit
    // to the hard one, and keep clear of it.
    let fd_limit = polyphony_server::raise_fd_limit();
    let mut limits = Limits {
        trust_proxy: options.trust_proxy,
        ..Limits::default()
    };
    if let Some(n) = options.max_connections_per_address {
        limits.max_connections_per_address = n;
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
    if let Some(dir) = &options.backup {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the backup folder {}", dir.display()))?;
    }
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
        if let Some(a) = &options.advertise {
            println!("  one of several instances: the others reach this one at {a}");
        }
        if let Some(dir) = &options.backup {
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
        if let Some(dir) = &options.backup {
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

/// Makes database `db` from a backup, checked first.
pub fn restore(backup: &Path, db: &Path, force: bool) -> Result<()> {
    let restored = polyphony_server::restore_database(backup, db, force)
        .with_context(|| format!("cannot restore {}", backup.display()))?;
    println!(
        "restored {} room(s) into {}: {}",
        restored.rooms.len(),
        db.display(),
        restored.rooms.join(", ")
    );
    println!(
        "carry on with: polyphony serve --db {} (facilitator keys and phone tokens are unchanged)",
        db.display()
    );
    Ok(())
}

/// Creates a room from a Polis export.
pub fn import(
    db: &Path,
    data: &PolisConversation,
    topic: &str,
    seed: u64,
    brief: Vec<polyphony_protocol::BriefCard>,
) -> Result<()> {
    init_logging();
    runtime()?.block_on(async {
        let state = AppState::open(db, Limits::default())
            .await
            .with_context(|| format!("cannot open {}", db.display()))?;
        let cards = brief.len();
        let created = state.import_polis(data, topic, seed, brief).await?;
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
