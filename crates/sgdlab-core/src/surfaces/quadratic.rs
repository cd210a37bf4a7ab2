//! A quadratic bowl with chosen curvatures and a rotation.
//!
//! ```text
//! f(x, y) = [x y]·R(θ)·diag(a, b)·R(θ)ᵀ·[x y]ᵀ,   R(θ) = [[cos θ, −sin θ],
//!                                                        [sin θ,  cos θ]]
//!
//! With (u, v) = R(θ)ᵀ·(x, y) = (x·cos θ + y·sin θ, −x·sin θ + y·cos θ),
//! the coordinates along the bowl's axes:
//!
//! f = a·u² + b·v²
//! ∇f = 2·R(θ)·(a·u, b·v) = (2(a·u·cos θ − b·v·sin θ), 2(a·u·sin θ + b·v·cos θ))
//! ∇²f = 2·R(θ)·diag(a, b)·R(θ)ᵀ
//!     = 2·[[a·cos²θ + b·sin²θ, (a − b)·sin θ·cos θ],
//!          [(a − b)·sin θ·cos θ, a·sin²θ + b·cos²θ]]
//! ```
//!
//! There is no ½ in front, so the Hessian's eigenvalues are 2a and 2b and
//! its condition number is max(a, b)/min(a, b). θ is given in degrees.
//!
//! f and ∇f are evaluated as torch evaluates `v @ M @ v` with
//! M = R(θ)·diag(a, b)·R(θ)ᵀ and v = [x y] (so they round the same way):
//! M comes from two 2×2 matrix products, f = (vᵀM)·v, and autograd's
//! gradient is ∇f = (vᵀM)ᵀ + M·v. Rounding can make M[0][1] and M[1][0]
//! differ in the last bit; the Hessian, M + Mᵀ, is symmetric exactly.
//!
//! Parameters (see [`QuadraticParams`]): `a` > 0 (default 4), `b` > 0
//! (default 1), `theta` in degrees (default 0).
//!
//! View box [−3, 3]²; default start (−2.5, 2). Global minimum f(0, 0) = 0.
//!
//! What it teaches: conditioning. GD converges for lr < 1/max(a, b) (the
//! 2/λmax bound) and its speed is set by the ratio a/b. At θ = 0 coordinate
//! descent solves the bowl in one sweep; rotating the bowl takes that
//! advantage away, while GD does not care about the rotation at all.

use super::{Surface, SurfaceError, ViewBox};
use serde::{Deserialize, Serialize};

/// Parameters of [`Quadratic`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QuadraticParams {
    /// Curvature a along the bowl's first axis (f's Hessian has eigenvalue
    /// 2a there). Must be finite and positive. Defaults to `4`.
    pub a: f64,
    /// Curvature b along the bowl's second axis (Hessian eigenvalue 2b).
    /// Must be finite and positive. Defaults to `1`.
    pub b: f64,
    /// Rotation θ of the bowl's axes, in degrees, counter-clockwise. Must be
    /// finite. Defaults to `0`.
    pub theta: f64,
}

impl Default for QuadraticParams {
    fn default() -> Self {
        Self {
            a: 4.0,
            b: 1.0,
            theta: 0.0,
        }
    }
}

impl QuadraticParams {
    /// The parameter names, as typed in `--surface-set k=v` and the URL.
    pub const KEYS: [&'static str; 3] = ["a", "b", "theta"];

    /// Rejects curvatures that are not finite and positive and angles that
    /// are not finite.
    pub fn validate(&self) -> Result<(), SurfaceError> {
        for (key, value) in [("a", self.a), ("b", self.b)] {
            if !(value.is_finite() && value > 0.0) {
                return Err(SurfaceError::InvalidParameter {
                    key: key.into(),
                    message: format!("must be a finite number greater than 0, got {value}"),
                });
            }
        }
        if !self.theta.is_finite() {
            return Err(SurfaceError::InvalidParameter {
                key: "theta".into(),
                message: format!("must be a finite angle in degrees, got {}", self.theta),
            });
        }
        Ok(())
    }

    /// Sets one parameter by name (checked later by [`validate`](Self::validate)).
    pub fn set(&mut self, key: &str, value: f64) -> Result<(), SurfaceError> {
        match key {
            "a" => self.a = value,
            "b" => self.b = value,
            "theta" => self.theta = value,
            _ => {
                return Err(SurfaceError::UnknownParameter {
                    surface: "quadratic".into(),
                    key: key.into(),
                    allowed: Self::KEYS.iter().map(|k| (*k).into()).collect(),
                });
            }
        }
        Ok(())
    }
}

/// [x y]·R(θ)·diag(a, b)·R(θ)ᵀ·[x y]ᵀ.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Quadratic {
    params: QuadraticParams,
    /// M = R(θ)·diag(a, b)·R(θ)ᵀ, so f = [x y]·M·[x y]ᵀ.
    matrix: [[f64; 2]; 2],
}

