//! The settings of the online-convex experiment, with their limits.
//!
//! Proposed link keys (`view=online-convex`):
//!
//! ```text
//! problem=periodic  c=3            which loss sequence; C of the 3-periodic one
//! alpha=0.1  beta1=0  beta2=0.1    α of α/√t; Adam's betas (left out: the paper's)
//! steps=30000  start=0  seed=0     T (left out: the paper's), x₁, the stochastic draws
//! ```
//!
//! `beta1`, `beta2` and `steps` are optional: a link that leaves them out
//! gets the paper's choice for its problem ([`OnlineConvexConfig::beta1`]
//! and friends), so `c=5` alone moves β₂ to 1/(1 + 25) as the paper does.

use crate::playground::FieldError;
use crate::link::format_number;
use serde::{Deserialize, Serialize};
use std::fmt;

/// C must exceed this: below it the best fixed point moves to x = +1 and
/// the example no longer traps Adam.
pub const MIN_C: f64 = 2.0;
/// The largest C accepted.
pub const MAX_C: f64 = 10_000.0;
/// The largest α accepted.
pub const MAX_ALPHA: f64 = 10.0;
/// The most steps one run may take: about a second natively for all three
/// racers, and the page spreads them over frames.
pub const MAX_STEPS: u64 = 10_000_000;
/// The loss of the 101-periodic and stochastic problems on their rare steps.
pub const RARE_GRADIENT: f64 = 1010.0;
/// Their loss on every other step.
pub const COMMON_GRADIENT: f64 = -10.0;
/// The period of the synthetic problem.
pub const SYNTHETIC_PERIOD: u64 = 101;
/// The chance of a rare step in the stochastic problem.
pub const RARE_PROBABILITY: f64 = 0.01;

/// The names of the problems, as the link writes them.
pub const PROBLEM_NAMES: &[&str] = &["periodic", "synthetic", "stochastic"];

/// Which sequence of linear losses fₜ(x) = gₜ·x the racers face.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    /// gₜ = C when t mod 3 = 1, else −1 (Reddi et al., Theorem 1). The default.
    #[default]
    Periodic,
    /// gₜ = 1010 when t mod 101 = 1 (t = 1, 102, 203, …), else −10 (the
    /// paper's synthetic online experiment).
    Synthetic,
    /// gₜ = 1010 with probability 0.01, else −10, drawn independently from
    /// the seed (the paper's stochastic experiment).
    Stochastic,
}

impl Problem {
    /// Every problem, in the order of [`PROBLEM_NAMES`].
    pub const ALL: [Problem; 3] = [Self::Periodic, Self::Synthetic, Self::Stochastic];

    /// The name the link uses.
    pub fn name(self) -> &'static str {
        match self {
            Self::Periodic => "periodic",
            Self::Synthetic => "synthetic",
            Self::Stochastic => "stochastic",
        }
    }

    /// Looks a problem up by name.
    pub fn from_name(name: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|p| p.name() == name)
            .ok_or_else(|| {
                let shown: String = name.chars().take(24).collect();
                FieldError::new(
                    "problem",
                    format!(
                        "unknown problem `{shown}`; allowed: {}",
                        PROBLEM_NAMES.join(", ")
                    ),
                )
            })
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Everything one online-convex run needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OnlineConvexConfig {
    /// The loss sequence. Defaults to `periodic`.
    pub problem: Problem,
    /// C of the periodic problem, above [`MIN_C`] and at most [`MAX_C`]
    /// (the other problems ignore it). Defaults to `3`.
    pub c: f64,
    /// α in the step size αₜ = α/√t of all three racers, 0 to
    /// [`MAX_ALPHA`]. Defaults to `0.1`.
    pub alpha: f64,
    /// Adam's and AMSGrad's β₁, in [0, 1); `None` means the paper's choice
    /// ([`beta1`](Self::beta1)). Defaults to `None`.
    pub beta1: Option<f64>,
    /// Adam's and AMSGrad's β₂, in [0, 1); `None` means the paper's choice
    /// ([`beta2`](Self::beta2)). Defaults to `None`.
    pub beta2: Option<f64>,
    /// The number of rounds T, 1 to [`MAX_STEPS`]; `None` means the
    /// problem's usual length ([`steps`](Self::steps)). Defaults to `None`.
    pub steps: Option<u64>,
    /// The first point x₁ of every racer, in [−1, 1]. Defaults to `0`.
    pub start: f64,
    /// Drives the draws of the stochastic problem (the others ignore it).
    /// Defaults to `0`.
    pub seed: u64,
}

impl Default for OnlineConvexConfig {
    fn default() -> Self {
        Self {
            problem: Problem::Periodic,
            c: 3.0,
            alpha: 0.1,
            beta1: None,
            beta2: None,
            steps: None,
            start: 0.0,
            seed: 0,
        }
    }
}

/// `Ok` when `low ≤ value ≤ high` (never for NaN), else a message naming
/// the key and the allowed range.
fn check_range(key: &str, what: &str, value: f64, low: f64, high: f64) -> Result<(), FieldError> {
    if (low..=high).contains(&value) {
        Ok(())
    } else {
        Err(FieldError::new(
            key,
            format!(
                "{what} must be a number from {} to {}, got {}",
                format_number(low),
                format_number(high),
                format_number(value)
            ),
        ))
    }
}

fn check_beta(key: &str, value: Option<f64>) -> Result<(), FieldError> {
    match value {
        Some(beta) if !(0.0..1.0).contains(&beta) => Err(FieldError::new(
            key,
            format!(
                "{key} must be a number from 0 up to but not including 1, got {}",
                format_number(beta)
            ),
        )),
        _ => Ok(()),
    }
}

