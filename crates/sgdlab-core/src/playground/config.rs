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
//! autoplay=1  hide=speed,racers   embed options
//! ```
//!
//! Numbers are written in the shortest form that reads back as the same
//! `f64`, so `decode(encode(c)) == c`. Decoding never fails as a whole: each
//! bad part becomes a [`FieldError`] and keeps the value it would replace.

use crate::expr::ExprSurface;
use crate::optim::{self, Optimizer};
use crate::surfaces::{self, Surface};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// At most this many optimizers race at once.
pub const MAX_RACERS: usize = 8;
/// At most this many steps per animation frame.
pub const MAX_SPEED: u32 = 50;
/// A link longer than this is refused, so a pasted link cannot stall the page.
pub const MAX_HASH_LEN: usize = 16_384;
/// A start point must lie within this distance of the origin on each axis.
pub const MAX_START: f64 = 1e6;

/// The controls an embed may hide.
pub const HIDEABLE: &[&str] = &[
    "controls", "surface", "racers", "speed", "start", "losses", "hessian", "legend", "readout",
    "export",
];

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
}

/// Everything a link holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaygroundConfig {
    pub landscape: Landscape,
    /// `None` starts at the surface's default start.
    pub start: Option<[f64; 2]>,
    pub racers: Vec<RacerConfig>,
    pub speed: u32,
    pub log_color: bool,
    pub seed: u64,
    pub autoplay: bool,
    pub hide: Vec<String>,
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
                RacerConfig::new("sgd", serde_json::json!({"lr": 0.0005})),
                RacerConfig::new("sgd", serde_json::json!({"lr": 0.0005, "momentum": 0.9})),
                RacerConfig::new("adam", serde_json::json!({"lr": 0.05})),
            ],
            speed: 2,
            log_color: true,
            seed: 0,
            autoplay: false,
            hide: Vec::new(),
        }
    }
}

/// A part of a link or a control value that could not be used.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldError {
    /// Which control or link part: "surface", "expr", "racer 2", "start", …
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// The shortest text that parses back to the same `f64`.
pub fn format_number(value: f64) -> String {
    let text = format!("{value:?}");
    text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
}

/// A finite number from text, or a message that says what was expected.
pub fn parse_number(text: &str) -> Result<f64, String> {
    let shown: String = text.chars().take(40).collect();
    match text.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!("`{shown}` is not a finite number")),
    }
}

const UNRESERVED: &[u8] = b"-._~";

fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || UNRESERVED.contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn percent_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok());
                let byte = hex.and_then(|h| u8::from_str_radix(h, 16).ok());
                let Some(byte) = byte else {
                    return Err(format!("bad percent escape at character {}", i + 1));
                };
                out.push(byte);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| "the text is not valid UTF-8".to_string())
}

/// Formats a JSON scalar for the hash (`true`, `0.9`, `3`).
fn format_value(value: &Value) -> String {
    match value {
        Value::Number(n) if n.is_u64() => n.to_string(),
        Value::Number(n) => format_number(n.as_f64().unwrap_or(0.0)),
        Value::Bool(b) => b.to_string(),
        Value::String(name) => percent_encode(name),
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
            // A name, such as steepest descent's `norm:l1`; the optimizer
            // rejects it if the key holds a number.
            let is_name = text.starts_with(|c: char| c.is_ascii_alphabetic())
                && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if is_name {
                return Ok(Value::String(text.to_string()));
            }
            parse_number(text).map(Value::from)
        }
    }
}

impl PlaygroundConfig {
    /// The config as a URL hash (without the leading `#`).
    pub fn encode(&self) -> String {
        let mut parts = Vec::new();
        match &self.landscape {
            Landscape::Named { name, params } => {
                parts.push(format!("s={}", percent_encode(name)));
                if !params.is_empty() {
                    let list: Vec<String> = params
                        .iter()
                        .map(|(k, v)| format!("{}:{}", percent_encode(k), format_number(*v)))
                        .collect();
                    parts.push(format!("p={}", list.join(",")));
                }
            }
            Landscape::Custom { expr } => parts.push(format!("f={}", percent_encode(expr))),
        }
        if let Some([x, y]) = self.start {
            parts.push(format!("start={},{}", format_number(x), format_number(y)));
        }
        for racer in &self.racers {
            let mut text = percent_encode(&racer.optimizer);
            for (key, value) in &racer.settings {
                text.push_str(&format!(",{}:{}", percent_encode(key), format_value(value)));
            }
            parts.push(format!("o={text}"));
        }
        parts.push(format!("speed={}", self.speed));
        parts.push(format!("log={}", u8::from(self.log_color)));
        parts.push(format!("seed={}", self.seed));
        if self.autoplay {
            parts.push("autoplay=1".into());
        }
        if !self.hide.is_empty() {
            parts.push(format!("hide={}", self.hide.join(",")));
        }
        parts.join("&")
    }

