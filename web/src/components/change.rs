//! How the room changed (the report stage): who changed group, the largest shifts per group and
//! statement, consensus gained and lost, each as one plain sentence.

use polyphony_protocol::{ChangeView, RoomView};
use yew::prelude::*;

use crate::components::{stage_key, Tr};
use crate::i18n::{fill, t, Key, Lang};
use crate::state::controls::{group_title, shift_moved, shift_reading};
use crate::state::{how_many, text_lines, Fit};

/// Whether a change has anything to say (a group change, a shift, consensus gained or lost).
pub fn change_worth_showing(c: &ChangeView) -> bool {
    c.moved > 0
        || c.shifts.iter().any(shift_moved)
        || !c.consensus_gained.is_empty()
        || !c.consensus_lost.is_empty()
}

/// The room and its change.
#[derive(Properties, PartialEq)]
pub struct ChangeProps {
    /// The UI language.
    pub lang: Lang,
    /// The room view (its `change`, and the group names).
    pub view: RoomView,
    /// On the projector: the room the sentences have, so it shows only what fits.
    #[prop_or_default]
    pub fit: Option<Fit>,
}

/// The change in plain sentences.
#[component]
pub fn ChangeSummary(p: &ChangeProps) -> Html {
    let lang = p.lang;
    let Some(c) = &p.view.change else {
        return html! {};
    };
    let controls = p.view.room.as_ref().map(|r| &r.controls);
    // Each sentence: its class, its key and values.
    type Sentence = (&'static str, Key, Vec<(&'static str, String)>);
    let mut lines: Vec<Sentence> = Vec::new();
    for s in c.shifts.iter().filter(|s| shift_moved(s)) {
        let (agreeing, before, after) = shift_reading(s);
        let k = if agreeing {
            Key::ChangeShiftAgree
        } else {
            Key::ChangeShiftDisagree
        };
        let group = group_title(controls, Some(s.group), &s.label);
        lines.push((
            "shift",
            k,
            vec![
                ("group", group),
                ("before", before.to_string()),
                ("after", after.to_string()),
                ("statement", s.statement.text.clone()),
            ],
        ));
    }
    for s in &c.consensus_gained {
        lines.push((
            "gained",
            Key::ChangeGained,
            vec![("statement", s.text.clone())],
        ));
    }
    for s in &c.consensus_lost {
        lines.push(("lost", Key::ChangeLost, vec![("statement", s.text.clone())]));
    }
    let shown = match p.fit {
        Some(fit) => how_many(
            lines
                .iter()
                .map(|(_, k, args)| text_lines(&fill(t(lang, *k), args), fit.cols - 1.0) + 0.3),
            fit.lines - 4.2,
        ),
        None => lines.len(),
    };
    let nothing = !change_worth_showing(c);
    html! {
        <section class="change" id="change">
            <h2><Tr lang={lang} k={Key::ChangeTitle} /></h2>
            <p class="since"><Tr lang={lang} k={Key::ChangeSince} args={vec![("stage", t(lang, stage_key(c.since)).to_string())]} /></p>
            if nothing { <p class="moved-count"><Tr lang={lang} k={Key::ChangeNone} /></p> }
            else { <p class="moved-count" id="change-moved"><Tr lang={lang} k={Key::ChangeMoved} args={vec![("n", c.moved.to_string())]} /></p> }
            <ul>{ for lines.into_iter().take(shown).map(|(class, k, args)| html! {
                <li class={class}><Tr lang={lang} k={k} args={args} /></li>
            }) }</ul>
        </section>
    }
}
