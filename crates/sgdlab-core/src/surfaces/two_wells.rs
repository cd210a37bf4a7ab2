//! Two wells: a shallow local well and a deeper global well on a bowl.
//!
//! ```text
//! f(x, y) = (x² + y²)/10
//!         − 0.5·exp(−4·((x + 1.5)² + (y − 0.5)²))     shallow, narrow well
//!         − 1.5·exp(−((x − 1.5)² + (y + 0.5)²))        deep, wide well
//! ```
//!
//! Each well is −d·exp(−k·‖p − c‖²) with depth d, sharpness k and centre c.
//! With δ = p − c and w = d·exp(−k·‖δ‖²) its derivatives are
//!
//! ```text
//! ∇ = 2k·w·δ
//! ∇² = w·(2k·I − 4k²·δδᵀ)
//! ```
//!
//! and the bowl adds (x/5, y/5) to the gradient and I/5 to the Hessian.
//!
//! View box [−4, 4] × [−3, 3]; default start (−3.5, 1.5).
//! Minima (found with Newton's method):
//!
//! ```text
//! (1.4053717202, −0.4684572401)    f ≈ −1.2656976268   global
//! (−1.4267754789, 0.4755918263)    f ≈ −0.2621483839   local
//! ```
//!
//! with a saddle between them at (−0.6842746834, 0.2280915611), f ≈ 0.0186.
//!
//! What it teaches: rolling in from the default start, plain GD stops in the
//! shallow well. SGD with momentum 0.9 (lr 0.03 to 0.1) arrives with enough
//! speed to climb the low barrier and settles in the deep well.

use super::{Surface, ViewBox};

/// A Gaussian dip −depth·exp(−sharpness·‖p − centre‖²).
#[derive(Clone, Copy, Debug, PartialEq)]
struct GaussianWell {
    centre: [f64; 2],
    depth: f64,
    sharpness: f64,
}

impl GaussianWell {
    /// The offset δ = p − centre and the weight w = depth·exp(−k‖δ‖²).
    fn offset_and_weight(&self, x: f64, y: f64) -> ([f64; 2], f64) {
        let dx = x - self.centre[0];
        let dy = y - self.centre[1];
        let weight = self.depth * libm::exp(-self.sharpness * (dx * dx + dy * dy));
        ([dx, dy], weight)
    }
}

/// Curvature coefficient c of the bowl c·(x² + y²).
const BOWL: f64 = 0.1;

const SHALLOW: GaussianWell = GaussianWell {
    centre: [-1.5, 0.5],
    depth: 0.5,
    sharpness: 4.0,
};

const DEEP: GaussianWell = GaussianWell {
    centre: [1.5, -0.5],
    depth: 1.5,
    sharpness: 1.0,
};

/// (x² + y²)/10 − 0.5·exp(−4((x + 1.5)² + (y − 0.5)²)) − 1.5·exp(−((x − 1.5)² + (y + 0.5)²)).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TwoWells;

impl Surface for TwoWells {
    fn name(&self) -> &str {
        "two_wells"
    }
    fn formula(&self) -> String {
        "(x² + y²)/10 − 0.5·exp(−4((x + 1.5)² + (y − 0.5)²)) − 1.5·exp(−((x − 1.5)² + (y + 0.5)²))"
            .into()
    }
    fn description(&self) -> &str {
        "A shallow well beside a deeper one: GD stops in the first, momentum can roll on into the second."
    }
    fn value(&self, x: f64, y: f64) -> f64 {
        let (_, shallow) = SHALLOW.offset_and_weight(x, y);
        let (_, deep) = DEEP.offset_and_weight(x, y);
        BOWL * (x * x + y * y) - shallow - deep
    }
    fn gradient(&self, x: f64, y: f64) -> [f64; 2] {
        let mut grad = [2.0 * BOWL * x, 2.0 * BOWL * y];
        for well in [SHALLOW, DEEP] {
            let (offset, weight) = well.offset_and_weight(x, y);
            for (g, d) in grad.iter_mut().zip(offset) {
                *g += 2.0 * well.sharpness * weight * d;
            }
        }
        grad
    }
    fn hessian(&self, x: f64, y: f64) -> [[f64; 2]; 2] {
        let mut hessian = [[2.0 * BOWL, 0.0], [0.0, 2.0 * BOWL]];
        for well in [SHALLOW, DEEP] {
            let (offset, weight) = well.offset_and_weight(x, y);
            let k = well.sharpness;
            for (i, row) in hessian.iter_mut().enumerate() {
                for (j, entry) in row.iter_mut().enumerate() {
                    let identity = if i == j { 2.0 * k } else { 0.0 };
                    *entry += weight * (identity - 4.0 * k * k * offset[i] * offset[j]);
                }
            }
        }
        hessian
    }
    fn view_box(&self) -> ViewBox {
        ViewBox {
            x_min: -4.0,
            x_max: 4.0,
            y_min: -3.0,
            y_max: 3.0,
        }
    }
    fn minima(&self) -> Vec<[f64; 2]> {
        vec![
            [1.405_371_720_194_086_3, -0.468_457_240_064_695_4],
            [-1.426_775_478_876_341_2, 0.475_591_826_292_113_7],
        ]
    }
    fn minimum_value(&self) -> Option<f64> {
        Some(-1.265_697_626_820_355_5)
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
    fn gd_stays_in_the_shallow_well_and_momentum_escapes() {
        let [deep, shallow] = [TwoWells.minima()[0], TwoWells.minima()[1]];
        for lr in [0.03, 0.1] {
            let gd = sgd_path_end(&TwoWells, lr, 0.0, 3000);
            assert!(distance(gd, shallow) < 1e-3, "GD lr {lr} ended at {gd:?}");
            let heavy_ball = sgd_path_end(&TwoWells, lr, 0.9, 3000);
            assert!(
                distance(heavy_ball, deep) < 1e-3,
                "momentum lr {lr} ended at {heavy_ball:?}"
            );
        }
    }

    #[test]
    fn saddle_between_the_wells() {
        let [x, y] = [-0.684_274_683_351_871_1, 0.228_091_561_117_290_4];
        let [gx, gy] = TwoWells.gradient(x, y);
        assert!(gx.abs() < 1e-12 && gy.abs() < 1e-12);
        let [[a, b], [_, d]] = TwoWells.hessian(x, y);
        assert!(a * d - b * b < 0.0);
    }
}
