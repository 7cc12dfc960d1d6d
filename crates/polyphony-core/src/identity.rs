//! Groups that belong to people.
//!
//! In a workshop a group is the set of people who sat at its tables and gave it a name. The
//! k-means ids the engine computes carry no such promise: when the number of groups changes, or
//! a group splits, the ids are reassigned and "group A" can suddenly mean other people. Two
//! things keep a group with its people:
//!
//! - **labels that follow members**: every update's groups are matched to the previous ones by
//!   shared members ([`match_labels`], an optimal assignment), so a label stays with most of the
//!   people who had it, and a group that splits keeps its label on the larger part;
//! - **frozen groups** ([`FrozenGroups`]): the facilitator's anchor. While a conversation holds
//!   frozen groups ([`crate::Conversation::set_frozen_groups`]), its groups, their statistics
//!   and every participant's group are the frozen membership; the live clustering goes on and
//!   is reported beside it ([`crate::ParticipantPoint::live_group`], [`crate::LiveGroups`]).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::analysis::OpinionGroups;
use crate::vote::ParticipantId;

/// One group as a set of people: its id (the label's index: 0 is "A") and its members.
///
/// ```
/// let g = polyphony_core::GroupMembers { id: 0, members: vec![3, 5, 8] };
/// assert_eq!(polyphony_core::group_label(g.id as usize), "A");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMembers {
    /// The group's id (and label index).
    pub id: u32,
    /// Participants, ascending.
    pub members: Vec<ParticipantId>,
}

/// The groups a facilitator froze: the membership tables, names, colours and reports use for
/// the rest of the workshop, whatever the live map does.
///
/// ```
/// use polyphony_core::{FrozenGroups, GroupMembers};
/// let frozen = FrozenGroups::new(vec![
///     GroupMembers { id: 0, members: vec![1, 2] },
///     GroupMembers { id: 1, members: vec![3] },
/// ]);
/// assert_eq!(frozen.group_of(3), Some(1));
/// assert_eq!(frozen.group_of(9), None, "joined after the freeze");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrozenGroups {
    /// The groups, by id.
    pub groups: Vec<GroupMembers>,
}

impl FrozenGroups {
    /// Frozen groups from a membership list (sorted by id, members ascending and deduplicated;
    /// a participant listed in two groups stays in the first).
    ///
    /// ```
    /// use polyphony_core::{FrozenGroups, GroupMembers};
    /// let f = FrozenGroups::new(vec![GroupMembers { id: 1, members: vec![4, 2, 2] }, GroupMembers { id: 0, members: vec![2, 7] }]);
    /// assert_eq!(f.groups[0].members, vec![2, 7]);
    /// assert_eq!(f.groups[1].members, vec![4]);
    /// ```
    pub fn new(mut groups: Vec<GroupMembers>) -> Self {
        groups.sort_by_key(|g| g.id);
        groups.dedup_by_key(|g| g.id);
        let mut seen = BTreeSet::new();
        for g in &mut groups {
            g.members.sort_unstable();
            g.members.dedup();
            g.members.retain(|p| seen.insert(*p));
        }
        Self { groups }
    }

    /// The groups of an analysis as they stand (nothing when it has no groups).
    ///
    /// ```
    /// use polyphony_core::{AnalysisParams, Conversation, FrozenGroups, Vote, VoteEvent};
    /// let mut c = Conversation::new(AnalysisParams::default());
    /// for p in 0..10u32 {
    ///     for s in 0..6u32 {
    ///         let v = if (p + s) % 2 == 0 { Vote::Agree } else { Vote::Disagree };
    ///         c.add_votes(&[VoteEvent::new(p, s, v, 0)]);
    ///     }
    /// }
    /// let frozen = FrozenGroups::from_analysis(&c.update());
    /// assert_eq!(frozen.groups.len(), 2);
    /// assert_eq!(frozen.members(), 10);
    /// ```
    pub fn from_analysis(analysis: &crate::Analysis) -> Self {
        Self::new(
            analysis
                .groups
                .iter()
                .flat_map(|g| &g.groups)
                .map(|g| GroupMembers {
                    id: g.id,
                    members: g.members.clone(),
                })
                .collect(),
        )
    }

