//! `cargo xtask cluster`: a hosted deployment on one machine, as people would run it — a
//! throw-away PostgreSQL (`postgres.rs`), three `polyphony serve` instances on loopback sharing
//! it, and a small round-robin TCP proxy in front (the load balancer: any connection may land on
//! any instance; the instances forward to each room's owner). Ctrl-C stops the instances (each
//! lets its leases go), then PostgreSQL, and deletes its folder. The proxy adds each client's
//! address to its requests (`X-Forwarded-For`), so per-address limits still count phones.
//!
//! `cargo xtask cluster [--instances N] [--port P]`: phones and the facilitator open
//! `http://<this machine>:P` (default 8080); the instances listen on P+1 … P+N.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};

use crate::postgres;

struct Options {
    instances: u16,
    port: u16,
}

fn options(args: &[String]) -> Result<Options> {
    let mut o = Options {
        instances: 3,
        port: 8080,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let value = it.next().with_context(|| format!("{a} needs a value"))?;
        match a.as_str() {
            "--instances" => o.instances = value.parse().context("--instances N")?,
            "--port" => o.port = value.parse().context("--port P")?,
            _ => bail!("usage: cargo xtask cluster [--instances N] [--port P]"),
        }
    }
    if !(1..=16).contains(&o.instances) {
        bail!("--instances is 1 to 16");
    }
    Ok(o)
}

/// Builds, starts PostgreSQL, the instances and the proxy; runs until Ctrl-C.
pub fn cluster(root: &Path, args: &[String]) -> Result<()> {
    let o = options(args)?;
    postgres::setup_postgres(root)?;
    crate::setup_wasm(root)?;
    crate::web::build_web(root)?;
    crate::run(root, "cargo", &["build", "--release", "-p", "polyphony"])?;
    let binary = crate::cargo_target(root).join("release").join("polyphony");

    let stop = Arc::new(AtomicBool::new(false));
    let on_signal = Arc::clone(&stop);
    ctrlc::set_handler(move || on_signal.store(true, Ordering::SeqCst))
        .context("cannot take Ctrl-C")?;

    let pg = postgres::Cluster::start()?;
    let mut instances: Vec<Child> = Vec::new();
    let mut backends = Vec::new();
    for i in 1..=o.instances {
        let port = o.port + i;
        let address = format!("127.0.0.1:{port}");
        let child = Command::new(&binary)
            .args(["serve", "--addr", &address, "--db", &pg.url])
            .args(["--advertise", &format!("http://{address}"), "--trust-proxy"])
            .current_dir(root)
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        instances.push(child);
        backends.push(address);
    }
    let listener = TcpListener::bind(("0.0.0.0", o.port))
        .with_context(|| format!("cannot listen on port {} (in use?)", o.port))?;
    listener.set_nonblocking(true)?;
    eprintln!(
        "xtask: cluster up: PostgreSQL at {}, {} instances ({}), the proxy on port {} — open \
         http://<this machine>:{} ; Ctrl-C stops everything",
        pg.url,
        o.instances,
        backends.join(", "),
        o.port,
        o.port
    );
    let next = AtomicUsize::new(0);
    while !stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((client, _)) => {
                let start = next.fetch_add(1, Ordering::Relaxed);
                let backends = backends.clone();
                std::thread::spawn(move || proxy(client, &backends, start));
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => eprintln!("xtask: proxy accept: {e}"),
        }
        // An instance that stopped by itself (killed to try failover) stays down.
        for (child, address) in instances.iter_mut().zip(&backends) {
            if let Ok(Some(status)) = child.try_wait() {
                eprintln!("xtask: instance {address} is gone ({status})");
            }
        }
    }
    eprintln!("xtask: stopping the instances");
    for child in &mut instances {
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
    }
    for child in &mut instances {
        let _ = child.wait();
    }
    drop(pg);
    Ok(())
}

/// One client connection, to the first instance from `start` on that accepts it, bytes copied
/// both ways until either side closes (HTTP and WebSocket alike). Each request's head gets the
/// client's address in `X-Forwarded-For` (the instances run with `--trust-proxy`), so
/// per-address limits count phones, not the proxy.
fn proxy(client: TcpStream, backends: &[String], start: usize) {
    let Ok(peer) = client.peer_addr() else {
        return;
    };
    let n = backends.len();
    let upstream = (0..n).find_map(|k| {
        let address = &backends[(start + k) % n];
        TcpStream::connect_timeout(&address.parse().ok()?, Duration::from_secs(1)).ok()
    });
    let Some(upstream) = upstream else {
        return;
    };
    let (Ok(client2), Ok(upstream2)) = (client.try_clone(), upstream.try_clone()) else {
        return;
    };
    let up = std::thread::spawn(move || requests(client2, upstream2, &peer.ip().to_string()));
    copy(upstream, client);
    let _ = up.join();
}

/// Copies requests from the client, each head with `X-Forwarded-For: ip` added, each body by
/// its `Content-Length`; after an upgrade (a WebSocket) or a body of unknown length, the rest
/// is copied as it comes.
fn requests(mut from: TcpStream, mut to: TcpStream, ip: &str) {
    let mut pending: Vec<u8> = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") else {
            if pending.len() > 64 * 1024 {
                break;
            }
            match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(k) => pending.extend_from_slice(&buf[..k]),
            }
            continue;
        };
        let head = String::from_utf8_lossy(&pending[..end]).into_owned();
        let lower = head.to_ascii_lowercase();
        let length = lower.lines().find_map(|l| {
            l.strip_prefix("content-length:")
                .and_then(|v| v.trim().parse::<usize>().ok())
        });
        let raw_after = lower.contains("\r\nupgrade:") || lower.contains("transfer-encoding:");
        let out = format!("{head}\r\nX-Forwarded-For: {ip}\r\n\r\n");
        if to.write_all(out.as_bytes()).is_err() {
            break;
        }
        pending.drain(..end + 4);
        if raw_after {
            if to.write_all(&pending).is_err() {
                break;
            }
            copy(from, to);
            return;
        }
        let mut body = length.unwrap_or(0);
        let now = body.min(pending.len());
        if to.write_all(&pending[..now]).is_err() {
            break;
        }
        pending.drain(..now);
        body -= now;
        while body > 0 {
            match from.read(&mut buf[..body.min(16 * 1024)]) {
                Ok(0) | Err(_) => return,
                Ok(k) => {
                    if to.write_all(&buf[..k]).is_err() {
                        return;
                    }
                    body -= k;
                }
            }
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}

fn copy(mut from: TcpStream, mut to: TcpStream) {
    let mut buf = [0u8; 16 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(k) => {
                if to.write_all(&buf[..k]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}
