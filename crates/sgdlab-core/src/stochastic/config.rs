//! The stochastic-landscapes view's state as typed, validated data, and its
//! URL-hash form.
//!
//! ```text
//! m=linear  n=100  noise=0.5  truth=2,-1  seed=0     model and its dataset
//! b=10  order=shuffle  drop=0                       minibatches
//! lr=0.3  mom=0  start=-1,2                         the three SGD paths
//! k=500                                             minibatches in the noise panel
//! speed=1  overlay=1  autoplay=1  hide=lr,order     display and embed options
//! ```
//!
//! The keys, their controls and their limits are one table, [`STOCHASTIC`],
//! read by the one link codec of [`crate::link`]. Every field is always
//! written, numbers in the shortest form that reads back as the same `f64`,
//! so `decode(encode(c)) == c`. Settings that constrain each other are
//! checked after all parts are read: a batch larger than the dataset, or
//! class-balanced sampling for the linear model (whose examples have no
//! classes), is reported and the previous setting kept (or, if that one no
//! longer fits either, the largest batch / the `shuffle` order).

use super::{EmpiricalRisk, LinearRegression, LogisticRegression2};
use crate::data::MAX_SAMPLES;
use crate::data::regression::{CurveConfig, LogisticConfig, MAX_COEFFICIENT, MAX_TARGET_NOISE};
use crate::data::sampler::{SamplerConfig, SamplingOrder};
use crate::link::{Field, FieldError, Group, LinkTable, Opt, Prop, Scale, ViewOptions};
use crate::playground::MAX_SPEED;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// The fewest examples a dataset may have: a variance needs two.
pub const MIN_SAMPLES: usize = 2;
/// The most minibatches the gradient-noise panel may draw.
pub const MAX_NOISE_BATCHES: usize = 2000;
/// The largest learning rate accepted.
pub const MAX_LR: f64 = 100.0;
/// Each coordinate of the start must lie in [−`MAX_START`, `MAX_START`].
pub const MAX_START: f64 = 1000.0;

/// Which two-parameter model the landscape belongs to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    /// [`LinearRegression`]: θ = (w, b) on y = w·x + b + noise. The default.
    #[default]
    Linear,
    /// [`LogisticRegression2`]: θ = (w₁, w₂) on two-feature 0/1 data.
    Logistic,
}

impl ModelKind {
    /// The name the URL uses.
    pub fn name(self) -> &'static str {
        match self {
            Self::Linear => "linear",
            Self::Logistic => "logistic",
        }
    }
}

impl fmt::Display for ModelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Everything the view's link holds.
#[derive(Clone, Debug, PartialEq)]
pub struct StochasticConfig {
    /// The model. Defaults to `linear`.
    pub model: ModelKind,
    /// Number of examples n, [`MIN_SAMPLES`] to [`MAX_SAMPLES`]. Defaults to `100`.
    pub samples: usize,
    /// Standard deviation of the target noise (linear model only; the
    /// logistic labels are random by construction), 0 to
    /// [`MAX_TARGET_NOISE`]. Defaults to `0.5`.
    pub noise: f64,
    /// The parameters that generate the data: (slope, intercept) for the
    /// linear model, the true weights for the logistic one; each within
    /// ±[`MAX_COEFFICIENT`]. Defaults to `[2, -1]`.
    pub truth: [f64; 2],
    /// Seeds the data, every minibatch order and the noise panel. Defaults to `0`.
    pub seed: u64,
    /// Minibatch size B, 1 to n. Defaults to `10`.
    pub batch_size: usize,
    /// How minibatches are drawn. `class_balanced` needs the logistic
    /// model. Defaults to `shuffle`.
    pub order: SamplingOrder,
    /// Drop each epoch's short last batch. Defaults to `false`.
    pub drop_last: bool,
    /// Learning rate η of all three paths, 0 to [`MAX_LR`]. Defaults to `0.3`.
    pub lr: f64,
    /// Heavy-ball momentum μ of all three paths (as `torch.optim.SGD`), in
    /// [0, 1). Defaults to `0`.
    pub momentum: f64,
    /// Where the paths start, θ = (θ₁, θ₂). Defaults to `[-1, 2]`.
    pub start: [f64; 2],
    /// Minibatches K the gradient-noise panel draws, 1 to
    /// [`MAX_NOISE_BATCHES`]. Defaults to `500`.
    pub noise_batches: usize,
    /// Steps per animation frame, 1 to [`MAX_SPEED`]. Defaults to `1`.
    pub speed: u32,
    /// Draw the current minibatch's surface over the full one. Defaults to `true`.
    pub overlay: bool,
    /// Autoplay, hidden controls and theme.
    pub options: ViewOptions,
}

