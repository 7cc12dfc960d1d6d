//! `cargo xtask test`: everything the test suite needs, then every test. `cargo xtask load`:
//! the workshop server's load test.
//!
//! On a fresh machine it adds the wasm32 target, installs `wasm-bindgen-cli` at exactly the
//! version in Cargo.lock, Debian's Chromium and CJK fonts, and the locked npm packages of
//! `web/e2e` (binaryen's `wasm-opt` among them, for the web build); then it builds the web app,
//! runs the Rust tests (unit, integration, doc), builds the release binary and the WebAssembly
//! bindings, runs the Node tests that compare them, and the browser tests.

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
        _ => bail!("usage: cargo xtask test | invariants | serve [--addr A --db F] | web | wasm | load [--phones N --seconds S] [--attack big-frames|slow-headers|join-flood] [--soak --minutes M]"),
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
    )?;
    // An npm-style package folder: a notebook or a script can `npm install target/wasm-pkg`
    // or import it by path.
    let pkg = root.join("target/wasm-pkg");
    let package_json = package_json(env!("CARGO_PKG_VERSION"));
    for (name, text) in [
        ("package.json", package_json.as_str()),
        ("README.md", WASM_README),
        ("example.mjs", WASM_EXAMPLE),
    ] {
        std::fs::write(pkg.join(name), text)
            .with_context(|| format!("write target/wasm-pkg/{name}"))?;
    }
    eprintln!(
        "xtask: wrote the npm package folder target/wasm-pkg (node target/wasm-pkg/example.mjs)"
    );
    Ok(())
}

/// `package.json` of the wasm package (written by hand: xtask has no JSON dependency).
fn package_json(version: &str) -> String {
    format!(
        r#"{{
  "name": "polyphony-wasm",
  "version": "{version}",
  "description": "The Polyphony engine in WebAssembly: Polis-exact analysis, pipeline comparison, replay and time-lapse of Polis exports",
  "license": "MIT OR Apache-2.0",
  "main": "polyphony_wasm.js",
  "types": "polyphony_wasm.d.ts",
  "files": ["polyphony_wasm.js", "polyphony_wasm.d.ts", "polyphony_wasm_bg.wasm", "polyphony_wasm_bg.wasm.d.ts", "README.md", "example.mjs"],
  "engines": {{ "node": ">=18" }}
}}
"#
    )
}

const WASM_README: &str = r#"# polyphony-wasm

The Polyphony engine compiled to WebAssembly, for Node (CommonJS; `import` works from ES modules
too). Everything runs locally; nothing is uploaded.

```js
import polyphony from './polyphony_wasm.js'; // or: require('polyphony-wasm')
const files = { 'votes.json': votesText, 'comments.json': commentsText };
// or { 'comments.csv': ..., 'votes.csv': ..., 'participants-votes.csv': ... }

const report = JSON.parse(polyphony.analyzeExport(commentsCsv, votesCsv, '', 'polis', 0));
const comparison = polyphony.compare(files, { bootstrap: 50, seed: 0 });   // plain object
const replayed = polyphony.replay(files, { every: '1s', frames: 100 });   // analysis + timelapse
const exact = polyphony.analyzeWithPolisState(files, mathPca2Json, 0);    // Polis's numbers
```

- `compare(files, { bootstrap?, seed?, pipelines? })`: Polis (the engine) beside linfa PCA +
  KMeans, GaussianMixture and DBSCAN: k, group sizes, silhouette, ARI and agreement against the
  export's Polis groups, bootstrap stability. Times are `null`: time the call yourself.
- `replay(files, { preset?, seed?, every?, everyVotes?, frames? })`: the votes in time order,
  one update per second with new votes (Polis's math worker polls every second), the state
  carried; `frames` adds the time-lapse (map positions in the final basis, groups, per-statement
  group votes).
- `analyzeWithPolisState(files, mathPca2Json, seed)`: the state a Polis math blob implies, one
  `polis` update: `{ analysis, blob }`.

TypeScript declarations: `polyphony_wasm.d.ts`. Example: `node example.mjs path/to/export`.
"#;

const WASM_EXAMPLE: &str = r#"// node example.mjs <export folder>: compare the pipelines and replay the conversation.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import polyphony from './polyphony_wasm.js';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node example.mjs <export folder (openData CSVs or votes.json + comments.json)>');
  process.exit(2);
}
const wanted = ['comments.csv', 'votes.csv', 'participants-votes.csv', 'summary.csv', 'votes.json', 'comments.json'];
const files = Object.fromEntries(
  readdirSync(dir).filter((f) => wanted.includes(f)).map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]),
);

