//! [`ModeConnectivity`]: two networks trained from different seeds on one
//! dataset, the loss along the line between them, a Bézier bend trained
//! to remove the barrier, and the loss along the curve.
//!
//! ```text
//! phase       units of work (one per `step`)                       what it does
//! endpoints   2 × epochs × ⌈n_train/B⌉, alternating w₁, w₂         Adam on minibatches of each
//! line        points                                               L, accuracy at λ(tₖ), tₖ = k/(points − 1)
//! bend        bend steps                                           θ ← Adam(θ, 2t(1 − t)·∇L_B(φ(t))), t ~ U[0, 1]
//! curve       points                                               L, accuracy at φ(tₖ)
//! ```
//!
//! **Seeds.** The data (and its train/test split) come from the link's
//! seed, so both networks see the very same examples. Each endpoint draws
//! its initial weights and its shuffles from its own named streams of that
//! seed; the bend draws its minibatches and its t from two more. Nothing
//! else differs between the endpoints.
//!
//! **The bend's objective.** Garipov et al. train θ to minimise
//! E_{t∼U[0,1]} L(φ(t)), the loss averaged along the curve, by stochastic
//! gradient steps with one fresh t per minibatch. With the endpoints held
//! fixed, ∂φ/∂θ = 2t(1 − t)·I, so the minibatch gradient with respect to θ
//! is 2t(1 − t)·∇L_B(φ(t)): the network's ordinary gradient at the point
//! φ(t), scaled. θ starts at the midpoint (w₁ + w₂)/2, where the curve is
//! the line.
//!
//! **Why Adam for the bend.** The factor 2t(1 − t) varies from 0 to ½ from
//! one step to the next, and a network's layers have gradients of very
//! different sizes; Adam divides each coordinate by its running RMS, so the
//! step size depends on neither, and one learning rate serves every
//! dataset and width the link allows. (Garipov et al. used SGD with
//! momentum and a tuned schedule for their much larger networks.) The
//! endpoints use Adam too, as the training lab does by default.
//!
//! **Barrier.** For a path γ with γ(0) = w₁ and γ(1) = w₂, the barrier is
//! maxₜ [L(γ(t)) − ((1 − t)·L(w₁) + t·L(w₂))], the most the loss rises
//! above the straight interpolation of the endpoints' losses (Frankle et
//! al. 2020), measured on the t grid.
//!
//! References: T. Garipov, P. Izmailov, D. Podoprikhin, D. Vetrov and
//! A. G. Wilson, "Loss Surfaces, Mode Connectivity, and Fast Ensembling of
//! DNNs", NeurIPS 2018; F. Draxler et al., "Essentially No Barriers in
//! Neural Network Energy Landscape", ICML 2018.

use super::bezier::{Plane, bezier_weights, curve_point, line_point};
use super::config::ModeConnectivityConfig;
use crate::SeededRng;
use crate::data::Dataset;
use crate::link::format_number;
use crate::optim::{Optimizer, StepInput};
use crate::playground::FieldError;
use crate::surfaces::ViewBox;
use crate::train::{MlpSpec, OptimizerChoice, Workspace};
use serde::Serialize;
use std::fmt::Write;
use std::ops::Range;

/// Examples per forward pass when evaluating.
const EVAL_ROWS: usize = 256;

/// Where the run is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Training the two endpoints.
    Endpoints,
    /// Evaluating the straight line between them.
    Line,
    /// Training the bend θ.
    Bend,
    /// Evaluating the curve.
    Curve,
    /// Everything is done.
    Done,
}

/// Loss and accuracy of one network on both sets.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PathPoint {
    /// Where on the path, in [0, 1].
    pub t: f64,
    /// Mean cross-entropy over the training set.
    pub train_loss: f64,
    /// Share of the training set classified correctly.
    pub train_acc: f64,
    /// The same on the test set; `None` when it is empty.
    pub test_loss: Option<f64>,
    pub test_acc: Option<f64>,
}

