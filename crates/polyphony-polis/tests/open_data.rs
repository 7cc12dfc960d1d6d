//! Checks on real openData exports (§18 P1, P9, P10 of the math spec).

#![allow(clippy::unwrap_used)] // Tests may fail loudly.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::open_data;
use polyphony_core::{AnalysisParams, Preset};
use polyphony_polis::{
    comments_csv, parse_comments_csv, parse_participants_votes_csv, participants_votes_csv,
    read_export_folder, CsvCells, VoteSign,
};

fn polis_rows(name: &str) -> Vec<polyphony_polis::ParticipantRow> {
    let bytes = std::fs::read(open_data(name).join("participants-votes.csv")).expect("read");
    parse_participants_votes_csv(bytes.as_slice()).expect("parse participants-votes.csv")
}

/// P1: in-conv = participants with ≥ min(7, statements) votes, passes and moderated included.
#[test]
fn in_conv_counts_follow_the_rule() {
    for (name, expected, extra) in [
        ("15-per-hour-seattle", 138, vec![]),
        ("canadian-electoral-reform", 281, vec![]),
        ("london.youth.policing", 24, vec![]),
        ("vtaiwan.uberx", 1218, vec![10u32]),
        ("bg2050-volunteers", 107, vec![7u32]),
    ] {
        let data = read_export_folder(&open_data(name), VoteSign::Auto).expect("import");
        for preset in [Preset::Workshop, Preset::Polis] {
            let params = AnalysisParams::builder(preset).build().expect("params");
            let a = data.to_conversation(params).update();
            assert_eq!(a.in_conv.len(), expected, "{name} ({preset:?})");
            // Polis grouped exactly these, plus the early participants its greedy floor kept.
            let mut ours: BTreeSet<u32> = a.in_conv.iter().copied().collect();
            ours.extend(&extra);
            let polis: BTreeSet<u32> = data.polis_groups.keys().copied().collect();
            assert_eq!(ours, polis, "{name}: grouped participants");
        }
    }
}

/// Share of Polis's grouped participants we put in the same group, under the best matching of
/// group labels; and both k.
fn agreement(name: &str) -> (f64, usize, usize) {
    let data = read_export_folder(&open_data(name), VoteSign::Auto).expect("import");
    let params = AnalysisParams::builder(Preset::Polis)
        .build()
        .expect("params");
    let a = data.to_conversation(params).update();
    let ours: BTreeMap<u32, u32> = a
        .participants
        .iter()
        .filter_map(|p| p.group.map(|g| (p.participant, g)))
        .collect();
    let polis = &data.polis_groups;
    let our_ids: Vec<u32> = a
        .groups
        .as_ref()
        .expect("groups")
        .groups
        .iter()
        .map(|g| g.id)
        .collect();
    let polis_ids: BTreeSet<u32> = polis.values().copied().collect();
    let polis_ids: Vec<u32> = polis_ids.into_iter().collect();
    // Try every assignment of our ids to Polis's (k ≤ 5, so at most 120 permutations).
    let mut best = 0usize;
    let mut perm: Vec<usize> = (0..our_ids.len()).collect();
    permutations(&mut perm, 0, &mut |p| {
        let map: BTreeMap<u32, u32> = p
            .iter()
            .enumerate()
            .filter_map(|(i, &j)| polis_ids.get(j).map(|pid| (our_ids[i], *pid)))
            .collect();
        let same = polis
            .iter()
            .filter(|(pid, g)| ours.get(pid).and_then(|o| map.get(o)) == Some(g))
            .count();
        best = best.max(same);
    });
    (
        best as f64 / polis.len() as f64,
        our_ids.len(),
        polis_ids.len(),
    )
}

fn permutations(v: &mut Vec<usize>, k: usize, f: &mut dyn FnMut(&[usize])) {
    if k == v.len() {
        f(v);
        return;
    }
    for i in k..v.len() {
        v.swap(k, i);
        permutations(v, k + 1, f);
        v.swap(k, i);
    }
}

/// P9: a cold run puts ≥ 98% of Polis's grouped participants in Polis's group, with Polis's k.
#[test]
fn groups_agree_with_polis_on_vtaiwan_and_bg2050() {
    for name in ["vtaiwan.uberx", "bg2050-volunteers"] {
        let (share, k, polis_k) = agreement(name);
        eprintln!(
            "{name}: {:.2}% of Polis's grouped participants agree, k = {k}",
            100.0 * share
        );
        assert_eq!(k, polis_k, "{name}: k");
        assert!(share >= 0.98, "{name}: only {:.2}% agree", 100.0 * share);
    }
}

