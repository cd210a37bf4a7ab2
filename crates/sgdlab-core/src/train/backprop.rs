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
//! All three products (A·W, Aᵀ·δ and δ·Wᵀ) go through one kernel,
//! `multiply_accumulate`, which computes every output as
//! `C[i,j] + Σₖ A[i,k]·B[k,j]` with k ascending. It works in tiles of
//! 4 rows × 8 columns whose 32 partial sums stay in registers while k runs,
//! so each loaded row of B serves four rows of A; the compiler turns the
//! 8-wide inner loop into SIMD (SSE on x86-64, simd128 in WebAssembly)
//! without changing the order of any sum. Each output is the same sum in the
//! same order whether it falls in a tile or on the edge, so the results are
//! the same bits natively and in WebAssembly, for any batch size. The tests
//! check these passes against [`crate::autograd::Graph`] on random networks.

use super::mlp::{Activation, MlpSpec};
use crate::Real;

/// Rows of C per tile of [`multiply_accumulate`].
const TILE_ROWS: usize = 4;
/// Columns of C per tile: two 4-lane SIMD registers per row.
const TILE_COLS: usize = 8;

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
    scratch: Scratch,
}

/// Working memory of the products, reused by every layer.
#[derive(Clone, Debug)]
struct Scratch {
    /// Room for any Wˡᵀ, which δ·Wᵀ reads row by row.
    transposed_weights: Vec<f32>,
    /// Four rows of a product's left factor, repacked (see [`multiply_accumulate`]).
    panel: Vec<f32>,
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
            scratch: Scratch {
                transposed_weights: vec![0.0; spec.parameter_count()],
                panel: vec![0.0; TILE_ROWS * capacity.max(spec.max_width())],
            },
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
            affine_forward(
                input,
                fan_in,
                weights,
                bias,
                output,
                &mut self.scratch.panel,
            );
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
            affine_backward_params(
                input,
                delta,
                fan_in,
                grad_weights,
                grad_bias,
                &mut self.scratch.panel,
            );
            if l > 1 {
                affine_backward_input(
                    delta,
                    &params[weight_start..bias_start],
                    fan_in,
                    input,
                    self.activation,
                    &mut lower[l - 2][..rows * fan_in],
                    &mut self.scratch,
                );
            }
            end = weight_start;
        }
        loss
    }
}

/// Z = A·W + 1·bᵀ for A: rows×n_in, W: n_in×n_out (row-major), b: n_out.
fn affine_forward(
    input: &[f32],
    fan_in: usize,
    weights: &[f32],
    bias: &[f32],
    output: &mut [f32],
    panel: &mut [f32],
) {
    for row in output.chunks_exact_mut(bias.len()) {
        row.copy_from_slice(bias);
    }
    let a = Strided {
        values: input,
        row_stride: fan_in,
        col_stride: 1,
    };
    multiply_accumulate(output, a, weights, fan_in, panel);
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
fn affine_backward_params(
    input: &[f32],
    delta: &[f32],
    fan_in: usize,
    grad_weights: &mut [f32],
    grad_bias: &mut [f32],
    panel: &mut [f32],
) {
    grad_weights.fill(0.0);
    grad_bias.fill(0.0);
    let rows = input.len() / fan_in;
    // Aᵀ[p, i] = A[i, p]: step down a column of A to move along a row of Aᵀ.
    let input_transposed = Strided {
        values: input,
        row_stride: 1,
        col_stride: fan_in,
    };
    multiply_accumulate(grad_weights, input_transposed, delta, rows, panel);
    for d in delta.chunks_exact(grad_bias.len()) {
        for (g, &d) in grad_bias.iter_mut().zip(d) {
            *g += d;
        }
    }
}

/// δˡ⁻¹ = (δˡ·Wˡᵀ) ⊙ σ'(aˡ⁻¹), written into `lower_delta` (rows×n_in).
/// Wᵀ (n_out×n_in) is first written out, so that the product reads its
/// rows as the kernel wants.
fn affine_backward_input(
    delta: &[f32],
    weights: &[f32],
    fan_in: usize,
    activations: &[f32],
    activation: Activation,
    lower_delta: &mut [f32],
    scratch: &mut Scratch,
) {
    let fan_out = weights.len() / fan_in;
    let transposed = &mut scratch.transposed_weights[..weights.len()];
    for (j, row) in transposed.chunks_exact_mut(fan_in).enumerate() {
        for (t, w) in row.iter_mut().zip(weights.chunks_exact(fan_out)) {
            *t = w[j];
        }
    }
    lower_delta.fill(0.0);
    let d = Strided {
        values: delta,
        row_stride: fan_out,
        col_stride: 1,
    };
    multiply_accumulate(lower_delta, d, transposed, fan_out, &mut scratch.panel);
    match activation {
        Activation::Relu => {
            for (g, &a) in lower_delta.iter_mut().zip(activations) {
                *g = if a > 0.0 { *g } else { 0.0 };
            }
        }
        Activation::Tanh => {
            for (g, &a) in lower_delta.iter_mut().zip(activations) {
                *g *= 1.0 - a * a;
            }
        }
        Activation::Sigmoid => {
            for (g, &a) in lower_delta.iter_mut().zip(activations) {
                *g *= a * (1.0 - a);
            }
        }
    }
}

/// A matrix read through strides: element (i, k) is
/// `values[i·row_stride + k·col_stride]`, so a transpose costs nothing.
#[derive(Clone, Copy)]
struct Strided<'a> {
    values: &'a [f32],
    row_stride: usize,
    col_stride: usize,
}

