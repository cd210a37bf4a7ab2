//! Cost of a custom formula's value, gradient (reverse mode) and Hessian
//! (Jet2), per point. The budget: one gradient at most 4× one value.
//!
//! Run with `cargo bench -p sgdlab-core --bench expr -- --warm-up-time 1 --measurement-time 2`.

use criterion::{Criterion, criterion_group, criterion_main};
use sgdlab_core::expr::Expression;
use std::hint::black_box;

const FORMULAS: [(&str, &str); 4] = [
    ("rosenbrock", "(1 - x)^2 + 100*(y - x^2)^2"),
    (
        "rastrigin",
        "20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)",
    ),
    (
        "ackley",
        "-20*exp(-0.2*sqrt(0.5*(x^2 + y^2))) - exp(0.5*(cos(2*pi*x) + cos(2*pi*y))) + e + 20",
    ),
    (
        "softplus_log_sqrt",
        "log(1 + exp(x - y)) + sqrt(x^2 + y^2 + 1) + exp(-(x^2 + y^2)/2)",
    ),
];

/// A small grid of points, so branches and inputs vary between calls.
fn points() -> Vec<(f64, f64)> {
    (0..64)
        .map(|k| {
            let (i, j) = (f64::from(k % 8), f64::from(k / 8));
            (-2.0 + 0.55 * i, -1.5 + 0.45 * j)
        })
        .collect()
}

fn bench_formulas(c: &mut Criterion) {
    let points = points();
    for (name, source) in FORMULAS {
        let f = Expression::parse(source).expect("benchmark formulas parse");
        let mut group = c.benchmark_group(format!("expr/{name}"));
        group.throughput(criterion::Throughput::Elements(points.len() as u64));
        group.bench_function("value", |b| {
            b.iter(|| {
                for &(x, y) in &points {
                    black_box(f.value(black_box(x), black_box(y)));
                }
            })
        });
        group.bench_function("gradient", |b| {
            b.iter(|| {
                for &(x, y) in &points {
                    black_box(f.gradient(black_box(x), black_box(y)));
                }
            })
        });
        group.bench_function("hessian", |b| {
            b.iter(|| {
                for &(x, y) in &points {
                    black_box(f.jet(black_box(x), black_box(y)));
                }
            })
        });
        group.finish();
    }
}

fn bench_parse(c: &mut Criterion) {
    let (_, source) = FORMULAS[2];
    c.bench_function("expr/parse_and_compile_ackley", |b| {
        b.iter(|| Expression::parse(black_box(source)))
    });
}

criterion_group!(benches, bench_formulas, bench_parse);
criterion_main!(benches);