/// One trained network's figures.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct EndpointReport {
    pub train_loss: f64,
    pub test_loss: Option<f64>,
    pub train_acc: f64,
    pub test_acc: Option<f64>,
}

/// The figures of one path, over the t grid.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PathReport {
    /// The largest training loss along the path.
    pub max_train_loss: f64,
    /// The t where it occurs.
    pub t_at_max: f64,
    /// The largest test loss, when there is a test set.
    pub max_test_loss: Option<f64>,
    /// The largest rise of the training loss above the straight
    /// interpolation of the endpoints' losses.
    pub barrier: f64,
    /// The mean training loss over the grid.
    pub mean_train_loss: f64,
    /// The lowest training accuracy along the path.
    pub min_train_acc: f64,
}

/// The JSON figures of a run (the CLI contract's `mode-connectivity` entry).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModeConnectivityReport {
    /// w₁ and w₂, once the line has been evaluated.
    pub endpoints: Vec<EndpointReport>,
    /// The straight line, once evaluated.
    pub line: Option<PathReport>,
    /// The trained curve, once evaluated.
    pub curve: Option<PathReport>,
    /// Where the run is.
    pub phase: Phase,
    /// Units of work done and in all.
    pub steps: usize,
    pub total_steps: usize,
    /// Why the run stopped early, if it did.
    pub stopped: Option<String>,
}

/// Plane coordinates of the three points that span it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PlanePoints {
    /// w₁, at the origin.
    pub w1: [f64; 2],
    /// w₂, on the first axis.
    pub w2: [f64; 2],
    /// θ.
    pub bend: [f64; 2],
}

impl PlanePoints {
    /// The curve φ(t) in plane coordinates (the 2-D Bézier of the three).
    pub fn curve(&self, t: f64) -> [f64; 2] {
        let [a, b, c] = bezier_weights(t);
        [0, 1].map(|k| a * self.w1[k] + b * self.bend[k] + c * self.w2[k])
    }

    /// A view of the plane holding the three points (so both paths) with a
    /// margin of a fifth of the larger span on every side.
    pub fn view_box(&self) -> ViewBox {
        let xs = [self.w1[0], self.w2[0], self.bend[0]];
        let ys = [self.w1[1], self.w2[1], self.bend[1]];
        let low = |v: [f64; 3]| v.into_iter().fold(f64::INFINITY, f64::min);
        let high = |v: [f64; 3]| v.into_iter().fold(f64::NEG_INFINITY, f64::max);
        let span = (high(xs) - low(xs)).max(high(ys) - low(ys)).max(1e-6);
        let margin = 0.2 * span;
        ViewBox {
            x_min: low(xs) - margin,
            x_max: high(xs) + margin,
            y_min: low(ys) - margin,
            y_max: high(ys) + margin,
        }
    }
}

/// A fixed set of indices visited in a fresh random order each epoch, in
/// minibatches (the last one short when B does not divide n).
struct Shuffled {
    order: Vec<usize>,
    rng: SeededRng,
    next: usize,
    batch: usize,
}

impl Shuffled {
    fn new(examples: usize, batch: usize, rng: SeededRng) -> Self {
        Self {
            order: (0..examples).collect(),
            rng,
            next: examples,
            batch,
        }
    }

    fn next_batch(&mut self) -> &[usize] {
        if self.next >= self.order.len() {
            self.rng.shuffle(&mut self.order);
            self.next = 0;
        }
        let start = self.next;
        self.next = (start + self.batch).min(self.order.len());
        &self.order[start..self.next]
    }
}

/// One network being trained.
struct Endpoint {
    params: Vec<f32>,
    optimizer: Box<dyn Optimizer<f32>>,
    batches: Shuffled,
    /// The minibatch loss of every step.
    losses: Vec<f32>,
}

