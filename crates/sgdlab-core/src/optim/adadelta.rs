//! Adadelta: RMSprop whose step size is itself a running RMS of past
//! updates, so the update has the units of θ and needs (almost) no
//! learning rate.
//!
//! ```text
//! g ← ±∇L(θ) + λθ                              (− when maximize)
//! v ← ρ·v + (1 − ρ)·g²                         (square_avg)
//! Δ ← √(u + ε) / √(v + ε) · g                  (the update)
//! u ← ρ·u + (1 − ρ)·Δ²                         (acc_delta)
//! θ ← θ − η·Δ
//! ```
//!
//! Matches `torch.optim.Adadelta`: names and defaults (`lr` 1.0, `rho` 0.9,
//! `eps` 1e-6, `weight_decay` 0, `maximize` false), validation messages
//! (0 ≤ ρ ≤ 1), and the operation order of its single-tensor path.
//! `foreach`, `capturable` and `differentiable` are implementation switches
//! and are left out.
//!
//! Reference: Zeiler, "ADADELTA: An Adaptive Learning Rate Method" (2012).
//!
//! ```
//! use sgdlab_core::optim::{Optimizer, StepInput, adadelta::{Adadelta, AdadeltaConfig}};
//! let mut opt = Adadelta::new(AdadeltaConfig::default()).unwrap();
//! let mut theta = [1.0_f64];
//! opt.step(&mut theta, &StepInput::gradient(&[2.0])).unwrap();
//! // Δ = √ε/√(0.1·4 + ε)·2 ≈ 3.2e-3: the first steps are tiny, then u builds up.
//! assert!((1.0 - theta[0] - 3.162e-3).abs() < 1e-5);
//! ```

use super::config::{merge, non_negative, to_json, torch_float};
use super::decay::{WeightDecay, oriented};
use super::kernels::{add_scaled, addcmul};
use super::{OptimError, Optimizer, StepInput};
use crate::Real;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The update rule of the module doc, for the page.
const UPDATE_RULE: &str = "\
g ← ±∇L(θ) + λθ                              (− when maximize)
v ← ρ·v + (1 − ρ)·g²                         (square_avg)
Δ ← √(u + ε) / √(v + ε) · g                  (the update)
u ← ρ·u + (1 − ρ)·Δ²                         (acc_delta)
θ ← θ − η·Δ";

/// Hyperparameters of [`Adadelta`], named and defaulted as in `torch.optim.Adadelta`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AdadeltaConfig {
    /// Learning rate η, a multiplier on Δ. Defaults to `1.0`.
    pub lr: f64,
    /// Decay ρ of both running averages. Defaults to `0.9`.
    pub rho: f64,
    /// ε inside both square roots. Defaults to `1e-6`.
    pub eps: f64,
    /// L2 penalty λ added to the gradient. Defaults to `0`.
    pub weight_decay: f64,
    /// Ascend the objective instead. Defaults to `false`.
    pub maximize: bool,
}

impl Default for AdadeltaConfig {
    fn default() -> Self {
        Self {
            lr: 1.0,
            rho: 0.9,
            eps: 1e-6,
            weight_decay: 0.0,
            maximize: false,
        }
    }
}

impl AdadeltaConfig {
    /// Rejects what `torch.optim.Adadelta.__init__` rejects, with its messages.
    pub fn validate(&self) -> Result<(), OptimError> {
        non_negative("learning rate", self.lr)?;
        if !(0.0..=1.0).contains(&self.rho) {
            return Err(OptimError::Invalid(format!(
                "Invalid rho value: {}",
                torch_float(self.rho)
            )));
        }
        non_negative("epsilon value", self.eps)?;
        non_negative("weight_decay value", self.weight_decay)
    }
}

/// The state of [`Adadelta`]. The vectors are empty until the first step.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AdadeltaState<T> {
    /// Steps taken.
    pub step: u64,
    /// Running average v of g² (`square_avg`).
    pub square_avg: Vec<T>,
    /// Running average u of Δ² (`acc_delta`).
    pub acc_delta: Vec<T>,
}

/// `torch.optim.Adadelta`.
#[derive(Clone, Debug)]
pub struct Adadelta<T> {
    pub config: AdadeltaConfig,
    pub state: AdadeltaState<T>,
}

impl<T: Real> Adadelta<T> {
    pub fn new(config: AdadeltaConfig) -> Result<Self, OptimError> {
        config.validate()?;
        Ok(Self {
            config,
            state: AdadeltaState::default(),
        })
    }
}

impl<T: Real> Optimizer<T> for Adadelta<T> {
    fn name(&self) -> &'static str {
        "adadelta"
    }

    fn update_rule(&self) -> &'static str {
        UPDATE_RULE
    }

    fn config(&self) -> Value {
        to_json(&self.config)
    }

    fn set_config(&mut self, config: Value) -> Result<(), OptimError> {
        let next: AdadeltaConfig = merge("adadelta", &self.config, config)?;
        next.validate()?;
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
        let (c, state, grad) = (&self.config, &mut self.state, input.grad);
        assert_eq!(params.len(), grad.len(), "one gradient entry per parameter");
        if state.step == 0 {
            state.square_avg = vec![T::ZERO; params.len()];
            state.acc_delta = vec![T::ZERO; params.len()];
        }
        state.step += 1;

        let (rho, one_minus_rho) = (T::from_f64(c.rho), T::from_f64(1.0 - c.rho));
        let (eps, neg_lr) = (T::from_f64(c.eps), T::from_f64(-c.lr));
        let decay = WeightDecay::l2(c.weight_decay);

        for i in 0..params.len() {
            let p = &mut params[i];
            let g = decay.apply(p, oriented(grad[i], c.maximize));
            let v = &mut state.square_avg[i];
            *v = addcmul(*v * rho, one_minus_rho, g, g);
            let u = &mut state.acc_delta[i];
            let delta = (*u + eps).sqrt() / (*v + eps).sqrt() * g;
            *u = addcmul(*u * rho, one_minus_rho, delta, delta);
            *p = add_scaled(*p, neg_lr, delta);
        }
        Ok(())
    }

    /// Adadelta keeps no velocity, only the magnitudes in [`AdadeltaState`].
    fn velocity(&self) -> Option<&[T]> {
        None
    }

    fn reset(&mut self) {
        self.state = AdadeltaState::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rho_above_one_is_rejected_like_torch() {
        let err = Adadelta::<f64>::new(AdadeltaConfig {
            rho: 1.5,
            ..AdadeltaConfig::default()
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "Invalid rho value: 1.5");
    }

    #[test]
    fn the_update_has_the_units_of_theta() {
        // Scaling the objective by k scales g by k but leaves Δ unchanged
        // (up to ε), so the distance travelled is the same.
        let run = |k: f64| {
            let mut opt = Adadelta::new(AdadeltaConfig {
                eps: 1e-12,
                ..AdadeltaConfig::default()
            })
            .unwrap();
            let mut p = [1.0_f64];
            for _ in 0..30 {
                let grad = [k * 2.0 * p[0]];
                opt.step(&mut p, &StepInput::gradient(&grad)).unwrap();
            }
            1.0 - p[0]
        };
        let (travelled, travelled_scaled) = (run(1.0), run(1000.0));
        assert!(travelled > 1e-5);
        assert!((travelled - travelled_scaled).abs() < 1e-6 * travelled);
    }
}
