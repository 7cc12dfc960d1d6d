//! A room as a Polis openData folder (the same columns and sign as Polis's own exports, so
//! researchers' tools read it), as Polyphony JSON (everything, including spectrum rounds, table
//! plans and released notes — never an unreleased or withdrawn note, never a note's author),
//! and `tables.csv` (every participant's table in every plan).
//!
//! The CSV downloads are what a facilitator opens in a spreadsheet, so their text cells are
//! spreadsheet-safe by default ([`CsvCells::SpreadsheetSafe`]: a statement or topic starting
//! with `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`, and so does a `=`, `+`,
//! `-` or `@` after a `,`, `;`, tab, `|` or line break inside it); `?raw=1` gives the exact text
//! ([`CsvCells::Exact`]) for tools that need it (`?raw=0` or none: safe; anything else: 400).
//! `polyphony.json` is always exact.
//!
//! An export copies what it needs from the room under the lock ([`RoomCopy`]) and builds the file
//! from the copy, so a large room's CSV never holds up a vote.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use polyphony_core::{Analysis, AnalysisParams, Conversation, VoteEvent, VoteMatrix};
use polyphony_polis::{self as polis, CsvCells, PolisStatement};
use polyphony_protocol::{ModerationState, RoomInfo, TableMode};
use serde::Serialize;

use crate::room::model::{Room, Spectrum};
use crate::room::tables::Plan;
use crate::room::{LiveRoom, RoomError};
use crate::store::{StoredNote, StoredStatement};

/// The files a room can be exported as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ExportFile {
    /// `comments.csv`: Polis openData statements with tallies.
    Comments,
    /// `votes.csv`: every vote event.
    Votes,
    /// `participants-votes.csv`: one row per participant.
    ParticipantsVotes,
    /// `summary.csv`: the room in key/value rows.
    Summary,
    /// `polyphony.json`: everything, spectrum rounds, table plans, released notes and the
    /// analysis included.
    Json,
    /// `tables.csv`: every participant's table in every plan (participant,plan,table).
    Tables,
    /// `comment-groups.csv`: Polis's per-statement, per-group agree / disagree / pass counts.
    CommentGroups,
    /// `removed-votes.csv`: the vote events of the identities the facilitator removed, in
    /// `votes.csv`'s format: out of the analysis and every other file, kept as the record.
    RemovedVotes,
}

impl ExportFile {
    const ALL: [ExportFile; 8] = [
        ExportFile::Comments,
        ExportFile::Votes,
        ExportFile::ParticipantsVotes,
        ExportFile::Summary,
        ExportFile::Json,
        ExportFile::Tables,
        ExportFile::CommentGroups,
        ExportFile::RemovedVotes,
    ];

    /// The file's name, as in the URL.
    pub(crate) fn name(self) -> &'static str {
        match self {
            ExportFile::Comments => "comments.csv",
            ExportFile::Votes => "votes.csv",
            ExportFile::ParticipantsVotes => "participants-votes.csv",
            ExportFile::Summary => "summary.csv",
            ExportFile::Json => "polyphony.json",
            ExportFile::Tables => "tables.csv",
            ExportFile::CommentGroups => "comment-groups.csv",
            ExportFile::RemovedVotes => "removed-votes.csv",
        }
    }

    /// Every file name.
    pub(crate) fn names() -> Vec<&'static str> {
        ExportFile::ALL.iter().map(|f| f.name()).collect()
    }

    /// The file a URL names.
    pub(crate) fn parse(name: &str) -> Option<ExportFile> {
        ExportFile::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Its content type.
    pub(crate) fn content_type(self) -> &'static str {
        match self {
            ExportFile::Json => "application/json",
            _ => "text/csv; charset=utf-8",
        }
    }
}

/// What an export needs from a room, copied under the lock.
struct RoomCopy {
    info: RoomInfo,
    statements: Vec<StoredStatement>,
    events: Vec<VoteEvent>,
    spectrums: Vec<Spectrum>,
    plans: Vec<Plan>,
    /// Released notes that were not withdrawn, by id.
    notes: Vec<StoredNote>,
}

