//! The report's sections, in order, each an HTML `<section>` with an id the tests look for.

use std::collections::BTreeMap;
use std::fmt::Write;

use polyphony_core::{Analysis, StatementId, VoteShares};

use crate::html::{bar_row, colour, esc, pct, CSS};
use crate::i18n::{fill, t, Key, Lang};
use crate::{map, ChangeInput, ReportInput, SpectrumInput, TableNotes};

/// How many statements each list shows.
const TOP: usize = 5;

struct Ctx<'a> {
    input: &'a ReportInput,
    lang: Lang,
    /// Group id → (position among the groups, letter).
    labels: BTreeMap<u32, (usize, String)>,
    /// Statement id → column of the analysis.
    columns: BTreeMap<StatementId, usize>,
}

impl Ctx<'_> {
    fn t(&self, key: Key) -> &'static str {
        t(self.lang, key)
    }

    fn a(&self) -> &Analysis {
        &self.input.analysis
    }

    /// "A" or "A · the safety-first group".
    fn group_name(&self, id: u32, letter: &str) -> String {
        match self.input.group_names.get(&id) {
            Some(n) if !n.trim().is_empty() => format!("{letter} · {n}"),
            _ => letter.to_string(),
        }
    }

    /// The statement as a quote, then `extra` (already HTML), in a box.
    fn statement(&self, id: StatementId, extra: &str) -> String {
        let text = self.input.statements.get(&id).map_or("", String::as_str);
        format!(
            r#"<div class="st"><p class="text"><span class="sid">#{id}</span>{}</p>{extra}</div>"#,
            esc(text)
        )
    }

    /// One bar row per group for the statement.
    fn group_bars(&self, id: StatementId) -> String {
        let Some(&column) = self.columns.get(&id) else {
            return String::new();
        };
        let mut o = String::new();
        for g in self.a().groups.iter().flat_map(|g| &g.groups) {
            let index = self.labels.get(&g.id).map(|l| l.0);
            let shares = g
                .tallies
                .get(column)
                .map(VoteShares::of)
                .unwrap_or_default();
            o.push_str(&bar_row(self.lang, &g.label, index, &shares));
        }
        o
    }
}

/// The whole document.
pub(crate) fn document(input: &ReportInput) -> String {
    let a = &input.analysis;
    let labels = a
        .groups
        .iter()
        .flat_map(|g| &g.groups)
        .enumerate()
        .map(|(i, g)| (g.id, (i, g.label.clone())))
        .collect();
    let columns = a
        .statements
        .iter()
        .enumerate()
        .map(|(c, &s)| (s, c))
        .collect();
    let cx = Ctx {
        input,
        lang: input.lang,
        labels,
        columns,
    };
    let mut body = String::new();
    body.push_str(&header(&cx));
    body.push_str(&opinion_map(&cx));
    body.push_str(&groups(&cx));
    body.push_str(&consensus(&cx));
    body.push_str(&divisive(&cx));
    if !input.spectrums.is_empty() {
        body.push_str(&spectrums(&cx, &input.spectrums));
    }
    if input.table_notes.iter().any(|n| !n.notes.is_empty()) {
        body.push_str(&notes(&cx, &input.table_notes));
    }
    if let Some(change) = &input.change {
        body.push_str(&opinion_change(&cx, change));
    }
    body.push_str(&method(&cx));
    format!(
        concat!(
            "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
            "<title>{topic} — {kicker}</title><style>{css}</style></head>\n",
            "<body><main>\n{body}<footer><p>{footer}</p></footer></main></body></html>\n"
        ),
        lang = input.lang.tag(),
        topic = esc(&input.topic),
        kicker = cx.t(Key::Kicker),
        css = CSS,
        body = body,
        footer = cx.t(Key::Footer),
    )
}

