//! `cargo xtask web`: the web app (and the explorer's engine) built, optimised, content-hashed
//! and precompressed into `target/web-dist/`, which the server embeds.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::run;

/// Builds the web app into `target/web-dist/` (embedded by `polyphony-server`'s build script):
/// the wasm in the `wasm-release` profile, its JS glue from wasm-bindgen, shrunk by binaryen's
/// `wasm-opt -Oz`; the wasm, JS and CSS under content-hashed names (`index.html` names them, so
/// the server can let browsers keep them for a year), every text file and the wasm with
/// precompressed `.br` and `.gz` siblings (the server picks one by `Accept-Encoding`), and the
/// translation tables as JSON. Prints what a browser downloads, raw, gzipped and brotli'd.
///
/// Again with nothing changed (the same wasm from cargo, the same `web/static`, tools and
/// build code: [`web_inputs`], kept in `target/web-dist.inputs`) it stops after the two cargo
/// builds, in about a second; and a build writes only the files whose bytes changed, so the
/// server is not embedded and compiled again for nothing (`cargo xtask serve` with nothing
/// changed serves in under 2 s).
pub(crate) fn build_web(root: &Path) -> Result<()> {
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
    // `POLYPHONY_WEB_DIST` (also read by the server's build script) puts the build elsewhere:
    // two checkouts or two developers building at once each keep their own.
    let dist = match std::env::var_os("POLYPHONY_WEB_DIST") {
        Some(d) if !d.is_empty() => root.join(d),
        _ => root.join("target/web-dist"),
    };
    // Nothing the web app is made from has changed since the last build: skip wasm-bindgen,
    // wasm-opt and the compression (most of the build's time), and leave target/web-dist as it
    // is, so the server's build script has nothing to embed again.
    let inputs = web_inputs(root)?;
    let stamp = dist.with_extension("inputs");
    if dist.join("index.html").is_file()
        && std::fs::read_to_string(&stamp).ok().as_deref() == Some(&inputs)
    {
        eprintln!("xtask: web app unchanged (target/web-dist is up to date)");
        return Ok(());
    }
    // Built beside the old one (a folder of this run's own, should two builds overlap), then
    // copied over it file by file where the bytes differ: unchanged files keep their times, so
    // the server's build script (which watches the folder) embeds again only what changed.
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
    let synced = sync_dir(&staging, &dist);
    let _ = std::fs::remove_dir_all(&staging);
    let changed = synced.context("copy the web app to target/web-dist")?;
    std::fs::write(&stamp, &inputs).context("write target/web-dist.inputs")?;
    eprintln!("xtask: target/web-dist: {changed} files written or removed");
    eprintln!(
        "xtask: web app in target/web-dist: a first visit fetches {} bytes ({} gzipped, {} brotli)",
        first_visit[0], first_visit[1], first_visit[2]
    );
    Ok(())
}

/// What the web app is made from, as one line: a SHA-256 over this build's own code, the two
/// wasm files cargo built, `web/static/`, the i18n-json tool's source (the translations it
/// writes are in the app's wasm) and the versions of wasm-bindgen and wasm-opt. The same line
/// as at the last build means the same `target/web-dist`.
fn web_inputs(root: &Path) -> Result<String> {
    use sha2::Digest as _;
    let mut hash = sha2::Sha256::new();
    let mut add = |name: &str, bytes: &[u8]| {
        hash.update((name.len() as u64).to_le_bytes());
        hash.update(name.as_bytes());
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    };
    add("xtask/web.rs", include_bytes!("web.rs"));
    let mut files = vec![
        PathBuf::from(crate::wasm_artifact(
            root,
            "wasm-release",
            "polyphony_web.wasm",
        )),
        PathBuf::from(crate::wasm_artifact(root, "release", "polyphony_wasm.wasm")),
        root.join("web/src/bin/i18n-json.rs"),
    ];
    files.extend(files_under(&root.join("web/static"))?);
    for file in files {
        let bytes = std::fs::read(&file).with_context(|| format!("read {}", file.display()))?;
        add(
            &file.strip_prefix(root).unwrap_or(&file).to_string_lossy(),
            &bytes,
        );
    }
    for tool in ["wasm-bindgen", &root.join(WASM_OPT).to_string_lossy()] {
        let version = Command::new(tool)
            .arg("--version")
            .output()
            .with_context(|| format!("run {tool} --version"))?;
        add(tool, &version.stdout);
    }
    let digest = hash.finalize();
    Ok(digest.iter().map(|b| format!("{b:02x}")).collect())
}

/// Makes `to` hold exactly the files of `from` (both flat or nested): a file is written only
/// when its bytes differ, files `from` lacks are removed. Returns how many files it wrote or
/// removed.
fn sync_dir(from: &Path, to: &Path) -> Result<usize> {
    std::fs::create_dir_all(to).with_context(|| format!("create {}", to.display()))?;
    let mut changed = 0;
    let wanted = files_under(from)?;
    for file in &wanted {
        let rel = file.strip_prefix(from).unwrap_or(file);
        let target = to.join(rel);
        let bytes = std::fs::read(file).with_context(|| format!("read {}", file.display()))?;
        if std::fs::read(&target).ok().as_deref() != Some(bytes.as_slice()) {
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&target, &bytes)
                .with_context(|| format!("write {}", target.display()))?;
            changed += 1;
        }
    }
    for file in files_under(to)? {
        let rel = file.strip_prefix(to).unwrap_or(&file);
        if !from.join(rel).exists() {
            std::fs::remove_file(&file).with_context(|| format!("remove {}", file.display()))?;
            changed += 1;
        }
    }
    Ok(changed)
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
            &crate::wasm_artifact(root, "wasm-release", "polyphony_web.wasm"),
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
            &crate::wasm_artifact(root, "release", "polyphony_wasm.wasm"),
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
