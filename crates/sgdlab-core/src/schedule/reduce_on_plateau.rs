//! `ReduceLROnPlateau`: cut the rate when a watched metric stops improving.
//!
//! ```text
//! after each epoch, given the metric x:
//!   improved ← x < best·(1 − τ)   (mode min, threshold_mode rel; τ = threshold)
//!              x < best − τ        (min, abs)
//!              x > best·(1 + τ)    (max, rel)
//!              x > best + τ        (max, abs)
//!   if improved: best ← x, bad ← 0   else bad ← bad + 1
//!   if cooling down: cooldown ← cooldown − 1, bad ← 0
//!   if bad > patience:
//!     η_new ← max(η·factor, min_lr);  η ← η_new if η − η_new > eps
//!     cooldown ← cooldown_epochs, bad ← 0
//! ```
//!
//! Matches `torch.optim.lr_scheduler.ReduceLROnPlateau` (names, defaults,
//! order of the tests above). `best` starts at +∞ (min) or −∞ (max), so the
//! first metric always counts as an improvement; a NaN metric never does.

use super::{ScheduleError, invalid};
use serde::{Deserialize, Serialize};

/// Whether the watched metric should go down (a loss) or up (an accuracy).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Min,
    Max,
}

/// Whether `threshold` is relative to `best` or in the metric's units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThresholdMode {
    Rel,
    Abs,
}

/// Settings of `torch.optim.lr_scheduler.ReduceLROnPlateau`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReduceLrOnPlateauConfig {
    /// Defaults to `min`.
    pub mode: Mode,
    /// Multiplies the rate at each reduction, in [0, 1). Defaults to `0.1`.
    pub factor: f64,
    /// Epochs without improvement tolerated before a reduction. Defaults to `10`.
    pub patience: u64,
    /// Smallest change that counts as an improvement. Defaults to `1e-4`.
    pub threshold: f64,
    /// Defaults to `rel`.
    pub threshold_mode: ThresholdMode,
    /// Epochs to wait after a reduction before counting again. Defaults to `0`.
    pub cooldown: u64,
    /// The rate is never cut below this. Defaults to `0`.
    pub min_lr: f64,
    /// Cuts smaller than this are skipped. Defaults to `1e-8`.
    pub eps: f64,
}

impl Default for ReduceLrOnPlateauConfig {
    fn default() -> Self {
        Self {
            mode: Mode::Min,
            factor: 0.1,
            patience: 10,
            threshold: 1e-4,
            threshold_mode: ThresholdMode::Rel,
            cooldown: 0,
            min_lr: 0.0,
            eps: 1e-8,
        }
    }
}

impl ReduceLrOnPlateauConfig {
    pub fn validate(&self) -> Result<(), ScheduleError> {
        const NAME: &str = "reduce_on_plateau";
        if !(self.factor >= 0.0 && self.factor < 1.0) {
            // PyTorch: "Factor should be < 1.0."
            return Err(invalid(NAME, "factor", "a number in [0, 1)", self.factor));
        }
        for (key, value) in [
            ("threshold", self.threshold),
            ("min_lr", self.min_lr),
            ("eps", self.eps),
        ] {
            if !(value >= 0.0 && value.is_finite()) {
                return Err(invalid(NAME, key, "a finite number ≥ 0", value));
            }
        }
        Ok(())
    }
}

/// A running `ReduceLROnPlateau`: its settings and what it has seen.
#[derive(Clone, Debug, PartialEq)]
pub struct ReduceLrOnPlateau {
    pub config: ReduceLrOnPlateauConfig,
    lr: f64,
    best: f64,
    bad_epochs: u64,
    cooldown_left: u64,
}

impl ReduceLrOnPlateau {
    /// Starts at `base_lr` with nothing seen. `config` must be valid.
    pub fn new(config: ReduceLrOnPlateauConfig, base_lr: f64) -> Self {
        let best = match config.mode {
            Mode::Min => f64::INFINITY,
            Mode::Max => f64::NEG_INFINITY,
        };
        Self {
            config,
            lr: base_lr,
            best,
            bad_epochs: 0,
            cooldown_left: 0,
        }
    }

