//! The settings of the generalisation experiment, as one link table,
//! [`GENERALISATION`] (`view=generalisation`):
//!
//! ```text
//! n=40  p=0.7  test=1000  seed=0                 the training set, the test set, their labels
//! steps=1000                                     full-batch steps of every racer
//! sgd_lr=0.5  adam_lr=0.01  adagrad_lr=0.1  rmsprop_lr=0.001    each racer's learning rate
//! speed=5                                        steps per animation frame
//! ```

use crate::link::{Field, FieldError, Group, LinkTable, Prop, Scale, ViewOptions};
use serde::{Deserialize, Serialize};

/// The most training examples: the features have 3 + up to 5n columns, and
/// every step touches each nonzero once per racer.
pub const MAX_TRAIN_SAMPLES: usize = 1000;
/// The most test points. They cost nothing per step (only their labels
/// matter), so the cap only bounds the memory.
pub const MAX_TEST_SAMPLES: usize = 100_000;
/// The most steps one run may take.
pub const MAX_STEPS: u64 = 100_000;
/// The largest learning rate accepted.
pub const MAX_LR: f64 = 10.0;
/// The most steps per animation frame.
pub const MAX_SPEED: u32 = 100;

/// Everything one generalisation run needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GeneralisationConfig {
    /// Training examples n, 1 to [`MAX_TRAIN_SAMPLES`]. Defaults to `40`.
    pub samples: usize,
    /// The chance p that a label is +1, in [0, 1] (the paper takes p > ½).
    /// Defaults to `0.7`.
    pub p: f64,
    /// Test points, 1 to [`MAX_TEST_SAMPLES`]. Defaults to `1000`.
    pub test_samples: usize,
    /// Drives the training and test labels. Defaults to `0`.
    pub seed: u64,
    /// Full-batch steps of every racer, 1 to [`MAX_STEPS`]. Defaults to `1000`.
    pub steps: u64,
    /// Learning rate of gradient descent (`torch.optim.SGD`), 0 to
    /// [`MAX_LR`]. Defaults to `0.5`.
    pub sgd_lr: f64,
    /// Learning rate of `torch.optim.Adam`, 0 to [`MAX_LR`]. Defaults to `0.01`.
    pub adam_lr: f64,
    /// Learning rate of `torch.optim.Adagrad`, 0 to [`MAX_LR`]. Defaults to `0.1`.
    pub adagrad_lr: f64,
    /// Learning rate of `torch.optim.RMSprop`, 0 to [`MAX_LR`]. Defaults to `0.001`.
    pub rmsprop_lr: f64,
    /// Steps per animation frame, 1 to [`MAX_SPEED`]. Defaults to `5`.
    pub speed: u32,
    /// Autoplay, hidden controls and theme.
    pub options: ViewOptions,
}

impl Default for GeneralisationConfig {
    fn default() -> Self {
        Self {
            samples: 40,
            p: 0.7,
            test_samples: 1000,
            seed: 0,
            steps: 1000,
            sgd_lr: 0.5,
            adam_lr: 0.01,
            adagrad_lr: 0.1,
            rmsprop_lr: 0.001,
            speed: 5,
            options: ViewOptions::default(),
        }
    }
}

/// A learning-rate prop of one racer.
const fn lr_prop(
    key: &'static str,
    label: &'static str,
    help: &'static str,
    get: fn(&GeneralisationConfig) -> f64,
    set: fn(&mut GeneralisationConfig, f64),
) -> Prop<GeneralisationConfig> {
    Prop {
        key,
        label,
        help,
        group: "lr",
        optional: false,
        field: Field::Real {
            min: 0.0,
            max: MAX_LR,
            max_open: false,
            scale: Scale::Log,
            get,
            set,
        },
    }
}

