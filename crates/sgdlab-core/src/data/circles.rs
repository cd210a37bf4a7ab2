//! A small circle inside a larger one.
//!
//! ```text
//! θ ~ U[0, 2π)
//! class 0 (outer): x = (cos θ, sin θ)
//! class 1 (inner): x = ½·(cos θ, sin θ)
//! plus N(0, σ²I)
//! ```
//!
//! The boundary is a closed curve around the inner ring, which a linear model
//! cannot draw but a network with one hidden layer can.

use super::Dataset;
use crate::SeededRng;
use std::f64::consts::PI;

/// Radius of the inner (class 1) circle; the outer circle has radius 1.
pub const INNER_RADIUS: f64 = 0.5;

/// `samples` clean points; point i has class i mod 2.
pub(crate) fn clean_points(samples: usize, rng: &mut SeededRng) -> Dataset {
    let mut data = Dataset::with_capacity(2, samples);
    for i in 0..samples {
        let class = i % 2;
        let radius = if class == 0 { 1.0 } else { INNER_RADIUS };
        let angle = rng.uniform_in(0.0, 2.0 * PI);
        data.push(
            [radius * libm::cos(angle), radius * libm::sin(angle)],
            class,
        );
    }
    data
}
