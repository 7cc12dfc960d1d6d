//! The report's sections, in order, each an HTML `<section>` with an id the tests look for:
//! this file holds the document's order, the summary and the method; `results.rs` the map,
//! groups, consensus and divisive statements; `spectrum.rs`, `notes.rs` and `change.rs` the
//! optional parts the server fills; `page.rs` the HTML page around them.

mod change;
mod notes;
mod page;
mod results;
mod spectrum;

use std::collections::BTreeMap;
use std::fmt::Write;

use polyphony_core::{Analysis, ConsensusStatement, Preset, Stance, StatementId, VoteShares};

use crate::html::{bar_row, esc, pct};
use crate::i18n::{fill, t, Key, Lang};
use crate::ReportInput;

pub(crate) use page::not_published;
#[cfg(test)]
pub(crate) use page::ICON;

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
        self.statement_in("st", id, extra)
    }

    /// [`Ctx::statement`] in a box of the given classes.
    fn statement_in(&self, class: &str, id: StatementId, extra: &str) -> String {
        let text = self.input.statements.get(&id).map_or("", String::as_str);
        format!(
            r#"<div class="{class}"><p class="text"><span class="sid">#{id}</span>{}</p>{extra}</div>"#,
            esc(text)
        )
    }

    /// A consensus statement in a box whose edge shows the direction, with the line "81%
    /// disagree · 16 people voted on it." (`before`: "before: 81% disagree · …"), then `extra`
    /// (already HTML).
    fn consensus_statement(
        &self,
        stance: Stance,
        s: &ConsensusStatement,
        before: bool,
        extra: &str,
    ) -> String {
        let share = f64::from(s.n_success) / f64::from(s.n_trials.max(1));
        let (key, class) = match stance {
            Stance::Agree => (Key::ShareAgree, "agree"),
            Stance::Disagree => (Key::ShareDisagree, "disagree"),
        };
        let mut dir = fill(self.t(key), &[("pct", pct(share))]);
        if before {
            dir = fill(self.t(Key::Before), &[("share", dir)]);
        }
        let line = format!(
            r#"<p class="why"><b class="dir">{dir}</b> · {}</p>{extra}"#,
            fill(self.t(Key::VotedOn), &[("n", s.n_trials.to_string())])
        );
        self.statement_in(&format!("st {class}"), s.statement, &line)
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
    body.push_str(&crate::brief::briefing(input.lang, &input.brief));
    body.push_str(&results::opinion_map(&cx));
    body.push_str(&results::groups(&cx));
    body.push_str(&results::consensus(&cx));
    body.push_str(&results::divisive(&cx));
    if !input.spectrums.is_empty() {
        body.push_str(&spectrum::spectrums(&cx, &input.spectrums));
    }
    if input.table_notes.iter().any(|n| !n.notes.is_empty()) {
        body.push_str(&notes::notes(&cx, &input.table_notes));
    }
    if let Some(change) = &input.change {
        body.push_str(&change::opinion_change(&cx, change));
    }
    body.push_str(&method(&cx));
    let _ = write!(body, "<footer><p>{}</p></footer>", cx.t(Key::Footer));
    page::page(
        input.lang,
        &format!("{} — {}", esc(&input.topic), cx.t(Key::Kicker)),
        input.switcher.as_ref(),
        &body,
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
            // The settings by the name the console's preset menu gives them, in the reader's
            // language, not the command line's word.
            (
                "preset",
                cx.t(match a.preset {
                    Preset::Workshop => Key::PresetWorkshop,
                    Preset::Polis => Key::PresetPolis,
                })
                .to_string(),
            ),
            ("seed", cx.input.seed.to_string()),
        ],
    );
    format!(
        r#"<section id="method"><h2>{}</h2><p>{}</p></section>"#,
        cx.t(Key::MethodTitle),
        text
    )
}
