//! Recursive-descent parser from tokens to an [`Ast`].
//!
//! ```text
//! expression := term (("+" | "-") term)*          left-associative
//! term       := unary (("*" | "/") unary)*        left-associative
//! unary      := "-" unary | power
//! power      := primary ("^" unary)?              right-associative: the
//!                                                 exponent is a whole unary,
//!                                                 so 2^3^2 = 2^9, 2^-x = 2^(−x)
//! primary    := number | name | name "(" arguments ")" | "(" expression ")"
//! arguments  := expression ("," expression)*
//! ```
//!
//! So `-x^2` is −(x²), `-2*3` is (−2)·3, and `2*-3` is allowed.
//!
//! Every way the parser can recurse (parentheses, calls, unary minus, the
//! exponent of `^`) goes through [`Parser::nested`], which counts the depth
//! and stops at [`MAX_DEPTH`]; sums and products are loops. So the call stack
//! stays a few hundred frames deep whatever the input, and with the length
//! limit checked first the parser runs in time linear in the input.

use super::ast::{Ast, BinaryOp, Function, Node, NodeId};
use super::error::{ParseError, ParseErrorKind};
use super::lexer::{Token, TokenKind, tokenize};

/// The longest formula accepted, in characters.
pub const MAX_LENGTH: usize = 4096;
/// How deeply parentheses, calls, unary minus and `^` may nest.
pub const MAX_DEPTH: usize = 64;
/// The most numbers, names and operations a formula may contain.
pub const MAX_NODES: usize = 2000;

/// Parses a formula in x and y.
///
/// ```
/// use sgdlab_core::expr::parse;
/// assert_eq!(parse("-x^2 + 2^3^2").unwrap().to_string(), "-x^2 + 2^3^2");
/// assert_eq!(parse("(x+y)*2").unwrap().to_string(), "(x + y)*2");
/// let error = parse("foo(x)").unwrap_err();
/// assert_eq!(error.column, 1);
/// assert!(error.to_string().starts_with("unknown function `foo` at column 1"));
/// ```
pub fn parse(source: &str) -> Result<Ast, ParseError> {
    let length = source.chars().count();
    if length > MAX_LENGTH {
        return Err(ParseError::new(
            MAX_LENGTH + 1,
            ParseErrorKind::TooLong { length },
        ));
    }
    let tokens = tokenize(source)?;
    if tokens[0].kind == TokenKind::End {
        return Err(ParseError::new(1, ParseErrorKind::Empty));
    }
    let mut parser = Parser {
        tokens,
        position: 0,
        depth: 0,
        nodes: Vec::new(),
    };
    parser.expression()?;
    if parser.peek().kind != TokenKind::End {
        return Err(parser.after_operand_error("an operator or end of input"));
    }
    Ok(Ast::from_postfix(parser.nodes))
}

