//! The discussion tables as the room sees them: numbered tiles with their make-up (counts per
//! group, never who) and the notes the facilitator released.

use polyphony_protocol::{TableGroupCount, TableSummary, TablesView};
use yew::prelude::*;

use crate::components::Tr;
use crate::i18n::{Key, Lang};
use crate::{group_colour, table_colour};

/// How many of each group sit at a table.
#[derive(Properties, PartialEq)]
pub struct GroupCountsProps {
    /// The UI language.
    pub lang: Lang,
    /// The counts, by label.
    pub groups: Vec<TableGroupCount>,
}

/// "A 3 · B 2 · no group 1": each group's letter (with its colour) and how many sit here.
#[component]
pub fn GroupCounts(p: &GroupCountsProps) -> Html {
    html! {
        <ul class="group-counts">
            { for p.groups.iter().map(|g| match &g.group {
                Some(label) => html! {
                    <li data-group={label.clone()}>
                        <span class="letter" style={format!("--group:{}", group_colour(label))}>{ label.clone() }</span>
                        <span class="count">{ g.count }</span>
                    </li>
                },
                None => html! {
                    <li data-group="">
                        <Tr lang={p.lang} k={Key::NoGroup} />{ " " }<span class="count">{ g.count }</span>
                    </li>
                },
            }) }
        </ul>
    }
}

/// The name on a table's tile: "Table 3 · group B" in a same-group plan, else "Table 3".
pub fn table_title(lang: Lang, number: u32, group: Option<&String>) -> Html {
    match group {
        Some(g) => html! {
            <Tr lang={lang} k={Key::TableOfGroup} args={vec![("n", number.to_string()), ("group", g.clone())]} />
        },
        None => {
            html! { <Tr lang={lang} k={Key::TableNumber} args={vec![("n", number.to_string())]} /> }
        }
    }
}

/// Columns, and released notes shown per tile, so that `n` tables fit one 1920 × 1080 screen:
/// a few tables get big tiles with several notes; many get small tiles with the newest one or
/// none.
pub fn board_layout(n: usize) -> (usize, usize) {
    let cols = ((n as f64 * 1.8).sqrt().ceil() as usize).clamp(1, 8);
    let rows = n.div_ceil(cols).max(1);
    let notes = match rows {
        1 => 5,
        2 => 3,
        3 => 1,
        _ => 0,
    };
    (cols, notes)
}

/// The projector's props: the table plan.
#[derive(Properties, PartialEq)]
pub struct TablesBoardProps {
    /// The UI language.
    pub lang: Lang,
    /// The plan.
    pub tables: TablesView,
}

fn tile(lang: Lang, t: &TableSummary, notes: usize) -> Html {
    let shown = &t.notes[t.notes.len().saturating_sub(notes)..];
    html! {
        <article class="table-tile" data-table={t.number.to_string()} style={format!("--table:{}", table_colour(t.number))}>
            <div class="tile-head">
                <span class="table-no" aria-hidden="true">{ t.number }</span>
                <div>
                    <h3>{ table_title(lang, t.number, t.group.as_ref()) }</h3>
                    <p class="tile-size"><Tr lang={lang} k={Key::People} args={vec![("n", t.size.to_string())]} /></p>
                </div>
            </div>
            if t.group.is_none() { <GroupCounts lang={lang} groups={t.groups.clone()} /> }
            if !shown.is_empty() {
                <ul class="tile-notes">{ for shown.iter().map(|n| html! {
                    <li data-note={n.id.to_string()}>{ n.text.clone() }</li>
                }) }</ul>
            }
        </article>
    }
}

/// The tables on the projector: numbered tiles in a grid that fits one screen, "every table has
/// a reporter" once it is so, and the newest released notes of each table.
#[component]
pub fn TablesBoard(p: &TablesBoardProps) -> Html {
    let lang = p.lang;
    let (cols, notes) = board_layout(p.tables.tables.len());
    let rows = p.tables.tables.len().div_ceil(cols).max(1);
    html! {
        <section class="tables-board" id="tables-board">
            <div class="tables-head">
                <h2><Tr lang={lang} k={Key::TablesTitle} /></h2>
                if p.tables.reporters_ready {
                    <p class="reporters-ready" id="reporters-ready">{ "✓ " }<Tr lang={lang} k={Key::ReportersReady} /></p>
                }
            </div>
            <div class={classes!("tables-grid", (rows <= 2).then_some("few"), (rows > 3).then_some("dense"))}
                style={format!("grid-template-columns:repeat({cols},minmax(0,1fr));grid-template-rows:repeat({rows},minmax(0,1fr))")}>
                { for p.tables.tables.iter().map(|t| tile(lang, t, notes)) }
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::board_layout;

    #[test]
    fn the_board_fits_one_screen() {
        assert_eq!(board_layout(2), (2, 5));
        assert_eq!(board_layout(4), (3, 3));
        assert_eq!(board_layout(10), (5, 3));
        assert_eq!(board_layout(12).1, 1);
        let (cols, notes) = board_layout(50);
        assert_eq!((cols, notes), (8, 0), "a hall: small tiles, numbers only");
    }
}
