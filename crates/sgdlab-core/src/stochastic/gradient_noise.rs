//! The noise in minibatch gradients at one point θ: the cloud of K
//! minibatch gradients around the full gradient, its spread, and their
//! angles to the full gradient.
//!
//! ```text
//! g   = ∇L(θ)                                    the full gradient
//! ĝₖ  = (1/B)·Σ_{i∈Bₖ} ∇ℓᵢ(θ),   k = 1, …, K      the cloud
//!
//! measured    Σ̂ = (1/K)·Σₖ (ĝₖ − g)(ĝₖ − g)ᵀ,   total variance tr Σ̂
//! per example σ² = (1/n)·Σᵢ ‖∇ℓᵢ(θ) − g‖²
//! predicted   E‖ĝ − g‖² = (σ²/B)·(n − B)/(n − 1)   B distinct examples
//!                        = σ²/B                    B independent draws
//! angle       αₖ = arccos(ĝₖ·g / (‖ĝₖ‖·‖g‖)),  in degrees
//! ```
//!
//! Each of the K minibatches is drawn afresh and independently of the
//! others. [`BatchDraw::WithoutReplacement`] takes B distinct examples,
//! every subset of size B equally likely: this is what one batch of a
//! shuffled epoch is, and the panel uses it for the `sequential`,
//! `shuffle` and `class_balanced` orders too (their batches are not
//! independent of each other, or not uniform, so they have no simple
//! formula). [`BatchDraw::WithReplacement`] draws B indices independently,
//! as the `replacement` order does.
//!
//! The spread is measured around the true g rather than around the cloud's
//! own mean: since E[ĝ] = g exactly, (1/K)·Σₖ‖ĝₖ − g‖² is an unbiased
//! estimate of E‖ĝ − g‖² for every K ≥ 1, and it is the quantity in the
//! implicit-regularisation term (η/4)·E‖∇L_B − ∇L‖². The factor
//! (n − B)/(n − 1) is the finite-population correction: a batch of the
//! whole dataset has no noise at all.
//!
//! Angles are undefined when g = 0 or ĝₖ = 0; those minibatches are left out
//! of the angles, the histogram and the share beyond 90°.

use super::EmpiricalRisk;
use super::config::{MAX_NOISE_BATCHES, check_batch, check_count};
use crate::SeededRng;
use crate::data::sampler::SamplingOrder;
use crate::playground::FieldError;
use serde::Serialize;

/// The angle histogram's bins, each this many degrees wide.
pub const ANGLE_BIN_DEGREES: f64 = 10.0;
/// The number of bins of the angle histogram, covering 0° to 180°.
pub const ANGLE_BINS: usize = 18;

/// How each minibatch of the cloud is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchDraw {
    /// B distinct examples, a uniformly random subset.
    WithoutReplacement,
    /// B independent uniform draws, repeats allowed.
    WithReplacement,
}

impl BatchDraw {
    /// The draw that matches a sampling order's single batch:
    /// with replacement for `replacement`, without for the others.
    pub fn for_order(order: SamplingOrder) -> Self {
        match order {
            SamplingOrder::WithReplacement => Self::WithReplacement,
            SamplingOrder::Sequential | SamplingOrder::Shuffle | SamplingOrder::ClassBalanced => {
                Self::WithoutReplacement
            }
        }
    }

    /// E‖ĝ − g‖² for batches of `batch_size` from `examples` examples whose
    /// per-example gradient variance is `example_variance`.
    pub fn predicted_variance(
        self,
        example_variance: f64,
        examples: usize,
        batch_size: usize,
    ) -> f64 {
        let (n, b) = (examples as f64, batch_size as f64);
        match self {
            Self::WithoutReplacement if examples > 1 => example_variance / b * (n - b) / (n - 1.0),
            // One example: every batch is that example, with no noise.
            Self::WithoutReplacement => 0.0,
            Self::WithReplacement => example_variance / b,
        }
    }
}

