//! What divides the groups: each divisive statement with one agree / disagree bar per group.

use polyphony_protocol::{DivisiveView, GroupStance};
use yew::prelude::*;

use crate::components::Tr;
use crate::group_colour;
use crate::i18n::{Key, Lang};
use crate::state::{how_many, text_lines, Fit};

/// Width of the bars beside each statement on the projector, in ems (as `style.css`).
const BARS_EMS: f64 = 18.0;

/// How many divisive statements fit `fit` (a heading and the legend, then each statement beside
/// its bars; the first is always shown, cut to the room there is), and that room in lines.
pub fn divisive_that_fit(items: &[DivisiveView], fit: Fit) -> (usize, f64) {
    let room = fit.lines - 3.4;
    let costs = items.iter().map(|d| {
        let text = text_lines(&d.statement.text, fit.cols - BARS_EMS - 3.5);
        text.max(1.3 * d.groups.len() as f64) + 0.6
    });
    (
        how_many(costs, room).max(usize::from(!items.is_empty())),
        (room - 0.6).floor(),
    )
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
    /// On the projector: the room the list has, so it shows only what fits.
    #[prop_or_default]
    pub fit: Option<Fit>,
}

fn stance_bars(lang: Lang, groups: &[GroupStance]) -> Html {
    html! {
        <div class="bars">
            { for groups.iter().map(|g| {
                let agree = if g.seen == 0 { 0.0 } else { 100.0 * f64::from(g.agree) / f64::from(g.seen) };
                let disagree = if g.seen == 0 { 0.0 } else { 100.0 * f64::from(g.disagree) / f64::from(g.seen) };
                html! {
                    <div class="bar-row">
                        <span class="letter" style={format!("--group:{}", group_colour(&g.label))}>{ g.label.clone() }</span>
                        <div class="bar" role="img" aria-label={format!("{}: {:.0}% / {:.0}%", g.label, agree, disagree)}>
                            <div class="agree-part" style={format!("width:{agree:.1}%")}></div>
                            <div class="disagree-part" style={format!("width:{disagree:.1}%")}></div>
                        </div>
                        <span class="pct"><Tr lang={lang} k={Key::StanceAgree} args={vec![("percent", format!("{agree:.0}"))]} /></span>
                    </div>
                }
            }) }
        </div>
    }
}

/// The most divisive statements.
#[component]
pub fn Divisive(p: &DivisiveProps) -> Html {
    let lang = p.lang;
    if p.items.is_empty() {
        return html! { <p class="hint"><Tr lang={lang} k={Key::NoGroupsYet} /></p> };
    }
    let (limit, clamp) = match p.fit {
        Some(fit) => {
            let (n, clamp) = divisive_that_fit(&p.items, fit);
            (p.limit.min(n), Some(format!("--clamp:{clamp:.0}")))
        }
        None => (p.limit, None),
    };
    html! {
        <section class="divisive" id="divisive" style={clamp}>
            <h2><Tr lang={lang} k={Key::DivisiveTitle} /></h2>
            <ol>{ for p.items.iter().take(limit).map(|d| html! {
                <li>
                    <p class="statement-text">{ d.statement.text.clone() }</p>
                    { stance_bars(lang, &d.groups) }
                </li>
            }) }</ol>
            <p class="legend"><span class="agree-swatch"></span><Tr lang={lang} k={Key::Agree} />
               <span class="disagree-swatch"></span><Tr lang={lang} k={Key::Disagree} /></p>
        </section>
    }
}
