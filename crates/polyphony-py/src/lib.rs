//! # polyphony-py
//!
//! The engine for Python: the native module `polyphony._native` under the `polyphony` package
//! (`python/polyphony/`), which turns what this module returns into pandas DataFrames and NumPy
//! arrays. A thin layer: every number comes from the same calls as `polyphony analyze`
//! (`polyphony_polis::read_path`, `PolisConversation::to_conversation`, `Conversation::update`,
//! `polyphony_polis::analysis_report`) and the lab's `replay`, `compare` and `table_plan`, so a
//! notebook and the command line agree bit for bit (checked by `tests/test_parity.py`).
//!
//! Results cross as plain Python values — column lists in a dict, or the CLI's JSON text where
//! the CLI prints JSON — rather than NumPy buffers: the tables are small (one row per
//! participant or statement), and lists keep the crate free of a NumPy build dependency. The
//! engine runs with the GIL released (`Python::detach`), so other Python threads go on.

mod error;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use polyphony_core::{
    AnalysisParams, Moderation, Preset, Stance, StatementStatus, TableMode, TableParams, Tally,
    Vote, VoteEvent,
};
use polyphony_lab::{Cadence, CompareParams, LabData, Pipeline, ReplayParams};
use polyphony_polis::{PolisConversation, PolisStatement, VoteSign};
use pyo3::prelude::*;
use pyo3::types::PyDict;

pub use error::PyBindError;

type Result<T> = std::result::Result<T, PyBindError>;

/// A conversation read from a Polis export (or built from vote columns): its statements, its
/// votes and Polis's own groups when the export has them. Immutable, shared by the analyses
/// made from it.
#[pyclass(frozen, module = "polyphony._native")]
pub struct Export {
    data: Arc<PolisConversation>,
}

/// One analysis (a cold update, a replay's last update, or one update from a Polis state),
/// with the export it was made from for the statements' texts.
#[pyclass(frozen, module = "polyphony._native")]
pub struct Analysis {
    data: Arc<PolisConversation>,
    analysis: polyphony_core::Analysis,
}

fn sign(name: &str) -> Result<VoteSign> {
    match name {
        "auto" => Ok(VoteSign::Auto),
        "agree_positive" => Ok(VoteSign::AgreePositive),
        "agree_negative" => Ok(VoteSign::AgreeNegative),
        other => Err(PyBindError::Argument(format!(
            "vote_sign must be auto, agree_positive or agree_negative, not `{other}`"
        ))),
    }
}

/// The analysis parameters `polyphony analyze --preset P --seed S` builds.
fn params(preset: &str, seed: u64) -> Result<AnalysisParams> {
    let preset: Preset = preset.parse()?;
    Ok(AnalysisParams::builder(preset).seed(seed).build()?)
}

fn status(s: &PolisStatement) -> StatementStatus {
    StatementStatus {
        moderation: s.moderation,
        is_meta: s.is_meta,
    }
}

/// The lab's view of an export, exactly as the CLI (`crates/polyphony/src/lab.rs`) and the
/// WebAssembly bindings build it: votes, moderation, Polis's groups, times in seconds.
fn lab_data(data: &PolisConversation) -> LabData {
    LabData::new(data.votes.clone())
        .with_statements(data.statements.iter().map(|s| (s.id, status(s))).collect())
        .with_reference_groups(data.polis_groups.clone())
        .with_times_in_seconds()
}

fn cadence(every: Option<&str>, every_votes: Option<u32>) -> Result<Cadence> {
    Ok(match (every, every_votes) {
        (Some(_), Some(_)) => {
            return Err(PyBindError::Argument(
                "give every or every_votes, not both".into(),
            ))
        }
        (Some(e), None) => e.parse::<Cadence>()?,
        (None, Some(votes)) => Cadence::EveryVotes { votes },
        (None, None) => Cadence::default(),
    })
}

fn analysis_of(data: &Arc<PolisConversation>, analysis: polyphony_core::Analysis) -> Analysis {
    Analysis {
        data: Arc::clone(data),
        analysis,
    }
}

/// Reads an openData export folder or a Polis API pair folder, as `polyphony analyze PATH`.
#[pyfunction]
#[pyo3(signature = (path, vote_sign = "auto"))]
fn read_export(py: Python<'_>, path: PathBuf, vote_sign: &str) -> PyResult<Export> {
    let sign = sign(vote_sign)?;
    let data = py.detach(|| polyphony_polis::read_path(&path, sign));
    Ok(Export {
        data: Arc::new(data.map_err(PyBindError::from)?),
    })
}

