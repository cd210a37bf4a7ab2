//! Synchronous data-parallel SGD with M simulated workers, run beside one
//! worker with the M-times larger batch, to show that the two are the same
//! algorithm, and the two ways of getting it wrong.
//!
//! ```text
//! data        n points of a 2-D set, shuffled each epoch with the seed; global batch G = M·B
//! worker m    takes the m-th slice of B examples of each global batch (every M-th batch of B)
//!             and computes its mean gradient gₘ = (1/B)·Σ_{i∈Bₘ} ∇ℓᵢ(θ)
//! all-reduce  g = (1/M)·Σₘ gₘ = (1/G)·Σ_{i∈B} ∇ℓᵢ(θ)        (reduce = mean)
//! update      θ ← SGD step with g, once, the same on every worker
//! reference   one worker with batch G on the same order: the same g up to float rounding
//! ```
//!
//! Both runs start from the same weights and use the same shuffling seed,
//! so their parameters may differ only by the order in which the f32 sums
//! are formed (the M partial sums of B, then their mean, against one sum of
//! G). The engine measures max |θ_M − θ_G| after every step; its largest
//! value over the run is `max_abs_diff`. With one worker it is exactly 0.
//!
//! **Pitfall 1, separate seeds** (`shared_seed = false`): each worker
//! shuffles with its own seed, so the shards no longer partition one global
//! batch: some examples are seen twice in a step and others not at all, the
//! averaged gradient is a different estimate, and the two runs drift apart
//! to the size of the weights themselves.
//!
//! **Pitfall 2, summing** (`reduce = sum`): g = Σₘ gₘ is M times the mean,
//! so the step is M times larger. For SGD without momentum (and with it:
//! the buffer is linear in g) this is exactly the mean run at learning rate
//! M·η, which is why the linear scaling rule has to be applied knowingly
//! rather than by accident.
//!
//! The model is the training lab's MLP ([`crate::train`]) in f32, with its
//! allocation-free forward and backward passes ([`Workspace`]); the
//! optimizer is `torch.optim.SGD` ([`Sgd`]). The lab's network keeps the
//! experiment honest (a real nonconvex model, real f32 rounding) and is
//! small enough here (at most two hidden layers of 32) that a widget steps
//! both runs in well under a millisecond. [`wall_clock`] adds a model of
//! the time per step and the speed-up it predicts against M.
//!
//! A run whose loss or weights stop being finite (too large a rate, as the
//! sum pitfall invites) stops at that step with the last finite weights.
//!
//! Reference: Goyal et al., "Accurate, Large Minibatch SGD: Training
//! ImageNet in 1 Hour" (2017), section 3, for the equivalence and its
//! pitfalls.

pub mod config;
pub mod wall_clock;

pub use config::{DataParallelConfig, REDUCE_NAMES, Reduce};
pub use wall_clock::{SpeedupPoint, WallClock};

use crate::data::DatasetConfig;
use crate::data::sampler::{MinibatchSampler, SamplerConfig, SamplingOrder};
use crate::link::format_number;
use crate::optim::sgd::{Sgd, SgdConfig};
use crate::optim::{Optimizer, StepInput};
use crate::playground::FieldError;
use crate::train::Workspace;
use serde::Serialize;

/// The most samples the drawn series keeps (plus the start and the last step).
pub const MAX_POINTS: u64 = 1000;

/// Examples per forward pass when measuring the loss over the whole set.
const EVAL_ROWS: usize = 256;

/// Where and why the run stopped early.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunStop {
    /// The step that failed, from 1; both runs keep the weights before it.
    pub step: u64,
    pub reason: String,
}

/// The state after `step` steps, as the drawn series keeps it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sample {
    /// Steps taken (0 is the start).
    pub step: u64,
    /// Passes over the data so far.
    pub epoch: f64,
    /// The M-worker run's minibatch loss, averaged over the steps since the
    /// previous sample (its full-data loss at the start).
    pub workers_loss: f64,
    /// The same for the batch-M·B run.
    pub single_loss: f64,
    /// max |θ_M − θ_G| at this step.
    pub diff: f64,
    /// The largest of those so far.
    pub max_abs_diff: f64,
}

