//! Himmelblau's function: four minima of equal depth.
//!
//! ```text
//! f(x, y) = (x² + y − 11)² + (x + y² − 7)²
//!
//! With u = x² + y − 11 and v = x + y² − 7:
//!
//! ∂f/∂x = 4·x·u + 2·v
//! ∂f/∂y = 2·u + 4·y·v
//!
//! ∂²f/∂x²  = 4·u + 8·x² + 2
//! ∂²f/∂x∂y = 4·x + 4·y
//! ∂²f/∂y²  = 4·v + 8·y² + 2
//! ```
//!
//! View box [−5, 5]²; default start (0, 0).
//! Four global minima, all with f = 0:
//! (3, 2), (−2.805118…, 3.131312…), (−3.779310…, −3.283186…),
//! (3.584428…, −1.848127…). Between them lie four saddles and one local
//! maximum, f(−0.270845…, −0.923039…) ≈ 181.617.
//!
//! What it teaches: the minimum a method finds depends on where it starts
//! and on how it moves; drag the start point across the saddles and watch
//! the paths switch basins.

use super::{Surface, ViewBox};

/// (x² + y − 11)² + (x + y² − 7)².
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Himmelblau;

impl Surface for Himmelblau {
    fn name(&self) -> &str {
        "himmelblau"
    }
    fn formula(&self) -> String {
        "(x² + y − 11)² + (x + y² − 7)²".into()
    }
    fn description(&self) -> &str {
        "Four minima of equal depth: where a path starts decides where it ends."
    }
    fn value(&self, x: f64, y: f64) -> f64 {
        let u = x * x + y - 11.0;
        let v = x + y * y - 7.0;
        u * u + v * v
    }
    fn gradient(&self, x: f64, y: f64) -> [f64; 2] {
        let u = x * x + y - 11.0;
        let v = x + y * y - 7.0;
        [4.0 * x * u + 2.0 * v, 2.0 * u + 4.0 * y * v]
    }
    fn hessian(&self, x: f64, y: f64) -> [[f64; 2]; 2] {
        let u = x * x + y - 11.0;
        let v = x + y * y - 7.0;
        let f_xy = 4.0 * x + 4.0 * y;
        [
            [4.0 * u + 8.0 * x * x + 2.0, f_xy],
            [f_xy, 4.0 * v + 8.0 * y * y + 2.0],
        ]
    }
    fn view_box(&self) -> ViewBox {
        ViewBox {
            x_min: -5.0,
            x_max: 5.0,
            y_min: -5.0,
            y_max: 5.0,
        }
    }
    fn minima(&self) -> Vec<[f64; 2]> {
        vec![
            [3.0, 2.0],
            [-2.805_118_086_952_745, 3.131_312_518_250_573],
            [-3.779_310_253_377_747, -3.283_185_991_286_17],
            [3.584_428_340_330_492, -1.848_126_526_964_404],
        ]
    }
    fn minimum_value(&self) -> Option<f64> {
        Some(0.0)
    }
    fn default_start(&self) -> [f64; 2] {
        [0.0, 0.0]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_values() {
        assert_eq!(Himmelblau.value(0.0, 0.0), 170.0);
        assert_eq!(Himmelblau.gradient(0.0, 0.0), [-14.0, -22.0]);
    }

    #[test]
    fn all_four_minima_have_equal_depth() {
        for [x, y] in Himmelblau.minima() {
            assert!(Himmelblau.value(x, y) < 1e-24, "f({x}, {y})");
        }
    }

    #[test]
    fn local_maximum_is_a_maximum() {
        let [x, y] = [-0.270_844_590_667_347_6, -0.923_038_556_479_981_5];
        let [gx, gy] = Himmelblau.gradient(x, y);
        assert!(gx.abs() < 1e-12 && gy.abs() < 1e-12);
        let [[a, b], [_, d]] = Himmelblau.hessian(x, y);
        assert!(a < 0.0 && a * d - b * b > 0.0);
        assert!((Himmelblau.value(x, y) - 181.616_521_522_582_7).abs() < 1e-9);
    }
}
