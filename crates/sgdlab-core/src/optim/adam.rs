//! Adam: momentum on the gradient, divided by a running RMS of the gradient,
//! both corrected for their zero start. Optionally AMSGrad and decoupled
//! (AdamW-style) weight decay.
//!
//! ```text
//! g ← ±∇L(θ)                                   (− when maximize)
//! θ ← θ·(1 − η·λ)      if decoupled_weight_decay,  else  g ← g + λθ
//! m ← m + (1 − β₁)·(g − m)                     (first moment, lerp)
//! v ← β₂·v + (1 − β₂)·g²                       (second moment)
//! v̂ ← max(v̂, v)  and use v̂ for v              (amsgrad only)
//! θ ← θ − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
//!                      (both corrections are 1 when bias_correction is false)
//! ```
//!
//! Matches `torch.optim.Adam` (PyTorch 2.x): the same names and defaults
//! (`lr` 1e-3, `betas` (0.9, 0.999) here split into `beta1`/`beta2`, `eps`
//! 1e-8, `weight_decay` 0, `amsgrad`, `maximize`, `decoupled_weight_decay`),
//! the same validation messages, and the arithmetic of its single-tensor
//! code path operation for operation (golden trajectories in
//! `tests/torch_golden.rs`). PyTorch's `foreach`, `fused`, `capturable` and
//! `differentiable` switch between implementations of this same rule, so
//! they have no counterpart here. Differences:
//! - `bias_correction` is sgdlab's own flag (torch has none), there to show
//!   what the corrections do. With the default `true` the rule is torch's.
//!   With `false`, m and v are used as they are: the first step is
//!   η(1 − β₁)g / (√((1 − β₂)g²) + ε), about 3.16·η·sign(g) at the default
//!   betas, where the corrected first step is η·sign(g) (up to ε).
//! - turning `amsgrad` on mid-run starts the running maximum from zero,
//!   where PyTorch fails for want of the state.
//!
//! Reference: Kingma & Ba, "Adam: A Method for Stochastic Optimization"
//! (ICLR 2015), Algorithm 1 and section 3 (bias correction); Reddi, Kale &
//! Kumar, "On the Convergence of Adam and Beyond" (ICLR 2018) for AMSGrad.
//!
//! ```
//! use sgdlab_core::optim::{Optimizer, StepInput, adam::{Adam, AdamConfig}};
//! let mut opt = Adam::new(AdamConfig { lr: 0.1, ..AdamConfig::default() }).unwrap();
//! let mut theta = [1.0_f64, -2.0];
//! let grad = [2.0 * theta[0], 2.0 * theta[1]]; // ∇(x² + y²)
//! opt.step(&mut theta, &StepInput::gradient(&grad)).unwrap();
//! // The first Adam step moves every coordinate by about lr, against the sign of g.
//! assert!((theta[0] - 0.9).abs() < 1e-6 && (theta[1] + 1.9).abs() < 1e-6);
//! ```

use super::config::{merge, non_negative, to_json, torch_float};
use super::decay::{WeightDecay, oriented};
use super::kernels::{addcmul, lerp};
use super::{OptimError, Optimizer, StepInput};
use crate::Real;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Hyperparameters of [`Adam`], named and defaulted as in `torch.optim.Adam`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AdamConfig {
    /// Learning rate η. Defaults to `1e-3`.
    pub lr: f64,
    /// Decay β₁ of the first moment (`betas[0]`). Defaults to `0.9`.
    pub beta1: f64,
    /// Decay β₂ of the second moment (`betas[1]`). Defaults to `0.999`.
    pub beta2: f64,
    /// ε added to the denominator. Defaults to `1e-8`.
    pub eps: f64,
    /// Weight decay λ. Defaults to `0`.
    pub weight_decay: f64,
    /// Divide by the running maximum of v (AMSGrad). Defaults to `false`.
    pub amsgrad: bool,
    /// Ascend the objective instead. Defaults to `false`.
    pub maximize: bool,
    /// Shrink θ by η·λ directly (AdamW) instead of adding λθ to the gradient.
    /// Defaults to `false`.
    pub decoupled_weight_decay: bool,
    /// Divide m by 1 − β₁ᵗ and v by 1 − β₂ᵗ. sgdlab's extension: torch
    /// always corrects. Defaults to `true`.
    pub bias_correction: bool,
}

impl Default for AdamConfig {
    fn default() -> Self {
        Self {
            lr: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
            amsgrad: false,
            maximize: false,
            decoupled_weight_decay: false,
            bias_correction: true,
        }
    }
}

