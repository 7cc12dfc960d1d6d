//! What the whole room shares: whole statements that fit, or, when none does, the first cut to
//! the room there is.

use polyphony_protocol::{ConsensusView, Stance};
use yew::prelude::*;

use crate::components::list_fit::{use_fitted_list, FirstItem};
use crate::components::{Tr, ViewProps};
use crate::i18n::Key;
use crate::state::{how_many, lines_with, Fit};

/// How many consensus statements fit `fit` (a heading, then whole statements only), by an
/// estimate of their lines: where the groups stage puts the list (under the map or beside it);
/// how many it then shows is measured ([`Consensus`]).
pub fn consensus_that_fit(items: &[ConsensusView], fit: Fit) -> usize {
    how_many(
        items
            .iter()
            .map(|c| lines_with(12.0, &c.statement.text, fit.cols - 1.0) + 0.3),
        fit.lines - 1.8,
    )
}

/// What the list shows in `fit`: how many statements, and, when not even the first fits whole
/// but two lines do, that one cut to the lines there are (`Some(lines)`).
pub fn consensus_shown(items: &[ConsensusView], fit: Fit) -> (usize, Option<f64>) {
    let whole = consensus_that_fit(items, fit);
    let room = (fit.lines - 1.8 - 0.3).floor();
    if whole > 0 || items.is_empty() || room < 2.0 {
        (whole, None)
    } else {
        (1, Some(room))
    }
}

/// The statements every group agrees (or disagrees) on. On the projector, as many as the screen
/// has room for, measured on the page (what is above the list, the group cards or the map,
/// changes with the view); when not even the first fits whole, it is cut to the lines there are
/// if that leaves two.
#[component]
pub fn Consensus(p: &ViewProps) -> Html {
    let lang = p.lang;
    let section = use_node_ref();
    let key = p.fit.map(|fit| (p.view.clone(), lang, fit, p.limit));
    let first = FirstItem {
        text: None,
        min_lines: 2,
    };
    let fitted = use_fitted_list(section.clone(), key, first);
    let (limit, clamp) = match fitted {
        Some(f) => (p.limit.min(f.shown), f.clamp),
        None => (p.limit, None),
    };
    if p.view.consensus.is_empty() || limit == 0 {
        return html! {};
    }
    html! {
        <section ref={section} class="consensus" id="consensus" style={clamp.map(|c| format!("--clamp:{c}"))}
            data-fitted={p.fit.map(|_| fitted.is_some().to_string())}>
            <h2><Tr lang={lang} k={Key::ConsensusTitle} /></h2>
            <ul>{ for p.view.consensus.iter().take(limit).map(|c| {
                let k = if c.stance == Stance::Agree { Key::EveryoneAgrees } else { Key::EveryoneDisagrees };
                html! { <li><strong class="share"><Tr lang={lang} k={k} args={vec![("percent", c.percent.to_string())]} /></strong>{ format!(" {}", crate::i18n::quoted(lang, &c.statement.text)) }</li> }
            }) }</ul>
        </section>
    }
}
