//! Steepest descent in a chosen norm, with an optional line search.
//!
//! ```text
//! d ← argmin { gᵀv : ‖v‖ ≤ 1 }                 (g = ∇L(θ), ‖·‖ = norm)
//! Δ ← ‖g‖_*·d                                  (‖·‖_* the dual norm: the unnormalised step)
//!     l2:   Δ = −g                              (gradient descent)
//!     l1:   Δ = −gᵢ·eᵢ,  i = argmax |gᵢ|         (greedy coordinate descent)
//!     linf: Δ = −‖g‖₁·sign(g)                   (sign descent)
//! t ← η                                        (line_search = none)
//! t ← argmin_{s ≥ 0} L(θ + s·Δ)                (exact; −gᵀΔ / ΔᵀHΔ on a quadratic)
//! t ← βᵏ, least k ≥ 0 with L(θ + βᵏ·Δ) ≤ L(θ) + α·βᵏ·gᵀΔ     (armijo)
//! θ ← θ + t·Δ
//! ```
//!
//! The first-order model L(θ + v) ≈ L(θ) + gᵀv decreases fastest along d,
//! the unit vector (in the chosen norm) most opposed to g. Which direction
//! that is depends on the norm: the Euclidean ball gives −g/‖g‖₂, the l1
//! ball (a diamond) a vertex, so the one coordinate with the largest |gᵢ|,
//! and the l∞ ball (a box) a corner, so every coordinate at once by the
//! sign of its gradient. Scaled by the dual norm, ‖g‖_* = −gᵀd, the step Δ
//! has gᵀΔ = −‖g‖_*², and l2 steepest descent is exactly gradient descent.
//! An l1 tie in |gᵢ| goes to the first such coordinate; a zero gᵢ has
//! sign 0, so l∞ leaves that coordinate alone.
//!
//! With a line search the step length t replaces η (which is then unused):
//! - `exact` minimises L along the ray. On a quadratic (the objective says
//!   so, see [`Objective::quadratic`](super::Objective::quadratic)) that is
//!   the closed form t = −gᵀΔ / ΔᵀHΔ with the Hessian of
//!   [`StepInput::hessian`]. Elsewhere it is a 1-D search over (0, T], where
//!   T = 1 (the unnormalised step) or, if L is still falling there, the
//!   first doubling of t at which L rises. A ray can cross several valleys
//!   at very different t (Rosenbrock's quartic has up to two minima along a
//!   line), so L is sampled at four points per octave, t = T·2^(−j/4), down
//!   to the scale where L follows its linear model L(θ) + t·gᵀΔ to 1% (below
//!   it L only falls as t grows, so no valley hides there); each of the
//!   four lowest sampled valleys is then bracketed by its neighbours and
//!   narrowed by golden-section search to a relative width of 10⁻¹⁰, and
//!   the lowest point wins. A valley narrower than a quarter octave can be missed:
//!   "exact" is exact to the scan's resolution. If L keeps decreasing up to
//!   t = 2⁶⁰ (a saddle, or ΔᵀHΔ ≤ 0 on a quadratic), there is no minimum and
//!   the step fails with [`OptimError::LineSearch`]. The evaluations a
//!   step took are in [`SteepestDescentState::evaluations`].
//! - `armijo` backtracks from t = 1 by the factor β (`armijo_beta`, default
//!   0.5) until the decrease is at least the fraction α (`armijo_alpha`,
//!   default 0.25) of what the linear model promises (Boyd & Vandenberghe
//!   suggest α ∈ [0.01, 0.3], β ∈ [0.1, 0.8]). When even the shortest trial
//!   step no longer moves θ, the point is a minimum to working precision
//!   and θ stays put.
//!
//! Both line searches read L through [`StepInput::objective`]: the 2-D
//! landscapes provide it, a minibatch or the network trainer does not, and
//! there the step fails with [`OptimError::NeedsObjective`]
//! ([`Optimizer::needs_objective`] lets callers refuse it up front).
//!
//! Not in `torch.optim`. Reference: Boyd & Vandenberghe, *Convex
//! Optimization* (2004): §9.2 (exact and backtracking line search), §9.3
//! (the closed-form path of exact line search on ½(x² + γy²)), §9.4
//! (steepest descent for a norm, and its unnormalised step).
//!
//! ```
//! use sgdlab_core::optim::{Optimizer, StepInput, steepest::{Norm, SteepestDescent, SteepestDescentConfig}};
//! let mut opt = SteepestDescent::new(SteepestDescentConfig {
//!     lr: 0.5,
//!     norm: Norm::L1,
//!     ..SteepestDescentConfig::default()
//! })
//! .unwrap();
//! let mut theta = [1.0_f64, 1.0];
//! opt.step(&mut theta, &StepInput::gradient(&[3.0, -4.0])).unwrap();
//! // l1: only the coordinate with the largest |gᵢ| moves, by −η·gᵢ.
//! assert_eq!(theta, [1.0, 3.0]);
//! ```

