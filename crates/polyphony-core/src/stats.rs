//! Per-statement statistics: tallies, representativeness, consensus, divisiveness, priority.
//!
//! Formulas follow §5–§8 and §10 of the Polis math spec; the divisiveness score is Polyphony's
//! own (Polis only has extremity), documented on [`DivisiveStatement`].

use serde::{Deserialize, Serialize};

use crate::vote::{StatementId, Vote};

/// Polis's one-sided 90% critical value, hard-coded as 1.2816.
pub const Z90: f64 = 1.2816;

/// Agree / disagree / seen counts of one statement over some set of participants.
///
/// Passes are `seen − agree − disagree`.
///
/// ```
/// use polyphony_core::{Tally, Vote};
/// let mut t = Tally::default();
/// t.add(Vote::Agree);
/// t.add(Vote::Pass);
/// assert_eq!((t.agree, t.seen, t.passes()), (1, 2, 1));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Agree votes.
    pub agree: u32,
    /// Disagree votes.
    pub disagree: u32,
    /// All votes, passes included.
    pub seen: u32,
}

impl Tally {
    /// Counts one more vote.
    ///
    /// ```
    /// let mut t = polyphony_core::Tally::default();
    /// t.add(polyphony_core::Vote::Disagree);
    /// assert_eq!(t.disagree, 1);
    /// ```
    pub fn add(&mut self, vote: Vote) {
        // Without branches: votes come in no order a branch predictor could learn.
        self.seen += 1;
        self.agree += u32::from(vote == Vote::Agree);
        self.disagree += u32::from(vote == Vote::Disagree);
    }

    /// Pass votes.
    ///
    /// ```
    /// let t = polyphony_core::Tally { agree: 1, disagree: 1, seen: 5 };
    /// assert_eq!(t.passes(), 3);
    /// ```
    pub fn passes(&self) -> u32 {
        self.seen.saturating_sub(self.agree + self.disagree)
    }

    /// Sums two tallies.
    ///
    /// ```
    /// let a = polyphony_core::Tally { agree: 1, disagree: 0, seen: 1 };
    /// assert_eq!(a.plus(&a).seen, 2);
    /// ```
    pub fn plus(&self, other: &Tally) -> Tally {
        Tally {
            agree: self.agree + other.agree,
            disagree: self.disagree + other.disagree,
            seen: self.seen + other.seen,
        }
    }
}

/// One statement that represents a group (Polis `repness` entry, §6).
///
/// ```
/// let r = polyphony_core::RepresentativeStatement {
///     statement: 13, repful_for: polyphony_core::Stance::Agree, n_success: 6, n_trials: 6,
///     p_success: 0.875, p_test: 2.6, repness: 2.6, repness_test: 2.7, best_agree: true, n_agree: Some(6),
/// };
/// assert!(r.best_agree);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RepresentativeStatement {
    /// The statement.
    pub statement: StatementId,
    /// Whether the group stands out by agreeing or disagreeing.
    pub repful_for: Stance,
    /// Members of the group who voted that way.
    pub n_success: u32,
    /// Members of the group who voted on it (passes included).
    pub n_trials: u32,
    /// (n_success + 1) / (n_trials + 2).
    pub p_success: f64,
    /// One-proportion z-score of p_success against 1/2.
    pub p_test: f64,
    /// p_success divided by the same rate among everyone in other groups.
    pub repness: f64,
    /// Two-proportion z-score of the group against the other groups.
    pub repness_test: f64,
    /// Chosen as the group's best agreed statement.
    pub best_agree: bool,
    /// For the best-agree entry: the group's agree count.
    pub n_agree: Option<u32>,
}

/// A statement most of the whole room agrees (or disagrees) with (Polis `consensus`, §7.1).
///
/// ```
/// let c = polyphony_core::ConsensusStatement { statement: 26, n_success: 15, n_trials: 16, p_success: 0.89, p_test: 3.6 };
/// assert_eq!(c.n_trials, 16);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsensusStatement {
    /// The statement.
    pub statement: StatementId,
    /// Participants who agreed (in the agree list) or disagreed (in the disagree list).
    pub n_success: u32,
    /// Participants who voted on it.
    pub n_trials: u32,
    /// (n_success + 1) / (n_trials + 2).
    pub p_success: f64,
    /// One-proportion z-score against 1/2.
    pub p_test: f64,
}

