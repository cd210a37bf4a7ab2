//! Reading flag values that clap leaves as text, with one-line errors that
//! say what was expected.

use crate::CliError;

/// `KEY=VALUE` (both trimmed; the key must not be empty).
pub fn split_pair<'a>(flag: &str, pair: &'a str) -> Result<(&'a str, &'a str), CliError> {
    match pair.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => Ok((key.trim(), value.trim())),
        _ => Err(CliError(format!("{flag} expects KEY=VALUE, got `{pair}`"))),
    }
}

/// A finite number (NaN and infinities are refused).
pub fn parse_finite(what: &str, text: &str) -> Result<f64, CliError> {
    match text.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(CliError(format!(
            "{what} must be a finite number, got `{text}`"
        ))),
    }
}

/// What an experiment prints: CSV rows or one JSON document.
#[derive(Clone, Copy, Debug, PartialEq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Json,
}
