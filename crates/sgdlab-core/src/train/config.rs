//! Everything one training run needs, as one serde struct: what the CLI's
//! `train` flags, the page's controls and the URL hash set.
//!
//! Sizes are capped so that a link or a typo cannot freeze the page: samples
//! per [`MAX_SAMPLES`](crate::data::MAX_SAMPLES), at most
//! [`MAX_HIDDEN_LAYERS`](super::MAX_HIDDEN_LAYERS) hidden layers of at most
//! [`MAX_WIDTH`](super::MAX_WIDTH) units, a batch no larger than the training
//! set, at most [`MAX_EPOCHS`] epochs.

use super::mlp::{Activation, MlpSpec};
use super::{MAX_EPOCHS, TrainError};
use crate::data::sampler::{SamplerConfig, SamplingOrder};
use crate::data::{DatasetConfig, DatasetKind};
use crate::optim::{self, Optimizer};
use crate::schedule::ScheduleConfig;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// An optimizer by registry name, with the hyperparameters that differ from
/// its PyTorch defaults (`{"lr": 0.01, "weight_decay": 1e-4}`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OptimizerChoice {
    /// A name from [`optim::OPTIMIZERS`], except `newton` (and `steepest`
    /// with a line search). Defaults to `adam`.
    pub name: String,
    /// PyTorch-named hyperparameters. Defaults to `{"lr": 0.01}`.
    pub settings: Map<String, Value>,
}

impl Default for OptimizerChoice {
    fn default() -> Self {
        Self::new("adam", serde_json::json!({ "lr": 0.01 }))
    }
}

impl OptimizerChoice {
    /// `name` with `settings` (a JSON object; anything else means none).
    pub fn new(name: &str, settings: Value) -> Self {
        Self {
            name: name.to_string(),
            settings: match settings {
                Value::Object(map) => map,
                _ => Map::new(),
            },
        }
    }

    /// Builds the optimizer for `f32` training. An optimizer with a `seed`
    /// setting (noisy GD) gets `seed` unless the settings name their own.
    pub fn build(&self, seed: u64) -> Result<Box<dyn Optimizer<f32>>, TrainError> {
        let mut optimizer = optim::registry::default_optimizer::<f32>(&self.name)?;
        if optimizer.needs_hessian() {
            return Err(TrainError::UnsupportedOptimizer {
                name: self.name.clone(),
                why: "it needs the Hessian, which the training lab does not compute \
                      (a 2-64-64-2 network has 4,610 parameters, so 21 million entries); \
                      use a first-order optimizer"
                    .into(),
            });
        }
        if optimizer.config().get("seed").is_some() && !self.settings.contains_key("seed") {
            let mut patch = Map::new();
            patch.insert("seed".into(), Value::from(seed));
            optimizer.set_config(Value::Object(patch))?;
        }
        optimizer.set_config(Value::Object(self.settings.clone()))?;
        if optimizer.needs_objective() {
            return Err(TrainError::UnsupportedOptimizer {
                name: self.name.clone(),
                why: "its line search evaluates the loss along each step, which the \
                      training lab does not do (a minibatch loss would only see one batch); \
                      set line_search=none"
                    .into(),
            });
        }
        Ok(optimizer)
    }
}

/// The settings of one training run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainConfig {
    /// The dataset. Defaults to `spirals`.
    pub dataset: DatasetKind,
    /// Examples, train and test together. Defaults to `400`.
    pub samples: usize,
    /// Standard deviation of the noise added to each point. Defaults to `0.05`.
    pub noise: f64,
    /// Share of the examples held out for testing, in [0, 1). Defaults to `0.2`.
    pub test_fraction: f64,
    /// Hidden layer widths. Defaults to `[64, 64]`.
    pub hidden: Vec<usize>,
    /// Defaults to `relu`.
    pub activation: Activation,
    /// Defaults to Adam with lr 0.01.
    pub optimizer: OptimizerChoice,
    /// The learning rate by epoch, relative to the optimizer's `lr`;
    /// `reduce_on_plateau` watches each epoch's mean minibatch loss.
    /// Defaults to `constant`.
    pub schedule: ScheduleConfig,
    /// How minibatches are drawn. Defaults to `shuffle`.
    pub sampling: SamplingOrder,
    /// Examples per step, from 1 to the size of the training set. Defaults
    /// to `32`.
    pub batch_size: usize,
    /// Passes over the training set, from 0 to [`MAX_EPOCHS`]. Defaults to
    /// `100`.
    pub epochs: usize,
    /// Drives the data, the split, the initial weights and every shuffle.
    /// Defaults to `0`.
    pub seed: u64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            dataset: DatasetKind::Spirals,
            samples: 400,
            noise: 0.05,
            test_fraction: 0.2,
            hidden: vec![64, 64],
            activation: Activation::Relu,
            optimizer: OptimizerChoice::default(),
            schedule: ScheduleConfig::Constant,
            sampling: SamplingOrder::Shuffle,
            batch_size: 32,
            epochs: 100,
            seed: 0,
        }
    }
}

impl TrainConfig {
    /// The data settings, with this run's seed.
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

    /// The sampler settings (one worker, the short last batch kept).
    pub fn sampler_config(&self) -> SamplerConfig {
        SamplerConfig {
            order: self.sampling,
            batch_size: self.batch_size,
            drop_last: false,
            workers: 1,
        }
    }

    /// The same run with another optimizer: same data, weights and batches.
    pub fn with_optimizer(&self, optimizer: OptimizerChoice) -> Self {
        Self {
            optimizer,
            ..self.clone()
        }
    }

    /// Checks the settings that do not need the data: the data ranges, the
    /// network size, the epoch count, the optimizer and the schedule. (The
    /// batch size is checked against the training set when the trainer is
    /// built.)
    pub fn validate(&self) -> Result<(), TrainError> {
        self.dataset_config().validate()?;
        self.mlp_spec().validate()?;
        if self.epochs > MAX_EPOCHS {
            return Err(TrainError::OutOfRange {
                field: "epochs",
                value: self.epochs.to_string(),
                allowed: format!("an integer from 0 to {MAX_EPOCHS}"),
            });
        }
        self.schedule.validate()?;
        self.optimizer.build(self.seed)?;
        Ok(())
    }
}
