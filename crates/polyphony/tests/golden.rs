//! Golden outputs: `polyphony analyze` must print exactly the bytes it printed when the goldens
//! were written, so a speed change that alters a single number (or a key's order, or a float's
//! last digit) fails here rather than in a manual `cmp`.
//!
//! Cases: the fixture (`fixtures/two-camps`) and every export in `../shared/data` (the seven
//! openData conversations and the three Polis API pairs), both presets, seeds 0 and 7, as
//! JSON; the text and Polis-blob formats; replays (default cadence, `--every`,
//! `--every-votes`, `--change`), time-lapses, and `--polis-state`.
//!
//! The fixture's outputs are stored whole in `tests/golden/two-camps/`; the shared data's as
//! SHA-256 digests in `tests/golden/shared-data.sha256` (the data is not ours to copy). On a
//! mismatch the test writes what it got under `target/tmp/golden-actual/` and names the cases.
//!
//! When an output is meant to change, write the goldens again and commit them with the change
//! that explains it: `POLYPHONY_BLESS=1 cargo test -p polyphony --test golden`.

#![allow(clippy::unwrap_used)] // Tests may fail loudly.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// `../shared/data` beside the project root; the test fails loudly if it is missing.
fn shared_data() -> PathBuf {
    let p = root().join("../shared/data");
    assert!(
        p.is_dir(),
        "the shared Polis data is missing at {} (it must sit beside the project root)",
        p.display()
    );
    p
}

const OPEN_DATA: [&str; 7] = [
    "15-per-hour-seattle",
    "bg2050-volunteers",
    "brexit-consensus",
    "canadian-electoral-reform",
    "london.youth.policing",
    "scoop-hivemind.ubi",
    "vtaiwan.uberx",
];

const MATH_BLOBS: [&str; 3] = [
    "150ptpt-3gp-no-strict-no-meta",
    "25ptpt-3gp-no-strict-with-meta",
    "below-100-ptpts",
];

/// One run of `polyphony analyze`: the export (relative to the fixtures or the shared data),
/// the flags, and whether it writes a time-lapse (compared too).
struct Case {
    /// The golden's name: the fixture's file name, or the digest line's label.
    name: String,
    dir: PathBuf,
    args: Vec<String>,
    timelapse: bool,
}

fn case(name: String, dir: PathBuf, args: &[&str]) -> Case {
    Case {
        name,
        dir,
        args: args.iter().map(ToString::to_string).collect(),
        timelapse: false,
    }
}

fn fixture_cases() -> Vec<Case> {
    let dir = root().join("fixtures/two-camps");
    let mut cases = Vec::new();
    for preset in ["workshop", "polis"] {
        for seed in ["0", "7"] {
            cases.push(case(
                format!("{preset}.seed{seed}.json"),
                dir.clone(),
                &["--preset", preset, "--seed", seed, "--format", "json"],
            ));
        }
    }
    cases.push(case("workshop.seed0.txt".into(), dir.clone(), &[]));
    cases.push(case(
        "polis.seed0.blob.json".into(),
        dir.clone(),
        &["--preset", "polis", "--format", "polis-blob"],
    ));
    cases.push(case(
        "replay.workshop.json".into(),
        dir.clone(),
        &["--replay", "--format", "json"],
    ));
    let mut lapse = case(
        "timelapse.polis.json".into(),
        dir,
        &["--preset", "polis", "--replay", "--format", "json"],
    );
    lapse.timelapse = true;
    cases.push(lapse);
    cases
}

