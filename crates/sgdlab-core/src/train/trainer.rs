//! [`Trainer`]: one training run, stepped a minibatch or an epoch at a time.
//!
//! ```text
//! step:   B ← next minibatch of the epoch (MinibatchSampler, seeded)
//!         L_B, ∇L_B ← forward and backward pass over B
//!         θ ← optimizer step(θ, ∇L_B)      (lr from the schedule; layers for LARS)
//! epoch:  after its last minibatch the schedule moves to the next epoch
//!         (reduce_on_plateau watches the epoch's mean minibatch loss)
//! ```
//!
//! **Learning rate by epoch.** The trainer notes the rate it gives the
//! optimizer at the start of each epoch. [`Trainer::lr_by_epoch`] returns
//! those, followed by the rates of the epochs still to come from a copy of
//! the schedule that steps the optimizer ([`Schedule::upcoming`]): a
//! preview drawn from it is what trains, not a recomputation beside it.
//!
//! **Examples seen.** Every epoch visits as many examples as the training
//! set holds, in batches of B with only the last one short, so after s
//! steps with K batches per epoch of n examples the run has seen
//! ⌊s/K⌋·n + (s mod K)·B examples ([`Trainer::examples_after`]).
//!
//! **Divergence.** A run whose minibatch loss, gradient or weights stop being
//! finite numbers stops: the trainer records the step ([`Diverged`]), puts
//! back the last weights whose minibatch loss was finite, and refuses further
//! steps. [`Trainer::evaluate`] never returns a NaN or an infinity: should
//! the loss over a whole set overflow, that too counts as divergence and the
//! last finite metrics are returned. So no NaN ever reaches a plot.

use super::TrainError;
use super::backprop::Workspace;
use super::config::{OptimizerChoice, TrainConfig};
use super::mlp::MlpSpec;
use crate::data::Dataset;
use crate::data::sampler::MinibatchSampler;
use crate::optim::{Optimizer, StepInput};
use crate::schedule::Schedule;
use crate::surfaces::ViewBox;
use serde::Serialize;
use std::fmt;
use std::ops::Range;

/// Examples per forward pass when evaluating or drawing the decision
/// boundary: large enough to amortise the loop overhead, small enough to
/// keep the buffers in cache.
const EVAL_ROWS: usize = 256;

/// Loss and accuracy over the training and test sets, measured with the
/// current weights and no gradient.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Metrics {
    /// Mean cross-entropy over the training set.
    pub train_loss: f64,
    /// Mean cross-entropy over the test set; `None` when it is empty.
    pub test_loss: Option<f64>,
    /// Share of training examples classified correctly, in [0, 1].
    pub train_acc: f64,
    /// Share of test examples classified correctly; `None` when it is empty.
    pub test_acc: Option<f64>,
}

/// The size of one parameter tensor and of its last gradient.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LayerNorms {
    /// `W1`, `b1`, `W2`, … (see [`MlpSpec::layer_names`]).
    pub name: String,
    /// ‖w‖, the Euclidean norm of the tensor.
    pub weight_norm: f64,
    /// ‖∇L‖ of the tensor at the last step (0 before the first).
    pub grad_norm: f64,
    /// ‖w‖/‖∇L‖, LARS's local learning rate for η = 1 and no weight decay;
    /// 1 when either norm is 0, as LARS takes it.
    pub trust_ratio: f64,
}

/// Why and where a run stopped.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diverged {
    /// The update that failed, counting from 1 (so after `step − 1` good ones).
    pub step: u64,
    /// The epoch it belonged to, counting from 1.
    pub epoch: u64,
    /// What stopped being finite.
    pub reason: String,
}

impl fmt::Display for Diverged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "training diverged at step {} (epoch {}): {}; stopped there with the last finite \
             weights. Try a smaller learning rate",
            self.step, self.epoch, self.reason
        )
    }
}

impl std::error::Error for Diverged {}

