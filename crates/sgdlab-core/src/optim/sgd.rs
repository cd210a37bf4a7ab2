//! Stochastic gradient descent with momentum, dampening, Nesterov momentum
//! and L2 weight decay.
//!
//! ```text
//! g ← ±∇L(θ) + λθ                     (− when maximize; λ = weight_decay)
//! b ← g                               (first step)
//! b ← μ·b + (1 − τ)·g                 (later steps; μ = momentum, τ = dampening)
//! d ← g + μ·b   if nesterov, else  d ← b      (d ← g when μ = 0)
//! θ ← θ − η·d                         (η = lr)
//! ```
//!
//! Matches `torch.optim.SGD` (names, defaults, order of operations and
//! validation messages), to the bit on the golden float64 trajectories in
//! `tests/torch_golden.rs`. `maximize` ascends instead of descending. With
//! μ = 0 this is plain (minibatch) gradient descent. `foreach`, `fused` and
//! `differentiable` choose among PyTorch's implementations of this same rule
//! and have no counterpart here.
//!
//! References: Robbins & Monro (1951); Polyak (1964); Sutskever et al. (2013)
//! for the Nesterov form PyTorch uses.
//!
//! ```
//! use sgdlab_core::optim::{Optimizer, StepInput, sgd::{Sgd, SgdConfig}};
//! let mut opt = Sgd::new(SgdConfig { lr: 0.1, momentum: 0.9, ..SgdConfig::default() }).unwrap();
//! let mut theta = [1.0_f64, -2.0];
//! let grad = [2.0 * theta[0], 2.0 * theta[1]]; // ∇(x² + y²)
//! opt.step(&mut theta, &StepInput::gradient(&grad)).unwrap();
//! assert_eq!(theta, [0.8, -1.6]);
//! ```

use super::config::{merge, non_negative, to_json};
use super::decay::{WeightDecay, oriented};
use super::kernels::add_scaled;
use super::{OptimError, Optimizer, StepInput};
use crate::Real;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The update rule of the module doc, for the page.
const UPDATE_RULE: &str = "\
g ← ±∇L(θ) + λθ                     (− when maximize; λ = weight_decay)
b ← g                               (first step)
b ← μ·b + (1 − τ)·g                 (later steps; μ = momentum, τ = dampening)
d ← g + μ·b   if nesterov, else  d ← b      (d ← g when μ = 0)
θ ← θ − η·d                         (η = lr)";

/// Hyperparameters of [`Sgd`], named and defaulted as in `torch.optim.SGD`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SgdConfig {
    /// Learning rate η. Defaults to `1e-3`.
    pub lr: f64,
    /// Momentum factor μ. Defaults to `0`.
    pub momentum: f64,
    /// Dampening τ of the momentum. Defaults to `0`.
    pub dampening: f64,
    /// L2 penalty λ added to the gradient. Defaults to `0`.
    pub weight_decay: f64,
    /// Use Nesterov momentum. Defaults to `false`.
    pub nesterov: bool,
    /// Ascend the objective instead. Defaults to `false`.
    pub maximize: bool,
}

impl Default for SgdConfig {
    fn default() -> Self {
        Self {
            lr: 1e-3,
            momentum: 0.0,
            dampening: 0.0,
            weight_decay: 0.0,
            nesterov: false,
            maximize: false,
        }
    }
}

impl SgdConfig {
    /// Rejects what `torch.optim.SGD.__init__` rejects, with its messages.
    pub fn validate(&self) -> Result<(), OptimError> {
        non_negative("learning rate", self.lr)?;
        non_negative("momentum value", self.momentum)?;
        non_negative("weight_decay value", self.weight_decay)?;
        if self.nesterov && (self.momentum <= 0.0 || self.dampening != 0.0) {
            return Err(OptimError::Invalid(
                "Nesterov momentum requires a momentum and zero dampening".into(),
            ));
        }
        Ok(())
    }
}

/// The state of [`Sgd`]: the momentum buffer, created on the first step.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SgdState<T> {
    pub momentum_buffer: Option<Vec<T>>,
}

/// `torch.optim.SGD`.
#[derive(Clone, Debug)]
pub struct Sgd<T> {
    pub config: SgdConfig,
    pub state: SgdState<T>,
}

impl<T: Real> Sgd<T> {
    pub fn new(config: SgdConfig) -> Result<Self, OptimError> {
        config.validate()?;
        Ok(Self {
            config,
            state: SgdState {
                momentum_buffer: None,
            },
        })
    }
}

impl<T: Real> Optimizer<T> for Sgd<T> {
    fn name(&self) -> &'static str {
        "sgd"
    }

    fn update_rule(&self) -> &'static str {
        UPDATE_RULE
    }

    fn config(&self) -> Value {
        to_json(&self.config)
    }

    fn set_config(&mut self, config: Value) -> Result<(), OptimError> {
        let next: SgdConfig = merge("sgd", &self.config, config)?;
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
        let c = &self.config;
        // Scalars are formed in f64, as Python forms them, then rounded to T.
        let (neg_lr, momentum, one_minus_dampening) = (
            T::from_f64(-c.lr),
            T::from_f64(c.momentum),
            T::from_f64(1.0 - c.dampening),
        );
        let decay = WeightDecay::l2(c.weight_decay);
        let first_step = self.state.momentum_buffer.is_none();
        let buffer = self
            .state
            .momentum_buffer
            .get_or_insert_with(|| vec![T::ZERO; params.len()]);
        for ((p, &raw), b) in params.iter_mut().zip(input.grad).zip(buffer.iter_mut()) {
            let mut g = decay.apply(p, oriented(raw, c.maximize));
            if c.momentum != 0.0 {
                *b = if first_step {
                    g
                } else {
                    add_scaled(*b * momentum, one_minus_dampening, g)
                };
                g = if c.nesterov {
                    add_scaled(g, momentum, *b)
                } else {
                    *b
                };
            }
            *p = add_scaled(*p, neg_lr, g);
        }
        if c.momentum == 0.0 {
            // PyTorch keeps no buffer without momentum.
            self.state.momentum_buffer = None;
        }
        Ok(())
    }

    fn velocity(&self) -> Option<&[T]> {
        self.state.momentum_buffer.as_deref()
    }

    fn reset(&mut self) {
        self.state = SgdState {
            momentum_buffer: None,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesterov_without_momentum_is_rejected_like_torch() {
        let err = Sgd::<f64>::new(SgdConfig {
            nesterov: true,
            ..SgdConfig::default()
        })
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Nesterov momentum requires a momentum and zero dampening"
        );
    }

    #[test]
    fn negative_lr_is_rejected_like_torch() {
        let err = Sgd::<f64>::new(SgdConfig {
            lr: -1.0,
            ..SgdConfig::default()
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "Invalid learning rate: -1.0");
    }

    #[test]
    fn changing_momentum_mid_run_keeps_the_buffer() {
        let mut opt = Sgd::new(SgdConfig {
            lr: 0.1,
            momentum: 0.9,
            ..SgdConfig::default()
        })
        .unwrap();
        let mut p = [1.0_f64];
        opt.step(&mut p, &StepInput::gradient(&[1.0])).unwrap();
        opt.set_config(serde_json::json!({"momentum": 0.5}))
            .unwrap();
        assert_eq!(opt.state.momentum_buffer, Some(vec![1.0]));
        opt.step(&mut p, &StepInput::gradient(&[1.0])).unwrap();
        assert_eq!(opt.state.momentum_buffer, Some(vec![1.5]));
    }
}
