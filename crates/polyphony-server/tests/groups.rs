//! Groups belong to people, end to end through the router: forming tables freezes the groups; a
//! second vote that changes the live partition leaves every phone's group, the group's name and
//! every seat as they were, the console is told what the votes show now, the change is counted
//! on the same people, the export keeps both memberships, and all of it survives a restart.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use axum::http::StatusCode;
use axum::Router;
use common::*;
use serde_json::Value;

/// Statements in the room.
const N: usize = 9;

/// Person `p` voting as camp `camp`: agree with the statements `s % 3 == camp`, disagree with the
/// rest, pass on statement `p % 9` (each person a little different, as people are).
fn camp_vote(p: usize, camp: usize, s: usize) -> &'static str {
    if s == p % N {
        "pass"
    } else if s % 3 == camp {
        "agree"
    } else {
        "disagree"
    }
}

fn position(v: &str) -> i8 {
    match v {
        "agree" => 1,
        "disagree" => -1,
        _ => 0,
    }
}

async fn post(r: &Router, url: &str, headers: &[(&str, &str)], body: &str) -> (StatusCode, Value) {
    call(r, "POST", url, headers, Some(body)).await
}

async fn control(r: &Router, code: &str, key: &str, body: &str) -> (StatusCode, Value) {
    post(
        r,
        &format!("/api/rooms/{code}/controls"),
        &[("x-facilitator-key", key)],
        body,
    )
    .await
}

