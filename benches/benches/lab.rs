//! Criterion benches of the researcher's lab on `vtaiwan.uberx` (figures in the README):
//! `compare` with 50 bootstrap resamples, and full replays (every vote, one engine update per
//! cadence step: Polis's 1-second polling, and hourly).

use criterion::{criterion_group, criterion_main, Criterion};
use polyphony_benches::open_data;
use polyphony_core::StatementStatus;
use polyphony_lab::{Cadence, CompareParams, LabData, ReplayParams};
use polyphony_polis::{read_export_folder, VoteSign};

fn vtaiwan() -> LabData {
    let data =
        read_export_folder(&open_data("vtaiwan.uberx"), VoteSign::Auto).expect("vtaiwan.uberx");
    LabData::new(data.votes.clone())
        .with_statements(
            data.statements
                .iter()
                .map(|s| {
                    (
                        s.id,
                        StatementStatus {
                            moderation: s.moderation,
                            is_meta: s.is_meta,
                        },
                    )
                })
                .collect(),
        )
        .with_reference_groups(data.polis_groups.clone())
}

fn compare(c: &mut Criterion) {
    let data = vtaiwan();
    let params = CompareParams::builder()
        .bootstrap(50)
        .build()
        .expect("params");
    let mut g = c.benchmark_group("lab vtaiwan.uberx");
    g.sample_size(10);
    g.bench_function("compare, 4 pipelines, 50 resamples", |b| {
        b.iter(|| polyphony_lab::compare(&data, &params).expect("compare"))
    });
    g.finish();
}

fn replay(c: &mut Criterion) {
    let data = vtaiwan();
    let mut g = c.benchmark_group("lab vtaiwan.uberx replay");
    g.sample_size(10);
    for (name, cadence) in [
        ("every 1h", Cadence::Every { millis: 3_600_000 }),
        ("every 1s (Polis's polling, default)", Cadence::default()),
    ] {
        let params = ReplayParams::builder()
            .cadence(cadence)
            .build()
            .expect("params");
        g.bench_function(name, |b| {
            b.iter(|| polyphony_lab::replay(&data, &params).expect("replay"))
        });
    }
    g.finish();
}

criterion_group!(benches, compare, replay);
criterion_main!(benches);
