//! Bootstrap stability: the same seeded resamples of participants for every pipeline, each
//! refitted, scored by the ARI of its groups against the full run's.

use std::collections::{BTreeMap, BTreeSet};

use ndarray::ArrayView2;
use polyphony_core::{ParticipantId, VoteEvent};

use super::fit::{refit, Fixed};
use super::{CompareParams, Pipeline, NOISE};
use crate::features::{pca_projection, select_rows};
use crate::metrics::adjusted_rand_index;
use crate::LabData;

/// ARI of a resample's labels (indexed like `sample`) against the full run, over the distinct
/// participants drawn that both label.
fn resample_ari(sample: &[usize], labels: &[Option<u32>], full: &[Option<u32>]) -> Option<f64> {
    let mut seen = BTreeSet::new();
    let pairs: Vec<(u32, u32)> = sample
        .iter()
        .zip(labels)
        .filter(|(i, _)| seen.insert(**i))
        .filter_map(|(&i, l)| Some((full.get(i).copied().flatten()?, (*l)?)))
        .collect();
    (!pairs.is_empty()).then(|| adjusted_rand_index(&pairs))
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

pub(super) fn linfa_stability(
    pipeline: Pipeline,
    records: ArrayView2<'_, f64>,
    fixed: Fixed,
    params: &CompareParams,
    full: &[Option<u32>],
    resamples: &[Vec<usize>],
) -> (Option<f64>, u32) {
    // DBSCAN's and HDBSCAN's noise is a label of its own when scoring them.
    let full: Vec<Option<u32>> = if pipeline.has_noise() {
        full.iter().map(|l| Some(l.unwrap_or(NOISE))).collect()
    } else {
        full.to_vec()
    };
    let mut scores = Vec::new();
    for sample in resamples {
        let rows = select_rows(records, sample);
        let Some(points) = pca_projection(rows.view()) else {
            continue;
        };
        let labels = refit(pipeline, points.view(), fixed, params).map(|l| {
            if pipeline.has_noise() {
                l.into_iter().map(|x| Some(x.unwrap_or(NOISE))).collect()
            } else {
                l
            }
        });
        if let Some(score) = labels.and_then(|l| resample_ari(sample, &l, &full)) {
            scores.push(score);
        }
    }
    (mean(&scores), scores.len() as u32)
}

pub(super) fn polis_stability(
    data: &LabData,
    params: &CompareParams,
    population: &[ParticipantId],
    full: &[Option<u32>],
    resamples: &[Vec<usize>],
) -> (Option<f64>, u32) {
    if resamples.is_empty() {
        return (None, 0);
    }
    let mut votes_of: BTreeMap<ParticipantId, Vec<VoteEvent>> = BTreeMap::new();
    for v in &data.votes {
        votes_of.entry(v.participant).or_default().push(*v);
    }
    let fresh_base = data
        .participants()
        .last()
        .map_or(0, |p| p.saturating_add(1));
    let mut scores = Vec::new();
    for sample in resamples {
        // A participant drawn again joins as a new participant with the same votes.
        let mut copies: BTreeSet<usize> = BTreeSet::new();
        let mut fresh = fresh_base;
        let mut votes = Vec::new();
        let mut ids = Vec::with_capacity(sample.len());
        for &i in sample {
            let Some(&p) = population.get(i) else {
                continue;
            };
            let id = if copies.insert(i) {
                p
            } else {
                fresh = fresh.saturating_add(1);
                fresh - 1
            };
            ids.push(id);
            for v in votes_of.get(&p).map(Vec::as_slice).unwrap_or(&[]) {
                votes.push(VoteEvent {
                    participant: id,
                    ..*v
                });
            }
        }
        let resampled = LabData {
            votes,
            statements: data.statements.clone(),
            reference_groups: BTreeMap::new(),
        };
        let analysis = resampled.conversation(params.analysis.clone()).update();
        let group_of: BTreeMap<ParticipantId, u32> = analysis
            .participants
            .iter()
            .filter_map(|p| p.group.map(|g| (p.participant, g)))
            .collect();
        let labels: Vec<Option<u32>> = ids.iter().map(|id| group_of.get(id).copied()).collect();
        if let Some(score) = resample_ari(sample, &labels, full) {
            scores.push(score);
        }
    }
    (mean(&scores), scores.len() as u32)
}
