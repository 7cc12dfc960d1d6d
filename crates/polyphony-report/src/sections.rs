//! The report's sections, in order, each an HTML `<section>` with an id the tests look for.

use std::collections::BTreeMap;
use std::fmt::Write;

use polyphony_core::{
    Analysis, Consensus, ConsensusStatement, Stance, StatementId, TableMode, VoteShares,
};

use crate::html::{bar_row, colour, esc, pct, CSS};
use crate::i18n::{fill, t, Key, Lang};
use crate::{map, ChangeInput, ReportInput, SpectrumInput, Switcher, TableNotes};

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
    let _ = write!(body, "<footer><p>{}</p></footer>", cx.t(Key::Footer));
    page(
        input.lang,
        &format!("{} — {}", esc(&input.topic), cx.t(Key::Kicker)),
        input.switcher.as_ref(),
        &body,
    )
}

/// A complete document: `title` and `body` are HTML; the language links go first.
fn page(lang: Lang, title: &str, switcher: Option<&Switcher>, body: &str) -> String {
    format!(
        concat!(
            "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
            "<title>{title}</title><style>{css}</style></head>\n",
            "<body><main>\n{nav}{body}</main></body></html>\n"
        ),
        lang = lang.tag(),
        title = title,
        css = CSS,
        nav = switcher.map_or_else(String::new, |s| languages(lang, s)),
        body = body,
    )
}

/// Links to the same page in the other languages, the current one marked: `?lang=…`, plus
/// the key when the page was opened with one.
fn languages(current: Lang, switcher: &Switcher) -> String {
    let mut o = format!(
        r#"<nav class="langs" aria-label="{}">"#,
        t(current, Key::Languages)
    );
    for lang in Lang::ALL {
        let tag = lang.tag();
        if lang == current {
            let _ = write!(
                o,
                r#"<span aria-current="page" lang="{tag}">{}</span>"#,
                lang.endonym()
            );
            continue;
        }
        let mut href = format!("?lang={tag}");
        if let Some(key) = &switcher.key {
            href.push_str("&key=");
            href.push_str(&url_encode(key));
        }
        let _ = write!(
            o,
            r#"<a href="{}" hreflang="{tag}" lang="{tag}">{}</a>"#,
            esc(&href),
            lang.endonym()
        );
    }
    o.push_str("</nav>\n");
    o
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn url_encode(text: &str) -> String {
    let mut o = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            o.push(char::from(b));
        } else {
            let _ = write!(o, "%{b:02X}");
        }
    }
    o
}

/// The page before the report is published.
pub(crate) fn not_published(topic: &str, lang: Lang, switcher: bool) -> String {
    let body = format!(
        concat!(
            r#"<section id="not-published"><header><p class="kicker">{kicker}</p>"#,
            r#"<h1>{topic}</h1></header><h2>{title}</h2><p>{text}</p></section>"#
        ),
        kicker = t(lang, Key::Kicker),
        topic = esc(topic),
        title = t(lang, Key::NotPublishedTitle),
        text = t(lang, Key::NotPublishedText),
    );
    page(
        lang,
        &format!("{} — {}", t(lang, Key::NotPublishedTitle), esc(topic)),
        switcher.then_some(&Switcher { key: None }),
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
    for (title, stance, list) in [
        (Key::ConsensusAgree, Stance::Agree, &c.agree),
        (Key::ConsensusDisagree, Stance::Disagree, &c.disagree),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = write!(o, "<h3>{}</h3>", cx.t(title));
        for s in list {
            let bars = cx.group_bars(s.statement);
            o.push_str(&cx.consensus_statement(stance, s, false, &bars));
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

fn notes(cx: &Ctx, tables: &[TableNotes]) -> String {
    let mut o = format!(
        r#"<section id="notes"><h2>{}</h2><p>{}</p>"#,
        cx.t(Key::NotesTitle),
        cx.t(Key::NotesIntro)
    );
    // Plan by plan (in the room's order), each plan's tables by number.
    let mut plans: BTreeMap<u32, (TableMode, Vec<&TableNotes>)> = BTreeMap::new();
    for table in tables.iter().filter(|t| !t.notes.is_empty()) {
        plans
            .entry(table.plan)
            .or_insert_with(|| (table.mode, Vec::new()))
            .1
            .push(table);
    }
    let of_mode = |mode: TableMode| plans.values().filter(|p| p.0 == mode).count();
    let counts = [of_mode(TableMode::SameGroup), of_mode(TableMode::Mixed)];
    let mut seen = [0usize; 2];
    for (mode, list) in plans.values() {
        let (i, name) = match mode {
            TableMode::SameGroup => (0, cx.t(Key::PlanSameGroup)),
            TableMode::Mixed => (1, cx.t(Key::PlanMixed)),
        };
        seen[i] += 1;
        // Numbered only when another plan with notes has the same mode.
        let heading = if counts[i] > 1 {
            fill(
                cx.t(Key::PlanNth),
                &[("plan", name.to_string()), ("n", seen[i].to_string())],
            )
        } else {
            name.to_string()
        };
        let _ = write!(o, r#"<h3 class="plan">{heading}</h3>"#);
        let mut list = list.clone();
        list.sort_by_key(|t| t.table);
        for table in list {
            let _ = write!(
                o,
                r#"<div class="tn"><h4>{}</h4><ul>"#,
                fill(cx.t(Key::Table), &[("n", table.table.to_string())])
            );
            for n in &table.notes {
                let _ = write!(o, "<li>{}</li>", esc(n));
            }
            o.push_str("</ul></div>");
        }
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
        // The statement, then how the same people moved on it: everyone, then each group, in
        // one box (so print keeps them on one page).
        let mut moved = format!(r#"<p class="why">{line}</p><ul>"#);
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
            let _ = write!(moved, "<li>{line}</li>");
        }
        moved.push_str("</ul>");
        o.push_str(&cx.statement(item.item, &moved));
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
    // Each statement that became (or stopped being) common ground, with the direction and
    // share it had when it was: the second snapshot's for a gain, the first's for a loss.
    let gained_from = [&c.consensus_after, &cx.a().consensus];
    for (title, list, from, before) in [
        (
            Key::GainedTitle,
            &c.change.consensus_gained,
            &gained_from[..],
            false,
        ),
        (
            Key::LostTitle,
            &c.change.consensus_lost,
            &[&c.consensus_before][..],
            true,
        ),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = write!(o, "<h3>{}</h3>", cx.t(title));
        for &id in list.iter().take(TOP) {
            match from.iter().find_map(|k| find_consensus(k, id)) {
                Some((stance, s)) => o.push_str(&cx.consensus_statement(stance, s, before, "")),
                None => o.push_str(&cx.statement(id, "")),
            }
        }
    }
    o.push_str("</section>");
    o
}

/// Where `id` stands in `consensus`: its direction and counts.
fn find_consensus(consensus: &Consensus, id: StatementId) -> Option<(Stance, &ConsensusStatement)> {
    let agree = consensus.agree.iter().map(|s| (Stance::Agree, s));
    let disagree = consensus.disagree.iter().map(|s| (Stance::Disagree, s));
    agree.chain(disagree).find(|(_, s)| s.statement == id)
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
