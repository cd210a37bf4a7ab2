//! Regression data for the landscape, conditioning and bias–variance lessons.
//!
//! ```text
//! Linear, two features (LinearConfig; conditioning):
//!   z₁, z₂, ε ~ N(0, 1)
//!   x₁ = s₁·z₁
//!   x₂ = s₂·(ρ·z₁ + √(1 − ρ²)·z₂)          so  Cov x = [ s₁²     ρ·s₁s₂ ]
//!   y  = w·x + b + σ·ε                                  [ ρ·s₁s₂  s₂²    ]
//!
//! One input (CurveConfig; the (w, b) landscape and bias–variance):
//!   x ~ U[x_min, x_max),   y = f(x) + σ·ε
//!   f(x) = c₀ + c₁·x + … + c_k·x^k     or     f(x) = sin(2π·ν·x)
//!
//! Logistic, two features (LogisticConfig; 2-weight logistic regression):
//!   x ~ N(0, I₂),   P(y = 1 | x) = 1 / (1 + e^(−w·x))
//! ```
//!
//! Why the linear design matters: the mean squared error
//! L(w) = (1/2n)·Σᵢ (w·xᵢ + b − yᵢ)² has Hessian ∇²_w L = XᵀX/n, which tends
//! to Cov x. Its condition number κ sets how slowly gradient descent crawls
//! along the flattest direction: κ = (1 + |ρ|)/(1 − |ρ|) for equal scales,
//! and κ = (s_max/s_min)² for uncorrelated features of different scales.
//! Isotropic features (ρ = 0, s₁ = s₂) give κ = 1, a round bowl.
//!
//! The logistic labels come from a true model rather than from separated
//! clusters, so the loss has a finite minimiser (near the true w) instead of
//! sliding off to infinity as it does on separable data.

use super::{DataError, Dataset, MAX_SAMPLES, check_count, check_real};
use crate::{Real, SeededRng};
use serde::{Deserialize, Serialize};

/// The largest magnitude allowed for a true weight, bias or coefficient.
pub const MAX_COEFFICIENT: f64 = 1000.0;
/// The largest standard deviation of the target noise.
pub const MAX_TARGET_NOISE: f64 = 100.0;
/// The largest number of polynomial coefficients (degree 10).
pub const MAX_COEFFICIENTS: usize = 11;
/// Feature scales must lie in [1/`MAX_SCALE`, `MAX_SCALE`].
pub const MAX_SCALE: f64 = 1000.0;
/// Inputs of a curve must lie in [−`MAX_INPUT`, `MAX_INPUT`].
pub const MAX_INPUT: f64 = 10.0;

fn check_coefficient(field: &'static str, value: f64) -> Result<(), DataError> {
    check_real(
        field,
        value,
        -MAX_COEFFICIENT,
        MAX_COEFFICIENT,
        &format!("a number from -{MAX_COEFFICIENT} to {MAX_COEFFICIENT}"),
    )
}

fn check_target_noise(value: f64) -> Result<(), DataError> {
    check_real(
        "noise",
        value,
        0.0,
        MAX_TARGET_NOISE,
        &format!("a number from 0 to {MAX_TARGET_NOISE}"),
    )
}

/// Linear regression with two features whose correlation and scales are set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LinearConfig {
    /// Number of examples, 1 to [`MAX_SAMPLES`]. Defaults to `200`.
    pub samples: usize,
    /// True weights w. Defaults to `[1.0, -0.5]`.
    pub weights: [f64; 2],
    /// True bias b. Defaults to `0`.
    pub bias: f64,
    /// Standard deviation σ of the target noise. Defaults to `0.1`.
    pub noise: f64,
    /// Correlation ρ of the two features, in (−1, 1). Defaults to `0`.
    pub correlation: f64,
    /// Standard deviations (s₁, s₂) of the two features. Defaults to `[1, 1]`.
    pub scales: [f64; 2],
    /// Defaults to `0`.
    pub seed: u64,
}

impl Default for LinearConfig {
    fn default() -> Self {
        Self {
            samples: 200,
            weights: [1.0, -0.5],
            bias: 0.0,
            noise: 0.1,
            correlation: 0.0,
            scales: [1.0, 1.0],
            seed: 0,
        }
    }
}

