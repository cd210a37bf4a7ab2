//! The mode-connectivity experiment's settings, with their limits.
//!
//! ```text
//! data=moons  n=400  noise=0.1  test=0.2  seed=0     one dataset, shared by everything
//! hidden=16,16  act=relu                             the network
//! b=32  lr=0.01  epochs=100                          each endpoint: Adam, from its own init and shuffles
//! blr=0.01  bend=1500                                the bend θ: Adam steps, a fresh t per minibatch
//! points=41                                          t grid for the loss along the paths
//! ```
//!
//! The defaults give a clear barrier that the curve removes. Over seeds
//! 0–4 the two networks (2-16-16-2, relu, 100 epochs of Adam on 320
//! training points of `moons`) reach training losses of 0.006–0.019; the
//! line between them peaks at 0.30–0.69, at t ≈ ½; after 1500 bend steps
//! the curve peaks at 0.012–0.029, within 2–4 % of the line's rise above
//! the endpoints. The whole run takes about 50 ms natively in release mode
//! (2 × 1000 + 1500 optimizer steps and 82 evaluations). The same holds
//! for other widths (8 to 64, up to three layers), sizes (200 to 1000
//! points), batch sizes and epochs; harder sets (`spirals`,
//! `checkerboard`) with these small networks keep 10–20 % of the barrier.
//!
//! The link keys are the ones above (`data`, `n`, `noise`, `test`,
//! `hidden`, `act`, `seed`, `b`, `lr`, `epochs`, `blr`, `bend`, `points`);
//! a [`FieldError`] from [`ModeConnectivityConfig::validate`] names the key
//! at fault.
//!
//! The sizes are capped so that no link can stall the page: one unit of
//! work is one optimizer step on a minibatch of at most [`MAX_BATCH`]
//! examples, or one network evaluated on the whole dataset (at most
//! [`MAX_SAMPLES`] examples); the network has at most
//! [`MAX_HIDDEN_LAYERS`] hidden layers of at most [`MAX_WIDTH`] units, so a
//! unit costs at most about 10⁷ multiply–adds; and the whole run at most
//! [`MAX_WORK`] (example passes × parameters).

use crate::data::{DatasetConfig, DatasetKind};
use crate::playground::FieldError;
use crate::link::format_number;
use crate::train::{Activation, MlpSpec};
use serde::{Deserialize, Serialize};

/// The most examples, train and test together.
pub const MAX_SAMPLES: usize = 1000;
/// The most hidden layers.
pub const MAX_HIDDEN_LAYERS: usize = 3;
/// The widest hidden layer.
pub const MAX_WIDTH: usize = 64;
/// The largest minibatch.
pub const MAX_BATCH: usize = 256;
/// The largest learning rate of either Adam.
pub const MAX_LR: f64 = 1.0;
/// The most epochs per endpoint.
pub const MAX_EPOCHS: usize = 2000;
/// The most optimizer steps of the bend.
pub const MAX_BEND_STEPS: usize = 100_000;
/// The fewest and most values of t on the evaluation grid.
pub const POINTS_RANGE: [usize; 2] = [3, 201];
/// The most example passes times parameters of a whole run (each pass
/// costs a few multiply–adds per parameter): about 3 s natively, where the
/// default run (5·10⁷) takes 90 ms.
pub const MAX_WORK: usize = 2_000_000_000;

