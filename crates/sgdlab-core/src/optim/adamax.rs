//! Adamax: Adam with the RMS of the gradient replaced by a decaying running
//! maximum of |g| (the infinity norm), which needs no bias correction.
//!
//! ```text
//! g ← ±∇L(θ) + λθ                              (− when maximize)
//! m ← m + (1 − β₁)·(g − m)                     (first moment, lerp)
//! u ← max(β₂·u, |g| + ε)                       (exp_inf)
//! θ ← θ − η/(1 − β₁ᵗ) · m / u
//! ```
//!
//! Matches `torch.optim.Adamax`: names and defaults (`lr` 2e-3, `betas`
//! (0.9, 0.999) split into `beta1`/`beta2`, `eps` 1e-8, `weight_decay` 0,
//! `maximize` false), validation messages, and the operation order of its
//! single-tensor path. Note that ε sits inside the maximum, as in PyTorch,
//! not in the denominator as in the paper. `foreach`, `capturable` and
//! `differentiable` are implementation switches and are left out.
//!
//! Reference: Kingma & Ba, "Adam: A Method for Stochastic Optimization"
//! (ICLR 2015), section 7.1.
//!
//! ```
//! use sgdlab_core::optim::{Optimizer, StepInput, adamax::{Adamax, AdamaxConfig}};
//! let mut opt = Adamax::new(AdamaxConfig { lr: 0.1, ..AdamaxConfig::default() }).unwrap();
//! let mut theta = [1.0_f64, -2.0];
//! let grad = [2.0 * theta[0], 2.0 * theta[1]]; // ∇(x² + y²)
//! opt.step(&mut theta, &StepInput::gradient(&grad)).unwrap();
//! // The first step moves every coordinate by lr against the sign of g.
//! assert!((theta[0] - 0.9).abs() < 1e-6 && (theta[1] + 1.9).abs() < 1e-6);
//! ```

use super::adam::check_betas;
use super::config::{merge, non_negative, to_json};
use super::decay::{WeightDecay, oriented};
use super::kernels::{addcdiv, lerp};
use super::{OptimError, Optimizer, StepInput};
use crate::Real;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The update rule of the module doc, for the page.
const UPDATE_RULE: &str = "\
g ← ±∇L(θ) + λθ                              (− when maximize)
m ← m + (1 − β₁)·(g − m)                     (first moment, lerp)
u ← max(β₂·u, |g| + ε)                       (exp_inf)
θ ← θ − η/(1 − β₁ᵗ) · m / u";

/// Hyperparameters of [`Adamax`], named and defaulted as in `torch.optim.Adamax`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AdamaxConfig {
    /// Learning rate η. Defaults to `2e-3`.
    pub lr: f64,
    /// Decay β₁ of the first moment (`betas[0]`). Defaults to `0.9`.
    pub beta1: f64,
    /// Decay β₂ of the running maximum (`betas[1]`). Defaults to `0.999`.
    pub beta2: f64,
    /// ε added to |g| before the maximum. Defaults to `1e-8`.
    pub eps: f64,
    /// L2 penalty λ added to the gradient. Defaults to `0`.
    pub weight_decay: f64,
    /// Ascend the objective instead. Defaults to `false`.
    pub maximize: bool,
}

impl Default for AdamaxConfig {
    fn default() -> Self {
        Self {
            lr: 2e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
            maximize: false,
        }
    }
}

impl AdamaxConfig {
    /// Rejects what `torch.optim.Adamax.__init__` rejects, with its messages.
    pub fn validate(&self) -> Result<(), OptimError> {
        non_negative("learning rate", self.lr)?;
        non_negative("epsilon value", self.eps)?;
        check_betas(self.beta1, self.beta2)?;
        non_negative("weight_decay value", self.weight_decay)
    }
}

/// The state of [`Adamax`]. The vectors are empty until the first step.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AdamaxState<T> {
    /// Steps taken, t.
    pub step: u64,
    /// First moment m (`exp_avg`).
    pub exp_avg: Vec<T>,
    /// Decaying running maximum u of |g| (`exp_inf`).
    pub exp_inf: Vec<T>,
}

/// `torch.optim.Adamax`.
#[derive(Clone, Debug)]
pub struct Adamax<T> {
    pub config: AdamaxConfig,
    pub state: AdamaxState<T>,
}

impl<T: Real> Adamax<T> {
    pub fn new(config: AdamaxConfig) -> Result<Self, OptimError> {
        config.validate()?;
        Ok(Self {
            config,
            state: AdamaxState::default(),
        })
    }
}

impl<T: Real> Optimizer<T> for Adamax<T> {
    fn name(&self) -> &'static str {
        "adamax"
    }

    fn update_rule(&self) -> &'static str {
        UPDATE_RULE
    }

    fn config(&self) -> Value {
        to_json(&self.config)
    }

    fn set_config(&mut self, config: Value) -> Result<(), OptimError> {
        let next: AdamaxConfig = merge("adamax", &self.config, config)?;
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
            state.exp_inf = vec![T::ZERO; params.len()];
        }
        state.step += 1;

        let bias_correction = 1.0 - libm::pow(c.beta1, state.step as f64);
        let neg_clr = T::from_f64(-(c.lr / bias_correction));
        let one_minus_beta1 = T::from_f64(1.0 - c.beta1);
        let (beta2, eps) = (T::from_f64(c.beta2), T::from_f64(c.eps));
        let decay = WeightDecay::l2(c.weight_decay);

        for i in 0..params.len() {
            let p = &mut params[i];
            let g = decay.apply(p, oriented(grad[i], c.maximize));
            let m = &mut state.exp_avg[i];
            *m = lerp(*m, g, one_minus_beta1);
            let u = &mut state.exp_inf[i];
            *u = (*u * beta2).max(g.abs() + eps);
            *p = addcdiv(*p, neg_clr, *m, *u);
        }
        Ok(())
    }

    /// The first moment m, the direction Adamax moves along.
    fn velocity(&self) -> Option<&[T]> {
        (self.state.step > 0).then_some(self.state.exp_avg.as_slice())
    }

    fn reset(&mut self) {
        self.state = AdamaxState::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_length_is_bounded_by_lr_over_bias_correction() {
        // |m| ≤ u (up to ε), so |Δθ| ≤ η/(1 − β₁ᵗ) whatever the gradients.
        let mut opt = Adamax::new(AdamaxConfig {
            lr: 0.1,
            ..AdamaxConfig::default()
        })
        .unwrap();
        let mut p = [0.0_f64];
        for (t, g) in [3.0, -50.0, 0.2, 1e4, -1e-3].into_iter().enumerate() {
            let before = p[0];
            opt.step(&mut p, &StepInput::gradient(&[g])).unwrap();
            let bound = 0.1 / (1.0 - 0.9_f64.powi(t as i32 + 1));
            assert!((p[0] - before).abs() <= bound * (1.0 + 1e-12));
        }
    }
}
