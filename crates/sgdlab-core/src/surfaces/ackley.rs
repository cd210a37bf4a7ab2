//! The Ackley function: a nearly flat, bumpy plain around a deep funnel.
//!
//! ```text
//! f(x, y) = −20·exp(−0.2·r) − exp(E) + e + 20
//!   with r = √(0.5·(x² + y²))  and  E = 0.5·(cos 2πx + cos 2πy)
//!
//! For r > 0:
//! ∂f/∂x = 2x·exp(−0.2r)/r + π·sin(2πx)·exp(E)
//! ∂f/∂y = 2y·exp(−0.2r)/r + π·sin(2πy)·exp(E)
//!
//! Split f = F(r) + G(x, y), the funnel F and the ripples G. With
//! φ = 2·exp(−0.2r)/r and ψ = exp(−0.2r)·(0.2r + 1)/r³:
//! ∂²F/∂x²  = φ − x²·ψ      ∂²F/∂x∂y = −x·y·ψ      ∂²F/∂y² = φ − y²·ψ
//! ∂²G/∂x²  = π²·exp(E)·(2cos 2πx − sin² 2πx)
//! ∂²G/∂x∂y = −π²·exp(E)·sin 2πx·sin 2πy
//! ∂²G/∂y²  = π²·exp(E)·(2cos 2πy − sin² 2πy)
//! ```
//!
//! At the origin the funnel is a cone tip, F ≈ −20 + 4r, so f is not
//! differentiable there. [`Surface::gradient`] returns the subgradient
//! (0, 0) at exactly (0, 0) (every vector of length ≤ 2√2 is a subgradient
//! of the cone, and 0 is the one that stops an optimizer at the minimum).
//! The funnel's curvature grows like 1/r near the tip, so its Hessian is
//! unbounded there: at exactly (0, 0) [`Surface::hessian`] returns only the
//! ripples' part, 2π²e·I, a finite, positive definite stand-in.
//!
//! View box [−5, 5]² (a close-up of the usual [−32.768, 32.768]²); default
//! start (−4, 3.5).
//! Global minimum f(0, 0) = 0. Near every integer point there is a local
//! minimum; only the global one is listed.
//!
//! What it teaches: far from the origin the funnel is almost flat and the
//! ripples dominate the gradient, so GD gets caught in a local dimple; the
//! global minimum is easy to see and hard to reach.

use super::{Surface, ViewBox};
use std::f64::consts::{E, PI, TAU};

/// −20·exp(−0.2·√(0.5(x² + y²))) − exp(0.5(cos 2πx + cos 2πy)) + e + 20.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Ackley;

/// r = √(0.5·(x² + y²)).
fn radius(x: f64, y: f64) -> f64 {
    (0.5 * (x * x + y * y)).sqrt()
}

/// exp(0.5·(cos 2πx + cos 2πy)).
fn ripple(x: f64, y: f64) -> f64 {
    libm::exp(0.5 * (libm::cos(TAU * x) + libm::cos(TAU * y)))
}

impl Surface for Ackley {
    /// Two exponentials, a square root and two cosines per point: about
    /// three times a polynomial surface.
    fn relative_cost(&self) -> f64 {
        3.0
    }

    fn name(&self) -> &str {
        "ackley"
    }
    fn formula(&self) -> String {
        "−20·exp(−0.2·√(0.5(x² + y²))) − exp(0.5(cos 2πx + cos 2πy)) + e + 20".into()
    }
    fn description(&self) -> &str {
        "A bumpy, nearly flat plain around a deep central funnel: easy to see, hard to reach."
    }
    fn value(&self, x: f64, y: f64) -> f64 {
        -20.0 * libm::exp(-0.2 * radius(x, y)) - ripple(x, y) + E + 20.0
    }
    fn gradient(&self, x: f64, y: f64) -> [f64; 2] {
        let r = radius(x, y);
        if r == 0.0 {
            return [0.0, 0.0];
        }
        // Rounds like torch autograd: the funnel's slope 2·exp(−0.2r)/r is
        // formed as (20·exp(−0.2r))·0.2 / 2r, the ripples' as
        // 0.5·exp(E)·sin(2πx)·2π, and the ripples' share of ∂f/∂x comes first.
        let slope = 20.0 * libm::exp(-0.2 * r) * 0.2 / (2.0 * r);
        let half_ripple = 0.5 * ripple(x, y);
        [
            half_ripple * libm::sin(TAU * x) * TAU + slope * x,
            half_ripple * libm::sin(TAU * y) * TAU + slope * y,
        ]
    }
    fn hessian(&self, x: f64, y: f64) -> [[f64; 2]; 2] {
        let ripple = PI * PI * ripple(x, y);
        let (sin_x, cos_x) = (libm::sin(TAU * x), libm::cos(TAU * x));
        let (sin_y, cos_y) = (libm::sin(TAU * y), libm::cos(TAU * y));
        let mut hessian = [
            [
                ripple * (2.0 * cos_x - sin_x * sin_x),
                -ripple * sin_x * sin_y,
            ],
            [
                -ripple * sin_x * sin_y,
                ripple * (2.0 * cos_y - sin_y * sin_y),
            ],
        ];
        let r = radius(x, y);
        if r > 0.0 {
            let decay = libm::exp(-0.2 * r);
            let phi = 2.0 * decay / r;
            let psi = decay * (0.2 * r + 1.0) / (r * r * r);
            hessian[0][0] += phi - x * x * psi;
            hessian[0][1] -= x * y * psi;
            hessian[1][0] -= x * y * psi;
            hessian[1][1] += phi - y * y * psi;
        }
        hessian
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
        vec![[0.0, 0.0]]
    }
    fn minimum_value(&self) -> Option<f64> {
        Some(0.0)
    }
    fn default_start(&self) -> [f64; 2] {
        [-4.0, 3.5]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_has_zero_subgradient_and_finite_hessian() {
        assert!(Ackley.value(0.0, 0.0).abs() < 1e-14);
        assert_eq!(Ackley.gradient(0.0, 0.0), [0.0, 0.0]);
        let stand_in = 2.0 * PI * PI * E;
        let [[a, b], [c, d]] = Ackley.hessian(0.0, 0.0);
        assert!((a - stand_in).abs() < 1e-12 && (d - stand_in).abs() < 1e-12);
        assert_eq!([b, c], [0.0, 0.0]);
    }

    #[test]
    fn funnel_gradient_is_a_cone_near_the_origin() {
        // Along the x axis, ∂f/∂x → 2√2 (the cone's slope 4·∂r/∂x) as x → 0⁺.
        let [gx, gy] = Ackley.gradient(1e-9, 0.0);
        assert!((gx - 2.0 * std::f64::consts::SQRT_2).abs() < 1e-6, "{gx}");
        assert_eq!(gy, 0.0);
    }

    #[test]
    fn golden_value() {
        // At (1, 0): r = √0.5 and E = 1.
        let expected = -20.0 * libm::exp(-0.2 * libm::sqrt(0.5)) - E + E + 20.0;
        assert!((Ackley.value(1.0, 0.0) - expected).abs() < 1e-12);
    }
}
