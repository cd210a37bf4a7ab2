//! The settings of the data-parallel experiment, with their limits.
//!
//! Proposed link keys (`view=data-parallel`):
//!
//! ```text
//! data=moons  n=512  noise=0.1  seed=0        the dataset (all of it is trained on)
//! hidden=16,16  act=relu                      the network
//! workers=4  b=16  epochs=10                  M workers with B examples each per step
//! lr=0.1  mom=0                               torch.optim.SGD
//! shared_seed=1  reduce=mean                  the two pitfalls when changed
//! compute=0.1  allreduce=0.5  latency=0.02    the wall-clock model, in ms
//! ```

use crate::data::{DatasetKind, MAX_NOISE, MIN_SAMPLES};
use crate::playground::FieldError;
use crate::link::format_number;
use crate::train::{Activation, MlpSpec};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The most examples: with [`MAX_EPOCHS`] a run sees at most 200,000
/// examples twice (the M-worker run and the batch-M·B run).
pub const MAX_SAMPLES: usize = 2000;
/// The most simulated workers.
pub const MAX_WORKERS: usize = 16;
/// The most epochs.
pub const MAX_EPOCHS: usize = 100;
/// The most hidden layers.
pub const MAX_HIDDEN_LAYERS: usize = 2;
/// The widest hidden layer.
pub const MAX_WIDTH: usize = 32;
/// The largest learning rate accepted.
pub const MAX_LR: f64 = 10.0;
/// The largest time accepted for any term of the wall-clock model, in ms.
pub const MAX_TIME_MS: f64 = 10_000.0;

/// The names of the reductions, as the link writes them.
pub const REDUCE_NAMES: &[&str] = &["mean", "sum"];

/// How the workers' gradients are combined before the update.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reduce {
    /// (1/M)·Σₘ gₘ: the gradient of the global batch. The default.
    #[default]
    Mean,
    /// Σₘ gₘ: M times that gradient (the pitfall).
    Sum,
}

impl Reduce {
    /// The name the link uses.
    pub fn name(self) -> &'static str {
        match self {
            Self::Mean => "mean",
            Self::Sum => "sum",
        }
    }

    /// Looks a reduction up by name.
    pub fn from_name(name: &str) -> Result<Self, FieldError> {
        match name {
            "mean" => Ok(Self::Mean),
            "sum" => Ok(Self::Sum),
            _ => {
                let shown: String = name.chars().take(24).collect();
                Err(FieldError::new(
                    "reduce",
                    format!(
                        "unknown reduction `{shown}`; allowed: {}",
                        REDUCE_NAMES.join(", ")
                    ),
                ))
            }
        }
    }
}

impl fmt::Display for Reduce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Everything one data-parallel run needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DataParallelConfig {
    /// The 2-D classification set. Defaults to `moons`.
    pub dataset: DatasetKind,
    /// Examples, all of them for training, [`MIN_SAMPLES`] to [`MAX_SAMPLES`].
    /// Defaults to `512`.
    pub samples: usize,
    /// Standard deviation of the noise on each point, 0 to [`MAX_NOISE`].
    /// Defaults to `0.1`.
    pub noise: f64,
    /// Hidden layer widths: at most [`MAX_HIDDEN_LAYERS`] layers of 1 to
    /// [`MAX_WIDTH`] units. Defaults to `[16, 16]`.
    pub hidden: Vec<usize>,
    /// The nonlinearity of the hidden layers. Defaults to `relu`.
    pub activation: Activation,
    /// Simulated workers M, 1 to [`MAX_WORKERS`] (and at most n). Defaults to `4`.
    pub workers: usize,
    /// Examples per worker per step B, 1 to ⌊n/M⌋. Defaults to `16`.
    pub batch_size: usize,
    /// Passes over the data, 1 to [`MAX_EPOCHS`]. Defaults to `10`.
    pub epochs: usize,
    /// Learning rate η of `torch.optim.SGD`, 0 to [`MAX_LR`]. Defaults to `0.1`.
    pub lr: f64,
    /// Heavy-ball momentum μ of `torch.optim.SGD`, in [0, 1). Defaults to `0`.
    pub momentum: f64,
    /// The workers shuffle with the one shared seed; `false` gives each its
    /// own (the first pitfall). Defaults to `true`.
    pub shared_seed: bool,
    /// How the workers' gradients are combined (`sum` is the second
    /// pitfall). Defaults to `mean`.
    pub reduce: Reduce,
    /// Drives the data, the initial weights and the shuffles. Defaults to `0`.
    pub seed: u64,
    /// Compute time per example on one worker, in ms, 0 to [`MAX_TIME_MS`].
    /// Defaults to `0.1`.
    pub compute_ms: f64,
    /// Time to send the whole gradient once over a link, in ms, 0 to
    /// [`MAX_TIME_MS`]. Defaults to `0.5`.
    pub allreduce_ms: f64,
    /// Latency of one message, in ms, 0 to [`MAX_TIME_MS`]. Defaults to `0.02`.
    pub latency_ms: f64,
}

impl Default for DataParallelConfig {
    fn default() -> Self {
        Self {
            dataset: DatasetKind::Moons,
            samples: 512,
            noise: 0.1,
            hidden: vec![16, 16],
            activation: Activation::Relu,
            workers: 4,
            batch_size: 16,
            epochs: 10,
            lr: 0.1,
            momentum: 0.0,
            shared_seed: true,
            reduce: Reduce::Mean,
            seed: 0,
            compute_ms: 0.1,
            allreduce_ms: 0.5,
            latency_ms: 0.02,
        }
    }
}

