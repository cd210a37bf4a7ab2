//! The architecture of the multilayer perceptron, the layout of its
//! parameters in one flat vector, and their seeded initialisation.
//!
//! ```text
//! widths  n₀ = inputs, n₁ … n_(L−1) = hidden, n_L = classes
//! layer l maps n_(l−1) → n_l:   zˡ = aˡ⁻¹·Wˡ + bˡ    Wˡ: n_(l−1)×n_l, bˡ: n_l
//!
//! θ = [W¹ (row-major), b¹, W², b², …, W^L, b^L]        one flat Vec<f32>
//! Wˡ[p, j] sits at offset(Wˡ) + p·n_l + j   (row p = input unit, column j = output unit)
//!
//! initialisation, fan_in = n_(l−1), fan_out = n_l:
//!   relu            Wˡ ~ U(−√(6/fan_in), √(6/fan_in))              (He et al. 2015, uniform)
//!   tanh, sigmoid   Wˡ ~ U(−√(6/(fan_in+fan_out)), √(6/(fan_in+fan_out)))   (Glorot & Bengio 2010)
//!   every bias      bˡ ~ U(−1/√fan_in, 1/√fan_in)                 (as torch.nn.Linear)
//! ```
//!
//! Both weight rules keep the variance of the activations roughly constant
//! from layer to layer at the start. (`torch.nn.Linear` draws its weights
//! from U(−1/√fan_in, 1/√fan_in), a third of the He variance, which shrinks
//! the signal a little at every relu layer.) The biases are drawn like
//! PyTorch's rather than set to zero: with only two inputs, zero biases
//! would make every first-layer unit's boundary pass through the origin.
//!
//! The numbers come from [`SeededRng::derive`]`(seed, "init")`, layer by
//! layer, weights (row-major) before biases, so the initial weights depend
//! on the seed and the architecture only.

use super::{MAX_HIDDEN_LAYERS, MAX_WIDTH, TrainError};
use crate::SeededRng;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Range;

/// The activation names, as the CLI's `--activation` takes them.
pub const ACTIVATION_NAMES: &[&str] = &["relu", "tanh", "sigmoid"];

/// The nonlinearity after every hidden layer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    /// max(z, 0). The default.
    #[default]
    Relu,
    /// tanh z.
    Tanh,
    /// 1 / (1 + e⁻ᶻ).
    Sigmoid,
}

impl Activation {
    /// Every activation, in the order of [`ACTIVATION_NAMES`].
    pub const ALL: [Activation; 3] = [Self::Relu, Self::Tanh, Self::Sigmoid];

    /// The name the CLI and the URL use.
    pub fn name(self) -> &'static str {
        match self {
            Self::Relu => "relu",
            Self::Tanh => "tanh",
            Self::Sigmoid => "sigmoid",
        }
    }

    /// Looks an activation up by name.
    pub fn from_name(name: &str) -> Result<Self, TrainError> {
        Self::ALL
            .into_iter()
            .find(|a| a.name() == name)
            .ok_or_else(|| TrainError::OutOfRange {
                field: "activation",
                value: format!("`{name}`"),
                allowed: ACTIVATION_NAMES.join(", "),
            })
    }
}

impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The shape of a multilayer perceptron.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MlpSpec {
    /// Input features (2 for the lab's datasets).
    pub inputs: usize,
    /// The width of each hidden layer, first to last; may be empty (a
    /// linear classifier).
    pub hidden: Vec<usize>,
    /// Output classes, one logit each.
    pub classes: usize,
    /// The nonlinearity after each hidden layer.
    pub activation: Activation,
}

impl MlpSpec {
    /// Checks the sizes: 1 to [`MAX_WIDTH`] inputs and units per hidden
    /// layer, at most [`MAX_HIDDEN_LAYERS`] hidden layers, at least 2 classes.
    pub fn validate(&self) -> Result<(), TrainError> {
        if self.hidden.len() > MAX_HIDDEN_LAYERS {
            return Err(TrainError::OutOfRange {
                field: "hidden",
                value: format!("{} layers", self.hidden.len()),
                allowed: format!("at most {MAX_HIDDEN_LAYERS} hidden layers"),
            });
        }
        if let Some(&width) = self.hidden.iter().find(|&&w| !(1..=MAX_WIDTH).contains(&w)) {
            return Err(TrainError::OutOfRange {
                field: "hidden",
                value: format!("a layer of width {width}"),
                allowed: format!("widths from 1 to {MAX_WIDTH}"),
            });
        }
        if !(1..=MAX_WIDTH).contains(&self.inputs) {
            return Err(TrainError::OutOfRange {
                field: "inputs",
                value: self.inputs.to_string(),
                allowed: format!("an integer from 1 to {MAX_WIDTH}"),
            });
        }
        if !(2..=MAX_WIDTH).contains(&self.classes) {
            return Err(TrainError::OutOfRange {
                field: "classes",
                value: self.classes.to_string(),
                allowed: format!("an integer from 2 to {MAX_WIDTH}"),
            });
        }
        Ok(())
    }

    /// n₀ … n_L: the inputs, each hidden width, the classes.
    pub fn widths(&self) -> Vec<usize> {
        let mut widths = Vec::with_capacity(self.hidden.len() + 2);
        widths.push(self.inputs);
        widths.extend_from_slice(&self.hidden);
        widths.push(self.classes);
        widths
    }

