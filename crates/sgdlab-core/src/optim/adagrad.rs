//! Adagrad: divide each coordinate's step by the root of the sum of all its
//! past squared gradients, so rarely-moved coordinates take larger steps and
//! every step shrinks over time.
//!
//! ```text
//! g ← ±∇L(θ) + λθ                              (− when maximize)
//! η̃ ← η / (1 + (t − 1)·δ)                      (δ = lr_decay)
//! s ← s + g²                                   (s₀ = initial_accumulator_value)
//! θ ← θ − η̃ · g / (√s + ε)
//! ```
//!
//! Matches `torch.optim.Adagrad`: names and defaults (`lr` 1e-2, `lr_decay`
//! 0, `weight_decay` 0, `initial_accumulator_value` 0, `eps` 1e-10,
//! `maximize` false), validation messages, and the operation order of its
//! single-tensor (dense) path. `foreach`, `fused` and `differentiable` are
//! implementation switches and are left out. PyTorch fills the accumulator
//! when the optimizer is built; here it is filled at the first step, from the
//! `initial_accumulator_value` in force then.
//!
//! Reference: Duchi, Hazan & Singer, "Adaptive Subgradient Methods for
//! Online Learning and Stochastic Optimization" (JMLR 2011).
//!
//! ```
//! use sgdlab_core::optim::{Optimizer, StepInput, adagrad::{Adagrad, AdagradConfig}};
//! let mut opt = Adagrad::new(AdagradConfig { lr: 0.5, ..AdagradConfig::default() }).unwrap();
//! let mut theta = [1.0_f64, -2.0];
//! let grad = [2.0 * theta[0], 2.0 * theta[1]]; // ∇(x² + y²)
//! opt.step(&mut theta, &StepInput::gradient(&grad)).unwrap();
//! // The first step has length lr in every coordinate: g/√(g²) = ±1.
//! assert!((theta[0] - 0.5).abs() < 1e-9 && (theta[1] + 1.5).abs() < 1e-9);
//! ```

use super::config::{merge, non_negative, to_json};
use super::decay::{WeightDecay, oriented};
use super::kernels::{addcdiv, addcmul};
use super::{OptimError, Optimizer, StepInput};
use crate::Real;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The update rule of the module doc, for the page.
const UPDATE_RULE: &str = "\
g ← ±∇L(θ) + λθ                              (− when maximize)
η̃ ← η / (1 + (t − 1)·δ)                      (δ = lr_decay)
s ← s + g²                                   (s₀ = initial_accumulator_value)
θ ← θ − η̃ · g / (√s + ε)";

/// Hyperparameters of [`Adagrad`], named and defaulted as in `torch.optim.Adagrad`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AdagradConfig {
    /// Learning rate η. Defaults to `1e-2`.
    pub lr: f64,
    /// δ in the learning-rate decay η/(1 + (t − 1)δ). Defaults to `0`.
    pub lr_decay: f64,
    /// L2 penalty λ added to the gradient. Defaults to `0`.
    pub weight_decay: f64,
    /// Starting value s₀ of the sum of squared gradients. Defaults to `0`.
    pub initial_accumulator_value: f64,
    /// ε added to the denominator. Defaults to `1e-10`.
    pub eps: f64,
    /// Ascend the objective instead. Defaults to `false`.
    pub maximize: bool,
}

impl Default for AdagradConfig {
    fn default() -> Self {
        Self {
            lr: 1e-2,
            lr_decay: 0.0,
            weight_decay: 0.0,
            initial_accumulator_value: 0.0,
            eps: 1e-10,
            maximize: false,
        }
    }
}

impl AdagradConfig {
    /// Rejects what `torch.optim.Adagrad.__init__` rejects, with its messages.
    pub fn validate(&self) -> Result<(), OptimError> {
        non_negative("learning rate", self.lr)?;
        non_negative("lr_decay value", self.lr_decay)?;
        non_negative("weight_decay value", self.weight_decay)?;
        non_negative(
            "initial_accumulator_value value",
            self.initial_accumulator_value,
        )?;
        non_negative("epsilon value", self.eps)
    }
}

/// The state of [`Adagrad`]. `sum` is empty until the first step.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AdagradState<T> {
    /// Steps taken, t.
    pub step: u64,
    /// Sum s of squared gradients so far (`sum`).
    pub sum: Vec<T>,
}

/// `torch.optim.Adagrad`.
#[derive(Clone, Debug)]
pub struct Adagrad<T> {
    pub config: AdagradConfig,
    pub state: AdagradState<T>,
}

impl<T: Real> Adagrad<T> {
    pub fn new(config: AdagradConfig) -> Result<Self, OptimError> {
        config.validate()?;
        Ok(Self {
            config,
            state: AdagradState::default(),
        })
    }
}

impl<T: Real> Optimizer<T> for Adagrad<T> {
    fn name(&self) -> &'static str {
        "adagrad"
    }

    fn update_rule(&self) -> &'static str {
        UPDATE_RULE
    }

    fn config(&self) -> Value {
        to_json(&self.config)
    }

    fn set_config(&mut self, config: Value) -> Result<(), OptimError> {
        let next: AdagradConfig = merge("adagrad", &self.config, config)?;
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
            state.sum = vec![T::from_f64(c.initial_accumulator_value); params.len()];
        }
        state.step += 1;

        let clr = c.lr / (1.0 + (state.step as f64 - 1.0) * c.lr_decay);
        let (neg_clr, eps) = (T::from_f64(-clr), T::from_f64(c.eps));
        let decay = WeightDecay::l2(c.weight_decay);

        for ((p, &raw), s) in params.iter_mut().zip(grad).zip(state.sum.iter_mut()) {
            let g = decay.apply(p, oriented(raw, c.maximize));
            *s = addcmul(*s, T::ONE, g, g);
            *p = addcdiv(*p, neg_clr, g, s.sqrt() + eps);
        }
        Ok(())
    }

    /// Adagrad keeps no velocity, only the magnitudes in
    /// [`AdagradState::sum`].
    fn velocity(&self) -> Option<&[T]> {
        None
    }

    fn reset(&mut self) {
        self.state = AdagradState::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_initial_accumulator_is_rejected_like_torch() {
        let err = Adagrad::<f64>::new(AdagradConfig {
            initial_accumulator_value: -1.0,
            ..AdagradConfig::default()
        })
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Invalid initial_accumulator_value value: -1.0"
        );
    }

    #[test]
    fn a_constant_gradient_takes_steps_shrinking_like_one_over_root_t() {
        let mut opt = Adagrad::new(AdagradConfig {
            lr: 1.0,
            eps: 0.0,
            ..AdagradConfig::default()
        })
        .unwrap();
        let mut p = [0.0_f64];
        for t in 1..=50 {
            let before = p[0];
            opt.step(&mut p, &StepInput::gradient(&[3.0])).unwrap();
            let expected = 1.0 / f64::from(t).sqrt();
            assert!(((before - p[0]) - expected).abs() < 1e-14);
        }
    }
}
