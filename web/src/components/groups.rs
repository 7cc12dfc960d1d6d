//! The opinion groups: one card per group with what it stands for.

use polyphony_protocol::{GroupReason, Stance};
use yew::prelude::*;

use crate::components::{Tr, ViewProps};
use crate::group_colour;
use crate::i18n::{Key, Lang};

/// One card per group: its letter, size and the statements that set it apart.
#[component]
pub fn GroupCards(p: &ViewProps) -> Html {
    let lang = p.lang;
    if p.view.groups.is_empty() {
        return html! { <p class="hint" id="no-groups"><Tr lang={lang} k={Key::NoGroupsYet} /></p> };
    }
    html! {
        <section class="group-cards" id="groups">
            <h2><Tr lang={lang} k={Key::GroupsTitle} /></h2>
            { for p.view.groups.iter().map(|g| html! {
                <article class="group-card" data-group={g.label.clone()} style={format!("--group:{}", group_colour(&g.label))}>
                    <h3><span class="letter">{ g.label.clone() }</span>
                        <Tr lang={lang} k={Key::GroupName} args={vec![("group", g.label.clone())]} />
                        { " · " }<Tr lang={lang} k={Key::People} args={vec![("n", g.size.to_string())]} /></h3>
                    <ul>{ for g.representative.iter().take(3).map(|r| html! { <li>{ reason_text(lang, r) }</li> }) }</ul>
                </article>
            }) }
        </section>
    }
}

/// A reason a group stands apart: “statement” and how many of the group agree or disagree.
pub fn reason_text(lang: Lang, r: &GroupReason) -> Html {
    let k = match r.stance {
        Stance::Agree => Key::StanceAgree,
        Stance::Disagree => Key::StanceDisagree,
    };
    html! {
        <>
            { format!("“{}” ", r.statement.text) }
            <Tr lang={lang} k={k} args={vec![("percent", r.percent.to_string())]} />
        </>
    }
}
