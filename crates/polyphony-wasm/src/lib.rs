//! # polyphony-wasm
//!
//! The engine for JavaScript: researchers call it from Node or a browser on their own Polis
//! exports, and the web app's explorer runs it in a Web Worker ([`explore`]; nothing is
//! uploaded). Each function
//! returns the same JSON report, byte for byte, as `polyphony analyze --format json`.

use polyphony_core::{AnalysisParams, Preset, TableMode, TableParams};

pub mod explore;
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
        .map_err(|e: polyphony_core::UnknownTableMode| {
            polyphony_core::CoreError::from(e).to_string()
        })?;
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

// ---------------------------------------------------------------------------------------------
// The researcher's lab: results as plain JavaScript objects (serde-wasm-bindgen), typed by the
// TypeScript declarations below.

#[wasm_bindgen(typescript_custom_section)]
const LAB_TYPES: &'static str = r#"
/** An export's files by name: `comments.csv` with `votes.csv` and/or `participants-votes.csv`
 * (openData), or `votes.json` with `comments.json` (the Polis API pair). */
export type ExportFiles = Record<string, string>;

export type Pipeline = "polis" | "kmeans" | "gmm" | "dbscan" | "hdbscan";

/** Group-informed consensus: Polis's product of Laplace-smoothed agree rates, or red-dwarf's
 * geometric mean with a Jeffreys prior. */
export type ConsensusForm = "legacy" | "geometric";

export interface CompareOptions {
  /** Bootstrap resamples for stability (default 50; 0 skips it). */
  bootstrap?: number;
  /** Seed of the resamples, the engine, the linfa pipelines and the bridging model (default 0). */
  seed?: number;
  /** Pipelines to run (default all five). */
  pipelines?: Pipeline[];
  /** The form of group-informed consensus (default "legacy"). */
  consensus?: ConsensusForm;
  /** Representative statements under Benjamini–Hochberg at this false-discovery rate (default: off). */
  fdr?: number;
}

export interface BridgingScore {
  statement: number;
  /** The statement intercept: agreement whatever side people are on. */
  intercept: number;
  factor: number;
  agree: number;
  disagree: number;
}

export interface Bridging {
  global_intercept: number;
  /** Best first. */
  statements: BridgingScore[];
  ratings: number;
  raters: number;
  epochs: number;
  loss: number;
  /** Why the fit stopped (Community Notes' rules, or the cap). */
  stop: "settled" | "loss_rose" | "max_epochs";
}

export interface FdrStatement { statement: number; stance: "agree" | "disagree"; p_value: number; q_value: number }
export interface GroupRepnessFdr { group: number; polis_sufficient: number; statements: FdrStatement[] }
export interface RepnessFdr {
  q: number;
  tested: number;
  polis_sufficient: number;
  survivors: number;
  groups: GroupRepnessFdr[];
}

export interface StatementComparison {
  consensus_form: ConsensusForm;
  /** Best first. */
  group_consensus: { statement: number; score: number }[];
  bridging: Bridging | null;
  repness_fdr: RepnessFdr | null;
}

export interface PipelineResult {
  pipeline: Pipeline;
  k_choice: string;
  k: number | null;
  group_sizes: number[];
  noise: number;
  epsilon: number | null;
  silhouette: number | null;
  ari: number | null;
  agreement: number | null;
  stability: number | null;
  resamples: number;
  /** Always null from JavaScript: time the call with performance.now() around it. */
  time_ms: number | null;
  bootstrap_ms: number | null;
  /** Group per participant of `Comparison.participants` (null: ungrouped or noise). */
  groups: (number | null)[];
  error: string | null;
}

export interface Comparison {
  participants: number[];
  reference_participants: number;
  reference_k: number | null;
  bootstrap: number;
  seed: number;
  pipelines: PipelineResult[];
  statements: StatementComparison;
}

export interface ReplayOptions {
  /** `workshop` or `polis` (default `polis`). */
  preset?: string;
  seed?: number;
  /** One update per this duration with new votes: "500ms", "1s" (default), "10m", "2h", "1d". */
  every?: string;
  /** One update per this many votes (instead of `every`). */
  everyVotes?: number;
  /** Also return the time-lapse, with at most this many frames (default: none). */
  frames?: number;
}

