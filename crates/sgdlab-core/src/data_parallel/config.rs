//! The settings of the data-parallel experiment, as one link table,
//! [`DATA_PARALLEL`] (`view=data-parallel`):
//!
//! ```text
//! data=moons  n=512  noise=0.1  seed=0        the dataset (all of it is trained on)
//! hidden=16,16  act=relu                      the network
//! workers=4  b=16  epochs=10                  M workers with B examples each per step
//! lr=0.1  mom=0                               torch.optim.SGD
//! shared_seed=1  reduce=mean                  the two pitfalls when changed
//! compute=0.1  allreduce=0.5  latency=0.02    the wall-clock model, in ms
//! speed=1                                     steps per animation frame
//! ```
//!
//! The number of workers and the batch per worker depend on the data: at
//! most one worker per example, and M·B at most n. A link or an edit that
//! breaks this is reported and the previous value kept; when n shrinks
//! under settings left as they were, they shrink with it.

use crate::data::{DatasetKind, MAX_NOISE, MIN_SAMPLES};
use crate::link::{Field, FieldError, Group, LinkTable, Opt, Prop, Scale, ViewOptions, shorten};
use crate::train::{Activation, MlpSpec};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::fmt;

/// The most examples: with [`MAX_EPOCHS`] a run sees at most 200,000
/// examples twice (the M-worker run and the batch-M·B run).
pub const MAX_SAMPLES: usize = 2000;
/// The most simulated workers.
pub const MAX_WORKERS: usize = 16;
/// The most epochs.
pub const MAX_EPOCHS: usize = 100;
/// The most hidden layers.
pub const MAX_HIDDEN_LAYERS: usize = 2;
/// The widest hidden layer.
pub const MAX_WIDTH: usize = 32;
/// The largest learning rate accepted.
pub const MAX_LR: f64 = 10.0;
/// The largest time accepted for any term of the wall-clock model, in ms.
pub const MAX_TIME_MS: f64 = 10_000.0;
/// The most steps per animation frame.
pub const MAX_SPEED: u32 = 50;

/// The names of the reductions, as the link writes them.
pub const REDUCE_NAMES: &[&str] = &["mean", "sum"];

/// How the workers' gradients are combined before the update.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reduce {
    /// (1/M)·Σₘ gₘ: the gradient of the global batch. The default.
    #[default]
    Mean,
    /// Σₘ gₘ: M times that gradient (the pitfall).
    Sum,
}

impl Reduce {
    /// The name the link uses.
    pub fn name(self) -> &'static str {
        match self {
            Self::Mean => "mean",
            Self::Sum => "sum",
        }
    }

    /// One line on the reduction, for its control.
    pub fn label(self) -> &'static str {
        match self {
            Self::Mean => "average the M gradients (the global batch's gradient)",
            Self::Sum => "add them up (M times the step: the pitfall)",
        }
    }

    /// Looks a reduction up by name.
    pub fn from_name(name: &str) -> Result<Self, FieldError> {
        match name {
            "mean" => Ok(Self::Mean),
            "sum" => Ok(Self::Sum),
            _ => {
                let shown: String = name.chars().take(24).collect();
                Err(FieldError::new(
                    "reduce",
                    format!(
                        "unknown reduction `{shown}`; allowed: {}",
                        REDUCE_NAMES.join(", ")
                    ),
                ))
            }
        }
    }
}