/// Little-endian 64-bit integers (`numpy.ndarray.astype("<i8").tobytes()`).
///
/// The vote columns cross as bytes rather than lists: a DataFrame of 50,000 votes converts in a
/// fraction of a millisecond instead of several (one Python int per cell), and without the
/// buffer protocol, which the abi3 wheel's stable ABI lacks before Python 3.11.
fn i64s(what: &str, bytes: &[u8]) -> Result<Vec<i64>> {
    let words = bytes.chunks_exact(8);
    if !words.remainder().is_empty() {
        return Err(PyBindError::Argument(format!(
            "the {what} column is not 64-bit integers ({} bytes)",
            bytes.len()
        )));
    }
    Ok(words
        .map(|c| {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            i64::from_le_bytes(word)
        })
        .collect())
}

/// Builds a conversation from vote columns (agree = +1, disagree = −1, pass = 0), each as
/// little-endian int64 bytes, and optional statement columns as lists; the Python wrapper
/// passes a DataFrame's columns.
#[pyfunction]
#[pyo3(signature = (participants, statements, votes, times = None, statement_ids = None, texts = None, moderation = None, is_meta = None))]
#[allow(clippy::too_many_arguments)]
fn export_from_columns(
    participants: &[u8],
    statements: &[u8],
    votes: &[u8],
    times: Option<&[u8]>,
    statement_ids: Option<Vec<i64>>,
    texts: Option<Vec<String>>,
    moderation: Option<Vec<i64>>,
    is_meta: Option<Vec<bool>>,
) -> PyResult<Export> {
    let participants = i64s("participant", participants)?;
    let statements = i64s("statement", statements)?;
    let votes = i64s("vote", votes)?;
    let times = times.map(|t| i64s("timestamp", t)).transpose()?;
    let n = participants.len();
    if statements.len() != n || votes.len() != n || times.as_ref().is_some_and(|t| t.len() != n) {
        return Err(PyBindError::Argument(
            "participant, statement, vote (and timestamp) columns differ in length".into(),
        )
        .into());
    }
    let id = |what: &str, row: usize, value: i64| -> Result<u32> {
        u32::try_from(value).map_err(|_| {
            PyBindError::Argument(format!(
                "row {row}: {what} id {value} is not a non-negative 32-bit integer"
            ))
        })
    };
    let mut events = Vec::with_capacity(n);
    for row in 0..n {
        let vote = Vote::from_agree_positive(votes[row]).ok_or_else(|| {
            PyBindError::Argument(format!(
                "row {row}: vote {} is not 1 (agree), -1 (disagree) or 0 (pass)",
                votes[row]
            ))
        })?;
        let time = times.as_ref().map_or(0, |t| t[row]);
        events.push(VoteEvent::new(
            id("participant", row, participants[row])?,
            id("statement", row, statements[row])?,
            vote,
            time,
        ));
    }
    let mut listed = Vec::new();
    if let Some(ids) = statement_ids {
        let k = ids.len();
        if texts.as_ref().is_some_and(|t| t.len() != k)
            || moderation.as_ref().is_some_and(|m| m.len() != k)
            || is_meta.as_ref().is_some_and(|m| m.len() != k)
        {
            return Err(PyBindError::Argument("statement columns differ in length".into()).into());
        }
        for (row, &sid) in ids.iter().enumerate() {
            let moderation = match moderation.as_ref().map(|m| m[row]) {
                None => Moderation::default(),
                Some(m) => Moderation::from_polis(m).ok_or_else(|| {
                    PyBindError::Argument(format!(
                        "statement {sid}: moderation {m} is not 1, 0 or -1"
                    ))
                })?,
            };
            listed.push(PolisStatement {
                id: id("statement", row, sid)?,
                text: texts.as_ref().map(|t| t[row].clone()).unwrap_or_default(),
                author: None,
                moderation,
                is_meta: is_meta.as_ref().is_some_and(|m| m[row]),
                is_seed: false,
                created: None,
            });
        }
        listed.sort_by_key(|s| s.id);
        let known: BTreeSet<u32> = listed.iter().map(|s| s.id).collect();
        if let Some(v) = events.iter().find(|v| !known.contains(&v.statement)) {
            return Err(PyBindError::Argument(format!(
                "a vote names statement {}, which the statements table lacks",
                v.statement
            ))
            .into());
        }
    }
    Ok(Export {
        data: Arc::new(PolisConversation {
            statements: listed,
            votes: events,
            ..PolisConversation::default()
        }),
    })
}

