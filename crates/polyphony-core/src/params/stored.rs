//! Loading [`AnalysisParams`] serialized before every preset switch was a field.

use serde::Deserialize;

use super::AnalysisParams;
use crate::preset::{KMeansConvergence, PcaStopping, Preset, PriorityTallies};

/// [`AnalysisParams`] as stored before the preset switches became fields: a missing switch
/// takes its preset's default, so older serialized parameters load with the same meaning.
#[derive(Deserialize)]
pub(super) struct StoredParams {
    preset: Preset,
    seed: u64,
    min_votes_in_conv: u32,
    greedy_floor: u32,
    min_participants_for_groups: u32,
    pca_iterations: u32,
    base_k: u32,
    base_iterations: u32,
    group_iterations: u32,
    max_groups: u32,
    bases_per_extra_group: u32,
    smoother_buffer: u32,
    #[serde(default)]
    pca_stopping: Option<PcaStopping>,
    #[serde(default)]
    collapse_rank1: Option<bool>,
    #[serde(default)]
    kmeans_convergence: Option<KMeansConvergence>,
    #[serde(default)]
    smoother_fallback: Option<bool>,
    /// Outer `None`: stored before the field existed; `Some(None)`: stored turned off.
    #[serde(default, deserialize_with = "present")]
    smoother_margin: Option<Option<f64>>,
    #[serde(default)]
    group_restart: Option<bool>,
    #[serde(default)]
    skip_collapsed_k: Option<bool>,
    #[serde(default)]
    best_agree_as_agree: Option<bool>,
    #[serde(default)]
    repness_test_f32: Option<bool>,
    #[serde(default)]
    priority_tallies: Option<PriorityTallies>,
    #[serde(default)]
    stable_labels: Option<bool>,
}

/// A field that is present, even as `null`, is `Some` (serde alone reads `null` as a missing
/// `Option<Option<_>>`, which would turn a switched-off margin back into the preset's).
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

impl From<StoredParams> for AnalysisParams {
    fn from(s: StoredParams) -> Self {
        let d = AnalysisParams::defaults(s.preset);
        AnalysisParams {
            preset: s.preset,
            seed: s.seed,
            min_votes_in_conv: s.min_votes_in_conv,
            greedy_floor: s.greedy_floor,
            min_participants_for_groups: s.min_participants_for_groups,
            pca_iterations: s.pca_iterations,
            base_k: s.base_k,
            base_iterations: s.base_iterations,
            group_iterations: s.group_iterations,
            max_groups: s.max_groups,
            bases_per_extra_group: s.bases_per_extra_group,
            smoother_buffer: s.smoother_buffer,
            pca_stopping: s.pca_stopping.unwrap_or(d.pca_stopping),
            collapse_rank1: s.collapse_rank1.unwrap_or(d.collapse_rank1),
            kmeans_convergence: s.kmeans_convergence.unwrap_or(d.kmeans_convergence),
            smoother_fallback: s.smoother_fallback.unwrap_or(d.smoother_fallback),
            smoother_margin: s.smoother_margin.unwrap_or(d.smoother_margin),
            group_restart: s.group_restart.unwrap_or(d.group_restart),
            skip_collapsed_k: s.skip_collapsed_k.unwrap_or(d.skip_collapsed_k),
            best_agree_as_agree: s.best_agree_as_agree.unwrap_or(d.best_agree_as_agree),
            repness_test_f32: s.repness_test_f32.unwrap_or(d.repness_test_f32),
            priority_tallies: s.priority_tallies.unwrap_or(d.priority_tallies),
            stable_labels: s.stable_labels.unwrap_or(d.stable_labels),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn params_stored_without_the_switches_load_with_their_presets_defaults() {
        for preset in [Preset::Polis, Preset::Workshop] {
            let now = AnalysisParams::builder(preset).seed(5).build().unwrap();
            let mut json = serde_json::to_value(&now).unwrap();
            let map = json.as_object_mut().unwrap();
            for key in [
                "pca_stopping",
                "collapse_rank1",
                "kmeans_convergence",
                "smoother_fallback",
                "smoother_margin",
                "group_restart",
                "skip_collapsed_k",
                "best_agree_as_agree",
                "repness_test_f32",
                "priority_tallies",
                "stable_labels",
            ] {
                assert!(map.remove(key).is_some(), "{key}");
            }
            let old: AnalysisParams = serde_json::from_value(json).unwrap();
            assert_eq!(old, now);
        }
        for p in [
            AnalysisParams::builder(Preset::Workshop)
                .priority_tallies(PriorityTallies::PreviousGroups)
                .build()
                .unwrap(),
            // A margin switched off stays off (stored as `null`, not taken for missing).
            AnalysisParams::builder(Preset::Workshop)
                .smoother_margin(None)
                .build()
                .unwrap(),
            AnalysisParams::builder(Preset::Polis)
                .smoother_margin(Some(0.1))
                .group_restart(true)
                .build()
                .unwrap(),
        ] {
            let back: AnalysisParams =
                serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
            assert_eq!(back, p);
        }
    }
}