impl fmt::Display for Reduce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Everything one data-parallel run needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DataParallelConfig {
    /// The 2-D classification set. Defaults to `moons`.
    pub dataset: DatasetKind,
    /// Examples, all of them for training, [`MIN_SAMPLES`] to [`MAX_SAMPLES`].
    /// Defaults to `512`.
    pub samples: usize,
    /// Standard deviation of the noise on each point, 0 to [`MAX_NOISE`].
    /// Defaults to `0.1`.
    pub noise: f64,
    /// Hidden layer widths: at most [`MAX_HIDDEN_LAYERS`] layers of 1 to
    /// [`MAX_WIDTH`] units. Defaults to `[16, 16]`.
    pub hidden: Vec<usize>,
    /// The nonlinearity of the hidden layers. Defaults to `relu`.
    pub activation: Activation,
    /// Simulated workers M, 1 to [`MAX_WORKERS`] (and at most n). Defaults to `4`.
    pub workers: usize,
    /// Examples per worker per step B, 1 to ⌊n/M⌋. Defaults to `16`.
    pub batch_size: usize,
    /// Passes over the data, 1 to [`MAX_EPOCHS`]. Defaults to `10`.
    pub epochs: usize,
    /// Learning rate η of `torch.optim.SGD`, 0 to [`MAX_LR`]. Defaults to `0.1`.
    pub lr: f64,
    /// Heavy-ball momentum μ of `torch.optim.SGD`, in [0, 1). Defaults to `0`.
    pub momentum: f64,
    /// The workers shuffle with the one shared seed; `false` gives each its
    /// own (the first pitfall). Defaults to `true`.
    pub shared_seed: bool,
    /// How the workers' gradients are combined (`sum` is the second
    /// pitfall). Defaults to `mean`.
    pub reduce: Reduce,
    /// Drives the data, the initial weights and the shuffles. Defaults to `0`.
    pub seed: u64,
    /// Compute time per example on one worker, in ms, 0 to [`MAX_TIME_MS`].
    /// Defaults to `0.1`.
    pub compute_ms: f64,
    /// Time to send the whole gradient once over a link, in ms, 0 to
    /// [`MAX_TIME_MS`]. Defaults to `0.5`.
    pub allreduce_ms: f64,
    /// Latency of one message, in ms, 0 to [`MAX_TIME_MS`]. Defaults to `0.02`.
    pub latency_ms: f64,
    /// Steps of both runs per animation frame, 1 to [`MAX_SPEED`].
    /// Defaults to `1`.
    pub speed: u32,
    /// Autoplay, hidden controls and theme.
    pub options: ViewOptions,
}

impl Default for DataParallelConfig {
    fn default() -> Self {
        Self {
            dataset: DatasetKind::Moons,
            samples: 512,
            noise: 0.1,
            hidden: vec![16, 16],
            activation: Activation::Relu,
            workers: 4,
            batch_size: 16,
            epochs: 10,
            lr: 0.1,
            momentum: 0.0,
            shared_seed: true,
            reduce: Reduce::Mean,
            seed: 0,
            compute_ms: 0.1,
            allreduce_ms: 0.5,
            latency_ms: 0.02,
            speed: 1,
            options: ViewOptions::default(),
        }
    }
}

/// Hidden widths from `16,16` (`-` or nothing: no hidden layer).
fn parse_hidden(text: &str) -> Result<Vec<usize>, String> {
    let text = text.trim();
    if text.is_empty() || text == "-" {
        return Ok(Vec::new());
    }
    let widths = text
        .split(',')
        .map(|w| match w.trim().parse::<usize>() {
            Ok(width) if (1..=MAX_WIDTH).contains(&width) => Ok(width),
            _ => Err(format!(
                "each layer width must be a whole number from 1 to {MAX_WIDTH}, got `{}`",
                shorten(w)
            )),
        })
        .collect::<Result<Vec<_>, _>>()?;
    if widths.len() > MAX_HIDDEN_LAYERS {
        return Err(format!(
            "at most {MAX_HIDDEN_LAYERS} hidden layers, got {}",
            widths.len()
        ));
    }
    Ok(widths)
}

/// Hidden widths as link text (`-` for none).
fn encode_hidden(hidden: &[usize]) -> String {
    if hidden.is_empty() {
        return "-".into();
    }
    let widths: Vec<String> = hidden.iter().map(usize::to_string).collect();
    widths.join(",")
}

/// A time of the wall-clock model, in ms.
const fn time_prop(
    key: &'static str,
    label: &'static str,
    help: &'static str,
    get: fn(&DataParallelConfig) -> f64,
    set: fn(&mut DataParallelConfig, f64),
) -> Prop<DataParallelConfig> {
    Prop {
        key,
        label,
        help,
        group: "clock",
        optional: false,
        field: Field::Real {
            min: 0.0,
            max: MAX_TIME_MS,
            max_open: false,
            scale: Scale::Log,
            get,
            set,
        },
    }
}

