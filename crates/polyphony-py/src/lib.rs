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

mod analysis;
mod error;
mod export;
mod lab;
mod tables;

use std::sync::Arc;

use polyphony_core::{AnalysisParams, Preset, StatementStatus};
use polyphony_polis::{PolisConversation, PolisStatement, VoteSign};
use pyo3::prelude::*;

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

pub(crate) fn sign(name: &str) -> Result<VoteSign> {
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
pub(crate) fn params(preset: &str, seed: u64) -> Result<AnalysisParams> {
    let preset: Preset = preset.parse()?;
    Ok(AnalysisParams::builder(preset).seed(seed).build()?)
}

pub(crate) fn status(s: &PolisStatement) -> StatementStatus {
    StatementStatus {
        moderation: s.moderation,
        is_meta: s.is_meta,
    }
}

pub(crate) fn analysis_of(
    data: &Arc<PolisConversation>,
    analysis: polyphony_core::Analysis,
) -> Analysis {
    Analysis {
        data: Arc::clone(data),
        analysis,
    }
}

/// The native half of the `polyphony` Python package.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Export>()?;
    m.add_class::<Analysis>()?;
    m.add_function(wrap_pyfunction!(export::read_export, m)?)?;
    m.add_function(wrap_pyfunction!(export::export_from_columns, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::analyze, m)?)?;
    m.add_function(wrap_pyfunction!(lab::replay, m)?)?;
    m.add_function(wrap_pyfunction!(lab::replay_change, m)?)?;
    m.add_function(wrap_pyfunction!(lab::duration_ms, m)?)?;
    m.add_function(wrap_pyfunction!(lab::compare, m)?)?;
    m.add_function(wrap_pyfunction!(tables::tables, m)?)?;
    m.add_function(wrap_pyfunction!(lab::opinion_change, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::analyze_with_polis_state, m)?)?;
    m.add_function(wrap_pyfunction!(analysis::bench_analyze, m)?)?;
    Ok(())
}
