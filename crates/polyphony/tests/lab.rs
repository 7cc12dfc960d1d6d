//! The researcher's lab from the command line: `compare`, `analyze --replay` (with
//! `--timelapse`), `analyze --polis-state`, and their bad input.

#![allow(clippy::unwrap_used)] // Tests may fail loudly.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::{json, Value};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn polyphony(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_polyphony"))
        .args(args)
        .output()
        .expect("run polyphony")
}

fn ok_json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

fn scratch(name: &str, files: &[(&str, String)]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    for (f, text) in files {
        std::fs::write(dir.join(f), text).expect("write");
    }
    dir
}

/// Adjusted Rand index, written out again here so the test does not trust the code it tests.
fn ari(pairs: &[(u64, u64)]) -> f64 {
    let c2 = |x: f64| x * (x - 1.0) / 2.0;
    let mut cells: BTreeMap<(u64, u64), f64> = BTreeMap::new();
    let mut a: BTreeMap<u64, f64> = BTreeMap::new();
    let mut b: BTreeMap<u64, f64> = BTreeMap::new();
    for &(x, y) in pairs {
        *cells.entry((x, y)).or_default() += 1.0;
        *a.entry(x).or_default() += 1.0;
        *b.entry(y).or_default() += 1.0;
    }
    let index: f64 = cells.values().map(|&v| c2(v)).sum();
    let (sa, sb): (f64, f64) = (
        a.values().map(|&v| c2(v)).sum(),
        b.values().map(|&v| c2(v)).sum(),
    );
    let expected = sa * sb / c2(pairs.len() as f64);
    (index - expected) / ((sa + sb) / 2.0 - expected)
}

