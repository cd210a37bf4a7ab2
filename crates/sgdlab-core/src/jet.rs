//! Second-order forward-mode automatic differentiation in two variables.
//!
//! A [`Jet2`] carries a function of (x, y) truncated after its quadratic
//! Taylor term at one point: the value, the gradient and the Hessian.
//! Arithmetic on jets is arithmetic on those truncated Taylor polynomials, so
//! evaluating a formula over jets seeded with x and y yields its exact
//! gradient and Hessian there (up to rounding), with no step size to tune.
//!
//! ```text
//! u = (u₀, ∇u, ∇²u)                     one jet
//! x = (x₀, [1, 0], 0)    y = (y₀, [0, 1], 0)    c = (c, 0, 0)
//!
//! u ± v  = (u₀ ± v₀,  ∇u ± ∇v,  ∇²u ± ∇²v)
//! u · v  = (u₀v₀,  u₀∇v + v₀∇u,  u₀∇²v + v₀∇²u + ∇u∇vᵀ + ∇v∇uᵀ)
//! q = u / v:  q₀ = u₀/v₀,  ∇q = (∇u − q₀∇v)/v₀,
//!             ∇²q = (∇²u − q₀∇²v − ∇q∇vᵀ − ∇v∇qᵀ)/v₀
//! f(u)   = (f(u₀),  f′(u₀)∇u,  f′(u₀)∇²u + f″(u₀)∇u∇uᵀ)     (chain rule)
//! uᵛ     = exp(v · ln u)                 (both base and exponent vary)
//! ```
//!
//! The Hessian is symmetric, so a jet stores its three distinct entries
//! `[∂²/∂x², ∂²/∂x∂y, ∂²/∂y²]`.
//!
//! ```
//! use sgdlab_core::jet::Jet2;
//! // f(x, y) = x²y at (3, 2): f = 18, ∇f = [2xy, x²] = [12, 9],
//! // ∇²f = [[2y, 2x], [2x, 0]] = [[4, 6], [6, 0]].
//! let (x, y) = (Jet2::x(3.0), Jet2::y(2.0));
//! let f = x * x * y;
//! assert_eq!(f.value, 18.0);
//! assert_eq!(f.gradient, [12.0, 9.0]);
//! assert_eq!(f.hessian_matrix(), [[4.0, 6.0], [6.0, 0.0]]);
//! ```

use crate::Real;
use std::ops::{Add, Div, Mul, Neg, Sub};

/// A value with its gradient and Hessian with respect to (x, y).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Jet2 {
    /// f at the point.
    pub value: f64,
    /// [∂f/∂x, ∂f/∂y].
    pub gradient: [f64; 2],
    /// The distinct Hessian entries [∂²f/∂x², ∂²f/∂x∂y, ∂²f/∂y²].
    pub hessian: [f64; 3],
}

/// The symmetric outer product a·bᵀ + b·aᵀ, as three distinct entries.
fn symmetric_outer(a: [f64; 2], b: [f64; 2]) -> [f64; 3] {
    [
        2.0 * a[0] * b[0],
        a[0] * b[1] + a[1] * b[0],
        2.0 * a[1] * b[1],
    ]
}

impl Jet2 {
    /// A constant: no gradient, no curvature.
    pub fn constant(value: f64) -> Self {
        Self {
            value,
            gradient: [0.0; 2],
            hessian: [0.0; 3],
        }
    }

    /// The variable x at the value `x`.
    pub fn x(x: f64) -> Self {
        Self {
            value: x,
            gradient: [1.0, 0.0],
            hessian: [0.0; 3],
        }
    }

    /// The variable y at the value `y`.
    pub fn y(y: f64) -> Self {
        Self {
            value: y,
            gradient: [0.0, 1.0],
            hessian: [0.0; 3],
        }
    }

    /// The full 2×2 Hessian [[f_xx, f_xy], [f_yx, f_yy]].
    pub fn hessian_matrix(&self) -> [[f64; 2]; 2] {
        let [xx, xy, yy] = self.hessian;
        [[xx, xy], [xy, yy]]
    }

    /// The chain rule for a one-argument function f: given f(u₀), f′(u₀) and
    /// f″(u₀), returns the jet of f(u).
    pub fn chain(self, value: f64, first: f64, second: f64) -> Self {
        let g = self.gradient;
        let h = self.hessian;
        Self {
            value,
            gradient: [first * g[0], first * g[1]],
            hessian: [
                first * h[0] + second * g[0] * g[0],
                first * h[1] + second * g[0] * g[1],
                first * h[2] + second * g[1] * g[1],
            ],
        }
    }

    /// u², computed as u·u (exact, like the value of `x^2`).
    pub fn square(self) -> Self {
        let u = self.value;
        self.chain(u * u, 2.0 * u, 2.0)
    }

