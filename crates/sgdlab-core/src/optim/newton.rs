//! Newton's method, with optional damping (Levenberg–Marquardt style) and
//! the saddle-free variant.
//!
//! ```text
//! d ← (H + δI)⁻¹ ∇L(θ)          (H = ∇²L(θ), δ = damping)
//! d ← (|H| + δI)⁻¹ ∇L(θ)        (saddle_free; |H| = Q·|Λ|·Qᵀ where H = Q·Λ·Qᵀ)
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
//! Saddle-free Newton (Dauphin et al. 2014) divides by |h| instead of h
//! along each eigenvector: the step keeps Newton's scaling by curvature but
//! always goes downhill, so along a direction of negative curvature it moves
//! *away* from the saddle. On x² − y² it steps from (x, y) to (0, 2y). H is
//! symmetric, so its eigenvectors Q are orthonormal; they are found by the
//! cyclic Jacobi method (rotations that zero one off-diagonal entry at a
//! time until all are below n·ε·‖H‖). With damping the divisor is |h| + δ.
//!
//! The linear system is solved by Gaussian elimination with partial pivoting
//! (n is 2 on the landscapes, a few dozen at most elsewhere; Newton costs
//! O(n³) per step, which is why nobody uses it on a network). A pivot below
//! n·ε·max|Aᵢⱼ| counts as zero and gives [`OptimError::SingularHessian`].
//!
//! Reference: Nocedal & Wright, *Numerical Optimization* (2006), ch. 3
//! (Newton) and ch. 10 (Levenberg–Marquardt damping); Dauphin, Pascanu,
//! Gulcehre, Cho, Ganguli & Bengio, "Identifying and attacking the saddle
//! point problem in high-dimensional non-convex optimization" (NeurIPS 2014)
//! for the saddle-free step; Golub & Van Loan, *Matrix Computations*,
//! §8.5 (the Jacobi method).
//!
//! ```
//! use sgdlab_core::optim::{Optimizer, StepInput, newton::{Newton, NewtonConfig}};
//! let mut opt = Newton::new(NewtonConfig::default()).unwrap();
//! // L = 4x² + y² − 2y: ∇L = (8x, 2y − 2), H = diag(8, 2), minimum at (0, 1).
//! let mut theta = [3.0_f64, -5.0];
//! let grad = [8.0 * theta[0], 2.0 * theta[1] - 2.0];
//! let hessian = [8.0, 0.0, 0.0, 2.0];
//! opt.step(&mut theta, &StepInput::gradient(&grad).with_hessian(&hessian)).unwrap();
//! assert_eq!(theta, [0.0, 1.0]);
//! ```

use super::config::{merge, non_negative, to_json};
use super::{OptimError, Optimizer, StepInput};
use crate::Real;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The update rule of the module doc, for the page.
const UPDATE_RULE: &str = "\
d ← (H + δI)⁻¹ ∇L(θ)          (H = ∇²L(θ), δ = damping)
d ← (|H| + δI)⁻¹ ∇L(θ)        (saddle_free; |H| = Q·|Λ|·Qᵀ where H = Q·Λ·Qᵀ)
θ ← θ − η·d                   (η = lr)";

/// Hyperparameters of [`Newton`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NewtonConfig {
    /// Step size η. Defaults to `1` (the pure Newton step).
    pub lr: f64,
    /// Damping δ added to the Hessian's diagonal. Defaults to `0` (undamped).
    pub damping: f64,
    /// Use |H|, the Hessian with its eigenvalues made positive, in place of
    /// H (saddle-free Newton). Defaults to `false`.
    pub saddle_free: bool,
}

