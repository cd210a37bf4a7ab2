//! The training lab's state as typed, validated data, and its link.
//!
//! ```text
//! d=spirals  n=400  noise=0.05  test=0.2  seed=0        the data
//! h=64,64  act=relu                                     the network
//! b=32  order=shuffle  epochs=100                       the minibatches
//! wd=0  sched=cosine_annealing:T_max=100  warm=5        shared by every optimizer
//! scale=32                                              lr scaled with the batch, B₀ = 32
//! o=adam,lr:0.01  o=sgd,lr:0.1,momentum:0.9,batch:128,warm:5
//!                                                       one to four optimizers
//! backend=gpu                                           auto (default), gpu or cpu
//! x=steps                                               the curves' x-axis
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
//!
//! **Each racer's minibatches.** A racer's `o=` text may end with two items
//! that belong to the lab, not to the optimizer: `batch:B`, its own batch
//! size, and `warm:k`, its own warm-up epochs (`warm:0` for none). Without
//! them it takes the lab's `b` and `warm`, so every link written before
//! these items existed means what it meant. All racers draw the same data
//! and start from the same weights; every epoch they walk the same shuffled
//! order of the training set, each cut into its own batches (a batch of 4B
//! holds exactly the examples of four consecutive batches of B).
//!
//! **Scaling the learning rate with the batch** (`scale=B₀`, the linear
//! scaling rule of Goyal et al. 2017; absent or 0: off). Each racer's
//! written `lr` is read as the rate η₀ that suits the reference batch B₀,
//! and the racer trains with
//!
//! ```text
//! η = η₀ · B / B₀           (B: the racer's batch)
//! ```
//!
//! The schedule (and warm-up) then multiplies η as usual. The warm-up's
//! factor climbs linearly over its k epochs from a start s to 1
//! ([`LinearWarmup`]): s = B₀/B when the rate was scaled up (B > B₀), so the
//! ramp starts at η₀ itself and reaches η after k epochs — Goyal et al.'s
//! gradual warm-up, per epoch rather than per iteration; otherwise s = 1/3,
//! torch's `LinearLR` default. Each racer's η, and how it came about, is
//! in its label ([`LabConfig::racer_label`]).
//!
//! **The curves' x-axis** (`x=`): `epochs` (equal data), `steps` (equal
//! updates) or `examples` seen. Only the drawing changes; every curve point
//! carries all three.

use super::{
    Activation, MAX_EPOCHS, MAX_HIDDEN_LAYERS, MAX_WIDTH, OptimizerChoice, TrainConfig, Trainer,
};
use crate::data::sampler::SamplingOrder;
use crate::data::{DatasetKind, MAX_NOISE, MAX_SAMPLES, MIN_SAMPLES};
use crate::link::text::{format_number, parse_number, parse_whole, shorten};
use crate::link::{Field, FieldError, Group, LinkTable, Opt, Prop, Scale, ViewOptions};
use crate::optim;
use crate::schedule::{LinearWarmup, ScheduleConfig, linear_scaling_rule};
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

/// What the curves are drawn against.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CurveAxis {
    /// Passes over the training set: equal data. The default.
    #[default]
    Epochs,
    /// Updates of the weights.
    Steps,
    /// Training examples used, counted again each time one is drawn.
    Examples,
}

impl CurveAxis {
    pub const ALL: [CurveAxis; 3] = [Self::Epochs, Self::Steps, Self::Examples];

    /// The link name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Epochs => "epochs",
            Self::Steps => "steps",
            Self::Examples => "examples",
        }
    }

    /// What the axis is labelled.
    pub fn description(self) -> &'static str {
        match self {
            Self::Epochs => "epoch",
            Self::Steps => "step",
            Self::Examples => "examples seen",
        }
    }

    /// The axis in words, for the control and the plots' descriptions.
    pub fn label(self) -> &'static str {
        match self {
            Self::Epochs => "epochs (equal data)",
            Self::Steps => "steps (equal updates)",
            Self::Examples => "examples seen",
        }
    }
}