impl Default for Quadratic {
    fn default() -> Self {
        Self::from_valid(QuadraticParams::default())
    }
}

impl Quadratic {
    /// A bowl with these parameters, after validating them.
    pub fn new(params: QuadraticParams) -> Result<Self, SurfaceError> {
        params.validate()?;
        Ok(Self::from_valid(params))
    }

    /// A bowl from `key = value` pairs over the defaults; later pairs win.
    pub fn from_pairs(pairs: &[(String, f64)]) -> Result<Self, SurfaceError> {
        let mut params = QuadraticParams::default();
        for (key, value) in pairs {
            params.set(key, *value)?;
        }
        Self::new(params)
    }

    /// The parameters this bowl was built with.
    pub fn params(&self) -> QuadraticParams {
        self.params
    }

    fn from_valid(params: QuadraticParams) -> Self {
        let radians = params.theta.to_radians();
        let (c, s) = (libm::cos(radians), libm::sin(radians));
        let rotation = [[c, -s], [s, c]];
        let transpose = [[c, s], [-s, c]];
        let curvatures = [[params.a, 0.0], [0.0, params.b]];
        Self {
            params,
            matrix: matrix_product(matrix_product(rotation, curvatures), transpose),
        }
    }

    /// The row vector [x y]·M.
    fn row_times_matrix(&self, x: f64, y: f64) -> [f64; 2] {
        let m = self.matrix;
        [x * m[0][0] + y * m[1][0], x * m[0][1] + y * m[1][1]]
    }
}

/// The 2×2 matrix product p·q, each entry a sum of two products.
fn matrix_product(p: [[f64; 2]; 2], q: [[f64; 2]; 2]) -> [[f64; 2]; 2] {
    [0, 1].map(|i| [0, 1].map(|j| p[i][0] * q[0][j] + p[i][1] * q[1][j]))
}

