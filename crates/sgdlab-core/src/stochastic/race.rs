//! Three descents on one data-built landscape, advanced in lockstep: full-
//! batch gradient descent, minibatch SGD and per-sample SGD.
//!
//! ```text
//! full batch   θ ← θ − η·∇L(θ)                   one pass over the data per step
//! minibatch    θ ← θ − η·∇L_{Bₜ}(θ),  |Bₜ| = B   batches from the chosen order
//! per sample   θ ← θ − η·∇ℓ_{iₜ}(θ)               batches of one, same order
//! ```
//!
//! (with momentum μ > 0 each path runs `torch.optim.SGD`'s heavy ball:
//! b ← μ·b + ĝ, θ ← θ − η·b.)
//!
//! The two stochastic paths draw from samplers with the same seed and
//! order, so for `sequential`, `shuffle` and `replacement` the per-sample
//! path visits the examples in exactly the order the minibatch path's
//! batches list them: B per-sample steps see what one minibatch step sees.
//! Each path records the **full-data** loss at every point, so the three
//! loss curves are comparable. Each stochastic path holds its next batch in
//! advance ([`RacePath::upcoming_batch`]): the minibatch surface drawn over
//! the map is the one the next step will descend.
//!
//! A path whose point or loss stops being finite stops there with a
//! message; the others go on. Every path stops at
//! [`MAX_STEPS`](crate::playground::MAX_STEPS).
//!
//! Each path also keeps
//! - its own copy of the learning-rate schedule ([`StochasticConfig::path_schedule`]),
//!   stepped once per optimizer step: step t uses ηₜ = the schedule's rate
//!   after t − 1 steps, and `reduce_on_plateau` is told the path's full-data
//!   loss after each step. The rates used are recorded
//!   ([`RacePath::learning_rates`]) and the rates still to come can be
//!   read from a copy of the same schedule object
//!   ([`StochasticRace::learning_rate_plot`]): the page's η plot draws
//!   exactly these numbers;
//! - the gradient evaluations so far ([`RacePath::examples`]): K·n per
//!   full-batch step, the batch's size per minibatch step, 1 per per-sample
//!   step. Against this axis a step's cost shows: with K copies of the
//!   data, a minibatch of n examples costs 1/K of a full-batch step.

use super::config::{CurveAxis, STOCHASTIC};
use super::{
    BatchDraw, EmpiricalRisk, GradientNoise, HessianAtMinimum, LossSurface, StochasticConfig,
    VariancePoint, variance_vs_batch,
};
use crate::data::sampler::{Batch, MinibatchSampler, SamplerConfig};
use crate::data::whitening::Standardization;
use crate::landscape::{PathPoint, PathStop};
use crate::link::FieldError;
use crate::optim::sgd::{Sgd, SgdConfig};
use crate::optim::{Optimizer, StepInput};
use crate::playground::MAX_STEPS;
use crate::schedule::Schedule;
use serde::Serialize;
use std::sync::Arc;

/// The excess loss L(θ) − L(θ*) below which a path counts as converged
/// ([`StochasticRace::steps_to_tolerance`]).
pub const TOLERANCE: f64 = 1e-6;

/// The learning rates of one path, for the η plot: the ones its steps used
/// and, when the schedule needs no metric, the ones still to come.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LearningRatePlot {
    /// (t, ηₜ): step t moved by ηₜ times its gradient (with momentum, its
    /// buffer).
    pub used: Vec<(u64, f64)>,
    /// (t, ηₜ) for the steps not taken yet, from a copy of the path's
    /// schedule; empty for `reduce_on_plateau`, whose future depends on the
    /// losses to come.
    pub planned: Vec<(u64, f64)>,
}

/// Which of the three racing paths.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PathKind {
    /// Gradient descent on the full-data gradient.
    FullBatch,
    /// SGD on minibatches of the configured size.
    Minibatch,
    /// SGD on one example at a time.
    PerSample,
}

impl PathKind {
    /// The three paths, in the order the race holds them.
    pub const ALL: [PathKind; 3] = [Self::FullBatch, Self::Minibatch, Self::PerSample];

