//! A user's formula as a playground surface.

use super::{Expression, ParseError};
use crate::surfaces::{Surface, ViewBox};

/// The custom surface: f(x, y) typed by the user, with its gradient and
/// Hessian by automatic differentiation.
///
/// ```
/// use sgdlab_core::expr::ExprSurface;
/// use sgdlab_core::surfaces::Surface;
/// let surface = ExprSurface::parse("x^2 - y^2").unwrap();
/// assert_eq!(surface.gradient(1.0, 2.0), [2.0, -4.0]);
/// assert!(ExprSurface::parse("x^").is_err());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ExprSurface {
    expression: Expression,
}

impl ExprSurface {
    /// Parses the formula, or says what is wrong and at which column.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        Expression::parse(text).map(|expression| Self { expression })
    }

    /// The compiled formula, for callers that want value and gradient together.
    pub fn expression(&self) -> &Expression {
        &self.expression
    }
}

impl Surface for ExprSurface {
    /// An interpreted formula of n instructions costs about n/4 named
    /// surfaces (a named surface is compiled Rust; measured in the browser
    /// benchmark, `scripts/bench-web.sh`).
    fn relative_cost(&self) -> f64 {
        (self.expression().instruction_count() as f64 / 4.0).max(1.0)
    }

    fn name(&self) -> &str {
        "custom"
    }
    fn formula(&self) -> String {
        self.expression.source().to_string()
    }
    fn description(&self) -> &str {
        "Your own formula in x and y; its gradient and Hessian come from automatic differentiation."
    }
    fn value(&self, x: f64, y: f64) -> f64 {
        self.expression.value(x, y)
    }
    fn gradient(&self, x: f64, y: f64) -> [f64; 2] {
        self.expression.gradient(x, y).1
    }
    fn hessian(&self, x: f64, y: f64) -> [[f64; 2]; 2] {
        self.expression.hessian(x, y)
    }
    fn view_box(&self) -> ViewBox {
        ViewBox {
            x_min: -3.0,
            x_max: 3.0,
            y_min: -3.0,
            y_max: 3.0,
        }
    }
    fn minima(&self) -> Vec<[f64; 2]> {
        Vec::new()
    }
    fn default_start(&self) -> [f64; 2] {
        [-2.0, 2.0]
    }
}
