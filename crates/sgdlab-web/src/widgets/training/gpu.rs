//! The training lab on WebGPU: one [`MlpTrainer`] per optimizer, fed from
//! the CPU [`Trainer`] of the same run (data split, initial weights,
//! optimizer settings, seeded minibatches, per-epoch schedule), as
//! `sgdlab train --backend gpu` does natively.
//!
//! Nothing here ever waits for the GPU. Each frame:
//! - [`GpuRun::poll`] picks up the readbacks that have completed (the
//!   browser maps buffers between frames), oldest first;
//! - [`GpuRun::submit`] queues the next steps once the previous submission
//!   has finished (`on_submitted_work_done`) and few readbacks are in
//!   flight, so work never piles up ahead of a slow (software) adapter.
//!
//! Loss, accuracy and the weights are read back only at the steps where
//! the CPU path records a curve point ([`super::runs::records_at`]: every
//! half epoch, at each epoch's end), never every step. The weights go into
//! the CPU trainer, so the boundary drawing stays on the CPU.

use super::runs::records_at;
use sgdlab_core::data::sampler::MinibatchSampler;
use sgdlab_core::schedule::Schedule;
use sgdlab_core::train::{Metrics, Trainer, rates_by_epoch};
use sgdlab_gpu::{
    Activation, Examples, GpuContext, GpuError, GpuOptimizer, MlpSpec, MlpTrainer, Pending, Split,
    TrainerSetup,
};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Readbacks that may be in flight per run before submitting pauses.
const MAX_READBACKS: usize = 4;

/// A WebGPU device for the lab, opened by [`super::backend`]. It remembers
/// the first trouble its callbacks report (device lost, an uncaptured
/// error), which makes the lab fall back to the CPU on its next frame.
pub(crate) struct GpuDevice {
    pub(crate) context: GpuContext,
    trouble: Arc<Mutex<Option<Trouble>>>,
}

/// What went wrong with a device: a headline and the browser's details.
pub(crate) type Trouble = (String, String);

impl GpuDevice {
    /// Watches `context` for a lost device and uncaptured errors.
    #[cfg(target_arch = "wasm32")]
    pub(crate) fn watch(context: GpuContext) -> Self {
        let trouble = Arc::new(Mutex::new(None));
        let lost = Arc::clone(&trouble);
        context
            .device
            .set_device_lost_callback(move |reason, message| {
                note(
                    &lost,
                    "the GPU device was lost",
                    format!("{reason:?}: {message}"),
                );
            });
        let errors = Arc::clone(&trouble);
        context
            .device
            .on_uncaptured_error(Arc::new(move |error: wgpu::Error| {
                note(&errors, "the GPU reported an error", error.to_string());
            }));
        Self { context, trouble }
    }

    /// What went wrong with the device since it was opened, if anything.
    pub(crate) fn trouble(&self) -> Option<Trouble> {
        self.trouble.lock().ok().and_then(|t| t.clone())
    }

    /// Destroys the device (what a lost device looks like), for tests.
    pub(crate) fn destroy(&self) {
        self.context.device.destroy();
    }
}

#[cfg(target_arch = "wasm32")]
fn note(trouble: &Mutex<Option<Trouble>>, headline: &str, detail: String) {
    if let Ok(mut slot) = trouble.lock() {
        slot.get_or_insert((headline.to_string(), detail));
    }
}

/// A readback slot: the request, then its value once it arrived.
struct Slot<T> {
    pending: Option<Pending<T>>,
    value: Option<T>,
}

impl<T> Slot<T> {
    fn new(pending: Pending<T>) -> Self {
        Self {
            pending: Some(pending),
            value: None,
        }
    }

    /// Whether the value is here (taking it from the GPU if it just came).
    fn ready(&mut self, context: &GpuContext) -> Result<bool, GpuError> {
        if let Some(pending) = &mut self.pending {
            match pending.try_take(context) {
                None => return Ok(false),
                Some(result) => {
                    self.value = Some(result?);
                    self.pending = None;
                }
            }
        }
        Ok(true)
    }
}

/// What was read back at one step.
struct Readback {
    step: u64,
    train: Slot<sgdlab_gpu::Metrics>,
    test: Option<Slot<sgdlab_gpu::Metrics>>,
    params: Slot<Vec<f32>>,
    /// The epoch's mean minibatch loss, for `reduce_on_plateau`.
    epoch_loss: Option<Slot<sgdlab_gpu::Metrics>>,
}