/// P10: our participants-votes.csv has Polis's rows, order, cells and counts, and our
/// comments.csv counts agrees/disagrees over every vote event as Polis does.
#[test]
fn export_semantics_match_polis() {
    for name in ["vtaiwan.uberx", "london.youth.policing"] {
        let dir = open_data(name);
        let data = read_export_folder(&dir, VoteSign::Auto).expect("import");
        let mut conv = data.to_conversation(AnalysisParams::default());
        let a = conv.update();
        let authored: BTreeMap<u32, u32> =
            data.statements.iter().fold(BTreeMap::new(), |mut m, s| {
                if let Some(p) = s.author {
                    *m.entry(p).or_default() += 1;
                }
                m
            });
        let ours = participants_votes_csv(conv.matrix(), &a, &authored);
        let ours = parse_participants_votes_csv(ours.as_bytes()).expect("re-read ours");
        let polis = polis_rows(name);
        assert_eq!(ours.len(), polis.len(), "{name}: rows");
        for (o, p) in ours.iter().zip(&polis) {
            assert_eq!(o.participant, p.participant, "{name}: row order");
            let mut ov = o.votes.clone();
            let mut pv = p.votes.clone();
            ov.sort_unstable();
            pv.sort_unstable();
            assert_eq!(ov, pv, "{name}: cells of participant {}", p.participant);
        }
        // n-votes / n-agree / n-disagree / n-comments columns, compared as text.
        let ours_text = participants_votes_csv(conv.matrix(), &a, &authored);
        let polis_text = std::fs::read_to_string(dir.join("participants-votes.csv")).expect("read");
        let counts = |t: &str| -> Vec<Vec<String>> {
            let mut r = csv::Reader::from_reader(t.as_bytes());
            let h = r.headers().expect("header").clone();
            let idx: Vec<usize> = [
                "participant",
                "n-comments",
                "n-votes",
                "n-agree",
                "n-disagree",
            ]
            .iter()
            .map(|c| h.iter().position(|x| x == *c).expect("column"))
            .collect();
            r.records()
                .map(|rec| {
                    let rec = rec.expect("row");
                    idx.iter().map(|&i| rec[i].to_string()).collect()
                })
                .collect()
        };
        assert_eq!(
            counts(&ours_text),
            counts(&polis_text),
            "{name}: count columns"
        );

        let ours_comments = comments_csv(
            &data.statements,
            &data.votes,
            &a.group_aware_consensus,
            CsvCells::Exact,
        );
        let ours_c = parse_counts(&ours_comments);
        let polis_c =
            parse_counts(&std::fs::read_to_string(dir.join("comments.csv")).expect("read"));
        assert_eq!(ours_c, polis_c, "{name}: comments.csv agrees/disagrees");
        assert_eq!(
            parse_comments_csv(ours_comments.as_bytes())
                .expect("re-read")
                .len(),
            data.statements.len()
        );
    }
}

fn parse_counts(text: &str) -> BTreeMap<String, (String, String)> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let h = r.headers().expect("header").clone();
    let i = |c: &str| h.iter().position(|x| x == c).expect("column");
    let (ci, ai, di) = (i("comment-id"), i("agrees"), i("disagrees"));
    r.records()
        .map(|rec| {
            let rec = rec.expect("row");
            (
                rec[ci].to_string(),
                (rec[ai].to_string(), rec[di].to_string()),
            )
        })
        .collect()
}

/// `comment-groups.csv` on real conversations: Polis's columns, and counts that read back equal
/// to the groups' members' latest votes counted directly from the export's votes.
#[test]
fn comment_groups_csv_reads_back_as_each_groups_latest_votes() {
    use polyphony_polis::{comment_groups_csv, parse_comment_groups_csv};
    for name in ["vtaiwan.uberx", "15-per-hour-seattle", "bg2050-volunteers"] {
        let data = read_export_folder(&open_data(name), VoteSign::Auto).expect("import");
        let params = AnalysisParams::builder(Preset::Polis)
            .build()
            .expect("params");
        let a = data.to_conversation(params).update();
        let groups = &a.groups.as_ref().expect("groups").groups;
        let csv = comment_groups_csv(&data.statements, &a, CsvCells::Exact);
        let rows = parse_comment_groups_csv(csv.as_bytes()).expect("read back");
        assert_eq!(
            rows.len(),
            a.statements.len(),
            "{name}: one row per statement voted on"
        );
        // Latest vote per (participant, statement), straight from the events.
        let mut latest: BTreeMap<(u32, u32), (i64, polyphony_core::Vote)> = BTreeMap::new();
        for v in &data.votes {
            let e = latest
                .entry((v.participant, v.statement))
                .or_insert((v.time, v.vote));
            if v.time >= e.0 {
                *e = (v.time, v.vote);
            }
        }
        let mut by_id: Vec<_> = groups.iter().collect();
        by_id.sort_by_key(|g| g.id);
        for row in &rows {
            assert_eq!(row.groups.len(), by_id.len());
            for ((letter, counts), g) in row.groups.iter().zip(&by_id) {
                assert_eq!(letter, &char::from_u32(97 + g.id).unwrap().to_string());
                let (mut agree, mut disagree, mut seen) = (0, 0, 0);
                for p in &g.members {
                    if let Some((_, v)) = latest.get(&(*p, row.statement)) {
                        seen += 1;
                        agree += u32::from(*v == polyphony_core::Vote::Agree);
                        disagree += u32::from(*v == polyphony_core::Vote::Disagree);
                    }
                }
                assert_eq!(
                    (counts.agree, counts.disagree, counts.seen),
                    (agree, disagree, seen),
                    "{name}: statement {} group {letter}",
                    row.statement
                );
            }
            let text = data.statements.iter().find(|s| s.id == row.statement);
            assert_eq!(Some(row.text.as_str()), text.map(|s| s.text.as_str()));
        }
        let ids: Vec<u32> = rows.iter().map(|r| r.statement).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{name}: ascending ids");
    }
}
