//! `CosineAnnealingLR`: half a cosine from η₀ down to η_min over T_max epochs.
//!
//! ```text
//! η(e) = η_min + (η₀ − η_min) · (1 + cos(π·e / T_max)) / 2
//! ```
//!
//! Matches the closed form of `torch.optim.lr_scheduler.CosineAnnealingLR`
//! (PyTorch's `step()` uses a recursive form with the same values). As in
//! PyTorch, the formula keeps going after T_max: the rate climbs back to η₀
//! by 2·T_max. Set T_max to the length of the run to anneal once. PyTorch
//! has no default T_max; 100 is a typical run length here.

use super::{ScheduleError, invalid};
use serde::{Deserialize, Serialize};

/// `torch.optim.lr_scheduler.CosineAnnealingLR`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CosineAnnealingLr {
    /// Epochs from η₀ to η_min. Defaults to `100`.
    #[serde(rename = "T_max", alias = "t_max")]
    pub t_max: u64,
    /// The lowest rate. Defaults to `0`.
    pub eta_min: f64,
}

impl Default for CosineAnnealingLr {
    fn default() -> Self {
        Self {
            t_max: 100,
            eta_min: 0.0,
        }
    }
}

impl CosineAnnealingLr {
    pub fn validate(&self) -> Result<(), ScheduleError> {
        if self.t_max == 0 {
            return Err(invalid(
                "cosine_annealing",
                "T_max",
                "a whole number ≥ 1",
                0,
            ));
        }
        if !(self.eta_min >= 0.0 && self.eta_min.is_finite()) {
            return Err(invalid(
                "cosine_annealing",
                "eta_min",
                "a finite number ≥ 0",
                self.eta_min,
            ));
        }
        Ok(())
    }

    /// η(e) for base rate `base_lr`.
    pub fn lr(&self, base_lr: f64, epoch: u64) -> f64 {
        let angle = std::f64::consts::PI * epoch as f64 / self.t_max as f64;
        self.eta_min + (base_lr - self.eta_min) * (1.0 + libm::cos(angle)) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goes_from_base_to_eta_min_through_the_midpoint() {
        let schedule = CosineAnnealingLr {
            t_max: 10,
            eta_min: 0.1,
        };
        assert_eq!(schedule.lr(1.0, 0), 1.0);
        assert!((schedule.lr(1.0, 5) - 0.55).abs() < 1e-15);
        assert_eq!(schedule.lr(1.0, 10), 0.1);
        assert!((schedule.lr(1.0, 15) - 0.55).abs() < 1e-15);
        assert_eq!(schedule.lr(1.0, 20), 1.0);
    }

    #[test]
    fn rejects_zero_t_max_and_negative_eta_min() {
        let err = CosineAnnealingLr {
            t_max: 0,
            eta_min: 0.0,
        }
        .validate()
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "cosine_annealing: `T_max` must be a whole number ≥ 1, got 0"
        );
        assert!(
            CosineAnnealingLr {
                t_max: 5,
                eta_min: -1.0
            }
            .validate()
            .is_err()
        );
    }
}
