//! Cyclic coordinate descent: a gradient step along one axis at a time.
//!
//! ```text
//! i ← t mod n                    (t = 0, 1, 2, … counts the steps)
//! θᵢ ← θᵢ − η·∂L/∂θᵢ             (every other coordinate stays put)
//! ```
//!
//! On a bowl whose axes line up with the coordinates (a diagonal Hessian),
//! each step can be tuned to its own axis and the method does well. Rotate the
//! bowl and the axes no longer match the eigenvectors: the path turns into a
//! staircase of short moves, which is the conditioning lesson's point.
//!
//! Only the one partial derivative ∂L/∂θᵢ is read; the full gradient is
//! accepted because that is what [`StepInput`] carries.
//!
//! Reference: Wright, "Coordinate descent algorithms", *Mathematical
//! Programming* 151 (2015), §2 (cyclic variant with a fixed step).
//!
//! ```
//! use sgdlab_core::optim::{Optimizer, StepInput, coordinate::{CoordinateDescent, CoordinateDescentConfig}};
//! let mut opt = CoordinateDescent::<f64>::new(CoordinateDescentConfig { lr: 0.25 }).unwrap();
//! let mut theta = [1.0_f64, -2.0];
//! let grad = [2.0 * theta[0], 2.0 * theta[1]]; // ∇(x² + y²)
//! opt.step(&mut theta, &StepInput::gradient(&grad)).unwrap();
//! assert_eq!(theta, [0.5, -2.0]); // only x moved
//! assert_eq!(opt.active_coordinate(), Some(0));
//! ```

use super::config::{merge, non_negative, to_json};
use super::{OptimError, Optimizer, StepInput};
use crate::Real;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::marker::PhantomData;

/// The update rule of the module doc, for the page.
const UPDATE_RULE: &str = "\
i ← t mod n                    (t = 0, 1, 2, … counts the steps)
θᵢ ← θᵢ − η·∂L/∂θᵢ             (every other coordinate stays put)";

/// Hyperparameters of [`CoordinateDescent`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CoordinateDescentConfig {
    /// Learning rate η. Defaults to `1e-3`, like SGD.
    pub lr: f64,
}

impl Default for CoordinateDescentConfig {
    fn default() -> Self {
        Self { lr: 1e-3 }
    }
}

impl CoordinateDescentConfig {
    /// Rejects a negative learning rate.
    pub fn validate(&self) -> Result<(), OptimError> {
        non_negative("learning rate", self.lr)
    }
}

/// The state of [`CoordinateDescent`]: where it is in the cycle.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CoordinateDescentState {
    /// Steps taken so far (t).
    pub steps: u64,
    /// The coordinate the last step moved.
    pub active_coordinate: Option<usize>,
}

/// Cyclic coordinate descent with a fixed step.
#[derive(Clone, Debug)]
pub struct CoordinateDescent<T> {
    pub config: CoordinateDescentConfig,
    pub state: CoordinateDescentState,
    /// The parameters' type: the method itself keeps no vector of them.
    real: PhantomData<T>,
}

impl<T: Real> CoordinateDescent<T> {
    pub fn new(config: CoordinateDescentConfig) -> Result<Self, OptimError> {
        config.validate()?;
        Ok(Self {
            config,
            state: CoordinateDescentState::default(),
            real: PhantomData,
        })
    }

    /// The coordinate the last step moved (`None` before the first step).
    pub fn active_coordinate(&self) -> Option<usize> {
        self.state.active_coordinate
    }
}

impl<T: Real> Optimizer<T> for CoordinateDescent<T> {
    fn name(&self) -> &'static str {
        "coordinate"
    }

    fn update_rule(&self) -> &'static str {
        UPDATE_RULE
    }

    fn config(&self) -> Value {
        to_json(&self.config)
    }

    fn set_config(&mut self, config: Value) -> Result<(), OptimError> {
        let next: CoordinateDescentConfig = merge("coordinate", &self.config, config)?;
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
        if params.is_empty() {
            return Ok(());
        }
        let i = (self.state.steps % params.len() as u64) as usize;
        params[i] -= T::from_f64(self.config.lr) * input.grad[i];
        self.state.steps += 1;
        self.state.active_coordinate = Some(i);
        Ok(())
    }

    fn reset(&mut self) {
        self.state = CoordinateDescentState::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SeededRng;

    fn coordinate(lr: f64) -> CoordinateDescent<f64> {
        CoordinateDescent::new(CoordinateDescentConfig { lr }).unwrap()
    }

    #[test]
    fn moves_exactly_one_coordinate_per_step_in_cyclic_order() {
        let mut rng = SeededRng::new(2);
        let mut opt = coordinate(0.1);
        let mut p: Vec<f64> = (0..4).map(|_| rng.normal()).collect();
        for t in 0..20 {
            let g: Vec<f64> = (0..4).map(|_| rng.normal()).collect();
            let before = p.clone();
            opt.step(&mut p, &StepInput::gradient(&g)).unwrap();
            let i = t % 4;
            assert_eq!(opt.active_coordinate(), Some(i));
            for k in 0..4 {
                if k == i {
                    assert_eq!(p[k], before[k] - 0.1 * g[k]);
                } else {
                    assert_eq!(p[k], before[k]);
                }
            }
        }
    }

    #[test]
    fn converges_on_a_convex_quadratic() {
        // L = ½ θᵀAθ − bᵀθ, A = [[3, 1], [1, 2]], b = (1, 0): θ* = (0.4, −0.2).
        let mut opt = coordinate(0.3);
        let mut p = [2.0_f64, -1.0];
        for _ in 0..400 {
            let g = [3.0 * p[0] + p[1] - 1.0, p[0] + 2.0 * p[1]];
            opt.step(&mut p, &StepInput::gradient(&g)).unwrap();
        }
        assert!(
            (p[0] - 0.4).abs() < 1e-12 && (p[1] + 0.2).abs() < 1e-12,
            "{p:?}"
        );
    }

    #[test]
    fn config_change_keeps_the_cycle_position() {
        let mut opt = coordinate(0.1);
        let mut p = [1.0_f64, 1.0, 1.0];
        opt.step(&mut p, &StepInput::gradient(&[1.0, 1.0, 1.0]))
            .unwrap();
        opt.set_config(serde_json::json!({"lr": 0.5})).unwrap();
        opt.step(&mut p, &StepInput::gradient(&[1.0, 1.0, 1.0]))
            .unwrap();
        assert_eq!(p, [0.9, 0.5, 1.0]);
        assert_eq!(opt.active_coordinate(), Some(1));
    }

    #[test]
    fn bad_values_are_rejected() {
        let err = CoordinateDescent::<f64>::new(CoordinateDescentConfig { lr: -2.0 }).unwrap_err();
        assert_eq!(err.to_string(), "Invalid learning rate: -2.0");
        let mut opt = coordinate(0.1);
        let err = opt
            .set_config(serde_json::json!({"lr": "fast"}))
            .unwrap_err();
        assert!(matches!(err, OptimError::BadValue { .. }), "{err}");
        assert_eq!(opt.config.lr, 0.1);
    }
}
