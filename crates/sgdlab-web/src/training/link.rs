//! The training lab's state as typed, validated data, and its URL-hash form.
//!
//! ```text
//! d=spirals  n=400  noise=0.05  test=0.2  seed=0        the data
//! h=64,64  act=relu                                     the network
//! b=32  order=shuffle  epochs=100                       the minibatches
//! wd=0  sched=cosine:T_max=100  warm=5                  shared by every optimizer
//! o=adam,lr:0.01  o=sgd,lr:0.1,momentum:0.9             one to four optimizers
//! backend=gpu                                          auto (default), gpu or cpu
//! speed=10  autoplay=1  hide=controls                   display and embed options
//! ```
//!
//! `backend` is written only when it is not `auto`; `auto` and `gpu` both
//! train on WebGPU when the browser gives an adapter and on the CPU
//! otherwise (see [`Backend`]).
//!
//! `sched` is the schedule's kind followed by its settings in the names of
//! [`sgdlab_core::schedule`] (`step:step_size=30,gamma=0.1`; lists with `;`,
//! `multi_step:milestones=30;60`); `warm=k` wraps it in a linear warm-up of k
//! epochs. `wd` is written into the `weight_decay` of every optimizer that
//! has one. Decoding never fails as a whole: each bad part becomes a
//! [`FieldError`] and keeps the value it would have replaced; a combination
//! the trainer refuses (a batch larger than the training set, a network too
//! large for the page) is reported and the previous state kept.

use serde_json::{Map, Value};
use sgdlab_core::data::sampler::{SAMPLING_ORDER_NAMES, SamplingOrder};
use sgdlab_core::data::{DATASET_NAMES, DatasetKind, MAX_NOISE, MAX_SAMPLES, MIN_SAMPLES};
use sgdlab_core::optim;
use sgdlab_core::playground::FieldError;
use sgdlab_core::playground::config::{format_number, parse_number};
use sgdlab_core::schedule::{LinearWarmup, ScheduleConfig};
use sgdlab_core::train::{
    ACTIVATION_NAMES, Activation, MAX_EPOCHS, MAX_HIDDEN_LAYERS, MAX_WIDTH, OptimizerChoice,
    TrainConfig, Trainer,
};

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
/// A link longer than this is refused.
pub const MAX_HASH_LEN: usize = 4096;
/// The controls an embed may hide.
pub const HIDEABLE: &[&str] = &[
    "controls",
    "data",
    "network",
    "optimizers",
    "speed",
    "curves",
    "norms",
    "legend",
];
/// Every key a link may hold, in the order [`LabConfig::encode`] writes them.
pub const KEYS: &[&str] = &[
    "d", "n", "noise", "test", "seed", "h", "act", "b", "order", "epochs", "wd", "sched", "warm",
    "o", "backend", "speed", "autoplay", "hide",
];

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
    pub const NAMES: &'static [&'static str] = &["auto", "gpu", "cpu"];

    pub fn name(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Gpu => "gpu",
            Self::Cpu => "cpu",
        }
    }

    pub fn from_name(name: &str) -> Result<Self, String> {
        match name {
            "auto" => Ok(Self::Auto),
            "gpu" => Ok(Self::Gpu),
            "cpu" => Ok(Self::Cpu),
            _ => Err(format!(
                "unknown backend `{}`; allowed: {}",
                shorten(name),
                Self::NAMES.join(", ")
            )),
        }
    }
}

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
    pub autoplay: bool,
    pub hide: Vec<String>,
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
                OptimizerChoice::new("adam", serde_json::json!({"lr": 0.01})),
                OptimizerChoice::new("sgd", serde_json::json!({"lr": 0.1, "momentum": 0.9})),
            ],
            weight_decay: 0.0,
            schedule: ScheduleConfig::Constant,
            warmup: 0,
            backend: Backend::Auto,
            speed: 4,
            autoplay: false,
            hide: Vec::new(),
        }
    }
}

fn shorten(text: &str) -> String {
    let mut shown: String = text.chars().take(24).collect();
    if shown.len() < text.len() {
        shown.push('…');
    }
    shown
}

