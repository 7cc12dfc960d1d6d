//! §4.3–4.5: opinion groups over the base clusters.

use std::collections::BTreeMap;

use crate::analysis::{OpinionGroup, OpinionGroups};
use crate::kmeans::{self, Cluster};
use crate::learn::PolisKMeans;
use crate::params::AnalysisParams;
use crate::state::KSmoother;
use crate::stats::{self, Tally};

/// With [`AnalysisParams::group_restart`], a cold-started group k-means replaces the
/// warm-started one when its within-group sum of squares is under this share of the warm
/// one's: a partition twice as tight, not the drift of a few votes (see the parameter for the
/// measurements behind it).
///
/// ```
/// assert_eq!(polyphony_core::pipeline::RESTART_GAIN, 0.5);
/// ```
pub const RESTART_GAIN: f64 = 0.5;

/// What [`groups`] returns: the groups shown, and what the next update starts from.
///
/// ```
/// let g = polyphony_core::pipeline::Grouping::default();
/// assert!(g.groups.is_none() && g.clusterings.is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Grouping {
    /// The groups, when there are enough participants (their `representative` lists are
    /// empty: [`crate::pipeline::repness`] fills them).
    pub groups: Option<OpinionGroups>,
    /// The clustering of the base clusters for every candidate k (warm start of the next update).
    pub clusterings: BTreeMap<u32, Vec<Cluster>>,
    /// The k smoother after this update.
    pub smoother: KSmoother,
}

/// §4.3–4.5: clusters the base clusters (weighted by size) for every k from 2 to
/// `min(max_groups, 2 + bases / bases_per_extra_group)`, picks the k with the best silhouette
/// (ties to the larger k; with [`AnalysisParams::skip_collapsed_k`], among the k whose k-means
/// kept k groups), smooths it over updates ([`KSmoother::observe_scored`]), and builds the
/// groups shown: members, size-weighted centre and tallies (summed from `base_tallies`, by
/// column). Groups are reported only once `in_conv_count` reaches
/// `min_participants_for_groups`.
///
/// `previous` and `smoother` come from the last update ([`crate::EngineState`]).
///
/// ```
/// use std::collections::BTreeMap;
/// use polyphony_core::{pipeline, AnalysisParams, Cluster, KSmoother, Tally};
/// let base = |id, x: f64| Cluster { id, members: vec![id], center: [x, 0.0] };
/// let bases = vec![base(0, 0.0), base(1, 0.1), base(2, 5.0), base(3, 5.1)];
/// let tallies = vec![vec![Tally::default()]; 4];
/// let params = AnalysisParams::builder(Default::default()).min_participants_for_groups(0).build()?;
/// let g = pipeline::groups(&bases, &tallies, 4, &BTreeMap::new(), &KSmoother::default(), &params);
/// let groups = g.groups.expect("four participants, no minimum");
/// assert_eq!(groups.best_k, 2);
/// assert_eq!(groups.groups[0].members, vec![0, 1]);
/// # Ok::<(), polyphony_core::CoreError>(())
/// ```
pub fn groups(
    base_clusters: &[Cluster],
    base_tallies: &[Vec<Tally>],
    in_conv_count: usize,
    previous: &BTreeMap<u32, Vec<Cluster>>,
    smoother: &KSmoother,
    params: &AnalysisParams,
) -> Grouping {
    let mut out = Grouping {
        smoother: smoother.clone(),
        ..Grouping::default()
    };
    if base_clusters.is_empty() {
        return out;
    }
    let n_cols = base_tallies.first().map_or(0, Vec::len);
    let show = in_conv_count > 0 && in_conv_count as u32 >= params.min_participants_for_groups();
    let nb = base_clusters.len() as u32;
    let max_k = params
        .max_groups()
        .min(2 + nb / params.bases_per_extra_group());
    let bids: Vec<u32> = base_clusters.iter().map(|c| c.id).collect();
    let centers: Vec<[f64; 2]> = base_clusters.iter().map(|c| c.center).collect();
    let weights: Vec<f64> = base_clusters
        .iter()
        .map(|c| c.members.len() as f64)
        .collect();
    let mut labelings: Vec<(u32, Vec<usize>)> = Vec::new();
    for k in 2..=max_k {
        let last = previous.get(&k).map_or(&[][..], Vec::as_slice);
        let kmeans = PolisKMeans::params(k as usize)
            .max_iterations(params.group_iterations())
            .convergence(params.kmeans_convergence());
        let mut clustering =
            super::fit_named(kmeans.clone(), &bids, &centers, Some(&weights), last);
        if params.group_restart() && !last.is_empty() {
            // The fit Polis's cold start (first k distinct points) finds on these base
            // clusters; it takes over only from a warm start left in a clearly worse partition.
            let cold = super::fit_named(kmeans, &bids, &centers, Some(&weights), &[]);
            let warm_ss = within_sum_of_squares(&clustering, &bids, &centers, &weights);
            if within_sum_of_squares(&cold, &bids, &centers, &weights) < RESTART_GAIN * warm_ss {
                clustering = cold;
            }
        }
        let labels: Vec<usize> = bids
            .iter()
            .map(|b| {
                clustering
                    .iter()
                    .position(|c| c.members.contains(b))
                    .unwrap_or(0)
            })
            .collect();
        // A k whose k-means emptied a cluster is the smaller k's partition under another name:
        // kept for the next warm start, but not a candidate.
        if !(params.skip_collapsed_k() && clustering.len() < k as usize) {
            labelings.push((k, labels));
        }
        out.clusterings.insert(k, clustering);
    }
    // Every k's silhouette in one sweep over the base clusters' distances.
    let labels_only: Vec<Vec<usize>> = labelings.iter().map(|(_, l)| l.clone()).collect();
    let scores = kmeans::silhouettes(&centers, &labels_only);
    let silhouettes: BTreeMap<u32, f64> = labelings
        .iter()
        .zip(scores)
        .filter_map(|((k, _), s)| s.map(|s| (*k, s)))
        .collect();
    // Best k: highest silhouette, ties to the larger k.
    let best_k = silhouettes
        .iter()
        .fold(None::<(u32, f64)>, |acc, (&k, &s)| match acc {
            Some((_, bs)) if s < bs => acc,
            _ => Some((k, s)),
        })
        .map(|(k, _)| k);
    let shown = match best_k {
        Some(best) => {
            let available: Vec<u32> = if params.smoother_fallback() {
                silhouettes.keys().copied().collect()
            } else {
                Vec::new()
            };
            let k = out.smoother.observe_scored(
                best,
                &silhouettes,
                params.smoother_buffer(),
                &available,
                params.smoother_margin(),
            );
            if out.clusterings.contains_key(&k) {
                k
            } else {
                best
            }
        }
        None => 2,
    };
    if show {
        let clustering = out.clusterings.get(&shown).cloned().unwrap_or_default();
        out.groups = Some(OpinionGroups {
            silhouettes,
            best_k: best_k.unwrap_or(1),
            groups: build_groups(&clustering, base_clusters, base_tallies, n_cols),
            live: None,
        });
    }
    out
}

