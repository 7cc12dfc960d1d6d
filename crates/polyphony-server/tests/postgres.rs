//! The PostgreSQL store (issue 23, item 1) against a real PostgreSQL server
//! (`POLYPHONY_TEST_POSTGRES`; `cargo xtask test` starts a throw-away cluster): a room's whole
//! life, votes acknowledged only once committed (read back from another connection), resent
//! and racing client ids stored once and answered as duplicates, every room reloaded after a
//! restart, removed identities staying removed, and every export the same as SQLite's for the
//! same requests. Without the variable these tests fail and say how to run them; they never
//! skip. (The rest of the server's tests run on PostgreSQL too with
//! `POLYPHONY_TEST_BACKEND=postgres`, as `cargo xtask test` does.)
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::http::StatusCode;
use common::*;
use polyphony_server::{app, AppState, Database, Instance};

/// Every export file of a room, as the facilitator downloads it.
const EXPORTS: &[&str] = &[
    "comments.csv",
    "votes.csv",
    "participants-votes.csv",
    "summary.csv",
    "polyphony.json",
    "tables.csv",
    "comment-groups.csv",
    "removed-votes.csv",
];

fn limits() -> polyphony_server::Limits {
    polyphony_server::Limits {
        votes_per_second: 1000,
        vote_burst: 1000,
        ..test_limits()
    }
}

async fn open(db: &Database) -> (AppState, axum::Router) {
    let state = AppState::open_database(db, limits()).await.unwrap();
    let router = app(state.clone());
    (state, router)
}

/// The server on `db` as one instance of a cluster (`instance`), which claims leases.
async fn open_as(db: &Database, instance: Instance) -> (AppState, axum::Router) {
    let state = AppState::open_as(db, limits(), instance).await.unwrap();
    let router = app(state.clone());
    (state, router)
}

