//! [`BiasVariance`]: L datasets fitted at every capacity, one fit per unit
//! of work, and the expected test error split into its three parts.
//!
//! ```text
//! datasets  Dₗ = {(xᵢ, tᵢ)},  xᵢ ~ U[0, 1),  tᵢ = f(xᵢ) + σ·εᵢ,  f(x) = sin(2πx),  l = 1 … L
//! test set  (xₛ, yₛ), s = 1 … T, drawn the same way, shared by every dataset and capacity
//! fits      hₗ = the model fitted to Dₗ at the capacity in hand
//! h̄(x)      = (1/L)·Σₗ hₗ(x)
//! bias²     = (1/T)·Σₛ (h̄(xₛ) − f(xₛ))²
//! variance  = (1/T)·Σₛ (1/L)·Σₗ (hₗ(xₛ) − h̄(xₛ))²
//! noise     = (1/T)·Σₛ (yₛ − f(xₛ))²                     (its expectation is σ²)
//! error     = (1/T)·Σₛ (1/L)·Σₗ (hₗ(xₛ) − yₛ)²          the measured expected test error
//! ```
//!
//! **The identity, and how well it holds.** For each test point,
//! (1/L)·Σₗ (hₗ − y)² = (1/L)·Σₗ (hₗ − h̄)² + (h̄ − y)² exactly (the cross
//! term sums to zero because h̄ is the mean), and
//! (h̄ − y)² = (h̄ − f)² + (f − y)² + 2·(h̄ − f)(f − y). Averaging over the
//! test points,
//!
//! ```text
//! error − (bias² + variance + noise) = (2/T)·Σₛ (h̄(xₛ) − f(xₛ))·(f(xₛ) − yₛ)
//! ```
//!
//! Given the fits and the test inputs, the label noises f(xₛ) − yₛ are
//! independent N(0, σ²) (the test labels were never trained on), so this
//! residual has mean 0 and standard deviation 2σ·√(bias²/T): the
//! [`CapacityReport::residual_std`] of each capacity. The decomposition
//! adds up to the measured error within a few of those, whatever L is.
//!
//! The variance and bias² are the plug-in estimates (dividing by L). The
//! estimated bias² therefore carries the Monte-Carlo error of h̄: its
//! expectation is the true bias² plus variance/L, which shows at the most
//! flexible capacities as a floor under bias². Their sum is unaffected.
//!
//! **Work.** One unit of [`BiasVariance::step`] fits one dataset at one
//! capacity (one QR solve of about (N + P)·P² multiply–adds, then T + 101
//! predictions): 25 μs–1 ms for the sizes the config allows, so a frame
//! can take several. Capacities run in order, least flexible first; a
//! capacity's figures appear when its L-th dataset is fitted.

use super::basis::Basis;
use super::config::{BiasVarianceConfig, ModelFamily};
use super::least_squares::LeastSquares;
use crate::SeededRng;
use crate::data::regression::TargetFunction;
use crate::link::format_number;
use crate::playground::FieldError;
use serde::Serialize;
use std::fmt::Write;

/// Points of the plotting grid over [0, 1] (spacing 0.01).
pub const PLOT_POINTS: usize = 101;

/// The true regression function f(x) = sin(2πx).
const TARGET: TargetFunction = TargetFunction::Sine { frequency: 1.0 };

/// One model setting on the capacity axis.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Capacity {
    /// The degree, or λ.
    pub capacity: f64,
    /// ln λ for the ridge family.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ln_lambda: Option<f64>,
    /// "degree 3", "ln λ = -0.5".
    pub label: String,
    /// Fitted parameters P.
    pub parameters: usize,
    #[serde(skip)]
    basis: Basis,
    #[serde(skip)]
    lambda: f64,
}

/// The figures of one capacity (the CLI contract's `capacities[]`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CapacityReport {
    /// The degree, or λ.
    pub capacity: f64,
    /// ln λ for the ridge family.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ln_lambda: Option<f64>,
    /// "degree 3", "ln λ = -0.5".
    pub label: String,
    /// (1/T)·Σₛ (h̄ − f)².
    pub bias2: f64,
    /// (1/T)·Σₛ (1/L)·Σₗ (hₗ − h̄)².
    pub variance: f64,
    /// (1/T)·Σₛ (yₛ − f)², the same for every capacity.
    pub noise: f64,
    /// bias² + variance + noise.
    pub sum: f64,
    /// The measured expected test error.
    pub test_error: f64,
    /// The standard deviation of test_error − sum, 2σ·√(bias²/T).
    pub residual_std: f64,
}