fn build_groups(
    clustering: &[Cluster],
    base_clusters: &[Cluster],
    base_tallies: &[Vec<Tally>],
    n_cols: usize,
) -> Vec<OpinionGroup> {
    clustering
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut members = Vec::new();
            let mut tallies = vec![Tally::default(); n_cols];
            let (mut x, mut y, mut w) = (0.0, 0.0, 0.0);
            for &bid in &c.members {
                if let Some(b) = base_clusters.iter().position(|b| b.id == bid) {
                    members.extend_from_slice(&base_clusters[b].members);
                    for (t, bt) in tallies
                        .iter_mut()
                        .zip(base_tallies.get(b).into_iter().flatten())
                    {
                        *t = t.plus(bt);
                    }
                    let n = base_clusters[b].members.len() as f64;
                    x += n * base_clusters[b].center[0];
                    y += n * base_clusters[b].center[1];
                    w += n;
                }
            }
            members.sort_unstable();
            let mut base_ids = c.members.clone();
            base_ids.sort_unstable();
            OpinionGroup {
                id: c.id,
                label: stats::group_label(i),
                members,
                base_clusters: base_ids,
                center: if w > 0.0 { [x / w, y / w] } else { c.center },
                tallies,
                representative: Vec::new(),
            }
        })
        .collect()
}

/// The k-means objective of a clustering of the base clusters: each base cluster's squared
/// distance to its group's centre, weighted by its size.
fn within_sum_of_squares(
    clustering: &[Cluster],
    bids: &[u32],
    centers: &[[f64; 2]],
    weights: &[f64],
) -> f64 {
    let index: BTreeMap<u32, usize> = bids.iter().enumerate().map(|(i, &b)| (b, i)).collect();
    clustering
        .iter()
        .flat_map(|c| c.members.iter().map(move |m| (c.center, m)))
        .filter_map(|(center, m)| index.get(m).map(|&i| (center, i)))
        .map(|(center, i)| {
            let d = kmeans::distance(centers[i], center);
            weights[i] * d * d
        })
        .sum()
}
