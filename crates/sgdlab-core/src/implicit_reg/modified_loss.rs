//! The modified loss of SGD with random reshuffling, computed exactly over
//! the dataset, with its gradient.
//!
//! ```text
//! gᵢ = ∇ℓᵢ(w),  Hᵢ = ∇²ℓᵢ(w),  g = ∇L = (1/n)·Σᵢ gᵢ,  H = ∇²L = (1/n)·Σᵢ Hᵢ
//! σ²(w)  = (1/n)·Σᵢ ‖gᵢ − g‖²                          per-example spread
//! c(B)   = (n − B) / (B·(n − 1))                       without replacement
//! N(w)   = E‖∇L_B − ∇L‖² = c(B)·σ²(w)                  the minibatch noise
//! L̃(w)   = L + (η/4)·N + (η/4)·‖g‖²                    the modified loss
//! ∇σ²    = (2/n)·Σᵢ (Hᵢ − H)(gᵢ − g) = 2·[(1/n)·Σᵢ Hᵢgᵢ − H·g]
//! ∇L̃     = g + (η/2)·H·g + (η/4)·c(B)·∇σ²
//! ```
//!
//! **Which minibatches.** N(w) is the expectation over a batch B of B
//! distinct examples, every subset of that size equally likely. That is the
//! law of each single batch of an epoch under random reshuffling when B
//! divides n: the epoch's permutation is uniform, so its k-th block of B is a
//! uniform B-subset. It is also the average over an epoch of the per-batch
//! terms, (1/m)·Σₖ ‖∇L̂ₖ − ∇L‖² with m = n/B, in expectation over the
//! shuffle — the quantity in Smith et al.'s derivation.
//!
//! **Derivation of c(B).** Write eᵢ = gᵢ − g, so Σᵢ eᵢ = 0 and
//! ∇L_B − ∇L = (1/B)·Σ_{i∈B} eᵢ. For a uniform B-subset,
//! P(i ∈ B) = B/n and P(i, j ∈ B) = B(B−1)/(n(n−1)) for i ≠ j, so
//!
//! ```text
//! E‖Σ_{i∈B} eᵢ‖² = (B/n)·Σᵢ ‖eᵢ‖² + (B(B−1)/(n(n−1)))·Σ_{i≠j} eᵢ·eⱼ
//!                = (B/n)·n·σ² − (B(B−1)/(n(n−1)))·n·σ²      (Σ_{i≠j} eᵢ·eⱼ = ‖Σ eᵢ‖² − Σ‖eᵢ‖² = −n·σ²)
//!                = B·σ²·(n − B)/(n − 1)
//! ```
//!
//! and dividing by B² gives c(B)·σ². A batch of the whole dataset has no
//! noise (c(n) = 0): then L̃ is the modified loss of full-batch gradient
//! descent, L + (η/4)·‖∇L‖² (Barrett & Dherin 2021).
//!
//! **Gradient.** ∇(‖g‖²) = 2·H·g, and differentiating σ² term by term gives
//! (2/n)·Σᵢ (Hᵢ − H)(gᵢ − g); expanding, the cross terms (1/n)·Σᵢ Hᵢ·g and
//! (1/n)·Σᵢ H·gᵢ both equal H·g, which leaves 2·[(1/n)·Σᵢ Hᵢgᵢ − H·g]. So one
//! pass over the examples (their gradients and Hessians) gives ∇L̃ exactly.
//!
//! Reference: S. L. Smith, B. Dherin, D. G. T. Barrett and S. De, "On the
//! Origin of Implicit Regularization in Stochastic Gradient Descent", ICLR
//! 2021.

use crate::stochastic::EmpiricalRisk;
use crate::surfaces::ViewBox;
use serde::Serialize;
use std::sync::Arc;

/// What a heatmap shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Quantity {
    /// The empirical risk L.
    Loss,
    /// The modified loss L̃. The default of the view's map.
    #[default]
    Modified,
    /// L̃ − L = (η/4)·(N + ‖∇L‖²), the implicit regulariser.
    Difference,
}

impl Quantity {
    /// Every quantity, in display order.
    pub const ALL: [Quantity; 3] = [Self::Loss, Self::Modified, Self::Difference];

    /// The name the link and the CLI use.
    pub fn name(self) -> &'static str {
        match self {
            Self::Loss => "loss",
            Self::Modified => "modified",
            Self::Difference => "difference",
        }
    }

    /// The quantity called `name`, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|q| q.name() == name)
    }

    /// Its symbol (the map control's options).
    pub fn label(self) -> &'static str {
        match self {
            Self::Loss => "L",
            Self::Modified => "L̃",
            Self::Difference => "L̃ − L",
        }
    }
}

