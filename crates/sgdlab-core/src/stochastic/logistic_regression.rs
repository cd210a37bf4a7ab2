//! Logistic regression with two weights and no bias: θ = (w₁, w₂),
//! P(y = 1 | x) = σ(w·x) on two-feature data with labels y ∈ {0, 1}.
//!
//! ```text
//! zᵢ        = w·xᵢ = w₁·xᵢ₁ + w₂·xᵢ₂
//! ℓᵢ(w)     = −yᵢ·ln σ(zᵢ) − (1 − yᵢ)·ln(1 − σ(zᵢ))   binary cross-entropy
//!           = softplus(−sᵢ·zᵢ),   sᵢ = 2yᵢ − 1 ∈ {−1, +1}
//!   softplus(u) = ln(1 + eᵘ) = max(u, 0) + ln(1 + e^(−|u|))
//! ∇ℓᵢ       = (σ(zᵢ) − yᵢ)·xᵢ
//! ∇²ℓᵢ      = σ(zᵢ)·σ(−zᵢ)·xᵢ·xᵢᵀ
//!
//! L(w)      = (1/n)·Σᵢ ℓᵢ(w)                           mean binary cross-entropy
//! ```
//!
//! The softplus form never overflows: e^(−|u|) ≤ 1, and ln(1 + e^(−|u|)) is
//! computed by `log1p`, which keeps its digits when e^(−|u|) is tiny. Writing
//! the loss through the signed margin sᵢ·zᵢ (rather than as
//! softplus(zᵢ) − yᵢ·zᵢ) avoids cancelling two large numbers when an example
//! is confidently right. σ(z)·σ(−z)
//! equals σ(z)·(1 − σ(z)) but does not cancel to 0 for large |z|.
//!
//! L is convex. Its minimum is attained at a single point unless the batch is
//! separable by a line through the origin: with sᵢ = 2yᵢ − 1, if some w ≠ 0
//! has sᵢ·(w·xᵢ) ≥ 0 for every i, the loss never rises along w and its
//! infimum lies at infinity (or along a line). Such a w exists exactly when
//! the vectors sᵢ·xᵢ fit in a closed half-plane, i.e. when their directions
//! leave a gap of at least 180° on the circle; a single example always
//! does. [`EmpiricalRisk::batch_minimizer`] checks this first and only then
//! runs Newton's method.
//!
//! The data come from [`LogisticConfig`]: x ~ N(0, I₂), labels drawn from a
//! true logistic model, so the full-data minimiser lies near the true w.
//!
//! ```
//! use sgdlab_core::data::regression::LogisticConfig;
//! use sgdlab_core::stochastic::{EmpiricalRisk, LogisticRegression2};
//! let model = LogisticRegression2::from_config(&LogisticConfig::default()).unwrap();
//! let [w1, w2] = model.minimizer().unwrap();
//! assert!((w1 - 2.0).abs() < 0.6 && (w2 + 1.0).abs() < 0.6);
//! ```

use super::{EmpiricalRisk, solve_2x2};
use crate::Real;
use crate::data::DataError;
use crate::data::regression::LogisticConfig;
use std::f64::consts::PI;

/// Newton's method stops after this many iterations without converging.
const MAX_NEWTON_ITERATIONS: usize = 100;

/// Mean binary cross-entropy of σ(w·x) over two-feature data.
#[derive(Clone, Debug, PartialEq)]
pub struct LogisticRegression2 {
    features: Vec<[f64; 2]>,
    labels: Vec<usize>,
}

impl LogisticRegression2 {
    /// A model over `features` and their 0/1 `labels` (equal, non-zero
    /// lengths; a programmer error otherwise).
    pub fn new(features: Vec<[f64; 2]>, labels: Vec<usize>) -> Self {
        assert_eq!(features.len(), labels.len(), "one label per example");
        assert!(!features.is_empty(), "logistic regression needs data");
        assert!(labels.iter().all(|&y| y <= 1), "labels must be 0 or 1");
        Self { features, labels }
    }

    /// A model over the data `config` generates.
    pub fn from_config(config: &LogisticConfig) -> Result<Self, DataError> {
        let data = config.generate()?;
        Ok(Self::new(data.features, data.labels))
    }

    /// The feature rows xᵢ.
    pub fn features(&self) -> &[[f64; 2]] {
        &self.features
    }

    fn logit(&self, [w1, w2]: [f64; 2], i: usize) -> f64 {
        let [x1, x2] = self.features[i];
        w1 * x1 + w2 * x2
    }

    fn label(&self, i: usize) -> f64 {
        self.labels[i] as f64
    }

    /// sᵢ = 2yᵢ − 1: +1 for class 1, −1 for class 0.
    fn sign(&self, i: usize) -> f64 {
        2.0 * self.label(i) - 1.0
    }

    /// Whether L_B is minimised at a single finite point: the signed
    /// features sᵢ·xᵢ must not fit in any closed half-plane.
    fn attains_minimum(&self, batch: &[usize]) -> bool {
        let mut angles: Vec<f64> = batch
            .iter()
            .map(|&i| {
                let sign = self.sign(i);
                let [x1, x2] = self.features[i];
                [sign * x1, sign * x2]
            })
            .filter(|v| *v != [0.0, 0.0])
            .map(|[a, b]| libm::atan2(b, a))
            .collect();
        if angles.is_empty() {
            return false;
        }
        angles.sort_by(f64::total_cmp);
        let wrap_gap = angles[0] + 2.0 * PI - angles[angles.len() - 1];
        let largest_gap = angles
            .windows(2)
            .map(|pair| pair[1] - pair[0])
            .fold(wrap_gap, f64::max);
        largest_gap < PI
    }
}