export interface FramePoint { participant: number; position: [number, number]; group: number | null }
export interface FrameGroup { id: number; label: string; members: number; center: [number, number] }
export interface GroupTally { group: number; agree: number; disagree: number; pass: number }
export interface FrameStatement { statement: number; groups: GroupTally[] }
export interface Frame {
  update: number; time: number; votes: number; participants: number; k: number | null;
  points: FramePoint[]; groups: FrameGroup[]; statements: FrameStatement[];
}
export interface Timelapse {
  format: "polyphony-timelapse/1";
  cadence: { every: { millis: number } } | { every_votes: { votes: number } };
  updates: number;
  basis: string;
  frames: Frame[];
}

export interface ReplayResult {
  updates: number;
  votes: number;
  first_time: number;
  last_time: number;
  /** The last update's analysis (the same shape as `analyzeExport`'s `analysis`). */
  analysis: any;
  /** Present when `frames` was given. */
  timelapse?: Timelapse;
}

export interface PolisStateResult {
  /** The analysis of one `polis` update from the blob's state. */
  analysis: any;
  /** That analysis as a Polis math blob (math-pca2.json shape). */
  blob: any;
}
"#;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "ExportFiles")]
    pub type JsExportFiles;
    #[wasm_bindgen(typescript_type = "CompareOptions | undefined")]
    pub type JsCompareOptions;
    #[wasm_bindgen(typescript_type = "Comparison")]
    pub type JsComparison;
    #[wasm_bindgen(typescript_type = "ReplayOptions | undefined")]
    pub type JsReplayOptions;
    #[wasm_bindgen(typescript_type = "ReplayResult")]
    pub type JsReplayResult;
    #[wasm_bindgen(typescript_type = "PolisStateResult")]
    pub type JsPolisStateResult;
}

#[derive(serde::Deserialize, Default)]
struct CompareOptionsIn {
    bootstrap: Option<u32>,
    seed: Option<u32>,
    pipelines: Option<Vec<polyphony_lab::Pipeline>>,
    consensus: Option<polyphony_lab::ConsensusForm>,
    fdr: Option<f64>,
}

#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ReplayOptionsIn {
    preset: Option<String>,
    seed: Option<u32>,
    every: Option<String>,
    every_votes: Option<u32>,
    frames: Option<u32>,
}

#[derive(serde::Serialize)]
struct ReplayOut {
    updates: u64,
    votes: u64,
    first_time: i64,
    last_time: i64,
    analysis: polyphony_core::Analysis,
    #[serde(skip_serializing_if = "Option::is_none")]
    timelapse: Option<polyphony_lab::Timelapse>,
}

#[derive(serde::Serialize)]
struct PolisStateOut {
    analysis: polyphony_core::Analysis,
    blob: serde_json::Value,
}

fn read_files(files: &JsValue) -> Result<PolisConversation, String> {
    let map: std::collections::BTreeMap<String, String> =
        serde_wasm_bindgen::from_value(files.clone()).map_err(|e| e.to_string())?;
    let named: Vec<(&str, &[u8])> = map
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_bytes()))
        .collect();
    polyphony_polis::read_named_files(&named, VoteSign::Auto).map_err(|e| e.to_string())
}

fn options<T: serde::de::DeserializeOwned + Default>(value: &JsValue) -> Result<T, String> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    serde_wasm_bindgen::from_value(value.clone()).map_err(|e| e.to_string())
}

/// A plain JavaScript object with exactly the JSON the CLI prints: through `serde_json` first,
/// so integer map keys become strings as they do in JSON.
fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, String> {
    let json = serde_json::to_value(value).map_err(|e| e.to_string())?;
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    serde::Serialize::serialize(&json, &serializer).map_err(|e| e.to_string())
}

/// The lab's view of an export (the same as `polyphony compare` and `analyze --replay` build).
pub fn lab_data(data: &PolisConversation) -> polyphony_lab::LabData {
    polyphony_lab::LabData::new(data.votes.clone())
        .with_statements(
            data.statements
                .iter()
                .map(|s| {
                    (
                        s.id,
                        polyphony_core::StatementStatus {
                            moderation: s.moderation,
                            is_meta: s.is_meta,
                        },
                    )
                })
                .collect(),
        )
        .with_reference_groups(data.polis_groups.clone())
        .with_times_in_seconds()
}

fn compare_impl(files: &JsValue, opts: &JsValue) -> Result<JsValue, String> {
    let data = read_files(files)?;
    let o: CompareOptionsIn = options(opts)?;
    let mut builder = polyphony_lab::CompareParams::builder();
    if let Some(n) = o.bootstrap {
        builder = builder.bootstrap(n);
    }
    if let Some(s) = o.seed {
        builder = builder.seed(u64::from(s));
    }
    if let Some(p) = &o.pipelines {
        builder = builder.pipelines(p);
    }
    if let Some(c) = o.consensus {
        builder = builder.consensus(c);
    }
    let params = builder
        .repness_fdr(o.fdr)
        .build()
        .map_err(|e| e.to_string())?;
    let result = polyphony_lab::compare(&lab_data(&data), &params).map_err(|e| e.to_string())?;
    to_js(&result)
}

