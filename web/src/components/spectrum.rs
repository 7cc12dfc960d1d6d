//! A spectrum's result: where people placed themselves, by group, round by round, and who moved.

use polyphony_protocol::SpectrumView;
use yew::prelude::*;

use crate::components::Tr;
use crate::group_colour;
use crate::i18n::{Key, Lang};

/// One spectrum.
#[derive(Properties, PartialEq)]
pub struct SpectrumProps {
    /// The UI language.
    pub lang: Lang,
    /// The spectrum.
    pub spectrum: SpectrumView,
}

/// A histogram per round (stacked by group) and the movement between rounds.
#[component]
pub fn Spectrum(p: &SpectrumProps) -> Html {
    let lang = p.lang;
    let sp = &p.spectrum;
    let steps = [
        Key::StronglyDisagree,
        Key::SomewhatDisagree,
        Key::Neutral,
        Key::SomewhatAgree,
        Key::StronglyAgree,
    ];
    let max = sp
        .rounds
        .iter()
        .flat_map(|r| r.counts.iter())
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    // One column per step, each with a bar per round side by side (numbered 1, 2 under the
    // bars), so the step's name is written once and fits a 1920 × 1080 screen in every language.
    let bar = |r: &polyphony_protocol::SpectrumRoundView, i: usize| {
        html! {
            <div class="round" data-round={r.round.to_string()}>
                <div class="bar-area">
                    <div class="stack" style={format!("height:{:.0}%", 100.0 * f64::from(r.counts[i]) / f64::from(max))}>
                        { for r.by_group.iter().filter(|g| g.counts[i] > 0).map(|g| html! {
                            <div class="seg" style={format!("flex:{};background:{}", g.counts[i], if g.label.is_empty() { "#6b6b6b" } else { group_colour(&g.label) })}>
                                { format!("{}{}", g.label, g.counts[i]) }
                            </div>
                        }) }
                    </div>
                </div>
                <span class="round-no" aria-hidden="true">{ r.round }</span>
            </div>
        }
    };
    let legend = sp.rounds.iter().map(|r| {
        let title = if r.round == 1 { Key::RoundOne } else { Key::RoundTwo };
        html! { <span class="round-key"><span class="round-no" aria-hidden="true">{ r.round }</span><Tr lang={lang} k={title} /></span> }
    });
    html! {
        <section class="spectrum" id="spectrum-view">
            <p class="statement-text">{ sp.statement.text.clone() }</p>
            <div class="spectrum-body">
            <div class="rounds">
                <p class="round-legend">{ for legend }</p>
                <div class="histogram">
                    { for (0..5).map(|i| html! {
                        <div class="column">
                            <div class="pair">{ for sp.rounds.iter().map(|r| bar(r, i)) }</div>
                            <span class="step-label"><Tr lang={lang} k={steps[i]} /></span>
                        </div>
                    }) }
                </div>
            </div>
            if !sp.movement.is_empty() {
                <div class="movement" id="movement">
                    <h3><Tr lang={lang} k={Key::MovementTitle} /></h3>
                    <ul>{ for sp.movement.iter().map(|m| html! {
                        <li style={format!("--group:{}", if m.label.is_empty() { "#6b6b6b" } else { group_colour(&m.label) })}>
                            <span class="letter">{ if m.label.is_empty() { "·".to_string() } else { m.label.clone() } }</span>
                            { format!("{:+.1} → {:+.1}  ", m.mean_before, m.mean_after) }
                            <Tr lang={lang} k={Key::MovedAgree} args={vec![("n", m.toward_agree.to_string())]} />{ " · " }
                            <Tr lang={lang} k={Key::MovedDisagree} args={vec![("n", m.toward_disagree.to_string())]} />{ " · " }
                            <Tr lang={lang} k={Key::Stayed} args={vec![("n", m.stayed.to_string())]} />
                        </li>
                    }) }</ul>
                </div>
            }
            </div>
        </section>
    }
}
