//! `cargo xtask test`: everything the test suite needs, then every test. `cargo xtask load`:
//! the workshop server's load test.
//!
//! On a fresh machine it adds the wasm32 target, installs `wasm-bindgen-cli` at exactly the
//! version in Cargo.lock, Debian's Chromium and CJK fonts, and the locked npm packages of
//! `web/e2e` (binaryen's `wasm-opt` among them, for the web build); then it builds the web app,
//! runs the Rust tests (unit, integration, doc), builds the release binary and the WebAssembly
//! bindings, runs the Node tests that compare them, and the browser tests; last, the Python
//! package (`python.rs`: its wheel in a fresh venv, pytest and the vtaiwan notebook).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

mod cluster;
mod invariants;
mod postgres;
mod python;
mod wasm_pkg;
mod web;

use invariants::invariants;
use python::python_package;
use wasm_pkg::build_wasm;
use web::build_web;

fn main() -> Result<()> {
    let task = std::env::args().nth(1).unwrap_or_default();
    let root = root();
    match task.as_str() {
        "test" => test(&root),
        "invariants" => invariants(&root),
        "with-postgres" => {
            // `cargo xtask with-postgres cargo test -p polyphony-server --test postgres`: one
            // command with a throw-away PostgreSQL cluster, its URL in POLYPHONY_TEST_POSTGRES.
            postgres::setup_postgres(&root)?;
            let rest: Vec<String> = std::env::args().skip(2).collect();
            postgres::with_postgres(&root, &rest)
        }
        "cluster" => {
            // A hosted deployment on this machine: PostgreSQL, three instances, a proxy.
            let rest: Vec<String> = std::env::args().skip(2).collect();
            cluster::cluster(&root, &rest)
        }
        "python" => python_package(&root),
        "wasm" => {
            setup_wasm(&root)?;
            build_wasm(&root)
        }
        "web" => {
            setup_wasm(&root)?;
            build_web(&root)
        }
        "serve" => {
            // The README's run command: build the web app, then serve it.
            setup_wasm(&root)?;
            build_web(&root)?;
            let rest: Vec<String> = std::env::args().skip(2).collect();
            let mut args: Vec<&str> = vec!["run", "--release", "-p", "polyphony", "--", "serve"];
            args.extend(rest.iter().map(String::as_str));
            run(&root, "cargo", &args)
        }
        "load" => {
            // `cargo xtask load --phones 200 --seconds 30`: the server load test, in release.
            // `--attack big-frames|slow-headers|join-flood` attacks from one address meanwhile;
            // `--soak [--minutes 10]` runs 500 phones with two reconnect storms.
            let rest: Vec<String> = std::env::args().skip(2).collect();
            let mut args: Vec<&str> = vec![
                "run",
                "--release",
                "-q",
                "-p",
                "polyphony-benches",
                "--bin",
                "load",
                "--",
            ];
            args.extend(rest.iter().map(String::as_str));
            run(&root, "cargo", &args)
        }
        _ => bail!("usage: cargo xtask test | invariants | with-postgres CMD [ARGS] | python | serve [--addr A --db F] | cluster [--instances N --port P] | web | wasm | load [--phones N --seconds S] [--attack big-frames|slow-headers|join-flood] [--soak --minutes M]"),
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap_or_else(|_| PathBuf::from("."))
}

/// Where cargo puts what it builds: `CARGO_TARGET_DIR` when set (a developer may keep one per
/// job), else the workspace's `target/`. What xtask itself writes (`target/web-dist`, the wasm
/// package) stays under the workspace's `target/`, where the server's build script looks.
fn cargo_target(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root.join(dir),
        _ => root.join("target"),
    }
}

/// A wasm32 artifact cargo built: `profile` is `release` or `wasm-release`.
fn wasm_artifact(root: &Path, profile: &str, name: &str) -> String {
    cargo_target(root)
        .join("wasm32-unknown-unknown")
        .join(profile)
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn run(root: &Path, program: &str, args: &[&str]) -> Result<()> {
    eprintln!("xtask: {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .current_dir(root)
        .status()
        .with_context(|| format!("cannot start {program}"))?;
    if !status.success() {
        bail!("{program} {} failed ({status})", args.join(" "));
    }
    Ok(())
}

fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The wasm-bindgen version Cargo.lock pins (the CLI must match it exactly).
fn locked_wasm_bindgen(root: &Path) -> Result<String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).context("read Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_string());
            }
        }
    }
    bail!("wasm-bindgen is not in Cargo.lock")
}

