//! `StepLR`: decay by γ every `step_size` epochs.
//!
//! ```text
//! η(e) = η₀ · γ^⌊e / step_size⌋
//! ```
//!
//! Matches `torch.optim.lr_scheduler.StepLR`. PyTorch has no default for
//! `step_size`; 30 is the value in its documentation's example.

use super::{ScheduleError, invalid};
use serde::{Deserialize, Serialize};

/// `torch.optim.lr_scheduler.StepLR`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StepLr {
    /// Epochs between two decays. Defaults to `30`.
    pub step_size: u64,
    /// Factor applied at each decay. Defaults to `0.1`.
    pub gamma: f64,
}

impl Default for StepLr {
    fn default() -> Self {
        Self {
            step_size: 30,
            gamma: 0.1,
        }
    }
}

impl StepLr {
    pub fn validate(&self) -> Result<(), ScheduleError> {
        if self.step_size == 0 {
            return Err(invalid("step", "step_size", "a whole number ≥ 1", 0));
        }
        if !(self.gamma > 0.0 && self.gamma.is_finite()) {
            return Err(invalid("step", "gamma", "a finite number > 0", self.gamma));
        }
        Ok(())
    }

    /// η(e) for base rate `base_lr`.
    pub fn lr(&self, base_lr: f64, epoch: u64) -> f64 {
        base_lr * libm::pow(self.gamma, (epoch / self.step_size) as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decays_every_step_size_epochs() {
        let schedule = StepLr {
            step_size: 3,
            gamma: 0.5,
        };
        let lrs: Vec<f64> = (0..8).map(|e| schedule.lr(2.0, e)).collect();
        assert_eq!(lrs, [2.0, 2.0, 2.0, 1.0, 1.0, 1.0, 0.5, 0.5]);
    }

    #[test]
    fn rejects_zero_step_size_and_bad_gamma() {
        assert!(
            StepLr {
                step_size: 0,
                gamma: 0.1
            }
            .validate()
            .is_err()
        );
        for gamma in [0.0, -0.5, f64::NAN, f64::INFINITY] {
            let err = StepLr {
                step_size: 1,
                gamma,
            }
            .validate()
            .unwrap_err();
            assert!(
                err.to_string().starts_with("step: `gamma` must be"),
                "{err}"
            );
        }
    }
}
