//! The discussion tables as the room sees them: numbered tiles (a white number on a black plate:
//! colours mean groups) with their make-up (counts per group, never who) and the notes the
//! facilitator released, each whole: a tile shows the newest notes that fit it and "and n more".
//! What fits is measured on the page, not estimated: the board first lays every note out, then
//! keeps in each tile the newest that end inside it ([`newest_that_fit`]), again when the window
//! changes size (the projector going full screen).

use std::rc::Rc;

use polyphony_protocol::{TableGroupCount, TableSummary, TablesView};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::Tr;
use crate::hooks::use_on_resize;
use crate::i18n::{fill, t, Key, Lang};
use crate::state::newest_that_fit;
use crate::{group_colour, table_plate_style};

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

/// A table's title: "Table 3 · group B" in a same-group plan, with the name the facilitator
/// gave the group after it when `names` has it ("Table 3 · group B · Safety first", the
/// console's plan: a group keeps its name wherever its people are), else "Table 3".
pub fn table_title(
    lang: Lang,
    number: u32,
    group: Option<&String>,
    names: &[(String, String)],
) -> Html {
    match group {
        Some(g) => {
            let name = names
                .iter()
                .find(|(label, _)| label == g)
                .map(|(_, n)| n.clone());
            // Each side of the dot kept whole (a narrow tile breaks the title at the dot, never
            // inside "Table 1" or "group A", nor between "1" and "·"): the dot stays with the
            // table, the group starts the next line.
            let text = fill(
                t(lang, Key::TableOfGroup),
                &[("n", number.to_string()), ("group", g.clone())],
            );
            let parts: Vec<&str> = text.split(" · ").collect();
            let last = parts.len().saturating_sub(1);
            html! { <>
                <span data-i18n-template={Key::TableOfGroup.name()}>{ for parts.iter().enumerate().map(|(i, part)| html! { <>
                    <span class="title-part">{ *part }{ if i < last { " ·" } else { "" } }</span>
                    { if i < last { " " } else { "" } }
                </> }) }</span>
                if let Some(name) = name { { " · " }<span class="group-name" data-group={g.clone()}>{ name }</span> }
            </> }
        }
        None => {
            html! { <Tr lang={lang} k={Key::TableNumber} args={vec![("n", number.to_string())]} /> }
        }
    }
}

/// Columns and rows of the board, so that `n` tables fit one 1920 × 1080 screen: a few tables
/// get big tiles, many get small ones.
pub fn board_layout(n: usize) -> (usize, usize) {
    let cols = ((n as f64 * 1.8).sqrt().ceil() as usize).clamp(1, 8);
    (cols, n.div_ceil(cols).max(1))
}

/// The board's look for `rows` rows of tiles (as `style.css`): `few` tiles are roomy with a big
/// plate, `dense` ones have no title.
fn density(rows: usize) -> (bool, bool) {
    (rows <= 2, rows > 3)
}

/// The projector's props: the table plan.
#[derive(Properties, PartialEq)]
pub struct TablesBoardProps {
    /// The UI language.
    pub lang: Lang,
    /// The plan.
    pub tables: TablesView,
    /// The facilitator's names for the groups, by letter (`state::controls::names_by_label`).
    #[prop_or_default]
    pub names: Vec<(String, String)>,
}

/// What a tile shows of its notes: how many of the newest, and whether "and n more" has room.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Shown {
    notes: usize,
    more: bool,
}

/// Each tile's notes as measured on the page for `plan` in `lang` with the groups' `names` (a
/// title in another language, or with a name, may take another line), in the plan's order.
#[derive(PartialEq)]
struct Measured {
    plan: TablesView,
    lang: Lang,
    names: Vec<(String, String)>,
    tiles: Vec<Shown>,
}

fn tile(lang: Lang, t: &TableSummary, names: &[(String, String)], shown: Shown) -> Html {
    let fitting = shown.notes.min(t.notes.len());
    let shown_notes = &t.notes[t.notes.len() - fitting..];
    // "and n more" only where it has a line of its own.
    let more = Some(t.notes.len() - fitting).filter(|&n| n > 0 && shown.more);
    html! {
        <article class="table-tile" data-table={t.number.to_string()} data-notes={t.notes.len().to_string()}
            data-notes-shown={fitting.to_string()} style={table_plate_style()}>
            <div class="tile-head">
                <span class="table-no" aria-hidden="true">{ t.number }</span>
                <div>
                    <h3>{ table_title(lang, t.number, t.group.as_ref(), &[]) }</h3>
                    // A same-group table's letter in its group's colour (the colour people know
                    // their group by), with the name the facilitator gave it (as its card shows
                    // them): on its own line, read whole from the back.
                    if let Some(label) = t.group.as_ref() {
                        <p class="tile-group-name" data-group={label.clone()}>
                            <span class="letter" style={format!("--group:{}", group_colour(label))}>{ label.clone() }</span>
                            if let Some((_, name)) = names.iter().find(|(l, _)| l == label) {
                                <span class="group-name">{ name.clone() }</span>
                            }
                        </p>
                    }
                    <p class="tile-size"><Tr lang={lang} k={Key::People} args={vec![("n", t.size.to_string())]} /></p>
                    // A mixed table's make-up beside the plate, under its title: the plate is
                    // taller than both, so the notes keep the room below it.
                    if t.group.is_none() { <GroupCounts lang={lang} groups={t.groups.clone()} /> }
                </div>
            </div>
            if !shown_notes.is_empty() {
                <ul class="tile-notes">{ for shown_notes.iter().map(|n| html! {
                    <li data-note={n.id.to_string()}>{ n.text.clone() }</li>
                }) }</ul>
            }
            if let Some(more) = more {
                <p class="tile-more"><Tr lang={lang} k={Key::NotesMore} args={vec![("n", more.to_string())]} /></p>
            }
        </article>
    }
}

