//! The linfa path (`ParamGuard::check` → `Fit` on a `Dataset`) against a direct call of the same
//! hand-written algorithm (`polyphony_core::direct`), on vtaiwan.uberx: the overhead of speaking
//! linfa's vocabulary (building the dataset, checking the parameters, converting the output).

use criterion::{criterion_group, criterion_main, Criterion};
use polyphony_benches::open_data;
use polyphony_core::linfa::prelude::*;
use polyphony_core::{
    direct, AnalysisParams, ImputedVotes, KMeansConvergence, PcaStopping, PolisKMeans, PolisPca,
    Preset,
};
use polyphony_polis::{read_export_folder, VoteSign};

fn vtaiwan(c: &mut Criterion) {
    let data =
        read_export_folder(&open_data("vtaiwan.uberx"), VoteSign::Auto).expect("vtaiwan.uberx");
    let params = AnalysisParams::builder(Preset::Polis)
        .build()
        .expect("params");
    let conv = data.to_conversation(params.clone());
    let m = conv.matrix();
    let mod_out: Vec<bool> = m
        .statements()
        .iter()
        .map(|&s| conv.statement(s).is_mod_out())
        .collect();

    let mut g = c.benchmark_group("vtaiwan.uberx PCA (Polis: 101 steps)");
    g.bench_function("linfa Fit on ImputedVotes", |b| {
        b.iter(|| {
            let data = DatasetBase::new(ImputedVotes::new(m, &mod_out), ());
            PolisPca::params().fit(&data).expect("valid")
        })
    });
    g.bench_function("direct call", |b| {
        b.iter(|| direct::pca(m, &mod_out, &[], 100, PcaStopping::FixedSteps, 0))
    });
    g.finish();

    // The base clustering's input: every participant's place on the map.
    let data = DatasetBase::new(ImputedVotes::new(m, &mod_out), ());
    let pca = PolisPca::params().fit(&data).expect("valid");
    let at = pca.transform(&data.records).expect("same width");
    let points: Vec<[f64; 2]> = at.rows().into_iter().map(|r| [r[0], r[1]]).collect();
    let dataset = DatasetBase::from(at.view());
    let mut g = c.benchmark_group("vtaiwan.uberx k-means (100 base clusters)");
    g.bench_function("linfa Fit on a Dataset", |b| {
        b.iter(|| {
            PolisKMeans::params(100)
                .max_iterations(100)
                .fit(&dataset)
                .expect("valid")
        })
    });
    g.bench_function("direct call", |b| {
        b.iter(|| direct::kmeans(&points, None, 100, 100, &[], KMeansConvergence::SortedZip))
    });
    g.finish();
}

criterion_group!(benches, vtaiwan);
criterion_main!(benches);
