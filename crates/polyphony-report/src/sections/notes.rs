//! The notes the facilitator released, plan by plan and table by table.

use std::collections::BTreeMap;
use std::fmt::Write;

use polyphony_core::TableMode;

use super::Ctx;
use crate::html::esc;
use crate::i18n::{fill, Key};
use crate::TableNotes;

pub(super) fn notes(cx: &Ctx, tables: &[TableNotes]) -> String {
    let mut o = format!(
        r#"<section id="notes"><h2>{}</h2><p>{}</p>"#,
        cx.t(Key::NotesTitle),
        cx.t(Key::NotesIntro)
    );
    // Plan by plan (in the room's order), each plan's tables by number.
    let mut plans: BTreeMap<u32, (TableMode, Vec<&TableNotes>)> = BTreeMap::new();
    for table in tables.iter().filter(|t| !t.notes.is_empty()) {
        plans
            .entry(table.plan)
            .or_insert_with(|| (table.mode, Vec::new()))
            .1
            .push(table);
    }
    let of_mode = |mode: TableMode| plans.values().filter(|p| p.0 == mode).count();
    let counts = [of_mode(TableMode::SameGroup), of_mode(TableMode::Mixed)];
    let mut seen = [0usize; 2];
    for (mode, list) in plans.values() {
        let (i, name) = match mode {
            TableMode::SameGroup => (0, cx.t(Key::PlanSameGroup)),
            TableMode::Mixed => (1, cx.t(Key::PlanMixed)),
        };
        seen[i] += 1;
        // Numbered only when another plan with notes has the same mode.
        let heading = if counts[i] > 1 {
            fill(
                cx.t(Key::PlanNth),
                &[("plan", name.to_string()), ("n", seen[i].to_string())],
            )
        } else {
            name.to_string()
        };
        let _ = write!(o, r#"<h3 class="plan">{heading}</h3>"#);
        let mut list = list.clone();
        list.sort_by_key(|t| t.table);
        for table in list {
            let _ = write!(
                o,
                r#"<div class="tn"><h4>{}</h4><ul>"#,
                fill(cx.t(Key::Table), &[("n", table.table.to_string())])
            );
            for n in &table.notes {
                let _ = write!(o, "<li>{}</li>", esc(n));
            }
            o.push_str("</ul></div>");
        }
    }
    o.push_str("</section>");
    o
}
