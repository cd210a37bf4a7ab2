//! sgdlab-core: the maths behind the sgdlab playground.
//!
//! Pure Rust with no web or GPU dependencies, deterministic given a seed.
//! The same code runs natively (tests, CLI) and in WebAssembly (the page).
#![forbid(unsafe_code)]

pub mod autograd;
pub mod bias_variance;
pub mod data;
pub mod data_parallel;
pub mod expr;
pub mod generalisation;
pub mod implicit_reg;
pub mod jet;
pub mod landscape;
pub mod link;
pub mod mode_connectivity;
pub mod online_convex;
pub mod optim;
pub mod playground;
pub mod real;
pub mod rng;
pub mod schedule;
pub mod stochastic;
pub mod surfaces;
pub mod train;

pub use real::Real;
pub use rng::SeededRng;
