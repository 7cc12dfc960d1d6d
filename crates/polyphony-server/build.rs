//! Embeds the web app (built by `cargo xtask web` into `target/web-dist/`) into the server
//! binary: each file's precompressed `.br` and `.gz` siblings when the build wrote them (and
//! the file as it is only when it has no gzip sibling),
//! whether its name carries a content hash (`name.0123456789abcdef.ext`: cached for a year),
//! and an entity tag. Without a build the server still compiles and serves a page saying how
//! to build it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

fn main() {
    let dist = std::env::var_os("POLYPHONY_WEB_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/web-dist"));
    println!("cargo:rerun-if-env-changed=POLYPHONY_WEB_DIST");
    println!("cargo:rerun-if-changed={}", dist.display());
    let mut files = BTreeMap::new();
    if dist.is_dir() {
        collect(&dist, &dist, &mut files);
    }
    let mut out =
        String::from("/// The web app's files, by URL path.\npub static ASSETS: &[Asset] = &[\n");
    for (url, path) in &files {
        if url.ends_with(".br") || url.ends_with(".gz") {
            continue;
        }
        let sibling = |suffix: &str| {
            files
                .get(&format!("{url}{suffix}"))
                .map_or("None".to_string(), |p| {
                    format!("Some(include_bytes!({:?}))", p.display().to_string())
                })
        };
        let bytes = std::fs::read(path).unwrap_or_default();
        let mut hasher = std::hash::DefaultHasher::new();
        bytes.hash(&mut hasher);
        // A file with a gzip sibling is not carried as it is: the rare client that takes
        // neither brotli nor gzip gets it unpacked from the gzip copy (3.3 MB less binary).
        let raw = if files.contains_key(&format!("{url}.gz")) {
            "None".to_string()
        } else {
            format!("Some(include_bytes!({:?}))", path.display().to_string())
        };
        let _ = writeln!(
            out,
            "    Asset {{ path: {url:?}, raw: {raw}, br: {}, gz: {}, hashed: {}, etag: \"W/\\\"{:016x}\\\"\" }},",
            sibling(".br"),
            sibling(".gz"),
            content_hashed(url),
            hasher.finish(),
        );
    }
    out.push_str("];\n");
    let target = Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("assets.rs");
    if let Err(e) = std::fs::write(&target, out) {
        panic!("cannot write {}: {e}", target.display());
    }
}

/// Whether a file name has the build's content hash before its extension:
/// `name.{16 hex digits}.ext`.
fn content_hashed(url: &str) -> bool {
    let name = url.rsplit('/').next().unwrap_or_default();
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 3
        && parts
            .get(parts.len() - 2)
            .is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn collect(root: &Path, dir: &Path, files: &mut BTreeMap<String, PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            collect(root, &path, files);
        } else if let Ok(rel) = path.strip_prefix(root) {
            let url = format!("/{}", rel.to_string_lossy().replace('\\', "/"));
            let abs = path.canonicalize().unwrap_or(path.clone());
            files.insert(url, abs);
        }
    }
}