    /// The current learning rate.
    pub fn lr(&self) -> f64 {
        self.lr
    }

    /// The best metric so far.
    pub fn best(&self) -> f64 {
        self.best
    }

    /// Epochs since the last improvement (reset by a reduction or cooldown).
    pub fn bad_epochs(&self) -> u64 {
        self.bad_epochs
    }

    /// Records the metric of the epoch that just ended, cutting the rate if
    /// it has stalled for more than `patience` epochs.
    pub fn observe(&mut self, metric: f64) {
        if self.is_better(metric) {
            self.best = metric;
            self.bad_epochs = 0;
        } else {
            self.bad_epochs += 1;
        }
        if self.cooldown_left > 0 {
            self.cooldown_left -= 1;
            self.bad_epochs = 0;
        }
        if self.bad_epochs > self.config.patience {
            let reduced = (self.lr * self.config.factor).max(self.config.min_lr);
            if self.lr - reduced > self.config.eps {
                self.lr = reduced;
            }
            self.cooldown_left = self.config.cooldown;
            self.bad_epochs = 0;
        }
    }

    fn is_better(&self, metric: f64) -> bool {
        let (best, threshold) = (self.best, self.config.threshold);
        match (self.config.mode, self.config.threshold_mode) {
            (Mode::Min, ThresholdMode::Rel) => metric < best * (1.0 - threshold),
            (Mode::Min, ThresholdMode::Abs) => metric < best - threshold,
            (Mode::Max, ThresholdMode::Rel) => metric > best * (threshold + 1.0),
            (Mode::Max, ThresholdMode::Abs) => metric > best + threshold,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lrs(config: ReduceLrOnPlateauConfig, metrics: &[f64]) -> Vec<f64> {
        let mut plateau = ReduceLrOnPlateau::new(config, 1.0);
        metrics
            .iter()
            .map(|&m| {
                plateau.observe(m);
                plateau.lr()
            })
            .collect()
    }

    #[test]
    fn cuts_after_patience_epochs_without_improvement() {
        let config = ReduceLrOnPlateauConfig {
            patience: 2,
            factor: 0.5,
            ..ReduceLrOnPlateauConfig::default()
        };
        // Improves, then stalls: the 3rd bad epoch (> patience) cuts.
        let got = lrs(config, &[1.0, 0.5, 0.5, 0.6, 0.5, 0.5, 0.5, 0.5]);
        assert_eq!(got, [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25]);
    }

    #[test]
    fn relative_threshold_ignores_tiny_improvements() {
        let config = ReduceLrOnPlateauConfig {
            patience: 0,
            threshold: 0.1,
            ..ReduceLrOnPlateauConfig::default()
        };
        // 0.95 is not below 1·(1 − 0.1): no improvement, cut at once.
        assert_eq!(lrs(config, &[1.0, 0.95]), [1.0, 0.1]);
    }

    #[test]
    fn max_mode_cooldown_and_min_lr() {
        let config = ReduceLrOnPlateauConfig {
            mode: Mode::Max,
            threshold_mode: ThresholdMode::Abs,
            threshold: 0.0,
            patience: 0,
            cooldown: 2,
            min_lr: 0.05,
            ..ReduceLrOnPlateauConfig::default()
        };
        // Accuracy stalls at 0.8: cut, two cooldown epochs, cut, then floor.
        let got = lrs(config, &[0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8]);
        assert_eq!(got, [1.0, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05]);
    }

    #[test]
    fn rejects_bad_settings() {
        for factor in [1.0, -0.1, f64::NAN] {
            let config = ReduceLrOnPlateauConfig {
                factor,
                ..ReduceLrOnPlateauConfig::default()
            };
            assert!(config.validate().is_err(), "factor {factor}");
        }
        let config = ReduceLrOnPlateauConfig {
            min_lr: -1.0,
            ..ReduceLrOnPlateauConfig::default()
        };
        assert_eq!(
            config.validate().unwrap_err().to_string(),
            "reduce_on_plateau: `min_lr` must be a finite number ≥ 0, got -1"
        );
    }
}
