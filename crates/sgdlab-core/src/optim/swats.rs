//! SWATS: start with Adam, switch to SGD with momentum once Adam's steps
//! imply a stable SGD learning rate.
//!
//! ```text
//! g ← ∇L(θ) + λ_wd·θ                                  (k = step number, from 1)
//! Adam phase:
//!   m ← m + (1 − β₁)·(g − m)
//!   a ← β₂·a + (1 − β₂)·g²
//!   p ← −(η / (1 − β₁ᵏ)) · m / (√a / √(1 − β₂ᵏ) + ε)     (the Adam step)
//!   θ ← θ + p
//!   if pᵀg ≠ 0:
//!     γ ← pᵀp / (−pᵀg)              (SGD rate whose step projects onto p as p)
//!     λ ← β₂·λ + (1 − β₂)·γ
//!     if k > 1 and |λ / (1 − β₂ᵏ) − γ| < ε_switch:
//!       switch to SGD with Λ ← λ / (1 − β₂ᵏ) and v ← 0
//! SGD phase:
//!   v ← β₁·v + g
//!   θ ← θ − (1 − β₁)·Λ·v
//! ```
//!
//! γ is the learning rate an SGD step −γ·g would need for its projection on
//! the Adam step p to equal p. λ/(1 − β₂ᵏ) is its bias-corrected moving
//! average; when it agrees with the latest γ to within `switch_tolerance`, the
//! estimate has settled and SWATS hands over to SGD with that rate (Adam tends
//! to generalise worse late in training, Wilson et al. 2017).
//!
//! The test is absolute, so ε_switch must be small next to γ (about η/|g|)
//! and next to how fast γ moves. On a smooth 2-D path γ drifts steadily and
//! its average lags behind, so the two meet only where γ turns and crosses
//! its average, and the switch happens if that crossing lands within
//! ε_switch. Two things to know when choosing it:
//! - at k = 2 the difference is β₂(γ₁ − γ₂)/(1 + β₂), half the change of γ
//!   over the first step, which is tiny when the gradient barely changes: a
//!   loose ε_switch switches there, before Adam has done anything (the
//!   `k > 1` of Algorithm 1 only rules out k = 1, where the two agree
//!   trivially).
//! - on `quadratic` with a = 10, b = 1, θ = 30 from its default start
//!   (−2.5, 2) at η = 0.01, the difference changes sign at k = 43, where it
//!   is 2.9·10⁻⁷, after 6.1·10⁻⁶ at k = 42; at k = 2 it is 4.1·10⁻⁶. So any
//!   ε_switch between 2.9·10⁻⁷ and 4.1·10⁻⁶ (10⁻⁶, say) switches at k = 43,
//!   with Λ = 7.84·10⁻⁴; a larger one switches at k = 2; the paper's 10⁻⁹
//!   does not switch within 1000 steps.
//!
//! Reference: Keskar & Socher (2017), "Improving Generalization Performance
//! by Switching from Adam to SGD", Algorithm 1. Differences:
//! - the Adam phase is [`Adam`](super::adam::Adam)'s own step (`torch.optim.Adam`'s
//!   arithmetic: ε added to the bias-corrected √a, and the step
//!   lr/(1 − β₁ᵏ)), so before the switch the path is this playground's Adam
//!   path to the bit; Algorithm 1 writes Adam with ε outside the bias
//!   correction, which differs only through ε.
//! - Algorithm 1 uses one ε (10⁻⁹) both in Adam's denominator and in the
//!   switch test; here they are two keys, `eps` (torch's 10⁻⁸) and
//!   `switch_tolerance` (10⁻⁹).
//! - an L2 `weight_decay` term is added to g, as in `torch.optim.Adam`
//!   (Algorithm 1 has none; 0 by default reproduces it).
//! - the scalars γ, λ and Λ are kept in f64 even when the parameters are
//!   f32: the switch test compares numbers to 10⁻⁹.
//! - the paper also allows a switch per layer; here the parameters switch
//!   together.
//!
//! ```
//! use sgdlab_core::optim::{Optimizer, StepInput, swats::{Swats, SwatsConfig}};
//! // A constant gradient: every Adam step is the same, so γ is constant and
//! // the switch happens at the first step where it may, k = 2.
//! let mut opt = Swats::new(SwatsConfig { lr: 0.1, ..SwatsConfig::default() }).unwrap();
//! let mut theta = [0.0_f64];
//! for _ in 0..3 {
//!     opt.step(&mut theta, &StepInput::gradient(&[2.0])).unwrap();
//! }
//! assert_eq!(opt.switch_step(), Some(2));
//! assert!((opt.sgd_lr().unwrap() - 0.05).abs() < 1e-6); // 0.1 / |g|
//! ```

