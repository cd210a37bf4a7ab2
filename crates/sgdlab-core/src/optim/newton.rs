//! Newton's method, with optional damping (Levenberg–Marquardt style).
//!
//! ```text
//! d ← (H + δI)⁻¹ ∇L(θ)          (H = ∇²L(θ), δ = damping)
//! θ ← θ − η·d                   (η = lr)
//! ```
//!
//! Newton minimises the second-order Taylor model
//! L(θ + s) ≈ L(θ) + ∇Lᵀs + ½ sᵀHs, whose stationary point is s = −H⁻¹∇L.
//! On a quadratic the model is exact, so one step with η = 1 lands on the
//! minimum, however badly conditioned the bowl is.
//!
//! Why it is attracted to saddles: the step solves ∇L(θ + s) ≈ 0, i.e. it
//! looks for a *stationary point*, not a minimum. Along an eigenvector of H
//! with eigenvalue h < 0 the step is −(∂L/∂u)/h, which goes *uphill*, towards
//! the maximum of the model in that direction. On L = x² − y² (H = diag(2, −2))
//! the Newton step from any (x, y) is exactly −(x, y): one step to the saddle
//! at the origin. Gradient descent, by contrast, is pushed away from it along y.
//!
//! Damping δ > 0 shifts every eigenvalue by δ: large δ turns the step into
//! gradient descent with rate η/δ; small δ keeps Newton's curvature scaling.
//! It also makes a singular H (a flat direction) invertible. It does not make
//! the step a descent direction when an eigenvalue is below −δ.
//!
//! The linear system is solved by Gaussian elimination with partial pivoting
//! (n is 2 on the landscapes, a few dozen at most elsewhere; Newton costs
//! O(n³) per step, which is why nobody uses it on a network). A pivot below
//! n·ε·max|Aᵢⱼ| counts as zero and gives [`OptimError::SingularHessian`].
//!
//! Reference: Nocedal & Wright, *Numerical Optimization* (2006), ch. 3
//! (Newton) and ch. 10 (Levenberg–Marquardt damping).
//!
//! ```
//! use sgdlab_core::optim::{Optimizer, StepInput, newton::{Newton, NewtonConfig}};
//! let mut opt = Newton::new(NewtonConfig::default()).unwrap();
//! // L = 4x² + y² − 2y: ∇L = (8x, 2y − 2), H = diag(8, 2), minimum at (0, 1).
//! let mut theta = [3.0_f64, -5.0];
//! let grad = [8.0 * theta[0], 2.0 * theta[1] - 2.0];
//! let hessian = [8.0, 0.0, 0.0, 2.0];
//! let input = StepInput { grad: &grad, hessian: Some(&hessian), layers: None };
//! opt.step(&mut theta, &input).unwrap();
//! assert_eq!(theta, [0.0, 1.0]);
//! ```

use super::config::{merge, non_negative, to_json};
use super::{OptimError, Optimizer, StepInput};
use crate::Real;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Hyperparameters of [`Newton`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NewtonConfig {
    /// Step size η. Defaults to `1` (the pure Newton step).
    pub lr: f64,
    /// Damping δ added to the Hessian's diagonal. Defaults to `0` (undamped).
    pub damping: f64,
}

impl Default for NewtonConfig {
    fn default() -> Self {
        Self {
            lr: 1.0,
            damping: 0.0,
        }
    }
}

impl NewtonConfig {
    /// Rejects a negative step size or damping.
    pub fn validate(&self) -> Result<(), OptimError> {
        non_negative("learning rate", self.lr)?;
        non_negative("damping value", self.damping)?;
        Ok(())
    }
}

/// The state of [`Newton`]: the last Newton direction d.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NewtonState<T> {
    pub direction: Option<Vec<T>>,
}

/// Damped Newton's method.
#[derive(Clone, Debug)]
pub struct Newton<T> {
    pub config: NewtonConfig,
    pub state: NewtonState<T>,
}

