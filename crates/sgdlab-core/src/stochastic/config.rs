//! The stochastic-landscapes view's state as typed, validated data, and its
//! URL-hash form.
//!
//! ```text
//! m=linear  n=100  noise=0.5  truth=2,-1  seed=0     model and its dataset
//! rep=4  xm=3  xs=0.5  whiten=1                     replicas, the feature, whitening
//! b=10  order=shuffle  drop=0                       minibatches
//! lr=0.3  mom=0  start=-1,2                         the three SGD paths
//! sched=step:step_size=50,gamma=0.5  warm=10        the learning rate by step
//! k=500                                             minibatches in the noise panel
//! speed=1  overlay=1  x=grads                       display
//! autoplay=1  hide=lr,order                         embed options
//! ```
//!
//! `rep`, `xm`, `xs`, `whiten`, `sched`, `warm` and `x` are written only
//! when they differ from their defaults, so links made before they existed
//! read the same.
//!
//! - `rep=K` makes the dataset K copies of the n examples, one copy after the
//!   other (Fleuret's replicated dataset): the full-data loss is unchanged,
//!   a full-batch step costs K·n gradient evaluations, and with `sequential`
//!   order and `b=n` every minibatch is exactly one copy.
//! - `xm` and `xs` place the linear model's feature: x = xm + xs·z with z
//!   uniform on [−1, 1). `whiten=1` centres and scales that feature with its
//!   own sample mean x̄ and standard deviation s (population, 1/n) before
//!   fitting: the model becomes y ≈ w'·(x − x̄)/s + b', and the landscape,
//!   the start and the paths are over the whitened parameters θ = (w', b').
//!   They relate to the raw ones by w = w'/s and b = b' − w'·x̄/s; the
//!   whitened minimiser is (s·w*, ȳ). The Hessian there is the identity up
//!   to rounding. Both are the linear model's; the logistic model refuses
//!   them.
//! - `sched` is a learning-rate schedule in the training lab's text form
//!   (`kind:key=value,…`, the kinds and settings of
//!   `torch.optim.lr_scheduler`, see [`crate::schedule`]) and `warm=k` a
//!   linear warm-up over k steps. Each path runs its own copy, **stepped once
//!   per optimizer step** (not per epoch); `reduce_on_plateau` watches the
//!   path's full-data loss.
//! - `x=steps|grads` plots the loss curves against optimizer steps or
//!   against gradient evaluations (examples processed: K·n per full-batch
//!   step, B per minibatch step, 1 per per-sample step).
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
use crate::data::regression::{
    CurveConfig, LogisticConfig, MAX_COEFFICIENT, MAX_INPUT, MAX_TARGET_NOISE,
};
use crate::data::sampler::{SamplerConfig, SamplingOrder};
use crate::data::whitening::Standardization;
use crate::link::{Field, FieldError, Group, LinkTable, Opt, Prop, Scale, ViewOptions};
use crate::playground::MAX_SPEED;
use crate::schedule::{LinearWarmup, ScheduleConfig};
use crate::train::lab::{encode_schedule, parse_schedule};
use serde::{Deserialize, Serialize};
use serde_json::json;
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
/// The most copies `rep` may make of the data; the copies together hold at
/// most [`MAX_SAMPLES`] examples.
pub const MAX_REPLICAS: usize = 100;
/// The smallest spread `xs` of the linear model's feature.
pub const MIN_FEATURE_SCALE: f64 = 0.01;
/// The longest warm-up, in steps.
pub const MAX_WARMUP: u64 = 10_000;

/// What the loss curves are plotted against.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CurveAxis {
    /// Optimizer steps. The default.
    #[default]
    Steps,
    /// Gradient evaluations: the examples processed so far.
    Grads,
}

impl CurveAxis {
    /// The name the link uses.
    pub fn name(self) -> &'static str {
        match self {
            Self::Steps => "steps",
            Self::Grads => "grads",
        }
    }
}

