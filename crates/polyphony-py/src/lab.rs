//! The lab from Python: replay, opinion change between two moments, and the pipelines side by
//! side (`polyphony analyze --replay`, `--change`, `polyphony compare`).

use std::time::Instant;

use polyphony_lab::{Cadence, CompareParams, ConsensusForm, LabData, Pipeline, ReplayParams};
use polyphony_polis::PolisConversation;
use pyo3::prelude::*;

use crate::{analysis_of, params, status, Analysis, Export, PyBindError, Result};

/// The lab's view of an export, exactly as the CLI (`crates/polyphony/src/lab.rs`) and the
/// WebAssembly bindings build it: votes, moderation, Polis's groups, times in seconds.
pub(crate) fn lab_data(data: &PolisConversation) -> LabData {
    LabData::new(data.votes.clone())
        .with_statements(data.statements.iter().map(|s| (s.id, status(s))).collect())
        .with_reference_groups(data.polis_groups.clone())
        .with_times_in_seconds()
}

pub(crate) fn cadence(every: Option<&str>, every_votes: Option<u32>) -> Result<Cadence> {
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

/// `polyphony analyze PATH --replay`: the votes in time order, one update per cadence step,
/// state carried. Returns the last analysis, (updates, votes, first time, last time) and the
/// time-lapse as JSON text when `frames` is given.
#[pyfunction]
#[pyo3(signature = (export, preset = "polis", seed = 0, every = None, every_votes = None, frames = None))]
#[allow(clippy::type_complexity)]
pub(crate) fn replay(
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
pub(crate) fn replay_change(
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
pub(crate) fn duration_ms(text: &str) -> PyResult<i64> {
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

/// `polyphony compare PATH --format json [--consensus C] [--fdr Q]`: the pipelines side by
/// side and the statements (bridging beside group-informed consensus, representative
/// statements under false-discovery control), as JSON text (with the times, measured by this
/// process's clock as the CLI does).
#[pyfunction]
#[pyo3(signature = (export, bootstrap = 50, seed = 0, pipelines = None, consensus = "legacy", fdr = None))]
pub(crate) fn compare(
    py: Python<'_>,
    export: &Export,
    bootstrap: u32,
    seed: u64,
    pipelines: Option<Vec<String>>,
    consensus: &str,
    fdr: Option<f64>,
) -> PyResult<String> {
    let consensus: ConsensusForm = consensus.parse().map_err(PyBindError::from)?;
    let mut builder = CompareParams::builder()
        .bootstrap(bootstrap)
        .seed(seed)
        .consensus(consensus)
        .repness_fdr(fdr);
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

/// Opinion change between two moments of one conversation: `before`'s votes are analysed, then
/// `after`'s are added to the same conversation (the later vote of a person on a statement
/// wins) and analysed again, so group ids carry over, and each person is compared with
/// themselves (`polyphony_core::opinion_change`). JSON text.
#[pyfunction]
#[pyo3(signature = (before, after, preset = "workshop", seed = 0))]
pub(crate) fn opinion_change(
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
