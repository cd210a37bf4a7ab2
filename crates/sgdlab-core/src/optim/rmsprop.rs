//! RMSprop: divide the gradient by a running RMS of recent gradients, so
//! every coordinate moves at a similar pace whatever its scale. Optionally
//! centered (divide by a running standard deviation instead) and with
//! heavy-ball momentum on the scaled step.
//!
//! ```text
//! g ← ±∇L(θ) + λθ                              (− when maximize)
//! v ← α·v + (1 − α)·g²                         (square_avg)
//! ḡ ← ḡ + (1 − α)·(g − ḡ)                      (grad_avg, centered only)
//! s ← √(v − ḡ²) + ε   if centered,  else  s ← √v + ε
//! b ← μ·b + g/s,  θ ← θ − η·b                  (momentum μ > 0)
//! θ ← θ − η·g/s                                (μ = 0)
//! ```
//!
//! Matches `torch.optim.RMSprop`: names and defaults (`lr` 1e-2, `alpha`
//! 0.99, `eps` 1e-8, `weight_decay` 0, `momentum` 0, `centered` false,
//! `maximize` false), validation messages (PyTorch checks only α ≥ 0, so
//! α ≥ 1 is accepted here too), and the operation order of its
//! single-tensor path. There is no bias correction: v starts at 0, so early
//! steps are larger than η. `foreach`, `capturable` and `differentiable` are
//! implementation switches and are left out. Turning `centered` or
//! `momentum` on mid-run starts ḡ or b from zero (PyTorch fails there).
//!
//! Reference: Hinton, Srivastava & Swersky, "Neural Networks for Machine
//! Learning", lecture 6e (2012); Graves, "Generating Sequences With
//! Recurrent Neural Networks" (2013) for the centered form.
//!
//! ```
//! use sgdlab_core::optim::{Optimizer, StepInput, rmsprop::{RmsProp, RmsPropConfig}};
//! let mut opt = RmsProp::new(RmsPropConfig { lr: 0.01, ..RmsPropConfig::default() }).unwrap();
//! let mut theta = [1.0_f64];
//! opt.step(&mut theta, &StepInput::gradient(&[4.0])).unwrap();
//! // v = 0.01·16, so the step is 0.01·4/(√0.16 + ε) ≈ 0.1 = 10·lr: no bias correction.
//! assert!((theta[0] - 0.9).abs() < 1e-6);
//! ```

use super::config::{merge, non_negative, to_json};
use super::decay::{WeightDecay, oriented};
use super::kernels::{add_scaled, addcdiv, addcmul, lerp};
use super::{OptimError, Optimizer, StepInput};
use crate::Real;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The update rule of the module doc, for the page.
const UPDATE_RULE: &str = "\
g ← ±∇L(θ) + λθ                              (− when maximize)
v ← α·v + (1 − α)·g²                         (square_avg)
ḡ ← ḡ + (1 − α)·(g − ḡ)                      (grad_avg, centered only)
s ← √(v − ḡ²) + ε   if centered,  else  s ← √v + ε
b ← μ·b + g/s,  θ ← θ − η·b                  (momentum μ > 0)
θ ← θ − η·g/s                                (μ = 0)";

/// Hyperparameters of [`RmsProp`], named and defaulted as in `torch.optim.RMSprop`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RmsPropConfig {
    /// Learning rate η. Defaults to `1e-2`.
    pub lr: f64,
    /// Decay α of the running average of g². Defaults to `0.99`.
    pub alpha: f64,
    /// ε added to the denominator. Defaults to `1e-8`.
    pub eps: f64,
    /// L2 penalty λ added to the gradient. Defaults to `0`.
    pub weight_decay: f64,
    /// Momentum factor μ on the scaled step. Defaults to `0`.
    pub momentum: f64,
    /// Divide by the running standard deviation of g instead of its RMS.
    /// Defaults to `false`.
    pub centered: bool,
    /// Ascend the objective instead. Defaults to `false`.
    pub maximize: bool,
}

impl Default for RmsPropConfig {
    fn default() -> Self {
        Self {
            lr: 1e-2,
            alpha: 0.99,
            eps: 1e-8,
            weight_decay: 0.0,
            momentum: 0.0,
            centered: false,
            maximize: false,
        }
    }
}

impl RmsPropConfig {
    /// Rejects what `torch.optim.RMSprop.__init__` rejects, with its messages.
    pub fn validate(&self) -> Result<(), OptimError> {
        non_negative("learning rate", self.lr)?;
        non_negative("epsilon value", self.eps)?;
        non_negative("momentum value", self.momentum)?;
        non_negative("weight_decay value", self.weight_decay)?;
        non_negative("alpha value", self.alpha)
    }
}

