//! Representative statements with false-discovery control.
//!
//! Polis calls a statement representative of a group when two one-sided z-tests both pass at
//! 90 % (`repness.clj` `select-rep-comments`, §6 of the math spec): the group agrees (or
//! disagrees) more than its other members' rate by the two-proportion test `rat`, and more than
//! half of it does by the one-proportion test `pat`. It runs these tests for every group,
//! statement and direction, uncorrected, so with 3 groups and 200 statements about 120 of the
//! 1,200 hypotheses pass by chance alone.
//!
//! Here each (group, statement, direction) is one hypothesis whose p-value is the larger of
//! the two tests' upper-tail p-values (an intersection–union test: it rejects only when both
//! do, as Polis's rule), and the Benjamini–Hochberg step-up procedure (Benjamini & Hochberg,
//! "Controlling the False Discovery Rate", JRSS B 57, 1995) keeps those whose adjusted p-value
//! is at most q over all of them. The z-statistics are Polis's, pseudo-counts included.

use polyphony_core::{Stance, StatementId, Tally};
use serde::{Deserialize, Serialize};

/// Polis's one-sided 90 % threshold, `z90` in `stats.clj`.
const Z90: f64 = 1.2816;

/// Benjamini–Hochberg adjusted p-values (q-values) of `p`, in `p`'s order: the hypotheses with
/// q-value ≤ q are exactly those the step-up procedure rejects at level q.
///
/// Complexity: O(n log n).
///
/// ```
/// // Benjamini & Hochberg (1995), §4: 15 p-values, 4 rejected at q = 0.05.
/// let p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240,
///          0.4262, 0.5719, 0.6528, 0.7590, 1.0];
/// let q = polyphony_lab::benjamini_hochberg(&p);
/// assert_eq!(q.iter().filter(|&&x| x <= 0.05).count(), 4);
/// ```
pub fn benjamini_hochberg(p: &[f64]) -> Vec<f64> {
    let n = p.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]).then(a.cmp(&b)));
    let mut q = vec![1.0; n];
    let mut running = 1.0f64;
    for (rank, &i) in order.iter().enumerate().rev() {
        running = running.min(p[i] * n as f64 / (rank + 1) as f64).min(1.0);
        q[i] = running;
    }
    q
}

/// Which representative statements survive false-discovery control.
///
/// ```
/// use polyphony_core::Tally;
/// let even = vec![Tally { agree: 5, disagree: 5, seen: 10 }];
/// let r = polyphony_lab::repness_fdr(&[(0, even.clone()), (1, even)], &[0], &[], 0.1);
/// assert_eq!((r.tested, r.polis_sufficient, r.survivors), (4, 0, 0));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RepnessFdr {
    /// The false-discovery rate asked for.
    pub q: f64,
    /// Hypotheses tested: groups × statements (not moderated out) × 2 directions.
    pub tested: u32,
    /// Those that pass Polis's uncorrected rule (both z > 1.2816).
    pub polis_sufficient: u32,
    /// Those that survive Benjamini–Hochberg at `q`.
    pub survivors: u32,
    /// Per group, its surviving statements by ascending q-value.
    pub groups: Vec<GroupRepnessFdr>,
}

/// One group's surviving representative statements.
///
/// ```
/// let g = polyphony_lab::GroupRepnessFdr { group: 1, polis_sufficient: 3, statements: vec![] };
/// assert!(g.statements.len() as u32 <= g.polis_sufficient);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupRepnessFdr {
    /// The group's id.
    pub group: u32,
    /// Statements that pass Polis's uncorrected rule for this group.
    pub polis_sufficient: u32,
    /// The survivors.
    pub statements: Vec<FdrStatement>,
}