    /// A short name for the legend, e.g. "minibatch SGD (B = 10)".
    pub fn label(self, batch_size: usize) -> String {
        match self {
            Self::FullBatch => "full-batch GD".into(),
            Self::Minibatch => format!("minibatch SGD (B = {batch_size})"),
            Self::PerSample => "per-sample SGD (B = 1)".into(),
        }
    }
}

/// One racing path: its optimizer, its sampler and the points so far.
#[derive(Clone, Debug)]
pub struct RacePath {
    kind: PathKind,
    optimizer: Sgd<f64>,
    /// `None` for full-batch GD.
    sampler: Option<MinibatchSampler>,
    /// The batch the next step will use (stochastic paths only).
    upcoming: Option<Batch>,
    /// The learning rate by step, positioned for the next step.
    schedule: Schedule,
    points: Vec<PathPoint>,
    /// `learning_rates[t − 1]` is the rate step t used.
    learning_rates: Vec<f64>,
    /// Gradient evaluations up to each point.
    examples: Vec<u64>,
    stop: Option<PathStop>,
}

impl RacePath {
    fn new(
        kind: PathKind,
        model: &dyn EmpiricalRisk,
        optimizer: Sgd<f64>,
        schedule: Schedule,
        mut sampler: Option<MinibatchSampler>,
        start: [f64; 2],
    ) -> Self {
        let upcoming = sampler.as_mut().map(MinibatchSampler::next_batch);
        let first = PathPoint {
            step: 0,
            x: start[0],
            y: start[1],
            loss: model.loss(start),
        };
        let stop = (!first.loss.is_finite()).then_some(PathStop::Diverged { step: 0 });
        Self {
            kind,
            optimizer,
            sampler,
            upcoming,
            schedule,
            points: vec![first],
            learning_rates: Vec::new(),
            examples: vec![0],
            stop,
        }
    }

    /// The learning rate of each step taken: entry t − 1 belongs to step t.
    pub fn learning_rates(&self) -> &[f64] {
        &self.learning_rates
    }

    /// The gradient evaluations (examples processed) up to each point,
    /// from 0 at the start.
    pub fn examples(&self) -> &[u64] {
        &self.examples
    }

    /// The path's schedule, positioned for the next step.
    pub fn schedule(&self) -> &Schedule {
        &self.schedule
    }

    /// The first step whose full-data loss is at most `level`.
    pub fn first_step_below(&self, level: f64) -> Option<u64> {
        self.points.iter().find(|p| p.loss <= level).map(|p| p.step)
    }

    pub fn kind(&self) -> PathKind {
        self.kind
    }

    /// Every point so far, from the start (step 0); all finite.
    pub fn points(&self) -> &[PathPoint] {
        &self.points
    }

    /// The newest point.
    pub fn current(&self) -> PathPoint {
        *self
            .points
            .last()
            .expect("a path always has its start point")
    }

    /// Why the path stopped, if it did ("diverged at step k: …").
    pub fn stop(&self) -> Option<&PathStop> {
        self.stop.as_ref()
    }

    /// The minibatch the next step will use, with its epoch and position;
    /// `None` for full-batch GD and for a stopped path.
    pub fn upcoming_batch(&self) -> Option<&Batch> {
        self.upcoming.as_ref().filter(|_| self.stop.is_none())
    }

    /// Passes over the data so far: steps divided by batches per epoch
    /// (1 for full-batch GD).
    pub fn epochs(&self) -> f64 {
        let per_epoch = self
            .sampler
            .as_ref()
            .map_or(1, MinibatchSampler::batches_per_epoch);
        self.current().step as f64 / per_epoch as f64
    }

    /// Whether the path takes no more steps.
    pub fn finished(&self) -> bool {
        self.stop.is_some() || self.current().step >= MAX_STEPS
    }

