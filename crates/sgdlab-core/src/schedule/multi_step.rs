//! `MultiStepLR`: decay by γ at each milestone epoch.
//!
//! ```text
//! η(e) = η₀ · γ^(number of milestones m with m ≤ e)
//! ```
//!
//! Matches `torch.optim.lr_scheduler.MultiStepLR`, including a milestone
//! listed twice counting twice; the order of the list does not matter.
//! PyTorch has no default milestones; `[30, 80]` is its documentation's
//! example.

use super::{ScheduleError, invalid};
use serde::{Deserialize, Serialize};

/// The most milestones a config may list (a pasted link cannot ask for
/// millions).
pub const MAX_MILESTONES: usize = 1000;

/// `torch.optim.lr_scheduler.MultiStepLR`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MultiStepLr {
    /// Epochs at which the rate is multiplied by γ. Defaults to `[30, 80]`.
    pub milestones: Vec<u64>,
    /// Factor applied at each milestone. Defaults to `0.1`.
    pub gamma: f64,
}

impl Default for MultiStepLr {
    fn default() -> Self {
        Self {
            milestones: vec![30, 80],
            gamma: 0.1,
        }
    }
}

impl MultiStepLr {
    pub fn validate(&self) -> Result<(), ScheduleError> {
        if self.milestones.len() > MAX_MILESTONES {
            return Err(invalid(
                "multi_step",
                "milestones",
                &format!("a list of at most {MAX_MILESTONES} epochs"),
                format!("{} of them", self.milestones.len()),
            ));
        }
        if !(self.gamma > 0.0 && self.gamma.is_finite()) {
            return Err(invalid(
                "multi_step",
                "gamma",
                "a finite number > 0",
                self.gamma,
            ));
        }
        Ok(())
    }

    /// η(e) for base rate `base_lr`.
    pub fn lr(&self, base_lr: f64, epoch: u64) -> f64 {
        let passed = self.milestones.iter().filter(|&&m| m <= epoch).count();
        base_lr * libm::pow(self.gamma, passed as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decays_at_each_milestone_in_any_order_with_repeats() {
        let schedule = MultiStepLr {
            milestones: vec![4, 2, 4],
            gamma: 0.5,
        };
        let lrs: Vec<f64> = (0..6).map(|e| schedule.lr(1.0, e)).collect();
        assert_eq!(lrs, [1.0, 1.0, 0.5, 0.5, 0.125, 0.125]);
    }

    #[test]
    fn rejects_bad_gamma_and_huge_lists() {
        let err = MultiStepLr {
            gamma: -1.0,
            ..MultiStepLr::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "multi_step: `gamma` must be a finite number > 0, got -1"
        );
        assert!(
            MultiStepLr {
                milestones: vec![1; MAX_MILESTONES + 1],
                gamma: 0.1
            }
            .validate()
            .is_err()
        );
    }
}
