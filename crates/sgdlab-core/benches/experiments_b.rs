//! Throughput of the three experiment engines of lessons 10–12:
//! - implicit regularisation: replica-steps per second (one SGD step of one
//!   replica, the flows' RK4 work shared out over the replicas), for the
//!   default run and for 5000 replicas;
//! - bias–variance: fits per second (one QR solve and its T + 101
//!   predictions), ridge and polynomial defaults;
//! - mode connectivity: bend steps per second (draw t, form φ(t), forward
//!   and backward on a minibatch, scale, Adam step), and the whole default
//!   run.
//!
//! Run with `cargo bench -p sgdlab-core --bench experiments_b`.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use sgdlab_core::bias_variance::{BiasVariance, BiasVarianceConfig, ModelFamily};
use sgdlab_core::implicit_reg::{ImplicitReg, ImplicitRegConfig};
use sgdlab_core::mode_connectivity::{ModeConnectivity, ModeConnectivityConfig, Phase};
use std::hint::black_box;
use std::time::{Duration, Instant};

fn bench_implicit_reg(c: &mut Criterion) {
    let mut group = c.benchmark_group("implicit_reg run");
    group.sample_size(20);
    for replicas in [1000, 5000] {
        let config = ImplicitRegConfig {
            replicas,
            ..ImplicitRegConfig::default()
        };
        let steps = config.total_steps();
        group.throughput(Throughput::Elements((replicas * steps) as u64));
        group.bench_function(format!("{replicas} replicas × {steps} steps"), |b| {
            b.iter_batched(
                || ImplicitReg::new(&config).expect("the benchmark config is valid"),
                |mut run| {
                    run.step(steps);
                    black_box(run.report())
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

fn bench_bias_variance(c: &mut Criterion) {
    let mut group = c.benchmark_group("bias_variance run");
    group.sample_size(20);
    for family in [ModelFamily::Ridge, ModelFamily::Polynomial] {
        let config = BiasVarianceConfig {
            family,
            ..BiasVarianceConfig::default()
        };
        let fits = config.total_fits();
        group.throughput(Throughput::Elements(fits as u64));
        group.bench_function(format!("{family} default ({fits} fits)"), |b| {
            b.iter_batched(
                || BiasVariance::new(&config).expect("the benchmark config is valid"),
                |mut run| {
                    run.step(fits);
                    black_box(run.report())
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

/// A run of the default network whose endpoints are trained (one epoch: the
/// cost of a bend step does not depend on how good they are) and whose
/// next `bend_steps` units are bend steps.
fn ready_to_bend(bend_steps: usize) -> ModeConnectivity {
    let config = ModeConnectivityConfig {
        epochs: 1,
        bend_steps,
        ..ModeConnectivityConfig::default()
    };
    let mut run = ModeConnectivity::new(&config).expect("the benchmark config is valid");
    while run.phase() != Phase::Bend {
        run.step(1);
    }
    run
}

fn bench_mode_connectivity(c: &mut Criterion) {
    let mut group = c.benchmark_group("mode_connectivity");
    group.throughput(Throughput::Elements(1));
    group.bench_function("bend step (2-16-16-2, batch 32)", |b| {
        b.iter_custom(|iterations| {
            let mut elapsed = Duration::ZERO;
            let mut left = iterations as usize;
            while left > 0 {
                let chunk = left.min(50_000);
                let mut run = ready_to_bend(chunk);
                let start = Instant::now();
                run.step(chunk);
                elapsed += start.elapsed();
                assert_eq!(run.phase(), Phase::Curve);
                left -= chunk;
            }
            elapsed
        })
    });
    group.throughput(Throughput::Elements(1));
    group.sample_size(10);
    let config = ModeConnectivityConfig::default();
    group.bench_function("default run", |b| {
        b.iter(|| {
            let mut run = ModeConnectivity::new(&config).expect("the default config is valid");
            run.step(run.total_steps());
            black_box(run.report())
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    bench_implicit_reg,
    bench_bias_variance,
    bench_mode_connectivity
);
criterion_main!(benches);