use super::adam::{AdamConfig, AdamState, adam_step};
use super::config::{merge, non_negative, to_json};
use super::decay::WeightDecay;
use super::{OptimError, Optimizer, StepInput};
use crate::Real;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The update rule of the module doc, for the page.
const UPDATE_RULE: &str = "\
g ← ∇L(θ) + λ_wd·θ                                  (k = step number, from 1)
Adam phase:
  m ← m + (1 − β₁)·(g − m)
  a ← β₂·a + (1 − β₂)·g²
  p ← −(η / (1 − β₁ᵏ)) · m / (√a / √(1 − β₂ᵏ) + ε)     (the Adam step)
  θ ← θ + p
  if pᵀg ≠ 0:
    γ ← pᵀp / (−pᵀg)              (SGD rate whose step projects onto p as p)
    λ ← β₂·λ + (1 − β₂)·γ
    if k > 1 and |λ / (1 − β₂ᵏ) − γ| < ε_switch:
      switch to SGD with Λ ← λ / (1 − β₂ᵏ) and v ← 0
SGD phase:
  v ← β₁·v + g
  θ ← θ − (1 − β₁)·Λ·v";

/// Hyperparameters of [`Swats`]: `torch.optim.Adam`'s, plus the switch
/// tolerance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SwatsConfig {
    /// Adam's learning rate η. Defaults to `1e-3`.
    pub lr: f64,
    /// β₁: Adam's first-moment decay, then the SGD momentum. Defaults to `0.9`.
    pub beta1: f64,
    /// β₂: Adam's second-moment decay, and the decay of λ. Defaults to `0.999`.
    pub beta2: f64,
    /// Adam's ε. Defaults to `1e-8`.
    pub eps: f64,
    /// L2 penalty added to the gradient. Defaults to `0`.
    pub weight_decay: f64,
    /// ε_switch: how close λ/(1 − β₂ᵏ) and γ must be to switch. Defaults to
    /// `1e-9`, the paper's value.
    pub switch_tolerance: f64,
}

impl Default for SwatsConfig {
    fn default() -> Self {
        Self {
            lr: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
            switch_tolerance: 1e-9,
        }
    }
}

impl SwatsConfig {
    /// Rejects what `torch.optim.Adam` rejects, with its messages, and a
    /// negative switch tolerance.
    pub fn validate(&self) -> Result<(), OptimError> {
        self.as_adam().validate()?;
        non_negative("switch_tolerance value", self.switch_tolerance)
    }

    /// The Adam of the first phase.
    pub fn as_adam(&self) -> AdamConfig {
        AdamConfig {
            lr: self.lr,
            beta1: self.beta1,
            beta2: self.beta2,
            eps: self.eps,
            weight_decay: self.weight_decay,
            ..AdamConfig::default()
        }
    }
}

/// Which optimizer SWATS is running.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Phase {
    Adam,
    /// SGD with momentum at rate Λ, since step `switched_at`.
    Sgd {
        lr: f64,
        switched_at: u64,
    },
}

/// The state of [`Swats`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SwatsState<T> {
    /// Steps taken (k after the step).
    pub step: u64,
    pub phase: Phase,
    /// Adam's state (m, a and its own step count, which is k until the switch).
    pub adam: AdamState<T>,
    /// λ: the moving average of the projected rates γ.
    pub projected_lr_avg: f64,
    /// γ of the last Adam step (`None` before the first, or when pᵀg = 0).
    pub projected_lr: Option<f64>,
    /// SGD's momentum buffer v (after the switch).
    pub momentum_buffer: Vec<T>,
}

impl<T: Real> Default for SwatsState<T> {
    fn default() -> Self {
        Self {
            step: 0,
            phase: Phase::Adam,
            adam: AdamState::default(),
            projected_lr_avg: 0.0,
            projected_lr: None,
            momentum_buffer: Vec::new(),
        }
    }
}

