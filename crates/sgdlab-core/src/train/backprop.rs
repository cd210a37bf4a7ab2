//! The forward and backward passes of the MLP, written out by hand over
//! buffers allocated once, so a training step allocates nothing and builds
//! no graph.
//!
//! ```text
//! forward   a⁰ = X                                        (B×n₀, the minibatch)
//!           zˡ = aˡ⁻¹·Wˡ + 1·bˡᵀ,  aˡ = σ(zˡ)              l = 1 … L−1
//!           z^L = a^(L−1)·W^L + 1·b^Lᵀ                     (the logits, B×C)
//! loss      L = (1/B)·Σᵢ (lseᵢ − z^L[i,yᵢ]),  lseᵢ = log Σ_c e^(z^L[i,c])
//! backward  δ^L = (softmax(z^L) − onehot(y)) / B           (∂L/∂z^L)
//!           ∂L/∂Wˡ = aˡ⁻¹ᵀ·δˡ,   ∂L/∂bˡ = Σᵢ δˡ[i,:]
//!           δˡ⁻¹ = (δˡ·Wˡᵀ) ⊙ σ'(aˡ⁻¹)                      l = L … 2
//! σ'        relu: [a > 0]   tanh: 1 − a²   sigmoid: a·(1 − a)
//! ```
//!
//! Every σ' is written in terms of the activation a = σ(z), so only the
//! activations are kept; the pre-activations are overwritten in place.
//!
//! Speed comes from the loop order, not from tricks: each product runs as a
//! sum of scaled rows (`y[j] += a·x[j]` over contiguous j), which the
//! compiler turns into SIMD without changing the order of any sum, and the
//! one true dot product (δ·Wᵀ) keeps eight fixed partial sums. Every loop
//! runs in a fixed order, so the results are the same bits natively and in
//! WebAssembly. The tests check these passes against
//! [`crate::autograd::Graph`] on random networks.

use super::mlp::{Activation, MlpSpec};
use crate::Real;

/// Rows of the forward pass processed together by [`affine_forward`]: each
/// weight row loaded from memory serves this many examples.
const ROW_BLOCK: usize = 4;
/// Independent partial sums in [`dot`], enough for the compiler to fill a
/// SIMD register (and the same on every platform).
const DOT_LANES: usize = 8;

/// The buffers of one forward and backward pass for up to `capacity`
/// examples.
#[derive(Clone, Debug)]
pub struct Workspace {
    widths: Vec<usize>,
    activation: Activation,
    capacity: usize,
    /// Examples in the current batch.
    rows: usize,
    /// aˡ for l = 0 … L, each `capacity × n_l` row-major: a⁰ holds the
    /// inputs, a^L the logits.
    values: Vec<Vec<f32>>,
    /// δˡ = ∂L/∂zˡ for l = 1 … L (at index l − 1).
    deltas: Vec<Vec<f32>>,
}

impl Workspace {
    /// Buffers for networks of shape `spec` and batches of up to `capacity`
    /// examples.
    pub fn new(spec: &MlpSpec, capacity: usize) -> Self {
        let widths = spec.widths();
        Self {
            values: widths.iter().map(|&n| vec![0.0; capacity * n]).collect(),
            deltas: widths[1..]
                .iter()
                .map(|&n| vec![0.0; capacity * n])
                .collect(),
            widths,
            activation: spec.activation,
            capacity,
            rows: 0,
        }
    }

    /// The most examples one pass can take.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Examples in the current batch.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Loads the examples `indices` of `features` (row-major, n₀ columns)
    /// as the batch.
    pub fn gather_inputs(&mut self, features: &[f32], indices: &[usize]) {
        let n0 = self.widths[0];
        assert!(
            indices.len() <= self.capacity,
            "a batch of {} exceeds the workspace's {}",
            indices.len(),
            self.capacity
        );
        self.rows = indices.len();
        for (row, &i) in self.values[0].chunks_exact_mut(n0).zip(indices) {
            row.copy_from_slice(&features[i * n0..(i + 1) * n0]);
        }
    }

