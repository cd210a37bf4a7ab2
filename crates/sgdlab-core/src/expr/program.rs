//! A formula compiled to a flat instruction list (a Wengert list).
//!
//! Instruction i computes slot i from slots before it, so one forward loop
//! evaluates the formula and the slots it fills are exactly what reverse-mode
//! differentiation needs. The same loop runs over plain `f64` (value, and the
//! forward half of the gradient) and over [`Jet2`] (gradient and Hessian).
//!
//! Compiling does three small things beyond translating nodes:
//! - constant sub-formulas (`2*pi`, `e^2`) are folded to one number, using
//!   the very instruction that would have computed them at run time;
//! - `x` and `y` are loaded once however often they occur;
//! - a power with a constant exponent becomes `PowerConstant`, whose
//!   derivative needs no logarithm, and `u^2` becomes `Square` (u·u, which
//!   is bit-identical to `pow(u, 2)` and much cheaper).

use super::ast::{Ast, BinaryOp, Function, Node};
use crate::Real;
use crate::jet::Jet2;
use std::ops::{Add, Div, Mul, Neg, Sub};

/// Index of a slot (= of the instruction that fills it).
pub(crate) type Slot = u32;

/// One step of a compiled formula. Operands are earlier slots.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Instruction {
    Constant(f64),
    X,
    Y,
    Negate(Slot),
    Square(Slot),
    PowerConstant(Slot, f64),
    Sin(Slot),
    Cos(Slot),
    Tan(Slot),
    Exp(Slot),
    Log(Slot),
    Sqrt(Slot),
    Abs(Slot),
    Tanh(Slot),
    Sigmoid(Slot),
    Add(Slot, Slot),
    Subtract(Slot, Slot),
    Multiply(Slot, Slot),
    Divide(Slot, Slot),
    Power(Slot, Slot),
    Min(Slot, Slot),
    Max(Slot, Slot),
}

/// The numbers a program can run over: `f64` and [`Jet2`].
pub(crate) trait Scalar:
    Copy
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
{
    fn constant(value: f64) -> Self;
    fn square(self) -> Self;
    fn powf(self, exponent: f64) -> Self;
    fn pow(self, exponent: Self) -> Self;
    fn sin(self) -> Self;
    fn cos(self) -> Self;
    fn tan(self) -> Self;
    fn exp(self) -> Self;
    fn ln(self) -> Self;
    fn sqrt(self) -> Self;
    fn abs(self) -> Self;
    fn tanh(self) -> Self;
    fn sigmoid(self) -> Self;
    fn min(self, other: Self) -> Self;
    fn max(self, other: Self) -> Self;
}

/// Plain numbers, every transcendental through `libm` (see [`crate::real`]).
impl Scalar for f64 {
    fn constant(value: f64) -> Self {
        value
    }
    fn square(self) -> Self {
        self * self
    }
    fn powf(self, exponent: f64) -> Self {
        libm::pow(self, exponent)
    }
    fn pow(self, exponent: Self) -> Self {
        libm::pow(self, exponent)
    }
    fn sin(self) -> Self {
        libm::sin(self)
    }
    fn cos(self) -> Self {
        libm::cos(self)
    }
    fn tan(self) -> Self {
        libm::tan(self)
    }
    fn exp(self) -> Self {
        libm::exp(self)
    }
    fn ln(self) -> Self {
        libm::log(self)
    }
    fn sqrt(self) -> Self {
        f64::sqrt(self)
    }
    fn abs(self) -> Self {
        f64::abs(self)
    }
    fn tanh(self) -> Self {
        libm::tanh(self)
    }
    fn sigmoid(self) -> Self {
        Real::sigmoid(self)
    }
    fn min(self, other: Self) -> Self {
        Real::min(self, other)
    }
    fn max(self, other: Self) -> Self {
        Real::max(self, other)
    }
}

