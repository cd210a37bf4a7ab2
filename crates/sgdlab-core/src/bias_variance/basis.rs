//! The feature maps φ(x) of the two model families, on inputs in [0, 1].
//!
//! ```text
//! polynomial, degree d   φₖ(x) = Pₖ(2x − 1),  k = 0 … d        (Legendre)
//!                        P₀ = 1,  P₁ = u,  (k+1)·P_{k+1} = (2k+1)·u·Pₖ − k·P_{k−1}
//! Gaussian, G bases      φ₀(x) = 1,  φⱼ(x) = exp(−(x − μⱼ)²/(2s²)),  j = 1 … G
//!                        μⱼ = (j − 1)/(G − 1)  (μ₁ = ½ when G = 1)
//! ```
//!
//! Legendre polynomials span exactly the polynomials of degree ≤ d, so the
//! least-squares fit (a function, not a coefficient vector) is the one the
//! monomials 1, x, …, x^d would give; but they are orthogonal on [0, 1], so
//! the design matrix stays well conditioned up to high degree, where the
//! monomials' columns become nearly parallel.

use crate::Real;

/// A feature map φ: [0, 1] → ℝᴾ.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Basis {
    /// Legendre polynomials of degree 0 to `degree` on [0, 1].
    Legendre { degree: usize },
    /// A constant plus `count` Gaussian bumps of width `width`, evenly
    /// spaced over [0, 1].
    Gaussian { count: usize, width: f64 },
}

impl Basis {
    /// The number of features P.
    pub fn len(&self) -> usize {
        match *self {
            Self::Legendre { degree } => degree + 1,
            Self::Gaussian { count, .. } => count + 1,
        }
    }

    /// Whether the map has no features (never: P ≥ 1).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Writes φ(x) into `out` (length P).
    pub fn fill(&self, x: f64, out: &mut [f64]) {
        match *self {
            Self::Legendre { degree } => {
                let u = 2.0 * x - 1.0;
                out[0] = 1.0;
                if degree >= 1 {
                    out[1] = u;
                }
                for k in 1..degree {
                    let k_f = k as f64;
                    out[k + 1] = ((2.0 * k_f + 1.0) * u * out[k] - k_f * out[k - 1]) / (k_f + 1.0);
                }
            }
            Self::Gaussian { count, width } => {
                out[0] = 1.0;
                let scale = -0.5 / (width * width);
                for j in 0..count {
                    let centre = if count == 1 {
                        0.5
                    } else {
                        j as f64 / (count - 1) as f64
                    };
                    let d = x - centre;
                    out[j + 1] = Real::exp(scale * d * d);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legendre_values_match_their_closed_forms() {
        let mut phi = [0.0; 4];
        for x in [0.0, 0.3, 0.5, 1.0] {
            Basis::Legendre { degree: 3 }.fill(x, &mut phi);
            let u: f64 = 2.0 * x - 1.0;
            let expected = [
                1.0,
                u,
                (3.0 * u * u - 1.0) / 2.0,
                (5.0 * u.powi(3) - 3.0 * u) / 2.0,
            ];
            for k in 0..4 {
                assert!((phi[k] - expected[k]).abs() < 1e-15, "P{k}({u})");
            }
        }
    }

    #[test]
    fn gaussian_bumps_peak_at_their_centres() {
        let basis = Basis::Gaussian {
            count: 5,
            width: 0.1,
        };
        assert_eq!(basis.len(), 6);
        let mut phi = [0.0; 6];
        basis.fill(0.25, &mut phi);
        assert_eq!(phi[0], 1.0);
        assert_eq!(phi[2], 1.0);
        assert!((phi[1] - libm::exp(-0.0625 / 0.02)).abs() < 1e-16);
        let mut single = [0.0; 2];
        Basis::Gaussian {
            count: 1,
            width: 0.2,
        }
        .fill(0.5, &mut single);
        assert_eq!(single, [1.0, 1.0]);
    }
}