/// The JSON figures of a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BiasVarianceReport {
    /// `ridge` or `poly`.
    pub model: ModelFamily,
    /// L.
    pub datasets: usize,
    /// N.
    pub samples: usize,
    /// σ², the noise the test labels were drawn with.
    pub sigma2: f64,
    /// T.
    pub test_points: usize,
    /// Fits done and to do.
    pub fits: usize,
    pub total_fits: usize,
    /// The completed capacities, from the least to the most flexible.
    pub capacities: Vec<CapacityReport>,
}

/// Running first and second moments over the datasets at a set of points,
/// shifted by the first dataset's value so that the variance does not
/// cancel.
#[derive(Clone, Debug)]
struct Moments {
    shift: Vec<f64>,
    sum: Vec<f64>,
    sum_squares: Vec<f64>,
}

impl Moments {
    fn new(points: usize) -> Self {
        Self {
            shift: vec![0.0; points],
            sum: vec![0.0; points],
            sum_squares: vec![0.0; points],
        }
    }

    fn add(&mut self, first: bool, point: usize, value: f64) {
        if first {
            self.shift[point] = value;
            self.sum[point] = 0.0;
            self.sum_squares[point] = 0.0;
        }
        let d = value - self.shift[point];
        self.sum[point] += d;
        self.sum_squares[point] += d * d;
    }

    /// (mean, variance) over `count` datasets.
    fn get(&self, point: usize, count: f64) -> (f64, f64) {
        let mean_shift = self.sum[point] / count;
        let variance = (self.sum_squares[point] / count - mean_shift * mean_shift).max(0.0);
        (self.shift[point] + mean_shift, variance)
    }
}

/// The experiment.
pub struct BiasVariance {
    config: BiasVarianceConfig,
    capacities: Vec<Capacity>,
    /// Dataset l's inputs and targets at l·N .. (l+1)·N.
    inputs: Vec<f64>,
    targets: Vec<f64>,
    test_inputs: Vec<f64>,
    test_labels: Vec<f64>,
    test_truth: Vec<f64>,
    /// φ(xₛ) of the widest basis, `width` values per row; a capacity
    /// with P parameters reads the first P (Legendre degrees nest).
    test_features: Vec<f64>,
    plot_inputs: Vec<f64>,
    plot_truth: Vec<f64>,
    plot_features: Vec<f64>,
    width: usize,
    noise: f64,
    solver: LeastSquares,
    row: Vec<f64>,
    coefficients: Vec<f64>,
    test_moments: Moments,
    /// Σₗ (hₗ(xₛ) − yₛ)² of the capacity in hand.
    squared_errors: Vec<f64>,
    plot_moments: Moments,
    /// Per capacity: `shown` curves of PLOT_POINTS values.
    curves: Vec<f64>,
    /// Per capacity: h̄ and the spread (standard deviation over datasets)
    /// on the plotting grid, once complete.
    mean_curves: Vec<f64>,
    spread_curves: Vec<f64>,
    results: Vec<CapacityReport>,
    fits: usize,
}

impl BiasVariance {
    /// Draws the datasets and the test set and prepares every buffer.
    /// Nothing is fitted yet.
    pub fn new(config: &BiasVarianceConfig) -> Result<Self, FieldError> {
        config.validate()?;
        let (n, sets, t) = (config.samples, config.datasets, config.test_points);
        let mut inputs = Vec::with_capacity(sets * n);
        let mut targets = Vec::with_capacity(sets * n);
        for l in 0..sets {
            let mut rng = SeededRng::derive(config.seed, &format!("bias_variance/set {l}"));
            for _ in 0..n {
                let x = rng.uniform();
                inputs.push(x);
                targets.push(TARGET.eval(x) + config.noise * rng.normal());
            }
        }
        let mut rng = SeededRng::derive(config.seed, "bias_variance/test");
        let mut test_inputs = Vec::with_capacity(t);
        let mut test_labels = Vec::with_capacity(t);
        for _ in 0..t {
            let x = rng.uniform();
            test_inputs.push(x);
            test_labels.push(TARGET.eval(x) + config.noise * rng.normal());
        }
        let test_truth: Vec<f64> = test_inputs.iter().map(|&x| TARGET.eval(x)).collect();
        let noise = test_labels
            .iter()
            .zip(&test_truth)
            .map(|(y, f)| (y - f) * (y - f))
            .sum::<f64>()
            / t as f64;
        let capacities = capacities(config);
        let widest = match config.family {
            ModelFamily::Ridge => Basis::Gaussian {
                count: config.bases,
                width: config.width,
            },
            ModelFamily::Polynomial => Basis::Legendre {
                degree: config.max_degree,
            },
        };
        let width = widest.len();
        let features = |xs: &[f64]| {
            let mut out = vec![0.0; xs.len() * width];
            for (row, &x) in out.chunks_exact_mut(width).zip(xs) {
                widest.fill(x, row);
            }
            out
        };
        let plot_inputs: Vec<f64> = (0..PLOT_POINTS)
            .map(|q| q as f64 / (PLOT_POINTS - 1) as f64)
            .collect();
        let count = capacities.len();
        Ok(Self {
            test_features: features(&test_inputs),
            plot_features: features(&plot_inputs),
            plot_truth: plot_inputs.iter().map(|&x| TARGET.eval(x)).collect(),
            plot_inputs,
            width,
            noise,
            solver: LeastSquares::new(n + width, width),
            row: vec![0.0; width],
            coefficients: vec![0.0; width],
            test_moments: Moments::new(t),
            squared_errors: vec![0.0; t],
            plot_moments: Moments::new(PLOT_POINTS),
            curves: vec![0.0; count * config.shown_curves() * PLOT_POINTS],
            mean_curves: vec![0.0; count * PLOT_POINTS],
            spread_curves: vec![0.0; count * PLOT_POINTS],
            results: Vec::with_capacity(count),
            fits: 0,
            capacities,
            inputs,
            targets,
            test_inputs,
            test_labels,
            test_truth,
            config: config.clone(),
        })
    }

