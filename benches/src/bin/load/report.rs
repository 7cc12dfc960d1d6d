//! The run's figures, printed: votes sent, acknowledged, stored and lost; ack latency; the
//! room; with `--soak` the memory; with `--attack` what the attacker got and how the phones
//! fared before, during and after; with `--tables` how fast every phone was shown its table.
//! Fails the run when a vote was lost, a phone failed, a phone was never shown its table or
//! the phones were not served during an attack.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{bail, Result};

use crate::attack::{Attack, AttackTally};
use crate::phone::{Acks, Tally};
use crate::probe::{percentile, Samples, ServerSamples};
use crate::room::Room;

/// Everything the run gathered, for the report.
pub(crate) struct Run {
    pub(crate) phones: usize,
    /// Phones whose task ended in an error or a panic.
    pub(crate) failed_phones: usize,
    /// Phones that had at least one vote acknowledged.
    pub(crate) real_voters: usize,
    /// Seconds from the start until every phone was done.
    pub(crate) elapsed: f64,
    /// Seed statements in the room.
    pub(crate) statements: usize,
    /// How long the phones voted (s).
    pub(crate) seconds: u64,
    pub(crate) soak: bool,
    pub(crate) attack: Option<Attack>,
    /// The attack's start and end, in seconds since the start.
    pub(crate) attack_window: (f64, f64),
    /// When the attack's last task ended (s), and the RSS and open files 5 s later.
    pub(crate) after_attack: Option<(f64, Option<f64>, Option<usize>)>,
    pub(crate) latencies: Acks,
    /// When each phone was shown its table.
    pub(crate) seated: Vec<Instant>,
    /// When the tables were asked for.
    pub(crate) formed_at: Option<Instant>,
    pub(crate) tally: Arc<Tally>,
    pub(crate) attack_tally: Arc<AttackTally>,
    pub(crate) samples: Samples,
    /// The RSS once every phone was done (MiB).
    pub(crate) rss_end: Option<f64>,
    /// The external server's processes (`--server-pids`).
    pub(crate) server: Option<ServerSamples>,
    /// Addresses the phones were spread over (`--url`).
    pub(crate) addresses: usize,
}

/// Prints the figures (reading each room's stored votes and view from the server) and fails
/// when the run did. `tallies` are the rooms' own counts (`run.tally` is their sum): each
/// room's export must hold every vote acknowledged in it, so a vote lost in one room cannot
/// hide behind a vote another room stored twice.
pub(crate) async fn report(run: &Run, rooms: &[Room], tallies: &[Arc<Tally>]) -> Result<()> {
    let room = &rooms[0];
    let tally = &run.tally;
    let mut all: Vec<f64> = run.latencies.iter().map(|(_, ms)| *ms).collect();
    all.sort_by(f64::total_cmp);
    let acked = tally.acked.load(Ordering::Relaxed);
    // Votes acknowledged to the attacker's tokens are in the export too (the attack is on the
    // first room, the only one when there is an attack).
    let attacker_votes = run.attack_tally.votes_new.load(Ordering::Relaxed);
    let (mut stored, mut lost, mut rooms_losing) = (0, 0, 0);
    for (r, (room, t)) in rooms.iter().zip(tallies).enumerate() {
        let in_room = room.stored_votes().await?;
        let expected = t.acked.load(Ordering::Relaxed) - t.duplicates.load(Ordering::Relaxed)
            + if r == 0 { attacker_votes } else { 0 };
        stored += in_room;
        lost += expected.saturating_sub(in_room);
        rooms_losing += usize::from(in_room < expected);
    }
    let view = room.view().await?;
    println!(
        "phones {} ({} failed), {:.1} s, {} statements + {} written by phones",
        run.phones,
        run.failed_phones,
        run.elapsed,
        run.statements,
        tally.statements.load(Ordering::Relaxed)
    );
    println!(
        "votes sent {}, acknowledged {} ({:.0}/s), rejected {}, unacknowledged {}, lost {} (stored {})",
        tally.sent.load(Ordering::Relaxed),
        acked,
        acked as f64 / run.elapsed,
        tally.rejected.load(Ordering::Relaxed),
        tally.unacked.load(Ordering::Relaxed),
        lost,
        stored
    );
    if attacker_votes > 0 {
        println!("(stored includes the attacker's {attacker_votes} acknowledged votes)");
    }
    println!(
        "ack latency ms: p50 {:.2}, p90 {:.2}, p99 {:.2}, max {:.2}",
        percentile(&all, 0.50),
        percentile(&all, 0.90),
        percentile(&all, 0.99),
        all.last().copied().unwrap_or(f64::NAN)
    );
    if rooms.len() == 1 {
        println!(
            "room view: {} participants, {} groups, analysis tick {}",
            view["participants"],
            view["groups"].as_array().map_or(0, Vec::len),
            view["tick"]
        );
    } else {
        spread(run, rooms, rooms_losing).await?;
    }
    if let Some(server) = &run.server {
        server_processes(run, server);
    }
    if run.soak {
        soak(run);
    }
    let mut attack_failed = false;
    if let Some(kind) = run.attack {
        attack_failed = !attack(run, kind, room).await?;
    }
    if let Some(t0) = run.formed_at {
        tables(run, t0)?;
    }
    if lost > 0 || rooms_losing > 0 || run.failed_phones > 0 {
        bail!("votes were lost or phones failed");
    }
    if attack_failed {
        bail!("the phones were not served during the attack");
    }
    Ok(())
}

