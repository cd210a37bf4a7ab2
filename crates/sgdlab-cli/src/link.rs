//! `sgdlab link LINK [--steps N] [--format csv|json]`: any page link, run
//! headless.
//!
//! The link is a whole URL or the part after `#`; `view=` picks the widget
//! (the landscape when absent). The widget comes from the same registry the
//! page uses, is stepped N times (by default the link's own length: its
//! epochs, its T, or the view's usual step count), and prints exactly what
//! the page's CSV or JSON export button saves for the same link and step
//! count. The training lab runs on the CPU here.

use crate::CliError;
use crate::args::Format;
use clap::Args;
use sgdlab_web::registry;
use sgdlab_web::widget::json_text;
use std::io::Write;

/// The most steps one command may ask for.
const MAX_STEPS: u64 = 100_000_000;

#[derive(Args, Debug)]
pub struct LinkArgs {
    /// A page link: a whole URL, or the part after `#` (quote it in the shell).
    link: String,
    /// How many steps to run (default: the link's own length).
    #[arg(long, value_name = "N")]
    steps: Option<u64>,
    /// Print the CSV or the JSON export.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
}

pub fn run(args: &LinkArgs) -> Result<(), CliError> {
    let (mut widget, errors) =
        registry::open_link(&args.link).map_err(|e| CliError(e.to_string()))?;
    if let Some(error) = errors.first() {
        return Err(CliError(format!("bad link: {error}")));
    }
    let steps = args.steps.unwrap_or_else(|| widget.default_steps());
    if steps > MAX_STEPS {
        return Err(CliError(format!(
            "--steps must be at most {MAX_STEPS}, got {steps}"
        )));
    }
    widget.step(steps);
    let text = match args.format {
        Format::Csv => widget.export_csv(),
        Format::Json => json_text(&widget.export_json()),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}
