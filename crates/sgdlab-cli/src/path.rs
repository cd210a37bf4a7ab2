//! `sgdlab path`: one optimizer's path on a surface, as CSV or JSON.

use crate::CliError;
use crate::args::{Format, parse_finite, split_pair};
use clap::{ArgGroup, Args};
use serde_json::json;
use sgdlab_core::expr::ExprSurface;
use sgdlab_core::landscape::DescentPath;
use sgdlab_core::optim::{self, set_hyperparameter};
use sgdlab_core::surfaces::{self, Surface};
use std::io::{BufWriter, Write};

/// Paths longer than this are refused, so a typo cannot hang the terminal.
const MAX_STEPS: u64 = 1_000_000;

#[derive(Args, Debug)]
#[command(group(ArgGroup::new("landscape").required(true).args(["surface", "expr"])))]
pub struct PathArgs {
    /// A named surface (see `sgdlab list surfaces`).
    #[arg(long, value_name = "NAME")]
    surface: Option<String>,
    /// A surface parameter, e.g. `--surface-set a=10` for `quadratic`.
    #[arg(long = "surface-set", value_name = "K=V", conflicts_with = "expr")]
    surface_set: Vec<String>,
    /// A custom formula f(x, y), e.g. "x^2 + 10*y^2".
    #[arg(long, value_name = "F", allow_hyphen_values = true)]
    expr: Option<String>,
    /// The optimizer (see `sgdlab list optimizers`).
    #[arg(long, value_name = "NAME")]
    optimizer: String,
    /// The learning rate (default: the optimizer's PyTorch default).
    #[arg(long, value_name = "F", allow_hyphen_values = true)]
    lr: Option<String>,
    /// A hyperparameter with its PyTorch name, e.g. `--set momentum=0.9`.
    #[arg(long = "set", value_name = "K=V", allow_hyphen_values = true)]
    set: Vec<String>,
    /// The start point (default: the surface's own).
    #[arg(long, value_name = "X,Y", allow_hyphen_values = true)]
    start: Option<String>,
    /// How many steps to take.
    #[arg(long, value_name = "N", default_value_t = 100)]
    steps: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
}

pub fn run(args: &PathArgs) -> Result<(), CliError> {
    if args.steps > MAX_STEPS {
        return Err(CliError(format!(
            "--steps must be at most {MAX_STEPS}, got {}",
            args.steps
        )));
    }
    let surface = build_surface(args)?;
    let mut optimizer = optim::registry::default_optimizer::<f64>(&args.optimizer)?;
    if let Some(lr) = &args.lr {
        set_hyperparameter(optimizer.as_mut(), "lr", lr)?;
    }
    for pair in &args.set {
        let (key, value) = split_pair("--set", pair)?;
        set_hyperparameter(optimizer.as_mut(), key, value)?;
    }
    let start = match &args.start {
        Some(text) => parse_start(text)?,
        None => surface.default_start(),
    };
    let config = optimizer.config();
    let mut path = DescentPath::new(surface.as_ref(), optimizer, start);
    path.advance(surface.as_ref(), args.steps);

    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match args.format {
        Format::Csv => {
            writeln!(out, "step,x,y,loss")?;
            for p in &path.points {
                // `{:?}` prints the shortest text that reads back as the same f64.
                writeln!(out, "{},{:?},{:?},{:?}", p.step, p.x, p.y, p.loss)?;
            }
        }
        Format::Json => {
            let document = json!({
                "surface": surface.name(),
                "formula": surface.formula(),
                "optimizer": args.optimizer,
                "config": config,
                "start": start,
                "steps": args.steps,
                "points": path.points,
                "switch_step": path.optimizer.switch_step(),
                "stopped": path.stop.as_ref().map(ToString::to_string),
            });
            serde_json::to_writer_pretty(&mut out, &document)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    if let Some(stop) = &path.stop {
        eprintln!("sgdlab: {stop}");
    }
    Ok(())
}

fn build_surface(args: &PathArgs) -> Result<Box<dyn Surface>, CliError> {
    if let Some(text) = &args.expr {
        return Ok(Box::new(ExprSurface::parse(text)?));
    }
    let name = args.surface.as_deref().unwrap_or_default();
    let mut params = Vec::new();
    for pair in &args.surface_set {
        let (key, value) = split_pair("--surface-set", pair)?;
        params.push((
            key.to_string(),
            parse_finite(&format!("--surface-set {key}"), value)?,
        ));
    }
    Ok(surfaces::by_name(name, &params)?)
}

fn parse_start(text: &str) -> Result<[f64; 2], CliError> {
    let parts: Vec<&str> = text.split(',').collect();
    let [x, y] = parts.as_slice() else {
        return Err(CliError(format!(
            "--start expects X,Y (two numbers), got `{text}`"
        )));
    };
    Ok([parse_finite("--start x", x)?, parse_finite("--start y", y)?])
}
