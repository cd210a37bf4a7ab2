//! The six-hump camel function: six minima in a small box, two of them
//! global.
//!
//! ```text
//! f(x, y) = (4 − 2.1x² + x⁴/3)·x² + x·y + (−4 + 4y²)·y²
//!
//! ∂f/∂x = 8x − 8.4x³ + 2x⁵ + y
//! ∂f/∂y = x − 8y + 16y³
//!
//! ∂²f/∂x²  = 8 − 25.2x² + 10x⁴
//! ∂²f/∂x∂y = 1
//! ∂²f/∂y²  = −8 + 48y²
//! ```
//!
//! f(−x, −y) = f(x, y), so the minima come in mirrored pairs:
//!
//! ```text
//! ±(0.0898420131, −0.7126564030)   f ≈ −1.0316284535   global
//! ±(−1.7036067150, 0.7960835687)   f ≈ −0.2154638244
//! ±(1.6071047529, 0.5686514549)    f ≈  2.1042503103
//! ```
//!
//! View box [−2, 2] × [−1.25, 1.25] (a close-up of the usual
//! [−3, 3] × [−2, 2]); default start (−1.5, −1).
//!
//! What it teaches: with two equally good answers and four worse ones,
//! where a method ends depends on its start and its dynamics. From the
//! default start with lr 0.01, GD settles in the local minimum at f ≈ 2.10
//! and SGD with momentum 0.9 in the one at f ≈ −0.22.

use super::{Surface, ViewBox};

/// (4 − 2.1x² + x⁴/3)x² + xy + (−4 + 4y²)y².
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SixHumpCamel;

/// x⁴ rounded once, as torch's `x**4` gives it (a call to C's `pow`, which
/// is all but correctly rounded), where x·x·x·x would round three times.
/// `libm::pow` rounds worse (1 result in 10 is off by one ulp), so instead:
/// x² = square + error exactly (the fma yields the product's rounding
/// error), and x⁴ = square² + 2·square·error + error², of which the last
/// term is far below an ulp.
fn x_to_the_fourth(x: f64) -> f64 {
    let square = x * x;
    let error = libm::fma(x, x, -square);
    libm::fma(square, square, 2.0 * square * error)
}

impl Surface for SixHumpCamel {
    fn name(&self) -> &str {
        "six_hump_camel"
    }
    fn formula(&self) -> String {
        "(4 − 2.1x² + x⁴/3)x² + xy + (−4 + 4y²)y²".into()
    }
    fn description(&self) -> &str {
        "Six minima, two of them global: where a path ends depends on its start and its momentum."
    }
    fn value(&self, x: f64, y: f64) -> f64 {
        let (x2, y2) = (x * x, y * y);
        (4.0 - 2.1 * x2 + x_to_the_fourth(x) / 3.0) * x2 + x * y + (-4.0 + 4.0 * y2) * y2
    }
    fn gradient(&self, x: f64, y: f64) -> [f64; 2] {
        // Rounds like torch autograd: each use of x or y contributes its
        // chain-rule product, added in the order autograd visits the uses
        // (last written, first added):
        // ∂f/∂x = y + bracket·2x + (x²/3)·4x³ − 2.1x²·2x, bracket = 4 − 2.1x² + x⁴/3
        // ∂f/∂y = (−4 + 4y²)·2y + 4y²·2y + x
        let (x2, y2) = (x * x, y * y);
        let bracket = 4.0 - 2.1 * x2 + x_to_the_fourth(x) / 3.0;
        let (two_x, two_y) = (2.0 * x, 2.0 * y);
        [
            y + bracket * two_x + x2 / 3.0 * (4.0 * (x2 * x)) - 2.1 * x2 * two_x,
            (-4.0 + 4.0 * y2) * two_y + 4.0 * y2 * two_y + x,
        ]
    }
    fn hessian(&self, x: f64, y: f64) -> [[f64; 2]; 2] {
        let x2 = x * x;
        [
            [8.0 - 25.2 * x2 + 10.0 * x2 * x2, 1.0],
            [1.0, -8.0 + 48.0 * y * y],
        ]
    }
    fn view_box(&self) -> ViewBox {
        ViewBox {
            x_min: -2.0,
            x_max: 2.0,
            y_min: -1.25,
            y_max: 1.25,
        }
    }
    fn minima(&self) -> Vec<[f64; 2]> {
        vec![
            [0.089_842_013_100_318_07, -0.712_656_403_020_739_6],
            [-0.089_842_013_100_318_07, 0.712_656_403_020_739_6],
            [-1.703_606_714_969_981, 0.796_083_568_672_625_1],
            [1.703_606_714_969_981, -0.796_083_568_672_625_1],
            [1.607_104_752_920_197_6, 0.568_651_454_884_131_3],
            [-1.607_104_752_920_197_6, -0.568_651_454_884_131_3],
        ]
    }
    fn minimum_value(&self) -> Option<f64> {
        Some(-1.031_628_453_489_877)
    }
    fn default_start(&self) -> [f64; 2] {
        [-1.5, -1.0]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surfaces::tests::{distance, sgd_path_end};

    #[test]
    fn golden_values() {
        assert_eq!(SixHumpCamel.value(0.0, 0.0), 0.0);
        // (4 − 2.1 + 1/3) + 1 + 0
        assert!((SixHumpCamel.value(1.0, 1.0) - (3.2 + 1.0 / 30.0)).abs() < 1e-14);
    }

    #[test]
    fn minima_values_come_in_mirrored_pairs() {
        let expected = [
            -1.031_628_453_489_877,
            -0.215_463_824_383_718,
            2.104_250_310_311_259,
        ];
        let minima = SixHumpCamel.minima();
        for (pair, value) in minima.chunks(2).zip(expected) {
            for &[x, y] in pair {
                let got = SixHumpCamel.value(x, y);
                assert!((got - value).abs() < 1e-12, "f({x}, {y}) = {got}");
            }
        }
    }

    #[test]
    fn gd_and_momentum_end_in_different_local_minima() {
        let minima = SixHumpCamel.minima();
        let gd = sgd_path_end(&SixHumpCamel, 0.01, 0.0, 5000);
        assert!(distance(gd, minima[5]) < 1e-3, "GD ended at {gd:?}");
        let heavy_ball = sgd_path_end(&SixHumpCamel, 0.01, 0.9, 5000);
        assert!(
            distance(heavy_ball, minima[2]) < 1e-3,
            "momentum ended at {heavy_ball:?}"
        );
    }
}
