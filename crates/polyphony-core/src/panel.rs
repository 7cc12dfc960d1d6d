//! Opinion change measured on the same people.
//!
//! "Group A went from 0% to 56% agree" compares two sets of people when A's members changed
//! between the two moments: a change of members reads as a change of mind. A panel compares
//! each person with themselves: for every person who answered an item both times (a statement
//! voted before and after the tables; a spectrum's first and last round), their own move, then
//! counted per group with the membership held fixed. A room where nobody changes an answer shows
//! no change, however its groups move.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::matrix::VoteMatrix;
use crate::vote::{ParticipantId, Vote};

/// One person's answer to one item on a signed scale where higher is more agreeing: a vote
/// (agree +1, pass 0, disagree −1) or a place on the spectrum (−2 strongly disagree … +2
/// strongly agree).
///
/// ```
/// use polyphony_core::{Answer, Vote};
/// assert_eq!(Answer::vote(7, 3, Vote::Disagree).position, -1);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// Who answered.
    pub participant: ParticipantId,
    /// What was answered (a statement id, or a spectrum's statement).
    pub item: u32,
    /// Where they stand, higher = more agreeing.
    pub position: i8,
}

impl Answer {
    /// A vote as an answer: agree +1, pass 0, disagree −1.
    ///
    /// ```
    /// use polyphony_core::{Answer, Vote};
    /// assert_eq!(Answer::vote(1, 2, Vote::Agree).position, 1);
    /// assert_eq!(Answer::vote(1, 2, Vote::Pass).position, 0);
    /// ```
    pub fn vote(participant: ParticipantId, item: u32, vote: Vote) -> Answer {
        let position = match vote {
            Vote::Agree => 1,
            Vote::Pass => 0,
            Vote::Disagree => -1,
        };
        Answer {
            participant,
            item,
            position,
        }
    }

    /// Every vote a matrix holds (each person's latest on each statement) as answers.
    ///
    /// ```
    /// use polyphony_core::{Answer, Vote, VoteEvent, VoteMatrix};
    /// let mut m = VoteMatrix::default();
    /// m.apply(&[VoteEvent::new(1, 9, Vote::Agree, 0), VoteEvent::new(1, 9, Vote::Disagree, 5)]);
    /// assert_eq!(Answer::votes(&m), vec![Answer::vote(1, 9, Vote::Disagree)]);
    /// ```
    pub fn votes(matrix: &VoteMatrix) -> Vec<Answer> {
        let statements = matrix.statements();
        matrix
            .participants()
            .iter()
            .enumerate()
            .flat_map(|(r, &p)| {
                matrix
                    .row(r)
                    .map(move |(j, v)| Answer::vote(p, statements[j], v))
            })
            .collect()
    }
}

/// How the people of one panel moved on one item.
///
/// ```
/// let s = polyphony_core::PanelShift { answered_both: 4, toward_agree: 3, toward_disagree: 0, stayed: 1, mean_before: -1.0, mean_after: 0.5 };
/// assert_eq!(s.mean_shift(), 1.5);
/// assert_eq!(s.moved(), 3);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PanelShift {
    /// People who answered both times (the panel).
    pub answered_both: u32,
    /// Of them, who moved toward agree.
    pub toward_agree: u32,
    /// Who moved toward disagree.
    pub toward_disagree: u32,
    /// Who gave the same answer.
    pub stayed: u32,
    /// The panel's mean answer the first time (0 for an empty panel).
    pub mean_before: f64,
    /// The same people's mean answer the second time.
    pub mean_after: f64,
}

impl PanelShift {
    /// Mean of each person's own move (after − before), in steps of the scale.
    ///
    /// ```
    /// assert_eq!(polyphony_core::PanelShift::default().mean_shift(), 0.0);
    /// ```
    pub fn mean_shift(&self) -> f64 {
        self.mean_after - self.mean_before
    }

    /// How many people changed their answer.
    ///
    /// ```
    /// assert_eq!(polyphony_core::PanelShift::default().moved(), 0);
    /// ```
    pub fn moved(&self) -> u32 {
        self.toward_agree + self.toward_disagree
    }

    fn add(&mut self, before: i8, after: i8) {
        self.answered_both += 1;
        match after.cmp(&before) {
            std::cmp::Ordering::Greater => self.toward_agree += 1,
            std::cmp::Ordering::Less => self.toward_disagree += 1,
            std::cmp::Ordering::Equal => self.stayed += 1,
        }
        // Sums until `finish`.
        self.mean_before += f64::from(before);
        self.mean_after += f64::from(after);
    }

    fn finish(&mut self) {
        let n = f64::from(self.answered_both.max(1));
        self.mean_before /= n;
        self.mean_after /= n;
    }
}

/// One group's panel on one item (`group: None`: people in no group).
///
/// ```
/// let g = polyphony_core::GroupShift { group: Some(0), shift: Default::default() };
/// assert_eq!(g.shift.answered_both, 0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupShift {
    /// The group (held fixed between the two moments).
    pub group: Option<u32>,
    /// How its people moved.
    pub shift: PanelShift,
}

