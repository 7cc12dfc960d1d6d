//! Bridging-based ranking in the manner of Community Notes.
//!
//! Source: twitter/communitynotes, `scoring/src/scoring/matrix_factorization/` (`model.py`,
//! `matrix_factorization.py`), and Wojcik et al., "Birdwatch: Crowd Wisdom and Bridging
//! Algorithms can Inform Understanding and Reduce the Spread of Misinformation" (2022).
//!
//! Each vote is a rating r ∈ {agree 1, disagree 0} of a statement s by a participant u (a pass
//! says no opinion, as a rater who does not rate a note: it is left out). The model is
//!
//! ```text
//! r̂(u, s) = μ + i_u + i_s + f_u · f_s          (one factor, as Community Notes)
//! loss    = mean over ratings of (r − r̂)²
//!         + λ_f · (mean f_u² + mean f_s²) + λ_i · (mean i_u² + mean i_s² + μ²)
//! ```
//!
//! with λ_f = 0.03 and λ_i = 5 λ_f = 0.15: the intercepts are regularised more strongly than
//! the factors, so whatever the factor (the axis that splits the room) can explain goes to the
//! factor, and a statement keeps a high intercept only if people agree with it *whatever their
//! side*. That intercept is the statement's **bridging score**. Fitted as Community Notes fits
//! it: full-batch Adam (learning rate 0.2), gradients clipped to norm 1, factors started
//! Xavier-uniform from the seed and intercepts at 0, stopped when the loss changes by at most
//! 10⁻⁷ or, after 100 epochs, rises. Differences: f64 instead of f32, a cap of
//! `max_epochs`, and no rater or note filters (Community Notes scores a note only from 5
//! ratings; `votes` here says how many each statement has).

use std::cmp::Ordering;

use polyphony_core::{Conversation, StatementId, Vote};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

use crate::{LabData, LabError};

/// The bridging model's hyperparameters; the defaults are Community Notes'.
///
/// ```
/// let p = polyphony_lab::BridgingParams::default();
/// assert_eq!(p.intercept_lambda, 5.0 * p.factor_lambda);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BridgingParams {
    /// Seed of the factors' start (default 0).
    pub seed: u64,
    /// L2 weight of the factors (default 0.03).
    pub factor_lambda: f64,
    /// L2 weight of the intercepts, global included (default 0.15).
    pub intercept_lambda: f64,
    /// Adam's learning rate (default 0.2).
    pub learning_rate: f64,
    /// Stop when the loss changes by at most this (default 1e-7).
    pub convergence: f64,
    /// Stop after this many epochs whatever happens (default 5,000).
    pub max_epochs: u32,
}

impl Default for BridgingParams {
    fn default() -> Self {
        BridgingParams {
            seed: 0,
            factor_lambda: 0.03,
            intercept_lambda: 0.15,
            learning_rate: 0.2,
            convergence: 1e-7,
            max_epochs: 5_000,
        }
    }
}

/// The fitted model: every rated statement's bridging score, best first.
///
/// ```
/// use polyphony_core::{Vote, VoteEvent};
/// let votes = (0..6u32).map(|p| VoteEvent::new(p, 0, Vote::Agree, 0)).collect();
/// let b = polyphony_lab::bridging(&polyphony_lab::LabData::new(votes), &Default::default())?;
/// assert_eq!((b.ratings, b.raters), (6, 6));
/// assert!(b.stop != polyphony_lab::BridgingStop::MaxEpochs && b.global_intercept > 0.0);
/// # Ok::<(), polyphony_lab::LabError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bridging {
    /// μ, the global intercept.
    pub global_intercept: f64,
    /// Statements by descending bridging score (ties by id).
    pub statements: Vec<BridgingScore>,
    /// Ratings fitted (agree and disagree votes on statements not moderated out).
    pub ratings: u32,
    /// Participants with at least one rating.
    pub raters: u32,
    /// Epochs run.
    pub epochs: u32,
    /// The regularised loss at the end.
    pub loss: f64,
    /// Why the fit stopped.
    pub stop: BridgingStop,
}

/// Why the bridging fit stopped: Community Notes' two rules, or the cap.
///
/// ```
/// use polyphony_lab::BridgingStop;
/// assert_eq!(serde_json::to_string(&BridgingStop::LossRose).unwrap(), "\"loss_rose\"");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BridgingStop {
    /// The loss changed by at most `convergence`.
    Settled,
    /// After 100 epochs, the loss rose (Adam overshooting at the fitted minimum).
    LossRose,
    /// `max_epochs` ran out first.
    MaxEpochs,
}