/// The schedules offered beside the `sched` text field (in steps).
const SCHEDULE_TEMPLATES: &[&str] = &[
    "constant",
    "step:step_size=100,gamma=0.5",
    "multi_step:milestones=100;200,gamma=0.2",
    "exponential:gamma=0.99",
    "cosine_annealing:T_max=300,eta_min=0",
    "reduce_on_plateau:factor=0.5,patience=20",
];

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
    /// Copies K of the n examples the dataset holds, 1 to [`MAX_REPLICAS`],
    /// with K·n at most [`MAX_SAMPLES`]. Defaults to `1`.
    pub replicas: usize,
    /// The centre of the linear model's feature, x = mean + scale·z with z
    /// uniform on [−1, 1). Defaults to `0`.
    pub feature_mean: f64,
    /// The half-width of the linear model's feature, from
    /// [`MIN_FEATURE_SCALE`]; |mean| + scale is at most [`MAX_INPUT`].
    /// Defaults to `1`.
    pub feature_scale: f64,
    /// Centre and scale the linear model's feature before fitting. Defaults
    /// to `false`.
    pub whiten: bool,
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
    /// The learning-rate schedule of every path, stepped once per step.
    /// Defaults to `constant`.
    pub schedule: ScheduleConfig,
    /// Steps of linear warm-up in front of the schedule, 0 to
    /// [`MAX_WARMUP`]. Defaults to `0`.
    pub warmup: u64,
    /// Minibatches K the gradient-noise panel draws, 1 to
    /// [`MAX_NOISE_BATCHES`]. Defaults to `500`.
    pub noise_batches: usize,
    /// Steps per animation frame, 1 to [`MAX_SPEED`]. Defaults to `1`.
    pub speed: u32,
    /// Draw the current minibatch's surface over the full one. Defaults to `true`.
    pub overlay: bool,
    /// What the loss curves are plotted against. Defaults to `steps`.
    pub x_axis: CurveAxis,
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
            replicas: 1,
            feature_mean: 0.0,
            feature_scale: 1.0,
            whiten: false,
            batch_size: 10,
            order: SamplingOrder::Shuffle,
            drop_last: false,
            lr: 0.3,
            momentum: 0.0,
            start: [-1.0, 2.0],
            schedule: ScheduleConfig::Constant,
            warmup: 0,
            noise_batches: 500,
            speed: 1,
            overlay: true,
            x_axis: CurveAxis::Steps,
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