/// The gradient-noise panel's numbers at one point.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GradientNoise {
    /// Where it was measured, θ.
    pub point: [f64; 2],
    pub batch_size: usize,
    pub draw: BatchDraw,
    /// g = ∇L(θ).
    pub full_gradient: [f64; 2],
    /// The K minibatch gradients ĝₖ, in the order drawn.
    pub batch_gradients: Vec<[f64; 2]>,
    /// (1/K)·Σₖ ĝₖ.
    pub mean_gradient: [f64; 2],
    /// (1/K)·Σₖ (ĝₖ − g)(ĝₖ − g)ᵀ.
    pub covariance: [[f64; 2]; 2],
    /// The trace of [`covariance`](Self::covariance): (1/K)·Σₖ‖ĝₖ − g‖².
    pub total_variance: f64,
    /// σ² = (1/n)·Σᵢ ‖∇ℓᵢ(θ) − g‖².
    pub example_variance: f64,
    /// E‖ĝ − g‖² from σ², B and n (see the module docs).
    pub predicted_variance: f64,
    /// Angles in degrees between each ĝₖ and g, for the minibatches where
    /// the angle is defined, in the order drawn.
    pub angles: Vec<f64>,
    /// Counts of [`angles`](Self::angles) in [`ANGLE_BINS`] bins of
    /// [`ANGLE_BIN_DEGREES`]° from 0° (180° falls in the last bin).
    pub angle_histogram: Vec<usize>,
    /// The share of the angles above 90°: minibatch steps that go uphill on
    /// the full loss (to first order). `None` when no angle is defined.
    pub share_beyond_90: Option<f64>,
}

impl GradientNoise {
    /// Draws `batches` minibatches of `batch_size` at `point` from the
    /// seed's `"gradient noise/batch B"` stream, so a given B always gives
    /// the same cloud.
    pub fn measure(
        model: &dyn EmpiricalRisk,
        point: [f64; 2],
        batch_size: usize,
        batches: usize,
        draw: BatchDraw,
        seed: u64,
    ) -> Result<Self, FieldError> {
        let n = model.examples();
        if !(point[0].is_finite() && point[1].is_finite()) {
            return Err(FieldError::new(
                "point",
                "the point must be two finite numbers",
            ));
        }
        check_batch(batch_size, n).map_err(|message| FieldError::new("b", message))?;
        check_count("k", batches, 1, MAX_NOISE_BATCHES)
            .map_err(|message| FieldError::new("k", message))?;
        let per_example: Vec<[f64; 2]> = (0..n).map(|i| model.example_gradient(point, i)).collect();
        let full_gradient = model.gradient(point);
        let example_variance = per_example
            .iter()
            .map(|&d| squared_distance(d, full_gradient))
            .sum::<f64>()
            / n as f64;

        let mut rng = SeededRng::derive(seed, &format!("gradient noise/batch {batch_size}"));
        let mut pool: Vec<usize> = (0..n).collect();
        let mut batch = vec![0; batch_size];
        let batch_gradients: Vec<[f64; 2]> = (0..batches)
            .map(|_| {
                draw_batch(draw, &mut pool, &mut batch, &mut rng);
                let mut sum = [0.0, 0.0];
                for &i in &batch {
                    sum[0] += per_example[i][0];
                    sum[1] += per_example[i][1];
                }
                sum.map(|s| s / batch_size as f64)
            })
            .collect();

        let k = batches as f64;
        let mut mean_gradient = [0.0, 0.0];
        let mut covariance = [[0.0; 2]; 2];
        for g in &batch_gradients {
            let d = [g[0] - full_gradient[0], g[1] - full_gradient[1]];
            for a in 0..2 {
                mean_gradient[a] += g[a] / k;
                for b in 0..2 {
                    covariance[a][b] += d[a] * d[b] / k;
                }
            }
        }
        let angles: Vec<f64> = batch_gradients
            .iter()
            .filter_map(|&g| angle_degrees(g, full_gradient))
            .collect();
        let mut angle_histogram = vec![0; ANGLE_BINS];
        for &angle in &angles {
            let bin = ((angle / ANGLE_BIN_DEGREES) as usize).min(ANGLE_BINS - 1);
            angle_histogram[bin] += 1;
        }
        let share_beyond_90 = (!angles.is_empty())
            .then(|| angles.iter().filter(|&&a| a > 90.0).count() as f64 / angles.len() as f64);
        Ok(Self {
            point,
            batch_size,
            draw,
            full_gradient,
            batch_gradients,
            mean_gradient,
            covariance,
            total_variance: covariance[0][0] + covariance[1][1],
            example_variance,
            predicted_variance: draw.predicted_variance(example_variance, n, batch_size),
            angles,
            angle_histogram,
            share_beyond_90,
        })
    }
}

