//! NAdam: Adam with Nesterov momentum, with the momentum schedule of Dozat.
//!
//! ```text
//! g ← ±∇L(θ)                                   (− when maximize)
//! θ ← θ·(1 − η·λ)      if decoupled_weight_decay,  else  g ← g + λθ
//! μₜ ← β₁·(1 − ½·0.96^(t·ψ))                    (ψ = momentum_decay)
//! Πₜ ← Πₜ₋₁·μₜ                                  (mu_product, Π₀ = 1)
//! m ← m + (1 − β₁)·(g − m)
//! v ← β₂·v + (1 − β₂)·g²
//! d ← √(v / (1 − β₂ᵗ)) + ε
//! θ ← θ − η(1 − μₜ)/(1 − Πₜ) · g/d − η·μₜ₊₁/(1 − Πₜ·μₜ₊₁) · m/d
//! ```
//!
//! The first term is the step along the fresh gradient, the second the
//! look-ahead along the momentum (the next step's share of m), which is what
//! makes the momentum "Nesterov".
//!
//! Matches `torch.optim.NAdam`: names and defaults (`lr` 2e-3, `betas`
//! (0.9, 0.999) split into `beta1`/`beta2`, `eps` 1e-8, `weight_decay` 0,
//! `momentum_decay` 4e-3, `decoupled_weight_decay` false (true gives
//! NAdamW), `maximize` false), validation messages and the operation order
//! of its single-tensor path. `foreach`, `capturable` and `differentiable`
//! are implementation switches and are left out.
//!
//! Reference: Dozat, "Incorporating Nesterov Momentum into Adam" (ICLR 2016
//! workshop).
//!
//! ```
//! use sgdlab_core::optim::{Optimizer, StepInput, nadam::{NAdam, NAdamConfig}};
//! let mut opt = NAdam::new(NAdamConfig::default()).unwrap();
//! let mut theta = [1.0_f64, -2.0];
//! for _ in 0..100 {
//!     let grad = [2.0 * theta[0], 2.0 * theta[1]]; // ∇(x² + y²)
//!     opt.step(&mut theta, &StepInput::gradient(&grad)).unwrap();
//! }
//! assert!(theta[0] < 1.0 && theta[1] > -2.0);
//! assert_eq!(opt.state.step, 100);
//! ```

use super::adam::check_betas;
use super::config::{merge, non_negative, to_json};
use super::decay::{WeightDecay, oriented};
use super::kernels::{addcdiv, addcmul, lerp};
use super::{OptimError, Optimizer, StepInput};
use crate::Real;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The update rule of the module doc, for the page.
const UPDATE_RULE: &str = "\
g ← ±∇L(θ)                                   (− when maximize)
θ ← θ·(1 − η·λ)      if decoupled_weight_decay,  else  g ← g + λθ
μₜ ← β₁·(1 − ½·0.96^(t·ψ))                    (ψ = momentum_decay)
Πₜ ← Πₜ₋₁·μₜ                                  (mu_product, Π₀ = 1)
m ← m + (1 − β₁)·(g − m)
v ← β₂·v + (1 − β₂)·g²
d ← √(v / (1 − β₂ᵗ)) + ε
θ ← θ − η(1 − μₜ)/(1 − Πₜ) · g/d − η·μₜ₊₁/(1 − Πₜ·μₜ₊₁) · m/d";

/// Hyperparameters of [`NAdam`], named and defaulted as in `torch.optim.NAdam`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NAdamConfig {
    /// Learning rate η. Defaults to `2e-3`.
    pub lr: f64,
    /// Decay β₁ of the first moment (`betas[0]`). Defaults to `0.9`.
    pub beta1: f64,
    /// Decay β₂ of the second moment (`betas[1]`). Defaults to `0.999`.
    pub beta2: f64,
    /// ε added to the denominator. Defaults to `1e-8`.
    pub eps: f64,
    /// Weight decay λ. Defaults to `0`.
    pub weight_decay: f64,
    /// ψ in the momentum schedule μₜ = β₁(1 − ½·0.96^(tψ)). Defaults to `4e-3`.
    pub momentum_decay: f64,
    /// Shrink θ by η·λ directly (NAdamW) instead of adding λθ to the
    /// gradient. Defaults to `false`.
    pub decoupled_weight_decay: bool,
    /// Ascend the objective instead. Defaults to `false`.
    pub maximize: bool,
}

impl Default for NAdamConfig {
    fn default() -> Self {
        Self {
            lr: 2e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
            momentum_decay: 4e-3,
            decoupled_weight_decay: false,
            maximize: false,
        }
    }
}

impl NAdamConfig {
    /// Rejects what `torch.optim.NAdam.__init__` rejects, with its messages.
    pub fn validate(&self) -> Result<(), OptimError> {
        non_negative("learning rate", self.lr)?;
        non_negative("epsilon value", self.eps)?;
        check_betas(self.beta1, self.beta2)?;
        non_negative("weight_decay value", self.weight_decay)?;
        non_negative("momentum_decay value", self.momentum_decay)
    }
}

