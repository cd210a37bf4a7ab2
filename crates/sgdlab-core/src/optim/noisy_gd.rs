//! Gradient descent plus isotropic Gaussian noise: "GD + Gaussian noise".
//!
//! ```text
//! ξ ~ N(0, I)                      (drawn from the seeded stream)
//! θ ← θ − η·(∇L(θ) + σ·ξ)          (η = lr, σ = noise_std)
//! ```
//!
//! The playground races it against minibatch SGD. Both follow the gradient
//! plus zero-mean noise, but minibatch noise is neither Gaussian nor
//! isotropic: its covariance follows the data (it is large along directions
//! where examples disagree, and it vanishes where every example's gradient is
//! zero). Noise of a fixed σ in every direction, as here, keeps jittering
//! even at a minimum that fits every example.
//!
//! The noise comes from [`SeededRng::derive`]`(seed, "noisy_gd")`, one ξ per
//! step whatever σ is, so ξ at step t depends only on the seed and t: a run is
//! reproducible from its seed, changing σ or η mid-run keeps the stream, and
//! changing `seed` mid-run restarts the stream from the new seed.
//!
//! Reference: the perturbed gradient descent of Ge, Huang, Jin & Yuan (2015),
//! "Escaping From Saddle Points — Online Stochastic Gradient for Tensor
//! Decomposition" (there: noise to escape saddles).
//!
//! ```
//! use sgdlab_core::optim::{Optimizer, StepInput, noisy_gd::{NoisyGd, NoisyGdConfig}};
//! let config = NoisyGdConfig { lr: 0.1, noise_std: 0.5, seed: 7 };
//! let mut a = NoisyGd::new(config.clone()).unwrap();
//! let mut b = NoisyGd::new(config).unwrap();
//! let (mut x, mut y) = ([1.0_f64, 1.0], [1.0_f64, 1.0]);
//! for _ in 0..10 {
//!     let (gx, gy) = ([2.0 * x[0], 2.0 * x[1]], [2.0 * y[0], 2.0 * y[1]]);
//!     a.step(&mut x, &StepInput::gradient(&gx)).unwrap();
//!     b.step(&mut y, &StepInput::gradient(&gy)).unwrap();
//! }
//! assert_eq!(x, y); // same seed, same path
//! ```

use super::config::{merge, non_negative, to_json};
use super::{OptimError, Optimizer, StepInput};
use crate::{Real, SeededRng};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The update rule of the module doc, for the page.
const UPDATE_RULE: &str = "\
ξ ~ N(0, I)                      (drawn from the seeded stream)
θ ← θ − η·(∇L(θ) + σ·ξ)          (η = lr, σ = noise_std)";

/// Hyperparameters of [`NoisyGd`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NoisyGdConfig {
    /// Learning rate η. Defaults to `1e-3`, like SGD.
    pub lr: f64,
    /// Standard deviation σ of the noise added to each gradient component.
    /// Defaults to `1`.
    pub noise_std: f64,
    /// Seed of the noise stream. Defaults to `0`.
    pub seed: u64,
}

impl Default for NoisyGdConfig {
    fn default() -> Self {
        Self {
            lr: 1e-3,
            noise_std: 1.0,
            seed: 0,
        }
    }
}

impl NoisyGdConfig {
    /// Rejects a negative learning rate or noise level.
    pub fn validate(&self) -> Result<(), OptimError> {
        non_negative("learning rate", self.lr)?;
        non_negative("noise_std value", self.noise_std)?;
        Ok(())
    }
}

/// The state of [`NoisyGd`]: where it is in the noise stream, and the last
/// noise it added.
#[derive(Clone, Debug)]
pub struct NoisyGdState<T> {
    pub rng: SeededRng,
    /// σ·ξ of the last step (empty before the first).
    pub noise: Vec<T>,
}

impl<T> NoisyGdState<T> {
    fn seeded(seed: u64) -> Self {
        Self {
            rng: SeededRng::derive(seed, "noisy_gd"),
            noise: Vec::new(),
        }
    }
}

/// Gradient descent with Gaussian gradient noise.
#[derive(Clone, Debug)]
pub struct NoisyGd<T> {
    pub config: NoisyGdConfig,
    pub state: NoisyGdState<T>,
}

impl<T: Real> NoisyGd<T> {
    pub fn new(config: NoisyGdConfig) -> Result<Self, OptimError> {
        config.validate()?;
        Ok(Self {
            state: NoisyGdState::seeded(config.seed),
            config,
        })
    }

    /// σ·ξ, the noise added to the gradient at the last step.
    pub fn noise(&self) -> &[T] {
        &self.state.noise
    }
}

