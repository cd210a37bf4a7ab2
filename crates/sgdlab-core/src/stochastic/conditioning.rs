//! The curvature of the full-data loss at its minimum: the Hessian, its
//! eigenvalues and the condition number that sets how fast gradient descent
//! can go.
//!
//! ```text
//! H   = ∇²L(θ*)                     θ* the minimiser of the full-data loss
//! λ₁ ≤ λ₂                            the eigenvalues of the symmetric 2×2 H
//! κ   = λ₂/λ₁                        (when λ₁ > 0)
//!
//! linear regression   H = XᵀX/n = [[mean x², mean x], [mean x, 1]]
//!                     (the rows of X are (xᵢ, 1); constant in θ)
//! logistic            H = (1/n)·Σᵢ σ(zᵢ)σ(−zᵢ)·xᵢxᵢᵀ at θ*
//!
//! gradient descent on a quadratic with these eigenvalues, best fixed rate
//! η = 2/(λ₁ + λ₂), shrinks the error by ρ = (κ − 1)/(κ + 1) per step
//! ```
//!
//! Why the feature's mean matters: for linear regression the entries of H
//! are the feature's raw moments. A feature far from 0 makes mean x² large
//! and ties w to b through mean x, so H has one steep and one flat
//! direction. Centring gives mean x = 0 (H diagonal) and scaling gives
//! mean x² = 1: whitening makes H the identity and κ = 1, where one step of
//! η = 1 lands on the minimum.

use super::EmpiricalRisk;
use crate::playground::symmetric_eigenvalues;
use serde::Serialize;

/// ∇²L at the minimiser, with its spectrum.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct HessianAtMinimum {
    /// The minimiser θ* of the full-data loss.
    pub at: [f64; 2],
    /// L(θ*).
    pub loss: f64,
    /// ∇²L(θ*), row-major.
    pub matrix: [[f64; 2]; 2],
    /// Its eigenvalues, smallest first.
    pub eigenvalues: [f64; 2],
    /// κ = λ₂/λ₁, when λ₁ > 0.
    pub condition_number: Option<f64>,
    /// GD's best rate (κ − 1)/(κ + 1), at η = 2/(λ₁ + λ₂).
    pub best_gd_rate: Option<f64>,
}

impl HessianAtMinimum {
    /// The Hessian of `model`'s full-data loss at its minimiser; `None` when
    /// the minimum is not attained at a single point.
    pub fn of(model: &dyn EmpiricalRisk) -> Option<Self> {
        let at = model.minimizer()?;
        let matrix = model.hessian(at);
        let eigenvalues = symmetric_eigenvalues(matrix);
        let [small, large] = eigenvalues;
        let condition_number = (small > 0.0 && large.is_finite()).then(|| large / small);
        Some(Self {
            at,
            loss: model.loss(at),
            matrix,
            eigenvalues,
            condition_number,
            best_gd_rate: condition_number.map(|k| (k - 1.0) / (k + 1.0)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stochastic::{LinearRegression, LogisticRegression2, StochasticConfig};

    #[test]
    fn linear_regression_has_the_raw_moments_of_the_feature() {
        // x = (−1, 0, 2): mean x = 1/3, mean x² = 5/3.
        let model = LinearRegression::new(vec![-1.0, 0.0, 2.0], vec![0.0, 1.0, 3.0]);
        let h = HessianAtMinimum::of(&model).unwrap();
        assert_eq!(h.matrix, [[5.0 / 3.0, 1.0 / 3.0], [1.0 / 3.0, 1.0]]);
        // The characteristic polynomial λ² − (8/3)λ + 14/9 has roots 4/3 ± √2/3.
        let root = 2f64.sqrt() / 3.0;
        assert!((h.eigenvalues[0] - (4.0 / 3.0 - root)).abs() < 1e-15);
        assert!((h.eigenvalues[1] - (4.0 / 3.0 + root)).abs() < 1e-15);
        let kappa = (4.0 + 2f64.sqrt()) / (4.0 - 2f64.sqrt());
        assert!((h.condition_number.unwrap() - kappa).abs() < 1e-14);
        assert!((h.best_gd_rate.unwrap() - (kappa - 1.0) / (kappa + 1.0)).abs() < 1e-15);
        assert_eq!(h.at.map(|v| (v * 1e12).round() / 1e12), [1.0, 1.0]);
        assert_eq!(h.loss, model.loss(h.at));
    }

    #[test]
    fn an_off_centre_feature_is_ill_conditioned_and_whitening_fixes_it() {
        for (mean, spread) in [(0.0, 1.0), (3.0, 0.5), (-6.0, 2.0), (9.0, 0.01)] {
            let config = StochasticConfig {
                feature_mean: mean,
                feature_scale: spread,
                ..StochasticConfig::default()
            };
            let raw = HessianAtMinimum::of(config.build_model().unwrap().as_ref()).unwrap();
            // z uniform on [−1, 1): E x = mean, E x² = mean² + spread²/3.
            let expected = mean * mean + spread * spread / 3.0;
            assert!(
                (raw.matrix[0][0] / expected - 1.0).abs() < 0.3,
                "{mean}, {spread}: {:?}",
                raw.matrix
            );
            let white = HessianAtMinimum::of(
                StochasticConfig {
                    whiten: true,
                    ..config
                }
                .build_model()
                .unwrap()
                .as_ref(),
            )
            .unwrap();
            assert!((white.condition_number.unwrap() - 1.0).abs() < 1e-12);
            assert!(white.condition_number.unwrap() <= raw.condition_number.unwrap());
        }
    }

    #[test]
    fn logistic_regression_is_measured_at_its_minimiser_or_not_at_all() {
        let config = StochasticConfig {
            model: crate::stochastic::ModelKind::Logistic,
            ..StochasticConfig::default()
        };
        let model = config.build_model().unwrap();
        let h = HessianAtMinimum::of(model.as_ref()).unwrap();
        let g = model.gradient(h.at);
        assert!(g[0].abs() < 1e-10 && g[1].abs() < 1e-10, "{g:?}");
        assert_eq!(h.matrix, model.hessian(h.at));
        assert!(h.eigenvalues[0] > 0.0 && h.condition_number.unwrap() >= 1.0);
        // Separable by a line through the origin: no minimiser, no Hessian.
        let separable = LogisticRegression2::new(vec![[1.0, 0.0], [-1.0, 0.5]], vec![1, 0]);
        assert_eq!(HessianAtMinimum::of(&separable), None);
    }
}