/// Feature rows and their targets.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LinearData {
    pub features: Vec<[f64; 2]>,
    pub targets: Vec<f64>,
}

impl LinearData {
    /// The number of examples.
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    /// True when there are no examples.
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }
}

impl LinearConfig {
    /// Checks every setting against its allowed range.
    pub fn validate(&self) -> Result<(), DataError> {
        check_count("samples", self.samples, 1, MAX_SAMPLES)?;
        check_coefficient("weights[0]", self.weights[0])?;
        check_coefficient("weights[1]", self.weights[1])?;
        check_coefficient("bias", self.bias)?;
        check_target_noise(self.noise)?;
        if !(self.correlation > -1.0 && self.correlation < 1.0) {
            return Err(DataError::OutOfRange {
                field: "correlation",
                value: self.correlation.to_string(),
                allowed: "a number strictly between -1 and 1".into(),
            });
        }
        let allowed = format!("a number from {} to {MAX_SCALE}", 1.0 / MAX_SCALE);
        check_real(
            "scales[0]",
            self.scales[0],
            1.0 / MAX_SCALE,
            MAX_SCALE,
            &allowed,
        )?;
        check_real(
            "scales[1]",
            self.scales[1],
            1.0 / MAX_SCALE,
            MAX_SCALE,
            &allowed,
        )
    }

    /// The covariance of the features, which is also the expected Hessian
    /// E[XᵀX/n] of the mean squared error with respect to w.
    pub fn feature_covariance(&self) -> [[f64; 2]; 2] {
        let [s1, s2] = self.scales;
        let cross = self.correlation * s1 * s2;
        [[s1 * s1, cross], [cross, s2 * s2]]
    }

    /// Draws the examples from the seed's `"data"` stream.
    pub fn generate(&self) -> Result<LinearData, DataError> {
        self.validate()?;
        let mut rng = SeededRng::derive(self.seed, "data");
        let [s1, s2] = self.scales;
        let rho = self.correlation;
        let independent = (1.0 - rho * rho).sqrt();
        let mut data = LinearData::default();
        for _ in 0..self.samples {
            let (z1, z2) = (rng.normal(), rng.normal());
            let x = [s1 * z1, s2 * (rho * z1 + independent * z2)];
            let clean = self.weights[0] * x[0] + self.weights[1] * x[1] + self.bias;
            data.features.push(x);
            data.targets.push(clean + self.noise * rng.normal());
        }
        Ok(data)
    }
}

/// The true function f of a one-input regression problem.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum TargetFunction {
    /// f(x) = c₀ + c₁·x + … + c_k·x^k, coefficients from the constant term up.
    Polynomial { coefficients: Vec<f64> },
    /// f(x) = sin(2π·ν·x) with ν = `frequency`.
    Sine { frequency: f64 },
}

impl TargetFunction {
    /// f(x).
    pub fn eval(&self, x: f64) -> f64 {
        match self {
            // Horner's rule, from the highest power down.
            Self::Polynomial { coefficients } => {
                coefficients.iter().rev().fold(0.0, |acc, &c| acc * x + c)
            }
            Self::Sine { frequency } => Real::sin(2.0 * f64::PI * frequency * x),
        }
    }

    fn validate(&self) -> Result<(), DataError> {
        match self {
            Self::Polynomial { coefficients } => {
                check_count(
                    "number of coefficients",
                    coefficients.len(),
                    1,
                    MAX_COEFFICIENTS,
                )?;
                coefficients
                    .iter()
                    .try_for_each(|&c| check_coefficient("coefficient", c))
            }
            Self::Sine { frequency } => {
                check_real("frequency", *frequency, 0.0, 10.0, "a number from 0 to 10")
            }
        }
    }
}