/// One training run: data, sampler, weights, optimizer and schedule.
pub struct Trainer {
    config: TrainConfig,
    spec: MlpSpec,
    layers: Vec<Range<usize>>,
    train: Dataset,
    test: Dataset,
    train_features: Vec<f32>,
    test_features: Vec<f32>,
    sampler: MinibatchSampler,
    /// The minibatches of the current epoch and the next one to take.
    epoch_batches: Vec<Vec<usize>>,
    next_batch: usize,
    /// Epochs completed.
    epoch: u64,
    /// Updates applied.
    steps: u64,
    params: Vec<f32>,
    /// The weights before the last update, put back on divergence.
    previous_params: Vec<f32>,
    grad: Vec<f32>,
    optimizer: Box<dyn Optimizer<f32>>,
    schedule: Schedule,
    /// The rate given to the optimizer at the start of each epoch so far.
    epoch_lrs: Vec<f64>,
    workspace: Workspace,
    eval_workspace: Workspace,
    /// Σ of the minibatch losses of the current epoch and their number.
    epoch_loss: (f64, usize),
    /// The mean minibatch loss of the last completed epoch.
    last_epoch_loss: f64,
    /// The labels of the current minibatch.
    batch_labels: Vec<usize>,
    last_metrics: Metrics,
    diverged: Option<Diverged>,
}

impl Trainer {
    /// Generates the data, draws the initial weights and builds the
    /// optimizer, sampler and schedule, all from `config.seed`.
    pub fn new(config: &TrainConfig) -> Result<Self, TrainError> {
        config.validate()?;
        let split = config.dataset_config().generate_split()?;
        let spec = config.mlp_spec();
        let sampler = MinibatchSampler::with_labels(
            config.sampler_config(),
            &split.train.labels,
            config.seed,
        )?;
        let mut optimizer = config.optimizer.build(config.seed)?;
        let schedule = Schedule::new(config.schedule.clone(), optimizer.lr())?;
        schedule.apply(optimizer.as_mut());
        let params = spec.init_parameters(config.seed);
        let eval_rows = EVAL_ROWS.min(split.train.len().max(split.test.len()));
        let mut trainer = Self {
            layers: spec.layers(),
            train_features: split.train.features_f32(),
            test_features: split.test.features_f32(),
            epoch_batches: sampler.epoch_batches(0),
            next_batch: 0,
            epoch: 0,
            steps: 0,
            previous_params: params.clone(),
            grad: vec![0.0; params.len()],
            params,
            epoch_lrs: vec![optimizer.lr()],
            optimizer,
            schedule,
            workspace: Workspace::new(&spec, config.batch_size),
            eval_workspace: Workspace::new(&spec, eval_rows),
            epoch_loss: (0.0, 0),
            last_epoch_loss: f64::NAN,
            batch_labels: Vec::with_capacity(config.batch_size),
            last_metrics: Metrics {
                train_loss: 0.0,
                test_loss: None,
                train_acc: 0.0,
                test_acc: None,
            },
            diverged: None,
            sampler,
            spec,
            train: split.train,
            test: split.test,
            config: config.clone(),
        };
        // The metrics of the initial weights: what `evaluate` falls back on
        // should a later whole-set loss overflow.
        trainer.evaluate();
        Ok(trainer)
    }

    /// One trainer per optimizer, all from `config` otherwise: the same data,
    /// the same initial weights, the same minibatches in the same order.
    pub fn side_by_side(
        config: &TrainConfig,
        optimizers: &[OptimizerChoice],
    ) -> Result<Vec<Self>, TrainError> {
        optimizers
            .iter()
            .map(|choice| Self::new(&config.with_optimizer(choice.clone())))
            .collect()
    }