impl RoomCopy {
    fn of(room: &Room, file: ExportFile) -> RoomCopy {
        let needs_events = matches!(
            file,
            ExportFile::Comments | ExportFile::Votes | ExportFile::Json
        );
        RoomCopy {
            info: room.info().clone(),
            statements: room.statements().values().cloned().collect(),
            events: if file == ExportFile::RemovedVotes {
                room.removed_events().to_vec()
            } else if needs_events {
                room.events().to_vec()
            } else {
                Vec::new()
            },
            spectrums: if file == ExportFile::Json {
                room.spectrums().to_vec()
            } else {
                Vec::new()
            },
            plans: if matches!(file, ExportFile::Json | ExportFile::Tables) {
                room.tables().plans.clone()
            } else {
                Vec::new()
            },
            notes: if file == ExportFile::Json {
                room.tables()
                    .notes
                    .values()
                    .filter(|n| n.released && !n.withdrawn)
                    .cloned()
                    .collect()
            } else {
                Vec::new()
            },
        }
    }
}

#[derive(Serialize)]
struct JsonExport<'a> {
    format: &'static str,
    room: &'a RoomInfo,
    statements: Vec<JsonStatement>,
    votes: &'a [VoteEvent],
    spectrums: Vec<JsonSpectrum>,
    tables: Vec<JsonPlan>,
    notes: Vec<JsonNote>,
    analysis: Option<&'a Analysis>,
}

#[derive(Serialize)]
struct JsonPlan {
    plan: u32,
    mode: TableMode,
    size: u8,
    dissolved: bool,
    tables: Vec<JsonTable>,
}

#[derive(Serialize)]
struct JsonTable {
    number: u32,
    /// The group a same-group table was formed from.
    group: Option<u32>,
    /// Participant ids (as in votes.csv).
    members: Vec<u32>,
}

/// A released note: never its author.
#[derive(Serialize)]
struct JsonNote {
    id: u32,
    plan: u32,
    table: u32,
    text: String,
}

#[derive(Serialize)]
struct JsonStatement {
    id: u32,
    text: String,
    author: Option<u32>,
    is_seed: bool,
    moderation: ModerationState,
    created: i64,
}

#[derive(Serialize)]
struct JsonSpectrum {
    id: u32,
    statement: u32,
    created: i64,
    /// Every round opened, in order: participant → position (−2 … 2).
    rounds: Vec<BTreeMap<u32, i8>>,
}

/// How CSV text cells are written for an export's `?raw=` value: spreadsheet-safe when it is
/// absent or `0`, exact when it is `1`; anything else is refused (as `docs/protocol.md` says).
pub(crate) fn cells(raw: Option<&str>) -> Result<CsvCells, String> {
    match raw {
        None | Some("0") => Ok(CsvCells::SpreadsheetSafe),
        Some("1") => Ok(CsvCells::Exact),
        Some(other) => Err(format!(
            "raw={other:?}: use raw=1 for the exact text, or leave it out for spreadsheet-safe cells"
        )),
    }
}

/// One export file's body; `cells` says how CSV text cells are written.
pub(crate) fn build(
    room: &LiveRoom,
    file: ExportFile,
    cells: CsvCells,
) -> Result<String, RoomError> {
    let analysis = room
        .analysis()
        .unwrap_or_else(|| Arc::new(Conversation::new(AnalysisParams::default()).update()));
    let copy = room.read(|r| RoomCopy::of(r, file));
    let matrix = (file == ExportFile::ParticipantsVotes).then(|| room.matrix());
    build_from(&copy, matrix.as_ref(), &analysis, file, cells)
}

