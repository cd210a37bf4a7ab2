//! LARS: layer-wise adaptive rate scaling, SGD with momentum whose step in
//! each layer is scaled by that layer's trust ratio.
//!
//! ```text
//! for each layer l (with weights wˡ and gradient gˡ = ∇L(wˡ)):
//!   λˡ ← η·‖wˡ‖ / (‖gˡ‖ + β·‖wˡ‖ + ε)     (trust ratio, the local learning rate)
//!   λˡ ← 1          if ‖wˡ‖ = 0 or ‖gˡ‖ = 0
//!   vˡ ← m·vˡ + γ·λˡ·(gˡ + β·wˡ)           (v starts at 0)
//!   wˡ ← wˡ − vˡ
//! ```
//!
//! γ = lr (the global rate a schedule changes), m = momentum,
//! β = weight_decay, η = trust_coefficient, ε = eps.
//!
//! Why: the ratio ‖w‖/‖∇L‖ differs by orders of magnitude between layers, so
//! one global learning rate is too large for some layers and too small for
//! others. Scaling the step by λˡ makes every layer move by about the same
//! fraction γ·η of its own norm per step, whatever the size of its gradient.
//!
//! The trust ratio falls back to 1 when ‖w‖ or ‖∇L‖ is 0: a zero-initialised
//! layer would otherwise never move (λ = 0), and a zero gradient would make λ
//! meaningless. This is what the reference implementations (NVIDIA's LARC,
//! torchlars) do.
//!
//! Differences from the paper (You, Gitman & Ginsburg 2017, "Large Batch
//! Training of Convolutional Networks", Algorithm 1):
//! - the paper's global rate follows a polynomial decay γₜ = γ₀(1 − t/T)²;
//!   here γ is the plain `lr`, and decay is a schedule's job
//!   ([`crate::schedule`]).
//! - ε is added to the denominator so that a tiny gradient cannot blow the
//!   ratio up to infinity (the paper has no ε).
//! - η defaults to 1 rather than the paper's 0.001. Only the product γ·η
//!   matters, and with η = 1 the trust ratio is exactly ‖w‖/‖∇L‖ (for β = 0),
//!   the number the training lab draws, while `lr` reads as "the fraction of
//!   ‖w‖ a layer moves per step". The paper's η = 0.001 with its base rates
//!   of 2 to 30 gives γ·η between 0.002 and 0.03.
//!
//! Layers come from [`StepInput::layers`]; without them all parameters form
//! one layer.
//!
//! ```
//! use sgdlab_core::optim::{Optimizer, StepInput, lars::{Lars, LarsConfig}};
//! let mut opt = Lars::new(LarsConfig { lr: 0.1, momentum: 0.0, ..LarsConfig::default() }).unwrap();
//! let mut w = [3.0_f64, 4.0]; // ‖w‖ = 5
//! let grad = [0.0, 10.0]; // ‖∇L‖ = 10, so λ = 5 / 10 = 0.5
//! opt.step(&mut w, &StepInput::gradient(&grad)).unwrap();
//! assert!((opt.trust_ratios()[0] - 0.5).abs() < 1e-9);
//! assert!((w[1] - (4.0 - 0.1 * 0.5 * 10.0)).abs() < 1e-9);
//! ```

use super::config::{merge, non_negative, to_json};
use super::decay::WeightDecay;
use super::{OptimError, Optimizer, StepInput};
use crate::Real;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::ops::Range;

/// The update rule of the module doc, for the page.
const UPDATE_RULE: &str = "\
for each layer l (with weights wˡ and gradient gˡ = ∇L(wˡ)):
  λˡ ← η·‖wˡ‖ / (‖gˡ‖ + β·‖wˡ‖ + ε)     (trust ratio, the local learning rate)
  λˡ ← 1          if ‖wˡ‖ = 0 or ‖gˡ‖ = 0
  vˡ ← m·vˡ + γ·λˡ·(gˡ + β·wˡ)           (v starts at 0)
  wˡ ← wˡ − vˡ";

/// Hyperparameters of [`Lars`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LarsConfig {
    /// Global learning rate γ. Defaults to `1e-3`, like SGD.
    pub lr: f64,
    /// Momentum m. Defaults to `0.9`, the paper's value.
    pub momentum: f64,
    /// L2 weight decay β, in the gradient and in the trust ratio. Defaults to `0`.
    pub weight_decay: f64,
    /// Trust coefficient η. Defaults to `1` (the paper uses `0.001`; see the
    /// module doc for why 1 reads better here).
    pub trust_coefficient: f64,
    /// ε added to the trust ratio's denominator. Defaults to `1e-8`.
    pub eps: f64,
}

impl Default for LarsConfig {
    fn default() -> Self {
        Self {
            lr: 1e-3,
            momentum: 0.9,
            weight_decay: 0.0,
            trust_coefficient: 1.0,
            eps: 1e-8,
        }
    }
}

