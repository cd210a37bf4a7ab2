//! The mode-connectivity experiment's settings, with their limits.
//!
//! ```text
//! data=moons  n=400  noise=0.1  test=0.2  seed=0     one dataset, shared by everything
//! hidden=16,16  act=relu                             the network
//! b=32  lr=0.01  epochs=100                          each endpoint: Adam, from its own init and shuffles
//! blr=0.01  bend=1500                                the bend θ: Adam steps, a fresh t per minibatch
//! points=41                                          t grid for the loss along the paths
//! ```
//!
//! The defaults give a clear barrier that the curve removes. Over seeds
//! 0–4 the two networks (2-16-16-2, relu, 100 epochs of Adam on 320
//! training points of `moons`) reach training losses of 0.006–0.019; the
//! line between them peaks at 0.30–0.69, at t ≈ ½; after 1500 bend steps
//! the curve peaks at 0.012–0.029, within 2–4 % of the line's rise above
//! the endpoints. The whole run takes about 50 ms natively in release mode
//! (2 × 1000 + 1500 optimizer steps and 82 evaluations). The same holds
//! for other widths (8 to 64, up to three layers), sizes (200 to 1000
//! points), batch sizes and epochs; harder sets (`spirals`,
//! `checkerboard`) with these small networks keep 10–20 % of the barrier.
//!
//! The keys, their controls and their limits are one table,
//! [`MODE_CONNECTIVITY`], read by the one link codec of [`crate::link`]; a
//! [`FieldError`] from [`ModeConnectivityConfig::validate`] names the key
//! at fault.
//!
//! The sizes are capped so that no link can stall the page: one unit of
//! work is one optimizer step on a minibatch of at most [`MAX_BATCH`]
//! examples, or one network evaluated on the whole dataset (at most
//! [`MAX_SAMPLES`] examples); the network has at most
//! [`MAX_HIDDEN_LAYERS`] hidden layers of at most [`MAX_WIDTH`] units, so a
//! unit costs at most about 10⁷ multiply–adds; and the whole run at most
//! [`MAX_WORK`] (example passes × parameters).

use crate::data::{DatasetConfig, DatasetKind, MAX_NOISE, MIN_SAMPLES};
use crate::link::{
    Field, FieldError, Group, LinkTable, Opt, Prop, Scale, ViewOptions, format_number, shorten,
};
use crate::train::{Activation, MlpSpec};

/// The most examples, train and test together.
pub const MAX_SAMPLES: usize = 1000;
/// The most hidden layers.
pub const MAX_HIDDEN_LAYERS: usize = 3;
/// The widest hidden layer.
pub const MAX_WIDTH: usize = 64;
/// The largest minibatch.
pub const MAX_BATCH: usize = 256;
/// The largest learning rate of either Adam.
pub const MAX_LR: f64 = 1.0;
/// The most epochs per endpoint.
pub const MAX_EPOCHS: usize = 2000;
/// The most optimizer steps of the bend.
pub const MAX_BEND_STEPS: usize = 100_000;
/// The fewest and most values of t on the evaluation grid.
pub const POINTS_RANGE: [usize; 2] = [3, 201];
/// The most example passes times parameters of a whole run (each pass
/// costs a few multiply–adds per parameter): about 3 s natively, where the
/// default run (5·10⁷) takes 90 ms.
pub const MAX_WORK: usize = 2_000_000_000;

