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
mod json;
mod named;

pub use blob::{engine_state_from_blob, math_blob, moderation_at_blob_tick};
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
pub use json::to_sorted_pretty;
pub use named::{
    read_api_pair, read_export_folder, read_named_files, read_path, read_path_with, ReferenceGroups,
};

/// Polyphony's own JSON report: the analysis plus each statement's text, as `polyphony analyze
/// --format json` prints it and the WebAssembly bindings return it (the same bytes on both).
/// [`write_analysis_report`] writes its pretty text directly, several times faster.
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

/// The pretty text of [`analysis_report`] (with `change` under the key `"change"` when given),
/// appended to `out`: the bytes `serde_json::to_string_pretty` gives for that report, written
/// straight from the typed analysis with no `serde_json::Value` in between
/// ([`write_analysis_report_to`]).
///
/// ```
/// use polyphony_core::{AnalysisParams, Preset};
/// # let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/two-camps");
/// let data = polyphony_polis::read_path(&dir, polyphony_polis::VoteSign::Auto)?;
/// let analysis = data.to_conversation(AnalysisParams::builder(Preset::Polis).build()?).update();
/// let mut out = Vec::new();
/// polyphony_polis::write_analysis_report(&mut out, &data, &analysis, None::<&()>)?;
/// let via_value = serde_json::to_string_pretty(&polyphony_polis::analysis_report(&data, &analysis))?;
/// assert_eq!(String::from_utf8(out)?, via_value);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_analysis_report<C: serde::Serialize + ?Sized>(
    out: &mut Vec<u8>,
    conv: &PolisConversation,
    analysis: &polyphony_core::Analysis,
    change: Option<&C>,
) -> Result<(), serde_json::Error> {
    write_analysis_report_to(out, conv, analysis, change)
}

/// [`write_analysis_report`] to a writer, in pieces of about 128 KiB as they are finished (so
/// a large report is never held whole): [`to_sorted_pretty`] for each value, the report's and
/// the analysis's own keys written in order here, and the base clusters' tallies (most of the
/// text) and the participants' points by template.
pub fn write_analysis_report_to<W: std::io::Write + ?Sized, C: serde::Serialize + ?Sized>(
    w: &mut W,
    conv: &PolisConversation,
    analysis: &polyphony_core::Analysis,
    change: Option<&C>,
) -> Result<(), serde_json::Error> {
    const PIECE: usize = 128 * 1024;
    struct Texts<'a>(&'a [PolisStatement]);
    impl serde::Serialize for Texts<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_map(self.0.iter().map(|st| (st.id, &st.text)))
        }
    }
    let mut spill = |buf: &mut Vec<u8>| -> Result<(), serde_json::Error> {
        if buf.len() >= PIECE {
            w.write_all(buf).map_err(serde_json::Error::io)?;
            buf.clear();
        }
        Ok(())
    };
    // Every field named: a new one does not compile until it has its place below.
    let polyphony_core::Analysis {
        preset,
        tick,
        participant_count,
        vote_count,
        statements,
        mod_out,
        meta,
        user_vote_counts,
        in_conv,
        pca,
        participants,
        base_clusters,
        base_tallies,
        groups,
        consensus,
        group_aware_consensus,
        priorities,
        divisive,
    } = analysis;
    let buf = &mut Vec::with_capacity(PIECE * 2);
    // Keys in sorted order, as a `Value` object prints them.
    let mut report = json::ObjectWriter::begin(buf, 0);
    report.key(buf, "analysis");
    let mut a = json::ObjectWriter::begin(buf, 1);
    a.value(buf, "base_clusters", base_clusters)?;
    spill(buf)?;
    a.key(buf, "base_tallies");
    json::write_tallies(buf, base_tallies, 2, &mut spill)?;
    a.value(buf, "consensus", consensus)?;
    a.value(buf, "divisive", divisive)?;
    a.value(buf, "group_aware_consensus", group_aware_consensus)?;
    a.value(buf, "groups", groups)?;
    spill(buf)?;
    a.value(buf, "in_conv", in_conv)?;
    a.value(buf, "meta", meta)?;
    a.value(buf, "mod_out", mod_out)?;
    a.value(buf, "participant_count", participant_count)?;
    spill(buf)?;
    a.key(buf, "participants");
    json::write_participants(buf, participants, 2, &mut spill)?;
    a.value(buf, "pca", pca)?;
    a.value(buf, "preset", preset)?;
    a.value(buf, "priorities", priorities)?;
    a.value(buf, "statements", statements)?;
    a.value(buf, "tick", tick)?;
    a.value(buf, "user_vote_counts", user_vote_counts)?;
    a.value(buf, "vote_count", vote_count)?;
    a.end(buf);
    spill(buf)?;
    if let Some(change) = change {
        report.value(buf, "change", change)?;
    }
    report.value(buf, "format", "polyphony-analysis/1")?;
    report.value(buf, "statement_texts", &Texts(&conv.statements))?;
    report.end(buf);
    w.write_all(buf).map_err(serde_json::Error::io)
}
