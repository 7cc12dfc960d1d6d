//! Polis's PCA and k-means through `linfa`'s traits, on planted data: k-means finds the planted
//! groups, PCA finds the planted axis, and the engine's update is what the `linfa` path gives.

use linfa::prelude::*;
use ndarray::{Array1, Array2};
use polyphony_core::{
    pipeline, AnalysisParams, Conversation, ImputedVotes, KMeansConvergence, PolisKMeans, PolisPca,
    Preset, Vote, VoteEvent, VoteMatrix,
};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// `per` points around each of `centres`, uniform noise of half-width `spread`; the planted label
/// of each point.
fn blobs(centres: &[[f64; 2]], per: usize, spread: f64, seed: u64) -> (Array2<f64>, Vec<usize>) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut x = Array2::zeros((centres.len() * per, 2));
    let mut labels = Vec::new();
    // Interleave the groups, so the first distinct points are not all from one group.
    for i in 0..per {
        for (g, c) in centres.iter().enumerate() {
            let r = i * centres.len() + g;
            x[[r, 0]] = c[0] + rng.gen_range(-spread..spread);
            x[[r, 1]] = c[1] + rng.gen_range(-spread..spread);
            labels.push(g);
        }
    }
    (x, labels)
}

/// True when `found` is `planted` up to a renaming of the labels.
fn same_partition(planted: &[usize], found: &[usize]) -> bool {
    let mut map = std::collections::BTreeMap::new();
    let mut back = std::collections::BTreeMap::new();
    planted
        .iter()
        .zip(found)
        .all(|(&p, &f)| *map.entry(p).or_insert(f) == f && *back.entry(f).or_insert(p) == p)
}

#[test]
fn kmeans_finds_three_planted_groups_and_predicts_new_points_into_them() {
    let centres = [[0.0, 0.0], [6.0, 1.0], [2.0, 7.0]];
    let (x, planted) = blobs(&centres, 40, 1.0, 11);
    let data = DatasetBase::from(x.clone());
    let model = PolisKMeans::params(3).fit(&data).expect("valid");
    assert_eq!(model.clusters().len(), 3);
    let found = model.predict(&x);
    assert!(same_partition(&planted, found.as_slice().unwrap_or(&[])));
    // Every training point is a member of the cluster it is predicted into.
    for (i, &l) in found.iter().enumerate() {
        assert!(model.clusters()[l].members.contains(&(i as u32)));
    }
    // Fresh points next to a planted centre land with that centre's group.
    let (fresh, fresh_planted) = blobs(&centres, 5, 0.5, 12);
    let fresh_found = model.predict(&fresh);
    let label_of = |g: usize| found[planted.iter().position(|&p| p == g).unwrap_or(0)];
    for (f, p) in fresh_found.iter().zip(&fresh_planted) {
        assert_eq!(*f, label_of(*p));
    }
    // linfa's own metric on Polis's clustering: well separated groups score high.
    let labelled = DatasetBase::new(x, found);
    let score = labelled.silhouette_score().expect("three groups");
    assert!(score > 0.7, "silhouette {score}");
}

#[test]
fn weights_decide_where_a_centre_sits_and_warm_start_keeps_ids() {
    let (x, _) = blobs(&[[0.0, 0.0], [8.0, 8.0]], 20, 1.0, 5);
    let heavy: Array1<f32> = (0..x.nrows())
        .map(|i| if i == 0 { 100.0 } else { 1.0 })
        .collect();
    let plain = PolisKMeans::params(2)
        .fit(&DatasetBase::from(x.clone()))
        .expect("valid");
    let weighted = PolisKMeans::params(2)
        .fit(&DatasetBase::from(x.clone()).with_weights(heavy))
        .expect("valid");
    let c0 = |m: &PolisKMeans| m.clusters()[0].center;
    let d = |a: [f64; 2], b: [f64; 2]| ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt();
    let p0 = [x[[0, 0]], x[[0, 1]]];
    assert!(d(c0(&weighted), p0) < d(c0(&plain), p0));
    // A warm start from clusters with ids 7 and 9 keeps those ids.
    let mut start = plain.clone().into_clusters();
    start[0].id = 7;
    start[1].id = 9;
    let again = PolisKMeans::params(2)
        .warm_start(start)
        .convergence(KMeansConvergence::ById)
        .fit(&DatasetBase::from(x))
        .expect("valid");
    let ids: Vec<u32> = again.clusters().iter().map(|c| c.id).collect();
    assert_eq!(ids, vec![7, 9]);
    assert_eq!(again.clusters()[0].members, plain.clusters()[0].members);
}