impl LarsConfig {
    /// Rejects negative or non-finite values.
    pub fn validate(&self) -> Result<(), OptimError> {
        non_negative("learning rate", self.lr)?;
        non_negative("momentum value", self.momentum)?;
        non_negative("weight_decay value", self.weight_decay)?;
        non_negative("trust_coefficient value", self.trust_coefficient)?;
        non_negative("epsilon value", self.eps)?;
        Ok(())
    }
}

/// The state of [`Lars`]: the velocity and the last trust ratio of each layer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LarsState<T> {
    /// v, created (as zeros) on the first step.
    pub velocity: Option<Vec<T>>,
    /// λˡ of the last step, one per layer.
    pub trust_ratios: Vec<T>,
}

/// LARS (You, Gitman & Ginsburg 2017).
#[derive(Clone, Debug)]
pub struct Lars<T> {
    pub config: LarsConfig,
    pub state: LarsState<T>,
}

impl<T: Real> Lars<T> {
    pub fn new(config: LarsConfig) -> Result<Self, OptimError> {
        config.validate()?;
        Ok(Self {
            config,
            state: LarsState::default(),
        })
    }

    /// The trust ratio λˡ of each layer at the last step (empty before the
    /// first step).
    pub fn trust_ratios(&self) -> &[T] {
        &self.state.trust_ratios
    }

    /// λ = η‖w‖ / (‖g‖ + β‖w‖ + ε), or 1 when ‖w‖ or ‖g‖ is 0.
    fn trust_ratio(&self, weights: &[T], grad: &[T]) -> T {
        let weight_norm = weights.iter().map(|&w| w * w).sum::<T>().sqrt();
        let grad_norm = grad.iter().map(|&g| g * g).sum::<T>().sqrt();
        if weight_norm == T::ZERO || grad_norm == T::ZERO {
            return T::ONE;
        }
        let c = &self.config;
        T::from_f64(c.trust_coefficient) * weight_norm
            / (grad_norm + T::from_f64(c.weight_decay) * weight_norm + T::from_f64(c.eps))
    }
}