fn parse_count(what: &str, text: &str, low: usize, high: usize) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(v) if (low..=high).contains(&v) => Ok(v),
        _ => Err(format!(
            "{what} must be a whole number from {low} to {high}, got `{}`",
            shorten(text)
        )),
    }
}

fn parse_real(what: &str, text: &str, low: f64, high: f64, high_open: bool) -> Result<f64, String> {
    let value = parse_number(text)?;
    let inside = value >= low
        && if high_open {
            value < high
        } else {
            value <= high
        };
    if inside {
        Ok(value)
    } else {
        let bound = if high_open {
            "up to but not including"
        } else {
            "to"
        };
        Err(format!(
            "{what} must be a number from {} {bound} {}, got {}",
            format_number(low),
            format_number(high),
            format_number(value)
        ))
    }
}

fn parse_flag(what: &str, text: &str) -> Result<bool, String> {
    match text {
        "1" | "true" => Ok(true),
        "0" | "false" => Ok(false),
        _ => Err(format!("{what} must be 1 or 0, got `{}`", shorten(text))),
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
        .map(|w| parse_count("each layer width", w, 1, MAX_WIDTH))
        .collect::<Result<Vec<_>, _>>()?;
    if widths.len() > MAX_HIDDEN_LAYERS {
        return Err(format!(
            "at most {MAX_HIDDEN_LAYERS} hidden layers, got {}",
            widths.len()
        ));
    }
    Ok(widths)
}

/// A JSON value from link text: a boolean, a number, or a `;`-separated
/// list of numbers.
fn parse_value(text: &str) -> Result<Value, String> {
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
    if optim::registry::lookup(name).is_err() {
        return Err(format!(
            "unknown optimizer `{}`; allowed: {}",
            shorten(name),
            optim::registry::names().collect::<Vec<_>>().join(", ")
        ));
    }
    let mut settings = Map::new();
    for item in items.filter(|i| !i.is_empty()) {
        let Some((key, value)) = item.split_once(':') else {
            return Err("optimizer settings are written key:value, separated by commas".into());
        };
        settings.insert(key.to_string(), parse_value(value)?);
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
        object.insert(key.trim().to_string(), parse_value(value.trim())?);
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

    /// The config as a URL hash (without the leading `#`).
    pub fn encode(&self) -> String {
        let b = &self.base;
        let hidden: Vec<String> = b.hidden.iter().map(usize::to_string).collect();
        let mut parts = vec![
            format!("d={}", b.dataset.name()),
            format!("n={}", b.samples),
            format!("noise={}", format_number(b.noise)),
            format!("test={}", format_number(b.test_fraction)),
            format!("seed={}", b.seed),
            format!(
                "h={}",
                if hidden.is_empty() {
                    "-".into()
                } else {
                    hidden.join(",")
                }
            ),
            format!("act={}", b.activation.name()),
            format!("b={}", b.batch_size),
            format!("order={}", b.sampling.name()),
            format!("epochs={}", b.epochs),
            format!("wd={}", format_number(self.weight_decay)),
            format!("sched={}", encode_schedule(&self.schedule)),
            format!("warm={}", self.warmup),
        ];
        parts.extend(self.racers.iter().map(|r| format!("o={}", encode_racer(r))));
        if self.backend != Backend::Auto {
            parts.push(format!("backend={}", self.backend.name()));
        }
        parts.push(format!("speed={}", self.speed));
        if self.autoplay {
            parts.push("autoplay=1".into());
        }
        if !self.hide.is_empty() {
            parts.push(format!("hide={}", self.hide.join(",")));
        }
        parts.join("&")
    }

    /// Reads a hash (with or without `#`) on top of `base`. Every part that
    /// is wrong is reported and leaves `base`'s value in place; when the
    /// result as a whole is refused, `base` is returned.
    pub fn decode(hash: &str, base: &LabConfig) -> (LabConfig, Vec<FieldError>) {
        let hash = hash.strip_prefix('#').unwrap_or(hash);
        let mut errors = Vec::new();
        if hash.len() > MAX_HASH_LEN {
            errors.push(FieldError::new(
                "link",
                format!(
                    "the link is too long ({} characters; at most {MAX_HASH_LEN}); using the current state",
                    hash.len()
                ),
            ));
            return (base.clone(), errors);
        }
        let mut config = base.clone();
        let mut racers: Vec<OptimizerChoice> = Vec::new();
        let mut saw_racer = false;
        for part in hash.split('&').filter(|p| !p.trim().is_empty()) {
            let (key, value) = part.split_once('=').unwrap_or((part, ""));
            let result = if key == "o" {
                saw_racer = true;
                if racers.len() >= MAX_RACERS {
                    Err(format!(
                        "at most {MAX_RACERS} optimizers; `{}` left out",
                        shorten(value)
                    ))
                } else {
                    parse_racer(value).map(|r| racers.push(r))
                }
            } else {
                config.apply(key, value)
            };
            if let Err(message) = result {
                let field = if KEYS.contains(&key) { key } else { "link" };
                errors.push(FieldError::new(field, message));
            }
        }
        if saw_racer && !racers.is_empty() {
            config.racers = racers;
        }
        match config.validate() {
            Ok(()) => (config, errors),
            Err(error) => {
                errors.push(error);
                (base.clone(), errors)
            }
        }
    }

    /// Sets the field behind link key `key` from its text.
    fn apply(&mut self, key: &str, text: &str) -> Result<(), String> {
        let b = &mut self.base;
        match key {
            "d" => {
                b.dataset = DatasetKind::from_name(text).map_err(|_| {
                    format!(
                        "unknown dataset `{}`; allowed: {}",
                        shorten(text),
                        DATASET_NAMES.join(", ")
                    )
                })?
            }
            "n" => b.samples = parse_count("samples", text, MIN_SAMPLES, MAX_SAMPLES)?,
            "noise" => b.noise = parse_real("noise", text, 0.0, MAX_NOISE, false)?,
            "test" => b.test_fraction = parse_real("the test fraction", text, 0.0, 0.9, false)?,
            "seed" => {
                b.seed = text.parse::<u64>().map_err(|_| {
                    format!(
                        "the seed must be a whole number from 0 to {}, got `{}`",
                        u64::MAX,
                        shorten(text)
                    )
                })?
            }
            "h" => b.hidden = parse_hidden(text)?,
            "act" => {
                b.activation = Activation::from_name(text).map_err(|_| {
                    format!(
                        "unknown activation `{}`; allowed: {}",
                        shorten(text),
                        ACTIVATION_NAMES.join(", ")
                    )
                })?
            }
            "b" => b.batch_size = parse_count("the batch size", text, 1, MAX_SAMPLES)?,
            "order" => {
                b.sampling = SamplingOrder::from_name(text).map_err(|_| {
                    format!(
                        "unknown sampling order `{}`; allowed: {}",
                        shorten(text),
                        SAMPLING_ORDER_NAMES.join(", ")
                    )
                })?
            }
            "epochs" => b.epochs = parse_count("epochs", text, 1, MAX_EPOCHS)?,
            "wd" => {
                self.weight_decay =
                    parse_real("the weight decay", text, 0.0, MAX_WEIGHT_DECAY, false)?
            }
            "sched" => self.schedule = parse_schedule(text)?,
            "warm" => {
                self.warmup = parse_count("warm-up epochs", text, 0, MAX_WARMUP as usize)? as u64
            }
            "backend" => self.backend = Backend::from_name(text)?,
            "speed" => self.speed = parse_count("speed", text, 1, MAX_SPEED as usize)? as u32,
            "autoplay" => self.autoplay = parse_flag("autoplay", text)?,
            "hide" => {
                let names: Vec<String> = text
                    .split(',')
                    .filter(|n| !n.is_empty())
                    .map(str::to_string)
                    .collect();
                if let Some(bad) = names.iter().find(|n| !HIDEABLE.contains(&n.as_str())) {
                    return Err(format!(
                        "cannot hide `{}`; allowed: {}",
                        shorten(bad),
                        HIDEABLE.join(", ")
                    ));
                }
                self.hide = names;
            }
            _ => {
                return Err(format!(
                    "unknown setting `{}`; allowed: {}",
                    shorten(key),
                    KEYS.join(", ")
                ));
            }
        }
        Ok(())
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
}