impl Strided<'_> {
    fn at(&self, i: usize, k: usize) -> f32 {
        self.values[i * self.row_stride + k * self.col_stride]
    }
}

/// C ← C + A·B, for C: m×n and B: depth×n row-major, A: m×depth.
///
/// Every C[i,j] becomes C[i,j] + A[i,0]·B[0,j] + A[i,1]·B[1,j] + …, added
/// left to right. Four rows of A at a time are first copied into `panel`
/// (column k of the four rows at `panel[4k..4k + 4]`, so the inner loop
/// reads memory in order), then every 4×8 tile of C keeps its 32 partial
/// sums in registers while k runs. The columns and rows left over take the
/// same sums, four rows or one row at a time.
fn multiply_accumulate(c: &mut [f32], a: Strided<'_>, b: &[f32], depth: usize, panel: &mut [f32]) {
    let n = b.len().checked_div(depth).unwrap_or(0);
    if n == 0 {
        return;
    }
    let m = c.len() / n;
    let (full_rows, full_cols) = (m - m % TILE_ROWS, n - n % TILE_COLS);
    let panel = &mut panel[..TILE_ROWS * depth];
    for i0 in (0..full_rows).step_by(TILE_ROWS) {
        for (k, column) in panel.chunks_exact_mut(TILE_ROWS).enumerate() {
            for (r, value) in column.iter_mut().enumerate() {
                *value = a.at(i0 + r, k);
            }
        }
        let c_rows = &mut c[i0 * n..(i0 + TILE_ROWS) * n];
        for j0 in (0..full_cols).step_by(TILE_COLS) {
            let mut tile = [[0.0_f32; TILE_COLS]; TILE_ROWS];
            for (sums, c_row) in tile.iter_mut().zip(c_rows.chunks_exact(n)) {
                sums.copy_from_slice(&c_row[j0..j0 + TILE_COLS]);
            }
            for (a_column, b_row) in panel.chunks_exact(TILE_ROWS).zip(b.chunks_exact(n)) {
                let b_values: &[f32; TILE_COLS] = b_row[j0..j0 + TILE_COLS]
                    .try_into()
                    .expect("a tile is TILE_COLS wide");
                for (sums, &a_value) in tile.iter_mut().zip(a_column) {
                    for (sum, &b_value) in sums.iter_mut().zip(b_values) {
                        *sum += a_value * b_value;
                    }
                }
            }
            for (sums, c_row) in tile.iter().zip(c_rows.chunks_exact_mut(n)) {
                c_row[j0..j0 + TILE_COLS].copy_from_slice(sums);
            }
        }
        // The columns right of the last tile: four rows at once, so that
        // four independent sums run side by side.
        for j in full_cols..n {
            let mut sums = [0.0_f32; TILE_ROWS];
            for (sum, c_row) in sums.iter_mut().zip(c_rows.chunks_exact(n)) {
                *sum = c_row[j];
            }
            for (a_column, b_row) in panel.chunks_exact(TILE_ROWS).zip(b.chunks_exact(n)) {
                for (sum, &a_value) in sums.iter_mut().zip(a_column) {
                    *sum += a_value * b_row[j];
                }
            }
            for (&sum, c_row) in sums.iter().zip(c_rows.chunks_exact_mut(n)) {
                c_row[j] = sum;
            }
        }
    }
    // The rows below the last full block: each row of C gains the scaled
    // rows of B in turn, which adds every element's terms in the same order.
    for i in full_rows..m {
        let c_row = &mut c[i * n..(i + 1) * n];
        for (k, b_row) in b.chunks_exact(n).enumerate() {
            let a_value = a.at(i, k);
            for (sum, &b_value) in c_row.iter_mut().zip(b_row) {
                *sum += a_value * b_value;
            }
        }
    }
}