impl<T: Real> Optimizer<T> for NoisyGd<T> {
    fn name(&self) -> &'static str {
        "noisy_gd"
    }

    fn update_rule(&self) -> &'static str {
        UPDATE_RULE
    }

    fn config(&self) -> Value {
        to_json(&self.config)
    }

    fn set_config(&mut self, config: Value) -> Result<(), OptimError> {
        let next: NoisyGdConfig = merge("noisy_gd", &self.config, config)?;
        next.validate()?;
        if next.seed != self.config.seed {
            self.state = NoisyGdState::seeded(next.seed);
        }
        self.config = next;
        Ok(())
    }

    fn lr(&self) -> f64 {
        self.config.lr
    }

    fn set_lr(&mut self, lr: f64) {
        self.config.lr = lr;
    }

    fn step(&mut self, params: &mut [T], input: &StepInput<'_, T>) -> Result<(), OptimError> {
        let (lr, noise_std) = (
            T::from_f64(self.config.lr),
            T::from_f64(self.config.noise_std),
        );
        let rng = &mut self.state.rng;
        self.state.noise = params
            .iter()
            .map(|_| noise_std * T::from_f64(rng.normal()))
            .collect();
        for ((p, &g), &noise) in params.iter_mut().zip(input.grad).zip(&self.state.noise) {
            *p -= lr * (g + noise);
        }
        Ok(())
    }

    fn reset(&mut self) {
        self.state = NoisyGdState::seeded(self.config.seed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noisy(lr: f64, noise_std: f64, seed: u64) -> NoisyGd<f64> {
        NoisyGd::new(NoisyGdConfig {
            lr,
            noise_std,
            seed,
        })
        .unwrap()
    }

    fn run(opt: &mut NoisyGd<f64>, p: &mut [f64], steps: usize) {
        for _ in 0..steps {
            let g: Vec<f64> = p.iter().map(|x| 2.0 * x).collect();
            opt.step(p, &StepInput::gradient(&g)).unwrap();
        }
    }

    #[test]
    fn same_seed_same_path_other_seed_other_path() {
        let (mut a, mut b, mut c) = ([1.0, -1.0], [1.0, -1.0], [1.0, -1.0]);
        run(&mut noisy(0.05, 0.3, 9), &mut a, 50);
        run(&mut noisy(0.05, 0.3, 9), &mut b, 50);
        run(&mut noisy(0.05, 0.3, 10), &mut c, 50);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn noise_is_zero_mean_with_variance_sigma_squared() {
        // With ∇L = 0 each step moves θ by −η·σ·ξ exactly.
        let (lr, sigma) = (0.5, 2.0);
        let mut opt = noisy(lr, sigma, 3);
        let n = 50_000;
        let mut moves = Vec::with_capacity(2 * n);
        let mut p = [0.0_f64, 0.0];
        for _ in 0..n {
            let before = p;
            opt.step(&mut p, &StepInput::gradient(&[0.0, 0.0])).unwrap();
            moves.extend([(before[0] - p[0]) / lr, (before[1] - p[1]) / lr]);
            assert_eq!(opt.noise().len(), 2);
        }
        let count = moves.len() as f64;
        let mean = moves.iter().sum::<f64>() / count;
        let var = moves.iter().map(|m| (m - mean).powi(2)).sum::<f64>() / count;
        // Standard errors: σ/√N ≈ 0.009 for the mean, σ²·√(2/N) ≈ 0.018 for the variance.
        assert!(mean.abs() < 0.04, "mean {mean}");
        assert!((var - sigma * sigma).abs() < 0.08, "variance {var}");
    }

    #[test]
    fn zero_noise_is_gradient_descent() {
        let mut opt = noisy(0.1, 0.0, 1);
        let mut p = [1.0_f64, -2.0];
        opt.step(&mut p, &StepInput::gradient(&[2.0, -4.0]))
            .unwrap();
        assert_eq!(p, [0.8, -1.6]);
    }

    #[test]
    fn converges_on_a_convex_quadratic_to_within_the_noise() {
        // L = ½ θᵀAθ − bᵀθ, A = [[3, 1], [1, 2]], b = (1, 0): θ* = (0.4, −0.2).
        let mut opt = noisy(0.1, 0.01, 5);
        let mut p = [2.0_f64, -1.0];
        for _ in 0..500 {
            let g = [3.0 * p[0] + p[1] - 1.0, p[0] + 2.0 * p[1]];
            opt.step(&mut p, &StepInput::gradient(&g)).unwrap();
        }
        // Stationary spread ≈ σ·√(η / (2λ_min)) ≈ 0.003.
        assert!(
            (p[0] - 0.4).abs() < 0.02 && (p[1] + 0.2).abs() < 0.02,
            "{p:?}"
        );
    }

    #[test]
    fn changing_sigma_keeps_the_stream_and_changing_seed_restarts_it() {
        // A run that changes σ mid-way draws the same ξ as one that does not.
        let mut changed = noisy(0.1, 1.0, 4);
        let mut steady = noisy(0.1, 1.0, 4);
        let zero = StepInput::gradient(&[0.0_f64]);
        let mut p = [0.0_f64];
        for _ in 0..5 {
            changed.step(&mut p, &zero).unwrap();
            steady.step(&mut p, &zero).unwrap();
        }
        changed
            .set_config(serde_json::json!({"noise_std": 3.0, "lr": 0.2}))
            .unwrap();
        changed.step(&mut p, &zero).unwrap();
        steady.step(&mut p, &zero).unwrap();
        assert_eq!(changed.noise()[0], 3.0 * steady.noise()[0]);

        // A new seed gives the stream a fresh run from that seed would get.
        changed.set_config(serde_json::json!({"seed": 11})).unwrap();
        let mut fresh = noisy(0.1, 3.0, 11);
        changed.step(&mut p, &zero).unwrap();
        fresh.step(&mut p, &zero).unwrap();
        assert_eq!(changed.noise(), fresh.noise());
    }

    #[test]
    fn bad_values_are_rejected() {
        let mut opt = noisy(0.1, 1.0, 0);
        let err = opt
            .set_config(serde_json::json!({"noise_std": -1.0}))
            .unwrap_err();
        assert_eq!(err.to_string(), "Invalid noise_std value: -1.0");
        let err = opt.set_config(serde_json::json!({"seed": -3})).unwrap_err();
        assert!(matches!(err, OptimError::BadValue { .. }), "{err}");
        assert_eq!(opt.config.noise_std, 1.0);
    }
}