/// One-input regression y = f(x) + noise: a straight line for the (w, b)
/// landscape, or a polynomial or sine for bias–variance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CurveConfig {
    /// Number of examples, 1 to [`MAX_SAMPLES`]. Defaults to `30`.
    pub samples: usize,
    /// The true function. Defaults to sin(2πx).
    pub target: TargetFunction,
    /// Standard deviation σ of the target noise. Defaults to `0.2`.
    pub noise: f64,
    /// Inputs are drawn uniformly from [x_min, x_max), inside
    /// [−[`MAX_INPUT`], [`MAX_INPUT`]]. Defaults to `[0, 1]`.
    pub x_range: [f64; 2],
    /// Defaults to `0`.
    pub seed: u64,
}

impl Default for CurveConfig {
    fn default() -> Self {
        Self {
            samples: 30,
            target: TargetFunction::Sine { frequency: 1.0 },
            noise: 0.2,
            x_range: [0.0, 1.0],
            seed: 0,
        }
    }
}

/// Inputs and their targets.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CurveData {
    pub inputs: Vec<f64>,
    pub targets: Vec<f64>,
}

impl CurveData {
    /// The number of examples.
    pub fn len(&self) -> usize {
        self.targets.len()
    }

    /// True when there are no examples.
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }
}

impl CurveConfig {
    /// The line y = slope·x + intercept + N(0, 0.1²) on 100 inputs in
    /// [−1, 1): the data behind the two-parameter (w, b) landscape.
    pub fn line(slope: f64, intercept: f64) -> Self {
        Self {
            samples: 100,
            target: TargetFunction::Polynomial {
                coefficients: vec![intercept, slope],
            },
            noise: 0.1,
            x_range: [-1.0, 1.0],
            seed: 0,
        }
    }

    /// Checks every setting against its allowed range.
    pub fn validate(&self) -> Result<(), DataError> {
        check_count("samples", self.samples, 1, MAX_SAMPLES)?;
        self.target.validate()?;
        check_target_noise(self.noise)?;
        let [low, high] = self.x_range;
        let allowed = format!("a number from -{MAX_INPUT} to {MAX_INPUT}");
        check_real("x_range[0]", low, -MAX_INPUT, MAX_INPUT, &allowed)?;
        check_real("x_range[1]", high, -MAX_INPUT, MAX_INPUT, &allowed)?;
        if low >= high {
            return Err(DataError::Invalid(format!(
                "`x_range` must be increasing, got [{low}, {high}]"
            )));
        }
        Ok(())
    }

    /// Draws the examples from the seed's `"data"` stream.
    pub fn generate(&self) -> Result<CurveData, DataError> {
        self.validate()?;
        let mut rng = SeededRng::derive(self.seed, "data");
        let [low, high] = self.x_range;
        let mut data = CurveData::default();
        for _ in 0..self.samples {
            let x = rng.uniform_in(low, high);
            data.inputs.push(x);
            data.targets
                .push(self.target.eval(x) + self.noise * rng.normal());
        }
        Ok(data)
    }
}

/// Two-feature data labelled by a true logistic model, for logistic
/// regression with two weights (no bias).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogisticConfig {
    /// Number of examples, 1 to [`MAX_SAMPLES`]. Defaults to `200`.
    pub samples: usize,
    /// True weights w of P(y = 1 | x) = σ(w·x). Defaults to `[2.0, -1.0]`.
    pub weights: [f64; 2],
    /// Defaults to `0`.
    pub seed: u64,
}

impl Default for LogisticConfig {
    fn default() -> Self {
        Self {
            samples: 200,
            weights: [2.0, -1.0],
            seed: 0,
        }
    }
}

impl LogisticConfig {
    /// Checks every setting against its allowed range.
    pub fn validate(&self) -> Result<(), DataError> {
        check_count("samples", self.samples, 1, MAX_SAMPLES)?;
        check_coefficient("weights[0]", self.weights[0])?;
        check_coefficient("weights[1]", self.weights[1])
    }

