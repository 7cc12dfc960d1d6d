//! What divides the groups: each divisive statement with one agree / disagree / pass bar per
//! group and, under the statement or its bars, how each group leans on it ("A mostly agrees, B
//! is split"), worded from that statement's own bars so a sentence never contradicts a bar. Colours are
//! colour-blind safe (Okabe–Ito blue for agree, vermillion for disagree, a light grey for pass)
//! with a second cue: disagree is hatched, pass dotted, and every segment is labelled with its
//! icon (✓ ✗ ○) and share.

use polyphony_protocol::{DivisiveView, GroupName, GroupStance};
use yew::prelude::*;

use crate::components::list_fit::{use_fitted_list, FirstItem};
use crate::components::Tr;
use crate::group_colour;
use crate::i18n::{fill, t, Key, Lang};
use crate::state::controls::{shares, Lean};
use crate::state::projector::leans;
use crate::state::{text_lines, Fit};

/// Width of the bars beside each statement on the projector, in ems (as `style.css`).
const BARS_EMS: f64 = 21.0;

/// The words under a statement: each group's lean on it, as keys and values ("A · Safety first
/// mostly agrees", "B is split"), in the statement's group order.
fn lean_words(groups: &[GroupStance], names: &[GroupName]) -> Vec<(Key, String)> {
    leans(groups)
        .into_iter()
        .map(|(g, l)| {
            let k = match l {
                Lean::Agrees => Key::MostlyAgrees,
                Lean::Disagrees => Key::MostlyDisagrees,
                Lean::Split => Key::IsSplit,
            };
            let name = names
                .iter()
                .find(|n| n.group == g.group && !n.name.trim().is_empty())
                .map(|n| format!("{} · {}", g.label, n.name.trim()))
                .unwrap_or_else(|| g.label.clone());
            (k, name)
        })
        .collect()
}

/// The separator between two groups' words.
fn joiner(lang: Lang) -> &'static str {
    match lang {
        Lang::ZhTw | Lang::Ja => "、",
        Lang::En | Lang::Ko => ", ",
    }
}

/// The separator split where a line may break: its mark stays with the group's words before it
/// (a line never starts with ", "), its space (English, Korean) comes after.
fn joiner_parts(lang: Lang) -> (&'static str, &'static str) {
    let j = joiner(lang);
    let mark = j.trim_end();
    (mark, &j[mark.len()..])
}

/// The words under a statement as one string (for fitting the screen).
pub fn leans_text(lang: Lang, groups: &[GroupStance], names: &[GroupName]) -> String {
    lean_words(groups, names)
        .into_iter()
        .map(|(k, name)| fill(t(lang, k), &[("group", name)]))
        .collect::<Vec<_>>()
        .join(joiner(lang))
}

/// Where the groups' words go beside a statement on the projector: under the statement
/// (`false`) when it is short, under the bars (`true`) when the statement is the taller (by an
/// estimate of its lines), so the words take no line of their own when they need not.
fn words_under_bars(lang: Lang, d: &DivisiveView, names: &[GroupName], fit: Fit) -> bool {
    let left = fit.cols - BARS_EMS - 3.5;
    let words = leans_text(lang, &d.groups, names);
    let text = text_lines(&d.statement.text, left);
    let bars = 1.3 * d.groups.len() as f64;
    let under_text = (text + text_lines(&words, left)).max(bars);
    let under_bars = text.max(bars + text_lines(&words, BARS_EMS));
    under_bars < under_text
}

/// Divisive statements and how many to show.
#[derive(Properties, PartialEq)]
pub struct DivisiveProps {
    /// The UI language.
    pub lang: Lang,
    /// The statements, most divisive first.
    pub items: Vec<DivisiveView>,
    /// At most this many.
    pub limit: usize,
    /// On the projector: the room the list has (its width places the groups' words; how many
    /// statements fit is measured on the page).
    #[prop_or_default]
    pub fit: Option<Fit>,
    /// The facilitator's names for the groups (shown beside their letters).
    #[prop_or_default]
    pub names: Vec<GroupName>,
}

/// One bar per group: its letter, the agree / disagree / pass segments (each with a pattern)
/// and every segment's share as an icon and a number.
pub fn stance_bars(lang: Lang, groups: &[GroupStance]) -> Html {
    html! {
        <div class="bars">
            { for groups.iter().map(|g| {
                let [a, d, p] = shares(g);
                let aria = fill(t(lang, Key::BarAria), &[("group", g.label.clone()), ("agree", a.to_string()),
                    ("disagree", d.to_string()), ("pass", p.to_string())]);
                html! {
                    <div class="bar-row" data-group={g.label.clone()}>
                        <span class="letter" style={format!("--group:{}", group_colour(&g.label))}>{ g.label.clone() }</span>
                        <div class="bar" role="img" aria-label={aria}>
                            <div class="agree-part" style={format!("width:{a}%")}></div>
                            <div class="disagree-part" style={format!("width:{d}%")}></div>
                            <div class="pass-part" style={format!("width:{p}%")}></div>
                        </div>
                        <span class="seg-labels" aria-hidden="true">
                            <span class="seg-label agree-label"><span class="icon">{ "✓" }</span>{ format!("{a}%") }</span>
                            <span class="seg-label disagree-label"><span class="icon">{ "✗" }</span>{ format!("{d}%") }</span>
                            <span class="seg-label pass-label"><span class="icon">{ "○" }</span>{ format!("{p}%") }</span>
                        </span>
                    </div>
                }
            }) }
        </div>
    }
}