use super::config::{check_choices, merge, non_negative, to_json, torch_float};
use super::kernels::add_scaled;
use super::{Objective, OptimError, Optimizer, StepInput};
use crate::Real;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The update rule of the module doc, for the page.
const UPDATE_RULE: &str = "\
d ← argmin { gᵀv : ‖v‖ ≤ 1 }                 (g = ∇L(θ), ‖·‖ = norm)
Δ ← ‖g‖_*·d                                  (‖·‖_* the dual norm: the unnormalised step)
    l2:   Δ = −g                              (gradient descent)
    l1:   Δ = −gᵢ·eᵢ,  i = argmax |gᵢ|         (greedy coordinate descent)
    linf: Δ = −‖g‖₁·sign(g)                   (sign descent)
t ← η                                        (line_search = none)
t ← argmin_{s ≥ 0} L(θ + s·Δ)                (exact; −gᵀΔ / ΔᵀHΔ on a quadratic)
t ← βᵏ, least k ≥ 0 with L(θ + βᵏ·Δ) ≤ L(θ) + α·βᵏ·gᵀΔ     (armijo)
θ ← θ + t·Δ";

/// The norm whose unit ball the direction is chosen from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Norm {
    /// Euclidean: steepest descent is gradient descent.
    L2,
    /// Sum of |vᵢ|: one coordinate at a time.
    L1,
    /// Largest |vᵢ|: every coordinate by the sign of its gradient.
    Linf,
}

impl Norm {
    /// The names users type, in display order.
    pub const NAMES: &'static [&'static str] = &["l2", "l1", "linf"];
}

/// How the step length is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LineSearch {
    /// t = η.
    None,
    /// t minimises L along the step direction.
    Exact,
    /// Backtracking until Armijo's sufficient-decrease condition holds.
    Armijo,
}

impl LineSearch {
    /// The names users type, in display order.
    pub const NAMES: &'static [&'static str] = &["none", "exact", "armijo"];
}

/// Hyperparameters of [`SteepestDescent`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SteepestDescentConfig {
    /// Step size η, used when `line_search` is `none`. Defaults to `1e-3`,
    /// like SGD.
    pub lr: f64,
    /// `l2`, `l1` or `linf`. Defaults to `l2`.
    pub norm: Norm,
    /// `none`, `exact` or `armijo`. Defaults to `none`.
    pub line_search: LineSearch,
    /// Armijo's α: the share of the linear model's decrease a step must
    /// achieve, in (0, 0.5). Defaults to `0.25`.
    pub armijo_alpha: f64,
    /// Armijo's β: the factor t shrinks by at each backtrack, in (0, 1).
    /// Defaults to `0.5`.
    pub armijo_beta: f64,
}

impl Default for SteepestDescentConfig {
    fn default() -> Self {
        Self {
            lr: 1e-3,
            norm: Norm::L2,
            line_search: LineSearch::None,
            armijo_alpha: 0.25,
            armijo_beta: 0.5,
        }
    }
}

impl SteepestDescentConfig {
    /// Rejects a negative step size and Armijo constants outside their
    /// intervals.
    pub fn validate(&self) -> Result<(), OptimError> {
        non_negative("learning rate", self.lr)?;
        let open = |key: &str, value: f64, high: f64| {
            if value > 0.0 && value < high {
                Ok(())
            } else {
                Err(OptimError::Invalid(format!(
                    "Invalid {key} value: {}; it must lie strictly between 0 and {high}",
                    torch_float(value)
                )))
            }
        };
        open("armijo_alpha", self.armijo_alpha, 0.5)?;
        open("armijo_beta", self.armijo_beta, 1.0)
    }
}

