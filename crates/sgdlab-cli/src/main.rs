//! `sgdlab`: the playground's experiments, headless.
//!
//! ```text
//! sgdlab path  (--surface NAME [--surface-set k=v]... | --expr "f(x,y)") --optimizer NAME
//!              [--lr F] [--set k=v]... [--start X,Y] [--steps N] [--format csv|json]
//! sgdlab train --dataset NAME --optimizer NAME [--hidden W1,W2,...] [--epochs E] ...
//!              [--format csv|json] [--plot FILE.png|svg]
//! sgdlab list  surfaces|optimizers|datasets|views
//! sgdlab link  LINK [--steps N] [--format csv|json]
//! ```
//! Bad input exits with status 2 and one line on stderr; it never panics.

mod args;
mod link;
mod list;
mod path;
mod train;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "sgdlab",
    version,
    about = "Stochastic optimization experiments, headless"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run one optimizer on a 2-D surface and print its path.
    Path(path::PathArgs),
    /// Train an MLP on a 2-D classification set and print its curves.
    Train(Box<train::TrainArgs>),
    /// List the surfaces, optimizers, datasets or views.
    List(list::ListArgs),
    /// Run any page link headless and print what the page's export gives.
    Link(link::LinkArgs),
}

/// A failure to report: one line on stderr and a non-zero exit.
#[derive(Debug)]
pub struct CliError(pub String);

impl<E: std::fmt::Display> From<E> for CliError {
    fn from(error: E) -> Self {
        Self(error.to_string())
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return report_parse_error(&error),
    };
    let result = match cli.command {
        Command::Path(args) => path::run(&args),
        Command::Train(args) => train::run(&args),
        Command::List(args) => list::run(&args),
        Command::Link(args) => link::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError(message)) => {
            eprintln!("sgdlab: {}", one_line(&message));
            ExitCode::from(2)
        }
    }
}

/// Help and version go to stdout as usual; a usage error becomes one line.
fn report_parse_error(error: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            print!("{error}");
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            eprintln!(
                "sgdlab: a subcommand is needed: path, train, list or link (see sgdlab --help)"
            );
            ExitCode::from(2)
        }
        _ => {
            // clap's first paragraph says what was wrong (a missing argument
            // is named on the line after); usage and tips follow a blank line.
            let rendered = error.render().to_string();
            let paragraph: Vec<&str> = rendered
                .lines()
                .skip_while(|l| l.trim().is_empty())
                .take_while(|l| !l.trim().is_empty())
                .map(str::trim)
                .collect();
            let message = paragraph.join(" ");
            let message = message.trim_start_matches("error: ");
            let message = if message.is_empty() {
                "invalid arguments"
            } else {
                message
            };
            eprintln!("sgdlab: {} (see sgdlab --help)", one_line(message));
            ExitCode::from(2)
        }
    }
}

/// Keeps an error on one line and bounded in length, whatever the user typed.
fn one_line(message: &str) -> String {
    let flat: String = message
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.chars().count() > 300 {
        let cut: String = flat.chars().take(300).collect();
        format!("{cut}…")
    } else {
        flat
    }
}
