//! Polis's PCA and k-means in `linfa`'s vocabulary.
//!
//! The two algorithms that make Polis's results what they are — power iteration with Polis's
//! start vectors and step count (§3), and k-means with weights, "first k distinct points"
//! initialisation and a warm start that keeps cluster ids (§4) — are offered as `linfa`
//! algorithms, so a researcher can run them on any `linfa` dataset and put `linfa`'s own
//! algorithms beside them:
//!
//! - [`PolisPcaParams`] → ([`linfa::ParamGuard::check`]) → [`PolisPcaValidParams`], which
//!   implements [`linfa::traits::Fit`] on a [`linfa::DatasetBase`] whose records are either
//!   [`ImputedVotes`] (the mean-imputed vote matrix, held sparsely: what the engine uses) or a
//!   dense `ndarray` matrix. The fitted [`PolisPca`] implements [`linfa::traits::Transformer`]
//!   (records → positions on the map).
//! - [`PolisKMeansParams`] → [`PolisKMeansValidParams`], which fits a dataset of points (`n × 2`
//!   records; the dataset's weights, when it has any, are the points' weights — how the group
//!   level weights each base cluster by the participants it stands for). The fitted
//!   [`PolisKMeans`] implements [`linfa::traits::Predict`] (records → cluster index).
//!
//! [`crate::pipeline`] and [`crate::Conversation::update`] call exactly these, so the engine's
//! outputs are what this API gives.
//!
//! ```
//! use polyphony_core::linfa::prelude::*;
//! use polyphony_core::{ImputedVotes, PolisKMeans, PolisPca, Vote, VoteEvent, VoteMatrix};
//! let mut m = VoteMatrix::default();
//! for p in 0..6u32 {
//!     let v = if p < 3 { Vote::Agree } else { Vote::Disagree };
//!     m.apply(&[VoteEvent::new(p, 0, v, 0), VoteEvent::new(p, 1, v, 0), VoteEvent::new(p, 2, Vote::Pass, 0)]);
//! }
//! let votes = DatasetBase::new(ImputedVotes::new(&m, &[]), ());
//! // Two perfectly opposed camps: one direction only, which Polis would collapse to the origin.
//! let pca = PolisPca::params().collapse_rank1(false).fit(&votes)?;
//! let map = pca.transform(&votes.records)?;
//! let groups = PolisKMeans::params(2).fit(&DatasetBase::from(map.clone()))?;
//! let labels = groups.predict(&map);
//! assert_eq!(labels.to_vec(), vec![0, 0, 0, 1, 1, 1]);
//! # Ok::<(), polyphony_core::CoreError>(())
//! ```

mod imputed;
mod kmeans;
mod pca;

pub use imputed::ImputedVotes;
pub use kmeans::{PolisKMeans, PolisKMeansParams, PolisKMeansValidParams};
pub(crate) use pca::to_array;
pub use pca::{PolisPca, PolisPcaParams, PolisPcaValidParams};

use crate::error::CoreError;

impl From<linfa::Error> for CoreError {
    fn from(e: linfa::Error) -> Self {
        CoreError::Linfa(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use linfa::prelude::*;
    use rand::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    use super::*;
    use crate::kmeans::{self as engine, Points};
    use crate::pca::{self as hand, Stopping};
    use crate::{KMeansConvergence, PcaStopping, Vote, VoteEvent, VoteMatrix};

    fn random_votes(seed: u64, n: u32, c: u32) -> VoteMatrix {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut events = Vec::new();
        for p in 0..n {
            for s in 0..c {
                if rng.gen_bool(0.4) {
                    let v = [Vote::Agree, Vote::Disagree, Vote::Pass][rng.gen_range(0..3)];
                    events.push(VoteEvent::new(p, s, v, 0));
                }
            }
        }
        let mut m = VoteMatrix::default();
        m.apply(&events);
        m
    }

    #[test]
    fn linfa_pca_is_the_hand_written_pca_bit_for_bit() {
        for seed in 0..5 {
            let m = random_votes(seed, 60, 12);
            let c = m.statements().len();
            let mod_out: Vec<bool> = (0..c).map(|j| j % 5 == 3).collect();
            let center = hand::column_means(&m, &mod_out);
            let rows = hand::centered_rows(&m, &mod_out, &center);
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(9);
            let stop = Stopping::Polis { iterations: 100 };
            let direct = hand::fit(&rows, m.participants().len(), center, &[], stop, &mut rng);
            let at = hand::project_rows(&rows, 2, c, &direct.comps, true);

            let data = DatasetBase::new(ImputedVotes::new(&m, &mod_out), ());
            let model = PolisPca::params()
                .seed(9)
                .stopping(PcaStopping::FixedSteps)
                .fit(&data)
                .expect("valid params");
            assert_eq!(model.center(), direct.center.as_slice());
            assert_eq!(model.components(), direct.comps.as_slice());
            let projected = model.transform(&data.records).expect("same width");
            assert_eq!(projected, to_array(&at));
        }
    }

    #[test]
    fn linfa_kmeans_is_the_hand_written_kmeans_bit_for_bit() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let positions: Vec<[f64; 2]> = (0..200)
            .map(|i| {
                let o = f64::from(i % 3) * 4.0;
                [o + rng.gen::<f64>(), rng.gen::<f64>() - o]
            })
            .collect();
        let weights: Vec<f64> = (0..200).map(|i| f64::from(1 + i % 7)).collect();
        let names: Vec<u32> = (0..200).collect();
        let points = Points {
            names: &names,
            positions: &positions,
            weights: Some(&weights),
        };
        let mut direct = engine::kmeans(&points, 4, 20, &[], KMeansConvergence::SortedZip);
        direct.sort_by_key(|c| c.id);
        let data = DatasetBase::from(to_array(&positions))
            .with_weights(weights.iter().map(|&w| w as f32).collect());
        let model = PolisKMeans::params(4).fit(&data).expect("valid params");
        assert_eq!(model.clusters(), direct.as_slice());
    }
}
