//! Implicit regularisation of SGD (Smith, Dherin, Barrett & De 2021): the
//! mean of many SGD runs follows the gradient flow of a modified loss, not
//! of the loss itself.
//!
//! ```text
//! SGD, random reshuffling    w ← w − η·∇L_B(w),   B runs through a fresh permutation each epoch
//! mean iterate               μ_k = E[w_k]   (over the shuffles)
//! modified loss              L̃(w) = L(w) + (η/4)·E‖∇L_B(w) − ∇L(w)‖² + (η/4)·‖∇L(w)‖²
//! the claim                  μ_k ≈ w̃(k·η),   dw̃/dt = −∇L̃(w̃)      (error O(η²) per epoch)
//! ```
//!
//! The first added term penalises regions where the minibatch gradients
//! disagree with each other; its weight grows with η and, through
//! E‖∇L_B − ∇L‖² = (n − B)/(B(n − 1))·σ², with 1/B. The second is the
//! implicit regulariser of full-batch gradient descent itself (Barrett &
//! Dherin 2021): a finite step overshoots the flow of L by exactly that
//! much. On a two-parameter landscape built from data (the stochastic
//! view's linear or logistic regression) every term is computed exactly
//! over the dataset, and R seeded replicas estimate μ.
//!
//! - [`modified_loss`]: L, E‖∇L_B − ∇L‖², L̃ and ∇L̃, and heatmap grids of
//!   L, L̃ and L̃ − L ([`ModifiedLoss`], [`Quantity`]);
//! - [`flow`]: the gradient flows, integrated by RK4 ([`GradientFlow`]);
//! - [`config`]: the settings and their limits ([`ImplicitRegConfig`]);
//! - [`engine`]: the replicas, their mean and the two flows, stepped
//!   together, with the gaps at epoch ends ([`ImplicitReg`]).
//!
//! ```
//! use sgdlab_core::implicit_reg::{ImplicitReg, ImplicitRegConfig};
//! let config = ImplicitRegConfig { replicas: 200, ..ImplicitRegConfig::default() };
//! let mut run = ImplicitReg::new(&config).unwrap();
//! run.step(run.total_steps());
//! let report = run.report();
//! assert!(report.gap_modified.unwrap() < report.gap_plain.unwrap());
//! ```

pub mod config;
pub mod engine;
pub mod flow;
pub mod modified_loss;

pub use config::ImplicitRegConfig;
pub use engine::{Checkpoint, ImplicitReg, ImplicitRegReport, TRAILS};
pub use flow::GradientFlow;
pub use modified_loss::{LossTerms, ModifiedLoss, Quantity};
