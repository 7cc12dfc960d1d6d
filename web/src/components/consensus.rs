//! What the whole room shares.

use polyphony_protocol::{ConsensusView, Stance};
use yew::prelude::*;

use crate::components::{Tr, ViewProps};
use crate::i18n::Key;
use crate::state::{how_many, lines_with, Fit};

/// How many consensus statements fit `fit` (a heading, then whole statements only).
pub fn consensus_that_fit(items: &[ConsensusView], fit: Fit) -> usize {
    how_many(
        items
            .iter()
            .map(|c| lines_with(12.0, &c.statement.text, fit.cols - 1.0) + 0.3),
        fit.lines - 1.8,
    )
}

/// The statements every group agrees (or disagrees) on.
#[component]
pub fn Consensus(p: &ViewProps) -> Html {
    let lang = p.lang;
    let limit = match p.fit {
        Some(fit) => p.limit.min(consensus_that_fit(&p.view.consensus, fit)),
        None => p.limit,
    };
    if p.view.consensus.is_empty() || limit == 0 {
        return html! {};
    }
    html! {
        <section class="consensus" id="consensus">
            <h2><Tr lang={lang} k={Key::ConsensusTitle} /></h2>
            <ul>{ for p.view.consensus.iter().take(limit).map(|c| {
                let k = if c.stance == Stance::Agree { Key::EveryoneAgrees } else { Key::EveryoneDisagrees };
                html! { <li><strong class="share"><Tr lang={lang} k={k} args={vec![("percent", c.percent.to_string())]} /></strong>{ format!(" “{}”", c.statement.text) }</li> }
            }) }</ul>
        </section>
    }
}