impl OnlineConvexConfig {
    /// β₁ of the run: the config's, or the paper's: 0 for the periodic
    /// problem (Theorem 1), 0.9 for the synthetic and stochastic ones
    /// (Section 5).
    pub fn beta1(&self) -> f64 {
        self.beta1.unwrap_or(match self.problem {
            Problem::Periodic => 0.0,
            Problem::Synthetic | Problem::Stochastic => 0.9,
        })
    }

    /// β₂ of the run: the config's, or the paper's: 1/(1 + C²) for the
    /// periodic problem, 0.99 for the synthetic and stochastic ones.
    pub fn beta2(&self) -> f64 {
        self.beta2.unwrap_or(match self.problem {
            Problem::Periodic => 1.0 / (1.0 + self.c * self.c),
            Problem::Synthetic | Problem::Stochastic => 0.99,
        })
    }

    /// T of the run: the config's, or 30,000 for the periodic problem (the
    /// course's reference run) and 1,000,000 for the others, whose rare
    /// large losses need many rounds to pull AMSGrad across.
    pub fn steps(&self) -> u64 {
        self.steps.unwrap_or(match self.problem {
            Problem::Periodic => 30_000,
            Problem::Synthetic | Problem::Stochastic => 1_000_000,
        })
    }

    /// Checks every setting; the error's `field` is the link key at fault.
    pub fn validate(&self) -> Result<(), FieldError> {
        if !(self.c > MIN_C && self.c <= MAX_C) {
            return Err(FieldError::new(
                "c",
                format!(
                    "C must be a number above {} and at most {}, got {}",
                    format_number(MIN_C),
                    format_number(MAX_C),
                    format_number(self.c)
                ),
            ));
        }
        check_range("alpha", "α", self.alpha, 0.0, MAX_ALPHA)?;
        check_beta("beta1", self.beta1)?;
        check_beta("beta2", self.beta2)?;
        if let Some(steps) = self.steps
            && !(1..=MAX_STEPS).contains(&steps)
        {
            return Err(FieldError::new(
                "steps",
                format!("steps must be a whole number from 1 to {MAX_STEPS}, got {steps}"),
            ));
        }
        check_range("start", "the start x₁", self.start, -1.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_papers() {
        let config = OnlineConvexConfig::default();
        assert_eq!(config.validate(), Ok(()));
        assert_eq!(
            (config.beta1(), config.beta2(), config.steps()),
            (0.0, 0.1, 30_000)
        );
        let c5 = OnlineConvexConfig {
            c: 5.0,
            ..OnlineConvexConfig::default()
        };
        assert_eq!(c5.beta2(), 1.0 / 26.0);
        let synthetic = OnlineConvexConfig {
            problem: Problem::Synthetic,
            ..OnlineConvexConfig::default()
        };
        assert_eq!(
            (synthetic.beta1(), synthetic.beta2(), synthetic.steps()),
            (0.9, 0.99, 1_000_000)
        );
        let chosen = OnlineConvexConfig {
            beta1: Some(0.5),
            beta2: Some(0.999),
            steps: Some(7),
            ..synthetic
        };
        assert_eq!(
            (chosen.beta1(), chosen.beta2(), chosen.steps()),
            (0.5, 0.999, 7)
        );
    }

    #[test]
    fn bad_settings_name_the_key_and_the_range() {
        let error = |config: OnlineConvexConfig| config.validate().unwrap_err();
        let base = OnlineConvexConfig::default();
        let e = error(OnlineConvexConfig {
            c: 2.0,
            ..base.clone()
        });
        assert_eq!(e.field, "c");
        assert_eq!(
            e.message,
            "C must be a number above 2 and at most 10000, got 2"
        );
        assert_eq!(
            error(OnlineConvexConfig {
                c: f64::NAN,
                ..base.clone()
            })
            .field,
            "c"
        );
        let e = error(OnlineConvexConfig {
            alpha: -0.1,
            ..base.clone()
        });
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            ("alpha", "α must be a number from 0 to 10, got -0.1")
        );
        let e = error(OnlineConvexConfig {
            beta2: Some(1.0),
            ..base.clone()
        });
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            (
                "beta2",
                "beta2 must be a number from 0 up to but not including 1, got 1"
            )
        );
        assert_eq!(
            error(OnlineConvexConfig {
                beta1: Some(-0.0001),
                ..base.clone()
            })
            .field,
            "beta1"
        );
        let e = error(OnlineConvexConfig {
            steps: Some(0),
            ..base.clone()
        });
        assert_eq!(
            e.message,
            "steps must be a whole number from 1 to 10000000, got 0"
        );
        assert_eq!(
            error(OnlineConvexConfig {
                steps: Some(MAX_STEPS + 1),
                ..base.clone()
            })
            .field,
            "steps"
        );
        let e = error(OnlineConvexConfig { start: 1.5, ..base });
        assert_eq!(
            e.message,
            "the start x₁ must be a number from -1 to 1, got 1.5"
        );
        let e = Problem::from_name("cyclic").unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            (
                "problem",
                "unknown problem `cyclic`; allowed: periodic, synthetic, stochastic"
            )
        );
    }

    #[test]
    fn problem_names_round_trip() {
        for problem in Problem::ALL {
            assert_eq!(Problem::from_name(problem.name()), Ok(problem));
            assert_eq!(
                serde_json::to_string(&problem).unwrap(),
                format!("\"{problem}\"")
            );
        }
    }
}