impl<T: Real> Optimizer<T> for Lars<T> {
    fn name(&self) -> &'static str {
        "lars"
    }

    fn update_rule(&self) -> &'static str {
        UPDATE_RULE
    }

    fn config(&self) -> Value {
        to_json(&self.config)
    }

    fn set_config(&mut self, config: Value) -> Result<(), OptimError> {
        let next: LarsConfig = merge("lars", &self.config, config)?;
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
        let whole = 0..params.len();
        let layers: &[Range<usize>] = input.layers.unwrap_or(std::slice::from_ref(&whole));
        let ratios: Vec<T> = layers
            .iter()
            .map(|layer| self.trust_ratio(&params[layer.clone()], &input.grad[layer.clone()]))
            .collect();

        let (lr, momentum) = (
            T::from_f64(self.config.lr),
            T::from_f64(self.config.momentum),
        );
        let decay = WeightDecay::l2(self.config.weight_decay);
        let velocity = self
            .state
            .velocity
            .get_or_insert_with(|| vec![T::ZERO; params.len()]);
        for (layer, &ratio) in layers.iter().zip(&ratios) {
            for i in layer.clone() {
                let g = decay.apply(&mut params[i], input.grad[i]);
                velocity[i] = momentum * velocity[i] + lr * ratio * g;
                params[i] -= velocity[i];
            }
        }
        self.state.trust_ratios = ratios;
        Ok(())
    }

    fn velocity(&self) -> Option<&[T]> {
        self.state.velocity.as_deref()
    }

    fn reset(&mut self) {
        self.state = LarsState::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SeededRng;

    fn lars(config: LarsConfig) -> Lars<f64> {
        Lars::new(config).unwrap()
    }

    #[test]
    fn trust_ratio_is_norm_ratio_per_layer() {
        let mut rng = SeededRng::new(11);
        for _ in 0..50 {
            let w: Vec<f64> = (0..5).map(|_| rng.normal()).collect();
            let g: Vec<f64> = (0..5).map(|_| rng.normal()).collect();
            let (eta, beta) = (rng.uniform_in(0.1, 2.0), rng.uniform_in(0.0, 0.5));
            let mut opt = lars(LarsConfig {
                trust_coefficient: eta,
                weight_decay: beta,
                eps: 0.0,
                ..LarsConfig::default()
            });
            let layers = [0..2, 2..5];
            let mut p = w.clone();
            let input = StepInput::gradient(&g).with_layers(&layers);
            opt.step(&mut p, &input).unwrap();
            let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
            for (layer, &ratio) in layers.iter().zip(opt.trust_ratios()) {
                let (wn, gn) = (norm(&w[layer.clone()]), norm(&g[layer.clone()]));
                let expected = eta * wn / (gn + beta * wn);
                assert!((ratio - expected).abs() < 1e-12 * expected.max(1.0));
            }
        }
    }

    #[test]
    fn each_layer_moves_the_same_fraction_of_its_norm() {
        // Without momentum and weight decay, ‖Δwˡ‖ = γ·η·‖wˡ‖ whatever ‖gˡ‖ is.
        let mut opt = lars(LarsConfig {
            lr: 0.05,
            momentum: 0.0,
            eps: 0.0,
            ..LarsConfig::default()
        });
        let mut p = [1.0_f64, 2.0, 100.0, -50.0];
        let before = p;
        let g = [1e-4, 3e-4, 40.0, 7.0];
        let layers = [0..2, 2..4];
        let input = StepInput::gradient(&g).with_layers(&layers);
        opt.step(&mut p, &input).unwrap();
        for layer in layers {
            let dw: f64 = layer
                .clone()
                .map(|i| (p[i] - before[i]).powi(2))
                .sum::<f64>()
                .sqrt();
            let w: f64 = layer.map(|i| before[i].powi(2)).sum::<f64>().sqrt();
            assert!((dw / w - 0.05).abs() < 1e-12, "relative step {}", dw / w);
        }
    }

    #[test]
    fn zero_weights_or_gradient_use_ratio_one() {
        let mut opt = lars(LarsConfig {
            lr: 0.1,
            momentum: 0.0,
            ..LarsConfig::default()
        });
        let mut p = [0.0_f64, 0.0];
        opt.step(&mut p, &StepInput::gradient(&[1.0, -2.0]))
            .unwrap();
        assert_eq!(opt.trust_ratios(), &[1.0]);
        assert_eq!(p, [-0.1, 0.2]);
        opt.step(&mut p, &StepInput::gradient(&[0.0, 0.0])).unwrap();
        assert_eq!(opt.trust_ratios(), &[1.0]);
    }

    #[test]
    fn converges_on_a_convex_quadratic() {
        // f = ½ θᵀAθ with A = [[3, 1], [1, 2]]; minimum at 0. LARS steps are a
        // fixed fraction of ‖θ‖, so it closes in on 0 geometrically.
        let mut opt = lars(LarsConfig {
            lr: 0.01,
            ..LarsConfig::default()
        });
        let mut p = [2.0_f64, -1.5];
        for _ in 0..2000 {
            let g = [3.0 * p[0] + p[1], p[0] + 2.0 * p[1]];
            opt.step(&mut p, &StepInput::gradient(&g)).unwrap();
        }
        assert!(p[0].abs() < 1e-6 && p[1].abs() < 1e-6, "{p:?}");
    }

    #[test]
    fn momentum_accumulates_and_survives_a_config_change() {
        let mut opt = lars(LarsConfig {
            lr: 0.1,
            momentum: 0.9,
            eps: 0.0,
            ..LarsConfig::default()
        });
        let mut p = [3.0_f64, 4.0];
        opt.step(&mut p, &StepInput::gradient(&[0.0, 10.0]))
            .unwrap();
        // λ = 0.5, v = 0.1·0.5·g = [0, 0.5].
        assert_eq!(opt.velocity(), Some(&[0.0, 0.5][..]));
        opt.set_config(serde_json::json!({"momentum": 0.5, "trust_coefficient": 2.0}))
            .unwrap();
        assert_eq!(opt.velocity(), Some(&[0.0, 0.5][..]));
        let v_before = opt.velocity().unwrap().to_vec();
        let w = p;
        opt.step(&mut p, &StepInput::gradient(&[0.0, 10.0]))
            .unwrap();
        let ratio = 2.0 * (w[0].hypot(w[1])) / 10.0;
        let expected = 0.5 * v_before[1] + 0.1 * ratio * 10.0;
        assert!((opt.velocity().unwrap()[1] - expected).abs() < 1e-12);
    }

    #[test]
    fn bad_values_are_rejected() {
        for (key, value, message) in [
            ("lr", -1.0, "Invalid learning rate: -1.0"),
            ("momentum", -0.5, "Invalid momentum value: -0.5"),
            (
                "trust_coefficient",
                -1.0,
                "Invalid trust_coefficient value: -1.0",
            ),
            ("eps", -1e-8, "Invalid epsilon value: -1e-08"),
        ] {
            let mut opt = lars(LarsConfig::default());
            let err = opt
                .set_config(serde_json::json!({ key: value }))
                .unwrap_err();
            assert_eq!(err.to_string(), message);
            assert_eq!(opt.config, LarsConfig::default());
        }
        let err = lars(LarsConfig::default())
            .set_config(serde_json::json!({"eta": 1.0}))
            .unwrap_err();
        assert!(matches!(err, OptimError::UnknownKey { .. }), "{err}");
    }
}
