//! The implicit-regularisation experiment's settings, with their limits.
//!
//! ```text
//! m=linear  n=16  noise=0.5  truth=2,-1  seed=0     the model and its seeded data
//! b=1  lr=0.2  start=-1,2  epochs=4                 SGD with random reshuffling
//! replicas=1000  sub=16                             replicas; RK4 substeps per SGD step
//! map=modified  speed=1                             the heatmap shown; SGD steps per frame
//! ```
//!
//! The keys, their controls and their limits are one table,
//! [`IMPLICIT_REG`], read by the one link codec of [`crate::link`]; a
//! [`FieldError`] from [`ImplicitRegConfig::validate`] names the key at
//! fault. The data keys mean what they mean in the stochastic view
//! ([`StochasticConfig`]), and the same values build the same dataset.
//!
//! **The defaults** (the stochastic view's line y = 2x − 1 with noise 0.5,
//! but 16 points, B = 1, η = 0.2, 4 epochs to t = 12.8, from (−1, 2)) were
//! chosen by a sweep over n, B, η, start, model and seed. There the flows
//! on L and on L̃ part by up to 0.17 (4 % of the view's width: two distinct
//! curves), and the mean of 1000 replicas stays at least 2.3 times closer
//! to the modified flow than to the plain one over seeds 0–19 (median 4.3),
//! with its standard error about a twentieth of the plain gap. Halving η
//! over the same horizon shrinks gap_plain about 1.5-fold and gap_modified
//! about 2.7-fold. Much larger η·σ² (η = 0.5 with noise 2, say) leaves the
//! first-order theory behind: there the modified flow can be the worse fit.
//!
//! The batch size must divide n: every batch of an epoch then holds exactly
//! B distinct examples and the m = n/B batches partition the data, which is
//! what the modified loss assumes (see [`super::modified_loss`]).
//!
//! The sizes are capped so that no link can stall the page: a step of all
//! replicas costs replicas × B example gradients (at most
//! [`MAX_STEP_WORK`]), and the whole run, replicas and both flows, at most
//! [`MAX_WORK`] example evaluations.

use super::modified_loss::Quantity;
use crate::data::regression::{MAX_COEFFICIENT, MAX_TARGET_NOISE};
use crate::link::{Field, FieldError, Group, LinkTable, Opt, Prop, Scale, ViewOptions};
use crate::stochastic::{EmpiricalRisk, ModelKind, StochasticConfig};
use std::sync::Arc;

/// The most examples the dataset may have.
pub const MAX_SAMPLES: usize = 1000;
/// The largest learning rate accepted.
pub const MAX_LR: f64 = 10.0;
/// Each coordinate of the start must lie in [−`MAX_START`, `MAX_START`].
pub const MAX_START: f64 = 100.0;
/// The most epochs.
pub const MAX_EPOCHS: usize = 1000;
/// The most SGD steps (epochs × n/B).
pub const MAX_STEPS: usize = 20_000;
/// The most replicas.
pub const MAX_REPLICAS: usize = 5000;
/// The most RK4 substeps per SGD step.
pub const MAX_SUBSTEPS: usize = 64;
/// The most SGD steps per animation frame.
pub const MAX_SPEED: u32 = 100;
/// The most example gradients one step of all replicas may cost
/// (replicas × B): a few milliseconds.
pub const MAX_STEP_WORK: usize = 1_000_000;
/// The most example evaluations a whole run may cost:
/// replicas × steps × B for SGD plus 8 × steps × substeps × n for the two
/// flows (four RK4 stages each).
pub const MAX_WORK: usize = 400_000_000;

