//! The pointwise kernels of `torch.optim`, shared by every optimizer here.
//!
//! PyTorch's CPU kernels are compiled with floating-point contraction, so on
//! any machine with FMA (every x86-64 since 2013, every ARM64) `x + α·y` is
//! one fused multiply-add: a·b + c rounded once. Matching PyTorch to the last
//! bit therefore means fusing exactly where its kernels fuse, and nowhere
//! else. Each helper below is one tensor op, named after it.

use crate::Real;

/// a·b + c with a single rounding.
///
/// For `f64` this is the correctly rounded `fma` (from `libm`, so natively and
/// in WebAssembly agree). For narrower types the product of two values is
/// exact in `f64`, so plain `f64` arithmetic already rounds only once there
/// (before the final narrowing) and skips the slower software `fma`.
pub(crate) fn fused_mul_add<T: Real>(a: T, b: T, c: T) -> T {
    let (a, b, c) = (a.to_f64(), b.to_f64(), c.to_f64());
    if T::EPSILON.to_f64() > f64::EPSILON {
        T::from_f64(a * b + c)
    } else {
        T::from_f64(libm::fma(a, b, c))
    }
}

/// `x.add(y, alpha=α)`: x + α·y, fused.
pub(crate) fn add_scaled<T: Real>(x: T, alpha: T, y: T) -> T {
    fused_mul_add(alpha, y, x)
}

/// `x.addcmul(a, b, value=v)`: x + (v·a)·b, the last product fused.
pub(crate) fn addcmul<T: Real>(x: T, value: T, a: T, b: T) -> T {
    fused_mul_add(value * a, b, x)
}

/// `x.addcdiv(a, b, value=v)`: x + (v·a)/b (a division, so nothing to fuse).
pub(crate) fn addcdiv<T: Real>(x: T, value: T, a: T, b: T) -> T {
    x + value * a / b
}

/// `start.lerp(end, w)`: PyTorch's two-branch linear interpolation, fused.
/// Small weights move from `start`; large ones come back from `end`, which
/// keeps moving averages with w = 1 − β accurate.
pub(crate) fn lerp<T: Real>(start: T, end: T, weight: T) -> T {
    if weight.abs() < T::HALF {
        fused_mul_add(weight, end - start, start)
    } else {
        fused_mul_add(-(end - start), T::ONE - weight, end)
    }
}