/// Everything the mode-connectivity experiment and its view need.
#[derive(Clone, Debug, PartialEq)]
pub struct ModeConnectivityConfig {
    /// The dataset (`data`). Defaults to `moons`.
    pub dataset: DatasetKind,
    /// Examples, train and test together (`n`), 10 to [`MAX_SAMPLES`].
    /// Defaults to `400`.
    pub samples: usize,
    /// Standard deviation of the noise on each point (`noise`), 0 to 1.
    /// Defaults to `0.1`.
    pub noise: f64,
    /// Share held out for testing (`test`), in [0, 1). Defaults to `0.2`.
    pub test_fraction: f64,
    /// Hidden layer widths (`hidden`), 1 to [`MAX_HIDDEN_LAYERS`] layers of
    /// 1 to [`MAX_WIDTH`] units. Defaults to `[16, 16]`.
    pub hidden: Vec<usize>,
    /// The nonlinearity (`act`): `relu`, `tanh` or `sigmoid`. Defaults to
    /// `relu`.
    pub activation: Activation,
    /// Seeds the data; each endpoint's initial weights and shuffles and the
    /// bend's draws come from their own streams of it (`seed`). Defaults to
    /// `0`.
    pub seed: u64,
    /// Minibatch size (`b`), 1 to [`MAX_BATCH`] and at most the training
    /// set. Defaults to `32`.
    pub batch_size: usize,
    /// Adam's learning rate for the endpoints (`lr`), above 0 and at most
    /// [`MAX_LR`]. Defaults to `0.01`.
    pub lr: f64,
    /// Epochs each endpoint trains (`epochs`), 1 to [`MAX_EPOCHS`].
    /// Defaults to `100`.
    pub epochs: usize,
    /// Adam's learning rate for the bend (`blr`), above 0 and at most
    /// [`MAX_LR`]. Defaults to `0.01`.
    pub bend_lr: f64,
    /// Optimizer steps of the bend (`bend`), 1 to [`MAX_BEND_STEPS`].
    /// Defaults to `1500`.
    pub bend_steps: usize,
    /// Values of t, evenly spaced over [0, 1], where the paths are
    /// evaluated (`points`), within [`POINTS_RANGE`]. Defaults to `41`.
    pub points: usize,
    /// Autoplay, hidden controls and theme.
    pub options: ViewOptions,
}

impl Default for ModeConnectivityConfig {
    fn default() -> Self {
        Self {
            dataset: DatasetKind::Moons,
            samples: 400,
            noise: 0.1,
            test_fraction: 0.2,
            hidden: vec![16, 16],
            activation: Activation::Relu,
            seed: 0,
            batch_size: 32,
            lr: 0.01,
            epochs: 100,
            bend_lr: 0.01,
            bend_steps: 1500,
            points: 41,
            options: ViewOptions::default(),
        }
    }
}

/// Hidden widths from link text: one to [`MAX_HIDDEN_LAYERS`] widths of 1
/// to [`MAX_WIDTH`], comma-separated.
pub fn parse_hidden(text: &str) -> Result<Vec<usize>, String> {
    let widths = text
        .split(',')
        .map(|w| match w.trim().parse::<usize>() {
            Ok(width) if (1..=MAX_WIDTH).contains(&width) => Ok(width),
            _ => Err(format!(
                "each hidden layer must have 1 to {MAX_WIDTH} units, got `{}`",
                shorten(w)
            )),
        })
        .collect::<Result<Vec<_>, _>>()?;
    if widths.len() > MAX_HIDDEN_LAYERS {
        return Err(format!(
            "1 to {MAX_HIDDEN_LAYERS} hidden layers, got {}",
            widths.len()
        ));
    }
    Ok(widths)
}

