//! The readable summaries of `polyphony analyze` and `polyphony tables` (`--format text`).

use std::collections::BTreeMap;
use std::fmt::Write;

use polyphony_core::{Analysis, GroupStance, Stance, TableMode, TablePlan};
use polyphony_polis::PolisConversation;

fn short(text: &str) -> String {
    let t: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.chars().count() > 90 {
        format!("{}…", t.chars().take(89).collect::<String>())
    } else {
        t
    }
}

/// "A: 85% agree · B: 10% agree": each group's agree rate, to read aloud.
fn stances(groups: &[GroupStance]) -> String {
    groups
        .iter()
        .map(|g| format!("{}: {:.0}% agree", g.label, 100.0 * g.agree_rate))
        .collect::<Vec<_>>()
        .join(" · ")
}

pub fn summary(data: &PolisConversation, a: &Analysis) -> String {
    let texts: BTreeMap<u32, &str> = data
        .statements
        .iter()
        .map(|s| (s.id, s.text.as_str()))
        .collect();
    let text = |id: u32| short(texts.get(&id).copied().unwrap_or(""));
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Participants:  {} ({} in the clustering)",
        a.participant_count,
        a.in_conv.len()
    );
    let _ = writeln!(
        o,
        "Statements:    {} with votes, {} moderated out",
        a.statements.len(),
        a.mod_out.len()
    );
    let _ = writeln!(o, "Votes:         {}", a.vote_count);
    match &a.groups {
        None => {
            let _ = writeln!(
                o,
                "\nNo opinion groups yet: too few participants have voted enough."
            );
        }
        Some(g) => {
            let sizes: Vec<String> = g
                .groups
                .iter()
                .map(|x| format!("{} {}", x.label, x.members.len()))
                .collect();
            let _ = writeln!(
                o,
                "\nOpinion groups: {} ({})",
                g.groups.len(),
                sizes.join(", ")
            );
            for x in &g.groups {
                let _ = writeln!(
                    o,
                    "\nGroup {} — {} participants. Stands out on:",
                    x.label,
                    x.members.len()
                );
                for r in x.representative.iter().take(3) {
                    let way = match r.repful_for {
                        Stance::Agree => "agree",
                        Stance::Disagree => "disagree",
                    };
                    let _ = writeln!(
                        o,
                        "  #{:<4} {:>3}% {:<8} {}",
                        r.statement,
                        (100.0 * f64::from(r.n_success) / f64::from(r.n_trials.max(1))).round(),
                        way,
                        text(r.statement)
                    );
                }
            }
        }
    }
    let _ = writeln!(o, "\nConsensus (most of the room):");
    if a.consensus.agree.is_empty() && a.consensus.disagree.is_empty() {
        let _ = writeln!(o, "  none yet");
    }
    for (label, list) in [
        ("agree", &a.consensus.agree),
        ("disagree", &a.consensus.disagree),
    ] {
        for c in list {
            let _ = writeln!(
                o,
                "  #{:<4} {:>3}% {:<8} {}",
                c.statement,
                (100.0 * f64::from(c.n_success) / f64::from(c.n_trials.max(1))).round(),
                label,
                text(c.statement)
            );
        }
    }
    if !a.divisive.is_empty() {
        let _ = writeln!(o, "\nMost divisive:");
        for d in a.divisive.iter().take(5) {
            let _ = writeln!(
                o,
                "  #{:<4} {}  ({})",
                d.statement,
                text(d.statement),
                stances(&d.groups)
            );
        }
    }
    o
}

/// The table plan as a facilitator reads it: each table's number, group and make-up (counts
/// only, never who).
pub fn tables(plan: &TablePlan, a: &Analysis) -> String {
    let label = |g: Option<u32>| -> String {
        g.and_then(|g| {
            a.groups
                .as_ref()?
                .groups
                .iter()
                .find(|x| x.id == g)
                .map(|x| x.label.clone())
        })
        .unwrap_or_else(|| "outside".into())
    };
    let seated: usize = plan.tables.iter().map(|t| t.members.len()).sum();
    let mode = match plan.params.mode {
        TableMode::SameGroup => "same group",
        TableMode::Mixed => "mixed",
    };
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Tables ({mode}, at most {}): {} tables for {seated} participants",
        plan.params.size,
        plan.tables.len()
    );
    for t in &plan.tables {
        let name = match t.group {
            Some(g) => format!("Table {} · group {}", t.number, label(Some(g))),
            None => format!("Table {}", t.number),
        };
        let makeup: Vec<String> = t
            .group_counts()
            .into_iter()
            .map(|(g, n)| format!("{} {n}", label(g)))
            .collect();
        let _ = writeln!(
            o,
            "  {name:<20} {:>3}   {}",
            t.members.len(),
            makeup.join(" · ")
        );
    }
    o
}

/// `--replay --change`: how the same people moved between two moments, the statements on which
/// most people changed their vote first.
pub fn change(data: &PolisConversation, c: &polyphony_lab::ReplayChange) -> String {
    let texts: BTreeMap<u32, &str> = data
        .statements
        .iter()
        .map(|s| (s.id, s.text.as_str()))
        .collect();
    let hours = |ms: i64| ms as f64 / 3_600_000.0;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Change between {:.2} h and {:.2} h after the first vote (updates {} and {}), each person compared with themselves:",
        hours(c.from),
        hours(c.to),
        c.from_tick,
        c.to_tick
    );
    let label = |g: Option<u32>| match g {
        Some(g) => c.labels.get(&g).cloned().unwrap_or_else(|| g.to_string()),
        None => "no group".to_string(),
    };
    let top = c.change.panel.most_moved(10);
    if top.is_empty() {
        let _ = writeln!(o, "  Nobody changed a vote.");
    }
    for item in top {
        let e = &item.everyone;
        let _ = writeln!(
            o,
            "  #{} {}\n    {} voted both times: {} toward agree, {} toward disagree, {} kept their vote",
            item.item,
            short(texts.get(&item.item).copied().unwrap_or("")),
            e.answered_both,
            e.toward_agree,
            e.toward_disagree,
            e.stayed
        );
        for g in &item.groups {
            let _ = writeln!(
                o,
                "    {}: {} of {} toward agree, {} toward disagree",
                label(g.group),
                g.shift.toward_agree,
                g.shift.answered_both,
                g.shift.toward_disagree
            );
        }
    }
    let _ = write!(
        o,
        "  {} people's votes put them in another group at the second moment.",
        c.change.moved
    );
    o
}