    /// The groups the votes draw in an analysis, frozen or not: its groups, or while it has
    /// frozen groups, the live clustering ([`crate::ParticipantPoint::live_group`]). What a
    /// facilitator freezes, or updates frozen groups to.
    ///
    /// ```
    /// use polyphony_core::{AnalysisParams, Conversation, FrozenGroups, GroupMembers, Vote, VoteEvent};
    /// let mut c = Conversation::new(AnalysisParams::default());
    /// for p in 0..10u32 {
    ///     for s in 0..6u32 {
    ///         let v = if (p + s) % 2 == 0 { Vote::Agree } else { Vote::Disagree };
    ///         c.add_votes(&[VoteEvent::new(p, s, v, 0)]);
    ///     }
    /// }
    /// let live = FrozenGroups::from_live(&c.update());
    /// // Frozen on another partition, the analysis still says what the votes draw.
    /// c.set_frozen_groups(Some(FrozenGroups::new(vec![GroupMembers { id: 0, members: (0..10).collect() }])));
    /// assert_eq!(FrozenGroups::from_live(&c.update()), live);
    /// ```
    pub fn from_live(analysis: &crate::Analysis) -> Self {
        let frozen = analysis.groups.as_ref().is_some_and(|g| g.live.is_some());
        if !frozen {
            return Self::from_analysis(analysis);
        }
        let mut groups: BTreeMap<u32, Vec<ParticipantId>> = BTreeMap::new();
        for p in &analysis.participants {
            if let Some(g) = p.live_group {
                groups.entry(g).or_default().push(p.participant);
            }
        }
        Self::new(
            groups
                .into_iter()
                .map(|(id, members)| GroupMembers { id, members })
                .collect(),
        )
    }

    /// The frozen group of a participant (`None`: not in any, e.g. joined later).
    ///
    /// ```
    /// let f = polyphony_core::FrozenGroups::default();
    /// assert_eq!(f.group_of(1), None);
    /// ```
    pub fn group_of(&self, participant: ParticipantId) -> Option<u32> {
        self.groups
            .iter()
            .find(|g| g.members.binary_search(&participant).is_ok())
            .map(|g| g.id)
    }

    /// Participant → group, for many lookups.
    ///
    /// ```
    /// use polyphony_core::{FrozenGroups, GroupMembers};
    /// let f = FrozenGroups::new(vec![GroupMembers { id: 2, members: vec![5] }]);
    /// assert_eq!(f.membership().get(&5), Some(&2));
    /// ```
    pub fn membership(&self) -> BTreeMap<ParticipantId, u32> {
        self.groups
            .iter()
            .flat_map(|g| g.members.iter().map(move |&p| (p, g.id)))
            .collect()
    }

    /// How many people the groups hold.
    ///
    /// ```
    /// assert_eq!(polyphony_core::FrozenGroups::default().members(), 0);
    /// ```
    pub fn members(&self) -> usize {
        self.groups.iter().map(|g| g.members.len()).sum()
    }

