//! The settings of the online-convex experiment, as one link table,
//! [`ONLINE_CONVEX`] (`view=online-convex`):
//!
//! ```text
//! problem=periodic  c=3  seed=0     which loss sequence; C of the 3-periodic one; the stochastic draws
//! alpha=0.1  beta1=0  beta2=0.1     α of α/√t; Adam's and AMSGrad's betas
//! steps=30000  start=0              T and x₁
//! speed=3                           how fast time runs while playing
//! ```
//!
//! `beta1`, `beta2` and `steps` are written only when set: a link that
//! leaves them out gets the paper's choice for its problem
//! ([`OnlineConvexConfig::beta1`] and friends), so `c=5` alone moves β₂ to
//! 1/(1 + 25) as the paper does. `beta1=paper` (or an empty value) puts a
//! set one back to the paper's choice.

use crate::link::{
    Field, FieldError, Group, LinkTable, Opt, Prop, Scale, ViewOptions, format_number, shorten,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
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
/// The fastest play speed: each frame plays up to this many percent more
/// rounds than were played before it.
pub const MAX_SPEED: u32 = 20;
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

    /// One line on the problem, for its control.
    pub fn label(self) -> &'static str {
        match self {
            Self::Periodic => "C·x on rounds 1, 4, 7, …, −x on the others",
            Self::Synthetic => "1010·x once every 101 rounds, −10·x on the others",
            Self::Stochastic => "1010·x with probability 0.01, else −10·x",
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
    /// How fast time runs while playing, 1 to [`MAX_SPEED`]: each frame
    /// plays about `speed` % more rounds than were played before it (at
    /// least one), so a run of millions of rounds takes a few hundred
    /// frames and its first rounds are seen one by one. Defaults to `3`.
    pub speed: u32,
    /// Autoplay, hidden controls and theme.
    pub options: ViewOptions,
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
            speed: 3,
            options: ViewOptions::default(),
        }
    }
}

fn problems() -> Vec<Opt> {
    Problem::ALL
        .into_iter()
        .map(|p| Opt {
            value: p.name(),
            label: p.label(),
        })
        .collect()
}

/// An optional beta from link text: a number in [0, 1), or `paper` (or
/// nothing) for the paper's choice.
fn read_beta(text: &str) -> Result<Option<f64>, String> {
    let text = text.trim();
    if text.is_empty() || text == "paper" {
        return Ok(None);
    }
    let value = crate::link::parse_number(text)?;
    if (0.0..1.0).contains(&value) {
        Ok(Some(value))
    } else {
        Err(format!(
            "must be a number from 0 up to but not including 1, or `paper` for the paper's choice, got {}",
            format_number(value)
        ))
    }
}

/// The control of an optional beta: a number box showing the beta in use.
fn beta_control(value: f64) -> serde_json::Value {
    json!({
        "kind": "real",
        "min": 0.0,
        "max": 1.0,
        "max_open": true,
        "log": false,
        "value": format_number(value),
        "number": value,
    })
}