/// The data-parallel view's link: keys, controls and limits.
pub static DATA_PARALLEL: LinkTable<DataParallelConfig> = LinkTable {
    view: "data-parallel",
    props: &[
        Prop {
            key: "data",
            label: "Dataset",
            help: "The 2-D classification set; every example is trained on.",
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
            label: "Examples n",
            help: "How many points the seeded dataset has.",
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
            label: "Noise",
            help: "Standard deviation of the noise added to each point.",
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
            key: "seed",
            label: "Seed",
            help: "One seed draws the data, the initial weights and the shared shuffle.",
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
            help: "Widths of the hidden layers, e.g. 16,16 (at most 2 layers of 32; - for none).",
            group: "network",
            optional: false,
            field: Field::Custom {
                read: |c, text| {
                    c.hidden = parse_hidden(text)?;
                    Ok(())
                },
                write: |c| Some(encode_hidden(&c.hidden)),
                control: |c| json!({"kind": "text", "value": encode_hidden(&c.hidden), "max_len": 16}),
                examples: &["16,16", "32", "-", "8,4", "32,32"],
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
                            label: match a {
                                Activation::Relu => "max(0, x)",
                                Activation::Tanh => "tanh(x)",
                                Activation::Sigmoid => "1/(1 + e^−x)",
                            },
                        })
                        .collect()
                },
                get: |c| c.activation.name(),
                set: |c, name| c.activation = Activation::from_name(name).unwrap_or_default(),
            },
        },
        Prop {
            key: "workers",
            label: "Workers M",
            help: "Simulated workers; each computes the gradient of its own B examples per step (at most one worker per example).",
            group: "workers",
            optional: false,
            field: Field::Count {
                min: 1,
                max: MAX_WORKERS as u64,
                get: |c| c.workers as u64,
                set: |c, v| c.workers = v as usize,
            },
        },
        Prop {
            key: "b",
            label: "Batch per worker B",
            help: "Examples each worker takes per step; the reference run takes M·B (at most n).",
            group: "workers",
            optional: false,
            field: Field::Count {
                min: 1,
                max: MAX_SAMPLES as u64,
                get: |c| c.batch_size as u64,
                set: |c, v| c.batch_size = v as usize,
            },
        },
        Prop {
            key: "epochs",
            label: "Epochs",
            help: "Passes over the data; a step consumes M·B examples and the short last batch of an epoch is dropped.",
            group: "workers",
            optional: false,
            field: Field::Count {
                min: 1,
                max: MAX_EPOCHS as u64,
                get: |c| c.epochs as u64,
                set: |c, v| c.epochs = v as usize,
            },
        },
        Prop {
            key: "lr",
            label: "Learning rate η",
            help: "torch.optim.SGD's rate, the same for both runs.",
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
            key: "mom",
            label: "Momentum μ",
            help: "torch.optim.SGD's heavy-ball momentum, the same for both runs.",
            group: "sgd",
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
            key: "shared_seed",
            label: "Workers share the shuffling seed",
            help: "Off, each worker shuffles with a seed of its own (the first pitfall): the shards no longer split one global batch.",
            group: "pitfalls",
            optional: false,
            field: Field::Flag {
                get: |c| c.shared_seed,
                set: |c, v| c.shared_seed = v,
            },
        },
        Prop {
            key: "reduce",
            label: "Combine the gradients by",
            help: "mean is the global batch's gradient; sum (the second pitfall) is M times it.",
            group: "pitfalls",
            optional: false,
            field: Field::Choice {
                options: |_| {
                    [Reduce::Mean, Reduce::Sum]
                        .into_iter()
                        .map(|r| Opt {
                            value: r.name(),
                            label: r.label(),
                        })
                        .collect()
                },
                get: |c| c.reduce.name(),
                set: |c, name| c.reduce = Reduce::from_name(name).unwrap_or_default(),
            },
        },
        time_prop(
            "compute",
            "Compute per example (ms)",
            "The wall-clock model: one worker's time for one example's forward and backward pass.",
            |c| c.compute_ms,
            |c, v| c.compute_ms = v,
        ),
        time_prop(
            "allreduce",
            "Gradient transfer (ms)",
            "The wall-clock model: the time to send the whole gradient once over one link.",
            |c| c.allreduce_ms,
            |c, v| c.allreduce_ms = v,
        ),
        time_prop(
            "latency",
            "Message latency (ms)",
            "The wall-clock model: the fixed cost of one message; a ring all-reduce sends 2(M − 1).",
            |c| c.latency_ms,
            |c, v| c.latency_ms = v,
        ),
        Prop {
            key: "speed",
            label: "Steps per frame",
            help: "How many steps both runs take per animation frame.",
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
            name: "network",
            label: "Network",
        },
        Group {
            name: "workers",
            label: "Workers",
        },
        Group {
            name: "sgd",
            label: "SGD",
        },
        Group {
            name: "pitfalls",
            label: "Pitfalls",
        },
        Group {
            name: "clock",
            label: "Wall-clock model",
        },
        Group {
            name: "speed",
            label: "Speed",
        },
    ],
    panels: &[
        Group {
            name: "loss",
            label: "Minibatch loss",
        },
        Group {
            name: "diff",
            label: "Parameter difference",
        },
        Group {
            name: "speedup",
            label: "Speed-up",
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
    check: reconcile,
    options: |c| &c.options,
    options_mut: |c| &mut c.options,
};

/// The workers and the batch must fit the data: M ≤ n and M·B ≤ n. A value
/// the link (or the control) asked for that does not fit is reported and
/// the base's kept (or the largest that fits, when the base's does not
/// fit either); a value left as it was shrinks quietly with n.
fn reconcile(
    config: &mut DataParallelConfig,
    base: &DataParallelConfig,
    errors: &mut Vec<FieldError>,
) {
    let n = config.samples;
    if config.workers > n {
        if config.workers != base.workers {
            errors.push(FieldError::new(
                "workers",
                format!(
                    "the number of workers must be a whole number from 1 to {} (at most one per example), got {}",
                    MAX_WORKERS.min(n),
                    config.workers
                ),
            ));
        }
        config.workers = base.workers.min(n);
    }
    let largest = n / config.workers;
    if config.batch_size > largest {
        if config.batch_size != base.batch_size {
            errors.push(FieldError::new(
                "b",
                format!(
                    "the batch size per worker must be a whole number from 1 to {largest} \
                     (the {n} examples shared by {} workers), got {}",
                    config.workers, config.batch_size
                ),
            ));
        }
        config.batch_size = base.batch_size.min(largest);
    }
}

impl DataParallelConfig {
    /// The network: two inputs, the hidden widths, one logit per class.
    pub fn mlp_spec(&self) -> MlpSpec {
        MlpSpec {
            inputs: 2,
            hidden: self.hidden.clone(),
            classes: self.dataset.classes(),
            activation: self.activation,
        }
    }

    /// The examples all workers consume per step, M·B.
    pub fn global_batch_size(&self) -> usize {
        self.workers * self.batch_size
    }

    /// Checks every setting against [`DATA_PARALLEL`]; the error's `field`
    /// is the link key at fault.
    pub fn validate(&self) -> Result<(), FieldError> {
        DATA_PARALLEL.validate(self)
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
        DATA_PARALLEL.encode(self)
    }

    /// Reads a link (with or without `#`) on top of `base`. Every part that
    /// is wrong is reported and leaves `base`'s value in place.
    pub fn decode(link: &str, base: &Self) -> (Self, Vec<FieldError>) {
        DATA_PARALLEL.decode(link, base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::testing::{assert_hostile_links_are_refused, link_table_properties, messages};

    fn decode(link: &str) -> (DataParallelConfig, Vec<FieldError>) {
        DataParallelConfig::decode(link, &DataParallelConfig::default())
    }

    #[test]
    fn the_default_link_reads_back() {
        let config = DataParallelConfig::default();
        assert_eq!(
            config.encode(),
            "data=moons&n=512&noise=0.1&seed=0&hidden=16,16&act=relu&workers=4&b=16&epochs=10\
             &lr=0.1&mom=0&shared_seed=1&reduce=mean&compute=0.1&allreduce=0.5&latency=0.02&speed=1"
        );
        let (read, errors) =
            decode("view=data-parallel&workers=8&b=8&shared_seed=0&reduce=sum&hidden=-&act=tanh");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!((read.workers, read.batch_size), (8, 8));
        assert!(!read.shared_seed && read.reduce == Reduce::Sum);
        assert!(read.hidden.is_empty() && read.activation == Activation::Tanh);
    }

    #[test]
    fn defaults_are_valid_and_bad_settings_name_their_key() {
        let base = DataParallelConfig::default();
        assert_eq!(base.validate(), Ok(()));
        let error = |config: DataParallelConfig| config.validate().unwrap_err();
        let e = error(DataParallelConfig {
            workers: 17,
            ..base.clone()
        });
        assert_eq!(
            e.to_string(),
            "workers: must be a whole number from 1 to 16, got `17`"
        );
        let e = error(DataParallelConfig {
            batch_size: 200,
            ..base.clone()
        });
        assert_eq!(
            e.to_string(),
            "b: the batch size per worker must be a whole number from 1 to 128 \
             (the 512 examples shared by 4 workers), got 200"
        );
        let e = error(DataParallelConfig {
            hidden: vec![16, 64],
            ..base.clone()
        });
        assert_eq!(
            e.to_string(),
            "hidden: each layer width must be a whole number from 1 to 32, got `64`"
        );
        assert_eq!(
            error(DataParallelConfig {
                hidden: vec![4; 3],
                ..base.clone()
            })
            .to_string(),
            "hidden: at most 2 hidden layers, got 3"
        );
        assert_eq!(
            error(DataParallelConfig {
                samples: 5,
                ..base.clone()
            })
            .field,
            "n"
        );
        let e = error(DataParallelConfig {
            samples: 10,
            workers: 12,
            batch_size: 1,
            ..base.clone()
        });
        assert_eq!(
            e.to_string(),
            "workers: the number of workers must be a whole number from 1 to 10 (at most one per \
             example), got 12"
        );
        assert_eq!(
            error(DataParallelConfig {
                epochs: 0,
                ..base.clone()
            })
            .field,
            "epochs"
        );
        assert_eq!(
            error(DataParallelConfig {
                lr: f64::NAN,
                ..base.clone()
            })
            .field,
            "lr"
        );
        assert_eq!(
            error(DataParallelConfig {
                momentum: 1.0,
                ..base.clone()
            })
            .field,
            "mom"
        );
        assert_eq!(
            error(DataParallelConfig {
                latency_ms: -1.0,
                ..base
            })
            .field,
            "latency"
        );
        let e = Reduce::from_name("avg").unwrap_err();
        assert_eq!(e.message, "unknown reduction `avg`; allowed: mean, sum");
    }

    #[test]
    fn workers_and_batch_must_fit_the_data_together() {
        // Asked for together: reported, the largest batch that fits kept.
        let (config, errors) = decode("n=40&workers=8&b=8");
        assert_eq!(
            (config.samples, config.workers, config.batch_size),
            (40, 8, 5)
        );
        assert_eq!(
            messages(&errors),
            [
                "b: the batch size per worker must be a whole number from 1 to 5 (the 40 examples \
              shared by 8 workers), got 8"
            ]
        );
        // Shrinking n under settings left as they were shrinks them quietly.
        let (config, errors) = decode("n=20");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!((config.workers, config.batch_size), (4, 5));
        let base = DataParallelConfig {
            workers: 16,
            batch_size: 1,
            ..DataParallelConfig::default()
        };
        let (config, errors) = DataParallelConfig::decode("n=12", &base);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!((config.workers, config.batch_size), (12, 1));
        assert!(config.validate().is_ok());
    }

    #[test]
    fn hostile_links_are_reported_not_panicked_on() {
        let (config, errors) =
            decode("hidden=999999999999999999999999999,1&workers=-3&reduce=<svg>");
        assert_eq!(config, DataParallelConfig::default());
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(
            errors[0]
                .message
                .contains("got `999999999999999999999999…`")
        );
        assert_hostile_links_are_refused(&DATA_PARALLEL);
    }

    link_table_properties!(DATA_PARALLEL);
}
