//! The discussion tables as the room sees them: numbered tiles (a white number on a black plate:
//! colours mean groups) with their make-up (counts per group, never who) and the notes the
//! facilitator released, each whole: a tile shows the newest notes that fit it and "and n more".

use polyphony_protocol::{TableGroupCount, TableSummary, TablesView};
use yew::prelude::*;

use crate::components::Tr;
use crate::i18n::{Key, Lang};
use crate::state::fit::text_width;
use crate::state::{newest_that_fit, Fit};
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

/// The room for released notes in each tile of a board of `n` tables on `fit` (the projector's
/// body), in the projector's unit (as `style.css`: the heading, the grid's gaps, each tile's
/// border, padding and plate, the notes' indent). A mixed table's group counts take from it
/// too ([`group_counts_lines`]).
pub fn notes_room(n: usize, fit: Fit) -> Fit {
    let (cols, rows) = board_layout(n);
    let (few, dense) = density(rows);
    let gap = if dense { 0.3 } else { 0.5 };
    let (pad_x, pad_y) = if few { (0.8, 0.5) } else { (0.5, 0.3) };
    let plate = 2.4
        * if few {
            2.2
        } else if dense {
            1.2
        } else {
            1.6
        };
    let tile_w = (fit.cols - gap * (cols as f64 - 1.0)) / cols as f64;
    let tile_h = (fit.lines * 1.3 - 1.8 - gap * (rows as f64 - 1.0)) / rows as f64;
    Fit {
        cols: tile_w - 2.0 * pad_x - 0.2 - 1.1,
        lines: ((tile_h - 2.0 * pad_y - 0.2 - plate - 0.2) / 1.3).max(0.0),
    }
}

/// Lines a mixed table's group counts take in a tile `cols` ems wide ("A 3 · B 2", about three
/// ems a group).
pub fn group_counts_lines(groups: &[TableGroupCount], cols: f64) -> f64 {
    let width: f64 = groups
        .iter()
        .map(|g| match &g.group {
            Some(_) => 3.4,
            None => 2.4 + text_width("no group"),
        })
        .sum();
    (width / cols.max(1.0)).ceil().max(1.0) + 0.3
}

/// The projector's props: the table plan.
#[derive(Properties, PartialEq)]
pub struct TablesBoardProps {
    /// The UI language.
    pub lang: Lang,
    /// The plan.
    pub tables: TablesView,
    /// The room the board has on the projector (its body), so each tile shows the notes that fit
    /// it whole.
    #[prop_or(Fit { cols: 50.0, lines: 19.0 })]
    pub fit: Fit,
}

fn tile(lang: Lang, t: &TableSummary, room: Fit) -> Html {
    let room = match t.group {
        None => Fit {
            lines: room.lines - group_counts_lines(&t.groups, room.cols + 1.1),
            ..room
        },
        Some(_) => room,
    };
    let texts: Vec<&str> = t.notes.iter().map(|n| n.text.as_str()).collect();
    let fitting = newest_that_fit(&texts, room);
    let shown = &t.notes[t.notes.len() - fitting..];
    // "and n more" only where it has a line of its own.
    let more = Some(t.notes.len() - fitting).filter(|&n| n > 0 && room.lines >= 1.0);
    html! {
        <article class="table-tile" data-table={t.number.to_string()} data-notes={t.notes.len().to_string()}
            data-notes-shown={fitting.to_string()} style={table_plate_style()}>
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
            if let Some(more) = more {
                <p class="tile-more"><Tr lang={lang} k={Key::NotesMore} args={vec![("n", more.to_string())]} /></p>
            }
        </article>
    }
}

/// The tables on the projector: numbered tiles in a grid that fits one screen, "every table has
/// a reporter" once it is so, and the newest released notes of each table that fit, whole.
#[component]
pub fn TablesBoard(p: &TablesBoardProps) -> Html {
    let lang = p.lang;
    let n = p.tables.tables.len();
    let (cols, rows) = board_layout(n);
    let (few, dense) = density(rows);
    let room = notes_room(n, p.fit);
    html! {
        <section class="tables-board" id="tables-board">
            <div class="tables-head">
                <h2><Tr lang={lang} k={Key::TablesTitle} /></h2>
                if p.tables.reporters_ready {
                    <p class="reporters-ready" id="reporters-ready">{ "✓ " }<Tr lang={lang} k={Key::ReportersReady} /></p>
                }
            </div>
            <div class={classes!("tables-grid", few.then_some("few"), dense.then_some("dense"))}
                style={format!("grid-template-columns:repeat({cols},minmax(0,1fr));grid-template-rows:repeat({rows},minmax(0,1fr))")}>
                { for p.tables.tables.iter().map(|t| tile(lang, t, room)) }
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: Fit = Fit {
        cols: 50.0,
        lines: 17.5,
    };

    #[test]
    fn the_board_fits_one_screen() {
        assert_eq!(board_layout(2), (2, 1));
        assert_eq!(board_layout(4), (3, 2));
        assert_eq!(board_layout(10), (5, 2));
        assert_eq!(board_layout(12), (5, 3));
        assert_eq!(board_layout(50), (8, 7), "a hall: small tiles");
    }

    #[test]
    fn a_few_tables_give_their_notes_most_of_the_tile() {
        // Two tables (a room of 16): each tile about 24 ems wide and most of the screen tall.
        let two = notes_room(2, BODY);
        assert!(two.cols > 20.0 && two.lines > 10.0, "{two:?}");
        // A note of 140 Chinese characters fits whole; four of 40 fit together.
        let long = "字".repeat(140);
        assert_eq!(newest_that_fit(&[long.as_str()], two), 1);
        let short = "字".repeat(40);
        assert_eq!(newest_that_fit(&[short.as_str(); 4], two), 4);
        // More tables, smaller tiles; never a negative room.
        let twelve = notes_room(12, BODY);
        assert!(twelve.lines < two.lines && twelve.cols < two.cols);
        let hall = notes_room(50, BODY);
        assert!(hall.lines >= 0.0);
    }
}
