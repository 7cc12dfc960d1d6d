//! `polyphony restore` refuses an SQLite file that is not a Polyphony database `polyphony serve`
//! would open (issue 21, item 8): one holding only a `rooms(code)` table passed the old checks
//! (integrity, a `rooms` table with codes), and `serve` then refused to start on it.
#![allow(clippy::unwrap_used)]

use std::process::Command;

#[test]
fn restore_refuses_a_file_with_only_a_rooms_table() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("fake.backup");
    {
        let c = rusqlite::Connection::open(&fake).unwrap();
        c.execute_batch("CREATE TABLE rooms (code TEXT); INSERT INTO rooms VALUES ('ABC234');")
            .unwrap();
    }
    let db = dir.path().join("restored.db");
    let out = Command::new(env!("CARGO_BIN_EXE_polyphony"))
        .arg("restore")
        .arg(&fake)
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "restored: {stderr}");
    assert!(
        stderr.contains("not a Polyphony database") && stderr.contains("schema version is 0"),
        "{stderr}"
    );
    assert!(!db.exists(), "nothing was written");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
}
