//! `polyphony serve --backup DIR` then `polyphony restore`: the laptop running the room dies
//! (SIGKILL), another one restores the backup and serves the room with its votes.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{create_open_room, http, join_open, polyphony, serve};
use serde_json::{json, Value};

#[test]
fn a_backup_restored_on_another_laptop_serves_the_room() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("workshop.db");
    let backups = dir.path().join("usb-stick");
    let http = http(Duration::from_secs(10));
    let mut server = serve(&db, &["--backup", backups.to_str().unwrap()]);
    let base = server.api();
    let statements = ["One", "Two", "Three"].map(String::from);
    let (code, key) = create_open_room(&http, &base, "Backups", &statements, 3);
    let token = join_open(&http, &base, &code);
    for s in 0..3 {
        let resp = http
            .post(format!("{base}/rooms/{code}/votes"))
            .header("x-participant-token", &token)
            .json(&json!({ "id": format!("v{s}"), "statement": s, "vote": "agree" }))
            .send()
            .unwrap();
        assert_eq!(resp.status(), 200);
    }
    // A stage change writes a backup at once.
    let resp = http
        .post(format!("{base}/rooms/{code}/stage"))
        .header("x-facilitator-key", &key)
        .json(&json!({ "stage": "groups" }))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    let backup = backups.join("workshop.db.backup");
    let backup_arg = backup.to_str().unwrap();
    let started = Instant::now();
    let restored = dir.path().join("other-laptop.db");
    let restored_arg = restored.to_str().unwrap();
    // Wait for the copy holding the stage change, then the laptop dies.
    loop {
        let out = polyphony(&["restore", backup_arg, "--db", restored_arg, "--force"]);
        if out.status.success() && rusqlite_stage(&restored) == "groups" {
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(stdout.contains(&code), "{stdout}");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no backup after the stage change"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    server.sigkill();
    // Restoring over an existing database needs --force.
    let out = polyphony(&["restore", backup_arg, "--db", restored_arg]);
    assert!(!out.status.success());
    let other = serve(&restored, &[]);
    let view: Value = http
        .get(format!("{}/rooms/{code}/view", other.api()))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(view["room"]["stage"], "groups", "{view}");
    assert_eq!(view["votes"], 3, "{view}");
    // The phone carries on with its token, the facilitator with their key.
    let resp = http
        .post(format!("{}/rooms/{code}/votes", other.api()))
        .header("x-participant-token", &token)
        .json(&json!({ "id": "after", "statement": 0, "vote": "disagree" }))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    let resp = http
        .post(format!("{}/rooms/{code}/stage", other.api()))
        .header("x-facilitator-key", &key)
        .json(&json!({ "stage": "divisive" }))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
}

/// The stage of the one room in a database file.
fn rusqlite_stage(db: &Path) -> String {
    rusqlite::Connection::open(db)
        .and_then(|c| c.query_row("SELECT stage FROM rooms", [], |r| r.get(0)))
        .unwrap_or_default()
}
