//! Per-example gradients: ∇ℓᵢ(θ) for each example i of a minibatch.
//!
//! ```text
//! L_B(θ) = (1/B) Σᵢ ℓᵢ(θ)          the minibatch loss
//! ∇L_B   = (1/B) Σᵢ ∇ℓᵢ            its gradient is the mean of these
//! ```
//!
//! The spread of the ∇ℓᵢ around their mean is the gradient noise of SGD:
//! the lessons on minibatch noise (variance ∝ 1/B) and on implicit
//! regularisation (the penalty E‖∇L_B − ∇L‖²) are computed from it.
//!
//! Each example gets its own backward pass on one reused graph. That is B
//! times the work of one batched pass, which is fine at the sizes the
//! lessons use.

use super::{Graph, Tensor, Var};
use crate::Real;

/// The gradient of each of `examples` losses with respect to its parameters.
///
/// `build(graph, i)` records example i's loss on the (cleared) graph and
/// returns it with the parameter nodes whose gradients are wanted, in a fixed
/// order. The result holds, for each example i, one tensor per parameter in
/// that order.
///
/// Panics (a programmer error) if a returned parameter was recorded with
/// [`Graph::input`] instead of [`Graph::param`].
///
/// ```
/// use sgdlab_core::autograd::{Tensor, per_example_gradients};
/// // ℓᵢ(w) = (w·xᵢ − yᵢ)² for one weight w = 2, xᵢ = i, yᵢ = 1.
/// let grads = per_example_gradients(3, |g, i| {
///     let w = g.param(Tensor::scalar(2.0_f64));
///     let x = g.input(Tensor::scalar(i as f64));
///     let y = g.input(Tensor::scalar(1.0));
///     let prediction = g.mul(w, x);
///     let loss = g.mse(prediction, y);
///     (loss, vec![w])
/// });
/// // ∂ℓᵢ/∂w = 2(w·xᵢ − yᵢ)·xᵢ = 0, 2, 12
/// let values: Vec<f64> = grads.iter().map(|example| example[0].item()).collect();
/// assert_eq!(values, [0.0, 2.0, 12.0]);
/// ```
pub fn per_example_gradients<T, F>(examples: usize, mut build: F) -> Vec<Vec<Tensor<T>>>
where
    T: Real,
    F: FnMut(&mut Graph<T>, usize) -> (Var, Vec<Var>),
{
    let mut graph = Graph::new();
    let mut gradients = super::Gradients::new();
    (0..examples)
        .map(|example| {
            graph.clear();
            let (loss, params) = build(&mut graph, example);
            graph.backward_into(loss, &mut gradients);
            params
                .iter()
                .map(|&param| {
                    gradients
                        .get(param)
                        .unwrap_or_else(|| {
                            panic!(
                                "per_example_gradients: node {} is not a parameter recorded before the loss",
                                param.0
                            )
                        })
                        .clone()
                })
                .collect()
        })
        .collect()
}