/// The JSON figures of the view.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DataParallelReport {
    /// M.
    pub workers: usize,
    /// B, per worker.
    pub batch_size: usize,
    /// M·B.
    pub global_batch: usize,
    pub shared_seed: bool,
    /// `mean` or `sum`.
    pub reduce: &'static str,
    pub lr: f64,
    pub momentum: f64,
    /// Steps taken.
    pub steps: u64,
    /// The length of the run, epochs × ⌊n/(M·B)⌋.
    pub total_steps: u64,
    /// The largest max |θ_M − θ_G| over the steps taken.
    pub max_abs_diff: f64,
    /// The largest |θ_G| over the steps taken, to judge `max_abs_diff` by.
    pub parameter_scale: f64,
    /// max |θ_M − θ_G| at the last step taken.
    pub final_diff: f64,
    /// Mean cross-entropy over the whole set with the M-worker weights;
    /// `None` when it overflows (only a diverged run's weights are so large).
    pub workers_loss: Option<f64>,
    /// The same with the batch-M·B weights.
    pub single_loss: Option<f64>,
    /// Set when the run stopped early.
    pub stopped: Option<RunStop>,
    /// The wall-clock model's step time and speed-up for M = 1 … 16 at
    /// this run's global batch.
    pub speedup: Vec<SpeedupPoint>,
}

/// One worker's sampler and the current epoch's global batches it drew.
#[derive(Clone, Debug)]
struct Shuffler {
    sampler: MinibatchSampler,
    epoch_batches: Vec<Vec<usize>>,
}

impl Shuffler {
    fn new(config: SamplerConfig, examples: usize, seed: u64) -> Result<Self, FieldError> {
        let sampler = MinibatchSampler::new(config, examples, seed)
            .map_err(|e| FieldError::new("b", e.to_string()))?;
        let epoch_batches = sampler.epoch_batches(0);
        Ok(Self {
            sampler,
            epoch_batches,
        })
    }
}

/// The seed worker `m` shuffles with when the seed is not shared.
fn worker_seed(seed: u64, worker: usize) -> u64 {
    seed ^ (0x9e37_79b9_7f4a_7c15_u64.wrapping_mul(worker as u64 + 1))
}

/// The two runs, stepped together a few steps at a time.
pub struct DataParallel {
    config: DataParallelConfig,
    features: Vec<f32>,
    labels: Vec<usize>,
    /// The shared shuffle (one entry), or each worker's own (M entries).
    worker_shuffles: Vec<Shuffler>,
    single_shuffle: Shuffler,
    batches_per_epoch: usize,
    total: u64,
    stride: u64,
    step: u64,
    workers_params: Vec<f32>,
    single_params: Vec<f32>,
    /// Both parameter vectors before the last step, put back on divergence.
    previous: (Vec<f32>, Vec<f32>),
    workers_optimizer: Sgd<f32>,
    single_optimizer: Sgd<f32>,
    worker_workspace: Workspace,
    single_workspace: Workspace,
    worker_grad: Vec<f32>,
    reduced_grad: Vec<f32>,
    single_grad: Vec<f32>,
    batch_labels: Vec<usize>,
    /// Σ of the minibatch losses since the last sample, and their count.
    window: (f64, f64, u64),
    diff: f64,
    max_abs_diff: f64,
    parameter_scale: f64,
    stopped: Option<RunStop>,
    samples: Vec<Sample>,
}

fn max_abs(values: &[f32]) -> f64 {
    values.iter().fold(0.0, |m, &v| m.max(f64::from(v.abs())))
}

fn max_abs_difference(a: &[f32], b: &[f32]) -> f64 {
    a.iter()
        .zip(b)
        .fold(0.0, |m, (&x, &y)| m.max(f64::from((x - y).abs())))
}