#[test]
fn compare_finds_the_two_camps_with_every_pipeline() {
    let fixture = root().join("fixtures/two-camps");
    let out = polyphony(&[
        "compare",
        fixture.to_str().unwrap(),
        "--format",
        "json",
        "--bootstrap",
        "10",
        "--seed",
        "1",
    ]);
    let v = ok_json(&out);
    let participants: Vec<u64> = v["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_u64().unwrap())
        .collect();
    assert_eq!(participants.len(), 14);
    let pipelines = v["pipelines"].as_array().unwrap();
    let names: Vec<&str> = pipelines
        .iter()
        .map(|p| p["pipeline"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["polis", "kmeans", "gmm", "dbscan", "hdbscan"]);
    for p in pipelines {
        let name = &p["pipeline"];
        assert_eq!(p["k"], 2, "{name}: {p}");
        // The planted camps are the even and the odd participants.
        let pairs: Vec<(u64, u64)> = participants
            .iter()
            .zip(p["groups"].as_array().unwrap())
            .map(|(&pid, g)| (pid % 2, g.as_u64().unwrap_or(u64::MAX)))
            .collect();
        assert_eq!(
            ari(&pairs),
            1.0,
            "{name} does not find the camps: {pairs:?}"
        );
        assert_eq!(p["group_sizes"], json!([7, 7]), "{name}");
        assert!(p["silhouette"].as_f64().unwrap() > 0.3, "{name}: {p}");
        assert_eq!(p["resamples"], 10, "{name}");
        let stability = p["stability"].as_f64().unwrap();
        assert!(
            (0.5..=1.0).contains(&stability),
            "{name}: stability {stability}"
        );
        // Timed by the CLI's clock: a clock that never moves (or none) would give 0 (or null).
        assert!(p["time_ms"].as_f64().unwrap() > 0.0, "{name}: {p}");
        assert!(p["bootstrap_ms"].as_f64().unwrap() > 0.0, "{name}: {p}");
    }
    // The fixture has no Polis group ids, so nothing is scored against them.
    assert!(pipelines.iter().all(|p| p["ari"].is_null()));

    let text = polyphony(&["compare", fixture.to_str().unwrap(), "--bootstrap", "2"]);
    assert!(text.status.success());
    let text = String::from_utf8_lossy(&text.stdout);
    for needle in [
        "14 participants clustered",
        "polis",
        "kmeans",
        "gmm",
        "dbscan",
        "hdbscan",
        "silhouette",
        "Bridging",
        "Group-informed consensus (legacy)",
    ] {
        assert!(text.contains(needle), "`{needle}` missing: {text}");
    }
}

/// An API pair where three camps of 12 vote on 12 statements. Camps A and B vote first, one
/// participant every 5 seconds (so the replay runs an update for each); camp C votes all at once
/// in the last second. A few passes and votes against the camp make every position distinct.
fn three_camps_late_third() -> PathBuf {
    let mut votes = Vec::new();
    let pattern = |camp: u32, s: u32| -> i64 {
        match camp {
            0 => 1,
            1 => -1,
            _ => {
                if s < 6 {
                    1
                } else {
                    -1
                }
            }
        }
    };
    let t0: i64 = 1_700_000_000_000;
    for camp in 0..3u32 {
        for i in 0..12u32 {
            let pid = camp * 12 + i;
            let time = if camp < 2 {
                t0 + i64::from(i * 2 + camp) * 5_000
            } else {
                t0 + 10_000_000
            };
            for s in 0..12u32 {
                // Irregular noise, so that no two participants share a map position.
                let vote = if (pid * 7 + s * 3) % 11 == 0 {
                    0
                } else if (pid * 5 + s * 2) % 13 == 0 {
                    -pattern(camp, s)
                } else {
                    pattern(camp, s)
                };
                votes.push(
                    json!({"pid": pid, "tid": s, "vote": vote, "modified": time + i64::from(s)}),
                );
            }
        }
    }
    let comments: Vec<Value> = (0..12)
        .map(|s| json!({"tid": s, "txt": format!("Statement {s}"), "mod": 1, "is_meta": false, "pid": 0, "created": t0}))
        .collect();
    scratch(
        "lab-three-camps",
        &[
            ("votes.json", serde_json::to_string(&votes).unwrap()),
            ("comments.json", serde_json::to_string(&comments).unwrap()),
        ],
    )
}

fn group_count(v: &Value) -> usize {
    v["analysis"]["groups"]["groups"]
        .as_array()
        .map_or(0, Vec::len)
}

#[test]
fn replay_keeps_the_path_dependent_k_that_a_cold_run_cannot_know() {
    let dir = three_camps_late_third();
    let dir = dir.to_str().unwrap();
    let cold = ok_json(&polyphony(&[
        "analyze", dir, "--preset", "polis", "--format", "json",
    ]));
    let lapse = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("lab-three-camps-timelapse.json");
    let replayed = ok_json(&polyphony(&[
        "analyze",
        dir,
        "--preset",
        "polis",
        "--format",
        "json",
        "--replay",
        "--timelapse",
        lapse.to_str().unwrap(),
    ]));
    // Cold, the three camps are plain. Replayed, k = 2 had held for every update before the
    // third camp arrived, and Polis's smoother needs a new k to win 4 updates in a row.
    assert_eq!(group_count(&cold), 3, "cold run");
    assert_eq!(group_count(&replayed), 2, "replay");
    assert_eq!(replayed["analysis"]["participant_count"], 36);

    let t: Value = serde_json::from_str(&std::fs::read_to_string(&lapse).unwrap()).unwrap();
    assert_eq!(t["format"], "polyphony-timelapse/1");
    // 24 participants one per 5 s, then the third camp's one second: 25 updates.
    assert_eq!(t["updates"], 25);
    let frames = t["frames"].as_array().unwrap();
    assert_eq!(frames.len(), 25);
    let last = frames.last().unwrap();
    assert_eq!(last["participants"], 36);
    assert_eq!(last["k"], 2);
    assert_eq!(last["statements"].as_array().unwrap().len(), 12);
    // The last frame is in the final basis: its positions are the replay's own.
    let final_positions: BTreeMap<u64, Value> = replayed["analysis"]["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["participant"].as_u64().unwrap(), p["position"].clone()))
        .collect();
    for p in last["points"].as_array().unwrap() {
        assert_eq!(
            final_positions[&p["participant"].as_u64().unwrap()],
            p["position"]
        );
    }

    // Updating once per 10,000 votes is a cold run: one update.
    let one = ok_json(&polyphony(&[
        "analyze",
        dir,
        "--preset",
        "polis",
        "--format",
        "json",
        "--replay",
        "--every-votes",
        "10000",
    ]));
    assert_eq!(group_count(&one), 3);
    let hourly = ok_json(&polyphony(&[
        "analyze", dir, "--preset", "polis", "--format", "json", "--replay", "--every", "1d",
    ]));
    assert_eq!(group_count(&hourly), 3);
}

#[test]
fn replay_without_timestamps_is_a_clear_error() {
    let comments =
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n\
1,x,0,0,0,0,1,First\n1,x,1,0,0,0,1,Second\n"
            .to_string();
    let pv = "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,1\n\
0,0,0,2,1,1,1,-1\n1,1,0,2,1,1,-1,1\n"
        .to_string();
    let dir = scratch(
        "lab-no-timestamps",
        &[("comments.csv", comments), ("participants-votes.csv", pv)],
    );
    let out = polyphony(&["analyze", dir.to_str().unwrap(), "--replay"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("no vote timestamps"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    // The same export analyses cold.
    assert!(polyphony(&["analyze", dir.to_str().unwrap()])
        .status
        .success());

    let bad = polyphony(&[
        "analyze",
        dir.to_str().unwrap(),
        "--replay",
        "--every",
        "soon",
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("cannot read the cadence `soon`"));
    let clash = polyphony(&["analyze", dir.to_str().unwrap(), "--every", "1s"]);
    assert!(
        !clash.status.success(),
        "--every without --replay is refused"
    );
}

/// Each group of a math blob as the set of its participants.
fn pid_sets(blob: &Value) -> BTreeSet<BTreeSet<u64>> {
    let bc = &blob["base-clusters"];
    let by_bid: BTreeMap<u64, Vec<u64>> = bc["id"]
        .as_array()
        .unwrap()
        .iter()
        .zip(bc["members"].as_array().unwrap())
        .map(|(id, m)| {
            (
                id.as_u64().unwrap(),
                m.as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_u64().unwrap())
                    .collect(),
            )
        })
        .collect();
    blob["group-clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            g["members"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|b| by_bid[&b.as_u64().unwrap()].clone())
                .collect()
        })
        .collect()
}

#[test]
fn polis_state_reproduces_the_blobs_groups() {
    let blobs = root().join("../shared/data/polis-math-blobs");
    assert!(
        blobs.is_dir(),
        "the shared Polis data is missing at {}",
        blobs.display()
    );
    for name in [
        "below-100-ptpts",
        "25ptpt-3gp-no-strict-with-meta",
        "150ptpt-3gp-no-strict-no-meta",
    ] {
        let dir = blobs.join(name);
        let blob_path = dir.join("math-pca2.json");
        let polis: Value =
            serde_json::from_str(&std::fs::read_to_string(&blob_path).unwrap()).unwrap();
        let out = polyphony(&[
            "analyze",
            dir.to_str().unwrap(),
            "--polis-state",
            blob_path.to_str().unwrap(),
            "--format",
            "polis-blob",
        ]);
        let ours = ok_json(&out);
        assert_eq!(pid_sets(&ours), pid_sets(&polis), "{name}: group partition");
        let set = |v: &Value| -> BTreeSet<u64> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap())
                .collect()
        };
        assert_eq!(
            set(&ours["in-conv"]),
            set(&polis["in-conv"]),
            "{name}: in-conv"
        );
    }
    let missing = polyphony(&[
        "analyze",
        root().join("fixtures/two-camps").to_str().unwrap(),
        "--polis-state",
        "/nonexistent/math-pca2.json",
    ]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr)
        .contains("cannot read /nonexistent/math-pca2.json"));
}

/// Two camps of 10 vote on 8 statements in their first two minutes; three hours later five
/// people of the second camp take the first camp's side on statement 0.
fn two_camps_then_movers() -> (PathBuf, usize) {
    let t0: i64 = 1_700_000_000_000;
    let side = |camp: u32, s: u32| -> i64 {
        if (camp == 0) == s.is_multiple_of(2) {
            1
        } else {
            -1
        }
    };
    let mut votes = Vec::new();
    let mut first: BTreeMap<(u32, u32), i64> = BTreeMap::new();
    for pid in 0..20u32 {
        let camp = pid / 10;
        for s in 0..8u32 {
            // Irregular noise, so that people differ.
            let vote = if (pid * 7 + s * 3) % 11 == 0 {
                0
            } else {
                side(camp, s)
            };
            first.insert((pid, s), vote);
            let time = t0 + i64::from(pid) * 5_000 + i64::from(s);
            votes.push(json!({"pid": pid, "tid": s, "vote": vote, "modified": time}));
        }
    }
    let mut changed = 0;
    for pid in 10..15u32 {
        let now = side(0, 0);
        if first[&(pid, 0)] != now {
            changed += 1;
        }
        votes.push(json!({"pid": pid, "tid": 0, "vote": now, "modified": t0 + 3 * 3_600_000}));
    }
    let comments: Vec<Value> = (0..8)
        .map(|s| json!({"tid": s, "txt": format!("Statement {s}"), "mod": 1, "is_meta": false, "pid": 0, "created": t0}))
        .collect();
    let dir = scratch(
        "lab-two-camps-movers",
        &[
            ("votes.json", serde_json::to_string(&votes).unwrap()),
            ("comments.json", serde_json::to_string(&comments).unwrap()),
        ],
    );
    (dir, changed)
}

#[test]
fn replay_change_counts_the_same_people_between_two_moments() {
    let (dir, changed) = two_camps_then_movers();
    assert!(changed >= 4, "the fixture moves people: {changed}");
    let dir = dir.to_str().unwrap();
    let json = ok_json(&polyphony(&[
        "analyze", dir, "--format", "json", "--replay", "--change", "10m..4h",
    ]));
    let c = &json["change"];
    let items = c["change"]["panel"]["items"].as_array().unwrap();
    // Every statement was voted at both moments by all 20; only statement 0 moved.
    assert_eq!(items.len(), 8, "{c}");
    for item in items {
        let e = &item["everyone"];
        assert_eq!(e["answered_both"], 20, "{item}");
        let moved = e["toward_agree"].as_u64().unwrap() + e["toward_disagree"].as_u64().unwrap();
        if item["item"] == 0 {
            assert_eq!(moved, changed as u64, "{item}");
            assert!(
                e["toward_agree"] == 0 || e["toward_disagree"] == 0,
                "one way: {item}"
            );
            // All of them in one group (the second camp's), held fixed.
            let movers: Vec<&Value> = item["groups"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|g| {
                    g["shift"]["toward_agree"].as_u64().unwrap()
                        + g["shift"]["toward_disagree"].as_u64().unwrap()
                        > 0
                })
                .collect();
            assert_eq!(movers.len(), 1, "{item}");
        } else {
            assert_eq!(moved, 0, "{item}");
        }
    }
    let text = polyphony(&["analyze", dir, "--replay", "--change", "10m..4h"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("each person compared with themselves"),
        "{text}"
    );
    assert!(text.contains("20 voted both times"), "{text}");

    // Bad moments are refused in words.
    for bad in ["4h..10m", "later", "1h..", "10m..4h"] {
        let mut args = vec!["analyze", dir, "--change", bad];
        if bad != "10m..4h" {
            args.push("--replay");
        }
        let out = polyphony(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{bad}");
        assert!(!err.contains("panicked"), "{err}");
    }
}