    /// Fits up to `n` more datasets (fewer at the end of the run).
    pub fn step(&mut self, n: usize) {
        for _ in 0..n {
            if self.finished() {
                return;
            }
            self.fit_next();
        }
    }

    fn fit_next(&mut self) {
        let sets = self.config.datasets;
        let (c, l) = (self.fits / sets, self.fits % sets);
        let capacity = &self.capacities[c];
        let p = capacity.parameters;
        let n = self.config.samples;
        self.solver.start(p, capacity.lambda);
        for i in l * n..(l + 1) * n {
            capacity.basis.fill(self.inputs[i], &mut self.row[..p]);
            self.solver.push_row(&self.row[..p], self.targets[i]);
        }
        self.solver.solve(&mut self.coefficients[..p]);
        let w = &self.coefficients[..p];
        let first = l == 0;
        for (s, phi) in self.test_features.chunks_exact(self.width).enumerate() {
            let h = dot(w, &phi[..p]);
            self.test_moments.add(first, s, h);
            let e = h - self.test_labels[s];
            if first {
                self.squared_errors[s] = 0.0;
            }
            self.squared_errors[s] += e * e;
        }
        let shown = self.config.shown_curves();
        for (q, phi) in self.plot_features.chunks_exact(self.width).enumerate() {
            let h = dot(w, &phi[..p]);
            self.plot_moments.add(first, q, h);
            if l < shown {
                self.curves[(c * shown + l) * PLOT_POINTS + q] = h;
            }
        }
        self.fits += 1;
        if l + 1 == sets {
            self.finish_capacity(c);
        }
    }

    fn finish_capacity(&mut self, c: usize) {
        let sets = self.config.datasets as f64;
        let t = self.config.test_points;
        let (mut bias2, mut variance, mut error) = (0.0, 0.0, 0.0);
        for s in 0..t {
            let (mean, spread) = self.test_moments.get(s, sets);
            let d = mean - self.test_truth[s];
            bias2 += d * d;
            variance += spread;
            error += self.squared_errors[s] / sets;
        }
        let count = t as f64;
        let (bias2, variance, test_error) = (bias2 / count, variance / count, error / count);
        for q in 0..PLOT_POINTS {
            let (mean, spread) = self.plot_moments.get(q, sets);
            self.mean_curves[c * PLOT_POINTS + q] = mean;
            self.spread_curves[c * PLOT_POINTS + q] = spread.sqrt();
        }
        let capacity = &self.capacities[c];
        self.results.push(CapacityReport {
            capacity: capacity.capacity,
            ln_lambda: capacity.ln_lambda,
            label: capacity.label.clone(),
            bias2,
            variance,
            noise: self.noise,
            sum: bias2 + variance + self.noise,
            test_error,
            residual_std: 2.0 * self.config.noise * (bias2 / count).sqrt(),
        });
    }

    /// Whether every capacity has been fitted to every dataset.
    pub fn finished(&self) -> bool {
        self.fits >= self.total_steps()
    }

    /// Fits done.
    pub fn step_count(&self) -> usize {
        self.fits
    }

    /// Fits of the whole run: capacities × L.
    pub fn total_steps(&self) -> usize {
        self.capacities.len() * self.config.datasets
    }

    /// The settings of this run.
    pub fn config(&self) -> &BiasVarianceConfig {
        &self.config
    }

