//! The analysis task's schedule: a vote in a quiet room is analysed without a gathering
//! window, a burst gathers into one update per window, and a vote is committed and
//! acknowledged while an update holds the engine.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use polyphony_core::Vote;
use polyphony_protocol::{NewRoom, VoteRequest};

use crate::room::LiveRoom;
use crate::{AppState, Limits};

/// A window no test waits out: whatever must wait for it cannot happen during the test.
const HOUR: Duration = Duration::from_secs(3600);

fn limits(coalesce: Duration) -> Limits {
    Limits {
        coalesce,
        actions_per_address_per_second: 100_000,
        action_burst_per_address: 100_000,
        actions_per_room_per_second: 100_000,
        action_burst_per_room: 100_000,
        ..Limits::default()
    }
}

fn vote(id: &str, statement: u32) -> VoteRequest {
    VoteRequest {
        id: id.into(),
        statement,
        vote: Vote::Agree,
    }
}

/// A room with 5 statements and `phones` participants, stored in `db` by a server that is then
/// shut down; answers the room's code and the participants' ids.
async fn stored_room(db: &std::path::Path, phones: usize) -> (String, Vec<u32>) {
    let state = AppState::open(db, limits(Duration::from_millis(5)))
        .await
        .unwrap();
    let created = state
        .create_room(
            NewRoom {
                topic: "schedule".into(),
                statements: (0..5).map(|i| format!("statement {i}")).collect(),
                seed: Some(1),
                ..NewRoom::default()
            },
            None,
        )
        .await
        .unwrap();
    let room = state.room(&created.room.code).unwrap();
    let mut pids = Vec::new();
    for _ in 0..phones {
        let token = room.join().await.unwrap();
        pids.push(room.participant(Some(&token)).unwrap());
    }
    state.shutdown().await;
    (created.room.code, pids)
}

/// Waits (at most 60 s) for a published view that counts `votes` analysed votes.
async fn analysed(room: &LiveRoom, votes: u64) {
    let mut rx = room.subscribe();
    tokio::time::timeout(
        Duration::from_secs(60),
        rx.wait_for(|s| s.room_view.analyzed_votes >= votes),
    )
    .await
    .expect("the view never counted the votes")
    .unwrap();
}

/// The server reopened on `db` with a one-hour window: its room task starts with no update
/// behind it, so nothing but a gathering window could delay the next one.
async fn reopened(db: &std::path::Path, code: &str) -> (AppState, Arc<LiveRoom>) {
    let state = AppState::open(db, limits(HOUR)).await.unwrap();
    let room = state.room(code).unwrap();
    (state, room)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vote_in_a_quiet_room_is_analysed_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let (code, pids) = stored_room(&db, 1).await;
    let (state, room) = reopened(&db, &code).await;
    let before = room.analyser().updates();
    room.vote(pids[0], vote("v0", 0)).await.unwrap();
    // With a one-hour window, the view arrives only if the update did not wait for one.
    analysed(&room, 1).await;
    assert_eq!(room.analyser().updates(), before + 1);
    state.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_gathers_into_one_update_per_window() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let (code, pids) = stored_room(&db, 100).await;
    let (state, room) = reopened(&db, &code).await;
    let before = room.analyser().updates();
    // 100 phones vote at once, twice over: the first vote's update starts at once, every
    // other vote lands while it runs or inside the window it opened.
    for round in 0..2u32 {
        let tasks: Vec<_> = pids
            .iter()
            .map(|&pid| {
                let room = Arc::clone(&room);
                tokio::spawn(async move { room.vote(pid, vote(&format!("v{round}"), round)).await })
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
    }
    // Let the first update finish (its view counts at least one vote), then give the task time
    // to start another if it were going to.
    analysed(&room, 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        room.analyser().updates(),
        before + 1,
        "one update per window under a burst"
    );
    let seen = room.snapshot().room_view.analyzed_votes;
    assert!(seen < 200, "the window's votes wait: {seen} analysed");
    // The gathered votes go into the next update (here the last one, at shutdown).
    state.shutdown().await;
    assert_eq!(room.analyser().updates(), before + 2);
    assert_eq!(room.analysis().unwrap().vote_count, 200);
}

// The test holds the engine across awaits on purpose: that is the update in progress.
#[allow(clippy::await_holding_lock)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vote_is_acknowledged_while_an_update_runs() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let (code, pids) = stored_room(&db, 2).await;
    let state = AppState::open(&db, limits(Duration::from_millis(5)))
        .await
        .unwrap();
    let room = state.room(&code).unwrap();
    let before = room.analyser().updates();
    // The update is held inside the engine (its blocking thread waits for the engine, with
    // the room's input taken), as a long update of a big room would be.
    let engine = room.analyser().hold_engine();
    room.vote(pids[0], vote("a", 0)).await.unwrap();
    tokio::time::timeout(Duration::from_secs(60), async {
        while room.analyser().updating.try_lock().is_ok() {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    })
    .await
    .expect("the update never started");
    // A vote is committed and acknowledged while that update runs: its commit needs neither
    // the engine nor the update's turn.
    let ack = tokio::time::timeout(Duration::from_secs(30), room.vote(pids[1], vote("b", 0)))
        .await
        .expect("the vote waited for the update")
        .unwrap();
    assert!(!ack.duplicate);
    assert_eq!(
        room.analyser().updates(),
        before,
        "the update is still running"
    );
    drop(engine);
    analysed(&room, 2).await;
    state.shutdown().await;
}