/// Everything the mode-connectivity experiment needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ModeConnectivityConfig {
    /// The dataset (`data`). Defaults to `moons`.
    pub dataset: DatasetKind,
    /// Examples, train and test together (`n`), 10 to [`MAX_SAMPLES`].
    /// Defaults to `400`.
    pub samples: usize,
    /// Standard deviation of the noise on each point (`noise`), 0 to 1.
    /// Defaults to `0.1`.
    pub noise: f64,
    /// Share held out for testing (`test`), in [0, 1). Defaults to `0.2`.
    pub test_fraction: f64,
    /// Hidden layer widths (`hidden`), 1 to [`MAX_HIDDEN_LAYERS`] layers of
    /// 1 to [`MAX_WIDTH`] units. Defaults to `[16, 16]`.
    pub hidden: Vec<usize>,
    /// The nonlinearity (`act`): `relu`, `tanh` or `sigmoid`. Defaults to
    /// `relu`.
    pub activation: Activation,
    /// Seeds the data; each endpoint's initial weights and shuffles and the
    /// bend's draws come from their own streams of it (`seed`). Defaults to
    /// `0`.
    pub seed: u64,
    /// Minibatch size (`b`), 1 to [`MAX_BATCH`] and at most the training
    /// set. Defaults to `32`.
    pub batch_size: usize,
    /// Adam's learning rate for the endpoints (`lr`), above 0 and at most
    /// [`MAX_LR`]. Defaults to `0.01`.
    pub lr: f64,
    /// Epochs each endpoint trains (`epochs`), 1 to [`MAX_EPOCHS`].
    /// Defaults to `100`.
    pub epochs: usize,
    /// Adam's learning rate for the bend (`blr`), above 0 and at most
    /// [`MAX_LR`]. Defaults to `0.01`.
    pub bend_lr: f64,
    /// Optimizer steps of the bend (`bend`), 1 to [`MAX_BEND_STEPS`].
    /// Defaults to `1500`.
    pub bend_steps: usize,
    /// Values of t, evenly spaced over [0, 1], where the paths are
    /// evaluated (`points`), within [`POINTS_RANGE`]. Defaults to `41`.
    pub points: usize,
}

impl Default for ModeConnectivityConfig {
    fn default() -> Self {
        Self {
            dataset: DatasetKind::Moons,
            samples: 400,
            noise: 0.1,
            test_fraction: 0.2,
            hidden: vec![16, 16],
            activation: Activation::Relu,
            seed: 0,
            batch_size: 32,
            lr: 0.01,
            epochs: 100,
            bend_lr: 0.01,
            bend_steps: 1500,
            points: 41,
        }
    }
}