impl Readback {
    fn ready(&mut self, context: &GpuContext) -> Result<bool, GpuError> {
        let mut all = self.train.ready(context)? & self.params.ready(context)?;
        if let Some(test) = &mut self.test {
            all &= test.ready(context)?;
        }
        if let Some(loss) = &mut self.epoch_loss {
            all &= loss.ready(context)?;
        }
        Ok(all)
    }
}

/// A curve point measured on the GPU.
pub(crate) struct Point {
    pub step: u64,
    pub metrics: Metrics,
}

/// One optimizer's run on the GPU.
pub(crate) struct GpuRun {
    context: GpuContext,
    trainer: MlpTrainer,
    sampler: MinibatchSampler,
    schedule: Schedule,
    /// The rate given to the GPU optimizer at the start of each epoch.
    epoch_lrs: Vec<f64>,
    /// Epochs of the run.
    epochs: usize,
    has_test: bool,
    per_epoch: u64,
    total_steps: u64,
    record_every: u64,
    /// Steps submitted so far.
    steps: u64,
    epoch: u64,
    batches: Vec<Vec<usize>>,
    next_batch: usize,
    readbacks: VecDeque<Readback>,
    /// Set once the last submission has finished on the GPU.
    idle: Arc<AtomicBool>,
    /// `reduce_on_plateau` needs the epoch's loss before the next epoch.
    awaiting_epoch_loss: bool,
    stopped: Option<String>,
}

impl GpuRun {
    /// The GPU twin of `cpu` (which must not have stepped yet): its data,
    /// weights, optimizer settings (the rate already scaled with the
    /// batch), batch size, sampler and schedule all come from `cpu`'s
    /// config, the lab's run config of this racer. Refuses optimizers
    /// without a GPU kernel with [`GpuError::UnsupportedOptimizer`].
    pub fn new(context: &GpuContext, cpu: &Trainer) -> Result<Self, GpuError> {
        let config = cpu.config();
        let optimizer =
            GpuOptimizer::from_config(&config.optimizer.name, cpu.optimizer().config())?;
        let cpu_spec = cpu.spec();
        let spec = MlpSpec {
            inputs: cpu_spec.inputs,
            hidden: cpu_spec.hidden.clone(),
            classes: cpu_spec.classes,
            activation: Activation::from_name(cpu_spec.activation.name())?,
        };
        let train_features = cpu.train_set().features_f32();
        let test_features = cpu.test_set().features_f32();
        let has_test = !cpu.test_set().is_empty();
        let mut trainer = MlpTrainer::new(
            context,
            TrainerSetup {
                spec,
                initial_params: cpu.params(),
                train: Examples {
                    features: &train_features,
                    labels: &cpu.train_set().labels,
                },
                test: has_test.then_some(Examples {
                    features: &test_features,
                    labels: &cpu.test_set().labels,
                }),
                optimizer,
                max_batch: config.batch_size,
            },
        )?;
        let invalid = |e: String| GpuError::InvalidData(e);
        let sampler = MinibatchSampler::with_labels(
            config.sampler_config(),
            &cpu.train_set().labels,
            config.seed,
        )
        .map_err(|e| invalid(e.to_string()))?;
        // The CPU optimizer's rate already carries the schedule's factor of
        // epoch 0 (a warm-up's start): the schedule itself holds the base.
        let schedule = cpu.schedule().clone();
        trainer.set_lr(schedule.lr())?;
        let epoch_lrs = vec![trainer.optimizer().lr()];
        let per_epoch = sampler.batches_per_epoch().max(1) as u64;
        Ok(Self {
            context: context.clone(),
            trainer,
            batches: sampler.epoch_batches(0),
            sampler,
            schedule,
            epoch_lrs,
            epochs: config.epochs,
            has_test,
            per_epoch,
            total_steps: per_epoch * config.epochs as u64,
            record_every: (per_epoch / 2).max(1),
            steps: 0,
            epoch: 0,
            next_batch: 0,
            readbacks: VecDeque::new(),
            idle: Arc::new(AtomicBool::new(true)),
            awaiting_epoch_loss: false,
            stopped: None,
        })
    }

