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
//! Every field is always written, numbers in the shortest form that reads
//! back as the same `f64`, so `decode(encode(c)) == c`. Decoding never fails
//! as a whole: each bad part becomes a [`FieldError`] and keeps the value it
//! would have replaced. Settings that constrain each other are checked after
//! all parts are read: a batch larger than the dataset, or class-balanced
//! sampling for the linear model (whose examples have no classes), is
//! reported and the previous setting kept (or, if that one no longer fits
//! either, the largest batch / the `shuffle` order).

use super::{EmpiricalRisk, LinearRegression, LogisticRegression2};
use crate::data::MAX_SAMPLES;
use crate::data::regression::{CurveConfig, LogisticConfig, MAX_COEFFICIENT, MAX_TARGET_NOISE};
use crate::data::sampler::{SamplerConfig, SamplingOrder};
use crate::playground::config::{format_number, parse_number};
use crate::playground::{FieldError, MAX_SPEED};
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
/// A link longer than this is refused, so a pasted link cannot stall the page.
pub const MAX_HASH_LEN: usize = 4096;
/// The controls an embed may hide.
pub const HIDEABLE: &[&str] = &[
    "controls", "model", "data", "batch", "order", "lr", "start", "speed", "overlay", "noise",
    "legend", "export",
];

/// The names of the models, as the URL and the CLI write them.
pub const MODEL_NAMES: &[&str] = &["linear", "logistic"];

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

    /// Looks a model up by name.
    pub fn from_name(name: &str) -> Result<Self, String> {
        match name {
            "linear" => Ok(Self::Linear),
            "logistic" => Ok(Self::Logistic),
            _ => Err(format!(
                "unknown model `{}`; allowed: {}",
                shorten(name),
                MODEL_NAMES.join(", ")
            )),
        }
    }
}

impl fmt::Display for ModelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Everything the view's link holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
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
    /// Start playing on load (embeds). Defaults to `false`.
    pub autoplay: bool,
    /// Controls an embed hides, from [`HIDEABLE`]. Defaults to none.
    pub hide: Vec<String>,
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
            autoplay: false,
            hide: Vec::new(),
        }
    }
}

