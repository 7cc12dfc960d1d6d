//! Times engine updates outside criterion, for the red-dwarf comparison and memory checks.
//!
//! `time-update open-data NAME [REPEATS]`: median of full updates on an openData export.
//! `time-update synthetic PARTICIPANTS STATEMENTS [REPEATS]`: the same on a synthetic room
//! (5% density, 3 planted groups); run under `/usr/bin/time -v` for peak memory.
//! `time-update polis-like PARTICIPANTS STATEMENTS VOTES [REPEATS]`: the same on an online
//! conversation's shape (`polyphony_benches::polis_like`: most people vote on a few dozen).
//! `time-update read NAME [REPEATS]`: median of reading the export (files → `PolisConversation`)
//! and of building the vote matrix from it, in ms.
//! `time-update linfa NAME [REPEATS]`: the PCA and the base k-means through linfa's `Fit` and
//! as direct calls, interleaved (so load on the machine hits both alike); medians in ms.

use std::time::Instant;

use anyhow::{bail, Context, Result};
use polyphony_benches::{open_data, polis_like, synthetic};
use polyphony_core::{AnalysisParams, Conversation, Preset};
use polyphony_polis::{read_export_folder, VoteSign};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let num = |i: usize, d: u32| -> Result<u32> {
        args.get(i)
            .map_or(Ok(d), |s| s.parse().context("not a number"))
    };
    let params = AnalysisParams::builder(Preset::Workshop).build()?;
    if args.first().map(String::as_str) == Some("read") {
        let name = args.get(1).context("name of the conversation")?;
        let dir = open_data(name);
        let (mut read, mut build) = (Vec::new(), Vec::new());
        for _ in 0..=num(2, 21)? {
            let t = Instant::now();
            let data = read_export_folder(&dir, VoteSign::Auto)?;
            read.push(t.elapsed().as_secs_f64() * 1000.0);
            let t = Instant::now();
            let conv = data.to_conversation(params.clone());
            build.push(t.elapsed().as_secs_f64() * 1000.0);
            drop(conv);
        }
        for v in [&mut read, &mut build] {
            v.remove(0); // warm-up
            v.sort_by(f64::total_cmp);
        }
        println!(
            "read {:.3} build {:.3}",
            read[read.len() / 2],
            build[build.len() / 2]
        );
        return Ok(());
    }
    if args.first().map(String::as_str) == Some("linfa") {
        let name = args.get(1).context("name of the conversation")?;
        let data = read_export_folder(&open_data(name), VoteSign::Auto)?;
        return linfa_overhead(&data.to_conversation(params), num(2, 51)?);
    }
    let (label, conv, repeats) = match args.first().map(String::as_str) {
        Some("open-data") => {
            let name = args.get(1).context("name of the conversation")?;
            let data = read_export_folder(&open_data(name), VoteSign::Auto)?;
            (name.clone(), data.to_conversation(params), num(2, 21)?)
        }
        Some("synthetic") => {
            let (p, s) = (num(1, 500)?, num(2, 100)?);
            let mut conv = Conversation::new(params);
            conv.add_votes(&synthetic(p, s, 0.05, 1));
            (format!("synthetic {p}x{s}"), conv, num(3, 5)?)
        }
        Some("polis-like") => {
            let (p, s, v) = (num(1, 7_890)?, num(2, 7_753)?, num(3, 1_030_000)?);
            let mut conv = Conversation::new(params);
            conv.add_votes(&polis_like(p, s, u64::from(v), 1));
            (format!("polis-like {p}x{s}, {v} votes"), conv, num(4, 3)?)
        }
        _ => bail!(
            "usage: time-update open-data NAME [REPEATS] | synthetic P S [REPEATS] \
             | polis-like P S VOTES [REPEATS]"
        ),
    };
    let mut times = Vec::new();
    for i in 0..=repeats {
        let mut c = conv.clone();
        let t = Instant::now();
        let a = c.update();
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        if i > 0 {
            times.push(ms); // the first run is a warm-up
        }
        if i == 0 {
            let k = a.groups.as_ref().map_or(0, |g| g.groups.len());
            eprintln!(
                "{label}: {} participants, {} in-conv, {k} groups",
                a.participant_count,
                a.in_conv.len()
            );
        }
    }
    times.sort_by(f64::total_cmp);
    println!("{:.3}", times[times.len() / 2]);
    Ok(())
}

/// Median times of the linfa path and the direct call, each step interleaved.
fn linfa_overhead(conv: &Conversation, repeats: u32) -> Result<()> {
    use polyphony_core::linfa::prelude::*;
    use polyphony_core::{
        direct, ImputedVotes, KMeansConvergence, PcaStopping, PolisKMeans, PolisPca,
    };
    let m = conv.matrix();
    let mod_out: Vec<bool> = m
        .statements()
        .iter()
        .map(|&s| conv.statement(s).is_mod_out())
        .collect();
    let data = DatasetBase::new(ImputedVotes::new(m, &mod_out), ());
    let pca = PolisPca::params().fit(&data)?;
    let at = pca.transform(&data.records)?;
    let points: Vec<[f64; 2]> = at.rows().into_iter().map(|r| [r[0], r[1]]).collect();
    let dataset = DatasetBase::from(at.view());
    let mut t = [Vec::new(), Vec::new(), Vec::new(), Vec::new()];
    let ms = |start: Instant| start.elapsed().as_secs_f64() * 1000.0;
    for _ in 0..=repeats {
        let s = Instant::now();
        let data = DatasetBase::new(ImputedVotes::new(m, &mod_out), ());
        std::hint::black_box(PolisPca::params().fit(&data)?);
        t[0].push(ms(s));
        let s = Instant::now();
        std::hint::black_box(direct::pca(
            m,
            &mod_out,
            &[],
            100,
            PcaStopping::FixedSteps,
            0,
        ));
        t[1].push(ms(s));
        let s = Instant::now();
        std::hint::black_box(PolisKMeans::params(100).max_iterations(100).fit(&dataset)?);
        t[2].push(ms(s));
        let s = Instant::now();
        std::hint::black_box(direct::kmeans(
            &points,
            None,
            100,
            100,
            &[],
            KMeansConvergence::SortedZip,
        ));
        t[3].push(ms(s));
    }
    for v in &mut t {
        v.remove(0); // warm-up
        v.sort_by(f64::total_cmp);
    }
    let med = |v: &Vec<f64>| v[v.len() / 2];
    println!(
        "pca: linfa {:.3} direct {:.3}; kmeans: linfa {:.3} direct {:.3}",
        med(&t[0]),
        med(&t[1]),
        med(&t[2]),
        med(&t[3])
    );
    Ok(())
}