/// Fills `batch` with the next minibatch. Without replacement this is a
/// partial Fisher–Yates shuffle of `pool`: whatever order the pool is in,
/// its first B entries afterwards are a uniformly random B-subset.
fn draw_batch(draw: BatchDraw, pool: &mut [usize], batch: &mut [usize], rng: &mut SeededRng) {
    let n = pool.len();
    match draw {
        BatchDraw::WithoutReplacement => {
            for j in 0..batch.len() {
                pool.swap(j, j + rng.below(n - j));
            }
            batch.copy_from_slice(&pool[..batch.len()]);
        }
        BatchDraw::WithReplacement => batch.iter_mut().for_each(|i| *i = rng.below(n)),
    }
}

fn squared_distance(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)
}

/// The angle between `a` and `b` in degrees, `None` if either is zero.
fn angle_degrees(a: [f64; 2], b: [f64; 2]) -> Option<f64> {
    let norms = libm::hypot(a[0], a[1]) * libm::hypot(b[0], b[1]);
    if norms == 0.0 || !norms.is_finite() {
        return None;
    }
    let cosine = ((a[0] * b[0] + a[1] * b[1]) / norms).clamp(-1.0, 1.0);
    Some(libm::acos(cosine).to_degrees())
}

/// One point of the "variance against 1/B" plot.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct VariancePoint {
    pub batch_size: usize,
    /// [`GradientNoise::total_variance`] at this B.
    pub measured: f64,
    /// [`GradientNoise::predicted_variance`] at this B.
    pub predicted: f64,
}

/// Measured and predicted gradient variance at `point` for each batch size,
/// with the same draws [`GradientNoise::measure`] makes for that B.
pub fn variance_vs_batch(
    model: &dyn EmpiricalRisk,
    point: [f64; 2],
    batch_sizes: &[usize],
    batches: usize,
    draw: BatchDraw,
    seed: u64,
) -> Result<Vec<VariancePoint>, FieldError> {
    batch_sizes
        .iter()
        .map(|&batch_size| {
            let noise = GradientNoise::measure(model, point, batch_size, batches, draw, seed)?;
            Ok(VariancePoint {
                batch_size,
                measured: noise.total_variance,
                predicted: noise.predicted_variance,
            })
        })
        .collect()
}