fn build_from(
    r: &RoomCopy,
    matrix: Option<&VoteMatrix>,
    analysis: &Analysis,
    file: ExportFile,
    cells: CsvCells,
) -> Result<String, RoomError> {
    Ok(match file {
        ExportFile::Comments => {
            let statements: Vec<PolisStatement> =
                r.statements.iter().map(PolisStatement::from).collect();
            polis::comments_csv(
                &statements,
                &r.events,
                &analysis.group_aware_consensus,
                cells,
            )
        }
        ExportFile::Votes | ExportFile::RemovedVotes => polis::votes_csv(&r.events),
        ExportFile::ParticipantsVotes => {
            let mut authored: BTreeMap<u32, u32> = BTreeMap::new();
            for a in r.statements.iter().filter_map(|s| s.author) {
                *authored.entry(a).or_default() += 1;
            }
            let empty = VoteMatrix::default();
            polis::participants_votes_csv(matrix.unwrap_or(&empty), analysis, &authored)
        }
        ExportFile::Summary => {
            let commenters = r
                .statements
                .iter()
                .filter_map(|s| s.author)
                .collect::<BTreeSet<_>>()
                .len();
            let groups = analysis.groups.as_ref().map_or(0, |g| g.groups.len());
            let pairs = [
                ("topic", r.info.topic.clone()),
                ("url", format!("polyphony:{}", r.info.code)),
                ("voters", analysis.participant_count.to_string()),
                ("voters-in-conv", analysis.in_conv.len().to_string()),
                ("commenters", commenters.to_string()),
                ("comments", r.statements.len().to_string()),
                ("groups", groups.to_string()),
                ("conversation-description", r.info.description.clone()),
            ];
            polis::summary_csv(&pairs, cells)
        }
        ExportFile::Tables => tables_csv(&r.plans),
        ExportFile::CommentGroups => {
            let statements: Vec<PolisStatement> =
                r.statements.iter().map(PolisStatement::from).collect();
            polis::comment_groups_csv(&statements, analysis, cells)
        }
        ExportFile::Json => {
            let export = JsonExport {
                format: "polyphony-room/1",
                room: &r.info,
                statements: r
                    .statements
                    .iter()
                    .map(|s| JsonStatement {
                        id: s.sid,
                        text: s.text.clone(),
                        author: s.author,
                        is_seed: s.is_seed,
                        moderation: s.moderation,
                        created: s.created,
                    })
                    .collect(),
                votes: &r.events,
                spectrums: r
                    .spectrums
                    .iter()
                    .map(|s| JsonSpectrum {
                        id: s.id,
                        statement: s.sid,
                        created: s.created,
                        rounds: s.positions.clone(),
                    })
                    .collect(),
                tables: r
                    .plans
                    .iter()
                    .map(|p| JsonPlan {
                        plan: p.number,
                        mode: p.plan.params.mode,
                        size: p.plan.params.size,
                        dissolved: p.dissolved,
                        tables: p
                            .plan
                            .tables
                            .iter()
                            .map(|t| JsonTable {
                                number: t.number,
                                group: t.group,
                                members: t.members.iter().map(|m| m.participant).collect(),
                            })
                            .collect(),
                    })
                    .collect(),
                notes: r
                    .notes
                    .iter()
                    .map(|n| JsonNote {
                        id: n.id,
                        plan: n.plan,
                        table: n.table,
                        text: n.text.clone(),
                    })
                    .collect(),
                analysis: Some(analysis),
            };
            serde_json::to_string_pretty(&export)
                .map_err(|e| RoomError::Internal(format!("JSON export: {e}")))?
        }
    })
}

/// `participant,plan,table`, one row per seat of every plan (dissolved ones included), by plan
/// then participant.
fn tables_csv(plans: &[Plan]) -> String {
    let mut out = String::from("participant,plan,table\n");
    for p in plans {
        let mut rows: Vec<(u32, u32)> = p
            .plan
            .tables
            .iter()
            .flat_map(|t| t.members.iter().map(move |m| (m.participant, t.number)))
            .collect();
        rows.sort_unstable();
        for (pid, table) in rows {
            out.push_str(&format!("{pid},{},{table}\n", p.number));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_files_parse_from_their_names_only() {
        for f in ExportFile::ALL {
            assert_eq!(ExportFile::parse(f.name()), Some(f));
        }
        assert_eq!(ExportFile::parse("secrets.txt"), None);
        assert_eq!(ExportFile::parse("VOTES.CSV"), None);
        assert_eq!(ExportFile::Json.content_type(), "application/json");
    }

    #[test]
    fn downloads_are_spreadsheet_safe_unless_raw() {
        assert_eq!(cells(None), Ok(CsvCells::SpreadsheetSafe));
        assert_eq!(cells(Some("0")), Ok(CsvCells::SpreadsheetSafe));
        assert_eq!(cells(Some("1")), Ok(CsvCells::Exact));
        for other in ["true", "false", "yes please", "", "01"] {
            assert!(cells(Some(other)).is_err(), "raw={other}");
        }
    }
}