/// The state of [`SteepestDescent`]: what the last step did.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SteepestDescentState<T> {
    /// The unnormalised step Δ of the last step (before t).
    pub direction: Option<Vec<T>>,
    /// The step length t of the last step (η without a line search).
    pub step_length: Option<f64>,
    /// How many times the last step evaluated L (0 without a line search or
    /// with the closed form).
    pub evaluations: usize,
}

/// Steepest descent for the l2, l1 or l∞ norm.
#[derive(Clone, Debug)]
pub struct SteepestDescent<T> {
    pub config: SteepestDescentConfig,
    pub state: SteepestDescentState<T>,
}

impl<T: Real> SteepestDescent<T> {
    pub fn new(config: SteepestDescentConfig) -> Result<Self, OptimError> {
        config.validate()?;
        Ok(Self {
            config,
            state: SteepestDescentState::default(),
        })
    }

    /// The step length t of the last step.
    pub fn step_length(&self) -> Option<f64> {
        self.state.step_length
    }
}

/// The unnormalised steepest-descent step Δ = ‖g‖_*·d for `norm`.
pub fn direction<T: Real>(norm: Norm, grad: &[T]) -> Vec<T> {
    match norm {
        Norm::L2 => grad.iter().map(|&g| -g).collect(),
        Norm::L1 => {
            let mut delta = vec![T::ZERO; grad.len()];
            let largest = (0..grad.len()).fold(None, |best: Option<usize>, i| match best {
                Some(b) if grad[b].abs() >= grad[i].abs() => Some(b),
                _ => Some(i),
            });
            if let Some(i) = largest {
                delta[i] = -grad[i];
            }
            delta
        }
        Norm::Linf => {
            let l1: T = grad.iter().map(|g| g.abs()).sum();
            grad.iter()
                .map(|&g| {
                    if g > T::ZERO {
                        -l1
                    } else if g < T::ZERO {
                        l1
                    } else {
                        T::ZERO
                    }
                })
                .collect()
        }
    }
}

/// Doublings of t before the exact search gives up on finding a minimum.
const MAX_EXPANSIONS: usize = 60;
/// Samples per halving of t in the exact search's scan.
const SAMPLES_PER_OCTAVE: usize = 4;
/// Halvings of t the scan spans at most (it stops earlier where the step
/// no longer moves θ).
const MAX_OCTAVES: usize = 60;
/// How closely L must follow its linear model for the scan to stop.
const LINEAR_AGREEMENT: f64 = 0.01;
/// How many of the lowest sampled valleys the exact search refines.
const VALLEYS_REFINED: usize = 4;
/// Relative width of the golden-section bracket at which it stops.
const GOLDEN_TOLERANCE: f64 = 1e-10;
/// Safety cap on evaluations in one search (the loops above end far sooner).
const MAX_EVALUATIONS: usize = 10_000;
/// 1 − 1/φ: where golden-section search puts its next point.
const GOLDEN_SECTION: f64 = 0.381_966_011_250_105_1;

/// L along the ray θ + t·Δ, counting evaluations; +∞ for a NaN or +∞ value,
/// so that a failing point is never taken for a minimum.
struct Ray<'a, T> {
    objective: Objective<'a, T>,
    theta: &'a [T],
    delta: &'a [T],
    trial: Vec<T>,
    evaluations: usize,
}

impl<'a, T: Real> Ray<'a, T> {
    fn new(objective: Objective<'a, T>, theta: &'a [T], delta: &'a [T]) -> Self {
        Self {
            objective,
            theta,
            delta,
            trial: theta.to_vec(),
            evaluations: 0,
        }
    }

    /// Whether θ + t·Δ rounds to θ in every coordinate.
    fn stays_put(&self, t: f64) -> bool {
        let t = T::from_f64(t);
        self.theta
            .iter()
            .zip(self.delta)
            .all(|(&p, &d)| add_scaled(p, t, d) == p)
    }

    fn value(&mut self, t: f64) -> Result<f64, OptimError> {
        if self.evaluations >= MAX_EVALUATIONS {
            return Err(OptimError::LineSearch {
                reason: format!("no step length found in {MAX_EVALUATIONS} evaluations"),
            });
        }
        self.evaluations += 1;
        let step = T::from_f64(t);
        for ((x, &p), &d) in self.trial.iter_mut().zip(self.theta).zip(self.delta) {
            *x = add_scaled(p, step, d);
        }
        let value = (self.objective.value)(&self.trial).to_f64();
        if value == f64::NEG_INFINITY {
            return Err(unbounded());
        }
        Ok(if value.is_nan() { f64::INFINITY } else { value })
    }
}

