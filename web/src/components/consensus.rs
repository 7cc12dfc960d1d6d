//! What the whole room shares.

use polyphony_protocol::Stance;
use yew::prelude::*;

use crate::components::{Tr, ViewProps};
use crate::i18n::Key;

/// The statements every group agrees (or disagrees) on.
#[component]
pub fn Consensus(p: &ViewProps) -> Html {
    let lang = p.lang;
    if p.view.consensus.is_empty() {
        return html! {};
    }
    html! {
        <section class="consensus" id="consensus">
            <h2><Tr lang={lang} k={Key::ConsensusTitle} /></h2>
            <ul>{ for p.view.consensus.iter().take(p.limit).map(|c| {
                let k = if c.stance == Stance::Agree { Key::EveryoneAgrees } else { Key::EveryoneDisagrees };
                html! { <li>{ format!("“{}” ", c.statement.text) }<Tr lang={lang} k={k} args={vec![("percent", c.percent.to_string())]} /></li> }
            }) }</ul>
        </section>
    }
}
