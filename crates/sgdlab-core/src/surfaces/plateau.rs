//! Plateau: a flat plain around a narrow valley.
//!
//! ```text
//! f(x, y) = 1 − exp(−q),   q = x²/16 + 4y²
//!
//! ∇f = exp(−q)·∇q,         ∇q = (x/8, 8y)
//! ∇²f = exp(−q)·(∇²q − ∇q ∇qᵀ),   ∇²q = diag(1/8, 8)
//!
//! ∂²f/∂x²  = exp(−q)·(1/8 − x²/64)
//! ∂²f/∂x∂y = −exp(−q)·x·y
//! ∂²f/∂y²  = exp(−q)·(8 − 64y²)
//! ```
//!
//! View box [−4, 4] × [−2, 2]; default start (−3.5, 1.5).
//! Global minimum f(0, 0) = 0, the only minimum. The valley is long in x
//! (width 4) and narrow in y (width 1/2); away from it f is almost exactly 1
//! and the gradient decays like exp(−q): below 10⁻³ at the default start.
//!
//! What it teaches: on a plateau the gradient is tiny, so GD with any
//! reasonable learning rate barely moves (lr 0.1 covers less than 0.02 in 200
//! steps from the default start). Adam and RMSprop divide by the gradient's
//! own scale and cross the plain at about lr per step, reaching the minimum
//! in a few dozen steps.

use super::{Surface, ViewBox};

/// 1 − exp(−(x²/16 + 4y²)).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Plateau;

/// q = x²/16 + 4y², the squared distance in the valley's own scale.
fn scaled_distance(x: f64, y: f64) -> f64 {
    x * x / 16.0 + 4.0 * y * y
}

impl Surface for Plateau {
    fn name(&self) -> &str {
        "plateau"
    }
    fn formula(&self) -> String {
        "1 − exp(−(x²/16 + 4y²))".into()
    }
    fn description(&self) -> &str {
        "A flat plain around a narrow valley: gradients vanish, so adaptive methods beat plain GD."
    }
    fn value(&self, x: f64, y: f64) -> f64 {
        1.0 - libm::exp(-scaled_distance(x, y))
    }
    fn gradient(&self, x: f64, y: f64) -> [f64; 2] {
        let height = libm::exp(-scaled_distance(x, y));
        [height * x / 8.0, height * 8.0 * y]
    }
    fn hessian(&self, x: f64, y: f64) -> [[f64; 2]; 2] {
        let height = libm::exp(-scaled_distance(x, y));
        let f_xy = -height * x * y;
        [
            [height * (1.0 / 8.0 - x * x / 64.0), f_xy],
            [f_xy, height * (8.0 - 64.0 * y * y)],
        ]
    }
    fn view_box(&self) -> ViewBox {
        ViewBox {
            x_min: -4.0,
            x_max: 4.0,
            y_min: -2.0,
            y_max: 2.0,
        }
    }
    fn minima(&self) -> Vec<[f64; 2]> {
        vec![[0.0, 0.0]]
    }
    fn minimum_value(&self) -> Option<f64> {
        Some(0.0)
    }
    fn default_start(&self) -> [f64; 2] {
        [-3.5, 1.5]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surfaces::tests::{distance, sgd_path_end};

    #[test]
    fn the_plain_is_flat_at_the_default_start() {
        let [x, y] = Plateau.default_start();
        let [gx, gy] = Plateau.gradient(x, y);
        let norm = (gx * gx + gy * gy).sqrt();
        assert!(norm > 1e-5 && norm < 1e-3, "|∇f| = {norm}");
        assert!(Plateau.value(x, y) > 0.9999);
    }

    #[test]
    fn plain_gd_barely_moves() {
        let end = sgd_path_end(&Plateau, 0.1, 0.0, 200);
        let moved = distance(end, Plateau.default_start());
        assert!(moved < 0.02, "GD moved {moved} to {end:?}");
    }
}
