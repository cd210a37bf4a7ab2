//! Bias and variance (Bishop, PRML §3.2): many datasets drawn from one
//! distribution, models of growing capacity fitted to each, and the
//! expected test error split into bias², variance and noise.
//!
//! ```text
//! E_D E_{x,y}[(h_D(x) − y)²] = E_x[(h̄(x) − ȳ(x))²]          bias²
//!                            + E_x E_D[(h_D(x) − h̄(x))²]     variance
//!                            + E_{x,y}[(ȳ(x) − y)²]          noise
//! h̄(x) = E_D[h_D(x)],  ȳ(x) = E[y | x]
//! ```
//!
//! The two cross terms vanish in expectation: E_D[h_D − h̄] = 0 by the
//! definition of h̄, and E[y − ȳ | x] = 0 by that of ȳ. A stiff model
//! (low degree, large λ) gives nearly the same fit on every dataset, so its
//! variance is small, but its average fit misses the target: large bias².
//! A flexible one follows each dataset's noise: small bias², large
//! variance. The noise is the floor no model can go below. Here every term
//! is measured, not assumed: the datasets and fresh test points are drawn,
//! every fit is computed, and the identity is checked to hold within its
//! Monte-Carlo error (see [`engine`]).
//!
//! - [`config`]: the settings, Bishop's by default ([`BiasVarianceConfig`]);
//! - [`basis`]: Legendre polynomials and Gaussian bumps ([`Basis`]);
//! - [`least_squares`]: ordinary and ridge least squares by Householder QR;
//! - [`engine`]: the fits, one per unit of work, and the decomposition per
//!   capacity ([`BiasVariance`]).
//!
//! ```
//! use sgdlab_core::bias_variance::{BiasVariance, BiasVarianceConfig};
//! let config = BiasVarianceConfig { datasets: 20, lambdas: 3, ..BiasVarianceConfig::default() };
//! let mut run = BiasVariance::new(&config).unwrap();
//! run.step(run.total_steps());
//! let report = run.report();
//! let (stiff, flexible) = (&report.capacities[0], &report.capacities[2]);
//! assert!(stiff.bias2 > flexible.bias2 && stiff.variance < flexible.variance);
//! ```

pub mod basis;
pub mod config;
pub mod engine;
pub mod least_squares;

pub use basis::Basis;
pub use config::{BiasVarianceConfig, ModelFamily};
pub use engine::{BiasVariance, BiasVarianceReport, Capacity, CapacityReport, PLOT_POINTS};
pub use least_squares::LeastSquares;
