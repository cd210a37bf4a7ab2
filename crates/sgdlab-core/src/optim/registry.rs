//! Building optimizers by name: what the CLI, the page and the URL hash use.

use super::coordinate::CoordinateDescent;
use super::lars::Lars;
use super::newton::Newton;
use super::noisy_gd::NoisyGd;
use super::swats::Swats;
use super::{
    OptimError, Optimizer, adadelta::Adadelta, adagrad::Adagrad, adam::Adam, adamax::Adamax,
    adamw::AdamW, nadam::NAdam, rmsprop::RmsProp, sgd::Sgd,
};
use crate::Real;
use serde_json::Value;

/// The optimizer called `name` with its default hyperparameters.
pub fn default_optimizer<T: Real>(name: &str) -> Result<Box<dyn Optimizer<T>>, OptimError> {
    Ok(match name {
        "sgd" => Box::new(Sgd::<T>::new(Default::default())?),
        "adagrad" => Box::new(Adagrad::<T>::new(Default::default())?),
        "rmsprop" => Box::new(RmsProp::<T>::new(Default::default())?),
        "adadelta" => Box::new(Adadelta::<T>::new(Default::default())?),
        "adam" => Box::new(Adam::<T>::new(Default::default())?),
        "adamw" => Box::new(AdamW::<T>::new(Default::default())?),
        "adamax" => Box::new(Adamax::<T>::new(Default::default())?),
        "nadam" => Box::new(NAdam::<T>::new(Default::default())?),
        "lars" => Box::new(Lars::<T>::new(Default::default())?),
        "newton" => Box::new(Newton::<T>::new(Default::default())?),
        "coordinate" => Box::new(CoordinateDescent::<T>::new(Default::default())?),
        "swats" => Box::new(Swats::<T>::new(Default::default())?),
        "noisy_gd" => Box::new(NoisyGd::<T>::new(Default::default())?),
        _ => {
            return Err(OptimError::UnknownOptimizer {
                name: name.to_string(),
            });
        }
    })
}

/// The optimizer called `name` with the hyperparameters in `config` (a JSON
/// object of PyTorch-named keys); keys it leaves out keep their defaults.
pub fn build<T: Real>(name: &str, config: Value) -> Result<Box<dyn Optimizer<T>>, OptimError> {
    let mut optimizer = default_optimizer(name)?;
    optimizer.set_config(config)?;
    Ok(optimizer)
}

/// A one-line description of each optimizer, for `sgdlab list` and the page.
pub fn describe(name: &str) -> &'static str {
    match name {
        "sgd" => {
            "stochastic gradient descent with momentum, dampening, Nesterov and weight decay (torch.optim.SGD)"
        }
        "adagrad" => {
            "per-coordinate steps shrinking with the sum of squared gradients (torch.optim.Adagrad)"
        }
        "rmsprop" => "steps scaled by a moving average of squared gradients (torch.optim.RMSprop)",
        "adadelta" => {
            "RMSprop with the step size itself tracked as a moving average (torch.optim.Adadelta)"
        }
        "adam" => {
            "momentum plus RMSprop scaling with bias correction; AMSGrad optional (torch.optim.Adam)"
        }
        "adamw" => "Adam with weight decay decoupled from the gradient (torch.optim.AdamW)",
        "adamax" => {
            "Adam with the infinity norm in place of the squared-gradient average (torch.optim.Adamax)"
        }
        "nadam" => "Adam with Nesterov momentum (torch.optim.NAdam)",
        "lars" => {
            "layer-wise adaptive rate scaling: each layer's step scaled by ‖w‖/‖∇L‖ (You et al. 2017)"
        }
        "newton" => {
            "Newton's method: step to the stationary point of the local quadratic model, optional damping"
        }
        "coordinate" => "cyclic coordinate descent: a gradient step along one axis at a time",
        "swats" => {
            "Adam that switches to SGD once the projected step size settles (Keskar & Socher 2017)"
        }
        "noisy_gd" => {
            "full gradient descent plus isotropic Gaussian noise, to contrast with minibatch noise"
        }
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optim::NAMES;

    #[test]
    fn every_name_builds_with_defaults_and_round_trips_its_config() {
        for name in NAMES {
            let optimizer = default_optimizer::<f64>(name).unwrap();
            assert_eq!(optimizer.name(), *name);
            assert!(!optimizer.update_rule().is_empty());
            assert!(!describe(name).is_empty());
            let rebuilt = build::<f64>(name, optimizer.config()).unwrap();
            assert_eq!(rebuilt.config(), optimizer.config());
            assert!(optimizer.config().get("lr").is_some(), "{name} has no lr");
        }
    }

    #[test]
    fn unknown_names_and_keys_are_errors_listing_what_exists() {
        let err = default_optimizer::<f64>("adamm").err().unwrap().to_string();
        assert!(
            err.contains("unknown optimizer `adamm`") && err.contains("adamw"),
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
