//! [`ImplicitReg`]: R seeded SGD replicas with random reshuffling, their
//! mean, and the gradient flows on L and on L̃, stepped together.
//!
//! ```text
//! replica r, epoch e:   πᵣₑ = a fresh permutation of 0..n (replica r's own stream)
//! step k (epoch e = ⌊k/m⌋, position p = k mod m, m = n/B):
//!     wᵣ ← wᵣ − η·∇L_{Bᵣ}(wᵣ),   Bᵣ = πᵣₑ[p·B .. (p+1)·B]
//! mean iterate          μ_k = (1/R)·Σᵣ wᵣ
//! flows at t = k·η      plain: dw/dt = −∇L,  modified: dw/dt = −∇L̃   (RK4, `sub` steps per η)
//! gaps                  gap_plain    = (1/E)·Σₑ ‖μ(eₘ) − w_L(eₘ·η)‖
//!                       gap_modified = (1/E)·Σₑ ‖μ(eₘ) − w_L̃(eₘ·η)‖     over the epoch ends eₘ = e·m
//! ```
//!
//! **Why epoch ends.** Expanding k steps of SGD to second order in η, the
//! expectation over the shuffle has a noise term −η²·k(k−1)/(4(n−1))·∇σ²:
//! disjoint batches of one permutation are negatively correlated, so the
//! pairs (i < j) of steps within an epoch carry the implicit regulariser.
//! The modified flow gives −(k·η)·(η/4)·c(B)·∇σ² = −η²·k(n−B)/(4B(n−1))·∇σ².
//! The two agree exactly when k − 1 = n/B − 1, at the end of an epoch, and
//! that is where Smith et al. match SGD to the modified flow. Within an epoch
//! the mean iterate runs ahead of or behind it by a term of the same order,
//! so the gaps are measured at epoch ends only (the GD part,
//! (η/4)·‖∇L‖², matches at every step).
//!
//! The mean of R replicas carries Monte-Carlo noise: its standard error,
//! √(tr Cov(w)/R), is reported beside the gaps
//! ([`ImplicitRegReport::mean_standard_error`]). A gap well above it is
//! the flow's own error; one near it is as close as R replicas can tell.

use super::config::ImplicitRegConfig;
use super::flow::GradientFlow;
use super::modified_loss::ModifiedLoss;
use crate::SeededRng;
use crate::link::format_number;
use crate::playground::FieldError;
use crate::stochastic::{EmpiricalRisk, LossSurface};
use crate::surfaces::{Surface, ViewBox};
use serde::Serialize;
use std::fmt::Write;

/// The number of replicas whose whole paths are kept for drawing.
pub const TRAILS: usize = 32;

/// The state at the end of one epoch.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Checkpoint {
    /// Epochs completed, from 1.
    pub epoch: usize,
    /// SGD steps taken.
    pub step: usize,
    /// t = step·η.
    pub time: f64,
    /// The mean iterate μ.
    pub mean: [f64; 2],
    /// The gradient flow on L at t.
    pub plain: [f64; 2],
    /// The gradient flow on L̃ at t.
    pub modified: [f64; 2],
    /// ‖μ − plain‖.
    pub distance_plain: f64,
    /// ‖μ − modified‖.
    pub distance_modified: f64,
    /// The standard error of μ, √(tr Cov(w)/R); 0 for a single replica.
    pub standard_error: f64,
}

