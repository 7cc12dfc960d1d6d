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
        "invariants" => invariants(&root),
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
        _ => bail!("usage: cargo xtask test | invariants | serve [--addr A --db F] | web | wasm | load [--phones N --seconds S]"),
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

/// Crates that do I/O or run an async runtime: none may reach the engine or the wire types.
const IO_CRATES: &[&str] = &[
    "tokio",
    "axum",
    "hyper",
    "tower",
    "mio",
    "socket2",
    "rusqlite",
    "libsqlite3-sys",
    "async-std",
    "smol",
    "async-io",
    "reqwest",
    "tungstenite",
    "tokio-tungstenite",
];

/// What the engine's and the wire types' own source must not call: files, network, processes,
/// the environment, the clock, the global random generator.
const IO_CALLS: &[&str] = &[
    "std::fs",
    "std::net",
    "std::process",
    "std::env",
    "SystemTime",
    "Instant::now",
    "thread_rng",
    "tokio",
];

/// The architecture invariants of `docs/ARCHITECTURE.md`, enforced: `polyphony-core` and
/// `polyphony-protocol` depend on no I/O or async crate (on any target) and their source uses
/// no file, network, process, environment, clock or global-RNG API.
fn invariants(root: &Path) -> Result<()> {
    let mut broken = Vec::new();
    for krate in ["polyphony-core", "polyphony-protocol"] {
        let out = Command::new("cargo")
            .args([
                "tree", "-p", krate, "-e", "normal", "--target", "all", "--prefix", "none",
            ])
            .current_dir(root)
            .output()
            .context("run cargo tree")?;
        if !out.status.success() {
            bail!(
                "cargo tree -p {krate} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let name = line.split_whitespace().next().unwrap_or_default();
            if IO_CRATES.contains(&name) {
                broken.push(format!("{krate} depends on {name}"));
            }
        }
        let src = root.join("crates").join(krate).join("src");
        for file in rust_files(&src)? {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("read {}", file.display()))?;
            for (n, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if code.starts_with("//") {
                    continue;
                }
                for call in IO_CALLS {
                    if code.contains(call) {
                        broken.push(format!("{}:{}: uses {call}", file.display(), n + 1));
                    }
                }
            }
        }
    }
    if !broken.is_empty() {
        bail!("architecture invariants broken:\n  {}", broken.join("\n  "));
    }
    eprintln!("xtask: invariants hold: polyphony-core and polyphony-protocol do no I/O");
    Ok(())
}

fn rust_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("read {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            files.extend(rust_files(&path)?);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    Ok(files)
}

fn test(root: &Path) -> Result<()> {
    invariants(root)?;
    setup_wasm(root)?;
    setup_browser(root)?;
    // The web app first: the server embeds it at build time.
    build_web(root)?;
    run(root, "cargo", &["test", "--workspace"])?;
    run(root, "cargo", &["build", "--release", "-p", "polyphony"])?;
    build_wasm(root)?;
    run(root, "node", &["--test", "crates/polyphony-wasm/tests/"])?;
    run(root, "node", &["--test", "web/e2e/"])?;
    // The offline report: the release binary writes it, Chromium opens it from file://.
    run(root, "node", &["--test", "crates/polyphony-report/tests/"])?;
    eprintln!("xtask: all tests passed; browser screenshots in target/screenshots/");
    Ok(())
}