    /// uᶜ for a constant exponent c: f′ = c·uᶜ⁻¹, f″ = c(c − 1)·uᶜ⁻², where
    /// a zero factor c or c − 1 wins over an infinite power of u = 0.
    pub fn powf(self, exponent: f64) -> Self {
        let u = self.value;
        let second = if exponent == 0.0 {
            0.0
        } else {
            exponent * power_rule(u, exponent - 1.0)
        };
        self.chain(libm::pow(u, exponent), power_rule(u, exponent), second)
    }

    /// uᵛ where the exponent varies too: exp(v · ln u), with the value taken
    /// from `pow` itself so it matches plain evaluation exactly.
    pub fn pow(self, exponent: Self) -> Self {
        let through_log = (exponent * self.ln()).exp();
        Self {
            value: libm::pow(self.value, exponent.value),
            ..through_log
        }
    }

    pub fn sin(self) -> Self {
        let (s, c) = (libm::sin(self.value), libm::cos(self.value));
        self.chain(s, c, -s)
    }

    pub fn cos(self) -> Self {
        let (s, c) = (libm::sin(self.value), libm::cos(self.value));
        self.chain(c, -s, -c)
    }

    /// tan′ = 1 + tan², tan″ = 2·tan·(1 + tan²).
    pub fn tan(self) -> Self {
        let t = libm::tan(self.value);
        let first = 1.0 + t * t;
        self.chain(t, first, 2.0 * t * first)
    }

    pub fn exp(self) -> Self {
        let e = libm::exp(self.value);
        self.chain(e, e, e)
    }

    /// Natural logarithm: ln′ = 1/u, ln″ = −1/u². NaN for u < 0.
    pub fn ln(self) -> Self {
        let u = self.value;
        self.chain(libm::log(u), 1.0 / u, -1.0 / (u * u))
    }

    /// √u: f′ = 1/(2√u), f″ = −1/(4·u·√u).
    pub fn sqrt(self) -> Self {
        let r = self.value.sqrt();
        self.chain(r, 0.5 / r, -0.25 / (r * r * r))
    }

    /// |u|: f′ = sign(u) (0 at 0), f″ = 0.
    pub fn abs(self) -> Self {
        self.chain(self.value.abs(), sign(self.value), 0.0)
    }

    /// tanh′ = 1 − tanh², tanh″ = −2·tanh·(1 − tanh²).
    pub fn tanh(self) -> Self {
        let t = libm::tanh(self.value);
        let first = 1.0 - t * t;
        self.chain(t, first, -2.0 * t * first)
    }

    /// σ′ = σ(1 − σ), σ″ = σ(1 − σ)(1 − 2σ).
    pub fn sigmoid(self) -> Self {
        let s = Real::sigmoid(self.value);
        let first = s * (1.0 - s);
        self.chain(s, first, first * (1.0 - 2.0 * s))
    }

    /// Not a number, and no derivatives either.
    pub const NAN: Self = Self {
        value: f64::NAN,
        gradient: [f64::NAN; 2],
        hessian: [f64::NAN; 3],
    };

    /// The smaller jet (the first one on a tie); all NaN if either value is.
    pub fn min(self, other: Self) -> Self {
        if self.value.is_nan() || other.value.is_nan() {
            Self::NAN
        } else if self.value <= other.value {
            self
        } else {
            other
        }
    }

    /// The larger jet (the first one on a tie); all NaN if either value is.
    pub fn max(self, other: Self) -> Self {
        if self.value.is_nan() || other.value.is_nan() {
            Self::NAN
        } else if self.value >= other.value {
            self
        } else {
            other
        }
    }
}

/// d/du uᶜ = c·uᶜ⁻¹, taken as 0 when c = 0 (so that 0⁰'s slope is not NaN).
pub(crate) fn power_rule(u: f64, exponent: f64) -> f64 {
    if exponent == 0.0 {
        0.0
    } else {
        exponent * libm::pow(u, exponent - 1.0)
    }
}

/// The sign of u, with sign(0) = 0: the derivative the page uses for |u|.
pub(crate) fn sign(u: f64) -> f64 {
    if u > 0.0 {
        1.0
    } else if u < 0.0 {
        -1.0
    } else {
        0.0
    }
}

impl Add for Jet2 {
    type Output = Self;
    fn add(self, other: Self) -> Self {
        let (g, h) = (other.gradient, other.hessian);
        Self {
            value: self.value + other.value,
            gradient: [self.gradient[0] + g[0], self.gradient[1] + g[1]],
            hessian: [
                self.hessian[0] + h[0],
                self.hessian[1] + h[1],
                self.hessian[2] + h[2],
            ],
        }
    }
}

impl Sub for Jet2 {
    type Output = Self;
    fn sub(self, other: Self) -> Self {
        self + (-other)
    }
}

impl Neg for Jet2 {
    type Output = Self;
    fn neg(self) -> Self {
        let (g, h) = (self.gradient, self.hessian);
        Self {
            value: -self.value,
            gradient: [-g[0], -g[1]],
            hessian: [-h[0], -h[1], -h[2]],
        }
    }
}

