//! `polyphony analyze` end to end: good input in every format, and every bad input path.

#![allow(clippy::unwrap_used)] // Tests may fail loudly.

use std::path::PathBuf;
use std::process::{Command, Output};

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/two-camps")
}

fn analyze(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_polyphony"))
        .arg("analyze")
        .args(args)
        .output()
        .expect("run polyphony")
}

/// A scratch export folder under target/, with the given files.
fn scratch(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    for (f, text) in files {
        std::fs::write(dir.join(f), text).expect("write");
    }
    dir
}

const COMMENTS: &str =
    "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n\
1,x,0,0,0,0,1,First\n1,x,1,0,0,0,1,Second\n";

/// The output of a run that must succeed (the exit code and stderr otherwise).
fn succeeded(out: &Output) -> &[u8] {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "exit code {:?} (stderr: {err})",
        out.status.code()
    );
    &out.stdout
}

fn fails_with(out: &Output, needles: &[&str]) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "exit code (stderr: {err})");
    for n in needles {
        assert!(err.contains(n), "stderr lacks `{n}`: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn text_json_and_blob_on_the_fixture() {
    let p = fixture();
    let p = p.to_str().expect("utf-8 path");
    let text = analyze(&[p]);
    assert!(text.status.success());
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Opinion groups: 2"), "{text}");
    assert!(text.contains("Participants:  14"), "{text}");

    let json = analyze(&[p, "--format", "json", "--seed", "3"]);
    assert!(json.status.success());
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(v["format"], "polyphony-analysis/1");
    assert_eq!(
        v["analysis"]["groups"]["groups"].as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(v["statement_texts"]["8"], "我覺得應該審核司機");

    let blob = analyze(&[p, "--format", "polis-blob", "--preset", "polis"]);
    assert!(blob.status.success());
    let b: serde_json::Value = serde_json::from_slice(&blob.stdout).expect("blob");
    assert_eq!(b["n"], 14);
    assert_eq!(b["mod-out"], serde_json::json!([9]));
    assert!(b["pca"]["comps"].as_array().is_some_and(|c| c.len() == 2));
}

#[test]
fn same_input_same_output() {
    let p = fixture();
    let p = p.to_str().expect("utf-8 path");
    let a = analyze(&[p, "--format", "json"]);
    let b = analyze(&[p, "--format", "json"]);
    // Two failed runs print the same (nothing): each must have produced an analysis.
    let v: serde_json::Value = serde_json::from_slice(succeeded(&a)).expect("json");
    assert_eq!(v["format"], "polyphony-analysis/1");
    assert_eq!(succeeded(&a), succeeded(&b));
}

#[test]
fn missing_folder() {
    fails_with(
        &analyze(&["/no/such/export"]),
        &["/no/such/export", "no such folder"],
    );
}

#[test]
fn folder_that_is_not_an_export() {
    let dir = scratch("not-an-export", &[("readme.txt", "hello")]);
    fails_with(&analyze(&[dir.to_str().expect("path")]), &["comments.csv"]);
}

#[test]
fn malformed_row_names_file_and_line() {
    let dir = scratch(
        "malformed",
        &[
            ("comments.csv", COMMENTS),
            (
                "votes.csv",
                "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,1,1\n2,x,0,abc,1\n",
            ),
        ],
    );
    fails_with(
        &analyze(&[dir.to_str().expect("path")]),
        &["votes.csv", "line 3", "voter-id"],
    );
}

#[test]
fn ragged_row_names_file_and_line() {
    let dir = scratch(
        "ragged",
        &[
            ("comments.csv", COMMENTS),
            (
                "votes.csv",
                "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,1,1\n2,x,0\n",
            ),
        ],
    );
    fails_with(
        &analyze(&[dir.to_str().expect("path")]),
        &["votes.csv", "line 3"],
    );
}

#[test]
fn unknown_statement_id() {
    let dir = scratch(
        "unknown-statement",
        &[
            ("comments.csv", COMMENTS),
            (
                "votes.csv",
                "timestamp,datetime,comment-id,voter-id,vote\n1,x,99,1,1\n",
            ),
        ],
    );
    fails_with(
        &analyze(&[dir.to_str().expect("path")]),
        &["votes.csv", "line 2", "unknown statement id 99"],
    );
}

#[test]
fn wrong_sign_column() {
    // The vote column holds something that is not a vote (here, a participant id).
    let dir = scratch(
        "wrong-vote-column",
        &[
            ("comments.csv", COMMENTS),
            (
                "votes.csv",
                "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,1,17\n",
            ),
        ],
    );
    fails_with(
        &analyze(&[dir.to_str().expect("path")]),
        &["votes.csv", "line 2", "`17`"],
    );
}

#[test]
fn missing_vote_column() {
    let dir = scratch(
        "missing-column",
        &[
            ("comments.csv", COMMENTS),
            (
                "votes.csv",
                "timestamp,datetime,comment-id,voter-id\n1,x,0,1\n",
            ),
        ],
    );
    fails_with(
        &analyze(&[dir.to_str().expect("path")]),
        &["votes.csv", "missing column `vote`"],
    );
}

#[test]
fn malformed_api_json() {
    let dir = scratch(
        "bad-json",
        &[("votes.json", "[{\"pid\": 1"), ("comments.json", "[]")],
    );
    fails_with(&analyze(&[dir.to_str().expect("path")]), &["votes.json"]);
}

#[test]
fn typescript_export_sign_is_detected() {
    // Seconds timestamps: the TypeScript export, which writes agree as −1.
    let dir = scratch(
        "ts-sign",
        &[
            ("comments.csv", COMMENTS),
            (
                "votes.csv",
                "timestamp,datetime,comment-id,voter-id,vote\n1700000000,x,0,1,-1\n",
            ),
        ],
    );
    let out = analyze(&[dir.to_str().expect("path"), "--format", "json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    // One agree vote: the column mean in Polis's sign is −1.
    assert_eq!(v["analysis"]["pca"]["center"][0], -1.0);
    let forced = analyze(&[
        dir.to_str().expect("path"),
        "--format",
        "json",
        "--vote-sign",
        "agree-positive",
    ]);
    let v: serde_json::Value = serde_json::from_slice(succeeded(&forced)).expect("json");
    assert_eq!(v["analysis"]["pca"]["center"][0], 1.0);
}
