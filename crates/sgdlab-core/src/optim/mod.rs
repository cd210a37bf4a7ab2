//! Optimizers: each one a file holding its config (PyTorch names and
//! defaults), its state (plain data) and its update rule.
//!
//! The shape follows `torch.optim` and optax:
//! - a config struct with `Default` = the PyTorch defaults and a `validate()`
//!   that rejects bad values with PyTorch's own messages;
//! - a state struct, separate from the config, so that changing a
//!   hyperparameter mid-run (a slider on the page) keeps the moments;
//! - `step`, which is the update rule and nothing else.
//!
//! Parameters are one flat slice. Optimizers that care about layers (LARS)
//! read the layer boundaries from [`StepInput::layers`].

use crate::Real;
use serde_json::Value;
use std::fmt;
use std::ops::Range;

/// What an optimizer is given for one step, besides the parameters.
#[derive(Clone, Copy, Debug)]
pub struct StepInput<'a, T> {
    /// ∇L at the current parameters.
    pub grad: &'a [T],
    /// The Hessian at the current parameters, row-major n×n. Only second-order
    /// methods (Newton) read it.
    pub hessian: Option<&'a [T]>,
    /// Layer boundaries as ranges into the parameter slice; `None` means the
    /// parameters form one layer.
    pub layers: Option<&'a [Range<usize>]>,
}

impl<'a, T> StepInput<'a, T> {
    /// A first-order step input: just the gradient.
    pub fn gradient(grad: &'a [T]) -> Self {
        Self {
            grad,
            hessian: None,
            layers: None,
        }
    }
}

/// Why an optimizer could not be built, configured or stepped.
#[derive(Clone, Debug, PartialEq)]
pub enum OptimError {
    /// A hyperparameter is out of range. The message is PyTorch's where
    /// PyTorch has one, e.g. "Invalid learning rate: -1".
    Invalid(String),
    /// `--set key=…` named a key this optimizer does not have.
    UnknownKey {
        optimizer: &'static str,
        key: String,
        allowed: Vec<String>,
    },
    /// A value could not be read as the key's type.
    BadValue {
        key: String,
        value: String,
        expected: &'static str,
    },
    /// No optimizer has this name.
    UnknownOptimizer { name: String },
    /// A second-order method was stepped without a Hessian.
    NeedsHessian { optimizer: &'static str },
    /// The (damped) Hessian cannot be inverted at this point.
    SingularHessian,
}

impl fmt::Display for OptimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid(message) => f.write_str(message),
            Self::UnknownKey {
                optimizer,
                key,
                allowed,
            } => write!(
                f,
                "{optimizer} has no hyperparameter `{key}`; allowed: {}",
                allowed.join(", ")
            ),
            Self::BadValue {
                key,
                value,
                expected,
            } => {
                write!(f, "`{key}` must be {expected}, got `{value}`")
            }
            Self::UnknownOptimizer { name } => {
                write!(
                    f,
                    "unknown optimizer `{name}`; allowed: {}",
                    NAMES.join(", ")
                )
            }
            Self::NeedsHessian { optimizer } => {
                write!(
                    f,
                    "{optimizer} needs the Hessian, which this objective does not provide"
                )
            }
            Self::SingularHessian => f.write_str(
                "the Hessian is singular here, so the Newton step is undefined; add damping",
            ),
        }
    }
}

impl std::error::Error for OptimError {}

/// An optimizer over a flat parameter vector of `T`.
///
/// Hyperparameters travel as JSON objects whose keys are PyTorch's names
/// (`lr`, `momentum`, `weight_decay`, …; `betas` is split into `beta1` and
/// `beta2`). That one representation serves the CLI's `--set k=v`, the page's
/// sliders and the URL hash.
pub trait Optimizer<T: Real>: Send {
    /// The registry name, e.g. `"adam"`.
    fn name(&self) -> &'static str;
    /// The update rule as plain text (Unicode maths), for the page to show.
    fn update_rule(&self) -> &'static str;
    /// The current hyperparameters as a JSON object.
    fn config(&self) -> Value;
    /// Replaces the hyperparameters after validating them. The state (step
    /// count, moments, velocity) is kept, so a change takes effect mid-run.
    fn set_config(&mut self, config: Value) -> Result<(), OptimError>;
    /// The learning rate (what a schedule changes).
    fn lr(&self) -> f64;
    /// Sets the learning rate, keeping the state. Callers pass lr ≥ 0.
    fn set_lr(&mut self, lr: f64);
    /// One update of `params` in place.
    fn step(&mut self, params: &mut [T], input: &StepInput<'_, T>) -> Result<(), OptimError>;
    /// The velocity / first moment the page draws as an arrow, if this
    /// optimizer keeps one (after at least one step).
    fn velocity(&self) -> Option<&[T]> {
        None
    }
    /// Whether `step` reads [`StepInput::hessian`] (second-order methods), so
    /// callers compute the Hessian only when it is used.
    fn needs_hessian(&self) -> bool {
        false
    }
    /// The step at which the method changed phase (SWATS: Adam → SGD).
    fn switch_step(&self) -> Option<u64> {
        None
    }
    /// Forgets the state, keeping the hyperparameters.
    fn reset(&mut self);
}

/// Every optimizer name the registry knows, in display order.
pub const NAMES: &[&str] = &[
    "sgd",
    "adagrad",
    "rmsprop",
    "adadelta",
    "adam",
    "adamw",
    "adamax",
    "nadam",
    "lars",
    "newton",
    "coordinate",
    "swats",
    "noisy_gd",
];

pub mod adadelta;
pub mod adagrad;
pub mod adam;
pub mod adamax;
pub mod adamw;
pub mod config;
pub mod coordinate;
mod kernels;
pub mod lars;
pub mod nadam;
pub mod newton;
pub mod noisy_gd;
pub mod registry;
pub mod rmsprop;
pub mod sgd;
pub mod swats;

pub use config::set_hyperparameter;