/// The state of [`RmsProp`]. The vectors are empty (or `None`) until the
/// first step that needs them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RmsPropState<T> {
    /// Steps taken.
    pub step: u64,
    /// Running average v of g² (`square_avg`).
    pub square_avg: Vec<T>,
    /// Running average ḡ of g (`grad_avg`), kept only when centered.
    pub grad_avg: Option<Vec<T>>,
    /// Momentum buffer b, kept only with momentum > 0.
    pub momentum_buffer: Option<Vec<T>>,
}

/// `torch.optim.RMSprop`.
#[derive(Clone, Debug)]
pub struct RmsProp<T> {
    pub config: RmsPropConfig,
    pub state: RmsPropState<T>,
}

impl<T: Real> RmsProp<T> {
    pub fn new(config: RmsPropConfig) -> Result<Self, OptimError> {
        config.validate()?;
        Ok(Self {
            config,
            state: RmsPropState::default(),
        })
    }
}

impl<T: Real> Optimizer<T> for RmsProp<T> {
    fn name(&self) -> &'static str {
        "rmsprop"
    }

    fn update_rule(&self) -> &'static str {
        UPDATE_RULE
    }

    fn config(&self) -> Value {
        to_json(&self.config)
    }

    fn set_config(&mut self, config: Value) -> Result<(), OptimError> {
        let next: RmsPropConfig = merge("rmsprop", &self.config, config)?;
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
        let n = params.len();
        if state.step == 0 {
            state.square_avg = vec![T::ZERO; n];
        }
        state.step += 1;
        if c.centered && state.grad_avg.is_none() {
            state.grad_avg = Some(vec![T::ZERO; n]);
        }
        if c.momentum > 0.0 && state.momentum_buffer.is_none() {
            state.momentum_buffer = Some(vec![T::ZERO; n]);
        }

        let (alpha, one_minus_alpha) = (T::from_f64(c.alpha), T::from_f64(1.0 - c.alpha));
        let (eps, momentum) = (T::from_f64(c.eps), T::from_f64(c.momentum));
        let neg_lr = T::from_f64(-c.lr);
        let decay = WeightDecay::l2(c.weight_decay);

        for i in 0..n {
            let p = &mut params[i];
            let g = decay.apply(p, oriented(grad[i], c.maximize));
            let v = &mut state.square_avg[i];
            *v = addcmul(*v * alpha, one_minus_alpha, g, g);
            let rms = match state.grad_avg.as_mut().filter(|_| c.centered) {
                Some(grad_avg) => {
                    let mean = &mut grad_avg[i];
                    *mean = lerp(*mean, g, one_minus_alpha);
                    addcmul(*v, -T::ONE, *mean, *mean).sqrt()
                }
                None => v.sqrt(),
            };
            let scale = rms + eps;
            match state.momentum_buffer.as_mut().filter(|_| c.momentum > 0.0) {
                Some(buffer) => {
                    let b = &mut buffer[i];
                    *b = addcdiv(*b * momentum, T::ONE, g, scale);
                    *p = add_scaled(*p, neg_lr, *b);
                }
                None => *p = addcdiv(*p, neg_lr, g, scale),
            }
        }
        Ok(())
    }

    /// The momentum buffer b when momentum > 0; `None` otherwise, since plain
    /// RMSprop keeps only magnitudes (v, and ḡ when centered, are in
    /// [`RmsPropState`] for the page to read).
    fn velocity(&self) -> Option<&[T]> {
        self.state
            .momentum_buffer
            .as_deref()
            .filter(|_| self.config.momentum > 0.0)
    }

    fn reset(&mut self) {
        self.state = RmsPropState::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_alpha_is_rejected_like_torch() {
        let err = RmsProp::<f64>::new(RmsPropConfig {
            alpha: -0.1,
            ..RmsPropConfig::default()
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "Invalid alpha value: -0.1");
    }

    #[test]
    fn turning_momentum_on_mid_run_keeps_the_averages() {
        let mut opt = RmsProp::new(RmsPropConfig::default()).unwrap();
        let mut p = [1.0_f64, -1.0];
        opt.step(&mut p, &StepInput::gradient(&[0.3, 2.0])).unwrap();
        let square_avg = opt.state.square_avg.clone();
        opt.set_config(serde_json::json!({"momentum": 0.9}))
            .unwrap();
        assert_eq!(opt.state.square_avg, square_avg);
        assert!(opt.velocity().is_none());
        opt.step(&mut p, &StepInput::gradient(&[0.3, 2.0])).unwrap();
        assert_eq!(opt.state.step, 2);
        assert!(opt.velocity().is_some());
    }
}