/// The rooms: where each was created, their views (participants, groups, analysis ticks),
/// and whether every room's export held its votes.
async fn spread(run: &Run, rooms: &[Room], rooms_losing: usize) -> Result<()> {
    let mut created: Vec<(&str, usize)> = Vec::new();
    for room in rooms {
        match created.iter_mut().find(|(u, _)| *u == room.url) {
            Some((_, n)) => *n += 1,
            None => created.push((&room.url, 1)),
        }
    }
    let (mut participants, mut groups, mut ticks) = (Vec::new(), Vec::new(), 0);
    for room in rooms {
        let view = room.view().await?;
        participants.push(view["participants"].as_u64().unwrap_or(0));
        groups.push(view["groups"].as_array().map_or(0, Vec::len));
        ticks += view["tick"].as_u64().unwrap_or(0);
    }
    let range = |v: &[u64]| {
        let (lo, hi) = (v.iter().min(), v.iter().max());
        format!("{}–{}", lo.unwrap_or(&0), hi.unwrap_or(&0))
    };
    let groups: Vec<u64> = groups.iter().map(|g| *g as u64).collect();
    println!(
        "{} rooms, phones spread over {} address{}; rooms created on {}",
        rooms.len(),
        run.addresses,
        if run.addresses == 1 { "" } else { "es" },
        created
            .iter()
            .map(|(u, n)| format!("{u} ({n})"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "rooms' views: {} participants per room ({} in all), {} groups per room, {ticks} analysis ticks in all; rooms missing acknowledged votes: {rooms_losing}",
        range(&participants),
        participants.iter().sum::<u64>(),
        range(&groups),
    );
    Ok(())
}

/// The external server's processes: RSS and open files before the phones and at their peak,
/// and what the peak adds per phone.
fn server_processes(run: &Run, s: &ServerSamples) {
    let fds = |n: Option<usize>| n.map_or("?".into(), |n| n.to_string());
    for (pid, (before, peak)) in s.pids.iter().zip(s.before.iter().zip(&s.peak)) {
        println!(
            "server process {pid}: RSS {} MiB before the phones, {} MiB peak; open files {} before, {} peak",
            mib(before.0),
            mib(peak.0),
            fds(before.1),
            fds(peak.1),
        );
    }
    let rss_before: Option<f64> = s.before.iter().map(|(r, _)| *r).sum();
    let fds_before: Option<usize> = s.before.iter().map(|(_, f)| *f).sum();
    let (rss_peak, fds_peak) = s.peak_total;
    let phones = run.phones as f64;
    let per_1000 = rss_peak
        .zip(rss_before)
        .map(|(p, b)| format!("{:.0}", (p - b) / phones * 1000.0));
    let per_phone = fds_peak
        .zip(fds_before)
        .map(|(p, b)| format!("{:.2}", (p as f64 - b as f64) / phones));
    println!(
        "server processes together: RSS {} → {} MiB peak ({} MiB per 1,000 phones), open files {} → {} peak ({} per phone)",
        mib(rss_before),
        mib(rss_peak),
        per_1000.unwrap_or("?".into()),
        fds(fds_before),
        fds(fds_peak),
        per_phone.unwrap_or("?".into()),
    );
}

/// A figure in MiB, or "?".
fn mib(m: Option<f64>) -> String {
    m.map_or("?".into(), |m| format!("{m:.0}"))
}

/// The soak's memory: at 10 s, at its peak, at the end.
fn soak(run: &Run) {
    let rss = &run.samples.rss;
    let rss_start = rss.iter().find(|(t, _)| *t >= 10.0).map(|(_, m)| *m);
    let rss_peak = rss.iter().map(|(_, m)| *m).fold(f64::NAN, f64::max);
    println!(
        "soak: {} phones, {} min, {} reconnections in 2 storms; RSS of this process (server and phones) {} MiB at 10 s, {} MiB peak, {} MiB at the end",
        run.phones,
        run.seconds / 60,
        run.tally.reconnects.load(Ordering::Relaxed),
        mib(rss_start),
        mib(Some(rss_peak).filter(|m| m.is_finite())),
        mib(run.rss_end),
    );
}

/// The phones' ack p99 between `from` and `to` (s since the start), and how many acks.
fn p99_in(latencies: &Acks, from: f64, to: f64) -> (f64, usize) {
    let mut ms: Vec<f64> = latencies
        .iter()
        .filter(|(t, _)| *t >= from && *t < to)
        .map(|(_, ms)| *ms)
        .collect();
    ms.sort_by(f64::total_cmp);
    (percentile(&ms, 0.99), ms.len())
}

/// What the attacker got, the phones' p99 and the process's memory and open files before,
/// during and after the attack; whether the phones kept being served.
async fn attack(run: &Run, kind: Attack, room: &Room) -> Result<bool> {
    let window = run.attack_window;
    let (before, n_before) = p99_in(&run.latencies, 0.0, window.0);
    let (during, n_during) = p99_in(&run.latencies, window.0, window.1);
    let a = &run.attack_tally;
    println!(
        "attack {kind:?} from 127.0.0.1, {:.0}–{:.0} s: tried {}, refused at once {}, cut by the server {}, joined {}, held at most {} at once",
        window.0,
        window.1,
        a.tried.load(Ordering::Relaxed),
        a.refused.load(Ordering::Relaxed),
        a.cut.load(Ordering::Relaxed),
        a.joined.load(Ordering::Relaxed),
        a.held_max.load(Ordering::Relaxed),
    );
    let outcomes = a.outcomes.lock().map(|m| m.clone()).unwrap_or_default();
    if !outcomes.is_empty() {
        let list: Vec<String> = outcomes
            .iter()
            .map(|(what, (n, secs))| {
                if *secs > 0.0 {
                    format!("{what} {n} (longest {secs:.1} s)")
                } else {
                    format!("{what} {n}")
                }
            })
            .collect();
        println!("attacker's outcomes: {}", list.join(", "));
    }
    match kind {
        Attack::Sybil => {
            let admission = room.admission().await?;
            let fake = a.voters.load(Ordering::Relaxed) as usize;
            let real_voters = run.real_voters;
            println!(
                "sybil: {} tokens joined; votes acknowledged {}, refused rate_limited {}, vote_limit {}, room_full {}; {fake} fake voters of {} voters ({:.0}% fake); the server counts {} active participants, {} idle, top address {} participants ({}%)",
                a.joined.load(Ordering::Relaxed),
                a.outcome("acked"),
                a.outcome("rate_limited"),
                a.outcome("vote_limit"),
                a.outcome("room_full"),
                fake + real_voters,
                100.0 * fake as f64 / (fake + real_voters).max(1) as f64,
                admission["active"],
                admission["idle"],
                admission["top_address_participants"],
                admission["top_address_percent"],
            );
        }
        Attack::Positions => println!(
            "positions: {} sent, acknowledged {} moves (and {} where it already stood, nothing written), refused rate_limited {}; {:.1} MB of answers and views sent back to the attacker",
            a.tried.load(Ordering::Relaxed),
            a.outcome("acked"),
            a.outcome("acked where it already stood"),
            a.outcome("rate_limited"),
            a.received.load(Ordering::Relaxed) as f64 / 1e6,
        ),
        _ => {}
    }
    let (done, rss_after, fds_after) = run.after_attack.unwrap_or((window.1, None, None));
    let (after, n_after) = p99_in(&run.latencies, done, f64::INFINITY);
    println!(
        "phones' ack p99: {before:.2} ms before ({n_before} acks), {during:.2} ms during ({n_during} acks), {after:.2} ms after ({n_after} acks)"
    );
    let rss = &run.samples.rss;
    let rss_before = rss.iter().rfind(|(t, _)| *t < window.0).map(|(_, m)| *m);
    let rss_during = rss
        .iter()
        .filter(|(t, _)| *t >= window.0 && *t <= done)
        .map(|(_, m)| *m)
        .fold(f64::NAN, f64::max);
    println!(
        "RSS of this process (server, phones, attacker): {} MiB before the attack, {} MiB peak during it, {} MiB 5 s after its last socket closed ({done:.0} s), {} MiB at the end",
        mib(rss_before),
        mib(Some(rss_during).filter(|m| m.is_finite())),
        mib(rss_after),
        mib(run.rss_end),
    );
    let fds = &run.samples.fds;
    println!(
        "open files of this process: {} before the attack, {} at most during it, {} 5 s after",
        fds.iter()
            .rfind(|(t, _)| *t < window.0)
            .map_or("?".into(), |(_, n)| n.to_string()),
        fds.iter()
            .filter(|(t, _)| *t >= window.0 && *t <= done)
            .map(|(_, n)| *n)
            .max()
            .map_or("?".into(), |n| n.to_string()),
        fds_after.map_or("?".into(), |n| n.to_string()),
    );
    let served = run.failed_phones == 0
        && run.tally.unacked.load(Ordering::Relaxed) == 0
        && n_during > 0
        && during < 1000.0;
    println!(
        "real phones kept being served during the attack: {}",
        if served { "yes" } else { "NO" }
    );
    Ok(served)
}

/// How fast every phone was shown its table, from the request `t0`.
fn tables(run: &Run, t0: Instant) -> Result<()> {
    let mut ms: Vec<f64> = run
        .seated
        .iter()
        .map(|at| at.saturating_duration_since(t0).as_secs_f64() * 1000.0)
        .collect();
    ms.sort_by(f64::total_cmp);
    let phones = run.phones - run.failed_phones;
    println!(
        "table shown on {} of {} phones: p50 {:.1} ms, all within {:.1} ms of the request",
        ms.len(),
        phones,
        percentile(&ms, 0.5),
        ms.last().copied().unwrap_or(f64::NAN)
    );
    if ms.len() < phones {
        bail!("some phones were never shown their table");
    }
    Ok(())
}