    /// One update on the next minibatch; returns that minibatch's loss
    /// before the update. After divergence every call returns the same
    /// [`Diverged`].
    pub fn step(&mut self) -> Result<f32, Diverged> {
        if let Some(diverged) = &self.diverged {
            return Err(diverged.clone());
        }
        let batch = &self.epoch_batches[self.next_batch];
        self.workspace.gather_inputs(&self.train_features, batch);
        self.batch_labels.clear();
        self.batch_labels
            .extend(batch.iter().map(|&i| self.train.labels[i]));
        let loss =
            self.workspace
                .loss_and_gradient(&self.params, &self.batch_labels, &mut self.grad);
        if !loss.is_finite() {
            // θ came from the last update; the one before had a finite loss.
            self.params.copy_from_slice(&self.previous_params);
            return Err(self.stop("the minibatch loss is not a finite number"));
        }
        if !self.grad.iter().all(|g| g.is_finite()) {
            // θ itself had a finite loss: keep it.
            return Err(self.stop("the gradient is not finite"));
        }
        self.previous_params.copy_from_slice(&self.params);
        let input = StepInput::gradient(&self.grad).with_layers(&self.layers);
        if let Err(error) = self.optimizer.step(&mut self.params, &input) {
            self.params.copy_from_slice(&self.previous_params);
            return Err(self.stop(&format!("the optimizer failed: {error}")));
        }
        if !self.params.iter().all(|p| p.is_finite()) {
            self.params.copy_from_slice(&self.previous_params);
            return Err(self.stop("the update made a weight infinite or NaN"));
        }
        self.steps += 1;
        self.epoch_loss.0 += f64::from(loss);
        self.epoch_loss.1 += 1;
        self.next_batch += 1;
        if self.next_batch == self.epoch_batches.len() {
            self.finish_epoch();
        }
        Ok(loss)
    }

    /// Steps to the end of the current epoch (a whole epoch when called at
    /// its start); returns the epoch's mean minibatch loss.
    pub fn run_epoch(&mut self) -> Result<f64, Diverged> {
        let epoch = self.epoch;
        while self.epoch == epoch {
            self.step()?;
        }
        Ok(self.last_epoch_loss)
    }

    /// Loss and accuracy on both sets with the current weights (full batch,
    /// no gradient). Always finite: see the module doc.
    pub fn evaluate(&mut self) -> Metrics {
        let (train_loss, train_acc) = self.measure(true);
        let (test_loss, test_acc) = if self.test.is_empty() {
            (None, None)
        } else {
            let (loss, acc) = self.measure(false);
            (Some(loss), Some(acc))
        };
        let metrics = Metrics {
            train_loss,
            test_loss,
            train_acc,
            test_acc,
        };
        let finite = train_loss.is_finite() && test_loss.is_none_or(f64::is_finite);
        if finite {
            self.last_metrics = metrics;
        } else if self.diverged.is_none() {
            self.params.copy_from_slice(&self.previous_params);
            self.stop("the loss over the whole data set overflowed");
        }
        self.last_metrics
    }

    /// Mean loss and accuracy over the training (or test) set.
    fn measure(&mut self, train: bool) -> (f64, f64) {
        let (features, labels) = if train {
            (&self.train_features, &self.train.labels)
        } else {
            (&self.test_features, &self.test.labels)
        };
        let chunk = self.eval_workspace.capacity();
        let mut loss = 0.0;
        let mut correct = 0;
        for (x, y) in features.chunks(2 * chunk).zip(labels.chunks(chunk)) {
            self.eval_workspace.set_inputs(x);
            self.eval_workspace.forward(&self.params);
            let (l, c) = self.eval_workspace.loss_and_correct(y);
            loss += l;
            correct += c;
        }
        let n = labels.len() as f64;
        (loss / n, correct as f64 / n)
    }

    /// Class probabilities (softmax of the logits) on a `width`×`height`
    /// grid of pixel centres over `view`, for the decision-boundary heatmap:
    /// row-major from the top row (y = y_max side) down, C values per pixel.
    pub fn predict_grid(&mut self, view: &ViewBox, width: usize, height: usize) -> Vec<f32> {
        let classes = self.spec.classes;
        let mut probabilities = Vec::with_capacity(width * height * classes);
        let mut points = Vec::with_capacity(2 * self.eval_workspace.capacity());
        let pixels = (0..height).flat_map(|r| (0..width).map(move |c| (r, c)));
        let x_step = (view.x_max - view.x_min) / width as f64;
        let y_step = (view.y_max - view.y_min) / height as f64;
        let mut pixels = pixels.peekable();
        while pixels.peek().is_some() {
            points.clear();
            for (r, c) in pixels.by_ref().take(self.eval_workspace.capacity()) {
                points.push((view.x_min + (c as f64 + 0.5) * x_step) as f32);
                points.push((view.y_max - (r as f64 + 0.5) * y_step) as f32);
            }
            self.eval_workspace.set_inputs(&points);
            self.eval_workspace.forward(&self.params);
            for logits in self.eval_workspace.logits().chunks_exact(classes) {
                push_softmax(logits, &mut probabilities);
            }
        }
        probabilities
    }

