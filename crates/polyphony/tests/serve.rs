//! `polyphony serve` as a child process: every acknowledged vote survives SIGKILL, groups are
//! the same after the restart (on SQLite and on PostgreSQL), SIGTERM stops it cleanly, and
//! `polyphony import` makes a room.
#![allow(clippy::unwrap_used)]

mod common;

use std::ffi::OsStr;
use std::time::{Duration, Instant};

use common::{
    create_open_room, fresh_postgres, http, imported_code, join_open, polyphony, serve, text,
    two_camps,
};
use serde_json::{json, Value};

const STATEMENTS: usize = 10;

fn client() -> reqwest::blocking::Client {
    http(Duration::from_secs(10))
}

fn camp_vote(camp: usize, s: usize) -> &'static str {
    if s < STATEMENTS / 2 && (camp == 0) != s.is_multiple_of(2) {
        "disagree"
    } else {
        "agree"
    }
}

/// Joins, then votes on every statement; returns the token once every vote is acknowledged.
fn phone_votes(http: &reqwest::blocking::Client, base: &str, code: &str, camp: usize) -> String {
    let token = join_open(http, base, code);
    for s in 0..STATEMENTS {
        let resp = http
            .post(format!("{base}/rooms/{code}/votes"))
            .header("x-participant-token", &token)
            .json(&json!({ "id": format!("v{s}"), "statement": s, "vote": camp_vote(camp, s) }))
            .send()
            .unwrap();
        assert_eq!(resp.status(), 200);
        let ack: Value = resp.json().unwrap();
        assert_eq!(ack["duplicate"], false);
    }
    token
}

fn view(http: &reqwest::blocking::Client, base: &str, code: &str) -> Value {
    http.get(format!("{base}/rooms/{code}/view"))
        .send()
        .unwrap()
        .json()
        .unwrap()
}

