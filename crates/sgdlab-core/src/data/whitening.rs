//! Whitening 2-D features: centre them, then rotate and rescale so their
//! covariance becomes the identity.
//!
//! ```text
//! μ = (1/n)·Σᵢ xᵢ                       mean
//! C = (1/n)·Σᵢ (xᵢ − μ)(xᵢ − μ)ᵀ        covariance (population, 1/n)
//! C = V·Λ·Vᵀ                            eigendecomposition, 2×2 closed form:
//!     φ = ½·atan2(2·C₁₂, C₁₁ − C₂₂),  v₁ = (cos φ, sin φ),  v₂ = (−sin φ, cos φ)
//!     λₖ = vₖᵀ·C·vₖ
//! PCA:  W = Λ^(−1/2)·Vᵀ                 rotate onto the principal axes, then scale
//! ZCA:  W = V·Λ^(−1/2)·Vᵀ               same, then rotate back (the W nearest to I)
//! x ↦ W·(x − μ)                          so that Cov(W·(x − μ)) = W·C·Wᵀ = I
//! ```
//!
//! One feature (the linear model of the stochastic view) needs no rotation:
//! [`Standardization`] centres it and divides by its standard deviation,
//! x ↦ (x − x̄)/s with s² = (1/n)·Σᵢ (xᵢ − x̄)², so the result has mean 0 and
//! mean square 1.
//!
//! Why it helps: linear regression's mean squared error
//! L(w) = (1/2n)·‖X·w − y‖² (with centred features and the bias handled
//! apart) has Hessian ∇²L = XᵀX/n = C. Gradient descent converges at a rate
//! set by the condition number κ = λ_max/λ_min: correlated or unevenly scaled
//! features stretch the bowl into a ravine. On whitened features the Hessian
//! is I, κ = 1, the contours are circles, and the gradient points straight at
//! the minimum (one step of size η = 1 lands on it).

use super::DataError;
use serde::{Deserialize, Serialize};

/// Which whitening matrix to use; both give identity covariance.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WhiteningKind {
    /// Rotate onto the principal axes (largest variance first), then scale.
    Pca,
    /// PCA rotated back: whitened features stay as close as possible to the
    /// originals. Defaults to this.
    #[default]
    Zca,
}

/// A fitted whitening transform x ↦ W·(x − μ).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Whitening {
    /// The mean μ subtracted first.
    pub mean: [f64; 2],
    /// The matrix W, row-major.
    pub matrix: [[f64; 2]; 2],
}

/// The mean and the population covariance (1/n) of `points`.
pub fn mean_and_covariance(points: &[[f64; 2]]) -> ([f64; 2], [[f64; 2]; 2]) {
    let n = points.len() as f64;
    let mut mean = [0.0; 2];
    for p in points {
        mean[0] += p[0] / n;
        mean[1] += p[1] / n;
    }
    let mut cov = [[0.0; 2]; 2];
    for p in points {
        let d = [p[0] - mean[0], p[1] - mean[1]];
        for a in 0..2 {
            for b in 0..2 {
                cov[a][b] += d[a] * d[b] / n;
            }
        }
    }
    (mean, cov)
}

/// Eigenvalues and unit eigenvectors of a symmetric 2×2 matrix, the larger
/// eigenvalue first.
fn symmetric_eigen(m: [[f64; 2]; 2]) -> ([f64; 2], [[f64; 2]; 2]) {
    let angle = 0.5 * libm::atan2(2.0 * m[0][1], m[0][0] - m[1][1]);
    let (sin, cos) = (libm::sin(angle), libm::cos(angle));
    let vectors = [[cos, sin], [-sin, cos]];
    let rayleigh = |v: [f64; 2]| {
        v[0] * (m[0][0] * v[0] + m[0][1] * v[1]) + v[1] * (m[1][0] * v[0] + m[1][1] * v[1])
    };
    let values = [rayleigh(vectors[0]), rayleigh(vectors[1])];
    if values[0] >= values[1] {
        (values, vectors)
    } else {
        ([values[1], values[0]], [vectors[1], vectors[0]])
    }
}

