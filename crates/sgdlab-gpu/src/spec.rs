//! The network the GPU trains: a multilayer perceptron on 2-D points.
//!
//! ```text
//! A₀ = X                                   (batch × inputs)
//! Aₗ = f(Aₗ₋₁·Wₗ + bₗ)    l = 1 … L−1      (f = relu | tanh | sigmoid)
//! Z  = Aₗ₋₁·W_L + b_L                      (batch × classes, the logits)
//! L  = mean softmax cross-entropy of Z against the labels
//! ```
//!
//! The parameters are one flat `f32` vector, layer after layer:
//! `[W₁ (inputs×h₁, row-major), b₁ (h₁), W₂ (h₁×h₂), b₂, …, W_L, b_L]`,
//! the layout the CPU trainer uses, so one initial vector serves both.

use crate::GpuError;
use std::ops::Range;

/// The most units a layer may have, so a shared link cannot exhaust memory.
pub const MAX_WIDTH: usize = 4096;
/// The most hidden layers.
pub const MAX_HIDDEN_LAYERS: usize = 8;
/// The most classes the loss kernel handles.
pub const MAX_CLASSES: usize = 64;

/// The nonlinearity of the hidden layers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    Relu,
    Tanh,
    Sigmoid,
}

impl Activation {
    /// Every name, as typed on the command line.
    pub const NAMES: &'static [&'static str] = &["relu", "tanh", "sigmoid"];

    /// Looks an activation up by name.
    pub fn from_name(name: &str) -> Result<Self, GpuError> {
        match name {
            "relu" => Ok(Self::Relu),
            "tanh" => Ok(Self::Tanh),
            "sigmoid" => Ok(Self::Sigmoid),
            _ => Err(GpuError::InvalidSpec(format!(
                "unknown activation `{name}`; allowed: {}",
                Self::NAMES.join(", ")
            ))),
        }
    }

    /// The value of the `ACTIVATION` override in elementwise.wgsl.
    pub(crate) fn shader_code(self) -> u32 {
        match self {
            Self::Relu => 1,
            Self::Tanh => 2,
            Self::Sigmoid => 3,
        }
    }
}

/// The shape of the MLP.
#[derive(Clone, Debug, PartialEq)]
pub struct MlpSpec {
    /// Features per example (2 for the playground's datasets).
    pub inputs: usize,
    /// Units of each hidden layer, in order.
    pub hidden: Vec<usize>,
    /// Number of classes (outputs).
    pub classes: usize,
    /// Nonlinearity after each hidden layer.
    pub activation: Activation,
}

/// Where one dense layer's parameters sit in the flat vector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DenseLayer {
    pub fan_in: usize,
    pub fan_out: usize,
    /// W (fan_in×fan_out, row-major).
    pub weights: Range<usize>,
    /// b (fan_out).
    pub bias: Range<usize>,
}

impl MlpSpec {
    /// Checks the sizes against the limits above.
    pub fn validate(&self) -> Result<(), GpuError> {
        if !(1..=MAX_WIDTH).contains(&self.inputs) {
            return Err(GpuError::InvalidSpec(format!(
                "inputs = {} is out of range; allowed: 1 to {MAX_WIDTH}",
                self.inputs
            )));
        }
        if self.hidden.len() > MAX_HIDDEN_LAYERS {
            return Err(GpuError::InvalidSpec(format!(
                "{} hidden layers is too many; allowed: at most {MAX_HIDDEN_LAYERS}",
                self.hidden.len()
            )));
        }
        if let Some(width) = self.hidden.iter().find(|w| !(1..=MAX_WIDTH).contains(*w)) {
            return Err(GpuError::InvalidSpec(format!(
                "a hidden layer of width {width} is out of range; allowed: 1 to {MAX_WIDTH}"
            )));
        }
        if !(2..=MAX_CLASSES).contains(&self.classes) {
            return Err(GpuError::InvalidSpec(format!(
                "classes = {} is out of range; allowed: 2 to {MAX_CLASSES}",
                self.classes
            )));
        }
        Ok(())
    }

    /// The dense layers, input to output, with their places in the flat vector.
    pub fn layers(&self) -> Vec<DenseLayer> {
        let mut widths = vec![self.inputs];
        widths.extend(&self.hidden);
        widths.push(self.classes);
        let mut offset = 0;
        widths
            .windows(2)
            .map(|pair| {
                let (fan_in, fan_out) = (pair[0], pair[1]);
                let weights = offset..offset + fan_in * fan_out;
                let bias = weights.end..weights.end + fan_out;
                offset = bias.end;
                DenseLayer {
                    fan_in,
                    fan_out,
                    weights,
                    bias,
                }
            })
            .collect()
    }

    /// Length of the flat parameter vector.
    pub fn param_count(&self) -> usize {
        self.layers().last().map_or(0, |layer| layer.bias.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_tile_the_flat_vector_in_order() {
        let spec = MlpSpec {
            inputs: 2,
            hidden: vec![3, 4],
            classes: 2,
            activation: Activation::Tanh,
        };
        let layers = spec.layers();
        assert_eq!(layers.len(), 3);
        assert_eq!(layers[0].weights, 0..6);
        assert_eq!(layers[0].bias, 6..9);
        assert_eq!(layers[1].weights, 9..21);
        assert_eq!(layers[1].bias, 21..25);
        assert_eq!(layers[2].weights, 25..33);
        assert_eq!(layers[2].bias, 33..35);
        assert_eq!(spec.param_count(), 35);
    }

    #[test]
    fn bad_shapes_say_what_is_allowed() {
        let spec = MlpSpec {
            inputs: 2,
            hidden: vec![0],
            classes: 2,
            activation: Activation::Relu,
        };
        let message = spec.validate().unwrap_err().to_string();
        assert!(
            message.contains("width 0") && message.contains("1 to 4096"),
            "{message}"
        );
        let message = Activation::from_name("gelu").unwrap_err().to_string();
        assert!(
            message.contains("`gelu`") && message.contains("relu, tanh, sigmoid"),
            "{message}"
        );
    }
}
