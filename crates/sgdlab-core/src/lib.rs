//! sgdlab-core: the maths behind the sgdlab playground.
//!
//! Pure Rust with no web or GPU dependencies, deterministic given a seed.
//! The same code runs natively (tests, CLI) and in WebAssembly (the page).
#![forbid(unsafe_code)]

pub mod autograd;
pub mod optim;
pub mod real;
pub mod rng;
pub mod surfaces;

pub use real::Real;
pub use rng::SeededRng;