/// The state of [`NAdam`]. The vectors are empty until the first step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NAdamState<T> {
    /// Steps taken, t.
    pub step: u64,
    /// Πₜ = μ₁·μ₂·…·μₜ (`mu_product`), 1 before the first step.
    pub mu_product: T,
    /// First moment m (`exp_avg`).
    pub exp_avg: Vec<T>,
    /// Second moment v (`exp_avg_sq`).
    pub exp_avg_sq: Vec<T>,
}

impl<T: Real> Default for NAdamState<T> {
    fn default() -> Self {
        Self {
            step: 0,
            mu_product: T::ONE,
            exp_avg: Vec::new(),
            exp_avg_sq: Vec::new(),
        }
    }
}

/// `torch.optim.NAdam`.
#[derive(Clone, Debug)]
pub struct NAdam<T> {
    pub config: NAdamConfig,
    pub state: NAdamState<T>,
}

impl<T: Real> NAdam<T> {
    pub fn new(config: NAdamConfig) -> Result<Self, OptimError> {
        config.validate()?;
        Ok(Self {
            config,
            state: NAdamState::default(),
        })
    }
}

/// μₜ = β₁·(1 − ½·0.96^(t·ψ)), the momentum coefficient of step t.
fn momentum_coefficient(beta1: f64, momentum_decay: f64, t: f64) -> f64 {
    beta1 * (1.0 - 0.5 * libm::pow(0.96, t * momentum_decay))
}

impl<T: Real> Optimizer<T> for NAdam<T> {
    fn name(&self) -> &'static str {
        "nadam"
    }

    fn update_rule(&self) -> &'static str {
        UPDATE_RULE
    }

    fn config(&self) -> Value {
        to_json(&self.config)
    }

    fn set_config(&mut self, config: Value) -> Result<(), OptimError> {
        let next: NAdamConfig = merge("nadam", &self.config, config)?;
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
            state.exp_avg = vec![T::ZERO; params.len()];
            state.exp_avg_sq = vec![T::ZERO; params.len()];
        }
        state.step += 1;

        // The scalars, formed in f64 as Python forms them.
        let t = state.step as f64;
        let bias_correction2 = T::from_f64(1.0 - libm::pow(c.beta2, t));
        let mu = momentum_coefficient(c.beta1, c.momentum_decay, t);
        let mu_next = momentum_coefficient(c.beta1, c.momentum_decay, t + 1.0);
        state.mu_product *= T::from_f64(mu);
        let mu_product = state.mu_product.to_f64();
        let mu_product_next = mu_product * mu_next;
        let grad_coefficient = T::from_f64(-c.lr * (1.0 - mu) / (1.0 - mu_product));
        let momentum_coefficient = T::from_f64(-c.lr * mu_next / (1.0 - mu_product_next));
        let decay = WeightDecay::new(c.weight_decay, c.decoupled_weight_decay, c.lr);
        let one_minus_beta1 = T::from_f64(1.0 - c.beta1);
        let (beta2, one_minus_beta2) = (T::from_f64(c.beta2), T::from_f64(1.0 - c.beta2));
        let eps = T::from_f64(c.eps);

        for i in 0..params.len() {
            let p = &mut params[i];
            let g = decay.apply(p, oriented(grad[i], c.maximize));
            let m = &mut state.exp_avg[i];
            *m = lerp(*m, g, one_minus_beta1);
            let v = &mut state.exp_avg_sq[i];
            *v = addcmul(*v * beta2, one_minus_beta2, g, g);
            let denom = (*v / bias_correction2).sqrt() + eps;
            *p = addcdiv(*p, grad_coefficient, g, denom);
            *p = addcdiv(*p, momentum_coefficient, *m, denom);
        }
        Ok(())
    }

    /// The first moment m, the momentum NAdam looks ahead along.
    fn velocity(&self) -> Option<&[T]> {
        (self.state.step > 0).then_some(self.state.exp_avg.as_slice())
    }

    fn reset(&mut self) {
        self.state = NAdamState::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_momentum_decay_is_rejected_like_torch() {
        let err = NAdam::<f64>::new(NAdamConfig {
            momentum_decay: -0.5,
            ..NAdamConfig::default()
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "Invalid momentum_decay value: -0.5");
    }

    #[test]
    fn mu_product_is_the_product_of_the_momentum_schedule() {
        let mut opt = NAdam::new(NAdamConfig::default()).unwrap();
        let mut p = [1.0_f64];
        let mut product = 1.0;
        for t in 1..=10 {
            let grad = [p[0]];
            opt.step(&mut p, &StepInput::gradient(&grad)).unwrap();
            product *= momentum_coefficient(0.9, 4e-3, f64::from(t));
        }
        assert_eq!(opt.state.mu_product, product);
    }
}
