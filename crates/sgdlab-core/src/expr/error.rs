//! Why a formula was rejected, and where.

use super::parser::{MAX_DEPTH, MAX_LENGTH, MAX_NODES};
use std::fmt;

/// A formula that could not be parsed: what went wrong and the 1-based
/// column (counted in characters, not bytes) where it went wrong.
///
/// `Display` gives one sentence for the page or the CLI, e.g.
/// "unknown function `foo` at column 1; allowed: sin, cos, …".
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    /// 1-based column of the offending character or token.
    pub column: usize,
    /// What went wrong.
    pub kind: ParseErrorKind,
}

/// The kinds of mistakes a formula can contain.
#[derive(Clone, Debug, PartialEq)]
pub enum ParseErrorKind {
    /// Nothing but whitespace.
    Empty,
    /// Longer than [`MAX_LENGTH`] characters.
    TooLong { length: usize },
    /// Parentheses, calls, unary minus and `^` nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// More than [`MAX_NODES`] numbers, names and operations.
    TooManyNodes,
    /// A character that starts no token.
    UnexpectedCharacter(char),
    /// A number whose exponent has no digits, or a lone `.`.
    MalformedNumber(String),
    /// A number too large for a 64-bit float.
    NumberNotFinite(String),
    /// A name followed by `(` that is no known function.
    UnknownFunction(String),
    /// A name that is neither `x`, `y`, `pi` nor `e`.
    UnknownVariable(String),
    /// A function called with the wrong number of arguments.
    WrongArgumentCount {
        function: &'static str,
        expected: usize,
        found: usize,
    },
    /// The next token is not what the grammar allows here.
    Expected {
        /// What would have been allowed, e.g. "`)`" or "an operator".
        expected: String,
        /// What came instead, e.g. "`x`" or "end of input".
        found: String,
    },
}

impl ParseError {
    pub(crate) fn new(column: usize, kind: ParseErrorKind) -> Self {
        Self { column, kind }
    }
}

/// Quotes a piece of the user's text in a message, cut short if it is long
/// (a 4000-digit number should not become a 4000-character message).
pub(crate) fn shorten(text: &str) -> String {
    const KEEP: usize = 24;
    if text.chars().count() <= KEEP {
        text.to_string()
    } else {
        let start: String = text.chars().take(KEEP - 1).collect();
        format!("{start}…")
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let column = self.column;
        match &self.kind {
            ParseErrorKind::Empty => f.write_str(
                "the formula is empty; write a function of x and y, for example `x^2 + y^2`",
            ),
            ParseErrorKind::TooLong { length } => write!(
                f,
                "the formula is {length} characters long; at most {MAX_LENGTH} are allowed"
            ),
            ParseErrorKind::TooDeep => write!(
                f,
                "nesting too deep at column {column}; at most {MAX_DEPTH} levels of \
                 parentheses, function calls, unary minus and `^` are allowed"
            ),
            ParseErrorKind::TooManyNodes => write!(
                f,
                "formula too large at column {column}; at most {MAX_NODES} numbers, \
                 names and operations are allowed"
            ),
            ParseErrorKind::UnexpectedCharacter(c) => write!(
                f,
                "unexpected character `{}` at column {column}; allowed are numbers, \
                 x, y, pi, e, function names, + - * / ^, parentheses and commas",
                c.escape_debug()
            ),
            ParseErrorKind::MalformedNumber(text) => write!(
                f,
                "malformed number `{}` at column {column}; write numbers like \
                 3, 0.5, .5, 1e-3 or 2.5E+2",
                shorten(text)
            ),
            ParseErrorKind::NumberNotFinite(text) => write!(
                f,
                "number `{}` at column {column} is too large; numbers must be \
                 finite (below about 1.8e308)",
                shorten(text)
            ),
            ParseErrorKind::UnknownFunction(name) => write!(
                f,
                "unknown function `{}` at column {column}; allowed: {}",
                shorten(name),
                super::ast::FUNCTION_NAMES.join(", ")
            ),
            ParseErrorKind::UnknownVariable(name) => write!(
                f,
                "unknown variable `{}` at column {column}; use x or y \
                 (or the constants pi and e)",
                shorten(name)
            ),
            ParseErrorKind::WrongArgumentCount {
                function,
                expected,
                found,
            } => {
                let noun = if *expected == 1 {
                    "argument"
                } else {
                    "arguments"
                };
                write!(
                    f,
                    "`{function}` takes {expected} {noun}, got {found} at column {column}"
                )
            }
            ParseErrorKind::Expected { expected, found } => {
                write!(f, "expected {expected} at column {column}, found {found}")
            }
        }
    }
}

impl std::error::Error for ParseError {}