impl std::fmt::Display for BridgingStop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            BridgingStop::Settled => "settled",
            BridgingStop::LossRose => "the loss rose after epoch 100",
            BridgingStop::MaxEpochs => "max epochs reached",
        })
    }
}

/// One statement's place in the bridging model.
///
/// ```
/// let s = polyphony_lab::BridgingScore { statement: 3, intercept: 0.2, factor: 0.0, agree: 5, disagree: 1 };
/// assert_eq!(s.agree + s.disagree, 6);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BridgingScore {
    /// The statement.
    pub statement: StatementId,
    /// i_s: agreement not explained by the side people are on (the bridging score).
    pub intercept: f64,
    /// f_s: how much the statement splits along the fitted axis (its sign is arbitrary).
    pub factor: f64,
    /// Agree votes on it.
    pub agree: u32,
    /// Disagree votes on it.
    pub disagree: u32,
}

/// Fits the bridging model to `data`'s latest votes (moderated-out and meta statements left
/// out).
///
/// Complexity: O(ratings) per epoch.
///
/// # Errors
/// [`LabError::InvalidParams`] for a negative λ, a learning rate or convergence ≤ 0, or no
/// epoch; [`LabError::NoVotes`] when no agree or disagree vote is left to fit.
///
/// ```
/// use polyphony_core::{Vote, VoteEvent};
/// use polyphony_lab::{bridging, BridgingParams, LabData};
/// // Two camps split on statements 0..4; everyone agrees with statement 9.
/// let mut votes = Vec::new();
/// for p in 0..20u32 {
///     for s in 0..4u32 {
///         let agree = (p % 2 == 0) == (s % 2 == 0);
///         votes.push(VoteEvent::new(p, s, if agree { Vote::Agree } else { Vote::Disagree }, 0));
///     }
///     votes.push(VoteEvent::new(p, 9, Vote::Agree, 0));
/// }
/// let b = bridging(&LabData::new(votes), &BridgingParams::default())?;
/// assert_eq!(b.statements[0].statement, 9);
/// # Ok::<(), polyphony_lab::LabError>(())
/// ```
pub fn bridging(data: &LabData, params: &BridgingParams) -> Result<Bridging, LabError> {
    let conv = data.conversation(polyphony_core::AnalysisParams::default());
    bridging_of(&conv, params)
}

/// [`bridging`] on a conversation already built.
pub(crate) fn bridging_of(
    conv: &Conversation,
    params: &BridgingParams,
) -> Result<Bridging, LabError> {
    check(params)?;
    let matrix = conv.matrix();
    let statements = matrix.statements();
    let mut rater_of_row = vec![u32::MAX; matrix.participants().len()];
    let mut note_of_col = vec![u32::MAX; statements.len()];
    let mut notes: Vec<StatementId> = Vec::new();
    let (mut users, mut ratings) = (0u32, Vec::new());
    for (row, rater) in rater_of_row.iter_mut().enumerate() {
        for (col, vote) in matrix.row(row) {
            let value = match vote {
                Vote::Agree => 1.0,
                Vote::Disagree => 0.0,
                Vote::Pass => continue,
            };
            if conv.statement(statements[col]).is_mod_out() {
                continue;
            }
            if *rater == u32::MAX {
                *rater = users;
                users += 1;
            }
            if note_of_col[col] == u32::MAX {
                note_of_col[col] = notes.len() as u32;
                notes.push(statements[col]);
            }
            ratings.push((*rater as usize, note_of_col[col] as usize, value));
        }
    }
    if ratings.is_empty() {
        return Err(LabError::NoVotes);
    }
    let fit = fit(&ratings, users as usize, notes.len(), params);
    let mut counts = vec![(0u32, 0u32); notes.len()];
    for &(_, s, r) in &ratings {
        if r > 0.5 {
            counts[s].0 += 1;
        } else {
            counts[s].1 += 1;
        }
    }
    let mut scores: Vec<BridgingScore> = notes
        .iter()
        .enumerate()
        .map(|(i, &statement)| BridgingScore {
            statement,
            intercept: fit.note_intercepts[i],
            factor: fit.note_factors[i],
            agree: counts[i].0,
            disagree: counts[i].1,
        })
        .collect();
    scores.sort_by(|a, b| {
        b.intercept
            .partial_cmp(&a.intercept)
            .unwrap_or(Ordering::Equal)
            .then(a.statement.cmp(&b.statement))
    });
    Ok(Bridging {
        global_intercept: fit.global,
        statements: scores,
        ratings: ratings.len() as u32,
        raters: users,
        epochs: fit.epochs,
        loss: fit.loss,
        stop: fit.stop,
    })
}