impl EmpiricalRisk for LogisticRegression2 {
    fn name(&self) -> &'static str {
        "logistic"
    }

    fn formula(&self) -> &'static str {
        "L(w₁, w₂) = (1/n)·Σᵢ [softplus(w·xᵢ) − yᵢ·w·xᵢ]"
    }

    fn parameter_names(&self) -> [&'static str; 2] {
        ["w₁", "w₂"]
    }

    fn examples(&self) -> usize {
        self.features.len()
    }

    fn class_labels(&self) -> Option<&[usize]> {
        Some(&self.labels)
    }

    fn example_loss(&self, theta: [f64; 2], i: usize) -> f64 {
        let u = -self.sign(i) * self.logit(theta, i);
        u.max(0.0) + libm::log1p(Real::exp(-u.abs()))
    }

    fn example_gradient(&self, theta: [f64; 2], i: usize) -> [f64; 2] {
        let error = Real::sigmoid(self.logit(theta, i)) - self.label(i);
        let [x1, x2] = self.features[i];
        [error * x1, error * x2]
    }

    fn example_hessian(&self, theta: [f64; 2], i: usize) -> [[f64; 2]; 2] {
        let z = self.logit(theta, i);
        let weight = Real::sigmoid(z) * Real::sigmoid(-z);
        let [x1, x2] = self.features[i];
        [
            [weight * x1 * x1, weight * x1 * x2],
            [weight * x2 * x1, weight * x2 * x2],
        ]
    }

    /// Newton's method with a backtracking line search from w = 0, run only
    /// when the batch is not separable (see the module docs).
    fn batch_minimizer(&self, batch: &[usize]) -> Option<[f64; 2]> {
        if !self.attains_minimum(batch) {
            return None;
        }
        let mut theta = [0.0, 0.0];
        for _ in 0..MAX_NEWTON_ITERATIONS {
            let g = self.batch_gradient(theta, batch);
            let [d1, d2] = solve_2x2(self.batch_hessian(theta, batch), [-g[0], -g[1]])?;
            let loss = self.batch_loss(theta, batch);
            let slope = g[0] * d1 + g[1] * d2;
            let mut t = 1.0;
            // Armijo: accept the first halving that decreases the loss enough.
            while self.batch_loss([theta[0] + t * d1, theta[1] + t * d2], batch)
                > loss + 1e-4 * t * slope
                && t > 1e-10
            {
                t *= 0.5;
            }
            theta = [theta[0] + t * d1, theta[1] + t * d2];
            let moved = (t * d1).abs().max((t * d2).abs());
            if moved <= 1e-13 * (1.0 + theta[0].abs().max(theta[1].abs())) {
                return Some(theta);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stochastic::testing::{check_derivatives, random_points};

    fn model() -> LogisticRegression2 {
        LogisticRegression2::from_config(&LogisticConfig {
            samples: 80,
            seed: 5,
            ..LogisticConfig::default()
        })
        .unwrap()
    }

    #[test]
    fn golden_values() {
        // One example x = (1, 2), y = 1 at w = (0.5, −0.25): z = 0, so
        // ℓ = ln 2, ∇ℓ = (½ − 1)·x, ∇²ℓ = ¼·x·xᵀ.
        let model = LogisticRegression2::new(vec![[1.0, 2.0]], vec![1]);
        let theta = [0.5, -0.25];
        assert!((model.loss(theta) - std::f64::consts::LN_2).abs() < 1e-16);
        assert_eq!(model.gradient(theta), [-0.5, -1.0]);
        assert_eq!(model.hessian(theta), [[0.25, 0.5], [0.5, 1.0]]);
    }

    #[test]
    fn derivatives_match_finite_differences() {
        let model = model();
        for theta in random_points(12, 200, 6.0) {
            check_derivatives(&model, theta, 1e-6);
        }
    }

    #[test]
    fn loss_stays_finite_and_accurate_for_huge_logits() {
        let model = LogisticRegression2::new(vec![[1.0, 0.0], [1.0, 0.0]], vec![1, 0]);
        // z = 1000: the correct example costs e^(−1000) ≈ 0, the wrong one ≈ 1000.
        assert_eq!(model.example_loss([1000.0, 0.0], 0), 0.0);
        assert_eq!(model.example_loss([1000.0, 0.0], 1), 1000.0);
        assert_eq!(model.example_gradient([1000.0, 0.0], 1), [1.0, 0.0]);
        // Tiny but not zero, to full relative precision: ln(1 + e^(−30)) ≈ e^(−30).
        let tiny = model.example_loss([30.0, 0.0], 0);
        assert!((tiny / libm::exp(-30.0) - 1.0).abs() < 1e-12, "{tiny}");
    }

    #[test]
    fn minimizer_zeroes_the_gradient() {
        let model = model();
        let theta = model.minimizer().unwrap();
        let g = model.gradient(theta);
        assert!(
            g[0].abs() < 1e-12 && g[1].abs() < 1e-12,
            "{g:?} at {theta:?}"
        );
    }

    #[test]
    fn separable_batches_have_no_minimiser() {
        // Positive labels to the right, negative to the left of the w₂ axis.
        let model = LogisticRegression2::new(
            vec![[1.0, 0.3], [2.0, -1.0], [-1.0, 0.5], [-0.5, -2.0]],
            vec![1, 1, 0, 0],
        );
        assert_eq!(model.minimizer(), None);
        assert_eq!(model.batch_minimizer(&[0]), None);
        // Flip one label: the signed features surround the origin.
        let mixed = LogisticRegression2::new(model.features.clone(), vec![1, 0, 0, 1]);
        let theta = mixed.minimizer().unwrap();
        let g = mixed.gradient(theta);
        assert!(g[0].abs() < 1e-12 && g[1].abs() < 1e-12, "{g:?}");
    }
}