fn shared_cases() -> Vec<Case> {
    let data = shared_data();
    let mut cases = Vec::new();
    let label = |dir: &str, args: &[&str]| format!("{dir} {}", args.join(" "));
    let exports = OPEN_DATA
        .iter()
        .map(|d| (*d, data.join("polis-open-data").join(d)))
        .chain(
            MATH_BLOBS
                .iter()
                .map(|d| (*d, data.join("polis-math-blobs").join(d))),
        );
    for (name, dir) in exports {
        for preset in ["workshop", "polis"] {
            for seed in ["0", "7"] {
                let args = ["--preset", preset, "--seed", seed, "--format", "json"];
                cases.push(case(label(name, &args), dir.clone(), &args));
            }
        }
        let args = ["--preset", "polis", "--format", "polis-blob"];
        cases.push(case(label(name, &args), dir.clone(), &args));
        cases.push(case(label(name, &[]), dir.clone(), &[]));
    }
    for blob in MATH_BLOBS {
        let dir = data.join("polis-math-blobs").join(blob);
        let state = dir.join("math-pca2.json");
        let mut c = case(
            label(
                blob,
                &["--polis-state", "math-pca2.json", "--format", "json"],
            ),
            dir,
            &["--format", "json", "--polis-state"],
        );
        c.args.push(state.to_string_lossy().into_owned());
        cases.push(c);
    }
    let open = |d: &str| data.join("polis-open-data").join(d);
    let replays: [(&str, &[&str]); 4] = [
        (
            "london.youth.policing",
            &["--preset", "polis", "--replay", "--format", "json"],
        ),
        (
            "15-per-hour-seattle",
            &["--replay", "--every", "1h", "--format", "json"],
        ),
        (
            "vtaiwan.uberx",
            &[
                "--preset",
                "polis",
                "--replay",
                "--every-votes",
                "10000",
                "--format",
                "json",
            ],
        ),
        (
            "brexit-consensus",
            &[
                "--preset", "polis", "--replay", "--every", "1h", "--change", "1h..2d", "--format",
                "json",
            ],
        ),
    ];
    for (d, args) in replays {
        cases.push(case(label(d, args), open(d), args));
    }
    let args = ["--replay", "--format", "json"];
    let mut lapse = case(
        label(
            "london.youth.policing",
            &["--replay", "--timelapse", "--format", "json"],
        ),
        open("london.youth.policing"),
        &args,
    );
    lapse.timelapse = true;
    cases.push(lapse);
    cases
}

/// What one case printed (and, for a time-lapse, wrote).
struct Outcome {
    stdout: Vec<u8>,
    timelapse: Option<Vec<u8>>,
}

fn run(case: &Case, scratch: &Path, index: usize) -> Outcome {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_polyphony"));
    cmd.arg("analyze").arg(&case.dir).args(&case.args);
    let lapse_file = scratch.join(format!("timelapse-{index}.json"));
    if case.timelapse {
        cmd.arg("--timelapse").arg(&lapse_file);
    }
    let out = cmd.output().expect("run polyphony");
    assert!(
        out.status.success(),
        "polyphony analyze failed on `{}`: {}",
        case.name,
        String::from_utf8_lossy(&out.stderr)
    );
    Outcome {
        stdout: out.stdout,
        timelapse: case
            .timelapse
            .then(|| std::fs::read(&lapse_file).expect("the time-lapse file")),
    }
}

/// Runs every case on a few threads (each case is a process), in case order.
fn run_all(cases: &[Case], scratch: &Path) -> Vec<Outcome> {
    std::fs::create_dir_all(scratch).expect("mkdir");
    let next = Mutex::new(0usize);
    let results = Mutex::new(BTreeMap::new());
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4));
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = {
                    let mut n = next.lock().unwrap();
                    *n += 1;
                    *n - 1
                };
                let Some(c) = cases.get(i) else { break };
                let outcome = run(c, scratch, i);
                results.lock().unwrap().insert(i, outcome);
            });
        }
    });
    results.into_inner().unwrap().into_values().collect()
}

fn bless() -> bool {
    std::env::var_os("POLYPHONY_BLESS").is_some_and(|v| v == "1")
}

fn actual_dir(part: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("golden-actual")
        .join(part)
}

/// The outputs of a case as (file name, bytes): stdout, and the time-lapse file.
fn outputs(case: &Case, outcome: Outcome) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![(case.name.clone(), outcome.stdout)];
    if let Some(t) = outcome.timelapse {
        files.push((format!("{}.timelapse-file", case.name), t));
    }
    files
}

