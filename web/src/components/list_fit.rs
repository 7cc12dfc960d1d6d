//! A projector list that shows as many of its items as the screen has room for, measured on the
//! page rather than estimated: the estimates ([`crate::state::fit`]) had to be cautious, and
//! left a third of a 1920 × 1080 screen empty under two divisive statements.
//!
//! One deterministic pass after layout: the list is first laid out with every candidate item
//! (before the browser paints), each item's bottom edge is read, and the list is drawn again
//! with the items that end above the bottom of the projector's body (`.screen-body`), leaving
//! room for what follows the list (the divisive legend). Type is never made smaller: an item
//! either shows whole or not at all, except a first item that does not fit whole, whose text is
//! cut to the lines there are. Measured again only when what the list shows changes (its key)
//! or the window changes size, never because of its own result, so it cannot loop.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::prelude::*;

use crate::hooks::use_on_resize;

/// What a fitted list shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fitted {
    /// How many of its items, from the first.
    pub shown: usize,
    /// When not even the first item fits whole: the lines its text is cut to.
    pub clamp: Option<u32>,
}

/// How a list is cut when not even its first item fits whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FirstItem {
    /// The element of an item whose text is cut (a selector inside the item; `None`: the item).
    pub text: Option<&'static str>,
    /// The fewest lines worth showing; with fewer, the list shows nothing (0: the first item
    /// always shows, with a line at least).
    pub min_lines: u32,
}

/// How many items fit, from the items' measured bottom edges (`bottoms`, each with the gap it
/// needs below it: its own margin, or the margin of what follows the list), the room's bottom
/// edge `limit`, and what must still fit under the list (`tail`). Half a pixel of rounding.
pub fn items_that_fit(bottoms: &[f64], tail: f64, limit: f64) -> usize {
    bottoms
        .iter()
        .take_while(|&&b| b + tail <= limit + 0.5)
        .count()
}

/// The lines to cut a first item's text to when it ends `over` pixels below the room: its
/// `lines` less the lines it overflows by, `None` when fewer than `first.min_lines` would be
/// left (and the first item must not always show).
pub fn cut_lines(lines: f64, over: f64, line_height: f64, first: FirstItem) -> Option<u32> {
    let keep = (lines - (over / line_height.max(1.0)).ceil()).floor();
    if keep >= f64::from(first.min_lines.max(1)) {
        Some(keep as u32)
    } else if first.min_lines == 0 {
        Some(1)
    } else {
        None
    }
}