    /// Reads a hash (with or without `#`) on top of `base`. Every part that
    /// is wrong is reported and leaves `base`'s value in place.
    pub fn decode(hash: &str, base: &PlaygroundConfig) -> (PlaygroundConfig, Vec<FieldError>) {
        let mut config = base.clone();
        let mut errors = Vec::new();
        let hash = hash.strip_prefix('#').unwrap_or(hash);
        if hash.trim().is_empty() {
            return (config, errors);
        }
        if hash.len() > MAX_HASH_LEN {
            errors.push(FieldError::new(
                "link",
                format!("the link is too long ({} characters; at most {MAX_HASH_LEN}); using the current state", hash.len()),
            ));
            return (config, errors);
        }
        let mut racers = Vec::new();
        let mut racer_parts = 0;
        let mut surface_params: Option<Vec<(String, f64)>> = None;
        let mut landscape: Option<Landscape> = None;
        for part in hash.split('&').filter(|p| !p.is_empty()) {
            let (key, raw) = part.split_once('=').unwrap_or((part, ""));
            let key_shown: String = key.chars().take(24).collect();
            let value = match percent_decode(raw) {
                Ok(v) => v,
                Err(message) => {
                    errors.push(FieldError::new(key_shown, message));
                    continue;
                }
            };
            match key {
                "s" => {
                    landscape = Some(Landscape::Named {
                        name: value,
                        params: Vec::new(),
                    })
                }
                "f" => landscape = Some(Landscape::Custom { expr: value }),
                "p" => match parse_params(&value) {
                    Ok(params) => surface_params = Some(params),
                    Err(message) => errors.push(FieldError::new("surface parameters", message)),
                },
                "start" => match parse_point(&value) {
                    Ok(point) => config.start = Some(point),
                    Err(message) => errors.push(FieldError::new("start", message)),
                },
                "o" => {
                    racer_parts += 1;
                    if racer_parts > MAX_RACERS {
                        if racer_parts == MAX_RACERS + 1 {
                            errors.push(FieldError::new("racers", format!("at most {MAX_RACERS} optimizers can race; the rest were left out")));
                        }
                        continue;
                    }
                    match parse_racer(&value, config.seed) {
                        Ok(racer) => racers.push(racer),
                        Err(message) => {
                            errors.push(FieldError::new(format!("racer {racer_parts}"), message))
                        }
                    }
                }
                "speed" => match value.parse::<u32>() {
                    Ok(speed) if (1..=MAX_SPEED).contains(&speed) => config.speed = speed,
                    _ => errors.push(FieldError::new(
                        "speed",
                        format!("speed must be a whole number from 1 to {MAX_SPEED}"),
                    )),
                },
                "log" => match value.as_str() {
                    "1" | "true" => config.log_color = true,
                    "0" | "false" => config.log_color = false,
                    _ => errors.push(FieldError::new("log", "log must be 0 or 1")),
                },
                "seed" => match value.parse::<u64>() {
                    Ok(seed) => config.seed = seed,
                    Err(_) => errors.push(FieldError::new(
                        "seed",
                        "the seed must be a whole number from 0 to 18446744073709551615",
                    )),
                },
                "autoplay" => config.autoplay = matches!(value.as_str(), "1" | "true"),
                "hide" => {
                    let mut hide = Vec::new();
                    for name in value.split(',').filter(|n| !n.is_empty()) {
                        if HIDEABLE.contains(&name) {
                            hide.push(name.to_string());
                        } else {
                            let shown: String = name.chars().take(24).collect();
                            errors.push(FieldError::new(
                                "hide",
                                format!("cannot hide `{shown}`; allowed: {}", HIDEABLE.join(", ")),
                            ));
                        }
                    }
                    config.hide = hide;
                }
                _ => errors.push(FieldError::new(
                    "link",
                    format!("unknown setting `{key_shown}`"),
                )),
            }
        }
        // The landscape and its parameters are checked together.
        let mut candidate = landscape.unwrap_or_else(|| config.landscape.clone());
        if let Some(params) = surface_params {
            match &mut candidate {
                Landscape::Named { params: slot, .. } => *slot = params,
                Landscape::Custom { .. } => errors.push(FieldError::new(
                    "surface parameters",
                    "a custom formula has no parameters",
                )),
            }
        }
        match candidate.build() {
            Ok(_) => config.landscape = candidate,
            Err(message) => {
                let field = if matches!(candidate, Landscape::Custom { .. }) {
                    "expr"
                } else {
                    "surface"
                };
                errors.push(FieldError::new(field, message));
            }
        }
        if !racers.is_empty() {
            config.racers = racers;
        }
        (config, errors)
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

fn parse_point(text: &str) -> Result<[f64; 2], String> {
    let Some((x, y)) = text.split_once(',') else {
        return Err("the start is written x,y".into());
    };
    let point = [parse_number(x)?, parse_number(y)?];
    check_start(point)?;
    Ok(point)
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

fn parse_racer(text: &str, seed: u64) -> Result<RacerConfig, String> {
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