/// SWATS (Keskar & Socher 2017).
#[derive(Clone, Debug)]
pub struct Swats<T> {
    pub config: SwatsConfig,
    pub state: SwatsState<T>,
}

impl<T: Real> Swats<T> {
    pub fn new(config: SwatsConfig) -> Result<Self, OptimError> {
        config.validate()?;
        Ok(Self {
            config,
            state: SwatsState::default(),
        })
    }

    /// Λ, the SGD learning rate chosen at the switch (`None` while in Adam).
    pub fn sgd_lr(&self) -> Option<f64> {
        match self.state.phase {
            Phase::Adam => None,
            Phase::Sgd { lr, .. } => Some(lr),
        }
    }

    /// λ/(1 − β₂ᵏ), the bias-corrected average of γ that the switch test
    /// compares with the latest γ (`None` before the first step).
    pub fn corrected_projected_lr(&self) -> Option<f64> {
        let k = self.state.step;
        (k > 0)
            .then(|| self.state.projected_lr_avg / (1.0 - libm::pow(self.config.beta2, k as f64)))
    }

    fn adam_phase(&mut self, params: &mut [T], grad: &[T]) {
        let c = &self.config;
        let s = &mut self.state;
        // pᵀp and pᵀg, accumulated in f64 whatever T is: the switch test
        // compares numbers to ε_switch.
        let (mut p_dot_p, mut p_dot_g) = (0.0, 0.0);
        adam_step(&c.as_adam(), &mut s.adam, params, grad, |p, g| {
            let (p, g) = (p.to_f64(), g.to_f64());
            p_dot_p += p * p;
            p_dot_g += p * g;
        });
        s.projected_lr = None;
        if p_dot_g == 0.0 {
            return;
        }
        let projected_lr = p_dot_p / -p_dot_g;
        s.projected_lr = Some(projected_lr);
        s.projected_lr_avg = c.beta2 * s.projected_lr_avg + (1.0 - c.beta2) * projected_lr;
        let corrected = s.projected_lr_avg / (1.0 - libm::pow(c.beta2, s.step as f64));
        if s.step > 1 && (corrected - projected_lr).abs() < c.switch_tolerance {
            s.phase = Phase::Sgd {
                lr: corrected,
                switched_at: s.step,
            };
            s.momentum_buffer = vec![T::ZERO; params.len()];
        }
    }

    fn sgd_phase(&mut self, params: &mut [T], grad: &[T], lr: f64) {
        let decay = WeightDecay::l2(self.config.weight_decay);
        let beta1 = T::from_f64(self.config.beta1);
        let scale = T::from_f64((1.0 - self.config.beta1) * lr);
        for ((param, &raw), v) in params
            .iter_mut()
            .zip(grad)
            .zip(self.state.momentum_buffer.iter_mut())
        {
            let g = decay.apply(param, raw);
            *v = beta1 * *v + g;
            *param -= scale * *v;
        }
    }
}

