//! The spotlight: one statement alone on the projector, in large type, with each group's split
//! when results are shown.

use polyphony_protocol::RoomView;
use yew::prelude::*;

use crate::components::divisive::{group_names_line, stance_bars, stance_legend};
use crate::components::Tr;
use crate::i18n::{Key, Lang};

/// The room and the statement in the spotlight.
#[derive(Properties, PartialEq)]
pub struct SpotlightProps {
    /// The UI language.
    pub lang: Lang,
    /// The room view (the statement's text and per-group tallies).
    pub view: RoomView,
    /// The statement.
    pub statement: u32,
}

/// "Now discussing", the statement large, and its per-group split.
#[component]
pub fn Spotlight(p: &SpotlightProps) -> Html {
    let lang = p.lang;
    let Some(s) = p
        .view
        .statements
        .iter()
        .find(|s| s.statement.id == p.statement)
    else {
        return html! {};
    };
    let controls = p
        .view
        .room
        .as_ref()
        .map(|r| r.controls.clone())
        .unwrap_or_default();
    let split = !controls.results_hidden && !s.groups.is_empty();
    let labels: Vec<(u32, String)> = s
        .groups
        .iter()
        .map(|g| (g.group, g.label.clone()))
        .collect();
    html! {
        <section class="screen-spot" id="spotlight" data-statement={s.statement.id.to_string()}>
            <h2 class="spot-title"><Tr lang={lang} k={Key::SpotlightTitle} /></h2>
            <p class="spot-text">{ s.statement.text.clone() }</p>
            if split {
                <div class="spot-split">
                    { group_names_line(&controls.group_names, &labels) }
                    { stance_bars(lang, &s.groups) }
                    { stance_legend(lang) }
                </div>
            }
        </section>
    }
}