    /// Loads consecutive examples (row-major, n₀ columns) as the batch.
    pub fn set_inputs(&mut self, features: &[f32]) {
        let n0 = self.widths[0];
        let rows = features.len() / n0;
        assert!(
            rows <= self.capacity && rows * n0 == features.len(),
            "{} values are not at most {} rows of {n0}",
            features.len(),
            self.capacity
        );
        self.rows = rows;
        self.values[0][..features.len()].copy_from_slice(features);
    }

    /// Runs the forward pass of the loaded batch with `params` (laid out as
    /// in [`MlpSpec::layers`]), leaving the logits in [`logits`](Self::logits).
    pub fn forward(&mut self, params: &[f32]) {
        let rows = self.rows;
        let depth = self.widths.len() - 1;
        let mut offset = 0;
        for l in 1..=depth {
            let (fan_in, fan_out) = (self.widths[l - 1], self.widths[l]);
            let weights = &params[offset..offset + fan_in * fan_out];
            offset += fan_in * fan_out;
            let bias = &params[offset..offset + fan_out];
            offset += fan_out;
            let (before, after) = self.values.split_at_mut(l);
            let input = &before[l - 1][..rows * fan_in];
            let output = &mut after[0][..rows * fan_out];
            affine_forward(input, fan_in, weights, bias, output);
            if l < depth {
                activate(output, self.activation);
            }
        }
    }

    /// The logits of the last forward pass, rows × C row-major.
    pub fn logits(&self) -> &[f32] {
        let classes = self.widths[self.widths.len() - 1];
        &self.values[self.widths.len() - 1][..self.rows * classes]
    }

    /// The summed (not averaged) cross-entropy of the last forward pass and
    /// how many rows the largest logit classifies correctly (ties go to the
    /// lower class). The loss is summed in `f64`, where it is finite for any
    /// finite logits.
    pub fn loss_and_correct(&self, labels: &[usize]) -> (f64, usize) {
        let classes = self.widths[self.widths.len() - 1];
        let mut loss = 0.0;
        let mut correct = 0;
        for (row, &label) in self.logits().chunks_exact(classes).zip(labels) {
            let max = row
                .iter()
                .fold(f64::NEG_INFINITY, |m, &z| m.max(f64::from(z)));
            let sum: f64 = row.iter().map(|&z| Real::exp(f64::from(z) - max)).sum();
            loss += max + Real::ln(sum) - f64::from(row[label]);
            correct += usize::from(arg_max(row) == label);
        }
        (loss, correct)
    }

    /// Forward and backward pass: writes ∇L(θ) of the mean cross-entropy over
    /// the loaded batch into `grad` (same layout as `params`) and returns L.
    pub fn loss_and_gradient(&mut self, params: &[f32], labels: &[usize], grad: &mut [f32]) -> f32 {
        assert_eq!(labels.len(), self.rows, "one label per example");
        assert_eq!(params.len(), grad.len(), "one gradient entry per parameter");
        self.forward(params);
        let rows = self.rows;
        let depth = self.widths.len() - 1;
        let classes = self.widths[depth];
        let loss = softmax_cross_entropy_backward(
            &self.values[depth][..rows * classes],
            labels,
            &mut self.deltas[depth - 1][..rows * classes],
        );
        let mut end = params.len();
        for l in (1..=depth).rev() {
            let (fan_in, fan_out) = (self.widths[l - 1], self.widths[l]);
            let bias_start = end - fan_out;
            let weight_start = bias_start - fan_in * fan_out;
            let input = &self.values[l - 1][..rows * fan_in];
            let (lower, upper) = self.deltas.split_at_mut(l - 1);
            let delta = &upper[0][..rows * fan_out];
            let (grad_weights, grad_bias) = grad[weight_start..end].split_at_mut(fan_in * fan_out);
            affine_backward_params(input, delta, fan_in, grad_weights, grad_bias);
            if l > 1 {
                affine_backward_input(
                    delta,
                    &params[weight_start..bias_start],
                    fan_in,
                    input,
                    self.activation,
                    &mut lower[l - 2][..rows * fan_in],
                );
            }
            end = weight_start;
        }
        loss
    }
}