/// Text from a link, cut short for a message.
fn shorten(text: &str) -> String {
    let mut shown: String = text.chars().take(24).collect();
    if shown.len() < text.len() {
        shown.push('…');
    }
    shown
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

fn check_real(what: &str, value: f64, low: f64, high: f64) -> Result<(), String> {
    if (low..=high).contains(&value) {
        Ok(())
    } else {
        Err(format!(
            "{what} must be a number from {} to {}, got {}",
            format_number(low),
            format_number(high),
            format_number(value)
        ))
    }
}

fn check_pair(what: &str, pair: [f64; 2], limit: f64) -> Result<(), String> {
    if pair.iter().all(|v| (-limit..=limit).contains(v)) {
        Ok(())
    } else {
        Err(format!(
            "both coordinates of the {what} must be numbers from -{} to {}, got {},{}",
            format_number(limit),
            format_number(limit),
            format_number(pair[0]),
            format_number(pair[1])
        ))
    }
}

fn check_momentum(value: f64) -> Result<(), String> {
    if (0.0..1.0).contains(&value) {
        Ok(())
    } else {
        Err(format!(
            "momentum must be a number from 0 up to but not including 1, got {}",
            format_number(value)
        ))
    }
}

fn check_hidden(name: &str) -> Result<(), String> {
    if HIDEABLE.contains(&name) {
        Ok(())
    } else {
        Err(format!(
            "cannot hide `{}`; allowed: {}",
            shorten(name),
            HIDEABLE.join(", ")
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

fn check_order(order: SamplingOrder, model: ModelKind) -> Result<(), String> {
    if order == SamplingOrder::ClassBalanced && model == ModelKind::Linear {
        Err(
            "class_balanced sampling needs class labels, which only the logistic model has; \
             allowed for linear: sequential, shuffle, replacement"
                .into(),
        )
    } else {
        Ok(())
    }
}

impl StochasticConfig {
    /// Checks every setting; the error names the link key at fault.
    pub fn validate(&self) -> Result<(), FieldError> {
        let field = |key: &'static str| move |message| FieldError::new(key, message);
        check_count("samples", self.samples, MIN_SAMPLES, MAX_SAMPLES).map_err(field("n"))?;
        check_real("noise", self.noise, 0.0, MAX_TARGET_NOISE).map_err(field("noise"))?;
        check_pair("truth", self.truth, MAX_COEFFICIENT).map_err(field("truth"))?;
        check_batch(self.batch_size, self.samples).map_err(field("b"))?;
        check_order(self.order, self.model).map_err(field("order"))?;
        check_real("the learning rate", self.lr, 0.0, MAX_LR).map_err(field("lr"))?;
        check_momentum(self.momentum).map_err(field("mom"))?;
        check_pair("start", self.start, MAX_START).map_err(field("start"))?;
        check_count("k", self.noise_batches, 1, MAX_NOISE_BATCHES).map_err(field("k"))?;
        check_count("speed", self.speed as usize, 1, MAX_SPEED as usize).map_err(field("speed"))?;
        self.hide
            .iter()
            .try_for_each(|name| check_hidden(name))
            .map_err(field("hide"))
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

    /// The config as a URL hash (without the leading `#`).
    pub fn encode(&self) -> String {
        let pair = |[a, b]: [f64; 2]| format!("{},{}", format_number(a), format_number(b));
        let mut parts = vec![
            format!("m={}", self.model.name()),
            format!("n={}", self.samples),
            format!("noise={}", format_number(self.noise)),
            format!("truth={}", pair(self.truth)),
            format!("seed={}", self.seed),
            format!("b={}", self.batch_size),
            format!("order={}", self.order.name()),
            format!("drop={}", u8::from(self.drop_last)),
            format!("lr={}", format_number(self.lr)),
            format!("mom={}", format_number(self.momentum)),
            format!("start={}", pair(self.start)),
            format!("k={}", self.noise_batches),
            format!("speed={}", self.speed),
            format!("overlay={}", u8::from(self.overlay)),
        ];
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
    pub fn decode(hash: &str, base: &StochasticConfig) -> (StochasticConfig, Vec<FieldError>) {
        let mut config = base.clone();
        let mut errors = Vec::new();
        let hash = hash.strip_prefix('#').unwrap_or(hash);
        if hash.len() > MAX_HASH_LEN {
            errors.push(FieldError::new(
                "link",
                format!(
                    "the link is too long ({} characters; at most {MAX_HASH_LEN}); using the current state",
                    hash.len()
                ),
            ));
            return (config, errors);
        }
        for part in hash.split('&').filter(|p| !p.trim().is_empty()) {
            let (key, value) = part.split_once('=').unwrap_or((part, ""));
            if let Err(message) = config.apply(key, value) {
                let field = if KEYS.contains(&key) {
                    key.to_string()
                } else {
                    "link".to_string()
                };
                errors.push(FieldError::new(field, message));
            }
        }
        config.reconcile(base, &mut errors);
        (config, errors)
    }

    /// Sets the field behind link key `key` from its text, checking what
    /// can be checked on its own.
    fn apply(&mut self, key: &str, text: &str) -> Result<(), String> {
        match key {
            "m" => self.model = ModelKind::from_name(text)?,
            "n" => {
                let n = parse_count(text)?;
                check_count("samples", n, MIN_SAMPLES, MAX_SAMPLES)?;
                self.samples = n;
            }
            "noise" => {
                let noise = parse_number(text)?;
                check_real("noise", noise, 0.0, MAX_TARGET_NOISE)?;
                self.noise = noise;
            }
            "truth" => {
                let truth = parse_pair(text)?;
                check_pair("truth", truth, MAX_COEFFICIENT)?;
                self.truth = truth;
            }
            "seed" => {
                self.seed = text.parse::<u64>().map_err(|_| {
                    format!(
                        "the seed must be a whole number from 0 to {}, got `{}`",
                        u64::MAX,
                        shorten(text)
                    )
                })?
            }
            "b" => {
                let b = parse_count(text)?;
                check_count("the batch size", b, 1, MAX_SAMPLES)?;
                self.batch_size = b;
            }
            "order" => {
                self.order = SamplingOrder::from_name(text).map_err(|_| {
                    format!(
                        "unknown sampling order `{}`; allowed: {}",
                        shorten(text),
                        crate::data::sampler::SAMPLING_ORDER_NAMES.join(", ")
                    )
                })?
            }
            "drop" => self.drop_last = parse_flag("drop", text)?,
            "lr" => {
                let lr = parse_number(text)?;
                check_real("the learning rate", lr, 0.0, MAX_LR)?;
                self.lr = lr;
            }
            "mom" => {
                let momentum = parse_number(text)?;
                check_momentum(momentum)?;
                self.momentum = momentum;
            }
            "start" => {
                let start = parse_pair(text)?;
                check_pair("start", start, MAX_START)?;
                self.start = start;
            }
            "k" => {
                let k = parse_count(text)?;
                check_count("k", k, 1, MAX_NOISE_BATCHES)?;
                self.noise_batches = k;
            }
            "speed" => {
                let speed = parse_count(text)?;
                check_count("speed", speed, 1, MAX_SPEED as usize)?;
                self.speed = speed as u32;
            }
            "overlay" => self.overlay = parse_flag("overlay", text)?,
            "autoplay" => self.autoplay = parse_flag("autoplay", text)?,
            "hide" => {
                let names: Vec<String> = text
                    .split(',')
                    .filter(|n| !n.is_empty())
                    .map(str::to_string)
                    .collect();
                names.iter().try_for_each(|n| check_hidden(n))?;
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

    /// Checks the settings that depend on each other; each one that no
    /// longer fits is reported and reverted to `base`'s (or to a value that
    /// fits, when `base`'s does not either).
    fn reconcile(&mut self, base: &StochasticConfig, errors: &mut Vec<FieldError>) {
        if let Err(message) = check_batch(self.batch_size, self.samples) {
            errors.push(FieldError::new("b", message));
            self.batch_size = base.batch_size.min(self.samples);
        }
        if let Err(message) = check_order(self.order, self.model) {
            errors.push(FieldError::new("order", message));
            self.order = if check_order(base.order, self.model).is_ok() {
                base.order
            } else {
                SamplingOrder::Shuffle
            };
        }
    }
}

/// Every key a link may hold, in the order [`StochasticConfig::encode`]
/// writes them.
pub const KEYS: &[&str] = &[
    "m", "n", "noise", "truth", "seed", "b", "order", "drop", "lr", "mom", "start", "k", "speed",
    "overlay", "autoplay", "hide",
];

fn parse_count(text: &str) -> Result<usize, String> {
    text.trim()
        .parse::<usize>()
        .map_err(|_| format!("`{}` is not a whole number", shorten(text)))
}

fn parse_pair(text: &str) -> Result<[f64; 2], String> {
    let Some((a, b)) = text.split_once(',') else {
        return Err(format!(
            "`{}` is not a pair; write two numbers as a,b",
            shorten(text)
        ));
    };
    Ok([parse_number(a)?, parse_number(b)?])
}

fn parse_flag(what: &str, text: &str) -> Result<bool, String> {
    match text {
        "1" | "true" => Ok(true),
        "0" | "false" => Ok(false),
        _ => Err(format!("{what} must be 0 or 1, got `{}`", shorten(text))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(hash: &str) -> (StochasticConfig, Vec<FieldError>) {
        StochasticConfig::decode(hash, &StochasticConfig::default())
    }

    fn messages(errors: &[FieldError]) -> Vec<String> {
        errors.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn default_hash_is_readable() {
        assert_eq!(
            StochasticConfig::default().encode(),
            "m=linear&n=100&noise=0.5&truth=2,-1&seed=0&b=10&order=shuffle&drop=0&lr=0.3\
             &mom=0&start=-1,2&k=500&speed=1&overlay=1"
        );
    }

    #[test]
    fn hash_round_trip_is_lossless() {
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
            autoplay: true,
            hide: vec!["lr".into(), "noise".into()],
        };
        let (decoded, errors) = StochasticConfig::decode(
            &format!("#{}", config.encode()),
            &StochasticConfig::default(),
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(decoded, config);
        assert_eq!(decoded.start[0].to_bits(), (-0.0_f64).to_bits());
        // Every order and model round-trips as well.
        for order in [
            SamplingOrder::Sequential,
            SamplingOrder::Shuffle,
            SamplingOrder::WithReplacement,
        ] {
            let config = StochasticConfig {
                order,
                ..StochasticConfig::default()
            };
            assert_eq!(decode(&config.encode()).0, config);
        }
    }

    #[test]
    fn json_round_trip_rejects_unknown_fields() {
        let config = StochasticConfig {
            model: ModelKind::Logistic,
            order: SamplingOrder::WithReplacement,
            ..StochasticConfig::default()
        };
        let json = serde_json::to_string(&config).unwrap();
        assert!(json.contains("\"model\":\"logistic\""), "{json}");
        assert!(json.contains("\"order\":\"replacement\""), "{json}");
        assert_eq!(
            serde_json::from_str::<StochasticConfig>(&json).unwrap(),
            config
        );
        let partial: StochasticConfig = serde_json::from_str(r#"{"batch_size": 4}"#).unwrap();
        assert_eq!(partial.batch_size, 4);
        assert_eq!(partial.samples, 100);
        let err = serde_json::from_str::<StochasticConfig>(r#"{"batch": 4}"#).unwrap_err();
        assert!(err.to_string().contains("unknown field `batch`"), "{err}");
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
                "lr: `fast` is not a finite number",
                "start: `nan` is not a finite number",
                "m: unknown model `quadratic`; allowed: linear, logistic",
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
                "n: samples must be a whole number from 2 to 10000, got 20000",
                "k: k must be a whole number from 1 to 2000, got 2001",
                "b: the batch size must be a whole number from 1 to 10000, got 0",
                "speed: speed must be a whole number from 1 to 50, got 51",
                "mom: momentum must be a number from 0 up to but not including 1, got 1",
                "lr: the learning rate must be a number from 0 to 100, got -1",
                "noise: noise must be a number from 0 to 100, got 101",
            ]
        );
        let (_, errors) = decode("truth=5000,0&start=0,1e9");
        assert_eq!(
            messages(&errors),
            [
                "truth: both coordinates of the truth must be numbers from -1000 to 1000, got 5000,0",
                "start: both coordinates of the start must be numbers from -1000 to 1000, got 0,1000000000",
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
        assert_eq!(errors.len(), 1);
        // Class-balanced sampling needs the logistic model's labels.
        let (config, errors) = decode("order=class_balanced");
        assert_eq!(config.order, SamplingOrder::Shuffle);
        assert!(
            errors[0]
                .message
                .starts_with("class_balanced sampling needs class labels")
        );
        let (config, errors) = decode("m=logistic&order=class_balanced");
        assert!(errors.is_empty());
        assert_eq!(config.order, SamplingOrder::ClassBalanced);
        assert!(config.validate().is_ok());
        assert!(config.build_model().unwrap().class_labels().is_some());
    }

    #[test]
    fn hostile_links_are_reported_not_panicked_on() {
        let long = "a".repeat(MAX_HASH_LEN + 1);
        for hash in [
            "",
            "#",
            "&&&",
            "=",
            "==&=1",
            "m",
            "n=",
            "n=-5",
            "n=1e3",
            "seed=18446744073709551616",
            "start=1",
            "start=,",
            "truth=1,2,3",
            "hide=<script>alert(1)</script>",
            "order=%00",
            "speed=4294967296",
            "b=99999999999999999999999",
            "m=linéaire&noise=∞",
            long.as_str(),
        ] {
            let (config, errors) = decode(hash);
            assert!(config.validate().is_ok(), "{hash}: {config:?}");
            for error in &errors {
                assert!(!error.message.is_empty(), "{hash}");
                assert!(error.message.len() < 300, "{hash}: {}", error.message);
            }
        }
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
            "lr: the learning rate must be a number from 0 to 100, got NaN"
        );
        assert!(bad.build_model().is_err());
    }
}
