//! The network training lab: a multilayer perceptron trained with minibatch
//! SGD (or any optimizer of [`crate::optim`]) on the 2-D classification sets
//! of [`crate::data`], in `f32` on the CPU.
//!
//! ```text
//! a⁰ = x                                   (a minibatch, B×2)
//! zˡ = aˡ⁻¹·Wˡ + bˡ,  aˡ = σ(zˡ)           (hidden layers l = 1 … L−1; σ = relu, tanh or sigmoid)
//! z^L = a^(L−1)·W^L + b^L                  (the logits, B×C)
//! L(θ) = (1/B)·Σᵢ [log Σ_c e^(z^L[i,c]) − z^L[i,yᵢ]]     (mean softmax cross-entropy)
//! θ ← optimizer step with ∇L(θ)            (once per minibatch)
//! ```
//!
//! The pieces, one per file:
//! - [`mlp`]: the architecture ([`MlpSpec`], [`Activation`]), the layout of
//!   the one flat parameter vector, and the seeded initialisation;
//! - [`backprop`]: the forward and backward passes written directly over
//!   preallocated buffers (no graph, no allocation per step), checked
//!   against the general autograd of [`crate::autograd`] in the tests;
//! - [`config`]: [`TrainConfig`], everything a run needs, with its limits;
//! - [`trainer`]: [`Trainer`], which owns the data, the sampler, the
//!   parameters, the optimizer and the schedule, and steps them.
//!
//! One seed drives the data, the train/test split, the initial weights and
//! every shuffle, through separate named streams of
//! [`SeededRng::derive`](crate::SeededRng::derive). Trainers built from
//! configs that differ only in the optimizer therefore see the same data,
//! start from the same weights and visit the same minibatches: that is how
//! the lab trains several optimizers side by side
//! ([`Trainer::side_by_side`]).
//!
//! Every loop runs in a fixed order and every `exp`/`tanh`/`ln` goes through
//! [`Real`](crate::Real) (so through `libm`): a seed gives bit-identical
//! curves natively and in WebAssembly.
//!
//! ```
//! use sgdlab_core::train::{TrainConfig, Trainer};
//! let config = TrainConfig { samples: 200, epochs: 2, ..TrainConfig::default() };
//! let mut trainer = Trainer::new(&config).unwrap();
//! let before = trainer.evaluate();
//! trainer.run_epoch().unwrap();
//! trainer.run_epoch().unwrap();
//! assert!(trainer.evaluate().train_loss < before.train_loss);
//! ```

pub mod backprop;
pub mod config;
pub mod lab;
pub mod mlp;
pub mod trainer;

#[cfg(test)]
mod tests;

pub use backprop::Workspace;
pub use config::{OptimizerChoice, TrainConfig};
pub use mlp::{ACTIVATION_NAMES, Activation, MlpSpec};
pub use trainer::{Diverged, LayerNorms, Metrics, Trainer, rates_by_epoch};

use crate::data::DataError;
use crate::optim::OptimError;
use crate::schedule::ScheduleError;
use std::fmt;

/// The most hidden layers a network may have.
pub const MAX_HIDDEN_LAYERS: usize = 6;
/// The widest a hidden layer may be.
pub const MAX_WIDTH: usize = 1024;
/// The most epochs one run may ask for.
pub const MAX_EPOCHS: usize = 10_000;

/// Why a training run could not be set up.
#[derive(Clone, Debug, PartialEq)]
pub enum TrainError {
    /// A setting is outside the values it may take.
    OutOfRange {
        field: &'static str,
        value: String,
        allowed: String,
    },
    /// The optimizer cannot train a network (it needs a Hessian).
    UnsupportedOptimizer { name: String, why: String },
    /// The data or sampler settings are invalid.
    Data(DataError),
    /// The optimizer or its hyperparameters are invalid.
    Optimizer(OptimError),
    /// The learning-rate schedule is invalid.
    Schedule(ScheduleError),
}

impl fmt::Display for TrainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OutOfRange {
                field,
                value,
                allowed,
            } => write!(f, "`{field}` = {value} is out of range; allowed: {allowed}"),
            Self::UnsupportedOptimizer { name, why } => {
                write!(f, "{name} cannot train a network: {why}")
            }
            Self::Data(e) => e.fmt(f),
            Self::Optimizer(e) => e.fmt(f),
            Self::Schedule(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for TrainError {}

impl From<DataError> for TrainError {
    fn from(e: DataError) -> Self {
        Self::Data(e)
    }
}

impl From<OptimError> for TrainError {
    fn from(e: OptimError) -> Self {
        Self::Optimizer(e)
    }
}

impl From<ScheduleError> for TrainError {
    fn from(e: ScheduleError) -> Self {
        Self::Schedule(e)
    }
}
