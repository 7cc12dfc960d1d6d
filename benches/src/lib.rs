//! Shared helpers for the benches: real conversations from `../shared` and synthetic rooms.

use std::path::PathBuf;

use polyphony_core::{Vote, VoteEvent};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// `../shared/data/polis-open-data/NAME` beside the project root.
pub fn open_data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/data/polis-open-data")
        .join(name)
}

/// A synthetic room: `participants` × `statements`, 3 planted opinion groups, `density` of the
/// cells filled on average (each participant votes on a uniform 1..=2·density·statements).
/// Each group agrees with a statement with probability 0.8 or 0.2 (drawn per group and
/// statement); 10% of votes are passes. Seeded, so every run sees the same votes.
pub fn synthetic(participants: u32, statements: u32, density: f64, seed: u64) -> Vec<VoteEvent> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let stance: Vec<Vec<f64>> = (0..3)
        .map(|_| {
            (0..statements)
                .map(|_| if rng.gen::<bool>() { 0.8 } else { 0.2 })
                .collect()
        })
        .collect();
    let max_votes = ((2.0 * density * f64::from(statements)).round() as u32).clamp(1, statements);
    let mut votes = Vec::new();
    let mut chosen = vec![u32::MAX; statements as usize];
    for p in 0..participants {
        let group = (p % 3) as usize;
        let n = rng.gen_range(1..=max_votes);
        let mut k = 0;
        while k < n {
            let s = rng.gen_range(0..statements);
            if chosen[s as usize] == p {
                continue;
            }
            chosen[s as usize] = p;
            k += 1;
            let r: f64 = rng.gen();
            let vote = if r < 0.1 {
                Vote::Pass
            } else if rng.gen::<f64>() < stance[group][s as usize] {
                Vote::Agree
            } else {
                Vote::Disagree
            };
            votes.push(VoteEvent::new(p, s, vote, i64::from(p)));
        }
    }
    votes
}

/// A synthetic online conversation with Polis-like sparsity: `participants` × `statements`
/// and about `votes` votes (exactly `votes` unless the caps bite). Most people vote on a few
/// dozen statements: each participant's count is log-normal (σ = 1, so the median is 0.6 of
/// the mean and a few vote on hundreds), at least 1 and at most a quarter of the statements;
/// earlier statements draw more votes (weight 1/√(rank + 1)), as in a conversation whose
/// statements arrive over time. 3 planted groups as in [`synthetic`], 10% passes. Seeded.
pub fn polis_like(participants: u32, statements: u32, votes: u64, seed: u64) -> Vec<VoteEvent> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let stance: Vec<Vec<f64>> = (0..3)
        .map(|_| {
            (0..statements)
                .map(|_| if rng.gen::<bool>() { 0.8 } else { 0.2 })
                .collect()
        })
        .collect();
    // Vote counts: log-normal with the mean asked for, then nudged to the total.
    let cap = (statements / 4).max(1);
    let mean = votes as f64 / f64::from(participants.max(1));
    let mu = mean.ln() - 0.5;
    let mut counts: Vec<u32> = (0..participants)
        .map(|_| {
            // Box–Muller: one standard normal from two uniforms.
            let (u1, u2): (f64, f64) = (rng.gen_range(f64::EPSILON..1.0), rng.gen());
            let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
            ((mu + z).exp().round() as u32).clamp(1, cap)
        })
        .collect();
    let mut total: u64 = counts.iter().map(|&c| u64::from(c)).sum();
    while total != votes && participants > 0 {
        let p = rng.gen_range(0..participants) as usize;
        if total < votes && counts[p] < cap {
            counts[p] += 1;
            total += 1;
        } else if total > votes && counts[p] > 1 {
            counts[p] -= 1;
            total -= 1;
        } else if counts.iter().all(|&c| c == cap) || counts.iter().all(|&c| c == 1) {
            break;
        }
    }
    // Statement weights 1/√(rank + 1), drawn by a binary search on their running sum.
    let mut cumulative = Vec::with_capacity(statements as usize);
    let mut sum = 0.0;
    for s in 0..statements {
        sum += 1.0 / f64::from(s + 1).sqrt();
        cumulative.push(sum);
    }
    let mut out = Vec::with_capacity(total as usize);
    let mut chosen = vec![u32::MAX; statements as usize];
    for (p, &n) in (0u32..).zip(&counts) {
        let group = (p % 3) as usize;
        let mut k = 0;
        while k < n {
            let x = rng.gen::<f64>() * sum;
            let s = cumulative
                .partition_point(|&c| c <= x)
                .min(statements as usize - 1);
            if chosen[s] == p {
                continue;
            }
            chosen[s] = p;
            k += 1;
            let vote = if rng.gen::<f64>() < 0.1 {
                Vote::Pass
            } else if rng.gen::<f64>() < stance[group][s] {
                Vote::Agree
            } else {
                Vote::Disagree
            };
            out.push(VoteEvent::new(p, s as u32, vote, i64::from(p)));
        }
    }
    out
}