/// A representative statement that survived.
///
/// ```
/// use polyphony_core::Stance;
/// let s = polyphony_lab::FdrStatement { statement: 4, stance: Stance::Agree, p_value: 0.001, q_value: 0.02 };
/// assert!(s.q_value >= s.p_value);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FdrStatement {
    /// The statement.
    pub statement: StatementId,
    /// Whether the group agrees or disagrees with it more than the rest.
    pub stance: Stance,
    /// The larger of the two tests' one-sided p-values.
    pub p_value: f64,
    /// Its Benjamini–Hochberg adjusted p-value.
    pub q_value: f64,
}

/// Benjamini–Hochberg over Polis's repness tests. `groups` holds each group's id and its
/// tallies, one per column of `statements`; columns in `mod_out` are not tested (as Polis
/// skips them). `q` in (0, 1).
///
/// Complexity: O(groups² × statements + m log m), m the hypotheses.
///
/// ```
/// use polyphony_core::Tally;
/// // Group 0 all agree with statement 7, group 1 all disagree: representative both ways.
/// let g0 = vec![Tally { agree: 30, disagree: 0, seen: 30 }];
/// let g1 = vec![Tally { agree: 0, disagree: 30, seen: 30 }];
/// let r = polyphony_lab::repness_fdr(&[(0, g0), (1, g1)], &[7], &[], 0.1);
/// assert_eq!(r.survivors, 2);
/// assert_eq!(r.groups[0].statements[0].statement, 7);
/// ```
pub fn repness_fdr(
    groups: &[(u32, Vec<Tally>)],
    statements: &[StatementId],
    mod_out: &[StatementId],
    q: f64,
) -> RepnessFdr {
    // (group index, statement, stance, p-value, polis-sufficient)
    let mut tests: Vec<(usize, StatementId, Stance, f64, bool)> = Vec::new();
    for (gi, (_, tallies)) in groups.iter().enumerate() {
        for (col, &statement) in statements.iter().enumerate() {
            if mod_out.contains(&statement) {
                continue;
            }
            let Some(own) = tallies.get(col) else {
                continue;
            };
            let mut rest = Tally::default();
            for (other, (_, t)) in groups.iter().enumerate() {
                if other != gi {
                    if let Some(t) = t.get(col) {
                        rest.agree += t.agree;
                        rest.disagree += t.disagree;
                        rest.seen += t.seen;
                    }
                }
            }
            for (stance, n, rn) in [
                (Stance::Agree, own.agree, rest.agree),
                (Stance::Disagree, own.disagree, rest.disagree),
            ] {
                let pt = prop_test(n, own.seen);
                let rt = two_prop_test(n, rn, own.seen, rest.seen);
                let p = upper_tail(pt).max(upper_tail(rt));
                tests.push((gi, statement, stance, p, pt > Z90 && rt > Z90));
            }
        }
    }
    let p: Vec<f64> = tests.iter().map(|t| t.3).collect();
    let adjusted = benjamini_hochberg(&p);
    let mut out: Vec<GroupRepnessFdr> = groups
        .iter()
        .map(|(id, _)| GroupRepnessFdr {
            group: *id,
            polis_sufficient: 0,
            statements: Vec::new(),
        })
        .collect();
    let (mut sufficient, mut survivors) = (0, 0);
    for (t, &qv) in tests.iter().zip(&adjusted) {
        if t.4 {
            sufficient += 1;
            out[t.0].polis_sufficient += 1;
        }
        if qv <= q {
            survivors += 1;
            out[t.0].statements.push(FdrStatement {
                statement: t.1,
                stance: t.2,
                p_value: t.3,
                q_value: qv,
            });
        }
    }
    for g in &mut out {
        g.statements.sort_by(|a, b| {
            a.q_value
                .total_cmp(&b.q_value)
                .then(a.statement.cmp(&b.statement))
        });
    }
    RepnessFdr {
        q,
        tested: tests.len() as u32,
        polis_sufficient: sufficient,
        survivors,
        groups: out,
    }
}

/// Polis's `prop-test`: 2 √(n + 1) ((s + 1)/(n + 1) − ½).
fn prop_test(s: u32, n: u32) -> f64 {
    let (s, n) = (f64::from(s), f64::from(n));
    2.0 * (n + 1.0).sqrt() * ((s + 1.0) / (n + 1.0) - 0.5)
}

