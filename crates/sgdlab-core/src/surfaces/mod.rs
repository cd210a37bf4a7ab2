//! Loss landscapes f(x, y): the named test functions of the playground.
//!
//! One surface per file, each with its formula, view box, known minima and
//! default start in the module doc, and analytic gradient and Hessian beside
//! the value (checked against finite differences in the tests).
//!
//! Values and gradients round like PyTorch's, so that a descent path can
//! follow `torch.optim`'s bit for bit: f is evaluated in the order Python
//! evaluates the formula as written (left to right, `x**2` as `x * x`), and
//! ∇f in the order torch's autograd computes it: each operation's backward
//! product as torch forms it, and the contributions of the several uses of
//! x (or y) added in the order the autograd engine visits them, the last
//! written use first. `tests/torch_surfaces.rs` checks this against torch at
//! thousands of points; what still differs is one-ulp disagreement between
//! `libm`'s cos, sin and exp and torch's own. The Hessians are not compared
//! with torch and are written for clarity.
//!
//! [`by_name`] builds a surface from its registry name and `key = value`
//! parameters (what `--surface NAME --surface-set k=v` and the URL carry);
//! [`all`] lists every surface with its defaults.
//!
//! ```
//! use sgdlab_core::surfaces::{self, Surface};
//! let bowl = surfaces::by_name("quadratic", &[("theta".into(), 30.0)]).unwrap();
//! assert_eq!(bowl.parameters(), vec![("a", 4.0), ("b", 1.0), ("theta", 30.0)]);
//! assert_eq!(surfaces::by_name("rosenbrock", &[]).unwrap().value(1.0, 1.0), 0.0);
//! ```

pub mod ackley;
pub mod beale;
pub mod booth;
pub mod goldstein_price;
pub mod himmelblau;
pub mod plateau;
pub mod quadratic;
pub mod rastrigin;
pub mod rosenbrock;
pub mod saddle;
pub mod six_hump_camel;
pub mod two_wells;

pub use ackley::Ackley;
pub use beale::Beale;
pub use booth::Booth;
pub use goldstein_price::GoldsteinPrice;
pub use himmelblau::Himmelblau;
pub use plateau::Plateau;
pub use quadratic::{Quadratic, QuadraticParams};
pub use rastrigin::Rastrigin;
pub use rosenbrock::Rosenbrock;
pub use saddle::Saddle;
pub use six_hump_camel::SixHumpCamel;
pub use two_wells::TwoWells;

use std::fmt;

/// The rectangle of the plane the page shows for a surface.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ViewBox {
    pub x_min: f64,
    pub x_max: f64,
    pub y_min: f64,
    pub y_max: f64,
}

/// A differentiable function of two variables.
pub trait Surface: Send + Sync {
    /// Registry name, e.g. `"rosenbrock"`.
    fn name(&self) -> &str;
    /// The formula as plain text, e.g. `(1 − x)² + 100(y − x²)²`.
    fn formula(&self) -> String;
    /// One line on what the surface teaches.
    fn description(&self) -> &str;
    /// f(x, y).
    fn value(&self, x: f64, y: f64) -> f64;
    /// ∇f(x, y) = [∂f/∂x, ∂f/∂y].
    fn gradient(&self, x: f64, y: f64) -> [f64; 2];
    /// The Hessian [[f_xx, f_xy], [f_yx, f_yy]].
    fn hessian(&self, x: f64, y: f64) -> [[f64; 2]; 2];
    /// The region the page shows.
    fn view_box(&self) -> ViewBox;
    /// Known minima (global first), possibly empty (a saddle has none).
    fn minima(&self) -> Vec<[f64; 2]>;
    /// Where a path starts unless the user picks another point.
    fn default_start(&self) -> [f64; 2];
    /// f at the global minimum (the first of [`minima`](Surface::minima)),
    /// where it is known.
    fn minimum_value(&self) -> Option<f64> {
        None
    }
    /// The surface's parameters as `(name, value)`, in a fixed order; empty
    /// for surfaces without any. Passing them back to [`by_name`] rebuilds
    /// the same surface.
    fn parameters(&self) -> Vec<(&'static str, f64)> {
        Vec::new()
    }
    /// Roughly how many times slower one `value` call is than a named
    /// polynomial surface's; the page samples expensive surfaces on a
    /// coarser heatmap grid so a rebuild stays within its time budget.
    fn relative_cost(&self) -> f64 {
        1.0
    }
    /// Whether f is a quadratic polynomial, so its Hessian is constant and
    /// an exact line search has a closed form.
    fn is_quadratic(&self) -> bool {
        false
    }
}