/// The online-convex view's link: keys, controls and limits.
pub static ONLINE_CONVEX: LinkTable<OnlineConvexConfig> = LinkTable {
    view: "online-convex",
    props: &[
        Prop {
            key: "problem",
            label: "Problem",
            help: "The sequence of linear losses f_t(x) = g_t·x on [−1, 1] that every racer faces.",
            group: "problem",
            optional: false,
            field: Field::Choice {
                options: |_| problems(),
                get: |c| c.problem.name(),
                set: |c, name| c.problem = Problem::from_name(name).unwrap_or_default(),
            },
        },
        Prop {
            key: "c",
            label: "C",
            help: "The periodic problem's large slope, above 2: g_t = C on rounds 1, 4, 7, … and −1 on the others.",
            group: "problem",
            optional: false,
            field: Field::Real {
                min: MIN_C,
                max: MAX_C,
                max_open: false,
                scale: Scale::Log,
                get: |c| c.c,
                set: |c, v| c.c = v,
            },
        },
        Prop {
            key: "seed",
            label: "Seed",
            help: "Draws the rare rounds of the stochastic problem.",
            group: "problem",
            optional: false,
            field: Field::Seed {
                get: |c| c.seed,
                set: |c, v| c.seed = v,
            },
        },
        Prop {
            key: "alpha",
            label: "Step size α",
            help: "Every racer steps with α/√t in round t.",
            group: "steps",
            optional: false,
            field: Field::Real {
                min: 0.0,
                max: MAX_ALPHA,
                max_open: false,
                scale: Scale::Log,
                get: |c| c.alpha,
                set: |c, v| c.alpha = v,
            },
        },
        Prop {
            key: "beta1",
            label: "β₁ of Adam and AMSGrad",
            help: "Left out, the paper's: 0 for the periodic problem, 0.9 for the others. Type paper to go back to it.",
            group: "betas",
            optional: false,
            field: Field::Custom {
                read: |c, text| {
                    c.beta1 = read_beta(text)?;
                    Ok(())
                },
                write: |c| c.beta1.map(format_number),
                control: |c| beta_control(c.beta1()),
                examples: &["0", "0.5", "0.9", "paper"],
            },
        },
        Prop {
            key: "beta2",
            label: "β₂ of Adam and AMSGrad",
            help: "Left out, the paper's: 1/(1 + C²) for the periodic problem, 0.99 for the others; torch's default is 0.999. Type paper to go back to it.",
            group: "betas",
            optional: false,
            field: Field::Custom {
                read: |c, text| {
                    c.beta2 = read_beta(text)?;
                    Ok(())
                },
                write: |c| c.beta2.map(format_number),
                control: |c| beta_control(c.beta2()),
                examples: &["0.1", "0.99", "0.999", "paper"],
            },
        },
        Prop {
            key: "steps",
            label: "Rounds T",
            help: "Left out, the problem's usual length: 30,000 for the periodic problem, a million for the others.",
            group: "run",
            optional: false,
            field: Field::Custom {
                read: |c, text| {
                    let text = text.trim();
                    if text.is_empty() || text == "paper" {
                        c.steps = None;
                        return Ok(());
                    }
                    match crate::link::text::parse_whole(text) {
                        Ok(steps) if (1..=MAX_STEPS).contains(&steps) => {
                            c.steps = Some(steps);
                            Ok(())
                        }
                        _ => Err(format!(
                            "must be a whole number from 1 to {MAX_STEPS}, got `{}`",
                            shorten(text)
                        )),
                    }
                },
                write: |c| c.steps.map(|s| s.to_string()),
                control: |c| json!({"kind": "count", "min": 1, "max": MAX_STEPS, "value": c.steps().to_string()}),
                examples: &["1", "1000", "30000", "1000000", "paper"],
            },
        },
        Prop {
            key: "start",
            label: "Start x₁",
            help: "Where every racer starts, in [−1, 1].",
            group: "run",
            optional: false,
            field: Field::Real {
                min: -1.0,
                max: 1.0,
                max_open: false,
                scale: Scale::Linear,
                get: |c| c.start,
                set: |c, v| c.start = v,
            },
        },
        Prop {
            key: "speed",
            label: "Speed",
            help: "Each frame plays about this many percent more rounds than were played before it (at least one).",
            group: "speed",
            optional: false,
            field: Field::Count {
                min: 1,
                max: MAX_SPEED as u64,
                get: |c| u64::from(c.speed),
                set: |c, v| c.speed = v as u32,
            },
        },
    ],
    groups: &[
        Group {
            name: "problem",
            label: "Problem",
        },
        Group {
            name: "steps",
            label: "Step size",
        },
        Group {
            name: "betas",
            label: "Adam's betas",
        },
        Group {
            name: "run",
            label: "Run",
        },
        Group {
            name: "speed",
            label: "Speed",
        },
    ],
    panels: &[
        Group {
            name: "points",
            label: "The points x_t",
        },
        Group {
            name: "regret",
            label: "The average regret",
        },
        Group {
            name: "readout",
            label: "Readout",
        },
        Group {
            name: "legend",
            label: "Legend",
        },
        Group {
            name: "export",
            label: "Export",
        },
    ],
    minimal: &["speed"],
    max_len: 1024,
    check: check_c,
    options: |c| &c.options,
    options_mut: |c| &mut c.options,
};