impl Surface for Quadratic {
    fn name(&self) -> &str {
        "quadratic"
    }
    fn formula(&self) -> String {
        let QuadraticParams { a, b, theta } = self.params;
        format!("[x y]·R(θ)·diag(a, b)·R(θ)ᵀ·[x y]ᵀ with a = {a}, b = {b}, θ = {theta}°")
    }
    fn description(&self) -> &str {
        "A rotated elliptic bowl: set the condition number a/b and the angle θ to see GD zig-zag."
    }
    fn value(&self, x: f64, y: f64) -> f64 {
        let [row_x, row_y] = self.row_times_matrix(x, y);
        row_x * x + row_y * y
    }
    fn gradient(&self, x: f64, y: f64) -> [f64; 2] {
        // Rounds like torch autograd: (vᵀM)ᵀ from the outer product, plus
        // M·v from the inner one.
        let [row_x, row_y] = self.row_times_matrix(x, y);
        let m = self.matrix;
        [
            row_x + (x * m[0][0] + y * m[0][1]),
            row_y + (x * m[1][0] + y * m[1][1]),
        ]
    }
    fn hessian(&self, _x: f64, _y: f64) -> [[f64; 2]; 2] {
        let m = self.matrix;
        let f_xy = m[0][1] + m[1][0];
        [[2.0 * m[0][0], f_xy], [f_xy, 2.0 * m[1][1]]]
    }
    fn view_box(&self) -> ViewBox {
        ViewBox {
            x_min: -3.0,
            x_max: 3.0,
            y_min: -3.0,
            y_max: 3.0,
        }
    }
    fn minima(&self) -> Vec<[f64; 2]> {
        vec![[0.0, 0.0]]
    }
    fn minimum_value(&self) -> Option<f64> {
        Some(0.0)
    }
    fn default_start(&self) -> [f64; 2] {
        [-2.5, 2.0]
    }
    fn is_quadratic(&self) -> bool {
        true
    }
    fn parameters(&self) -> Vec<(&'static str, f64)> {
        let QuadraticParams { a, b, theta } = self.params;
        vec![("a", a), ("b", b), ("theta", theta)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SeededRng;

    fn bowl(a: f64, b: f64, theta: f64) -> Quadratic {
        Quadratic::new(QuadraticParams { a, b, theta }).unwrap()
    }

    /// Eigenvalues of a symmetric 2×2 matrix, smaller first.
    fn eigenvalues([[p, q], [_, r]]: [[f64; 2]; 2]) -> [f64; 2] {
        let mean = 0.5 * (p + r);
        let spread = (0.25 * (p - r) * (p - r) + q * q).sqrt();
        [mean - spread, mean + spread]
    }

    #[test]
    fn default_is_the_axis_aligned_bowl() {
        let q = Quadratic::default();
        assert_eq!(q.value(1.0, 1.0), 5.0);
        assert_eq!(q.gradient(1.0, 1.0), [8.0, 2.0]);
        assert_eq!(q.hessian(0.0, 0.0), [[8.0, 0.0], [0.0, 2.0]]);
    }

    #[test]
    fn hessian_eigenvalues_are_2a_and_2b_for_any_angle() {
        let mut rng = SeededRng::derive(11, "quadratic-eigenvalues");
        for _ in 0..200 {
            let a = rng.uniform_in(0.01, 100.0);
            let b = rng.uniform_in(0.01, 100.0);
            let theta = rng.uniform_in(-720.0, 720.0);
            let [low, high] = eigenvalues(bowl(a, b, theta).hessian(0.0, 0.0));
            let [want_low, want_high] = [2.0 * a.min(b), 2.0 * a.max(b)];
            let scale = want_high;
            assert!(
                (low - want_low).abs() < 1e-12 * scale,
                "a {a} b {b} θ {theta}"
            );
            assert!(
                (high - want_high).abs() < 1e-12 * scale,
                "a {a} b {b} θ {theta}"
            );
        }
    }

    #[test]
    fn ninety_degrees_swaps_the_axes() {
        let rotated = bowl(4.0, 1.0, 90.0);
        let swapped = bowl(1.0, 4.0, 0.0);
        let mut rng = SeededRng::derive(12, "quadratic-swap");
        for _ in 0..100 {
            let x = rng.uniform_in(-3.0, 3.0);
            let y = rng.uniform_in(-3.0, 3.0);
            let tolerance = 1e-14 * (1.0 + x * x + y * y);
            assert!((rotated.value(x, y) - swapped.value(x, y)).abs() < tolerance);
            let (g, h) = (rotated.gradient(x, y), swapped.gradient(x, y));
            assert!((g[0] - h[0]).abs() < tolerance && (g[1] - h[1]).abs() < tolerance);
        }
        let h = rotated.hessian(0.0, 0.0);
        assert!((h[0][0] - 2.0).abs() < 1e-14 && (h[1][1] - 8.0).abs() < 1e-14);
        assert!(h[0][1].abs() < 1e-14);
    }

    #[test]
    fn forty_five_degrees_couples_the_axes() {
        // R(45°)·diag(4, 1)·R(45°)ᵀ = [[2.5, 1.5], [1.5, 2.5]]
        let h = bowl(4.0, 1.0, 45.0).hessian(0.0, 0.0);
        let want = [[5.0, 3.0], [3.0, 5.0]];
        for (row, want_row) in h.iter().zip(want) {
            for (got, want) in row.iter().zip(want_row) {
                assert!((got - want).abs() < 1e-14, "{h:?}");
            }
        }
    }

    #[test]
    fn rejects_bad_parameters() {
        for (key, value) in [
            ("a", 0.0),
            ("b", -1.0),
            ("a", f64::NAN),
            ("b", f64::INFINITY),
        ] {
            let err = Quadratic::from_pairs(&[(key.into(), value)]).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "surface parameter `{key}`: must be a finite number greater than 0, got {value}"
                )
            );
        }
        let err = Quadratic::from_pairs(&[("theta".into(), f64::NAN)]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "surface parameter `theta`: must be a finite angle in degrees, got NaN"
        );
    }

    #[test]
    fn later_pairs_override_earlier_ones() {
        let q =
            Quadratic::from_pairs(&[("a".into(), 2.0), ("theta".into(), 30.0), ("a".into(), 9.0)])
                .unwrap();
        assert_eq!(
            q.params(),
            QuadraticParams {
                a: 9.0,
                b: 1.0,
                theta: 30.0
            }
        );
    }
}