impl<T: Real> Newton<T> {
    pub fn new(config: NewtonConfig) -> Result<Self, OptimError> {
        config.validate()?;
        Ok(Self {
            config,
            state: NewtonState::default(),
        })
    }
}

impl<T: Real> Optimizer<T> for Newton<T> {
    fn needs_hessian(&self) -> bool {
        true
    }

    fn name(&self) -> &'static str {
        "newton"
    }

    fn update_rule(&self) -> &'static str {
        "d ← (H + δI)⁻¹ ∇L(θ)\nθ ← θ − η·d"
    }

    fn config(&self) -> Value {
        to_json(&self.config)
    }

    fn set_config(&mut self, config: Value) -> Result<(), OptimError> {
        let next: NewtonConfig = merge("newton", &self.config, config)?;
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
        let n = params.len();
        let hessian = input.hessian.ok_or(OptimError::NeedsHessian {
            optimizer: "newton",
        })?;
        assert_eq!(hessian.len(), n * n, "the Hessian must be n×n, row-major");
        let mut damped = hessian.to_vec();
        let damping = T::from_f64(self.config.damping);
        for i in 0..n {
            damped[i * n + i] += damping;
        }
        let direction = solve(damped, input.grad.to_vec())?;
        let lr = T::from_f64(self.config.lr);
        for (p, &d) in params.iter_mut().zip(&direction) {
            *p -= lr * d;
        }
        self.state.direction = Some(direction);
        Ok(())
    }

    /// The last Newton direction d (the step is −η·d).
    fn velocity(&self) -> Option<&[T]> {
        self.state.direction.as_deref()
    }

    fn reset(&mut self) {
        self.state = NewtonState::default();
    }
}

