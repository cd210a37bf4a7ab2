//! Custom formulas f(x, y): parsing, evaluation, and exact derivatives.
//!
//! The user types a formula; [`Expression::parse`] checks it and compiles it
//! once into a flat instruction list. After that:
//! - [`Expression::value`] runs the list forward over plain numbers;
//! - [`Expression::gradient`] runs it forward, then backward accumulating
//!   adjoints (reverse-mode autograd, see `reverse.rs`): the exact gradient
//!   for a small constant times the cost of one value;
//! - [`Expression::hessian`] runs it forward over [`Jet2`] numbers, which
//!   carry second-order Taylor coefficients (see [`crate::jet`]).
//!
//! ```text
//! operators   + − * / ^  and unary minus, parentheses
//! numbers     3   0.5   .5   1e-3   2.5E+2        (finite only)
//! names       x  y  pi  e                          (case-sensitive)
//! functions   sin cos tan exp log sqrt abs tanh sigmoid   one argument
//!             min max                                     two arguments
//! precedence  ^  >  unary −  >  * /  >  + −
//!             −x^2 = −(x²)   2^3^2 = 2^(3²)   2^−x = 2^(−x)   2*−3 = −6
//! ```
//!
//! Whitespace is ignored, `−` (U+2212) reads as `-`, and there is no
//! implicit multiplication: `2x` is an error asking for an operator.
//! Formulas are limited to [`MAX_LENGTH`] characters, [`MAX_DEPTH`] levels
//! of nesting and [`MAX_NODES`] nodes, so no input can exhaust the stack or
//! take long to parse. Domain errors are not parse errors: `log(x)` at
//! x < 0 evaluates to NaN, which the page shows as a hole.
//!
//! At kinks the derivative follows a fixed branch: `abs` has slope sign(u)
//! (0 at 0), `min`/`max` pass the whole gradient to the chosen argument (the
//! first one on a tie).
//!
//! ```
//! use sgdlab_core::expr::Expression;
//! let f = Expression::parse("(1 - x)^2 + 100*(y - x^2)^2").unwrap();
//! assert_eq!(f.value(1.0, 1.0), 0.0);
//! let (value, gradient) = f.gradient(0.0, 0.0);
//! assert_eq!((value, gradient), (1.0, [-2.0, 0.0]));
//! assert_eq!(f.hessian(1.0, 1.0), [[802.0, -400.0], [-400.0, 200.0]]);
//! ```

mod ast;
mod error;
mod lexer;
mod parser;
mod program;
mod reverse;
mod surface;
#[cfg(test)]
mod tests;

pub use ast::{Ast, BinaryOp, FUNCTION_NAMES, Function, Node, NodeId};
pub use error::{ParseError, ParseErrorKind};
pub use parser::{MAX_DEPTH, MAX_LENGTH, MAX_NODES, parse};
pub use surface::ExprSurface;

use crate::jet::Jet2;
use program::Program;
use std::fmt;

/// A parsed and compiled formula in x and y.
#[derive(Clone, Debug, PartialEq)]
pub struct Expression {
    source: String,
    ast: Ast,
    program: Program,
}

impl Expression {
    /// Parses and compiles `source`, or says what is wrong and where.
    pub fn parse(source: &str) -> Result<Self, ParseError> {
        let ast = parse(source)?;
        let program = Program::compile(&ast);
        Ok(Self {
            source: source.to_string(),
            ast,
            program,
        })
    }

    /// The text the formula was parsed from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The syntax tree.
    pub fn ast(&self) -> &Ast {
        &self.ast
    }

    /// How many instructions one evaluation runs (after folding constants).
    pub fn instruction_count(&self) -> usize {
        self.program.instructions().len()
    }

    /// f(x, y).
    pub fn value(&self, x: f64, y: f64) -> f64 {
        self.program.evaluate(x, y)
    }

    /// f(x, y) and ∇f(x, y) = [∂f/∂x, ∂f/∂y], by reverse-mode autograd.
    pub fn gradient(&self, x: f64, y: f64) -> (f64, [f64; 2]) {
        reverse::value_and_gradient(&self.program, x, y)
    }

    /// Value, gradient and Hessian together, by second-order forward mode.
    pub fn jet(&self, x: f64, y: f64) -> Jet2 {
        self.program.evaluate(Jet2::x(x), Jet2::y(y))
    }

    /// The Hessian [[f_xx, f_xy], [f_yx, f_yy]] at (x, y).
    pub fn hessian(&self, x: f64, y: f64) -> [[f64; 2]; 2] {
        self.jet(x, y).hessian_matrix()
    }
}

/// The formula in canonical form (minimal parentheses), which parses back to
/// the same tree.
impl fmt::Display for Expression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.ast.fmt(f)
    }
}