fn header(cx: &Ctx) -> String {
    let i = cx.input;
    let mut o = format!(
        r#"<section id="summary"><header><p class="kicker">{}</p><h1>{}</h1></header>"#,
        cx.t(Key::Kicker),
        esc(&i.topic)
    );
    if !i.description.trim().is_empty() {
        let _ = write!(o, r#"<p class="desc">{}</p>"#, esc(i.description.trim()));
    }
    let _ = write!(
        o,
        r#"<ul class="counts"><li><b>{}</b>{}</li><li><b>{}</b>{}</li><li><b>{}</b>{}</li></ul></section>"#,
        i.counts.participants,
        cx.t(Key::Participants),
        i.counts.votes,
        cx.t(Key::Votes),
        i.counts.statements,
        cx.t(Key::Statements),
    );
    o
}

fn opinion_map(cx: &Ctx) -> String {
    let a = cx.a();
    let mut o = format!(
        r#"<section id="map" class="map"><h2>{}</h2>{}<p class="muted">{}</p><ul class="legend">"#,
        cx.t(Key::MapTitle),
        map::svg(a, cx.t(Key::MapTitle), &cx.labels),
        cx.t(Key::MapCaption)
    );
    for g in a.groups.iter().flat_map(|g| &g.groups) {
        let index = cx.labels.get(&g.id).map_or(0, |l| l.0);
        let _ = write!(
            o,
            r#"<li><span class="gl" style="background:{}">{}</span> {}</li>"#,
            colour(index),
            esc(&cx.group_name(g.id, &g.label)),
            fill(cx.t(Key::GroupSize), &[("n", g.members.len().to_string())])
        );
    }
    let outside = a.participants.iter().filter(|p| p.group.is_none()).count();
    if outside > 0 {
        let _ = write!(
            o,
            r#"<li><span class="gl" style="background:{}">·</span> {} ({})</li>"#,
            crate::html::OUTSIDE,
            cx.t(Key::OutsideGroups),
            fill(cx.t(Key::GroupSize), &[("n", outside.to_string())])
        );
    }
    o.push_str("</ul>");
    if a.groups.is_none() {
        let _ = write!(o, "<p>{}</p>", cx.t(Key::NoGroups));
    }
    o.push_str("</section>");
    o
}

/// The agree / disagree / pass colour key.
fn key_line(cx: &Ctx) -> String {
    format!(
        r#"<p class="keyline"><i class="ag"></i>{}<i class="di"></i>{}<i class="pa"></i>{}</p>"#,
        cx.t(Key::Agree),
        cx.t(Key::Disagree),
        cx.t(Key::Pass)
    )
}

fn groups(cx: &Ctx) -> String {
    let a = cx.a();
    let mut o = format!(
        r#"<section id="groups"><h2>{}</h2><p>{}</p>{}"#,
        cx.t(Key::GroupsTitle),
        cx.t(Key::GroupsIntro),
        key_line(cx)
    );
    let Some(groups) = &a.groups else {
        let _ = write!(o, "<p>{}</p></section>", cx.t(Key::NoGroups));
        return o;
    };
    for g in &groups.groups {
        let index = cx.labels.get(&g.id).map_or(0, |l| l.0);
        let _ = write!(
            o,
            r#"<h3><span class="gl" style="background:{}">{}</span> {} · {}</h3>"#,
            colour(index),
            esc(&g.label),
            esc(&fill(
                cx.t(Key::GroupHeading),
                &[("g", cx.group_name(g.id, &g.label))]
            )),
            fill(cx.t(Key::GroupSize), &[("n", g.members.len().to_string())])
        );
        for r in g.representative.iter().take(TOP) {
            let key = match r.repful_for {
                polyphony_core::Stance::Agree => Key::RepAgree,
                polyphony_core::Stance::Disagree => Key::RepDisagree,
            };
            let share = f64::from(r.n_success) / f64::from(r.n_trials.max(1));
            let why = fill(cx.t(key), &[("pct", pct(share)), ("g", esc(&g.label))]);
            let extra = format!(r#"<p class="why">{why}</p>{}"#, cx.group_bars(r.statement));
            o.push_str(&cx.statement(r.statement, &extra));
        }
    }
    o.push_str("</section>");
    o
}

fn consensus(cx: &Ctx) -> String {
    let c = &cx.a().consensus;
    let mut o = format!(
        r#"<section id="consensus"><h2>{}</h2><p>{}</p>"#,
        cx.t(Key::ConsensusTitle),
        cx.t(Key::ConsensusIntro)
    );
    if c.agree.is_empty() && c.disagree.is_empty() {
        let _ = write!(o, "<p>{}</p>", cx.t(Key::NoConsensus));
    } else {
        o.push_str(&key_line(cx));
    }
    for (title, line, list) in [
        (Key::ConsensusAgree, Key::ConsensusAgreeLine, &c.agree),
        (
            Key::ConsensusDisagree,
            Key::ConsensusDisagreeLine,
            &c.disagree,
        ),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = write!(o, "<h3>{}</h3>", cx.t(title));
        for s in list {
            let share = f64::from(s.n_success) / f64::from(s.n_trials.max(1));
            let why = fill(
                cx.t(line),
                &[("pct", pct(share)), ("n", s.n_trials.to_string())],
            );
            let extra = format!(r#"<p class="why">{why}</p>{}"#, cx.group_bars(s.statement));
            o.push_str(&cx.statement(s.statement, &extra));
        }
    }
    o.push_str("</section>");
    o
}

fn divisive(cx: &Ctx) -> String {
    let a = cx.a();
    let mut o = format!(
        r#"<section id="divisive"><h2>{}</h2><p>{}</p>"#,
        cx.t(Key::DivisiveTitle),
        cx.t(Key::DivisiveIntro)
    );
    if a.divisive.is_empty() {
        let _ = write!(o, "<p>{}</p>", cx.t(Key::NoDivisive));
    } else {
        o.push_str(&key_line(cx));
    }
    for d in a.divisive.iter().take(TOP) {
        let mut bars = String::new();
        for g in &d.groups {
            let index = cx.labels.get(&g.group).map(|l| l.0);
            let shares = VoteShares::of(&polyphony_core::Tally {
                agree: g.agree,
                disagree: g.disagree,
                seen: g.seen,
            });
            bars.push_str(&bar_row(cx.lang, &g.label, index, &shares));
        }
        o.push_str(&cx.statement(d.statement, &bars));
    }
    o.push_str("</section>");
    o
}

fn spectrums(cx: &Ctx, list: &[SpectrumInput]) -> String {
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
        o.push_str("<table><tr><th></th>");
        for k in steps {
            let _ = write!(o, "<th>{}</th>", cx.t(k));
        }
        o.push_str("</tr>");
        for (n, counts) in s.rounds.iter().enumerate() {
            let _ = write!(
                o,
                "<tr><td>{}</td>",
                fill(cx.t(Key::Round), &[("n", (n + 1).to_string())])
            );
            let total = counts.iter().sum::<u32>().max(1);
            for c in counts {
                let w = 100.0 * f64::from(*c) / f64::from(total);
                let _ = write!(
                    o,
                    r#"<td>{c}<span class="bar"><span class="ag" style="width:{w:.0}%"></span></span></td>"#
                );
            }
            o.push_str("</tr>");
        }
        o.push_str("</table>");
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

fn notes(cx: &Ctx, tables: &[TableNotes]) -> String {
    let mut o = format!(
        r#"<section id="notes"><h2>{}</h2><p>{}</p>"#,
        cx.t(Key::NotesTitle),
        cx.t(Key::NotesIntro)
    );
    for table in tables.iter().filter(|t| !t.notes.is_empty()) {
        let _ = write!(
            o,
            "<h3>{}</h3><ul>",
            fill(cx.t(Key::Table), &[("n", table.table.to_string())])
        );
        for n in &table.notes {
            let _ = write!(o, "<li>{}</li>", esc(n));
        }
        o.push_str("</ul>");
    }
    o.push_str("</section>");
    o
}

fn opinion_change(cx: &Ctx, c: &ChangeInput) -> String {
    let label = |id: Option<u32>| -> String {
        match id.and_then(|g| c.labels.get(&g)) {
            Some(l) => esc(l),
            None => cx.t(Key::OutsideGroups).to_string(),
        }
    };
    let mut o = format!(
        r#"<section id="change"><h2>{}</h2><p>{}</p>"#,
        cx.t(Key::ChangeTitle),
        fill(
            cx.t(Key::ChangeBetween),
            &[
                ("before", esc(&c.before.name(cx.lang))),
                ("after", esc(&c.after.name(cx.lang))),
            ],
        )
    );
    let items = c.change.panel.most_moved(TOP);
    if items.is_empty() {
        let _ = write!(o, "<p>{}</p>", cx.t(Key::NoShifts));
    }
    for item in &items {
        let e = &item.everyone;
        let line = fill(
            cx.t(Key::PanelEveryone),
            &[
                ("n", e.answered_both.to_string()),
                ("agree", e.toward_agree.to_string()),
                ("disagree", e.toward_disagree.to_string()),
                ("stayed", e.stayed.to_string()),
            ],
        );
        // The statement, then how the same people moved on it: everyone, then each group.
        o.push_str(&cx.statement(item.item, ""));
        let _ = write!(o, r#"<p class="why">{line}</p><ul>"#);
        for g in &item.groups {
            let line = fill(
                cx.t(Key::MovementLine),
                &[
                    ("g", label(g.group)),
                    ("agree", g.shift.toward_agree.to_string()),
                    ("disagree", g.shift.toward_disagree.to_string()),
                    ("stayed", g.shift.stayed.to_string()),
                ],
            );
            let _ = write!(o, "<li>{line}</li>");
        }
        o.push_str("</ul>");
    }
    if c.change.moved == 0 {
        let _ = write!(o, "<p>{}</p>", cx.t(Key::MovedNone));
    } else {
        let _ = write!(
            o,
            "<p>{}</p><ul>",
            fill(cx.t(Key::Moved), &[("n", c.change.moved.to_string())])
        );
        for m in &c.change.moves {
            let line = fill(
                cx.t(Key::MoveLine),
                &[
                    ("n", m.count.to_string()),
                    ("from", label(m.from)),
                    ("to", label(m.to)),
                ],
            );
            let _ = write!(o, "<li>{line}</li>");
        }
        o.push_str("</ul>");
    }
    for d in &c.change.distances {
        let key = if d.after + 1e-9 < d.before {
            Key::Closer
        } else if d.after > d.before + 1e-9 {
            Key::Apart
        } else {
            continue;
        };
        let line = fill(
            cx.t(key),
            &[("a", label(Some(d.a))), ("b", label(Some(d.b)))],
        );
        let _ = write!(o, "<p>{line}</p>");
    }
    for (title, list) in [
        (Key::GainedTitle, &c.change.consensus_gained),
        (Key::LostTitle, &c.change.consensus_lost),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = write!(o, "<h3>{}</h3>", cx.t(title));
        for &id in list.iter().take(TOP) {
            o.push_str(&cx.statement(id, ""));
        }
    }
    o.push_str("</section>");
    o
}

fn method(cx: &Ctx) -> String {
    let a = cx.a();
    let k = a.groups.as_ref().map_or(0, |g| g.groups.len());
    let text = fill(
        cx.t(Key::MethodText),
        &[
            ("participants", a.participant_count.to_string()),
            ("in_conv", a.in_conv.len().to_string()),
            ("k", k.to_string()),
            ("statements", a.statements.len().to_string()),
            ("preset", a.preset.to_string()),
            ("seed", cx.input.seed.to_string()),
        ],
    );
    format!(
        r#"<section id="method"><h2>{}</h2><p>{}</p></section>"#,
        cx.t(Key::MethodTitle),
        text
    )
}
