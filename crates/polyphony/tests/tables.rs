//! `polyphony tables` end to end: a plan from a Polis export, and its refusals.

#![allow(clippy::unwrap_used)] // Tests may fail loudly.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::{Command, Output};

use polyphony_core::{TableMode, TablePlan};

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/two-camps")
}

fn tables(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_polyphony"))
        .arg("tables")
        .arg(fixture())
        .args(args)
        .output()
        .expect("run polyphony")
}

fn plan(args: &[&str]) -> TablePlan {
    let out = tables(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn same_group_tables_hold_one_camp_and_mixed_tables_both() {
    let same = plan(&["--format", "json", "--size", "4"]);
    assert_eq!(same.params.mode, TableMode::SameGroup);
    let mut seated = BTreeSet::new();
    for t in &same.tables {
        assert!(t.members.len() <= 4);
        let groups: BTreeSet<_> = t.members.iter().filter_map(|m| m.group).collect();
        assert!(groups.len() <= 1, "table {} mixes groups", t.number);
        for m in &t.members {
            assert!(
                seated.insert(m.participant),
                "{} seated twice",
                m.participant
            );
        }
    }
    let mixed = plan(&["--format", "json", "--size", "4", "--mode", "mixed"]);
    let both = mixed
        .tables
        .iter()
        .filter(|t| {
            let groups: BTreeSet<_> = t.members.iter().filter_map(|m| m.group).collect();
            groups.len() >= 2
        })
        .count();
    assert_eq!(
        both,
        mixed.tables.len(),
        "every mixed table holds both camps"
    );
    let total: usize = mixed.tables.iter().map(|t| t.members.len()).sum();
    assert_eq!(total, seated.len());
    // Same export and seed, same plan.
    assert_eq!(plan(&["--format", "json", "--size", "4"]), same);
}

#[test]
fn text_names_tables_and_groups_never_participants() {
    let out = tables(&["--size", "4"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Table 1 · group A"), "{text}");
    assert!(text.contains("at most 4"), "{text}");
}

#[test]
fn bad_settings_are_refused_clearly() {
    for (args, needle) in [
        (&["--size", "1"][..], "table_size"),
        (&["--size", "21"][..], "table_size"),
        (&["--mode", "circles"][..], "same_group or mixed"),
    ] {
        let out = tables(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} accepted");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}
