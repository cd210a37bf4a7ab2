//! Elementwise ops: each function's value and derivative side by side.
//!
//! ```text
//! unary   y = f(x)             ∂loss/∂x = ḡ ⊙ f′(x)
//!   neg        −x                   −1
//!   scale c    c·x                  c
//!   add c      x + c                1
//!   powf p     xᵖ                   p·xᵖ⁻¹        (0 when p = 0)
//!   exp        eˣ                   y
//!   log        ln x                 1/x
//!   sqrt       √x                   1/(2y)
//!   abs        |x|                  sign x        (0 at x = 0)
//!   sin        sin x                cos x
//!   cos        cos x                −sin x
//!   tan        tan x                1 + y²
//!   tanh       tanh x               1 − y²
//!   sigmoid    σ(x) = 1/(1 + e⁻ˣ)   y(1 − y)
//!   relu       max(x, 0)            1 if x > 0, else 0
//!
//! binary  y = f(a, b)          ∂y/∂a                 ∂y/∂b
//!   add        a + b                1                     1
//!   sub        a − b                1                     −1
//!   mul        a·b                  b                     a
//!   div        a / b                1/b                   −y/b
//!   pow        aᵇ                   b·aᵇ⁻¹ (0 if b = 0)   y·ln a (0 if a = 0, b ≥ 0)
//!   minimum    min(a, b)            1 if a ≤ b, else 0    1 if a > b, else 0
//!   maximum    max(a, b)            1 if a ≥ b, else 0    1 if a < b, else 0
//! ```
//!
//! Ties of `minimum`/`maximum` send the whole gradient to the first argument,
//! the one [`Real::min`]/[`Real::max`] return. (PyTorch splits a tie evenly
//! between the two.) The kinks follow PyTorch: abs′(0) = relu′(0) = 0.
//!
//! Both operands of a binary op must have the same shape; use
//! [`add_row`](Graph::add_row) to add a bias row to every row of a batch.

use super::Tensor;
use super::graph::{Graph, Op, ParentGrads, Var};
use crate::Real;

/// A function applied to each element on its own.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Unary<T> {
    Neg,
    Scale(T),
    AddScalar(T),
    Powf(T),
    Exp,
    Log,
    Sqrt,
    Abs,
    Sin,
    Cos,
    Tan,
    Tanh,
    Sigmoid,
    Relu,
}

impl<T: Real> Unary<T> {
    /// y = f(x).
    #[inline(always)]
    fn value(self, x: T) -> T {
        match self {
            Unary::Neg => -x,
            Unary::Scale(c) => c * x,
            Unary::AddScalar(c) => x + c,
            Unary::Powf(p) => x.powf(p),
            Unary::Exp => x.exp(),
            Unary::Log => x.ln(),
            Unary::Sqrt => x.sqrt(),
            Unary::Abs => x.abs(),
            Unary::Sin => x.sin(),
            Unary::Cos => x.cos(),
            Unary::Tan => x.tan(),
            Unary::Tanh => x.tanh(),
            Unary::Sigmoid => x.sigmoid(),
            Unary::Relu => x.max(T::ZERO),
        }
    }

    /// f′(x), given x and y = f(x) (whichever is cheaper).
    #[inline(always)]
    fn derivative(self, x: T, y: T) -> T {
        match self {
            Unary::Neg => -T::ONE,
            Unary::Scale(c) => c,
            Unary::AddScalar(_) => T::ONE,
            Unary::Powf(p) if p == T::ZERO => T::ZERO,
            Unary::Powf(p) => p * x.powf(p - T::ONE),
            Unary::Exp => y,
            Unary::Log => T::ONE / x,
            Unary::Sqrt => T::ONE / (T::TWO * y),
            Unary::Abs => sign(x),
            Unary::Sin => x.cos(),
            Unary::Cos => -x.sin(),
            Unary::Tan => T::ONE + y * y,
            Unary::Tanh => T::ONE - y * y,
            Unary::Sigmoid => y * (T::ONE - y),
            Unary::Relu if x > T::ZERO => T::ONE,
            Unary::Relu => T::ZERO,
        }
    }
}

/// −1, 0 or 1 (NaN stays NaN).
fn sign<T: Real>(x: T) -> T {
    if x > T::ZERO {
        T::ONE
    } else if x < T::ZERO {
        -T::ONE
    } else {
        x * T::ZERO
    }
}