/// Everything the implicit-regularisation experiment and its view need.
#[derive(Clone, Debug, PartialEq)]
pub struct ImplicitRegConfig {
    /// The model (`m`): `linear` (θ = (w, b)) or `logistic` (θ = (w₁, w₂)).
    /// Defaults to `linear`.
    pub model: ModelKind,
    /// Number of examples n (`n`), 2 to [`MAX_SAMPLES`]. Defaults to `16`.
    pub samples: usize,
    /// Standard deviation of the target noise, linear model only (`noise`),
    /// 0 to [`MAX_TARGET_NOISE`]. Defaults to `0.5`.
    pub noise: f64,
    /// The parameters that generate the data (`truth`), each within
    /// ±[`MAX_COEFFICIENT`]. Defaults to `[2, -1]`.
    pub truth: [f64; 2],
    /// Seeds the data and every replica's shuffles (`seed`). Defaults to `0`.
    pub seed: u64,
    /// Minibatch size B (`b`), from 1 to n, dividing n. Defaults to `1`.
    pub batch_size: usize,
    /// Learning rate η (`lr`), above 0 and at most [`MAX_LR`]. Defaults
    /// to `0.2`.
    pub lr: f64,
    /// Where every replica and both flows start (`start`), each coordinate
    /// within ±[`MAX_START`]. Defaults to `[-1, 2]`.
    pub start: [f64; 2],
    /// Passes over the data (`epochs`), 1 to [`MAX_EPOCHS`], with
    /// epochs × n/B at most [`MAX_STEPS`]. Defaults to `4`.
    pub epochs: usize,
    /// Independent SGD runs, each with its own shuffles (`replicas`), 1 to
    /// [`MAX_REPLICAS`]. Defaults to `1000`.
    pub replicas: usize,
    /// RK4 steps per SGD step for the flows (`sub`), 1 to
    /// [`MAX_SUBSTEPS`]. Defaults to `16`.
    pub substeps: usize,
    /// The heatmap the view's map shows (`map`). Defaults to `modified`.
    pub map: Quantity,
    /// SGD steps per animation frame (`speed`), 1 to [`MAX_SPEED`], within
    /// the frame's time budget. Defaults to `1`.
    pub speed: u32,
    /// Autoplay, hidden controls and theme.
    pub options: ViewOptions,
}

impl Default for ImplicitRegConfig {
    fn default() -> Self {
        Self {
            model: ModelKind::Linear,
            samples: 16,
            noise: 0.5,
            truth: [2.0, -1.0],
            seed: 0,
            batch_size: 1,
            lr: 0.2,
            start: [-1.0, 2.0],
            epochs: 4,
            replicas: 1000,
            substeps: 16,
            map: Quantity::Modified,
            speed: 1,
            options: ViewOptions::default(),
        }
    }
}

/// The model choices of the `m` control.
const MODELS: &[Opt] = &[
    Opt {
        value: "linear",
        label: "linear regression y = w·x + b",
    },
    Opt {
        value: "logistic",
        label: "logistic regression, two weights",
    },
];

