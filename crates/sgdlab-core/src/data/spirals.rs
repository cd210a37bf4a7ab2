//! Two interleaved spiral arms, one per class.
//!
//! ```text
//! class c ∈ {0, 1},  t ~ U[0, 1)
//! r = t,   θ = 3π·t + c·π
//! x = (r·cos θ, r·sin θ) + N(0, σ²I)
//! ```
//!
//! Each arm winds one and a half turns out from the origin; the second arm is
//! the first turned by half a turn, so at any angle the two arms alternate
//! 1/3 apart along the radius. Before noise every point lies in the unit disc.
//! No straight line separates them: the classic test of a network's capacity.

use super::Dataset;
use crate::SeededRng;
use std::f64::consts::PI;

/// `samples` clean points; point i has class i mod 2.
pub(crate) fn clean_points(samples: usize, rng: &mut SeededRng) -> Dataset {
    let mut data = Dataset::with_capacity(2, samples);
    for i in 0..samples {
        let class = i % 2;
        let t = rng.uniform();
        let angle = 3.0 * PI * t + class as f64 * PI;
        data.push([t * libm::cos(angle), t * libm::sin(angle)], class);
    }
    data
}
