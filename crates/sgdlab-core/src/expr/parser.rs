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
            // `x(…)` is a variable missing its `*`, not an unknown function.
            TokenKind::Name
                if self.peek().kind == TokenKind::OpenParen
                    && !matches!(token.text, "x" | "y" | "pi" | "e") =>
            {
                self.call(&token)
            }
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
        let callee =
            if let Some(function) = Function::ALL.into_iter().find(|f| f.name() == name.text) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::Expression;

    /// The tree as an s-expression, e.g. `(neg (^ x 2))`, to see its shape.
    fn shape(source: &str) -> String {
        let ast = parse(source).unwrap_or_else(|error| panic!("{source}: {error}"));
        let mut printed: Vec<String> = Vec::new();
        for node in ast.nodes() {
            let text = match *node {
                Node::Number(value) => format!("{value}"),
                Node::X => "x".into(),
                Node::Y => "y".into(),
                Node::Pi => "pi".into(),
                Node::E => "e".into(),
                Node::Negate(a) => format!("(neg {})", printed[a]),
                Node::Call(function, a) => format!("({} {})", function.name(), printed[a]),
                Node::Binary { op, left, right } => {
                    format!("({} {} {})", op.symbol(), printed[left], printed[right])
                }
            };
            printed.push(text);
        }
        printed.pop().unwrap()
    }

    fn error(source: &str) -> ParseError {
        match parse(source) {
            Ok(ast) => panic!("`{source}` parsed as {ast}"),
            Err(error) => error,
        }
    }

    fn expected(expected: &str, found: &str) -> ParseErrorKind {
        ParseErrorKind::Expected {
            expected: expected.into(),
            found: found.into(),
        }
    }

    #[test]
    fn unary_minus_binds_looser_than_power_and_tighter_than_product() {
        assert_eq!(shape("-x^2"), "(neg (^ x 2))");
        assert_eq!(shape("-2*3"), "(* (neg 2) 3)");
        assert_eq!(shape("2*-3"), "(* 2 (neg 3))");
        assert_eq!(shape("x--y"), "(- x (neg y))");
        assert_eq!(shape("--x"), "(neg (neg x))");
        assert_eq!(shape("-x*y^2"), "(* (neg x) (^ y 2))");
    }

    #[test]
    fn power_is_right_associative_and_takes_a_negated_exponent() {
        assert_eq!(shape("2^3^2"), "(^ 2 (^ 3 2))");
        assert_eq!(shape("2^-x"), "(^ 2 (neg x))");
        assert_eq!(shape("x^-y^2"), "(^ x (neg (^ y 2)))");
        assert_eq!(shape("(2^3)^2"), "(^ (^ 2 3) 2)");
        assert_eq!(shape("2^3*4"), "(* (^ 2 3) 4)");
        assert_eq!(shape("min(x, y)^2"), "(^ (min x y) 2)");
    }

    #[test]
    fn sums_and_products_are_left_associative() {
        assert_eq!(shape("1-2-3"), "(- (- 1 2) 3)");
        assert_eq!(shape("8/4/2"), "(/ (/ 8 4) 2)");
        assert_eq!(shape("1+2*3"), "(+ 1 (* 2 3))");
        assert_eq!(shape("(1+2)*3"), "(* (+ 1 2) 3)");
        assert_eq!(shape("x*y/2+1"), "(+ (/ (* x y) 2) 1)");
    }

    #[test]
    fn precedence_gives_the_expected_values() {
        let value = |source: &str| Expression::parse(source).unwrap().value(0.0, 0.0);
        assert_eq!(value("2^3^2"), 512.0);
        assert_eq!(value("-2^2"), -4.0);
        assert_eq!(value("2^-1"), 0.5);
        assert_eq!(value("8/4/2"), 1.0);
        assert_eq!(value("1-2-3"), -4.0);
        assert_eq!(value("2*-3 + 1"), -5.0);
        assert_eq!(value("−3 − −1"), -2.0);
    }

    #[test]
    fn every_name_means_what_it_says() {
        let (x, y) = (0.7, -1.3);
        let cases: [(&str, f64); 17] = [
            ("x", x),
            ("y", y),
            ("pi", core::f64::consts::PI),
            ("e", core::f64::consts::E),
            ("sin(x)", libm::sin(x)),
            ("cos(x)", libm::cos(x)),
            ("tan(x)", libm::tan(x)),
            ("exp(y)", libm::exp(y)),
            ("log(x)", libm::log(x)),
            ("sqrt(x)", x.sqrt()),
            ("abs(y)", 1.3),
            ("tanh(y)", libm::tanh(y)),
            ("sigmoid(y)", 1.0 / (1.0 + libm::exp(1.3))),
            ("min(x, y)", y),
            ("max(x, y)", x),
            ("x^y", libm::pow(x, y)),
            ("log(y)", f64::NAN),
        ];
        for (source, want) in cases {
            let got = Expression::parse(source).unwrap().value(x, y);
            let same = got == want || (got.is_nan() && want.is_nan());
            assert!(same, "{source}: got {got}, want {want}");
        }
    }

    #[test]
    fn whitespace_and_unicode_minus_are_accepted() {
        assert_eq!(shape(" \t x\n+\r\ny "), "(+ x y)");
        assert_eq!(shape("x − y"), "(- x y)");
        assert_eq!(shape("max( x ,y )"), "(max x y)");
        assert_eq!(shape(".5 + 2.5E+2 + 1e-3"), "(+ (+ 0.5 250) 0.001)");
    }

    #[test]
    fn each_error_points_at_its_column() {
        let cases: Vec<(&str, usize, ParseErrorKind)> = vec![
            ("foo(x)", 1, ParseErrorKind::UnknownFunction("foo".into())),
            (
                "x + Sin(y)",
                5,
                ParseErrorKind::UnknownFunction("Sin".into()),
            ),
            ("(x + y", 7, expected("`)`", "end of input")),
            ("(x, y)", 3, expected("`)`", "`,`")),
            ("x + z", 5, ParseErrorKind::UnknownVariable("z".into())),
            ("X", 1, ParseErrorKind::UnknownVariable("X".into())),
            ("x2", 1, ParseErrorKind::UnknownVariable("x2".into())),
            ("1 + min(x)", 5, wrong_count("min", 2, 1)),
            ("max(x, y, 1)", 1, wrong_count("max", 2, 3)),
            ("sin(x, y)", 1, wrong_count("sin", 1, 2)),
            ("sqrt()", 1, wrong_count("sqrt", 1, 0)),
            ("x $ y", 3, ParseErrorKind::UnexpectedCharacter('$')),
            ("2x", 2, expected("an operator (+ - * / ^)", "`x`")),
            ("x (y)", 3, expected("an operator (+ - * / ^)", "`(`")),
            ("min(x y)", 7, expected("an operator (+ - * / ^)", "`y`")),
            ("sin(x]", 6, ParseErrorKind::UnexpectedCharacter(']')),
            ("x)", 2, expected("an operator or end of input", "`)`")),
            (
                "x +",
                4,
                expected("a number, x, y, pi, e, a function or `(`", "end of input"),
            ),
            (
                "*x",
                1,
                expected("a number, x, y, pi, e, a function or `(`", "`*`"),
            ),
            (
                "+x",
                1,
                expected("a number, x, y, pi, e, a function or `(`", "`+`"),
            ),
            (
                "x^",
                3,
                expected("a number, x, y, pi, e, a function or `(`", "end of input"),
            ),
            ("sin x", 5, expected("`(` after `sin`", "`x`")),
            (
                "2 * 1e999",
                5,
                ParseErrorKind::NumberNotFinite("1e999".into()),
            ),
            ("1e+ 2", 1, ParseErrorKind::MalformedNumber("1e+".into())),
            ("", 1, ParseErrorKind::Empty),
            (" \n\t ", 1, ParseErrorKind::Empty),
        ];
        for (source, column, kind) in cases {
            let error = error(source);
            assert_eq!(
                (error.column, &error.kind),
                (column, &kind),
                "`{source}`: {error}"
            );
        }
    }

    fn wrong_count(function: &'static str, expected: usize, found: usize) -> ParseErrorKind {
        ParseErrorKind::WrongArgumentCount {
            function,
            expected,
            found,
        }
    }

    #[test]
    fn messages_say_what_was_wrong_and_what_is_allowed() {
        let message = |source: &str| error(source).to_string();
        assert_eq!(
            message("foo(x)"),
            "unknown function `foo` at column 1; allowed: sin, cos, tan, exp, log, sqrt, abs, \
             tanh, sigmoid, min, max"
        );
        assert_eq!(
            message("(x + y) * (1"),
            "expected `)` at column 13, found end of input"
        );
        assert_eq!(
            message("1 + z"),
            "unknown variable `z` at column 5; use x or y (or the constants pi and e)"
        );
        assert_eq!(
            message("2 * min(x)"),
            "`min` takes 2 arguments, got 1 at column 5"
        );
        assert_eq!(
            message("sin(x, y)"),
            "`sin` takes 1 argument, got 2 at column 1"
        );
        assert!(message("x $ 1").starts_with("unexpected character `$` at column 3; allowed are"));
        assert_eq!(
            message("2x"),
            "expected an operator (+ - * / ^) at column 2, found `x`"
        );
        assert!(message("").contains("empty"));
        assert!(message("x\0").starts_with("unexpected character `\\0` at column 2"));
    }

    #[test]
    fn nesting_up_to_the_limit_parses_and_beyond_it_fails() {
        let parens = |n: usize| format!("{}x{}", "(".repeat(n), ")".repeat(n));
        assert!(parse(&parens(MAX_DEPTH)).is_ok());
        let error = error(&parens(MAX_DEPTH + 1));
        assert_eq!(
            (error.column, error.kind),
            (MAX_DEPTH + 1, ParseErrorKind::TooDeep)
        );

        let minuses = |n: usize| format!("{}x", "-".repeat(n));
        assert!(parse(&minuses(MAX_DEPTH)).is_ok());
        assert_eq!(error_kind(&minuses(MAX_DEPTH + 1)), ParseErrorKind::TooDeep);

        let tower = |n: usize| format!("x{}", "^x".repeat(n));
        assert!(parse(&tower(MAX_DEPTH)).is_ok());
        assert_eq!(error_kind(&tower(MAX_DEPTH + 1)), ParseErrorKind::TooDeep);

        let calls = |n: usize| format!("{}x{}", "sin(".repeat(n), ")".repeat(n));
        assert!(parse(&calls(MAX_DEPTH)).is_ok());
        assert_eq!(error_kind(&calls(MAX_DEPTH + 1)), ParseErrorKind::TooDeep);
    }

    fn error_kind(source: &str) -> ParseErrorKind {
        error(source).kind
    }

    #[test]
    fn hostile_inputs_are_rejected_without_overflowing_the_stack() {
        let huge = 100_000;
        for source in [
            "(".repeat(huge),
            "-".repeat(huge),
            "2^".repeat(huge),
            "x+".repeat(huge),
        ] {
            let error = error(&source);
            assert_eq!(
                error.kind,
                ParseErrorKind::TooLong {
                    length: source.chars().count()
                }
            );
            assert!(error.to_string().contains("at most 4096"));
        }
        // Within the length limit the depth limit stops them.
        for source in [
            "(".repeat(MAX_LENGTH),
            "-".repeat(MAX_LENGTH),
            "sin(".repeat(MAX_LENGTH / 4),
            format!("{}2", "2^".repeat(MAX_LENGTH / 2 - 1)),
            format!("{}x", "-(".repeat(MAX_LENGTH / 2 - 1)),
        ] {
            assert_eq!(
                error_kind(&source),
                ParseErrorKind::TooDeep,
                "{}",
                &source[..8]
            );
        }
        // A flat chain is not deep, but it is big.
        let chain = |n: usize| format!("x{}", "+x".repeat(n));
        assert!(parse(&chain((MAX_NODES - 1) / 2)).is_ok());
        assert_eq!(
            error_kind(&chain(MAX_NODES / 2)),
            ParseErrorKind::TooManyNodes
        );
        // Exactly at the length limit is fine; one more is not.
        let padded = format!("x{}", " ".repeat(MAX_LENGTH - 1));
        assert!(parse(&padded).is_ok());
        assert!(matches!(
            error_kind(&format!("{padded} ")),
            ParseErrorKind::TooLong { .. }
        ));
        // Odd characters are named, with columns in characters.
        assert_eq!(
            error("x\0y").kind,
            ParseErrorKind::UnexpectedCharacter('\0')
        );
        let emoji = error("x + 😀");
        assert_eq!(
            (emoji.column, emoji.kind),
            (5, ParseErrorKind::UnexpectedCharacter('😀'))
        );
        assert_eq!(error("é").kind, ParseErrorKind::UnknownVariable("é".into()));
    }

    #[test]
    fn long_numbers_parse_to_the_nearest_float_or_fail_if_infinite() {
        let one_then_zeros = |zeros: usize| format!("1{}", "0".repeat(zeros));
        assert_eq!(
            shape(&one_then_zeros(300)),
            "1e300".parse::<f64>().unwrap().to_string()
        );
        assert_eq!(
            error_kind(&one_then_zeros(400)),
            ParseErrorKind::NumberNotFinite(one_then_zeros(400))
        );
        let tiny = format!("0.{}1", "0".repeat(4000));
        assert_eq!(shape(&tiny), "0");
        assert_eq!(shape("1e-999"), "0");
        assert!(matches!(
            error_kind("1e309"),
            ParseErrorKind::NumberNotFinite(_)
        ));
        // Messages quote long text only in part.
        let message = error(&format!("2 {}", &tiny[..3000])).to_string();
        assert_eq!(
            message,
            "expected an operator (+ - * / ^) at column 3, found `0.000000000000000000000…`"
        );
        assert!(error(&one_then_zeros(400)).to_string().len() < 120);
    }

    #[test]
    fn printing_adds_only_the_parentheses_needed() {
        for (source, printed) in [
            ("-x^2", "-x^2"),
            ("(-x)^2", "(-x)^2"),
            ("x-(y-1)", "x - (y - 1)"),
            ("(x-y)-1", "x - y - 1"),
            ("x/(y*2)", "x/(y*2)"),
            ("(2^3)^2", "(2^3)^2"),
            ("2^(3^2)", "2^3^2"),
            ("2^(-x)", "2^-x"),
            ("-(x*y)", "-(x*y)"),
            ("(-x)*y", "-x*y"),
            ("- - x", "--x"),
            ("x - -y", "x - -y"),
            ("min(x,(y+1))", "min(x, y + 1)"),
            ("sin((x))", "sin(x)"),
            ("1e-7*x + 2.5E+20 + 0.125", "1e-7*x + 2.5e20 + 0.125"),
            ("pi*e", "pi*e"),
        ] {
            assert_eq!(parse(source).unwrap().to_string(), printed, "{source}");
        }
    }
}
