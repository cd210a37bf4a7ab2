//! The Goldstein–Price function: huge dynamic range and four minima.
//!
//! ```text
//! f(x, y) = [1 + (x + y + 1)²·(19 − 14x + 3x² − 14y + 6xy + 3y²)]
//!         · [30 + (2x − 3y)²·(18 − 32x + 12x² + 48y − 36xy + 27y²)]
//! ```
//!
//! The first factor depends on x and y only through u = x + y, and the
//! second only through t = 2x − 3y:
//!
//! ```text
//! A(u) = 1 + (u + 1)²·(19 − 14u + 3u²)        A′(u) = 12(u + 1)(u − 1)(u − 2)
//! B(t) = 30 + t²·(18 − 16t + 3t²)             B′(t) = 12t(t − 1)(t − 3)
//!
//! f = A·B,  ∂u/∂(x, y) = (1, 1),  ∂t/∂(x, y) = (2, −3), so
//!
//! ∂f/∂x = A′B + 2AB′                ∂f/∂y = A′B − 3AB′
//! ∂²f/∂x²  = A″B + 4A′B′ + 4AB″
//! ∂²f/∂x∂y = A″B − A′B′ − 6AB″
//! ∂²f/∂y²  = A″B − 6A′B′ + 9AB″
//!
//! with A″(u) = 12(3u² − 4u − 1) and B″(t) = 12(3t² − 8t + 3).
//! ```
//!
//! A ≥ 1 and B > 0 everywhere, so ∇f = 0 exactly when A′ = 0 and B′ = 0,
//! and f has a minimum where both factors do: u ∈ {−1, 2} (A = 1, 28) and
//! t ∈ {3, 0} (B = 3, 30). That gives exactly four minima:
//!
//! ```text
//! (0, −1)     f = 3     global
//! (−0.6, −0.4) f = 30
//! (1.8, 0.2)   f = 84
//! (1.2, 0.8)   f = 840
//! ```
//!
//! View box [−2, 2]² (the usual search domain); default start (1.5, 1.5).
//!
//! What it teaches: f ranges from 3 to about 10⁶ in the box, so a learning
//! rate that is safe on the walls is useless near the minima (use the log
//! colour scale). From the default start with lr 10⁻⁵, plain GD settles in
//! the local minimum f(1.2, 0.8) = 840, while SGD with momentum 0.9 carries
//! on to the global one.

use super::{Surface, ViewBox};

/// [1 + (x+y+1)²(19 − 14x + 3x² − 14y + 6xy + 3y²)]·[30 + (2x−3y)²(18 − 32x + 12x² + 48y − 36xy + 27y²)].
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct GoldsteinPrice;

/// The pieces of the formula, f = a·b with a = 1 + s²·p and b = 30 + t²·q,
/// evaluated in the order torch evaluates the written formula.
struct Pieces {
    /// x + y + 1.
    s: f64,
    /// 19 − 14x + 3x² − 14y + 6xy + 3y².
    p: f64,
    /// 2x − 3y.
    t: f64,
    /// 18 − 32x + 12x² + 48y − 36xy + 27y².
    q: f64,
    a: f64,
    b: f64,
}

fn pieces(x: f64, y: f64) -> Pieces {
    let (x2, y2) = (x * x, y * y);
    let s = x + y + 1.0;
    let p = 19.0 - 14.0 * x + 3.0 * x2 - 14.0 * y + 6.0 * x * y + 3.0 * y2;
    let t = 2.0 * x - 3.0 * y;
    let q = 18.0 - 32.0 * x + 12.0 * x2 + 48.0 * y - 36.0 * x * y + 27.0 * y2;
    Pieces {
        s,
        p,
        t,
        q,
        a: 1.0 + s * s * p,
        b: 30.0 + t * t * q,
    }
}

/// The two factors and their derivatives along u = x + y and t = 2x − 3y.
struct Factors {
    a: f64,
    da: f64,
    d2a: f64,
    b: f64,
    db: f64,
    d2b: f64,
}

fn factors(x: f64, y: f64) -> Factors {
    let Pieces { s, p, t, q, a, b } = pieces(x, y);
    let dp = -14.0 + 6.0 * x + 6.0 * y;
    let dq = -16.0 + 6.0 * t;
    Factors {
        a,
        da: 2.0 * s * p + s * s * dp,
        d2a: 2.0 * p + 4.0 * s * dp + 6.0 * s * s,
        b,
        db: 2.0 * t * q + t * t * dq,
        d2b: 2.0 * q + 4.0 * t * dq + 6.0 * t * t,
    }
}

