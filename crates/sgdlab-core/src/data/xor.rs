//! XOR: opposite quadrants share a class.
//!
//! ```text
//! class 0: x₁·x₂ > 0 (first and third quadrants)
//! class 1: x₁·x₂ < 0 (second and fourth quadrants)
//! sᵢ ~ U{−1, +1},  uᵢ ~ U[g, 1)  with the gap g = 0.1
//! class 0: x = (s₁u₁,  s₁u₂);   class 1: x = (s₁u₁, −s₁u₂);   plus N(0, σ²I)
//! ```
//!
//! A band of width 2g along both axes is left empty so the clean classes are
//! separated by a margin. No single line separates them; two hidden units do.

use super::Dataset;
use crate::SeededRng;

/// Distance from the axes inside which no clean point falls.
pub const GAP: f64 = 0.1;

/// `samples` clean points; point i has class i mod 2.
pub(crate) fn clean_points(samples: usize, rng: &mut SeededRng) -> Dataset {
    let mut data = Dataset::with_capacity(2, samples);
    for i in 0..samples {
        let class = i % 2;
        let sign = if rng.below(2) == 0 { 1.0 } else { -1.0 };
        let second_sign = if class == 0 { sign } else { -sign };
        let u1 = rng.uniform_in(GAP, 1.0);
        let u2 = rng.uniform_in(GAP, 1.0);
        data.push([sign * u1, second_sign * u2], class);
    }
    data
}