/// Why a surface could not be built.
#[derive(Clone, Debug, PartialEq)]
pub enum SurfaceError {
    /// No surface has this name.
    UnknownSurface { name: String },
    /// The surface has no parameter with this name.
    UnknownParameter {
        surface: String,
        key: String,
        allowed: Vec<String>,
    },
    /// The parameter's value is out of range.
    InvalidParameter { key: String, message: String },
}

impl fmt::Display for SurfaceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownSurface { name } => {
                write!(f, "unknown surface `{name}`; allowed: {}", NAMES.join(", "))
            }
            Self::UnknownParameter {
                surface,
                key,
                allowed,
            } if allowed.is_empty() => {
                write!(f, "surface `{surface}` has no parameters (got `{key}`)")
            }
            Self::UnknownParameter {
                surface,
                key,
                allowed,
            } => write!(
                f,
                "surface `{surface}` has no parameter `{key}`; allowed: {}",
                allowed.join(", ")
            ),
            Self::InvalidParameter { key, message } => {
                write!(f, "surface parameter `{key}`: {message}")
            }
        }
    }
}

impl std::error::Error for SurfaceError {}

/// Every named surface, in display order.
pub const NAMES: &[&str] = &[
    "quadratic",
    "rosenbrock",
    "beale",
    "himmelblau",
    "booth",
    "saddle",
    "rastrigin",
    "ackley",
    "goldstein_price",
    "six_hump_camel",
    "two_wells",
    "plateau",
];

/// Builds the surface called `name` with `params` (`key = value` pairs over
/// its defaults; a later pair overrides an earlier one with the same key).
///
/// Errors: [`SurfaceError::UnknownSurface`] for a name not in [`NAMES`],
/// [`SurfaceError::UnknownParameter`] for a key the surface does not have
/// (with the keys it does have), [`SurfaceError::InvalidParameter`] for a
/// value out of range.
pub fn by_name(name: &str, params: &[(String, f64)]) -> Result<Box<dyn Surface>, SurfaceError> {
    let surface: Box<dyn Surface> = match name {
        "quadratic" => return Ok(Box::new(Quadratic::from_pairs(params)?)),
        "rosenbrock" => Box::new(Rosenbrock),
        "beale" => Box::new(Beale),
        "himmelblau" => Box::new(Himmelblau),
        "booth" => Box::new(Booth),
        "saddle" => Box::new(Saddle),
        "rastrigin" => Box::new(Rastrigin),
        "ackley" => Box::new(Ackley),
        "goldstein_price" => Box::new(GoldsteinPrice),
        "six_hump_camel" => Box::new(SixHumpCamel),
        "two_wells" => Box::new(TwoWells),
        "plateau" => Box::new(Plateau),
        _ => return Err(SurfaceError::UnknownSurface { name: name.into() }),
    };
    if let Some((key, _)) = params.first() {
        return Err(SurfaceError::UnknownParameter {
            surface: name.into(),
            key: key.clone(),
            allowed: Vec::new(),
        });
    }
    Ok(surface)
}

/// Every named surface with its default parameters, in the order of [`NAMES`].
pub fn all() -> Vec<Box<dyn Surface>> {
    NAMES
        .iter()
        .map(|name| by_name(name, &[]).expect("every registry name builds with no parameters"))
        .collect()
}

#[cfg(test)]
mod tests;
