//! `sgdlab train`: an MLP trained on a 2-D classification set, with its
//! loss and accuracy curves as CSV or JSON, and optionally a PNG or SVG plot
//! of the curves and the decision boundary.
//!
//! `--format csv` prints `epoch,step,train_loss,test_loss,train_acc,test_acc`,
//! one row per epoch from epoch 0 (before any training); an empty test set
//! leaves the test columns empty. A run that diverges stops after its last
//! finished epoch and says so on stderr.

mod gpu;
mod plot;

use crate::CliError;
use crate::args::{Format, parse_finite, split_pair};
use clap::{Args, ValueEnum};
use serde::Serialize;
use serde_json::{Map, Value, json};
use sgdlab_core::data::DatasetKind;
use sgdlab_core::data::sampler::SamplingOrder;
use sgdlab_core::optim::{self, set_hyperparameter};
use sgdlab_core::schedule::{LinearWarmup, ScheduleConfig};
use sgdlab_core::train::{Activation, Metrics, OptimizerChoice, TrainConfig, Trainer};
use std::io::{BufWriter, Write};
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct TrainArgs {
    /// The dataset (see `sgdlab list datasets`). Required.
    #[arg(long, value_name = "NAME")]
    dataset: Option<String>,
    /// Examples, train and test together [default: 400].
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    samples: Option<String>,
    /// Standard deviation of the noise added to each point [default: 0.05].
    #[arg(long, value_name = "F", allow_hyphen_values = true)]
    noise: Option<String>,
    /// Share of the examples held out for testing, in [0, 1) [default: 0.2].
    #[arg(long = "test-fraction", value_name = "F", allow_hyphen_values = true)]
    test_fraction: Option<String>,
    /// Hidden layer widths, e.g. `64,64`; `none` for a linear model [default: 64,64].
    #[arg(long, value_name = "W1,W2,...", allow_hyphen_values = true)]
    hidden: Option<String>,
    /// relu, tanh or sigmoid [default: relu].
    #[arg(long, value_name = "NAME")]
    activation: Option<String>,
    /// The optimizer (see `sgdlab list optimizers`; all but newton). Required.
    #[arg(long, value_name = "NAME")]
    optimizer: Option<String>,
    /// The learning rate [default: the optimizer's PyTorch default].
    #[arg(long, value_name = "F", allow_hyphen_values = true)]
    lr: Option<String>,
    /// A hyperparameter with its PyTorch name, e.g. `--set momentum=0.9`.
    #[arg(long = "set", value_name = "K=V", allow_hyphen_values = true)]
    set: Vec<String>,
    /// Shortcut for `--set weight_decay=F`.
    #[arg(long = "weight-decay", value_name = "F", allow_hyphen_values = true)]
    weight_decay: Option<String>,
    /// The learning-rate schedule by epoch: JSON such as
    /// `{"kind":"step","step_size":30}`, or `KIND[:key=value,...]` such as
    /// `cosine_annealing:T_max=50` (lists separated by `;`) [default: constant].
    #[arg(long, value_name = "SCHEDULE", allow_hyphen_values = true)]
    schedule: Option<String>,
    /// Linear warm-up over the first N epochs, from a third of the rate
    /// (`LinearLR`'s default), on top of the schedule.
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    warmup: Option<String>,
    /// Examples per minibatch [default: 32].
    #[arg(long = "batch-size", value_name = "B", allow_hyphen_values = true)]
    batch_size: Option<String>,
    /// Passes over the training set [default: 100].
    #[arg(long, value_name = "E", allow_hyphen_values = true)]
    epochs: Option<String>,
    /// Seeds the data, the split, the initial weights and every shuffle [default: 0].
    #[arg(long, value_name = "S", allow_hyphen_values = true)]
    seed: Option<String>,
    /// shuffle, sequential, replacement or class_balanced [default: shuffle].
    #[arg(long, value_name = "ORDER")]
    sampling: Option<String>,
    /// Where the training runs.
    #[arg(long, value_enum, default_value_t = Backend::Cpu)]
    backend: Backend,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
    /// Also draw the curves and the decision boundary to FILE.png or FILE.svg.
    #[arg(long, value_name = "FILE")]
    plot: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, ValueEnum)]
enum Backend {
    Cpu,
    Gpu,
}

/// The metrics after one epoch (epoch 0: before training).
#[derive(Clone, Debug, Serialize)]
pub struct CurvePoint {
    pub epoch: usize,
    pub step: u64,
    #[serde(flatten)]
    pub metrics: Metrics,
}