impl Whitening {
    /// Fits the transform to `points`.
    ///
    /// Fails when there are fewer than two points or when the points (nearly)
    /// lie on a line, where some direction has no variance to scale up.
    pub fn fit(points: &[[f64; 2]], kind: WhiteningKind) -> Result<Self, DataError> {
        if points.len() < 2 {
            return Err(DataError::Invalid(format!(
                "whitening needs at least 2 points, got {}",
                points.len()
            )));
        }
        let (mean, cov) = mean_and_covariance(points);
        let (values, vectors) = symmetric_eigen(cov);
        let spread_in_both_directions = values[0].is_finite() && values[1] > 1e-12 * values[0];
        if !spread_in_both_directions {
            return Err(DataError::Invalid(format!(
                "cannot whiten: the points lie on a line (covariance eigenvalues {} and {})",
                values[0], values[1]
            )));
        }
        // Rows of Λ^(−1/2)·Vᵀ are the eigenvectors divided by √λ.
        let pca = [0, 1].map(|k| vectors[k].map(|v| v / values[k].sqrt()));
        let matrix = match kind {
            WhiteningKind::Pca => pca,
            // V·(Λ^(−1/2)·Vᵀ): entry (a, b) = Σₖ Vₐₖ·pca[k][b], with Vₐₖ = vectors[k][a].
            WhiteningKind::Zca => [0, 1]
                .map(|a| [0, 1].map(|b| vectors[0][a] * pca[0][b] + vectors[1][a] * pca[1][b])),
        };
        Ok(Self { mean, matrix })
    }

    /// W·(x − μ) for one point.
    pub fn apply(&self, point: [f64; 2]) -> [f64; 2] {
        let d = [point[0] - self.mean[0], point[1] - self.mean[1]];
        self.matrix.map(|row| row[0] * d[0] + row[1] * d[1])
    }

    /// W·(x − μ) for every point.
    pub fn apply_all(&self, points: &[[f64; 2]]) -> Vec<[f64; 2]> {
        points.iter().map(|&p| self.apply(p)).collect()
    }
}

/// A fitted centring and scaling of one feature: x ↦ (x − mean)/scale.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Standardization {
    /// The sample mean x̄ subtracted first.
    pub mean: f64,
    /// The standard deviation s (population, 1/n) divided by.
    pub scale: f64,
}

impl Standardization {
    /// Fits the mean and standard deviation of `values`. Fails when there are
    /// fewer than two values or they (nearly) all coincide, which leaves
    /// nothing to scale.
    pub fn fit(values: &[f64]) -> Result<Self, DataError> {
        if values.len() < 2 {
            return Err(DataError::Invalid(format!(
                "standardizing needs at least 2 values, got {}",
                values.len()
            )));
        }
        let n = values.len() as f64;
        // A second pass corrects the mean by the average residual: the
        // rounding of the first sum, divided by a small scale, would
        // otherwise leave the standardized values a visibly non-zero mean.
        let rough = values.iter().sum::<f64>() / n;
        let mean = rough + values.iter().map(|v| v - rough).sum::<f64>() / n;
        let variance = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
        let spread = variance.is_finite() && variance > 1e-24 * (1.0 + mean * mean);
        if !spread {
            return Err(DataError::Invalid(format!(
                "cannot standardize: the values barely vary (variance {variance})"
            )));
        }
        Ok(Self {
            mean,
            scale: variance.sqrt(),
        })
    }

    /// (x − mean)/scale.
    pub fn apply(&self, value: f64) -> f64 {
        (value - self.mean) / self.scale
    }

