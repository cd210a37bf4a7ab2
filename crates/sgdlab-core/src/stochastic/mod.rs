//! Stochastic landscapes: a two-parameter model whose loss surface is built
//! from a seeded dataset, and what minibatch sampling does on it.
//!
//! ```text
//! empirical risk      L(θ)   = (1/n)·Σᵢ ℓᵢ(θ)                 θ = (θ₁, θ₂)
//! minibatch risk      L_B(θ) = (1/|B|)·Σ_{i∈B} ℓᵢ(θ)          B ⊂ {0, …, n−1}
//! minibatch gradient  ĝ      = ∇L_B(θ),   E[ĝ] = ∇L(θ)        (unbiased)
//! its total variance  E‖ĝ − ∇L‖² = (σ²/B)·(n − B)/(n − 1)     (B distinct examples)
//!                     σ² = (1/n)·Σᵢ ‖∇ℓᵢ(θ) − ∇L(θ)‖²
//! ```
//!
//! The standard error of the minibatch gradient therefore shrinks like
//! σ/√B: quadrupling the batch halves the noise but costs four times the
//! work per step.
//!
//! - Models, one per file: [`LinearRegression`] (θ = (w, b)) and
//!   [`LogisticRegression2`] (θ = (w₁, w₂)). Each gives per-example losses,
//!   gradients and Hessians; [`EmpiricalRisk`] turns them into means over
//!   the whole dataset or over a minibatch.
//! - [`LossSurface`]: the full-data or one minibatch's loss as a
//!   [`Surface`](crate::surfaces::Surface), for the heatmap renderer.
//! - [`StochasticRace`]: full-batch GD, minibatch SGD and per-sample SGD
//!   advanced in lockstep from one start.
//! - [`GradientNoise`]: the cloud of minibatch gradients at a point, its
//!   variance against the prediction above, and the angles to ∇L.
//! - [`HessianAtMinimum`]: ∇²L at the full-data minimiser, its eigenvalues
//!   and κ (the conditioning lesson; whitening makes it the identity).
//! - [`StochasticConfig`]: the whole state, validated, and its URL hash.

pub mod conditioning;
pub mod config;
pub mod gradient_noise;
pub mod linear_regression;
pub mod logistic_regression;
pub mod race;
pub mod surface;

pub use conditioning::HessianAtMinimum;
pub use config::{CurveAxis, ModelKind, StochasticConfig};
pub use gradient_noise::{
    BatchDraw, GradientNoise, VariancePoint, doubling_batch_sizes, variance_vs_batch,
};
pub use linear_regression::LinearRegression;
pub use logistic_regression::LogisticRegression2;
pub use race::{LearningRatePlot, PathKind, RacePath, StochasticRace, TOLERANCE};
pub use surface::LossSurface;