impl AdamConfig {
    /// Rejects what `torch.optim.Adam.__init__` rejects, with its messages.
    pub fn validate(&self) -> Result<(), OptimError> {
        non_negative("learning rate", self.lr)?;
        non_negative("epsilon value", self.eps)?;
        check_betas(self.beta1, self.beta2)?;
        non_negative("weight_decay value", self.weight_decay)
    }
}

/// Checks `0 ≤ β < 1` for both betas with PyTorch's messages
/// ("Invalid beta parameter at index 0: 1.0"). Shared by the Adam family.
pub(crate) fn check_betas(beta1: f64, beta2: f64) -> Result<(), OptimError> {
    for (index, beta) in [beta1, beta2].into_iter().enumerate() {
        if !(0.0..1.0).contains(&beta) {
            return Err(OptimError::Invalid(format!(
                "Invalid beta parameter at index {index}: {}",
                torch_float(beta)
            )));
        }
    }
    Ok(())
}

/// The state of [`Adam`] (and [`AdamW`](super::adamw::AdamW)). The vectors
/// are empty until the first step.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AdamState<T> {
    /// Steps taken, t.
    pub step: u64,
    /// First moment m (`exp_avg`).
    pub exp_avg: Vec<T>,
    /// Second moment v (`exp_avg_sq`).
    pub exp_avg_sq: Vec<T>,
    /// Running maximum v̂ of v (`max_exp_avg_sq`), kept only with `amsgrad`.
    pub max_exp_avg_sq: Option<Vec<T>>,
}

/// `torch.optim.Adam`.
#[derive(Clone, Debug)]
pub struct Adam<T> {
    pub config: AdamConfig,
    pub state: AdamState<T>,
}

impl<T: Real> Adam<T> {
    pub fn new(config: AdamConfig) -> Result<Self, OptimError> {
        config.validate()?;
        Ok(Self {
            config,
            state: AdamState::default(),
        })
    }
}

/// The update rule of the module doc, for the page (shared with AdamW).
pub(crate) const UPDATE_RULE: &str = "\
g ← ±∇L(θ)                                   (− when maximize)
θ ← θ·(1 − η·λ)      if decoupled_weight_decay,  else  g ← g + λθ
m ← m + (1 − β₁)·(g − m)                     (first moment, lerp)
v ← β₂·v + (1 − β₂)·g²                       (second moment)
v̂ ← max(v̂, v)  and use v̂ for v              (amsgrad only)
θ ← θ − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
                     (both corrections are 1 when bias_correction is false)";

/// One Adam step, in the order of PyTorch's `_single_tensor_adam`.
///
/// `observe(step, g)` is called for every coordinate with the change the
/// rule makes to it (−η/(1 − β₁ᵗ)·m/denominator, before it is added to θ)
/// and the gradient it used; SWATS reads its projected learning rate from
/// these. Adam passes a closure that does nothing.
pub(crate) fn adam_step<T: Real>(
    c: &AdamConfig,
    state: &mut AdamState<T>,
    params: &mut [T],
    grad: &[T],
    mut observe: impl FnMut(T, T),
) {
    assert_eq!(params.len(), grad.len(), "one gradient entry per parameter");
    if state.step == 0 {
        state.exp_avg = vec![T::ZERO; params.len()];
        state.exp_avg_sq = vec![T::ZERO; params.len()];
    }
    state.step += 1;
    if c.amsgrad && state.max_exp_avg_sq.is_none() {
        state.max_exp_avg_sq = Some(vec![T::ZERO; params.len()]);
    }

    // The scalars, formed in f64 as Python forms them.
    let t = state.step as f64;
    let (bias_correction1, bias_correction2) = if c.bias_correction {
        (1.0 - libm::pow(c.beta1, t), 1.0 - libm::pow(c.beta2, t))
    } else {
        (1.0, 1.0)
    };
    let step_size = c.lr / bias_correction1;
    let bias_correction2_sqrt = T::from_f64(libm::pow(bias_correction2, 0.5));
    let decay = WeightDecay::new(c.weight_decay, c.decoupled_weight_decay, c.lr);
    let one_minus_beta1 = T::from_f64(1.0 - c.beta1);
    let one_minus_beta2 = T::from_f64(1.0 - c.beta2);
    let beta2 = T::from_f64(c.beta2);
    let eps = T::from_f64(c.eps);
    let neg_step_size = T::from_f64(-step_size);

    let mut max_exp_avg_sq = state.max_exp_avg_sq.as_deref_mut().filter(|_| c.amsgrad);
    let moments = state.exp_avg.iter_mut().zip(state.exp_avg_sq.iter_mut());
    for (i, ((p, &raw), (m, v))) in params.iter_mut().zip(grad).zip(moments).enumerate() {
        let g = decay.apply(p, oriented(raw, c.maximize));
        *m = lerp(*m, g, one_minus_beta1);
        *v = addcmul(*v * beta2, one_minus_beta2, g, g);
        let second = match max_exp_avg_sq.as_deref_mut() {
            Some(max) => {
                max[i] = max[i].max(*v);
                max[i]
            }
            None => *v,
        };
        let denom = second.sqrt() / bias_correction2_sqrt + eps;
        // `param.addcdiv_(exp_avg, denom, value=-step_size)`.
        let step = neg_step_size * *m / denom;
        *p += step;
        observe(step, g);
    }
}