/// The `x` choices.
fn curve_axes() -> Vec<Opt> {
    CurveAxis::ALL
        .into_iter()
        .map(|axis| Opt {
            value: axis.name(),
            label: axis.label(),
        })
        .collect()
}

/// The items of a racer's text that the lab reads (and never passes to
/// the optimizer).
pub const RACER_BATCH: &str = "batch";
/// See [`RACER_BATCH`].
pub const RACER_WARMUP: &str = "warm";

/// One optimizer of the lab, with the minibatch settings it may take for
/// itself.
#[derive(Clone, Debug, PartialEq)]
pub struct Racer {
    /// The optimizer and the hyperparameters that differ from its defaults.
    pub optimizer: OptimizerChoice,
    /// Its own batch size (`batch:B`); `None` takes the lab's `b`.
    pub batch: Option<usize>,
    /// Its own warm-up in epochs (`warm:k`); `None` takes the lab's `warm`.
    pub warmup: Option<u64>,
}

impl Racer {
    /// `name` with `settings` and the lab's batch and warm-up.
    pub fn new(name: &str, settings: Value) -> Self {
        Self::from(OptimizerChoice::new(name, settings))
    }

    /// An optimizer of kind `name` with its defaults, checked.
    pub fn named(name: &str) -> Result<Self, String> {
        normalized(OptimizerChoice::new(name, Value::Null)).map(Self::from)
    }

    /// Changes one setting, as the panel sends it: `batch` or `warm` (an
    /// empty value goes back to the lab's), or a hyperparameter of the
    /// optimizer. On error nothing changes.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let value = value.trim();
        match key {
            RACER_BATCH => self.batch = parse_racer_batch(value)?,
            RACER_WARMUP => self.warmup = parse_racer_warmup(value)?,
            _ => {
                let mut next = self.optimizer.clone();
                next.settings.insert(key.to_string(), parse_setting(value)?);
                self.optimizer = normalized(next)?;
            }
        }
        Ok(())
    }
}

impl From<OptimizerChoice> for Racer {
    fn from(optimizer: OptimizerChoice) -> Self {
        Self {
            optimizer,
            batch: None,
            warmup: None,
        }
    }
}

/// A racer's own batch size (empty: the lab's).
fn parse_racer_batch(text: &str) -> Result<Option<usize>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    parse_whole(text)
        .ok()
        .filter(|b| (1..=MAX_SAMPLES as u64).contains(b))
        .map(|b| Some(b as usize))
        .ok_or_else(|| {
            format!(
                "{RACER_BATCH} must be a whole number from 1 to {MAX_SAMPLES} (and at most the \
                 training set), got `{}`",
                shorten(text)
            )
        })
}

/// A racer's own warm-up epochs (empty: the lab's).
fn parse_racer_warmup(text: &str) -> Result<Option<u64>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    parse_whole(text)
        .ok()
        .filter(|k| *k <= MAX_WARMUP)
        .map(Some)
        .ok_or_else(|| {
            format!(
                "{RACER_WARMUP} must be a whole number of epochs from 0 to {MAX_WARMUP}, got `{}`",
                shorten(text)
            )
        })
}

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
    /// differ from its defaults and its own batch and warm-up, if any.
    pub racers: Vec<Racer>,
    /// Written into every optimizer's `weight_decay` (where it has one).
    pub weight_decay: f64,
    /// The schedule the warm-up (if any) wraps.
    pub schedule: ScheduleConfig,
    /// Epochs of linear warm-up; 0 for none.
    pub warmup: u64,
    /// The reference batch B₀ of the linear scaling rule: each racer's
    /// rate is its `lr`·B/B₀. `None`: the rates as written.
    pub scale_lr: Option<usize>,
    /// What the curves are drawn against.
    pub x_axis: CurveAxis,
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
                Racer::new("adam", json!({"lr": 0.01})),
                Racer::new("sgd", json!({"lr": 0.1, "momentum": 0.9})),
            ],
            weight_decay: 0.0,
            schedule: ScheduleConfig::Constant,
            warmup: 0,
            scale_lr: None,
            x_axis: CurveAxis::Epochs,
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