/// The generalisation view's link: keys, controls and limits.
pub static GENERALISATION: LinkTable<GeneralisationConfig> = LinkTable {
    view: "generalisation",
    props: &[
        Prop {
            key: "n",
            label: "Training examples n",
            help: "Each example has the label feature, two constant features and a private block of 1 (label +1) or 5 (label −1) features.",
            group: "data",
            optional: false,
            field: Field::Count {
                min: 1,
                max: MAX_TRAIN_SAMPLES as u64,
                get: |c| c.samples as u64,
                set: |c, v| c.samples = v as usize,
            },
        },
        Prop {
            key: "p",
            label: "Chance p of a +1 label",
            help: "Each label, training or test, is +1 with probability p and −1 otherwise.",
            group: "data",
            optional: false,
            field: Field::Real {
                min: 0.0,
                max: 1.0,
                max_open: false,
                scale: Scale::Linear,
                get: |c| c.p,
                set: |c, v| c.p = v,
            },
        },
        Prop {
            key: "test",
            label: "Test points",
            help: "New points drawn the same way, each with a private block of its own that no training example touches.",
            group: "data",
            optional: false,
            field: Field::Count {
                min: 1,
                max: MAX_TEST_SAMPLES as u64,
                get: |c| c.test_samples as u64,
                set: |c, v| c.test_samples = v as usize,
            },
        },
        Prop {
            key: "seed",
            label: "Seed",
            help: "Draws the training and test labels.",
            group: "data",
            optional: false,
            field: Field::Seed {
                get: |c| c.seed,
                set: |c, v| c.seed = v,
            },
        },
        Prop {
            key: "steps",
            label: "Steps",
            help: "Full-batch steps every racer takes from w = 0.",
            group: "run",
            optional: false,
            field: Field::Count {
                min: 1,
                max: MAX_STEPS,
                get: |c| c.steps,
                set: |c, v| c.steps = v,
            },
        },
        lr_prop(
            "sgd_lr",
            "SGD learning rate",
            "torch.optim.SGD on the full batch: gradient descent.",
            |c| c.sgd_lr,
            |c, v| c.sgd_lr = v,
        ),
        lr_prop(
            "adam_lr",
            "Adam learning rate",
            "torch.optim.Adam with its default betas and ε.",
            |c| c.adam_lr,
            |c, v| c.adam_lr = v,
        ),
        lr_prop(
            "adagrad_lr",
            "Adagrad learning rate",
            "torch.optim.Adagrad with its defaults.",
            |c| c.adagrad_lr,
            |c, v| c.adagrad_lr = v,
        ),
        lr_prop(
            "rmsprop_lr",
            "RMSprop learning rate",
            "torch.optim.RMSprop with its defaults (α = 0.99).",
            |c| c.rmsprop_lr,
            |c, v| c.rmsprop_lr = v,
        ),
        Prop {
            key: "speed",
            label: "Steps per frame",
            help: "How many steps every racer takes per animation frame.",
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
            name: "run",
            label: "Run",
        },
        Group {
            name: "lr",
            label: "Learning rates",
        },
        Group {
            name: "speed",
            label: "Speed",
        },
    ],
    panels: &[
        Group {
            name: "loss",
            label: "Training loss",
        },
        Group {
            name: "error",
            label: "Test error",
        },
        Group {
            name: "weights",
            label: "Shared weights",
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
    // Every setting stands on its own: any n, p and test size make a
    // dataset, and every racer runs at any rate in range.
    check: |_, _, _| {},
    options: |c| &c.options,
    options_mut: |c| &mut c.options,
};

impl GeneralisationConfig {
    /// Each racer's link key and learning rate, in the engine's order.
    pub fn learning_rates(&self) -> [(&'static str, f64); 4] {
        [
            ("sgd_lr", self.sgd_lr),
            ("adam_lr", self.adam_lr),
            ("adagrad_lr", self.adagrad_lr),
            ("rmsprop_lr", self.rmsprop_lr),
        ]
    }

    /// Checks every setting against [`GENERALISATION`]; the error's `field`
    /// is the link key at fault.
    pub fn validate(&self) -> Result<(), FieldError> {
        GENERALISATION.validate(self)
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
        GENERALISATION.encode(self)
    }

    /// Reads a link (with or without `#`) on top of `base`. Every part that
    /// is wrong is reported and leaves `base`'s value in place.
    pub fn decode(link: &str, base: &Self) -> (Self, Vec<FieldError>) {
        GENERALISATION.decode(link, base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::testing::{assert_hostile_links_are_refused, link_table_properties};

    fn decode(link: &str) -> (GeneralisationConfig, Vec<FieldError>) {
        GeneralisationConfig::decode(link, &GeneralisationConfig::default())
    }

    #[test]
    fn the_default_link_is_the_course_setup() {
        assert_eq!(
            GeneralisationConfig::default().encode(),
            "n=40&p=0.7&test=1000&seed=0&steps=1000&sgd_lr=0.5&adam_lr=0.01&adagrad_lr=0.1\
             &rmsprop_lr=0.001&speed=5"
        );
        let (config, errors) = decode("view=generalisation&n=100&p=0.6&seed=7&adam_lr=0.02");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            (config.samples, config.p, config.seed, config.adam_lr),
            (100, 0.6, 7, 0.02)
        );
    }

    #[test]
    fn defaults_are_valid_and_bad_settings_name_their_key() {
        let base = GeneralisationConfig::default();
        assert_eq!(base.validate(), Ok(()));
        let error = |config: GeneralisationConfig| config.validate().unwrap_err();
        let e = error(GeneralisationConfig {
            samples: 0,
            ..base.clone()
        });
        assert_eq!(
            e.to_string(),
            "n: must be a whole number from 1 to 1000, got `0`"
        );
        let e = error(GeneralisationConfig {
            p: 1.5,
            ..base.clone()
        });
        assert_eq!(e.to_string(), "p: must be a number from 0 to 1, got 1.5");
        assert_eq!(
            error(GeneralisationConfig {
                p: f64::NAN,
                ..base.clone()
            })
            .field,
            "p"
        );
        assert_eq!(
            error(GeneralisationConfig {
                test_samples: 100_001,
                ..base.clone()
            })
            .field,
            "test"
        );
        assert_eq!(
            error(GeneralisationConfig {
                steps: 0,
                ..base.clone()
            })
            .field,
            "steps"
        );
        let e = error(GeneralisationConfig {
            rmsprop_lr: -1.0,
            ..base.clone()
        });
        assert_eq!(
            e.to_string(),
            "rmsprop_lr: must be a number from 0 to 10, got -1"
        );
        assert_eq!(
            error(GeneralisationConfig {
                sgd_lr: 11.0,
                ..base
            })
            .field,
            "sgd_lr"
        );
    }

    #[test]
    fn hostile_links_are_reported_not_panicked_on() {
        let (config, errors) = decode("n=1e9&p=0.5&steps=99999999999999999999999");
        assert_eq!((config.samples, config.p, config.steps), (40, 0.5, 1000));
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_hostile_links_are_refused(&GENERALISATION);
    }

    link_table_properties!(GENERALISATION);
}
