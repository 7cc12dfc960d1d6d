//! One analysis: a cold update, or one update from a Polis math blob's state, and the tables
//! (participants, groups, statements, PCA) the Python package turns into DataFrames.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use polyphony_core::{Stance, Tally};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::{analysis_of, params, Analysis, Export, PyBindError, Result};

/// One cold update on every vote: `polyphony analyze PATH --preset P --seed S`.
#[pyfunction]
#[pyo3(signature = (export, preset = "workshop", seed = 0))]
pub(crate) fn analyze(
    py: Python<'_>,
    export: &Export,
    preset: &str,
    seed: u64,
) -> PyResult<Analysis> {
    let params = params(preset, seed)?;
    let data = &export.data;
    let analysis = py.detach(|| data.to_conversation(params).update());
    Ok(analysis_of(data, analysis))
}

/// `polyphony analyze PATH --polis-state math-pca2.json`: the state a Polis math blob implies,
/// one `polis` update on the export's votes. Returns the analysis and it as a Polis blob (JSON).
#[pyfunction]
#[pyo3(signature = (export, blob, seed = 0))]
pub(crate) fn analyze_with_polis_state(
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
        // The moderation the blob's tick saw, as `analyze --polis-state` restores it.
        let at_tick = polyphony_polis::moderation_at_blob_tick(&blob, data)?;
        let mut conv = at_tick.to_conversation_with_state(params, state)?;
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
pub(crate) fn bench_analyze(
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