impl DataParallel {
    /// Both runs at their shared initial weights, before the first step.
    pub fn new(config: &DataParallelConfig) -> Result<Self, FieldError> {
        config.validate()?;
        let data = DatasetConfig {
            dataset: config.dataset,
            samples: config.samples,
            noise: config.noise,
            test_fraction: 0.0,
            seed: config.seed,
        }
        .generate()
        .map_err(|e| FieldError::new("data", e.to_string()))?;
        let n = data.len();
        let (m, b) = (config.workers, config.batch_size);
        let sharded = SamplerConfig {
            order: SamplingOrder::Shuffle,
            batch_size: b,
            drop_last: true,
            workers: m,
        };
        let worker_shuffles = if config.shared_seed {
            vec![Shuffler::new(sharded.clone(), n, config.seed)?]
        } else {
            (0..m)
                .map(|w| Shuffler::new(sharded.clone(), n, worker_seed(config.seed, w)))
                .collect::<Result<_, _>>()?
        };
        let single = SamplerConfig {
            batch_size: m * b,
            workers: 1,
            ..sharded
        };
        let single_shuffle = Shuffler::new(single, n, config.seed)?;
        let batches_per_epoch = single_shuffle.sampler.batches_per_epoch();
        let total = (config.epochs * batches_per_epoch) as u64;
        let stride = total.div_ceil(MAX_POINTS).max(1);
        let sgd = || {
            Sgd::new(SgdConfig {
                lr: config.lr,
                momentum: config.momentum,
                ..SgdConfig::default()
            })
            .map_err(|e| FieldError::new("lr", e.to_string()))
        };
        let spec = config.mlp_spec();
        let params = spec.init_parameters(config.seed);
        let count = params.len();
        let mut run = Self {
            config: config.clone(),
            features: data.features_f32(),
            labels: data.labels.clone(),
            worker_shuffles,
            single_shuffle,
            batches_per_epoch,
            total,
            stride,
            step: 0,
            workers_params: params.clone(),
            single_params: params,
            previous: (vec![0.0; count], vec![0.0; count]),
            workers_optimizer: sgd()?,
            single_optimizer: sgd()?,
            worker_workspace: Workspace::new(&spec, b),
            single_workspace: Workspace::new(&spec, m * b),
            worker_grad: vec![0.0; count],
            reduced_grad: vec![0.0; count],
            single_grad: vec![0.0; count],
            batch_labels: Vec::with_capacity(m * b),
            window: (0.0, 0.0, 0),
            diff: 0.0,
            max_abs_diff: 0.0,
            parameter_scale: 0.0,
            stopped: None,
            samples: Vec::with_capacity((total / stride + 2) as usize),
        };
        run.parameter_scale = max_abs(&run.single_params);
        // The initial weights are drawn within ±√6, so this loss is finite.
        let loss = run.full_loss(&run.single_params).unwrap_or(f64::MAX);
        run.samples.push(Sample {
            step: 0,
            epoch: 0.0,
            workers_loss: loss,
            single_loss: loss,
            diff: 0.0,
            max_abs_diff: 0.0,
        });
        Ok(run)
    }

    /// Mean cross-entropy over the whole set with `params`, if finite.
    fn full_loss(&self, params: &[f32]) -> Option<f64> {
        let rows = EVAL_ROWS.min(self.labels.len());
        let mut workspace = Workspace::new(&self.config.mlp_spec(), rows);
        let mut total = 0.0;
        for (inputs, labels) in self.features.chunks(2 * rows).zip(self.labels.chunks(rows)) {
            workspace.set_inputs(inputs);
            workspace.forward(params);
            total += workspace.loss_and_correct(labels).0;
        }
        let mean = total / self.labels.len() as f64;
        mean.is_finite().then_some(mean)
    }

    /// The full-data losses of the M-worker and the batch-M·B weights;
    /// `None` where the loss overflows.
    pub fn full_losses(&self) -> (Option<f64>, Option<f64>) {
        (
            self.full_loss(&self.workers_params),
            self.full_loss(&self.single_params),
        )
    }

