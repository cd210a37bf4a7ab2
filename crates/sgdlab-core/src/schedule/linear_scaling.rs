//! The linear scaling rule (Goyal et al. 2017, "Accurate, Large Minibatch
//! SGD: Training ImageNet in 1 Hour", §2.1).
//!
//! ```text
//! η = η_base · B / B_base
//! ```
//!
//! When the minibatch grows k-fold, multiply the learning rate by k. k small
//! steps of SGD at rate η_base and one step at rate k·η_base over a batch k
//! times larger move the weights by about the same amount, provided the
//! gradient barely changes during those k small steps. That proviso fails
//! early in training, which is why the rule comes with a warm-up
//! ([`super::LinearWarmup`]).

/// The learning rate for batch size `batch`, given that `base_lr` works for
/// `base_batch`.
///
/// `base_batch` must be positive (a batch size of 0 is a programmer's bug;
/// user-typed batch sizes are validated where they are read).
///
/// ```
/// use sgdlab_core::schedule::linear_scaling_rule;
/// assert_eq!(linear_scaling_rule(0.1, 256, 8192), 3.2); // Goyal et al.'s ResNet-50
/// ```
pub fn linear_scaling_rule(base_lr: f64, base_batch: usize, batch: usize) -> f64 {
    assert!(base_batch > 0, "the base batch size must be positive");
    base_lr * batch as f64 / base_batch as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_in_proportion_to_the_batch() {
        assert_eq!(linear_scaling_rule(0.1, 32, 32), 0.1);
        assert_eq!(linear_scaling_rule(0.1, 32, 128), 0.4);
        assert_eq!(linear_scaling_rule(0.2, 64, 16), 0.05);
    }
}