impl Default for NewtonConfig {
    fn default() -> Self {
        Self {
            lr: 1.0,
            damping: 0.0,
            saddle_free: false,
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
        UPDATE_RULE
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
        let damping = T::from_f64(self.config.damping);
        let direction = if self.config.saddle_free {
            saddle_free_direction(hessian, input.grad, damping)?
        } else {
            let mut damped = hessian.to_vec();
            for i in 0..n {
                damped[i * n + i] += damping;
            }
            solve(damped, input.grad.to_vec())?
        };
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

/// (|H| + δI)⁻¹·g = Q·diag(1/(|λᵢ| + δ))·Qᵀ·g for the symmetric H = Q·Λ·Qᵀ.
/// Fails when some |λᵢ| + δ is zero to working precision or H is not finite.
fn saddle_free_direction<T: Real>(
    hessian: &[T],
    grad: &[T],
    damping: T,
) -> Result<Vec<T>, OptimError> {
    if hessian.iter().chain(grad).any(|v| !v.is_finite()) {
        return Err(OptimError::SingularHessian);
    }
    let n = grad.len();
    let (eigenvalues, vectors) = symmetric_eigen(hessian, n);
    let largest = eigenvalues
        .iter()
        .fold(T::ZERO, |m, &l| m.max(l.abs() + damping));
    let tiny = T::from_usize(n) * T::EPSILON * largest;
    let mut direction = vec![T::ZERO; n];
    for (k, &eigenvalue) in eigenvalues.iter().enumerate() {
        let divisor = eigenvalue.abs() + damping;
        if divisor <= tiny {
            return Err(OptimError::SingularHessian);
        }
        // The component of g along eigenvector k (column k of Q), rescaled.
        let along: T = (0..n).map(|i| vectors[i * n + k] * grad[i]).sum();
        let scaled = along / divisor;
        for (i, d) in direction.iter_mut().enumerate() {
            *d += vectors[i * n + k] * scaled;
        }
    }
    Ok(direction)
}

/// The eigenvalues λ and eigenvectors Q (row-major, one per column) of the
/// symmetric n×n matrix `a`, by cyclic Jacobi rotations. Only the average of
/// a and aᵀ is used, so rounding that leaves a a little asymmetric is
/// harmless.
fn symmetric_eigen<T: Real>(a: &[T], n: usize) -> (Vec<T>, Vec<T>) {
    let mut m: Vec<T> = (0..n * n)
        .map(|k| (a[k] + a[(k % n) * n + k / n]) * T::HALF)
        .collect();
    let mut q: Vec<T> = (0..n * n)
        .map(|k| if k % (n + 1) == 0 { T::ONE } else { T::ZERO })
        .collect();
    let scale = m.iter().map(|&v| v * v).sum::<T>().sqrt();
    let tolerance = T::from_usize(n) * T::EPSILON * scale;
    // Jacobi converges quadratically; a few sweeps suffice for small n.
    for _sweep in 0..64 {
        let off: T = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| m[i * n + j] * m[i * n + j])
            .sum::<T>()
            .sqrt();
        if off <= tolerance {
            break;
        }
        for p in 0..n {
            for r in p + 1..n {
                let apr = m[p * n + r];
                if apr == T::ZERO {
                    continue;
                }
                // The rotation (c, s) that zeroes m[p][r] (Golub & Van Loan 8.5.2).
                let tau = (m[r * n + r] - m[p * n + p]) / (T::TWO * apr);
                let t = if tau >= T::ZERO {
                    T::ONE / (tau + (T::ONE + tau * tau).sqrt())
                } else {
                    -T::ONE / (-tau + (T::ONE + tau * tau).sqrt())
                };
                let c = T::ONE / (T::ONE + t * t).sqrt();
                let s = t * c;
                // m ← Jᵀ·m·J, then q ← q·J.
                for k in 0..n {
                    let (mkp, mkr) = (m[k * n + p], m[k * n + r]);
                    m[k * n + p] = c * mkp - s * mkr;
                    m[k * n + r] = s * mkp + c * mkr;
                }
                for k in 0..n {
                    let (mpk, mrk) = (m[p * n + k], m[r * n + k]);
                    m[p * n + k] = c * mpk - s * mrk;
                    m[r * n + k] = s * mpk + c * mrk;
                }
                for k in 0..n {
                    let (qkp, qkr) = (q[k * n + p], q[k * n + r]);
                    q[k * n + p] = c * qkp - s * qkr;
                    q[k * n + r] = s * qkp + c * qkr;
                }
            }
        }
    }
    let eigenvalues = (0..n).map(|i| m[i * n + i]).collect();
    (eigenvalues, q)
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
        Newton::new(NewtonConfig {
            lr,
            damping,
            ..NewtonConfig::default()
        })
        .unwrap()
    }

    fn saddle_free(lr: f64, damping: f64) -> Newton<f64> {
        Newton::new(NewtonConfig {
            lr,
            damping,
            saddle_free: true,
        })
        .unwrap()
    }

    fn step_with(opt: &mut Newton<f64>, p: &mut [f64], g: &[f64], h: &[f64]) {
        opt.step(p, &StepInput::gradient(g).with_hessian(h))
            .unwrap();
    }

    /// A random symmetric n×n matrix with entries of order 1.
    fn random_symmetric(rng: &mut SeededRng, n: usize) -> Vec<f64> {
        let mut a = vec![0.0; n * n];
        for i in 0..n {
            for j in i..n {
                let v = rng.normal();
                a[i * n + j] = v;
                a[j * n + i] = v;
            }
        }
        a
    }

    #[test]
    fn jacobi_diagonalises_random_symmetric_matrices() {
        let mut rng = SeededRng::new(21);
        for n in 1..8 {
            for _ in 0..20 {
                let a = random_symmetric(&mut rng, n);
                let (values, q) = symmetric_eigen(&a, n);
                for i in 0..n {
                    for j in 0..n {
                        // Q·Λ·Qᵀ = A and Qᵀ·Q = I.
                        let rebuilt: f64 = (0..n)
                            .map(|k| q[i * n + k] * values[k] * q[j * n + k])
                            .sum();
                        assert!((rebuilt - a[i * n + j]).abs() < 1e-12, "n = {n}");
                        let gram: f64 = (0..n).map(|k| q[k * n + i] * q[k * n + j]).sum();
                        let identity = if i == j { 1.0 } else { 0.0 };
                        assert!((gram - identity).abs() < 1e-12, "n = {n}");
                    }
                }
            }
        }
    }

    #[test]
    fn saddle_free_moves_away_from_the_saddle_of_x2_minus_y2() {
        // H = diag(2, −2), |H| = diag(2, 2): from (x, y) the step is
        // −(2x/2, −2y/2) = (−x, +y), so x lands on 0 and y doubles.
        let h = [2.0, 0.0, 0.0, -2.0];
        let mut p = [1.5, 0.7];
        let g = [2.0 * p[0], -2.0 * p[1]];
        step_with(&mut saddle_free(1.0, 0.0), &mut p, &g, &h);
        assert_eq!(p, [0.0, 1.4]);
        // It ends lower than plain Newton, which stops at the saddle.
        let loss = |p: [f64; 2]| p[0] * p[0] - p[1] * p[1];
        assert!(loss(p) < loss([0.0, 0.0]));
        let mut plain = [1.5, 0.7];
        step_with(&mut newton(1.0, 0.0), &mut plain, &g, &h);
        assert_eq!(plain, [0.0, 0.0]);
    }

    #[test]
    fn saddle_free_is_newton_where_the_hessian_is_positive_definite() {
        let mut rng = SeededRng::new(22);
        for _ in 0..30 {
            let n = 4;
            let m = random_symmetric(&mut rng, n);
            // A = M² + I is positive definite.
            let a: Vec<f64> = (0..n * n)
                .map(|k| {
                    let (i, j) = (k / n, k % n);
                    (0..n).map(|l| m[i * n + l] * m[l * n + j]).sum::<f64>()
                        + if i == j { 1.0 } else { 0.0 }
                })
                .collect();
            let g: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
            let (mut plain, mut free) = (vec![0.0; n], vec![0.0; n]);
            step_with(&mut newton(1.0, 0.3), &mut plain, &g, &a);
            step_with(&mut saddle_free(1.0, 0.3), &mut free, &g, &a);
            for (x, y) in plain.iter().zip(&free) {
                assert!((x - y).abs() < 1e-10 * x.abs().max(1.0), "{x} vs {y}");
            }
        }
    }

    #[test]
    fn saddle_free_divides_by_absolute_eigenvalues_in_a_rotated_basis() {
        // H = 3·u₁u₁ᵀ − u₂u₂ᵀ with (u₁, u₂) the axes turned by 30°, δ = 0.5:
        // along u₂ (eigenvalue −1) d = g/(|−1| + δ) = g/1.5, along u₁
        // (eigenvalue 3) d = g/3.5.
        let (c, s) = (30f64.to_radians().cos(), 30f64.to_radians().sin());
        let u1 = [c, s];
        let u2 = [-s, c];
        let h: Vec<f64> = (0..4)
            .map(|k| 3.0 * u1[k / 2] * u1[k % 2] - u2[k / 2] * u2[k % 2])
            .collect();
        let mut opt = saddle_free(1.0, 0.5);
        let mut p = [0.0, 0.0];
        step_with(&mut opt, &mut p, &u2, &h);
        for (d, e) in opt.velocity().unwrap().iter().zip(u2) {
            assert!((d - e / 1.5).abs() < 1e-14, "{d} vs {}", e / 1.5);
        }
        let mut p = [0.0, 0.0];
        step_with(&mut opt, &mut p, &u1, &h);
        for (d, e) in opt.velocity().unwrap().iter().zip(u1) {
            assert!((d - e / 3.5).abs() < 1e-14, "{d} vs {}", e / 3.5);
        }
    }

    #[test]
    fn saddle_free_refuses_a_flat_direction_without_damping() {
        let h = [2.0, 0.0, 0.0, 0.0];
        let input = StepInput::gradient(&[1.0, 1.0]).with_hessian(&h);
        let mut p = [0.0_f64, 0.0];
        assert_eq!(
            saddle_free(1.0, 0.0).step(&mut p, &input),
            Err(OptimError::SingularHessian)
        );
        saddle_free(1.0, 1.0).step(&mut p, &input).unwrap();
        assert_eq!(p, [-1.0 / 3.0, -1.0]);
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
        let input = StepInput::gradient(&[1.0, 1.0]).with_hessian(&h);
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
        let input = StepInput::gradient(&[1.0, 1.0]).with_hessian(&nan);
        assert_eq!(opt.step(&mut p, &input), Err(OptimError::SingularHessian));
        assert_eq!(
            saddle_free(1.0, 0.0).step(&mut p, &input),
            Err(OptimError::SingularHessian)
        );
        let rank_one = [1.0, 2.0, 2.0, 4.0];
        let input = input.with_hessian(&rank_one);
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
