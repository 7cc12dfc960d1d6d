//! Opinion change between two moments of a conversation.
//!
//! A deliberation is worth running when people listen and some of them move. The workshop keeps
//! an [`Analysis`] at each stage (before the tables, after the re-vote, …); comparing two of
//! them says, in numbers a facilitator can read aloud, what changed: per statement, how many of
//! the people who voted on it both times moved toward agree or disagree, in the room and per
//! group with its membership held fixed (a panel, [`crate::panel_change`]: never two groups with
//! different members compared); how many people's votes now put them in another group (counts,
//! never who); whether the groups moved apart or closer on the map; which statements became or
//! stopped being common ground.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::panel::{panel_change, Answer, PanelChange};
use crate::{Analysis, ParticipantId, StatementId, Tally, VoteMatrix};

/// Agree, disagree and pass as shares of the votes seen (all zero when nobody voted).
///
/// ```
/// use polyphony_core::{Tally, VoteShares};
/// let s = VoteShares::of(&Tally { agree: 3, disagree: 1, seen: 5 });
/// assert_eq!((s.agree, s.disagree, s.pass, s.seen), (0.6, 0.2, 0.2, 5));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct VoteShares {
    /// Share agreeing, 0–1.
    pub agree: f64,
    /// Share disagreeing, 0–1.
    pub disagree: f64,
    /// Share passing, 0–1.
    pub pass: f64,
    /// Votes seen (passes included).
    pub seen: u32,
}

impl VoteShares {
    /// The shares of one tally.
    ///
    /// ```
    /// use polyphony_core::{Tally, VoteShares};
    /// // Nobody in the group has voted on it yet: no share, rather than a division by zero.
    /// assert_eq!(VoteShares::of(&Tally::default()), VoteShares::default());
    /// ```
    pub fn of(t: &Tally) -> Self {
        if t.seen == 0 {
            return Self::default();
        }
        let n = f64::from(t.seen);
        let pass = t.seen.saturating_sub(t.agree + t.disagree);
        Self {
            agree: f64::from(t.agree) / n,
            disagree: f64::from(t.disagree) / n,
            pass: f64::from(pass) / n,
            seen: t.seen,
        }
    }
}

/// How many participants went from one group to another (`None`: outside the groups).
///
/// ```
/// let m = polyphony_core::GroupMove { from: Some(0), to: Some(1), count: 3 };
/// assert_ne!(m.from, m.to);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMove {
    /// Group in the first snapshot.
    pub from: Option<u32>,
    /// Group in the second snapshot.
    pub to: Option<u32>,
    /// How many people (never who).
    pub count: u32,
}

/// The distance between two groups' centres on the map, before and after.
///
/// Each snapshot has its own PCA basis; a distance between two centres of one snapshot does not
/// depend on the basis's signs or rotation within the plane, so the two distances compare.
///
/// ```
/// let d = polyphony_core::GroupDistance { a: 0, b: 1, before: 2.0, after: 1.5 };
/// assert!(d.after < d.before, "groups A and B came closer");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupDistance {
    /// One group's id.
    pub a: u32,
    /// The other's (a < b).
    pub b: u32,
    /// Distance between their centres in the first snapshot.
    pub before: f64,
    /// The same in the second.
    pub after: f64,
}

/// What changed between two moments of one conversation. Build it with [`opinion_change`].
///
/// ```
/// assert!(polyphony_core::OpinionChange::default().panel.items.is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OpinionChange {
    /// Per statement, the moves of the people who voted on it at both moments: everyone, and
    /// per group of the first moment (membership held fixed).
    pub panel: PanelChange,
    /// Participants in both snapshots who changed a vote and whose group differs (the live
    /// group after, when the groups are frozen), by (from, to); counts only.
    pub moves: Vec<GroupMove>,
    /// How many participants in both snapshots changed group (the sum of `moves`).
    pub moved: u32,
    /// Each pair of groups present in both snapshots.
    pub distances: Vec<GroupDistance>,
    /// Statements that are consensus (agree or disagree) after but not before, ascending.
    pub consensus_gained: Vec<StatementId>,
    /// Statements that were consensus before but not after, ascending.
    pub consensus_lost: Vec<StatementId>,
}