    fn step(&mut self, model: &dyn EmpiricalRisk) {
        if self.finished() {
            return;
        }
        let here = self.current();
        let step = here.step + 1;
        let theta = [here.x, here.y];
        let (grad, cost) = match &self.upcoming {
            Some(batch) => (
                model.batch_gradient(theta, &batch.indices),
                batch.indices.len(),
            ),
            None => (model.gradient(theta), model.examples()),
        };
        let lr = self.schedule.lr();
        self.optimizer.set_lr(lr);
        let mut params = theta;
        if let Err(error) = self
            .optimizer
            .step(&mut params, &StepInput::gradient(&grad))
        {
            self.stop = Some(PathStop::Failed { step, error });
            return;
        }
        if let Some(sampler) = &mut self.sampler {
            self.upcoming = Some(sampler.next_batch());
        }
        let next = PathPoint {
            step,
            x: params[0],
            y: params[1],
            loss: model.loss(params),
        };
        if next.x.is_finite() && next.y.is_finite() && next.loss.is_finite() {
            self.points.push(next);
            self.learning_rates.push(lr);
            let before = self.examples.last().copied().unwrap_or(0);
            self.examples.push(before + cost as u64);
            self.schedule.step_with_metric(next.loss);
        } else {
            self.stop = Some(PathStop::Diverged { step });
        }
    }
}

/// The stochastic-landscapes view: a model on its data, the full-data
/// surface, and the three racing paths.
#[derive(Clone)]
pub struct StochasticRace {
    config: StochasticConfig,
    model: Arc<dyn EmpiricalRisk>,
    /// The whitening of the linear model's feature, when on.
    standardization: Option<Standardization>,
    /// The curvature at the minimum, where the minimum is attained.
    hessian: Option<HessianAtMinimum>,
    surface: LossSurface,
    paths: [RacePath; 3],
}

impl StochasticRace {
    /// The race a config describes, after checking it.
    pub fn new(config: StochasticConfig) -> Result<Self, FieldError> {
        let model = config.build_model()?;
        let standardization = config.standardization()?;
        let hessian = HessianAtMinimum::of(model.as_ref());
        let surface = LossSurface::full(model.clone(), config.start);
        let schedule = Schedule::new(config.path_schedule(), config.lr)
            .map_err(|e| FieldError::new("sched", e.to_string()))?;
        let optimizer = Sgd::new(SgdConfig {
            lr: config.lr,
            momentum: config.momentum,
            ..SgdConfig::default()
        })
        .map_err(|e| FieldError::new("lr", e.to_string()))?;
        let sampler = |batch_size| -> Result<MinibatchSampler, FieldError> {
            let settings: SamplerConfig = config.sampler(batch_size);
            let built = match model.class_labels() {
                Some(labels) => MinibatchSampler::with_labels(settings, labels, config.seed),
                None => MinibatchSampler::new(settings, model.examples(), config.seed),
            };
            built.map_err(|e| FieldError::new("order", e.to_string()))
        };
        let paths = [
            RacePath::new(
                PathKind::FullBatch,
                model.as_ref(),
                optimizer.clone(),
                schedule.clone(),
                None,
                config.start,
            ),
            RacePath::new(
                PathKind::Minibatch,
                model.as_ref(),
                optimizer.clone(),
                schedule.clone(),
                Some(sampler(config.batch_size)?),
                config.start,
            ),
            RacePath::new(
                PathKind::PerSample,
                model.as_ref(),
                optimizer,
                schedule,
                Some(sampler(1)?),
                config.start,
            ),
        ];
        Ok(Self {
            config,
            model,
            standardization,
            hessian,
            surface,
            paths,
        })
    }

    /// The race a link describes; bad parts of the link are reported and
    /// replaced by defaults.
    pub fn from_hash(hash: &str) -> (Self, Vec<FieldError>) {
        let (config, mut errors) = StochasticConfig::decode(hash, &StochasticConfig::default());
        match Self::new(config) {
            Ok(race) => (race, errors),
            Err(error) => {
                errors.push(error);
                let default =
                    Self::new(StochasticConfig::default()).expect("the default config is valid");
                (default, errors)
            }
        }
    }

    /// Sets one control by its link key from the text the user typed (the
    /// same check as that part of a link). A change to the data, the model
    /// or the descent restarts the paths; speed, overlay, K and view options
    /// do not, nor does the curves' axis. On error nothing changes.
    pub fn set(&mut self, key: &str, text: &str) -> Result<(), FieldError> {
        let mut next = self.config.clone();
        STOCHASTIC.set(&mut next, key, text)?;
        let display_only = StochasticConfig {
            speed: self.config.speed,
            overlay: self.config.overlay,
            noise_batches: self.config.noise_batches,
            x_axis: self.config.x_axis,
            options: self.config.options.clone(),
            ..next.clone()
        } == self.config;
        if display_only {
            self.config = next;
        } else {
            *self = Self::new(next)?;
        }
        Ok(())
    }

