//! The lab's runs: one optimizer each, trained side by side on the same
//! data from the same initial weights ([`Trainer::side_by_side`]), with the
//! curve points recorded every half epoch.
//!
//! Curves are recorded at step counts fixed by the config (every half
//! epoch, and where a run ends), never by timing, so a link reproduces the
//! same curves on any machine. A run that diverges stops with the last
//! finite weights and says "diverged at step k"; its curve ends there (no
//! NaN is ever recorded).

use super::gpu::GpuRun;
use serde::Serialize;
use sgdlab_core::link::{FieldError, format_number};
use sgdlab_core::train::{Metrics, TrainConfig, Trainer};

/// One point of a run's curves.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub(crate) struct Record {
    pub step: u64,
    /// Steps divided by batches per epoch.
    pub epoch: f64,
    pub train_loss: f64,
    pub test_loss: Option<f64>,
    pub train_acc: f64,
    pub test_acc: Option<f64>,
}

/// One optimizer's run and its curves.
pub(crate) struct Run {
    pub trainer: Trainer,
    pub color: &'static str,
    pub history: Vec<Record>,
    /// Set when this run trains on the GPU; `trainer` then only holds the
    /// data and the weights last read back (for the boundary).
    pub gpu: Option<GpuRun>,
}

impl Run {
    pub fn new(config: &TrainConfig, color: &'static str) -> Result<Self, FieldError> {
        let trainer = Trainer::new(config).map_err(|e| FieldError::new("link", e.to_string()))?;
        let mut run = Self {
            trainer,
            color,
            history: Vec::new(),
            gpu: None,
        };
        run.record();
        Ok(run)
    }

    /// Records the curve point of the trainer's current step.
    pub fn record(&mut self) {
        let metrics = self.trainer.evaluate();
        let steps = self.trainer.steps();
        self.push(steps, metrics);
    }

    /// Adds the curve point of step `steps` (replacing one already there).
    pub fn push(&mut self, steps: u64, metrics: Metrics) {
        let per_epoch = self.trainer.batches_per_epoch().max(1) as f64;
        if self.history.last().is_some_and(|r| r.step == steps) {
            self.history.pop();
        }
        self.history.push(Record {
            step: steps,
            epoch: steps as f64 / per_epoch,
            train_loss: metrics.train_loss,
            test_loss: metrics.test_loss,
            train_acc: metrics.train_acc,
            test_acc: metrics.test_acc,
        });
    }

    /// One CPU step; a curve point every half epoch and where the run ends.
    pub fn step_cpu(&mut self) {
        if self.gpu.is_some() || self.trainer.finished() {
            return;
        }
        let stepped = self.trainer.step().is_ok();
        let every = (self.trainer.batches_per_epoch() / 2).max(1) as u64;
        if !stepped || self.trainer.steps().is_multiple_of(every) || self.trainer.finished() {
            self.record();
        }
    }

    /// "adam (lr 0.01)".
    pub fn label(&self) -> String {
        let config = self.trainer.config();
        let lr = config
            .optimizer
            .build(config.seed)
            .map(|o| o.lr())
            .unwrap_or(f64::NAN);
        format!(
            "{} (lr {})",
            self.trainer.optimizer().name(),
            format_number(lr)
        )
    }

    pub fn steps(&self) -> u64 {
        self.gpu
            .as_ref()
            .map_or(self.trainer.steps(), GpuRun::steps)
    }

    pub fn epoch(&self) -> u64 {
        self.gpu
            .as_ref()
            .map_or(self.trainer.epoch(), GpuRun::epoch)
    }

    pub fn lr(&self) -> f64 {
        self.gpu.as_ref().map_or(self.trainer.lr(), GpuRun::lr)
    }

    pub fn finished(&self) -> bool {
        self.gpu
            .as_ref()
            .map_or(self.trainer.finished(), GpuRun::finished)
    }

    pub fn stopped(&self) -> bool {
        self.trainer.diverged().is_some()
            || self.gpu.as_ref().is_some_and(|g| g.stopped().is_some())
    }

    pub fn stop_message(&self) -> Option<String> {
        if let Some(message) = self.gpu.as_ref().and_then(GpuRun::stopped) {
            return Some(message.to_string());
        }
        self.trainer.diverged().map(|d| {
            format!(
                "diverged at step {} (epoch {}): {}",
                d.step, d.epoch, d.reason
            )
        })
    }

    pub fn backend(&self) -> &'static str {
        if self.gpu.is_some() { "gpu" } else { "cpu" }
    }
}