/// Polis's `two-prop-test`, with its +1 on every count.
fn two_prop_test(s1: u32, s2: u32, n1: u32, n2: u32) -> f64 {
    let (s1, s2, n1, n2) = (
        f64::from(s1) + 1.0,
        f64::from(s2) + 1.0,
        f64::from(n1) + 1.0,
        f64::from(n2) + 1.0,
    );
    let (p1, p2) = (s1 / n1, s2 / n2);
    let pooled = (s1 + s2) / (n1 + n2);
    if pooled >= 1.0 {
        return 0.0;
    }
    (p1 - p2) / (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt()
}

/// P(Z > z) for a standard normal Z.
fn upper_tail(z: f64) -> f64 {
    0.5 * erfc(z / std::f64::consts::SQRT_2)
}

/// The complementary error function (Numerical Recipes' `erfcc`, Chebyshev fit, relative error
/// below 1.2 × 10⁻⁷ everywhere: plenty for a p-value).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests may fail loudly.
mod tests {
    use super::*;

    #[test]
    fn benjamini_hochberg_on_planted_p_values() {
        // 10 true effects at p = 1e-4 among 90 nulls spread evenly over (0, 1]: at q = 0.1 the
        // step-up keeps exactly the 10 (the smallest null, 1/90, needs ≤ 11 · 0.1 / 100).
        let mut p: Vec<f64> = (1..=90).map(|i| f64::from(i) / 90.0).collect();
        p.extend([1e-4; 10]);
        let q = benjamini_hochberg(&p);
        let kept: Vec<usize> = (0..p.len()).filter(|&i| q[i] <= 0.1).collect();
        assert_eq!(kept, (90..100).collect::<Vec<_>>());
        // Monotone in p, never above 1, and Bonferroni-like for the smallest.
        assert!((q[90] - 1e-4 * 100.0 / 10.0).abs() < 1e-15);
        assert!(q.iter().all(|&x| x <= 1.0));
    }

    #[test]
    fn the_normal_tail_is_right() {
        assert!((upper_tail(0.0) - 0.5).abs() < 1e-7);
        assert!((upper_tail(Z90) - 0.1).abs() < 1e-4);
        assert!((upper_tail(1.959_964) - 0.025).abs() < 1e-7);
        assert!((upper_tail(-1.959_964) - 0.975).abs() < 1e-7);
    }

    /// Two groups of 20; on statement 0 they split completely, on statements 1..=40 they vote
    /// alike with a mild lean (12 agree, 8 disagree in both). Polis's uncorrected rule passes the
    /// lean statements for neither group either; only statement 0 survives, in both groups.
    #[test]
    fn only_the_planted_split_survives() {
        let split = |agree: bool| Tally {
            agree: if agree { 20 } else { 0 },
            disagree: if agree { 0 } else { 20 },
            seen: 20,
        };
        let lean = Tally {
            agree: 12,
            disagree: 8,
            seen: 20,
        };
        let mut g0 = vec![split(true)];
        let mut g1 = vec![split(false)];
        g0.extend([lean; 40]);
        g1.extend([lean; 40]);
        let statements: Vec<u32> = (0..41).collect();
        let r = repness_fdr(&[(0, g0), (1, g1)], &statements, &[], 0.05);
        assert_eq!(r.tested, 2 * 41 * 2);
        assert_eq!(r.survivors, 2);
        assert_eq!(r.groups[0].statements[0].stance, Stance::Agree);
        assert_eq!(r.groups[1].statements[0].stance, Stance::Disagree);
        assert!(r.polis_sufficient >= r.survivors);
        // A moderated-out statement is not tested.
        let r = repness_fdr(
            &[(0, vec![split(true)]), (1, vec![split(false)])],
            &[0],
            &[0],
            0.05,
        );
        assert_eq!((r.tested, r.survivors), (0, 0));
    }
}