/// One cold update on every vote: `polyphony analyze PATH --preset P --seed S`.
#[pyfunction]
#[pyo3(signature = (export, preset = "workshop", seed = 0))]
fn analyze(py: Python<'_>, export: &Export, preset: &str, seed: u64) -> PyResult<Analysis> {
    let params = params(preset, seed)?;
    let data = &export.data;
    let analysis = py.detach(|| data.to_conversation(params).update());
    Ok(analysis_of(data, analysis))
}

/// `polyphony analyze PATH --replay`: the votes in time order, one update per cadence step,
/// state carried. Returns the last analysis, (updates, votes, first time, last time) and the
/// time-lapse as JSON text when `frames` is given.
#[pyfunction]
#[pyo3(signature = (export, preset = "polis", seed = 0, every = None, every_votes = None, frames = None))]
#[allow(clippy::type_complexity)]
fn replay(
    py: Python<'_>,
    export: &Export,
    preset: &str,
    seed: u64,
    every: Option<&str>,
    every_votes: Option<u32>,
    frames: Option<u32>,
) -> PyResult<(Analysis, (u64, u64, i64, i64), Option<String>)> {
    let mut builder = ReplayParams::builder()
        .analysis(params(preset, seed)?)
        .cadence(cadence(every, every_votes)?);
    if let Some(f) = frames {
        builder = builder.frames(f);
    }
    let rp = builder.build().map_err(PyBindError::from)?;
    let data = &export.data;
    let run = py.detach(|| -> Result<_> {
        let lab = lab_data(data);
        if frames.is_some() {
            let (r, t) = polyphony_lab::replay_with_timelapse(&lab, &rp)?;
            Ok((r, Some(serde_json::to_string(&t)?)))
        } else {
            Ok((polyphony_lab::replay(&lab, &rp)?, None))
        }
    });
    let (r, timelapse) = run?;
    Ok((
        analysis_of(data, r.analysis),
        (r.updates, r.votes, r.first_time, r.last_time),
        timelapse,
    ))
}

/// `polyphony analyze PATH --replay --change FROM..TO` as JSON text (`from_ms`, `to_ms`:
/// offsets after the first vote).
#[pyfunction]
#[pyo3(signature = (export, from_ms, to_ms, preset = "polis", seed = 0, every = None, every_votes = None))]
#[allow(clippy::too_many_arguments)]
fn replay_change(
    py: Python<'_>,
    export: &Export,
    from_ms: i64,
    to_ms: i64,
    preset: &str,
    seed: u64,
    every: Option<&str>,
    every_votes: Option<u32>,
) -> PyResult<String> {
    let rp = ReplayParams::builder()
        .analysis(params(preset, seed)?)
        .cadence(cadence(every, every_votes)?)
        .build()
        .map_err(PyBindError::from)?;
    let data = &export.data;
    let change = py.detach(|| -> Result<String> {
        let c = polyphony_lab::replay_change(&lab_data(data), &rp, from_ms, to_ms)?;
        Ok(serde_json::to_string(&c)?)
    });
    Ok(change?)
}

/// Parses a cadence ("500ms", "1s", "10m", "2h", "1d") into milliseconds, as `--change` does.
#[pyfunction]
fn duration_ms(text: &str) -> PyResult<i64> {
    if text.trim() == "0" {
        return Ok(0);
    }
    match text.parse::<Cadence>().map_err(PyBindError::from)? {
        Cadence::Every { millis } => Ok(millis),
        Cadence::EveryVotes { .. } => {
            Err(PyBindError::Argument(format!("`{text}` is not a duration")).into())
        }
    }
}