struct Parser<'a> {
    tokens: Vec<Token<'a>>,
    /// Index of the next token; never moves past the final `End`.
    position: usize,
    /// How many nested constructs enclose the current one.
    depth: usize,
    /// The tree so far, in postfix order.
    nodes: Vec<Node>,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> &Token<'a> {
        &self.tokens[self.position]
    }

    /// Returns the next token and moves past it (but never past `End`).
    fn advance(&mut self) -> Token<'a> {
        let token = self.tokens[self.position].clone();
        if token.kind != TokenKind::End {
            self.position += 1;
        }
        token
    }

    /// Appends a node, enforcing the size limit.
    fn push(&mut self, node: Node, column: usize) -> Result<NodeId, ParseError> {
        if self.nodes.len() >= MAX_NODES {
            return Err(ParseError::new(column, ParseErrorKind::TooManyNodes));
        }
        self.nodes.push(node);
        Ok(self.nodes.len() - 1)
    }

    /// Runs `parse_inner` one nesting level deeper, refusing to go past
    /// [`MAX_DEPTH`]. The construct that opened the level starts at `column`.
    fn nested<T>(
        &mut self,
        column: usize,
        parse_inner: impl FnOnce(&mut Self) -> Result<T, ParseError>,
    ) -> Result<T, ParseError> {
        if self.depth >= MAX_DEPTH {
            return Err(ParseError::new(column, ParseErrorKind::TooDeep));
        }
        self.depth += 1;
        let result = parse_inner(self);
        self.depth -= 1;
        result
    }

    /// The error for a token that cannot follow a complete operand. A number,
    /// name or `(` there means the user left out an operator (`2x`).
    fn after_operand_error(&self, otherwise_expected: &str) -> ParseError {
        let token = self.peek();
        let starts_operand = matches!(
            token.kind,
            TokenKind::Number(_) | TokenKind::Name | TokenKind::OpenParen
        );
        let expected = if starts_operand {
            "an operator (+ - * / ^)"
        } else {
            otherwise_expected
        };
        ParseError::new(
            token.column,
            ParseErrorKind::Expected {
                expected: expected.to_string(),
                found: token.describe(),
            },
        )
    }

    fn expression(&mut self) -> Result<NodeId, ParseError> {
        let mut left = self.term()?;
        loop {
            let op = match self.peek().kind {
                TokenKind::Plus => BinaryOp::Add,
                TokenKind::Minus => BinaryOp::Subtract,
                _ => return Ok(left),
            };
            let column = self.advance().column;
            let right = self.term()?;
            left = self.push(Node::Binary { op, left, right }, column)?;
        }
    }

    fn term(&mut self) -> Result<NodeId, ParseError> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek().kind {
                TokenKind::Star => BinaryOp::Multiply,
                TokenKind::Slash => BinaryOp::Divide,
                _ => return Ok(left),
            };
            let column = self.advance().column;
            let right = self.unary()?;
            left = self.push(Node::Binary { op, left, right }, column)?;
        }
    }

    fn unary(&mut self) -> Result<NodeId, ParseError> {
        if self.peek().kind != TokenKind::Minus {
            return self.power();
        }
        let column = self.advance().column;
        let operand = self.nested(column, Self::unary)?;
        self.push(Node::Negate(operand), column)
    }

    fn power(&mut self) -> Result<NodeId, ParseError> {
        let base = self.primary()?;
        if self.peek().kind != TokenKind::Caret {
            return Ok(base);
        }
        let column = self.advance().column;
        let exponent = self.nested(column, Self::unary)?;
        let node = Node::Binary {
            op: BinaryOp::Power,
            left: base,
            right: exponent,
        };
        self.push(node, column)
    }

    fn primary(&mut self) -> Result<NodeId, ParseError> {
        let token = self.advance();
        match token.kind {
            TokenKind::Number(value) => self.push(Node::Number(value), token.column),
            TokenKind::OpenParen => {
                let inner = self.nested(token.column, Self::expression)?;
                self.expect_close_paren("`)`")?;
                Ok(inner)
            }
            TokenKind::Name if self.peek().kind == TokenKind::OpenParen => self.call(&token),
            TokenKind::Name => self.name(&token),
            _ => Err(ParseError::new(
                token.column,
                ParseErrorKind::Expected {
                    expected: "a number, x, y, pi, e, a function or `(`".into(),
                    found: token.describe(),
                },
            )),
        }
    }

    /// A variable, a constant, or a function name missing its `(`.
    fn name(&mut self, token: &Token<'a>) -> Result<NodeId, ParseError> {
        let node = match token.text {
            "x" => Node::X,
            "y" => Node::Y,
            "pi" => Node::Pi,
            "e" => Node::E,
            name if is_function_name(name) => {
                return Err(ParseError::new(
                    self.peek().column,
                    ParseErrorKind::Expected {
                        expected: format!("`(` after `{name}`"),
                        found: self.peek().describe(),
                    },
                ));
            }
            name => {
                return Err(ParseError::new(
                    token.column,
                    ParseErrorKind::UnknownVariable(name.to_string()),
                ));
            }
        };
        self.push(node, token.column)
    }

    /// `name(arguments)`, with the `(` as the next token.
    fn call(&mut self, name: &Token<'a>) -> Result<NodeId, ParseError> {
        enum Callee {
            One(Function),
            Two(BinaryOp),
        }
        let callee = if let Some(function) = Function::ALL.into_iter().find(|f| f.name() == name.text)
        {
            Callee::One(function)
        } else if let Some(op) = BinaryOp::FUNCTIONS
            .into_iter()
            .find(|op| op.symbol() == name.text)
        {
            Callee::Two(op)
        } else {
            return Err(ParseError::new(
                name.column,
                ParseErrorKind::UnknownFunction(name.text.to_string()),
            ));
        };
        self.advance(); // the `(`
        let arguments = self.nested(name.column, |parser| {
            let mut arguments = Vec::new();
            if parser.peek().kind != TokenKind::CloseParen {
                arguments.push(parser.expression()?);
                while parser.peek().kind == TokenKind::Comma {
                    parser.advance();
                    arguments.push(parser.expression()?);
                }
            }
            parser.expect_close_paren("`,` or `)`")?;
            Ok(arguments)
        })?;
        let wrong_count = |expected: usize, function: &'static str| {
            ParseError::new(
                name.column,
                ParseErrorKind::WrongArgumentCount {
                    function,
                    expected,
                    found: arguments.len(),
                },
            )
        };
        match (callee, arguments.as_slice()) {
            (Callee::One(function), &[argument]) => {
                self.push(Node::Call(function, argument), name.column)
            }
            (Callee::Two(op), &[left, right]) => {
                self.push(Node::Binary { op, left, right }, name.column)
            }
            (Callee::One(function), _) => Err(wrong_count(1, function.name())),
            (Callee::Two(op), _) => Err(wrong_count(2, op.symbol())),
        }
    }

    fn expect_close_paren(&mut self, expected: &str) -> Result<(), ParseError> {
        if self.peek().kind == TokenKind::CloseParen {
            self.advance();
            Ok(())
        } else {
            Err(self.after_operand_error(expected))
        }
    }
}

fn is_function_name(name: &str) -> bool {
    super::ast::FUNCTION_NAMES.contains(&name)
}