/// 1, 2, 4, … up to `examples`, then `examples` itself: the batch sizes of
/// the variance plot, evenly spaced on its log axis.
pub fn doubling_batch_sizes(examples: usize) -> Vec<usize> {
    let mut sizes: Vec<usize> = std::iter::successors(Some(1_usize), |b| b.checked_mul(2))
        .take_while(|&b| b <= examples)
        .collect();
    if sizes.last() != Some(&examples) && examples > 0 {
        sizes.push(examples);
    }
    sizes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::regression::{CurveConfig, LogisticConfig};
    use crate::data::sampler::{MinibatchSampler, SamplerConfig};
    use crate::stochastic::{LinearRegression, LogisticRegression2};

    fn linear(samples: usize, seed: u64) -> LinearRegression {
        LinearRegression::from_config(&CurveConfig {
            samples,
            noise: 0.5,
            seed,
            ..CurveConfig::line(2.0, -1.0)
        })
        .unwrap()
    }

    fn logistic(samples: usize) -> LogisticRegression2 {
        LogisticRegression2::from_config(&LogisticConfig {
            samples,
            seed: 2,
            ..LogisticConfig::default()
        })
        .unwrap()
    }

    #[test]
    fn an_epoch_of_minibatch_gradients_averages_to_the_full_gradient() {
        let models: [Box<dyn EmpiricalRisk>; 2] =
            [Box::new(linear(120, 1)), Box::new(logistic(120))];
        for model in &models {
            for order in [SamplingOrder::Sequential, SamplingOrder::Shuffle] {
                for batch_size in [1, 4, 10, 30, 120] {
                    let config = SamplerConfig {
                        order,
                        batch_size,
                        ..SamplerConfig::default()
                    };
                    let sampler = MinibatchSampler::new(config, 120, 9).unwrap();
                    for theta in [[0.0, 0.0], [-1.0, 2.0], [3.5, -0.25]] {
                        let full = model.gradient(theta);
                        let batches = sampler.epoch_batches(batch_size as u64);
                        let mut mean = [0.0, 0.0];
                        for batch in &batches {
                            let g = model.batch_gradient(theta, batch);
                            mean[0] += g[0] / batches.len() as f64;
                            mean[1] += g[1] / batches.len() as f64;
                        }
                        for k in 0..2 {
                            assert!(
                                (mean[k] - full[k]).abs() < 1e-12,
                                "{} B = {batch_size}: {mean:?} vs {full:?}",
                                model.name()
                            );
                        }
                    }
                }
            }
        }
    }

    /// Every subset of size `b` of `0..n`, for exact expectations.
    fn subsets(n: usize, b: usize) -> Vec<Vec<usize>> {
        (0_u32..1 << n)
            .filter(|mask| mask.count_ones() as usize == b)
            .map(|mask| (0..n).filter(|i| mask & (1 << i) != 0).collect())
            .collect()
    }

    #[test]
    fn the_finite_population_formula_is_exact_over_all_subsets() {
        let n = 10;
        let models: [Box<dyn EmpiricalRisk>; 2] = [Box::new(linear(n, 4)), Box::new(logistic(n))];
        for model in &models {
            let theta = [0.3, -0.7];
            let noise = GradientNoise::measure(
                model.as_ref(),
                theta,
                1,
                1,
                BatchDraw::WithoutReplacement,
                0,
            )
            .unwrap();
            let full = noise.full_gradient;
            for b in 1..=n {
                let all = subsets(n, b);
                let exact = all
                    .iter()
                    .map(|batch| squared_distance(model.batch_gradient(theta, batch), full))
                    .sum::<f64>()
                    / all.len() as f64;
                let predicted =
                    BatchDraw::WithoutReplacement.predicted_variance(noise.example_variance, n, b);
                assert!(
                    (exact - predicted).abs() <= 1e-12 * (1.0 + predicted),
                    "{} B = {b}: exact {exact} vs predicted {predicted}",
                    model.name()
                );
            }
        }
    }

    /// Least-squares slope of log(variance) against log(B).
    fn log_log_slope(points: &[VariancePoint], variance: impl Fn(&VariancePoint) -> f64) -> f64 {
        let xs: Vec<f64> = points
            .iter()
            .map(|p| libm::log(p.batch_size as f64))
            .collect();
        let ys: Vec<f64> = points.iter().map(|p| libm::log(variance(p))).collect();
        let m = xs.len() as f64;
        let (mx, my) = (xs.iter().sum::<f64>() / m, ys.iter().sum::<f64>() / m);
        let cov: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum();
        let var: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
        cov / var
    }

    #[test]
    fn measured_variance_scales_as_one_over_b_and_matches_the_prediction() {
        let batch_sizes = [1, 2, 4, 8, 16, 32];
        let cases: [(Box<dyn EmpiricalRisk>, [f64; 2]); 2] = [
            (Box::new(linear(2000, 7)), [0.5, 1.0]),
            (Box::new(logistic(2000)), [0.0, 0.5]),
        ];
        for (model, theta) in &cases {
            for draw in [BatchDraw::WithoutReplacement, BatchDraw::WithReplacement] {
                let points =
                    variance_vs_batch(model.as_ref(), *theta, &batch_sizes, 2000, draw, 3).unwrap();
                // Undo the finite-population factor, then the slope is −1.
                let n = model.examples() as f64;
                let slope = log_log_slope(&points, |p| {
                    let correction = match draw {
                        BatchDraw::WithoutReplacement => (n - p.batch_size as f64) / (n - 1.0),
                        BatchDraw::WithReplacement => 1.0,
                    };
                    p.measured / correction
                });
                assert!(
                    (slope + 1.0).abs() < 0.05,
                    "{} {draw:?}: slope {slope}",
                    model.name()
                );
                for p in &points {
                    // K = 2000 draws of a 2-D spread: relative standard error ≲ 4 %.
                    let ratio = p.measured / p.predicted;
                    assert!(
                        (ratio - 1.0).abs() < 0.15,
                        "{} {draw:?} B = {}: measured {} vs predicted {}",
                        model.name(),
                        p.batch_size,
                        p.measured,
                        p.predicted
                    );
                }
            }
        }
    }

    #[test]
    fn the_correction_shows_on_a_small_dataset() {
        let model = linear(40, 8);
        let theta = [0.0, 0.0];
        let points = variance_vs_batch(
            &model,
            theta,
            &doubling_batch_sizes(40),
            2000,
            BatchDraw::WithoutReplacement,
            5,
        )
        .unwrap();
        assert_eq!(
            points.iter().map(|p| p.batch_size).collect::<Vec<_>>(),
            [1, 2, 4, 8, 16, 32, 40]
        );
        for p in &points[..points.len() - 1] {
            assert!((p.measured / p.predicted - 1.0).abs() < 0.15, "{p:?}");
        }
        // B = 32 of 40 has a fifth of the variance σ²/B would say.
        let b32 = points[5];
        let uncorrected = b32.predicted * 39.0 / 8.0;
        assert!(b32.measured < 0.3 * uncorrected, "{b32:?}");
        // The whole dataset as a batch: no noise at all.
        let whole = points[6];
        assert_eq!(whole.predicted, 0.0);
        assert!(whole.measured < 1e-28, "{whole:?}");
    }

    #[test]
    fn small_batches_point_uphill_more_often_than_large_ones() {
        let model = linear(2000, 11);
        // Close to the minimum the full gradient is small and the noise wins.
        let [w, b] = model.minimizer().unwrap();
        let theta = [w + 0.05, b - 0.05];
        let share = |batch_size| {
            GradientNoise::measure(
                &model,
                theta,
                batch_size,
                2000,
                BatchDraw::WithoutReplacement,
                1,
            )
            .unwrap()
            .share_beyond_90
            .unwrap()
        };
        let (one, sixty_four) = (share(1), share(64));
        assert!(one > 0.3, "B = 1: {one}");
        assert!(one > sixty_four + 0.2, "B = 1: {one}, B = 64: {sixty_four}");
    }

    #[test]
    fn the_panel_numbers_agree_with_each_other() {
        let model = logistic(300);
        let noise = GradientNoise::measure(
            &model,
            [1.0, -2.0],
            8,
            500,
            BatchDraw::WithoutReplacement,
            4,
        )
        .unwrap();
        assert_eq!(noise.batch_gradients.len(), 500);
        assert_eq!(noise.angles.len(), 500);
        assert_eq!(noise.angle_histogram.iter().sum::<usize>(), 500);
        assert!(noise.angles.iter().all(|a| (0.0..=180.0).contains(a)));
        let beyond = noise.angle_histogram[9..].iter().sum::<usize>() as f64 / 500.0;
        assert_eq!(noise.share_beyond_90, Some(beyond));
        let (mut trace, mut mean) = (0.0, [0.0, 0.0]);
        for g in &noise.batch_gradients {
            trace += squared_distance(*g, noise.full_gradient) / 500.0;
            mean = [mean[0] + g[0] / 500.0, mean[1] + g[1] / 500.0];
        }
        assert!((noise.total_variance - trace).abs() < 1e-15 * (1.0 + trace));
        assert_eq!(noise.mean_gradient, mean);
        let c = noise.covariance;
        assert_eq!(c[0][1], c[1][0]);
        assert!(c[0][0] * c[1][1] >= c[0][1] * c[0][1]);
        // Same seed, same cloud; another seed, another cloud.
        let again = GradientNoise::measure(
            &model,
            [1.0, -2.0],
            8,
            500,
            BatchDraw::WithoutReplacement,
            4,
        )
        .unwrap();
        assert_eq!(again, noise);
        let other = GradientNoise::measure(
            &model,
            [1.0, -2.0],
            8,
            500,
            BatchDraw::WithoutReplacement,
            5,
        )
        .unwrap();
        assert_ne!(other.batch_gradients, noise.batch_gradients);
    }

    #[test]
    fn angles_at_a_zero_gradient_are_left_out() {
        // Two examples whose gradients cancel at (w, b) = (1, 0): both at
        // x = 1, with residuals +1 and −1.
        let model = LinearRegression::new(vec![1.0, 1.0], vec![0.0, 2.0]);
        let theta = [1.0, 0.0];
        assert_eq!(model.gradient(theta), [0.0, 0.0]);
        let noise =
            GradientNoise::measure(&model, theta, 1, 50, BatchDraw::WithReplacement, 0).unwrap();
        assert!(noise.angles.is_empty());
        assert_eq!(noise.share_beyond_90, None);
        assert_eq!(noise.angle_histogram.iter().sum::<usize>(), 0);
        assert!(noise.total_variance > 0.0);
    }

    #[test]
    fn bad_requests_are_errors() {
        let model = linear(20, 0);
        let err = |point, b, k| {
            GradientNoise::measure(&model, point, b, k, BatchDraw::WithoutReplacement, 0)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err([f64::NAN, 0.0], 1, 1),
            "point: the point must be two finite numbers"
        );
        assert_eq!(
            err([0.0, 0.0], 21, 1),
            "b: the batch size must be a whole number from 1 to 20 (the number of examples), got 21"
        );
        assert!(err([0.0, 0.0], 0, 1).starts_with("b: the batch size must be"));
        assert_eq!(
            err([0.0, 0.0], 1, 2001),
            "k: k must be a whole number from 1 to 2000, got 2001"
        );
        assert!(
            variance_vs_batch(
                &model,
                [0.0, 0.0],
                &[1, 50],
                10,
                BatchDraw::WithReplacement,
                0
            )
            .is_err()
        );
    }

    #[test]
    fn draws_follow_their_definition() {
        let mut rng = SeededRng::new(1);
        let mut pool: Vec<usize> = (0..10).collect();
        let mut batch = vec![0; 10];
        for _ in 0..20 {
            draw_batch(
                BatchDraw::WithoutReplacement,
                &mut pool,
                &mut batch,
                &mut rng,
            );
            let mut sorted = batch.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, (0..10).collect::<Vec<_>>());
        }
        let mut repeats = 0;
        for _ in 0..20 {
            draw_batch(BatchDraw::WithReplacement, &mut pool, &mut batch, &mut rng);
            let mut sorted = batch.clone();
            sorted.sort_unstable();
            sorted.dedup();
            repeats += 10 - sorted.len();
        }
        assert!(repeats > 0);
        assert_eq!(
            BatchDraw::for_order(SamplingOrder::WithReplacement),
            BatchDraw::WithReplacement
        );
        assert_eq!(
            BatchDraw::for_order(SamplingOrder::Shuffle),
            BatchDraw::WithoutReplacement
        );
    }
}