/// The room's consensus: up to five statements most agree with, and five most disagree with.
///
/// ```
/// let c = polyphony_core::Consensus::default();
/// assert!(c.agree.is_empty() && c.disagree.is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Consensus {
    /// Statements a significant majority agrees with.
    pub agree: Vec<ConsensusStatement>,
    /// Statements a significant majority disagrees with.
    pub disagree: Vec<ConsensusStatement>,
}

pub use polyphony_types::{GroupStance, Stance};

/// A group's stance on a statement from its tally there.
///
/// ```
/// use polyphony_core::{group_stance, Tally};
/// let g = group_stance(1, "B", Tally { agree: 1, disagree: 2, seen: 4 });
/// assert_eq!((g.passes, g.agree_rate), (1, 0.25));
/// assert_eq!(group_stance(0, "A", Tally::default()).agree_rate, 0.0);
/// ```
pub fn group_stance(group: u32, label: &str, t: Tally) -> GroupStance {
    GroupStance::from_counts(group, label, t.agree, t.disagree, t.seen)
}

/// A statement the groups stand far apart on.
///
/// **Divisiveness** is the size-weighted spread of the groups' agree rates, with a Beta(1, 1)
/// pseudocount so that a group with two votes does not look unanimous:
///
/// `p_g = (agree_g + 1) / (seen_g + 2)`, `w_g = members_g / Σ members`,
/// `p̄ = Σ w_g p_g`, `divisiveness = 2 · sqrt(Σ w_g (p_g − p̄)²)`.
///
/// It is 0 when every group agrees at the same rate and, for two equal groups, it is exactly
/// the gap between their agree rates (1 when one group all agrees and the other all does not),
/// which is what a facilitator reads aloud. Weighting by size keeps a tiny group from making a
/// statement look divisive for the whole room. Polis's own signal, the statement's distance from
/// the centre of the opinion map (`extremity`), is reported beside it.
///
/// Each front end words the groups' stances in its own language; the engine gives numbers only.
///
/// ```
/// use polyphony_core::{AnalysisParams, Conversation, Vote, VoteEvent};
/// let mut c = Conversation::new(AnalysisParams::default());
/// for p in 0..10u32 {
///     for s in 0..7u32 {
///         // Statement 0 splits two camps; the others are agreed by all.
///         let v = if s > 0 || p % 2 == 0 { Vote::Agree } else { Vote::Disagree };
///         c.add_votes(&[VoteEvent::new(p, s, v, 0)]);
///     }
/// }
/// let top = &c.update().divisive[0];
/// let rates: Vec<String> = top.groups.iter().map(|g| format!("{}: {:.0}% agree", g.label, 100.0 * g.agree_rate)).collect();
/// assert_eq!(top.statement, 0);
/// assert_eq!(rates.join(" · "), "A: 100% agree · B: 0% agree");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DivisiveStatement {
    /// The statement.
    pub statement: StatementId,
    /// The score above, in [0, 1].
    pub divisiveness: f64,
    /// Polis's extremity of the statement.
    pub extremity: f64,
    /// Each group's votes on it.
    pub groups: Vec<GroupStance>,
}

/// The letter of the n-th group: A, B, C, …
///
/// ```
/// assert_eq!(polyphony_core::group_label(1), "B");
/// ```
pub fn group_label(index: usize) -> String {
    let letters = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    match letters.get(index) {
        Some(&c) => (c as char).to_string(),
        None => format!("G{}", index + 1),
    }
}

/// Pseudocounted proportion: (s + 1) / (n + 2).
pub(crate) fn p_hat(s: u32, n: u32) -> f64 {
    (f64::from(s) + 1.0) / (f64::from(n) + 2.0)
}

