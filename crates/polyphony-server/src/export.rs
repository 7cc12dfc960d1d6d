//! A room as a Polis openData folder (the same columns and sign as Polis's own exports, so
//! researchers' tools read it) and as Polyphony JSON (everything, including spectrum rounds).

use std::collections::BTreeMap;

use polyphony_core::{AnalysisParams, Conversation, Moderation, VoteEvent};
use polyphony_polis::{self as polis, PolisStatement};
use polyphony_protocol::{ModerationState, RoomInfo};
use serde::Serialize;

use crate::error::ServerError;
use crate::room::{LiveRoom, Room};

/// The files a room can be exported as.
pub const FILES: [&str; 5] = [
    "comments.csv",
    "votes.csv",
    "participants-votes.csv",
    "summary.csv",
    "polyphony.json",
];

fn polis_statements(room: &Room) -> Vec<PolisStatement> {
    room.statements
        .values()
        .map(|s| PolisStatement {
            id: s.sid,
            text: s.text.clone(),
            author: s.author,
            moderation: match s.moderation {
                ModerationState::Accepted => Moderation::Accepted,
                ModerationState::Pending => Moderation::Unmoderated,
                ModerationState::Rejected => Moderation::Rejected,
            },
            is_meta: false,
            is_seed: s.is_seed,
            created: Some(s.created),
        })
        .collect()
}

#[derive(Serialize)]
struct JsonExport<'a> {
    format: &'static str,
    room: &'a RoomInfo,
    statements: Vec<JsonStatement>,
    votes: &'a [VoteEvent],
    spectrums: Vec<JsonSpectrum>,
    analysis: Option<&'a polyphony_core::Analysis>,
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
    /// Round 1 and round 2: participant → position (−2 … 2).
    rounds: [BTreeMap<u32, i8>; 2],
}

/// One export file: its content type and body.
pub(crate) fn file(room: &LiveRoom, name: &str) -> Result<(&'static str, String), ServerError> {
    if !FILES.contains(&name) {
        return Err(ServerError::NotFound(format!(
            "no export {name:?}; there are {}",
            FILES.join(", ")
        )));
    }
    let analysis = room.analysis().unwrap_or_else(|| {
        std::sync::Arc::new(Conversation::new(AnalysisParams::default()).update())
    });
    room.with_room(|r| {
        let csv = "text/csv; charset=utf-8";
        Ok(match name {
            "comments.csv" => (
                csv,
                polis::comments_csv(
                    &polis_statements(r),
                    &r.events,
                    &analysis.group_aware_consensus,
                ),
            ),
            "votes.csv" => (csv, polis::votes_csv(&r.events)),
            "participants-votes.csv" => {
                let mut authored: BTreeMap<u32, u32> = BTreeMap::new();
                for s in r.statements.values() {
                    if let Some(a) = s.author {
                        *authored.entry(a).or_default() += 1;
                    }
                }
                let body = room.with_engine(|conv| {
                    polis::participants_votes_csv(conv.matrix(), &analysis, &authored)
                });
                (csv, body)
            }
            "summary.csv" => {
                let commenters = r
                    .statements
                    .values()
                    .filter_map(|s| s.author)
                    .collect::<std::collections::BTreeSet<_>>()
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
                (csv, polis::summary_csv(&pairs))
            }
            _ => {
                let export = JsonExport {
                    format: "polyphony-room/1",
                    room: &r.info,
                    statements: r
                        .statements
                        .values()
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
                    analysis: Some(&analysis),
                };
                (
                    "application/json",
                    serde_json::to_string_pretty(&export)
                        .map_err(|e| ServerError::Storage(e.to_string()))?,
                )
            }
        })
    })
}
