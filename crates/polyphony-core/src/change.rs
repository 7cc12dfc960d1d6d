//! Opinion change between two moments of a conversation.
//!
//! A deliberation is worth running when people listen and some of them move. The workshop keeps
//! an [`Analysis`] at each stage (before the tables, after the re-vote, …); comparing two of
//! them says, in numbers a facilitator can read aloud, what changed: per statement and group,
//! the agree / disagree / pass shares before and after; how many people changed group (counts,
//! never who); whether the groups moved apart or closer on the map; which statements became or
//! stopped being common ground.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::{Analysis, ParticipantId, StatementId, Tally};

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

/// How one group's stance on one statement moved.
///
/// ```
/// use polyphony_core::{StatementShift, VoteShares};
/// let s = StatementShift {
///     statement: 4,
///     group: 1,
///     before: VoteShares { agree: 0.2, disagree: 0.8, pass: 0.0, seen: 10 },
///     after: VoteShares { agree: 0.7, disagree: 0.3, pass: 0.0, seen: 10 },
/// };
/// // Half of group B moved toward agreeing.
/// assert!((s.agree_shift() - 0.5).abs() < 1e-12);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatementShift {
    /// The statement.
    pub statement: StatementId,
    /// The group (its stable id, the same in both snapshots).
    pub group: u32,
    /// Shares in the first snapshot.
    pub before: VoteShares,
    /// Shares in the second snapshot.
    pub after: VoteShares,
}

impl StatementShift {
    /// After − before, of the agree share (positive: toward agreeing).
    ///
    /// ```
    /// # use polyphony_core::{StatementShift, VoteShares};
    /// let same = VoteShares { agree: 0.5, disagree: 0.5, pass: 0.0, seen: 2 };
    /// let s = StatementShift { statement: 1, group: 0, before: same, after: same };
    /// assert_eq!(s.agree_shift(), 0.0);
    /// ```
    pub fn agree_shift(&self) -> f64 {
        self.after.agree - self.before.agree
    }

    /// After − before, of the disagree share (positive: toward disagreeing).
    ///
    /// ```
    /// # use polyphony_core::{StatementShift, VoteShares};
    /// let before = VoteShares { agree: 0.0, disagree: 0.5, pass: 0.5, seen: 2 };
    /// let after = VoteShares { agree: 0.0, disagree: 1.0, pass: 0.0, seen: 2 };
    /// let s = StatementShift { statement: 1, group: 0, before, after };
    /// assert_eq!(s.disagree_shift(), 0.5);
    /// ```
    pub fn disagree_shift(&self) -> f64 {
        self.after.disagree - self.before.disagree
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

/// What changed between two analyses of one conversation. Build it with [`opinion_change`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OpinionChange {
    /// Per statement and group present in both snapshots, by statement then group.
    pub statements: Vec<StatementShift>,
    /// Participants in both snapshots whose group differs, by (from, to); counts only.
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

impl OpinionChange {
    /// The shifts, largest move (agree or disagree share) first: what the facilitator reads
    /// out ("group B moved toward agreeing on #4").
    ///
    /// ```
    /// // Nothing compared, nothing to read out.
    /// assert!(polyphony_core::OpinionChange::default().largest_shifts(3).is_empty());
    /// ```
    pub fn largest_shifts(&self, n: usize) -> Vec<StatementShift> {
        let mut all = self.statements.clone();
        let size = |s: &StatementShift| s.agree_shift().abs().max(s.disagree_shift().abs());
        all.sort_by(|x, y| size(y).total_cmp(&size(x)));
        all.retain(|s| size(s) > 0.0);
        all.truncate(n);
        all
    }
}

/// Compares two analyses of the same conversation, `before` then `after`. Groups are matched
/// by their stable ids (the engine keeps them across warm-started updates); a group present
/// in only one snapshot has no shifts or distances.
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
/// let before = conv.update();
/// // After talking, the second camp comes round to statement 0.
/// for p in 6..12u32 {
///     conv.add_votes(&[VoteEvent::new(p, 0, Vote::Agree, 1)]);
/// }
/// let after = conv.update();
/// let change = opinion_change(&before, &after);
/// let top = change.largest_shifts(1);
/// assert_eq!(top[0].statement, 0);
/// assert!(top[0].agree_shift() > 0.9);
/// assert!(change.consensus_gained.contains(&0));
/// # Ok::<(), polyphony_core::CoreError>(())
/// ```
pub fn opinion_change(before: &Analysis, after: &Analysis) -> OpinionChange {
    let tallies = |a: &Analysis| -> BTreeMap<(StatementId, u32), Tally> {
        let mut out = BTreeMap::new();
        for g in a.groups.iter().flat_map(|g| &g.groups) {
            for (column, t) in g.tallies.iter().enumerate() {
                if let Some(&s) = a.statements.get(column) {
                    out.insert((s, g.id), *t);
                }
            }
        }
        out
    };
    let (t0, t1) = (tallies(before), tallies(after));
    let statements = t0
        .iter()
        .filter_map(|(&(statement, group), b)| {
            let a = t1.get(&(statement, group))?;
            Some(StatementShift {
                statement,
                group,
                before: VoteShares::of(b),
                after: VoteShares::of(a),
            })
        })
        .collect();

    let groups_of = |a: &Analysis| -> BTreeMap<ParticipantId, Option<u32>> {
        a.participants
            .iter()
            .map(|p| (p.participant, p.group))
            .collect()
    };
    let g1 = groups_of(after);
    let mut counts: BTreeMap<(Option<u32>, Option<u32>), u32> = BTreeMap::new();
    for (p, from) in groups_of(before) {
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
        statements,
        moves,
        moved,
        distances,
        consensus_gained: k1.difference(&k0).copied().collect(),
        consensus_lost: k0.difference(&k1).copied().collect(),
    }
}
