//! Linear warm-up, multiplied onto any other schedule.
//!
//! ```text
//! w(e) = s + (1 − s) · min(e, N) / N        (s = start_factor, N = total_iters)
//! η(e) = w(e) · η_inner(e)
//! ```
//!
//! The factor w climbs linearly from s to 1 over the first N epochs, then
//! stays at 1; it multiplies whatever the wrapped schedule gives at the same
//! epoch. This is PyTorch's `ChainedScheduler([LinearLR(start_factor=s,
//! total_iters=N), inner])`, and it is Goyal et al.'s recipe (2017): the
//! inner schedule counts epochs from the start of training, so a step decay
//! at epoch 30 stays at epoch 30 whatever the warm-up length. (The other
//! option, PyTorch's `SequentialLR`, would start the inner schedule's clock
//! only after the warm-up.)
//!
//! Defaults are `LinearLR`'s: s = 1/3, N = 5. With a large batch, warm up
//! from a small s to the rate given by the [linear scaling
//! rule](super::linear_scaling_rule).

use super::{ScheduleConfig, ScheduleError, invalid};
use serde::{Deserialize, Serialize};

/// Linear warm-up (`torch.optim.lr_scheduler.LinearLR` with `end_factor` 1)
/// over another schedule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LinearWarmup {
    /// The factor at epoch 0, in (0, 1]. Defaults to `1/3`.
    pub start_factor: f64,
    /// Epochs to reach factor 1. Defaults to `5`.
    pub total_iters: u64,
    /// The schedule the factor multiplies. Defaults to `constant`.
    pub schedule: Box<ScheduleConfig>,
}

impl Default for LinearWarmup {
    fn default() -> Self {
        Self {
            start_factor: 1.0 / 3.0,
            total_iters: 5,
            schedule: Box::new(ScheduleConfig::Constant),
        }
    }
}

impl LinearWarmup {
    /// Checks the ramp and the wrapped schedule, which may not be another
    /// warm-up.
    pub fn validate(&self) -> Result<(), ScheduleError> {
        if !(self.start_factor > 0.0 && self.start_factor <= 1.0) {
            return Err(invalid(
                "warmup",
                "start_factor",
                "a number in (0, 1]",
                self.start_factor,
            ));
        }
        if self.total_iters == 0 {
            return Err(invalid("warmup", "total_iters", "a whole number ≥ 1", 0));
        }
        if matches!(*self.schedule, ScheduleConfig::Warmup(_)) {
            return Err(ScheduleError::Invalid(
                "warmup: `schedule` cannot be another warmup; allowed: constant, step, multi_step, exponential, cosine_annealing, reduce_on_plateau".into(),
            ));
        }
        self.schedule.validate()
    }

    /// w(e), the warm-up factor at epoch `epoch`.
    pub fn factor(&self, epoch: u64) -> f64 {
        let progress = epoch.min(self.total_iters) as f64 / self.total_iters as f64;
        self.start_factor + (1.0 - self.start_factor) * progress
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::{Schedule, StepLr};

    #[test]
    fn ramps_linearly_to_one_then_stays() {
        let warmup = LinearWarmup {
            start_factor: 0.25,
            total_iters: 3,
            ..LinearWarmup::default()
        };
        let factors: Vec<f64> = (0..6).map(|e| warmup.factor(e)).collect();
        assert_eq!(factors, [0.25, 0.5, 0.75, 1.0, 1.0, 1.0]);
    }

    #[test]
    fn multiplies_the_inner_schedule_on_the_same_clock() {
        let config = ScheduleConfig::Warmup(LinearWarmup {
            start_factor: 0.5,
            total_iters: 2,
            schedule: Box::new(ScheduleConfig::Step(StepLr {
                step_size: 1,
                gamma: 0.5,
            })),
        });
        let mut schedule = Schedule::new(config, 8.0).unwrap();
        let mut lrs = vec![schedule.lr()];
        for _ in 0..3 {
            lrs.push(schedule.step().unwrap());
        }
        // w = 0.5, 0.75, 1, 1 times 8, 4, 2, 1.
        assert_eq!(lrs, [4.0, 3.0, 2.0, 1.0]);
    }

    #[test]
    fn rejects_bad_ramps_and_nested_warmups() {
        for start_factor in [0.0, 1.5, f64::NAN] {
            let warmup = LinearWarmup {
                start_factor,
                ..LinearWarmup::default()
            };
            assert!(warmup.validate().is_err(), "start_factor {start_factor}");
        }
        let nested = LinearWarmup {
            schedule: Box::new(ScheduleConfig::Warmup(LinearWarmup::default())),
            ..LinearWarmup::default()
        };
        assert!(
            nested
                .validate()
                .unwrap_err()
                .to_string()
                .contains("another warmup")
        );
        let bad_inner = LinearWarmup {
            schedule: Box::new(ScheduleConfig::Step(StepLr {
                step_size: 0,
                gamma: 0.1,
            })),
            ..LinearWarmup::default()
        };
        assert!(bad_inner.validate().is_err());
    }
}