async fn me(r: &Router, code: &str, token: &str) -> Value {
    let (status, v) = call(
        r,
        "GET",
        &format!("/api/rooms/{code}/me"),
        &[("x-participant-token", token)],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    v
}

/// The facilitator's view of the room once `want` holds (waits up to 20 s for the analysis).
async fn host_view_until(
    r: &Router,
    code: &str,
    key: &str,
    want: impl Fn(&Value) -> bool,
) -> Value {
    let mut last = Value::Null;
    for _ in 0..1000 {
        let (_, v) = call(
            r,
            "GET",
            &format!("/api/rooms/{code}/view"),
            &[("x-facilitator-key", key)],
            None,
        )
        .await;
        if want(&v) {
            return v;
        }
        last = v;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the view never got there: {last}");
}

/// (group id, group letter, table plan, table number) of every phone.
async fn seats(r: &Router, code: &str, tokens: &[String]) -> Vec<(Value, Value, Value, Value)> {
    let mut out = Vec::new();
    for t in tokens {
        let v = me(r, code, t).await;
        out.push((
            v["group"]["id"].clone(),
            v["group"]["label"].clone(),
            v["table"]["plan"].clone(),
            v["table"]["number"].clone(),
        ));
    }
    out
}

fn group_count(v: &Value) -> usize {
    v["groups"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn a_second_vote_that_regroups_the_votes_leaves_the_rooms_groups_names_and_seats() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("groups.db");
    let (state, r) = open_at(&db).await;
    let (code, key) = create_room(&r, N, "").await;

    // Freezing before there are groups is refused with its code.
    let (status, e) = control(&r, &code, &key, r#"{"action":"freeze_groups"}"#).await;
    assert_eq!(status, StatusCode::CONFLICT, "{e}");
    assert_eq!(e["code"], "no_groups");

    // 30 people in three camps of 10.
    let mut tokens = Vec::new();
    let mut before: BTreeMap<(usize, usize), i8> = BTreeMap::new();
    for p in 0..30 {
        let t = join(&r, &code).await;
        for s in 0..N {
            let v = camp_vote(p, p / 10, s);
            vote(&r, &code, &t, &format!("a{s}"), s, v).await;
            before.insert((p, s), position(v));
        }
        tokens.push(t);
    }
    // Three groups whatever updates the 270 votes fell into (the machine's load decides):
    // `crates/polyphony-core/tests/live_room.rs` checks the engine on every kind of history.
    let view = host_view_until(&r, &code, &key, |v| group_count(v) == 3).await;
    assert!(view["live_groups"].is_null(), "not frozen yet");
    let (status, _) = post(
        &r,
        &format!("/api/rooms/{code}/stage"),
        &[("x-facilitator-key", &key)],
        r#"{"stage":"groups"}"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // Camp 2 gets a name, then sits at same-group tables: that freezes the groups.
    let camp2 = me(&r, &code, &tokens[20]).await["group"]["id"].clone();
    let body = format!(r#"{{"action":"name_group","group":{camp2},"name":"開放派"}}"#);
    let (status, e) = control(&r, &code, &key, &body).await;
    assert_eq!(status, StatusCode::OK, "{e}");
    let (status, e) = post(
        &r,
        &format!("/api/rooms/{code}/tables"),
        &[("x-facilitator-key", &key)],
        r#"{"mode":"same_group","size":8}"#,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{e}");
    let (_, info) = call(&r, "GET", &format!("/api/rooms/{code}"), &[], None).await;
    assert_eq!(info["controls"]["groups_frozen"], true, "{info}");
    let seated = seats(&r, &code, &tokens).await;
    for (p, s) in seated.iter().enumerate() {
        assert!(
            s.0.is_u64() && s.3.is_u64(),
            "phone {p} has a group and a table: {s:?}"
        );
        // Each camp is one group.
        assert_eq!(s.0, seated[p / 10 * 10].0, "phone {p}");
    }

    // A second vote on everything: camp 2 now votes as camp 1 does.
    let all: Vec<usize> = (0..N).collect();
    let body = format!(r#"{{"action":"open_revote","statements":{all:?}}}"#);
    let (status, e) = control(&r, &code, &key, &body).await;
    assert_eq!(status, StatusCode::OK, "{e}");
    let mut after = before.clone();
    for (p, t) in tokens.iter().enumerate().skip(20) {
        for s in 0..N {
            let v = camp_vote(p, 1, s);
            vote(&r, &code, t, &format!("b{s}"), s, v).await;
            after.insert((p, s), position(v));
        }
    }
    // Newcomers keep the analysis updating until the votes' grouping settles on two groups.
    let mut late = 0;
    let view = loop {
        let (_, v) = call(
            &r,
            "GET",
            &format!("/api/rooms/{code}/view"),
            &[("x-facilitator-key", &key)],
            None,
        )
        .await;
        if v["live_groups"]["count"] == 2 {
            break v;
        }
        assert!(late < 40, "the votes never showed two groups: {v}");
        let t = join(&r, &code).await;
        for s in 0..N {
            vote(
                &r,
                &code,
                &t,
                &format!("c{s}"),
                s,
                camp_vote(late, late % 2, s),
            )
            .await;
        }
        late += 1;
        tokio::time::sleep(Duration::from_millis(30)).await;
    };
    // The console is told; the room keeps its three groups.
    assert_eq!(group_count(&view), 3, "{view}");
    assert!(
        view["live_groups"]["switched"].as_u64().unwrap() >= 10,
        "{view}"
    );

    // Every phone keeps its group, letter and seat; camp 2 keeps its name.
    assert_eq!(seats(&r, &code, &tokens).await, seated);
    let (_, info) = call(&r, "GET", &format!("/api/rooms/{code}"), &[], None).await;
    let names = info["controls"]["group_names"].as_array().unwrap().clone();
    assert_eq!(names.len(), 1);
    assert_eq!(names[0]["group"], camp2);
    assert_eq!(names[0]["name"], "開放派");
    // The frozen group's numbers are its members' votes now: all of camp 2 agrees with 4
    // (one of them passes), as they now vote with camp 1.
    let s4 = view["statements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["statement"]["id"] == 4)
        .unwrap();
    let g = s4["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"] == camp2)
        .unwrap();
    assert_eq!(
        (g["agree"].as_u64(), g["seen"].as_u64()),
        (Some(9), Some(10)),
        "{g}"
    );

    // The export has the live group beside the room's (frozen) group.
    let (status, csv) = call_text(
        &r,
        "GET",
        &format!("/api/rooms/{code}/export/participants-votes.csv"),
        &[("x-facilitator-key", &key)],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv.starts_with("participant,group-id,groups,"), "{csv}");
    for line in csv.lines().skip(1).take(30) {
        let cells: Vec<&str> = line.split(',').collect();
        let p: usize = cells[0].parse().unwrap();
        assert_eq!(cells[2], seated[p].0.to_string(), "frozen group of {p}");
        if p >= 20 {
            assert_ne!(cells[1], cells[2], "{p}'s votes now draw another group");
        }
    }

    // The report stage counts the change on the same people, as the test made it.
    let (status, _) = post(
        &r,
        &format!("/api/rooms/{code}/stage"),
        &[("x-facilitator-key", &key)],
        r#"{"stage":"report"}"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let view = host_view_until(&r, &code, &key, |v| !v["change"].is_null()).await;
    let panels = view["change"]["panels"].as_array().unwrap();
    assert!(!panels.is_empty(), "{view}");
    for panel in panels {
        let s = panel["statement"]["id"].as_u64().unwrap() as usize;
        let (mut agree, mut disagree, mut both) = (0, 0, 0);
        for p in 0..30 {
            let (b, a) = (before[&(p, s)], after[&(p, s)]);
            both += 1;
            if a > b {
                agree += 1;
            } else if a < b {
                disagree += 1;
            }
        }
        let e = &panel["everyone"];
        assert_eq!(e["answered_both"], both, "{panel}");
        assert_eq!(e["toward_agree"], agree, "{panel}");
        assert_eq!(e["toward_disagree"], disagree, "{panel}");
        // Everyone who moved is in the frozen camp 2; the other groups did not move.
        for g in panel["groups"].as_array().unwrap() {
            let moved = g["counts"]["toward_agree"].as_u64().unwrap()
                + g["counts"]["toward_disagree"].as_u64().unwrap();
            if g["group"] == camp2 {
                assert_eq!(moved, agree + disagree, "{panel}");
            } else {
                assert_eq!(moved, 0, "{panel}");
            }
        }
    }

    // After a restart: still frozen, same groups and seats. The restarted engine's first
    // update, on the same votes, draws the same two live groups (`live_room.rs`).
    state.shutdown().await;
    drop(r);
    let (state, r) = open_at(&db).await;
    let view = host_view_until(&r, &code, &key, |v| v["live_groups"]["count"] == 2).await;
    assert_eq!(group_count(&view), 3);
    assert_eq!(seats(&r, &code, &tokens).await, seated);

    // Updating takes the votes' groups; unfreezing lets them follow the votes.
    let (status, e) = control(&r, &code, &key, r#"{"action":"freeze_groups"}"#).await;
    assert_eq!(status, StatusCode::OK, "{e}");
    host_view_until(&r, &code, &key, |v| {
        group_count(v) == 2 && v["live_groups"]["count"] == 2
    })
    .await;
    let (status, e) = control(&r, &code, &key, r#"{"action":"unfreeze_groups"}"#).await;
    assert_eq!(status, StatusCode::OK, "{e}");
    assert_eq!(e["controls"]["groups_frozen"], false);
    host_view_until(&r, &code, &key, |v| {
        v["live_groups"].is_null() && group_count(v) == 2
    })
    .await;
    state.shutdown().await;
}
