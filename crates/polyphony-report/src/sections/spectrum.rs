//! The spectrums: each statement's rounds side by side, and who moved between the first and
//! the last.

use std::fmt::Write;

use super::Ctx;
use crate::html::esc;
use crate::i18n::{fill, Key};
use crate::SpectrumInput;

pub(super) fn spectrums(cx: &Ctx, list: &[SpectrumInput]) -> String {
    let steps = [
        Key::StronglyDisagree,
        Key::SomewhatDisagree,
        Key::Neutral,
        Key::SomewhatAgree,
        Key::StronglyAgree,
    ];
    let mut o = format!(
        r#"<section id="spectrum"><h2>{}</h2><p>{}</p>"#,
        cx.t(Key::SpectrumTitle),
        cx.t(Key::SpectrumIntro)
    );
    for s in list {
        let _ = write!(
            o,
            r#"<div class="st"><p class="text">{}</p>"#,
            esc(&s.statement)
        );
        // One row per step, from strongly disagree down to strongly agree, one column per
        // round: the step names wrap at their spaces and the counts are narrow, so the table
        // fits a phone (with many rounds it scrolls inside its own box).
        o.push_str(r#"<div class="tw"><table class="spec"><tr><th></th>"#);
        for n in 1..=s.rounds.len() {
            let _ = write!(
                o,
                r#"<th scope="col">{}</th>"#,
                fill(cx.t(Key::Round), &[("n", n.to_string())])
            );
        }
        o.push_str("</tr>");
        let totals: Vec<u32> = s
            .rounds
            .iter()
            .map(|counts| counts.iter().sum::<u32>().max(1))
            .collect();
        for (step, k) in steps.into_iter().enumerate() {
            let _ = write!(o, r#"<tr><th scope="row">{}</th>"#, cx.t(k));
            for (counts, total) in s.rounds.iter().zip(&totals) {
                let c = counts[step];
                let w = 100.0 * f64::from(c) / f64::from(*total);
                let _ = write!(
                    o,
                    r#"<td>{c}<span class="bar"><span class="ag" style="width:{w:.0}%"></span></span></td>"#
                );
            }
            o.push_str("</tr>");
        }
        o.push_str("</table></div>");
        if !s.movement.is_empty() {
            let _ = write!(o, "<h3>{}</h3><ul>", cx.t(Key::MovementTitle));
            for m in &s.movement {
                let g = if m.label.is_empty() {
                    cx.t(Key::OutsideGroups).to_string()
                } else {
                    m.label.clone()
                };
                let line = fill(
                    cx.t(Key::MovementLine),
                    &[
                        ("g", esc(&g)),
                        ("agree", m.toward_agree.to_string()),
                        ("disagree", m.toward_disagree.to_string()),
                        ("stayed", m.stayed.to_string()),
                    ],
                );
                let _ = write!(o, "<li>{line}</li>");
            }
            o.push_str("</ul>");
        }
        o.push_str("</div>");
    }
    o.push_str("</section>");
    o
}