/// The experiment.
pub struct ModeConnectivity {
    config: ModeConnectivityConfig,
    spec: MlpSpec,
    layers: Vec<Range<usize>>,
    train: Dataset,
    test: Dataset,
    train_features: Vec<f32>,
    test_features: Vec<f32>,
    endpoints: [Endpoint; 2],
    bend: Vec<f32>,
    bend_optimizer: Box<dyn Optimizer<f32>>,
    bend_batches: Shuffled,
    bend_draws: SeededRng,
    /// (t, minibatch loss at φ(t)) of every bend step.
    bend_losses: Vec<(f64, f32)>,
    workspace: Workspace,
    eval_workspace: Workspace,
    /// Scratch: a point on a path, a gradient, the weights before an
    /// update, a minibatch's labels.
    point: Vec<f32>,
    grad: Vec<f32>,
    backup: Vec<f32>,
    labels: Vec<usize>,
    ts: Vec<f64>,
    line: Vec<PathPoint>,
    curve: Vec<PathPoint>,
    endpoint_steps: usize,
    units: usize,
    stopped: Option<String>,
}

/// A 53-bit seed for a named sub-task, so that the network's own
/// `init_parameters(seed)` can be given a different seed per endpoint.
fn stream_seed(seed: u64, stream: &str) -> u64 {
    (SeededRng::derive(seed, stream).uniform() * (1u64 << 53) as f64) as u64
}

impl ModeConnectivity {
    /// Generates the data and both initial networks. Nothing is trained yet.
    pub fn new(config: &ModeConnectivityConfig) -> Result<Self, FieldError> {
        config.validate()?;
        let split = config
            .dataset_config()
            .generate_split()
            .map_err(|e| FieldError::new("data", e.to_string()))?;
        let spec = config.mlp_spec();
        let adam = |lr: f64| {
            OptimizerChoice::new("adam", serde_json::json!({ "lr": lr }))
                .build(config.seed)
                .map_err(|e| FieldError::new("lr", e.to_string()))
        };
        let n_train = split.train.len();
        let endpoint = |k: usize| -> Result<Endpoint, FieldError> {
            let init = stream_seed(config.seed, &format!("mode_connectivity/endpoint {k}/init"));
            let shuffle = SeededRng::derive(
                config.seed,
                &format!("mode_connectivity/endpoint {k}/shuffle"),
            );
            Ok(Endpoint {
                params: spec.init_parameters(init),
                optimizer: adam(config.lr)?,
                batches: Shuffled::new(n_train, config.batch_size, shuffle),
                losses: Vec::with_capacity(config.epochs * n_train.div_ceil(config.batch_size)),
            })
        };
        let endpoints = [endpoint(0)?, endpoint(1)?];
        let midpoint = midpoint(&endpoints[0].params, &endpoints[1].params);
        let endpoint_steps = config.epochs * n_train.div_ceil(config.batch_size);
        let parameters = spec.parameter_count();
        let points = config.points;
        let eval_rows = EVAL_ROWS.min(split.train.len().max(split.test.len()));
        Ok(Self {
            layers: spec.layers(),
            train_features: split.train.features_f32(),
            test_features: split.test.features_f32(),
            bend: midpoint,
            bend_optimizer: adam(config.bend_lr)?,
            bend_batches: Shuffled::new(
                n_train,
                config.batch_size,
                SeededRng::derive(config.seed, "mode_connectivity/bend/shuffle"),
            ),
            bend_draws: SeededRng::derive(config.seed, "mode_connectivity/bend/t"),
            bend_losses: Vec::with_capacity(config.bend_steps),
            workspace: Workspace::new(&spec, config.batch_size),
            eval_workspace: Workspace::new(&spec, eval_rows),
            point: vec![0.0; parameters],
            grad: vec![0.0; parameters],
            backup: vec![0.0; parameters],
            labels: Vec::with_capacity(config.batch_size),
            ts: (0..points)
                .map(|k| k as f64 / (points - 1) as f64)
                .collect(),
            line: Vec::with_capacity(points),
            curve: Vec::with_capacity(points),
            endpoint_steps,
            units: 0,
            stopped: None,
            endpoints,
            train: split.train,
            test: split.test,
            spec,
            config: config.clone(),
        })
    }

