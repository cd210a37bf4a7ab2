//! AdamW: Adam whose weight decay shrinks the parameters directly instead of
//! passing through the adaptive denominator.
//!
//! ```text
//! g ← ±∇L(θ)                                   (− when maximize)
//! θ ← θ·(1 − η·λ)                              (decoupled weight decay)
//! m ← m + (1 − β₁)·(g − m)
//! v ← β₂·v + (1 − β₂)·g²
//! v̂ ← max(v̂, v)  and use v̂ for v              (amsgrad only)
//! θ ← θ − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
//!                      (both corrections are 1 when bias_correction is false)
//! ```
//!
//! With L2 decay (Adam's `weight_decay`) a coordinate with large gradients
//! is barely decayed, because its λθ is divided by a large √v; decoupled
//! decay shrinks every coordinate by the same factor.
//!
//! Matches `torch.optim.AdamW`, which PyTorch implements as `Adam` with
//! `decoupled_weight_decay=True`; this file does the same. Defaults as in
//! PyTorch: `lr` 1e-3, `betas` (0.9, 0.999) split into `beta1`/`beta2`,
//! `eps` 1e-8, `weight_decay` 1e-2 (not 0 as in Adam), `amsgrad` false,
//! `maximize` false. `foreach`, `fused`, `capturable` and `differentiable`
//! choose among implementations of the same rule and are left out.
//!
//! Reference: Loshchilov & Hutter, "Decoupled Weight Decay Regularization"
//! (ICLR 2019).
//!
//! ```
//! use sgdlab_core::optim::{Optimizer, StepInput, adamw::{AdamW, AdamWConfig}};
//! let mut opt = AdamW::new(AdamWConfig { lr: 0.1, weight_decay: 0.5, ..AdamWConfig::default() }).unwrap();
//! let mut theta = [1.0_f64];
//! opt.step(&mut theta, &StepInput::gradient(&[0.0])).unwrap();
//! // No gradient: only the decay acts, θ ← θ·(1 − 0.1·0.5).
//! assert_eq!(theta, [0.95]);
//! ```

use super::adam::{AdamConfig, AdamState, adam_step};
use super::config::{merge, to_json};
use super::{OptimError, Optimizer, StepInput};
use crate::Real;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The update rule of the module doc, for the page.
const UPDATE_RULE: &str = "\
g ← ±∇L(θ)                                   (− when maximize)
θ ← θ·(1 − η·λ)                              (decoupled weight decay)
m ← m + (1 − β₁)·(g − m)
v ← β₂·v + (1 − β₂)·g²
v̂ ← max(v̂, v)  and use v̂ for v              (amsgrad only)
θ ← θ − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
                     (both corrections are 1 when bias_correction is false)";

/// Hyperparameters of [`AdamW`], named and defaulted as in `torch.optim.AdamW`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AdamWConfig {
    /// Learning rate η. Defaults to `1e-3`.
    pub lr: f64,
    /// Decay β₁ of the first moment (`betas[0]`). Defaults to `0.9`.
    pub beta1: f64,
    /// Decay β₂ of the second moment (`betas[1]`). Defaults to `0.999`.
    pub beta2: f64,
    /// ε added to the denominator. Defaults to `1e-8`.
    pub eps: f64,
    /// Decoupled weight decay λ. Defaults to `1e-2`.
    pub weight_decay: f64,
    /// Divide by the running maximum of v (AMSGrad). Defaults to `false`.
    pub amsgrad: bool,
    /// Ascend the objective instead. Defaults to `false`.
    pub maximize: bool,
    /// Divide m by 1 − β₁ᵗ and v by 1 − β₂ᵗ. sgdlab's extension: torch
    /// always corrects. Defaults to `true`.
    pub bias_correction: bool,
}

impl Default for AdamWConfig {
    fn default() -> Self {
        Self {
            lr: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 1e-2,
            amsgrad: false,
            maximize: false,
            bias_correction: true,
        }
    }
}

impl AdamWConfig {
    /// Rejects what `torch.optim.AdamW.__init__` rejects, with its messages.
    /// (AdamW's checks are Adam's.)
    pub fn validate(&self) -> Result<(), OptimError> {
        self.as_adam().validate()
    }

    /// The equivalent Adam configuration (`decoupled_weight_decay = true`).
    pub fn as_adam(&self) -> AdamConfig {
        AdamConfig {
            lr: self.lr,
            beta1: self.beta1,
            beta2: self.beta2,
            eps: self.eps,
            weight_decay: self.weight_decay,
            amsgrad: self.amsgrad,
            maximize: self.maximize,
            decoupled_weight_decay: true,
            bias_correction: self.bias_correction,
        }
    }
}

/// `torch.optim.AdamW`. Its state is Adam's.
#[derive(Clone, Debug)]
pub struct AdamW<T> {
    pub config: AdamWConfig,
    pub state: AdamState<T>,
}

impl<T: Real> AdamW<T> {
    pub fn new(config: AdamWConfig) -> Result<Self, OptimError> {
        config.validate()?;
        Ok(Self {
            config,
            state: AdamState::default(),
        })
    }
}

impl<T: Real> Optimizer<T> for AdamW<T> {
    fn name(&self) -> &'static str {
        "adamw"
    }

    fn update_rule(&self) -> &'static str {
        UPDATE_RULE
    }

    fn config(&self) -> Value {
        to_json(&self.config)
    }

    fn set_config(&mut self, config: Value) -> Result<(), OptimError> {
        let next: AdamWConfig = merge("adamw", &self.config, config)?;
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
        adam_step(
            &self.config.as_adam(),
            &mut self.state,
            params,
            input.grad,
            |_, _| {},
        );
        Ok(())
    }

    /// The first moment m, the direction AdamW moves along.
    fn velocity(&self) -> Option<&[T]> {
        (self.state.step > 0).then_some(self.state.exp_avg.as_slice())
    }

    fn reset(&mut self) {
        self.state = AdamState::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::adam::Adam;

    #[test]
    fn adamw_is_adam_with_decoupled_weight_decay() {
        let config = AdamWConfig {
            lr: 0.05,
            weight_decay: 0.3,
            amsgrad: true,
            ..AdamWConfig::default()
        };
        let mut adamw = AdamW::new(config.clone()).unwrap();
        let mut adam = Adam::new(config.as_adam()).unwrap();
        let (mut a, mut b) = ([1.0_f64, -0.5], [1.0_f64, -0.5]);
        for _ in 0..20 {
            let grad_a = [2.0 * a[0], 6.0 * a[1]];
            let grad_b = [2.0 * b[0], 6.0 * b[1]];
            adamw.step(&mut a, &StepInput::gradient(&grad_a)).unwrap();
            adam.step(&mut b, &StepInput::gradient(&grad_b)).unwrap();
        }
        assert_eq!(a, b);
        assert_eq!(adamw.state, adam.state);
    }
}