/// A function of two same-shaped tensors applied element by element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Binary {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Minimum,
    Maximum,
}

impl Binary {
    fn name(self) -> &'static str {
        match self {
            Binary::Add => "add",
            Binary::Sub => "sub",
            Binary::Mul => "mul",
            Binary::Div => "div",
            Binary::Pow => "pow",
            Binary::Minimum => "minimum",
            Binary::Maximum => "maximum",
        }
    }

    /// y = f(a, b).
    #[inline(always)]
    fn value<T: Real>(self, a: T, b: T) -> T {
        match self {
            Binary::Add => a + b,
            Binary::Sub => a - b,
            Binary::Mul => a * b,
            Binary::Div => a / b,
            Binary::Pow => a.powf(b),
            Binary::Minimum => a.min(b),
            Binary::Maximum => a.max(b),
        }
    }

    /// ∂y/∂a.
    #[inline(always)]
    fn partial_a<T: Real>(self, a: T, b: T, _y: T) -> T {
        match self {
            Binary::Add | Binary::Sub => T::ONE,
            Binary::Mul => b,
            Binary::Div => T::ONE / b,
            Binary::Pow if b == T::ZERO => T::ZERO,
            Binary::Pow => b * a.powf(b - T::ONE),
            Binary::Minimum => chosen(a <= b),
            Binary::Maximum => chosen(a >= b),
        }
    }

    /// ∂y/∂b.
    #[inline(always)]
    fn partial_b<T: Real>(self, a: T, b: T, y: T) -> T {
        match self {
            Binary::Add => T::ONE,
            Binary::Sub => -T::ONE,
            Binary::Mul => a,
            Binary::Div => -y / b,
            Binary::Pow if a == T::ZERO && b >= T::ZERO => T::ZERO,
            Binary::Pow => y * a.ln(),
            Binary::Minimum => T::ONE - chosen::<T>(a <= b),
            Binary::Maximum => T::ONE - chosen::<T>(a >= b),
        }
    }
}

/// 1 for the argument `minimum`/`maximum` picked, 0 for the other.
fn chosen<T: Real>(picked: bool) -> T {
    if picked { T::ONE } else { T::ZERO }
}

impl<T: Real> Graph<T> {
    fn unary(&mut self, a: Var, f: Unary<T>) -> Var {
        let (rows, cols) = self.value(a).shape();
        let mut out = self.output_buffer(rows, cols);
        for (y, &x) in out.data_mut().iter_mut().zip(self.value(a).data()) {
            *y = f.value(x);
        }
        self.record(out, Op::Unary(a, f))
    }

    fn binary(&mut self, a: Var, b: Var, f: Binary) -> Var {
        let shape = self.value(a).shape();
        assert_same_shape(f.name(), self.value(a), self.value(b));
        let mut out = self.output_buffer(shape.0, shape.1);
        let (x, z) = (self.value(a).data(), self.value(b).data());
        for ((y, &a), &b) in out.data_mut().iter_mut().zip(x).zip(z) {
            *y = f.value(a, b);
        }
        self.record(out, Op::Binary(a, b, f))
    }

    /// a + b, elementwise.
    pub fn add(&mut self, a: Var, b: Var) -> Var {
        self.binary(a, b, Binary::Add)
    }

    /// a − b, elementwise.
    pub fn sub(&mut self, a: Var, b: Var) -> Var {
        self.binary(a, b, Binary::Sub)
    }

    /// a ⊙ b, elementwise.
    pub fn mul(&mut self, a: Var, b: Var) -> Var {
        self.binary(a, b, Binary::Mul)
    }

    /// a / b, elementwise.
    pub fn div(&mut self, a: Var, b: Var) -> Var {
        self.binary(a, b, Binary::Div)
    }

    /// aᵇ, elementwise. ∂/∂b = aᵇ·ln a is NaN for a < 0, as in PyTorch.
    pub fn pow(&mut self, a: Var, b: Var) -> Var {
        self.binary(a, b, Binary::Pow)
    }

    /// min(a, b), elementwise; a tie sends the gradient to `a`.
    pub fn minimum(&mut self, a: Var, b: Var) -> Var {
        self.binary(a, b, Binary::Minimum)
    }

    /// max(a, b), elementwise; a tie sends the gradient to `a`.
    pub fn maximum(&mut self, a: Var, b: Var) -> Var {
        self.binary(a, b, Binary::Maximum)
    }

