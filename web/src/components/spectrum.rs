//! A spectrum's result, read from the back of the room: the latest round whose counts are out,
//! its round said once in the panel's title, each of the five steps with how many people stand
//! there in large type ("4 people") and who they are by group ("A 3", "B 1": the group's colour
//! and letter beside its share of the bar), the first round's bars as dashed outlines (with
//! their counts) when more rounds ran, which wall of the room is which, and who moved between
//! the first and the last round, in words (each group's counts of people toward agree and
//! disagree, and its average move in steps of the scale). While a round is open with its counts
//! hidden, the screen is about that round: which wall is which, and how many people placed
//! themselves, large; earlier rounds' results and the movement wait until it is revealed.

use polyphony_protocol::{GroupName, SpectrumMovement, SpectrumRoundView, SpectrumView};
use yew::prelude::*;

use crate::components::Tr;
use crate::group_or_none;
use crate::i18n::{fill, t, Key, Lang};
use crate::state::controls::{mean_shift, shift_steps};
use crate::state::fit::text_width;
use crate::state::projector::{spectrum_rounds, step_counts, StepCount, StepShare};
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

/// A group's average move in words, its size with its direction: "on average 0.4 steps toward
/// agreeing", "… 0.6 steps toward disagreeing" (no sign: the words say which way), or "on
/// average no shift".
fn average(m: &SpectrumMovement) -> (Key, Vec<(&'static str, String)>) {
    match mean_shift(m.mean_before, m.mean_after) {
        None => (Key::AverageNoShift, vec![]),
        Some(s) if s > 0.0 => (Key::AverageShiftAgree, vec![("steps", shift_steps(s))]),
        Some(s) => (Key::AverageShiftDisagree, vec![("steps", shift_steps(s))]),
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

/// "people", or "person" for one.
fn unit(n: u32) -> Key {
    if n == 1 {
        Key::PersonUnit
    } else {
        Key::PeopleUnit
    }
}

/// Lines the rounds' column takes on the projector without the bars, and with the earlier
/// round's counts under each step's count (as `style.css`: the title row between the walls,
/// each step's count in large type, the step names; the bars need room for their group labels
/// beside them).
fn rounds_lines(
    lang: Lang,
    steps: &[StepCount],
    now: u8,
    before: Option<u8>,
    cols: f64,
) -> (f64, f64) {
    let col = (cols - 4.0 * 0.4) / 5.0;
    // The round's title between the walls, at most 8 of its ems (1.2 times the body text) wide.
    let round = fill(t(lang, Key::Round), &[("round", now.to_string())]);
    let key = before.map(|b| {
        fill(
            t(lang, Key::SpectrumOutlineWas),
            &[("round", b.to_string())],
        )
    });
    let title_w = key
        .as_deref()
        .map_or(0.0, text_width)
        .max(1.2 * text_width(&round))
        .min(9.6);
    let walls = [Key::WallDisagree, Key::WallAgree]
        .map(|k| text_lines(t(lang, k), (cols - title_w - 1.6) / 2.0))
        .into_iter()
        .fold(1.0, f64::max);
    let title = 1.1 + key.map_or(0.0, |k| text_lines(&k, title_w));
    let count = steps
        .iter()
        .map(|s| {
            let wide = 1.8 * 0.6 * s.count.to_string().len() as f64 + 0.3;
            1.5 + if wide + text_width(t(lang, unit(s.count))) > col {
                1.0
            } else {
                0.0
            }
        })
        .fold(1.5, f64::max);
    let was = steps
        .iter()
        .filter_map(|s| s.before)
        .map(|n| {
            let text = fill(
                t(lang, Key::SpectrumWas),
                &[
                    ("round", before.unwrap_or(now).to_string()),
                    ("n", n.to_string()),
                ],
            );
            text_lines(&text, col)
        })
        .fold(0.0, f64::max);
    let names = STEPS
        .iter()
        .map(|k| text_lines(t(lang, *k), col))
        .fold(2.0, f64::max);
    let labels = steps
        .iter()
        .map(|s| s.shares.len() as f64)
        .fold(2.0, f64::max);
    let fixed = walls.max(title) + 0.2 + count + names + labels;
    (fixed, was)
}

/// One group's people at a step, beside its part of the bar: its letter in its colour, then how
/// many ("A 3").
fn share_label(s: &StepShare) -> Html {
    let colour = group_or_none(&s.label);
    html! {
        <li class="step-share" data-group={s.label.clone()}>
            <span class="letter" style={format!("--group:{colour}")}>
                { if s.label.is_empty() { "–".to_string() } else { s.label.clone() } }
            </span>
            { " " }<span class="share-n">{ s.n }</span>
        </li>
    }
}

/// The walls of the room, either side of `middle`: which end of the line is which.
fn walls(lang: Lang, middle: Html) -> Html {
    html! {
        <div class="spectrum-head">
            <span class="wall wall-disagree" id="wall-disagree"><Tr lang={lang} k={Key::WallDisagree} /></span>
            { middle }
            <span class="wall wall-agree" id="wall-agree"><Tr lang={lang} k={Key::WallAgree} /></span>
        </div>
    }
}

/// The open round whose counts are hidden: the walls, and how many placed themselves, large.
fn open_round(lang: Lang, sp: &SpectrumView, r: &SpectrumRoundView) -> Html {
    html! {
        <section class="spectrum" id="spectrum-view" data-rounds={sp.rounds.len().to_string()}
            data-open-round={r.round.to_string()}>
            <p class="statement-text">{ sp.statement.text.clone() }</p>
            <div class="spectrum-body">
                <div class="rounds">
                    { walls(lang, html! { <span></span> }) }
                    <div class="placed-only">
                        <p class="placed" data-round={r.round.to_string()} id={format!("placed-{}", r.round)}>
                            <strong><Tr lang={lang} k={Key::RoundPlaced} args={vec![("round", r.round.to_string()), ("n", r.placed.to_string())]} /></strong>
                            { " " }<Tr lang={lang} k={Key::RoundHiddenNote} />
                        </p>
                    </div>
                </div>
            </div>
        </section>
    }
}

/// The latest round as a histogram across the room (counted, by group), the first round's
/// outline beside it, and the movement between them; while a round is open with its counts
/// hidden, only that round ([`open_round`]).
#[component]
pub fn Spectrum(p: &SpectrumProps) -> Html {
    let lang = p.lang;
    let sp = &p.spectrum;
    // The open round (the newest hidden one; an earlier round opened again is hidden too).
    if let Some(open) = sp.rounds.iter().rev().find(|r| r.hidden) {
        return open_round(lang, sp, open);
    }
    let (now, before) = spectrum_rounds(&sp.rounds);
    let steps = now.map(|r| step_counts(r, before)).unwrap_or_default();
    let max = steps
        .iter()
        .flat_map(|s| [s.count, s.before.unwrap_or(0)])
        .max()
        .unwrap_or(0)
        .max(1);
    let pct = |n: u32| format!("{:.0}%", 100.0 * f64::from(n) / f64::from(max));
    // Below the statement (1.6 times the body text, line height 1.25): the movement's heading,
    // then whole groups only; the earlier round's counts under each step when they fit.
    let (movement_shown, was_shown) = match p.fit {
        Some(fit) => {
            let statement = text_lines(&sp.statement.text, fit.cols / 1.6) * 1.6 * 1.25 / 1.3 + 0.3;
            let room = fit.lines - statement;
            let moving = how_many(
                sp.movement.iter().map(|m| movement_cost(lang, m, &p.names)),
                room - 1.8,
            );
            let cols = if moving > 0 {
                fit.cols - MOVEMENT_EMS - 1.0
            } else {
                fit.cols
            };
            let was = match (now, before) {
                (Some(n), Some(b)) => {
                    let (fixed, was) = rounds_lines(lang, &steps, n.round, Some(b.round), cols);
                    fixed + was + 1.0 <= room
                }
                _ => false,
            };
            (moving, was)
        }
        None => (sp.movement.len(), before.is_some()),
    };
    let column = |i: usize, s: &StepCount| {
        html! {
            <div class="column" data-step={(i as i32 - 2).to_string()}>
                <p class="count" id={format!("step-count-{i}")} data-count={s.count.to_string()}>
                    <span class="count-n">{ s.count }</span>{ " " }<Tr lang={lang} k={unit(s.count)} />
                </p>
                if let (true, Some(n), Some(b)) = (was_shown, s.before, before) {
                    <p class="was" data-count={n.to_string()}>
                        <Tr lang={lang} k={Key::SpectrumWas} args={vec![("round", b.round.to_string()), ("n", n.to_string())]} />
                    </p>
                }
                <div class="round" data-round={now.map(|r| r.round.to_string()).unwrap_or_default()}>
                    <div class="bar-area" aria-hidden="true">
                        if let Some(n) = s.before {
                            <div class="outline" style={format!("height:{}", pct(n))}></div>
                        }
                        <div class="stack" style={format!("height:{}", pct(s.count))}>
                            { for s.shares.iter().map(|g| html! {
                                <div class="seg" data-group={g.label.clone()} style={format!("flex:{};background:{}", g.n, group_or_none(&g.label))}></div>
                            }) }
                        </div>
                    </div>
                    <ul class="shares">{ for s.shares.iter().rev().map(share_label) }</ul>
                </div>
                <span class="step-label"><Tr lang={lang} k={STEPS[i]} /></span>
            </div>
        }
    };
    html! {
        <section class="spectrum" id="spectrum-view" data-rounds={sp.rounds.len().to_string()}>
            <p class="statement-text">{ sp.statement.text.clone() }</p>
            <div class="spectrum-body">
            <div class="rounds">
                { walls(lang, match now {
                    Some(now) => html! {
                        <h3 class="round-title" id="spectrum-round" data-round={now.round.to_string()}>
                            <Tr lang={lang} k={Key::Round} args={vec![("round", now.round.to_string())]} />
                            if let Some(b) = before {
                                <span class="outline-key"><span class="outline-swatch" aria-hidden="true"></span>
                                    <Tr lang={lang} k={Key::SpectrumOutlineWas} args={vec![("round", b.round.to_string())]} /></span>
                            }
                        </h3>
                    },
                    None => html! { <span></span> },
                }) }
                if now.is_some() {
                    <div class="histogram">{ for steps.iter().enumerate().map(|(i, s)| column(i, s)) }</div>
                }
            </div>
            if !sp.movement.is_empty() && movement_shown > 0 {
                <div class="movement" id="movement">
                    <h3><Tr lang={lang} k={Key::MovementBetween} args={vec![("from", sp.movement_from.to_string()), ("to", sp.movement_to.to_string())]} /></h3>
                    <ul>{ for sp.movement.iter().take(movement_shown).map(|m| {
                        let (average_key, average_args) = average(m);
                        html! {
                            <li style={format!("--group:{}", group_or_none(&m.label))}
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
