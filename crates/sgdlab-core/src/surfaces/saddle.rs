//! A pure saddle.
//!
//! ```text
//! f(x, y) = x² − y²
//!
//! ∂f/∂x = 2x        ∂f/∂y = −2y
//! ∇²f = [[2, 0], [0, −2]]
//! ```
//!
//! View box [−2, 2]²; default start (−1.5, 0.01).
//! No minima: f is unbounded below along the y axis. The only stationary
//! point is the saddle at (0, 0), with f = 0.
//!
//! What it teaches: near a saddle the gradient is small, so GD slows down,
//! and it leaves only through the tiny y offset of the start, which grows by
//! a factor (1 + 2η) per step. Newton's method, which solves ∇f = 0, jumps
//! straight onto the saddle from any start.

use super::{Surface, ViewBox};

/// x² − y².
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Saddle;

impl Surface for Saddle {
    fn name(&self) -> &str {
        "saddle"
    }
    fn formula(&self) -> String {
        "x² − y²".into()
    }
    fn description(&self) -> &str {
        "A pure saddle: GD crawls past it and slides off along y, while Newton's method jumps onto it."
    }
    fn value(&self, x: f64, y: f64) -> f64 {
        x * x - y * y
    }
    fn gradient(&self, x: f64, y: f64) -> [f64; 2] {
        [2.0 * x, -2.0 * y]
    }
    fn hessian(&self, _x: f64, _y: f64) -> [[f64; 2]; 2] {
        [[2.0, 0.0], [0.0, -2.0]]
    }
    fn view_box(&self) -> ViewBox {
        ViewBox {
            x_min: -2.0,
            x_max: 2.0,
            y_min: -2.0,
            y_max: 2.0,
        }
    }
    fn minima(&self) -> Vec<[f64; 2]> {
        Vec::new()
    }
    fn default_start(&self) -> [f64; 2] {
        [-1.5, 0.01]
    }
    fn is_quadratic(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_is_a_saddle_with_no_minimum() {
        assert_eq!(Saddle.gradient(0.0, 0.0), [0.0, 0.0]);
        assert!(Saddle.minima().is_empty());
        assert_eq!(Saddle.minimum_value(), None);
        assert_eq!(Saddle.value(0.0, 10.0), -100.0);
    }
}
