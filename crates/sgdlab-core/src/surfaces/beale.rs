//! The Beale function: flat arms and steep ridges around one minimum.
//!
//! ```text
//! f(x, y) = (1.5 − x + x·y)² + (2.25 − x + x·y²)² + (2.625 − x + x·y³)²
//!
//! Write it as Σᵢ tᵢ² for i = 1, 2, 3 with tᵢ = cᵢ − x + x·yⁱ,
//! (c₁, c₂, c₃) = (1.5, 2.25, 2.625). Then
//!
//! ∂tᵢ/∂x = yⁱ − 1        ∂tᵢ/∂y = i·x·yⁱ⁻¹
//!
//! ∂f/∂x = Σ 2·tᵢ·(yⁱ − 1)
//! ∂f/∂y = Σ 2·tᵢ·i·x·yⁱ⁻¹
//!
//! ∂²f/∂x²  = Σ 2·(yⁱ − 1)²
//! ∂²f/∂x∂y = Σ 2·[(yⁱ − 1)·i·x·yⁱ⁻¹ + tᵢ·i·yⁱ⁻¹]
//! ∂²f/∂y²  = Σ 2·[(i·x·yⁱ⁻¹)² + tᵢ·i·(i − 1)·x·yⁱ⁻²]
//! ```
//!
//! View box [−4.5, 4.5]² (the usual search domain); default start (1, 1.5).
//! Global minimum f(3, 0.5) = 0. There is also a saddle at (0, 1).
//!
//! What it teaches: the loss spans many orders of magnitude (use the log
//! colour scale). Near y = ±4.5 the walls are steep enough to make a learning
//! rate that suits the valley diverge, while along the arms the gradient is
//! tiny; adaptive methods cope with both.

use super::{Surface, ViewBox};

/// The three constants cᵢ of the Beale terms.
const CONSTANTS: [f64; 3] = [1.5, 2.25, 2.625];

/// (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)².
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Beale;

/// One term tᵢ = cᵢ − x + x·yⁱ and the powers of y its derivatives need:
/// ∂tᵢ/∂x = yⁱ − 1, ∂tᵢ/∂y = x·(i·yⁱ⁻¹), ∂²tᵢ/∂y² = x·(i(i − 1)·yⁱ⁻²)
/// and ∂²tᵢ/∂x∂y = i·yⁱ⁻¹ (∂²tᵢ/∂x² is always 0).
struct Term {
    value: f64,
    /// yⁱ, as torch's `y**i` computes it (y, y·y, y·y·y).
    power: f64,
    /// i·yⁱ⁻¹, the derivative of yⁱ.
    d_power: f64,
    /// i(i − 1)·yⁱ⁻², the second derivative of yⁱ.
    d2_power: f64,
}

/// The three terms at (x, y).
fn terms(x: f64, y: f64) -> [Term; 3] {
    let mut power_below = 1.0; // yⁱ⁻¹
    let mut d_power_below = 0.0; // (i − 1)·yⁱ⁻²
    let mut index = 0.0;
    CONSTANTS.map(|c| {
        index += 1.0;
        let power = power_below * y;
        let term = Term {
            value: c - x + x * power,
            power,
            d_power: index * power_below,
            d2_power: index * d_power_below,
        };
        d_power_below = term.d_power;
        power_below = power;
        term
    })
}

impl Surface for Beale {
    fn name(&self) -> &str {
        "beale"
    }
    fn formula(&self) -> String {
        "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²".into()
    }
    fn description(&self) -> &str {
        "Flat arms and steep walls around the minimum at (3, 0.5): no single step size suits every region."
    }
    fn value(&self, x: f64, y: f64) -> f64 {
        let [t1, t2, t3] = terms(x, y);
        t1.value * t1.value + t2.value * t2.value + t3.value * t3.value
    }
    fn gradient(&self, x: f64, y: f64) -> [f64; 2] {
        // ∇f = Σ 2·tᵢ·∇tᵢ, rounded like torch autograd: the last term first,
        // and within a term the x·yⁱ share of ∂f/∂x before the −x share.
        // The sums start at −0.0, the exact identity of + (it keeps the sign
        // of a first term that is −0.0).
        let (mut d_dx, mut d_dy) = (-0.0, -0.0);
        for t in terms(x, y).iter().rev() {
            let d_term = 2.0 * t.value;
            d_dx = d_dx + d_term * t.power - d_term;
            d_dy += d_term * x * t.d_power;
        }
        [d_dx, d_dy]
    }
    fn hessian(&self, x: f64, y: f64) -> [[f64; 2]; 2] {
        // ∇²f = Σ 2·(∇tᵢ ∇tᵢᵀ + tᵢ ∇²tᵢ)
        let (mut f_xx, mut f_xy, mut f_yy) = (0.0, 0.0, 0.0);
        for t in terms(x, y) {
            let (d_dx, d_dy) = (t.power - 1.0, x * t.d_power);
            f_xx += 2.0 * d_dx * d_dx;
            f_xy += 2.0 * (d_dx * d_dy + t.value * t.d_power);
            f_yy += 2.0 * (d_dy * d_dy + t.value * x * t.d2_power);
        }
        [[f_xx, f_xy], [f_xy, f_yy]]
    }
    fn view_box(&self) -> ViewBox {
        ViewBox {
            x_min: -4.5,
            x_max: 4.5,
            y_min: -4.5,
            y_max: 4.5,
        }
    }
    fn minima(&self) -> Vec<[f64; 2]> {
        vec![[3.0, 0.5]]
    }
    fn minimum_value(&self) -> Option<f64> {
        Some(0.0)
    }
    fn default_start(&self) -> [f64; 2] {
        [1.0, 1.5]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_values() {
        // 1.5² + 2.25² + 2.625²
        assert_eq!(Beale.value(0.0, 0.0), 14.203125);
        // t = (2, 3.5, 5) at (1, 1.5)
        assert_eq!(Beale.value(1.0, 1.5), 41.25);
        assert_eq!(Beale.gradient(1.0, 1.5), [34.5, 92.5]);
    }

    #[test]
    fn saddle_at_zero_one() {
        assert_eq!(Beale.gradient(0.0, 1.0), [0.0, 0.0]);
        let [[a, b], [_, d]] = Beale.hessian(0.0, 1.0);
        assert!(a * d - b * b < 0.0, "(0, 1) should be a saddle");
    }
}
