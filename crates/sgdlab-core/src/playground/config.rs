//! The playground's state as typed, validated data, and its URL-hash form.
//!
//! The hash is a readable `key=value&…` list so a link can be read and edited
//! by hand:
//!
//! ```text
//! s=rosenbrock              a named surface          (or f=<formula>, percent-encoded)
//! p=a:4,b:1,theta:30        surface parameters
//! start=-1.5,2              the start point
//! o=adam,lr:0.05,amsgrad:true   one racing optimizer and the settings it changes (repeatable)
//! speed=2  log=1  seed=0    steps per frame, log colour scale, the seed
//! taylor=1                  the Taylor-model overlay (written only when on)
//! autoplay=1  hide=speed,racers  theme=dark   view options
//! ```
//!
//! The keys, their controls and their limits are one table, [`LANDSCAPE`],
//! read by the one link codec of [`crate::link`]. Numbers are written in the
//! shortest form that reads back as the same `f64`, so
//! `decode(encode(c)) == c`. Decoding never fails as a whole: each bad part
//! becomes a [`FieldError`] and keeps the value it would replace; the
//! surface, its parameters and the formula are checked together once the
//! whole link is read.

use crate::expr::ExprSurface;
use crate::link::text::{format_number, parse_number, percent_encode, shorten};
use crate::link::{Field, FieldError, Group, LinkTable, Prop, ViewOptions};
use crate::optim::{self, Optimizer};
use crate::surfaces::{self, Surface};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// At most this many optimizers race at once.
pub const MAX_RACERS: usize = 8;
/// At most this many steps per animation frame.
pub const MAX_SPEED: u32 = 50;
/// A start point must lie within this distance of the origin on each axis.
pub const MAX_START: f64 = 1e6;
/// The formula a switch to a custom surface starts from.
const DEFAULT_FORMULA: &str = "x^2 + y^2";

/// Which landscape the racers run on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Landscape {
    /// A named surface with the parameters the user changed.
    Named {
        name: String,
        params: Vec<(String, f64)>,
    },
    /// A formula f(x, y) typed by the user.
    Custom { expr: String },
}

impl Landscape {
    /// Builds the surface, or says what is wrong with it.
    pub fn build(&self) -> Result<Box<dyn Surface>, String> {
        match self {
            Self::Named { name, params } => {
                surfaces::by_name(name, params).map_err(|e| e.to_string())
            }
            Self::Custom { expr } => ExprSurface::parse(expr)
                .map(|s| Box::new(s) as Box<dyn Surface>)
                .map_err(|e| e.to_string()),
        }
    }

    /// The link key whose text a build error is about.
    fn key(&self) -> &'static str {
        match self {
            Self::Named { params, .. } if !params.is_empty() => "p",
            Self::Named { .. } => "s",
            Self::Custom { .. } => "f",
        }
    }
}

/// One racing optimizer: its name and the hyperparameters set on top of
/// PyTorch's defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RacerConfig {
    pub optimizer: String,
    pub settings: Map<String, Value>,
}