/// The list `section`'s items that fit, as [`Fitted`] (see the module's comment).
fn measure(section: &Element, first: FirstItem) -> Fitted {
    let window = web_sys::window();
    let px = |el: &Element, name: &str| {
        window
            .as_ref()
            .and_then(|w| w.get_computed_style(el).ok().flatten())
            .and_then(|s| s.get_property_value(name).ok())
            .and_then(|v| v.trim_end_matches("px").parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    let nothing = Fitted {
        shown: 0,
        clamp: None,
    };
    let Ok(Some(list)) = section.query_selector(":scope > ol, :scope > ul") else {
        return nothing;
    };
    let items: Vec<Element> = list
        .query_selector_all(":scope > li")
        .ok()
        .map(|l| {
            (0..l.length())
                .filter_map(|i| l.item(i)?.dyn_into::<Element>().ok())
                .collect()
        })
        .unwrap_or_default();
    // The room ends at the bottom of the projector's body (else of the window).
    let limit = match section.closest(".screen-body") {
        Ok(Some(body)) => {
            body.get_bounding_client_rect().bottom()
                - px(&body, "padding-bottom")
                - px(&body, "border-bottom-width")
        }
        _ => window
            .as_ref()
            .and_then(|w| w.inner_height().ok()?.as_f64())
            .unwrap_or(f64::MAX),
    };
    // What follows the list in its section, and the section's own bottom edge. The gap between
    // the last item and what follows is the larger of their margins (they collapse).
    let mut tail = px(section, "padding-bottom") + px(section, "border-bottom-width");
    let mut gap_after = None;
    let mut next = list.next_element_sibling();
    while let Some(el) = next {
        let (top, bottom) = (px(&el, "margin-top"), px(&el, "margin-bottom"));
        gap_after.get_or_insert(top);
        tail += el.get_bounding_client_rect().height() + bottom;
        next = el.next_element_sibling();
    }
    let bottoms: Vec<f64> = items
        .iter()
        .map(|li| {
            let gap = gap_after.map_or(0.0, |top| top.max(px(li, "margin-bottom")));
            li.get_bounding_client_rect().bottom() + gap
        })
        .collect();
    let shown = items_that_fit(&bottoms, tail, limit);
    if shown > 0 || items.is_empty() {
        return Fitted { shown, clamp: None };
    }
    // Not even the first whole: its text cut to the lines there are.
    let text = match first.text {
        Some(sel) => items[0].query_selector(sel).ok().flatten(),
        None => Some(items[0].clone()),
    };
    let Some(text) = text else {
        return nothing;
    };
    let line_height = match px(&text, "line-height") {
        lh if lh > 0.0 => lh,
        _ => 1.3 * px(&text, "font-size"),
    };
    let lines = (text.get_bounding_client_rect().height() / line_height.max(1.0)).round();
    let over = bottoms[0] + tail - limit;
    match cut_lines(lines, over, line_height, first) {
        Some(c) => Fitted {
            shown: 1,
            clamp: Some(c),
        },
        None => nothing,
    }
}

/// What a list in `section` shows on the projector, fitted for `key` (what it shows: a new key
/// measures again); `None` while it is being measured (then it lays out every candidate item)
/// or when `key` is `None` (not on the projector: nothing is measured).
#[hook]
pub fn use_fitted_list<K>(section: NodeRef, key: Option<K>, first: FirstItem) -> Option<Fitted>
where
    K: PartialEq + Clone + 'static,
{
    let fitted = use_state(|| None::<Rc<(K, Fitted)>>);
    // A window of another size (the projector going full screen) lays the list out again.
    {
        let fitted = fitted.clone();
        use_on_resize(move || fitted.set(None));
    }
    let now = match (&key, fitted.as_ref()) {
        (Some(k), Some(f)) if f.0 == *k => Some(f.1),
        _ => None,
    };
    // Not fitted for this key yet: measured after this render, drawn again before the browser
    // paints.
    {
        let fitted = fitted.clone();
        let pending = key.filter(|_| now.is_none());
        use_effect(move || {
            if let (Some(key), Some(el)) = (pending, section.cast::<Element>()) {
                let f = measure(&el, first);
                fitted.set(Some(Rc::new((key, f))));
            }
        });
    }
    now
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_shown_while_they_end_above_the_room() {
        // Items ending at 300, 500, 700 px; a legend of 50 under them; the room ends at 760.
        assert_eq!(items_that_fit(&[300.0, 500.0, 700.0], 50.0, 760.0), 3);
        assert_eq!(items_that_fit(&[300.0, 500.0, 700.0], 50.0, 749.0), 2);
        // Half a pixel of rounding.
        assert_eq!(items_that_fit(&[300.0, 500.0, 700.4], 50.0, 750.0), 3);
        assert_eq!(items_that_fit(&[800.0], 0.0, 760.0), 0);
        assert_eq!(items_that_fit(&[], 0.0, 760.0), 0);
    }

    #[test]
    fn a_first_item_too_tall_is_cut_to_the_lines_there_are() {
        let always = FirstItem {
            text: None,
            min_lines: 0,
        };
        let two = FirstItem {
            text: None,
            min_lines: 2,
        };
        // Eight lines of 40 px, 90 px too many: three lines go.
        assert_eq!(cut_lines(8.0, 90.0, 40.0, always), Some(5));
        assert_eq!(cut_lines(8.0, 90.0, 40.0, two), Some(5));
        // Only one line would be left: a list that needs two shows nothing, one that always
        // shows its first item keeps a line.
        assert_eq!(cut_lines(3.0, 81.0, 40.0, two), None);
        assert_eq!(cut_lines(3.0, 81.0, 40.0, always), Some(1));
        assert_eq!(cut_lines(1.0, 300.0, 40.0, always), Some(1));
    }
}
