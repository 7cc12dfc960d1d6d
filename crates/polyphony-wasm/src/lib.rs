//! # polyphony-wasm
//!
//! The engine for JavaScript: researchers call it from Node or a browser on their own Polis
//! exports, and the web app's explorer runs it in the page (nothing is uploaded). Each function
//! returns the same JSON report, byte for byte, as `polyphony analyze --format json`.

use polyphony_core::{AnalysisParams, Preset, TableMode, TableParams};
use polyphony_polis::{PolisConversation, VoteSign};
use wasm_bindgen::prelude::*;

/// The preset named by JavaScript (an empty string means the default, workshop).
fn params(preset: &str, seed: u32) -> Result<AnalysisParams, String> {
    let preset = match preset {
        "" => Preset::default(),
        name => name.parse::<Preset>().map_err(|e| e.to_string())?,
    };
    AnalysisParams::builder(preset)
        .seed(u64::from(seed))
        .build()
        .map_err(|e| e.to_string())
}

fn report(data: &PolisConversation, preset: &str, seed: u32) -> Result<String, String> {
    let mut conv = data.to_conversation(params(preset, seed)?);
    let analysis = conv.update();
    serde_json::to_string_pretty(&polyphony_polis::analysis_report(data, &analysis))
        .map_err(|e| e.to_string())
}

/// Analyzes an openData export given as file contents (`votes` or `participants_votes` may
/// be empty strings when absent). Returns the JSON report.
pub fn analyze_export_texts(
    comments: &str,
    votes: &str,
    participants_votes: &str,
    preset: &str,
    seed: u32,
) -> Result<String, String> {
    let mut files = vec![("comments.csv", comments.as_bytes())];
    for (name, text) in [
        ("votes.csv", votes),
        ("participants-votes.csv", participants_votes),
    ] {
        if !text.is_empty() {
            files.push((name, text.as_bytes()));
        }
    }
    let data =
        polyphony_polis::read_named_files(&files, VoteSign::Auto).map_err(|e| e.to_string())?;
    report(&data, preset, seed)
}

/// Analyzes a Polis API pair given as file contents. Returns the JSON report.
pub fn analyze_api_texts(
    votes: &str,
    comments: &str,
    preset: &str,
    seed: u32,
) -> Result<String, String> {
    let files = [
        ("votes.json", votes.as_bytes()),
        ("comments.json", comments.as_bytes()),
    ];
    let data =
        polyphony_polis::read_named_files(&files, VoteSign::Auto).map_err(|e| e.to_string())?;
    report(&data, preset, seed)
}

/// The table plan for a Polis export given as named file contents, as `polyphony tables
/// --format json` prints it (analysis and plan seeded with `seed`).
pub fn plan_tables_texts(
    files: &[(&str, &[u8])],
    preset: &str,
    seed: u32,
    mode: &str,
    size: u8,
) -> Result<String, String> {
    let data =
        polyphony_polis::read_named_files(files, VoteSign::Auto).map_err(|e| e.to_string())?;
    let analysis = data.to_conversation(params(preset, seed)?).update();
    let mode: TableMode = mode
        .parse()
        .map_err(|e: polyphony_core::CoreError| e.to_string())?;
    let tables = TableParams::builder(mode)
        .size(size)
        .seed(u64::from(seed))
        .build()
        .map_err(|e| e.to_string())?;
    serde_json::to_string_pretty(&data.table_plan(&analysis, &tables)).map_err(|e| e.to_string())
}

/// JavaScript: `planTablesApi(votesJson, commentsJson, preset, seed, mode, size)`: discussion
/// tables (`same_group` or `mixed`, at most `size` people) for a Polis API pair; the JSON plan.
#[wasm_bindgen(js_name = planTablesApi)]
pub fn plan_tables_api(
    votes: &str,
    comments: &str,
    preset: &str,
    seed: u32,
    mode: &str,
    size: u8,
) -> Result<String, JsError> {
    let files = [
        ("votes.json", votes.as_bytes()),
        ("comments.json", comments.as_bytes()),
    ];
    plan_tables_texts(&files, preset, seed, mode, size).map_err(|e| JsError::new(&e))
}

/// JavaScript: `analyzeExport(commentsCsv, votesCsv, participantsVotesCsv, preset, seed)`.
#[wasm_bindgen(js_name = analyzeExport)]
pub fn analyze_export(
    comments: &str,
    votes: &str,
    participants_votes: &str,
    preset: &str,
    seed: u32,
) -> Result<String, JsError> {
    analyze_export_texts(comments, votes, participants_votes, preset, seed)
        .map_err(|e| JsError::new(&e))
}

/// JavaScript: `analyzeApi(votesJson, commentsJson, preset, seed)`.
#[wasm_bindgen(js_name = analyzeApi)]
pub fn analyze_api(
    votes: &str,
    comments: &str,
    preset: &str,
    seed: u32,
) -> Result<String, JsError> {
    analyze_api_texts(votes, comments, preset, seed).map_err(|e| JsError::new(&e))
}
