//! One training step's worth of autograd work: forward and backward of an
//! MLP (relu hidden layers, softmax cross-entropy) on one f32 minibatch.
//!
//! Run with `cargo bench -p sgdlab-core --bench autograd`.

use criterion::{Criterion, criterion_group, criterion_main};
use sgdlab_core::SeededRng;
use sgdlab_core::autograd::{Gradients, Graph, Tensor, Var};
use std::hint::black_box;

/// Weights and biases of an MLP with the given layer widths, He-initialised.
fn mlp_params(widths: &[usize], rng: &mut SeededRng) -> Vec<Tensor<f32>> {
    widths
        .windows(2)
        .flat_map(|pair| {
            let (fan_in, fan_out) = (pair[0], pair[1]);
            let spread = (2.0 / fan_in as f64).sqrt();
            let weights = Tensor::from_fn(fan_in, fan_out, |_, _| (spread * rng.normal()) as f32);
            [weights, Tensor::zeros(1, fan_out)]
        })
        .collect()
}

/// Records the loss on a cleared graph and runs the backward pass.
fn forward_backward(
    graph: &mut Graph<f32>,
    gradients: &mut Gradients<f32>,
    params: &[Tensor<f32>],
    x: &Tensor<f32>,
    labels: &[usize],
) -> f32 {
    graph.clear();
    let vars: Vec<Var> = params.iter().map(|p| graph.param(p.clone())).collect();
    let mut activation = graph.input(x.clone());
    let layers = vars.len() / 2;
    for (layer, pair) in vars.chunks_exact(2).enumerate() {
        let product = graph.matmul(activation, pair[0]);
        activation = graph.add_row(product, pair[1]);
        if layer + 1 < layers {
            activation = graph.relu(activation);
        }
    }
    let loss = graph.softmax_cross_entropy(activation, labels);
    graph.backward_into(loss, gradients);
    graph.value(loss).item()
}

fn bench_mlp(c: &mut Criterion, hidden: usize, batch: usize) {
    let mut rng = SeededRng::new(0);
    let params = mlp_params(&[2, hidden, hidden, 2], &mut rng);
    let x = Tensor::from_fn(batch, 2, |_, _| rng.normal() as f32);
    let labels: Vec<usize> = (0..batch).map(|_| rng.below(2)).collect();
    let mut graph = Graph::new();
    let mut gradients = Gradients::new();
    let name = format!("mlp 2-{hidden}-{hidden}-2 batch {batch} forward+backward f32");
    c.bench_function(&name, |b| {
        b.iter(|| {
            black_box(forward_backward(
                &mut graph,
                &mut gradients,
                black_box(&params),
                black_box(&x),
                &labels,
            ))
        })
    });
}

fn mlp_steps(c: &mut Criterion) {
    bench_mlp(c, 64, 32);
    bench_mlp(c, 256, 256);
}

criterion_group!(benches, mlp_steps);
criterion_main!(benches);
