//! Cost of one optimizer step, for every optimizer: on a 2-D point (what the
//! playground does per racer per step) and on a 4,610-parameter vector in f32
//! (the 2-64-64-2 MLP of the training lab).
//!
//! Run with `cargo bench -p sgdlab-core --bench optim -- --warm-up-time 1 --measurement-time 2`.

use criterion::{Criterion, criterion_group, criterion_main};
use sgdlab_core::optim::{OPTIMIZERS, Precision, StepInput};
use std::hint::black_box;

/// Parameters of a 2-64-64-2 MLP: 2·64 + 64 + 64·64 + 64 + 64·2 + 2.
const MLP_PARAMS: usize = 4_610;

fn bench_steps<T: Precision>(c: &mut Criterion, group_name: &str, size: usize) {
    let mut group = c.benchmark_group(group_name);
    let grad: Vec<T> = (0..size)
        .map(|i| T::from_f64(((i * 37 % 101) as f64 - 50.0) / 50.0))
        .collect();
    // A diagonal Hessian, for Newton.
    let hessian: Vec<T> = (0..size * size)
        .map(|k| {
            if k % (size + 1) == 0 {
                T::from_f64(2.0)
            } else {
                T::ZERO
            }
        })
        .collect();
    for entry in OPTIMIZERS {
        let mut optimizer = entry
            .build::<T>()
            .expect("every registered optimizer builds");
        if optimizer.needs_hessian() && size > 2 {
            continue; // Newton on thousands of parameters is not a use case.
        }
        let mut params: Vec<T> = vec![T::HALF; size];
        let input = StepInput::gradient(&grad).with_hessian(&hessian);
        group.bench_function(entry.name, |b| {
            b.iter(|| {
                optimizer
                    .step(black_box(&mut params), black_box(&input))
                    .expect("the step succeeds");
            })
        });
    }
    group.finish();
}

fn bench_optimizers(c: &mut Criterion) {
    bench_steps::<f64>(c, "step/2-d f64", 2);
    bench_steps::<f32>(c, "step/mlp 4610 f32", MLP_PARAMS);
}

criterion_group!(benches, bench_optimizers);
criterion_main!(benches);