    /// One step of both runs; the loss of each (`None` once stopped).
    fn step_once(&mut self) -> Option<(f32, f32)> {
        let k = (self.step % self.batches_per_epoch as u64) as usize;
        if k == 0 && self.step > 0 {
            let epoch = self.step / self.batches_per_epoch as u64;
            for shuffle in self
                .worker_shuffles
                .iter_mut()
                .chain(std::iter::once(&mut self.single_shuffle))
            {
                shuffle.epoch_batches = shuffle.sampler.epoch_batches(epoch);
            }
        }
        self.previous.0.copy_from_slice(&self.workers_params);
        self.previous.1.copy_from_slice(&self.single_params);

        // The reference: one worker, batch M·B.
        let batch = &self.single_shuffle.epoch_batches[k];
        self.single_workspace.gather_inputs(&self.features, batch);
        self.batch_labels.clear();
        self.batch_labels
            .extend(batch.iter().map(|&i| self.labels[i]));
        let single_loss = self.single_workspace.loss_and_gradient(
            &self.single_params,
            &self.batch_labels,
            &mut self.single_grad,
        );

        // M workers, each on its shard, then the all-reduce.
        let workers = self.config.workers;
        self.reduced_grad.fill(0.0);
        let mut workers_loss = 0.0_f32;
        for m in 0..workers {
            let shuffle = if self.config.shared_seed {
                &self.worker_shuffles[0]
            } else {
                &self.worker_shuffles[m]
            };
            let shard = shuffle.sampler.shard(&shuffle.epoch_batches[k], m);
            self.worker_workspace.gather_inputs(&self.features, shard);
            self.batch_labels.clear();
            self.batch_labels
                .extend(shard.iter().map(|&i| self.labels[i]));
            workers_loss += self.worker_workspace.loss_and_gradient(
                &self.workers_params,
                &self.batch_labels,
                &mut self.worker_grad,
            );
            for (sum, &g) in self.reduced_grad.iter_mut().zip(&self.worker_grad) {
                *sum += g;
            }
        }
        let scale = workers as f32;
        workers_loss /= scale;
        if self.config.reduce == Reduce::Mean {
            for g in &mut self.reduced_grad {
                *g /= scale;
            }
        }

        let single = self.single_optimizer.step(
            &mut self.single_params,
            &StepInput::gradient(&self.single_grad),
        );
        let parallel = self.workers_optimizer.step(
            &mut self.workers_params,
            &StepInput::gradient(&self.reduced_grad),
        );
        let failure = match (single, parallel) {
            (Err(e), _) | (_, Err(e)) => Some(e.to_string()),
            _ if !(single_loss.is_finite() && workers_loss.is_finite()) => {
                Some("the minibatch loss overflowed".to_string())
            }
            _ if !self
                .workers_params
                .iter()
                .chain(&self.single_params)
                .all(|v| v.is_finite()) =>
            {
                Some("the weights overflowed".to_string())
            }
            _ => None,
        };
        if let Some(reason) = failure {
            self.workers_params.copy_from_slice(&self.previous.0);
            self.single_params.copy_from_slice(&self.previous.1);
            self.stopped = Some(RunStop {
                step: self.step + 1,
                reason: format!("{reason}; try a smaller learning rate"),
            });
            return None;
        }
        self.step += 1;
        Some((workers_loss, single_loss))
    }

    /// Takes up to `steps` more steps of both runs (fewer at the end, none
    /// once stopped); returns how many.
    pub fn step(&mut self, steps: u64) -> u64 {
        let mut done = 0;
        while done < steps && !self.finished() {
            let Some((workers_loss, single_loss)) = self.step_once() else {
                break;
            };
            done += 1;
            self.diff = max_abs_difference(&self.workers_params, &self.single_params);
            self.max_abs_diff = self.max_abs_diff.max(self.diff);
            self.parameter_scale = self.parameter_scale.max(max_abs(&self.single_params));
            let (w, s, count) = &mut self.window;
            *w += f64::from(workers_loss);
            *s += f64::from(single_loss);
            *count += 1;
            if self.step.is_multiple_of(self.stride) || self.step == self.total {
                self.record();
            }
        }
        done
    }