/// C must exceed [`MIN_C`] (the table's range includes it): at C = 2 a
/// period sums to zero and no point is best.
fn check_c(
    config: &mut OnlineConvexConfig,
    base: &OnlineConvexConfig,
    errors: &mut Vec<FieldError>,
) {
    if config.c > MIN_C {
        return;
    }
    errors.push(FieldError::new(
        "c",
        format!(
            "C must be above {} (at C = 2 every point ties), got {}",
            format_number(MIN_C),
            format_number(config.c)
        ),
    ));
    config.c = if base.c > MIN_C {
        base.c
    } else {
        OnlineConvexConfig::default().c
    };
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

    /// Checks every setting against [`ONLINE_CONVEX`]; the error's `field`
    /// is the link key at fault.
    pub fn validate(&self) -> Result<(), FieldError> {
        ONLINE_CONVEX.validate(self)
    }

    /// Whether `other` runs the same experiment (it differs at most in
    /// the speed and the view options).
    pub fn same_run(&self, other: &Self) -> bool {
        let display = |c: &Self| Self {
            speed: 1,
            options: ViewOptions::default(),
            ..c.clone()
        };
        display(self) == display(other)
    }

    /// The config as a link (without the leading `#`).
    pub fn encode(&self) -> String {
        ONLINE_CONVEX.encode(self)
    }

    /// Reads a link (with or without `#`) on top of `base`. Every part that
    /// is wrong is reported and leaves `base`'s value in place.
    pub fn decode(link: &str, base: &Self) -> (Self, Vec<FieldError>) {
        ONLINE_CONVEX.decode(link, base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::testing::{assert_hostile_links_are_refused, link_table_properties, messages};

    fn decode(link: &str) -> (OnlineConvexConfig, Vec<FieldError>) {
        OnlineConvexConfig::decode(link, &OnlineConvexConfig::default())
    }

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
    fn the_default_link_leaves_the_papers_choices_out() {
        let config = OnlineConvexConfig::default();
        assert_eq!(
            config.encode(),
            "problem=periodic&c=3&seed=0&alpha=0.1&start=0&speed=3"
        );
        let (c5, errors) = decode("view=online-convex&c=5");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!((c5.beta1, c5.beta2, c5.beta2()), (None, None, 1.0 / 26.0));
        let (torch, errors) = decode("beta1=0.9&beta2=0.999&steps=100000");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            (torch.beta1, torch.beta2, torch.steps),
            (Some(0.9), Some(0.999), Some(100_000))
        );
        assert_eq!(
            torch.encode(),
            "problem=periodic&c=3&seed=0&alpha=0.1&beta1=0.9&beta2=0.999&steps=100000&start=0&speed=3"
        );
        // `paper` (or nothing) puts a set value back to the paper's choice.
        let (back, errors) = OnlineConvexConfig::decode("beta2=paper&steps=&beta1=paper", &torch);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(back.encode(), config.encode());
    }

    #[test]
    fn bad_settings_name_the_key_and_the_range() {
        let error = |config: OnlineConvexConfig| config.validate().unwrap_err();
        let base = OnlineConvexConfig::default();
        let e = error(OnlineConvexConfig {
            c: 2.0,
            ..base.clone()
        });
        assert_eq!(
            e.to_string(),
            "c: C must be above 2 (at C = 2 every point ties), got 2"
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
            e.to_string(),
            "alpha: must be a number from 0 to 10, got -0.1"
        );
        let e = error(OnlineConvexConfig {
            beta2: Some(1.0),
            ..base.clone()
        });
        assert_eq!(
            e.to_string(),
            "beta2: must be a number from 0 up to but not including 1, or `paper` for the \
             paper's choice, got 1"
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
            e.to_string(),
            "steps: must be a whole number from 1 to 10000000, got `0`"
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
            e.to_string(),
            "start: must be a number from -1 to 1, got 1.5"
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
    fn a_bad_part_keeps_the_previous_value_and_the_rest_applies() {
        let (config, errors) = decode("c=2&alpha=0.2&problem=cyclic&beta2=nan&speed=0&seed=-1");
        assert_eq!(config.c, 3.0);
        assert_eq!(config.alpha, 0.2);
        assert_eq!(config.problem, Problem::Periodic);
        assert_eq!(config.beta2, None);
        assert_eq!(
            messages(&errors),
            [
                "problem: unknown choice `cyclic`; allowed: periodic, synthetic, stochastic",
                "seed: the seed must be a whole number from 0 to 18446744073709551615, got `-1`",
                "beta2: `nan` is not a finite number",
                "speed: must be a whole number from 1 to 20, got `0`",
                "c: C must be above 2 (at C = 2 every point ties), got 2",
            ]
        );
        // A base whose own C is bad falls back to the default.
        let bad_base = OnlineConvexConfig {
            c: 1.0,
            ..OnlineConvexConfig::default()
        };
        let (config, _) = OnlineConvexConfig::decode("alpha=1", &bad_base);
        assert_eq!(config.c, 3.0);
    }

    #[test]
    fn hostile_links_are_reported_not_panicked_on() {
        assert_hostile_links_are_refused(&ONLINE_CONVEX);
        let (_, errors) = decode("hide=<img src=x onerror=alert(1)>");
        assert!(
            errors[0]
                .message
                .starts_with("cannot hide `<img src=x onerror=alert…`; allowed: controls, problem"),
            "{errors:?}"
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
            let (config, errors) = decode(&format!("problem={problem}"));
            assert!(errors.is_empty(), "{errors:?}");
            assert_eq!(config.problem, problem);
        }
    }

    link_table_properties!(ONLINE_CONVEX);
}