    /// Does up to `n` more units of work: optimizer steps or evaluations
    /// (see the module docs), fewer at the end or when the run stops.
    pub fn step(&mut self, n: usize) {
        for _ in 0..n {
            if self.finished() {
                return;
            }
            match self.phase() {
                Phase::Endpoints => self.train_endpoint(self.units % 2),
                Phase::Line => self.evaluate_line(),
                Phase::Bend => self.train_bend(),
                Phase::Curve => self.evaluate_curve(),
                Phase::Done => return,
            }
            if self.stopped.is_none() {
                self.units += 1;
            }
        }
    }

    fn train_endpoint(&mut self, k: usize) {
        let endpoint = &mut self.endpoints[k];
        let batch = endpoint.batches.next_batch();
        load_batch(
            &mut self.workspace,
            &self.train_features,
            &self.train.labels,
            batch,
            &mut self.labels,
        );
        let loss = self
            .workspace
            .loss_and_gradient(&endpoint.params, &self.labels, &mut self.grad);
        let step = endpoint.losses.len() + 1;
        if let Err(reason) = apply(
            endpoint.optimizer.as_mut(),
            &mut endpoint.params,
            &self.grad,
            &self.layers,
            loss,
            &mut self.backup,
        ) {
            self.stopped = Some(format!(
                "network {} stopped at step {step}: {reason}; try a smaller learning rate (lr)",
                k + 1
            ));
            return;
        }
        endpoint.losses.push(loss);
    }

    fn evaluate_line(&mut self) {
        let k = self.line.len();
        if k == 0 {
            // The bend starts where the curve is the line.
            self.bend = midpoint(&self.endpoints[0].params, &self.endpoints[1].params);
        }
        let t = self.ts[k];
        line_point(
            &self.endpoints[0].params,
            &self.endpoints[1].params,
            t,
            &mut self.point,
        );
        let point = self.measure_point(t);
        self.line.push(point);
    }

    fn train_bend(&mut self) {
        let t = self.bend_draws.uniform();
        let batch = self.bend_batches.next_batch();
        load_batch(
            &mut self.workspace,
            &self.train_features,
            &self.train.labels,
            batch,
            &mut self.labels,
        );
        let loss = bend_loss_and_gradient(
            &mut self.workspace,
            &self.labels,
            [&self.endpoints[0].params, &self.endpoints[1].params],
            &self.bend,
            t,
            &mut self.point,
            &mut self.grad,
        );
        let step = self.bend_losses.len() + 1;
        if let Err(reason) = apply(
            self.bend_optimizer.as_mut(),
            &mut self.bend,
            &self.grad,
            &self.layers,
            loss,
            &mut self.backup,
        ) {
            self.stopped = Some(format!(
                "the bend stopped at step {step}: {reason}; try a smaller learning rate (blr)"
            ));
            return;
        }
        self.bend_losses.push((t, loss));
    }

    fn evaluate_curve(&mut self) {
        let t = self.ts[self.curve.len()];
        curve_point(
            &self.endpoints[0].params,
            &self.bend,
            &self.endpoints[1].params,
            t,
            &mut self.point,
        );
        let point = self.measure_point(t);
        self.curve.push(point);
    }

    /// Loss and accuracy of the network in `self.point` on both sets.
    fn measure_point(&mut self, t: f64) -> PathPoint {
        let (train_loss, train_acc) = measure(
            &mut self.eval_workspace,
            &self.point,
            &self.train_features,
            &self.train.labels,
        );
        let (test_loss, test_acc) = if self.test.is_empty() {
            (None, None)
        } else {
            let (loss, acc) = measure(
                &mut self.eval_workspace,
                &self.point,
                &self.test_features,
                &self.test.labels,
            );
            (Some(loss), Some(acc))
        };
        PathPoint {
            t,
            train_loss,
            train_acc,
            test_loss,
            test_acc,
        }
    }

