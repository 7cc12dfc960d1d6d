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
