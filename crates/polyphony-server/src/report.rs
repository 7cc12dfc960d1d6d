//! The room's take-away report: [`polyphony_report::render`] over what the room holds now —
//! the analysis with every acknowledged vote, the facilitator's group names, every spectrum with
//! all its rounds, the released table notes, and the opinion change from the moment the groups
//! were first shown to now. Served as a page at `/r/{code}/report` (once published, or with the
//! key) and as a download; one self-contained HTML file either way.

use std::collections::BTreeMap;

use polyphony_report::{ChangeInput, Lang, Moment, ReportInput, SpectrumInput, TableNotes};

use crate::room::model::visible;
use crate::room::views::{first_with_groups, spectrum_view_as, votes_at, votes_now, Reveal};
use crate::room::{LiveRoom, RoomError};

/// The report in `lang` (the room's language when `None` or not one of the four).
pub(crate) async fn report_html(room: &LiveRoom, lang: Option<&str>) -> Result<String, RoomError> {
    room.settle().await;
    let analysis = room
        .analysis()
        .ok_or_else(|| RoomError::Internal("no analysis yet".into()))?;
    let input = room.read(|r| {
        let info = r.info();
        let lang = lang
            .and_then(|l| l.parse::<Lang>().ok())
            .or_else(|| info.language.parse::<Lang>().ok())
            .unwrap_or(Lang::En);
        let mut input = ReportInput::new(info.topic.clone(), lang, (*analysis).clone(), r.seed());
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
            .map(|sp| {
                let v = spectrum_view_as(r, sp, Some(&analysis), Reveal::All);
                SpectrumInput {
                    statement: v.statement.text,
                    rounds: v.rounds.iter().map(|x| x.counts).collect(),
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
                }
            })
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
            .map(|((_, table), notes)| TableNotes { table, notes })
            .collect();
        input.change = first_with_groups(r).map(|first| {
            ChangeInput::new(
                Moment::FirstGroups,
                Moment::End,
                (&first.analysis, &votes_at(r, first.time)),
                (&analysis, &votes_now(r)),
            )
        });
        input
    });
    Ok(polyphony_report::render(&input))
}