    /// Which phase the next unit of work belongs to.
    pub fn phase(&self) -> Phase {
        let points = self.config.points;
        let mut u = self.units;
        for (phase, length) in [
            (Phase::Endpoints, 2 * self.endpoint_steps),
            (Phase::Line, points),
            (Phase::Bend, self.config.bend_steps),
            (Phase::Curve, points),
        ] {
            if u < length {
                return phase;
            }
            u -= length;
        }
        Phase::Done
    }

    /// The share of the run done, in [0, 1].
    pub fn progress(&self) -> f64 {
        self.units as f64 / self.total_steps() as f64
    }

    /// Units of work done.
    pub fn step_count(&self) -> usize {
        self.units
    }

    /// Units of work of the whole run:
    /// 2 × epochs × ⌈n_train/B⌉ + points + bend steps + points.
    pub fn total_steps(&self) -> usize {
        2 * self.endpoint_steps + 2 * self.config.points + self.config.bend_steps
    }

    /// Whether everything has run, or the run stopped.
    pub fn finished(&self) -> bool {
        self.stopped.is_some() || self.units >= self.total_steps()
    }

    /// Why the run stopped early, if it did.
    pub fn stopped(&self) -> Option<&str> {
        self.stopped.as_deref()
    }

    /// The settings of this run.
    pub fn config(&self) -> &ModeConnectivityConfig {
        &self.config
    }

    /// The network's shape.
    pub fn spec(&self) -> &MlpSpec {
        &self.spec
    }

    /// The training examples (shared by every network).
    pub fn train_set(&self) -> &Dataset {
        &self.train
    }

    /// The held-out examples.
    pub fn test_set(&self) -> &Dataset {
        &self.test
    }

    /// The weights of w₁ (`k` = 0) or w₂ (`k` = 1), as trained so far.
    pub fn endpoint(&self, k: usize) -> &[f32] {
        &self.endpoints[k].params
    }

    /// The minibatch loss of every training step of endpoint `k`.
    pub fn endpoint_losses(&self, k: usize) -> &[f32] {
        &self.endpoints[k].losses
    }

    /// θ: the midpoint of the endpoints until the bend trains (of the
    /// trained ones once they are done), then as trained.
    pub fn bend(&self) -> &[f32] {
        &self.bend
    }

    /// (t, minibatch loss at φ(t)) of every bend step so far.
    pub fn bend_losses(&self) -> &[(f64, f32)] {
        &self.bend_losses
    }

    /// The t grid of the evaluations.
    pub fn ts(&self) -> &[f64] {
        &self.ts
    }

    /// The line's evaluations so far, in order of t.
    pub fn line(&self) -> &[PathPoint] {
        &self.line
    }

    /// The curve's evaluations so far, in order of t.
    pub fn curve(&self) -> &[PathPoint] {
        &self.curve
    }

    /// The orthonormal frame of the plane through w₁, w₂ and θ now.
    pub fn plane(&self) -> Plane {
        Plane::through(
            &self.endpoints[0].params,
            &self.endpoints[1].params,
            &self.bend,
            self.config.seed,
        )
    }

    /// Where w₁, w₂ and θ sit in `plane`.
    pub fn plane_points(&self, plane: &Plane) -> PlanePoints {
        PlanePoints {
            w1: plane.coordinates(&self.endpoints[0].params),
            w2: plane.coordinates(&self.endpoints[1].params),
            bend: plane.coordinates(&self.bend),
        }
    }

    /// Appends the training loss at the pixel centres of rows `rows` of a
    /// `width × height` grid over `view` in `plane` (row 0 at the top,
    /// largest second coordinate), so a widget can fill the heatmap a few
    /// rows per frame. Each value costs one pass over the training set.
    pub fn plane_loss_rows(
        &mut self,
        plane: &Plane,
        view: &ViewBox,
        width: usize,
        height: usize,
        rows: Range<usize>,
        out: &mut Vec<f64>,
    ) {
        for row in rows.start..rows.end.min(height) {
            let b = view.y_max - (row as f64 + 0.5) / height as f64 * (view.y_max - view.y_min);
            for col in 0..width {
                let a = view.x_min + (col as f64 + 0.5) / width as f64 * (view.x_max - view.x_min);
                plane.point([a, b], &mut self.point);
                let (loss, _) = measure(
                    &mut self.eval_workspace,
                    &self.point,
                    &self.train_features,
                    &self.train.labels,
                );
                out.push(loss);
            }
        }
    }

