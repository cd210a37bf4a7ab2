//! The syntax tree of a formula, stored flat.
//!
//! Nodes live in one vector in postfix order: every node comes after its
//! operands, and the last node is the root. Children are referred to by
//! index. Nothing after parsing ever recurses over the tree, so even a long
//! left-leaning chain like `x+x+…+x` (2000 nodes deep) cannot overflow the
//! stack when it is printed, compiled or dropped.

use std::fmt;

/// Index of a node in [`Ast::nodes`].
pub type NodeId = usize;

/// One-argument functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Function {
    Sin,
    Cos,
    Tan,
    Exp,
    /// Natural logarithm.
    Log,
    Sqrt,
    Abs,
    Tanh,
    /// 1 / (1 + e^(−u)).
    Sigmoid,
}

impl Function {
    /// Every one-argument function, in the order the docs list them.
    pub const ALL: [Function; 9] = [
        Function::Sin,
        Function::Cos,
        Function::Tan,
        Function::Exp,
        Function::Log,
        Function::Sqrt,
        Function::Abs,
        Function::Tanh,
        Function::Sigmoid,
    ];

    /// The name a formula calls it by.
    pub fn name(self) -> &'static str {
        match self {
            Function::Sin => "sin",
            Function::Cos => "cos",
            Function::Tan => "tan",
            Function::Exp => "exp",
            Function::Log => "log",
            Function::Sqrt => "sqrt",
            Function::Abs => "abs",
            Function::Tanh => "tanh",
            Function::Sigmoid => "sigmoid",
        }
    }
}

/// Two-operand operations: the infix operators and the functions `min`, `max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Subtract,
    Multiply,
    Divide,
    /// `^`, right-associative.
    Power,
    Min,
    Max,
}

impl BinaryOp {
    /// The two-argument functions, written `min(a, b)` rather than infix.
    pub const FUNCTIONS: [BinaryOp; 2] = [BinaryOp::Min, BinaryOp::Max];

    /// The operator symbol or function name.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Subtract => "-",
            BinaryOp::Multiply => "*",
            BinaryOp::Divide => "/",
            BinaryOp::Power => "^",
            BinaryOp::Min => "min",
            BinaryOp::Max => "max",
        }
    }
}

/// Every function name a formula may call, for error messages.
pub const FUNCTION_NAMES: [&str; 11] = [
    "sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh", "sigmoid", "min", "max",
];

/// One node of the tree. Operands are indices of earlier nodes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Node {
    /// A literal, always finite and non-negative (a minus sign is [`Node::Negate`]).
    Number(f64),
    X,
    Y,
    /// The constant π, written `pi`.
    Pi,
    /// The constant e, written `e`.
    E,
    /// Unary minus.
    Negate(NodeId),
    Call(Function, NodeId),
    Binary {
        op: BinaryOp,
        left: NodeId,
        right: NodeId,
    },
}

/// A parsed formula: its nodes in postfix order, the root last.
#[derive(Clone, Debug, PartialEq)]
pub struct Ast {
    nodes: Vec<Node>,
}

impl Ast {
    /// Builds a tree from nodes in postfix order. Programmer bugs (an operand
    /// that does not come before its user, an empty list) panic.
    pub(crate) fn from_postfix(nodes: Vec<Node>) -> Self {
        assert!(!nodes.is_empty(), "a tree has at least one node");
        for (id, node) in nodes.iter().enumerate() {
            let operands_before = match *node {
                Node::Negate(a) | Node::Call(_, a) => a < id,
                Node::Binary { left, right, .. } => left < id && right < id,
                _ => true,
            };
            assert!(operands_before, "node {id} uses a later node");
        }
        Self { nodes }
    }

    /// The nodes, operands before the nodes that use them.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The index of the root (the last node).
    pub fn root(&self) -> NodeId {
        self.nodes.len() - 1
    }
}

/// How tightly a printed piece binds, loosest first. A piece is wrapped in
/// parentheses when its context needs something tighter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
enum Binding {
    Sum,
    Product,
    Negation,
    Power,
    #[default]
    Atom,
}

/// Writes a number so that it reads back as the same `f64`: shortest
/// round-trip digits, in exponent form when very large or small.
fn format_number(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude == 0.0 || (1e-4..1e16).contains(&magnitude) {
        format!("{value}")
    } else {
        format!("{value:e}")
    }
}

/// Prints the formula with `*`, `/`, `^` tight and spaces around `+`, `-`,
/// adding only the parentheses needed to parse back to the same tree.
impl fmt::Display for Ast {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Each node's text and binding, built bottom-up; each operand's text is
        // moved into its parent, so the printer never recurses.
        let mut printed: Vec<(String, Binding)> = Vec::with_capacity(self.nodes.len());
        fn take(printed: &mut [(String, Binding)], id: NodeId, at_least: Binding) -> String {
            let (text, binding) = std::mem::take(&mut printed[id]);
            if binding >= at_least {
                text
            } else {
                format!("({text})")
            }
        }
        for node in &self.nodes {
            let piece = match *node {
                Node::Number(value) => (format_number(value), Binding::Atom),
                Node::X => ("x".into(), Binding::Atom),
                Node::Y => ("y".into(), Binding::Atom),
                Node::Pi => ("pi".into(), Binding::Atom),
                Node::E => ("e".into(), Binding::Atom),
                Node::Negate(a) => (
                    format!("-{}", take(&mut printed, a, Binding::Negation)),
                    Binding::Negation,
                ),
                Node::Call(function, a) => (
                    format!(
                        "{}({})",
                        function.name(),
                        take(&mut printed, a, Binding::Sum)
                    ),
                    Binding::Atom,
                ),
                Node::Binary { op, left, right } => {
                    // Left-associative operators need a strictly tighter right
                    // operand; `^` is right-associative and its base must be an
                    // atom, while its exponent may be negated (`2^-x`).
                    let (left_needs, right_needs, binding, spaced) = match op {
                        BinaryOp::Add | BinaryOp::Subtract => {
                            (Binding::Sum, Binding::Product, Binding::Sum, true)
                        }
                        BinaryOp::Multiply | BinaryOp::Divide => {
                            (Binding::Product, Binding::Negation, Binding::Product, false)
                        }
                        BinaryOp::Power => {
                            (Binding::Atom, Binding::Negation, Binding::Power, false)
                        }
                        BinaryOp::Min | BinaryOp::Max => {
                            let first = take(&mut printed, left, Binding::Sum);
                            let second = take(&mut printed, right, Binding::Sum);
                            let text = format!("{}({first}, {second})", op.symbol());
                            printed.push((text, Binding::Atom));
                            continue;
                        }
                    };
                    let left_text = take(&mut printed, left, left_needs);
                    let right_text = take(&mut printed, right, right_needs);
                    let symbol = op.symbol();
                    let text = if spaced {
                        format!("{left_text} {symbol} {right_text}")
                    } else {
                        format!("{left_text}{symbol}{right_text}")
                    };
                    (text, binding)
                }
            };
            printed.push(piece);
        }
        f.write_str(&printed[self.root()].0)
    }
}