    /// −a.
    pub fn neg(&mut self, a: Var) -> Var {
        self.unary(a, Unary::Neg)
    }

    /// c·a for a constant c.
    pub fn scale(&mut self, a: Var, c: T) -> Var {
        self.unary(a, Unary::Scale(c))
    }

    /// a + c for a constant c, added to every element.
    pub fn add_scalar(&mut self, a: Var, c: T) -> Var {
        self.unary(a, Unary::AddScalar(c))
    }

    /// aᵖ for a constant exponent p, elementwise.
    pub fn powf(&mut self, a: Var, p: T) -> Var {
        self.unary(a, Unary::Powf(p))
    }

    /// eᵃ, elementwise.
    pub fn exp(&mut self, a: Var) -> Var {
        self.unary(a, Unary::Exp)
    }

    /// ln a, elementwise.
    pub fn log(&mut self, a: Var) -> Var {
        self.unary(a, Unary::Log)
    }

    /// √a, elementwise.
    pub fn sqrt(&mut self, a: Var) -> Var {
        self.unary(a, Unary::Sqrt)
    }

    /// |a|, elementwise.
    pub fn abs(&mut self, a: Var) -> Var {
        self.unary(a, Unary::Abs)
    }

    /// sin a, elementwise.
    pub fn sin(&mut self, a: Var) -> Var {
        self.unary(a, Unary::Sin)
    }

    /// cos a, elementwise.
    pub fn cos(&mut self, a: Var) -> Var {
        self.unary(a, Unary::Cos)
    }

    /// tan a, elementwise.
    pub fn tan(&mut self, a: Var) -> Var {
        self.unary(a, Unary::Tan)
    }

    /// tanh a, elementwise.
    pub fn tanh(&mut self, a: Var) -> Var {
        self.unary(a, Unary::Tanh)
    }

    /// The logistic sigmoid 1 / (1 + e⁻ᵃ), elementwise.
    pub fn sigmoid(&mut self, a: Var) -> Var {
        self.unary(a, Unary::Sigmoid)
    }

    /// max(a, 0), elementwise.
    pub fn relu(&mut self, a: Var) -> Var {
        self.unary(a, Unary::Relu)
    }
}

/// Panics (a programmer error) when two operands' shapes differ.
pub(crate) fn assert_same_shape<T: Real>(op: &str, a: &Tensor<T>, b: &Tensor<T>) {
    assert!(
        a.shape() == b.shape(),
        "{op}: the operands must have the same shape, got {}×{} and {}×{}",
        a.rows(),
        a.cols(),
        b.rows(),
        b.cols()
    );
}

/// ∂loss/∂x += ḡ ⊙ f′(x).
pub(crate) fn unary_backward<T: Real>(
    graph: &Graph<T>,
    a: Var,
    f: Unary<T>,
    output: &Tensor<T>,
    upstream: &[T],
    parents: &mut ParentGrads<'_, T>,
) {
    let Some(grad_a) = parents.of(a) else { return };
    let x = graph.value(a).data();
    for (((ga, &g), &x), &y) in grad_a.iter_mut().zip(upstream).zip(x).zip(output.data()) {
        *ga += g * f.derivative(x, y);
    }
}

/// ∂loss/∂a += ḡ ⊙ ∂y/∂a and ∂loss/∂b += ḡ ⊙ ∂y/∂b, one after the other so
/// that `a` and `b` may be the same node.
pub(crate) fn binary_backward<T: Real>(
    graph: &Graph<T>,
    a: Var,
    b: Var,
    f: Binary,
    output: &Tensor<T>,
    upstream: &[T],
    parents: &mut ParentGrads<'_, T>,
) {
    let (x, z, y) = (graph.value(a).data(), graph.value(b).data(), output.data());
    let elements = || upstream.iter().zip(x).zip(z).zip(y);
    if let Some(grad_a) = parents.of(a) {
        for (ga, (((&g, &x), &z), &y)) in grad_a.iter_mut().zip(elements()) {
            *ga += g * f.partial_a(x, z, y);
        }
    }
    if let Some(grad_b) = parents.of(b) {
        for (gb, (((&g, &x), &z), &y)) in grad_b.iter_mut().zip(elements()) {
            *gb += g * f.partial_b(x, z, y);
        }
    }
}
