//! # polyphony-polis
//!
//! Polis's data formats, for researchers who bring their own conversations and for tools that
//! read ours:
//! - in: an openData export folder (`comments.csv` with `votes.csv`, or `participants-votes.csv`
//!   when `votes.csv` is absent), and the Polis API pair (`votes.json` + `comments.json`);
//! - out: the Polis math blob (`math-pca2.json` shape), `participants-votes.csv` with group ids,
//!   and the rest of an openData folder.
//!
//! Text cells in the CSV files we write are exact by default ([`CsvCells::Exact`]): a tool that
//! reads them back gets what was said, byte for byte. A file meant for a spreadsheet is written
//! with [`CsvCells::SpreadsheetSafe`], which puts a `'` before a text cell that a spreadsheet
//! would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return; OWASP's advice on CSV
//! injection) and leaves numbers alone. The workshop server's downloads are spreadsheet-safe
//! unless `?raw=1` is asked.
//!
//! Vote signs differ by source (§16 of the math spec): the Clojure ("darwin") CSV export writes
//! agree = +1, the newer TypeScript export writes the raw database sign (agree = −1), the API
//! copies collected by red-dwarf are flipped to agree = +1. [`VoteSign`] says which is meant;
//! [`VoteSign::Auto`] tells the two CSV exports apart by their timestamps (milliseconds in
//! darwin, seconds in TypeScript).

mod blob;
mod error;
mod export;
mod import;
mod named;

pub use blob::{engine_state_from_blob, math_blob};
pub use error::PolisError;
pub use export::{
    comment_groups_csv, comments_csv, parse_comment_groups_csv, participants_votes_csv,
    summary_csv, votes_csv, CommentGroupsRow, CsvCells,
};
pub use import::{
    parse_api_pair, parse_comments_csv, parse_comments_json, parse_export,
    parse_participants_votes_csv, parse_votes_csv, parse_votes_json, ExportFiles, ParticipantRow,
    PolisConversation, PolisStatement, VoteSign,
};
pub use named::{read_api_pair, read_export_folder, read_named_files, read_path};

/// Polyphony's own JSON report: the analysis plus each statement's text, as `polyphony analyze
/// --format json` prints it and the WebAssembly bindings return it (the same bytes on both).
pub fn analysis_report(
    conv: &PolisConversation,
    analysis: &polyphony_core::Analysis,
) -> serde_json::Value {
    let texts: serde_json::Map<String, serde_json::Value> = conv
        .statements
        .iter()
        .map(|s| (s.id.to_string(), serde_json::Value::String(s.text.clone())))
        .collect();
    serde_json::json!({
        "format": "polyphony-analysis/1",
        "statement_texts": texts,
        "analysis": analysis,
    })
}