fn check_count(
    key: &'static str,
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

fn check_lr(key: &'static str, what: &str, value: f64) -> Result<(), FieldError> {
    if value > 0.0 && value <= MAX_LR {
        Ok(())
    } else {
        Err(FieldError::new(
            key,
            format!(
                "{what} must be a number above 0 and at most {}, got {}",
                format_number(MAX_LR),
                format_number(value)
            ),
        ))
    }
}

impl ModeConnectivityConfig {
    /// The data settings: one dataset for both endpoints.
    pub fn dataset_config(&self) -> DatasetConfig {
        DatasetConfig {
            dataset: self.dataset,
            samples: self.samples,
            noise: self.noise,
            test_fraction: self.test_fraction,
            seed: self.seed,
        }
    }

    /// The network: two inputs, the hidden widths, one logit per class.
    pub fn mlp_spec(&self) -> MlpSpec {
        MlpSpec {
            inputs: 2,
            hidden: self.hidden.clone(),
            classes: self.dataset.classes(),
            activation: self.activation,
        }
    }

    /// Examples in the training set: the stratified split keeps
    /// ⌊test_fraction·nᶜ⌋ of each class's nᶜ for testing.
    pub fn train_size(&self) -> usize {
        let classes = self.dataset.classes();
        (0..classes)
            .map(|c| {
                let count = self.samples / classes + usize::from(c < self.samples % classes);
                count - (self.test_fraction * count as f64).floor() as usize
            })
            .sum()
    }

    /// Checks every setting; the error names the link key at fault.
    pub fn validate(&self) -> Result<(), FieldError> {
        check_count("n", "the number of examples", self.samples, 10, MAX_SAMPLES)?;
        self.dataset_config().validate().map_err(|e| {
            let key = match &e {
                crate::data::DataError::OutOfRange {
                    field: "test_fraction",
                    ..
                } => "test",
                _ => "noise",
            };
            FieldError::new(key, e.to_string())
        })?;
        check_count(
            "hidden",
            "the number of hidden layers",
            self.hidden.len(),
            1,
            MAX_HIDDEN_LAYERS,
        )?;
        if let Some(&width) = self.hidden.iter().find(|&&w| !(1..=MAX_WIDTH).contains(&w)) {
            return Err(FieldError::new(
                "hidden",
                format!("each hidden layer must have 1 to {MAX_WIDTH} units, got {width}"),
            ));
        }
        let train = self.train_size();
        check_count(
            "b",
            "the batch size",
            self.batch_size,
            1,
            MAX_BATCH.min(train),
        )?;
        check_lr("lr", "the endpoints' learning rate", self.lr)?;
        check_count("epochs", "epochs", self.epochs, 1, MAX_EPOCHS)?;
        check_lr("blr", "the bend's learning rate", self.bend_lr)?;
        check_count(
            "bend",
            "the bend's steps",
            self.bend_steps,
            1,
            MAX_BEND_STEPS,
        )?;
        check_count(
            "points",
            "the number of points",
            self.points,
            POINTS_RANGE[0],
            POINTS_RANGE[1],
        )?;
        let work = self.work() * self.mlp_spec().parameter_count();
        if work > MAX_WORK {
            return Err(FieldError::new(
                "epochs",
                format!(
                    "this run needs {work} example passes × parameters ((2 × epochs × training \
                     set + bend steps × batch + 2 × points × n) × {} parameters); at most \
                     {MAX_WORK}: use fewer epochs, bend steps, examples or units",
                    self.mlp_spec().parameter_count()
                ),
            ));
        }
        Ok(())
    }

    /// Example passes of the whole run: both endpoints' epochs, the bend's
    /// minibatches, and the evaluations along both paths.
    pub fn work(&self) -> usize {
        2 * self.epochs * self.train_size()
            + self.bend_steps * self.batch_size
            + 2 * self.points * self.samples
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(config: ModeConnectivityConfig) -> FieldError {
        config.validate().unwrap_err()
    }

    #[test]
    fn default_is_valid_and_its_split_size_is_exact() {
        let config = ModeConnectivityConfig::default();
        assert!(config.validate().is_ok());
        assert_eq!(config.train_size(), 320);
        let split = config.dataset_config().generate_split().unwrap();
        assert_eq!(split.train.len(), config.train_size());
        for (samples, test_fraction, dataset) in [
            (401, 0.33, DatasetKind::Moons),
            (97, 0.5, DatasetKind::Blobs),
            (10, 0.0, DatasetKind::Spirals),
        ] {
            let config = ModeConnectivityConfig {
                samples,
                test_fraction,
                dataset,
                ..ModeConnectivityConfig::default()
            };
            let split = config.dataset_config().generate_split().unwrap();
            assert_eq!(split.train.len(), config.train_size(), "{dataset}");
        }
    }

    #[test]
    fn limits_name_the_key_and_say_what_is_allowed() {
        let base = ModeConnectivityConfig::default();
        assert_eq!(
            error(ModeConnectivityConfig {
                hidden: vec![32, 0],
                ..base.clone()
            })
            .to_string(),
            "hidden: each hidden layer must have 1 to 64 units, got 0"
        );
        assert_eq!(
            error(ModeConnectivityConfig {
                hidden: vec![],
                ..base.clone()
            })
            .field,
            "hidden"
        );
        assert_eq!(
            error(ModeConnectivityConfig {
                batch_size: 0,
                ..base.clone()
            })
            .to_string(),
            "b: the batch size must be a whole number from 1 to 256, got 0"
        );
        assert_eq!(
            error(ModeConnectivityConfig {
                samples: 20,
                ..base.clone()
            })
            .to_string(),
            "b: the batch size must be a whole number from 1 to 16, got 32"
        );
        assert_eq!(
            error(ModeConnectivityConfig {
                bend_lr: f64::NAN,
                ..base.clone()
            })
            .to_string(),
            "blr: the bend's learning rate must be a number above 0 and at most 1, got NaN"
        );
        assert_eq!(
            error(ModeConnectivityConfig {
                test_fraction: 1.0,
                ..base.clone()
            })
            .field,
            "test"
        );
        assert_eq!(
            error(ModeConnectivityConfig {
                noise: 2.0,
                ..base.clone()
            })
            .field,
            "noise"
        );
        let e = error(ModeConnectivityConfig {
            samples: 1000,
            epochs: 2000,
            hidden: vec![64, 64],
            ..base
        });
        assert_eq!(e.field, "epochs");
        assert!(e.message.contains("at most 2000000000"), "{}", e.message);
    }
}
