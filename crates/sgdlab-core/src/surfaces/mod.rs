//! Loss landscapes f(x, y): the named test functions of the playground.
//!
//! One surface per file, each with its formula, view box, known minima and
//! default start in the module doc, and analytic gradient and Hessian beside
//! the value (checked against finite differences in the tests).

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
