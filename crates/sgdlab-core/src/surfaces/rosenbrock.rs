//! The Rosenbrock function: a curved, narrow valley ("banana").
//!
//! ```text
//! f(x, y) = (1 − x)² + 100·(y − x²)²
//!
//! ∂f/∂x = −2(1 − x) − 400·x·(y − x²)
//! ∂f/∂y = 200·(y − x²)
//!
//! ∂²f/∂x²  = 2 − 400·(y − x²) + 800·x²   (= 1200x² − 400y + 2)
//! ∂²f/∂x∂y = −400·x
//! ∂²f/∂y²  = 200
//! ```
//!
//! View box [−2, 2] × [−1, 3]; default start (−1.5, 2).
//! Global minimum f(1, 1) = 0, the only stationary point.
//!
//! What it teaches: the valley floor y = x² is found in a few steps, but
//! following it to (1, 1) is slow because the Hessian there has condition
//! number ≈ 2500 (eigenvalues ≈ 1001.6 and 0.4). GD zig-zags across the
//! valley; momentum and adaptive methods travel along it.

use super::{Surface, ViewBox};

/// (1 − x)² + 100(y − x²)².
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rosenbrock;

impl Surface for Rosenbrock {
    fn name(&self) -> &str {
        "rosenbrock"
    }
    fn formula(&self) -> String {
        "(1 − x)² + 100(y − x²)²".into()
    }
    fn description(&self) -> &str {
        "A curved, narrow valley: easy to reach, slow to follow to the minimum at (1, 1)."
    }
    fn value(&self, x: f64, y: f64) -> f64 {
        let valley = y - x * x;
        (1.0 - x) * (1.0 - x) + 100.0 * (valley * valley)
    }
    fn gradient(&self, x: f64, y: f64) -> [f64; 2] {
        // Rounds like torch autograd: ∂f/∂valley = 200·valley first, then
        // the valley's share of ∂f/∂x before the (1 − x)² share.
        let valley = y - x * x;
        let d_valley = 200.0 * valley;
        [-2.0 * (d_valley * x) - 2.0 * (1.0 - x), d_valley]
    }
    fn hessian(&self, x: f64, y: f64) -> [[f64; 2]; 2] {
        let f_xx = 2.0 - 400.0 * (y - x * x) + 800.0 * x * x;
        let f_xy = -400.0 * x;
        [[f_xx, f_xy], [f_xy, 200.0]]
    }
    fn view_box(&self) -> ViewBox {
        ViewBox {
            x_min: -2.0,
            x_max: 2.0,
            y_min: -1.0,
            y_max: 3.0,
        }
    }
    fn minima(&self) -> Vec<[f64; 2]> {
        vec![[1.0, 1.0]]
    }
    fn minimum_value(&self) -> Option<f64> {
        Some(0.0)
    }
    fn default_start(&self) -> [f64; 2] {
        [-1.5, 2.0]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_values() {
        assert_eq!(Rosenbrock.value(0.0, 0.0), 1.0);
        assert_eq!(Rosenbrock.value(-1.5, 2.0), 6.25 + 100.0 * 0.0625);
        assert_eq!(Rosenbrock.gradient(0.0, 0.0), [-2.0, 0.0]);
    }

    #[test]
    fn hessian_at_the_minimum() {
        assert_eq!(
            Rosenbrock.hessian(1.0, 1.0),
            [[802.0, -400.0], [-400.0, 200.0]]
        );
    }
}