    /// The capacity axis, from the least to the most flexible model.
    pub fn capacities(&self) -> &[Capacity] {
        &self.capacities
    }

    /// The index of the capacity being fitted (the number of capacities
    /// once finished).
    pub fn current_capacity(&self) -> usize {
        self.fits / self.config.datasets
    }

    /// The figures of the completed capacities, in order.
    pub fn results(&self) -> &[CapacityReport] {
        &self.results
    }

    /// Dataset `l`'s inputs and targets.
    pub fn dataset(&self, l: usize) -> (&[f64], &[f64]) {
        let n = self.config.samples;
        (
            &self.inputs[l * n..(l + 1) * n],
            &self.targets[l * n..(l + 1) * n],
        )
    }

    /// The test inputs and their noisy labels.
    pub fn test_set(&self) -> (&[f64], &[f64]) {
        (&self.test_inputs, &self.test_labels)
    }

    /// The plotting grid: x = 0, 0.01, …, 1.
    pub fn plot_inputs(&self) -> &[f64] {
        &self.plot_inputs
    }

    /// f(x) = sin(2πx) on the plotting grid.
    pub fn plot_truth(&self) -> &[f64] {
        &self.plot_truth
    }

    /// Dataset `l`'s fit at capacity `c` on the plotting grid, for the
    /// first min(shown, L) datasets once fitted.
    pub fn fitted_curve(&self, c: usize, l: usize) -> Option<&[f64]> {
        let shown = self.config.shown_curves();
        let fitted =
            c < self.capacities.len() && l < shown && c * self.config.datasets + l < self.fits;
        fitted.then(|| &self.curves[(c * shown + l) * PLOT_POINTS..][..PLOT_POINTS])
    }

    /// h̄ at capacity `c` on the plotting grid, once complete.
    pub fn mean_curve(&self, c: usize) -> Option<&[f64]> {
        (c < self.results.len()).then(|| &self.mean_curves[c * PLOT_POINTS..][..PLOT_POINTS])
    }

    /// The standard deviation of the fits around h̄ at capacity `c` on the
    /// plotting grid (√variance, pointwise), once complete.
    pub fn spread_curve(&self, c: usize) -> Option<&[f64]> {
        (c < self.results.len()).then(|| &self.spread_curves[c * PLOT_POINTS..][..PLOT_POINTS])
    }

    /// The figures so far.
    pub fn report(&self) -> BiasVarianceReport {
        BiasVarianceReport {
            model: self.config.family,
            datasets: self.config.datasets,
            samples: self.config.samples,
            sigma2: self.config.noise * self.config.noise,
            test_points: self.config.test_points,
            fits: self.fits,
            total_fits: self.total_steps(),
            capacities: self.results.clone(),
        }
    }

    /// One row per completed capacity, least flexible first.
    pub fn csv(&self) -> String {
        let mut out =
            String::from("capacity,label,bias2,variance,noise,sum,test_error,residual_std\n");
        for r in &self.results {
            let _ = write!(out, "{},{}", format_number(r.capacity), r.label);
            for value in [
                r.bias2,
                r.variance,
                r.noise,
                r.sum,
                r.test_error,
                r.residual_std,
            ] {
                let _ = write!(out, ",{}", format_number(value));
            }
            out.push('\n');
        }
        out
    }
}

/// Σⱼ aⱼ·bⱼ, in order.
fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The capacity axis of a config, least flexible first.
fn capacities(config: &BiasVarianceConfig) -> Vec<Capacity> {
    match config.family {
        ModelFamily::Polynomial => (0..=config.max_degree)
            .map(|degree| Capacity {
                capacity: degree as f64,
                ln_lambda: None,
                label: format!("degree {degree}"),
                parameters: degree + 1,
                basis: Basis::Legendre { degree },
                lambda: 0.0,
            })
            .collect(),
        ModelFamily::Ridge => {
            let basis = Basis::Gaussian {
                count: config.bases,
                width: config.width,
            };
            let (high, low) = (config.ln_lambda_max, config.ln_lambda_min);
            let last = (config.lambdas - 1) as f64;
            (0..config.lambdas)
                .map(|k| {
                    let ln_lambda = high - (high - low) * k as f64 / last;
                    let lambda = crate::Real::exp(ln_lambda);
                    Capacity {
                        capacity: lambda,
                        ln_lambda: Some(ln_lambda),
                        label: format!(
                            "ln λ = {}",
                            format_number((ln_lambda * 100.0).round() / 100.0 + 0.0)
                        ),
                        parameters: basis.len(),
                        basis,
                        lambda,
                    }
                })
                .collect()
        }
    }
}