/// Hidden widths as link text.
fn encode_hidden(hidden: &[usize]) -> String {
    hidden
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// An Adam learning-rate control (the table's `check` refuses 0).
const fn learning_rate(
    get: fn(&ModeConnectivityConfig) -> f64,
    set: fn(&mut ModeConnectivityConfig, f64),
) -> Field<ModeConnectivityConfig> {
    Field::Real {
        min: 0.0,
        max: MAX_LR,
        max_open: false,
        scale: Scale::Log,
        get,
        set,
    }
}

/// A count control.
const fn count(
    min: usize,
    max: usize,
    get: fn(&ModeConnectivityConfig) -> u64,
    set: fn(&mut ModeConnectivityConfig, u64),
) -> Field<ModeConnectivityConfig> {
    Field::Count {
        min: min as u64,
        max: max as u64,
        get,
        set,
    }
}

/// The mode-connectivity view's link: keys, controls and limits.
pub static MODE_CONNECTIVITY: LinkTable<ModeConnectivityConfig> = LinkTable {
    view: "mode-connectivity",
    props: &[
        Prop {
            key: "data",
            label: "Dataset",
            help: "The two-dimensional classification data both networks learn.",
            group: "data",
            optional: false,
            field: Field::Choice {
                options: |_| {
                    DatasetKind::ALL
                        .into_iter()
                        .map(|kind| Opt {
                            value: kind.name(),
                            label: kind.description(),
                        })
                        .collect()
                },
                get: |c| c.dataset.name(),
                set: |c, name| {
                    c.dataset = DatasetKind::from_name(name).unwrap_or(DatasetKind::Moons)
                },
            },
        },
        Prop {
            key: "n",
            label: "Examples",
            help: "Examples drawn, training and test together.",
            group: "data",
            optional: false,
            field: count(
                MIN_SAMPLES,
                MAX_SAMPLES,
                |c| c.samples as u64,
                |c, v| c.samples = v as usize,
            ),
        },
        Prop {
            key: "noise",
            label: "Noise",
            help: "Standard deviation of the noise added to every point.",
            group: "data",
            optional: false,
            field: Field::Real {
                min: 0.0,
                max: MAX_NOISE,
                max_open: false,
                scale: Scale::Linear,
                get: |c| c.noise,
                set: |c, v| c.noise = v,
            },
        },
        Prop {
            key: "test",
            label: "Test share",
            help: "The share of the examples held out to measure the test loss along the paths.",
            group: "data",
            optional: false,
            field: Field::Real {
                min: 0.0,
                max: 1.0,
                max_open: true,
                scale: Scale::Linear,
                get: |c| c.test_fraction,
                set: |c, v| c.test_fraction = v,
            },
        },
        Prop {
            key: "seed",
            label: "Seed",
            help: "Draws the data; each network's initial weights and shuffles, and the bend's draws, come from their own streams of it.",
            group: "data",
            optional: false,
            field: Field::Seed {
                get: |c| c.seed,
                set: |c, v| c.seed = v,
            },
        },
        Prop {
            key: "hidden",
            label: "Hidden layers",
            help: "Widths of the one to three hidden layers, comma-separated.",
            group: "network",
            optional: false,
            field: Field::Custom {
                read: |c, text| {
                    c.hidden = parse_hidden(text)?;
                    Ok(())
                },
                write: |c| Some(encode_hidden(&c.hidden)),
                control: |c| json_text_control(&encode_hidden(&c.hidden)),
                examples: &["16,16", "8", "64,64", "32,32,32", "4,2"],
            },
        },
        Prop {
            key: "act",
            label: "Activation",
            help: "The nonlinearity after every hidden layer.",
            group: "network",
            optional: false,
            field: Field::Choice {
                options: |_| {
                    Activation::ALL
                        .into_iter()
                        .map(|a| Opt {
                            value: a.name(),
                            label: a.name(),
                        })
                        .collect()
                },
                get: |c| c.activation.name(),
                set: |c, name| c.activation = Activation::from_name(name).unwrap_or_default(),
            },
        },
        Prop {
            key: "b",
            label: "Batch size",
            help: "Examples per minibatch, for both networks and the bend (at most the training set).",
            group: "training",
            optional: false,
            field: count(
                1,
                MAX_BATCH,
                |c| c.batch_size as u64,
                |c, v| c.batch_size = v as usize,
            ),
        },
        Prop {
            key: "lr",
            label: "Learning rate",
            help: "Adam's learning rate for the two networks (above 0).",
            group: "training",
            optional: false,
            field: learning_rate(|c| c.lr, |c, v| c.lr = v),
        },
        Prop {
            key: "epochs",
            label: "Epochs",
            help: "Passes over the training set for each network.",
            group: "training",
            optional: false,
            field: count(
                1,
                MAX_EPOCHS,
                |c| c.epochs as u64,
                |c, v| c.epochs = v as usize,
            ),
        },
        Prop {
            key: "blr",
            label: "Bend learning rate",
            help: "Adam's learning rate for the bend θ (above 0).",
            group: "bend",
            optional: false,
            field: learning_rate(|c| c.bend_lr, |c, v| c.bend_lr = v),
        },
        Prop {
            key: "bend",
            label: "Bend steps",
            help: "Minibatch steps that train the bend, each at a fresh t drawn uniformly from [0, 1].",
            group: "bend",
            optional: false,
            field: count(
                1,
                MAX_BEND_STEPS,
                |c| c.bend_steps as u64,
                |c, v| c.bend_steps = v as usize,
            ),
        },
        Prop {
            key: "points",
            label: "Points along t",
            help: "Evenly spaced values of t where the loss along both paths is measured.",
            group: "bend",
            optional: false,
            field: count(
                POINTS_RANGE[0],
                POINTS_RANGE[1],
                |c| c.points as u64,
                |c, v| c.points = v as usize,
            ),
        },
    ],
    groups: &[
        Group {
            name: "data",
            label: "Data",
        },
        Group {
            name: "network",
            label: "Network",
        },
        Group {
            name: "training",
            label: "Training the two networks",
        },
        Group {
            name: "bend",
            label: "The bend",
        },
    ],
    panels: &[
        Group {
            name: "path",
            label: "Loss along the paths",
        },
        Group {
            name: "progress",
            label: "Training losses",
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
    minimal: &["seed", "bend"],
    max_len: 2048,
    check: reconcile,
    options: |c| &c.options,
    options_mut: |c| &mut c.options,
};

/// The control of the hidden widths: a short text field.
fn json_text_control(value: &str) -> serde_json::Value {
    serde_json::json!({"kind": "text", "value": value, "max_len": 32})
}

/// Settings that depend on each other: the learning rates above 0, the
/// batch within the training set, and the work cap. A broken rule is
/// reported and the previous value kept (the batch, if that does not fit
/// either, drops to the training set's size); a run past the work cap is
/// reported and the previous state kept whole.
fn reconcile(
    config: &mut ModeConnectivityConfig,
    base: &ModeConnectivityConfig,
    errors: &mut Vec<FieldError>,
) {
    let default = ModeConnectivityConfig::default();
    for (key, what, value, before, fallback) in [
        (
            "lr",
            "the networks' learning rate",
            &mut config.lr,
            base.lr,
            default.lr,
        ),
        (
            "blr",
            "the bend's learning rate",
            &mut config.bend_lr,
            base.bend_lr,
            default.bend_lr,
        ),
    ] {
        if *value <= 0.0 {
            errors.push(FieldError::new(
                key,
                format!(
                    "{what} must be a number above 0 and at most {}, got 0",
                    format_number(MAX_LR)
                ),
            ));
            *value = if before > 0.0 { before } else { fallback };
        }
    }
    let train = config.train_size();
    if config.batch_size > train {
        errors.push(FieldError::new(
            "b",
            format!(
                "the batch size must be a whole number from 1 to {} (the training set has {train} \
                 examples), got {}",
                train.min(MAX_BATCH),
                config.batch_size
            ),
        ));
        config.batch_size = base.batch_size.min(train);
    }
    if let Err(error) = config.check_work() {
        errors.push(error);
        let options = config.options.clone();
        *config = base.clone();
        config.options = options;
    }
}

impl ModeConnectivityConfig {
    /// The data settings: one dataset for both endpoints.
    pub fn dataset_config(&self) -> DatasetConfig {
        DatasetConfig {
            dataset: self.dataset,
            samples: self.samples,
            noise: self.noise,
            test_fraction: self.test_fraction,
            seed: self.seed,
        }
    }

    /// The network: two inputs, the hidden widths, one logit per class.
    pub fn mlp_spec(&self) -> MlpSpec {
        MlpSpec {
            inputs: 2,
            hidden: self.hidden.clone(),
            classes: self.dataset.classes(),
            activation: self.activation,
        }
    }

    /// Examples in the training set: the stratified split keeps
    /// ⌊test_fraction·nᶜ⌋ of each class's nᶜ for testing.
    pub fn train_size(&self) -> usize {
        let classes = self.dataset.classes();
        (0..classes)
            .map(|c| {
                let count = self.samples / classes + usize::from(c < self.samples % classes);
                count - (self.test_fraction * count as f64).floor() as usize
            })
            .sum()
    }

    /// Checks every setting against [`MODE_CONNECTIVITY`]; the error names
    /// the link key at fault.
    pub fn validate(&self) -> Result<(), FieldError> {
        MODE_CONNECTIVITY.validate(self)
    }

    /// Whether `other` runs the same experiment (it differs at most in
    /// the view options).
    pub fn same_run(&self, other: &Self) -> bool {
        let display = |c: &Self| Self {
            options: ViewOptions::default(),
            ..c.clone()
        };
        display(self) == display(other)
    }

    /// The cap on the run's work (for settings each within its own range).
    fn check_work(&self) -> Result<(), FieldError> {
        let parameters = self.mlp_spec().parameter_count();
        let work = self.work() * parameters;
        if work > MAX_WORK {
            return Err(FieldError::new(
                "epochs",
                format!(
                    "this run needs {work} example passes × parameters ((2 × epochs × training \
                     set + bend steps × batch + 2 × points × n) × {parameters} parameters); at \
                     most {MAX_WORK}: use fewer epochs, bend steps, examples or units"
                ),
            ));
        }
        Ok(())
    }

    /// Example passes of the whole run: both endpoints' epochs, the bend's
    /// minibatches, and the evaluations along both paths.
    pub fn work(&self) -> usize {
        2 * self.epochs * self.train_size()
            + self.bend_steps * self.batch_size
            + 2 * self.points * self.samples
    }

    /// The config as a link (without the leading `#`).
    pub fn encode(&self) -> String {
        MODE_CONNECTIVITY.encode(self)
    }

    /// Reads a link (with or without `#`) on top of `base`. Every part that
    /// is wrong is reported and leaves `base`'s value in place.
    pub fn decode(link: &str, base: &Self) -> (Self, Vec<FieldError>) {
        MODE_CONNECTIVITY.decode(link, base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::testing::{assert_hostile_links_are_refused, link_table_properties, messages};

    fn error(config: ModeConnectivityConfig) -> FieldError {
        config.validate().unwrap_err()
    }

    fn decode(link: &str) -> (ModeConnectivityConfig, Vec<FieldError>) {
        ModeConnectivityConfig::decode(link, &ModeConnectivityConfig::default())
    }

    #[test]
    fn default_is_valid_readable_and_its_split_size_is_exact() {
        let config = ModeConnectivityConfig::default();
        assert!(config.validate().is_ok());
        assert_eq!(
            config.encode(),
            "data=moons&n=400&noise=0.1&test=0.2&seed=0&hidden=16,16&act=relu&b=32&lr=0.01\
             &epochs=100&blr=0.01&bend=1500&points=41"
        );
        assert_eq!(config.train_size(), 320);
        let split = config.dataset_config().generate_split().unwrap();
        assert_eq!(split.train.len(), config.train_size());
        for (samples, test_fraction, dataset) in [
            (401, 0.33, DatasetKind::Moons),
            (97, 0.5, DatasetKind::Blobs),
            (10, 0.0, DatasetKind::Spirals),
        ] {
            let config = ModeConnectivityConfig {
                samples,
                test_fraction,
                dataset,
                ..ModeConnectivityConfig::default()
            };
            let split = config.dataset_config().generate_split().unwrap();
            assert_eq!(split.train.len(), config.train_size(), "{dataset}");
        }
    }

    #[test]
    fn a_link_round_trips_every_bit() {
        let config = ModeConnectivityConfig {
            dataset: DatasetKind::Spirals,
            samples: 999,
            noise: 0.1 + 0.2,
            test_fraction: 0.0,
            hidden: vec![64, 1, 7],
            activation: Activation::Tanh,
            seed: u64::MAX,
            batch_size: 256,
            lr: 1.0 / 3.0,
            epochs: 1,
            bend_lr: 5e-324,
            bend_steps: 2000,
            points: 3,
            options: ViewOptions {
                autoplay: true,
                hide: vec!["path".into(), "bend".into()],
                theme: crate::link::Theme::Dark,
            },
        };
        let (back, errors) = decode(&format!("#{}", config.encode()));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(back, config);
    }

    #[test]
    fn limits_name_the_key_and_say_what_is_allowed() {
        let base = ModeConnectivityConfig::default();
        let message = |config| error(config).to_string();
        assert_eq!(
            message(ModeConnectivityConfig {
                hidden: vec![32, 0],
                ..base.clone()
            }),
            "hidden: each hidden layer must have 1 to 64 units, got `0`"
        );
        assert_eq!(
            message(ModeConnectivityConfig {
                hidden: vec![],
                ..base.clone()
            }),
            "hidden: each hidden layer must have 1 to 64 units, got ``"
        );
        assert_eq!(
            message(ModeConnectivityConfig {
                hidden: vec![8; 4],
                ..base.clone()
            }),
            "hidden: 1 to 3 hidden layers, got 4"
        );
        assert_eq!(
            message(ModeConnectivityConfig {
                batch_size: 0,
                ..base.clone()
            }),
            "b: must be a whole number from 1 to 256, got `0`"
        );
        assert_eq!(
            message(ModeConnectivityConfig {
                samples: 20,
                ..base.clone()
            }),
            "b: the batch size must be a whole number from 1 to 16 (the training set has 16 \
             examples), got 32"
        );
        assert_eq!(
            message(ModeConnectivityConfig {
                bend_lr: f64::NAN,
                ..base.clone()
            }),
            "blr: `NaN` is not a finite number"
        );
        assert_eq!(
            message(ModeConnectivityConfig {
                lr: 0.0,
                ..base.clone()
            }),
            "lr: the networks' learning rate must be a number above 0 and at most 1, got 0"
        );
        for (config, key) in [
            (
                ModeConnectivityConfig {
                    test_fraction: 1.0,
                    ..base.clone()
                },
                "test",
            ),
            (
                ModeConnectivityConfig {
                    noise: 2.0,
                    ..base.clone()
                },
                "noise",
            ),
            (
                ModeConnectivityConfig {
                    points: 2,
                    ..base.clone()
                },
                "points",
            ),
        ] {
            assert_eq!(error(config).field, key);
        }
        let e = error(ModeConnectivityConfig {
            samples: 1000,
            epochs: 2000,
            hidden: vec![64, 64],
            ..base
        });
        assert_eq!(e.field, "epochs");
        assert!(e.message.contains("at most 2000000000"), "{}", e.message);
    }

    #[test]
    fn rules_between_settings_keep_the_previous_values() {
        let (config, errors) = decode("n=20&seed=3");
        assert_eq!(
            (config.samples, config.batch_size, config.seed),
            (20, 16, 3)
        );
        assert_eq!(errors[0].field, "b");
        let (config, errors) = decode("n=1000&epochs=2000&hidden=64,64&seed=3");
        assert_eq!(errors[0].field, "epochs");
        assert_eq!(config, ModeConnectivityConfig::default());
        let (config, errors) = decode("hidden=8,8,8,8&act=gelu");
        assert_eq!(config.hidden, [16, 16]);
        assert_eq!(
            errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
            ["hidden", "act"]
        );
    }

    #[test]
    fn hostile_links_are_reported_not_panicked_on() {
        assert_hostile_links_are_refused(&MODE_CONNECTIVITY);
        let (_, errors) = decode("hidden=%3Cscript%3E&data=%00");
        assert_eq!(
            messages(&errors),
            [
                "data: unknown choice `\0`; allowed: spirals, moons, circles, xor, blobs, \
                 checkerboard",
                "hidden: each hidden layer must have 1 to 64 units, got `<script>`",
            ]
        );
    }

    link_table_properties!(MODE_CONNECTIVITY);
}