/// Solves A·x = b (A row-major n×n) by Gaussian elimination with partial
/// pivoting. Fails when A is singular to working precision or not finite.
fn solve<T: Real>(mut a: Vec<T>, mut b: Vec<T>) -> Result<Vec<T>, OptimError> {
    let n = b.len();
    let largest = a.iter().fold(T::ZERO, |m, &v| m.max(v.abs()));
    if !largest.is_finite() || b.iter().any(|v| !v.is_finite()) {
        return Err(OptimError::SingularHessian);
    }
    let tiny = T::from_usize(n) * T::EPSILON * largest;
    for col in 0..n {
        // Bring the row with the largest entry in this column up.
        let pivot_row = (col..n)
            .max_by(|&i, &j| {
                let (x, y) = (a[i * n + col].abs(), a[j * n + col].abs());
                x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal)
            })
            .unwrap_or(col);
        if a[pivot_row * n + col].abs() <= tiny {
            return Err(OptimError::SingularHessian);
        }
        if pivot_row != col {
            for k in 0..n {
                a.swap(col * n + k, pivot_row * n + k);
            }
            b.swap(col, pivot_row);
        }
        let pivot = a[col * n + col];
        for row in col + 1..n {
            let factor = a[row * n + col] / pivot;
            if factor == T::ZERO {
                continue;
            }
            for k in col..n {
                let above = a[col * n + k];
                a[row * n + k] -= factor * above;
            }
            let above = b[col];
            b[row] -= factor * above;
        }
    }
    // Back substitution.
    let mut x = vec![T::ZERO; n];
    for row in (0..n).rev() {
        let tail: T = (row + 1..n).map(|k| a[row * n + k] * x[k]).sum();
        x[row] = (b[row] - tail) / a[row * n + row];
    }
    if x.iter().any(|v| !v.is_finite()) {
        return Err(OptimError::SingularHessian);
    }
    Ok(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SeededRng;

    fn newton(lr: f64, damping: f64) -> Newton<f64> {
        Newton::new(NewtonConfig { lr, damping }).unwrap()
    }

    fn step_with(opt: &mut Newton<f64>, p: &mut [f64], g: &[f64], h: &[f64]) {
        let input = StepInput {
            grad: g,
            hessian: Some(h),
            layers: None,
        };
        opt.step(p, &input).unwrap();
    }

    #[test]
    fn solver_inverts_random_systems() {
        let mut rng = SeededRng::new(5);
        for n in 1..7 {
            for _ in 0..20 {
                let a: Vec<f64> = (0..n * n).map(|_| rng.normal()).collect();
                let x: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
                let b: Vec<f64> = (0..n)
                    .map(|i| (0..n).map(|k| a[i * n + k] * x[k]).sum())
                    .collect();
                let solved = solve(a, b).unwrap();
                for (s, e) in solved.iter().zip(&x) {
                    assert!((s - e).abs() < 1e-8, "n = {n}: {s} vs {e}");
                }
            }
        }
    }

    #[test]
    fn solver_needs_pivoting_for_a_zero_leading_entry() {
        let x = solve(vec![0.0_f64, 1.0, 1.0, 0.0], vec![2.0, 3.0]).unwrap();
        assert_eq!(x, [3.0, 2.0]);
    }

    #[test]
    fn one_step_reaches_the_minimum_of_any_quadratic() {
        // L = ½ θᵀAθ − bᵀθ with A = MᵀM + I (positive definite); θ* = A⁻¹b.
        let mut rng = SeededRng::new(8);
        for _ in 0..30 {
            let n = 3;
            let m: Vec<f64> = (0..n * n).map(|_| rng.normal()).collect();
            let mut a = vec![0.0; n * n];
            for i in 0..n {
                for j in 0..n {
                    a[i * n + j] = (0..n).map(|k| m[k * n + i] * m[k * n + j]).sum::<f64>()
                        + if i == j { 1.0 } else { 0.0 };
                }
            }
            let b: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
            let mut p: Vec<f64> = (0..n).map(|_| 5.0 * rng.normal()).collect();
            let grad: Vec<f64> = (0..n)
                .map(|i| (0..n).map(|k| a[i * n + k] * p[k]).sum::<f64>() - b[i])
                .collect();
            step_with(&mut newton(1.0, 0.0), &mut p, &grad, &a);
            for (i, &bi) in b.iter().enumerate() {
                let residual = (0..n).map(|k| a[i * n + k] * p[k]).sum::<f64>() - bi;
                assert!(residual.abs() < 1e-9, "∇L at the result: {residual}");
            }
        }
    }

    #[test]
    fn converges_on_a_convex_quadratic_with_a_short_step() {
        // With η < 1 the error shrinks by (1 − η) per step.
        let a = [3.0, 1.0, 1.0, 2.0];
        let mut opt = newton(0.3, 0.0);
        let mut p = [2.0, -1.0];
        for _ in 0..100 {
            let g = [3.0 * p[0] + p[1] - 1.0, p[0] + 2.0 * p[1]];
            step_with(&mut opt, &mut p, &g, &a);
        }
        // Minimum of ½θᵀAθ − θ₀: A·θ = (1, 0) → θ = (0.4, −0.2).
        assert!(
            (p[0] - 0.4).abs() < 1e-12 && (p[1] + 0.2).abs() < 1e-12,
            "{p:?}"
        );
    }

    #[test]
    fn is_attracted_to_the_saddle_of_x2_minus_y2() {
        let h = [2.0, 0.0, 0.0, -2.0];
        // Full step: straight onto the saddle.
        let mut p = [1.5, 0.7];
        step_with(&mut newton(1.0, 0.0), &mut p, &[3.0, -1.4], &h);
        assert_eq!(p, [0.0, 0.0]);
        // Half steps: a geometric approach, y shrinks too (GD would grow it).
        let mut opt = newton(0.5, 0.0);
        let mut p = [1.5, 0.7];
        for _ in 0..60 {
            let g = [2.0 * p[0], -2.0 * p[1]];
            step_with(&mut opt, &mut p, &g, &h);
        }
        assert!(p[0].abs() < 1e-15 && p[1].abs() < 1e-15, "{p:?}");
        // The direction is uphill in y: dᵧ has the sign of y while ∂L/∂y opposes it.
        assert!(opt.velocity().unwrap()[1] > 0.0 && p[1] > 0.0);
    }

    #[test]
    fn damping_divides_by_shifted_eigenvalues() {
        // H = diag(2, 8): d = (gₓ / (2 + δ), g_y / (8 + δ)).
        let h = [2.0, 0.0, 0.0, 8.0];
        let g = [1.0, 4.0];
        for damping in [0.0, 0.5, 3.0, 100.0] {
            let mut opt = newton(1.0, damping);
            let mut p = [0.0, 0.0];
            step_with(&mut opt, &mut p, &g, &h);
            let expected = [1.0 / (2.0 + damping), 4.0 / (8.0 + damping)];
            for (d, e) in opt.velocity().unwrap().iter().zip(expected) {
                assert!((d - e).abs() < 1e-15);
            }
        }
        // Large δ is gradient descent with rate η/δ.
        let mut opt = newton(1.0, 1e8);
        let mut p = [0.0, 0.0];
        step_with(&mut opt, &mut p, &g, &h);
        assert!((p[1] + 4.0e-8).abs() < 1e-14, "{p:?}");
    }

    #[test]
    fn damping_makes_a_flat_direction_solvable() {
        let h = [2.0, 0.0, 0.0, 0.0];
        let input = StepInput {
            grad: &[1.0, 1.0],
            hessian: Some(&h[..]),
            layers: None,
        };
        let mut p = [0.0_f64, 0.0];
        assert_eq!(
            newton(1.0, 0.0).step(&mut p, &input),
            Err(OptimError::SingularHessian)
        );
        assert_eq!(p, [0.0, 0.0]);
        newton(1.0, 1.0).step(&mut p, &input).unwrap();
        assert_eq!(p, [-1.0 / 3.0, -1.0]);
    }

    #[test]
    fn missing_or_broken_hessian_is_an_error() {
        let mut opt = newton(1.0, 0.0);
        let mut p = [1.0_f64, 1.0];
        let err = opt
            .step(&mut p, &StepInput::gradient(&[1.0, 1.0]))
            .unwrap_err();
        assert_eq!(
            err,
            OptimError::NeedsHessian {
                optimizer: "newton"
            }
        );
        assert!(err.to_string().contains("needs the Hessian"));
        let nan = [f64::NAN, 0.0, 0.0, 1.0];
        let input = StepInput {
            grad: &[1.0, 1.0],
            hessian: Some(&nan[..]),
            layers: None,
        };
        assert_eq!(opt.step(&mut p, &input), Err(OptimError::SingularHessian));
        let rank_one = [1.0, 2.0, 2.0, 4.0];
        let input = StepInput {
            hessian: Some(&rank_one[..]),
            ..input
        };
        assert_eq!(opt.step(&mut p, &input), Err(OptimError::SingularHessian));
        assert_eq!(p, [1.0, 1.0]);
    }

    #[test]
    fn config_change_keeps_the_direction_and_bad_values_are_rejected() {
        let mut opt = newton(1.0, 0.0);
        let mut p = [1.0_f64];
        step_with(&mut opt, &mut p, &[4.0], &[2.0]);
        opt.set_config(serde_json::json!({"damping": 2.0})).unwrap();
        assert_eq!(opt.velocity(), Some(&[2.0][..]));
        let err = opt
            .set_config(serde_json::json!({"damping": -1.0}))
            .unwrap_err();
        assert_eq!(err.to_string(), "Invalid damping value: -1.0");
        assert_eq!(opt.config.damping, 2.0);
        let err = Newton::<f64>::new(NewtonConfig {
            lr: -0.5,
            ..NewtonConfig::default()
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "Invalid learning rate: -0.5");
    }
}