impl Default for StochasticConfig {
    fn default() -> Self {
        Self {
            model: ModelKind::Linear,
            samples: 100,
            noise: 0.5,
            truth: [2.0, -1.0],
            seed: 0,
            batch_size: 10,
            order: SamplingOrder::Shuffle,
            drop_last: false,
            lr: 0.3,
            momentum: 0.0,
            start: [-1.0, 2.0],
            noise_batches: 500,
            speed: 1,
            overlay: true,
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

/// The sampling orders a model can use: class-balanced needs class labels,
/// which only the logistic model has.
fn orders(config: &StochasticConfig) -> Vec<Opt> {
    SamplingOrder::ALL
        .into_iter()
        .filter(|order| {
            *order != SamplingOrder::ClassBalanced || config.model == ModelKind::Logistic
        })
        .map(|order| Opt {
            value: order.name(),
            label: order.label(),
        })
        .collect()
}

/// The stochastic view's link: keys, controls and limits.
pub static STOCHASTIC: LinkTable<StochasticConfig> = LinkTable {
    view: "stochastic",
    props: &[
        Prop {
            key: "m",
            label: "Model",
            help: "The two-parameter model whose empirical risk is the landscape.",
            group: "model",
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
                min: MIN_SAMPLES as u64,
                max: MAX_SAMPLES as u64,
                get: |c| c.samples as u64,
                set: |c, v| c.samples = v as usize,
            },
        },
        Prop {
            key: "noise",
            label: "Target noise σ",
            help: "Standard deviation of the noise added to the linear model's targets.",
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
            help: "One seed draws the data, every minibatch order and the noise panel.",
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
            help: "Examples per minibatch of the minibatch path (at most n).",
            group: "batch",
            optional: false,
            field: Field::Count {
                min: 1,
                max: MAX_SAMPLES as u64,
                get: |c| c.batch_size as u64,
                set: |c, v| c.batch_size = v as usize,
            },
        },
        Prop {
            key: "order",
            label: "Sampling order",
            help: "How the minibatches are drawn from the data.",
            group: "order",
            optional: false,
            field: Field::Choice {
                options: orders,
                get: |c| c.order.name(),
                set: |c, name| c.order = SamplingOrder::from_name(name).unwrap_or_default(),
            },
        },
        Prop {
            key: "drop",
            label: "Drop the last short batch",
            help: "Skip each epoch's last batch when it has fewer than B examples.",
            group: "batch",
            optional: false,
            field: Field::Flag {
                get: |c| c.drop_last,
                set: |c, v| c.drop_last = v,
            },
        },
        Prop {
            key: "lr",
            label: "Learning rate η",
            help: "The step size of all three paths.",
            group: "lr",
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
            key: "mom",
            label: "Momentum μ",
            help: "Heavy-ball momentum of all three paths, as torch.optim.SGD.",
            group: "lr",
            optional: false,
            field: Field::Real {
                min: 0.0,
                max: 1.0,
                max_open: true,
                scale: Scale::Linear,
                get: |c| c.momentum,
                set: |c, v| c.momentum = v,
            },
        },
        Prop {
            key: "start",
            label: "Start θ",
            help: "Where the three paths start; click the map to move it.",
            group: "start",
            optional: false,
            field: Field::Pair {
                limit: MAX_START,
                get: |c| c.start,
                set: |c, v| c.start = v,
            },
        },
        Prop {
            key: "k",
            label: "Minibatches drawn K",
            help: "How many minibatch gradients the noise panel draws at the current point.",
            group: "noise",
            optional: false,
            field: Field::Count {
                min: 1,
                max: MAX_NOISE_BATCHES as u64,
                get: |c| c.noise_batches as u64,
                set: |c, v| c.noise_batches = v as usize,
            },
        },
        Prop {
            key: "speed",
            label: "Steps per frame",
            help: "How many steps each path takes per animation frame.",
            group: "speed",
            optional: false,
            field: Field::Count {
                min: 1,
                max: MAX_SPEED as u64,
                get: |c| u64::from(c.speed),
                set: |c, v| c.speed = v as u32,
            },
        },
        Prop {
            key: "overlay",
            label: "Show the minibatch surface",
            help: "Draw the contours of the next minibatch's loss over the full-data map.",
            group: "overlay",
            optional: false,
            field: Field::Flag {
                get: |c| c.overlay,
                set: |c, v| c.overlay = v,
            },
        },
    ],
    groups: &[
        Group {
            name: "model",
            label: "Model",
        },
        Group {
            name: "data",
            label: "Data",
        },
        Group {
            name: "batch",
            label: "Minibatches",
        },
        Group {
            name: "order",
            label: "Sampling order",
        },
        Group {
            name: "lr",
            label: "Steps",
        },
        Group {
            name: "start",
            label: "Start",
        },
        Group {
            name: "speed",
            label: "Speed",
        },
        Group {
            name: "overlay",
            label: "Overlay",
        },
        Group {
            name: "noise",
            label: "Gradient noise",
        },
    ],
    panels: &[
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
    max_len: 4096,
    check: reconcile,
    options: |c| &c.options,
    options_mut: |c| &mut c.options,
};

/// Settings that depend on each other; each one that no longer fits is
/// reported and put back to `base`'s (or to a value that fits, when
/// `base`'s does not either).
fn reconcile(config: &mut StochasticConfig, base: &StochasticConfig, errors: &mut Vec<FieldError>) {
    // A batch the link (or the control) asked for must fit the data; a
    // batch left as it was follows the data down when n shrinks.
    if let Err(message) = check_batch(config.batch_size, config.samples) {
        if config.batch_size != base.batch_size {
            errors.push(FieldError::new("b", message));
        }
        config.batch_size = base.batch_size.min(config.samples);
    }
    // Likewise an order left as it was falls back to `shuffle` when the
    // model loses its class labels.
    if !orders(config)
        .iter()
        .any(|o| o.value == config.order.name())
    {
        if config.order != base.order {
            errors.push(FieldError::new(
                "order",
                "class_balanced sampling needs class labels, which only the logistic model has; \
                 allowed for linear: sequential, shuffle, replacement",
            ));
        }
        config.order = if orders(config).iter().any(|o| o.value == base.order.name()) {
            base.order
        } else {
            SamplingOrder::Shuffle
        };
    }
}

pub(super) fn check_count(what: &str, value: usize, low: usize, high: usize) -> Result<(), String> {
    if (low..=high).contains(&value) {
        Ok(())
    } else {
        Err(format!(
            "{what} must be a whole number from {low} to {high}, got {value}"
        ))
    }
}

pub(super) fn check_batch(batch_size: usize, samples: usize) -> Result<(), String> {
    if (1..=samples).contains(&batch_size) {
        Ok(())
    } else {
        Err(format!(
            "the batch size must be a whole number from 1 to {samples} (the number of examples), got {batch_size}"
        ))
    }
}

impl StochasticConfig {
    /// Checks every setting against [`STOCHASTIC`]; the error names the
    /// link key at fault.
    pub fn validate(&self) -> Result<(), FieldError> {
        STOCHASTIC.validate(self)
    }

    /// The model on its seeded dataset.
    pub fn build_model(&self) -> Result<Arc<dyn EmpiricalRisk>, FieldError> {
        self.validate()?;
        let data_error = |e: crate::data::DataError| FieldError::new("data", e.to_string());
        Ok(match self.model {
            ModelKind::Linear => {
                let [slope, intercept] = self.truth;
                let data = CurveConfig {
                    samples: self.samples,
                    noise: self.noise,
                    seed: self.seed,
                    ..CurveConfig::line(slope, intercept)
                };
                Arc::new(LinearRegression::from_config(&data).map_err(data_error)?)
            }
            ModelKind::Logistic => {
                let data = LogisticConfig {
                    samples: self.samples,
                    weights: self.truth,
                    seed: self.seed,
                };
                Arc::new(LogisticRegression2::from_config(&data).map_err(data_error)?)
            }
        })
    }

    /// The minibatch sampler's settings for batch size `batch_size`.
    pub fn sampler(&self, batch_size: usize) -> SamplerConfig {
        SamplerConfig {
            order: self.order,
            batch_size,
            drop_last: self.drop_last,
            workers: 1,
        }
    }

    /// The config as a link (without the leading `#`).
    pub fn encode(&self) -> String {
        STOCHASTIC.encode(self)
    }

    /// Reads a link (with or without `#`) on top of `base`. Every part that
    /// is wrong is reported and leaves `base`'s value in place.
    pub fn decode(link: &str, base: &StochasticConfig) -> (StochasticConfig, Vec<FieldError>) {
        STOCHASTIC.decode(link, base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::testing::{assert_round_trip, junk_links, valid_links};
    use proptest::prelude::*;

    fn decode(link: &str) -> (StochasticConfig, Vec<FieldError>) {
        StochasticConfig::decode(link, &StochasticConfig::default())
    }

    fn messages(errors: &[FieldError]) -> Vec<String> {
        errors.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn default_link_is_readable() {
        assert_eq!(
            StochasticConfig::default().encode(),
            "m=linear&n=100&noise=0.5&truth=2,-1&seed=0&b=10&order=shuffle&drop=0&lr=0.3\
             &mom=0&start=-1,2&k=500&speed=1&overlay=1"
        );
    }

    #[test]
    fn link_round_trip_is_lossless() {
        let config = StochasticConfig {
            model: ModelKind::Logistic,
            samples: 9999,
            noise: 0.1 + 0.2,
            truth: [-1e-300, 999.999_999_999_9],
            seed: u64::MAX,
            batch_size: 7,
            order: SamplingOrder::ClassBalanced,
            drop_last: true,
            lr: 1.0 / 3.0,
            momentum: 0.9,
            start: [-0.0, 5e-324],
            noise_batches: 2000,
            speed: 50,
            overlay: false,
            options: ViewOptions {
                autoplay: true,
                hide: vec!["lr".into(), "noise".into()],
                theme: crate::link::Theme::Dark,
            },
        };
        let (decoded, errors) = StochasticConfig::decode(
            &format!("#{}", config.encode()),
            &StochasticConfig::default(),
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(decoded, config);
        assert_eq!(decoded.start[0].to_bits(), (-0.0_f64).to_bits());
    }

    #[test]
    fn links_written_before_the_codec_was_shared_read_the_same() {
        let (config, errors) = decode(
            "view=stochastic&m=logistic&n=300&noise=0.25&truth=1.5,-2&seed=9&b=32&order=class_balanced\
             &drop=1&lr=0.05&mom=0.9&start=0.5,0.5&k=200&speed=3&overlay=0&autoplay=1&hide=noise,lr",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(config.model, ModelKind::Logistic);
        assert_eq!(
            (config.samples, config.batch_size, config.noise_batches),
            (300, 32, 200)
        );
        assert_eq!(
            (config.noise, config.truth, config.seed),
            (0.25, [1.5, -2.0], 9)
        );
        assert_eq!(config.order, SamplingOrder::ClassBalanced);
        assert!(config.drop_last && !config.overlay && config.options.autoplay);
        assert_eq!(
            (config.lr, config.momentum, config.start),
            (0.05, 0.9, [0.5, 0.5])
        );
        assert_eq!(config.speed, 3);
        assert_eq!(config.options.hide, ["noise", "lr"]);
    }

    #[test]
    fn a_bad_part_keeps_the_previous_value_and_the_rest_applies() {
        let base = StochasticConfig {
            lr: 0.05,
            ..StochasticConfig::default()
        };
        let (config, errors) =
            StochasticConfig::decode("lr=fast&b=20&start=1,nan&m=quadratic", &base);
        assert_eq!(config.lr, 0.05);
        assert_eq!(config.batch_size, 20);
        assert_eq!(config.start, base.start);
        assert_eq!(config.model, ModelKind::Linear);
        assert_eq!(
            messages(&errors),
            [
                "m: unknown choice `quadratic`; allowed: linear, logistic",
                "lr: `fast` is not a finite number",
                "start: `nan` is not a finite number",
            ]
        );
    }

    #[test]
    fn limits_are_enforced_with_messages() {
        let (config, errors) = decode("n=20000&k=2001&b=0&speed=51&mom=1&lr=-1&noise=101");
        assert_eq!(config, StochasticConfig::default());
        assert_eq!(
            messages(&errors),
            [
                "n: must be a whole number from 2 to 10000, got `20000`",
                "noise: must be a number from 0 to 100, got 101",
                "b: must be a whole number from 1 to 10000, got `0`",
                "lr: must be a number from 0 to 100, got -1",
                "mom: must be a number from 0 up to but not including 1, got 1",
                "k: must be a whole number from 1 to 2000, got `2001`",
                "speed: must be a whole number from 1 to 50, got `51`",
            ]
        );
        let (_, errors) = decode("truth=5000,0&start=0,1e9");
        assert_eq!(
            messages(&errors),
            [
                "truth: both numbers must be from -1000 to 1000, got 5000,0",
                "start: both numbers must be from -1000 to 1000, got 0,1000000000",
            ]
        );
    }

    #[test]
    fn settings_that_depend_on_each_other_are_checked_together() {
        // A batch larger than the new dataset: reported, the old batch kept.
        let (config, errors) = decode("n=50&b=60");
        assert_eq!((config.samples, config.batch_size), (50, 10));
        assert_eq!(
            messages(&errors),
            [
                "b: the batch size must be a whole number from 1 to 50 (the number of examples), got 60"
            ]
        );
        // Shrinking the dataset below the old batch keeps the largest batch that fits.
        let base = StochasticConfig {
            batch_size: 80,
            ..StochasticConfig::default()
        };
        let (config, errors) = StochasticConfig::decode("n=30", &base);
        assert_eq!(config.batch_size, 30);
        assert!(errors.is_empty(), "{errors:?}");
        // Class-balanced sampling needs the logistic model's labels.
        let (config, errors) = decode("order=class_balanced");
        assert_eq!(config.order, SamplingOrder::Shuffle);
        assert!(
            errors[0]
                .message
                .starts_with("unknown choice `class_balanced`"),
            "{errors:?}"
        );
        let (config, errors) = decode("m=logistic&order=class_balanced");
        assert!(errors.is_empty());
        assert_eq!(config.order, SamplingOrder::ClassBalanced);
        assert!(config.validate().is_ok());
        assert!(config.build_model().unwrap().class_labels().is_some());
        // Switching a class-balanced logistic config to linear falls back.
        let (linear, errors) = StochasticConfig::decode("m=linear", &config);
        assert_eq!(linear.order, SamplingOrder::Shuffle);
        assert!(errors.is_empty(), "{errors:?}");
        // Asking for both at once is refused.
        let (_, errors) = StochasticConfig::decode("m=linear&order=class_balanced", &config);
        assert!(
            errors[0]
                .message
                .starts_with("unknown choice `class_balanced`")
        );
    }

    #[test]
    fn hostile_links_are_reported_not_panicked_on() {
        let long = "a".repeat(STOCHASTIC.max_len + 1);
        let (_, errors) = decode(&long);
        assert_eq!(errors[0].field, "link");
        let (_, errors) = decode("hide=<script>alert(1)</script>");
        assert_eq!(
            errors[0].message,
            "cannot hide `<script>alert(1)</script…`; allowed: controls, model, data, batch, \
             order, lr, start, speed, overlay, noise, legend, export"
        );
        let (_, errors) = decode("zoom=3");
        assert_eq!(errors[0].field, "link");
        assert!(
            errors[0]
                .message
                .starts_with("unknown setting `zoom`; allowed: m, n, noise")
        );
        let (_, errors) = decode("view=training");
        assert_eq!(errors[0].field, "view");
    }

    #[test]
    fn validate_names_the_key_at_fault() {
        let bad = StochasticConfig {
            batch_size: 101,
            ..StochasticConfig::default()
        };
        assert_eq!(bad.validate().unwrap_err().field, "b");
        let bad = StochasticConfig {
            lr: f64::NAN,
            ..StochasticConfig::default()
        };
        assert_eq!(
            bad.validate().unwrap_err().to_string(),
            "lr: `NaN` is not a finite number"
        );
        assert!(bad.build_model().is_err());
    }

    proptest! {
        #[test]
        fn any_text_decodes_to_a_valid_state(link in junk_links(&STOCHASTIC)) {
            let (config, _) = decode(&link);
            prop_assert!(config.validate().is_ok(), "{link}: {config:?}");
        }

        #[test]
        fn a_random_valid_state_round_trips(link in valid_links(&STOCHASTIC)) {
            let config = assert_round_trip(&STOCHASTIC, &link);
            prop_assert!(config.validate().is_ok());
        }
    }
}
