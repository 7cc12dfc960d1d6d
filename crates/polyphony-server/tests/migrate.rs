//! `polyphony migrate` (issue 23 item 5), the library side, against a real PostgreSQL server
//! (`POLYPHONY_TEST_POSTGRES`; `cargo xtask test` starts a throw-away cluster; without it these
//! tests fail, never skip): a workshop laptop's SQLite rooms, holding a row of every table,
//! move into PostgreSQL whole and are served from there with the same exports, tokens and key;
//! a second move into the same database, and a source that is not a Polyphony database this
//! build can read, are refused with nothing written; a database from an older Polyphony moves
//! and is not written.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use axum::http::StatusCode;
use common::*;
use polyphony_server::{app, migrate_to_postgres, AppState, Database, MigrateError};
use serde_json::Value;

/// Every table that holds a room's rows, beside `rooms`.
const TABLES: &[&str] = &[
    "participants",
    "statements",
    "votes",
    "spectrums",
    "spectrum_positions",
    "table_plans",
    "table_seats",
    "reporter_draws",
    "notes",
    "consents",
    "client_requests",
    "snapshots",
];

/// Every file a facilitator downloads: the exports and the report.
const FILES: &[&str] = &[
    "comments.csv",
    "votes.csv",
    "participants-votes.csv",
    "summary.csv",
    "polyphony.json",
    "tables.csv",
    "comment-groups.csv",
    "removed-votes.csv",
    "report.html",
];

const BRIEF: &str = r#","brief":[{"title":"Two kinds of licence","text":"Taxi drivers pass a test.","positions":[{"side":"Union","text":"The same rules for all.","source":"March 2024"}]}]"#;

