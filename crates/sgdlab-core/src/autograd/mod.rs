//! Reverse-mode automatic differentiation over dense matrices.
//!
//! A [`Graph`] is a tape. Every op computes its value immediately and records
//! which nodes it came from; [`Graph::backward`] then walks the tape from the
//! loss back to the parameters, applying the chain rule once per node:
//!
//! ```text
//! y = f(x₁, x₂)   ⇒   ∂L/∂xₖ += (∂y/∂xₖ)ᵀ · ∂L/∂y
//! ```
//!
//! Values are [`Tensor`]s: row-major rows × cols matrices, with a scalar as
//! 1×1. The same code runs in `f64` (loss landscapes, where exact agreement
//! with references matters) and `f32` (network training).
//!
//! Each op's forward code and derivative rule sit together in one file:
//! - `elementwise.rs`: `add sub mul div pow minimum maximum` and
//!   `neg scale add_scalar powf exp log sqrt abs sin cos tan tanh sigmoid relu`;
//! - `linalg.rs`: `matmul transpose add_row`;
//! - `reduce.rs`: `sum mean sum_axis mean_axis`;
//! - `loss.rs`: `softmax_cross_entropy mse`;
//! - `per_example.rs`: [`per_example_gradients`], one gradient per example
//!   of a minibatch.
//!
//! # Ops
//! Shapes are checked when an op is recorded; a mismatch is a programmer
//! error and panics with both shapes in the message. Elementwise binary ops
//! need equal shapes (no implicit broadcasting); `add_row` adds a bias row.
//!
//! # Example
//! ```
//! use sgdlab_core::autograd::{Graph, Tensor};
//! // f(x, y) = x·y + sin x at (2, 3)
//! let mut g = Graph::<f64>::new();
//! let x = g.param(Tensor::scalar(2.0));
//! let y = g.param(Tensor::scalar(3.0));
//! let xy = g.mul(x, y);
//! let sin_x = g.sin(x);
//! let f = g.add(xy, sin_x);
//! let grads = g.backward(f);
//! assert_eq!(grads.get(x).unwrap().item(), 3.0 + libm::cos(2.0)); // y + cos x
//! assert_eq!(grads.get(y).unwrap().item(), 2.0); // x
//! ```

mod elementwise;
mod graph;
mod linalg;
mod loss;
mod per_example;
mod reduce;
mod tensor;

#[cfg(test)]
mod tests;

pub use graph::{Gradients, Graph, Var};
pub use per_example::per_example_gradients;
pub use reduce::Axis;
pub use tensor::{ShapeError, Tensor};
