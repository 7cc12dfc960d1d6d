//! Opinion change between two snapshots, on the same people: the statements they moved on
//! most, who now votes like another group, groups closer or apart, common ground gained and
//! lost.

use std::fmt::Write;

use polyphony_core::{Consensus, ConsensusStatement, Stance, StatementId};

use super::{Ctx, TOP};
use crate::html::esc;
use crate::i18n::{fill, Key};
use crate::ChangeInput;

pub(super) fn opinion_change(cx: &Ctx, c: &ChangeInput) -> String {
    let label = |id: Option<u32>| -> String {
        match id.and_then(|g| c.labels.get(&g)) {
            Some(l) => esc(l),
            None => cx.t(Key::OutsideGroups).to_string(),
        }
    };
    let mut o = format!(
        r#"<section id="change"><h2>{}</h2><p>{}</p>"#,
        cx.t(Key::ChangeTitle),
        fill(
            cx.t(Key::ChangeBetween),
            &[
                ("before", esc(&c.before.name(cx.lang))),
                ("after", esc(&c.after.name(cx.lang))),
            ],
        )
    );
    let items = c.change.panel.most_moved(TOP);
    if items.is_empty() {
        let _ = write!(o, "<p>{}</p>", cx.t(Key::NoShifts));
    }
    for item in &items {
        let e = &item.everyone;
        let line = fill(
            cx.t(Key::PanelEveryone),
            &[
                ("n", e.answered_both.to_string()),
                ("agree", e.toward_agree.to_string()),
                ("disagree", e.toward_disagree.to_string()),
                ("stayed", e.stayed.to_string()),
            ],
        );
        // The statement, then how the same people moved on it: everyone, then each group, in
        // one box (so print keeps them on one page).
        let mut moved = format!(r#"<p class="why">{line}</p><ul>"#);
        for g in &item.groups {
            let line = fill(
                cx.t(Key::MovementLine),
                &[
                    ("g", label(g.group)),
                    ("agree", g.shift.toward_agree.to_string()),
                    ("disagree", g.shift.toward_disagree.to_string()),
                    ("stayed", g.shift.stayed.to_string()),
                ],
            );
            let _ = write!(moved, "<li>{line}</li>");
        }
        moved.push_str("</ul>");
        o.push_str(&cx.statement(item.item, &moved));
    }
    if c.change.moved == 0 {
        let _ = write!(o, "<p>{}</p>", cx.t(Key::MovedNone));
    } else {
        let _ = write!(
            o,
            "<p>{}</p><ul>",
            fill(cx.t(Key::Moved), &[("n", c.change.moved.to_string())])
        );
        for m in &c.change.moves {
            let line = fill(
                cx.t(Key::MoveLine),
                &[
                    ("n", m.count.to_string()),
                    ("from", label(m.from)),
                    ("to", label(m.to)),
                ],
            );
            let _ = write!(o, "<li>{line}</li>");
        }
        o.push_str("</ul>");
    }
    for d in &c.change.distances {
        let key = if d.after + 1e-9 < d.before {
            Key::Closer
        } else if d.after > d.before + 1e-9 {
            Key::Apart
        } else {
            continue;
        };
        let line = fill(
            cx.t(key),
            &[("a", label(Some(d.a))), ("b", label(Some(d.b)))],
        );
        let _ = write!(o, "<p>{line}</p>");
    }
    // Each statement that became (or stopped being) common ground, with the direction and
    // share it had when it was: the second snapshot's for a gain, the first's for a loss.
    let gained_from = [&c.consensus_after, &cx.a().consensus];
    for (title, list, from, before) in [
        (
            Key::GainedTitle,
            &c.change.consensus_gained,
            &gained_from[..],
            false,
        ),
        (
            Key::LostTitle,
            &c.change.consensus_lost,
            &[&c.consensus_before][..],
            true,
        ),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = write!(o, "<h3>{}</h3>", cx.t(title));
        for &id in list.iter().take(TOP) {
            match from.iter().find_map(|k| find_consensus(k, id)) {
                Some((stance, s)) => o.push_str(&cx.consensus_statement(stance, s, before, "")),
                None => o.push_str(&cx.statement(id, "")),
            }
        }
    }
    o.push_str("</section>");
    o
}

/// Where `id` stands in `consensus`: its direction and counts.
fn find_consensus(consensus: &Consensus, id: StatementId) -> Option<(Stance, &ConsensusStatement)> {
    let agree = consensus.agree.iter().map(|s| (Stance::Agree, s));
    let disagree = consensus.disagree.iter().map(|s| (Stance::Disagree, s));
    agree.chain(disagree).find(|(_, s)| s.statement == id)
}