pub fn run(args: &TrainArgs) -> Result<(), CliError> {
    let plot_format = args.plot.as_deref().map(plot::PlotFormat::of).transpose()?;
    let config = build_config(args)?;
    let (mut trainer, curve, optimizer_config, diverged, backend) = match args.backend {
        Backend::Cpu => {
            let (trainer, curve) = train_on_cpu(&config)?;
            let optimizer_config = trainer.optimizer().config();
            let diverged = trainer.diverged().map(ToString::to_string);
            (
                trainer,
                curve,
                optimizer_config,
                diverged,
                "cpu".to_string(),
            )
        }
        Backend::Gpu => {
            let run = gpu::train(&config)?;
            (
                run.trainer,
                run.curve,
                run.optimizer_config,
                run.diverged,
                format!("gpu ({})", run.adapter),
            )
        }
    };

    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match args.format {
        Format::Csv => {
            writeln!(out, "epoch,step,train_loss,test_loss,train_acc,test_acc")?;
            for p in &curve {
                let m = &p.metrics;
                writeln!(
                    out,
                    "{},{},{:?},{},{:?},{}",
                    p.epoch,
                    p.step,
                    m.train_loss,
                    optional(m.test_loss),
                    m.train_acc,
                    optional(m.test_acc)
                )?;
            }
        }
        Format::Json => {
            let document = json!({
                "config": config,
                "backend": backend,
                "optimizer_config": optimizer_config,
                "parameters": trainer.params().len(),
                "curve": curve,
                "layer_norms": trainer.layer_norms(),
                "switch_step": trainer.optimizer().switch_step(),
                "diverged": diverged,
            });
            serde_json::to_writer_pretty(&mut out, &document)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    if let (Some(path), Some(format)) = (&args.plot, plot_format) {
        plot::draw(path, format, &mut trainer, &curve)?;
    }
    if let Some(diverged) = diverged {
        eprintln!("sgdlab: {diverged}");
    }
    Ok(())
}

/// Trains on the CPU; the curve has one point per finished epoch, from the
/// initial weights (epoch 0) on.
fn train_on_cpu(config: &TrainConfig) -> Result<(Trainer, Vec<CurvePoint>), CliError> {
    let mut trainer = Trainer::new(config)?;
    let mut curve = vec![CurvePoint {
        epoch: 0,
        step: 0,
        metrics: trainer.evaluate(),
    }];
    for epoch in 1..=config.epochs {
        if trainer.run_epoch().is_err() {
            break;
        }
        let metrics = trainer.evaluate();
        if trainer.diverged().is_some() {
            break; // the whole-set loss overflowed: this epoch has no finite point
        }
        curve.push(CurvePoint {
            epoch,
            step: trainer.steps(),
            metrics,
        });
    }
    Ok((trainer, curve))
}

/// `{:?}` of the value (round-trip precision), or an empty CSV field.
fn optional(value: Option<f64>) -> String {
    value.map(|v| format!("{v:?}")).unwrap_or_default()
}

/// The flags as a validated [`TrainConfig`].
fn build_config(args: &TrainArgs) -> Result<TrainConfig, CliError> {
    let defaults = TrainConfig::default();
    let mut schedule = match &args.schedule {
        Some(text) => parse_schedule(text)?,
        None => ScheduleConfig::Constant,
    };
    if let Some(text) = &args.warmup {
        if matches!(schedule, ScheduleConfig::Warmup(_)) {
            return Err(CliError(
                "--warmup cannot wrap a schedule that is already a warm-up".into(),
            ));
        }
        schedule = ScheduleConfig::Warmup(LinearWarmup {
            total_iters: parse_whole("--warmup", text)?,
            schedule: Box::new(schedule),
            ..LinearWarmup::default()
        });
    }
    let Some(dataset) = &args.dataset else {
        return Err(CliError(format!(
            "--dataset NAME is required; allowed: {}",
            sgdlab_core::data::DATASET_NAMES.join(", ")
        )));
    };
    let config = TrainConfig {
        dataset: DatasetKind::from_name(dataset)?,
        samples: parse_or(&args.samples, "--samples", defaults.samples)?,
        noise: parse_number_or(&args.noise, "--noise", defaults.noise)?,
        test_fraction: parse_number_or(
            &args.test_fraction,
            "--test-fraction",
            defaults.test_fraction,
        )?,
        hidden: match &args.hidden {
            Some(text) => parse_widths(text)?,
            None => defaults.hidden,
        },
        activation: match &args.activation {
            Some(name) => Activation::from_name(name)?,
            None => defaults.activation,
        },
        optimizer: optimizer_choice(args)?,
        schedule,
        sampling: match &args.sampling {
            Some(name) => SamplingOrder::from_name(name)?,
            None => defaults.sampling,
        },
        batch_size: parse_or(&args.batch_size, "--batch-size", defaults.batch_size)?,
        epochs: parse_or(&args.epochs, "--epochs", defaults.epochs)?,
        seed: parse_or(&args.seed, "--seed", defaults.seed)?,
    };
    config.validate()?;
    Ok(config)
}

/// The optimizer with `--lr`, `--weight-decay` and each `--set`, every value
/// checked against the type of its key; only the keys given are kept, so
/// the rest stay at their defaults (and noisy GD takes the run's seed).
fn optimizer_choice(args: &TrainArgs) -> Result<OptimizerChoice, CliError> {
    let Some(name) = &args.optimizer else {
        return Err(CliError(format!(
            "--optimizer NAME is required; allowed: {}",
            optim::registry::names().collect::<Vec<_>>().join(", ")
        )));
    };
    let mut optimizer = optim::registry::default_optimizer::<f32>(name)?;
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    if let Some(lr) = &args.lr {
        pairs.push(("lr", lr));
    }
    if let Some(decay) = &args.weight_decay {
        pairs.push(("weight_decay", decay));
    }
    for pair in &args.set {
        pairs.push(split_pair("--set", pair)?);
    }
    for &(key, value) in &pairs {
        set_hyperparameter(optimizer.as_mut(), key, value)?;
    }
    let config = optimizer.config();
    let settings: Map<String, Value> = pairs
        .iter()
        .filter_map(|&(key, _)| Some((key.to_string(), config.get(key)?.clone())))
        .collect();
    Ok(OptimizerChoice {
        name: name.clone(),
        settings,
    })
}

/// A schedule as JSON, or in the compact form `KIND[:key=value,...]`.
fn parse_schedule(text: &str) -> Result<ScheduleConfig, CliError> {
    let text = text.trim();
    if text.starts_with('{') {
        return Ok(ScheduleConfig::from_json(text)?);
    }
    let (kind, rest) = text.split_once(':').unwrap_or((text, ""));
    let mut object = Map::new();
    object.insert("kind".into(), Value::from(kind.trim()));
    for pair in rest.split(',').filter(|p| !p.trim().is_empty()) {
        let (key, value) = split_pair("--schedule", pair)?;
        object.insert(key.to_string(), compact_value(value));
    }
    Ok(ScheduleConfig::from_json(
        &Value::Object(object).to_string(),
    )?)
}

/// A value of the compact schedule form: a whole number, a number, a list of
/// whole numbers separated by `;`, or a word (`min`, `rel`, …).
fn compact_value(text: &str) -> Value {
    if let Ok(whole) = text.parse::<u64>() {
        return Value::from(whole);
    }
    if let Ok(number) = text.parse::<f64>()
        && number.is_finite()
    {
        return Value::from(number);
    }
    if text.contains(';') {
        let items: Option<Vec<Value>> = text
            .split(';')
            .map(|item| item.trim().parse::<u64>().ok().map(Value::from))
            .collect();
        if let Some(items) = items {
            return Value::Array(items);
        }
    }
    Value::from(text)
}

fn parse_widths(text: &str) -> Result<Vec<usize>, CliError> {
    let text = text.trim();
    if text.is_empty() || text == "none" {
        return Ok(Vec::new());
    }
    text.split(',')
        .map(|item| {
            item.trim().parse::<usize>().map_err(|_| {
                CliError(format!(
                    "--hidden expects widths such as 64,64 (whole numbers from 1 to {}), got `{text}`",
                    sgdlab_core::train::MAX_WIDTH
                ))
            })
        })
        .collect()
}

fn parse_whole<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T, CliError> {
    text.trim()
        .parse()
        .map_err(|_| CliError(format!("{flag} must be a whole number ≥ 0, got `{text}`")))
}

fn parse_or<T: std::str::FromStr>(
    text: &Option<String>,
    flag: &str,
    default: T,
) -> Result<T, CliError> {
    match text {
        Some(text) => parse_whole(flag, text),
        None => Ok(default),
    }
}

fn parse_number_or(text: &Option<String>, flag: &str, default: f64) -> Result<f64, CliError> {
    text.as_deref()
        .map_or(Ok(default), |text| parse_finite(flag, text))
}
