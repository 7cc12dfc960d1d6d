//! Backups (`polyphony serve --backup`): a copy taken while votes flow opens, and holds every
//! vote acknowledged before it began; a restored copy serves the room.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::StatusCode;
use common::{call, create_room, join, test_limits};
use polyphony_server::{app, backup_path, restore_database, AppState};
use serde_json::json;

fn stored_vote_ids(db: &std::path::Path) -> HashSet<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn.prepare("SELECT pid, client_id FROM votes").unwrap();
    let ids = stmt
        .query_map([], |r| {
            Ok(format!(
                "{}/{}",
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?
            ))
        })
        .unwrap()
        .collect::<Result<HashSet<_>, _>>()
        .unwrap();
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_votes_flow_holds_every_vote_acknowledged_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("live.db");
    let backups = dir.path().join("backups");
    std::fs::create_dir_all(&backups).unwrap();
    let limits = polyphony_server::Limits {
        votes_per_second: 1000,
        vote_burst: 1000,
        // Votes flow for the whole test, changing each vote many times.
        vote_events_per_statement: u32::MAX,
        ..test_limits()
    };
    let state = AppState::open(&db, limits.clone()).await.unwrap();
    let r = app(state.clone());
    let (code, _key) = create_room(&r, 30, "").await;
    // pid of each token, as the store numbers them: 0, 1, ...
    let mut tokens = Vec::new();
    for _ in 0..8 {
        tokens.push(join(&r, &code).await);
    }
    let acked: Arc<Mutex<HashSet<String>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for (pid, token) in tokens.iter().enumerate() {
        let (r, code, token) = (r.clone(), code.clone(), token.clone());
        let (acked, stop) = (Arc::clone(&acked), Arc::clone(&stop));
        tasks.push(tokio::spawn(async move {
            let mut n = 0u32;
            while !stop.load(Ordering::Relaxed) {
                let id = format!("v{n}");
                let body = json!({ "id": id, "statement": n % 30, "vote": "agree" }).to_string();
                let (st, _) = call(
                    &r,
                    "POST",
                    &format!("/api/rooms/{code}/votes"),
                    &[("x-participant-token", &token)],
                    Some(&body),
                )
                .await;
                if st == StatusCode::OK {
                    acked.lock().unwrap().insert(format!("{pid}/{id}"));
                }
                n += 1;
            }
        }));
    }
    let mut checked = 0;
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        // Every vote acknowledged before the backup begins must be in it.
        let before: HashSet<String> = acked.lock().unwrap().clone();
        let path = state.backup_to(&backups).await.unwrap();
        assert_eq!(path, backup_path(&db, &backups));
        let in_backup = stored_vote_ids(&path);
        let missing: Vec<&String> = before.difference(&in_backup).collect();
        assert!(
            missing.is_empty(),
            "{} acknowledged votes missing",
            missing.len()
        );
        // And nothing that was never acknowledged-or-in-flight: the copy is a real state.
        let conn = rusqlite::Connection::open(&path).unwrap();
        let ok: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
        checked += before.len();
    }
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.unwrap();
    }
    assert!(
        checked > 100,
        "only {checked} votes flowed during the backups"
    );
    // The last copy restores into a database that serves the room with its votes.
    state.backup_to(&backups).await.unwrap();
    let all = acked.lock().unwrap().clone();
    state.shutdown().await;
    let restored = dir.path().join("other-laptop.db");
    let found = restore_database(&backup_path(&db, &backups), &restored, false).unwrap();
    assert_eq!(found.rooms, vec![code.clone()]);
    assert_eq!(stored_vote_ids(&restored), all);
    // A second restore onto it is refused without `replace`.
    assert!(restore_database(&backup_path(&db, &backups), &restored, false).is_err());
    let state = AppState::open(&restored, limits).await.unwrap();
    let r = app(state.clone());
    let (st, view) = call(&r, "GET", &format!("/api/rooms/{code}/view"), &[], None).await;
    assert_eq!(st, StatusCode::OK, "{view}");
    // `votes` counts each phone's latest vote per statement: 8 phones × 30 statements.
    assert_eq!(view["participants"], 8);
    assert_eq!(view["votes"], 240);
    // The phones' tokens still work on the restored room.
    let (st, _) = call(
        &r,
        "GET",
        &format!("/api/rooms/{code}/me"),
        &[("x-participant-token", &tokens[0])],
        None,
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    state.shutdown().await;
}

#[tokio::test]
async fn a_stage_change_writes_a_backup_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("live.db");
    let backups = dir.path().join("b");
    std::fs::create_dir_all(&backups).unwrap();
    let state = AppState::open(&db, test_limits()).await.unwrap();
    let r = app(state.clone());
    let (code, key) = create_room(&r, 3, "").await;
    // A long period: only the first tick and the stage change write.
    let task = tokio::spawn(
        state
            .clone()
            .run_backups(backups.clone(), Duration::from_secs(3600)),
    );
    let path = backup_path(&db, &backups);
    let stage_of = |path: &std::path::Path| -> Option<String> {
        let conn = rusqlite::Connection::open(path).ok()?;
        conn.query_row("SELECT stage FROM rooms", [], |r| r.get(0))
            .ok()
    };
    for _ in 0..100 {
        if stage_of(&path).is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(stage_of(&path).as_deref(), Some("collect"));
    let (st, _) = call(
        &r,
        "POST",
        &format!("/api/rooms/{code}/stage"),
        &[("x-facilitator-key", &key)],
        Some(r#"{"stage":"groups"}"#),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let mut seen = None;
    for _ in 0..100 {
        seen = stage_of(&path);
        if seen.as_deref() == Some("groups") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(seen.as_deref(), Some("groups"));
    state.shutdown().await;
    task.await.unwrap();
}