    /// A square region holding every point (train and test) with a margin,
    /// for drawing the data and the decision boundary.
    pub fn view_box(&self) -> ViewBox {
        let mut extent: f64 = 1.0;
        for p in self.train.features.iter().chain(&self.test.features) {
            extent = extent.max(p[0].abs()).max(p[1].abs());
        }
        let half = 1.1 * extent;
        ViewBox {
            x_min: -half,
            x_max: half,
            y_min: -half,
            y_max: half,
        }
    }

    /// ‖w‖, ‖∇L‖ of the last step and their ratio, for each tensor.
    pub fn layer_norms(&self) -> Vec<LayerNorms> {
        let norm = |values: &[f32]| {
            values
                .iter()
                .map(|&v| f64::from(v) * f64::from(v))
                .sum::<f64>()
                .sqrt()
        };
        self.spec
            .layer_names()
            .into_iter()
            .zip(&self.layers)
            .map(|(name, range)| {
                let weight_norm = norm(&self.params[range.clone()]);
                let grad_norm = norm(&self.grad[range.clone()]);
                let trust_ratio = if weight_norm > 0.0 && grad_norm > 0.0 {
                    weight_norm / grad_norm
                } else {
                    1.0
                };
                LayerNorms {
                    name,
                    weight_norm,
                    grad_norm,
                    trust_ratio,
                }
            })
            .collect()
    }

    /// ∇ℓᵢ(θ), the gradient of each training example's own loss, at the
    /// current weights (for the gradient-noise views; the trainer's state
    /// does not change).
    pub fn example_gradients(&mut self, indices: &[usize]) -> Vec<Vec<f32>> {
        indices.iter().map(|&i| self.batch_gradient(&[i])).collect()
    }

    /// ∇L_B(θ), the mean-loss gradient over the training examples `indices`
    /// (at most the batch size), at the current weights.
    pub fn batch_gradient(&mut self, indices: &[usize]) -> Vec<f32> {
        let mut grad = vec![0.0; self.params.len()];
        self.workspace.gather_inputs(&self.train_features, indices);
        let labels: Vec<usize> = indices.iter().map(|&i| self.train.labels[i]).collect();
        self.workspace
            .loss_and_gradient(&self.params, &labels, &mut grad);
        grad
    }

    /// Replaces the weights (e.g. with those another backend trained from
    /// the same start), keeping everything else. `params` must have the
    /// model's layout and length.
    pub fn load_params(&mut self, params: &[f32]) {
        assert_eq!(params.len(), self.params.len(), "weights of another model");
        self.params.copy_from_slice(params);
        self.previous_params.copy_from_slice(params);
    }

    fn finish_epoch(&mut self) {
        let (sum, count) = self.epoch_loss;
        self.last_epoch_loss = sum / count.max(1) as f64;
        self.epoch_loss = (0.0, 0);
        self.epoch += 1;
        if self.schedule.needs_metric() {
            self.schedule.step_with_metric(self.last_epoch_loss);
        } else {
            // Only reduce_on_plateau can fail to step, and it is handled above.
            let _ = self.schedule.step();
        }
        self.schedule.apply(self.optimizer.as_mut());
        self.epoch_lrs.push(self.optimizer.lr());
        self.epoch_batches = self.sampler.epoch_batches(self.epoch);
        self.next_batch = 0;
    }

    fn stop(&mut self, reason: &str) -> Diverged {
        let diverged = Diverged {
            step: self.steps + 1,
            epoch: self.epoch + 1,
            reason: reason.to_string(),
        };
        self.diverged = Some(diverged.clone());
        diverged
    }