/// Polis's `prop-test`: 2·sqrt(n + 1)·((s + 1)/(n + 1) − 1/2).
pub(crate) fn prop_test(s: u32, n: u32) -> f64 {
    let n1 = f64::from(n) + 1.0;
    2.0 * n1.sqrt() * ((f64::from(s) + 1.0) / n1 - 0.5)
}

/// Polis's `two-prop-test` with +1 pseudocounts; 0 when the pooled proportion is 1.
pub(crate) fn two_prop_test(s1: u32, s2: u32, n1: u32, n2: u32) -> f64 {
    let (s1, s2, n1, n2) = (
        f64::from(s1) + 1.0,
        f64::from(s2) + 1.0,
        f64::from(n1) + 1.0,
        f64::from(n2) + 1.0,
    );
    let (p1, p2) = (s1 / n1, s2 / n2);
    let pi = (s1 + s2) / (n1 + n2);
    if pi == 1.0 {
        return 0.0;
    }
    (p1 - p2) / (pi * (1.0 - pi) * (1.0 / n1 + 1.0 / n2)).sqrt()
}

/// Per-statement numbers used by repness selection.
#[derive(Clone, Copy, Debug)]
struct RepStats {
    na: u32,
    nd: u32,
    ns: u32,
    pa: f64,
    pd: f64,
    pat: f64,
    pdt: f64,
    ra: f64,
    rd: f64,
    rat: f64,
    rdt: f64,
}

fn rep_stats(own: &Tally, rest: &Tally) -> RepStats {
    let (na, nd, ns) = (own.agree, own.disagree, own.seen);
    let (rna, rnd, rns) = (rest.agree, rest.disagree, rest.seen);
    let pa = p_hat(na, ns);
    let pd = p_hat(nd, ns);
    RepStats {
        na,
        nd,
        ns,
        pa,
        pd,
        pat: prop_test(na, ns),
        pdt: prop_test(nd, ns),
        ra: pa / p_hat(rna, rns),
        rd: pd / p_hat(rnd, rns),
        rat: two_prop_test(na, rna, ns, rns),
        rdt: two_prop_test(nd, rnd, ns, rns),
    }
}

fn finalize(
    statement: StatementId,
    s: &RepStats,
    best_agree: bool,
    force_agree: bool,
    f32_test: bool,
) -> RepresentativeStatement {
    let agree = force_agree || s.rat > s.rdt;
    let round = |x: f64| if f32_test { f64::from(x as f32) } else { x };
    let (n_success, p_success, p_test, repness, repness_test, repful_for) = if agree {
        (s.na, s.pa, s.pat, s.ra, s.rat, Stance::Agree)
    } else {
        (s.nd, s.pd, s.pdt, s.rd, s.rdt, Stance::Disagree)
    };
    RepresentativeStatement {
        statement,
        repful_for,
        n_success,
        n_trials: s.ns,
        p_success,
        p_test,
        repness,
        repness_test: round(repness_test),
        best_agree,
        n_agree: best_agree.then_some(s.na),
    }
}

