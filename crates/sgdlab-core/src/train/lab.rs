//! The training lab's state as typed, validated data, and its link.
//!
//! ```text
//! d=spirals  n=400  noise=0.05  test=0.2  seed=0        the data
//! h=64,64  act=relu                                     the network
//! b=32  order=shuffle  epochs=100                       the minibatches
//! wd=0  sched=cosine_annealing:T_max=100  warm=5        shared by every optimizer
//! o=adam,lr:0.01  o=sgd,lr:0.1,momentum:0.9             one to four optimizers
//! backend=gpu                                           auto (default), gpu or cpu
//! speed=10  autoplay=1  hide=controls  theme=dark       display and view options
//! ```
//!
//! The keys, their controls and their limits are one table, [`TRAINING`],
//! read by the one link codec of [`crate::link`]. `backend` is written only
//! when it is not `auto`; `auto` and `gpu` both train on WebGPU when the
//! browser gives an adapter and on the CPU otherwise (see [`Backend`]).
//!
//! `sched` is the schedule's kind followed by its settings in the names of
//! [`crate::schedule`] (`step:step_size=30,gamma=0.1`; lists with `;`,
//! `multi_step:milestones=30;60`); `warm=k` wraps it in a linear warm-up of k
//! epochs. `wd` is written into the `weight_decay` of every optimizer that
//! has one. A combination the trainer refuses (a batch larger than the
//! training set, a network too large for the page) is reported and the
//! previous state kept whole.

use super::{
    Activation, MAX_EPOCHS, MAX_HIDDEN_LAYERS, MAX_WIDTH, OptimizerChoice, TrainConfig, Trainer,
};
use crate::data::sampler::SamplingOrder;
use crate::data::{DatasetKind, MAX_NOISE, MAX_SAMPLES, MIN_SAMPLES};
use crate::link::text::{format_number, parse_number, shorten};
use crate::link::{Field, FieldError, Group, LinkTable, Opt, Prop, Scale, ViewOptions};
use crate::optim;
use crate::schedule::{LinearWarmup, ScheduleConfig};
use serde_json::{Map, Value, json};

/// The most optimizers trained side by side.
pub const MAX_RACERS: usize = 4;
/// The most steps per frame for each optimizer.
pub const MAX_SPEED: u32 = 500;
/// Examples × parameters may not exceed this: one pass over the data then
/// costs about 10⁸ multiply-adds, some tens of milliseconds in the page.
pub const MAX_WORK: usize = 100_000_000;
/// The longest warm-up, in epochs.
pub const MAX_WARMUP: u64 = 1000;
/// The largest weight decay.
pub const MAX_WEIGHT_DECAY: f64 = 1.0;

/// Where the user asked the lab to train.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Backend {
    /// WebGPU when `navigator.gpu` gives an adapter, else the CPU.
    #[default]
    Auto,
    /// WebGPU; the CPU (with a notice) when there is none.
    Gpu,
    /// The CPU (wasm) only.
    Cpu,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Gpu => "gpu",
            Self::Cpu => "cpu",
        }
    }
}

/// The backend choices of the `backend` control.
const BACKENDS: &[Opt] = &[
    Opt {
        value: "auto",
        label: "WebGPU when the browser has it, else the CPU",
    },
    Opt {
        value: "gpu",
        label: "WebGPU (the CPU, with a notice, when there is none)",
    },
    Opt {
        value: "cpu",
        label: "the CPU only (WebAssembly)",
    },
];

/// A starting point for each kind of schedule, offered beside the `sched`
/// text field.
const SCHEDULE_TEMPLATES: &[&str] = &[
    "constant",
    "step:step_size=30,gamma=0.5",
    "multi_step:milestones=50;100,gamma=0.1",
    "exponential:gamma=0.98",
    "cosine_annealing:T_max=200,eta_min=0",
    "reduce_on_plateau:factor=0.5,patience=10",
];