    /// The number of affine layers L (hidden layers + the output layer).
    pub fn depth(&self) -> usize {
        self.hidden.len() + 1
    }

    /// The widest layer, inputs and classes included.
    pub fn max_width(&self) -> usize {
        self.widths().into_iter().max().unwrap_or(0)
    }

    /// The length of the flat parameter vector: Σₗ (n_(l−1) + 1)·n_l.
    pub fn parameter_count(&self) -> usize {
        self.widths().windows(2).map(|w| (w[0] + 1) * w[1]).sum()
    }

    /// Where each tensor lives in the flat vector: `[W¹, b¹, W², b², …]`,
    /// one range per weight matrix and one per bias vector (2L ranges).
    ///
    /// These are the "layers" of [`StepInput::layers`](crate::optim::StepInput::layers):
    /// LARS computes one trust ratio per range, as PyTorch implementations do
    /// per parameter tensor.
    pub fn layers(&self) -> Vec<Range<usize>> {
        let mut ranges = Vec::with_capacity(2 * self.depth());
        let mut offset = 0;
        for w in self.widths().windows(2) {
            let (fan_in, fan_out) = (w[0], w[1]);
            ranges.push(offset..offset + fan_in * fan_out);
            offset += fan_in * fan_out;
            ranges.push(offset..offset + fan_out);
            offset += fan_out;
        }
        ranges
    }

    /// The names of the ranges of [`layers`](Self::layers): `W1`, `b1`, `W2`, …
    pub fn layer_names(&self) -> Vec<String> {
        (1..=self.depth())
            .flat_map(|l| [format!("W{l}"), format!("b{l}")])
            .collect()
    }

    /// Fresh parameters drawn from `SeededRng::derive(seed, "init")` (see the
    /// module doc for the distributions).
    pub fn init_parameters(&self, seed: u64) -> Vec<f32> {
        let mut rng = SeededRng::derive(seed, "init");
        let mut params = Vec::with_capacity(self.parameter_count());
        for w in self.widths().windows(2) {
            let (fan_in, fan_out) = (w[0] as f64, w[1] as f64);
            let weight_bound = match self.activation {
                Activation::Relu => (6.0 / fan_in).sqrt(),
                Activation::Tanh | Activation::Sigmoid => (6.0 / (fan_in + fan_out)).sqrt(),
            };
            let bias_bound = 1.0 / fan_in.sqrt();
            for _ in 0..w[0] * w[1] {
                params.push(rng.uniform_in(-weight_bound, weight_bound) as f32);
            }
            for _ in 0..w[1] {
                params.push(rng.uniform_in(-bias_bound, bias_bound) as f32);
            }
        }
        params
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(hidden: Vec<usize>, activation: Activation) -> MlpSpec {
        MlpSpec {
            inputs: 2,
            hidden,
            classes: 3,
            activation,
        }
    }

    #[test]
    fn layout_tiles_the_parameter_vector() {
        let s = spec(vec![4, 5], Activation::Relu);
        assert_eq!(s.widths(), [2, 4, 5, 3]);
        assert_eq!(s.parameter_count(), 2 * 4 + 4 + 4 * 5 + 5 + 5 * 3 + 3);
        let layers = s.layers();
        assert_eq!(layers, [0..8, 8..12, 12..32, 32..37, 37..52, 52..55]);
        assert_eq!(s.layer_names(), ["W1", "b1", "W2", "b2", "W3", "b3"]);
        assert_eq!(layers.last().unwrap().end, s.parameter_count());
    }

    #[test]
    fn init_follows_the_seed_and_the_bounds() {
        for activation in Activation::ALL {
            let s = spec(vec![64, 32], activation);
            let a = s.init_parameters(3);
            assert_eq!(a, s.init_parameters(3));
            assert_ne!(a, s.init_parameters(4));
            for (w, range) in s.widths().windows(2).zip(s.layers().chunks(2)) {
                let (fan_in, fan_out) = (w[0] as f32, w[1] as f32);
                let bound = match activation {
                    Activation::Relu => (6.0 / fan_in).sqrt(),
                    _ => (6.0 / (fan_in + fan_out)).sqrt(),
                };
                let weights = &a[range[0].clone()];
                assert!(weights.iter().all(|x| x.abs() <= bound));
                // A uniform draw reaches near both ends of its interval.
                let largest = weights.iter().fold(0.0_f32, |m, x| m.max(x.abs()));
                assert!(largest > 0.8 * bound, "{activation}: {largest} vs {bound}");
                let biases = &a[range[1].clone()];
                assert!(biases.iter().all(|b| b.abs() <= 1.0 / fan_in.sqrt()));
            }
        }
    }

    #[test]
    fn sizes_are_capped_with_messages() {
        let err = spec(vec![8; 7], Activation::Relu).validate().unwrap_err();
        assert_eq!(
            err.to_string(),
            "`hidden` = 7 layers is out of range; allowed: at most 6 hidden layers"
        );
        let err = spec(vec![8, 0], Activation::Relu).validate().unwrap_err();
        assert_eq!(
            err.to_string(),
            "`hidden` = a layer of width 0 is out of range; allowed: widths from 1 to 1024"
        );
        assert!(spec(vec![1025], Activation::Relu).validate().is_err());
        assert!(spec(vec![], Activation::Relu).validate().is_ok());
        assert_eq!(
            Activation::from_name("gelu").unwrap_err().to_string(),
            "`activation` = `gelu` is out of range; allowed: relu, tanh, sigmoid"
        );
    }
}
