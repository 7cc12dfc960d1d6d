//! A spectrum's result: where people placed themselves, by group, round by round (any number of
//! rounds), and who moved between the first and the last round, in words (each group's counts of
//! people toward agree and disagree, and its average move in steps of the scale). An open round
//! whose counts are hidden shows only how many people placed themselves.

use polyphony_protocol::{GroupName, SpectrumMovement, SpectrumRoundView, SpectrumView};
use yew::prelude::*;

use crate::components::Tr;
use crate::group_colour;
use crate::i18n::{fill, t, Key, Lang};
use crate::state::controls::{mean_shift, signed_steps};
use crate::state::{how_many, lines_with, text_lines, Fit};

/// The five steps, strongly disagree first.
pub const STEPS: [Key; 5] = [
    Key::StronglyDisagree,
    Key::SomewhatDisagree,
    Key::Neutral,
    Key::SomewhatAgree,
    Key::StronglyAgree,
];

/// Width of the movement column on the projector, in ems (as `style.css`).
const MOVEMENT_EMS: f64 = 22.0;

/// One spectrum.
#[derive(Properties, PartialEq)]
pub struct SpectrumProps {
    /// The UI language.
    pub lang: Lang,
    /// The spectrum.
    pub spectrum: SpectrumView,
    /// The facilitator's names for the groups.
    #[prop_or_default]
    pub names: Vec<GroupName>,
    /// On the projector: the room the spectrum has (the statement above, the rounds and the
    /// movement beside each other below it), so the movement shows only the groups that fit.
    #[prop_or_default]
    pub fit: Option<Fit>,
}

/// The facilitator's name for the movement's group, or "".
fn name_of(m: &SpectrumMovement, names: &[GroupName]) -> String {
    m.group
        .and_then(|id| names.iter().find(|n| n.group == id))
        .map(|n| n.name.trim().to_string())
        .unwrap_or_default()
}

fn title(m: &SpectrumMovement, names: &[GroupName]) -> String {
    match name_of(m, names) {
        n if n.is_empty() => m.label.clone(),
        n => format!("{} · {n}", m.label),
    }
}

/// A group's average move in words: "on average +0.4 steps toward agreeing", "… toward
/// disagreeing", or "on average no shift".
fn average(m: &SpectrumMovement) -> (Key, Vec<(&'static str, String)>) {
    match mean_shift(m.mean_before, m.mean_after) {
        None => (Key::AverageNoShift, vec![]),
        Some(s) if s > 0.0 => (Key::AverageShiftAgree, vec![("steps", signed_steps(s))]),
        Some(s) => (Key::AverageShiftDisagree, vec![("steps", signed_steps(s))]),
    }
}

/// Lines one group's movement takes in the movement column (the group and its average move in
/// words, then the counts).
fn movement_cost(lang: Lang, m: &SpectrumMovement, names: &[GroupName]) -> f64 {
    let counts = fill(
        t(lang, Key::MovedCounts),
        &[
            ("agree", m.toward_agree.to_string()),
            ("disagree", m.toward_disagree.to_string()),
            ("stayed", m.stayed.to_string()),
        ],
    );
    let (k, args) = average(m);
    let avg = fill(t(lang, k), &args);
    lines_with(2.0, &format!("{} {avg}", title(m, names)), MOVEMENT_EMS)
        + lines_with(0.0, &counts, MOVEMENT_EMS)
        + 0.3
}

/// A histogram per round (stacked by group) and the movement between rounds.
#[component]
pub fn Spectrum(p: &SpectrumProps) -> Html {
    let lang = p.lang;
    let sp = &p.spectrum;
    let shown: Vec<&SpectrumRoundView> = sp.rounds.iter().filter(|r| !r.hidden).collect();
    let hidden: Vec<&SpectrumRoundView> = sp.rounds.iter().filter(|r| r.hidden).collect();
    let max = shown
        .iter()
        .flat_map(|r| r.counts.iter())
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    // One column per step, each with a bar per round side by side (numbered under the bars), so
    // the step's name is written once and fits a 1920 × 1080 screen in every language.
    let bar = |r: &SpectrumRoundView, i: usize| {
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
    let legend = match (shown.first(), shown.last()) {
        (Some(first), Some(last)) if shown.len() > 1 => html! {
            <Tr lang={lang} k={Key::RoundsLegend} args={vec![("first", first.round.to_string()), ("last", last.round.to_string())]} />
        },
        (Some(only), _) => {
            html! { <Tr lang={lang} k={Key::Round} args={vec![("round", only.round.to_string())]} /> }
        }
        _ => html! {},
    };
    // An open round whose counts are hidden: only how many placed themselves.
    let placards = hidden.iter().map(|r| {
        html! {
            <p class="placed" data-round={r.round.to_string()} id={format!("placed-{}", r.round)}>
                <strong><Tr lang={lang} k={Key::RoundPlaced} args={vec![("round", r.round.to_string()), ("n", r.placed.to_string())]} /></strong>
                { " " }<Tr lang={lang} k={Key::RoundHiddenNote} />
            </p>
        }
    });
    // Below the statement (1.6 times the body text, line height 1.25): the heading, then
    // whole groups only.
    let movement_shown = match p.fit {
        Some(fit) => {
            let statement = text_lines(&sp.statement.text, fit.cols / 1.6) * 1.6 * 1.25 / 1.3 + 0.3;
            how_many(
                sp.movement.iter().map(|m| movement_cost(lang, m, &p.names)),
                fit.lines - statement - 1.8,
            )
        }
        None => sp.movement.len(),
    };
    html! {
        <section class="spectrum" id="spectrum-view" data-rounds={sp.rounds.len().to_string()}>
            <p class="statement-text">{ sp.statement.text.clone() }</p>
            <div class="spectrum-body">
            <div class="rounds">
                if shown.is_empty() {
                    <div class="placed-only">{ for placards }</div>
                } else {
                    <p class="round-legend">{ legend }</p>
                    { for placards }
                    <div class="histogram">
                        { for (0..5).map(|i| html! {
                            <div class="column">
                                <div class="pair">{ for shown.iter().map(|r| bar(r, i)) }</div>
                                <span class="step-label"><Tr lang={lang} k={STEPS[i]} /></span>
                            </div>
                        }) }
                    </div>
                }
            </div>
            if !sp.movement.is_empty() && movement_shown > 0 {
                <div class="movement" id="movement">
                    <h3><Tr lang={lang} k={Key::MovementBetween} args={vec![("from", sp.movement_from.to_string()), ("to", sp.movement_to.to_string())]} /></h3>
                    <ul>{ for sp.movement.iter().take(movement_shown).map(|m| {
                        let (average_key, average_args) = average(m);
                        html! {
                            <li style={format!("--group:{}", if m.label.is_empty() { "#6b6b6b" } else { group_colour(&m.label) })}
                                data-group={m.label.clone()}>
                                <p class="who">
                                    if m.label.is_empty() { <Tr lang={lang} k={Key::NoGroup} /> }
                                    else { <span class="letter">{ m.label.clone() }</span>{ name_of(m, &p.names) } }
                                    { " " }<span class="average"><Tr lang={lang} k={average_key} args={average_args} /></span>
                                </p>
                                <p class="moved">
                                    <Tr lang={lang} k={Key::MovedCounts} args={vec![("agree", m.toward_agree.to_string()),
                                        ("disagree", m.toward_disagree.to_string()), ("stayed", m.stayed.to_string())]} />
                                </p>
                            </li>
                        }
                    }) }</ul>
                </div>
            }
            </div>
        </section>
    }
}
