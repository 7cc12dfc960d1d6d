//! The room's take-away report: [`polyphony_report::render`] over what the room holds now —
//! the analysis with every acknowledged vote, the facilitator's group names, every spectrum with
//! all its rounds, the released table notes, and the opinion change from the moment the groups
//! were first shown to now. Served as a page at `/r/{code}/report` (once published, or with the
//! key; in the reader's language, with links to the other languages) and as a download (the
//! room's language, no links); one self-contained HTML file either way. Before it is published
//! a reader gets [`not_published_html`], a page in their language saying so.

use std::collections::BTreeMap;

use polyphony_core::TableMode;
use polyphony_report::{
    BriefInput, BriefSide, ChangeInput, Lang, Moment, ReportInput, SpectrumInput, Switcher,
    TableNotes,
};

use crate::room::model::visible;
use crate::room::views::{
    first_with_groups, spectrum_view_as, visibility, votes_at, votes_now, Reveal,
};
use crate::room::{LiveRoom, RoomError};

/// The room's own language (English when it is not one of the report's four).
fn room_lang(room: &LiveRoom) -> Lang {
    room.info().language.parse::<Lang>().unwrap_or(Lang::En)
}

/// The reader's language: `?lang=` if it is one of the four, else the first language of the
/// `Accept-Language` header the report speaks, else the room's language.
pub(crate) fn reader_lang(
    room: &LiveRoom,
    query: Option<&str>,
    accept_language: Option<&str>,
) -> Lang {
    query
        .and_then(|l| l.parse::<Lang>().ok())
        .or_else(|| accept_language.and_then(Lang::from_accept_language))
        .unwrap_or_else(|| room_lang(room))
}

/// The report in `lang` (the room's language when `None` or not one of the four), without
/// language links: the facilitator's file to keep, with everything (`Reveal::All`: counts of an
/// open round and results they have hidden from the room included).
pub(crate) async fn report_html(room: &LiveRoom, lang: Option<&str>) -> Result<String, RoomError> {
    let lang = lang
        .and_then(|l| l.parse::<Lang>().ok())
        .unwrap_or_else(|| room_lang(room));
    render(room, lang, None, Reveal::All).await
}

/// The report as the page at `/r/{code}/report`: in `lang`, with links to the other languages
/// that carry `key_in_query` (the key the page was opened with in its address, if any).
pub(crate) async fn report_page_html(
    room: &LiveRoom,
    lang: Lang,
    key_in_query: Option<String>,
) -> Result<String, RoomError> {
    // The page is what the room sees (linked from every phone, perhaps on the projector): it
    // honours every hide of the live views, whoever opens it.
    render(
        room,
        lang,
        Some(Switcher { key: key_in_query }),
        Reveal::AsControlled,
    )
    .await
}

/// The page a reader gets before the report is published: the room's topic and "not
/// published yet" in `lang`, with links to the other languages.
pub(crate) fn not_published_html(room: &LiveRoom, lang: Lang) -> String {
    polyphony_report::render_not_published(&room.info().topic, lang, true)
}

/// The report of what `reveal` shows ([`visibility`], the rule of every live view).
async fn render(
    room: &LiveRoom,
    lang: Lang,
    switcher: Option<Switcher>,
    reveal: Reveal,
) -> Result<String, RoomError> {
    room.settle().await;
    let analysis = room
        .analysis()
        .ok_or_else(|| RoomError::Internal("no analysis yet".into()))?;
    let input = room.read(|r| {
        let info = r.info();
        let shown = visibility(r, reveal);
        let mut input = ReportInput::new(
            info.topic.clone(),
            lang,
            shown.analysis_as_shown(&analysis),
            r.seed(),
        );
        input.description = info.description.clone();
        input.statements = r
            .statements()
            .values()
            .filter(|s| visible(s))
            .map(|s| (s.sid, s.text.clone()))
            .collect();
        input.counts.statements = input.statements.len() as u32;
        input.group_names = info
            .controls
            .group_names
            .iter()
            .map(|g| (g.group, g.name.clone()))
            .collect();
        input.spectrums = r
            .spectrums()
            .iter()
            .filter(|sp| r.statements().get(&sp.sid).is_some_and(visible))
            .filter_map(|sp| {
                let v = spectrum_view_as(r, sp, Some(&analysis), reveal);
                // Rounds whose counts are withheld at the end (the open round) are left out,
                // and a spectrum with no round to show; a withheld round between shown ones
                // keeps its place with zeros, as on the screens.
                let shown_rounds = v.rounds.iter().rposition(|x| !x.hidden)? + 1;
                Some(SpectrumInput {
                    statement: v.statement.text,
                    rounds: v.rounds[..shown_rounds].iter().map(|x| x.counts).collect(),
                    movement: v
                        .movement
                        .iter()
                        .map(|m| polyphony_report::SpectrumMovement {
                            label: m.label.clone(),
                            toward_agree: m.toward_agree,
                            toward_disagree: m.toward_disagree,
                            stayed: m.stayed,
                        })
                        .collect(),
                })
            })
            .collect();
        // Notes by (plan, table); each plan's mode from the room's plans (a dissolved plan's
        // too: its released notes stay in the report).
        let modes: BTreeMap<u32, TableMode> = r
            .tables()
            .plans
            .iter()
            .map(|p| (p.number, p.plan.params.mode))
            .collect();
        let mut notes: BTreeMap<(u32, u32), Vec<String>> = BTreeMap::new();
        for n in r.tables().notes.values() {
            if n.released && !n.withdrawn {
                notes
                    .entry((n.plan, n.table))
                    .or_default()
                    .push(n.text.clone());
            }
        }
        input.table_notes = notes
            .into_iter()
            .map(|((plan, table), notes)| TableNotes {
                plan,
                // A plan is stored before any note of it; same-group if it were ever missing.
                mode: modes.get(&plan).copied().unwrap_or(TableMode::SameGroup),
                table,
                notes,
            })
            .collect();
        // The change is a result: withheld with them.
        input.change = first_with_groups(r)
            .filter(|_| shown.results())
            .map(|first| {
                ChangeInput::new(
                    Moment::FirstGroups,
                    Moment::End,
                    (&first.analysis, &votes_at(r, first.time)),
                    (&analysis, &votes_now(r)),
                )
            });
        input.switcher = switcher;
        input.brief = info
            .brief
            .iter()
            .map(|c| BriefInput {
                title: c.title.clone(),
                text: c.text.clone(),
                image: c.image.clone(),
                positions: c
                    .positions
                    .iter()
                    .map(|p| BriefSide {
                        side: p.side.clone(),
                        text: p.text.clone(),
                        source: p.source.clone(),
                    })
                    .collect(),
            })
            .collect();
        input
    });
    Ok(polyphony_report::render(&input))
}