impl Mul for Jet2 {
    type Output = Self;
    fn mul(self, other: Self) -> Self {
        let (u, v) = (self.value, other.value);
        let (gu, gv) = (self.gradient, other.gradient);
        let (hu, hv) = (self.hessian, other.hessian);
        let cross = symmetric_outer(gu, gv);
        Self {
            value: u * v,
            gradient: [u * gv[0] + v * gu[0], u * gv[1] + v * gu[1]],
            hessian: [
                u * hv[0] + v * hu[0] + cross[0],
                u * hv[1] + v * hu[1] + cross[1],
                u * hv[2] + v * hu[2] + cross[2],
            ],
        }
    }
}

impl Div for Jet2 {
    type Output = Self;
    fn div(self, other: Self) -> Self {
        let v = other.value;
        let q = self.value / v;
        let (gu, gv) = (self.gradient, other.gradient);
        let (hu, hv) = (self.hessian, other.hessian);
        let gq = [(gu[0] - q * gv[0]) / v, (gu[1] - q * gv[1]) / v];
        let cross = symmetric_outer(gq, gv);
        Self {
            value: q,
            gradient: gq,
            hessian: [
                (hu[0] - q * hv[0] - cross[0]) / v,
                (hu[1] - q * hv[1] - cross[1]) / v,
                (hu[2] - q * hv[2] - cross[2]) / v,
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * (1.0 + a.abs().max(b.abs()))
    }

    fn assert_jet_close(actual: Jet2, expected: Jet2) {
        let pairs = [
            (actual.value, expected.value),
            (actual.gradient[0], expected.gradient[0]),
            (actual.gradient[1], expected.gradient[1]),
            (actual.hessian[0], expected.hessian[0]),
            (actual.hessian[1], expected.hessian[1]),
            (actual.hessian[2], expected.hessian[2]),
        ];
        for (a, e) in pairs {
            assert!(close(a, e), "{actual:?} != {expected:?}");
        }
    }

    #[test]
    fn product_and_quotient_match_hand_derivatives() {
        let (x, y) = (Jet2::x(1.5), Jet2::y(-0.5));
        // x / y: ∇ = [1/y, −x/y²], ∇² = [[0, −1/y²], [−1/y², 2x/y³]].
        let expected = Jet2 {
            value: -3.0,
            gradient: [-2.0, -6.0],
            hessian: [0.0, -4.0, -24.0],
        };
        assert_jet_close(x / y, expected);
        // x·y·y = xy²: ∇ = [y², 2xy], ∇² = [[0, 2y], [2y, 2x]].
        let expected = Jet2 {
            value: 0.375,
            gradient: [0.25, -1.5],
            hessian: [0.0, -1.0, 3.0],
        };
        assert_jet_close(x * y * y, expected);
    }

    #[test]
    fn chain_rule_matches_hand_derivatives() {
        // sin(x·y) at (0.3, 2): ∇ = cos(xy)·[y, x],
        // ∇² = −sin(xy)·[y², xy, x²] + cos(xy)·[0, 1, 0].
        let (x, y) = (Jet2::x(0.3), Jet2::y(2.0));
        let (s, c) = (libm::sin(0.6), libm::cos(0.6));
        let expected = Jet2 {
            value: s,
            gradient: [2.0 * c, 0.3 * c],
            hessian: [-4.0 * s, -0.6 * s + c, -0.09 * s],
        };
        assert_jet_close((x * y).sin(), expected);
    }

    #[test]
    fn power_with_constant_and_varying_exponent_agree() {
        let x = Jet2::x(1.7);
        let constant_three = Jet2::constant(3.0);
        assert_jet_close(x.powf(3.0), x.pow(constant_three));
        assert_jet_close(x.powf(3.0), x * x * x);
        assert_jet_close(x.powf(2.0), x.square());
    }

    #[test]
    fn power_rule_of_constants_at_zero_is_not_nan() {
        let x = Jet2::x(0.0);
        assert_eq!(x.powf(0.0), Jet2::constant(1.0));
        // x¹ at 0: slope 1, curvature 0 (not 0·0⁻¹ = NaN).
        assert_eq!(x.powf(1.0).hessian, [0.0; 3]);
        assert_eq!(x.powf(1.0).gradient, [1.0, 0.0]);
    }

    #[test]
    fn min_max_and_abs_follow_the_chosen_branch() {
        let (x, y) = (Jet2::x(2.0), Jet2::y(-1.0));
        assert_eq!(x.min(y), y);
        assert_eq!(x.max(y), x);
        assert_eq!(y.abs().gradient, [0.0, -1.0]);
        assert_eq!(Jet2::x(0.0).abs().gradient, [0.0, 0.0]);
        let nan = x.min(Jet2::constant(f64::NAN));
        assert!(nan.value.is_nan() && nan.gradient[0].is_nan() && nan.hessian[0].is_nan());
    }
}