/// `polyphony compare PATH --format json`: the pipelines side by side, as JSON text (with the
/// times, measured by this process's clock as the CLI does).
#[pyfunction]
#[pyo3(signature = (export, bootstrap = 50, seed = 0, pipelines = None))]
fn compare(
    py: Python<'_>,
    export: &Export,
    bootstrap: u32,
    seed: u64,
    pipelines: Option<Vec<String>>,
) -> PyResult<String> {
    let mut builder = CompareParams::builder().bootstrap(bootstrap).seed(seed);
    if let Some(names) = pipelines {
        let chosen = names
            .iter()
            .map(|n| n.parse::<Pipeline>())
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(PyBindError::from)?;
        builder = builder.pipelines(&chosen);
    }
    let cp = builder.build().map_err(PyBindError::from)?;
    let data = &export.data;
    let out = py.detach(|| -> Result<String> {
        let origin = Instant::now();
        let mut clock = || origin.elapsed().as_secs_f64() * 1000.0;
        let c = polyphony_lab::compare_with_clock(&lab_data(data), &cp, &mut clock)?;
        Ok(serde_json::to_string(&c)?)
    });
    Ok(out?)
}

/// `polyphony tables PATH --format json`: the discussion tables' plan as JSON text.
#[pyfunction]
#[pyo3(signature = (export, mode = "same_group", size = TableParams::DEFAULT_SIZE, preset = "workshop", seed = 0))]
fn tables(
    py: Python<'_>,
    export: &Export,
    mode: &str,
    size: u8,
    preset: &str,
    seed: u64,
) -> PyResult<String> {
    let params = params(preset, seed)?;
    let mode: TableMode = mode
        .parse::<TableMode>()
        .map_err(polyphony_core::CoreError::from)
        .map_err(PyBindError::from)?;
    let tp = TableParams::builder(mode)
        .size(size)
        .seed(seed)
        .build()
        .map_err(PyBindError::from)?;
    let data = &export.data;
    let out = py.detach(|| -> Result<String> {
        let analysis = data.to_conversation(params).update();
        Ok(serde_json::to_string(&data.table_plan(&analysis, &tp))?)
    });
    Ok(out?)
}

/// Opinion change between two moments of one conversation: `before`'s votes are analysed, then
/// `after`'s are added to the same conversation (the later vote of a person on a statement
/// wins) and analysed again, so group ids carry over, and each person is compared with
/// themselves (`polyphony_core::opinion_change`). JSON text.
#[pyfunction]
#[pyo3(signature = (before, after, preset = "workshop", seed = 0))]
fn opinion_change(
    py: Python<'_>,
    before: &Export,
    after: &Export,
    preset: &str,
    seed: u64,
) -> PyResult<String> {
    let params = params(preset, seed)?;
    let (first, second) = (&before.data, &after.data);
    let out = py.detach(|| -> Result<String> {
        let mut conv = first.to_conversation(params);
        for s in &second.statements {
            conv.set_statement(s.id, status(s));
        }
        let early = conv.update();
        let early_votes = conv.matrix().clone();
        conv.add_votes(&second.votes);
        let late = conv.update();
        let change = polyphony_core::opinion_change(&early, &early_votes, &late, conv.matrix());
        Ok(serde_json::to_string(&change)?)
    });
    Ok(out?)
}

/// `polyphony analyze PATH --polis-state math-pca2.json`: the state a Polis math blob implies,
/// one `polis` update on the export's votes. Returns the analysis and it as a Polis blob (JSON).
#[pyfunction]
#[pyo3(signature = (export, blob, seed = 0))]
fn analyze_with_polis_state(
    py: Python<'_>,
    export: &Export,
    blob: &str,
    seed: u64,
) -> PyResult<(Analysis, String)> {
    let data = &export.data;
    let params = params("polis", seed)?;
    let out = py.detach(|| -> Result<_> {
        let blob: serde_json::Value = serde_json::from_str(blob)?;
        let state = polyphony_polis::engine_state_from_blob(&blob)?;
        let mut conv = data.to_conversation_with_state(params, state)?;
        let analysis = conv.update();
        // As the CLI's `--format polis-blob`: the last vote's time in `lastVoteTimestamp`.
        let last = data.votes.iter().map(|v| v.time).max();
        let blob = serde_json::to_string(&polyphony_polis::math_blob(&conv, &analysis, last))?;
        Ok((analysis, blob))
    });
    let (analysis, blob) = out?;
    Ok((analysis_of(data, analysis), blob))
}