/// Measures each tile of the board in `grid` for `plan`: where its notes end, laid out one under
/// another, against where the tile's content ends.
fn measure(grid: &web_sys::Element, plan: &TablesView) -> Vec<Shown> {
    let window = web_sys::window();
    plan.tables
        .iter()
        .map(|t| {
            let all = Shown {
                notes: t.notes.len(),
                more: false,
            };
            let Ok(Some(tile)) =
                grid.query_selector(&format!(".table-tile[data-table=\"{}\"]", t.number))
            else {
                return all;
            };
            let Ok(Some(list)) = tile.query_selector(".tile-notes") else {
                return all;
            };
            let items = list.query_selector_all(":scope > li").ok();
            let bottoms: Vec<f64> = (0..items.as_ref().map_or(0, |l| l.length()))
                .filter_map(|i| items.as_ref()?.item(i)?.dyn_into::<web_sys::Element>().ok())
                .map(|li| li.get_bounding_client_rect().bottom())
                .collect();
            let style = window
                .as_ref()
                .and_then(|w| w.get_computed_style(&tile).ok().flatten());
            let px = |name: &str| {
                style
                    .as_ref()
                    .and_then(|s| s.get_property_value(name).ok())
                    .and_then(|v| v.trim_end_matches("px").parse::<f64>().ok())
                    .unwrap_or(0.0)
            };
            let rect = tile.get_bounding_client_rect();
            let room = rect.top() + f64::from(tile.client_top() + tile.client_height())
                - px("padding-bottom");
            // The "and n more" line: a line of bold body text and its margin.
            let more = 1.45 * px("font-size");
            let (notes, more) =
                newest_that_fit(list.get_bounding_client_rect().top(), &bottoms, room, more);
            Shown { notes, more }
        })
        .collect()
}

/// The tables on the projector: numbered tiles in a grid that fits one screen, "every table has
/// a reporter" once it is so, and the newest released notes of each table that fit, whole.
#[component]
pub fn TablesBoard(p: &TablesBoardProps) -> Html {
    let lang = p.lang;
    let n = p.tables.tables.len();
    let (cols, rows) = board_layout(n);
    let (few, dense) = density(rows);
    let grid = use_node_ref();
    let measured = use_state(|| None::<Rc<Measured>>);
    // A window of another size lays the notes out again: measure again.
    {
        let measured = measured.clone();
        use_on_resize(move || measured.set(None));
    }
    let tiles = measured
        .as_ref()
        .filter(|m| m.plan == p.tables && m.lang == lang && m.names == p.names)
        .map(|m| m.tiles.clone());
    // Not measured for this plan yet: every note laid out (inside tiles that clip them), measured
    // after this render and drawn again before the browser paints.
    {
        let measured = measured.clone();
        let grid = grid.clone();
        let plan = (tiles.is_none()).then(|| (p.tables.clone(), p.names.clone()));
        use_effect(move || {
            if let (Some((plan, names)), Some(el)) = (plan, grid.cast::<web_sys::Element>()) {
                let tiles = measure(&el, &plan);
                measured.set(Some(Rc::new(Measured {
                    plan,
                    lang,
                    names,
                    tiles,
                })));
            }
        });
    }
    let shown = |i: usize, t: &TableSummary| {
        tiles
            .as_ref()
            .and_then(|v| v.get(i).copied())
            .unwrap_or(Shown {
                notes: t.notes.len(),
                more: false,
            })
    };
    html! {
        <section class="tables-board" id="tables-board">
            <div class="tables-head">
                <h2><Tr lang={lang} k={Key::TablesTitle} /></h2>
                if p.tables.reporters_ready {
                    <p class="reporters-ready" id="reporters-ready">{ "✓ " }<Tr lang={lang} k={Key::ReportersReady} /></p>
                }
            </div>
            <div ref={grid} class={classes!("tables-grid", few.then_some("few"), dense.then_some("dense"))}
                data-measured={tiles.is_some().to_string()}
                style={format!("grid-template-columns:repeat({cols},minmax(0,1fr));grid-template-rows:repeat({rows},minmax(0,1fr))")}>
                { for p.tables.tables.iter().enumerate().map(|(i, t)| tile(lang, t, &p.names, shown(i, t))) }
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_board_fits_one_screen() {
        assert_eq!(board_layout(2), (2, 1));
        assert_eq!(board_layout(4), (3, 2));
        assert_eq!(board_layout(10), (5, 2));
        assert_eq!(board_layout(12), (5, 3));
        assert_eq!(board_layout(50), (8, 7), "a hall: small tiles");
    }
}
