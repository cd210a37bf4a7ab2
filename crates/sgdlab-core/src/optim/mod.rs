//! Optimizers: each one a file holding its config (PyTorch names and
//! defaults), its state (plain data) and its update rule, and one line in
//! the table [`OPTIMIZERS`], which is the only list of them (the CLI, the
//! page, the tests and the benchmarks all read it).
//!
//! The shape follows `torch.optim` and optax:
//! - a config struct with `Default` = the PyTorch defaults and a `validate()`
//!   that rejects bad values with PyTorch's own messages;
//! - a state struct, separate from the config, so that changing a
//!   hyperparameter mid-run (a slider on the page) keeps the moments;
//! - `step`, which is the update rule and nothing else. What several rules
//!   share (`maximize`, L2 and decoupled weight decay) is written once, in
//!   the private `decay` module, and the pointwise arithmetic of PyTorch's
//!   kernels in the private `kernels` module.
//!
//! Each file's module doc states its update rule in a `text` block, and
//! [`Optimizer::update_rule`] returns that same text for the page; a test
//! reads every file named in the table and checks the two agree.
//!
//! Parameters are one flat slice. Optimizers that care about layers (LARS)
//! read the layer boundaries from [`StepInput::layers`].

use crate::Real;
use serde_json::Value;
use std::fmt;
use std::ops::Range;

/// What an optimizer is given for one step, besides the parameters.
///
/// Build it with [`StepInput::gradient`] and the `with_*` methods, so that a
/// field added later does not break the call:
///
/// ```
/// use sgdlab_core::optim::{Objective, StepInput};
/// let value = |p: &[f64]| p[0] * p[0] + 10.0 * p[1] * p[1];
/// let (grad, hessian) = ([2.0, 20.0], [2.0, 0.0, 0.0, 20.0]);
/// let input = StepInput::gradient(&grad)
///     .with_hessian(&hessian)
///     .with_objective(Objective { value: &value, quadratic: true });
/// assert!(input.objective.is_some());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct StepInput<'a, T> {
    /// ∇L at the current parameters.
    pub grad: &'a [T],
    /// The Hessian at the current parameters, row-major n×n. Only
    /// second-order methods (Newton) and the exact line search on a quadratic
    /// read it; see [`Optimizer::needs_hessian`].
    pub hessian: Option<&'a [T]>,
    /// Layer boundaries as ranges into the parameter slice; `None` means the
    /// parameters form one layer.
    pub layers: Option<&'a [Range<usize>]>,
    /// The objective L itself, for methods that evaluate it away from the
    /// current parameters (line searches); `None` where L cannot be evaluated
    /// (a minibatch gradient, the network trainer). See
    /// [`Optimizer::needs_objective`].
    pub objective: Option<Objective<'a, T>>,
}

impl<'a, T> StepInput<'a, T> {
    /// A first-order step input: just the gradient.
    pub fn gradient(grad: &'a [T]) -> Self {
        Self {
            grad,
            hessian: None,
            layers: None,
            objective: None,
        }
    }

    /// The same input with the Hessian (row-major n×n).
    pub fn with_hessian(self, hessian: &'a [T]) -> Self {
        Self {
            hessian: Some(hessian),
            ..self
        }
    }

    /// The same input with layer boundaries.
    pub fn with_layers(self, layers: &'a [Range<usize>]) -> Self {
        Self {
            layers: Some(layers),
            ..self
        }
    }

    /// The same input with the objective's value oracle.
    pub fn with_objective(self, objective: Objective<'a, T>) -> Self {
        Self {
            objective: Some(objective),
            ..self
        }
    }
}

/// The objective L as a function of the parameters: what a line search
/// evaluates along the step direction.
#[derive(Clone, Copy)]
pub struct Objective<'a, T> {
    /// L(θ) for any θ as long as the parameters.
    pub value: &'a dyn Fn(&[T]) -> T,
    /// Whether L is quadratic, so that its Hessian is the same everywhere and
    /// the curvature along any line is known from [`StepInput::hessian`]
    /// (the exact line search then has a closed form).
    pub quadratic: bool,
}

impl<T> fmt::Debug for Objective<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Objective")
            .field("quadratic", &self.quadratic)
            .finish_non_exhaustive()
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
    /// A method that evaluates the objective (a line search) was stepped
    /// without [`StepInput::objective`].
    NeedsObjective { optimizer: &'static str },
    /// The line search found no step length: the objective decreases without
    /// bound along the direction, or stops being a finite number on it.
    LineSearch { reason: String },
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
                let allowed: Vec<&str> = registry::names().collect();
                write!(
                    f,
                    "unknown optimizer `{name}`; allowed: {}",
                    allowed.join(", ")
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
            Self::NeedsObjective { optimizer } => write!(
                f,
                "{optimizer} with a line search evaluates the objective along the step, \
                 which is not available here; use line_search=none"
            ),
            Self::LineSearch { reason } => write!(f, "the line search failed: {reason}"),
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
    /// Whether `step` fails without [`StepInput::objective`] (a line
    /// search), so callers that cannot evaluate the objective refuse it.
    fn needs_objective(&self) -> bool {
        false
    }
    /// The values a text-valued hyperparameter `key` may take (steepest
    /// descent's `norm`: `l2`, `l1`, `linf`), for a menu; `None` for keys
    /// that hold numbers or booleans.
    fn choices(&self, _key: &str) -> Option<&'static [&'static str]> {
        None
    }
    /// The step at which the method changed phase (SWATS: Adam → SGD).
    fn switch_step(&self) -> Option<u64> {
        None
    }
    /// Forgets the state, keeping the hyperparameters.
    fn reset(&mut self);
}

pub mod adadelta;
pub mod adagrad;
pub mod adam;
pub mod adamax;
pub mod adamw;
pub mod config;
pub mod coordinate;
mod decay;
mod kernels;
pub mod lars;
pub mod nadam;
pub mod newton;
pub mod noisy_gd;
pub mod registry;
pub mod rmsprop;
pub mod sgd;
pub mod steepest;
pub mod swats;

pub use config::set_hyperparameter;
pub use registry::{OPTIMIZERS, OptimizerEntry, Precision};
