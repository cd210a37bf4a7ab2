//! `sgdlab list surfaces|optimizers|datasets|views`.

use crate::CliError;
use clap::{Args, ValueEnum};
use sgdlab_core::{data, optim, surfaces};

#[derive(Args, Debug)]
pub struct ListArgs {
    /// What to list.
    #[arg(value_enum)]
    what: ListKind,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ListKind {
    Surfaces,
    Optimizers,
    Datasets,
    Views,
}

/// Prints one item per line: its name, then a description.
pub fn run(args: &ListArgs) -> Result<(), CliError> {
    match args.what {
        ListKind::Surfaces => {
            for surface in surfaces::all() {
                println!("{:<16}{}", surface.name(), surface.description());
            }
        }
        ListKind::Optimizers => {
            for entry in optim::OPTIMIZERS {
                let defaults = entry.build::<f64>()?.config();
                let defaults = defaults
                    .as_object()
                    .map(|map| {
                        map.iter()
                            .map(|(k, v)| format!("{k}={v}"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .unwrap_or_default();
                let torch = entry.torch.map(|class| format!(" ({class})"));
                println!(
                    "{:<12}{}{}  [{defaults}]",
                    entry.name,
                    entry.description,
                    torch.unwrap_or_default()
                );
            }
        }
        ListKind::Datasets => {
            for name in data::DATASET_NAMES {
                println!("{name}");
            }
        }
        ListKind::Views => {
            for entry in sgdlab_web::REGISTRY {
                println!("{:<20}{}", entry.name, entry.summary);
            }
        }
    }
    Ok(())
}
