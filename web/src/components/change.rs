//! How the room changed (the report stage): how many people now vote more like another group,
//! then per statement how the people who voted on it both times moved, each compared with
//! themselves (everyone, then each group with its members held fixed), and consensus gained and
//! lost, each as one plain sentence. On the projector, as many items as the screen has room
//! for, measured on the page (`list_fit.rs`): the estimate left half of a 1080p screen empty
//! under one statement while the report listed three; what did not fit is counted beside the
//! heading, "(1 more in the take-away report)".

use polyphony_protocol::{PanelView, RoomControls, RoomView};
use yew::prelude::*;

use crate::components::list_fit::{use_fitted_list, FirstItem};
use crate::components::{stage_key, Tr};
use crate::group_or_none;
use crate::i18n::{t, Key, Lang};
use crate::state::controls::{group_title, panel_moved};
use crate::state::Fit;

pub use crate::state::projector::change_worth_showing;

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

/// One translated sentence: its key and values.
type Sentence = (Key, Vec<(&'static str, String)>);

/// One item of the list: a statement's panel (the sentence for everyone, then one line per group
/// with its group letter) or a consensus gained or lost.
struct Item {
    class: &'static str,
    sentence: Sentence,
    groups: Vec<(String, Sentence)>,
}

/// A panel as its sentence for everyone and one line per group whose people voted both times.
fn panel_item(lang: Lang, controls: Option<&RoomControls>, p: &PanelView) -> Item {
    let e = &p.everyone;
    let sentence = (
        Key::ChangePanel,
        vec![
            ("statement", p.statement.text.clone()),
            ("n", e.answered_both.to_string()),
            ("agree", e.toward_agree.to_string()),
            ("disagree", e.toward_disagree.to_string()),
            ("stayed", e.stayed.to_string()),
        ],
    );
    let groups = p
        .groups
        .iter()
        .filter(|g| g.counts.answered_both > 0)
        .map(|g| {
            let title = if g.label.is_empty() {
                t(lang, Key::NoGroup).to_string()
            } else {
                group_title(controls, g.group, &g.label)
            };
            let line = (
                Key::ChangePanelGroup,
                vec![
                    ("group", title),
                    ("n", g.counts.answered_both.to_string()),
                    ("agree", g.counts.toward_agree.to_string()),
                    ("disagree", g.counts.toward_disagree.to_string()),
                ],
            );
            (g.label.clone(), line)
        })
        .collect();
    Item {
        class: "panel",
        sentence,
        groups,
    }
}

/// The change in plain sentences.
#[component]
pub fn ChangeSummary(p: &ChangeProps) -> Html {
    let lang = p.lang;
    let section = use_node_ref();
    let key = p
        .fit
        .map(|fit| (p.view.change.clone(), p.view.room.clone(), lang, fit));
    // A first item too tall for the screen keeps its groups and has its sentence cut.
    let first = FirstItem {
        text: Some(".sentence"),
        min_lines: 0,
    };
    let fitted = use_fitted_list(section.clone(), key, first);
    let Some(c) = &p.view.change else {
        return html! {};
    };
    let controls = p.view.room.as_ref().map(|r| &r.controls);
    let mut items: Vec<Item> = c
        .panels
        .iter()
        .filter(|panel| panel_moved(&panel.everyone))
        .map(|panel| panel_item(lang, controls, panel))
        .collect();
    let sentence = |class, k, s: &polyphony_protocol::StatementView| Item {
        class,
        sentence: (k, vec![("statement", s.text.clone())]),
        groups: vec![],
    };
    items.extend(
        c.consensus_gained
            .iter()
            .map(|s| sentence("gained", Key::ChangeGained, s)),
    );
    items.extend(
        c.consensus_lost
            .iter()
            .map(|s| sentence("lost", Key::ChangeLost, s)),
    );
    // Whole items only (a panel never shows without its groups), but for a first item too
    // tall, whose sentence is cut.
    let total = items.len();
    let (shown, clamp) = match fitted {
        Some(f) => (f.shown, f.clamp.map(|c| format!("--clamp:{c}"))),
        None => (total, None),
    };
    // On the projector, what did not fit is said to be in the report, beside the heading (a
    // line of its own under the list cost a statement its place). Laid out while the list is
    // measured, so the heading's height is measured with it; then shown only when something
    // was left out.
    let more = match (p.fit, fitted) {
        (Some(_), None) if total > 1 => Some(total),
        (Some(_), Some(f)) if f.shown < total => Some(total - f.shown),
        _ => None,
    };
    let nothing = !change_worth_showing(c);
    html! {
        <section ref={section} class="change" id="change" style={clamp}
            data-fitted={p.fit.map(|_| fitted.is_some().to_string())}>
            <h2><Tr lang={lang} k={Key::ChangeTitle} />
                if let Some(n) = more {
                    { " " }<span class="change-more" id="change-more" data-more={n.to_string()}><Tr lang={lang} k={Key::ChangeMore} args={vec![("n", n.to_string())]} /></span>
                }
            </h2>
            <p class="since"><Tr lang={lang} k={Key::ChangeSince} args={vec![("stage", t(lang, stage_key(c.since)).to_string())]} /></p>
            if nothing { <p class="moved-count"><Tr lang={lang} k={Key::ChangeNone} /></p> }
            else if c.moved == 0 { <p class="moved-count" id="change-moved"><Tr lang={lang} k={Key::ChangeMovedNone} /></p> }
            else { <p class="moved-count" id="change-moved"><Tr lang={lang} k={Key::ChangeMoved} args={vec![("n", c.moved.to_string())]} /></p> }
            <ul>{ for items.into_iter().take(shown).map(|item| {
                let (k, args) = item.sentence;
                html! {
                    <li class={item.class}>
                        <div class="sentence"><Tr lang={lang} k={k} args={args} /></div>
                        if !item.groups.is_empty() {
                            <ul class="panel-groups">{ for item.groups.into_iter().map(|(label, (k, args))| html! {
                                <li data-group={label.clone()}
                                    style={format!("border-left-color:{}", group_or_none(&label))}>
                                    <Tr lang={lang} k={k} args={args} />
                                </li>
                            }) }</ul>
                        }
                    </li>
                }
            }) }</ul>
        </section>
    }
}