    fn record(&mut self) {
        let (w, s, count) = self.window;
        let count = count.max(1) as f64;
        self.samples.push(Sample {
            step: self.step,
            epoch: self.epochs_done(),
            workers_loss: w / count,
            single_loss: s / count,
            diff: self.diff,
            max_abs_diff: self.max_abs_diff,
        });
        self.window = (0.0, 0.0, 0);
    }

    /// Takes every remaining step.
    pub fn run_to_end(&mut self) {
        self.step(self.total - self.step);
    }

    /// Whether every step has been taken or the run stopped.
    pub fn finished(&self) -> bool {
        self.step == self.total || self.stopped.is_some()
    }

    /// The length of the run, epochs × ⌊n/(M·B)⌋ steps.
    pub fn total_steps(&self) -> u64 {
        self.total
    }

    /// Steps taken so far.
    pub fn steps_taken(&self) -> u64 {
        self.step
    }

    /// Passes over the data so far.
    pub fn epochs_done(&self) -> f64 {
        self.step as f64 / self.batches_per_epoch as f64
    }

    pub fn config(&self) -> &DataParallelConfig {
        &self.config
    }

    /// The M-worker run's parameters (laid out as in [`MlpSpec::layers`](crate::train::MlpSpec::layers)).
    pub fn workers_params(&self) -> &[f32] {
        &self.workers_params
    }

    /// The batch-M·B run's parameters.
    pub fn single_params(&self) -> &[f32] {
        &self.single_params
    }

    /// The data: features (n × 2, row-major) and labels.
    pub fn data(&self) -> (&[f32], &[usize]) {
        (&self.features, &self.labels)
    }

    /// max |θ_M − θ_G| now.
    pub fn diff(&self) -> f64 {
        self.diff
    }

    /// The largest max |θ_M − θ_G| so far.
    pub fn max_abs_diff(&self) -> f64 {
        self.max_abs_diff
    }

    /// The largest |θ_G| so far, to judge the difference by.
    pub fn parameter_scale(&self) -> f64 {
        self.parameter_scale
    }

    /// Where and why the run stopped early, if it did.
    pub fn stopped(&self) -> Option<&RunStop> {
        self.stopped.as_ref()
    }

    /// The wall-clock model of the config.
    pub fn wall_clock(&self) -> WallClock {
        WallClock {
            compute_ms: self.config.compute_ms,
            allreduce_ms: self.config.allreduce_ms,
            latency_ms: self.config.latency_ms,
        }
    }

    /// The thinned series: the start, every k-th step (k = ⌈T/[`MAX_POINTS`]⌉)
    /// and the last step taken.
    pub fn samples(&self) -> &[Sample] {
        &self.samples
    }

    /// The view's JSON figures after the steps taken so far (this measures
    /// both losses over the whole set).
    pub fn report(&self) -> DataParallelReport {
        let (workers_loss, single_loss) = self.full_losses();
        let c = &self.config;
        DataParallelReport {
            workers: c.workers,
            batch_size: c.batch_size,
            global_batch: c.global_batch_size(),
            shared_seed: c.shared_seed,
            reduce: c.reduce.name(),
            lr: c.lr,
            momentum: c.momentum,
            steps: self.step,
            total_steps: self.total,
            max_abs_diff: self.max_abs_diff,
            parameter_scale: self.parameter_scale,
            final_diff: self.diff,
            workers_loss,
            single_loss,
            stopped: self.stopped.clone(),
            speedup: self
                .wall_clock()
                .speedup_series(c.global_batch_size(), config::MAX_WORKERS),
        }
    }

    /// The thinned series as CSV: `step,epoch,workers_loss,single_loss,diff,max_abs_diff`.
    pub fn csv(&self) -> String {
        let mut out = String::from("step,epoch,workers_loss,single_loss,diff,max_abs_diff\n");
        for s in &self.samples {
            out.push_str(&s.step.to_string());
            for value in [
                s.epoch,
                s.workers_loss,
                s.single_loss,
                s.diff,
                s.max_abs_diff,
            ] {
                out.push(',');
                out.push_str(&format_number(value));
            }
            out.push('\n');
        }
        out
    }
}
