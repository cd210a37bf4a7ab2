//! Steps per second of three experiment engines, each run from a fresh
//! engine to the end of its run (the setup is not timed):
//! - online-convex: rounds of the periodic problem, all three racers;
//! - generalisation: full-batch steps of all four racers, n = 40;
//! - data-parallel: steps of both runs (4 workers × 16, and one worker × 64).
//!
//! Run with `cargo bench -p sgdlab-core --bench experiments_a`; criterion
//! reports the rate as "elem/s", one element per step.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use sgdlab_core::data_parallel::{DataParallel, DataParallelConfig};
use sgdlab_core::generalisation::{Generalisation, GeneralisationConfig};
use sgdlab_core::online_convex::{OnlineConvex, OnlineConvexConfig};
use std::hint::black_box;

fn bench_experiments(c: &mut Criterion) {
    let mut group = c.benchmark_group("experiments");
    group.sample_size(10);

    let online = OnlineConvexConfig {
        steps: Some(1_000_000),
        ..OnlineConvexConfig::default()
    };
    group.throughput(Throughput::Elements(1_000_000));
    group.bench_function("online-convex rounds (3 racers)", |b| {
        b.iter_batched(
            || OnlineConvex::new(&online).expect("valid config"),
            |mut run| {
                run.run_to_end();
                black_box(run.report())
            },
            BatchSize::LargeInput,
        )
    });

    let generalisation = GeneralisationConfig::default();
    group.throughput(Throughput::Elements(generalisation.steps));
    group.bench_function("generalisation steps (4 racers, n = 40)", |b| {
        b.iter_batched(
            || Generalisation::new(&generalisation).expect("valid config"),
            |mut run| {
                run.run_to_end();
                black_box(run.report())
            },
            BatchSize::LargeInput,
        )
    });

    let parallel = DataParallelConfig::default();
    let steps = DataParallel::new(&parallel)
        .expect("valid config")
        .total_steps();
    group.throughput(Throughput::Elements(steps));
    group.bench_function("data-parallel steps (M = 4, B = 16, and B = 64)", |b| {
        b.iter_batched(
            || DataParallel::new(&parallel).expect("valid config"),
            |mut run| {
                run.run_to_end();
                black_box(run.max_abs_diff())
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, bench_experiments);
criterion_main!(benches);