fn check_count(
    key: &str,
    what: &str,
    value: usize,
    low: usize,
    high: usize,
) -> Result<(), FieldError> {
    if (low..=high).contains(&value) {
        Ok(())
    } else {
        Err(FieldError::new(
            key,
            format!("{what} must be a whole number from {low} to {high}, got {value}"),
        ))
    }
}

fn check_range(key: &str, what: &str, value: f64, low: f64, high: f64) -> Result<(), FieldError> {
    if (low..=high).contains(&value) {
        Ok(())
    } else {
        Err(FieldError::new(
            key,
            format!(
                "{what} must be a number from {} to {}, got {}",
                format_number(low),
                format_number(high),
                format_number(value)
            ),
        ))
    }
}

impl DataParallelConfig {
    /// The network: two inputs, the hidden widths, one logit per class.
    pub fn mlp_spec(&self) -> MlpSpec {
        MlpSpec {
            inputs: 2,
            hidden: self.hidden.clone(),
            classes: self.dataset.classes(),
            activation: self.activation,
        }
    }

    /// The examples all workers consume per step, M·B.
    pub fn global_batch_size(&self) -> usize {
        self.workers * self.batch_size
    }

    /// Checks every setting; the error's `field` is the link key at fault.
    pub fn validate(&self) -> Result<(), FieldError> {
        check_count(
            "n",
            "the number of examples",
            self.samples,
            MIN_SAMPLES,
            MAX_SAMPLES,
        )?;
        check_range("noise", "the noise", self.noise, 0.0, MAX_NOISE)?;
        if self.hidden.len() > MAX_HIDDEN_LAYERS
            || self.hidden.iter().any(|w| !(1..=MAX_WIDTH).contains(w))
        {
            let shown: Vec<String> = self.hidden.iter().take(8).map(usize::to_string).collect();
            return Err(FieldError::new(
                "hidden",
                format!(
                    "the hidden layers must be at most {MAX_HIDDEN_LAYERS} widths from 1 to \
                     {MAX_WIDTH}, got [{}]",
                    shown.join(",")
                ),
            ));
        }
        // At most one worker per example, so every worker gets a shard.
        let most_workers = MAX_WORKERS.min(self.samples);
        check_count(
            "workers",
            "the number of workers",
            self.workers,
            1,
            most_workers,
        )?;
        let largest = self.samples / self.workers;
        if !(1..=largest).contains(&self.batch_size) {
            return Err(FieldError::new(
                "b",
                format!(
                    "the batch size per worker must be a whole number from 1 to {largest} \
                     (the {} examples shared by {} workers), got {}",
                    self.samples, self.workers, self.batch_size
                ),
            ));
        }
        check_count("epochs", "the number of epochs", self.epochs, 1, MAX_EPOCHS)?;
        check_range("lr", "the learning rate", self.lr, 0.0, MAX_LR)?;
        if !(0.0..1.0).contains(&self.momentum) {
            return Err(FieldError::new(
                "mom",
                format!(
                    "momentum must be a number from 0 up to but not including 1, got {}",
                    format_number(self.momentum)
                ),
            ));
        }
        check_range(
            "compute",
            "the compute time per example",
            self.compute_ms,
            0.0,
            MAX_TIME_MS,
        )?;
        check_range(
            "allreduce",
            "the all-reduce time",
            self.allreduce_ms,
            0.0,
            MAX_TIME_MS,
        )?;
        check_range("latency", "the latency", self.latency_ms, 0.0, MAX_TIME_MS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bad_settings_name_their_key() {
        let base = DataParallelConfig::default();
        assert_eq!(base.validate(), Ok(()));
        let error = |config: DataParallelConfig| config.validate().unwrap_err();
        let e = error(DataParallelConfig {
            workers: 17,
            ..base.clone()
        });
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            (
                "workers",
                "the number of workers must be a whole number from 1 to 16, got 17"
            )
        );
        let e = error(DataParallelConfig {
            batch_size: 200,
            ..base.clone()
        });
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            (
                "b",
                "the batch size per worker must be a whole number from 1 to 128 \
                 (the 512 examples shared by 4 workers), got 200"
            )
        );
        let e = error(DataParallelConfig {
            hidden: vec![16, 64],
            ..base.clone()
        });
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            (
                "hidden",
                "the hidden layers must be at most 2 widths from 1 to 32, got [16,64]"
            )
        );
        assert_eq!(
            error(DataParallelConfig {
                hidden: vec![4; 3],
                ..base.clone()
            })
            .field,
            "hidden"
        );
        assert_eq!(
            error(DataParallelConfig {
                samples: 5,
                ..base.clone()
            })
            .field,
            "n"
        );
        let e = error(DataParallelConfig {
            samples: 10,
            workers: 12,
            ..base.clone()
        });
        assert_eq!(
            e.message,
            "the number of workers must be a whole number from 1 to 10, got 12"
        );
        assert_eq!(
            error(DataParallelConfig {
                epochs: 0,
                ..base.clone()
            })
            .field,
            "epochs"
        );
        assert_eq!(
            error(DataParallelConfig {
                lr: f64::NAN,
                ..base.clone()
            })
            .field,
            "lr"
        );
        assert_eq!(
            error(DataParallelConfig {
                momentum: 1.0,
                ..base.clone()
            })
            .field,
            "mom"
        );
        assert_eq!(
            error(DataParallelConfig {
                latency_ms: -1.0,
                ..base
            })
            .field,
            "latency"
        );
        let e = Reduce::from_name("avg").unwrap_err();
        assert_eq!(e.message, "unknown reduction `avg`; allowed: mean, sum");
    }
}