    /// The state as a link hash (no `#`).
    pub fn hash(&self) -> String {
        self.config.encode()
    }

    pub fn config(&self) -> &StochasticConfig {
        &self.config
    }

    pub fn model(&self) -> &dyn EmpiricalRisk {
        self.model.as_ref()
    }

    /// The centring and scaling of the linear model's feature (`whiten=1`).
    pub fn standardization(&self) -> Option<Standardization> {
        self.standardization
    }

    /// ∇²L at the full-data minimiser, its eigenvalues and κ; `None` when
    /// the minimum is not attained at a single point.
    pub fn hessian(&self) -> Option<&HessianAtMinimum> {
        self.hessian.as_ref()
    }

    /// The first step at which a path's excess loss L(θ) − L(θ*) is at
    /// most [`TOLERANCE`].
    pub fn steps_to_tolerance(&self, kind: PathKind) -> Option<u64> {
        let optimum = self.hessian.as_ref()?.loss;
        self.path(kind).first_step_below(optimum + TOLERANCE)
    }

    /// A path's loss curve as the page draws it: (step or gradient
    /// evaluations, full-data loss) per point, by the link's `x`.
    pub fn loss_curve(&self, kind: PathKind) -> Vec<(f64, f64)> {
        let path = self.path(kind);
        path.points()
            .iter()
            .zip(path.examples())
            .map(|(p, &examples)| {
                let x = match self.config.x_axis {
                    CurveAxis::Steps => p.step as f64,
                    CurveAxis::Grads => examples as f64,
                };
                (x, p.loss)
            })
            .collect()
    }

    /// The η plot of a path up to step `until`: the rates its steps used,
    /// then the ones its schedule gives next (read from a copy of the same
    /// schedule object that steps the path).
    pub fn learning_rate_plot(&self, kind: PathKind, until: u64) -> LearningRatePlot {
        let path = self.path(kind);
        let used: Vec<(u64, f64)> = (1..).zip(path.learning_rates().iter().copied()).collect();
        let mut planned = Vec::new();
        if !path.finished() && !path.schedule().needs_metric() {
            let mut schedule = path.schedule().clone();
            for step in path.current().step + 1..=until.min(MAX_STEPS) {
                planned.push((step, schedule.lr()));
                if schedule.step().is_err() {
                    break;
                }
            }
        }
        LearningRatePlot { used, planned }
    }

    /// The full-data loss surface, framed around its minimiser and the start.
    pub fn full_surface(&self) -> &LossSurface {
        &self.surface
    }

    /// The surface of the minibatch path's next batch, to overlay on the
    /// full one; `None` once that path has stopped.
    pub fn minibatch_surface(&self) -> Option<LossSurface> {
        self.path(PathKind::Minibatch)
            .upcoming_batch()
            .map(|batch| self.surface.with_batch(batch.indices.clone()))
    }

    /// The three paths, in the order of [`PathKind::ALL`].
    pub fn paths(&self) -> &[RacePath; 3] {
        &self.paths
    }

    pub fn path(&self, kind: PathKind) -> &RacePath {
        &self.paths[kind as usize]
    }

    /// Steps taken so far (the longest path).
    pub fn step_count(&self) -> u64 {
        self.paths
            .iter()
            .map(|p| p.current().step)
            .max()
            .unwrap_or(0)
    }

    /// Whether every path has stopped.
    pub fn finished(&self) -> bool {
        self.paths.iter().all(RacePath::finished)
    }

    /// Advances every running path `n` steps, one step of each at a time.
    pub fn step(&mut self, n: u64) {
        for _ in 0..n.min(MAX_STEPS) {
            if self.finished() {
                return;
            }
            for path in &mut self.paths {
                path.step(self.model.as_ref());
            }
        }
    }

    /// Back to the start with the same settings and the same batches.
    pub fn reset(&mut self) {
        *self = Self::new(self.config.clone()).expect("a running race's config is valid");
    }

    /// The gradient-noise panel at `point`, with the configured batch size,
    /// number of minibatches K, sampling order and seed.
    pub fn gradient_noise(&self, point: [f64; 2]) -> Result<GradientNoise, FieldError> {
        GradientNoise::measure(
            self.model.as_ref(),
            point,
            self.config.batch_size,
            self.config.noise_batches,
            BatchDraw::for_order(self.config.order),
            self.config.seed,
        )
    }

