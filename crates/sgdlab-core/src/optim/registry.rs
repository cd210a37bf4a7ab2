//! The table of optimizers: the one list the CLI, the page, the URL hash,
//! the tests and the benchmarks read.
//!
//! Adding an optimizer is one file in `optim/` (named after it: `sgd.rs`
//! for `"sgd"`) and one line in [`OPTIMIZERS`]. Everything else, such as
//! `sgdlab list optimizers`, the page's menu, the error listing the names
//! that exist, the golden tests and the benchmarks, follows from the table.
//!
//! ```
//! use sgdlab_core::optim::{OPTIMIZERS, registry};
//! for entry in OPTIMIZERS {
//!     let optimizer = entry.build::<f64>().unwrap();
//!     assert_eq!(optimizer.name(), entry.name);
//! }
//! let adam = registry::lookup("adam").unwrap();
//! assert_eq!(adam.torch, Some("torch.optim.Adam"));
//! let sgd = registry::build::<f32>("sgd", serde_json::json!({"momentum": 0.9})).unwrap();
//! assert_eq!(sgd.config()["momentum"], 0.9);
//! ```

use super::adadelta::Adadelta;
use super::adagrad::Adagrad;
use super::adam::Adam;
use super::adamax::Adamax;
use super::adamw::AdamW;
use super::coordinate::CoordinateDescent;
use super::lars::Lars;
use super::nadam::NAdam;
use super::newton::Newton;
use super::noisy_gd::NoisyGd;
use super::rmsprop::RmsProp;
use super::sgd::Sgd;
use super::steepest::SteepestDescent;
use super::swats::Swats;
use super::{OptimError, Optimizer};
use crate::Real;
use serde_json::Value;

/// Builds an optimizer with its default hyperparameters.
pub type Constructor<T> = fn() -> Result<Box<dyn Optimizer<T>>, OptimError>;

/// One optimizer the registry knows.
#[derive(Clone, Copy, Debug)]
pub struct OptimizerEntry {
    /// The name users type (`--optimizer adam`, `o=adam` in a link); also
    /// the name of its file in `optim/`.
    pub name: &'static str,
    /// One line on what it does, for `sgdlab list optimizers` and the page.
    pub description: &'static str,
    /// The `torch.optim` class it matches to the bit, if any.
    pub torch: Option<&'static str>,
    /// The `f32` build (the network trainer, the GPU's reference).
    pub f32: Constructor<f32>,
    /// The `f64` build (the landscapes, the golden tests).
    pub f64: Constructor<f64>,
}

impl OptimizerEntry {
    /// The optimizer with its default hyperparameters, in `T`.
    pub fn build<T: Precision>(&self) -> Result<Box<dyn Optimizer<T>>, OptimError> {
        (T::constructor(self))()
    }
}

/// The float types an optimizer is built in: picks the entry's constructor.
pub trait Precision: Real {
    fn constructor(entry: &OptimizerEntry) -> Constructor<Self>;
}

impl Precision for f32 {
    fn constructor(entry: &OptimizerEntry) -> Constructor<f32> {
        entry.f32
    }
}

impl Precision for f64 {
    fn constructor(entry: &OptimizerEntry) -> Constructor<f64> {
        entry.f64
    }
}

/// One row of [`OPTIMIZERS`]: `entry!(name, Type, torch class or None, description)`.
macro_rules! entry {
    ($name:literal, $optimizer:ident, $torch:expr, $description:literal) => {
        OptimizerEntry {
            name: $name,
            description: $description,
            torch: $torch,
            f32: || Ok(Box::new($optimizer::<f32>::new(Default::default())?)),
            f64: || Ok(Box::new($optimizer::<f64>::new(Default::default())?)),
        }
    };
}

