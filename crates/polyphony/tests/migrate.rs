//! `polyphony migrate --from FILE --to postgres://…` as a user runs it: a laptop's rooms move
//! to PostgreSQL (one line per room, with its counts and exports' SHA-256) and `polyphony
//! serve --db URL` serves them; moving again, a source that is no Polyphony database and a
//! target that is no PostgreSQL URL fail with a clear message. Needs the test PostgreSQL server
//! (`POLYPHONY_TEST_POSTGRES`; `cargo xtask test` starts one): fails, never skips, without it.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::{fresh_postgres, http, imported_code, polyphony, serve, text, two_camps};

#[test]
fn a_laptops_rooms_move_to_postgres_and_are_served_from_there() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("laptop.db");
    let db_arg = db.to_str().unwrap();
    let fixture = two_camps();
    let out = polyphony(&["import", fixture.to_str().unwrap(), "--db", db_arg]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let imported = text(&out.stdout);
    let code = imported_code(&imported);
    let key = imported
        .lines()
        .find_map(|l| l.strip_prefix("facilitator key: "))
        .unwrap()
        .to_string();
    let url = fresh_postgres("polyphony_migrate_cli");

    let out = polyphony(&["migrate", "--from", db_arg, "--to", &url]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines.len(), 2, "{printed}");
    // One line per room: its code, its rows per table, its exports' SHA-256.
    let room = lines[0];
    assert!(
        room.starts_with(&format!(
            "{code}  rooms 1, participants 14, statements 10, votes 127,"
        )),
        "{room}"
    );
    let digest = room.rsplit(' ').next().unwrap();
    assert!(
        digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit()),
        "{room}"
    );
    assert!(lines[1].starts_with("1 room(s) copied"), "{printed}");

    // Again: refused, nothing copied twice.
    let out = polyphony(&["migrate", "--from", db_arg, "--to", &url]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!("already holds room(s) {code}")),
        "{err}"
    );

    // Not a Polyphony database; not a PostgreSQL target.
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "not a database").unwrap();
    let out = polyphony(&["migrate", "--from", notes.to_str().unwrap(), "--to", &url]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("not a Polyphony database"),
        "{}",
        text(&out.stderr)
    );
    let out = polyphony(&["migrate", "--from", db_arg, "--to", "elsewhere.db"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("PostgreSQL URL"),
        "{}",
        text(&out.stderr)
    );

    // Served from PostgreSQL, with its votes and the facilitator's key.
    let server = serve(&url, &[]);
    let votes = http(Duration::from_secs(10))
        .get(format!(
            "{}/rooms/{code}/export/votes.csv?key={key}",
            server.api()
        ))
        .send()
        .unwrap();
    assert!(votes.status().is_success(), "{votes:?}");
    assert_eq!(votes.text().unwrap().lines().count(), 128);
}