/// Compares two moments of the same conversation: `before` (its analysis and the votes it was
/// made from) then `after`. Votes are compared person by person ([`panel_change`]), grouped by
/// the frozen groups when `after` has them, else by `before`'s groups; group centres and labels are matched by id (stable labels or frozen
/// groups keep them with their people); a group present at only one moment has no distance.
///
/// ```
/// use polyphony_core::{opinion_change, AnalysisParams, Conversation, Preset, Vote, VoteEvent};
/// let mut conv = Conversation::new(AnalysisParams::builder(Preset::Workshop).seed(1).build()?);
/// // Two camps of 6 on 4 statements.
/// for p in 0..12u32 {
///     for s in 0..4u32 {
///         let agree = (p < 6) == (s % 2 == 0);
///         conv.add_votes(&[VoteEvent::new(p, s, if agree { Vote::Agree } else { Vote::Disagree }, 0)]);
///     }
/// }
/// let (before, before_votes) = (conv.update(), conv.matrix().clone());
/// // After talking, the second camp comes round to statement 0.
/// for p in 6..12u32 {
///     conv.add_votes(&[VoteEvent::new(p, 0, Vote::Agree, 1)]);
/// }
/// let after = conv.update();
/// let change = opinion_change(&before, &before_votes, &after, conv.matrix());
/// let top = change.panel.most_moved(1);
/// assert_eq!(top[0].item, 0);
/// assert_eq!(top[0].everyone.toward_agree, 6);
/// assert!(change.consensus_gained.contains(&0));
/// # Ok::<(), polyphony_core::CoreError>(())
/// ```
pub fn opinion_change(
    before: &Analysis,
    before_votes: &VoteMatrix,
    after: &Analysis,
    after_votes: &VoteMatrix,
) -> OpinionChange {
    // People are grouped as the room holds them: its frozen groups when `after` has some (the
    // membership tables and names use), else the groups of the first moment.
    let frozen_after = after.groups.as_ref().is_some_and(|g| g.live.is_some());
    let held = if frozen_after { after } else { before };
    let membership: BTreeMap<ParticipantId, u32> = held
        .participants
        .iter()
        .filter_map(|p| Some((p.participant, p.group?)))
        .collect();
    let panel = panel_change(
        &Answer::votes(before_votes),
        &Answer::votes(after_votes),
        &membership,
    );

    let groups_of = |a: &Analysis| -> BTreeMap<ParticipantId, Option<u32>> {
        let frozen = a.groups.as_ref().is_some_and(|g| g.live.is_some());
        a.participants
            .iter()
            .map(|p| (p.participant, if frozen { p.live_group } else { p.group }))
            .collect()
    };
    let g1 = groups_of(after);
    // Only people who changed a vote can have moved: the clustering drifting under unchanged
    // votes is the algorithm's doing, not a person's.
    let changed: BTreeSet<ParticipantId> = before
        .participants
        .iter()
        .map(|p| p.participant)
        .filter(|&p| votes_of(before_votes, p) != votes_of(after_votes, p))
        .collect();
    let mut counts: BTreeMap<(Option<u32>, Option<u32>), u32> = BTreeMap::new();
    for (p, from) in before.participants.iter().map(|p| (p.participant, p.group)) {
        if !changed.contains(&p) {
            continue;
        }
        if let Some(&to) = g1.get(&p) {
            if from != to {
                *counts.entry((from, to)).or_insert(0) += 1;
            }
        }
    }
    let moves: Vec<GroupMove> = counts
        .into_iter()
        .map(|((from, to), count)| GroupMove { from, to, count })
        .collect();
    let moved = moves.iter().map(|m| m.count).sum();

    let centres = |a: &Analysis| -> BTreeMap<u32, [f64; 2]> {
        a.groups
            .iter()
            .flat_map(|g| &g.groups)
            .map(|g| (g.id, g.center))
            .collect()
    };
    let (c0, c1) = (centres(before), centres(after));
    let shared: Vec<u32> = c0.keys().filter(|g| c1.contains_key(g)).copied().collect();
    let dist = |p: [f64; 2], q: [f64; 2]| (p[0] - q[0]).hypot(p[1] - q[1]);
    let mut distances = Vec::new();
    for (i, &a) in shared.iter().enumerate() {
        for &b in &shared[i + 1..] {
            distances.push(GroupDistance {
                a,
                b,
                before: dist(c0[&a], c0[&b]),
                after: dist(c1[&a], c1[&b]),
            });
        }
    }

    let consensus = |a: &Analysis| -> BTreeSet<StatementId> {
        a.consensus
            .agree
            .iter()
            .chain(&a.consensus.disagree)
            .map(|c| c.statement)
            .collect()
    };
    let (k0, k1) = (consensus(before), consensus(after));
    OpinionChange {
        panel,
        moves,
        moved,
        distances,
        consensus_gained: k1.difference(&k0).copied().collect(),
        consensus_lost: k0.difference(&k1).copied().collect(),
    }
}

/// A participant's votes, by statement id (empty when the matrix does not know them).
fn votes_of(m: &VoteMatrix, p: ParticipantId) -> BTreeMap<StatementId, crate::Vote> {
    let statements = m.statements();
    m.row_of(p)
        .map(|r| m.row(r).map(|(j, v)| (statements[j], v)).collect())
        .unwrap_or_default()
}