/// Z = A·W + 1·bᵀ for A: rows×n_in, W: n_in×n_out (row-major), b: n_out.
///
/// Z[i,:] = b + Σₚ A[i,p]·W[p,:], p ascending: a sum of scaled weight rows.
/// Blocks of [`ROW_BLOCK`] rows share each load of W[p,:].
fn affine_forward(input: &[f32], fan_in: usize, weights: &[f32], bias: &[f32], output: &mut [f32]) {
    let fan_out = bias.len();
    let mut input_blocks = input.chunks_exact(ROW_BLOCK * fan_in);
    let mut output_blocks = output.chunks_exact_mut(ROW_BLOCK * fan_out);
    for (a, z) in (&mut input_blocks).zip(&mut output_blocks) {
        let (z0, rest) = z.split_at_mut(fan_out);
        let (z1, rest) = rest.split_at_mut(fan_out);
        let (z2, z3) = rest.split_at_mut(fan_out);
        for row in [&mut *z0, &mut *z1, &mut *z2, &mut *z3] {
            row.copy_from_slice(bias);
        }
        for (p, w) in weights.chunks_exact(fan_out).enumerate() {
            let (a0, a1, a2, a3) = (a[p], a[fan_in + p], a[2 * fan_in + p], a[3 * fan_in + p]);
            for j in 0..fan_out {
                z0[j] += a0 * w[j];
                z1[j] += a1 * w[j];
                z2[j] += a2 * w[j];
                z3[j] += a3 * w[j];
            }
        }
    }
    // The rows left over after the blocks, one at a time.
    for (a, z) in input_blocks
        .remainder()
        .chunks_exact(fan_in)
        .zip(output_blocks.into_remainder().chunks_exact_mut(fan_out))
    {
        z.copy_from_slice(bias);
        for (&a, w) in a.iter().zip(weights.chunks_exact(fan_out)) {
            for (z, &w) in z.iter_mut().zip(w) {
                *z += a * w;
            }
        }
    }
}

/// aˡ = σ(zˡ), in place.
fn activate(values: &mut [f32], activation: Activation) {
    match activation {
        Activation::Relu => {
            for v in values {
                *v = if *v > 0.0 { *v } else { 0.0 };
            }
        }
        Activation::Tanh => {
            for v in values {
                *v = Real::tanh(*v);
            }
        }
        Activation::Sigmoid => {
            for v in values {
                *v = Real::sigmoid(*v);
            }
        }
    }
}

/// log Σ_c e^(z_c), shifted by the maximum so no exponential overflows.
fn log_sum_exp(logits: &[f32]) -> f32 {
    let max = logits.iter().fold(f32::NEG_INFINITY, |m, &z| m.max(z));
    let sum: f32 = logits.iter().map(|&z| Real::exp(z - max)).sum();
    max + Real::ln(sum)
}

/// The index of the largest logit (the first one on ties).
fn arg_max(logits: &[f32]) -> usize {
    let mut best = 0;
    for (c, &z) in logits.iter().enumerate() {
        if z > logits[best] {
            best = c;
        }
    }
    best
}

