//! `polyphony migrate --from FILE --to postgres://…` as a user runs it: a laptop's rooms move
//! to PostgreSQL (one line per room, with its counts and exports' SHA-256) and `polyphony
//! serve --db URL` serves them; moving again, a source that is no Polyphony database and a
//! target that is no PostgreSQL URL fail with a clear message. Needs the test PostgreSQL server
//! (`POLYPHONY_TEST_POSTGRES`; `cargo xtask test` starts one): fails, never skips, without it.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A new database on the test PostgreSQL server; its URL.
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

fn polyphony(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_polyphony"))
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_laptops_rooms_move_to_postgres_and_are_served_from_there() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("laptop.db");
    let db_arg = db.to_str().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/two-camps");
    let out = polyphony(&["import", fixture.to_str().unwrap(), "--db", db_arg]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let imported = text(&out.stdout);
    let code = imported
        .lines()
        .find_map(|l| l.strip_prefix("room "))
        .and_then(|r| r.split_whitespace().next())
        .unwrap()
        .to_string();
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
    let mut child = Command::new(env!("CARGO_BIN_EXE_polyphony"))
        .args(["serve", "--addr", "127.0.0.1:0", "--db", &url])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    let mut out_lines = BufReader::new(stdout).lines();
    let first = out_lines.next().unwrap().unwrap();
    let addr = first
        .strip_prefix("Polyphony is listening on ")
        .and_then(|r| r.split(';').next())
        .unwrap_or_else(|| panic!("unexpected first line: {first}"))
        .to_string();
    std::thread::spawn(move || for _ in out_lines {});
    let http = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let votes = http
        .get(format!(
            "http://{addr}/api/rooms/{code}/export/votes.csv?key={key}"
        ))
        .send()
        .unwrap();
    assert!(votes.status().is_success(), "{votes:?}");
    assert_eq!(votes.text().unwrap().lines().count(), 128);
    drop(server);
}
