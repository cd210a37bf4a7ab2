//! The CPU half of the optimizer kernels in `shaders/optim.wgsl`: which
//! entry point runs, and the per-step scalars it reads.
//!
//! Hyperparameters arrive as the JSON object of PyTorch-named keys that
//! `sgdlab_core::optim::registry` uses everywhere (`lr`, `momentum`,
//! `beta1`, `beta2`, `eps`, `amsgrad`, …). They are validated by building the
//! CPU optimizer of that name, so the GPU accepts exactly what the CPU
//! accepts, with the same messages. Every scalar is then formed in `f64` the
//! way the CPU optimizer forms it (bias corrections, 1 − β, −lr, …) and
//! rounded to `f32` once, so the GPU's update is the CPU's update.
//!
//! Adam's `bias_correction` (default `true`) is read from the JSON config
//! itself, so it works whether or not the CPU's `AdamConfig` knows the key:
//! when it is `false` the step is θ ← θ − η·m/(√v + ε), without the
//! 1/(1 − β₁ᵗ) and 1/(1 − β₂ᵗ) factors (the same kernel, with those two
//! scalars set to 1).

use crate::GpuError;
use serde_json::Value;
use sgdlab_core::optim::OptimError;
use sgdlab_core::optim::adagrad::AdagradConfig;
use sgdlab_core::optim::adam::AdamConfig;
use sgdlab_core::optim::adamw::AdamWConfig;
use sgdlab_core::optim::registry;
use sgdlab_core::optim::rmsprop::RmsPropConfig;
use sgdlab_core::optim::sgd::SgdConfig;

/// The optimizers that have a GPU kernel.
pub const GPU_OPTIMIZERS: &[&str] = &["sgd", "adam", "adamw", "rmsprop", "adagrad"];

// Flag bits, as in optim.wgsl.
const MAXIMIZE: u32 = 1;
const WEIGHT_DECAY: u32 = 2;
const SGD_MOMENTUM: u32 = 4;
const SGD_NESTEROV: u32 = 8;
const SGD_FIRST_STEP: u32 = 16;
const ADAM_DECOUPLED: u32 = 4;
const ADAM_AMSGRAD: u32 = 8;
const RMSPROP_CENTERED: u32 = 4;
const RMSPROP_MOMENTUM: u32 = 8;

/// An optimizer the GPU can run, with its validated hyperparameters.
#[derive(Clone, Debug, PartialEq)]
pub enum GpuOptimizer {
    /// `torch.optim.SGD`: plain, momentum, Nesterov, weight decay.
    Sgd(SgdConfig),
    /// `torch.optim.Adam`, and AdamW as Adam with decoupled weight decay.
    Adam {
        config: AdamConfig,
        /// Divide m by 1 − β₁ᵗ and v by 1 − β₂ᵗ (the config's
        /// `bias_correction`). Defaults to `true`.
        bias_correction: bool,
    },
    /// `torch.optim.RMSprop`, optionally centered and with momentum.
    RmsProp(RmsPropConfig),
    /// `torch.optim.Adagrad`.
    Adagrad(AdagradConfig),
}

/// What one step of the optimizer kernel reads from the step uniform.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct StepScalars {
    pub flags: u32,
    pub scalars: [f32; 8],
}

fn decode<C: serde::de::DeserializeOwned>(name: &str, config: Value) -> Result<C, GpuError> {
    serde_json::from_value(config)
        .map_err(|e| GpuError::Optimizer(OptimError::Invalid(format!("{name}: {e}"))))
}

fn flag(on: bool, bit: u32) -> u32 {
    if on { bit } else { 0 }
}

impl GpuOptimizer {
    /// The optimizer called `name` with the hyperparameters in `config`
    /// (keys left out keep PyTorch's defaults).
    pub fn from_config(name: &str, config: Value) -> Result<Self, GpuError> {
        // Building the CPU optimizer validates names, keys and values.
        let full = registry::build::<f32>(name, config)?.config();
        let bias_correction = full
            .get("bias_correction")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        match name {
            "sgd" => Ok(Self::Sgd(decode(name, full)?)),
            "adam" => Ok(Self::Adam {
                config: decode(name, full)?,
                bias_correction,
            }),
            "adamw" => Ok(Self::Adam {
                config: decode::<AdamWConfig>(name, full)?.as_adam(),
                bias_correction,
            }),
            "rmsprop" => Ok(Self::RmsProp(decode(name, full)?)),
            "adagrad" => Ok(Self::Adagrad(decode(name, full)?)),
            _ => Err(GpuError::UnsupportedOptimizer {
                name: name.to_string(),
            }),
        }
    }