/// The implicit-regularisation view's link: keys, controls and limits.
pub static IMPLICIT_REG: LinkTable<ImplicitRegConfig> = LinkTable {
    view: "implicit-reg",
    props: &[
        Prop {
            key: "m",
            label: "Model",
            help: "The two-parameter model whose empirical risk is the landscape.",
            group: "data",
            optional: false,
            field: Field::Choice {
                options: |_| MODELS.to_vec(),
                get: |c| c.model.name(),
                set: |c, name| {
                    c.model = if name == "logistic" {
                        ModelKind::Logistic
                    } else {
                        ModelKind::Linear
                    }
                },
            },
        },
        Prop {
            key: "n",
            label: "Examples n",
            help: "How many examples the seeded dataset has.",
            group: "data",
            optional: false,
            field: Field::Count {
                min: 2,
                max: MAX_SAMPLES as u64,
                get: |c| c.samples as u64,
                set: |c, v| c.samples = v as usize,
            },
        },
        Prop {
            key: "noise",
            label: "Target noise σ",
            help: "Standard deviation of the noise on the linear model's targets: the spread of the per-example gradients.",
            group: "data",
            optional: false,
            field: Field::Real {
                min: 0.0,
                max: MAX_TARGET_NOISE,
                max_open: false,
                scale: Scale::Linear,
                get: |c| c.noise,
                set: |c, v| c.noise = v,
            },
        },
        Prop {
            key: "truth",
            label: "True parameters",
            help: "The parameters that generate the data (slope and intercept, or the two weights).",
            group: "data",
            optional: false,
            field: Field::Pair {
                limit: MAX_COEFFICIENT,
                get: |c| c.truth,
                set: |c, v| c.truth = v,
            },
        },
        Prop {
            key: "seed",
            label: "Seed",
            help: "One seed draws the data and every replica's shuffles.",
            group: "data",
            optional: false,
            field: Field::Seed {
                get: |c| c.seed,
                set: |c, v| c.seed = v,
            },
        },
        Prop {
            key: "b",
            label: "Batch size B",
            help: "Examples per minibatch; it must divide n, so each epoch is n/B whole batches.",
            group: "sgd",
            optional: false,
            field: Field::Count {
                min: 1,
                max: MAX_SAMPLES as u64,
                get: |c| c.batch_size as u64,
                set: |c, v| c.batch_size = v as usize,
            },
        },
        Prop {
            key: "lr",
            label: "Learning rate η",
            help: "The step size of every replica; the regulariser grows with it (above 0).",
            group: "sgd",
            optional: false,
            field: Field::Real {
                min: 0.0,
                max: MAX_LR,
                max_open: false,
                scale: Scale::Log,
                get: |c| c.lr,
                set: |c, v| c.lr = v,
            },
        },
        Prop {
            key: "start",
            label: "Start θ",
            help: "Where every replica and both flows start; click the map to move it.",
            group: "sgd",
            optional: false,
            field: Field::Pair {
                limit: MAX_START,
                get: |c| c.start,
                set: |c, v| c.start = v,
            },
        },
        Prop {
            key: "epochs",
            label: "Epochs",
            help: "Passes over the data; the gaps are measured at the end of each.",
            group: "sgd",
            optional: false,
            field: Field::Count {
                min: 1,
                max: MAX_EPOCHS as u64,
                get: |c| c.epochs as u64,
                set: |c, v| c.epochs = v as usize,
            },
        },
        Prop {
            key: "replicas",
            label: "Replicas R",
            help: "Independent SGD runs from the same start, each with its own shuffles; their mean estimates E[w].",
            group: "replicas",
            optional: false,
            field: Field::Count {
                min: 1,
                max: MAX_REPLICAS as u64,
                get: |c| c.replicas as u64,
                set: |c, v| c.replicas = v as usize,
            },
        },
        Prop {
            key: "sub",
            label: "Flow substeps",
            help: "Runge–Kutta steps per SGD step when integrating the two gradient flows.",
            group: "replicas",
            optional: false,
            field: Field::Count {
                min: 1,
                max: MAX_SUBSTEPS as u64,
                get: |c| c.substeps as u64,
                set: |c, v| c.substeps = v as usize,
            },
        },
        Prop {
            key: "map",
            label: "Heatmap",
            help: "What the map shows: the loss, the modified loss, or their difference.",
            group: "map",
            optional: false,
            field: Field::Choice {
                options: |_| {
                    Quantity::ALL
                        .into_iter()
                        .map(|q| Opt {
                            value: q.name(),
                            label: q.label(),
                        })
                        .collect()
                },
                get: |c| c.map.name(),
                set: |c, name| c.map = Quantity::from_name(name).unwrap_or_default(),
            },
        },
        Prop {
            key: "speed",
            label: "Steps per frame",
            help: "How many SGD steps every replica takes per animation frame.",
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
            name: "data",
            label: "Data",
        },
        Group {
            name: "sgd",
            label: "SGD",
        },
        Group {
            name: "replicas",
            label: "Replicas and flows",
        },
        Group {
            name: "map",
            label: "Map",
        },
        Group {
            name: "speed",
            label: "Speed",
        },
    ],
    panels: &[
        Group {
            name: "zoom",
            label: "Close-up of the paths",
        },
        Group {
            name: "gaps",
            label: "Distances to the flows",
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
    minimal: &["map", "speed"],
    max_len: 2048,
    check: reconcile,
    options: |c| &c.options,
    options_mut: |c| &mut c.options,
};

/// Settings that depend on each other. A batch size that does not divide
/// n, or η = 0, is reported and the previous value kept (a batch size
/// left as it was follows n: the largest divisor of n not above it). A
/// combination past a work cap is reported and the previous state kept
/// whole.
fn reconcile(
    config: &mut ImplicitRegConfig,
    base: &ImplicitRegConfig,
    errors: &mut Vec<FieldError>,
) {
    if !divides(config.batch_size, config.samples) {
        if config.batch_size != base.batch_size {
            errors.push(FieldError::new(
                "b",
                format!(
                    "the batch size must divide the number of examples n = {}, so that every \
                     epoch is n/B full batches; allowed: {}; got {}",
                    config.samples,
                    divisors(config.samples),
                    config.batch_size
                ),
            ));
        }
        config.batch_size = (1..=base.batch_size.min(config.samples))
            .rev()
            .find(|&d| divides(d, config.samples))
            .unwrap_or(1);
    }
    if config.lr <= 0.0 {
        errors.push(FieldError::new(
            "lr",
            format!(
                "the learning rate must be a number above 0 and at most {}, got 0",
                crate::link::format_number(MAX_LR)
            ),
        ));
        config.lr = if base.lr > 0.0 {
            base.lr
        } else {
            ImplicitRegConfig::default().lr
        };
    }
    if let Err(error) = config.check_work() {
        errors.push(error);
        let options = config.options.clone();
        *config = base.clone();
        config.options = options;
    }
}

fn divides(batch: usize, samples: usize) -> bool {
    batch >= 1 && batch <= samples && samples.is_multiple_of(batch)
}

/// The divisors of `n`, as the message for a batch size that is not one.
fn divisors(n: usize) -> String {
    let list: Vec<String> = (1..=n)
        .filter(|&d| n.is_multiple_of(d))
        .map(|d| d.to_string())
        .collect();
    if list.len() > 16 {
        format!("{}, …, {}", list[..12].join(", "), list[list.len() - 1])
    } else {
        list.join(", ")
    }
}

impl ImplicitRegConfig {
    /// SGD steps per epoch, m = n/B (for a valid config).
    pub fn steps_per_epoch(&self) -> usize {
        self.samples / self.batch_size.max(1)
    }

    /// SGD steps of the whole run, epochs × n/B (for a valid config).
    pub fn total_steps(&self) -> usize {
        self.epochs * self.steps_per_epoch()
    }

    /// Checks every setting against [`IMPLICIT_REG`]; the error names the
    /// link key at fault.
    pub fn validate(&self) -> Result<(), FieldError> {
        IMPLICIT_REG.validate(self)
    }

    /// The caps on the run's length and work (for settings each within
    /// its own range).
    fn check_work(&self) -> Result<(), FieldError> {
        let steps = self.total_steps();
        if steps > MAX_STEPS {
            return Err(FieldError::new(
                "epochs",
                format!(
                    "epochs × n/B must be at most {MAX_STEPS} SGD steps, got {} × {} = {steps}",
                    self.epochs,
                    self.steps_per_epoch()
                ),
            ));
        }
        let step_work = self.replicas * self.batch_size;
        if step_work > MAX_STEP_WORK {
            return Err(FieldError::new(
                "replicas",
                format!(
                    "replicas × batch size must be at most {MAX_STEP_WORK}, so that one step \
                     fits in a frame; got {} × {} = {step_work}",
                    self.replicas, self.batch_size
                ),
            ));
        }
        let work = step_work * steps + 8 * steps * self.substeps * self.samples;
        if work > MAX_WORK {
            return Err(FieldError::new(
                "epochs",
                format!(
                    "this run needs {work} example evaluations (replicas × steps × B + \
                     8 × steps × substeps × n); at most {MAX_WORK}: use fewer epochs, \
                     replicas or substeps"
                ),
            ));
        }
        Ok(())
    }

    /// The stochastic view's settings that build the same dataset.
    pub fn data_config(&self) -> StochasticConfig {
        StochasticConfig {
            model: self.model,
            samples: self.samples,
            noise: self.noise,
            truth: self.truth,
            seed: self.seed,
            batch_size: self.batch_size,
            ..StochasticConfig::default()
        }
    }

    /// The model on its seeded dataset, after checking every setting.
    pub fn build_model(&self) -> Result<Arc<dyn EmpiricalRisk>, FieldError> {
        self.validate()?;
        self.data_config().build_model()
    }

    /// Whether `other` runs the same experiment (it differs at most in
    /// the map, the speed and the view options).
    pub fn same_run(&self, other: &Self) -> bool {
        let display = |c: &Self| Self {
            map: Quantity::default(),
            speed: 1,
            options: ViewOptions::default(),
            ..c.clone()
        };
        display(self) == display(other)
    }

    /// The config as a link (without the leading `#`).
    pub fn encode(&self) -> String {
        IMPLICIT_REG.encode(self)
    }

    /// Reads a link (with or without `#`) on top of `base`. Every part that
    /// is wrong is reported and leaves `base`'s value in place.
    pub fn decode(link: &str, base: &Self) -> (Self, Vec<FieldError>) {
        IMPLICIT_REG.decode(link, base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::testing::{assert_hostile_links_are_refused, link_table_properties, messages};

    fn error(config: ImplicitRegConfig) -> FieldError {
        config.validate().unwrap_err()
    }

    fn decode(link: &str) -> (ImplicitRegConfig, Vec<FieldError>) {
        ImplicitRegConfig::decode(link, &ImplicitRegConfig::default())
    }

    #[test]
    fn default_is_valid_small_and_readable() {
        let config = ImplicitRegConfig::default();
        assert!(config.validate().is_ok());
        assert_eq!(config.total_steps(), 64);
        assert_eq!(
            config.encode(),
            "m=linear&n=16&noise=0.5&truth=2,-1&seed=0&b=1&lr=0.2&start=-1,2&epochs=4\
             &replicas=1000&sub=16&map=modified&speed=1"
        );
    }

    #[test]
    fn a_link_round_trips_every_bit() {
        let config = ImplicitRegConfig {
            model: ModelKind::Logistic,
            samples: 720,
            noise: 0.1 + 0.2,
            truth: [-1e-300, 999.5],
            seed: u64::MAX,
            batch_size: 45,
            lr: 1.0 / 3.0,
            start: [-0.0, 5e-324],
            epochs: 3,
            replicas: 17,
            substeps: 64,
            map: Quantity::Difference,
            speed: 100,
            options: ViewOptions {
                autoplay: true,
                hide: vec!["zoom".into(), "sgd".into()],
                theme: crate::link::Theme::Dark,
            },
        };
        let (back, errors) = decode(&format!("#view=implicit-reg&{}", config.encode()));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(back, config);
    }

    #[test]
    fn limits_name_the_key_and_the_allowed_values() {
        let base = ImplicitRegConfig::default();
        let e = error(ImplicitRegConfig {
            batch_size: 5,
            ..base.clone()
        });
        assert_eq!(
            e.to_string(),
            "b: the batch size must divide the number of examples n = 16, so that every epoch is \
             n/B full batches; allowed: 1, 2, 4, 8, 16; got 5"
        );
        assert_eq!(
            error(ImplicitRegConfig {
                batch_size: 0,
                ..base.clone()
            })
            .to_string(),
            "b: must be a whole number from 1 to 1000, got `0`"
        );
        assert_eq!(
            error(ImplicitRegConfig {
                lr: 0.0,
                ..base.clone()
            })
            .to_string(),
            "lr: the learning rate must be a number above 0 and at most 10, got 0"
        );
        assert_eq!(
            error(ImplicitRegConfig {
                lr: f64::NAN,
                ..base.clone()
            })
            .to_string(),
            "lr: `NaN` is not a finite number"
        );
        assert_eq!(
            error(ImplicitRegConfig {
                replicas: 5001,
                ..base.clone()
            })
            .to_string(),
            "replicas: must be a whole number from 1 to 5000, got `5001`"
        );
        for (config, key) in [
            (
                ImplicitRegConfig {
                    samples: 1,
                    ..base.clone()
                },
                "n",
            ),
            (
                ImplicitRegConfig {
                    start: [0.0, 1e3],
                    ..base.clone()
                },
                "start",
            ),
            (
                ImplicitRegConfig {
                    noise: -1.0,
                    ..base.clone()
                },
                "noise",
            ),
            (
                ImplicitRegConfig {
                    speed: 0,
                    ..base.clone()
                },
                "speed",
            ),
        ] {
            assert_eq!(error(config).field, key);
        }
        assert_eq!(
            error(ImplicitRegConfig {
                samples: 32,
                epochs: 1000,
                ..base
            })
            .to_string(),
            "epochs: epochs × n/B must be at most 20000 SGD steps, got 1000 × 32 = 32000"
        );
    }

    #[test]
    fn work_caps_keep_frames_and_runs_short() {
        let e = error(ImplicitRegConfig {
            samples: 1000,
            batch_size: 500,
            replicas: 5000,
            ..ImplicitRegConfig::default()
        });
        assert_eq!(e.field, "replicas");
        let e = error(ImplicitRegConfig {
            samples: 1000,
            batch_size: 100,
            replicas: 5000,
            epochs: 100,
            ..ImplicitRegConfig::default()
        });
        assert_eq!(e.field, "epochs");
        assert!(e.message.contains("at most 400000000"), "{}", e.message);
        // A link past a cap is refused whole: the previous state stays.
        let (config, errors) = decode("seed=4&n=1000&b=500&replicas=5000&autoplay=1");
        assert_eq!(errors[0].field, "replicas");
        assert_eq!(
            config,
            ImplicitRegConfig {
                options: ViewOptions {
                    autoplay: true,
                    ..ViewOptions::default()
                },
                ..ImplicitRegConfig::default()
            }
        );
    }

    #[test]
    fn the_batch_size_follows_n_when_left_as_it_was() {
        let base = ImplicitRegConfig {
            samples: 32,
            batch_size: 8,
            ..ImplicitRegConfig::default()
        };
        let (config, errors) = ImplicitRegConfig::decode("n=20", &base);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!((config.samples, config.batch_size), (20, 5));
        let (config, errors) = ImplicitRegConfig::decode("n=20&b=3", &base);
        assert_eq!(config.batch_size, 5);
        assert_eq!(
            messages(&errors),
            [
                "b: the batch size must divide the number of examples n = 20, so that every \
              epoch is n/B full batches; allowed: 1, 2, 4, 5, 10, 20; got 3"
            ]
        );
        let (config, errors) = ImplicitRegConfig::decode("n=7", &base);
        assert!(errors.is_empty());
        assert_eq!(config.batch_size, 7);
    }

    #[test]
    fn display_settings_do_not_change_the_run() {
        let base = ImplicitRegConfig::default();
        let (shown, errors) = ImplicitRegConfig::decode("map=difference&speed=9&hide=gaps", &base);
        assert!(errors.is_empty(), "{errors:?}");
        assert!(shown.same_run(&base));
        let (other, _) = ImplicitRegConfig::decode("lr=0.1", &base);
        assert!(!other.same_run(&base));
    }

    #[test]
    fn hostile_links_are_reported_not_panicked_on() {
        assert_hostile_links_are_refused(&IMPLICIT_REG);
        let (_, errors) = decode("hide=<img src=x onerror=alert(1)>&map=%zz&view=stochastic");
        assert_eq!(
            messages(&errors),
            [
                "map: bad percent escape at character 1",
                "view: this is the `implicit-reg` widget, not `stochastic`",
                "hide: cannot hide `<img src=x onerror=alert…`; allowed: controls, data, sgd, \
                 replicas, map, speed, zoom, gaps, legend, export",
            ]
        );
    }

    #[test]
    fn divisor_lists_are_shortened() {
        assert_eq!(divisors(12), "1, 2, 3, 4, 6, 12");
        assert_eq!(
            divisors(720),
            "1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, …, 720"
        );
    }

    link_table_properties!(IMPLICIT_REG);
}
