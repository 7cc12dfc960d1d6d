//! Engine state carried from one update to the next.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::identity::GroupMembers;
use crate::kmeans::Cluster;
use crate::stats::Tally;
use crate::vote::{ParticipantId, StatementId};

/// Everything an update learns that the next update starts from (§19 of the math spec).
///
/// Polis keeps part of this in memory only and silently cold-starts after a restart (issue
/// #2358); Polyphony makes all of it a plain serde value, so a server can store it with the room
/// and pick up exactly where it stopped. Restore it with
/// [`crate::Conversation::with_state`].
///
/// ```
/// let s = polyphony_core::EngineState::default();
/// let json = serde_json::to_string(&s).unwrap();
/// let back: polyphony_core::EngineState = serde_json::from_str(&json).unwrap();
/// assert_eq!(s, back);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EngineState {
    /// Updates run so far.
    pub tick: u64,
    /// Participants in matrix row order.
    pub participants: Vec<ParticipantId>,
    /// Statements in matrix column order.
    pub statements: Vec<StatementId>,
    /// Participants admitted to clustering (sticky: nobody leaves).
    pub in_conv: BTreeSet<ParticipantId>,
    /// Previous principal components, in column order (warm start).
    pub components: Vec<Vec<f64>>,
    /// Previous base clusters (members are participant ids).
    pub base_clusters: Vec<Cluster>,
    /// Previous group clustering for each candidate k (members are base-cluster ids).
    pub group_clusterings: BTreeMap<u32, Vec<Cluster>>,
    /// The k smoother.
    pub smoother: KSmoother,
    /// Previous per-group tallies by statement (Polis computes priorities from these).
    pub previous_group_votes: BTreeMap<u32, BTreeMap<StatementId, Tally>>,
    /// The labelled groups of the previous update (what [`crate::match_labels`] matches the
    /// next update's groups against; empty unless [`crate::AnalysisParams::stable_labels`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group_labels: Vec<GroupMembers>,
}

/// Polis's group-count smoother (§4.5): a new best k must win several updates in a row (or,
/// with a margin, win outright: [`KSmoother::observe_scored`]).
///
/// ```
/// let mut s = polyphony_core::KSmoother::default();
/// assert_eq!(s.observe(3, 4, &[2, 3]), 3); // the first update accepts its best k
/// assert_eq!(s.observe(2, 4, &[2, 3]), 3); // one win is not enough to switch
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KSmoother {
    /// Best k of the previous update.
    pub last_k: Option<u32>,
    /// How many updates in a row it has been best.
    pub last_k_count: u32,
    /// The k shown.
    pub smoothed_k: Option<u32>,
}

impl KSmoother {
    /// Records this update's best k and returns the k to show. `available` lists the k that
    /// were computed; when non-empty and the smoothed k is not among them, the best k is used
    /// (the 2026 upstream clamp; pass an empty slice for the 2024 behaviour).
    ///
    /// ```
    /// let mut s = polyphony_core::KSmoother::default();
    /// for _ in 0..4 { s.observe(2, 4, &[]); }
    /// assert_eq!(s.smoothed_k, Some(2));
    /// ```
    pub fn observe(&mut self, this_k: u32, buffer: u32, available: &[u32]) -> u32 {
        let count = if self.last_k == Some(this_k) {
            self.last_k_count + 1
        } else {
            1
        };
        let mut smoothed = if count >= buffer {
            this_k
        } else {
            self.smoothed_k.unwrap_or(this_k)
        };
        if !available.is_empty() && !available.contains(&smoothed) {
            smoothed = this_k;
        }
        self.last_k = Some(this_k);
        self.last_k_count = count;
        self.smoothed_k = Some(smoothed);
        smoothed
    }

    /// [`KSmoother::observe`] with the update's silhouettes: when `margin` is given and the
    /// best k's silhouette beats the k [`KSmoother::observe`] would show by at least that
    /// much, the best k is shown at once (see [`crate::AnalysisParams::smoother_margin`] for
    /// why). `this_k` is the best k of `silhouettes`.
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// let mut s = polyphony_core::KSmoother::default();
    /// let close = BTreeMap::from([(2, 0.60), (3, 0.55)]);
    /// assert_eq!(s.observe_scored(2, &close, 4, &[2, 3], Some(0.2)), 2);
    /// // A third camp: k = 3 wins by 0.05, then by 0.3.
    /// let near = BTreeMap::from([(2, 0.58), (3, 0.63)]);
    /// assert_eq!(s.observe_scored(3, &near, 4, &[2, 3], Some(0.2)), 2); // waits, as Polis
    /// let clear = BTreeMap::from([(2, 0.58), (3, 0.89)]);
    /// assert_eq!(s.clone().observe_scored(3, &clear, 4, &[2, 3], None), 2);
    /// assert_eq!(s.observe_scored(3, &clear, 4, &[2, 3], Some(0.2)), 3); // shown at once
    /// assert_eq!(s.smoothed_k, Some(3));
    /// ```
    pub fn observe_scored(
        &mut self,
        this_k: u32,
        silhouettes: &BTreeMap<u32, f64>,
        buffer: u32,
        available: &[u32],
        margin: Option<f64>,
    ) -> u32 {
        let smoothed = self.observe(this_k, buffer, available);
        let clear_win = match (margin, silhouettes.get(&this_k), silhouettes.get(&smoothed)) {
            (Some(margin), Some(best), Some(shown)) => best - shown >= margin,
            _ => false,
        };
        if smoothed != this_k && clear_win {
            self.smoothed_k = Some(this_k);
            return this_k;
        }
        smoothed
    }
}