/// δ = (softmax(Z) − onehot(y)) / B, written into `delta`; returns the mean
/// cross-entropy L = (1/B)·Σᵢ (lseᵢ − Z[i,yᵢ]).
///
/// softmax(Zᵢ)_c = e^(Z[i,c] − lseᵢ), with lseᵢ = log Σ_c e^(Z[i,c]).
fn softmax_cross_entropy_backward(logits: &[f32], labels: &[usize], delta: &mut [f32]) -> f32 {
    let rows = labels.len();
    let classes = logits.len() / rows;
    let inverse_rows = 1.0 / rows as f32;
    let mut total = 0.0_f32;
    for ((z, d), &label) in logits
        .chunks_exact(classes)
        .zip(delta.chunks_exact_mut(classes))
        .zip(labels)
    {
        let lse = log_sum_exp(z);
        total += lse - z[label];
        for (d, &z) in d.iter_mut().zip(z) {
            *d = Real::exp(z - lse) * inverse_rows;
        }
        d[label] -= inverse_rows;
    }
    total * inverse_rows
}

/// ∂L/∂W = Aᵀ·δ and ∂L/∂b = Σᵢ δ[i,:], overwriting `grad_weights`
/// (n_in×n_out) and `grad_bias` (n_out).
///
/// Row p of ∂L/∂W is Σᵢ A[i,p]·δ[i,:], i ascending: scaled rows of δ.
fn affine_backward_params(
    input: &[f32],
    delta: &[f32],
    fan_in: usize,
    grad_weights: &mut [f32],
    grad_bias: &mut [f32],
) {
    let fan_out = grad_bias.len();
    grad_weights.fill(0.0);
    grad_bias.fill(0.0);
    for (a, d) in input.chunks_exact(fan_in).zip(delta.chunks_exact(fan_out)) {
        for (&a, g) in a.iter().zip(grad_weights.chunks_exact_mut(fan_out)) {
            for (g, &d) in g.iter_mut().zip(d) {
                *g += a * d;
            }
        }
        for (g, &d) in grad_bias.iter_mut().zip(d) {
            *g += d;
        }
    }
}

/// δˡ⁻¹ = (δˡ·Wˡᵀ) ⊙ σ'(aˡ⁻¹), written into `lower_delta` (rows×n_in).
///
/// (δˡ·Wˡᵀ)[i,p] = Σⱼ δˡ[i,j]·W[p,j]: a dot product of two contiguous rows.
fn affine_backward_input(
    delta: &[f32],
    weights: &[f32],
    fan_in: usize,
    activations: &[f32],
    activation: Activation,
    lower_delta: &mut [f32],
) {
    let fan_out = weights.len() / fan_in;
    for ((d, a), lower) in delta
        .chunks_exact(fan_out)
        .zip(activations.chunks_exact(fan_in))
        .zip(lower_delta.chunks_exact_mut(fan_in))
    {
        for ((lower, &a), w) in lower.iter_mut().zip(a).zip(weights.chunks_exact(fan_out)) {
            let slope = match activation {
                Activation::Relu => {
                    if a > 0.0 {
                        1.0
                    } else {
                        0.0
                    }
                }
                Activation::Tanh => 1.0 - a * a,
                Activation::Sigmoid => a * (1.0 - a),
            };
            *lower = dot(d, w) * slope;
        }
    }
}

/// Σⱼ x[j]·y[j] with [`DOT_LANES`] partial sums (lane k adds the terms
/// j ≡ k mod 8), added pairwise at the end: a fixed order on every platform.
fn dot(x: &[f32], y: &[f32]) -> f32 {
    let mut lanes = [0.0_f32; DOT_LANES];
    let (x_chunks, y_chunks) = (x.chunks_exact(DOT_LANES), y.chunks_exact(DOT_LANES));
    let tail: f32 = x_chunks
        .remainder()
        .iter()
        .zip(y_chunks.remainder())
        .map(|(a, b)| a * b)
        .sum();
    for (xs, ys) in x_chunks.zip(y_chunks) {
        for k in 0..DOT_LANES {
            lanes[k] += xs[k] * ys[k];
        }
    }
    let quads = [
        lanes[0] + lanes[4],
        lanes[1] + lanes[5],
        lanes[2] + lanes[6],
        lanes[3] + lanes[7],
    ];
    (quads[0] + quads[2]) + (quads[1] + quads[3]) + tail
}
