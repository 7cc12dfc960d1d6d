//! `cargo xtask test`: everything the test suite needs, then every test. `cargo xtask load`:
//! the workshop server's load test.
//!
//! On a fresh machine it adds the wasm32 target, installs `wasm-bindgen-cli` at exactly the
//! version in Cargo.lock, Debian's Chromium and CJK fonts, and the locked npm packages; then it
//! builds the web app, runs the Rust tests (unit, integration, doc), builds the release binary
//! and the WebAssembly bindings, runs the Node tests that compare them, and the browser tests.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

fn main() -> Result<()> {
    let task = std::env::args().nth(1).unwrap_or_default();
    let root = root();
    match task.as_str() {
        "test" => test(&root),
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
        _ => bail!("usage: cargo xtask test | serve [--addr A --db F] | web | wasm | load [--phones N --seconds S]"),
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap_or_else(|_| PathBuf::from("."))
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

fn build_wasm(root: &Path) -> Result<()> {
    run(
        root,
        "cargo",
        &[
            "build",
            "--release",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "polyphony-wasm",
        ],
    )?;
    run(
        root,
        "wasm-bindgen",
        &[
            "--target",
            "nodejs",
            "--out-dir",
            "target/wasm-pkg",
            "target/wasm32-unknown-unknown/release/polyphony_wasm.wasm",
        ],
    )
}

/// Builds the web app into `target/web-dist/` (embedded by `polyphony-server`'s build script):
/// the wasm in the `wasm-release` profile, its JS glue from wasm-bindgen, the static files and
/// the translation tables as JSON. Prints the shipped wasm size, raw and gzipped.
fn build_web(root: &Path) -> Result<()> {
    run(
        root,
        "cargo",
        &[
            "build",
            "--profile",
            "wasm-release",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "polyphony-web",
            "--lib",
        ],
    )?;
    let dist = root.join("target/web-dist");
    std::fs::create_dir_all(&dist).context("create target/web-dist")?;
    run(
        root,
        "wasm-bindgen",
        &[
            "--target",
            "web",
            "--no-typescript",
            "--out-dir",
            "target/web-dist",
            "target/wasm32-unknown-unknown/wasm-release/polyphony_web.wasm",
        ],
    )?;
    for entry in std::fs::read_dir(root.join("web/static")).context("read web/static")? {
        let path = entry?.path();
        if let Some(name) = path.file_name() {
            std::fs::copy(&path, dist.join(name))
                .with_context(|| format!("copy {}", path.display()))?;
        }
    }
    let out = Command::new("cargo")
        .args(["run", "-q", "-p", "polyphony-web", "--bin", "i18n-json"])
        .current_dir(root)
        .output()
        .context("run i18n-json")?;
    if !out.status.success() {
        bail!("i18n-json failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    std::fs::write(dist.join("i18n.json"), &out.stdout).context("write i18n.json")?;
    let wasm = std::fs::read(dist.join("polyphony_web_bg.wasm")).context("read the wasm")?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut gz, &wasm)?;
    let gzipped = gz.finish()?.len();
    eprintln!(
        "xtask: web app in target/web-dist: polyphony_web_bg.wasm {} bytes ({} gzipped)",
        wasm.len(),
        gzipped
    );
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
    setup_wasm(root)?;
    setup_browser(root)?;
    // The web app first: the server embeds it at build time.
    build_web(root)?;
    run(root, "cargo", &["test", "--workspace"])?;
    run(root, "cargo", &["build", "--release", "-p", "polyphony"])?;
    build_wasm(root)?;
    run(root, "node", &["--test", "crates/polyphony-wasm/tests/"])?;
    run(root, "node", &["--test", "web/e2e/"])?;
    eprintln!("xtask: all tests passed; browser screenshots in target/screenshots/");
    Ok(())
}