/// An export with what differs between two runs of the same requests set aside: the room's
/// code and key, times in milliseconds (13-digit runs) and ISO date-times.
fn normalise(text: &str, code: &str, key: &str) -> String {
    let text = text.replace(code, "CODE").replace(key, "KEY");
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        // YYYY-MM-DDTHH:MM:SS(.fff)Z
        let iso = |j: usize| -> Option<usize> {
            let pattern = "dddd-dd-ddTdd:dd:dd";
            let mut k = j;
            for p in pattern.chars() {
                let c = *chars.get(k)?;
                let ok = if p == 'd' { c.is_ascii_digit() } else { c == p };
                if !ok {
                    return None;
                }
                k += 1;
            }
            while chars
                .get(k)
                .is_some_and(|c| c.is_ascii_digit() || *c == '.')
            {
                k += 1;
            }
            (chars.get(k) == Some(&'Z')).then_some(k + 1)
        };
        if let Some(end) = iso(i) {
            out.push_str("DATE");
            i = end;
            continue;
        }
        if chars[i].is_ascii_digit() && (i == 0 || !matches!(chars[i - 1], '0'..='9' | '.')) {
            let mut end = i;
            while end < chars.len() && chars[end].is_ascii_digit() {
                end += 1;
            }
            if end - i >= 12 {
                out.push_str("TIME");
                i = end;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// Forgets the room's saved engine state, so that the next start analyses every vote at once.
/// (The live analysis depends on when each update ran, which differs between any two runs;
/// analysing from scratch leaves what the store holds as the only input.)
fn forget_engine_state(db: &Database) {
    execute_in(db, "UPDATE rooms SET engine_state = NULL");
}

async fn exports(r: &axum::Router, code: &str, key: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for file in EXPORTS {
        out.insert(
            file.to_string(),
            normalise(&export(r, code, key, file).await, code, key),
        );
    }
    out
}

/// Every export (normalised) of room `code` as a server started on `db` serves it; the server
/// is shut down again.
async fn exports_after_a_start(db: &Database, code: &str, key: &str) -> BTreeMap<String, String> {
    let (state, r) = open(db).await;
    let files = exports(&r, code, key).await;
    state.shutdown().await;
    files
}

/// The same requests on any backend: a room's life with resends and a participant's statement
/// moderated in. Answers every export (normalised) before a restart, after it, and after a
/// start that analyses every stored vote from scratch.
async fn a_room_life(db: &Database) -> [BTreeMap<String, String>; 3] {
    let (state, r) = open(db).await;
    let (code, key) = create_room(&r, 6, OPEN).await;
    let mut tokens = Vec::new();
    for p in 0..12 {
        let t = join(&r, &code).await;
        for s in 0..6 {
            let ack = vote(&r, &code, &t, &format!("v{s}"), s, camp_vote(p % 2, s, 6)).await;
            assert_eq!(ack["duplicate"], false, "{ack}");
        }
        tokens.push(t);
    }
    // A resend is answered as a duplicate and changes nothing.
    let again = vote(&r, &code, &tokens[0], "v0", 0, "disagree").await;
    assert_eq!(again["duplicate"], true, "{again}");
    // A participant's statement, moderated in, voted on.
    let (status, added) = call(
        &r,
        "POST",
        &format!("/api/rooms/{code}/statements"),
        &[("x-participant-token", &tokens[1])],
        Some(r#"{"id":"s1","text":"Buses should run all night"}"#),
    )
    .await;
    assert!(status.is_success(), "{added}");
    let sid = added["statement"]["id"].as_u64().unwrap();
    host_call(
        &r,
        &code,
        &key,
        "POST",
        &format!("/statements/{sid}/moderation"),
        Some(r#"{"state":"accepted"}"#),
    )
    .await;
    for (p, t) in tokens.iter().enumerate().take(5) {
        let v = if p % 2 == 0 { "agree" } else { "pass" };
        vote(&r, &code, t, "vs", sid as usize, v).await;
    }
    let before = exports(&r, &code, &key).await;
    state.shutdown().await;
    drop(r);
    let after = exports_after_a_start(db, &code, &key).await;
    forget_engine_state(db);
    let cold = exports_after_a_start(db, &code, &key).await;
    [before, after, cold]
}

/// Files that hold what was stored and nothing the analysis computed.
const DATA_ONLY: &[&str] = &["votes.csv", "removed-votes.csv", "tables.csv"];

/// Asserts two texts are equal, naming the first line that differs (not whole exports).
fn assert_same(a: &str, b: &str, what: &str) {
    if a == b {
        return;
    }
    let line = a
        .lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or_else(|| a.lines().count().min(b.lines().count()));
    panic!(
        "{what}: line {} differs: {:?} / {:?} ({} / {} lines)",
        line + 1,
        a.lines().nth(line),
        b.lines().nth(line),
        a.lines().count(),
        b.lines().count()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exports_on_postgres_are_sqlites_for_the_same_requests() {
    let dir = tempfile::tempdir().unwrap();
    let [lite_before, lite_after, lite_cold] =
        a_room_life(&Database::Sqlite(dir.path().join("same.db"))).await;
    let [pg_before, pg_after, pg_cold] = a_room_life(&fresh_postgres()).await;
    for file in EXPORTS {
        assert!(
            !lite_cold[*file].is_empty(),
            "{file} is empty on SQLite: nothing compared"
        );
        // The same stored room on both backends: the same files, analysis included.
        assert_same(&lite_cold[*file], &pg_cold[*file], file);
    }
    // What was stored reads back the same after a restart, on either backend. (The analysis
    // is not compared here: a clean shutdown runs one last update.)
    for file in DATA_ONLY {
        assert_same(&lite_before[*file], &lite_after[*file], file);
        assert_same(&pg_before[*file], &pg_after[*file], file);
        assert_same(&lite_before[*file], &pg_before[*file], file);
    }
    // The comparison compares something: votes and the participant's statement are there.
    assert!(pg_cold["votes.csv"].lines().count() > 70);
    assert!(pg_cold["comments.csv"].contains("Buses should run all night"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_acknowledged_vote_is_committed_and_a_resend_counts_once() {
    let db = fresh_postgres();
    let (state, r) = open(&db).await;
    let (code, key) = create_room(&r, 3, OPEN).await;
    let mut tokens = Vec::new();
    for _ in 0..20 {
        tokens.push(join(&r, &code).await);
    }
    // Twenty phones vote at once (group commits); each answer is checked against what another
    // connection reads from PostgreSQL right after it.
    let mut tasks = Vec::new();
    for (p, t) in tokens.iter().enumerate() {
        let (r, code, t, db) = (r.clone(), code.clone(), t.clone(), db.clone());
        tasks.push(tokio::spawn(async move {
            for s in 0..3 {
                let id = format!("p{p}-s{s}");
                let ack = vote(&r, &code, &t, &id, s, "agree").await;
                assert_eq!(ack["duplicate"], false, "{ack}");
                let sql = format!("SELECT count(*) FROM votes WHERE client_id = '{id}'");
                let stored = tokio::task::spawn_blocking({
                    let db = db.clone();
                    move || pg_query_i64(&db, &sql)
                })
                .await
                .unwrap();
                assert_eq!(stored, [1], "vote {id} acknowledged but not committed");
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    // The same client id from many tasks at once: stored once, every later answer a duplicate.
    let token = Arc::new(tokens[0].clone());
    let mut racers = Vec::new();
    for _ in 0..16 {
        let (r, code, token) = (r.clone(), code.clone(), Arc::clone(&token));
        racers.push(tokio::spawn(async move {
            vote(&r, &code, &token, "race", 0, "disagree").await["duplicate"] == true
        }));
    }
    let mut duplicates = 0;
    for t in racers {
        duplicates += usize::from(t.await.unwrap());
    }
    assert_eq!(duplicates, 15, "exactly one of the racers is the first");
    let total = pg_query_i64(&db, "SELECT count(*) FROM votes");
    assert_eq!(total, [61]);
    let again = vote(&r, &code, &tokens[3], "p3-s1", 1, "disagree").await;
    assert_eq!(again["duplicate"], true, "{again}");
    assert_eq!(pg_query_i64(&db, "SELECT count(*) FROM votes"), [61]);
    let votes = export(&r, &code, &key, "votes.csv").await;
    assert_eq!(votes.lines().count(), 1 + 61);
    state.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_reloads_every_room() {
    let db = fresh_postgres();
    let (state, r) = open(&db).await;
    let mut rooms = Vec::new();
    for n in 2..5 {
        let (code, key) = create_room(&r, n, OPEN).await;
        for p in 0..n {
            let t = join(&r, &code).await;
            for s in 0..n {
                vote(&r, &code, &t, &format!("v{s}"), s, camp_vote(p % 2, s, n)).await;
            }
        }
        let votes = export(&r, &code, &key, "votes.csv").await;
        assert_eq!(votes.lines().count(), 1 + n * n);
        rooms.push((code, key, votes));
    }
    host_call(
        &r,
        &rooms[0].0,
        &rooms[0].1,
        "POST",
        "/stage",
        Some(r#"{"stage":"groups"}"#),
    )
    .await;
    // No clean shutdown: what was acknowledged is in the database already.
    state.request_shutdown();
    drop((state, r));
    let (state, r) = open(&db).await;
    let mut codes: Vec<String> = rooms.iter().map(|(c, _, _)| c.clone()).collect();
    codes.sort();
    assert_eq!(state.room_codes(), codes);
    for (code, key, votes) in &rooms {
        assert_eq!(&export(&r, code, key, "votes.csv").await, votes);
    }
    let view = call(
        &r,
        "GET",
        &format!("/api/rooms/{}/view", rooms[0].0),
        &[],
        None,
    )
    .await
    .1;
    assert_eq!(view["room"]["stage"], "groups", "{view}");
    state.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removed_identities_stay_removed_after_a_restart() {
    let db = fresh_postgres();
    let (state, r) = open(&db).await;
    let (code, key) = create_room(&r, 2, OPEN).await;
    let real = join(&r, &code).await;
    vote(&r, &code, &real, "v0", 0, "agree").await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let from = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let mut flood = Vec::new();
    for _ in 0..5 {
        let t = join(&r, &code).await;
        vote(&r, &code, &t, "v0", 0, "disagree").await;
        flood.push(t);
    }
    let body = format!(r#"{{"from":{from},"to":{}}}"#, from + 60_000);
    let done = host_call(&r, &code, &key, "POST", "/participants/remove", Some(&body)).await;
    assert_eq!(done["removed"], 5, "{done}");
    assert_eq!(
        pg_query_i64(
            &db,
            "SELECT count(*) FROM participants WHERE removed IS NOT NULL"
        ),
        [5]
    );
    state.shutdown().await;
    let (state, r) = open(&db).await;
    for t in &flood {
        let (st, json) = call(
            &r,
            "GET",
            &format!("/api/rooms/{code}/me"),
            &[("x-participant-token", t)],
            None,
        )
        .await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{json}");
    }
    let removed = export(&r, &code, &key, "removed-votes.csv").await;
    assert_eq!(removed.lines().count(), 1 + 5);
    let kept = export(&r, &code, &key, "votes.csv").await;
    assert_eq!(kept.lines().count(), 1 + 1);
    state.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_connection_fails_one_write_then_the_store_connects_again() {
    let db = fresh_postgres();
    let (state, r) = open(&db).await;
    let (code, _key) = create_room(&r, 2, OPEN).await;
    let token = join(&r, &code).await;
    vote(&r, &code, &token, "v0", 0, "agree").await;
    // An administrator (or a failover) ends the server's writing connection (the lease and
    // listener connections are named apart: `application_name`).
    let killed = pg_query_i64(
        &db,
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
         WHERE datname = current_database() AND application_name = 'polyphony-writer'",
    );
    assert_eq!(killed, [1]);
    // The first write after it fails (not acknowledged); the phone's resend is stored.
    let mut answers = Vec::new();
    for _ in 0..3 {
        let (status, json) = post_vote(&r, &code, &token, "v1", 1, "agree").await;
        answers.push(status);
        if status == StatusCode::OK {
            assert_eq!(json["duplicate"], false, "{json}");
            break;
        }
    }
    assert_eq!(answers.last(), Some(&StatusCode::OK), "{answers:?}");
    assert!(answers.len() <= 2, "{answers:?}");
    assert_eq!(pg_query_i64(&db, "SELECT count(*) FROM votes"), [2]);
    state.shutdown().await;
}

#[tokio::test]
async fn a_newer_schema_is_refused_and_nothing_changes() {
    let db = fresh_postgres();
    let (state, _r) = open(&db).await;
    state.shutdown().await;
    execute_in(&db, "UPDATE polyphony_schema SET version = 99");
    let err = AppState::open_database(&db, limits()).await.err().unwrap();
    assert!(err.to_string().contains("newer"), "{err}");
}

/// Fencing (issue 23, item 2), with the takeover made by hand so the order is certain: an
/// instance whose room was claimed by another (a new owner and epoch in the lease row, as a
/// claim writes it) may not write to that room any more. Its next vote is refused with 503
/// and stored nowhere, the room is retired here, and later requests are sent on to the new
/// owner's address (unreachable here: 503 again, never a write).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_after_another_instance_took_the_room_over_is_refused() {
    let db = fresh_postgres();
    let instance = Instance::member("http://127.0.0.1:9").unwrap();
    let (state, r) = open_as(&db, instance).await;
    let (code, _key) = create_room(&r, 2, OPEN).await;
    let token = join(&r, &code).await;
    vote(&r, &code, &token, "v0", 0, "agree").await;
    assert_eq!(
        pg_query_i64(&db, "SELECT epoch FROM room_leases"),
        [1],
        "the room's creator holds it at epoch 1"
    );
    // Another instance claims the room (what `claim_free` does to a lease that ran out).
    execute_in(
        &db,
        "UPDATE room_leases SET owner = 'someone-else', address = 'http://127.0.0.1:1',
                epoch = epoch + 1, expires = clock_timestamp() + interval '1 hour'",
    );
    // First the fenced write itself; then the same vote again, which (the room retired here)
    // goes to the new owner's address, down: both 503, neither stored.
    for attempt in ["the fenced write", "the forwarded resend"] {
        let (status, json) = post_vote(&r, &code, &token, "v1", 1, "disagree").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{attempt}: {json}");
        assert_eq!(
            pg_query_i64(&db, "SELECT count(*) FROM votes"),
            [1],
            "{attempt} is not stored"
        );
    }
    assert!(state.room(&code).is_err(), "the room was retired here");
}

/// Renewing the leases never waits for, or deadlocks with, the owner's own writes: eight busy
/// rooms with a short lease (renewed every 200 ms) keep every write succeeding and every room
/// at epoch 1 (no room moves away from its live owner). With the fence reading the lease row
/// `FOR SHARE`, renewals and group writes deadlocked here, and PostgreSQL failed one of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renewals_and_writes_never_deadlock() {
    let db = fresh_postgres();
    let instance = Instance::member("http://127.0.0.1:9")
        .unwrap()
        .with_lease(std::time::Duration::from_millis(600));
    let (state, r) = open_as(&db, instance).await;
    let mut rooms = Vec::new();
    for _ in 0..8 {
        let (code, _key) = create_room(&r, 40, OPEN).await;
        let mut tokens = Vec::new();
        for _ in 0..6 {
            tokens.push(join(&r, &code).await);
        }
        rooms.push((code, tokens));
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(4);
    let mut tasks = Vec::new();
    for (code, tokens) in rooms.clone() {
        for token in tokens {
            let (r, code) = (r.clone(), code.clone());
            tasks.push(tokio::spawn(async move {
                let mut failures = Vec::new();
                let mut s = 0;
                while std::time::Instant::now() < deadline && s < 40 {
                    let id = format!("v{s}");
                    let (status, json) = post_vote(&r, &code, &token, &id, s, "agree").await;
                    if status != StatusCode::OK {
                        failures.push(format!("{status}: {json}"));
                    }
                    s += 1;
                }
                failures
            }));
        }
    }
    let mut failures = Vec::new();
    for t in tasks {
        failures.extend(t.await.unwrap());
    }
    assert!(
        failures.is_empty(),
        "{} failed: {:?}",
        failures.len(),
        &failures[..failures.len().min(3)]
    );
    assert_eq!(
        pg_query_i64(&db, "SELECT max(epoch) FROM room_leases"),
        [1],
        "a room moved away from its live owner"
    );
    state.shutdown().await;
}

/// TLS to the database: with `sslmode=require&sslrootcert=CA` in the URL every connection the
/// server opens (writes, leases, notifications) is encrypted, and the room works as before;
/// without the CA the server's self-signed chain is refused, with a message that says so. (The
/// test cluster `cargo xtask test` starts has TLS on, its CA in `POLYPHONY_TEST_POSTGRES_CA`.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_speaks_tls_when_the_url_asks() {
    let ca = std::env::var("POLYPHONY_TEST_POSTGRES_CA").unwrap_or_else(|_| {
        panic!("this test needs the test cluster's CA: run it with `cargo xtask with-postgres`")
    });
    let db = fresh_postgres();
    let Database::Postgres(url) = db.clone() else {
        unreachable!()
    };
    let over_tls = Database::Postgres(format!("{url}?sslmode=require&sslrootcert={ca}"));
    let state = AppState::open_database(&over_tls, limits()).await.unwrap();
    let r = app(state.clone());
    let (code, _key) = create_room(&r, 2, OPEN).await;
    let token = join(&r, &code).await;
    vote(&r, &code, &token, "v0", 0, "agree").await;
    assert_eq!(
        pg_query_i64(
            &db,
            "SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
             WHERE s.ssl AND a.datname = current_database()
               AND a.application_name LIKE 'polyphony-%'"
        ),
        [3],
        "the writer's, the lease thread's and the listener's connections use TLS"
    );
    assert_eq!(pg_query_i64(&db, "SELECT count(*) FROM votes"), [1]);
    state.shutdown().await;
    // Without the CA, the chain is not trusted: refused, and said.
    let unverified = Database::Postgres(format!("{url}?sslmode=require"));
    let err = AppState::open_database(&unverified, limits())
        .await
        .err()
        .expect("a certificate nobody vouches for is refused");
    assert!(
        err.to_string().to_lowercase().contains("certificate"),
        "{err}"
    );
}