/// A loss that is a mean of per-example terms ℓᵢ(θ) over a dataset, with
/// two parameters θ.
///
/// A model supplies the per-example loss, gradient and Hessian in closed
/// form; the minibatch and full-data means are provided. A mean over a batch
/// adds the terms in the batch's order and divides once by its size, as
/// `torch.mean` does. Batches must not be empty (a programmer error).
pub trait EmpiricalRisk: Send + Sync {
    /// The registry name, e.g. `"linear"`.
    fn name(&self) -> &'static str;
    /// The full-data loss as plain text (Unicode maths).
    fn formula(&self) -> &'static str;
    /// What θ₁ and θ₂ are called, e.g. `["w", "b"]`.
    fn parameter_names(&self) -> [&'static str; 2];
    /// The number of examples n.
    fn examples(&self) -> usize;
    /// Class labels, for models that have them (class-balanced sampling).
    fn class_labels(&self) -> Option<&[usize]>;
    /// ℓᵢ(θ).
    fn example_loss(&self, theta: [f64; 2], i: usize) -> f64;
    /// ∇ℓᵢ(θ).
    fn example_gradient(&self, theta: [f64; 2], i: usize) -> [f64; 2];
    /// ∇²ℓᵢ(θ).
    fn example_hessian(&self, theta: [f64; 2], i: usize) -> [[f64; 2]; 2];
    /// The minimiser of L_B over the batch, or `None` when the infimum is
    /// not attained at a single point (a line of minimisers, or a minimum at
    /// infinity).
    fn batch_minimizer(&self, batch: &[usize]) -> Option<[f64; 2]>;

    /// L_B(θ) = (1/|B|)·Σ_{i∈B} ℓᵢ(θ).
    fn batch_loss(&self, theta: [f64; 2], batch: &[usize]) -> f64 {
        let [loss] = mean_of(batch.iter().copied(), |i| [self.example_loss(theta, i)]);
        loss
    }
    /// ∇L_B(θ).
    fn batch_gradient(&self, theta: [f64; 2], batch: &[usize]) -> [f64; 2] {
        mean_of(batch.iter().copied(), |i| self.example_gradient(theta, i))
    }
    /// ∇²L_B(θ).
    fn batch_hessian(&self, theta: [f64; 2], batch: &[usize]) -> [[f64; 2]; 2] {
        unflatten(mean_of(batch.iter().copied(), |i| {
            flatten(self.example_hessian(theta, i))
        }))
    }
    /// L(θ), the mean over all n examples.
    fn loss(&self, theta: [f64; 2]) -> f64 {
        let [loss] = mean_of(0..self.examples(), |i| [self.example_loss(theta, i)]);
        loss
    }
    /// ∇L(θ).
    fn gradient(&self, theta: [f64; 2]) -> [f64; 2] {
        mean_of(0..self.examples(), |i| self.example_gradient(theta, i))
    }
    /// ∇²L(θ).
    fn hessian(&self, theta: [f64; 2]) -> [[f64; 2]; 2] {
        unflatten(mean_of(0..self.examples(), |i| {
            flatten(self.example_hessian(theta, i))
        }))
    }
    /// The minimiser of the full-data loss L, where it is attained.
    fn minimizer(&self) -> Option<[f64; 2]> {
        let all: Vec<usize> = (0..self.examples()).collect();
        self.batch_minimizer(&all)
    }
}

/// The mean of `term(i)` over `indices`: summed in order, divided once.
fn mean_of<const D: usize>(
    indices: impl ExactSizeIterator<Item = usize>,
    term: impl Fn(usize) -> [f64; D],
) -> [f64; D] {
    let count = indices.len();
    assert!(count > 0, "a mean over no examples");
    let mut sum = [0.0; D];
    for i in indices {
        for (s, t) in sum.iter_mut().zip(term(i)) {
            *s += t;
        }
    }
    sum.map(|s| s / count as f64)
}

fn flatten(m: [[f64; 2]; 2]) -> [f64; 4] {
    [m[0][0], m[0][1], m[1][0], m[1][1]]
}

fn unflatten(m: [f64; 4]) -> [[f64; 2]; 2] {
    [[m[0], m[1]], [m[2], m[3]]]
}

/// Solves H·v = r for a symmetric 2×2 H, or `None` when H is singular up to
/// rounding (|det| ≤ 1e-12·‖H‖²) or not finite.
fn solve_2x2(h: [[f64; 2]; 2], r: [f64; 2]) -> Option<[f64; 2]> {
    let det = h[0][0] * h[1][1] - h[0][1] * h[1][0];
    let scale = h.iter().flatten().map(|v| v * v).sum::<f64>();
    if det.abs() <= 1e-12 * scale || !det.is_finite() {
        return None;
    }
    Some([
        (h[1][1] * r[0] - h[0][1] * r[1]) / det,
        (h[0][0] * r[1] - h[1][0] * r[0]) / det,
    ])
}

/// Test helpers shared by the files of this module.
#[cfg(test)]
pub(crate) mod testing {
    use super::EmpiricalRisk;
    use crate::SeededRng;

    /// Central differences of the full-data loss and gradient at `theta`,
    /// compared with the analytic gradient and Hessian.
    pub fn check_derivatives(model: &dyn EmpiricalRisk, theta: [f64; 2], tolerance: f64) {
        let h = 1e-5;
        let shifted = |k: usize, by: f64| {
            let mut t = theta;
            t[k] += by;
            t
        };
        let gradient = model.gradient(theta);
        let hessian = model.hessian(theta);
        for k in 0..2 {
            let numeric = (model.loss(shifted(k, h)) - model.loss(shifted(k, -h))) / (2.0 * h);
            let scale = 1.0 + gradient[k].abs();
            assert!(
                (numeric - gradient[k]).abs() < tolerance * scale,
                "∂L/∂θ{k} at {theta:?}: analytic {} vs numeric {numeric}",
                gradient[k]
            );
            let up = model.gradient(shifted(k, h));
            let down = model.gradient(shifted(k, -h));
            for j in 0..2 {
                let numeric = (up[j] - down[j]) / (2.0 * h);
                let scale = 1.0 + hessian[j][k].abs();
                assert!(
                    (numeric - hessian[j][k]).abs() < tolerance * scale,
                    "∂²L/∂θ{j}∂θ{k} at {theta:?}: analytic {} vs numeric {numeric}",
                    hessian[j][k]
                );
            }
        }
    }

    /// `count` seeded points in the square [−range, range]².
    pub fn random_points(seed: u64, count: usize, range: f64) -> Vec<[f64; 2]> {
        let mut rng = SeededRng::new(seed);
        (0..count)
            .map(|_| [rng.uniform_in(-range, range), rng.uniform_in(-range, range)])
            .collect()
    }
}
