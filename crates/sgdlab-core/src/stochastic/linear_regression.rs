//! Linear regression with one input: θ = (w, b), prediction w·x + b.
//!
//! ```text
//! ℓᵢ(w, b)  = ½·(w·xᵢ + b − yᵢ)²            rᵢ = w·xᵢ + b − yᵢ (the residual)
//! ∇ℓᵢ       = rᵢ·(xᵢ, 1)
//! ∇²ℓᵢ      = [[xᵢ², xᵢ], [xᵢ, 1]]          (constant in θ)
//!
//! L(w, b)   = (1/2n)·Σᵢ (w·xᵢ + b − yᵢ)²    half the mean squared error
//! ∇²L       = [[mean x², mean x], [mean x, 1]]
//! minimiser   w* = cov(x, y)/var(x),  b* = ȳ − w*·x̄   (needs var(x) > 0)
//! ```
//!
//! The ½ makes the gradient the residual times the input, with no stray
//! factor 2; the landscape is the mean squared error scaled by ½, so its
//! minimiser is the least-squares line. The loss is a quadratic bowl whose
//! Hessian does not depend on θ, which makes it the cleanest place to see
//! minibatch noise: every minibatch surface is a bowl too, centred on that
//! batch's own least-squares line. A single example's bowl is degenerate
//! (a valley along the line w·xᵢ + b = yᵢ), so it has no unique minimiser.
//!
//! The data come from [`CurveConfig::line`]: inputs uniform in [−1, 1),
//! targets on a line plus Gaussian noise.
//!
//! ```
//! use sgdlab_core::data::regression::CurveConfig;
//! use sgdlab_core::stochastic::{EmpiricalRisk, LinearRegression};
//! let model = LinearRegression::from_config(&CurveConfig::line(2.0, -1.0)).unwrap();
//! let [w, b] = model.minimizer().unwrap();
//! assert!((w - 2.0).abs() < 0.1 && (b + 1.0).abs() < 0.1);
//! ```

use super::{EmpiricalRisk, solve_2x2};
use crate::data::DataError;
use crate::data::regression::CurveConfig;

/// ½·mean((w·x + b − y)²) over one-input data.
#[derive(Clone, Debug, PartialEq)]
pub struct LinearRegression {
    inputs: Vec<f64>,
    targets: Vec<f64>,
}

impl LinearRegression {
    /// A model over `inputs` and their `targets` (equal, non-zero lengths;
    /// a programmer error otherwise).
    pub fn new(inputs: Vec<f64>, targets: Vec<f64>) -> Self {
        assert_eq!(inputs.len(), targets.len(), "one target per input");
        assert!(!inputs.is_empty(), "linear regression needs data");
        Self { inputs, targets }
    }

    /// A model over the data `config` generates.
    pub fn from_config(config: &CurveConfig) -> Result<Self, DataError> {
        let data = config.generate()?;
        Ok(Self::new(data.inputs, data.targets))
    }

    /// The inputs xᵢ.
    pub fn inputs(&self) -> &[f64] {
        &self.inputs
    }

    /// The targets yᵢ.
    pub fn targets(&self) -> &[f64] {
        &self.targets
    }

    fn residual(&self, [w, b]: [f64; 2], i: usize) -> f64 {
        w * self.inputs[i] + b - self.targets[i]
    }
}

impl EmpiricalRisk for LinearRegression {
    fn name(&self) -> &'static str {
        "linear"
    }

    fn formula(&self) -> &'static str {
        "L(w, b) = (1/2n)·Σᵢ (w·xᵢ + b − yᵢ)²"
    }

    fn parameter_names(&self) -> [&'static str; 2] {
        ["w", "b"]
    }

    fn examples(&self) -> usize {
        self.inputs.len()
    }

    fn class_labels(&self) -> Option<&[usize]> {
        None
    }

    fn example_loss(&self, theta: [f64; 2], i: usize) -> f64 {
        let r = self.residual(theta, i);
        0.5 * r * r
    }

    fn example_gradient(&self, theta: [f64; 2], i: usize) -> [f64; 2] {
        let r = self.residual(theta, i);
        [r * self.inputs[i], r]
    }

    fn example_hessian(&self, _theta: [f64; 2], i: usize) -> [[f64; 2]; 2] {
        let x = self.inputs[i];
        [[x * x, x], [x, 1.0]]
    }

    /// Solves the normal equations ∇²L_B·θ = mean_B (x·y, y). `None` when
    /// the batch's inputs are all equal (one example, for instance).
    fn batch_minimizer(&self, batch: &[usize]) -> Option<[f64; 2]> {
        let hessian = self.batch_hessian([0.0, 0.0], batch);
        // ∇L_B(0, 0) = −mean_B (x·y, y), so the right-hand side is its negative.
        let [gw, gb] = self.batch_gradient([0.0, 0.0], batch);
        solve_2x2(hessian, [-gw, -gb])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stochastic::testing::{check_derivatives, random_points};

    fn model() -> LinearRegression {
        LinearRegression::from_config(&CurveConfig {
            samples: 50,
            noise: 0.3,
            seed: 3,
            ..CurveConfig::line(1.5, 0.5)
        })
        .unwrap()
    }

    #[test]
    fn golden_values_on_three_points() {
        // x = (−1, 0, 2), y = (0, 1, 3) at (w, b) = (1, 1):
        // residuals (0, 0, 0) → loss 0; at (0, 0): residuals (0, −1, −3).
        let model = LinearRegression::new(vec![-1.0, 0.0, 2.0], vec![0.0, 1.0, 3.0]);
        assert_eq!(model.loss([1.0, 1.0]), 0.0);
        assert_eq!(model.loss([0.0, 0.0]), (0.0 + 0.5 + 4.5) / 3.0);
        assert_eq!(model.gradient([0.0, 0.0]), [-6.0 / 3.0, -4.0 / 3.0]);
        assert_eq!(
            model.hessian([7.0, -3.0]),
            [[5.0 / 3.0, 1.0 / 3.0], [1.0 / 3.0, 1.0]]
        );
        let [w, b] = model.minimizer().unwrap();
        assert!(
            (w - 1.0).abs() < 1e-14 && (b - 1.0).abs() < 1e-14,
            "({w}, {b})"
        );
    }

    #[test]
    fn derivatives_match_finite_differences() {
        let model = model();
        for theta in random_points(11, 200, 5.0) {
            check_derivatives(&model, theta, 1e-6);
        }
    }

    #[test]
    fn minimizer_zeroes_the_gradient_and_matches_the_formula() {
        let model = model();
        let [w, b] = model.minimizer().unwrap();
        let g = model.gradient([w, b]);
        assert!(g[0].abs() < 1e-12 && g[1].abs() < 1e-12, "{g:?}");
        let n = model.examples() as f64;
        let mean_x = model.inputs.iter().sum::<f64>() / n;
        let mean_y = model.targets.iter().sum::<f64>() / n;
        let cov = model
            .inputs
            .iter()
            .zip(&model.targets)
            .map(|(x, y)| (x - mean_x) * (y - mean_y))
            .sum::<f64>()
            / n;
        let var = model
            .inputs
            .iter()
            .map(|x| (x - mean_x).powi(2))
            .sum::<f64>()
            / n;
        assert!((w - cov / var).abs() < 1e-12);
        assert!((b - (mean_y - w * mean_x)).abs() < 1e-12);
    }

    #[test]
    fn one_example_has_a_valley_not_a_minimiser() {
        let model = model();
        assert_eq!(model.batch_minimizer(&[4]), None);
        assert!(model.batch_minimizer(&[4, 9]).is_some());
    }
}