/// The terms of the modified loss at one point.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct LossTerms {
    /// L(w).
    pub loss: f64,
    /// ‖∇L(w)‖².
    pub gradient_norm2: f64,
    /// N(w) = E‖∇L_B(w) − ∇L(w)‖².
    pub minibatch_noise: f64,
    /// L̃(w).
    pub modified: f64,
}

impl LossTerms {
    /// The value a heatmap of `quantity` shows.
    pub fn get(&self, quantity: Quantity) -> f64 {
        match quantity {
            Quantity::Loss => self.loss,
            Quantity::Modified => self.modified,
            Quantity::Difference => self.modified - self.loss,
        }
    }
}

/// L̃ for one model, learning rate and batch size.
#[derive(Clone)]
pub struct ModifiedLoss {
    model: Arc<dyn EmpiricalRisk>,
    lr: f64,
    batch_size: usize,
    /// c(B) = (n − B)/(B·(n − 1)).
    noise_factor: f64,
}

impl ModifiedLoss {
    /// The modified loss of SGD with learning rate `lr` and batches of
    /// `batch_size` distinct examples on `model` (2 ≤ n, 1 ≤ B ≤ n; a
    /// programmer error otherwise: the config checks both).
    pub fn new(model: Arc<dyn EmpiricalRisk>, lr: f64, batch_size: usize) -> Self {
        let n = model.examples();
        assert!(n >= 2, "the minibatch noise needs at least two examples");
        assert!(
            (1..=n).contains(&batch_size),
            "batch size {batch_size} for {n} examples"
        );
        let noise_factor = (n - batch_size) as f64 / (batch_size as f64 * (n - 1) as f64);
        Self {
            model,
            lr,
            batch_size,
            noise_factor,
        }
    }

    /// The model whose loss this modifies.
    pub fn model(&self) -> &dyn EmpiricalRisk {
        self.model.as_ref()
    }

    /// The shared handle of the model.
    pub fn model_arc(&self) -> &Arc<dyn EmpiricalRisk> {
        &self.model
    }

    /// η.
    pub fn lr(&self) -> f64 {
        self.lr
    }

    /// B.
    pub fn batch_size(&self) -> usize {
        self.batch_size
    }

    /// c(B) = (n − B)/(B·(n − 1)), so that N = c(B)·σ².
    pub fn noise_factor(&self) -> f64 {
        self.noise_factor
    }

    /// L, ‖∇L‖², N and L̃ at `w`, in two passes over the examples (the
    /// spread is summed around the full gradient, never as a difference of
    /// two large sums).
    pub fn terms(&self, w: [f64; 2]) -> LossTerms {
        let model = self.model.as_ref();
        let n = model.examples();
        let mut loss = 0.0;
        let mut g = [0.0; 2];
        for i in 0..n {
            loss += model.example_loss(w, i);
            let gi = model.example_gradient(w, i);
            g[0] += gi[0];
            g[1] += gi[1];
        }
        let count = n as f64;
        loss /= count;
        let g = [g[0] / count, g[1] / count];
        let mut spread = 0.0;
        for i in 0..n {
            let gi = model.example_gradient(w, i);
            let (d0, d1) = (gi[0] - g[0], gi[1] - g[1]);
            spread += d0 * d0 + d1 * d1;
        }
        let minibatch_noise = self.noise_factor * spread / count;
        let gradient_norm2 = g[0] * g[0] + g[1] * g[1];
        LossTerms {
            loss,
            gradient_norm2,
            minibatch_noise,
            modified: loss + 0.25 * self.lr * (minibatch_noise + gradient_norm2),
        }
    }

    /// L̃(w).
    pub fn value(&self, w: [f64; 2]) -> f64 {
        self.terms(w).modified
    }

    /// ∇L(w), the plain gradient flow's velocity (negated).
    pub fn plain_gradient(&self, w: [f64; 2]) -> [f64; 2] {
        self.model.gradient(w)
    }