/// The JSON figures of a run (the CLI contract's `implicit-reg` entry).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ImplicitRegReport {
    /// R.
    pub replicas: usize,
    /// The mean distance of the mean iterate from the flow on L over the
    /// epoch ends so far; `None` before the first epoch ends.
    pub gap_plain: Option<f64>,
    /// The same distance from the flow on L̃.
    pub gap_modified: Option<f64>,
    /// The mean standard error of the mean iterate over the same epoch ends.
    pub mean_standard_error: Option<f64>,
    /// SGD steps taken.
    pub steps: usize,
    /// SGD steps of the whole run.
    pub total_steps: usize,
    /// Epochs completed.
    pub epochs: usize,
    /// η.
    pub lr: f64,
    /// B.
    pub batch_size: usize,
    /// n.
    pub samples: usize,
    /// c(B) = (n − B)/(B·(n − 1)).
    pub noise_factor: f64,
    /// μ, the plain flow and the modified flow now.
    pub final_mean: [f64; 2],
    pub final_plain: [f64; 2],
    pub final_modified: [f64; 2],
    /// Why the run stopped early, if it did.
    pub stopped: Option<String>,
}

/// The experiment: replicas, their mean and the two flows.
pub struct ImplicitReg {
    config: ImplicitRegConfig,
    loss: ModifiedLoss,
    view_box: ViewBox,
    /// The minimiser of L, where it is attained.
    minimum: Option<[f64; 2]>,
    steps_per_epoch: usize,
    total_steps: usize,
    steps: usize,
    /// wᵣ, one per replica, and the buffer the next step is written to
    /// (swapped in only if every value is finite).
    positions: Vec<[f64; 2]>,
    next_positions: Vec<[f64; 2]>,
    /// Replica r's permutation of the current epoch at r·n .. (r+1)·n.
    orders: Vec<usize>,
    /// Replica r's shuffle stream.
    shuffles: Vec<SeededRng>,
    /// The paths of the first [`TRAILS`] replicas, from the start.
    trails: Vec<Vec<[f64; 2]>>,
    mean_path: Vec<[f64; 2]>,
    plain: GradientFlow,
    modified: GradientFlow,
    plain_path: Vec<[f64; 2]>,
    modified_path: Vec<[f64; 2]>,
    checkpoints: Vec<Checkpoint>,
    stopped: Option<String>,
}

impl ImplicitReg {
    /// Builds the dataset, the replicas and the flows from a checked config.
    /// Nothing is stepped yet.
    pub fn new(config: &ImplicitRegConfig) -> Result<Self, FieldError> {
        let model = config.build_model()?;
        let n = model.examples();
        let replicas = config.replicas;
        let steps_per_epoch = config.steps_per_epoch();
        let total_steps = config.total_steps();
        let shuffles = (0..replicas)
            .map(|r| SeededRng::derive(config.seed, &format!("implicit_reg/replica {r}")))
            .collect();
        let path = |start: [f64; 2]| {
            let mut path = Vec::with_capacity(total_steps + 1);
            path.push(start);
            path
        };
        let surface = LossSurface::full(model.clone(), config.start);
        Ok(Self {
            minimum: surface.minima().first().copied(),
            view_box: surface.view_box(),
            loss: ModifiedLoss::new(model, config.lr, config.batch_size),
            steps_per_epoch,
            total_steps,
            steps: 0,
            positions: vec![config.start; replicas],
            next_positions: vec![config.start; replicas],
            orders: (0..replicas).flat_map(|_| 0..n).collect(),
            shuffles,
            trails: (0..replicas.min(TRAILS))
                .map(|_| path(config.start))
                .collect(),
            mean_path: path(config.start),
            plain: GradientFlow::new(config.start),
            modified: GradientFlow::new(config.start),
            plain_path: path(config.start),
            modified_path: path(config.start),
            checkpoints: Vec::with_capacity(config.epochs),
            stopped: None,
            config: config.clone(),
        })
    }

    /// Advances every replica and both flows by up to `n` SGD steps (fewer
    /// at the end of the run or when it stops).
    pub fn step(&mut self, n: usize) {
        for _ in 0..n {
            if self.finished() {
                return;
            }
            self.step_once();
        }
    }