/// Every optimizer, in display order.
pub const OPTIMIZERS: &[OptimizerEntry] = &[
    entry!(
        "sgd",
        Sgd,
        Some("torch.optim.SGD"),
        "stochastic gradient descent with momentum, dampening, Nesterov and weight decay"
    ),
    entry!(
        "adagrad",
        Adagrad,
        Some("torch.optim.Adagrad"),
        "per-coordinate steps shrinking with the sum of squared gradients"
    ),
    entry!(
        "rmsprop",
        RmsProp,
        Some("torch.optim.RMSprop"),
        "steps scaled by a moving average of squared gradients"
    ),
    entry!(
        "adadelta",
        Adadelta,
        Some("torch.optim.Adadelta"),
        "RMSprop with the step size itself tracked as a moving average"
    ),
    entry!(
        "adam",
        Adam,
        Some("torch.optim.Adam"),
        "momentum plus RMSprop scaling with bias correction; AMSGrad optional"
    ),
    entry!(
        "adamw",
        AdamW,
        Some("torch.optim.AdamW"),
        "Adam with weight decay decoupled from the gradient"
    ),
    entry!(
        "adamax",
        Adamax,
        Some("torch.optim.Adamax"),
        "Adam with the infinity norm in place of the squared-gradient average"
    ),
    entry!(
        "nadam",
        NAdam,
        Some("torch.optim.NAdam"),
        "Adam with Nesterov momentum"
    ),
    entry!(
        "lars",
        Lars,
        None,
        "layer-wise adaptive rate scaling: each layer's step scaled by ‖w‖/‖∇L‖ (You et al. 2017)"
    ),
    entry!(
        "steepest",
        SteepestDescent,
        None,
        "steepest descent in the l2, l1 or l∞ norm, with an optional exact or Armijo line search"
    ),
    entry!(
        "newton",
        Newton,
        None,
        "Newton's method: step to the stationary point of the local quadratic model; damped or saddle-free"
    ),
    entry!(
        "coordinate",
        CoordinateDescent,
        None,
        "cyclic coordinate descent: a gradient step along one axis at a time"
    ),
    entry!(
        "swats",
        Swats,
        None,
        "Adam that switches to SGD once the projected step size settles (Keskar & Socher 2017)"
    ),
    entry!(
        "noisy_gd",
        NoisyGd,
        None,
        "full gradient descent plus isotropic Gaussian noise, to contrast with minibatch noise"
    ),
];

/// The entry called `name`.
pub fn lookup(name: &str) -> Result<&'static OptimizerEntry, OptimError> {
    OPTIMIZERS
        .iter()
        .find(|entry| entry.name == name)
        .ok_or_else(|| OptimError::UnknownOptimizer {
            name: name.to_string(),
        })
}

/// Every name, in the order of [`OPTIMIZERS`].
pub fn names() -> impl Iterator<Item = &'static str> {
    OPTIMIZERS.iter().map(|entry| entry.name)
}

/// The optimizer called `name` with its default hyperparameters.
pub fn default_optimizer<T: Precision>(name: &str) -> Result<Box<dyn Optimizer<T>>, OptimError> {
    lookup(name)?.build()
}

/// The optimizer called `name` with the hyperparameters in `config` (a JSON
/// object of PyTorch-named keys); keys it leaves out keep their defaults.
pub fn build<T: Precision>(name: &str, config: Value) -> Result<Box<dyn Optimizer<T>>, OptimError> {
    let mut optimizer = default_optimizer(name)?;
    optimizer.set_config(config)?;
    Ok(optimizer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_builds_in_both_precisions_and_round_trips_its_config() {
        for entry in OPTIMIZERS {
            let name = entry.name;
            let optimizer = entry.build::<f64>().unwrap();
            let narrow = entry.build::<f32>().unwrap();
            assert_eq!(optimizer.name(), name);
            assert_eq!(narrow.name(), name);
            assert_eq!(narrow.config(), optimizer.config(), "{name}");
            assert!(!optimizer.update_rule().is_empty());
            assert!(!entry.description.is_empty());
            let rebuilt = build::<f64>(name, optimizer.config()).unwrap();
            assert_eq!(rebuilt.config(), optimizer.config());
            assert!(optimizer.config().get("lr").is_some(), "{name} has no lr");
        }
    }

    /// The first ```text block of a file's module doc (`//!` lines).
    fn module_doc_rule(source: &str) -> Option<String> {
        let mut doc = source
            .lines()
            .take_while(|line| line.starts_with("//!"))
            .map(|line| line.strip_prefix("//! ").unwrap_or(&line[3..]));
        doc.find(|line| *line == "```text")?;
        let block: Vec<&str> = doc.take_while(|line| *line != "```").collect();
        Some(block.join("\n"))
    }

    #[test]
    fn every_update_rule_is_the_rule_in_its_files_module_doc() {
        for entry in OPTIMIZERS {
            let path = format!("{}/src/optim/{}.rs", env!("CARGO_MANIFEST_DIR"), entry.name);
            let source = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: each optimizer lives in {path}: {e}", entry.name));
            let documented = module_doc_rule(&source)
                .unwrap_or_else(|| panic!("{path}: no ```text block in the module doc"));
            assert!(documented.lines().count() >= 2, "{path}");
            assert_eq!(
                entry.build::<f64>().unwrap().update_rule(),
                documented,
                "{path}: update_rule() and the module doc disagree"
            );
        }
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<&str> = names().collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count);
    }

    #[test]
    fn unknown_names_and_keys_are_errors_listing_what_exists() {
        let err = default_optimizer::<f64>("adamm").err().unwrap().to_string();
        assert!(
            err.contains("unknown optimizer `adamm`") && err.contains("adamw, adamax"),
            "{err}"
        );
        let err = build::<f64>("adam", serde_json::json!({"betas": 0.9}))
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("no hyperparameter `betas`") && err.contains("beta1"),
            "{err}"
        );
    }
}