const t0 = performance.now();
const comparison = polyphony.compare(files, { bootstrap: 20 });
console.log(`compare: ${(performance.now() - t0).toFixed(0)} ms, ${comparison.participants.length} participants`);
for (const p of comparison.pipelines) {
  console.log(`  ${p.pipeline.padEnd(7)} k=${p.k} sizes=${p.group_sizes.join('/')} silhouette=${p.silhouette?.toFixed(3)} stability=${p.stability?.toFixed(3)} ARI=${p.ari?.toFixed(3) ?? '-'}`);
}
try {
  const replayed = polyphony.replay(files, { every: '1h', frames: 10 });
  const groups = replayed.analysis.groups?.groups ?? [];
  console.log(`replay: ${replayed.updates} updates, ${groups.length} groups, ${replayed.timelapse.frames.length} frames`);
} catch (e) {
  console.log(`replay: ${e.message}`);
}
"#;

/// Builds the web app into `target/web-dist/` (embedded by `polyphony-server`'s build script):
/// the wasm in the `wasm-release` profile, its JS glue from wasm-bindgen, shrunk by binaryen's
/// `wasm-opt -Oz`; the wasm, JS and CSS under content-hashed names (`index.html` names them, so
/// the server can let browsers keep them for a year), every text file and the wasm with
/// precompressed `.br` and `.gz` siblings (the server picks one by `Accept-Encoding`), and the
/// translation tables as JSON. Prints what a browser downloads, raw, gzipped and brotli'd.
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
    // The explorer's engine (the JavaScript bindings, run in a Web Worker): built for speed,
    // the same build `cargo xtask wasm` packages for npm.
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
    setup_wasm_opt(root)?;
    // Built beside the old one (a folder of this run's own, should two builds overlap) and
    // swapped in at the end: a server build never embeds half a web app, nor the hashed files
    // of an earlier build.
    let staging = root.join(format!("target/web-dist.new-{}", std::process::id()));
    if staging.exists() {
        std::fs::remove_dir_all(&staging).context("remove the staging folder")?;
    }
    let first_visit = match stage_web(root, &staging) {
        Ok(sizes) => sizes,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    let dist = root.join("target/web-dist");
    // Another build may swap its folder in between the two steps: then again.
    let mut tries = 0;
    while let Err(e) = {
        let _ = std::fs::remove_dir_all(&dist);
        std::fs::rename(&staging, &dist)
    } {
        tries += 1;
        if tries == 3 {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e).context("move the staging folder to target/web-dist");
        }
    }
    eprintln!(
        "xtask: web app in target/web-dist: a first visit fetches {} bytes ({} gzipped, {} brotli)",
        first_visit[0], first_visit[1], first_visit[2]
    );
    Ok(())
}

