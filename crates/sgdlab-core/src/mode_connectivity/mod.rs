//! Mode connectivity (Garipov et al. 2018): two networks trained from
//! different seeds reach equally good minima, the straight line between
//! them crosses a ridge of high loss, and a simple curve between them does
//! not.
//!
//! ```text
//! endpoints   w₁, w₂: the same network and data, different initial weights and shuffles
//! line        λ(t) = (1 − t)·w₁ + t·w₂                       L(λ(½)) ≫ L(w₁) ≈ L(w₂)
//! curve       φ(t) = (1 − t)²·w₁ + 2t(1 − t)·θ + t²·w₂        quadratic Bézier, bend θ
//! training    min_θ E_{t∼U[0,1]} L(φ(t)),   one fresh t per minibatch, w₁ and w₂ fixed
//!             ∇_θ L(φ(t)) = 2t(1 − t)·∇L(φ(t))
//! ```
//!
//! The loss of a network is not convex in its weights, and the minima
//! found from different starts are far apart (hidden units can be permuted,
//! among other symmetries), so averaging two good networks gives a bad one.
//! Yet the minima are not isolated valleys: a path with one bend, trained
//! for the purpose, joins them with the loss staying close to theirs all
//! the way. The plane through w₁, w₂ and θ shows both paths over the loss
//! landscape (Garipov et al.'s figure 1).
//!
//! - [`bezier`]: the line, the curve and the plane through w₁, w₂, θ
//!   ([`Plane`]);
//! - [`config`]: the settings and their limits ([`ModeConnectivityConfig`]);
//! - [`engine`]: the phases (endpoints, line, bend, curve), one optimizer
//!   step or one evaluation per unit of work ([`ModeConnectivity`]).
//!
//! ```
//! use sgdlab_core::mode_connectivity::{ModeConnectivity, ModeConnectivityConfig, Phase};
//! let config = ModeConnectivityConfig { epochs: 2, bend_steps: 5, points: 5, ..ModeConnectivityConfig::default() };
//! let mut run = ModeConnectivity::new(&config).unwrap();
//! assert_eq!(run.phase(), Phase::Endpoints);
//! run.step(run.total_steps());
//! assert_eq!(run.phase(), Phase::Done);
//! let report = run.report();
//! assert_eq!(report.endpoints.len(), 2);
//! assert!(report.line.unwrap().max_train_loss >= report.endpoints[0].train_loss);
//! ```

pub mod bezier;
pub mod config;
pub mod engine;

pub use bezier::{Plane, bezier_weights, curve_point, line_point};
pub use config::ModeConnectivityConfig;
pub use engine::{
    EndpointReport, ModeConnectivity, ModeConnectivityReport, PathPoint, PathReport, Phase,
    PlanePoints, bend_loss_and_gradient,
};
