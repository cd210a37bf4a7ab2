//! Learning-rate schedules: the learning rate as a function of the epoch (or
//! step), following `torch.optim.lr_scheduler` in names, defaults and values.
//!
//! | kind               | torch                 | learning rate at epoch e                      |
//! |--------------------|-----------------------|-----------------------------------------------|
//! | `constant`         | (no scheduler)        | η₀                                            |
//! | `step`             | `StepLR`              | η₀·γ^⌊e / step_size⌋                          |
//! | `multi_step`       | `MultiStepLR`         | η₀·γ^(number of milestones ≤ e)               |
//! | `exponential`      | `ExponentialLR`       | η₀·γ^e                                        |
//! | `cosine_annealing` | `CosineAnnealingLR`   | η_min + (η₀ − η_min)·(1 + cos(π·e/T_max))/2   |
//! | `reduce_on_plateau`| `ReduceLROnPlateau`   | η₀, times `factor` whenever the metric stalls |
//! | `warmup`           | `LinearLR` chained    | (linear ramp to 1) × any schedule above       |
//!
//! η₀ is the optimizer's base learning rate. A [`Schedule`] starts at epoch 0
//! and [`Schedule::step`] moves it to the next epoch, exactly like calling
//! `scheduler.step()` once per epoch in PyTorch; stepping once per
//! minibatch instead makes "epoch" mean "step".
//!
//! Configs travel as tagged JSON (the URL hash), for example
//! `{"kind": "warmup", "total_iters": 5, "schedule": {"kind": "step", "step_size": 30}}`.
//!
//! ```
//! use sgdlab_core::schedule::{Schedule, ScheduleConfig, StepLr};
//! let mut schedule = Schedule::new(ScheduleConfig::Step(StepLr { step_size: 2, gamma: 0.5 }), 0.1).unwrap();
//! let mut lrs = vec![schedule.lr()];
//! for _ in 0..4 {
//!     lrs.push(schedule.step().unwrap());
//! }
//! assert_eq!(lrs, [0.1, 0.1, 0.05, 0.05, 0.025]);
//! ```

mod cosine_annealing;
mod exponential;
mod linear_scaling;
mod multi_step;
mod reduce_on_plateau;
mod step;
mod warmup;

pub use cosine_annealing::CosineAnnealingLr;
pub use exponential::ExponentialLr;
pub use linear_scaling::linear_scaling_rule;
pub use multi_step::MultiStepLr;
pub use reduce_on_plateau::{Mode, ReduceLrOnPlateau, ReduceLrOnPlateauConfig, ThresholdMode};
pub use step::StepLr;
pub use warmup::LinearWarmup;

use crate::Real;
use crate::optim::Optimizer;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Every schedule kind, in display order.
pub const NAMES: &[&str] = &[
    "constant",
    "step",
    "multi_step",
    "exponential",
    "cosine_annealing",
    "reduce_on_plateau",
    "warmup",
];

/// Why a schedule could not be built.
#[derive(Clone, Debug, PartialEq)]
pub enum ScheduleError {
    /// A value is out of range; the message says which and what is allowed.
    Invalid(String),
    /// The JSON is not a schedule (unknown kind or key, wrong type).
    Parse(String),
    /// `reduce_on_plateau` was stepped without the metric it watches.
    NeedsMetric,
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid(message) => f.write_str(message),
            Self::Parse(message) => write!(
                f,
                "not a learning-rate schedule: {message} (kinds: {})",
                NAMES.join(", ")
            ),
            Self::NeedsMetric => f.write_str(
                "reduce_on_plateau needs the monitored metric (e.g. the validation loss) at each step",
            ),
        }
    }
}

impl std::error::Error for ScheduleError {}

/// Which schedule to run, with its settings. Serialised with a `kind` tag.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScheduleConfig {
    /// The base learning rate throughout.
    #[default]
    Constant,
    Step(StepLr),
    MultiStep(MultiStepLr),
    Exponential(ExponentialLr),
    CosineAnnealing(CosineAnnealingLr),
    ReduceOnPlateau(ReduceLrOnPlateauConfig),
    Warmup(LinearWarmup),
}

