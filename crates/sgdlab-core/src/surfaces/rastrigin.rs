//! The Rastrigin function: a bowl covered in regularly spaced dimples.
//!
//! ```text
//! f(x, y) = 20 + x² − 10·cos(2πx) + y² − 10·cos(2πy)
//!
//! ∂f/∂x = 2x + 20π·sin(2πx)          ∂f/∂y = 2y + 20π·sin(2πy)
//!
//! ∂²f/∂x² = 2 + 40π²·cos(2πx)         ∂²f/∂y² = 2 + 40π²·cos(2πy)
//! ∂²f/∂x∂y = 0
//! ```
//!
//! View box [−5.12, 5.12]² (the usual search domain); default start
//! (−4.2, 3.3).
//! Global minimum f(0, 0) = 0. Every point (m, n) with integer coordinates
//! has a local minimum close to it, pulled slightly towards the origin by
//! the bowl; in one dimension the first one is at x* ≈ 0.994959 with
//! x*² − 10·cos(2πx*) + 10 ≈ 0.994959. [`Surface::minima`] lists the global
//! minimum and the eight local minima around it, (±x*, 0), (0, ±x*) and
//! (±x*, ±x*).
//!
//! What it teaches: a non-convex landscape with many local minima. Plain GD
//! stops in the dimple nearest its start; noise and momentum let a path hop
//! over the ridges towards the origin.

use super::{Surface, ViewBox};
use std::f64::consts::{PI, TAU};

/// Position x* of the local minimum of x² − 10·cos(2πx) near x = 1 (the root
/// of 2x + 20π·sin(2πx) = 0 found by Newton's method).
const FIRST_LOCAL_MINIMUM: f64 = 0.994_958_637_652_334_8;

/// 20 + x² − 10cos(2πx) + y² − 10cos(2πy).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rastrigin;

impl Surface for Rastrigin {
    fn name(&self) -> &str {
        "rastrigin"
    }
    fn formula(&self) -> String {
        "20 + x² − 10cos(2πx) + y² − 10cos(2πy)".into()
    }
    fn description(&self) -> &str {
        "A bowl covered in dimples: plain GD stops in the local minimum nearest its start."
    }
    fn value(&self, x: f64, y: f64) -> f64 {
        20.0 + x * x - 10.0 * libm::cos(TAU * x) + y * y - 10.0 * libm::cos(TAU * y)
    }
    fn gradient(&self, x: f64, y: f64) -> [f64; 2] {
        // Rounds like torch autograd: the cosine's share (10·sin(2πx))·2π
        // first, then the square's 2x.
        [
            10.0 * libm::sin(TAU * x) * TAU + 2.0 * x,
            10.0 * libm::sin(TAU * y) * TAU + 2.0 * y,
        ]
    }
    fn hessian(&self, x: f64, y: f64) -> [[f64; 2]; 2] {
        let curvature = 40.0 * PI * PI;
        [
            [2.0 + curvature * libm::cos(TAU * x), 0.0],
            [0.0, 2.0 + curvature * libm::cos(TAU * y)],
        ]
    }
    fn view_box(&self) -> ViewBox {
        ViewBox {
            x_min: -5.12,
            x_max: 5.12,
            y_min: -5.12,
            y_max: 5.12,
        }
    }
    fn minima(&self) -> Vec<[f64; 2]> {
        let m = FIRST_LOCAL_MINIMUM;
        vec![
            [0.0, 0.0],
            [m, 0.0],
            [-m, 0.0],
            [0.0, m],
            [0.0, -m],
            [m, m],
            [-m, m],
            [m, -m],
            [-m, -m],
        ]
    }
    fn minimum_value(&self) -> Option<f64> {
        Some(0.0)
    }
    fn default_start(&self) -> [f64; 2] {
        [-4.2, 3.3]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_values() {
        assert_eq!(Rastrigin.value(0.0, 0.0), 0.0);
        // cos(π) = −1 on both axes: 20 + 0.25 + 10 + 0.25 + 10
        assert!((Rastrigin.value(0.5, 0.5) - 40.5).abs() < 1e-12);
    }

    #[test]
    fn local_minima_are_higher_than_the_global_one() {
        let minima = Rastrigin.minima();
        let axis = Rastrigin.value(minima[1][0], minima[1][1]);
        let diagonal = Rastrigin.value(minima[5][0], minima[5][1]);
        assert!((axis - 0.994_959_057_093_29).abs() < 1e-12, "{axis}");
        assert!((diagonal - 2.0 * axis).abs() < 1e-12, "{diagonal}");
    }
}
