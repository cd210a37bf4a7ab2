//! Three Gaussian clusters, one per class.
//!
//! ```text
//! class c ∈ {0, 1, 2}
//! centre  μ_c = R·(cos φ_c, sin φ_c),   φ_c = π/2 + 2πc/3,   R = 0.55
//! x = μ_c + s·z + N(0, σ²I),   s = 0.12,   z ~ N(0, I) truncated to |zᵢ| ≤ 3
//! ```
//!
//! The centres sit on a circle at the corners of an equilateral triangle.
//! The truncation (redrawing any |zᵢ| > 3) keeps the clean points inside
//! [−1, 1]². The only set with more than two classes, it exercises the
//! softmax; with little noise a linear model already separates it.

use super::Dataset;
use crate::SeededRng;
use std::f64::consts::PI;

/// Number of clusters, and so of classes.
pub const CLASSES: usize = 3;
/// Distance R of every centre from the origin.
pub const CENTRE_RADIUS: f64 = 0.55;
/// Standard deviation s of each cluster before noise.
pub const SPREAD: f64 = 0.12;

/// The centre μ_c of class `class`.
pub fn centre(class: usize) -> [f64; 2] {
    let angle = PI / 2.0 + 2.0 * PI * class as f64 / CLASSES as f64;
    [
        CENTRE_RADIUS * libm::cos(angle),
        CENTRE_RADIUS * libm::sin(angle),
    ]
}

/// `samples` clean points; point i has class i mod 3.
pub(crate) fn clean_points(samples: usize, rng: &mut SeededRng) -> Dataset {
    let mut data = Dataset::with_capacity(CLASSES, samples);
    for i in 0..samples {
        let class = i % CLASSES;
        let [cx, cy] = centre(class);
        data.push(
            [
                cx + SPREAD * truncated_normal(rng),
                cy + SPREAD * truncated_normal(rng),
            ],
            class,
        );
    }
    data
}

/// N(0, 1) conditioned on |z| ≤ 3, by redrawing (one draw in 370 is redrawn).
fn truncated_normal(rng: &mut SeededRng) -> f64 {
    loop {
        let z = rng.normal();
        if z.abs() <= 3.0 {
            return z;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clusters_are_centred_on_their_centres() {
        let mut rng = SeededRng::new(8);
        let data = clean_points(3000, &mut rng);
        for class in 0..CLASSES {
            let members: Vec<[f64; 2]> = data
                .features
                .iter()
                .zip(&data.labels)
                .filter(|&(_, &l)| l == class)
                .map(|(p, _)| *p)
                .collect();
            let n = members.len() as f64;
            let mean_x = members.iter().map(|p| p[0]).sum::<f64>() / n;
            let mean_y = members.iter().map(|p| p[1]).sum::<f64>() / n;
            let [cx, cy] = centre(class);
            // Standard error of the mean is about 0.12/√1000 ≈ 0.004.
            assert!((mean_x - cx).abs() < 0.015 && (mean_y - cy).abs() < 0.015);
        }
    }
}