/// The choices of the `x` control.
const AXES: &[Opt] = &[
    Opt {
        value: "steps",
        label: "optimizer steps",
    },
    Opt {
        value: "grads",
        label: "gradient evaluations (examples processed)",
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
            key: "rep",
            label: "Copies of the data K",
            help: "Make the dataset K copies of the n examples: the full loss is unchanged, a full-batch step costs K·n gradients.",
            group: "data",
            optional: true,
            field: Field::Count {
                min: 1,
                max: MAX_REPLICAS as u64,
                get: |c| c.replicas as u64,
                set: |c, v| c.replicas = v as usize,
            },
        },
        Prop {
            key: "xm",
            label: "Feature mean",
            help: "The centre of the linear model's feature x (drawn uniformly around it).",
            group: "data",
            optional: true,
            field: Field::Real {
                min: -MAX_INPUT,
                max: MAX_INPUT,
                max_open: false,
                scale: Scale::Linear,
                get: |c| c.feature_mean,
                set: |c, v| c.feature_mean = v,
            },
        },
        Prop {
            key: "xs",
            label: "Feature spread",
            help: "The half-width of the linear model's feature: x = mean + spread·z, z uniform on [−1, 1).",
            group: "data",
            optional: true,
            field: Field::Real {
                min: MIN_FEATURE_SCALE,
                max: MAX_INPUT,
                max_open: false,
                scale: Scale::Log,
                get: |c| c.feature_scale,
                set: |c, v| c.feature_scale = v,
            },
        },
        Prop {
            key: "whiten",
            label: "Whiten the feature",
            help: "Centre and scale x by its sample mean and standard deviation before fitting; the map is then over the whitened (w', b').",
            group: "data",
            optional: true,
            field: Field::Flag {
                get: |c| c.whiten,
                set: |c, v| c.whiten = v,
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
            key: "sched",
            label: "Schedule",
            help: "The learning rate by step for all three paths, as torch.optim.lr_scheduler: kind:key=value,…",
            group: "lr",
            optional: true,
            field: Field::Custom {
                read: |c, text| {
                    c.schedule = parse_schedule(text)?;
                    Ok(())
                },
                write: |c| Some(encode_schedule(&c.schedule)),
                control: |c| {
                    json!({
                        "kind": "text",
                        "value": encode_schedule(&c.schedule),
                        "suggestions": SCHEDULE_TEMPLATES,
                        "max_len": 200,
                    })
                },
                examples: SCHEDULE_TEMPLATES,
            },
        },
        Prop {
            key: "warm",
            label: "Warm-up steps",
            help: "Ramp the learning rate up linearly over this many steps (0: none), as torch's LinearLR.",
            group: "lr",
            optional: true,
            field: Field::Count {
                min: 0,
                max: MAX_WARMUP,
                get: |c| c.warmup,
                set: |c, v| c.warmup = v,
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
        Prop {
            key: "x",
            label: "Loss curves against",
            help: "Optimizer steps, or gradient evaluations (the examples processed: what a step costs).",
            group: "curves",
            optional: true,
            field: Field::Choice {
                options: |_| AXES.to_vec(),
                get: |c| c.x_axis.name(),
                set: |c, name| {
                    c.x_axis = if name == "grads" {
                        CurveAxis::Grads
                    } else {
                        CurveAxis::Steps
                    }
                },
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
            name: "curves",
            label: "Loss curves",
        },
        Group {
            name: "noise",
            label: "Gradient noise",
        },
    ],
    panels: &[
        Group {
            name: "conditioning",
            label: "Curvature at the minimum",
        },
        Group {
            name: "schedule",
            label: "Learning-rate plot",
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
    max_len: 4096,
    check: reconcile,
    options: |c| &c.options,
    options_mut: |c| &mut c.options,
};

/// Settings that depend on each other; each one that no longer fits is
/// reported and put back to `base`'s (or to a value that fits, when
/// `base`'s does not either).
fn reconcile(config: &mut StochasticConfig, base: &StochasticConfig, errors: &mut Vec<FieldError>) {
    reconcile_feature(config, base, errors);
    reconcile_replicas(config, base, errors);
    // `sched=warmup:…` with `warm=k` would wrap a warm-up in a warm-up.
    if let Err(error) = config.path_schedule().validate() {
        let key = if config.warmup != base.warmup {
            "warm"
        } else {
            "sched"
        };
        errors.push(FieldError::new(key, error.to_string()));
        config.schedule = base.schedule.clone();
        config.warmup = base.warmup;
    }
    // A batch the link (or the control) asked for must fit the data; a
    // batch left as it was follows the data down when n shrinks.
    if let Err(message) = check_batch(config.batch_size, config.total_examples()) {
        if config.batch_size != base.batch_size {
            errors.push(FieldError::new("b", message));
        }
        config.batch_size = base.batch_size.min(config.total_examples());
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

/// The linear model's feature settings: inside ±[`MAX_INPUT`], and only for
/// the linear model (a logistic config falls back to the defaults, and
/// reports the ones the link or the control asked for).
fn reconcile_feature(
    config: &mut StochasticConfig,
    base: &StochasticConfig,
    errors: &mut Vec<FieldError>,
) {
    let default = StochasticConfig::default();
    if config.model == ModelKind::Logistic {
        let settings = [
            (
                "xm",
                config.feature_mean != default.feature_mean,
                config.feature_mean != base.feature_mean,
            ),
            (
                "xs",
                config.feature_scale != default.feature_scale,
                config.feature_scale != base.feature_scale,
            ),
            ("whiten", config.whiten, config.whiten != base.whiten),
        ];
        for (key, set, asked) in settings {
            if set && asked {
                errors.push(FieldError::new(
                    key,
                    "the feature mean, spread and whitening belong to the linear model; \
                     the logistic model's two features are standard normal",
                ));
            }
        }
        config.feature_mean = default.feature_mean;
        config.feature_scale = default.feature_scale;
        config.whiten = false;
        return;
    }
    let reach = config.feature_mean.abs() + config.feature_scale;
    if reach > MAX_INPUT {
        let key = if config.feature_scale != base.feature_scale {
            "xs"
        } else {
            "xm"
        };
        errors.push(FieldError::new(
            key,
            format!(
                "the feature must stay within ±{MAX_INPUT}: |mean| + spread is {}",
                crate::link::format_number(reach)
            ),
        ));
        config.feature_mean = base.feature_mean;
        config.feature_scale = base.feature_scale;
    }
}

/// K copies of n examples hold at most [`MAX_SAMPLES`]: a `rep` or an `n`
/// that breaks this is reported and put back.
fn reconcile_replicas(
    config: &mut StochasticConfig,
    base: &StochasticConfig,
    errors: &mut Vec<FieldError>,
) {
    let message = |c: &StochasticConfig| {
        format!(
            "{} copies of {} examples make {}; the copies may hold at most {MAX_SAMPLES}",
            c.replicas,
            c.samples,
            c.replicas * c.samples
        )
    };
    if config.total_examples() > MAX_SAMPLES && config.replicas != base.replicas {
        errors.push(FieldError::new("rep", message(config)));
        config.replicas = base.replicas;
    }
    if config.total_examples() > MAX_SAMPLES {
        errors.push(FieldError::new("n", message(config)));
        config.samples = base.samples;
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

    /// The examples the dataset holds: K copies of n.
    pub fn total_examples(&self) -> usize {
        self.replicas * self.samples
    }

    /// The model on its seeded dataset: the feature whitened when asked,
    /// then every example repeated K times (copy after copy).
    pub fn build_model(&self) -> Result<Arc<dyn EmpiricalRisk>, FieldError> {
        self.validate()?;
        let data_error = |e: crate::data::DataError| FieldError::new("data", e.to_string());
        Ok(match self.model {
            ModelKind::Linear => {
                let data = self.linear_data().generate().map_err(data_error)?;
                let inputs = match self.standardization()? {
                    Some(standard) => standard.apply_all(&data.inputs),
                    None => data.inputs,
                };
                Arc::new(LinearRegression::new(
                    self.replicate(&inputs),
                    self.replicate(&data.targets),
                ))
            }
            ModelKind::Logistic => {
                let data = LogisticConfig {
                    samples: self.samples,
                    weights: self.truth,
                    seed: self.seed,
                }
                .generate()
                .map_err(data_error)?;
                Arc::new(LogisticRegression2::new(
                    self.replicate(&data.features),
                    self.replicate(&data.labels),
                ))
            }
        })
    }

    /// The linear model's data: the line `truth` plus noise, at inputs
    /// uniform on [mean − spread, mean + spread).
    fn linear_data(&self) -> CurveConfig {
        let [slope, intercept] = self.truth;
        let [mean, spread] = [self.feature_mean, self.feature_scale];
        CurveConfig {
            samples: self.samples,
            noise: self.noise,
            seed: self.seed,
            x_range: [mean - spread, mean + spread],
            ..CurveConfig::line(slope, intercept)
        }
    }

    /// The centring and scaling `whiten=1` applies to the linear model's
    /// feature (fitted on the n examples); `None` without whitening.
    pub fn standardization(&self) -> Result<Option<Standardization>, FieldError> {
        if !self.whiten || self.model != ModelKind::Linear {
            return Ok(None);
        }
        let data = self
            .linear_data()
            .generate()
            .map_err(|e| FieldError::new("data", e.to_string()))?;
        Standardization::fit(&data.inputs)
            .map(Some)
            .map_err(|e| FieldError::new("whiten", e.to_string()))
    }

    /// `items` repeated K times, copy after copy.
    fn replicate<T: Clone>(&self, items: &[T]) -> Vec<T> {
        let mut all = Vec::with_capacity(items.len() * self.replicas);
        for _ in 0..self.replicas {
            all.extend_from_slice(items);
        }
        all
    }

    /// The schedule every path runs: `schedule`, behind a warm-up of
    /// `warmup` steps when there is one.
    pub fn path_schedule(&self) -> ScheduleConfig {
        if self.warmup > 0 {
            ScheduleConfig::Warmup(LinearWarmup {
                total_iters: self.warmup,
                schedule: Box::new(self.schedule.clone()),
                ..LinearWarmup::default()
            })
        } else {
            self.schedule.clone()
        }
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
    use crate::link::testing::{assert_hostile_links_are_refused, link_table_properties, messages};

    fn decode(link: &str) -> (StochasticConfig, Vec<FieldError>) {
        StochasticConfig::decode(link, &StochasticConfig::default())
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
            replicas: 1,
            feature_mean: 0.0,
            feature_scale: 1.0,
            whiten: false,
            batch_size: 7,
            order: SamplingOrder::ClassBalanced,
            drop_last: true,
            lr: 1.0 / 3.0,
            momentum: 0.9,
            start: [-0.0, 5e-324],
            schedule: ScheduleConfig::MultiStep(crate::schedule::MultiStepLr {
                milestones: vec![10, 20],
                gamma: 0.1 + 0.2,
            }),
            warmup: 7,
            noise_batches: 2000,
            speed: 50,
            overlay: false,
            x_axis: CurveAxis::Grads,
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
        assert_hostile_links_are_refused(&STOCHASTIC);
        let (_, errors) = decode("hide=<script>alert(1)</script>");
        assert_eq!(
            errors[0].message,
            "cannot hide `<script>alert(1)</script…`; allowed: controls, model, data, batch, \
             order, lr, start, speed, overlay, curves, noise, conditioning, schedule, legend, export"
        );
        let (_, errors) = decode("zoom=3");
        assert_eq!(errors[0].field, "link");
        assert!(
            errors[0]
                .message
                .starts_with("unknown setting `zoom`; allowed: m, n, noise")
        );
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

    #[test]
    fn the_new_settings_round_trip_and_stay_out_of_default_links() {
        let (config, errors) = decode(
            "rep=4&xm=-2.5&xs=0.25&whiten=1&sched=step:step_size=50,gamma=0.5&warm=10&x=grads",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(config.replicas, 4);
        assert_eq!((config.feature_mean, config.feature_scale), (-2.5, 0.25));
        assert!(config.whiten);
        assert_eq!(
            config.schedule,
            ScheduleConfig::Step(crate::schedule::StepLr {
                step_size: 50,
                gamma: 0.5
            })
        );
        assert_eq!(config.warmup, 10);
        assert_eq!(config.x_axis, CurveAxis::Grads);
        let link = config.encode();
        assert!(
            link.contains("&rep=4&xm=-2.5&xs=0.25&whiten=1&b=")
                && link.contains("&sched=step:gamma=0.5,step_size=50&warm=10&k=")
                && link.ends_with("&overlay=1&x=grads"),
            "{link}"
        );
        assert_eq!(decode(&link).0, config);
        let ScheduleConfig::Warmup(warmup) = config.path_schedule() else {
            panic!("warm=10 wraps the schedule in a warm-up");
        };
        assert_eq!(
            (warmup.total_iters, *warmup.schedule),
            (10, config.schedule)
        );
        assert_eq!(
            StochasticConfig::default().path_schedule(),
            ScheduleConfig::Constant
        );
    }

    #[test]
    fn replicas_multiply_the_data_and_are_capped() {
        let (config, errors) = decode("n=50&rep=3&b=150");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(config.total_examples(), 150);
        let model = config.build_model().unwrap();
        let single = StochasticConfig {
            replicas: 1,
            batch_size: 10,
            ..config.clone()
        }
        .build_model()
        .unwrap();
        assert_eq!(model.examples(), 150);
        // Copy after copy: example i of copy k is example i.
        for i in 0..50 {
            for copy in 0..3 {
                assert_eq!(
                    model.example_gradient([0.3, -0.2], i + 50 * copy),
                    single.example_gradient([0.3, -0.2], i)
                );
            }
        }
        // The mean loss is unchanged by replication.
        assert!((model.loss([0.3, -0.2]) - single.loss([0.3, -0.2])).abs() < 1e-15);
        let (config, errors) = decode("n=200&rep=51");
        assert_eq!((config.samples, config.replicas), (200, 1));
        assert_eq!(
            messages(&errors),
            ["rep: 51 copies of 200 examples make 10200; the copies may hold at most 10000"]
        );
        let base = StochasticConfig {
            replicas: 50,
            ..StochasticConfig::default()
        };
        let (config, errors) = StochasticConfig::decode("n=300", &base);
        assert_eq!((config.samples, config.replicas), (100, 50));
        assert_eq!(errors[0].field, "n");
        let (_, errors) = decode("rep=0");
        assert_eq!(
            messages(&errors),
            ["rep: must be a whole number from 1 to 100, got `0`"]
        );
    }

    #[test]
    fn the_feature_is_placed_by_its_mean_and_spread_and_whitened_on_request() {
        let config = StochasticConfig {
            feature_mean: 4.0,
            feature_scale: 0.5,
            samples: 400,
            ..StochasticConfig::default()
        };
        let model = config.build_model().unwrap();
        let raw = crate::data::regression::CurveConfig {
            samples: 400,
            noise: config.noise,
            seed: config.seed,
            x_range: [3.5, 4.5],
            ..crate::data::regression::CurveConfig::line(2.0, -1.0)
        }
        .generate()
        .unwrap();
        // ∂ℓᵢ/∂b at θ = 0 is −yᵢ and ∂ℓᵢ/∂w is −xᵢ·yᵢ: the inputs are the raw ones.
        for (i, (x, y)) in raw.inputs.iter().zip(&raw.targets).enumerate() {
            assert!((3.5..4.5).contains(x));
            assert_eq!(model.example_gradient([0.0, 0.0], i), [-x * y, -y]);
        }
        // The default feature is the one the view always drew: uniform on [−1, 1).
        let default = StochasticConfig::default();
        let line = crate::data::regression::CurveConfig {
            samples: 100,
            noise: 0.5,
            ..crate::data::regression::CurveConfig::line(2.0, -1.0)
        }
        .generate()
        .unwrap();
        assert_eq!(
            default
                .build_model()
                .unwrap()
                .example_gradient([0.0, 0.0], 7),
            [-line.inputs[7] * line.targets[7], -line.targets[7]]
        );
        // Whitened: the inputs become (x − x̄)/s.
        let white = StochasticConfig {
            whiten: true,
            ..config.clone()
        };
        let standard = white.standardization().unwrap().unwrap();
        let n = 400.0;
        let mean = raw.inputs.iter().sum::<f64>() / n;
        assert!((standard.mean - mean).abs() < 1e-12);
        let whitened = white.build_model().unwrap();
        let x0 = (raw.inputs[0] - standard.mean) / standard.scale;
        assert_eq!(
            whitened.example_gradient([0.0, 0.0], 0),
            [-x0 * raw.targets[0], -raw.targets[0]]
        );
        // The whitened minimiser is (s·w*, ȳ).
        let [w, _] = model.minimizer().unwrap();
        let [w_white, b_white] = whitened.minimizer().unwrap();
        let mean_y = raw.targets.iter().sum::<f64>() / n;
        assert!(
            (w_white - standard.scale * w).abs() < 1e-9,
            "{w_white} vs {}",
            standard.scale * w
        );
        assert!((b_white - mean_y).abs() < 1e-9);
        assert_eq!(config.standardization().unwrap(), None);
    }

    #[test]
    fn feature_settings_are_checked_and_belong_to_the_linear_model() {
        let (config, errors) = decode("xm=9.5&xs=1");
        assert_eq!((config.feature_mean, config.feature_scale), (0.0, 1.0));
        assert_eq!(
            messages(&errors),
            ["xm: the feature must stay within ±10: |mean| + spread is 10.5"]
        );
        let (_, errors) = decode("xs=0.001");
        assert_eq!(
            messages(&errors),
            ["xs: must be a number from 0.01 to 10, got 0.001"]
        );
        let (config, errors) = decode("m=logistic&whiten=1&xm=2");
        assert!(!config.whiten && config.feature_mean == 0.0);
        assert_eq!(
            errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
            ["xm", "whiten"]
        );
        // Switching a whitened linear config to logistic falls back quietly.
        let (linear, _) = decode("whiten=1&xm=3");
        let (logistic, errors) = StochasticConfig::decode("m=logistic", &linear);
        assert!(errors.is_empty(), "{errors:?}");
        assert!(!logistic.whiten && logistic.feature_mean == 0.0);
        // A warm-up around a warm-up is refused.
        let (config, errors) = decode("sched=warmup:total_iters=3&warm=4");
        assert_eq!(config.warmup, 0);
        assert_eq!(config.schedule, ScheduleConfig::Constant);
        assert_eq!(errors[0].field, "warm");
        let (_, errors) = decode("sched=triangle");
        assert_eq!(errors[0].field, "sched");
        let (_, errors) = decode("x=epochs");
        assert_eq!(
            messages(&errors),
            ["x: unknown choice `epochs`; allowed: steps, grads"]
        );
    }

    link_table_properties!(STOCHASTIC);
}