fn unbounded() -> OptimError {
    OptimError::LineSearch {
        reason: "the objective decreases without bound along the step direction, \
                 so there is no exact step; use line_search=armijo or none"
            .into(),
    }
}

/// The lowest point of L along the ray for t in (0, T]: T is 1, or the
/// first doubling of t at which L rises if L is still falling at 1. L is
/// sampled at T·2^(−j/4), four points per octave from T down to where L
/// agrees with its linear model L(θ) + t·gᵀΔ (`slope` = gᵀΔ) to 1%, and
/// golden-section search refines the lowest few sampled valleys; 0 when no
/// sample lies below L(θ).
fn exact_search<T: Real>(
    ray: &mut Ray<'_, T>,
    at_start: f64,
    slope: f64,
) -> Result<f64, OptimError> {
    let (mut top, mut at_top) = (1.0, ray.value(1.0)?);
    if at_top < at_start {
        let mut expansions = 0;
        loop {
            let at_next = ray.value(2.0 * top)?;
            top *= 2.0;
            let rising = at_next >= at_top;
            at_top = at_next;
            if rising {
                break;
            }
            expansions += 1;
            if expansions == MAX_EXPANSIONS {
                return Err(unbounded());
            }
        }
    }
    // Several scales, because a ray can cross several valleys (Rosenbrock's
    // quartic has up to two minima along a line) far apart in t.
    // Below the scale where L is linear in t it only falls (and rounding
    // there would make spurious valleys), so the scan stops at that scale.
    let mut samples = vec![(top, at_top)];
    for j in 1..=SAMPLES_PER_OCTAVE * MAX_OCTAVES {
        let t = top * libm::exp2(-(j as f64) / SAMPLES_PER_OCTAVE as f64);
        if ray.stays_put(t) {
            break;
        }
        let at_t = ray.value(t)?;
        samples.push((t, at_t));
        if (at_t - (at_start + t * slope)).abs() <= LINEAR_AGREEMENT * (t * slope).abs() {
            break;
        }
    }
    samples.push((0.0, at_start));
    samples.reverse();
    let mut valleys: Vec<usize> = (1..samples.len() - 1)
        .filter(|&j| samples[j].1 < samples[j - 1].1 && samples[j].1 <= samples[j + 1].1)
        .collect();
    valleys.sort_by(|&i, &j| samples[i].1.total_cmp(&samples[j].1));
    let mut best = (0.0, at_start);
    for &j in valleys.iter().take(VALLEYS_REFINED) {
        let bracket = (samples[j - 1].0, samples[j].0, samples[j + 1].0);
        let (t, at_t) = golden_section(ray, bracket, samples[j].1)?;
        if at_t < best.1 {
            best = (t, at_t);
        }
    }
    Ok(best.0)
}

/// Narrows a bracket a < b < c with L(b) below L(a) and no higher than L(c)
/// (`at_b` = L(b)) to a relative width of [`GOLDEN_TOLERANCE`]; returns the
/// lowest point seen and its value.
fn golden_section<T: Real>(
    ray: &mut Ray<'_, T>,
    (mut a, mut b, mut c): (f64, f64, f64),
    mut at_b: f64,
) -> Result<(f64, f64), OptimError> {
    while c - a > GOLDEN_TOLERANCE * b {
        let x = if c - b > b - a {
            b + GOLDEN_SECTION * (c - b)
        } else {
            b - GOLDEN_SECTION * (b - a)
        };
        let at_x = ray.value(x)?;
        if at_x < at_b {
            if x > b {
                a = b;
            } else {
                c = b;
            }
            (b, at_b) = (x, at_x);
        } else if x > b {
            c = x;
        } else {
            a = x;
        }
    }
    Ok((b, at_b))
}

