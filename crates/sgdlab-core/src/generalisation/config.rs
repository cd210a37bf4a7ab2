//! The settings of the generalisation experiment, with their limits.
//!
//! Proposed link keys (`view=generalisation`):
//!
//! ```text
//! n=40  p=0.7  test=1000  seed=0                 the training set, the test set, their labels
//! steps=1000                                     full-batch steps of every racer
//! sgd_lr=0.5  adam_lr=0.01  adagrad_lr=0.1  rmsprop_lr=0.001    each racer's learning rate
//! ```

use crate::playground::FieldError;
use crate::link::format_number;
use serde::{Deserialize, Serialize};

/// The most training examples: the features have 3 + up to 5n columns, and
/// every step touches each nonzero once per racer.
pub const MAX_TRAIN_SAMPLES: usize = 1000;
/// The most test points. They cost nothing per step (only their labels
/// matter), so the cap only bounds the memory.
pub const MAX_TEST_SAMPLES: usize = 100_000;
/// The most steps one run may take.
pub const MAX_STEPS: u64 = 100_000;
/// The largest learning rate accepted.
pub const MAX_LR: f64 = 10.0;

/// Everything one generalisation run needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GeneralisationConfig {
    /// Training examples n, 1 to [`MAX_TRAIN_SAMPLES`]. Defaults to `40`.
    pub samples: usize,
    /// The chance p that a label is +1, in [0, 1] (the paper takes p > ½).
    /// Defaults to `0.7`.
    pub p: f64,
    /// Test points, 1 to [`MAX_TEST_SAMPLES`]. Defaults to `1000`.
    pub test_samples: usize,
    /// Drives the training and test labels. Defaults to `0`.
    pub seed: u64,
    /// Full-batch steps of every racer, 1 to [`MAX_STEPS`]. Defaults to `1000`.
    pub steps: u64,
    /// Learning rate of gradient descent (`torch.optim.SGD`), 0 to
    /// [`MAX_LR`]. Defaults to `0.5`.
    pub sgd_lr: f64,
    /// Learning rate of `torch.optim.Adam`, 0 to [`MAX_LR`]. Defaults to `0.01`.
    pub adam_lr: f64,
    /// Learning rate of `torch.optim.Adagrad`, 0 to [`MAX_LR`]. Defaults to `0.1`.
    pub adagrad_lr: f64,
    /// Learning rate of `torch.optim.RMSprop`, 0 to [`MAX_LR`]. Defaults to `0.001`.
    pub rmsprop_lr: f64,
}

impl Default for GeneralisationConfig {
    fn default() -> Self {
        Self {
            samples: 40,
            p: 0.7,
            test_samples: 1000,
            seed: 0,
            steps: 1000,
            sgd_lr: 0.5,
            adam_lr: 0.01,
            adagrad_lr: 0.1,
            rmsprop_lr: 0.001,
        }
    }
}

fn check_count(key: &str, what: &str, value: u64, low: u64, high: u64) -> Result<(), FieldError> {
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

impl GeneralisationConfig {
    /// Each racer's link key and learning rate, in the engine's order.
    pub fn learning_rates(&self) -> [(&'static str, f64); 4] {
        [
            ("sgd_lr", self.sgd_lr),
            ("adam_lr", self.adam_lr),
            ("adagrad_lr", self.adagrad_lr),
            ("rmsprop_lr", self.rmsprop_lr),
        ]
    }

    /// Checks every setting; the error's `field` is the link key at fault.
    pub fn validate(&self) -> Result<(), FieldError> {
        check_count(
            "n",
            "the number of training examples",
            self.samples as u64,
            1,
            MAX_TRAIN_SAMPLES as u64,
        )?;
        check_range("p", "p, the chance of a +1 label,", self.p, 0.0, 1.0)?;
        check_count(
            "test",
            "the number of test points",
            self.test_samples as u64,
            1,
            MAX_TEST_SAMPLES as u64,
        )?;
        check_count("steps", "steps", self.steps, 1, MAX_STEPS)?;
        for (key, lr) in self.learning_rates() {
            check_range(key, "the learning rate", lr, 0.0, MAX_LR)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bad_settings_name_their_key() {
        let base = GeneralisationConfig::default();
        assert_eq!(base.validate(), Ok(()));
        let error = |config: GeneralisationConfig| config.validate().unwrap_err();
        let e = error(GeneralisationConfig {
            samples: 0,
            ..base.clone()
        });
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            (
                "n",
                "the number of training examples must be a whole number from 1 to 1000, got 0"
            )
        );
        let e = error(GeneralisationConfig {
            p: 1.5,
            ..base.clone()
        });
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            (
                "p",
                "p, the chance of a +1 label, must be a number from 0 to 1, got 1.5"
            )
        );
        assert_eq!(
            error(GeneralisationConfig {
                p: f64::NAN,
                ..base.clone()
            })
            .field,
            "p"
        );
        assert_eq!(
            error(GeneralisationConfig {
                test_samples: 100_001,
                ..base.clone()
            })
            .field,
            "test"
        );
        assert_eq!(
            error(GeneralisationConfig {
                steps: 0,
                ..base.clone()
            })
            .field,
            "steps"
        );
        let e = error(GeneralisationConfig {
            rmsprop_lr: -1.0,
            ..base.clone()
        });
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            (
                "rmsprop_lr",
                "the learning rate must be a number from 0 to 10, got -1"
            )
        );
        assert_eq!(
            error(GeneralisationConfig {
                sgd_lr: 11.0,
                ..base
            })
            .field,
            "sgd_lr"
        );
    }
}