    /// The settings this run was built from.
    pub fn config(&self) -> &TrainConfig {
        &self.config
    }

    /// The network's shape.
    pub fn spec(&self) -> &MlpSpec {
        &self.spec
    }

    /// The weights, laid out as in [`MlpSpec::layers`].
    pub fn params(&self) -> &[f32] {
        &self.params
    }

    /// The gradient of the last step (zeros before the first).
    pub fn last_gradient(&self) -> &[f32] {
        &self.grad
    }

    /// The optimizer, e.g. for its name, update rule or SWATS switch step.
    pub fn optimizer(&self) -> &dyn Optimizer<f32> {
        self.optimizer.as_ref()
    }

    /// The schedule that steps the optimizer, at the current epoch. A GPU
    /// twin of an unstepped trainer starts from a copy of it: its base rate
    /// is the optimizer's rate before the schedule's first factor.
    pub fn schedule(&self) -> &Schedule {
        &self.schedule
    }

    /// The learning rate in use now (after the schedule).
    pub fn lr(&self) -> f64 {
        self.optimizer.lr()
    }

    /// Updates applied so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Epochs completed so far.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// Minibatches per epoch.
    pub fn batches_per_epoch(&self) -> usize {
        self.sampler.batches_per_epoch()
    }

    /// Training examples used by the first `steps` updates (counting an
    /// example again each time it is drawn): see the module doc.
    pub fn examples_after(&self, steps: u64) -> u64 {
        let per_epoch = self.sampler.batches_per_epoch().max(1) as u64;
        let epochs = steps / per_epoch;
        let within = steps % per_epoch;
        epochs * self.train.len() as u64 + within * self.config.batch_size as u64
    }

    /// Training examples used so far.
    pub fn examples_seen(&self) -> u64 {
        self.examples_after(self.steps)
    }

    /// The learning rate of every epoch of the run, `config.epochs` of
    /// them: the rates the optimizer was given up to the current epoch,
    /// then those the schedule will give (see the module doc; a
    /// `reduce_on_plateau` schedule is assumed to stall no more).
    pub fn lr_by_epoch(&self) -> Vec<f64> {
        rates_by_epoch(&self.epoch_lrs, &self.schedule, self.config.epochs)
    }

    /// Where and why the run stopped, if it diverged.
    pub fn diverged(&self) -> Option<&Diverged> {
        self.diverged.as_ref()
    }

    /// Whether every epoch of the config has run (or the run diverged).
    pub fn finished(&self) -> bool {
        self.diverged.is_some() || self.epoch >= self.config.epochs as u64
    }

    /// The training examples.
    pub fn train_set(&self) -> &Dataset {
        &self.train
    }

    /// The held-out test examples.
    pub fn test_set(&self) -> &Dataset {
        &self.test
    }
}

/// The learning rate of each of `epochs` epochs: `applied`, the rates given
/// to an optimizer at the start of each epoch up to the current one, then
/// the rates `schedule` (the one that steps it, now at the current epoch)
/// will give. Shared with the GPU runs, which step their own schedule.
pub fn rates_by_epoch(applied: &[f64], schedule: &Schedule, epochs: usize) -> Vec<f64> {
    let mut rates: Vec<f64> = applied.iter().copied().take(epochs).collect();
    // The current epoch's rate is the last one applied; the schedule's
    // copy starts at the next.
    rates.extend(schedule.upcoming(epochs as u64).into_iter().skip(1));
    rates
}

/// Appends softmax(logits) to `out`; a pixel whose logits overflowed gets
/// 1/C for every class (undecided) rather than NaN.
fn push_softmax(logits: &[f32], out: &mut Vec<f32>) {
    let max = logits.iter().fold(f32::NEG_INFINITY, |m, &z| m.max(z));
    let start = out.len();
    let mut sum = 0.0;
    for &z in logits {
        let e = crate::Real::exp(z - max);
        sum += e;
        out.push(e);
    }
    let undecided = 1.0 / logits.len() as f32;
    for p in &mut out[start..] {
        *p = if sum.is_finite() { *p / sum } else { undecided };
        if !p.is_finite() {
            *p = undecided;
        }
    }
}