impl Scalar for Jet2 {
    fn constant(value: f64) -> Self {
        Jet2::constant(value)
    }
    fn square(self) -> Self {
        Jet2::square(self)
    }
    fn powf(self, exponent: f64) -> Self {
        Jet2::powf(self, exponent)
    }
    fn pow(self, exponent: Self) -> Self {
        Jet2::pow(self, exponent)
    }
    fn sin(self) -> Self {
        Jet2::sin(self)
    }
    fn cos(self) -> Self {
        Jet2::cos(self)
    }
    fn tan(self) -> Self {
        Jet2::tan(self)
    }
    fn exp(self) -> Self {
        Jet2::exp(self)
    }
    fn ln(self) -> Self {
        Jet2::ln(self)
    }
    fn sqrt(self) -> Self {
        Jet2::sqrt(self)
    }
    fn abs(self) -> Self {
        Jet2::abs(self)
    }
    fn tanh(self) -> Self {
        Jet2::tanh(self)
    }
    fn sigmoid(self) -> Self {
        Jet2::sigmoid(self)
    }
    fn min(self, other: Self) -> Self {
        Jet2::min(self, other)
    }
    fn max(self, other: Self) -> Self {
        Jet2::max(self, other)
    }
}

impl Instruction {
    /// What this instruction computes, given x, y and the earlier slots.
    #[inline]
    pub(crate) fn evaluate<N: Scalar>(self, x: N, y: N, slots: &[N]) -> N {
        let at = |slot: Slot| slots[slot as usize];
        match self {
            Instruction::Constant(value) => N::constant(value),
            Instruction::X => x,
            Instruction::Y => y,
            Instruction::Negate(a) => -at(a),
            Instruction::Square(a) => at(a).square(),
            Instruction::PowerConstant(a, exponent) => at(a).powf(exponent),
            Instruction::Sin(a) => at(a).sin(),
            Instruction::Cos(a) => at(a).cos(),
            Instruction::Tan(a) => at(a).tan(),
            Instruction::Exp(a) => at(a).exp(),
            Instruction::Log(a) => at(a).ln(),
            Instruction::Sqrt(a) => at(a).sqrt(),
            Instruction::Abs(a) => at(a).abs(),
            Instruction::Tanh(a) => at(a).tanh(),
            Instruction::Sigmoid(a) => at(a).sigmoid(),
            Instruction::Add(a, b) => at(a) + at(b),
            Instruction::Subtract(a, b) => at(a) - at(b),
            Instruction::Multiply(a, b) => at(a) * at(b),
            Instruction::Divide(a, b) => at(a) / at(b),
            Instruction::Power(a, b) => at(a).pow(at(b)),
            Instruction::Min(a, b) => at(a).min(at(b)),
            Instruction::Max(a, b) => at(a).max(at(b)),
        }
    }
}

/// A compiled formula: instructions in order, the result in the last slot.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Program {
    instructions: Vec<Instruction>,
}

/// Programs up to this many slots keep their scratch space on the stack;
/// longer ones allocate it per call.
const INLINE_SLOTS: usize = 64;

/// Runs `work` on `len` scratch slots set to `fill`, without allocating when
/// `len` is small. (Surfaces are shared between threads, so the scratch
/// cannot live inside the program.)
#[inline]
pub(crate) fn with_slots<N: Copy, R>(len: usize, fill: N, work: impl FnOnce(&mut [N]) -> R) -> R {
    if len <= INLINE_SLOTS {
        let mut slots = [fill; INLINE_SLOTS];
        work(&mut slots[..len])
    } else {
        let mut slots = vec![fill; len];
        work(&mut slots)
    }
}

impl Program {
    /// Compiles a parsed formula.
    pub(crate) fn compile(ast: &Ast) -> Self {
        let mut compiler = Compiler::default();
        let mut operands: Vec<Operand> = Vec::with_capacity(ast.nodes().len());
        for node in ast.nodes() {
            let operand = match *node {
                Node::Number(value) => Operand::Constant(value),
                Node::Pi => Operand::Constant(core::f64::consts::PI),
                Node::E => Operand::Constant(core::f64::consts::E),
                Node::X => Operand::Slot(compiler.variable(Instruction::X)),
                Node::Y => Operand::Slot(compiler.variable(Instruction::Y)),
                Node::Negate(a) => compiler.unary(Instruction::Negate, operands[a]),
                Node::Call(function, a) => {
                    let make = match function {
                        Function::Sin => Instruction::Sin,
                        Function::Cos => Instruction::Cos,
                        Function::Tan => Instruction::Tan,
                        Function::Exp => Instruction::Exp,
                        Function::Log => Instruction::Log,
                        Function::Sqrt => Instruction::Sqrt,
                        Function::Abs => Instruction::Abs,
                        Function::Tanh => Instruction::Tanh,
                        Function::Sigmoid => Instruction::Sigmoid,
                    };
                    compiler.unary(make, operands[a])
                }
                Node::Binary { op, left, right } => {
                    compiler.binary(op, operands[left], operands[right])
                }
            };
            operands.push(operand);
        }
        let root = operands[ast.root()];
        // A formula that is all constants still needs one instruction.
        compiler.materialize(root);
        Program {
            instructions: compiler.instructions,
        }
    }