    /// The whole `width × height` training-loss grid over `view` in `plane`.
    pub fn plane_loss_grid(
        &mut self,
        plane: &Plane,
        view: &ViewBox,
        width: usize,
        height: usize,
    ) -> Vec<f64> {
        let mut out = Vec::with_capacity(width * height);
        self.plane_loss_rows(plane, view, width, height, 0..height, &mut out);
        out
    }

    /// The figures so far.
    pub fn report(&self) -> ModeConnectivityReport {
        let complete =
            |path: &[PathPoint]| (path.len() == self.config.points).then(|| path_report(path));
        let endpoints = match (self.line.first(), self.line.last()) {
            (Some(first), Some(last)) if self.line.len() == self.config.points => [first, last]
                .map(|p| EndpointReport {
                    train_loss: p.train_loss,
                    test_loss: p.test_loss,
                    train_acc: p.train_acc,
                    test_acc: p.test_acc,
                })
                .to_vec(),
            _ => Vec::new(),
        };
        ModeConnectivityReport {
            endpoints,
            line: complete(&self.line),
            curve: complete(&self.curve),
            phase: self.phase(),
            steps: self.units,
            total_steps: self.total_steps(),
            stopped: self.stopped.clone(),
        }
    }

    /// One row per t: loss and accuracy on both sets, along the line and
    /// along the curve; a value not measured (yet, or without a test set)
    /// is left empty.
    pub fn csv(&self) -> String {
        let mut out = String::from(
            "t,line_train_loss,line_test_loss,line_train_acc,line_test_acc,\
             curve_train_loss,curve_test_loss,curve_train_acc,curve_test_acc\n",
        );
        let field = |value: Option<f64>| value.map(format_number).unwrap_or_default();
        for (k, &t) in self.ts.iter().enumerate() {
            let _ = write!(out, "{}", format_number(t));
            for path in [&self.line, &self.curve] {
                let p = path.get(k);
                let _ = write!(
                    out,
                    ",{},{},{},{}",
                    field(p.map(|p| p.train_loss)),
                    field(p.and_then(|p| p.test_loss)),
                    field(p.map(|p| p.train_acc)),
                    field(p.and_then(|p| p.test_acc))
                );
            }
            out.push('\n');
        }
        out
    }
}

/// (w₁ + w₂)/2, where the Bézier curve is the straight line.
fn midpoint(w1: &[f32], w2: &[f32]) -> Vec<f32> {
    w1.iter()
        .zip(w2)
        .map(|(&a, &b)| 0.5 * a + 0.5 * b)
        .collect()
}

/// Loads the examples `batch` of a set into `workspace`, and their labels
/// into `labels`.
fn load_batch(
    workspace: &mut Workspace,
    features: &[f32],
    all_labels: &[usize],
    batch: &[usize],
    labels: &mut Vec<usize>,
) {
    workspace.gather_inputs(features, batch);
    labels.clear();
    labels.extend(batch.iter().map(|&i| all_labels[i]));
}

/// The bend's minibatch loss L_B(φ(t)) and its gradient with respect to θ,
/// 2t(1 − t)·∇L_B(φ(t)), for the batch loaded in `workspace` (with
/// `labels`), endpoints `[w₁, w₂]` and bend θ. `point` receives φ(t) and
/// `grad` the gradient.
pub fn bend_loss_and_gradient(
    workspace: &mut Workspace,
    labels: &[usize],
    [w1, w2]: [&[f32]; 2],
    bend: &[f32],
    t: f64,
    point: &mut [f32],
    grad: &mut [f32],
) -> f32 {
    curve_point(w1, bend, w2, t, point);
    let loss = workspace.loss_and_gradient(point, labels, grad);
    let scale = bezier_weights(t)[1] as f32;
    for g in grad.iter_mut() {
        *g *= scale;
    }
    loss
}