#[test]
fn fixture_outputs_are_the_golden_files() {
    let cases = fixture_cases();
    let outcomes = run_all(&cases, &actual_dir("scratch-fixture"));
    let dir = golden_dir().join("two-camps");
    let mut wrong = Vec::new();
    for (c, o) in cases.iter().zip(outcomes) {
        for (name, bytes) in outputs(c, o) {
            let path = dir.join(&name);
            if bless() {
                std::fs::create_dir_all(&dir).expect("mkdir");
                std::fs::write(&path, &bytes).expect("write golden");
                continue;
            }
            let want = std::fs::read(&path)
                .unwrap_or_else(|e| panic!("{}: {e} (bless to create it)", path.display()));
            if want != bytes {
                let got = actual_dir("two-camps").join(&name);
                std::fs::create_dir_all(got.parent().unwrap()).expect("mkdir");
                std::fs::write(&got, &bytes).expect("write actual");
                wrong.push(format!(
                    "{name}: {} (got {} bytes, want {}; {}); got: {}",
                    first_difference(&want, &bytes),
                    bytes.len(),
                    want.len(),
                    path.display(),
                    got.display()
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "outputs differ from the golden files:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn shared_data_outputs_have_the_golden_digests() {
    let cases = shared_cases();
    let outcomes = run_all(&cases, &actual_dir("scratch-shared"));
    let path = golden_dir().join("shared-data.sha256");
    let mut got = Vec::new();
    let mut actual = BTreeMap::new();
    for (c, o) in cases.iter().zip(outcomes) {
        for (name, bytes) in outputs(c, o) {
            got.push((hex(&sha256(&bytes)), name.clone()));
            actual.insert(name, bytes);
        }
    }
    if bless() {
        let mut text = String::from(
            "# SHA-256 of `polyphony analyze DIR ARGS` on ../shared/data (crates/polyphony/tests/golden.rs)\n",
        );
        for (digest, name) in &got {
            let _ = writeln!(text, "{digest}  {name}");
        }
        std::fs::write(&path, text).expect("write golden digests");
        return;
    }
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (bless to create it)", path.display()));
    let want: BTreeMap<&str, &str> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| l.split_once("  "))
        .map(|(d, n)| (n, d))
        .collect();
    let mut wrong = Vec::new();
    for (digest, name) in &got {
        match want.get(name.as_str()) {
            Some(w) if *w == digest => {}
            other => {
                let file = actual_dir("shared").join(name.replace(['/', ' '], "_"));
                std::fs::create_dir_all(file.parent().unwrap()).expect("mkdir");
                std::fs::write(&file, &actual[name]).expect("write actual");
                wrong.push(format!(
                    "{name}: digest {digest}, golden {} (output in {})",
                    other.unwrap_or(&"missing"),
                    file.display()
                ));
            }
        }
    }
    assert_eq!(
        want.len(),
        got.len(),
        "the golden file lists other cases than the test runs"
    );
    assert!(
        wrong.is_empty(),
        "outputs differ from the golden digests:\n{}",
        wrong.join("\n")
    );
}

fn first_difference(want: &[u8], got: &[u8]) -> String {
    let at = want
        .iter()
        .zip(got)
        .position(|(a, b)| a != b)
        .unwrap_or(want.len().min(got.len()));
    let line = want[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    format!("first difference at byte {at}, line {line}")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// SHA-256 (FIPS 180-4), here so the test needs no new dependency.
fn sha256(data: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut message = data.to_vec();
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&(data.len() as u64 * 8).to_be_bytes());
    for block in message.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(h) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

#[test]
fn sha256_known_answers() {
    assert_eq!(
        hex(&sha256(b"")),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        hex(&sha256(b"abc")),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    let long = vec![b'a'; 1_000];
    assert_eq!(
        hex(&sha256(&long)),
        "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"
    );
}
