//! The Booth function: a tilted quadratic bowl.
//!
//! ```text
//! f(x, y) = (x + 2y − 7)² + (2x + y − 5)²
//!
//! With u = x + 2y − 7 and v = 2x + y − 5:
//!
//! ∂f/∂x = 2·u + 4·v
//! ∂f/∂y = 4·u + 2·v
//!
//! ∇²f = [[10, 8], [8, 10]]   (constant; eigenvalues 18 along (1, 1) and
//!                             2 along (1, −1), condition number 9)
//! ```
//!
//! View box [−10, 10]² (the usual search domain); default start (−8, 8).
//! Global minimum f(1, 3) = 0, the only stationary point.
//!
//! What it teaches: the baseline. A quadratic whose axes are not the
//! coordinate axes: GD converges for a learning rate below 2/18 and zig-zags
//! near that bound; Newton's method lands on the minimum in one step.

use super::{Surface, ViewBox};

/// (x + 2y − 7)² + (2x + y − 5)².
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Booth;

impl Surface for Booth {
    fn name(&self) -> &str {
        "booth"
    }
    fn formula(&self) -> String {
        "(x + 2y − 7)² + (2x + y − 5)²".into()
    }
    fn description(&self) -> &str {
        "A tilted quadratic bowl with condition number 9: the baseline every method should solve."
    }
    fn value(&self, x: f64, y: f64) -> f64 {
        let u = x + 2.0 * y - 7.0;
        let v = 2.0 * x + y - 5.0;
        u * u + v * v
    }
    fn gradient(&self, x: f64, y: f64) -> [f64; 2] {
        let u = x + 2.0 * y - 7.0;
        let v = 2.0 * x + y - 5.0;
        [2.0 * u + 4.0 * v, 4.0 * u + 2.0 * v]
    }
    fn hessian(&self, _x: f64, _y: f64) -> [[f64; 2]; 2] {
        [[10.0, 8.0], [8.0, 10.0]]
    }
    fn view_box(&self) -> ViewBox {
        ViewBox {
            x_min: -10.0,
            x_max: 10.0,
            y_min: -10.0,
            y_max: 10.0,
        }
    }
    fn minima(&self) -> Vec<[f64; 2]> {
        vec![[1.0, 3.0]]
    }
    fn minimum_value(&self) -> Option<f64> {
        Some(0.0)
    }
    fn default_start(&self) -> [f64; 2] {
        [-8.0, 8.0]
    }
    fn is_quadratic(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_values() {
        assert_eq!(Booth.value(0.0, 0.0), 74.0);
        assert_eq!(Booth.gradient(0.0, 0.0), [-34.0, -38.0]);
    }

    #[test]
    fn one_newton_step_reaches_the_minimum() {
        let [x, y] = Booth.default_start();
        let [gx, gy] = Booth.gradient(x, y);
        let [[a, b], [c, d]] = Booth.hessian(x, y);
        let det = a * d - b * c;
        let step = [(d * gx - b * gy) / det, (a * gy - c * gx) / det];
        assert_eq!([x - step[0], y - step[1]], [1.0, 3.0]);
    }
}
