//! The opinion groups: one card per group with what it stands for.

use polyphony_protocol::{GroupReason, GroupView, Stance};
use yew::prelude::*;

use crate::components::{Tr, ViewProps};
use crate::group_colour;
use crate::i18n::{Key, Lang};
use crate::state::controls::name_of_label;
use crate::state::{how_many, lines_with, Fit};

/// Lines a group card takes besides its statements (its heading and the gap after it).
const CARD_LINES: f64 = 1.6;
/// Lines the section heading takes.
const HEADING_LINES: f64 = 1.8;

/// How many of each group's reasons fit `fit`, and how many lines the first one may take (it is
/// shown even when long, cut to that many lines).
pub fn reasons_that_fit(groups: &[GroupView], fit: Fit) -> (Vec<usize>, f64) {
    let n = groups.len().max(1) as f64;
    let per_group = ((fit.lines - HEADING_LINES) / n - CARD_LINES)
        .floor()
        .max(1.0);
    let shown = groups
        .iter()
        .map(|g| {
            let costs = g
                .representative
                .iter()
                .take(3)
                .map(|r| lines_with(6.0, &r.statement.text, fit.cols - 2.0) + 0.2);
            how_many(costs, per_group).max(usize::from(!g.representative.is_empty()))
        })
        .collect();
    (shown, per_group)
}

/// The lines the group cards take on the projector (what is left goes to other lists).
pub fn group_cards_lines(groups: &[GroupView], fit: Fit) -> f64 {
    let (shown, per_group) = reasons_that_fit(groups, fit);
    let reasons: f64 = groups
        .iter()
        .zip(&shown)
        .map(|(g, &k)| {
            let l: f64 = g
                .representative
                .iter()
                .take(k)
                .map(|r| lines_with(6.0, &r.statement.text, fit.cols - 2.0) + 0.2)
                .sum();
            l.min(per_group)
        })
        .sum();
    HEADING_LINES + CARD_LINES * groups.len() as f64 + reasons
}

/// One card per group: its letter, size and the statements that set it apart.
#[component]
pub fn GroupCards(p: &ViewProps) -> Html {
    let lang = p.lang;
    if p.view.groups.is_empty() {
        return html! { <p class="hint" id="no-groups"><Tr lang={lang} k={Key::NoGroupsYet} /></p> };
    }
    let (shown, clamp) = match p.fit {
        Some(fit) => reasons_that_fit(&p.view.groups, fit),
        None => (vec![3; p.view.groups.len()], 0.0),
    };
    let style = (clamp > 0.0).then(|| format!("--clamp:{clamp:.0}"));
    html! {
        <section class="group-cards" id="groups" style={style}>
            <h2><Tr lang={lang} k={Key::GroupsTitle} /></h2>
            { for p.view.groups.iter().zip(shown).map(|(g, k)| html! {
                <article class="group-card" data-group={g.label.clone()} style={format!("--group:{}", group_colour(&g.label))}>
                    <h3><span class="letter">{ g.label.clone() }</span>
                        if let Some(name) = name_of_label(&p.view, &g.label) { <span class="group-name">{ name.to_string() }</span> }
                        else { <Tr lang={lang} k={Key::GroupName} args={vec![("group", g.label.clone())]} /> }
                        { " · " }<Tr lang={lang} k={Key::People} args={vec![("n", g.size.to_string())]} /></h3>
                    <ul>{ for g.representative.iter().take(k).map(|r| html! { <li>{ reason_text(lang, r) }</li> }) }</ul>
                </article>
            }) }
        </section>
    }
}

/// A reason a group stands apart: how many of the group agree or disagree, then “statement”
/// (the share first, so a statement cut short on the projector never hides it).
pub fn reason_text(lang: Lang, r: &GroupReason) -> Html {
    let k = match r.stance {
        Stance::Agree => Key::StanceAgree,
        Stance::Disagree => Key::StanceDisagree,
    };
    html! {
        <>
            <strong class="share"><Tr lang={lang} k={k} args={vec![("percent", r.percent.to_string())]} /></strong>
            { format!(" {}", crate::i18n::quoted(lang, &r.statement.text)) }
        </>
    }
}