/// For the benchmark (`benches/python/bench_vtaiwan.py`): `runs` times the same work as
/// [`analyze`], timed inside Rust (seconds each), so the Python overhead is what a Python caller
/// measures beyond these.
#[pyfunction]
#[pyo3(name = "_bench_analyze", signature = (export, preset = "workshop", seed = 0, runs = 1))]
fn bench_analyze(
    py: Python<'_>,
    export: &Export,
    preset: &str,
    seed: u64,
    runs: u32,
) -> PyResult<Vec<f64>> {
    let params = params(preset, seed)?;
    let data = &export.data;
    Ok(py.detach(|| {
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                let analysis = data.to_conversation(params.clone()).update();
                std::hint::black_box(analysis);
                start.elapsed().as_secs_f64()
            })
            .collect()
    }))
}

#[pymethods]
impl Export {
    /// Vote events as columns: participant, statement, vote (agree = +1), timestamp.
    fn vote_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let v = &self.data.votes;
        let d = PyDict::new(py);
        d.set_item(
            "participant",
            v.iter().map(|e| e.participant).collect::<Vec<_>>(),
        )?;
        d.set_item(
            "statement",
            v.iter().map(|e| e.statement).collect::<Vec<_>>(),
        )?;
        d.set_item(
            "vote",
            v.iter()
                .map(|e| e.vote.agree_positive())
                .collect::<Vec<_>>(),
        )?;
        d.set_item("timestamp", v.iter().map(|e| e.time).collect::<Vec<_>>())?;
        Ok(d)
    }

    /// Statements as columns: statement, text, author, moderation (Polis's 1 / 0 / −1),
    /// is_meta, is_seed, created.
    fn statement_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let s = &self.data.statements;
        let d = PyDict::new(py);
        d.set_item("statement", s.iter().map(|x| x.id).collect::<Vec<_>>())?;
        d.set_item(
            "text",
            s.iter().map(|x| x.text.as_str()).collect::<Vec<_>>(),
        )?;
        d.set_item("author", s.iter().map(|x| x.author).collect::<Vec<_>>())?;
        d.set_item(
            "moderation",
            s.iter()
                .map(|x| x.moderation.polis_value())
                .collect::<Vec<_>>(),
        )?;
        d.set_item("is_meta", s.iter().map(|x| x.is_meta).collect::<Vec<_>>())?;
        d.set_item("is_seed", s.iter().map(|x| x.is_seed).collect::<Vec<_>>())?;
        d.set_item("created", s.iter().map(|x| x.created).collect::<Vec<_>>())?;
        Ok(d)
    }

    /// Polis's own group per participant, from `participants-votes.csv` when present.
    fn polis_groups(&self) -> BTreeMap<u32, u32> {
        self.data.polis_groups.clone()
    }

    /// `summary.csv` pairs, when present.
    fn summary(&self) -> BTreeMap<String, String> {
        self.data.summary.clone()
    }

    fn __len__(&self) -> usize {
        self.data.votes.len()
    }
}

/// Sums tallies column by column.
fn total(rows: &[Vec<Tally>], columns: usize) -> Vec<Tally> {
    let mut sum = vec![Tally::default(); columns];
    for row in rows {
        for (t, r) in sum.iter_mut().zip(row) {
            t.agree += r.agree;
            t.disagree += r.disagree;
            t.seen += r.seen;
        }
    }
    sum
}

fn stance(s: Stance) -> &'static str {
    match s {
        Stance::Agree => "agree",
        Stance::Disagree => "disagree",
    }
}

fn tally_columns(d: &Bound<'_, PyDict>, prefix: &str, tallies: &[Tally]) -> PyResult<()> {
    d.set_item(
        format!("{prefix}agree"),
        tallies.iter().map(|t| t.agree).collect::<Vec<_>>(),
    )?;
    d.set_item(
        format!("{prefix}disagree"),
        tallies.iter().map(|t| t.disagree).collect::<Vec<_>>(),
    )?;
    d.set_item(
        format!("{prefix}pass"),
        tallies.iter().map(Tally::passes).collect::<Vec<_>>(),
    )?;
    d.set_item(
        format!("{prefix}seen"),
        tallies.iter().map(|t| t.seen).collect::<Vec<_>>(),
    )
}

