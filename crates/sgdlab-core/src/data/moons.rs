//! Two interlocking half circles ("moons").
//!
//! ```text
//! θ ~ U[0, π)
//! class 0 (upper moon): (cos θ,      sin θ)
//! class 1 (lower moon): (1 − cos θ,  1/2 − sin θ)
//! then centred and scaled:  x ← ((x₁ − 1/2)/1.5, (x₂ − 1/4)/1.5) + N(0, σ²I)
//! ```
//!
//! Before noise x₁ ∈ [−1, 1] and x₂ ∈ [−1/2, 1/2]. Each moon reaches into the
//! other's hollow, so the boundary must bend twice.

use super::Dataset;
use crate::SeededRng;
use std::f64::consts::PI;

/// `samples` clean points; point i has class i mod 2.
pub(crate) fn clean_points(samples: usize, rng: &mut SeededRng) -> Dataset {
    let mut data = Dataset::with_capacity(2, samples);
    for i in 0..samples {
        let class = i % 2;
        let angle = rng.uniform_in(0.0, PI);
        let (x, y) = if class == 0 {
            (libm::cos(angle), libm::sin(angle))
        } else {
            (1.0 - libm::cos(angle), 0.5 - libm::sin(angle))
        };
        data.push([(x - 0.5) / 1.5, (y - 0.25) / 1.5], class);
    }
    data
}