impl<T: Real> Optimizer<T> for Swats<T> {
    fn name(&self) -> &'static str {
        "swats"
    }

    fn update_rule(&self) -> &'static str {
        UPDATE_RULE
    }

    fn config(&self) -> Value {
        to_json(&self.config)
    }

    fn set_config(&mut self, config: Value) -> Result<(), OptimError> {
        let next: SwatsConfig = merge("swats", &self.config, config)?;
        next.validate()?;
        self.config = next;
        Ok(())
    }

    /// Adam's η. After the switch SGD runs at Λ (see [`Swats::sgd_lr`]).
    fn lr(&self) -> f64 {
        self.config.lr
    }

    fn set_lr(&mut self, lr: f64) {
        self.config.lr = lr;
    }

    fn step(&mut self, params: &mut [T], input: &StepInput<'_, T>) -> Result<(), OptimError> {
        assert_eq!(
            params.len(),
            input.grad.len(),
            "one gradient entry per parameter"
        );
        self.state.step += 1;
        match self.state.phase {
            Phase::Adam => self.adam_phase(params, input.grad),
            Phase::Sgd { lr, .. } => self.sgd_phase(params, input.grad, lr),
        }
        Ok(())
    }

    /// Adam's first moment m before the switch, SGD's momentum v after it.
    fn velocity(&self) -> Option<&[T]> {
        let buffer = match self.state.phase {
            Phase::Adam => &self.state.adam.exp_avg,
            Phase::Sgd { .. } => &self.state.momentum_buffer,
        };
        (!buffer.is_empty()).then_some(buffer.as_slice())
    }

    fn switch_step(&self) -> Option<u64> {
        match self.state.phase {
            Phase::Adam => None,
            Phase::Sgd { switched_at, .. } => Some(switched_at),
        }
    }

    fn reset(&mut self) {
        self.state = SwatsState::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SeededRng;
    use crate::optim::adam::Adam;

    /// ∇ of L = ½ θᵀAθ − bᵀθ with A = [[3, 1], [1, 2]], b = (1, 0); θ* = (0.4, −0.2).
    fn quadratic_grad(p: &[f64]) -> [f64; 2] {
        [3.0 * p[0] + p[1] - 1.0, p[0] + 2.0 * p[1]]
    }

    #[test]
    fn before_the_switch_the_path_is_adam_to_the_bit() {
        // This playground's Adam is torch.optim.Adam to the bit (the golden
        // tests), so SWATS before its switch is too.
        let mut rng = SeededRng::new(4);
        let config = SwatsConfig {
            lr: 0.01,
            beta1: 0.8,
            beta2: 0.99,
            weight_decay: 0.1,
            switch_tolerance: 0.0, // never switch
            ..SwatsConfig::default()
        };
        let mut opt = Swats::new(config.clone()).unwrap();
        let mut adam = Adam::new(config.as_adam()).unwrap();
        let mut p: Vec<f64> = (0..3).map(|_| rng.normal()).collect();
        let mut q = p.clone();
        for k in 1..=200 {
            let g: Vec<f64> = (0..3).map(|_| rng.normal()).collect();
            opt.step(&mut p, &StepInput::gradient(&g)).unwrap();
            adam.step(&mut q, &StepInput::gradient(&g)).unwrap();
            assert_eq!(p, q, "step {k}");
        }
        assert_eq!(opt.switch_step(), None);
        assert_eq!(opt.velocity(), adam.velocity());
    }

    #[test]
    fn projected_rate_and_its_average_follow_the_rule() {
        // γ_k = pᵀp/(−pᵀg) from the step actually taken, and
        // λ_k = β₂λ_{k−1} + (1 − β₂)γ_k, checked step by step.
        let config = SwatsConfig {
            lr: 0.02,
            beta2: 0.9,
            switch_tolerance: 0.0,
            ..SwatsConfig::default()
        };
        let mut opt = Swats::new(config).unwrap();
        let mut p = [2.0_f64, -1.0];
        let mut average = 0.0;
        for k in 1..=50 {
            let g = quadratic_grad(&p);
            let before = p;
            opt.step(&mut p, &StepInput::gradient(&g)).unwrap();
            let step = [p[0] - before[0], p[1] - before[1]];
            let gamma =
                (step[0] * step[0] + step[1] * step[1]) / -(step[0] * g[0] + step[1] * g[1]);
            let recorded = opt.state.projected_lr.unwrap();
            assert!((recorded - gamma).abs() < 1e-12 * gamma, "step {k}");
            average = 0.9 * average + (1.0 - 0.9) * recorded;
            assert_eq!(opt.state.projected_lr_avg, average);
            let corrected = average / (1.0 - libm::pow(0.9, f64::from(k)));
            assert_eq!(opt.corrected_projected_lr(), Some(corrected));
        }
    }

    #[test]
    fn a_constant_gradient_switches_at_step_two_with_rate_lr_over_g() {
        let mut opt = Swats::new(SwatsConfig {
            lr: 0.1,
            eps: 0.0,
            ..SwatsConfig::default()
        })
        .unwrap();
        let mut p = [0.0_f64, 0.0];
        let g = [3.0, 4.0]; // every Adam step is −0.1·g/|g| per coordinate
        opt.step(&mut p, &StepInput::gradient(&g)).unwrap();
        assert_eq!(opt.switch_step(), None);
        opt.step(&mut p, &StepInput::gradient(&g)).unwrap();
        assert_eq!(opt.switch_step(), Some(2));
        // γ = pᵀp / (−pᵀg) = 0.02 / 0.7.
        assert!((opt.sgd_lr().unwrap() - 0.02 / 0.7).abs() < 1e-12);
        // First SGD step: v = g, θ ← θ − (1 − β₁)Λg.
        let before = p;
        opt.step(&mut p, &StepInput::gradient(&g)).unwrap();
        assert_eq!(opt.velocity(), Some(&g[..]));
        let rate = 0.1 * opt.sgd_lr().unwrap();
        for i in 0..2 {
            assert!((p[i] - (before[i] - rate * g[i])).abs() < 1e-15);
        }
    }

    #[test]
    fn switches_on_a_quadratic_and_then_converges_with_sgd() {
        // Far from the minimum the gradient changes slowly, so γ settles
        // within a few steps; a loose tolerance lets SWATS switch there.
        let mut opt = Swats::new(SwatsConfig {
            lr: 0.05,
            switch_tolerance: 1e-3,
            ..SwatsConfig::default()
        })
        .unwrap();
        let mut p = [2.0_f64, -1.0];
        for _ in 0..3000 {
            let g = quadratic_grad(&p);
            opt.step(&mut p, &StepInput::gradient(&g)).unwrap();
        }
        let switched = opt.switch_step().expect("SWATS should switch to SGD");
        assert!(switched > 1);
        assert!(opt.sgd_lr().unwrap() > 0.0);
        assert!(
            (p[0] - 0.4).abs() < 1e-8 && (p[1] + 0.2).abs() < 1e-8,
            "{p:?}"
        );
    }

    #[test]
    fn the_switch_on_the_rotated_quadratic_comes_where_the_difference_changes_sign() {
        // The setting of the module doc (and of lesson 6).
        let surface = crate::surfaces::by_name(
            "quadratic",
            &[
                ("a".into(), 10.0),
                ("b".into(), 1.0),
                ("theta".into(), 30.0),
            ],
        )
        .unwrap();
        let run = |tolerance: f64| {
            let mut opt = Swats::new(SwatsConfig {
                lr: 0.01,
                switch_tolerance: tolerance,
                ..SwatsConfig::default()
            })
            .unwrap();
            let mut p = surface.default_start();
            for _ in 0..300 {
                let g = surface.gradient(p[0], p[1]);
                opt.step(&mut p, &StepInput::gradient(&g)).unwrap();
            }
            (opt.switch_step(), opt.sgd_lr())
        };
        for tolerance in [3e-7, 1e-6, 4e-6] {
            let (switched, rate) = run(tolerance);
            assert_eq!(switched, Some(43), "ε_switch = {tolerance}");
            assert!((rate.unwrap() - 7.84e-4).abs() < 5e-7, "Λ = {rate:?}");
        }
        assert_eq!(run(5e-6).0, Some(2), "a loose tolerance switches at once");
        assert_eq!(
            run(1e-9).0,
            None,
            "the paper's tolerance never switches here"
        );
    }

    #[test]
    fn config_change_keeps_moments_and_phase() {
        let mut opt = Swats::new(SwatsConfig {
            lr: 0.1,
            ..SwatsConfig::default()
        })
        .unwrap();
        let mut p = [1.0_f64];
        for _ in 0..3 {
            opt.step(&mut p, &StepInput::gradient(&[1.0])).unwrap();
        }
        let state = opt.state.clone();
        opt.set_config(serde_json::json!({"beta1": 0.5, "lr": 0.2}))
            .unwrap();
        assert_eq!(opt.state, state);
        assert_eq!(opt.switch_step(), Some(2));
    }

    #[test]
    fn bad_values_are_rejected_like_torch() {
        for (patch, message) in [
            (
                serde_json::json!({"lr": -1.0}),
                "Invalid learning rate: -1.0",
            ),
            (
                serde_json::json!({"beta1": 1.0}),
                "Invalid beta parameter at index 0: 1.0",
            ),
            (
                serde_json::json!({"beta2": -0.1}),
                "Invalid beta parameter at index 1: -0.1",
            ),
            (
                serde_json::json!({"eps": -1.0}),
                "Invalid epsilon value: -1.0",
            ),
            (
                serde_json::json!({"switch_tolerance": -1e-9}),
                "Invalid switch_tolerance value: -1e-09",
            ),
        ] {
            let mut opt = Swats::<f64>::new(SwatsConfig::default()).unwrap();
            assert_eq!(opt.set_config(patch).unwrap_err().to_string(), message);
            assert_eq!(opt.config, SwatsConfig::default());
        }
    }
}
