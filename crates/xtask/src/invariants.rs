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

/// The engine and what it computes with: the wire types (`polyphony-protocol`, and the small
/// values it shares with the engine, `polyphony-types`) depend on none of them, so that the web
/// app compiled against the protocol carries no engine.
const ENGINE_CRATES: &[&str] = &[
    "polyphony-core",
    "ndarray",
    "linfa",
    "linfa-clustering",
    "rand",
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

/// The architecture invariants of `docs/ARCHITECTURE.md`, enforced: `polyphony-core`,
/// `polyphony-protocol`, `polyphony-types` and `polyphony-lab` depend on no I/O or async crate
/// (on any target) and their source uses no file, network, process, environment, clock or
/// global-RNG API; the protocol and the types depend on no engine crate; the core's pipeline
/// does not import the conversation that calls it.
pub(crate) fn invariants(root: &Path) -> Result<()> {
    let mut broken = Vec::new();
    for krate in [
        "polyphony-core",
        "polyphony-protocol",
        "polyphony-types",
        "polyphony-lab",
    ] {
        let wire_only = matches!(krate, "polyphony-protocol" | "polyphony-types");
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
            if wire_only && ENGINE_CRATES.contains(&name) {
                broken.push(format!("{krate} is wire-only but depends on {name}"));
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
    broken.extend(pipeline_imports_conversation(root)?);
    if !broken.is_empty() {
        bail!("architecture invariants broken:\n  {}", broken.join("\n  "));
    }
    eprintln!(
        "xtask: invariants hold: polyphony-core, polyphony-protocol, polyphony-types and \
         polyphony-lab do no I/O; the protocol is wire-only; the core's pipeline does not import \
         its caller"
    );
    Ok(())
}

/// The core's pipeline depends on data (`analysis.rs`), never on its caller: no code line of
/// `crates/polyphony-core/src/pipeline.rs` or `pipeline/` names the `conversation` module or
/// `Conversation` (doc comments may link to it), so the loop conversation → pipeline →
/// conversation cannot come back.
fn pipeline_imports_conversation(root: &Path) -> Result<Vec<String>> {
    let src = root.join("crates/polyphony-core/src");
    let mut files = rust_files(&src.join("pipeline"))?;
    files.push(src.join("pipeline.rs"));
    let mut broken = Vec::new();
    for file in files {
        let text =
            std::fs::read_to_string(&file).with_context(|| format!("read {}", file.display()))?;
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            if code.contains("conversation::") || code.contains("Conversation") {
                let place = format!("{}:{}", file.display(), n + 1);
                broken.push(format!(
                    "{place}: the pipeline names its caller, the conversation"
                ));
            }
        }
    }
    Ok(broken)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pipeline_may_not_import_the_conversation() -> Result<()> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        assert_eq!(pipeline_imports_conversation(&root)?, Vec::<String>::new());

        // A copy of the core's pipeline with the old import planted is caught; a doc link is not.
        let planted = std::env::temp_dir().join(format!("xtask-invariants-{}", std::process::id()));
        let src = planted.join("crates/polyphony-core/src");
        std::fs::create_dir_all(src.join("pipeline"))?;
        std::fs::write(
            src.join("pipeline.rs"),
            "//! [`crate::Conversation::update`]\n",
        )?;
        std::fs::write(
            src.join("pipeline/groups.rs"),
            "use std::fmt;\nuse crate::conversation::OpinionGroups;\n",
        )?;
        let broken = pipeline_imports_conversation(&planted);
        std::fs::remove_dir_all(&planted)?;
        let broken = broken?;
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert!(broken[0].contains("groups.rs:2:"), "{broken:?}");
        Ok(())
    }
}
