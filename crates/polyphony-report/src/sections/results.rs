//! What the analysis found: the opinion map, the groups with what sets each apart, the common
//! ground and the statements that divide the groups.

use std::fmt::Write;

use polyphony_core::{Stance, VoteShares};

use super::{Ctx, TOP};
use crate::html::{bar_row, colour, esc, pct};
use crate::i18n::{fill, Key};
use crate::map;

pub(super) fn opinion_map(cx: &Ctx) -> String {
    let a = cx.a();
    let mut o = format!(
        r#"<section id="map" class="map"><h2>{}</h2>{}<p class="muted">{}</p><ul class="legend">"#,
        cx.t(Key::MapTitle),
        map::svg(a, cx.t(Key::MapTitle), &cx.labels),
        cx.t(Key::MapCaption)
    );
    for g in a.groups.iter().flat_map(|g| &g.groups) {
        let index = cx.labels.get(&g.id).map_or(0, |l| l.0);
        let _ = write!(
            o,
            r#"<li><span class="gl" style="background:{}">{}</span> {}</li>"#,
            colour(index),
            esc(&cx.group_name(g.id, &g.label)),
            fill(cx.t(Key::GroupSize), &[("n", g.members.len().to_string())])
        );
    }
    let outside = a.participants.iter().filter(|p| p.group.is_none()).count();
    if outside > 0 {
        let _ = write!(
            o,
            r#"<li><span class="gl" style="background:{}">·</span> {} ({})</li>"#,
            crate::html::OUTSIDE,
            cx.t(Key::OutsideGroups),
            fill(cx.t(Key::GroupSize), &[("n", outside.to_string())])
        );
    }
    o.push_str("</ul>");
    if a.groups.is_none() {
        let _ = write!(o, "<p>{}</p>", cx.t(Key::NoGroups));
    }
    o.push_str("</section>");
    o
}

/// The agree / disagree / pass colour key.
fn key_line(cx: &Ctx) -> String {
    format!(
        r#"<p class="keyline"><i class="ag"></i>{}<i class="di"></i>{}<i class="pa"></i>{}</p>"#,
        cx.t(Key::Agree),
        cx.t(Key::Disagree),
        cx.t(Key::Pass)
    )
}

pub(super) fn groups(cx: &Ctx) -> String {
    let a = cx.a();
    let mut o = format!(
        r#"<section id="groups"><h2>{}</h2><p>{}</p>{}"#,
        cx.t(Key::GroupsTitle),
        cx.t(Key::GroupsIntro),
        key_line(cx)
    );
    let Some(groups) = &a.groups else {
        let _ = write!(o, "<p>{}</p></section>", cx.t(Key::NoGroups));
        return o;
    };
    for g in &groups.groups {
        let index = cx.labels.get(&g.id).map_or(0, |l| l.0);
        let _ = write!(
            o,
            r#"<h3><span class="gl" style="background:{}">{}</span> {} · {}</h3>"#,
            colour(index),
            esc(&g.label),
            esc(&fill(
                cx.t(Key::GroupHeading),
                &[("g", cx.group_name(g.id, &g.label))]
            )),
            fill(cx.t(Key::GroupSize), &[("n", g.members.len().to_string())])
        );
        // What sets the group apart, as its cards and phones say it (`group_reasons`): not a
        // statement it shares with the others (Polis's list can open with one everyone agrees
        // with), and each with the other groups' share beside the group's own, so that "stands
        // out" is a figure the reader can check.
        let apart = g.representative.iter().filter(|r| r.repness > 1.0);
        for (r, rest) in apart
            .filter_map(|r| Some((r, others_share(a, g.id, r)?)))
            .take(TOP)
        {
            let key = match r.repful_for {
                polyphony_core::Stance::Agree => Key::RepAgree,
                polyphony_core::Stance::Disagree => Key::RepDisagree,
            };
            let share = f64::from(r.n_success) / f64::from(r.n_trials.max(1));
            let why = fill(
                cx.t(key),
                &[
                    ("pct", pct(share)),
                    ("rest", pct(rest)),
                    ("g", esc(&g.label)),
                ],
            );
            let extra = format!(r#"<p class="why">{why}</p>{}"#, cx.group_bars(r.statement));
            o.push_str(&cx.statement(r.statement, &extra));
        }
    }
    o.push_str("</section>");
    o
}

/// The members of the groups other than `group` who voted on `r`'s statement: the share who
/// voted `r`'s way (passes count as votes, as in the group's own share); `None` when none of
/// them voted on it (nothing to compare with).
fn others_share(
    a: &polyphony_core::Analysis,
    group: u32,
    r: &polyphony_core::RepresentativeStatement,
) -> Option<f64> {
    let column = a.statements.iter().position(|&s| s == r.statement)?;
    let (mut success, mut seen) = (0u32, 0u32);
    for other in a.groups.iter().flat_map(|g| &g.groups) {
        if other.id == group {
            continue;
        }
        let t = other.tallies.get(column)?;
        success += match r.repful_for {
            polyphony_core::Stance::Agree => t.agree,
            polyphony_core::Stance::Disagree => t.disagree,
        };
        seen += t.seen;
    }
    (seen > 0).then(|| f64::from(success) / f64::from(seen))
}

pub(super) fn consensus(cx: &Ctx) -> String {
    let c = &cx.a().consensus;
    let mut o = format!(
        r#"<section id="consensus"><h2>{}</h2><p>{}</p>"#,
        cx.t(Key::ConsensusTitle),
        cx.t(Key::ConsensusIntro)
    );
    if c.agree.is_empty() && c.disagree.is_empty() {
        let _ = write!(o, "<p>{}</p>", cx.t(Key::NoConsensus));
    } else {
        o.push_str(&key_line(cx));
    }
    for (title, stance, list) in [
        (Key::ConsensusAgree, Stance::Agree, &c.agree),
        (Key::ConsensusDisagree, Stance::Disagree, &c.disagree),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = write!(o, "<h3>{}</h3>", cx.t(title));
        for s in list {
            let bars = cx.group_bars(s.statement);
            o.push_str(&cx.consensus_statement(stance, s, false, &bars));
        }
    }
    o.push_str("</section>");
    o
}

pub(super) fn divisive(cx: &Ctx) -> String {
    let a = cx.a();
    let mut o = format!(
        r#"<section id="divisive"><h2>{}</h2><p>{}</p>"#,
        cx.t(Key::DivisiveTitle),
        cx.t(Key::DivisiveIntro)
    );
    if a.divisive.is_empty() {
        let _ = write!(o, "<p>{}</p>", cx.t(Key::NoDivisive));
    } else {
        o.push_str(&key_line(cx));
    }
    for d in a.divisive.iter().take(TOP) {
        let mut bars = String::new();
        for g in &d.groups {
            let index = cx.labels.get(&g.group).map(|l| l.0);
            let shares = VoteShares::of(&polyphony_core::Tally {
                agree: g.agree,
                disagree: g.disagree,
                seen: g.seen,
            });
            bars.push_str(&bar_row(cx.lang, &g.label, index, &shares));
        }
        o.push_str(&cx.statement(d.statement, &bars));
    }
    o.push_str("</section>");
    o
}
