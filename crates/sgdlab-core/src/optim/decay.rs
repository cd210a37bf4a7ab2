//! What `torch.optim`'s rules share before their own arithmetic starts:
//! `maximize` and weight decay, written once and used by every optimizer
//! that has them (the role of burn's `decay.rs` and optax's
//! `add_decayed_weights` in a chain).
//!
//! ```text
//! g ← −∇L(θ)   if maximize,  else  g ← ∇L(θ)
//! g ← g + λθ                       (L2 weight decay, λ = weight_decay)
//! θ ← θ·(1 − ηλ)                   (decoupled weight decay, instead of the line above)
//! ```
//!
//! The order is PyTorch's: the sign first, then the decay, so that with
//! `maximize` the L2 term still pulls θ towards 0. With λ = 0 nothing is
//! added (PyTorch skips the operation, so the gradient keeps its bits).

use super::kernels::add_scaled;
use crate::Real;

/// `maximize`: the gradient to descend along, −∇L when ascending.
pub(crate) fn oriented<T: Real>(grad: T, maximize: bool) -> T {
    if maximize { -grad } else { grad }
}

/// How weight decay λ enters a step (dfdx's `WeightDecay`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum WeightDecay<T> {
    /// λ = 0.
    Off,
    /// g ← g + λθ, fused as `grad.add(param, alpha=λ)`.
    L2(T),
    /// θ ← θ·(1 − ηλ); holds the factor 1 − ηλ.
    Decoupled(T),
}

impl<T: Real> WeightDecay<T> {
    /// L2 decay λ (`weight_decay` of SGD, Adagrad, RMSprop, Adadelta, Adamax).
    pub(crate) fn l2(weight_decay: f64) -> Self {
        Self::new(weight_decay, false, 0.0)
    }

    /// λ as L2 or, when `decoupled`, as a shrink by 1 − ηλ (Adam, AdamW,
    /// NAdam). The factor is formed in f64, as Python forms it.
    pub(crate) fn new(weight_decay: f64, decoupled: bool, lr: f64) -> Self {
        if weight_decay == 0.0 {
            Self::Off
        } else if decoupled {
            Self::Decoupled(T::from_f64(1.0 - lr * weight_decay))
        } else {
            Self::L2(T::from_f64(weight_decay))
        }
    }

    /// Applies the decay to one coordinate: returns the gradient the rule
    /// uses, and shrinks `param` when the decay is decoupled.
    pub(crate) fn apply(self, param: &mut T, grad: T) -> T {
        match self {
            Self::Off => grad,
            Self::L2(weight_decay) => add_scaled(grad, weight_decay, *param),
            Self::Decoupled(factor) => {
                *param *= factor;
                grad
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn l2_adds_lambda_theta_after_the_sign() {
        let mut theta = 2.0_f64;
        let decay = WeightDecay::l2(0.5);
        assert_eq!(decay.apply(&mut theta, oriented(3.0, true)), -2.0);
        assert_eq!(theta, 2.0);
        assert_eq!(decay.apply(&mut theta, oriented(3.0, false)), 4.0);
    }

    #[test]
    fn decoupled_shrinks_theta_and_leaves_the_gradient() {
        let mut theta = 2.0_f64;
        let decay = WeightDecay::new(0.5, true, 0.1);
        assert_eq!(decay, WeightDecay::Decoupled(0.95));
        assert_eq!(decay.apply(&mut theta, 3.0), 3.0);
        assert_eq!(theta, 1.9);
    }

    #[test]
    fn zero_decay_is_off_and_keeps_the_bits() {
        let mut theta = 1.0_f64;
        for decoupled in [false, true] {
            let decay = WeightDecay::new(0.0, decoupled, 0.1);
            assert_eq!(decay, WeightDecay::Off);
            assert_eq!(
                decay.apply(&mut theta, -0.0).to_bits(),
                (-0.0_f64).to_bits()
            );
        }
        assert_eq!(theta, 1.0);
    }
}