/// Fills `staging` with the web app; returns what a first visit fetches (raw, gzip, brotli).
fn stage_web(root: &Path, staging: &Path) -> Result<[usize; 3]> {
    let bindgen = staging.join("bindgen");
    std::fs::create_dir_all(&bindgen).context("create the staging folder")?;
    let bindgen_dir = bindgen.to_string_lossy().to_string();
    run(
        root,
        "wasm-bindgen",
        &[
            "--target",
            "web",
            "--no-typescript",
            "--out-dir",
            &bindgen_dir,
            "target/wasm32-unknown-unknown/wasm-release/polyphony_web.wasm",
        ],
    )?;
    run(
        root,
        &root.join(WASM_OPT).to_string_lossy(),
        &[
            "-Oz",
            &format!("{bindgen_dir}/polyphony_web_bg.wasm"),
            "-o",
            &format!("{bindgen_dir}/polyphony_web_bg.opt.wasm"),
        ],
    )?;
    let wasm = hashed_copy(
        &bindgen.join("polyphony_web_bg.opt.wasm"),
        "polyphony_web_bg",
        "wasm",
        staging,
    )?;
    let js = hashed_copy(
        &bindgen.join("polyphony_web.js"),
        "polyphony_web",
        "js",
        staging,
    )?;
    // Anything else wasm-bindgen wrote (JS snippets) keeps its name: the glue imports it by a
    // path relative to itself.
    for entry in std::fs::read_dir(&bindgen).context("read the wasm-bindgen output")? {
        let path = entry?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if !name.starts_with("polyphony_web") {
            copy_tree(&path, &staging.join(&*name))?;
        }
    }
    std::fs::remove_dir_all(&bindgen).context("remove the wasm-bindgen output")?;
    let css = hashed_copy(&root.join("web/static/style.css"), "style", "css", staging)?;
    let mut index = std::fs::read_to_string(root.join("web/static/index.html"))
        .context("read web/static/index.html")?;
    for (plain, hashed) in [
        ("/polyphony_web_bg.wasm", &wasm),
        ("/polyphony_web.js", &js),
        ("/style.css", &css),
    ] {
        if !index.contains(plain) {
            bail!("web/static/index.html does not name {plain}");
        }
        index = index.replace(plain, &format!("/{hashed}"));
    }
    std::fs::write(staging.join("index.html"), index).context("write index.html")?;
    stage_explorer_worker(root, staging)?;
    for entry in std::fs::read_dir(root.join("web/static")).context("read web/static")? {
        let path = entry?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if !["index.html", "style.css", EXPLORER_WORKER].contains(&&*name) {
            copy_tree(&path, &staging.join(&*name))?;
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
    std::fs::write(staging.join("i18n.json"), &out.stdout).context("write i18n.json")?;
    let mut first_visit = [0usize; 3];
    for file in files_under(staging)? {
        let Some(sizes) = precompress(&file)? else {
            continue;
        };
        let name = file.strip_prefix(staging).unwrap_or(&file).display();
        eprintln!(
            "xtask: {name}: {} bytes, {} gzipped, {} brotli",
            sizes[0], sizes[1], sizes[2]
        );
        let shipped = [&wasm, &js, &css, &"index.html".to_string()]
            .iter()
            .any(|n| file.ends_with(n));
        if shipped {
            for (total, size) in first_visit.iter_mut().zip(sizes) {
                *total += size;
            }
        }
    }
    Ok(first_visit)
}

/// The explorer's Web Worker, in web/static/ and at the site's root: its template names the
/// bindings' glue and wasm by their plain names, replaced here by the content-hashed ones.
const EXPLORER_WORKER: &str = "explorer-worker.js";

/// The explorer's engine for the browser: polyphony-wasm through wasm-bindgen (`--target web`)
/// and wasm-opt, its files content-hashed, and the worker that loads them. Only the explorer
/// page fetches these; a phone's first visit never does.
fn stage_explorer_worker(root: &Path, staging: &Path) -> Result<()> {
    let bindgen = staging.join("bindgen-explorer");
    std::fs::create_dir_all(&bindgen).context("create the explorer's staging folder")?;
    let bindgen_dir = bindgen.to_string_lossy().to_string();
    run(
        root,
        "wasm-bindgen",
        &[
            "--target",
            "web",
            "--no-typescript",
            "--out-dir",
            &bindgen_dir,
            "target/wasm32-unknown-unknown/release/polyphony_wasm.wasm",
        ],
    )?;
    run(
        root,
        &root.join(WASM_OPT).to_string_lossy(),
        &[
            "-O3",
            &format!("{bindgen_dir}/polyphony_wasm_bg.wasm"),
            "-o",
            &format!("{bindgen_dir}/polyphony_wasm_bg.opt.wasm"),
        ],
    )?;
    let wasm = hashed_copy(
        &bindgen.join("polyphony_wasm_bg.opt.wasm"),
        "polyphony_wasm_bg",
        "wasm",
        staging,
    )?;
    let js = hashed_copy(
        &bindgen.join("polyphony_wasm.js"),
        "polyphony_wasm",
        "js",
        staging,
    )?;
    for entry in std::fs::read_dir(&bindgen).context("read the explorer's wasm-bindgen output")? {
        let path = entry?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if !name.starts_with("polyphony_wasm") {
            copy_tree(&path, &staging.join(&*name))?;
        }
    }
    std::fs::remove_dir_all(&bindgen).context("remove the explorer's wasm-bindgen output")?;
    let template = root.join("web/static").join(EXPLORER_WORKER);
    let mut worker = std::fs::read_to_string(&template)
        .with_context(|| format!("read {}", template.display()))?;
    for (plain, hashed) in [
        ("/polyphony_wasm_bg.wasm", &wasm),
        ("/polyphony_wasm.js", &js),
    ] {
        if !worker.contains(plain) {
            bail!("web/static/{EXPLORER_WORKER} does not name {plain}");
        }
        worker = worker.replace(plain, &format!("/{hashed}"));
    }
    std::fs::write(staging.join(EXPLORER_WORKER), worker)
        .with_context(|| format!("write {EXPLORER_WORKER}"))
}

/// binaryen's `wasm-opt`, from the npm package pinned in `web/e2e/package.json` (Debian's
/// binaryen is too old to read this compiler's output).
const WASM_OPT: &str = "web/e2e/node_modules/binaryen/bin/wasm-opt";

/// The locked npm packages of `web/e2e` (binaryen among them), installed when missing.
fn setup_wasm_opt(root: &Path) -> Result<()> {
    if !root.join(WASM_OPT).exists() {
        run(
            &root.join("web/e2e"),
            "npm",
            &["ci", "--no-audit", "--no-fund"],
        )?;
    }
    Ok(())
}

/// Copies `from` to `dir/{stem}.{hash}.{ext}`, the hash the first 16 hex digits of the
/// file's SHA-256, and returns that name.
fn hashed_copy(from: &Path, stem: &str, ext: &str, dir: &Path) -> Result<String> {
    use sha2::Digest as _;
    let bytes = std::fs::read(from).with_context(|| format!("read {}", from.display()))?;
    let digest = sha2::Sha256::digest(&bytes);
    let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let name = format!("{stem}.{hash}.{ext}");
    std::fs::write(dir.join(&name), &bytes).with_context(|| format!("write {name}"))?;
    Ok(name)
}

/// Copies a file, or a folder with everything in it.
fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    if from.is_dir() {
        std::fs::create_dir_all(to).with_context(|| format!("create {}", to.display()))?;
        for entry in std::fs::read_dir(from).with_context(|| format!("read {}", from.display()))? {
            let path = entry?.path();
            copy_tree(&path, &to.join(path.file_name().unwrap_or_default()))?;
        }
        return Ok(());
    }
    std::fs::copy(from, to).with_context(|| format!("copy {}", from.display()))?;
    Ok(())
}

/// Every file under `dir`, in a stable order.
fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("read {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            files.extend(files_under(&path)?);
        } else {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// File types worth compressing (what the server embeds besides these is tiny or compressed).
const COMPRESSIBLE: &[&str] = &["html", "js", "css", "wasm", "json", "svg", "txt"];

/// Writes `file.br` (brotli, quality 11) and `file.gz` (gzip, level 9) beside a compressible
/// file; returns its sizes (raw, gzip, brotli), or `None` for a file left as it is.
fn precompress(file: &Path) -> Result<Option<[usize; 3]>> {
    let ext = file.extension().unwrap_or_default().to_string_lossy();
    if !COMPRESSIBLE.contains(&ext.as_ref()) {
        return Ok(None);
    }
    let raw = std::fs::read(file).with_context(|| format!("read {}", file.display()))?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut gz, &raw)?;
    let gz = gz.finish()?;
    let mut br = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut raw.as_slice(), &mut br, &params)
        .with_context(|| format!("brotli {}", file.display()))?;
    let sibling = |suffix: &str| {
        let mut name = file.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    std::fs::write(sibling(".gz"), &gz).context("write a .gz file")?;
    std::fs::write(sibling(".br"), &br).context("write a .br file")?;
    Ok(Some([raw.len(), gz.len(), br.len()]))
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
    // Every browser test in web/e2e/ (first-visit.test.mjs, workshop.test.mjs,
    // facilitator.test.mjs, phone.test.mjs, ...; helpers.mjs is shared, not a test), one file at
    // a time: the throttled first visit times itself and must not share the machine.
    run(
        root,
        "node",
        &["--test", "--test-concurrency=1", "web/e2e/"],
    )?;
    // The offline report: the release binary writes it, Chromium opens it from file://.
    run(root, "node", &["--test", "crates/polyphony-report/tests/"])?;
    eprintln!("xtask: all tests passed; browser screenshots in target/screenshots/");
    Ok(())
}