    /// Whether there are no groups.
    ///
    /// ```
    /// assert!(polyphony_core::FrozenGroups::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

/// Matches `current` groups to `previous` ones by shared members and returns each current
/// group's new id (its label), keyed by its current id.
///
/// The assignment maximises the number of people who keep their label (an optimal assignment,
/// solved exactly: groups are few). So a partition that only had its ids permuted keeps every
/// label; a group that splits keeps its label on the larger part; a group sharing nobody with
/// any previous group gets the smallest label no matched group holds. Ties go to the lower
/// previous id for the lower current id, so the answer is deterministic.
///
/// ```
/// use polyphony_core::{match_labels, GroupMembers};
/// let g = |id, members: &[u32]| GroupMembers { id, members: members.to_vec() };
/// // The engine swapped its ids; the labels stay with the people.
/// let previous = [g(0, &[1, 2, 3]), g(1, &[4, 5])];
/// let current = [g(0, &[4, 5]), g(1, &[1, 2, 3])];
/// let labels = match_labels(&previous, &current);
/// assert_eq!((labels[&0], labels[&1]), (1, 0));
/// ```
pub fn match_labels(previous: &[GroupMembers], current: &[GroupMembers]) -> BTreeMap<u32, u32> {
    let mut previous: Vec<&GroupMembers> = previous.iter().collect();
    previous.sort_by_key(|g| g.id);
    let mut current: Vec<&GroupMembers> = current.iter().collect();
    current.sort_by_key(|g| g.id);
    let owner: BTreeMap<ParticipantId, usize> = previous
        .iter()
        .enumerate()
        .flat_map(|(j, g)| g.members.iter().map(move |&p| (p, j)))
        .collect();
    // overlap[i][j]: people of current group i who were in previous group j.
    let overlap: Vec<Vec<u64>> = current
        .iter()
        .map(|g| {
            let mut row = vec![0u64; previous.len()];
            for p in &g.members {
                if let Some(&j) = owner.get(p) {
                    row[j] += 1;
                }
            }
            row
        })
        .collect();
    let assigned = assign(&overlap, previous.len());
    let mut out = BTreeMap::new();
    let mut taken: BTreeSet<u32> = BTreeSet::new();
    for (i, a) in assigned.iter().enumerate() {
        if let Some(j) = *a {
            out.insert(current[i].id, previous[j].id);
            taken.insert(previous[j].id);
        }
    }
    for (i, a) in assigned.iter().enumerate() {
        if a.is_none() {
            let fresh = (0u32..).find(|l| !taken.contains(l)).unwrap_or(u32::MAX);
            taken.insert(fresh);
            out.insert(current[i].id, fresh);
        }
    }
    out
}

/// The assignment of rows to distinct columns with the largest total weight; pairs of weight 0
/// are left unassigned. Exact, by dynamic programming over the subsets of columns (up to 16
/// columns; beyond, rows take their heaviest free column in order, which never happens with
/// the engine's at most a handful of groups).
fn assign(weights: &[Vec<u64>], columns: usize) -> Vec<Option<usize>> {
    let rows = weights.len();
    if columns > 16 {
        let mut used = vec![false; columns];
        return weights
            .iter()
            .map(|row| {
                let best = (0..columns)
                    .filter(|&j| !used[j] && row[j] > 0)
                    .max_by(|&a, &b| row[a].cmp(&row[b]).then(b.cmp(&a)))?;
                used[best] = true;
                Some(best)
            })
            .collect();
    }
    let masks = 1usize << columns;
    // best[i][mask]: the largest weight rows i.. can add when the columns in `mask` are used.
    let mut best = vec![vec![0u64; masks]; rows + 1];
    for i in (0..rows).rev() {
        for mask in 0..masks {
            let mut b = best[i + 1][mask];
            for j in 0..columns {
                let w = weights[i][j];
                if w > 0 && mask & (1 << j) == 0 {
                    b = b.max(w + best[i + 1][mask | (1 << j)]);
                }
            }
            best[i][mask] = b;
        }
    }
    // Walk the choices: the lowest column that reaches the optimum, else none.
    let mut mask = 0usize;
    let mut out = Vec::with_capacity(rows);
    for i in 0..rows {
        let target = best[i][mask];
        let pick = (0..columns).find(|&j| {
            let w = weights[i][j];
            w > 0 && mask & (1 << j) == 0 && w + best[i + 1][mask | (1 << j)] == target
        });
        if let Some(j) = pick {
            mask |= 1 << j;
        }
        out.push(pick);
    }
    out
}

/// Renumbers an update's groups by `labels` (current id → label): ids, letters and order.
pub(crate) fn relabel(groups: &mut OpinionGroups, labels: &BTreeMap<u32, u32>) {
    for g in &mut groups.groups {
        if let Some(&l) = labels.get(&g.id) {
            g.id = l;
            g.label = crate::stats::group_label(l as usize);
        }
    }
    groups.groups.sort_by_key(|g| g.id);
}

/// Each group's members, for the next match.
pub(crate) fn memberships(groups: &OpinionGroups) -> Vec<GroupMembers> {
    groups
        .groups
        .iter()
        .map(|g| GroupMembers {
            id: g.id,
            members: g.members.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(id: u32, members: &[u32]) -> GroupMembers {
        GroupMembers {
            id,
            members: members.to_vec(),
        }
    }

    #[test]
    fn a_split_keeps_the_label_on_the_larger_part() {
        let previous = [g(0, &[1, 2, 3, 4, 5]), g(1, &[6, 7])];
        // Group A split into {1, 2} and {3, 4, 5}; B unchanged.
        let current = [g(0, &[1, 2]), g(1, &[6, 7]), g(2, &[3, 4, 5])];
        let l = match_labels(&previous, &current);
        assert_eq!(l[&2], 0, "the larger part keeps A");
        assert_eq!(l[&1], 1);
        assert_eq!(l[&0], 2, "the smaller part is new: C");
    }

    #[test]
    fn a_merge_keeps_the_label_of_the_larger_source() {
        let previous = [g(0, &[1, 2]), g(1, &[3, 4, 5]), g(2, &[6, 7, 8, 9])];
        let current = [g(0, &[1, 2, 3, 4, 5]), g(1, &[6, 7, 8, 9])];
        let l = match_labels(&previous, &current);
        assert_eq!((l[&0], l[&1]), (1, 2));
    }

    #[test]
    fn the_optimum_is_not_the_greedy_choice() {
        // Current group 0 holds 3 of A and 2 of B, group 1 holds 3 of A and 1 of B. Greedy
        // (0 takes A) keeps 3 + 1 people; the optimum (0 keeps B, 1 keeps A) keeps 2 + 3.
        let previous = [g(0, &[1, 2, 3, 4, 8, 9]), g(1, &[5, 6, 7])];
        let current = [g(0, &[1, 2, 3, 5, 6]), g(1, &[4, 7, 8, 9])];
        let l = match_labels(&previous, &current);
        assert_eq!((l[&0], l[&1]), (1, 0));
    }

    #[test]
    fn strangers_get_the_smallest_free_labels() {
        let previous = [g(0, &[1]), g(1, &[2])];
        let current = [g(0, &[7]), g(1, &[2])];
        let l = match_labels(&previous, &current);
        assert_eq!((l[&0], l[&1]), (0, 1));
    }

    #[test]
    fn frozen_groups_are_normalised() {
        let f = FrozenGroups::new(vec![g(1, &[3, 3, 1]), g(0, &[1, 2])]);
        assert_eq!(f.groups, vec![g(0, &[1, 2]), g(1, &[3])]);
        assert_eq!(f.members(), 3);
    }
}
