//! `cargo xtask invariants`: the architecture's no-I/O rule, checked.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

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
pub(crate) fn invariants(root: &Path) -> Result<()> {
    let mut broken = Vec::new();
    for krate in ["polyphony-core", "polyphony-protocol", "polyphony-lab"] {
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
    eprintln!(
        "xtask: invariants hold: polyphony-core, polyphony-protocol and polyphony-lab do no I/O"
    );
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