#[pymethods]
impl Analysis {
    /// `polyphony analyze --format json`'s text, byte for byte (the same function prints it).
    fn report_json(&self, py: Python<'_>) -> PyResult<String> {
        let (data, analysis) = (&self.data, &self.analysis);
        let text = py.detach(|| {
            serde_json::to_string_pretty(&polyphony_polis::analysis_report(data, analysis))
        });
        Ok(text.map_err(PyBindError::from)?)
    }

    /// Update number, participants, latest votes held, the shown k (None without groups).
    fn summary(&self) -> (u64, u32, u64, Option<u32>) {
        let a = &self.analysis;
        let k = a.groups.as_ref().map(|g| g.groups.len() as u32);
        (a.tick, a.participant_count, a.vote_count, k)
    }

    /// Silhouette of each candidate k, and this update's best k.
    fn silhouettes(&self) -> (BTreeMap<u32, f64>, Option<u32>) {
        match &self.analysis.groups {
            Some(g) => (g.silhouettes.clone(), Some(g.best_k)),
            None => (BTreeMap::new(), None),
        }
    }

    /// Participants as columns, in the map's row order.
    fn participant_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let a = &self.analysis;
        let p = &a.participants;
        let labels: BTreeMap<u32, &str> = a
            .groups
            .iter()
            .flat_map(|g| &g.groups)
            .map(|g| (g.id, g.label.as_str()))
            .collect();
        let d = PyDict::new(py);
        d.set_item(
            "participant",
            p.iter().map(|x| x.participant).collect::<Vec<_>>(),
        )?;
        d.set_item("x", p.iter().map(|x| x.position[0]).collect::<Vec<_>>())?;
        d.set_item("y", p.iter().map(|x| x.position[1]).collect::<Vec<_>>())?;
        d.set_item("group", p.iter().map(|x| x.group).collect::<Vec<_>>())?;
        d.set_item(
            "label",
            p.iter()
                .map(|x| x.group.and_then(|g| labels.get(&g).copied()))
                .collect::<Vec<_>>(),
        )?;
        d.set_item("in_conv", p.iter().map(|x| x.in_conv).collect::<Vec<_>>())?;
        d.set_item(
            "base_cluster",
            p.iter().map(|x| x.base_cluster).collect::<Vec<_>>(),
        )?;
        d.set_item(
            "votes",
            p.iter()
                .map(|x| a.user_vote_counts.get(&x.participant).copied().unwrap_or(0))
                .collect::<Vec<_>>(),
        )?;
        Ok(d)
    }

    /// Groups as columns: id, label, size, centre on the map, base clusters.
    fn group_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let g: &[polyphony_core::OpinionGroup] =
            self.analysis.groups.as_ref().map_or(&[], |g| &g.groups);
        let d = PyDict::new(py);
        d.set_item("group", g.iter().map(|x| x.id).collect::<Vec<_>>())?;
        d.set_item(
            "label",
            g.iter().map(|x| x.label.as_str()).collect::<Vec<_>>(),
        )?;
        d.set_item(
            "size",
            g.iter().map(|x| x.members.len()).collect::<Vec<_>>(),
        )?;
        d.set_item("x", g.iter().map(|x| x.center[0]).collect::<Vec<_>>())?;
        d.set_item("y", g.iter().map(|x| x.center[1]).collect::<Vec<_>>())?;
        d.set_item(
            "base_clusters",
            g.iter().map(|x| x.base_clusters.len()).collect::<Vec<_>>(),
        )?;
        Ok(d)
    }

    /// Statements as columns, in the analysis's column order: text, moderation, the tallies of
    /// the clustered participants and of each group (`A_agree`, …), each group's repness where
    /// the statement represents it, consensus, group-aware consensus, divisiveness, extremity,
    /// routing priority and the statement's place on the map.
    fn statement_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let a = &self.analysis;
        let n = a.statements.len();
        let column: BTreeMap<u32, usize> = a
            .statements
            .iter()
            .enumerate()
            .map(|(j, &s)| (s, j))
            .collect();
        let texts: BTreeMap<u32, &str> = self
            .data
            .statements
            .iter()
            .map(|s| (s.id, s.text.as_str()))
            .collect();
        let nan = f64::NAN;
        let d = PyDict::new(py);
        d.set_item("statement", a.statements.clone())?;
        d.set_item(
            "text",
            a.statements
                .iter()
                .map(|s| texts.get(s).copied().unwrap_or(""))
                .collect::<Vec<_>>(),
        )?;
        let mod_out: BTreeSet<u32> = a.mod_out.iter().copied().collect();
        let meta: BTreeSet<u32> = a.meta.iter().copied().collect();
        d.set_item(
            "mod_out",
            a.statements
                .iter()
                .map(|s| mod_out.contains(s))
                .collect::<Vec<_>>(),
        )?;
        d.set_item(
            "is_meta",
            a.statements
                .iter()
                .map(|s| meta.contains(s))
                .collect::<Vec<_>>(),
        )?;
        tally_columns(&d, "", &total(&a.base_tallies, n))?;
        let groups: &[polyphony_core::OpinionGroup] = a.groups.as_ref().map_or(&[], |g| &g.groups);
        for g in groups {
            let prefix = format!("{}_", g.label);
            tally_columns(&d, &prefix, &g.tallies)?;
            let mut repness = vec![nan; n];
            let mut test = vec![nan; n];
            let mut repful: Vec<Option<&str>> = vec![None; n];
            for r in &g.representative {
                if let Some(&j) = column.get(&r.statement) {
                    repness[j] = r.repness;
                    test[j] = r.repness_test;
                    repful[j] = Some(stance(r.repful_for));
                }
            }
            d.set_item(format!("{prefix}repness"), repness)?;
            d.set_item(format!("{prefix}repness_test"), test)?;
            d.set_item(format!("{prefix}repful_for"), repful)?;
        }
        let mut consensus: Vec<Option<&str>> = vec![None; n];
        let mut consensus_p = vec![nan; n];
        for (side, list) in [
            ("agree", &a.consensus.agree),
            ("disagree", &a.consensus.disagree),
        ] {
            for c in list {
                if let Some(&j) = column.get(&c.statement) {
                    consensus[j] = Some(side);
                    consensus_p[j] = c.p_success;
                }
            }
        }
        d.set_item("consensus", consensus)?;
        d.set_item("consensus_p_success", consensus_p)?;
        let per = |m: &BTreeMap<u32, f64>| -> Vec<f64> {
            a.statements
                .iter()
                .map(|s| m.get(s).copied().unwrap_or(nan))
                .collect()
        };
        d.set_item("group_aware_consensus", per(&a.group_aware_consensus))?;
        let divisive: BTreeMap<u32, f64> = a
            .divisive
            .iter()
            .map(|x| (x.statement, x.divisiveness))
            .collect();
        d.set_item("divisiveness", per(&divisive))?;
        d.set_item("extremity", a.pca.statement_extremity.clone())?;
        d.set_item("priority", per(&a.priorities))?;
        let proj = &a.pca.statement_projections;
        d.set_item("x", proj.iter().map(|p| p[0]).collect::<Vec<_>>())?;
        d.set_item("y", proj.iter().map(|p| p[1]).collect::<Vec<_>>())?;
        Ok(d)
    }

    /// The PCA: centre, components (rows), statement projections and extremity, by column.
    #[allow(clippy::type_complexity)]
    fn pca(&self) -> (Vec<u32>, Vec<f64>, Vec<Vec<f64>>, Vec<[f64; 2]>, Vec<f64>) {
        let p = &self.analysis.pca;
        (
            self.analysis.statements.clone(),
            p.center.clone(),
            p.components.clone(),
            p.statement_projections.clone(),
            p.statement_extremity.clone(),
        )
    }
}

/// The native half of the `polyphony` Python package.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Export>()?;
    m.add_class::<Analysis>()?;
    m.add_function(wrap_pyfunction!(read_export, m)?)?;
    m.add_function(wrap_pyfunction!(export_from_columns, m)?)?;
    m.add_function(wrap_pyfunction!(analyze, m)?)?;
    m.add_function(wrap_pyfunction!(replay, m)?)?;
    m.add_function(wrap_pyfunction!(replay_change, m)?)?;
    m.add_function(wrap_pyfunction!(duration_ms, m)?)?;
    m.add_function(wrap_pyfunction!(compare, m)?)?;
    m.add_function(wrap_pyfunction!(tables, m)?)?;
    m.add_function(wrap_pyfunction!(opinion_change, m)?)?;
    m.add_function(wrap_pyfunction!(analyze_with_polis_state, m)?)?;
    m.add_function(wrap_pyfunction!(bench_analyze, m)?)?;
    Ok(())
}