fn check(p: &BridgingParams) -> Result<(), LabError> {
    let bad = |m: String| Err(LabError::InvalidParams(m));
    if !(p.factor_lambda >= 0.0 && p.intercept_lambda >= 0.0) {
        return bad("bridging λ must be ≥ 0".into());
    }
    if !(p.learning_rate > 0.0 && p.learning_rate.is_finite()) {
        return bad(format!(
            "bridging learning rate {} must be > 0",
            p.learning_rate
        ));
    }
    if p.convergence.is_nan() || p.convergence <= 0.0 || p.max_epochs == 0 {
        return bad("bridging convergence must be > 0 and max_epochs ≥ 1".into());
    }
    Ok(())
}

struct Fit {
    global: f64,
    note_intercepts: Vec<f64>,
    note_factors: Vec<f64>,
    epochs: u32,
    loss: f64,
    stop: BridgingStop,
}

/// The parameters in one vector: μ, then i_u, f_u (users), then i_s, f_s (notes).
struct Layout {
    users: usize,
    notes: usize,
}

impl Layout {
    fn user_intercept(&self, u: usize) -> usize {
        1 + u
    }
    fn user_factor(&self, u: usize) -> usize {
        1 + self.users + u
    }
    fn note_intercept(&self, s: usize) -> usize {
        1 + 2 * self.users + s
    }
    fn note_factor(&self, s: usize) -> usize {
        1 + 2 * self.users + self.notes + s
    }
    fn len(&self) -> usize {
        1 + 2 * self.users + 2 * self.notes
    }
}

/// The regularised loss at `w`, and its gradient into `grad` when given.
fn loss(
    w: &[f64],
    l: &Layout,
    ratings: &[(usize, usize, f64)],
    p: &BridgingParams,
    mut grad: Option<&mut [f64]>,
) -> f64 {
    let n = ratings.len() as f64;
    let (nu, ns) = (l.users as f64, l.notes as f64);
    if let Some(g) = grad.as_deref_mut() {
        g.fill(0.0);
    }
    let mut sse = 0.0;
    for &(u, s, r) in ratings {
        let (fu, fs) = (w[l.user_factor(u)], w[l.note_factor(s)]);
        let e = w[0] + w[l.user_intercept(u)] + w[l.note_intercept(s)] + fu * fs - r;
        sse += e * e;
        if let Some(g) = grad.as_deref_mut() {
            let d = 2.0 * e / n;
            g[0] += d;
            g[l.user_intercept(u)] += d;
            g[l.note_intercept(s)] += d;
            g[l.user_factor(u)] += d * fs;
            g[l.note_factor(s)] += d * fu;
        }
    }
    let mut reg = p.intercept_lambda * w[0] * w[0];
    let mut add = |index: usize, lambda: f64, count: f64, g: &mut Option<&mut [f64]>| {
        reg += lambda * w[index] * w[index] / count;
        if let Some(g) = g.as_deref_mut() {
            g[index] += 2.0 * lambda * w[index] / count;
        }
    };
    for u in 0..l.users {
        add(l.user_intercept(u), p.intercept_lambda, nu, &mut grad);
        add(l.user_factor(u), p.factor_lambda, nu, &mut grad);
    }
    for s in 0..l.notes {
        add(l.note_intercept(s), p.intercept_lambda, ns, &mut grad);
        add(l.note_factor(s), p.factor_lambda, ns, &mut grad);
    }
    if let Some(g) = grad {
        g[0] += 2.0 * p.intercept_lambda * w[0];
    }
    sse / n + reg
}

