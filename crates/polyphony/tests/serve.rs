//! `polyphony serve` as a child process: every acknowledged vote survives SIGKILL, groups are
//! the same after the restart (on SQLite and on PostgreSQL), SIGTERM stops it cleanly, and
//! `polyphony import` makes a room.
#![allow(clippy::unwrap_used)]

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const STATEMENTS: usize = 10;

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `polyphony serve` on a free port and waits for its "listening on" line.
fn start(db: impl AsRef<OsStr>) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_polyphony"))
        .args(["serve", "--addr", "127.0.0.1:0", "--db"])
        .arg(db)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().unwrap().unwrap();
    let addr = first
        .strip_prefix("Polyphony is listening on ")
        .and_then(|r| r.split(';').next())
        .unwrap_or_else(|| panic!("unexpected first line: {first}"))
        .to_string();
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server {
        child,
        base: format!("http://{addr}/api"),
    }
}

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
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
    let joined: Value = http
        .post(format!("{base}/rooms/{code}/join"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let token = joined["participant_token"].as_str().unwrap().to_string();
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

/// A new database on the test PostgreSQL server (`POLYPHONY_TEST_POSTGRES`, which `cargo xtask
/// test` sets); its URL. Fails, never skips, without the server.
fn fresh_postgres(name: &str) -> String {
    let base = std::env::var("POLYPHONY_TEST_POSTGRES").unwrap_or_else(|_| {
        panic!(
            "this test needs PostgreSQL: set POLYPHONY_TEST_POSTGRES to a server URL whose role \
             may create databases, or run `cargo xtask test`"
        )
    });
    let name = format!("{name}_{}", std::process::id());
    let mut c = postgres::Client::connect(&base, postgres::NoTls).unwrap();
    c.batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .unwrap();
    c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    let authority = base.find("://").map_or(0, |i| i + 3);
    let path = base[authority..]
        .find('/')
        .map_or(base.len(), |p| authority + p);
    format!("{}/{name}", &base[..path])
}

#[test]
fn acknowledged_votes_and_groups_survive_sigkill_on_postgres() {
    survives_sigkill(OsStr::new(&fresh_postgres("polyphony_sigkill")));
}

#[test]
fn backups_are_refused_on_postgres() {
    let url = fresh_postgres("polyphony_nobackup");
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_polyphony"))
        .args(["serve", "--addr", "127.0.0.1:0", "--db", &url, "--backup"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pg_dump"), "{err}");
}

fn survives_sigkill(db: &OsStr) {
    let http = client();
    let mut server = start(db);
    let base = server.base.clone();
    let statements: Vec<String> = (0..STATEMENTS).map(|i| format!("Statement {i}")).collect();
    let created: Value = http
        .post(format!("{base}/rooms"))
        .json(
            &json!({ "topic": "Durability", "statements": statements, "seed": 11,
            // Joins without the projector's code: this test is about durability.
            "settings": { "open_admission": true } }),
        )
        .send()
        .unwrap()
        .json()
        .unwrap();
    let code = created["room"]["code"].as_str().unwrap().to_string();
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
    server.child.kill().unwrap(); // SIGKILL
    server.child.wait().unwrap();
    assert!(
        http.get(format!("{base}/health")).send().is_err(),
        "the server is gone"
    );

    let server = start(db);
    let base = server.base.clone();
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
    let mut server = start(&db);
    let http = client();
    let created: Value = http
        .post(format!("{}/rooms", server.base))
        .json(&json!({ "topic": "Stop me", "statements": ["one"] }))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(created["room"]["code"].is_string());
    let status = Command::new("kill")
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
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/two-camps");
    let out = Command::new(env!("CARGO_BIN_EXE_polyphony"))
        .args(["import"])
        .arg(&fixture)
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let code = text
        .lines()
        .find_map(|l| l.strip_prefix("room "))
        .and_then(|r| r.split_whitespace().next())
        .unwrap()
        .to_string();
    let server = start(&db);
    let http = client();
    let v = view_until(&http, &server.base, &code, |v| {
        v["analyzed_votes"].as_u64() > Some(0)
    });
    assert!(v["groups"].as_array().is_some_and(|g| g.len() >= 2), "{v}");

    // The briefing travels: the room's own export gives its cards to an imported copy.
    let cards = r#"[{"title":"Two kinds of licence","text":"Taxi drivers pass a test."}]"#;
    let cards_file = dir.path().join("cards.json");
    std::fs::write(&cards_file, cards).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_polyphony"))
        .args(["import"])
        .arg(&fixture)
        .arg("--db")
        .arg(dir.path().join("briefed.db"))
        .arg("--brief")
        .arg(&cards_file)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("1 briefing cards"), "{text}");
    // A file that is not a list of cards is refused in words, and nothing is created.
    std::fs::write(&cards_file, r#"{"title": 3}"#).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_polyphony"))
        .args(["import"])
        .arg(&fixture)
        .arg("--db")
        .arg(dir.path().join("refused.db"))
        .arg("--brief")
        .arg(&cards_file)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("briefing cards"));
    assert!(!dir.path().join("refused.db").exists());

    let bad = Command::new(env!("CARGO_BIN_EXE_polyphony"))
        .args(["import", "/nonexistent/folder", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("cannot import"));
}