impl ScheduleConfig {
    /// Parses and validates a schedule from JSON (the URL hash, a form).
    pub fn from_json(text: &str) -> Result<Self, ScheduleError> {
        let config: Self =
            serde_json::from_str(text).map_err(|e| ScheduleError::Parse(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks every setting, including those of a warm-up's inner schedule.
    pub fn validate(&self) -> Result<(), ScheduleError> {
        match self {
            Self::Constant => Ok(()),
            Self::Step(s) => s.validate(),
            Self::MultiStep(s) => s.validate(),
            Self::Exponential(s) => s.validate(),
            Self::CosineAnnealing(s) => s.validate(),
            Self::ReduceOnPlateau(s) => s.validate(),
            Self::Warmup(w) => w.validate(),
        }
    }

    /// The plateau settings, if this schedule (or the one a warm-up wraps)
    /// reduces on plateau.
    fn plateau(&self) -> Option<&ReduceLrOnPlateauConfig> {
        match self {
            Self::ReduceOnPlateau(config) => Some(config),
            Self::Warmup(w) => w.schedule.plateau(),
            _ => None,
        }
    }
}

/// A running schedule: the current epoch and learning rate.
#[derive(Clone, Debug)]
pub struct Schedule {
    config: ScheduleConfig,
    base_lr: f64,
    epoch: u64,
    /// The state of `reduce_on_plateau`, when the config has one.
    plateau: Option<ReduceLrOnPlateau>,
}

impl Schedule {
    /// A schedule at epoch 0 for an optimizer whose learning rate is `base_lr`.
    pub fn new(config: ScheduleConfig, base_lr: f64) -> Result<Self, ScheduleError> {
        config.validate()?;
        if !(base_lr >= 0.0 && base_lr.is_finite()) {
            return Err(ScheduleError::Invalid(format!(
                "base learning rate must be a finite number ≥ 0, got {base_lr}"
            )));
        }
        let plateau = config
            .plateau()
            .map(|c| ReduceLrOnPlateau::new(c.clone(), base_lr));
        Ok(Self {
            config,
            base_lr,
            epoch: 0,
            plateau,
        })
    }

    pub fn config(&self) -> &ScheduleConfig {
        &self.config
    }

    pub fn base_lr(&self) -> f64 {
        self.base_lr
    }

    /// How many times the schedule has been stepped.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// Whether [`step`](Self::step) needs a metric, i.e. this is (or wraps)
    /// `reduce_on_plateau`.
    pub fn needs_metric(&self) -> bool {
        self.plateau.is_some()
    }

    /// The learning rate at the current epoch.
    pub fn lr(&self) -> f64 {
        self.lr_of(&self.config)
    }

    fn lr_of(&self, config: &ScheduleConfig) -> f64 {
        let (base, epoch) = (self.base_lr, self.epoch);
        match config {
            ScheduleConfig::Constant => base,
            ScheduleConfig::Step(s) => s.lr(base, epoch),
            ScheduleConfig::MultiStep(s) => s.lr(base, epoch),
            ScheduleConfig::Exponential(s) => s.lr(base, epoch),
            ScheduleConfig::CosineAnnealing(s) => s.lr(base, epoch),
            ScheduleConfig::ReduceOnPlateau(_) => self.plateau.as_ref().map_or(base, |p| p.lr()),
            ScheduleConfig::Warmup(w) => w.factor(epoch) * self.lr_of(&w.schedule),
        }
    }

    /// The learning rates of the current epoch and of every later one
    /// before `end`, as stepping this schedule will give them: a copy is
    /// moved on epoch by epoch and asked [`lr`](Self::lr), the code the
    /// optimizer gets its rate from. `reduce_on_plateau` cannot know the
    /// metrics to come, so its copy assumes no plateau (its rate then
    /// changes only with a warm-up around it). Empty once `end` is reached.
    pub fn upcoming(&self, end: u64) -> Vec<f64> {
        let mut ahead = self.clone();
        let mut rates = Vec::new();
        while ahead.epoch < end {
            rates.push(ahead.lr());
            ahead.epoch += 1;
        }
        rates
    }

    /// Moves to the next epoch and returns its learning rate. Fails with
    /// [`ScheduleError::NeedsMetric`] for `reduce_on_plateau`, which must be
    /// given the metric ([`step_with_metric`](Self::step_with_metric)).
    pub fn step(&mut self) -> Result<f64, ScheduleError> {
        if self.needs_metric() {
            return Err(ScheduleError::NeedsMetric);
        }
        self.epoch += 1;
        Ok(self.lr())
    }

    /// Moves to the next epoch after an epoch that ended with `metric` (the
    /// quantity `reduce_on_plateau` watches; other schedules ignore it).
    pub fn step_with_metric(&mut self, metric: f64) -> f64 {
        if let Some(plateau) = &mut self.plateau {
            plateau.observe(metric);
        }
        self.epoch += 1;
        self.lr()
    }

    /// Gives the optimizer the current learning rate; its state is kept.
    pub fn apply<T: Real>(&self, optimizer: &mut dyn Optimizer<T>) {
        optimizer.set_lr(self.lr());
    }
}

/// The error for a setting out of range: which schedule, which key, what
/// is allowed and what was given.
fn invalid(schedule: &str, key: &str, allowed: &str, got: impl fmt::Display) -> ScheduleError {
    ScheduleError::Invalid(format!("{schedule}: `{key}` must be {allowed}, got {got}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::sgd::{Sgd, SgdConfig};

    fn run(config: ScheduleConfig, base_lr: f64, epochs: usize) -> Vec<f64> {
        let mut schedule = Schedule::new(config, base_lr).unwrap();
        let mut lrs = vec![schedule.lr()];
        for _ in 0..epochs {
            lrs.push(schedule.step().unwrap());
        }
        lrs
    }

    #[test]
    fn constant_keeps_the_base_rate() {
        assert_eq!(run(ScheduleConfig::Constant, 0.3, 3), [0.3; 4]);
    }

    #[test]
    fn configs_round_trip_through_json() {
        let configs = [
            ScheduleConfig::Constant,
            ScheduleConfig::Step(StepLr::default()),
            ScheduleConfig::MultiStep(MultiStepLr::default()),
            ScheduleConfig::Exponential(ExponentialLr::default()),
            ScheduleConfig::CosineAnnealing(CosineAnnealingLr::default()),
            ScheduleConfig::ReduceOnPlateau(ReduceLrOnPlateauConfig::default()),
            ScheduleConfig::Warmup(LinearWarmup::default()),
        ];
        for (config, name) in configs.into_iter().zip(NAMES) {
            let text = serde_json::to_string(&config).unwrap();
            assert!(text.contains(&format!("\"kind\":\"{name}\"")), "{text}");
            assert_eq!(ScheduleConfig::from_json(&text).unwrap(), config);
        }
    }

    #[test]
    fn missing_keys_take_torch_defaults() {
        let config = ScheduleConfig::from_json(r#"{"kind": "step", "step_size": 3}"#).unwrap();
        assert_eq!(
            config,
            ScheduleConfig::Step(StepLr {
                step_size: 3,
                gamma: 0.1
            })
        );
        let config = ScheduleConfig::from_json(
            r#"{"kind": "warmup", "total_iters": 4, "schedule": {"kind": "cosine_annealing", "T_max": 10}}"#,
        )
        .unwrap();
        let ScheduleConfig::Warmup(warmup) = config else {
            panic!("expected a warm-up, got {config:?}");
        };
        assert_eq!(warmup.start_factor, 1.0 / 3.0);
        assert_eq!(
            *warmup.schedule,
            ScheduleConfig::CosineAnnealing(CosineAnnealingLr {
                t_max: 10,
                eta_min: 0.0
            })
        );
    }

    #[test]
    fn bad_json_says_what_is_allowed() {
        let err = ScheduleConfig::from_json(r#"{"kind": "triangle"}"#).unwrap_err();
        assert!(matches!(err, ScheduleError::Parse(_)));
        let message = err.to_string();
        assert!(
            message.contains("triangle") && message.contains("cosine_annealing"),
            "{message}"
        );

        let err = ScheduleConfig::from_json(r#"{"kind": "step", "stepsize": 3}"#).unwrap_err();
        assert!(err.to_string().contains("stepsize"), "{err}");

        let err = ScheduleConfig::from_json(r#"{"kind": "step", "gamma": "half"}"#).unwrap_err();
        assert!(matches!(err, ScheduleError::Parse(_)), "{err}");

        let err = ScheduleConfig::from_json(r#"{"kind": "step", "step_size": 0}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "step: `step_size` must be a whole number ≥ 1, got 0"
        );
    }

    #[test]
    fn bad_base_lr_is_rejected() {
        for base_lr in [-0.1, f64::NAN, f64::INFINITY] {
            let err = Schedule::new(ScheduleConfig::Constant, base_lr).unwrap_err();
            assert!(matches!(err, ScheduleError::Invalid(_)), "{err}");
        }
    }

    #[test]
    fn plateau_needs_a_metric_and_others_ignore_it() {
        let mut plateau = Schedule::new(
            ScheduleConfig::ReduceOnPlateau(ReduceLrOnPlateauConfig::default()),
            0.1,
        )
        .unwrap();
        assert_eq!(plateau.step(), Err(ScheduleError::NeedsMetric));
        assert_eq!(plateau.epoch(), 0);
        assert_eq!(plateau.step_with_metric(1.0), 0.1);

        let mut step = Schedule::new(
            ScheduleConfig::Step(StepLr {
                step_size: 1,
                gamma: 0.5,
            }),
            0.1,
        )
        .unwrap();
        assert!(!step.needs_metric());
        assert_eq!(step.step_with_metric(123.0), 0.05);
    }

    #[test]
    fn upcoming_rates_are_the_ones_stepping_gives() {
        let config = ScheduleConfig::Warmup(LinearWarmup {
            start_factor: 0.25,
            total_iters: 3,
            schedule: Box::new(ScheduleConfig::CosineAnnealing(CosineAnnealingLr {
                t_max: 6,
                eta_min: 0.01,
            })),
        });
        let mut schedule = Schedule::new(config, 0.4).unwrap();
        assert_eq!(schedule.upcoming(8), run(schedule.config().clone(), 0.4, 7));
        schedule.step().unwrap();
        schedule.step().unwrap();
        assert_eq!(
            schedule.upcoming(8),
            run(schedule.config().clone(), 0.4, 7)[2..]
        );
        assert_eq!(schedule.epoch(), 2, "the schedule itself does not move");
        assert!(schedule.upcoming(2).is_empty());

        // A plateau's copy sees no metric: the rate is held.
        let mut plateau = Schedule::new(
            ScheduleConfig::ReduceOnPlateau(ReduceLrOnPlateauConfig::default()),
            0.1,
        )
        .unwrap();
        plateau.step_with_metric(1.0);
        assert_eq!(plateau.upcoming(4), [0.1; 3]);
    }

    #[test]
    fn apply_sets_the_optimizer_rate_and_keeps_its_state() {
        let mut opt = Sgd::<f64>::new(SgdConfig {
            lr: 1.0,
            momentum: 0.9,
            ..SgdConfig::default()
        })
        .unwrap();
        let mut p = [1.0];
        opt.step(&mut p, &crate::optim::StepInput::gradient(&[1.0]))
            .unwrap();
        let mut schedule = Schedule::new(
            ScheduleConfig::Exponential(ExponentialLr { gamma: 0.5 }),
            1.0,
        )
        .unwrap();
        schedule.step().unwrap();
        schedule.apply(&mut opt);
        assert_eq!(opt.lr(), 0.5);
        assert_eq!(opt.velocity(), Some(&[1.0][..]));
    }
}