    /// Draws the examples from the seed's `"data"` stream, as a two-class
    /// [`Dataset`].
    pub fn generate(&self) -> Result<Dataset, DataError> {
        self.validate()?;
        let mut rng = SeededRng::derive(self.seed, "data");
        let mut data = Dataset::with_capacity(2, self.samples);
        for _ in 0..self.samples {
            let x = [rng.normal(), rng.normal()];
            let p_one = Real::sigmoid(self.weights[0] * x[0] + self.weights[1] * x[1]);
            let label = usize::from(rng.uniform() < p_one);
            data.push(x, label);
        }
        Ok(data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moments(data: &LinearData) -> ([f64; 2], [[f64; 2]; 2]) {
        let n = data.len() as f64;
        let mean = [0, 1].map(|k| data.features.iter().map(|x| x[k]).sum::<f64>() / n);
        let cov = [0, 1].map(|a| {
            [0, 1].map(|b| {
                data.features
                    .iter()
                    .map(|x| (x[a] - mean[a]) * (x[b] - mean[b]))
                    .sum::<f64>()
                    / n
            })
        });
        (mean, cov)
    }

    #[test]
    fn correlated_features_have_the_requested_correlation() {
        for rho in [-0.9, -0.3, 0.0, 0.5, 0.95] {
            let config = LinearConfig {
                samples: 10_000,
                correlation: rho,
                seed: 4,
                ..LinearConfig::default()
            };
            let (_, cov) = moments(&config.generate().unwrap());
            let measured = cov[0][1] / (cov[0][0] * cov[1][1]).sqrt();
            // The standard error of a sample correlation is (1 − ρ²)/√n ≤ 0.01.
            assert!(
                (measured - rho).abs() < 0.03,
                "ρ = {rho}: measured {measured}"
            );
        }
    }

    #[test]
    fn unscaled_features_have_the_requested_scales() {
        let config = LinearConfig {
            samples: 10_000,
            scales: [0.1, 20.0],
            ..LinearConfig::default()
        };
        let (_, cov) = moments(&config.generate().unwrap());
        let expected = config.feature_covariance();
        for k in 0..2 {
            let ratio = (cov[k][k] / expected[k][k]).sqrt();
            assert!((ratio - 1.0).abs() < 0.03, "feature {k}: std ratio {ratio}");
        }
    }

    #[test]
    fn noiseless_targets_are_exactly_linear() {
        let config = LinearConfig {
            noise: 0.0,
            bias: 0.7,
            correlation: 0.6,
            scales: [2.0, 0.5],
            ..LinearConfig::default()
        };
        let data = config.generate().unwrap();
        for (x, &y) in data.features.iter().zip(&data.targets) {
            assert_eq!(y, 1.0 * x[0] - 0.5 * x[1] + 0.7);
        }
    }

    #[test]
    fn target_noise_has_the_requested_spread() {
        let config = LinearConfig {
            samples: 10_000,
            noise: 0.5,
            ..LinearConfig::default()
        };
        let data = config.generate().unwrap();
        let residual_var = data
            .features
            .iter()
            .zip(&data.targets)
            .map(|(x, y)| (y - (x[0] - 0.5 * x[1])).powi(2))
            .sum::<f64>()
            / data.len() as f64;
        assert!((residual_var.sqrt() - 0.5).abs() < 0.015);
    }

    #[test]
    fn linear_data_is_seeded() {
        let a = LinearConfig::default().generate().unwrap();
        let b = LinearConfig::default().generate().unwrap();
        let c = LinearConfig {
            seed: 1,
            ..LinearConfig::default()
        }
        .generate()
        .unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn polynomial_and_sine_golden_values() {
        let p = TargetFunction::Polynomial {
            coefficients: vec![1.0, -2.0, 3.0],
        };
        assert_eq!(p.eval(2.0), 9.0); // 1 − 4 + 12
        assert_eq!(p.eval(0.0), 1.0);
        let s = TargetFunction::Sine { frequency: 1.0 };
        assert_eq!(s.eval(0.25), 1.0);
        assert!(s.eval(0.5).abs() < 1e-15);
    }

    #[test]
    fn curve_inputs_lie_in_range_and_noiseless_targets_follow_f() {
        let config = CurveConfig {
            samples: 500,
            target: TargetFunction::Polynomial {
                coefficients: vec![0.5, 0.0, -1.0, 0.25],
            },
            noise: 0.0,
            x_range: [-2.0, 3.0],
            seed: 7,
        };
        let data = config.generate().unwrap();
        assert_eq!(data.len(), 500);
        for (&x, &y) in data.inputs.iter().zip(&data.targets) {
            assert!((-2.0..3.0).contains(&x));
            assert_eq!(y, config.target.eval(x));
        }
    }

    #[test]
    fn line_recovers_slope_and_intercept_by_least_squares() {
        let config = CurveConfig {
            samples: 5000,
            ..CurveConfig::line(1.5, -0.25)
        };
        let data = config.generate().unwrap();
        let n = data.len() as f64;
        let mean_x = data.inputs.iter().sum::<f64>() / n;
        let mean_y = data.targets.iter().sum::<f64>() / n;
        let sxy: f64 = data
            .inputs
            .iter()
            .zip(&data.targets)
            .map(|(x, y)| (x - mean_x) * (y - mean_y))
            .sum();
        let sxx: f64 = data.inputs.iter().map(|x| (x - mean_x).powi(2)).sum();
        let slope = sxy / sxx;
        let intercept = mean_y - slope * mean_x;
        assert!((slope - 1.5).abs() < 0.01, "slope {slope}");
        assert!((intercept + 0.25).abs() < 0.01, "intercept {intercept}");
    }

    #[test]
    fn logistic_loss_gradient_vanishes_near_the_true_weights() {
        // ∇ of the mean log loss is (1/n)·Σ (σ(w·xᵢ) − yᵢ)·xᵢ; at the true
        // weights its expectation is 0, elsewhere it is not.
        let config = LogisticConfig {
            samples: 10_000,
            ..LogisticConfig::default()
        };
        let data = config.generate().unwrap();
        let gradient = |w: [f64; 2]| {
            let mut g = [0.0; 2];
            for (x, &y) in data.features.iter().zip(&data.labels) {
                let residual = Real::sigmoid(w[0] * x[0] + w[1] * x[1]) - y as f64;
                g[0] += residual * x[0] / data.len() as f64;
                g[1] += residual * x[1] / data.len() as f64;
            }
            g
        };
        let at_truth = gradient(config.weights);
        let at_zero = gradient([0.0, 0.0]);
        assert!(
            at_truth[0].abs() < 0.02 && at_truth[1].abs() < 0.02,
            "{at_truth:?}"
        );
        assert!(at_zero[0].abs() > 0.1, "{at_zero:?}");
        let counts = data.class_counts();
        assert!(counts[0].abs_diff(counts[1]) < 400, "{counts:?}");
    }

    #[test]
    fn bad_configs_say_what_is_allowed() {
        let err = LinearConfig {
            correlation: 1.0,
            ..LinearConfig::default()
        }
        .generate()
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "`correlation` = 1 is out of range; allowed: a number strictly between -1 and 1"
        );
        let err = LinearConfig {
            scales: [1.0, 0.0],
            ..LinearConfig::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "`scales[1]` = 0 is out of range; allowed: a number from 0.001 to 1000"
        );
        let err = CurveConfig {
            x_range: [1.0, -1.0],
            ..CurveConfig::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(err.to_string(), "`x_range` must be increasing, got [1, -1]");
        let err = CurveConfig {
            target: TargetFunction::Polynomial {
                coefficients: vec![],
            },
            ..CurveConfig::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "`number of coefficients` = 0 is out of range; allowed: an integer from 1 to 11"
        );
        let err = LogisticConfig {
            weights: [f64::INFINITY, 0.0],
            ..LogisticConfig::default()
        }
        .validate()
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("`weights[0]` = inf is out of range")
        );
    }

    #[test]
    fn curve_config_reads_from_json() {
        let config: CurveConfig = serde_json::from_str(
            r#"{"samples": 12, "target": {"kind": "polynomial", "coefficients": [0, 1]}}"#,
        )
        .unwrap();
        assert_eq!(config.samples, 12);
        assert_eq!(config.target.eval(3.0), 3.0);
        let err =
            serde_json::from_str::<CurveConfig>(r#"{"target": {"kind": "cosine"}}"#).unwrap_err();
        assert!(
            err.to_string().contains("unknown variant `cosine`"),
            "{err}"
        );
    }
}