/// Everything the lab's link holds.
#[derive(Clone, Debug, PartialEq)]
pub struct LabConfig {
    /// Data, network, minibatches, epochs and seed; its `optimizer` and
    /// `schedule` are replaced per run by [`LabConfig::run_config`].
    pub base: TrainConfig,
    /// The optimizers, 1 to [`MAX_RACERS`], each with the settings that
    /// differ from its defaults.
    pub racers: Vec<OptimizerChoice>,
    /// Written into every optimizer's `weight_decay` (where it has one).
    pub weight_decay: f64,
    /// The schedule the warm-up (if any) wraps.
    pub schedule: ScheduleConfig,
    /// Epochs of linear warm-up; 0 for none.
    pub warmup: u64,
    /// The backend asked for (the one running may differ: see the page's
    /// badge).
    pub backend: Backend,
    /// Steps per frame for each optimizer (the frame's time budget may cut
    /// it short).
    pub speed: u32,
    /// Autoplay, hidden controls and theme.
    pub options: ViewOptions,
}

impl Default for LabConfig {
    fn default() -> Self {
        Self {
            base: TrainConfig {
                hidden: vec![16, 16],
                epochs: 200,
                noise: 0.1,
                ..TrainConfig::default()
            },
            racers: vec![
                OptimizerChoice::new("adam", json!({"lr": 0.01})),
                OptimizerChoice::new("sgd", json!({"lr": 0.1, "momentum": 0.9})),
            ],
            weight_decay: 0.0,
            schedule: ScheduleConfig::Constant,
            warmup: 0,
            backend: Backend::Auto,
            speed: 4,
            options: ViewOptions::default(),
        }
    }
}