/// One racer from `name,key:value,…`: the optimizer's settings, checked
/// by building it, and the lab's own items `batch:B` and `warm:k`.
pub fn parse_racer(text: &str) -> Result<Racer, String> {
    let mut items = text.split(',');
    let name = items.next().unwrap_or_default().trim();
    optim::registry::lookup(name).map_err(|e| e.to_string())?;
    let mut settings = Map::new();
    let (mut batch, mut warmup) = (None, None);
    for item in items.filter(|i| !i.is_empty()) {
        let Some((key, value)) = item.split_once(':') else {
            return Err("optimizer settings are written key:value, separated by commas".into());
        };
        match key {
            RACER_BATCH if !value.is_empty() => batch = parse_racer_batch(value)?,
            RACER_WARMUP if !value.is_empty() => warmup = parse_racer_warmup(value)?,
            _ => {
                settings.insert(key.to_string(), parse_setting(value)?);
            }
        }
    }
    let optimizer = normalized(OptimizerChoice::new(name, Value::Object(settings)))?;
    Ok(Racer {
        optimizer,
        batch,
        warmup,
    })
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

fn encode_racer(racer: &Racer) -> String {
    let choice = &racer.optimizer;
    let mut text = choice.name.clone();
    for (key, value) in &choice.settings {
        text.push_str(&format!(",{key}:{}", format_value(value)));
    }
    if let Some(batch) = racer.batch {
        text.push_str(&format!(",{RACER_BATCH}:{batch}"));
    }
    if let Some(warmup) = racer.warmup {
        text.push_str(&format!(",{RACER_WARMUP}:{warmup}"));
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

/// The optimizers as a control: each with its settings (the optimizer's,
/// then its batch and warm-up, which the panel edits like the others as
/// `o.I.batch` and `o.I.warm`), and every optimizer the lab can train with.
fn racers_control(config: &LabConfig) -> Value {
    let items: Vec<Value> = config
        .racers
        .iter()
        .enumerate()
        .filter_map(|(index, racer)| {
            let choice = &racer.optimizer;
            let optimizer = choice.build(config.base.seed).ok()?;
            let mut settings = match optimizer.config() {
                Value::Object(map) => map,
                _ => Map::new(),
            };
            settings.insert(RACER_BATCH.into(), json!(config.racer_batch(index)));
            settings.insert(RACER_WARMUP.into(), json!(config.racer_warmup(index)));
            let mut changed: Vec<&str> = choice.settings.keys().map(String::as_str).collect();
            if racer.batch.is_some() {
                changed.push(RACER_BATCH);
            }
            if racer.warmup.is_some() {
                changed.push(RACER_WARMUP);
            }
            Some(json!({
                "optimizer": choice.name,
                "label": config.racer_label(index),
                "settings": settings,
                "changed": changed,
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
        "item": "Optimizer",
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
            key: "scale",
            label: "Scale lr with batch: B₀",
            help: "Linear scaling rule (Goyal et al. 2017): each optimizer's lr is for batch B₀ and \
                   it trains with lr·B/B₀, B its batch; a warm-up then starts from lr. 0: off.",
            group: "optimizers",
            optional: true,
            field: Field::Count {
                min: 0,
                max: MAX_SAMPLES as u64,
                get: |c| c.scale_lr.map_or(0, |b| b as u64),
                set: |c, v| c.scale_lr = (v > 0).then_some(v as usize),
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
                    "sgd,lr:0.1,batch:8",
                    "sgd,lr:0.4,batch:64,warm:3",
                    "lars,lr:0.05,warm:0",
                    "adam,batch:1",
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
            key: "x",
            label: "Curves against",
            help: "The x-axis of the loss and accuracy curves: epochs (equal data), steps (equal \
                   updates) or examples seen.",
            group: "display",
            optional: true,
            field: Field::Choice {
                options: |_| curve_axes(),
                get: |c| c.x_axis.name(),
                set: |c, name| {
                    c.x_axis = CurveAxis::ALL
                        .into_iter()
                        .find(|axis| axis.name() == name)
                        .unwrap_or_default()
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
        Group {
            name: "display",
            label: "Display",
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
            name: "schedule",
            label: "Learning rate by epoch",
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
    /// The settings of run `index`: the base with the racer's batch, its
    /// optimizer (the rate scaled with the batch when `scale` is on, weight
    /// decay filled in) and the schedule (its warm-up applied). See the
    /// module doc.
    pub fn run_config(&self, index: usize) -> TrainConfig {
        let mut choice = self.racers[index].optimizer.clone();
        if self.weight_decay > 0.0 && has_weight_decay(&choice.name) {
            choice
                .settings
                .insert("weight_decay".into(), Value::from(self.weight_decay));
        }
        if self.scale_lr.is_some() {
            choice
                .settings
                .insert("lr".into(), Value::from(self.racer_lr(index)));
        }
        let warmup = self.racer_warmup(index);
        let schedule = if warmup > 0 {
            ScheduleConfig::Warmup(LinearWarmup {
                start_factor: self.warmup_start(index),
                total_iters: warmup,
                schedule: Box::new(self.schedule.clone()),
            })
        } else {
            self.schedule.clone()
        };
        TrainConfig {
            optimizer: choice,
            schedule,
            batch_size: self.racer_batch(index),
            ..self.base.clone()
        }
    }

    /// The batch size of racer `index`: its own, or the lab's `b`.
    pub fn racer_batch(&self, index: usize) -> usize {
        self.racers[index].batch.unwrap_or(self.base.batch_size)
    }

    /// The warm-up epochs of racer `index`: its own, or the lab's `warm`.
    pub fn racer_warmup(&self, index: usize) -> u64 {
        self.racers[index].warmup.unwrap_or(self.warmup)
    }

    /// The rate racer `index` has written (or its optimizer's default).
    pub fn written_lr(&self, index: usize) -> f64 {
        let choice = &self.racers[index].optimizer;
        choice
            .build(self.base.seed)
            .map_or(f64::NAN, |optimizer| optimizer.lr())
    }

    /// The rate racer `index` trains with before any schedule: its written
    /// rate η₀, times B/B₀ when `scale` is on.
    pub fn racer_lr(&self, index: usize) -> f64 {
        let written = self.written_lr(index);
        match self.scale_lr {
            Some(reference) => linear_scaling_rule(written, reference, self.racer_batch(index)),
            None => written,
        }
    }

    /// Where racer `index`'s warm-up starts, as a share of its rate: at the
    /// reference rate η₀ when the rate was scaled up, else at torch's 1/3.
    fn warmup_start(&self, index: usize) -> f64 {
        let batch = self.racer_batch(index);
        match self.scale_lr {
            Some(reference) if batch > reference => reference as f64 / batch as f64,
            _ => LinearWarmup::default().start_factor,
        }
    }

    /// The legend's name for racer `index`, with the rate it trains with
    /// and, when not all racers share them, its batch and warm-up:
    /// `adam (lr 0.01)`, `sgd (lr 0.1, B 128)`,
    /// `sgd (lr 0.1·128/16 = 0.8, B 128, warm-up 5)`.
    pub fn racer_label(&self, index: usize) -> String {
        let racer = &self.racers[index];
        let batch = self.racer_batch(index);
        let written = short(self.written_lr(index));
        let mut parts = vec![match self.scale_lr {
            Some(reference) if reference != batch => format!(
                "lr {written}·{batch}/{reference} = {}",
                short(self.racer_lr(index))
            ),
            _ => format!("lr {written}"),
        }];
        let batches_differ = (0..self.racers.len()).any(|i| self.racer_batch(i) != batch);
        if racer.batch.is_some() || batches_differ {
            parts.push(format!("B {batch}"));
        }
        let warmup = self.racer_warmup(index);
        let warmups_differ = (0..self.racers.len()).any(|i| self.racer_warmup(i) != warmup);
        if warmups_differ || racer.warmup.is_some() {
            parts.push(if warmup == 0 {
                "no warm-up".to_string()
            } else {
                format!("warm-up {warmup}")
            });
        }
        format!("{} ({})", racer.optimizer.name, parts.join(", "))
    }

    /// Checks what the decoder cannot check part by part: the size of the
    /// work, each racer's batch against the training set, and every run's
    /// config.
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
        self.check_batches()?;
        // Building one run checks the rest of what needs the data; the
        // others differ only in the optimizer, the batch and the schedule.
        Trainer::new(&self.run_config(0)).map_err(|e| FieldError::new("b", e.to_string()))?;
        Ok(())
    }

    /// Refuses a batch (the lab's, or a racer's own) larger than the
    /// training set, saying how large that is.
    fn check_batches(&self) -> Result<(), FieldError> {
        let split = self
            .base
            .dataset_config()
            .generate_split()
            .map_err(|e| FieldError::new("n", e.to_string()))?;
        let (train, test) = (split.train.len(), split.test.len());
        let why = format!(
            "the training set has {train} examples ({} drawn, {test} held out for testing)",
            self.base.samples
        );
        for (index, racer) in self.racers.iter().enumerate() {
            let batch = self.racer_batch(index);
            if batch <= train {
                continue;
            }
            return Err(match racer.batch {
                Some(_) => FieldError::new(
                    "o",
                    format!(
                        "optimizer {}: {RACER_BATCH}:{batch} is larger than the training set; \
                         allowed: 1 to {train} ({why})",
                        index + 1
                    ),
                ),
                None => FieldError::new(
                    "b",
                    format!(
                        "a batch of {batch} is larger than the training set; allowed: 1 to \
                         {train} ({why})"
                    ),
                ),
            });
        }
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

/// A rate for a label: six significant digits, so that 0.1·3 reads 0.3.
fn short(value: f64) -> String {
    format!("{value:.5e}")
        .parse::<f64>()
        .map_or_else(|_| value.to_string(), format_number)
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
    fn hostile_links_are_reported_not_panicked_on() {
        crate::link::testing::assert_hostile_links_are_refused(&TRAINING);
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
                "display",
                "curves",
                "norms",
                "schedule",
                "legend"
            ]
        );
    }

    fn decode(link: &str) -> (LabConfig, Vec<FieldError>) {
        LabConfig::decode(link, &LabConfig::default())
    }

    #[test]
    fn links_without_the_new_items_keep_their_meaning_and_text() {
        let link = "d=moons&n=300&noise=0.2&test=0.2&seed=7&h=8,8&act=tanh&b=16&order=shuffle\
                    &epochs=50&wd=0&sched=constant&warm=3&o=sgd,lr:0.05,momentum:0.9\
                    &o=rmsprop,lr:0.001&speed=20";
        let (config, errors) = decode(link);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(config.encode(), link, "no key added to the link");
        assert_eq!((config.scale_lr, config.x_axis), (None, CurveAxis::Epochs));
        for index in 0..2 {
            assert_eq!(config.racers[index].batch, None);
            let run = config.run_config(index);
            assert_eq!(run.batch_size, 16);
            assert_eq!(
                run.schedule,
                ScheduleConfig::Warmup(LinearWarmup {
                    total_iters: 3,
                    ..LinearWarmup::default()
                })
            );
        }
        assert_eq!(config.run_config(0).optimizer.settings["lr"], 0.05);
        assert_eq!(config.racer_label(0), "sgd (lr 0.05)");
    }

    #[test]
    fn a_racer_takes_its_own_batch_and_warm_up_and_they_round_trip() {
        let link = "n=400&b=16&warm=2&o=sgd,lr:0.1,batch:128,warm:0&o=sgd,lr:0.1\
                    &o=adam,warm:5,batch:16&x=steps";
        let (config, errors) = decode(link);
        assert!(errors.is_empty(), "{errors:?}");
        let racers = &config.racers;
        assert_eq!((racers[0].batch, racers[0].warmup), (Some(128), Some(0)));
        assert_eq!((racers[1].batch, racers[1].warmup), (None, None));
        assert_eq!((racers[2].batch, racers[2].warmup), (Some(16), Some(5)));
        // The lab's items never reach the optimizer.
        for racer in racers {
            assert!(!racer.optimizer.settings.contains_key(RACER_BATCH));
            assert!(!racer.optimizer.settings.contains_key(RACER_WARMUP));
        }
        let runs: Vec<TrainConfig> = (0..3).map(|i| config.run_config(i)).collect();
        assert_eq!(
            runs.iter().map(|r| r.batch_size).collect::<Vec<_>>(),
            [128, 16, 16]
        );
        assert_eq!(runs[0].schedule, ScheduleConfig::Constant);
        assert!(matches!(&runs[1].schedule, ScheduleConfig::Warmup(w) if w.total_iters == 2));
        assert!(matches!(&runs[2].schedule, ScheduleConfig::Warmup(w) if w.total_iters == 5));
        let encoded = config.encode();
        assert!(
            encoded.contains(
                "&o=sgd,lr:0.1,batch:128,warm:0&o=sgd,lr:0.1&o=adam,batch:16,warm:5&x=steps"
            ),
            "{encoded}"
        );
        let (again, errors) = decode(&encoded);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(again, config);
        assert_eq!(config.racer_label(0), "sgd (lr 0.1, B 128, no warm-up)");
        assert_eq!(config.racer_label(1), "sgd (lr 0.1, B 16, warm-up 2)");
        assert_eq!(config.racer_label(2), "adam (lr 0.001, B 16, warm-up 5)");
    }

    #[test]
    fn the_same_data_and_weights_reach_every_racer_whatever_its_batch() {
        let (config, errors) = decode("n=200&h=8&o=sgd,lr:0.1,batch:10&o=sgd,lr:0.1,batch:80");
        assert!(errors.is_empty(), "{errors:?}");
        let a = Trainer::new(&config.run_config(0)).unwrap();
        let b = Trainer::new(&config.run_config(1)).unwrap();
        assert_eq!(a.train_set(), b.train_set());
        assert_eq!(a.test_set(), b.test_set());
        assert_eq!(a.params(), b.params());
        assert_eq!((a.batches_per_epoch(), b.batches_per_epoch()), (16, 2));
    }

    #[test]
    fn a_batch_larger_than_the_training_set_says_how_large_that_is() {
        let (config, errors) = decode("n=100&o=adam&o=sgd,lr:0.1,batch:90");
        assert_eq!(config, LabConfig::default());
        let error = errors.last().unwrap();
        assert_eq!(error.field, "o");
        assert_eq!(
            error.message,
            "optimizer 2: batch:90 is larger than the training set; allowed: 1 to 80 \
             (the training set has 80 examples (100 drawn, 20 held out for testing))"
        );
        let (_, errors) = decode("n=100&b=81&o=adam");
        let error = errors.last().unwrap();
        assert_eq!(error.field, "b");
        assert!(error.message.contains("allowed: 1 to 80"), "{error}");
        // At the limit it is accepted: one batch per epoch.
        let (config, errors) = decode("n=100&b=16&o=adam,batch:80");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(config.run_config(0).batch_size, 80);
    }

    #[test]
    fn bad_racer_items_are_refused_with_what_is_allowed() {
        for (item, wanted) in [
            ("batch:0", "batch must be a whole number from 1 to"),
            ("batch:1.5", "batch must be a whole number from 1 to"),
            ("batch:-3", "batch must be a whole number from 1 to"),
            ("batch:100000", "batch must be a whole number from 1 to"),
            (
                "warm:x",
                "warm must be a whole number of epochs from 0 to 1000",
            ),
            (
                "warm:1001",
                "warm must be a whole number of epochs from 0 to 1000",
            ),
        ] {
            let (config, errors) = decode(&format!("o=sgd,lr:0.1,{item}"));
            assert_eq!(config.racers, LabConfig::default().racers, "{item}");
            assert!(errors[0].message.contains(wanted), "{item}: {errors:?}");
        }
    }

    #[test]
    fn no_optimizer_has_a_setting_named_like_the_labs_items() {
        for entry in optim::OPTIMIZERS {
            if let Ok(optimizer) = optim::registry::default_optimizer::<f32>(entry.name) {
                let config = optimizer.config();
                assert!(config.get(RACER_BATCH).is_none(), "{}", entry.name);
                assert!(config.get(RACER_WARMUP).is_none(), "{}", entry.name);
            }
        }
    }

    #[test]
    fn scaling_multiplies_each_rate_by_its_batch_over_the_reference() {
        let (config, errors) = decode(
            "n=600&b=16&scale=16&warm=4&o=sgd,lr:0.05&o=sgd,lr:0.05,batch:128\
                    &o=sgd,lr:0.05,batch:128,warm:0&o=sgd,lr:0.05,batch:8",
        );
        assert!(errors.is_empty(), "{errors:?}");
        let rates: Vec<f64> = (0..4).map(|i| config.racer_lr(i)).collect();
        assert_eq!(rates, [0.05, 0.4, 0.4, 0.025]);
        for (index, rate) in rates.iter().enumerate() {
            assert_eq!(config.run_config(index).optimizer.settings["lr"], *rate);
        }
        // Scaled up: the warm-up starts at the reference rate, 0.05 = 0.4·16/128.
        let ScheduleConfig::Warmup(warmup) = config.run_config(1).schedule else {
            panic!("racer 2 warms up");
        };
        assert_eq!((warmup.start_factor, warmup.total_iters), (0.125, 4));
        let mut trainer = Trainer::new(&config.run_config(1)).unwrap();
        assert_eq!(trainer.lr(), 0.05);
        assert_eq!(
            trainer.lr_by_epoch()[..6],
            [0.05, 0.1375, 0.225, 0.3125, 0.4, 0.4]
        );
        trainer.run_epoch().unwrap();
        assert_eq!(trainer.lr(), 0.1375);
        assert_eq!(config.run_config(2).schedule, ScheduleConfig::Constant);
        // Not scaled up: torch's start of a third.
        for index in [0, 3] {
            let ScheduleConfig::Warmup(warmup) = config.run_config(index).schedule else {
                panic!("racer {index} warms up");
            };
            assert_eq!(warmup.start_factor, 1.0 / 3.0);
        }
        assert_eq!(config.racer_label(0), "sgd (lr 0.05, B 16, warm-up 4)");
        assert_eq!(
            config.racer_label(1),
            "sgd (lr 0.05·128/16 = 0.4, B 128, warm-up 4)"
        );
        assert_eq!(
            config.racer_label(2),
            "sgd (lr 0.05·128/16 = 0.4, B 128, no warm-up)"
        );
        assert_eq!(
            config.racer_label(3),
            "sgd (lr 0.05·8/16 = 0.025, B 8, warm-up 4)"
        );
        let encoded = config.encode();
        assert!(encoded.contains("&scale=16&"), "{encoded}");
        assert_eq!(decode(&encoded).0, config);
        // Off: the rates as written.
        let (off, _) = decode(&encoded.replace("scale=16", "scale=0"));
        assert_eq!(
            (0..4).map(|i| off.racer_lr(i)).collect::<Vec<_>>(),
            [0.05; 4]
        );
        assert!(!off.encode().contains("scale"));
    }

    #[test]
    fn labels_round_rates_to_six_digits() {
        let (config, errors) = decode("b=10&scale=10&o=sgd,lr:0.1,batch:30");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(config.racer_label(0), "sgd (lr 0.1·30/10 = 0.3, B 30)");
    }

    #[test]
    fn the_panel_shows_and_edits_each_racers_batch_and_warm_up() {
        let (mut config, _) = decode("b=16&warm=2&o=sgd,lr:0.1&o=adam,batch:64");
        let schema = TRAINING.schema(&config);
        let racers = schema["controls"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["key"] == "o")
            .unwrap();
        let items = racers["items"].as_array().unwrap();
        assert_eq!(items[0]["settings"]["batch"], 16);
        assert_eq!(items[0]["settings"]["warm"], 2);
        assert_eq!(items[1]["settings"]["batch"], 64);
        assert_eq!(items[1]["changed"], json!(["batch"]));
        assert_eq!(items[1]["label"], "adam (lr 0.001, B 64)");
        assert_eq!(racers["value"][1], "adam,batch:64");

        config.racers[0].set("batch", "32").unwrap();
        config.racers[0].set("warm", "0").unwrap();
        config.racers[1].set("batch", "").unwrap();
        config.racers[1].set("lr", "0.01").unwrap();
        assert!(config.racers[0].set("batch", "0").is_err());
        assert!(config.racers[0].set("lr", "-1").is_err());
        assert_eq!(
            TRAINING
                .encode(&config)
                .split('&')
                .filter(|p| p.starts_with("o="))
                .collect::<Vec<_>>(),
            ["o=sgd,lr:0.1,batch:32,warm:0", "o=adam,lr:0.01"]
        );
    }

    #[test]
    fn the_x_axis_is_a_choice_written_only_when_not_epochs() {
        for axis in CurveAxis::ALL {
            let (config, errors) = decode(&format!("x={}", axis.name()));
            assert!(errors.is_empty(), "{errors:?}");
            assert_eq!(config.x_axis, axis);
            assert_eq!(config.encode().contains("x="), axis != CurveAxis::Epochs);
        }
        let (_, errors) = decode("x=time");
        assert_eq!(errors[0].field, "x");
        assert!(
            errors[0]
                .message
                .contains("allowed: epochs, steps, examples")
        );
    }

    mod properties {
        use super::*;
        use crate::link::testing::{assert_round_trip, link_table_properties};
        use proptest::prelude::*;

        link_table_properties!(TRAINING, cases = 48);

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(48))]

            #[test]
            fn any_racer_batch_and_warm_up_round_trip_or_are_refused(
                racers in proptest::collection::vec(
                    (
                        proptest::sample::select(vec!["sgd,lr:0.1", "adam", "lars,lr:0.02"]),
                        proptest::option::of(1usize..400),
                        proptest::option::of(0u64..=MAX_WARMUP),
                    ),
                    1..=MAX_RACERS,
                ),
                scale in 0usize..300,
                axis in proptest::sample::select(CurveAxis::ALL.to_vec()),
            ) {
                let parts: Vec<String> = racers
                    .iter()
                    .map(|(optimizer, batch, warm)| {
                        let mut text = format!("o={optimizer}");
                        if let Some(batch) = batch {
                            text.push_str(&format!(",batch:{batch}"));
                        }
                        if let Some(warm) = warm {
                            text.push_str(&format!(",warm:{warm}"));
                        }
                        text
                    })
                    .collect();
                let link = format!("n=300&h=4&scale={scale}&x={}&{}", axis.name(), parts.join("&"));
                let (config, errors) = decode(&link);
                // 300 examples keep 240 for training (two classes, 20% of each held out).
                let too_large = racers.iter().any(|(_, b, _)| b.is_some_and(|b| b > 240));
                if too_large {
                    prop_assert_eq!(config, LabConfig::default());
                    prop_assert!(errors.iter().any(|e| e.message.contains("larger than the training set")));
                } else {
                    prop_assert!(errors.is_empty(), "{:?}", errors);
                    let config = assert_round_trip(&TRAINING, &link);
                    for (index, (_, batch, warm)) in racers.iter().enumerate() {
                        prop_assert_eq!(config.racer_batch(index), batch.unwrap_or(32));
                        prop_assert_eq!(config.racer_warmup(index), warm.unwrap_or(0));
                        let run = config.run_config(index);
                        prop_assert_eq!(run.batch_size, config.racer_batch(index));
                        let expected = if scale > 0 {
                            config.written_lr(index) * run.batch_size as f64 / scale as f64
                        } else {
                            config.written_lr(index)
                        };
                        prop_assert_eq!(config.racer_lr(index), expected);
                    }
                }
            }
        }
    }
}