fn setup_wasm(root: &Path) -> Result<()> {
    if output("rustup", &["--version"]).is_some() {
        run(root, "rustup", &["target", "add", "wasm32-unknown-unknown"])?;
    }
    let want = locked_wasm_bindgen(root)?;
    let have = output("wasm-bindgen", &["--version"]).unwrap_or_default();
    if have != format!("wasm-bindgen {want}") {
        // No --locked: its own lock file pins a crate version the registry does not serve.
        run(
            root,
            "cargo",
            &[
                "install",
                "wasm-bindgen-cli",
                "--version",
                &format!("={want}"),
            ],
        )?;
    }
    Ok(())
}

/// Debian's Chromium and CJK fonts for the browser tests, and the locked npm packages
/// (playwright-core, axe-core), installed when missing.
fn setup_browser(root: &Path) -> Result<()> {
    if !Path::new("/usr/bin/chromium").exists()
        || !Path::new("/usr/share/fonts/opentype/noto").exists()
    {
        run(root, "apt-get", &["update", "-qq"])?;
        run(
            root,
            "apt-get",
            &["install", "-y", "-qq", "chromium", "fonts-noto-cjk"],
        )?;
    }
    if !root.join("web/e2e/node_modules/playwright-core").exists() {
        run(
            &root.join("web/e2e"),
            "npm",
            &["ci", "--no-audit", "--no-fund"],
        )?;
    }
    Ok(())
}

fn test(root: &Path) -> Result<()> {
    invariants(root)?;
    setup_wasm(root)?;
    setup_browser(root)?;
    // The web app first: the server embeds it at build time.
    build_web(root)?;
    // A throw-away PostgreSQL cluster (Debian's package, installed when missing; run as an
    // unprivileged user), stopped and deleted when `cluster` drops, whatever the outcome.
    postgres::setup_postgres(root)?;
    let cluster = postgres::Cluster::start()?;
    // Every test of the workspace, the PostgreSQL store's own among them
    // (crates/polyphony-server/tests/postgres.rs and the store's unit tests).
    postgres::run_with_url(root, &cluster, "cargo", &["test", "--workspace"], &[])?;
    // The server's whole suite once more, on PostgreSQL: every database a test opens is a
    // PostgreSQL database (tests/common: `on_postgres`).
    postgres::run_with_url(
        root,
        &cluster,
        "cargo",
        &["test", "-p", "polyphony-server", "--tests"],
        &[("POLYPHONY_TEST_BACKEND", "postgres")],
    )?;
    run(root, "cargo", &["build", "--release", "-p", "polyphony"])?;
    build_wasm(root)?;
    run(root, "node", &["--test", "crates/polyphony-wasm/tests/"])?;
    // Every browser test in web/e2e/ (first-visit.test.mjs, workshop.test.mjs,
    // facilitator.test.mjs, phone.test.mjs, ...; helpers.mjs is shared, not a test), one file at
    // a time: the throttled first visit times itself and must not share the machine. The
    // PostgreSQL cluster is still up: failover.test.mjs runs three instances on a database of
    // its own there (and fails without POLYPHONY_TEST_POSTGRES).
    postgres::run_with_url(
        root,
        &cluster,
        "node",
        &["--test", "--test-concurrency=1", "web/e2e/"],
        &[],
    )?;
    drop(cluster);
    // The offline report: the release binary writes it, Chromium opens it from file://.
    run(root, "node", &["--test", "crates/polyphony-report/tests/"])?;
    // The Python package: wheel, fresh venv, pytest and the notebook (against the release CLI).
    python_package(root)?;
    eprintln!("xtask: all tests passed; browser screenshots in target/screenshots/");
    Ok(())
}