    /// ∇L̃(w), in one pass over the examples' gradients and Hessians.
    pub fn gradient(&self, w: [f64; 2]) -> [f64; 2] {
        let model = self.model.as_ref();
        let n = model.examples();
        let mut g = [0.0; 2];
        let mut h = [[0.0; 2]; 2];
        // (1/n)·Σᵢ Hᵢ·gᵢ
        let mut hg = [0.0; 2];
        for i in 0..n {
            let gi = model.example_gradient(w, i);
            let hi = model.example_hessian(w, i);
            for a in 0..2 {
                g[a] += gi[a];
                hg[a] += hi[a][0] * gi[0] + hi[a][1] * gi[1];
                for b in 0..2 {
                    h[a][b] += hi[a][b];
                }
            }
        }
        let count = n as f64;
        let g = g.map(|v| v / count);
        let h = h.map(|row| row.map(|v| v / count));
        let hg = hg.map(|v| v / count);
        let h_g = [
            h[0][0] * g[0] + h[0][1] * g[1],
            h[1][0] * g[0] + h[1][1] * g[1],
        ];
        let half_lr = 0.5 * self.lr;
        // (η/4)·c·∇σ² = (η/2)·c·(hg − H·g)
        [0, 1].map(|a| g[a] + half_lr * h_g[a] + half_lr * self.noise_factor * (hg[a] - h_g[a]))
    }

    /// `quantity` on a `width × height` grid of pixel centres over `view`,
    /// row 0 at the top (largest θ₂), as the canvas draws it (the layout of
    /// [`sample_grid`](crate::playground::heatmap::sample_grid)).
    pub fn grid(
        &self,
        quantity: Quantity,
        view: &ViewBox,
        width: usize,
        height: usize,
    ) -> Vec<f64> {
        let mut values = Vec::with_capacity(width * height);
        for row in 0..height {
            let y = view.y_max - (row as f64 + 0.5) / height as f64 * (view.y_max - view.y_min);
            for col in 0..width {
                let x = view.x_min + (col as f64 + 0.5) / width as f64 * (view.x_max - view.x_min);
                values.push(self.terms([x, y]).get(quantity));
            }
        }
        values
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::regression::{CurveConfig, LogisticConfig};
    use crate::stochastic::{LinearRegression, LogisticRegression2};

    fn models() -> Vec<Arc<dyn EmpiricalRisk>> {
        vec![
            Arc::new(
                LinearRegression::from_config(&CurveConfig {
                    samples: 12,
                    noise: 0.5,
                    seed: 4,
                    ..CurveConfig::line(2.0, -1.0)
                })
                .unwrap(),
            ),
            Arc::new(
                LogisticRegression2::from_config(&LogisticConfig {
                    samples: 15,
                    seed: 2,
                    ..LogisticConfig::default()
                })
                .unwrap(),
            ),
        ]
    }

    #[test]
    fn gradient_matches_central_differences() {
        let h = 1e-5;
        for model in models() {
            for batch_size in [1, 3, model.examples()] {
                let loss = ModifiedLoss::new(model.clone(), 0.3, batch_size);
                for w in [[0.5, -0.3], [-1.0, 2.0], [2.5, 1.5]] {
                    let analytic = loss.gradient(w);
                    for k in 0..2 {
                        let mut up = w;
                        let mut down = w;
                        up[k] += h;
                        down[k] -= h;
                        let numeric = (loss.value(up) - loss.value(down)) / (2.0 * h);
                        assert!(
                            (numeric - analytic[k]).abs() < 1e-7 * (1.0 + analytic[k].abs()),
                            "{} B={batch_size} at {w:?}, ∂/∂θ{k}: {} vs {numeric}",
                            model.name(),
                            analytic[k]
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn full_batch_leaves_only_the_gradient_descent_term() {
        for model in models() {
            let n = model.examples();
            let loss = ModifiedLoss::new(model.clone(), 0.2, n);
            assert_eq!(loss.noise_factor(), 0.0);
            let w = [0.7, 0.1];
            let terms = loss.terms(w);
            assert_eq!(terms.minibatch_noise, 0.0);
            let g = model.gradient(w);
            let expected = model.loss(w) + 0.05 * (g[0] * g[0] + g[1] * g[1]);
            assert!((terms.modified - expected).abs() < 1e-14 * (1.0 + expected));
        }
    }

    #[test]
    fn grid_rows_run_from_the_top() {
        let loss = ModifiedLoss::new(models().remove(0), 0.1, 2);
        let view = ViewBox {
            x_min: -1.0,
            x_max: 1.0,
            y_min: 0.0,
            y_max: 4.0,
        };
        let grid = loss.grid(Quantity::Difference, &view, 2, 2);
        assert_eq!(grid.len(), 4);
        let top_left = loss.terms([-0.5, 3.0]);
        assert_eq!(grid[0], top_left.modified - top_left.loss);
        assert_eq!(
            loss.grid(Quantity::Loss, &view, 2, 2)[3],
            loss.terms([0.5, 1.0]).loss
        );
    }
}
