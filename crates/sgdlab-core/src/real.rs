//! The floating-point types the engine computes in.
//!
//! Landscapes run in `f64` so paths agree with PyTorch's float64 to the last
//! digits; network training runs in `f32` so the CPU and GPU backends can be
//! compared. Code that must work in both is generic over [`Real`].
//!
//! Every transcendental function (`exp`, `ln`, `sin`, `tanh`, `powf`, …) goes
//! through the [`libm`] crate rather than the platform's C library. That is
//! what makes a seeded run give bit-identical numbers natively and in
//! WebAssembly: glibc and the wasm runtime would otherwise round differently
//! in the last place. `sqrt` and the four arithmetic operations are exactly
//! rounded by IEEE 754 everywhere, so they use the hardware.

use std::fmt::{Debug, Display};
use std::iter::Sum;
use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Rem, Sub, SubAssign};

/// A real number type: `f32` or `f64`.
pub trait Real:
    Copy
    + Debug
    + Display
    + Default
    + PartialEq
    + PartialOrd
    + Send
    + Sync
    + 'static
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Rem<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + Sum
{
    const ZERO: Self;
    const ONE: Self;
    const TWO: Self;
    const HALF: Self;
    const PI: Self;
    const E: Self;
    const INFINITY: Self;
    const NAN: Self;
    /// Machine epsilon.
    const EPSILON: Self;

    /// Converts from `f64`, rounding to nearest.
    fn from_f64(v: f64) -> Self;
    /// Widens (or keeps) the value as `f64`.
    fn to_f64(self) -> f64;
    /// Converts a count.
    fn from_usize(n: usize) -> Self {
        Self::from_f64(n as f64)
    }

    fn sqrt(self) -> Self;
    fn exp(self) -> Self;
    fn ln(self) -> Self;
    fn sin(self) -> Self;
    fn cos(self) -> Self;
    fn tan(self) -> Self;
    fn tanh(self) -> Self;
    fn powf(self, p: Self) -> Self;
    fn abs(self) -> Self;
    fn floor(self) -> Self;
    fn is_finite(self) -> bool;
    fn is_nan(self) -> bool;

    /// `self^n` for an integer exponent, by the same routine as [`powf`](Real::powf).
    fn powi(self, n: i32) -> Self {
        self.powf(Self::from_f64(f64::from(n)))
    }
    /// The larger of the two; NaN if either is NaN (like `torch.maximum`).
    fn max(self, other: Self) -> Self {
        if self.is_nan() || other.is_nan() {
            Self::NAN
        } else if self >= other {
            self
        } else {
            other
        }
    }
    /// The smaller of the two; NaN if either is NaN (like `torch.minimum`).
    fn min(self, other: Self) -> Self {
        if self.is_nan() || other.is_nan() {
            Self::NAN
        } else if self <= other {
            self
        } else {
            other
        }
    }
    /// Logistic sigmoid 1 / (1 + e^(−x)), written so it never overflows.
    fn sigmoid(self) -> Self {
        if self >= Self::ZERO {
            Self::ONE / (Self::ONE + (-self).exp())
        } else {
            let e = self.exp();
            e / (Self::ONE + e)
        }
    }
    /// `torch.lerp(self, end, weight)`, with PyTorch's two-branch formula so
    /// moving averages round exactly as `torch.optim` rounds them.
    fn lerp(self, end: Self, weight: Self) -> Self {
        if weight.abs() < Self::HALF {
            self + weight * (end - self)
        } else {
            end - (end - self) * (Self::ONE - weight)
        }
    }
}

macro_rules! impl_real {
    ($t:ty, $sqrt:path, $exp:path, $ln:path, $sin:path, $cos:path, $tan:path, $tanh:path, $pow:path, $floor:path) => {
        impl Real for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const TWO: Self = 2.0;
            const HALF: Self = 0.5;
            const PI: Self = core::f64::consts::PI as $t;
            const E: Self = core::f64::consts::E as $t;
            const INFINITY: Self = <$t>::INFINITY;
            const NAN: Self = <$t>::NAN;
            const EPSILON: Self = <$t>::EPSILON;

            fn from_f64(v: f64) -> Self {
                v as $t
            }
            fn to_f64(self) -> f64 {
                f64::from(self)
            }
            fn sqrt(self) -> Self {
                $sqrt(self)
            }
            fn exp(self) -> Self {
                $exp(self)
            }
            fn ln(self) -> Self {
                $ln(self)
            }
            fn sin(self) -> Self {
                $sin(self)
            }
            fn cos(self) -> Self {
                $cos(self)
            }
            fn tan(self) -> Self {
                $tan(self)
            }
            fn tanh(self) -> Self {
                $tanh(self)
            }
            fn powf(self, p: Self) -> Self {
                $pow(self, p)
            }
            fn abs(self) -> Self {
                <$t>::abs(self)
            }
            fn floor(self) -> Self {
                $floor(self)
            }
            fn is_finite(self) -> bool {
                <$t>::is_finite(self)
            }
            fn is_nan(self) -> bool {
                <$t>::is_nan(self)
            }
        }
    };
}

impl_real!(
    f64,
    f64::sqrt,
    libm::exp,
    libm::log,
    libm::sin,
    libm::cos,
    libm::tan,
    libm::tanh,
    libm::pow,
    libm::floor
);
impl_real!(
    f32,
    f32::sqrt,
    libm::expf,
    libm::logf,
    libm::sinf,
    libm::cosf,
    libm::tanf,
    libm::tanhf,
    libm::powf,
    libm::floorf
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lerp_matches_both_branches_of_torch() {
        // weight < 0.5: self + w (end − self)
        assert_eq!(Real::lerp(1.0_f64, 3.0, 0.25), 1.5);
        // weight ≥ 0.5: end − (end − self)(1 − w)
        assert_eq!(Real::lerp(1.0_f64, 3.0, 0.75), 2.5);
    }

    #[test]
    fn sigmoid_is_stable_for_large_inputs() {
        assert_eq!(Real::sigmoid(1000.0_f64), 1.0);
        assert_eq!(Real::sigmoid(-1000.0_f64), 0.0);
        assert!((Real::sigmoid(0.0_f32) - 0.5).abs() < 1e-7);
    }

    #[test]
    fn max_and_min_propagate_nan() {
        assert!(Real::max(f64::NAN, 1.0).is_nan());
        assert!(Real::min(1.0, f64::NAN).is_nan());
        assert_eq!(Real::max(2.0_f64, 1.0), 2.0);
    }
}