fn replay_impl(files: &JsValue, opts: &JsValue) -> Result<JsValue, String> {
    let data = read_files(files)?;
    let o: ReplayOptionsIn = options(opts)?;
    let preset = o.preset.as_deref().unwrap_or("polis");
    let analysis = params(preset, o.seed.unwrap_or(0))?;
    let cadence = match (&o.every, o.every_votes) {
        (Some(e), _) => e
            .parse::<polyphony_lab::Cadence>()
            .map_err(|e| e.to_string())?,
        (None, Some(votes)) => polyphony_lab::Cadence::EveryVotes { votes },
        (None, None) => polyphony_lab::Cadence::default(),
    };
    let mut builder = polyphony_lab::ReplayParams::builder()
        .analysis(analysis)
        .cadence(cadence);
    if let Some(f) = o.frames {
        builder = builder.frames(f);
    }
    let rp = builder.build().map_err(|e| e.to_string())?;
    let lab = lab_data(&data);
    let (replay, timelapse) = if o.frames.is_some() {
        let (r, t) = polyphony_lab::replay_with_timelapse(&lab, &rp).map_err(|e| e.to_string())?;
        (r, Some(t))
    } else {
        (
            polyphony_lab::replay(&lab, &rp).map_err(|e| e.to_string())?,
            None,
        )
    };
    to_js(&ReplayOut {
        updates: replay.updates,
        votes: replay.votes,
        first_time: replay.first_time,
        last_time: replay.last_time,
        analysis: replay.analysis,
        timelapse,
    })
}

fn polis_state_impl(files: &JsValue, blob: &str, seed: u32) -> Result<JsValue, String> {
    let data = read_files(files)?;
    let blob: serde_json::Value = serde_json::from_str(blob).map_err(|e| e.to_string())?;
    let state = polyphony_polis::engine_state_from_blob(&blob).map_err(|e| e.to_string())?;
    // The moderation the blob's tick saw, as `analyze --polis-state` restores it.
    let at_tick =
        polyphony_polis::moderation_at_blob_tick(&blob, &data).map_err(|e| e.to_string())?;
    let mut conv = at_tick
        .to_conversation_with_state(params("polis", seed)?, state)
        .map_err(|e| e.to_string())?;
    let analysis = conv.update();
    let blob = polyphony_polis::math_blob(&conv, &analysis, None);
    to_js(&PolisStateOut { analysis, blob })
}

/// JavaScript: `compare(files, options?)`: Polis (the engine) beside linfa PCA + KMeans,
/// GaussianMixture and DBSCAN on one export, with k, group sizes, silhouette, ARI and agreement
/// against the export's Polis groups and bootstrap stability, as a plain object (the same
/// values as `polyphony compare --format json`, without the times).
#[wasm_bindgen(js_name = compare)]
pub fn compare(files: &JsExportFiles, options: &JsCompareOptions) -> Result<JsComparison, JsError> {
    compare_impl(files, options)
        .map(JsCast::unchecked_into)
        .map_err(|e| JsError::new(&e))
}

/// JavaScript: `replay(files, options?)`: the votes in time order, one update per second with
/// new votes (as Polis's math worker polls) unless `every` / `everyVotes` say otherwise; the
/// replayed analysis and, with `frames`, the time-lapse.
#[wasm_bindgen(js_name = replay)]
pub fn replay(files: &JsExportFiles, options: &JsReplayOptions) -> Result<JsReplayResult, JsError> {
    replay_impl(files, options)
        .map(JsCast::unchecked_into)
        .map_err(|e| JsError::new(&e))
}

/// JavaScript: `analyzeWithPolisState(files, mathPca2Json, seed)`: restores the state a Polis
/// math blob implies and runs one `polis` update on the export's votes: Polis's own numbers,
/// as `polyphony analyze --polis-state` gives them.
#[wasm_bindgen(js_name = analyzeWithPolisState)]
pub fn analyze_with_polis_state(
    files: &JsExportFiles,
    blob: &str,
    seed: u32,
) -> Result<JsPolisStateResult, JsError> {
    polis_state_impl(files, blob, seed)
        .map(JsCast::unchecked_into)
        .map_err(|e| JsError::new(&e))
}