/// The largest βᵏ (k ≥ 0) with L(θ + βᵏΔ) ≤ L(θ) + α·βᵏ·gᵀΔ; 0 when even a
/// step that no longer moves θ fails it.
fn armijo_search<T: Real>(
    ray: &mut Ray<'_, T>,
    at_start: f64,
    slope: f64,
    alpha: f64,
    beta: f64,
) -> Result<f64, OptimError> {
    let mut t = 1.0;
    loop {
        if ray.stays_put(t) {
            return Ok(0.0);
        }
        if ray.value(t)? <= at_start + alpha * t * slope {
            return Ok(t);
        }
        t *= beta;
    }
}

impl<T: Real> Optimizer<T> for SteepestDescent<T> {
    fn name(&self) -> &'static str {
        "steepest"
    }

    fn update_rule(&self) -> &'static str {
        UPDATE_RULE
    }

    fn config(&self) -> Value {
        to_json(&self.config)
    }

    fn set_config(&mut self, config: Value) -> Result<(), OptimError> {
        check_choices(&config, |key| self.choices(key))?;
        let next: SteepestDescentConfig = merge("steepest", &self.config, config)?;
        next.validate()?;
        self.config = next;
        Ok(())
    }

    /// η, the step length without a line search.
    fn lr(&self) -> f64 {
        self.config.lr
    }

    fn set_lr(&mut self, lr: f64) {
        self.config.lr = lr;
    }

    fn step(&mut self, params: &mut [T], input: &StepInput<'_, T>) -> Result<(), OptimError> {
        assert_eq!(
            params.len(),
            input.grad.len(),
            "one gradient entry per parameter"
        );
        let c = &self.config;
        let delta = direction(c.norm, input.grad);
        let mut evaluations = 0;
        let t = match c.line_search {
            LineSearch::None => c.lr,
            LineSearch::Exact | LineSearch::Armijo => {
                let objective = input.objective.ok_or(OptimError::NeedsObjective {
                    optimizer: "steepest",
                })?;
                let slope: f64 = input
                    .grad
                    .iter()
                    .zip(&delta)
                    .map(|(&g, &d)| g.to_f64() * d.to_f64())
                    .sum();
                if c.line_search == LineSearch::Exact && objective.quadratic {
                    let hessian = input.hessian.ok_or(OptimError::NeedsHessian {
                        optimizer: "steepest",
                    })?;
                    exact_on_quadratic(hessian, &delta, slope)?
                } else if slope >= 0.0 {
                    // g = 0: Δ = 0 and there is nowhere to go.
                    0.0
                } else {
                    let mut ray = Ray::new(objective, params, &delta);
                    let at_start = ray.value(0.0)?;
                    if !at_start.is_finite() {
                        return Err(OptimError::LineSearch {
                            reason: "the objective is not a finite number at the current point"
                                .into(),
                        });
                    }
                    let t = if c.line_search == LineSearch::Exact {
                        exact_search(&mut ray, at_start, slope)?
                    } else {
                        armijo_search(&mut ray, at_start, slope, c.armijo_alpha, c.armijo_beta)?
                    };
                    evaluations = ray.evaluations;
                    t
                }
            }
        };
        let step = T::from_f64(t);
        for (p, &d) in params.iter_mut().zip(&delta) {
            *p = add_scaled(*p, step, d);
        }
        self.state = SteepestDescentState {
            direction: Some(delta),
            step_length: Some(t),
            evaluations,
        };
        Ok(())
    }

    /// The unnormalised step Δ of the last step.
    fn velocity(&self) -> Option<&[T]> {
        self.state.direction.as_deref()
    }

    /// The exact line search's closed form on a quadratic reads the Hessian.
    fn needs_hessian(&self) -> bool {
        self.config.line_search == LineSearch::Exact
    }

    fn needs_objective(&self) -> bool {
        self.config.line_search != LineSearch::None
    }

    fn choices(&self, key: &str) -> Option<&'static [&'static str]> {
        match key {
            "norm" => Some(Norm::NAMES),
            "line_search" => Some(LineSearch::NAMES),
            _ => None,
        }
    }

    fn reset(&mut self) {
        self.state = SteepestDescentState::default();
    }
}