    fn step_once(&mut self) {
        let model = self.loss.model_arc().clone();
        let examples = model.examples();
        let batch = self.config.batch_size;
        let lr = self.config.lr;
        let position = self.steps % self.steps_per_epoch;
        if position == 0 {
            for (order, rng) in self
                .orders
                .chunks_exact_mut(examples)
                .zip(&mut self.shuffles)
            {
                rng.shuffle(order);
            }
        }
        let offset = position * batch;
        let mut sum = [0.0; 2];
        for ((next, w), order) in self
            .next_positions
            .iter_mut()
            .zip(&self.positions)
            .zip(self.orders.chunks_exact(examples))
        {
            let g = model.batch_gradient(*w, &order[offset..offset + batch]);
            *next = [w[0] - lr * g[0], w[1] - lr * g[1]];
            sum[0] += next[0];
            sum[1] += next[1];
        }
        let count = self.positions.len() as f64;
        let mean = [sum[0] / count, sum[1] / count];
        let substeps = self.config.substeps;
        let flows_before = (self.plain.clone(), self.modified.clone());
        self.plain
            .advance(lr, substeps, |w| self.loss.plain_gradient(w));
        self.modified
            .advance(lr, substeps, |w| self.loss.gradient(w));
        let plain = self.plain.position();
        let modified = self.modified.position();
        if !(finite(mean) && finite(plain) && finite(modified)) {
            // Keep the last finite state on show.
            (self.plain, self.modified) = flows_before;
            self.stopped = Some(format!(
                "stopped at step {}: {} left the finite numbers; try a smaller learning rate",
                self.steps + 1,
                if finite(mean) {
                    "a gradient flow"
                } else {
                    "an SGD replica"
                }
            ));
            return;
        }
        std::mem::swap(&mut self.positions, &mut self.next_positions);
        self.steps += 1;
        for (trail, &w) in self.trails.iter_mut().zip(&self.positions) {
            trail.push(w);
        }
        self.mean_path.push(mean);
        self.plain_path.push(plain);
        self.modified_path.push(modified);
        if self.steps.is_multiple_of(self.steps_per_epoch) {
            self.checkpoints.push(Checkpoint {
                epoch: self.steps / self.steps_per_epoch,
                step: self.steps,
                time: self.steps as f64 * lr,
                mean,
                plain,
                modified,
                distance_plain: distance(mean, plain),
                distance_modified: distance(mean, modified),
                standard_error: self.standard_error(mean),
            });
        }
    }

    /// √(tr Cov(w)/R) with the unbiased covariance; 0 for one replica.
    fn standard_error(&self, mean: [f64; 2]) -> f64 {
        let r = self.positions.len();
        if r < 2 {
            return 0.0;
        }
        let spread: f64 = self
            .positions
            .iter()
            .map(|w| {
                let (d0, d1) = (w[0] - mean[0], w[1] - mean[1]);
                d0 * d0 + d1 * d1
            })
            .sum();
        (spread / ((r - 1) as f64 * r as f64)).sqrt()
    }

    /// Whether every step has run, or the run stopped.
    pub fn finished(&self) -> bool {
        self.stopped.is_some() || self.steps >= self.total_steps
    }

    /// SGD steps taken.
    pub fn step_count(&self) -> usize {
        self.steps
    }

    /// SGD steps of the whole run, epochs × n/B.
    pub fn total_steps(&self) -> usize {
        self.total_steps
    }

    /// SGD steps per epoch, n/B.
    pub fn steps_per_epoch(&self) -> usize {
        self.steps_per_epoch
    }

    /// The time reached on the flows' axis, steps·η.
    pub fn time(&self) -> f64 {
        self.steps as f64 * self.config.lr
    }

    /// The settings of this run.
    pub fn config(&self) -> &ImplicitRegConfig {
        &self.config
    }

    /// The model on its data.
    pub fn model(&self) -> &dyn EmpiricalRisk {
        self.loss.model()
    }

    /// L̃ for this run's η and B: values, gradients and heatmap grids.
    pub fn modified_loss(&self) -> &ModifiedLoss {
        &self.loss
    }