/// Hidden widths from "16,16" (empty: no hidden layer).
pub fn parse_hidden(text: &str) -> Result<Vec<usize>, String> {
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

/// An optimizer or schedule setting from link text: a boolean, a number, or a `;`-separated
/// list of numbers.
pub fn parse_setting(text: &str) -> Result<Value, String> {
    match text {
        "true" => Ok(Value::Bool(true)),
        "false" => Ok(Value::Bool(false)),
        _ if text.contains(';') => text
            .split(';')
            .filter(|t| !t.is_empty())
            .map(|t| match t.parse::<u64>() {
                Ok(whole) => Ok(Value::from(whole)),
                Err(_) => parse_number(t).map(Value::from),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        _ => match text.parse::<u64>() {
            Ok(whole) => Ok(Value::from(whole)),
            // Words such as `min` (a plateau's mode) stay text; the
            // optimizer or schedule says whether it takes them.
            Err(_) => parse_number(text).map(Value::from).or_else(|message| {
                let word = !text.is_empty()
                    && text.len() <= 24
                    && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if word && text.parse::<f64>().is_err() {
                    Ok(Value::String(text.to_string()))
                } else {
                    Err(message)
                }
            }),
        },
    }
}

fn format_value(value: &Value) -> String {
    match value {
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => u.to_string(),
            (None, Some(i), _) => i.to_string(),
            (None, None, Some(f)) => format_number(f),
            _ => n.to_string(),
        },
        Value::Array(items) => items.iter().map(format_value).collect::<Vec<_>>().join(";"),
        Value::Bool(b) => b.to_string(),
        Value::String(s) => s.clone(),
        Value::Null | Value::Object(_) => String::new(),
    }
}

/// One optimizer from `name,key:value,…`, checked by building it.
pub fn parse_racer(text: &str) -> Result<OptimizerChoice, String> {
    let mut items = text.split(',');
    let name = items.next().unwrap_or_default().trim();
    optim::registry::lookup(name).map_err(|e| e.to_string())?;
    let mut settings = Map::new();
    for item in items.filter(|i| !i.is_empty()) {
        let Some((key, value)) = item.split_once(':') else {
            return Err("optimizer settings are written key:value, separated by commas".into());
        };
        settings.insert(key.to_string(), parse_setting(value)?);
    }
    let choice = OptimizerChoice::new(name, Value::Object(settings));
    normalized(choice)
}

/// The choice with each setting rewritten in the type the optimizer stores
/// (so a link read back equals the one written); an error if the optimizer
/// refuses it.
pub fn normalized(mut choice: OptimizerChoice) -> Result<OptimizerChoice, String> {
    let optimizer = choice.build(0).map_err(|e| e.to_string())?;
    let stored = optimizer.config();
    for (key, value) in choice.settings.iter_mut() {
        if let Some(v) = stored.get(key) {
            *value = v.clone();
        }
    }
    Ok(choice)
}

fn encode_racer(choice: &OptimizerChoice) -> String {
    let mut text = choice.name.clone();
    for (key, value) in &choice.settings {
        text.push_str(&format!(",{key}:{}", format_value(value)));
    }
    text
}

/// `kind:key=value,…` → a schedule.
pub fn parse_schedule(text: &str) -> Result<ScheduleConfig, String> {
    let (kind, rest) = text.split_once(':').unwrap_or((text, ""));
    let mut object = Map::new();
    object.insert("kind".into(), Value::String(kind.trim().to_string()));
    for item in rest.split(',').filter(|i| !i.is_empty()) {
        let Some((key, value)) = item.split_once('=') else {
            return Err("schedule settings are written key=value, separated by commas".into());
        };
        object.insert(key.trim().to_string(), parse_setting(value.trim())?);
    }
    ScheduleConfig::from_json(&Value::Object(object).to_string()).map_err(|e| e.to_string())
}

/// A schedule in the compact link form.
pub fn encode_schedule(schedule: &ScheduleConfig) -> String {
    let Ok(Value::Object(mut object)) = serde_json::to_value(schedule) else {
        return "constant".into();
    };
    let kind = match object.remove("kind") {
        Some(Value::String(kind)) => kind,
        _ => "constant".into(),
    };
    let settings: Vec<String> = object
        .iter()
        .filter(|(_, v)| !v.is_object())
        .map(|(k, v)| format!("{k}={}", format_value(v)))
        .collect();
    if settings.is_empty() {
        kind
    } else {
        format!("{kind}:{}", settings.join(","))
    }
}

fn datasets() -> Vec<Opt> {
    DatasetKind::ALL
        .into_iter()
        .map(|kind| Opt {
            value: kind.name(),
            label: kind.description(),
        })
        .collect()
}

fn activations() -> Vec<Opt> {
    Activation::ALL
        .into_iter()
        .map(|a| Opt {
            value: a.name(),
            label: a.name(),
        })
        .collect()
}

fn orders() -> Vec<Opt> {
    // Class-balanced sampling is the stochastic view's; the lab shuffles,
    // walks in order or draws with replacement.
    SamplingOrder::ALL
        .into_iter()
        .filter(|order| *order != SamplingOrder::ClassBalanced)
        .map(|order| Opt {
            value: order.name(),
            label: order.label(),
        })
        .collect()
}

/// The optimizers as a control: each with its settings, and every
/// optimizer the lab can train with.
fn racers_control(config: &LabConfig) -> Value {
    let items: Vec<Value> = config
        .racers
        .iter()
        .filter_map(|choice| {
            let optimizer = choice.build(config.base.seed).ok()?;
            Some(json!({
                "optimizer": choice.name,
                "settings": optimizer.config(),
                "changed": choice.settings.keys().collect::<Vec<_>>(),
                "rule": optimizer.update_rule(),
            }))
        })
        .collect();
    let optimizers: Vec<Value> = optim::OPTIMIZERS
        .iter()
        .filter(|entry| {
            OptimizerChoice::new(entry.name, Value::Null)
                .build(0)
                .is_ok()
        })
        .map(|entry| json!({"value": entry.name, "label": entry.description}))
        .collect();
    json!({
        "kind": "racers",
        "max": MAX_RACERS,
        "items": items,
        "optimizers": optimizers,
        "value": config.racers.iter().map(encode_racer).collect::<Vec<_>>(),
    })
}

/// The training lab's link: keys, controls and limits.
pub static TRAINING: LinkTable<LabConfig> = LinkTable {
    view: "training",
    props: &[
        Prop {
            key: "d",
            label: "Dataset",
            help: "The two-dimensional classification data.",
            group: "data",
            optional: false,
            field: Field::Choice {
                options: |_| datasets(),
                get: |c| c.base.dataset.name(),
                set: |c, name| {
                    c.base.dataset = DatasetKind::from_name(name).unwrap_or(DatasetKind::Spirals)
                },
            },
        },
        Prop {
            key: "n",
            label: "Examples",
            help: "Examples drawn, training and test together.",
            group: "data",
            optional: false,
            field: Field::Count {
                min: MIN_SAMPLES as u64,
                max: MAX_SAMPLES as u64,
                get: |c| c.base.samples as u64,
                set: |c, v| c.base.samples = v as usize,
            },
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
                get: |c| c.base.noise,
                set: |c, v| c.base.noise = v,
            },
        },
        Prop {
            key: "test",
            label: "Test share",
            help: "The share of the examples held out to measure generalisation.",
            group: "data",
            optional: false,
            field: Field::Real {
                min: 0.0,
                max: 0.9,
                max_open: false,
                scale: Scale::Linear,
                get: |c| c.base.test_fraction,
                set: |c, v| c.base.test_fraction = v,
            },
        },
        Prop {
            key: "seed",
            label: "Seed",
            help: "One seed draws the data, the split, the initial weights and every shuffle.",
            group: "data",
            optional: false,
            field: Field::Seed {
                get: |c| c.base.seed,
                set: |c, v| c.base.seed = v,
            },
        },
        Prop {
            key: "h",
            label: "Hidden layers",
            help: "Widths of the hidden layers, comma-separated (- for none).",
            group: "network",
            optional: false,
            field: Field::Custom {
                read: |c, text| {
                    c.base.hidden = parse_hidden(text)?;
                    Ok(())
                },
                write: |c| Some(encode_hidden(&c.base.hidden)),
                control: |c| json!({"kind": "text", "value": encode_hidden(&c.base.hidden), "max_len": 64}),
                examples: &["16,16", "64,64", "-", "8", "32,32,32"],
            },
        },
        Prop {
            key: "act",
            label: "Activation",
            help: "The nonlinearity after every hidden layer.",
            group: "network",
            optional: false,
            field: Field::Choice {
                options: |_| activations(),
                get: |c| c.base.activation.name(),
                set: |c, name| c.base.activation = Activation::from_name(name).unwrap_or_default(),
            },
        },
        Prop {
            key: "b",
            label: "Batch size",
            help: "Examples per minibatch (at most the training set).",
            group: "optimizers",
            optional: false,
            field: Field::Count {
                min: 1,
                max: MAX_SAMPLES as u64,
                get: |c| c.base.batch_size as u64,
                set: |c, v| c.base.batch_size = v as usize,
            },
        },
        Prop {
            key: "order",
            label: "Sampling order",
            help: "How each epoch's minibatches are drawn.",
            group: "optimizers",
            optional: false,
            field: Field::Choice {
                options: |_| orders(),
                get: |c| c.base.sampling.name(),
                set: |c, name| c.base.sampling = SamplingOrder::from_name(name).unwrap_or_default(),
            },
        },
        Prop {
            key: "epochs",
            label: "Epochs",
            help: "Passes over the training set.",
            group: "optimizers",
            optional: false,
            field: Field::Count {
                min: 1,
                max: MAX_EPOCHS as u64,
                get: |c| c.base.epochs as u64,
                set: |c, v| c.base.epochs = v as usize,
            },
        },
        Prop {
            key: "wd",
            label: "Weight decay",
            help: "Written into the weight_decay of every optimizer that has one.",
            group: "optimizers",
            optional: false,
            field: Field::Real {
                min: 0.0,
                max: MAX_WEIGHT_DECAY,
                max_open: false,
                scale: Scale::Log,
                get: |c| c.weight_decay,
                set: |c, v| c.weight_decay = v,
            },
        },
        Prop {
            key: "sched",
            label: "Schedule",
            help: "The learning rate by epoch, as torch.optim.lr_scheduler: kind:key=value,…",
            group: "optimizers",
            optional: false,
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
            label: "Warm-up epochs",
            help: "Ramp the learning rate up linearly over this many epochs (0: none).",
            group: "optimizers",
            optional: false,
            field: Field::Count {
                min: 0,
                max: MAX_WARMUP,
                get: |c| c.warmup,
                set: |c, v| c.warmup = v,
            },
        },
        Prop {
            key: "o",
            label: "Optimizers",
            help: "One to four optimizers trained side by side from the same data and initial weights.",
            group: "optimizers",
            optional: false,
            field: Field::List {
                max: MAX_RACERS,
                read: |c, texts| {
                    let mut racers = Vec::new();
                    let mut errors = Vec::new();
                    for (index, text) in texts.iter().enumerate() {
                        match parse_racer(text) {
                            Ok(racer) => racers.push(racer),
                            Err(message) => {
                                errors.push(format!("optimizer {}: {message}", index + 1))
                            }
                        }
                    }
                    if !racers.is_empty() {
                        c.racers = racers;
                    }
                    errors
                },
                write: |c| c.racers.iter().map(encode_racer).collect(),
                control: racers_control,
                examples: &[
                    "adam,lr:0.01",
                    "sgd,lr:0.1,momentum:0.9",
                    "rmsprop,lr:0.001",
                    "adagrad,lr:0.05",
                    "sgd,lr:0.05,nesterov:true,momentum:0.9",
                ],
            },
        },
        Prop {
            key: "backend",
            label: "Backend",
            help: "Where the networks train: WebGPU or the CPU.",
            group: "optimizers",
            optional: true,
            field: Field::Choice {
                options: |_| BACKENDS.to_vec(),
                get: |c| c.backend.name(),
                set: |c, name| {
                    c.backend = match name {
                        "gpu" => Backend::Gpu,
                        "cpu" => Backend::Cpu,
                        _ => Backend::Auto,
                    }
                },
            },
        },
        Prop {
            key: "speed",
            label: "Steps per frame",
            help: "How many steps each optimizer takes per frame (the frame's time budget may cut it short).",
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
            name: "optimizers",
            label: "Training",
        },
        Group {
            name: "speed",
            label: "Speed",
        },
    ],
    panels: &[
        Group {
            name: "curves",
            label: "Loss and accuracy curves",
        },
        Group {
            name: "norms",
            label: "Layer norms",
        },
        Group {
            name: "legend",
            label: "Legend",
        },
    ],
    minimal: &["speed"],
    max_len: 4096,
    check: |config, base, errors| {
        if let Err(error) = config.validate() {
            errors.push(error);
            *config = base.clone();
        }
    },
    options: |c| &c.options,
    options_mut: |c| &mut c.options,
};

/// Hidden widths as link text (`-` for none).
fn encode_hidden(hidden: &[usize]) -> String {
    if hidden.is_empty() {
        "-".into()
    } else {
        hidden
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(",")
    }
}

impl LabConfig {
    /// The settings of run `index`: the base with its optimizer (weight
    /// decay filled in) and the schedule (warm-up applied).
    pub fn run_config(&self, index: usize) -> TrainConfig {
        let mut choice = self.racers[index].clone();
        if self.weight_decay > 0.0 && has_weight_decay(&choice.name) {
            choice
                .settings
                .insert("weight_decay".into(), Value::from(self.weight_decay));
        }
        let schedule = if self.warmup > 0 {
            ScheduleConfig::Warmup(LinearWarmup {
                total_iters: self.warmup,
                schedule: Box::new(self.schedule.clone()),
                ..LinearWarmup::default()
            })
        } else {
            self.schedule.clone()
        };
        TrainConfig {
            optimizer: choice,
            schedule,
            ..self.base.clone()
        }
    }

    /// Checks what the decoder cannot check part by part: the size of the
    /// work, and every run's config.
    pub fn validate(&self) -> Result<(), FieldError> {
        if self.racers.is_empty() || self.racers.len() > MAX_RACERS {
            return Err(FieldError::new(
                "o",
                format!("train 1 to {MAX_RACERS} optimizers side by side"),
            ));
        }
        let params = self.base.mlp_spec().parameter_count();
        if self.base.samples.saturating_mul(params) > MAX_WORK {
            return Err(FieldError::new(
                "h",
                format!(
                    "a network of {params} parameters on {} examples is too much work for the page \
                     (examples × parameters must stay below {MAX_WORK}); use fewer examples or \
                     narrower layers (the sgdlab CLI has no such limit)",
                    self.base.samples
                ),
            ));
        }
        for index in 0..self.racers.len() {
            self.run_config(index)
                .validate()
                .map_err(|e| FieldError::new(format!("optimizer {}", index + 1), e.to_string()))?;
        }
        // Building one run checks what needs the data (the batch against the
        // training set); the others differ only in the optimizer.
        Trainer::new(&self.run_config(0)).map_err(|e| FieldError::new("b", e.to_string()))?;
        Ok(())
    }

    /// The config as a link (without the leading `#`).
    pub fn encode(&self) -> String {
        TRAINING.encode(self)
    }

    /// Reads a link (with or without `#`) on top of `base`. Every part that
    /// is wrong is reported and leaves `base`'s value in place; when the
    /// result as a whole is refused, `base` is returned.
    pub fn decode(link: &str, base: &LabConfig) -> (LabConfig, Vec<FieldError>) {
        TRAINING.decode(link, base)
    }
}

/// Whether optimizer `name` has a `weight_decay` hyperparameter.
pub fn has_weight_decay(name: &str) -> bool {
    optim::registry::default_optimizer::<f32>(name)
        .map(|o| o.config().get("weight_decay").is_some())
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_round_trips() {
        let config = LabConfig::default();
        assert!(config.validate().is_ok());
        let (back, errors) = LabConfig::decode(&config.encode(), &LabConfig::default());
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(back, config);
    }

    #[test]
    fn a_full_link_round_trips() {
        let hash = "d=moons&n=300&noise=0.2&test=0.25&seed=7&h=8,8,8&act=tanh&b=16&order=replacement\
                    &epochs=50&wd=0.001&sched=step:step_size=10,gamma=0.5&warm=3\
                    &o=sgd,lr:0.05,momentum:0.9,nesterov:true&o=rmsprop,lr:0.001&backend=cpu&speed=20&autoplay=1&hide=norms";
        let (config, errors) = LabConfig::decode(hash, &LabConfig::default());
        assert!(errors.is_empty(), "{errors:?}");
        let (again, errors) = LabConfig::decode(&config.encode(), &LabConfig::default());
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(again, config);
        assert_eq!(again.racers.len(), 2);
        assert_eq!(again.backend, Backend::Cpu);
        assert!(matches!(
            again.run_config(0).schedule,
            ScheduleConfig::Warmup(_)
        ));
        assert_eq!(
            again.run_config(0).optimizer.settings["weight_decay"],
            0.001
        );
    }

    #[test]
    fn bad_parts_are_reported_and_skipped() {
        let (config, errors) = LabConfig::decode(
            "d=<b>&n=3&h=0,5&act=gelu&b=x&o=newton&o=adam,lr:-1&sched=nope&wd=9&backend=tpu&zzz=1",
            &LabConfig::default(),
        );
        assert_eq!(config, LabConfig::default());
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for field in [
            "d", "n", "h", "act", "b", "o", "sched", "wd", "backend", "link",
        ] {
            assert!(fields.contains(&field), "{field} missing from {errors:?}");
        }
    }

    #[test]
    fn every_schedule_round_trips() {
        for text in [
            "constant",
            "step:step_size=10,gamma=0.5",
            "multi_step:milestones=30;60,gamma=0.1",
            "exponential:gamma=0.97",
            "cosine_annealing:T_max=50,eta_min=0.001",
            "reduce_on_plateau",
        ] {
            let schedule = parse_schedule(text).unwrap();
            assert_eq!(
                parse_schedule(&encode_schedule(&schedule)).unwrap(),
                schedule,
                "{text}"
            );
        }
        assert!(parse_schedule("step:gamma=abc").is_err());
        assert!(parse_schedule("sideways").is_err());
    }

    #[test]
    fn too_much_work_is_refused() {
        let (config, errors) = LabConfig::decode("n=10000&h=1024,1024", &LabConfig::default());
        assert_eq!(config, LabConfig::default());
        assert_eq!(errors.last().unwrap().field, "h");
    }

    #[test]
    fn a_batch_larger_than_the_training_set_is_refused() {
        let (config, errors) = LabConfig::decode("n=100&b=200", &LabConfig::default());
        assert_eq!(config, LabConfig::default());
        assert!(!errors.is_empty());
    }

    #[test]
    fn hide_names_are_the_ones_links_used_before() {
        assert_eq!(
            TRAINING.hide_names(),
            [
                "controls",
                "data",
                "network",
                "optimizers",
                "speed",
                "curves",
                "norms",
                "legend"
            ]
        );
    }

    mod properties {
        use super::*;
        use crate::link::testing::{assert_round_trip, junk_links, valid_links};
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(48))]

            #[test]
            fn any_text_decodes_to_a_valid_state(link in junk_links(&TRAINING)) {
                let (config, _) = LabConfig::decode(&link, &LabConfig::default());
                prop_assert!(config.validate().is_ok());
            }

            #[test]
            fn a_random_valid_state_round_trips(link in valid_links(&TRAINING)) {
                let config = assert_round_trip(&TRAINING, &link);
                prop_assert!(config.validate().is_ok());
            }
        }
    }
}