    /// The "variance against 1/B" plot at `point`, one entry per batch
    /// size ([`doubling_batch_sizes`] gives 1, 2, 4, … and n).
    pub fn variance_vs_batch(
        &self,
        point: [f64; 2],
        batch_sizes: &[usize],
    ) -> Result<Vec<VariancePoint>, FieldError> {
        variance_vs_batch(
            self.model.as_ref(),
            point,
            batch_sizes,
            self.config.noise_batches,
            BatchDraw::for_order(self.config.order),
            self.config.seed,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::sampler::SamplingOrder;
    use crate::stochastic::config::CurveAxis;
    use crate::stochastic::{ModelKind, doubling_batch_sizes};
    use crate::surfaces::Surface;

    fn race(config: StochasticConfig) -> StochasticRace {
        StochasticRace::new(config).unwrap()
    }

    /// x + α·y rounded once, as `torch.optim.SGD` forms θ − η·g.
    fn fused(x: f64, alpha: f64, y: f64) -> f64 {
        libm::fma(alpha, y, x)
    }

    #[test]
    fn full_batch_path_is_plain_gradient_descent() {
        for model in [ModelKind::Linear, ModelKind::Logistic] {
            let config = StochasticConfig {
                model,
                ..StochasticConfig::default()
            };
            let mut race = race(config.clone());
            race.step(60);
            let data = config.build_model().unwrap();
            let mut theta = config.start;
            for point in race.path(PathKind::FullBatch).points() {
                assert_eq!([point.x, point.y], theta, "{model} step {}", point.step);
                assert_eq!(point.loss, data.loss(theta));
                let g = data.gradient(theta);
                theta = [
                    fused(theta[0], -config.lr, g[0]),
                    fused(theta[1], -config.lr, g[1]),
                ];
            }
            assert_eq!(race.path(PathKind::FullBatch).points().len(), 61);
            assert_eq!(race.path(PathKind::FullBatch).epochs(), 60.0);
        }
    }

    #[test]
    fn stochastic_paths_step_on_the_sampler_batches_in_order() {
        for (model, order, drop_last) in [
            (ModelKind::Linear, SamplingOrder::Shuffle, false),
            (ModelKind::Linear, SamplingOrder::Sequential, true),
            (ModelKind::Linear, SamplingOrder::WithReplacement, false),
            (ModelKind::Logistic, SamplingOrder::ClassBalanced, false),
        ] {
            let config = StochasticConfig {
                model,
                order,
                drop_last,
                samples: 23,
                batch_size: 5,
                seed: 17,
                ..StochasticConfig::default()
            };
            let data = config.build_model().unwrap();
            let race = race(config.clone());
            for kind in [PathKind::Minibatch, PathKind::PerSample] {
                let batch_size = if kind == PathKind::Minibatch { 5 } else { 1 };
                let expected_sampler = match data.class_labels() {
                    Some(labels) => MinibatchSampler::with_labels(
                        config.sampler(batch_size),
                        labels,
                        config.seed,
                    ),
                    None => MinibatchSampler::new(config.sampler(batch_size), 23, config.seed),
                }
                .unwrap();
                let expected: Vec<Vec<usize>> = (0..3)
                    .flat_map(|e| expected_sampler.epoch_batches(e))
                    .collect();
                assert_eq!(
                    race.path(kind).upcoming_batch().unwrap().indices,
                    expected[0]
                );
                let mut fresh = StochasticRace::new(config.clone()).unwrap();
                for (t, batch) in expected.iter().enumerate().take(40) {
                    let before = fresh.path(kind).current();
                    assert_eq!(&fresh.path(kind).upcoming_batch().unwrap().indices, batch);
                    fresh.step(1);
                    let after = fresh.path(kind).current();
                    // The step is SGD on exactly that batch.
                    let g = data.batch_gradient([before.x, before.y], batch);
                    let theta = [
                        fused(before.x, -config.lr, g[0]),
                        fused(before.y, -config.lr, g[1]),
                    ];
                    assert_eq!([after.x, after.y], theta, "{order:?} {kind:?} step {t}");
                }
            }
        }
    }

    #[test]
    fn per_sample_path_visits_the_minibatch_order_one_by_one() {
        let config = StochasticConfig {
            samples: 30,
            batch_size: 6,
            ..StochasticConfig::default()
        };
        let mut race = race(config);
        let mut minibatch_order = Vec::new();
        let mut per_sample_order = Vec::new();
        for _ in 0..60 {
            let batch = race.path(PathKind::Minibatch).upcoming_batch().unwrap();
            minibatch_order.extend(batch.indices.iter().copied());
            let one = race.path(PathKind::PerSample).upcoming_batch().unwrap();
            assert_eq!(one.indices.len(), 1);
            per_sample_order.push(one.indices[0]);
            race.step(1);
        }
        assert_eq!(per_sample_order, minibatch_order[..60]);
        assert_eq!(race.path(PathKind::PerSample).epochs(), 2.0);
        assert_eq!(race.path(PathKind::Minibatch).epochs(), 12.0);
    }

    #[test]
    fn the_same_seed_gives_the_same_race() {
        let config = StochasticConfig {
            model: ModelKind::Logistic,
            momentum: 0.5,
            ..StochasticConfig::default()
        };
        let mut a = race(config.clone());
        let mut b = race(config.clone());
        a.step(150);
        b.step(150);
        for kind in PathKind::ALL {
            let bits = |r: &StochasticRace| -> Vec<[u64; 3]> {
                r.path(kind)
                    .points()
                    .iter()
                    .map(|p| [p.x.to_bits(), p.y.to_bits(), p.loss.to_bits()])
                    .collect()
            };
            assert_eq!(bits(&a), bits(&b), "{kind:?}");
        }
        let mut other = race(StochasticConfig { seed: 1, ..config });
        other.step(150);
        assert_ne!(
            other.path(PathKind::Minibatch).points(),
            a.path(PathKind::Minibatch).points()
        );
        // Reset replays the same batches.
        let replay = a.path(PathKind::Minibatch).points().to_vec();
        a.reset();
        assert_eq!(a.step_count(), 0);
        a.step(150);
        assert_eq!(a.path(PathKind::Minibatch).points(), &replay[..]);
    }

    #[test]
    fn the_paths_head_for_the_minimum() {
        let mut race = race(StochasticConfig::default());
        let minimum = race.model().minimizer().unwrap();
        let start_loss = race.path(PathKind::FullBatch).current().loss;
        race.step(400);
        let optimum = race.model().loss(minimum);
        let full = race.path(PathKind::FullBatch).current();
        assert!((full.x - minimum[0]).abs() < 1e-6 && (full.y - minimum[1]).abs() < 1e-6);
        for kind in [PathKind::Minibatch, PathKind::PerSample] {
            let loss = race.path(kind).current().loss;
            // Close, but jittering above the optimum.
            assert!(
                loss < optimum + 0.1 * (start_loss - optimum),
                "{kind:?}: {loss}"
            );
            assert!(loss > optimum, "{kind:?}");
        }
    }

    #[test]
    fn divergence_stops_a_path_with_a_message_and_no_nan() {
        let mut race = race(StochasticConfig {
            lr: 50.0,
            ..StochasticConfig::default()
        });
        race.step(2000);
        assert!(race.finished());
        for path in race.paths() {
            let stop = path.stop().expect("every path diverges at lr 50");
            assert!(stop.to_string().starts_with("diverged at step"), "{stop}");
            assert!(
                path.points()
                    .iter()
                    .all(|p| p.loss.is_finite() && p.x.is_finite())
            );
            assert!(path.upcoming_batch().is_none());
        }
        assert!(race.minibatch_surface().is_none());
        let steps = race.step_count();
        race.step(10);
        assert_eq!(race.step_count(), steps);
    }

    #[test]
    fn the_overlay_is_the_next_minibatch() {
        let mut race = race(StochasticConfig::default());
        race.step(3);
        let overlay = race.minibatch_surface().unwrap();
        let batch = race.path(PathKind::Minibatch).upcoming_batch().unwrap();
        assert_eq!(overlay.batch(), Some(&batch.indices[..]));
        assert_eq!(overlay.view_box(), race.full_surface().view_box());
        let here = race.path(PathKind::Minibatch).current();
        assert_eq!(
            overlay.gradient(here.x, here.y),
            race.model()
                .batch_gradient([here.x, here.y], &batch.indices)
        );
    }

    #[test]
    fn links_drive_the_race() {
        let (race, errors) = StochasticRace::from_hash("#m=logistic&n=60&b=4&lr=oops");
        assert_eq!(errors.len(), 1);
        assert_eq!(race.model().examples(), 60);
        assert_eq!(race.model().name(), "logistic");
        assert_eq!(race.config().lr, StochasticConfig::default().lr);
        let (again, errors) = StochasticRace::from_hash(&race.hash());
        assert!(errors.is_empty());
        assert_eq!(again.config(), race.config());

        let mut race = race;
        let error = race.set("b", "61").unwrap_err();
        assert_eq!(error.field, "b");
        assert_eq!(race.config().batch_size, 4);

        assert_eq!(race.model().examples(), 60);
    }

    #[test]
    fn k_copies_let_a_minibatch_of_n_do_a_full_step_at_a_kth_of_the_cost() {
        let (n, copies) = (50usize, 4usize);
        let config = StochasticConfig {
            samples: n,
            replicas: copies,
            batch_size: n,
            order: SamplingOrder::Sequential,
            x_axis: CurveAxis::Grads,
            ..StochasticConfig::default()
        };
        let data = config.build_model().unwrap();
        let mut run = race(config.clone());
        for _ in 0..40 {
            // Fleuret's sum form: L = Σ over the N = K·n examples with rate
            // η_sum = η/N; the minibatch moves by K·η_sum times the sum of its n
            // gradients, which is the widget's step η·(mean over the batch).
            let here = run.path(PathKind::Minibatch).current();
            let batch = run
                .path(PathKind::Minibatch)
                .upcoming_batch()
                .unwrap()
                .indices
                .clone();
            assert_eq!(batch.len(), n);
            let eta_sum = config.lr / (n * copies) as f64;
            let summed = batch.iter().fold([0.0, 0.0], |acc, &i| {
                let g = data.example_gradient([here.x, here.y], i);
                [acc[0] + g[0], acc[1] + g[1]]
            });
            run.step(1);
            let next = run.path(PathKind::Minibatch).current();
            let sum_form = [
                here.x - copies as f64 * eta_sum * summed[0],
                here.y - copies as f64 * eta_sum * summed[1],
            ];
            assert!((next.x - sum_form[0]).abs() < 1e-12 && (next.y - sum_form[1]).abs() < 1e-12);
        }
        // Step for step the two paths coincide (each batch is one whole copy)…
        let full = run.loss_curve(PathKind::FullBatch);
        let mini = run.loss_curve(PathKind::Minibatch);
        for (t, (f, m)) in full.iter().zip(&mini).enumerate() {
            assert!((f.1 - m.1).abs() <= 1e-12 * f.1, "step {t}: {f:?} vs {m:?}");
            // …but against gradient evaluations a full step costs K·n, a minibatch step n.
            assert_eq!(f.0, (t * n * copies) as f64);
            assert_eq!(m.0, (t * n) as f64);
        }
        // So at the cost of 10 full steps the minibatch path has taken 40.
        let cost = (10 * n * copies) as f64;
        let at = |curve: &[(f64, f64)]| curve.iter().find(|p| p.0 == cost).unwrap().1;
        assert_eq!(at(&full), full[10].1);
        assert_eq!(at(&mini), mini[40].1);
        assert!(at(&mini) < at(&full));
    }

    #[test]
    fn the_plotted_learning_rate_is_the_one_each_step_used() {
        let config = StochasticConfig {
            lr: 0.4,
            schedule: crate::schedule::ScheduleConfig::Step(crate::schedule::StepLr {
                step_size: 20,
                gamma: 0.5,
            }),
            warmup: 5,
            ..StochasticConfig::default()
        };
        let data = config.build_model().unwrap();
        let fresh = race(config.clone());
        let mut run = race(config.clone());
        run.step(70);
        for kind in PathKind::ALL {
            let plot = run.learning_rate_plot(kind, 100);
            assert_eq!(plot.used.len(), 70);
            // torch: LinearLR(1/3, 5) chained with StepLR(20, 0.5), stepped per step.
            for &(t, lr) in &plot.used {
                let e = (t - 1) as f64;
                let warm = 1.0 / 3.0 + (1.0 - 1.0 / 3.0) * e.min(5.0) / 5.0;
                let expected = 0.4 * warm * 0.5f64.powi((t as i32 - 1) / 20);
                assert!(
                    (lr - expected).abs() < 1e-15,
                    "{kind:?} step {t}: {lr} vs {expected}"
                );
            }
            // The plot's η is what moved θ: θₜ = θₜ₋₁ − ηₜ·ĝₜ.
            let mut replay = StochasticRace::new(config.clone()).unwrap();
            for &(t, lr) in &plot.used {
                let before = replay.path(kind).current();
                let batch = replay
                    .path(kind)
                    .upcoming_batch()
                    .map(|b| b.indices.clone());
                let g = match batch {
                    Some(batch) => data.batch_gradient([before.x, before.y], &batch),
                    None => data.gradient([before.x, before.y]),
                };
                replay.step(1);
                let after = replay.path(kind).current();
                assert_eq!(
                    [after.x, after.y],
                    [fused(before.x, -lr, g[0]), fused(before.y, -lr, g[1])],
                    "{kind:?} step {t}"
                );
            }
            // The planned rates, read before the run, are the rates it used.
            let planned = fresh.learning_rate_plot(kind, 70);
            assert!(planned.used.is_empty());
            assert_eq!(planned.planned, plot.used);
            assert_eq!(plot.planned.first().map(|p| p.0), Some(71));
            assert_eq!(plot.planned.len(), 30);
        }
        // The metric-driven schedule plans nothing ahead, but records what it used.
        let mut plateau = race(StochasticConfig {
            schedule: crate::schedule::ScheduleConfig::ReduceOnPlateau(
                crate::schedule::ReduceLrOnPlateauConfig::default(),
            ),
            ..StochasticConfig::default()
        });
        plateau.step(200);
        let plot = plateau.learning_rate_plot(PathKind::FullBatch, 300);
        assert!(plot.planned.is_empty());
        assert_eq!(plot.used[0].1, 0.3);
        assert!(
            plot.used.last().unwrap().1 < 0.3,
            "GD's loss stalls at the minimum and η drops"
        );
    }

    #[test]
    fn whitening_brings_kappa_to_1_and_gradient_descent_to_a_few_steps() {
        let raw = StochasticConfig {
            feature_mean: 3.0,
            feature_scale: 1.0,
            lr: 0.05,
            ..StochasticConfig::default()
        };
        let mut before = race(raw.clone());
        let mut after = race(StochasticConfig {
            whiten: true,
            lr: 1.0,
            ..raw
        });
        let kappa = before.hessian().unwrap().condition_number.unwrap();
        assert!(kappa > 50.0, "{kappa}");
        assert!((after.hessian().unwrap().condition_number.unwrap() - 1.0).abs() < 1e-12);
        before.step(5000);
        after.step(20);
        let slow = before.steps_to_tolerance(PathKind::FullBatch).unwrap();
        let fast = after.steps_to_tolerance(PathKind::FullBatch).unwrap();
        assert!(slow > 500 && fast <= 2, "{slow} vs {fast}");
        assert!(before.standardization().is_none());
        assert!(after.standardization().unwrap().scale > 0.5);
    }

    #[test]
    fn the_noise_panel_uses_the_race_settings() {
        let race = race(StochasticConfig {
            batch_size: 4,
            noise_batches: 50,
            ..StochasticConfig::default()
        });
        let noise = race.gradient_noise([0.0, 0.0]).unwrap();
        assert_eq!(noise.batch_size, 4);
        assert_eq!(noise.batch_gradients.len(), 50);
        assert_eq!(noise.draw, BatchDraw::WithoutReplacement);
        let sizes = doubling_batch_sizes(race.model().examples());
        let plot = race.variance_vs_batch([0.0, 0.0], &sizes).unwrap();
        assert_eq!(plot.last().unwrap().batch_size, 100);
        let at_four = plot.iter().find(|p| p.batch_size == 4).unwrap();
        assert_eq!(at_four.measured, noise.total_variance);
        assert!(race.gradient_noise([f64::INFINITY, 0.0]).is_err());
    }
}