/// One optimizer step, or why it cannot be taken (the loss, the gradient
/// or the new weights not finite); the weights are unchanged on failure.
/// `backup` (as long as `params`) holds them during the step.
fn apply(
    optimizer: &mut dyn Optimizer<f32>,
    params: &mut [f32],
    grad: &[f32],
    layers: &[Range<usize>],
    loss: f32,
    backup: &mut [f32],
) -> Result<(), String> {
    if !loss.is_finite() {
        return Err("the minibatch loss is not a finite number".into());
    }
    if !grad.iter().all(|g| g.is_finite()) {
        return Err("the gradient is not finite".into());
    }
    let input = StepInput::gradient(grad).with_layers(layers);
    backup.copy_from_slice(params);
    optimizer
        .step(params, &input)
        .map_err(|e| format!("the optimizer failed: {e}"))?;
    if params.iter().all(|p| p.is_finite()) {
        Ok(())
    } else {
        params.copy_from_slice(backup);
        Err("the update made a weight infinite or NaN".into())
    }
}

/// Mean cross-entropy and accuracy of `params` over a set (features
/// row-major, two per example), in chunks of the workspace's capacity.
fn measure(
    workspace: &mut Workspace,
    params: &[f32],
    features: &[f32],
    labels: &[usize],
) -> (f64, f64) {
    let chunk = workspace.capacity();
    let mut loss = 0.0;
    let mut correct = 0;
    for (x, y) in features.chunks(2 * chunk).zip(labels.chunks(chunk)) {
        workspace.set_inputs(x);
        workspace.forward(params);
        let (l, c) = workspace.loss_and_correct(y);
        loss += l;
        correct += c;
    }
    let n = labels.len() as f64;
    (loss / n, correct as f64 / n)
}

/// The figures of a fully evaluated path.
fn path_report(path: &[PathPoint]) -> PathReport {
    let (first, last) = (path[0].train_loss, path[path.len() - 1].train_loss);
    let mut worst = path[0];
    let mut barrier: f64 = 0.0;
    for p in path {
        if p.train_loss > worst.train_loss {
            worst = *p;
        }
        barrier = barrier.max(p.train_loss - ((1.0 - p.t) * first + p.t * last));
    }
    let max_test_loss = path.iter().filter_map(|p| p.test_loss).reduce(f64::max);
    PathReport {
        max_train_loss: worst.train_loss,
        t_at_max: worst.t,
        max_test_loss,
        barrier,
        mean_train_loss: path.iter().map(|p| p.train_loss).sum::<f64>() / path.len() as f64,
        min_train_acc: path.iter().map(|p| p.train_acc).fold(1.0, f64::min),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_epoch_visits_every_example_once() {
        let mut batches = Shuffled::new(10, 4, SeededRng::new(1));
        for _ in 0..3 {
            let mut seen: Vec<usize> = Vec::new();
            for size in [4, 4, 2] {
                let batch = batches.next_batch();
                assert_eq!(batch.len(), size);
                seen.extend_from_slice(batch);
            }
            seen.sort_unstable();
            assert_eq!(seen, (0..10).collect::<Vec<_>>());
        }
    }

    #[test]
    fn the_barrier_is_measured_above_the_endpoints_interpolation() {
        let point = |t: f64, train_loss: f64| PathPoint {
            t,
            train_loss,
            train_acc: 1.0 - train_loss,
            test_loss: None,
            test_acc: None,
        };
        let path = [point(0.0, 0.2), point(0.5, 0.5), point(1.0, 0.4)];
        let report = path_report(&path);
        assert_eq!(report.max_train_loss, 0.5);
        assert_eq!(report.t_at_max, 0.5);
        assert!((report.barrier - 0.2).abs() < 1e-15);
        assert_eq!(report.max_test_loss, None);
        assert_eq!(report.min_train_acc, 0.5);
    }
}