impl RacerConfig {
    /// A racer with the optimizer's defaults and `settings` on top.
    pub fn new(optimizer: &str, settings: Value) -> Self {
        let settings = match settings {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        Self {
            optimizer: optimizer.to_string(),
            settings,
        }
    }

    /// Rewrites each setting with the type the optimizer stores (`1` → `1.0`
    /// for a float key), so a config read back from a link equals the one
    /// written.
    pub fn normalize(&mut self, optimizer: &dyn Optimizer<f64>) {
        let config = optimizer.config();
        for (key, value) in self.settings.iter_mut() {
            if let Some(stored) = config.get(key) {
                *value = stored.clone();
            }
        }
    }

    /// Builds the optimizer; `seed` feeds any optimizer that draws random
    /// numbers (unless the racer sets its own).
    pub fn build(&self, seed: u64) -> Result<Box<dyn Optimizer<f64>>, String> {
        let mut optimizer = optim::registry::default_optimizer::<f64>(&self.optimizer)
            .map_err(|e| e.to_string())?;
        if optimizer.config().get("seed").is_some() && !self.settings.contains_key("seed") {
            let mut patch = Map::new();
            patch.insert("seed".into(), Value::from(seed));
            optimizer
                .set_config(Value::Object(patch))
                .map_err(|e| e.to_string())?;
        }
        optimizer
            .set_config(Value::Object(self.settings.clone()))
            .map_err(|e| e.to_string())?;
        Ok(optimizer)
    }

    /// The racer in its link form: `adam,lr:0.05,amsgrad:true`.
    pub fn encode(&self) -> String {
        let mut text = percent_encode(&self.optimizer);
        for (key, value) in &self.settings {
            text.push_str(&format!(",{}:{}", percent_encode(key), format_value(value)));
        }
        text
    }

    /// A racer from its link form, checked by building it.
    pub fn parse(text: &str, seed: u64) -> Result<Self, String> {
        let mut items = text.split(',');
        let name = items.next().unwrap_or_default();
        let mut settings = Map::new();
        for item in items.filter(|i| !i.is_empty()) {
            let Some((key, value)) = item.split_once(':') else {
                return Err("settings are written key:value, separated by commas".into());
            };
            settings.insert(key.to_string(), parse_value(value)?);
        }
        let mut racer = RacerConfig {
            optimizer: name.to_string(),
            settings,
        };
        let optimizer = racer.build(seed)?;
        racer.normalize(optimizer.as_ref());
        Ok(racer)
    }
}

/// Everything a link holds.
#[derive(Clone, Debug, PartialEq)]
pub struct PlaygroundConfig {
    pub landscape: Landscape,
    /// `None` starts at the surface's default start.
    pub start: Option<[f64; 2]>,
    pub racers: Vec<RacerConfig>,
    /// Steps per animation frame, 1 to [`MAX_SPEED`]. Defaults to `2`.
    pub speed: u32,
    /// Colour the heatmap by log(f − min). Defaults to `true`.
    pub log_color: bool,
    /// Seeds the optimizers that draw noise. Defaults to `0`.
    pub seed: u64,
    /// Draw the second-order Taylor model's contours and the linear model's
    /// steepest-descent direction at the first racer's point (see
    /// [`super::taylor`]). Defaults to `false`.
    pub taylor: bool,
    /// Autoplay, hidden controls and theme.
    pub options: ViewOptions,
}

impl Default for PlaygroundConfig {
    fn default() -> Self {
        Self {
            landscape: Landscape::Named {
                name: "rosenbrock".into(),
                params: Vec::new(),
            },
            start: None,
            racers: vec![
                RacerConfig::new("sgd", json!({"lr": 0.0005})),
                RacerConfig::new("sgd", json!({"lr": 0.0005, "momentum": 0.9})),
                RacerConfig::new("adam", json!({"lr": 0.05})),
            ],
            speed: 2,
            log_color: true,
            seed: 0,
            taylor: false,
            options: ViewOptions::default(),
        }
    }
}

/// Formats a JSON scalar for the link (`true`, `0.9`, `3`).
fn format_value(value: &Value) -> String {
    match value {
        Value::Number(n) if n.is_u64() => n.to_string(),
        Value::Number(n) => format_number(n.as_f64().unwrap_or(0.0)),
        Value::Bool(b) => b.to_string(),
        Value::String(s) => percent_encode(s),
        other => percent_encode(&other.to_string()),
    }
}

fn parse_value(text: &str) -> Result<Value, String> {
    match text {
        "true" => Ok(Value::Bool(true)),
        "false" => Ok(Value::Bool(false)),
        _ => {
            if let Ok(n) = text.parse::<u64>() {
                return Ok(Value::from(n));
            }
            let word = !text.is_empty()
                && text.len() <= 24
                && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            match parse_number(text) {
                Ok(v) => Ok(Value::from(v)),
                // Words such as `l1` (a norm) stay text; the optimizer says
                // whether it takes them.
                Err(_) if word && text.parse::<f64>().is_err() => {
                    Ok(Value::String(text.to_string()))
                }
                Err(message) => Err(message),
            }
        }
    }
}

fn parse_params(text: &str) -> Result<Vec<(String, f64)>, String> {
    let mut params = Vec::new();
    for item in text.split(',').filter(|i| !i.is_empty()) {
        let Some((key, value)) = item.split_once(':') else {
            return Err("parameters are written key:value, separated by commas".into());
        };
        params.push((key.to_string(), parse_number(value)?));
    }
    Ok(params)
}

/// Rejects start points outside ±[`MAX_START`].
pub fn check_start([x, y]: [f64; 2]) -> Result<(), String> {
    if x.is_finite() && y.is_finite() && x.abs() <= MAX_START && y.abs() <= MAX_START {
        Ok(())
    } else {
        Err(format!(
            "the start must be two finite numbers between -{MAX_START:e} and {MAX_START:e}"
        ))
    }
}

/// The surface names a link may give, with their one-line descriptions.
fn surface_options() -> Vec<Value> {
    surfaces::all()
        .iter()
        .map(|s| json!({"value": s.name(), "label": s.description()}))
        .collect()
}

/// The racers as a control: each with its optimizer, label, rule and
/// settings, and every optimizer a racer may pick.
fn racers_control(config: &PlaygroundConfig) -> Value {
    let items: Vec<Value> = config
        .racers
        .iter()
        .filter_map(|racer| {
            let optimizer = racer.build(config.seed).ok()?;
            Some(json!({
                "optimizer": racer.optimizer,
                "settings": optimizer.config(),
                "changed": racer.settings.keys().collect::<Vec<_>>(),
                "rule": optimizer.update_rule(),
            }))
        })
        .collect();
    json!({
        "kind": "racers",
        "item": "Optimizer",
        "max": MAX_RACERS,
        "items": items,
        "optimizers": optimizer_options(),
        "value": config.racers.iter().map(RacerConfig::encode).collect::<Vec<_>>(),
    })
}

/// Every optimizer a racer may use, with its description.
pub fn optimizer_options() -> Vec<Value> {
    optim::OPTIMIZERS
        .iter()
        .map(|entry| json!({"value": entry.name, "label": entry.description}))
        .collect()
}

/// The landscape view's link: keys, controls and limits.
pub static LANDSCAPE: LinkTable<PlaygroundConfig> = LinkTable {
    view: "landscape",
    props: &[
        Prop {
            key: "s",
            label: "Surface",
            help: "A named loss surface; pick one or type a formula below.",
            group: "surface",
            optional: false,
            field: Field::Custom {
                read: |c, name| {
                    if name == "custom" {
                        if !matches!(c.landscape, Landscape::Custom { .. }) {
                            c.landscape = Landscape::Custom {
                                expr: DEFAULT_FORMULA.into(),
                            };
                        }
                        return Ok(());
                    }
                    if !surfaces::all().iter().any(|s| s.name() == name) {
                        let names: Vec<String> = surfaces::all()
                            .iter()
                            .map(|s| s.name().to_string())
                            .collect();
                        return Err(format!(
                            "unknown surface `{}`; allowed: {}, custom",
                            shorten(name),
                            names.join(", ")
                        ));
                    }
                    c.landscape = Landscape::Named {
                        name: name.to_string(),
                        params: Vec::new(),
                    };
                    c.start = None;
                    Ok(())
                },
                write: |c| match &c.landscape {
                    Landscape::Named { name, .. } => Some(percent_encode(name)),
                    Landscape::Custom { .. } => None,
                },
                control: |c| {
                    let value = match &c.landscape {
                        Landscape::Named { name, .. } => name.clone(),
                        Landscape::Custom { .. } => "custom".into(),
                    };
                    let mut options = surface_options();
                    options.push(json!({"value": "custom", "label": "custom: type f(x, y)"}));
                    json!({"kind": "choice", "options": options, "value": value})
                },
                examples: &["rosenbrock", "quadratic", "beale", "saddle", "rastrigin"],
            },
        },
        Prop {
            key: "f",
            label: "Formula f(x, y)",
            help: "+ − * / ^, parentheses, numbers, x, y, pi, e, and sin cos tan exp log sqrt abs tanh sigmoid min max.",
            group: "surface",
            optional: false,
            field: Field::Custom {
                read: |c, text| {
                    c.landscape = Landscape::Custom {
                        expr: text.to_string(),
                    };
                    Ok(())
                },
                write: |c| match &c.landscape {
                    Landscape::Custom { expr } => Some(percent_encode(expr)),
                    Landscape::Named { .. } => None,
                },
                control: |c| {
                    let expr = match &c.landscape {
                        Landscape::Custom { expr } => Some(expr.as_str()),
                        Landscape::Named { .. } => None,
                    };
                    json!({"kind": "formula", "value": expr.unwrap_or(""), "shown": expr.is_some(), "max_len": 4096})
                },
                examples: &[
                    "x^2 + y^2",
                    "sin(x)*cos(y) + (x^2 + y^2)/10",
                    "-x^2^2 + abs(y)",
                ],
            },
        },
        Prop {
            key: "p",
            label: "Surface parameters",
            help: "The named surface's own parameters, written key:value and separated by commas; a link or an edit changes only the ones it names.",
            group: "surface",
            optional: false,
            field: Field::Custom {
                read: |c, text| {
                    let parsed = parse_params(text)?;
                    match &mut c.landscape {
                        Landscape::Named { params, .. } => {
                            for (key, value) in parsed {
                                params.retain(|(k, _)| *k != key);
                                params.push((key, value));
                            }
                            Ok(())
                        }
                        Landscape::Custom { .. } => {
                            Err("a custom formula has no parameters".into())
                        }
                    }
                },
                write: |c| match &c.landscape {
                    Landscape::Named { params, .. } if !params.is_empty() => Some(
                        params
                            .iter()
                            .map(|(k, v)| format!("{}:{}", percent_encode(k), format_number(*v)))
                            .collect::<Vec<_>>()
                            .join(","),
                    ),
                    _ => None,
                },
                control: |c| {
                    let params: Vec<Value> = c
                        .landscape
                        .build()
                        .map(|s| s.parameters())
                        .unwrap_or_default()
                        .into_iter()
                        .map(|(key, value)| json!({"key": key, "value": format_number(value)}))
                        .collect();
                    json!({"kind": "params", "params": params, "shown": !params.is_empty()})
                },
                examples: &[],
            },
        },
        Prop {
            key: "start",
            label: "Start (x, y)",
            help: "Where every path starts; click or drag on the landscape to move it.",
            group: "start",
            optional: false,
            field: Field::Custom {
                read: |c, text| {
                    let point = crate::link::text::parse_pair(text)?;
                    check_start(point)?;
                    c.start = Some(point);
                    Ok(())
                },
                write: |c| c.start.map(crate::link::text::format_pair),
                control: |c| {
                    let start = c
                        .start
                        .or_else(|| c.landscape.build().ok().map(|s| s.default_start()));
                    json!({"kind": "pair", "limit": MAX_START, "value": start.map(crate::link::text::format_pair)})
                },
                examples: &["-1.5,2", "0,0", "3,-0.5"],
            },
        },
        Prop {
            key: "o",
            label: "Optimizers",
            help: "Each racing optimizer with the hyperparameters it changes from PyTorch's defaults.",
            group: "racers",
            optional: false,
            field: Field::List {
                max: MAX_RACERS,
                read: |c, texts| {
                    let mut racers = Vec::new();
                    let mut errors = Vec::new();
                    for (index, text) in texts.iter().enumerate() {
                        match RacerConfig::parse(text, c.seed) {
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
                write: |c| c.racers.iter().map(RacerConfig::encode).collect(),
                control: racers_control,
                examples: &[
                    "adam,lr:0.05",
                    "sgd,lr:0.001,momentum:0.9",
                    "rmsprop",
                    "newton,damping:0.5",
                    "adam,lr:0.1,amsgrad:true",
                ],
            },
        },
        Prop {
            key: "speed",
            label: "Steps per frame",
            help: "How many steps every optimizer takes per animation frame.",
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
            key: "log",
            label: "Log colour scale",
            help: "Colour the heatmap by the logarithm of the loss above its minimum.",
            group: "display",
            optional: false,
            field: Field::Flag {
                get: |c| c.log_color,
                set: |c, v| c.log_color = v,
            },
        },
        Prop {
            key: "seed",
            label: "Seed",
            help: "Seeds the optimizers that draw noise.",
            group: "display",
            optional: false,
            field: Field::Seed {
                get: |c| c.seed,
                set: |c, v| c.seed = v,
            },
        },
        Prop {
            key: "taylor",
            label: "Taylor model",
            help: "At the first racer's point: the contours of the second-order model f + gᵀΔ + ½ΔᵀHΔ and the linear model's steepest-descent direction (in the norm of the first steepest racer, else l2).",
            group: "display",
            optional: true,
            field: Field::Flag {
                get: |c| c.taylor,
                set: |c, v| c.taylor = v,
            },
        },
    ],
    groups: &[
        Group {
            name: "surface",
            label: "Surface",
        },
        Group {
            name: "start",
            label: "Start",
        },
        Group {
            name: "racers",
            label: "Optimizers",
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
            name: "losses",
            label: "Loss curves",
        },
        Group {
            name: "hessian",
            label: "Hessian panel",
        },
        Group {
            name: "legend",
            label: "Legend",
        },
        Group {
            name: "readout",
            label: "Pointer readout",
        },
        Group {
            name: "export",
            label: "Export",
        },
    ],
    minimal: &["speed"],
    max_len: 16_384,
    check: |config, base, errors| {
        if let Err(message) = config.landscape.build() {
            errors.push(FieldError::new(config.landscape.key(), message));
            config.landscape = base.landscape.clone();
            if config.start.is_none() {
                config.start = base.start;
            }
        }
    },
    options: |c| &c.options,
    options_mut: |c| &mut c.options,
};

impl PlaygroundConfig {
    /// The config as a link (without the leading `#`).
    pub fn encode(&self) -> String {
        LANDSCAPE.encode(self)
    }

    /// Reads a link (with or without `#`) on top of `base`. Every part that
    /// is wrong is reported and leaves `base`'s value in place.
    pub fn decode(link: &str, base: &PlaygroundConfig) -> (PlaygroundConfig, Vec<FieldError>) {
        LANDSCAPE.decode(link, base)
    }
}
