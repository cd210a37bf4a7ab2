//! Wilson et al.'s least-squares data: labels drawn with P(y = +1) = p,
//! three shared features and a private block per example.
//!
//! ```text
//! column    0     1    2    3 …
//! example i yᵢ    1    1    its private block: 1 column if yᵢ = +1, 5 columns if yᵢ = −1, all ones
//! ```
//!
//! The private blocks follow one another in example order: example i's
//! block starts at column 3 + Σ_{j<i} kⱼ (kⱼ = 1 or 5), so the training
//! matrix X is n × (3 + n₊ + 5n₋) and every column but the first three has
//! exactly one nonzero. (The paper reserves five columns for every example
//! and leaves four of a positive example's empty; an empty column has zero
//! gradient and stays at 0 under every optimizer here, so leaving it out
//! changes nothing.)
//!
//! A test point is drawn the same way and has its own fresh private block:
//! columns no training example touches, whose weights are therefore 0. Its
//! score is x·w = w₀y + w₁ + w₂, so only the three shared weights and the
//! label matter and the test set is kept as labels only.
//!
//! Labels: example i of the training set is +1 when the i-th number of
//! `SeededRng::derive(seed, "generalisation/train")` is below p, else −1;
//! the test set uses the stream `"generalisation/test"`.

use super::config::GeneralisationConfig;
use crate::SeededRng;
use std::ops::Range;

/// The generated training and test labels and the feature layout.
#[derive(Clone, Debug, PartialEq)]
pub struct WilsonData {
    train_labels: Vec<f64>,
    test_labels: Vec<f64>,
    /// Where each training example's private block lies.
    private_blocks: Vec<Range<usize>>,
    columns: usize,
    /// How many test labels are −1.
    test_negatives: usize,
}

fn draw_labels(seed: u64, stream: &str, count: usize, p: f64) -> Vec<f64> {
    let mut rng = SeededRng::derive(seed, stream);
    (0..count)
        .map(|_| if rng.uniform() < p { 1.0 } else { -1.0 })
        .collect()
}

/// The private block size of an example with label `y`.
fn private_width(y: f64) -> usize {
    if y > 0.0 { 1 } else { 5 }
}

impl WilsonData {
    /// The data a (validated) config describes.
    pub fn generate(config: &GeneralisationConfig) -> Self {
        let train_labels = draw_labels(
            config.seed,
            "generalisation/train",
            config.samples,
            config.p,
        );
        let test_labels = draw_labels(
            config.seed,
            "generalisation/test",
            config.test_samples,
            config.p,
        );
        Self::from_labels(train_labels, test_labels)
    }

    /// The data for given labels (each ±1): the layout above.
    pub fn from_labels(train_labels: Vec<f64>, test_labels: Vec<f64>) -> Self {
        let mut columns = 3;
        let private_blocks = train_labels
            .iter()
            .map(|&y| {
                let block = columns..columns + private_width(y);
                columns = block.end;
                block
            })
            .collect();
        let test_negatives = test_labels.iter().filter(|&&y| y < 0.0).count();
        Self {
            train_labels,
            test_labels,
            private_blocks,
            columns,
            test_negatives,
        }
    }

    /// The training labels y, each ±1.
    pub fn train_labels(&self) -> &[f64] {
        &self.train_labels
    }

    /// The test labels, each ±1.
    pub fn test_labels(&self) -> &[f64] {
        &self.test_labels
    }

    /// The columns of X, 3 + n₊ + 5n₋.
    pub fn columns(&self) -> usize {
        self.columns
    }

    /// The columns of training example `i`'s private block.
    pub fn private_block(&self, i: usize) -> Range<usize> {
        self.private_blocks[i].clone()
    }

    /// The training matrix X, n × [`columns`](Self::columns), row-major.
    pub fn dense_features(&self) -> Vec<f64> {
        let d = self.columns;
        let mut x = vec![0.0; self.train_labels.len() * d];
        for (i, (&y, block)) in self
            .train_labels
            .iter()
            .zip(&self.private_blocks)
            .enumerate()
        {
            let row = &mut x[i * d..(i + 1) * d];
            row[..3].copy_from_slice(&[y, 1.0, 1.0]);
            row[block.clone()].fill(1.0);
        }
        x
    }

    /// The residuals r = Xw − y, written into `residual` (length n).
    pub fn residuals(&self, w: &[f64], residual: &mut [f64]) {
        for ((r, &y), block) in residual
            .iter_mut()
            .zip(&self.train_labels)
            .zip(&self.private_blocks)
        {
            let shared = w[0] * y + w[1] + w[2];
            let private: f64 = w[block.clone()].iter().sum();
            *r = shared + private - y;
        }
    }

    /// L(w) = (1/2n)·‖r‖² from the residuals r = Xw − y.
    pub fn loss(&self, residual: &[f64]) -> f64 {
        let n = residual.len() as f64;
        residual.iter().map(|r| r * r).sum::<f64>() / (2.0 * n)
    }

    /// ∇L(w) = (1/n)·Xᵀr, written into `grad` (length [`columns`](Self::columns)).
    pub fn gradient(&self, residual: &[f64], grad: &mut [f64]) {
        let n = residual.len() as f64;
        let (mut label_sum, mut plain_sum) = (0.0, 0.0);
        for ((&r, &y), block) in residual
            .iter()
            .zip(&self.train_labels)
            .zip(&self.private_blocks)
        {
            label_sum += y * r;
            plain_sum += r;
            grad[block.clone()].fill(r / n);
        }
        grad[0] = label_sum / n;
        grad[1] = plain_sum / n;
        grad[2] = plain_sum / n;
    }

    /// The share of test points that (w₀, w₁, w₂) misclassifies: a point
    /// scores w₀y + w₁ + w₂ and is wrong unless the score has y's sign (a
    /// score of exactly 0 is wrong too). Two scores cover every point.
    pub fn test_error(&self, shared: [f64; 3]) -> f64 {
        let [w0, w1, w2] = shared;
        let negatives = self.test_negatives as f64;
        let positives = self.test_labels.len() as f64 - negatives;
        let mut wrong = 0.0;
        if w0 + w1 + w2 <= 0.0 {
            wrong += positives;
        }
        if -w0 + w1 + w2 >= 0.0 {
            wrong += negatives;
        }
        wrong / self.test_labels.len() as f64
    }

    /// The share of −1 labels in the test set.
    pub fn test_negative_share(&self) -> f64 {
        self.test_negatives as f64 / self.test_labels.len() as f64
    }

    /// The share of −1 labels in the training set.
    pub fn train_negative_share(&self) -> f64 {
        let negatives = self.train_labels.iter().filter(|&&y| y < 0.0).count();
        negatives as f64 / self.train_labels.len() as f64
    }
}