    /// Steps submitted so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Epochs submitted so far.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// The learning rate of the next step.
    pub fn lr(&self) -> f64 {
        self.trainer.optimizer().lr()
    }

    /// The learning rate of every epoch: those given to the GPU optimizer
    /// so far, then those its schedule will give.
    pub fn lr_by_epoch(&self) -> Vec<f64> {
        rates_by_epoch(&self.epoch_lrs, &self.schedule, self.epochs)
    }

    /// Why the run stopped (it diverged), if it did.
    pub fn stopped(&self) -> Option<&str> {
        self.stopped.as_deref()
    }

    /// Every step submitted and every readback in; or stopped.
    pub fn finished(&self) -> bool {
        self.stopped.is_some() || (self.steps >= self.total_steps && self.readbacks.is_empty())
    }

    /// Whether readbacks are still on their way.
    pub fn busy(&self) -> bool {
        !self.readbacks.is_empty()
    }

    /// Picks up the readbacks that have arrived, oldest first: their curve
    /// points, with the weights loaded into `cpu` (for the boundary).
    pub fn poll(&mut self, cpu: &mut Trainer) -> Result<Vec<Point>, GpuError> {
        let mut points = Vec::new();
        while let Some(front) = self.readbacks.front_mut() {
            if !front.ready(&self.context)? {
                break;
            }
            let Some(done) = self.readbacks.pop_front() else {
                break;
            };
            let train = done.train.value.unwrap_or_default();
            let test = done.test.and_then(|t| t.value);
            let params = done.params.value.unwrap_or_default();
            let finite = train.loss.is_finite()
                && test.is_none_or(|t| t.loss.is_finite())
                && params.iter().all(|p| p.is_finite());
            if !finite {
                self.stopped = Some(format!(
                    "diverged by step {} (epoch {}): the loss is no longer a finite number \
                     (the GPU run is checked every {} steps)",
                    done.step,
                    done.step.div_ceil(self.per_epoch),
                    self.record_every
                ));
                self.readbacks.clear();
                break;
            }
            if params.len() == cpu.params().len() {
                cpu.load_params(&params);
            }
            if let Some(loss) = done.epoch_loss.and_then(|l| l.value) {
                self.schedule.step_with_metric(loss.loss);
                self.trainer.set_lr(self.schedule.lr())?;
                self.epoch_lrs.push(self.trainer.optimizer().lr());
                self.awaiting_epoch_loss = false;
            }
            points.push(Point {
                step: done.step,
                metrics: Metrics {
                    train_loss: train.loss,
                    test_loss: test.map(|t| t.loss),
                    train_acc: train.accuracy,
                    test_acc: test.map(|t| t.accuracy),
                },
            });
        }
        Ok(points)
    }

    /// Queues up to `max_steps` steps, stopping early at `deadline_ms`
    /// (of [`crate::now_ms`]). Unless `force`, nothing is queued while the
    /// last submission runs or readbacks pile up; with `force` (single
    /// steps) the last step queued is read back too. Returns the steps
    /// queued.
    pub fn submit(
        &mut self,
        max_steps: u64,
        deadline_ms: f64,
        force: bool,
    ) -> Result<u64, GpuError> {
        if self.stopped.is_some() || self.awaiting_epoch_loss || self.steps >= self.total_steps {
            return Ok(0);
        }
        if !force && (!self.idle.load(Ordering::Acquire) || self.readbacks.len() >= MAX_READBACKS) {
            return Ok(0);
        }
        let mut queued = 0;
        while queued < max_steps && self.steps < self.total_steps && !self.awaiting_epoch_loss {
            let to_record = self.record_every - self.steps % self.record_every;
            let to_epoch_end = self.batches.len() - self.next_batch;
            let n = (max_steps - queued)
                .min(to_record)
                .min(to_epoch_end as u64)
                .min(self.total_steps - self.steps);
            let end = self.next_batch + n as usize;
            self.trainer
                .train_batches(&self.batches[self.next_batch..end])?;
            self.next_batch = end;
            self.steps += n;
            queued += n;
            let mut epoch_loss = None;
            if self.next_batch == self.batches.len() {
                if self.schedule.needs_metric() {
                    epoch_loss = Some(Slot::new(self.trainer.read_training_metrics()));
                    self.awaiting_epoch_loss = true;
                } else {
                    // Only reduce_on_plateau can fail to step.
                    let _ = self.schedule.step();
                    self.trainer.set_lr(self.schedule.lr())?;
                    self.epoch_lrs.push(self.trainer.optimizer().lr());
                }
                self.epoch += 1;
                self.batches = self.sampler.epoch_batches(self.epoch);
                self.next_batch = 0;
            }
            let record = records_at(self.steps, self.per_epoch as usize)
                || self.steps == self.total_steps
                || (force && queued == max_steps)
                || epoch_loss.is_some();
            if record {
                self.read_back(epoch_loss)?;
            }
            if (!force && self.readbacks.len() >= MAX_READBACKS) || crate::now_ms() >= deadline_ms {
                break;
            }
        }
        if queued > 0 {
            self.idle.store(false, Ordering::Release);
            let idle = Arc::clone(&self.idle);
            self.context
                .queue
                .on_submitted_work_done(move || idle.store(true, Ordering::Release));
        }
        Ok(queued)
    }