/// One item's panel: everyone, then each group.
///
/// ```
/// let i = polyphony_core::PanelItem { item: 4, everyone: Default::default(), groups: vec![] };
/// assert_eq!(i.item, 4);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PanelItem {
    /// The item (statement id).
    pub item: u32,
    /// Everyone who answered it both times.
    pub everyone: PanelShift,
    /// By group, ascending (people in no group last, as `None`).
    pub groups: Vec<GroupShift>,
}

/// Opinion change on the same people, item by item. Build it with [`panel_change`].
///
/// ```
/// assert!(polyphony_core::PanelChange::default().items.is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PanelChange {
    /// Items answered both times by at least one person, ascending.
    pub items: Vec<PanelItem>,
}

impl PanelChange {
    /// The items on which most people changed their answer (ties: the larger mean move, then
    /// the lower id); items where nobody moved are left out.
    ///
    /// ```
    /// use polyphony_core::{panel_change, Answer, Vote};
    /// let before = [Answer::vote(1, 5, Vote::Agree), Answer::vote(1, 6, Vote::Agree)];
    /// let after = [Answer::vote(1, 5, Vote::Agree), Answer::vote(1, 6, Vote::Disagree)];
    /// let change = panel_change(&before, &after, &Default::default());
    /// let top: Vec<u32> = change.most_moved(3).iter().map(|i| i.item).collect();
    /// assert_eq!(top, vec![6]);
    /// ```
    pub fn most_moved(&self, n: usize) -> Vec<&PanelItem> {
        let mut items: Vec<&PanelItem> = self
            .items
            .iter()
            .filter(|i| i.everyone.moved() > 0)
            .collect();
        items.sort_by(|a, b| {
            b.everyone
                .moved()
                .cmp(&a.everyone.moved())
                .then(
                    b.everyone
                        .mean_shift()
                        .abs()
                        .total_cmp(&a.everyone.mean_shift().abs()),
                )
                .then(a.item.cmp(&b.item))
        });
        items.truncate(n);
        items
    }

    /// The panel of one item.
    ///
    /// ```
    /// assert!(polyphony_core::PanelChange::default().item(3).is_none());
    /// ```
    pub fn item(&self, item: u32) -> Option<&PanelItem> {
        self.items
            .binary_search_by_key(&item, |i| i.item)
            .ok()
            .map(|k| &self.items[k])
    }
}

/// Compares each person's answers `before` and `after`, item by item, and counts the moves for
/// everyone and per group of `groups` (participant → group, held fixed: the membership at the
/// first moment, or the frozen groups). Only people who answered an item both times count for
/// it; a person listed twice for one item counts with their last answer.
///
/// ```
/// use std::collections::BTreeMap;
/// use polyphony_core::{panel_change, Answer, Vote};
/// // Two people of group A and one of B vote on statement 4, then vote again after talking.
/// let before = [Answer::vote(1, 4, Vote::Disagree), Answer::vote(2, 4, Vote::Disagree), Answer::vote(3, 4, Vote::Agree)];
/// let after = [Answer::vote(1, 4, Vote::Agree), Answer::vote(2, 4, Vote::Disagree), Answer::vote(3, 4, Vote::Agree)];
/// let groups = BTreeMap::from([(1, 0), (2, 0), (3, 1)]);
/// let change = panel_change(&before, &after, &groups);
/// let a = change.items[0].groups[0].shift;
/// assert_eq!((a.answered_both, a.toward_agree, a.stayed), (2, 1, 1));
/// assert_eq!(a.mean_shift(), 1.0);
/// assert_eq!(change.items[0].groups[1].shift.moved(), 0, "B did not move");
/// ```
pub fn panel_change(
    before: &[Answer],
    after: &[Answer],
    groups: &BTreeMap<ParticipantId, u32>,
) -> PanelChange {
    let first: BTreeMap<(u32, ParticipantId), i8> = before
        .iter()
        .map(|a| ((a.item, a.participant), a.position))
        .collect();
    let second: BTreeMap<(u32, ParticipantId), i8> = after
        .iter()
        .map(|a| ((a.item, a.participant), a.position))
        .collect();
    // Per item: everyone, and per group key ((false, g) for group g, (true, 0) for no group).
    type ByGroup = BTreeMap<(bool, u32), PanelShift>;
    let mut items: BTreeMap<u32, (PanelShift, ByGroup)> = BTreeMap::new();
    for (&(item, participant), &b) in &first {
        let Some(&a) = second.get(&(item, participant)) else {
            continue;
        };
        let (everyone, by_group) = items.entry(item).or_default();
        everyone.add(b, a);
        // (false, g) sorts the groups first, in order; (true, 0) is "in no group".
        let key = groups.get(&participant).map_or((true, 0), |&g| (false, g));
        by_group.entry(key).or_default().add(b, a);
    }
    PanelChange {
        items: items
            .into_iter()
            .map(|(item, (mut everyone, by_group))| {
                everyone.finish();
                PanelItem {
                    item,
                    everyone,
                    groups: by_group
                        .into_iter()
                        .map(|((none, g), mut shift)| {
                            shift.finish();
                            GroupShift {
                                group: (!none).then_some(g),
                                shift,
                            }
                        })
                        .collect(),
                }
            })
            .collect(),
    }
}