/// The legend of the bars: each segment's swatch (colour and pattern), icon and word.
pub fn stance_legend(lang: Lang) -> Html {
    html! {
        <p class="legend">
            <span class="swatch agree-swatch" aria-hidden="true"></span><span class="icon" aria-hidden="true">{ "✓" }</span><Tr lang={lang} k={Key::Agree} />
            <span class="swatch disagree-swatch" aria-hidden="true"></span><span class="icon" aria-hidden="true">{ "✗" }</span><Tr lang={lang} k={Key::Disagree} />
            <span class="swatch pass-swatch" aria-hidden="true"></span><span class="icon" aria-hidden="true">{ "○" }</span><Tr lang={lang} k={Key::Pass} />
        </p>
    }
}

/// "A · Safety first   B · Freedom": the names the facilitator gave, beside their letters.
pub fn group_names_line(names: &[GroupName], labels: &[(u32, String)]) -> Html {
    let named: Vec<(String, String)> = labels
        .iter()
        .filter_map(|(id, label)| {
            names
                .iter()
                .find(|n| n.group == *id && !n.name.trim().is_empty())
                .map(|n| (label.clone(), n.name.clone()))
        })
        .collect();
    if named.is_empty() {
        return html! {};
    }
    html! {
        <p class="group-names">{ for named.into_iter().map(|(label, name)| html! {
            <span class="named" data-group={label.clone()}>
                <span class="letter" style={format!("--group:{}", group_colour(&label))}>{ label.clone() }</span>{ name }
            </span>
        }) }</p>
    }
}

/// The most divisive statements.
#[component]
pub fn Divisive(p: &DivisiveProps) -> Html {
    let lang = p.lang;
    // On the projector, as many as the screen has room for, measured; the first always shows.
    let section = use_node_ref();
    let key = p
        .fit
        .map(|fit| (p.items.clone(), p.names.clone(), lang, fit, p.limit));
    let first = FirstItem {
        text: Some(".statement-text"),
        min_lines: 0,
    };
    let fitted = use_fitted_list(section.clone(), key, first);
    if p.items.is_empty() {
        return html! { <p class="hint"><Tr lang={lang} k={Key::NoGroupsYet} /></p> };
    }
    let (limit, clamp) = match fitted {
        Some(f) => (
            p.limit.min(f.shown),
            f.clamp.map(|c| format!("--clamp:{c}")),
        ),
        None => (p.limit, None),
    };
    let labels: Vec<(u32, String)> = p
        .items
        .first()
        .map(|d| {
            d.groups
                .iter()
                .map(|g| (g.group, g.label.clone()))
                .collect()
        })
        .unwrap_or_default();
    html! {
        <section ref={section} class="divisive" id="divisive" style={clamp}
            data-fitted={p.fit.map(|_| fitted.is_some().to_string())}>
            <div class="divisive-head">
                <h2><Tr lang={lang} k={Key::DivisiveTitle} /></h2>
                { group_names_line(&p.names, &labels) }
            </div>
            <ol>{ for p.items.iter().take(limit).map(|d| {
                let words = lean_words(&d.groups, &p.names);
                let last = words.len().saturating_sub(1);
                let under_bars = p.fit.is_some_and(|fit| words_under_bars(lang, d, &p.names, fit));
                let (mark, space) = joiner_parts(lang);
                // Each group's words kept whole (`.lean`, inline-block) with the mark after them.
                let words = html! {
                    <p class="leans">{ for words.into_iter().enumerate().map(|(i, (k, name))| html! {
                        <>
                            <span class="lean"><Tr lang={lang} k={k} args={vec![("group", name)]} />
                                if i < last { { mark } }</span>
                            if i < last { { space } }
                        </>
                    }) }</p>
                };
                html! {
                    <li data-statement={d.statement.id.to_string()} data-words={if under_bars { "bars" } else { "statement" }}>
                        <div class="statement-cell">
                            <p class="statement-text">{ d.statement.text.clone() }</p>
                            if !under_bars { { words.clone() } }
                        </div>
                        <div class="bars-cell">
                            { stance_bars(lang, &d.groups) }
                            if under_bars { { words } }
                        </div>
                    </li>
                }
            }) }</ol>
            { stance_legend(lang) }
        </section>
    }
}