fn fit(ratings: &[(usize, usize, f64)], users: usize, notes: usize, p: &BridgingParams) -> Fit {
    let l = Layout { users, notes };
    let mut w = vec![0.0; l.len()];
    // torch's xavier_uniform_ on an (n × 1) embedding: U(−b, b), b = √(6 / (n + 1)).
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(p.seed);
    let bound = |n: usize| (6.0 / (n as f64 + 1.0)).sqrt();
    for u in 0..users {
        w[l.user_factor(u)] = rng.gen_range(-1.0..1.0) * bound(users);
    }
    for s in 0..notes {
        w[l.note_factor(s)] = rng.gen_range(-1.0..1.0) * bound(notes);
    }
    // Adam (Kingma & Ba), torch's defaults besides the learning rate.
    let (b1, b2, eps) = (0.9f64, 0.999f64, 1e-8);
    let mut m = vec![0.0; w.len()];
    let mut v = vec![0.0; w.len()];
    let mut g = vec![0.0; w.len()];
    let mut prev = 1e10;
    let mut current = loss(&w, &l, ratings, p, None);
    let mut epoch = 0u32;
    let mut stop = BridgingStop::Settled;
    // β₁ᵗ and β₂ᵗ by repeated multiplication rather than `powf`: IEEE products are the same
    // natively and in wasm32, a libm's `pow` need not be.
    let (mut b1t, mut b2t) = (1.0f64, 1.0f64);
    loop {
        if (current - prev).abs() <= p.convergence {
            break;
        }
        if epoch > 100 && current > prev {
            stop = BridgingStop::LossRose;
            break;
        }
        if epoch >= p.max_epochs {
            stop = BridgingStop::MaxEpochs;
            break;
        }
        prev = current;
        loss(&w, &l, ratings, p, Some(&mut g));
        let norm = g.iter().map(|x| x * x).sum::<f64>().sqrt();
        if norm > 1.0 {
            let scale = 1.0 / (norm + 1e-6);
            g.iter_mut().for_each(|x| *x *= scale);
        }
        b1t *= b1;
        b2t *= b2;
        let (c1, c2) = (1.0 - b1t, 1.0 - b2t);
        for i in 0..w.len() {
            m[i] = b1 * m[i] + (1.0 - b1) * g[i];
            v[i] = b2 * v[i] + (1.0 - b2) * g[i] * g[i];
            w[i] -= p.learning_rate * (m[i] / c1) / ((v[i] / c2).sqrt() + eps);
        }
        current = loss(&w, &l, ratings, p, None);
        epoch += 1;
    }
    Fit {
        global: w[0],
        note_intercepts: (0..notes).map(|s| w[l.note_intercept(s)]).collect(),
        note_factors: (0..notes).map(|s| w[l.note_factor(s)]).collect(),
        epochs: epoch,
        loss: current,
        stop,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests may fail loudly.
mod tests {
    use super::*;
    use polyphony_core::VoteEvent;

    fn vote(p: u32, s: u32, agree: bool) -> VoteEvent {
        VoteEvent::new(p, s, if agree { Vote::Agree } else { Vote::Disagree }, 0)
    }

    /// Two planted camps, 12 and 6 people, split on statements 0..6. Statement 10 is agreed by
    /// the big camp and rejected by the small one: 12/18 agree. Statement 11 bridges: 7 of 12
    /// and 4 of 6 agree, 11/18, a lower raw share. Bridging must rank 11 first, and 10 below it.
    #[test]
    fn the_statement_both_camps_agree_with_bridges_best() {
        let mut votes = Vec::new();
        for p in 0..18u32 {
            let big = p < 12;
            for s in 0..6u32 {
                votes.push(vote(p, s, big == (s % 2 == 0)));
            }
            votes.push(vote(p, 10, big));
            let agrees = if big { p < 7 } else { p < 16 };
            votes.push(vote(p, 11, agrees));
        }
        let b = bridging(&LabData::new(votes), &BridgingParams::default()).unwrap();
        assert_ne!(b.stop, BridgingStop::MaxEpochs, "{b:?}");
        let rank = |s: u32| b.statements.iter().position(|x| x.statement == s).unwrap();
        assert_eq!(rank(11), 0, "{:#?}", b.statements);
        assert!(rank(11) < rank(10));
        // The split statements and 10 load on the factor; 11 hardly does.
        let f = |s: u32| b.statements[rank(s)].factor.abs();
        assert!(f(10) > 4.0 * f(11), "{:#?}", b.statements);
        assert_eq!(b.ratings, 18 * 8);
    }

    #[test]
    fn the_same_seed_gives_the_same_fit_and_passes_are_left_out() {
        let mut votes = vec![VoteEvent::new(0, 3, Vote::Pass, 0)];
        for p in 0..8u32 {
            votes.push(vote(p, 0, p % 2 == 0));
            votes.push(vote(p, 1, true));
        }
        let data = LabData::new(votes);
        let a = bridging(&data, &BridgingParams::default()).unwrap();
        let b = bridging(&data, &BridgingParams::default()).unwrap();
        assert_eq!(a, b);
        assert!(a.statements.iter().all(|s| s.statement != 3));
        assert_eq!(a.statements[0].statement, 1);
    }

    #[test]
    fn bad_parameters_are_refused() {
        let data = LabData::new(vec![vote(0, 0, true)]);
        let p = BridgingParams {
            learning_rate: 0.0,
            ..Default::default()
        };
        assert!(matches!(
            bridging(&data, &p),
            Err(LabError::InvalidParams(_))
        ));
        let empty = LabData::new(vec![VoteEvent::new(0, 0, Vote::Pass, 0)]);
        assert_eq!(
            bridging(&empty, &BridgingParams::default()),
            Err(LabError::NoVotes)
        );
    }
}