    fn read_back(&mut self, epoch_loss: Option<Slot<sgdlab_gpu::Metrics>>) -> Result<(), GpuError> {
        let train = Slot::new(self.trainer.evaluate(Split::Train)?);
        let test = if self.has_test {
            Some(Slot::new(self.trainer.evaluate(Split::Test)?))
        } else {
            None
        };
        let params = Slot::new(self.trainer.read_params());
        self.readbacks.push_back(Readback {
            step: self.steps,
            train,
            test,
            params,
            epoch_loss,
        });
        Ok(())
    }
}

/// The page's GPU path, driven natively (Vulkan: lavapipe in CI, as the
/// `sgdlab-gpu` tests): each racer's GPU run must take that racer's own
/// batch size and schedule, and record the curve points the CPU run
/// records, with losses within 1e-3 relative.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::widgets::training::runs::Run;
    use sgdlab_core::train::lab::LabConfig;

    #[test]
    fn each_racers_gpu_run_takes_its_own_batch_and_matches_its_cpu_run() {
        let context = pollster::block_on(GpuContext::request()).unwrap_or_else(|e| {
            panic!("{e}; natively the GPU tests need Vulkan (mesa-vulkan-drivers)")
        });
        let (lab, errors) = LabConfig::decode(
            "d=moons&n=200&h=8,8&epochs=6&b=10&scale=10&warm=2\
             &o=sgd,lr:0.05,momentum:0.9&o=sgd,lr:0.05,momentum:0.9,batch:40",
            &LabConfig::default(),
        );
        assert!(errors.is_empty(), "{errors:?}");
        for (index, batches) in [(0, 16), (1, 4)] {
            let config = lab.run_config(index);
            let label = lab.racer_label(index);
            let mut cpu = Run::new(&config, label.clone(), "#000").unwrap();
            let mut on_gpu = Run::new(&config, label.clone(), "#000").unwrap();
            let mut gpu = GpuRun::new(&context, &on_gpu.trainer).unwrap();
            assert_eq!(gpu.per_epoch, batches, "{label}: its own batch");
            assert_eq!(gpu.total_steps, 6 * batches, "{label}");
            assert_eq!(gpu.lr_by_epoch(), cpu.trainer.lr_by_epoch(), "{label}");
            while !cpu.trainer.finished() {
                cpu.step_cpu();
            }
            while !gpu.finished() {
                gpu.submit(u64::MAX, f64::INFINITY, false).unwrap();
                context
                    .device
                    .poll(wgpu::PollType::wait_indefinitely())
                    .unwrap();
                for point in gpu.poll(&mut on_gpu.trainer).unwrap() {
                    on_gpu.push(point.step, point.metrics);
                }
            }
            let points = |run: &Run| -> Vec<(u64, u64)> {
                run.history.iter().map(|r| (r.step, r.examples)).collect()
            };
            assert_eq!(points(&on_gpu), points(&cpu), "{label}: the same points");
            for (g, c) in on_gpu.history.iter().zip(&cpu.history) {
                let gap = (g.train_loss - c.train_loss).abs() / c.train_loss;
                assert!(gap <= 1e-3, "{label}: step {}: {gap:.2e}", c.step);
            }
            assert_eq!(gpu.lr_by_epoch(), cpu.trainer.lr_by_epoch(), "{label}");
        }
    }
}