    /// The entry point in optim.wgsl.
    pub(crate) fn entry_point(&self) -> &'static str {
        match self {
            Self::Sgd(_) => "sgd",
            Self::Adam { .. } => "adam",
            Self::RmsProp(_) => "rmsprop",
            Self::Adagrad(_) => "adagrad",
        }
    }

    /// The learning rate.
    pub fn lr(&self) -> f64 {
        match self {
            Self::Sgd(c) => c.lr,
            Self::Adam { config, .. } => config.lr,
            Self::RmsProp(c) => c.lr,
            Self::Adagrad(c) => c.lr,
        }
    }

    /// Sets the learning rate (what a schedule changes); the state is kept.
    pub fn set_lr(&mut self, lr: f64) {
        match self {
            Self::Sgd(c) => c.lr = lr,
            Self::Adam { config, .. } => config.lr = lr,
            Self::RmsProp(c) => c.lr = lr,
            Self::Adagrad(c) => c.lr = lr,
        }
    }

    /// The value every state entry starts from (only Adagrad's is not 0).
    pub(crate) fn initial_state(&self) -> f32 {
        match self {
            Self::Adagrad(c) => c.initial_accumulator_value as f32,
            _ => 0.0,
        }
    }

    /// The flags and scalars of step `t` (1 for the first step).
    pub(crate) fn step_scalars(&self, t: u64) -> StepScalars {
        let f = |x: f64| x as f32;
        match self {
            Self::Sgd(c) => StepScalars {
                flags: flag(c.maximize, MAXIMIZE)
                    | flag(c.weight_decay != 0.0, WEIGHT_DECAY)
                    | flag(c.momentum != 0.0, SGD_MOMENTUM)
                    | flag(c.nesterov, SGD_NESTEROV)
                    | flag(t == 1, SGD_FIRST_STEP),
                scalars: [
                    f(-c.lr),
                    f(c.momentum),
                    f(1.0 - c.dampening),
                    f(c.weight_decay),
                    0.0,
                    0.0,
                    0.0,
                    0.0,
                ],
            },
            Self::Adam {
                config: c,
                bias_correction,
            } => {
                let t = t as f64;
                let (bias_correction1, bias_correction2) = if *bias_correction {
                    (1.0 - libm::pow(c.beta1, t), 1.0 - libm::pow(c.beta2, t))
                } else {
                    (1.0, 1.0)
                };
                StepScalars {
                    flags: flag(c.maximize, MAXIMIZE)
                        | flag(c.weight_decay != 0.0, WEIGHT_DECAY)
                        | flag(c.decoupled_weight_decay, ADAM_DECOUPLED)
                        | flag(c.amsgrad, ADAM_AMSGRAD),
                    scalars: [
                        f(-(c.lr / bias_correction1)),
                        f(libm::pow(bias_correction2, 0.5)),
                        f(1.0 - c.beta1),
                        f(1.0 - c.beta2),
                        f(c.beta2),
                        f(c.eps),
                        f(c.weight_decay),
                        f(1.0 - c.lr * c.weight_decay),
                    ],
                }
            }
            Self::RmsProp(c) => StepScalars {
                flags: flag(c.maximize, MAXIMIZE)
                    | flag(c.weight_decay != 0.0, WEIGHT_DECAY)
                    | flag(c.centered, RMSPROP_CENTERED)
                    | flag(c.momentum > 0.0, RMSPROP_MOMENTUM),
                scalars: [
                    f(-c.lr),
                    f(c.alpha),
                    f(1.0 - c.alpha),
                    f(c.eps),
                    f(c.momentum),
                    f(c.weight_decay),
                    0.0,
                    0.0,
                ],
            },
            Self::Adagrad(c) => {
                let clr = c.lr / (1.0 + (t as f64 - 1.0) * c.lr_decay);
                StepScalars {
                    flags: flag(c.maximize, MAXIMIZE) | flag(c.weight_decay != 0.0, WEIGHT_DECAY),
                    scalars: [
                        f(-clr),
                        f(c.eps),
                        f(c.weight_decay),
                        0.0,
                        0.0,
                        0.0,
                        0.0,
                        0.0,
                    ],
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn adamw_becomes_adam_with_decoupled_decay_and_its_own_default() {
        let GpuOptimizer::Adam {
            config,
            bias_correction,
        } = GpuOptimizer::from_config("adamw", json!({})).unwrap()
        else {
            panic!("adamw should run the adam kernel");
        };
        assert!(config.decoupled_weight_decay);
        assert_eq!(config.weight_decay, 1e-2);
        assert!(bias_correction, "bias correction is on by default");
    }

    #[test]
    fn adam_without_bias_correction_steps_by_lr_times_m_over_sqrt_v() {
        let optimizer = GpuOptimizer::Adam {
            config: AdamConfig {
                lr: 0.01,
                beta1: 0.9,
                beta2: 0.99,
                ..AdamConfig::default()
            },
            bias_correction: false,
        };
        for t in [1, 2, 50] {
            let step = optimizer.step_scalars(t);
            assert_eq!(step.scalars[0], -0.01_f32, "step {t}");
            assert_eq!(step.scalars[1], 1.0, "step {t}");
            // The rest of the step is Adam's.
            assert_eq!(step.scalars[2], (1.0 - 0.9_f64) as f32);
            assert_eq!(step.scalars[3], (1.0 - 0.99_f64) as f32);
        }
    }

    #[test]
    fn bias_correction_is_read_from_the_json_config() {
        // Whether the CPU's AdamConfig has the key decides whether the config
        // is accepted at all; when it is, the GPU must honour it.
        for name in ["adam", "adamw"] {
            let config = json!({"bias_correction": false});
            match registry::build::<f32>(name, config.clone()) {
                Ok(_) => {
                    let GpuOptimizer::Adam {
                        bias_correction, ..
                    } = GpuOptimizer::from_config(name, config).unwrap()
                    else {
                        panic!("{name} should run the adam kernel");
                    };
                    assert!(!bias_correction, "{name}");
                }
                Err(cpu) => {
                    let gpu = GpuOptimizer::from_config(name, config).unwrap_err();
                    assert_eq!(gpu.to_string(), cpu.to_string(), "{name}");
                }
            }
        }
    }

    #[test]
    fn bad_input_gets_the_cpu_message_or_the_gpu_list() {
        let err = GpuOptimizer::from_config("sgd", json!({"lr": -1.0})).unwrap_err();
        assert_eq!(err.to_string(), "Invalid learning rate: -1.0");
        let err = GpuOptimizer::from_config("lars", json!({})).unwrap_err();
        assert_eq!(
            err.to_string(),
            "optimizer `lars` has no GPU kernel; allowed on the GPU: sgd, adam, adamw, rmsprop, adagrad"
        );
        let err = GpuOptimizer::from_config("adamm", json!({})).unwrap_err();
        assert!(
            err.to_string().contains("unknown optimizer `adamm`"),
            "{err}"
        );
    }

    #[test]
    fn adam_scalars_are_the_bias_corrected_step() {
        let optimizer =
            GpuOptimizer::from_config("adam", json!({"lr": 0.01, "beta1": 0.9, "beta2": 0.99}))
                .unwrap();
        let step = optimizer.step_scalars(2);
        assert_eq!(step.scalars[0], (-0.01 / (1.0 - 0.81_f64)) as f32);
        assert_eq!(step.scalars[1], (1.0 - 0.9801_f64).sqrt() as f32);
        assert_eq!(step.flags, 0);
    }

    #[test]
    fn sgd_marks_only_the_first_step() {
        let optimizer = GpuOptimizer::from_config("sgd", json!({"momentum": 0.9})).unwrap();
        assert_eq!(
            optimizer.step_scalars(1).flags,
            SGD_MOMENTUM | SGD_FIRST_STEP
        );
        assert_eq!(optimizer.step_scalars(2).flags, SGD_MOMENTUM);
    }
}