    /// The instructions, operands before their users, result last.
    pub(crate) fn instructions(&self) -> &[Instruction] {
        &self.instructions
    }

    /// Evaluates every instruction into `slots` (one per instruction).
    #[inline]
    pub(crate) fn forward<N: Scalar>(&self, x: N, y: N, slots: &mut [N]) {
        assert_eq!(
            slots.len(),
            self.instructions.len(),
            "one slot per instruction"
        );
        for (i, instruction) in self.instructions.iter().enumerate() {
            slots[i] = instruction.evaluate(x, y, slots);
        }
    }

    /// The formula's value (or jet) at (x, y).
    pub(crate) fn evaluate<N: Scalar>(&self, x: N, y: N) -> N {
        let len = self.instructions.len();
        with_slots(len, N::constant(0.0), |slots| {
            self.forward(x, y, slots);
            slots[len - 1]
        })
    }
}

/// A node's compiled result: a number known now, or a slot filled at run time.
#[derive(Clone, Copy, Debug)]
enum Operand {
    Constant(f64),
    Slot(Slot),
}

#[derive(Default)]
struct Compiler {
    instructions: Vec<Instruction>,
    x: Option<Slot>,
    y: Option<Slot>,
}

impl Compiler {
    fn emit(&mut self, instruction: Instruction) -> Slot {
        self.instructions.push(instruction);
        Slot::try_from(self.instructions.len() - 1).expect("the node limit keeps slots small")
    }

    /// The slot holding x (or y), emitted on first use.
    fn variable(&mut self, instruction: Instruction) -> Slot {
        let cached = if instruction == Instruction::X {
            self.x
        } else {
            self.y
        };
        if let Some(slot) = cached {
            return slot;
        }
        let slot = self.emit(instruction);
        if instruction == Instruction::X {
            self.x = Some(slot);
        } else {
            self.y = Some(slot);
        }
        slot
    }

    /// A slot holding the operand, emitting a `Constant` if need be.
    fn materialize(&mut self, operand: Operand) -> Slot {
        match operand {
            Operand::Slot(slot) => slot,
            Operand::Constant(value) => self.emit(Instruction::Constant(value)),
        }
    }

    fn unary(&mut self, make: fn(Slot) -> Instruction, operand: Operand) -> Operand {
        match operand {
            Operand::Constant(value) => Operand::Constant(make(0).evaluate(0.0, 0.0, &[value])),
            Operand::Slot(slot) => Operand::Slot(self.emit(make(slot))),
        }
    }

    fn binary(&mut self, op: BinaryOp, left: Operand, right: Operand) -> Operand {
        let make = match op {
            BinaryOp::Add => Instruction::Add,
            BinaryOp::Subtract => Instruction::Subtract,
            BinaryOp::Multiply => Instruction::Multiply,
            BinaryOp::Divide => Instruction::Divide,
            BinaryOp::Power => Instruction::Power,
            BinaryOp::Min => Instruction::Min,
            BinaryOp::Max => Instruction::Max,
        };
        match (left, right) {
            (Operand::Constant(a), Operand::Constant(b)) => {
                Operand::Constant(make(0, 1).evaluate(0.0, 0.0, &[a, b]))
            }
            (Operand::Slot(base), Operand::Constant(exponent)) if op == BinaryOp::Power => {
                let instruction = if exponent == 2.0 {
                    Instruction::Square(base)
                } else {
                    Instruction::PowerConstant(base, exponent)
                };
                Operand::Slot(self.emit(instruction))
            }
            _ => {
                let (a, b) = (self.materialize(left), self.materialize(right));
                Operand::Slot(self.emit(make(a, b)))
            }
        }
    }
}