/// Polls the projector view until `want` holds.
fn view_until(
    http: &reqwest::blocking::Client,
    base: &str,
    code: &str,
    want: impl Fn(&Value) -> bool,
) -> Value {
    let start = Instant::now();
    loop {
        let v = view(http, base, code);
        if want(&v) {
            return v;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "view never got there: {v}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn me(http: &reqwest::blocking::Client, base: &str, code: &str, token: &str) -> Value {
    http.get(format!("{base}/rooms/{code}/me"))
        .header("x-participant-token", token)
        .send()
        .unwrap()
        .json()
        .unwrap()
}

#[test]
fn acknowledged_votes_and_groups_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    survives_sigkill(dir.path().join("workshop.db").as_os_str());
}

#[test]
fn acknowledged_votes_and_groups_survive_sigkill_on_postgres() {
    survives_sigkill(OsStr::new(&fresh_postgres("polyphony_sigkill")));
}

#[test]
fn backups_are_refused_on_postgres() {
    let url = fresh_postgres("polyphony_nobackup");
    let dir = tempfile::tempdir().unwrap();
    let backups = dir.path().to_str().unwrap();
    let out = polyphony(&[
        "serve",
        "--addr",
        "127.0.0.1:0",
        "--db",
        &url,
        "--backup",
        backups,
    ]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("pg_dump"), "{err}");
}

fn survives_sigkill(db: &OsStr) {
    let http = client();
    let mut server = serve(db, &[]);
    let base = server.api();
    let statements: Vec<String> = (0..STATEMENTS).map(|i| format!("Statement {i}")).collect();
    let (code, _key) = create_open_room(&http, &base, "Durability", &statements, 11);
    let tokens: Vec<String> = (0..8)
        .map(|i| phone_votes(&http, &base, &code, i % 2))
        .collect();
    view_until(&http, &base, &code, |v| {
        v["analyzed_votes"] == 80 && v["groups"].as_array().is_some_and(|g| g.len() >= 2)
    });
    let before: Vec<Value> = tokens
        .iter()
        .map(|t| me(&http, &base, &code, t)["group"]["label"].clone())
        .collect();
    assert!(before.iter().all(Value::is_string), "{before:?}");

    // A ninth phone votes; the server is killed right after its last acknowledgement.
    let late = phone_votes(&http, &base, &code, 0);
    server.sigkill();
    assert!(
        http.get(format!("{base}/health")).send().is_err(),
        "the server is gone"
    );

    let server = serve(db, &[]);
    let base = server.api();
    let v = view_until(&http, &base, &code, |v| v["analyzed_votes"] == 90);
    assert_eq!(v["votes"], 90, "every acknowledged vote is back");
    assert_eq!(v["participants"], 9);
    for (i, t) in tokens.iter().chain([&late]).enumerate() {
        let phone = me(&http, &base, &code, t);
        let votes = phone["votes"].as_array().unwrap();
        assert_eq!(votes.len(), STATEMENTS, "phone {i}");
        for v in votes {
            let s = v["statement"].as_u64().unwrap() as usize;
            assert_eq!(v["vote"], camp_vote(i % 2, s), "phone {i}");
        }
    }
    let after: Vec<Value> = tokens
        .iter()
        .map(|t| me(&http, &base, &code, t)["group"]["label"].clone())
        .collect();
    assert_eq!(before, after, "the same groups after the restart");
    assert_eq!(me(&http, &base, &code, &late)["group"]["label"], before[0]);
    // Vote ids are remembered across the crash.
    let resend: Value = http
        .post(format!("{base}/rooms/{code}/votes"))
        .header("x-participant-token", &late)
        .json(&json!({ "id": "v3", "statement": 3, "vote": "pass" }))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(resend["duplicate"], true);
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("term.db");
    let mut server = serve(&db, &[]);
    let http = client();
    let created: Value = http
        .post(format!("{}/rooms", server.api()))
        .json(&json!({ "topic": "Stop me", "statements": ["one"] }))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(created["room"]["code"].is_string());
    let status = std::process::Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let start = Instant::now();
    let exit = loop {
        if let Some(s) = server.child.try_wait().unwrap() {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "still running after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(exit.success(), "{exit}");
    // The WAL was folded back into the database file.
    let wal = dir.path().join("term.db-wal");
    assert!(!wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0);
}

#[test]
fn import_creates_a_room_from_a_polis_export() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("import.db");
    let db_arg = db.to_str().unwrap();
    let fixture = two_camps();
    let fixture = fixture.to_str().unwrap();
    let out = polyphony(&["import", fixture, "--db", db_arg]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let code = imported_code(&text(&out.stdout));
    let server = serve(&db, &[]);
    let http = client();
    let v = view_until(&http, &server.api(), &code, |v| {
        v["analyzed_votes"].as_u64() > Some(0)
    });
    assert!(v["groups"].as_array().is_some_and(|g| g.len() >= 2), "{v}");

    // The briefing travels: the room's own export gives its cards to an imported copy.
    let cards = r#"[{"title":"Two kinds of licence","text":"Taxi drivers pass a test."}]"#;
    let cards_file = dir.path().join("cards.json");
    let cards_arg = cards_file.to_str().unwrap();
    std::fs::write(&cards_file, cards).unwrap();
    // The fixture imported into `db` with the cards.
    let import_briefed = |db: &std::path::Path| {
        let db = db.to_str().unwrap();
        polyphony(&["import", fixture, "--db", db, "--brief", cards_arg])
    };
    let out = import_briefed(&dir.path().join("briefed.db"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    assert!(printed.contains("1 briefing cards"), "{printed}");
    // A file that is not a list of cards is refused in words, and nothing is created.
    std::fs::write(&cards_file, r#"{"title": 3}"#).unwrap();
    let refused = dir.path().join("refused.db");
    let out = import_briefed(&refused);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("briefing cards"));
    assert!(!refused.exists());

    let bad = polyphony(&["import", "/nonexistent/folder", "--db", db_arg]);
    assert!(!bad.status.success());
    assert!(text(&bad.stderr).contains("cannot import"));
}
