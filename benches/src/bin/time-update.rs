//! Times engine updates outside criterion, for the red-dwarf comparison and memory checks.
//!
//! `time-update open-data NAME [REPEATS]`: median of full updates on an openData export.
//! `time-update synthetic PARTICIPANTS STATEMENTS [REPEATS]`: the same on a synthetic room
//! (5% density, 3 planted groups); run under `/usr/bin/time -v` for peak memory.

use std::time::Instant;

use anyhow::{bail, Context, Result};
use polyphony_benches::{open_data, synthetic};
use polyphony_core::{AnalysisParams, Conversation, Preset};
use polyphony_polis::{read_export_folder, VoteSign};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let num = |i: usize, d: u32| -> Result<u32> {
        args.get(i)
            .map_or(Ok(d), |s| s.parse().context("not a number"))
    };
    let params = AnalysisParams::builder(Preset::Workshop).build()?;
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
        _ => bail!("usage: time-update open-data NAME [REPEATS] | synthetic P S [REPEATS]"),
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