impl<T: Real> Optimizer<T> for Adam<T> {
    fn name(&self) -> &'static str {
        "adam"
    }

    fn update_rule(&self) -> &'static str {
        UPDATE_RULE
    }

    fn config(&self) -> Value {
        to_json(&self.config)
    }

    fn set_config(&mut self, config: Value) -> Result<(), OptimError> {
        let next: AdamConfig = merge("adam", &self.config, config)?;
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
        adam_step(&self.config, &mut self.state, params, input.grad, |_, _| {});
        Ok(())
    }

    /// The first moment m, the direction Adam moves along.
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

    #[test]
    fn betas_outside_the_unit_interval_are_rejected_like_torch() {
        let err = Adam::<f64>::new(AdamConfig {
            beta2: 1.0,
            ..AdamConfig::default()
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "Invalid beta parameter at index 1: 1.0");
    }

    #[test]
    fn changing_lr_mid_run_keeps_the_moments() {
        let mut opt = Adam::new(AdamConfig::default()).unwrap();
        let mut p = [1.0_f64, 2.0];
        opt.step(&mut p, &StepInput::gradient(&[0.5, -1.0]))
            .unwrap();
        let before = opt.state.clone();
        opt.set_config(serde_json::json!({"lr": 0.5})).unwrap();
        assert_eq!(opt.state, before);
        assert_eq!(opt.state.step, 1);
    }

    #[test]
    fn without_bias_correction_the_first_step_is_the_raw_moment_ratio() {
        // η(1 − β₁)g / (√((1 − β₂)g²) + ε), exactly, at the default betas.
        let (lr, g) = (0.1, 2.0_f64);
        let config = AdamConfig {
            lr,
            bias_correction: false,
            ..AdamConfig::default()
        };
        let (beta1, beta2, eps) = (config.beta1, config.beta2, config.eps);
        let mut opt = Adam::new(config).unwrap();
        let mut p = [0.0_f64];
        opt.step(&mut p, &StepInput::gradient(&[g])).unwrap();
        let m = (1.0 - beta1) * g;
        let v = ((1.0 - beta2) * g) * g;
        assert_eq!(p[0], -(lr * m) / (v.sqrt() + eps));
        // About 3.16·η against the sign of g, where the corrected step is η.
        assert!((p[0] / lr + (1.0 - beta1) / (1.0 - beta2).sqrt()).abs() < 1e-6);
        let mut corrected = Adam::new(AdamConfig {
            lr,
            ..AdamConfig::default()
        })
        .unwrap();
        let mut q = [0.0_f64];
        corrected.step(&mut q, &StepInput::gradient(&[g])).unwrap();
        assert!((q[0] + lr).abs() < 1e-8);
    }

    #[test]
    fn without_bias_correction_later_steps_use_the_raw_moments() {
        let mut opt = Adam::new(AdamConfig {
            lr: 0.01,
            beta1: 0.8,
            beta2: 0.9,
            eps: 0.0,
            bias_correction: false,
            ..AdamConfig::default()
        })
        .unwrap();
        let mut p = [1.0_f64];
        for g in [0.5, -1.0, 2.0] {
            let before = p[0];
            opt.step(&mut p, &StepInput::gradient(&[g])).unwrap();
            let (m, v) = (opt.state.exp_avg[0], opt.state.exp_avg_sq[0]);
            assert!((p[0] - (before - 0.01 * m / v.sqrt())).abs() < 1e-16);
        }
    }

    #[test]
    fn amsgrad_denominator_never_shrinks() {
        let mut opt = Adam::new(AdamConfig {
            amsgrad: true,
            ..AdamConfig::default()
        })
        .unwrap();
        let mut p = [0.0_f64];
        let mut previous = 0.0;
        for g in [10.0, 0.1, 0.1, 5.0, 0.0] {
            opt.step(&mut p, &StepInput::gradient(&[g])).unwrap();
            let max = opt.state.max_exp_avg_sq.as_ref().unwrap()[0];
            assert!(max >= previous && max >= opt.state.exp_avg_sq[0]);
            previous = max;
        }
    }
}
