//! Criterion benches of a full engine update (the numbers quoted in the README).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use polyphony_benches::{open_data, polis_like, synthetic};
use polyphony_core::{
    AnalysisParams, Conversation, Preset, Seat, TableMode, TableParams, TablePlan, Vote, VoteEvent,
};
use polyphony_polis::{read_export_folder, VoteSign};

fn params(preset: Preset) -> AnalysisParams {
    AnalysisParams::builder(preset).build().expect("params")
}

fn vtaiwan(c: &mut Criterion) {
    let data =
        read_export_folder(&open_data("vtaiwan.uberx"), VoteSign::Auto).expect("vtaiwan.uberx");
    let mut g = c.benchmark_group("vtaiwan.uberx");
    for (name, preset) in [
        ("full update, workshop", Preset::Workshop),
        ("full update, polis", Preset::Polis),
    ] {
        let conv = data.to_conversation(params(preset));
        g.bench_function(name, |b| {
            b.iter_batched(|| conv.clone(), |mut c| c.update(), BatchSize::LargeInput)
        });
    }
    g.finish();
}

fn synthetic_full(c: &mut Criterion) {
    let mut g = c.benchmark_group("synthetic full update");
    g.sample_size(10);
    for (p, s) in [(500u32, 100u32), (10_000, 500), (100_000, 1000)] {
        let mut conv = Conversation::new(params(Preset::Workshop));
        conv.add_votes(&synthetic(p, s, 0.05, 1));
        g.bench_function(format!("{p}x{s}"), |b| {
            b.iter_batched(|| conv.clone(), |mut c| c.update(), BatchSize::PerIteration)
        });
    }
    g.finish();
}

/// Online conversations at the sizes Polis's Python math takes 87 s and 179 s on (issue 24):
/// Polis-like sparsity, most people voting on a few dozen statements.
fn online_full(c: &mut Criterion) {
    let mut g = c.benchmark_group("online full update");
    g.sample_size(10);
    for (p, s, v) in [(7_890u32, 7_753u32, 1_030_000u64), (18_081, 9_034, 400_000)] {
        let mut conv = Conversation::new(params(Preset::Workshop));
        conv.add_votes(&polis_like(p, s, v, 1));
        g.bench_function(format!("{p}x{s}, {v} votes"), |b| {
            b.iter_batched(|| conv.clone(), |mut c| c.update(), BatchSize::PerIteration)
        });
    }
    g.finish();
}

fn one_new_vote(c: &mut Criterion) {
    let mut conv = Conversation::new(params(Preset::Workshop));
    conv.add_votes(&synthetic(500, 100, 0.05, 1));
    conv.update();
    let mut n = 0u32;
    c.bench_function("500x100 update after one new vote", |b| {
        b.iter_batched(
            || {
                n += 1;
                let mut c = conv.clone();
                c.add_votes(&[VoteEvent::new(n % 500, n % 100, Vote::Agree, 1_000_000)]);
                c
            },
            |mut c| c.update(),
            BatchSize::LargeInput,
        )
    });
}

/// Forming discussion tables for a hall of 500 (3 groups, tables of 8), from a real analysis.
fn tables(c: &mut Criterion) {
    let mut conv = Conversation::new(params(Preset::Workshop));
    conv.add_votes(&synthetic(500, 100, 0.05, 3));
    let seats = Seat::from_analysis(&conv.update(), &[]);
    let mut g = c.benchmark_group("tables for 500");
    for (name, mode) in [
        ("same_group", TableMode::SameGroup),
        ("mixed", TableMode::Mixed),
    ] {
        let p = TableParams::builder(mode).seed(1).build().expect("params");
        g.bench_function(name, |b| b.iter(|| TablePlan::form(&seats, &p)));
    }
    g.finish();
}

criterion_group!(
    benches,
    vtaiwan,
    synthetic_full,
    online_full,
    one_new_vote,
    tables
);
criterion_main!(benches);