/// t = −gᵀΔ / ΔᵀHΔ, the minimiser of a quadratic along Δ (`slope` = gᵀΔ).
fn exact_on_quadratic<T: Real>(hessian: &[T], delta: &[T], slope: f64) -> Result<f64, OptimError> {
    let n = delta.len();
    assert_eq!(hessian.len(), n * n, "the Hessian must be n×n, row-major");
    if slope == 0.0 {
        return Ok(0.0);
    }
    let curvature: f64 = (0..n)
        .map(|i| {
            let row: f64 = (0..n)
                .map(|j| hessian[i * n + j].to_f64() * delta[j].to_f64())
                .sum();
            delta[i].to_f64() * row
        })
        .sum();
    if curvature.is_nan() || curvature <= 0.0 {
        return Err(unbounded());
    }
    Ok(-slope / curvature)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steepest(norm: Norm, line_search: LineSearch) -> SteepestDescent<f64> {
        SteepestDescent::new(SteepestDescentConfig {
            lr: 0.1,
            norm,
            line_search,
            ..SteepestDescentConfig::default()
        })
        .unwrap()
    }

    #[test]
    fn directions_for_each_norm_on_hand_computed_gradients() {
        let g = [3.0_f64, -4.0, 1.0];
        // l2: −g.
        assert_eq!(direction(Norm::L2, &g), [-3.0, 4.0, -1.0]);
        // l1: argmax |gᵢ| is i = 1 (|−4|), Δ = −g₁·e₁ = 4·e₁.
        assert_eq!(direction(Norm::L1, &g), [0.0, 4.0, 0.0]);
        // l∞: ‖g‖₁ = 8, Δ = −8·sign(g).
        assert_eq!(direction(Norm::Linf, &g), [-8.0, 8.0, -8.0]);
        // Ties go to the first coordinate; a zero gradient keeps l∞ still.
        assert_eq!(direction(Norm::L1, &[2.0_f64, -2.0]), [-2.0, 0.0]);
        assert_eq!(direction(Norm::Linf, &[0.0_f64, -0.5]), [0.0, 0.5]);
        // gᵀΔ = −‖g‖_*² in every norm: ‖g‖₂² = 26, ‖g‖∞² = 16, ‖g‖₁² = 64.
        for (norm, dual_squared) in [(Norm::L2, 26.0), (Norm::L1, 16.0), (Norm::Linf, 64.0)] {
            let slope: f64 = g.iter().zip(direction(norm, &g)).map(|(a, b)| a * b).sum();
            assert_eq!(slope, -dual_squared, "{norm:?}");
        }
    }

    #[test]
    fn without_a_line_search_the_step_is_lr_times_delta() {
        for (norm, expected) in [
            (Norm::L2, [0.7, 1.4]),
            (Norm::L1, [1.0, 1.4]),
            (Norm::Linf, [0.3, 1.7]),
        ] {
            let mut opt = steepest(norm, LineSearch::None);
            let mut p = [1.0_f64, 1.0];
            opt.step(&mut p, &StepInput::gradient(&[3.0, -4.0]))
                .unwrap();
            for (a, e) in p.iter().zip(expected) {
                assert!((a - e).abs() < 1e-15, "{norm:?}: {p:?}");
            }
            assert_eq!(opt.step_length(), Some(0.1));
        }
    }

    /// f = x² + 10y² and its gradient and Hessian.
    fn bowl(p: &[f64]) -> f64 {
        p[0] * p[0] + 10.0 * p[1] * p[1]
    }

    #[test]
    fn exact_line_search_on_a_quadratic_follows_the_closed_form_path() {
        // Boyd & Vandenberghe §9.3: from (γ, 1) on ½(x² + γy²) (here doubled),
        // x_k = γ·r^k and y_k = (−r)^k with r = (γ − 1)/(γ + 1).
        let gamma = 10.0_f64;
        let r = (gamma - 1.0) / (gamma + 1.0);
        let hessian = [2.0, 0.0, 0.0, 20.0];
        let mut opt = steepest(Norm::L2, LineSearch::Exact);
        let mut p = [gamma, 1.0];
        for k in 1..=40 {
            let grad = [2.0 * p[0], 20.0 * p[1]];
            let input = StepInput::gradient(&grad)
                .with_hessian(&hessian)
                .with_objective(Objective {
                    value: &bowl,
                    quadratic: true,
                });
            opt.step(&mut p, &input).unwrap();
            let expected = [gamma * r.powi(k), (-r).powi(k)];
            for (a, e) in p.iter().zip(expected) {
                assert!((a - e).abs() <= 1e-12 * e.abs(), "step {k}: {a} vs {e}");
            }
            assert_eq!(opt.state.evaluations, 0);
        }
    }

    #[test]
    fn the_1d_search_agrees_with_the_closed_form_on_a_quadratic() {
        // Same bowl, but not declared quadratic: the 1-D search must find
        // t = gᵀg / gᵀHg to its tolerance.
        let mut opt = steepest(Norm::L2, LineSearch::Exact);
        let mut p = [10.0_f64, 1.0];
        let grad = [20.0, 20.0];
        let input = StepInput::gradient(&grad).with_objective(Objective {
            value: &bowl,
            quadratic: false,
        });
        opt.step(&mut p, &input).unwrap();
        let t = 800.0 / (2.0 * 400.0 + 20.0 * 400.0);
        assert!((opt.step_length().unwrap() - t).abs() < 1e-8 * t);
        assert!(opt.state.evaluations > 10);
    }

    fn rosenbrock(p: &[f64]) -> f64 {
        (1.0 - p[0]).powi(2) + 100.0 * (p[1] - p[0] * p[0]).powi(2)
    }

    fn rosenbrock_grad(p: &[f64]) -> [f64; 2] {
        [
            -2.0 * (1.0 - p[0]) - 400.0 * p[0] * (p[1] - p[0] * p[0]),
            200.0 * (p[1] - p[0] * p[0]),
        ]
    }

    #[test]
    fn the_1d_search_on_rosenbrock_is_no_worse_than_a_fine_grid() {
        for (norm, start) in [
            (Norm::L2, [-1.2, 1.0]),
            (Norm::L2, [0.5, -0.5]),
            (Norm::L1, [-1.5, 2.0]),
            (Norm::Linf, [1.8, 2.0]),
            (Norm::L2, [2.0, 0.0]),
        ] {
            let mut opt = steepest(norm, LineSearch::Exact);
            let mut p = start;
            let grad = rosenbrock_grad(&p);
            let input = StepInput::gradient(&grad).with_objective(Objective {
                value: &rosenbrock,
                quadratic: false,
            });
            opt.step(&mut p, &input).unwrap();
            let t = opt.step_length().unwrap();
            assert!(t > 0.0);
            let delta = direction(norm, &grad);
            let along = |s: f64| rosenbrock(&[start[0] + s * delta[0], start[1] + s * delta[1]]);
            let found = along(t);
            assert!(found < rosenbrock(&start));
            // Along a line Rosenbrock is a quartic in s, so its minima lie
            // close to the start: a grid of 200,000 points over [0, max(1, 4t)]
            // sees them all, and finds nothing lower.
            let end = t.max(0.25) * 4.0;
            let best_on_grid = (0..=200_000)
                .map(|i| along(end * f64::from(i) / 200_000.0))
                .fold(f64::INFINITY, f64::min);
            assert!(
                found <= best_on_grid + 1e-12 * best_on_grid.abs().max(1.0),
                "{norm:?} from {start:?}: t = {t}, f = {found}, grid {best_on_grid}"
            );
        }
    }

    #[test]
    fn armijo_decreases_the_objective_every_step() {
        for norm in [Norm::L2, Norm::L1, Norm::Linf] {
            let mut opt = steepest(norm, LineSearch::Armijo);
            let mut p = [-1.2_f64, 1.0];
            for step in 0..300 {
                let before = rosenbrock(&p);
                let grad = rosenbrock_grad(&p);
                let input = StepInput::gradient(&grad).with_objective(Objective {
                    value: &rosenbrock,
                    quadratic: false,
                });
                opt.step(&mut p, &input).unwrap();
                let t = opt.step_length().unwrap();
                // Armijo's condition, with the slope gᵀΔ = −‖g‖_*².
                let slope: f64 = grad
                    .iter()
                    .zip(direction(norm, &grad))
                    .map(|(a, b)| a * b)
                    .sum();
                assert!(
                    rosenbrock(&p) <= before + 0.25 * t * slope,
                    "{norm:?} step {step}"
                );
                assert!(rosenbrock(&p) < before, "{norm:?} step {step}");
            }
            assert!(rosenbrock(&p) < 0.5 * rosenbrock(&[-1.2, 1.0]), "{norm:?}");
        }
    }

    #[test]
    fn unbounded_directions_are_an_error_not_a_jump() {
        // x² − y² from (0.1, 1): along −g = (−0.2, 2) the loss falls forever.
        let saddle = |p: &[f64]| p[0] * p[0] - p[1] * p[1];
        let grad = [0.2, -2.0];
        let hessian = [2.0, 0.0, 0.0, -2.0];
        for quadratic in [true, false] {
            let mut opt = steepest(Norm::L2, LineSearch::Exact);
            let mut p = [0.1_f64, 1.0];
            let input = StepInput::gradient(&grad)
                .with_hessian(&hessian)
                .with_objective(Objective {
                    value: &saddle,
                    quadratic,
                });
            let err = opt.step(&mut p, &input).unwrap_err();
            assert!(matches!(err, OptimError::LineSearch { .. }), "{err}");
            assert!(err.to_string().contains("without bound"), "{err}");
            assert_eq!(p, [0.1, 1.0]);
        }
        // Armijo takes the unit step there (it only asks for enough decrease).
        let mut opt = steepest(Norm::L2, LineSearch::Armijo);
        let mut p = [0.1_f64, 1.0];
        let input = StepInput::gradient(&grad).with_objective(Objective {
            value: &saddle,
            quadratic: true,
        });
        opt.step(&mut p, &input).unwrap();
        assert_eq!(opt.step_length(), Some(1.0));
    }

    #[test]
    fn a_line_search_needs_the_objective_and_says_so() {
        for line_search in [LineSearch::Exact, LineSearch::Armijo] {
            let mut opt = steepest(Norm::L2, line_search);
            assert!(opt.needs_objective());
            let mut p = [1.0_f64, 1.0];
            let err = opt
                .step(&mut p, &StepInput::gradient(&[1.0, 1.0]))
                .unwrap_err();
            assert_eq!(
                err,
                OptimError::NeedsObjective {
                    optimizer: "steepest"
                }
            );
            assert!(err.to_string().contains("line_search=none"), "{err}");
        }
        assert!(!steepest(Norm::L2, LineSearch::None).needs_objective());
        // A quadratic's closed form needs its Hessian too.
        let mut opt = steepest(Norm::L2, LineSearch::Exact);
        let input = StepInput::gradient(&[1.0, 1.0]).with_objective(Objective {
            value: &bowl,
            quadratic: true,
        });
        let err = opt.step(&mut [1.0, 1.0], &input).unwrap_err();
        assert!(matches!(err, OptimError::NeedsHessian { .. }), "{err}");
    }

    #[test]
    fn at_the_minimum_nothing_moves() {
        for line_search in [LineSearch::Exact, LineSearch::Armijo] {
            let mut opt = steepest(Norm::Linf, line_search);
            let mut p = [0.0_f64, 0.0];
            let input = StepInput::gradient(&[0.0, 0.0]).with_objective(Objective {
                value: &bowl,
                quadratic: false,
            });
            opt.step(&mut p, &input).unwrap();
            assert_eq!(p, [0.0, 0.0]);
            assert_eq!(opt.step_length(), Some(0.0));
        }
    }

    #[test]
    fn names_parse_and_bad_values_are_rejected() {
        let mut opt = steepest(Norm::L2, LineSearch::None);
        opt.set_config(serde_json::json!({"norm": "linf", "line_search": "armijo"}))
            .unwrap();
        assert_eq!(opt.config.norm, Norm::Linf);
        assert_eq!(opt.config.line_search, LineSearch::Armijo);
        assert_eq!(opt.config()["norm"], "linf");
        let err = opt
            .set_config(serde_json::json!({"norm": "l3"}))
            .unwrap_err()
            .to_string();
        assert_eq!(err, "`norm` must be one of l2, l1, linf, got `l3`");
        for (key, value, message) in [
            (
                "armijo_alpha",
                0.5,
                "Invalid armijo_alpha value: 0.5; it must lie strictly between 0 and 0.5",
            ),
            (
                "armijo_beta",
                0.0,
                "Invalid armijo_beta value: 0.0; it must lie strictly between 0 and 1",
            ),
            ("lr", -1.0, "Invalid learning rate: -1.0"),
        ] {
            let err = opt
                .set_config(serde_json::json!({ key: value }))
                .unwrap_err();
            assert_eq!(err.to_string(), message);
        }
        assert_eq!(opt.config.norm, Norm::Linf);
        assert_eq!(opt.choices("norm"), Some(Norm::NAMES));
        assert_eq!(opt.choices("lr"), None);
    }
}