impl Surface for GoldsteinPrice {
    fn name(&self) -> &str {
        "goldstein_price"
    }
    fn formula(&self) -> String {
        "[1 + (x + y + 1)²(19 − 14x + 3x² − 14y + 6xy + 3y²)]·\
         [30 + (2x − 3y)²(18 − 32x + 12x² + 48y − 36xy + 27y²)]"
            .into()
    }
    fn description(&self) -> &str {
        "Values from 3 to a million and four minima: a test of step size and of local traps."
    }
    fn value(&self, x: f64, y: f64) -> f64 {
        let Pieces { a, b, .. } = pieces(x, y);
        a * b
    }
    fn gradient(&self, x: f64, y: f64) -> [f64; 2] {
        // Rounds like torch autograd: f's derivatives by the pieces first,
        // then one chain-rule product per use of x or y in the formula,
        // added in the order autograd visits them (the second factor's uses,
        // last written first, then the first factor's):
        // ∂f/∂x = ∂f/∂q·(−36y + 12·2x − 32) + ∂f/∂t·2 + ∂f/∂p·(6y + 3·2x − 14) + ∂f/∂s
        // ∂f/∂y = ∂f/∂q·(27·2y − 36x + 48) − ∂f/∂t·3 + ∂f/∂p·(3·2y + 6x − 14) + ∂f/∂s
        let Pieces { s, p, t, q, a, b } = pieces(x, y);
        let d_q = a * (t * t);
        let d_t = a * q * (2.0 * t);
        let d_p = b * (s * s);
        let d_s = b * p * (2.0 * s);
        let (two_x, two_y) = (2.0 * x, 2.0 * y);
        [
            -d_q * y * 36.0 + d_q * 12.0 * two_x - d_q * 32.0
                + d_t * 2.0
                + d_p * y * 6.0
                + d_p * 3.0 * two_x
                - d_p * 14.0
                + d_s,
            d_q * 27.0 * two_y - d_q * (36.0 * x) + d_q * 48.0 - d_t * 3.0
                + d_p * 3.0 * two_y
                + d_p * (6.0 * x)
                - d_p * 14.0
                + d_s,
        ]
    }
    fn hessian(&self, x: f64, y: f64) -> [[f64; 2]; 2] {
        let Factors {
            a,
            da,
            d2a,
            b,
            db,
            d2b,
        } = factors(x, y);
        let f_xy = d2a * b - da * db - 6.0 * a * d2b;
        [
            [d2a * b + 4.0 * da * db + 4.0 * a * d2b, f_xy],
            [f_xy, d2a * b - 6.0 * da * db + 9.0 * a * d2b],
        ]
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
        vec![[0.0, -1.0], [-0.6, -0.4], [1.8, 0.2], [1.2, 0.8]]
    }
    fn minimum_value(&self) -> Option<f64> {
        Some(3.0)
    }
    fn default_start(&self) -> [f64; 2] {
        [1.5, 1.5]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surfaces::tests::{distance, sgd_path_end};

    #[test]
    fn golden_values() {
        assert_eq!(GoldsteinPrice.value(0.0, 0.0), 600.0);
        assert_eq!(GoldsteinPrice.value(0.0, -1.0), 3.0);
    }

    #[test]
    fn local_minima_values() {
        let minima = GoldsteinPrice.minima();
        for (&[x, y], expected) in minima.iter().zip([3.0, 30.0, 84.0, 840.0]) {
            let value = GoldsteinPrice.value(x, y);
            assert!(
                (value - expected).abs() < 1e-9 * expected,
                "f({x}, {y}) = {value}"
            );
        }
    }

    #[test]
    fn gd_is_trapped_and_momentum_reaches_the_global_minimum() {
        let minima = GoldsteinPrice.minima();
        let gd = sgd_path_end(&GoldsteinPrice, 1e-5, 0.0, 5000);
        assert!(distance(gd, minima[3]) < 1e-3, "GD ended at {gd:?}");
        let heavy_ball = sgd_path_end(&GoldsteinPrice, 1e-5, 0.9, 5000);
        assert!(
            distance(heavy_ball, minima[0]) < 1e-3,
            "momentum ended at {heavy_ball:?}"
        );
    }
}
