//! `ExponentialLR`: decay by γ every epoch.
//!
//! ```text
//! η(e) = η₀ · γ^e
//! ```
//!
//! Matches `torch.optim.lr_scheduler.ExponentialLR` (PyTorch multiplies by γ
//! once per step; the closed form agrees to rounding). PyTorch has no
//! default γ; 0.95 here halves the rate about every 14 epochs.

use super::{ScheduleError, invalid};
use serde::{Deserialize, Serialize};

/// `torch.optim.lr_scheduler.ExponentialLR`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExponentialLr {
    /// Factor applied every epoch. Defaults to `0.95`.
    pub gamma: f64,
}

impl Default for ExponentialLr {
    fn default() -> Self {
        Self { gamma: 0.95 }
    }
}

impl ExponentialLr {
    pub fn validate(&self) -> Result<(), ScheduleError> {
        if !(self.gamma > 0.0 && self.gamma.is_finite()) {
            return Err(invalid(
                "exponential",
                "gamma",
                "a finite number > 0",
                self.gamma,
            ));
        }
        Ok(())
    }

    /// η(e) for base rate `base_lr`.
    pub fn lr(&self, base_lr: f64, epoch: u64) -> f64 {
        base_lr * libm::pow(self.gamma, epoch as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multiplies_by_gamma_every_epoch() {
        let schedule = ExponentialLr { gamma: 0.5 };
        let lrs: Vec<f64> = (0..4).map(|e| schedule.lr(4.0, e)).collect();
        assert_eq!(lrs, [4.0, 2.0, 1.0, 0.5]);
    }

    #[test]
    fn rejects_non_positive_gamma() {
        assert!(ExponentialLr { gamma: 0.0 }.validate().is_err());
        assert!(ExponentialLr { gamma: 1.5 }.validate().is_ok());
    }
}
