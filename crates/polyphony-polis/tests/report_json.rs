//! The analysis report written straight from the typed analysis (`write_analysis_report`) is the
//! text `serde_json::to_string_pretty` gives for the same report, for a small conversation and
//! a larger one whose tallies fill many pieces of the streamed text.

#![allow(clippy::unwrap_used)] // Tests may fail loudly.

use polyphony_core::{AnalysisParams, Preset};
use polyphony_polis::{analysis_report, read_named_files, write_analysis_report, VoteSign};

/// A conversation of `people` × `statements` with votes from a fixed pseudo-random sequence:
/// two camps that agree on different halves, everyone skipping some statements.
fn conversation(people: u32, statements: u32) -> polyphony_polis::PolisConversation {
    let mut comments = String::from("comment-id,comment-body,moderated\n");
    for s in 0..statements {
        comments.push_str(&format!(
            "{s},Statement {s},{}\n",
            if s % 17 == 3 { -1 } else { 1 }
        ));
    }
    let mut votes = String::from("timestamp,datetime,comment-id,voter-id,vote\n");
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut t = 1_700_000_000_000i64;
    for p in 0..people {
        for s in 0..statements {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let r = (state >> 33) % 10;
            if r < 3 {
                continue;
            }
            let camp = (p % 2 == 0) == (s < statements / 2);
            let vote = match (r, camp) {
                (3, _) => 0,
                (_, true) => 1,
                (_, false) => -1,
            };
            t += 1;
            votes.push_str(&format!("{t},x,{s},{p},{vote}\n"));
        }
    }
    read_named_files(
        &[
            ("comments.csv", comments.as_bytes()),
            ("votes.csv", votes.as_bytes()),
        ],
        VoteSign::Auto,
    )
    .unwrap()
}

#[test]
fn a_report_written_from_the_typed_analysis_is_the_text_serde_gives() {
    for (people, statements) in [(400, 60), (30, 8)] {
        let data = conversation(people, statements);
        for preset in [Preset::Polis, Preset::Workshop] {
            let params = AnalysisParams::builder(preset).seed(7).build().unwrap();
            let analysis = data.to_conversation(params).update();
            let cells: usize = analysis.base_tallies.iter().map(Vec::len).sum();
            if people == 400 {
                // Past the size from which the report is written on two threads (4,096).
                assert!(
                    cells >= 4096,
                    "{cells} tallies: the test no longer takes two threads"
                );
            }
            let mut direct = Vec::new();
            write_analysis_report(&mut direct, &data, &analysis, None::<&()>).unwrap();
            let via_value =
                serde_json::to_string_pretty(&analysis_report(&data, &analysis)).unwrap();
            assert_eq!(
                String::from_utf8(direct).unwrap(),
                via_value,
                "{people} x {statements}, {preset}"
            );
        }
    }
}