    /// The square the stochastic view frames the same landscape in: around
    /// the minimiser of L, showing the start.
    pub fn view_box(&self) -> ViewBox {
        self.view_box
    }

    /// The minimiser of L, where it is attained.
    pub fn minimum(&self) -> Option<[f64; 2]> {
        self.minimum
    }

    /// Every replica's current parameters.
    pub fn replica_positions(&self) -> &[[f64; 2]] {
        &self.positions
    }

    /// The whole paths of the first [`TRAILS`] replicas (fewer if R is
    /// smaller), each from the start to the current step.
    pub fn trails(&self) -> &[Vec<[f64; 2]>] {
        &self.trails
    }

    /// μ at every step from 0.
    pub fn mean_path(&self) -> &[[f64; 2]] {
        &self.mean_path
    }

    /// The flow on L at t = k·η for every step k from 0.
    pub fn plain_flow_path(&self) -> &[[f64; 2]] {
        &self.plain_path
    }

    /// The flow on L̃ at t = k·η for every step k from 0.
    pub fn modified_flow_path(&self) -> &[[f64; 2]] {
        &self.modified_path
    }

    /// The state at each completed epoch's end.
    pub fn checkpoints(&self) -> &[Checkpoint] {
        &self.checkpoints
    }

    /// Why the run stopped early, if it did.
    pub fn stopped(&self) -> Option<&str> {
        self.stopped.as_deref()
    }

    /// The figures of the run so far.
    pub fn report(&self) -> ImplicitRegReport {
        let mean_of = |value: fn(&Checkpoint) -> f64| {
            (!self.checkpoints.is_empty()).then(|| {
                self.checkpoints.iter().map(value).sum::<f64>() / self.checkpoints.len() as f64
            })
        };
        ImplicitRegReport {
            replicas: self.config.replicas,
            gap_plain: mean_of(|c| c.distance_plain),
            gap_modified: mean_of(|c| c.distance_modified),
            mean_standard_error: mean_of(|c| c.standard_error),
            steps: self.steps,
            total_steps: self.total_steps,
            epochs: self.checkpoints.len(),
            lr: self.config.lr,
            batch_size: self.config.batch_size,
            samples: self.config.samples,
            noise_factor: self.loss.noise_factor(),
            final_mean: self.mean_path[self.mean_path.len() - 1],
            final_plain: self.plain.position(),
            final_modified: self.modified.position(),
            stopped: self.stopped.clone(),
        }
    }

    /// One row per step from 0: the mean iterate, both flows at t = k·η and
    /// the distances; `epoch_end` is 1 on the rows where the gaps are
    /// measured.
    pub fn csv(&self) -> String {
        let mut out = String::from(
            "step,t,epoch_end,mean_1,mean_2,plain_1,plain_2,modified_1,modified_2,\
             distance_plain,distance_modified\n",
        );
        let rows = self
            .mean_path
            .iter()
            .zip(&self.plain_path)
            .zip(&self.modified_path)
            .enumerate();
        for (k, ((&mean, &plain), &modified)) in rows {
            let epoch_end = k > 0 && k.is_multiple_of(self.steps_per_epoch);
            let numbers = [
                k as f64 * self.config.lr,
                f64::from(u8::from(epoch_end)),
                mean[0],
                mean[1],
                plain[0],
                plain[1],
                modified[0],
                modified[1],
                distance(mean, plain),
                distance(mean, modified),
            ];
            let _ = write!(out, "{k}");
            for value in numbers {
                let _ = write!(out, ",{}", format_number(value));
            }
            out.push('\n');
        }
        out
    }
}

fn finite(w: [f64; 2]) -> bool {
    w[0].is_finite() && w[1].is_finite()
}

fn distance(a: [f64; 2], b: [f64; 2]) -> f64 {
    libm::hypot(a[0] - b[0], a[1] - b[1])
}