#[test]
fn pca_finds_the_planted_axis_of_dense_records() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(4);
    let axis: Vec<f64> = {
        let raw: Vec<f64> = (0..10).map(|j| f64::from(j) - 4.5).collect();
        let n = raw.iter().map(|v| v * v).sum::<f64>().sqrt();
        raw.iter().map(|v| v / n).collect()
    };
    let x = Array2::from_shape_fn((300, 10), |(i, j)| {
        let t = (i as f64 / 30.0) - 5.0;
        3.0 + t * axis[j] + rng.gen_range(-0.05..0.05)
    });
    let model = PolisPca::params()
        .fit(&DatasetBase::from(x.clone()))
        .expect("valid");
    let pc1 = &model.components()[0];
    let cos: f64 = pc1.iter().zip(&axis).map(|(a, b)| a * b).sum();
    assert!(cos.abs() > 0.999, "cos {cos}");
    for (c, m) in model
        .center()
        .iter()
        .zip(x.mean_axis(ndarray::Axis(0)).into_iter().flatten())
    {
        assert!((c - m).abs() < 1e-12);
    }
    // The first coordinate of the transform is the position along the axis.
    let at = model.transform(&x).expect("same width");
    let t: Vec<f64> = (0..300).map(|i| (i as f64 / 30.0) - 5.0).collect();
    let first: Vec<f64> = at.column(0).to_vec();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (mt, mf) = (mean(&t), mean(&first));
    let cov: f64 = t.iter().zip(&first).map(|(a, b)| (a - mt) * (b - mf)).sum();
    let var = |v: &[f64], m: f64| v.iter().map(|a| (a - m).powi(2)).sum::<f64>();
    let corr = cov / (var(&t, mt) * var(&first, mf)).sqrt();
    assert!(
        corr.abs() > 0.999,
        "correlation of the first coordinate with t: {corr}"
    );
    assert!(model.transform(&Array2::<f64>::zeros((1, 3))).is_err());
}

/// Two camps on `c` statements, each participant voting its camp's way except with
/// probability `noise`; a tenth of the cells left unvoted.
fn two_camps(n: u32, c: u32, noise: f64, seed: u64) -> (VoteMatrix, Vec<usize>, Vec<VoteEvent>) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut events = Vec::new();
    let mut camp = Vec::new();
    for p in 0..n {
        let side = (p % 2) as usize;
        camp.push(side);
        for s in 0..c {
            if rng.gen_bool(0.1) {
                continue;
            }
            let with_camp = (side == 0) == (s % 3 != 0);
            let agree = if rng.gen_bool(noise) {
                !with_camp
            } else {
                with_camp
            };
            let v = if agree { Vote::Agree } else { Vote::Disagree };
            events.push(VoteEvent::new(p, s, v, 0));
        }
    }
    let mut m = VoteMatrix::default();
    m.apply(&events);
    (m, camp, events)
}

#[test]
fn pca_on_imputed_votes_separates_planted_camps_and_kmeans_finds_them() {
    let (m, camp, _) = two_camps(80, 15, 0.1, 8);
    let rows: Vec<usize> = m.participants().iter().map(|&p| camp[p as usize]).collect();
    let data = DatasetBase::new(ImputedVotes::new(&m, &[]), ());
    let model = PolisPca::params().fit(&data).expect("valid");
    let at = model.transform(&data.records).expect("same width");
    // Camps on opposite sides of the first axis.
    let side = |i: usize| at[[i, 0]] > 0.0;
    let first = side(0);
    for (i, &c) in rows.iter().enumerate() {
        assert_eq!(side(i) == first, c == rows[0], "participant row {i}");
    }
    let groups = PolisKMeans::params(2)
        .fit(&DatasetBase::from(at.clone()))
        .expect("valid");
    let found = groups.predict(&at);
    assert!(same_partition(&rows, found.as_slice().unwrap_or(&[])));
}

#[test]
fn the_engine_update_is_the_linfa_path() {
    let (m, _, events) = two_camps(60, 12, 0.2, 21);
    let params = AnalysisParams::builder(Preset::Polis)
        .build()
        .expect("valid");
    let mut conv = Conversation::new(params.clone());
    conv.add_votes(&events);
    let analysis = conv.update();
    let mod_out = vec![false; m.statements().len()];
    let data = DatasetBase::new(ImputedVotes::new(&m, &mod_out), ());
    let seed = params.seed() ^ 1;
    let model = pipeline::pca_params(&params, &[], seed)
        .fit(&data)
        .expect("valid");
    assert_eq!(analysis.pca.components, model.components());
    assert_eq!(analysis.pca.center, model.center());
    let at = model.transform(&data.records).expect("same width");
    for point in &analysis.participants {
        let r = m.row_of(point.participant).expect("voted");
        assert_eq!(point.position, [at[[r, 0]], at[[r, 1]]]);
    }
}

#[test]
fn params_are_checked_before_fitting() {
    let x = DatasetBase::from(Array2::<f64>::zeros((3, 2)));
    let bad: Result<PolisKMeans, _> = PolisKMeans::params(0).fit(&x);
    assert!(bad.is_err());
    let wide = DatasetBase::from(Array2::<f64>::zeros((3, 3)));
    assert!(PolisKMeans::params(2).fit(&wide).is_err());
    let nan = DatasetBase::from(Array2::from_elem((2, 2), f64::NAN));
    assert!(PolisPca::params().fit(&nan).is_err());
    assert!(PolisPca::params().iterations(0).fit(&x).is_err());
}