async fn post(r: &axum::Router, url: &str, who: (&str, &str), body: &str) -> (StatusCode, Value) {
    call(r, "POST", url, &[who], Some(body)).await
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// A room that went through a whole workshop on SQLite, with a row in every table: briefing,
/// votes, a participant's statement, stage changes (snapshots), a named group, a timer and a
/// spotlight, a spectrum of two rounds, tables (frozen groups, seats, reporters), a released
/// and an unreleased note, consent, a passed reporter role, and an identity removed with its
/// votes. Answers (code, key, tokens of the people who stay, the removed one's token).
async fn workshop_room(r: &axum::Router) -> (String, String, Vec<String>, String) {
    let (code, key) = create_room(r, 6, &format!("{OPEN}{BRIEF}")).await;
    let room = |rest: &str| format!("/api/rooms/{code}{rest}");
    let host = ("x-facilitator-key", key.as_str());
    let (st, e) = post(r, &room("/stage"), host, r#"{"stage":"collect"}"#).await;
    assert_eq!(st, StatusCode::OK, "{e}");
    let mut tokens = Vec::new();
    for p in 0..12 {
        let t = join(r, &code).await;
        for s in 0..6 {
            let body = format!(
                r#"{{"id":"v{s}","statement":{s},"vote":"{}"}}"#,
                camp_vote(p % 2, s, 6)
            );
            let (st, e) = post(r, &room("/votes"), ("x-participant-token", &t), &body).await;
            assert_eq!(st, StatusCode::OK, "{e}");
        }
        tokens.push(t);
    }
    let phone = |i: usize| ("x-participant-token", tokens[i].as_str());
    let (st, e) = post(
        r,
        &room("/statements"),
        phone(1),
        r#"{"id":"s1","text":"Buses should run all night"}"#,
    )
    .await;
    assert!(st.is_success(), "{e}");
    let (st, e) = post(r, &room("/stage"), host, r#"{"stage":"groups"}"#).await;
    assert_eq!(st, StatusCode::OK, "{e}");
    let group = host_call(r, &code, &key, "GET", "/view", None).await["groups"][0]["id"].clone();
    for body in [
        format!(r#"{{"action":"name_group","group":{group},"name":"Night owls"}}"#),
        r#"{"action":"start_timer","minutes":5}"#.to_string(),
        r#"{"action":"spotlight","statement":2}"#.to_string(),
    ] {
        let (st, e) = post(r, &room("/controls"), host, &body).await;
        assert_eq!(st, StatusCode::OK, "{body}: {e}");
    }
    let (st, sp) = post(r, &room("/spectrums"), host, r#"{"statement":0}"#).await;
    assert_eq!(st, StatusCode::CREATED, "{sp}");
    let id = sp["id"].as_u64().unwrap();
    for round in 1..=2 {
        if round == 2 {
            let (st, e) = post(
                r,
                &room(&format!("/spectrums/{id}/round")),
                host,
                r#"{"open":2}"#,
            )
            .await;
            assert_eq!(st, StatusCode::OK, "{e}");
        }
        for i in 0..3 {
            let body = format!(
                r#"{{"id":"p{round}","spectrum":{id},"round":{round},"position":{}}}"#,
                i as i64 - 1 + round - 1
            );
            let (st, e) = post(r, &room("/spectrum-positions"), phone(i), &body).await;
            assert_eq!(st, StatusCode::OK, "{e}");
        }
    }
    let (st, e) = post(
        r,
        &room("/tables"),
        host,
        r#"{"mode":"same_group","size":4}"#,
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{e}");
    let (st, n) = post(
        r,
        &room("/notes"),
        phone(0),
        r#"{"id":"n1","text":"We all want buses every ten minutes"}"#,
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{n}");
    let (st, e) = post(r, &room(&format!("/notes/{}/release", n["note"])), host, "").await;
    assert_eq!(st, StatusCode::OK, "{e}");
    let (st, e) = post(
        r,
        &room("/notes"),
        phone(2),
        r#"{"id":"n2","text":"Not for the projector"}"#,
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{e}");
    let (st, e) = post(r, &room("/consent"), phone(0), r#"{"id":"c"}"#).await;
    assert_eq!(st, StatusCode::OK, "{e}");
    let mut passed = false;
    for i in 0..tokens.len() {
        let me = call(r, "GET", &room("/me"), &[phone(i)], None).await.1;
        if me["table"]["reporter"] == true {
            let (st, e) = post(r, &room("/reporter/pass"), phone(i), r#"{"id":"pass"}"#).await;
            assert_eq!(st, StatusCode::OK, "{e}");
            passed = true;
            break;
        }
    }
    assert!(passed, "a reporter passed the role");
    // An identity that joins and votes later, then is removed by the facilitator.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let from = now_ms();
    let flood = join(r, &code).await;
    for s in 0..6 {
        let body = format!(r#"{{"id":"f{s}","statement":{s},"vote":"agree"}}"#);
        let (st, e) = post(r, &room("/votes"), ("x-participant-token", &flood), &body).await;
        assert_eq!(st, StatusCode::OK, "{e}");
    }
    let window = format!(r#"{{"from":{from},"to":{}}}"#, now_ms() + 1_000);
    let done = host_call(
        r,
        &code,
        &key,
        "POST",
        "/participants/remove",
        Some(&window),
    )
    .await;
    assert_eq!(done["removed"], 1, "{done}");
    let (st, e) = post(r, &room("/stage"), host, r#"{"stage":"report"}"#).await;
    assert_eq!(st, StatusCode::OK, "{e}");
    (code, key, tokens, flood)
}

/// A SQLite database with the workshop room and a small second room; answers both rooms'
/// (code, key), the workshop's remaining tokens and its removed one.
async fn laptop(db: &Path) -> (Vec<(String, String)>, Vec<String>, String) {
    let state = AppState::open_database(&Database::Sqlite(db.to_path_buf()), test_limits())
        .await
        .unwrap();
    let r = app(state.clone());
    let (code, key, tokens, removed) = workshop_room(&r).await;
    let (small, small_key) = create_room(&r, 3, OPEN).await;
    let t = join(&r, &small).await;
    let (st, e) = post(
        &r,
        &format!("/api/rooms/{small}/votes"),
        ("x-participant-token", &t),
        r#"{"id":"x","statement":1,"vote":"disagree"}"#,
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{e}");
    state.shutdown().await;
    (vec![(code, key), (small, small_key)], tokens, removed)
}

fn sqlite_count(db: &Path, table: &str, code: &str) -> usize {
    let c = rusqlite::Connection::open(db).unwrap();
    let sql = if table == "rooms" {
        "SELECT count(*) FROM rooms WHERE code = ?1".to_string()
    } else {
        format!(
            "SELECT count(*) FROM {table} WHERE room_id = (SELECT id FROM rooms WHERE code = ?1)"
        )
    };
    c.query_row(&sql, [code], |r| r.get::<_, i64>(0)).unwrap() as usize
}

fn pg_count(pg: &Database, table: &str, code: &str) -> usize {
    let sql = if table == "rooms" {
        format!("SELECT count(*) FROM rooms WHERE code = '{code}'")
    } else {
        format!("SELECT count(*) FROM {table} WHERE room_id = (SELECT id FROM rooms WHERE code = '{code}')")
    };
    pg_query_i64(pg, &sql)[0] as usize
}

/// Every row count of every table of the PostgreSQL database, and its schema version.
fn pg_totals(pg: &Database) -> BTreeMap<&'static str, i64> {
    let mut out = BTreeMap::new();
    for table in std::iter::once(&"rooms").chain(TABLES) {
        out.insert(
            *table,
            pg_query_i64(pg, &format!("SELECT count(*) FROM {table}"))[0],
        );
    }
    out.insert(
        "schema",
        pg_query_i64(pg, "SELECT version FROM polyphony_schema")[0],
    );
    out
}

/// How many tables the PostgreSQL database has (0: nothing was ever written to it).
fn pg_tables(pg: &Database) -> i64 {
    pg_query_i64(
        pg,
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()",
    )[0]
}

/// Every file a facilitator downloads for the room, as `r` serves it.
async fn files_from(r: &axum::Router, code: &str, key: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for file in FILES {
        out.insert(file.to_string(), export(r, code, key, file).await);
    }
    out
}

/// Every file a facilitator downloads for the room, as a server started on `db` serves it.
async fn files(db: &Database, code: &str, key: &str) -> BTreeMap<String, String> {
    let state = AppState::open_database(db, test_limits()).await.unwrap();
    let out = files_from(&app(state.clone()), code, key).await;
    state.shutdown().await;
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_laptops_rooms_move_whole_and_are_served_from_postgres() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("laptop.db");
    let (rooms, tokens, removed) = laptop(&db).await;
    let (code, key) = rooms[0].clone();
    let pg = fresh_postgres();
    // A server already runs on the hosted database (with no room yet).
    let hosted = AppState::open_database(&pg, test_limits()).await.unwrap();
    let r = app(hosted.clone());

    let moved = migrate_to_postgres(&db, &pg).await.unwrap();
    let codes: Vec<&str> = moved.iter().map(|m| m.code.as_str()).collect();
    assert_eq!(codes, [code.as_str(), rooms[1].0.as_str()]);
    for m in &moved {
        assert_eq!(m.exports_sha256.len(), 64, "{m:?}");
        let mut listed: Vec<&str> = m.rows.iter().map(|(t, _)| *t).collect();
        listed.sort_unstable();
        let mut every: Vec<&str> = std::iter::once("rooms")
            .chain(TABLES.iter().copied())
            .collect();
        every.sort_unstable();
        assert_eq!(listed, every, "every table is reported");
        for (table, n) in &m.rows {
            // What was reported is what each database holds.
            assert_eq!(
                *n,
                sqlite_count(&db, table, &m.code),
                "{table} of {}",
                m.code
            );
            assert_eq!(*n, pg_count(&pg, table, &m.code), "{table} of {}", m.code);
        }
    }
    // The workshop room holds rows of every table, so every table's copy was exercised.
    for (table, n) in &moved[0].rows {
        assert!(*n > 0, "the test room has no {table} row: nothing compared");
    }
    // Columns the server does not load back are copied too.
    let removed_at = pg_query_i64(
        &pg,
        &format!(
            "SELECT removed FROM participants WHERE removed IS NOT NULL AND room_id = \
             (SELECT id FROM rooms WHERE code = '{code}')"
        ),
    );
    assert_eq!(removed_at.len(), 1);
    assert!(removed_at[0] > 0);

    // The running server takes the moved rooms (rooms without a lease, claimed as any).
    let mut waited = 0;
    while call(&r, "GET", &format!("/api/rooms/{code}"), &[], None)
        .await
        .0
        != StatusCode::OK
    {
        assert!(waited < 250, "the running server never served {code}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        waited += 1;
    }

    // The same files from either database, byte for byte (the analysis included: both start
    // from the same saved engine state and the same votes).
    let lite = files(&Database::Sqlite(db.clone()), &code, &key).await;
    let served = files_from(&r, &code, &key).await;
    for file in FILES {
        assert!(
            !served[*file].is_empty(),
            "{file} is empty: nothing compared"
        );
        assert_eq!(lite[*file], served[*file], "{file}");
    }
    assert!(served["polyphony.json"].contains("We all want buses every ten minutes"));
    assert!(!served["polyphony.json"].contains("Not for the projector"));
    assert!(served["removed-votes.csv"].lines().count() > 1);

    // Served from PostgreSQL: the phones' tokens and the facilitator's key still work, the
    // removed identity stays out, and a new vote is stored there.
    let (st, e) = post(
        &r,
        &format!("/api/rooms/{code}/votes"),
        ("x-participant-token", &tokens[4]),
        r#"{"id":"after-move","statement":6,"vote":"agree"}"#,
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{e}");
    let (st, e) = call(
        &r,
        "GET",
        &format!("/api/rooms/{code}/me"),
        &[("x-participant-token", &removed)],
        None,
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{e}");
    let info = host_call(&r, &code, &key, "GET", "/view", None).await;
    assert_eq!(info["room"]["stage"], "report", "{info}");
    hosted.shutdown().await;
    assert_eq!(
        pg_count(&pg, "votes", &code),
        moved[0].rows.iter().find(|(t, _)| *t == "votes").unwrap().1 + 1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_move_into_the_same_database_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("laptop.db");
    let (rooms, _, _) = laptop(&db).await;
    let pg = fresh_postgres();
    migrate_to_postgres(&db, &pg).await.unwrap();
    let before = pg_totals(&pg);
    assert!(before["votes"] > 0, "{before:?}");
    let e = migrate_to_postgres(&db, &pg).await.unwrap_err();
    let mut codes: Vec<String> = rooms.iter().map(|(c, _)| c.clone()).collect();
    codes.sort();
    match &e {
        MigrateError::CodesTaken(taken) => assert_eq!(taken, &codes),
        other => panic!("expected the codes to be refused: {other}"),
    }
    assert!(e.to_string().contains(&codes[0]), "{e}");
    assert_eq!(pg_totals(&pg), before, "nothing changed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_that_is_not_a_polyphony_database_is_refused_with_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "hello, not a database\n").unwrap();
    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup');")
        .unwrap();
    let newer = dir.path().join("newer.db");
    laptop(&newer).await;
    rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let missing = dir.path().join("missing.db");
    let pg = fresh_postgres();
    for (source, says) in [
        (&text, "not a SQLite file"),
        (&other, "not a Polyphony database"),
        (&newer, "newer Polyphony (schema 99"),
        (&missing, "no such file"),
    ] {
        let e = migrate_to_postgres(source, &pg).await.unwrap_err();
        assert!(matches!(e, MigrateError::Source { .. }), "{e}");
        assert!(e.to_string().contains(says), "{}: {e}", source.display());
        assert_eq!(
            pg_tables(&pg),
            0,
            "nothing written for {}",
            source.display()
        );
    }
    // The refused sources were not touched.
    assert_eq!(
        std::fs::read_to_string(&text).unwrap(),
        "hello, not a database\n"
    );
    let version: i64 = rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, 99);
    // A SQLite file is no target.
    let e = migrate_to_postgres(&newer, &Database::Sqlite(dir.path().join("t.db")))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("not a PostgreSQL URL"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_from_an_older_polyphony_moves_and_is_not_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.db");
    let state = AppState::open_database(&Database::Sqlite(db.clone()), test_limits())
        .await
        .unwrap();
    let r = app(state.clone());
    let (code, key) = create_room(&r, 4, OPEN).await;
    for p in 0..8 {
        let t = join(&r, &code).await;
        for s in 0..4 {
            let body = format!(
                r#"{{"id":"v{s}","statement":{s},"vote":"{}"}}"#,
                camp_vote(p % 2, s, 4)
            );
            let (st, e) = post(
                &r,
                &format!("/api/rooms/{code}/votes"),
                ("x-participant-token", &t),
                &body,
            )
            .await;
            assert_eq!(st, StatusCode::OK, "{e}");
        }
    }
    state.shutdown().await;
    // Schema 5: before removed participants (6), room leases (7) and the cluster's members (8)
    // were recorded.
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch(
            "ALTER TABLE participants DROP COLUMN removed; DROP TABLE room_leases;
             DROP TABLE polyphony_cluster; DROP TABLE cluster_members; PRAGMA user_version = 5;",
        )
        .unwrap();
    let bytes = std::fs::read(&db).unwrap();
    let pg = fresh_postgres();
    let moved = migrate_to_postgres(&db, &pg).await.unwrap();
    assert_eq!(moved.len(), 1);
    assert_eq!(pg_count(&pg, "votes", &code), 32);
    assert_eq!(pg_count(&pg, "participants", &code), 8);
    assert_eq!(
        std::fs::read(&db).unwrap(),
        bytes,
        "the source file is not written"
    );
    let hosted = files(&pg, &code, &key).await;
    assert_eq!(hosted["votes.csv"].lines().count(), 33);
}
