//! Helpers shared by the `polyphony` binary's integration tests that run it as a child process:
//! the binary run once, `polyphony serve` killed with the test that started it, and a database
//! of its own on the test PostgreSQL server.
#![allow(dead_code, clippy::unwrap_used)]

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

/// The environment variable naming the PostgreSQL server the tests use: a URL whose role may
/// create databases (`cargo xtask test` and `cargo xtask with-postgres` start a throw-away
/// cluster and set it).
pub const POSTGRES_VAR: &str = "POLYPHONY_TEST_POSTGRES";

/// Runs `polyphony ARGS` to its end; its status and output.
pub fn polyphony(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_polyphony"))
        .args(args)
        .output()
        .unwrap()
}

/// Output bytes as text, for assertions and their messages.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The project's small Polis export with two camps (`fixtures/two-camps`).
pub fn two_camps() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/two-camps")
}

/// The join code `polyphony import` printed ("room CODE …").
pub fn imported_code(printed: &str) -> String {
    printed
        .lines()
        .find_map(|l| l.strip_prefix("room "))
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_else(|| panic!("no room line in: {printed}"))
        .to_string()
}

/// An HTTP client whose every request gives up after `timeout`.
pub fn http(timeout: Duration) -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(timeout)
        .build()
        .unwrap()
}

/// Creates a room on the server whose API is at `api` (`http://…/api`) that takes joins
/// without the projector's code (these tests are about something else than admission); its
/// join code and facilitator key.
pub fn create_open_room(
    http: &reqwest::blocking::Client,
    api: &str,
    topic: &str,
    statements: &[String],
    seed: u64,
) -> (String, String) {
    let body = serde_json::json!({ "topic": topic, "statements": statements, "seed": seed,
                                   "settings": { "open_admission": true } });
    let created: serde_json::Value = http
        .post(format!("{api}/rooms"))
        .json(&body)
        .send()
        .unwrap()
        .json()
        .unwrap();
    (
        created["room"]["code"].as_str().unwrap().to_string(),
        created["facilitator_key"].as_str().unwrap().to_string(),
    )
}

/// Joins an open room (see [`create_open_room`]) as a new phone; its participant token.
pub fn join_open(http: &reqwest::blocking::Client, api: &str, code: &str) -> String {
    let joined: serde_json::Value = http
        .post(format!("{api}/rooms/{code}/join"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    joined["participant_token"].as_str().unwrap().to_string()
}

/// `polyphony serve` as a child process, killed and reaped when dropped, so that a failing test
/// leaves no server behind.
pub struct Server {
    pub child: Child,
    /// The address it listens on (`127.0.0.1:PORT`), from its first line.
    pub addr: String,
}

impl Server {
    /// The HTTP API's base URL, `http://ADDR/api`.
    pub fn api(&self) -> String {
        format!("http://{}/api", self.addr)
    }

    /// Kills it with SIGKILL (no clean shutdown) and reaps it.
    pub fn sigkill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `polyphony serve --addr 127.0.0.1:0 --db DB EXTRA…` (a free port) and waits until it
/// listens.
pub fn serve(db: impl AsRef<OsStr>, extra: &[&str]) -> Server {
    serve_on("127.0.0.1:0", db, extra)
}

/// Starts `polyphony serve --addr ADDR --db DB EXTRA…` and waits for its first line,
/// "Polyphony is listening on ADDR; …". Its output is drained from then on, so the server never
/// blocks on a full pipe.
pub fn serve_on(addr: &str, db: impl AsRef<OsStr>, extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_polyphony"))
        .args(["serve", "--addr", addr, "--db"])
        .arg(db)
        .args(extra)
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
    std::thread::spawn(move || for _ in lines {});
    Server { child, addr }
}

/// A new, empty database `NAME_PID` on the test PostgreSQL server (dropped first if a run that
/// died left it); its URL. Fails, never skips, without the server.
pub fn fresh_postgres(name: &str) -> String {
    let base = std::env::var(POSTGRES_VAR).unwrap_or_else(|_| {
        panic!(
            "this test needs PostgreSQL: set {POSTGRES_VAR} to a server URL whose role may \
             create databases, or run `cargo xtask test` (or `cargo xtask with-postgres cargo \
             test …`), which starts a throw-away cluster"
        )
    });
    let name = format!("{name}_{}", std::process::id());
    let mut c = postgres::Client::connect(&base, postgres::NoTls)
        .unwrap_or_else(|e| panic!("cannot connect to {base} ({POSTGRES_VAR}): {e}"));
    c.batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .unwrap();
    c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    // The same server, the new database: `scheme://authority/NAME`.
    let authority = base.find("://").map_or(0, |i| i + 3);
    let path = base[authority..]
        .find('/')
        .map_or(base.len(), |p| authority + p);
    format!("{}/{name}", &base[..path])
}
