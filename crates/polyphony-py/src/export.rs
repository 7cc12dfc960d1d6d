//! Reading conversations: an export folder, or vote columns from a DataFrame.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use polyphony_core::{Moderation, Vote, VoteEvent};
use polyphony_polis::{PolisConversation, PolisStatement};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::{sign, Export, PyBindError, Result};

/// Reads an openData export folder or a Polis API pair folder, as `polyphony analyze PATH`.
#[pyfunction]
#[pyo3(signature = (path, vote_sign = "auto"))]
pub(crate) fn read_export(py: Python<'_>, path: PathBuf, vote_sign: &str) -> PyResult<Export> {
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
pub(crate) fn i64s(what: &str, bytes: &[u8]) -> Result<Vec<i64>> {
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
pub(crate) fn export_from_columns(
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
