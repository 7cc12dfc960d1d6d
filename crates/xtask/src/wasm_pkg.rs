//! `cargo xtask wasm`: the JavaScript bindings as an npm-style package folder.

use std::path::Path;

use anyhow::{Context, Result};

use crate::run;

pub(crate) fn build_wasm(root: &Path) -> Result<()> {
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
            &crate::wasm_artifact(root, "release", "polyphony_wasm.wasm"),
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