/// Polis's `select-rep-comments` for one group (§6).
///
/// `own[j]` and `rest[j]` are the group's and the other groups' tallies by column;
/// `statements[j]` names column j; `skip[j]` marks moderated-out columns. `best_agree_as_agree`
/// and `f32_test` are [`crate::AnalysisParams`] switches of the same names.
pub(crate) fn representative(
    statements: &[StatementId],
    own: &[Tally],
    rest: &[Tally],
    skip: &[bool],
    best_agree_as_agree: bool,
    f32_test: bool,
) -> Vec<RepresentativeStatement> {
    let mut sufficient: Vec<(StatementId, RepStats)> = Vec::new();
    let mut best: Option<(StatementId, RepStats)> = None;
    let mut best_agree: Option<(StatementId, RepStats)> = None;
    for j in 0..statements.len() {
        if skip[j] {
            continue;
        }
        let s = rep_stats(&own[j], &rest[j]);
        let tid = statements[j];
        if (s.rat > Z90 && s.pat > Z90) || (s.rdt > Z90 && s.pdt > Z90) {
            sufficient.push((tid, s));
        }
        if sufficient.is_empty() {
            let test = s.rat.max(s.rdt);
            let better = match &best {
                None => true,
                Some((_, b)) => {
                    let b_test = if b.rat > b.rdt { b.rat } else { b.rdt };
                    test > b_test
                }
            };
            if better {
                best = Some((tid, s));
            }
        }
        if s.na == 0 && s.nd == 0 {
            continue;
        }
        let replace = match &best_agree {
            Some((_, b)) if b.ra > 1.0 => s.ra * s.rat * s.pa * s.pat > b.ra * b.rat * b.pa * b.pat,
            Some((_, b)) => s.pa * s.pat > b.pa * b.pat,
            None => s.pat > Z90 || (s.ra > 1.0 && s.pa > 0.5),
        };
        if replace {
            best_agree = Some((tid, s));
        }
    }
    let fin =
        |tid, s: &RepStats, ba: bool| finalize(tid, s, ba, ba && best_agree_as_agree, f32_test);
    if sufficient.is_empty() {
        return match (best_agree, best) {
            (Some((t, s)), _) => vec![fin(t, &s, true)],
            (None, Some((t, s))) => vec![fin(t, &s, false)],
            (None, None) => Vec::new(),
        };
    }
    let ba_tid = best_agree.map(|(t, _)| t);
    let mut rest_list: Vec<RepresentativeStatement> = sufficient
        .iter()
        .filter(|(t, _)| Some(*t) != ba_tid)
        .map(|(t, s)| fin(*t, s, false))
        .collect();
    let key = |r: &RepresentativeStatement| r.repness * r.repness_test * r.p_success * r.p_test;
    rest_list.sort_by(|a, b| {
        key(b)
            .partial_cmp(&key(a))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut out: Vec<RepresentativeStatement> = Vec::new();
    if let Some((t, s)) = best_agree {
        out.push(fin(t, &s, true));
    }
    out.extend(rest_list);
    out.truncate(5);
    let (mut agree, disagree): (Vec<_>, Vec<_>) =
        out.into_iter().partition(|r| r.repful_for == Stance::Agree);
    agree.extend(disagree);
    agree
}

/// Group-aware consensus of one column: Π_g (A_g + 1) / (S_g + 2).
pub(crate) fn group_aware_consensus(per_group: impl Iterator<Item = Tally>) -> f64 {
    per_group.map(|t| p_hat(t.agree, t.seen)).product()
}

/// Routing priority of one column (§10.1).
pub(crate) fn priority(total: &Tally, extremity: f64, is_meta: bool) -> f64 {
    if is_meta {
        return 49.0;
    }
    let (a, d, s) = (
        f64::from(total.agree),
        f64::from(total.disagree),
        f64::from(total.seen),
    );
    let p = s - a - d;
    let importance = (1.0 - (p + 1.0) / (s + 2.0)) * (extremity + 1.0) * ((a + 1.0) / (s + 2.0));
    let novelty = 1.0 + 8.0 * 2f64.powf(-s / 5.0);
    (importance * novelty).powi(2)
}

/// Divisiveness of one statement from each group's (members, tally); see [`DivisiveStatement`].
pub(crate) fn divisiveness(groups: &[(u32, Tally)]) -> f64 {
    let total: f64 = groups.iter().map(|(n, _)| f64::from(*n)).sum();
    if total == 0.0 || groups.len() < 2 {
        return 0.0;
    }
    let rates: Vec<(f64, f64)> = groups
        .iter()
        .map(|(n, t)| (f64::from(*n) / total, p_hat(t.agree, t.seen)))
        .collect();
    let mean: f64 = rates.iter().map(|(w, p)| w * p).sum();
    let var: f64 = rates.iter().map(|(w, p)| w * (p - mean).powi(2)).sum();
    2.0 * var.sqrt()
}

#[cfg(test)]
mod tests;