    /// (x − mean)/scale for every value.
    pub fn apply_all(&self, values: &[f64]) -> Vec<f64> {
        values.iter().map(|&v| self.apply(v)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SeededRng;

    /// Points with a random mean, scales and correlation.
    fn random_cloud(seed: u64) -> Vec<[f64; 2]> {
        let mut rng = SeededRng::new(seed);
        let offset = [rng.uniform_in(-5.0, 5.0), rng.uniform_in(-5.0, 5.0)];
        let scales = [rng.uniform_in(0.01, 10.0), rng.uniform_in(0.01, 10.0)];
        let rho = rng.uniform_in(-0.99, 0.99);
        let n = 50 + rng.below(200);
        (0..n)
            .map(|_| {
                let (z1, z2) = (rng.normal(), rng.normal());
                [
                    offset[0] + scales[0] * z1,
                    offset[1] + scales[1] * (rho * z1 + (1.0 - rho * rho).sqrt() * z2),
                ]
            })
            .collect()
    }

    #[test]
    fn whitened_points_have_zero_mean_and_identity_covariance() {
        for seed in 0..100 {
            let points = random_cloud(seed);
            for kind in [WhiteningKind::Pca, WhiteningKind::Zca] {
                let white = Whitening::fit(&points, kind).unwrap().apply_all(&points);
                let (mean, cov) = mean_and_covariance(&white);
                assert!(mean[0].abs() < 1e-10 && mean[1].abs() < 1e-10, "{mean:?}");
                for a in 0..2 {
                    for b in 0..2 {
                        let identity = if a == b { 1.0 } else { 0.0 };
                        assert!((cov[a][b] - identity).abs() < 1e-9, "seed {seed}: {cov:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn eigen_decomposition_reconstructs_the_matrix() {
        let mut rng = SeededRng::new(2);
        for _ in 0..200 {
            let (a, c, b) = (
                rng.uniform_in(-3.0, 3.0),
                rng.uniform_in(-3.0, 3.0),
                rng.uniform_in(-3.0, 3.0),
            );
            let (values, vectors) = symmetric_eigen([[a, b], [b, c]]);
            assert!(values[0] >= values[1]);
            for (k, v) in vectors.iter().enumerate() {
                // C·v = λ·v
                let cv = [a * v[0] + b * v[1], b * v[0] + c * v[1]];
                assert!((cv[0] - values[k] * v[0]).abs() < 1e-12);
                assert!((cv[1] - values[k] * v[1]).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn zca_matrix_is_symmetric_and_pca_puts_the_widest_axis_first() {
        // Spread along the diagonal x = y, narrow across it, and symmetric
        // about it so the principal axis is exactly (1, 1)/√2.
        let points: Vec<[f64; 2]> = (0..50)
            .flat_map(|i| {
                let t = i as f64 / 5.0 - 5.0;
                [[t + 0.1, t - 0.1], [t - 0.1, t + 0.1]]
            })
            .collect();
        let zca = Whitening::fit(&points, WhiteningKind::Zca).unwrap();
        assert!((zca.matrix[0][1] - zca.matrix[1][0]).abs() < 1e-12);
        let pca = Whitening::fit(&points, WhiteningKind::Pca).unwrap();
        let first_axis = pca.matrix[0];
        // The first PCA row is parallel to (1, 1) (either sign).
        assert!((first_axis[0] - first_axis[1]).abs() < 1e-9 * first_axis[0].abs());
    }

    #[test]
    fn whitening_makes_the_least_squares_hessian_the_identity() {
        let points = random_cloud(42);
        let condition = |pts: &[[f64; 2]]| {
            let (_, cov) = mean_and_covariance(pts);
            let (values, _) = symmetric_eigen(cov);
            values[0] / values[1]
        };
        let before = condition(&points);
        let white = Whitening::fit(&points, WhiteningKind::Zca)
            .unwrap()
            .apply_all(&points);
        assert!(
            before > 2.0,
            "the test cloud should be ill-conditioned: κ = {before}"
        );
        assert!((condition(&white) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn standardized_values_have_mean_0_and_mean_square_1() {
        let mut rng = SeededRng::new(9);
        for _ in 0..50 {
            let (centre, spread) = (rng.uniform_in(-9.0, 9.0), rng.uniform_in(0.01, 5.0));
            let values: Vec<f64> = (0..2 + rng.below(300))
                .map(|_| centre + spread * rng.uniform_in(-1.0, 1.0))
                .collect();
            let standard = Standardization::fit(&values).unwrap();
            let white = standard.apply_all(&values);
            let n = white.len() as f64;
            let mean = white.iter().sum::<f64>() / n;
            let square = white.iter().map(|v| v * v).sum::<f64>() / n;
            assert!(mean.abs() < 1e-12, "{mean}");
            assert!((square - 1.0).abs() < 1e-12, "{square}");
        }
        let err = Standardization::fit(&[3.0, 3.0, 3.0]).unwrap_err();
        assert!(err.to_string().starts_with("cannot standardize"), "{err}");
        assert!(Standardization::fit(&[1.0]).is_err());
    }

    #[test]
    fn degenerate_inputs_are_refused_with_a_reason() {
        let err = Whitening::fit(&[[1.0, 2.0]], WhiteningKind::Zca).unwrap_err();
        assert_eq!(err.to_string(), "whitening needs at least 2 points, got 1");
        let line: Vec<[f64; 2]> = (0..10).map(|i| [i as f64, 2.0 * i as f64]).collect();
        let err = Whitening::fit(&line, WhiteningKind::Pca).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("cannot whiten: the points lie on a line")
        );
    }
}
