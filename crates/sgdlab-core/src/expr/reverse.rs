//! Reverse-mode differentiation of a compiled formula.
//!
//! ```text
//! forward:   vᵢ = opᵢ(v_a, v_b)              for i = 0 … n−1, keeping every vᵢ
//! seed:      v̄ₙ₋₁ = 1, every other v̄ᵢ = 0    (v̄ = ∂f/∂v, the adjoint)
//! backward:  for i = n−1 … 0:
//!                v̄_a += v̄ᵢ · ∂opᵢ/∂a,   v̄_b += v̄ᵢ · ∂opᵢ/∂b
//!            ∂f/∂x = Σ v̄ᵢ over x's slots,  likewise y
//! ```
//!
//! One backward sweep costs about as much as the forward one, which is why
//! the gradient of any formula costs a small constant times its value.
//!
//! Local derivatives, written beside each instruction below (out = vᵢ):
//!
//! ```text
//! −a: −1        a²: 2a        aᶜ: c·aᶜ⁻¹       a ± b: 1, ±1     a·b: b, a
//! a/b: 1/b, −out/b            aᵇ: b·aᵇ⁻¹, out·ln a
//! sin: cos a    cos: −sin a   tan: 1 + out²    exp: out          log: 1/a
//! sqrt: 1/(2·out)   abs: sign a (0 at 0)   tanh: 1 − out²   sigmoid: out(1 − out)
//! min, max: 1 to the chosen operand (the first on a tie), 0 to the other;
//!           NaN to both when either is NaN
//! ```

use super::program::{Instruction, Program, with_slots};
use crate::jet::{power_rule, sign};

/// The value and gradient [∂f/∂x, ∂f/∂y] of the program at (x, y).
pub(crate) fn value_and_gradient(program: &Program, x: f64, y: f64) -> (f64, [f64; 2]) {
    let instructions = program.instructions();
    let len = instructions.len();
    with_slots(len, 0.0, |values| {
        with_slots(len, 0.0, |adjoints| {
            program.forward(x, y, values);
            adjoints[len - 1] = 1.0;
            let mut gradient = [0.0, 0.0];
            for (i, &instruction) in instructions.iter().enumerate().rev() {
                let adjoint = adjoints[i];
                // Nothing downstream depends on this slot. Skipping it also
                // keeps an infinite slope in the branch `min` did not choose
                // from turning the gradient into 0·∞ = NaN.
                if adjoint == 0.0 {
                    continue;
                }
                let out = values[i];
                let value = |slot: u32| values[slot as usize];
                let mut add =
                    |slot: u32, contribution: f64| adjoints[slot as usize] += contribution;
                match instruction {
                    Instruction::Constant(_) => {}
                    Instruction::X => gradient[0] += adjoint,
                    Instruction::Y => gradient[1] += adjoint,
                    Instruction::Negate(a) => add(a, -adjoint),
                    Instruction::Square(a) => add(a, adjoint * 2.0 * value(a)),
                    Instruction::PowerConstant(a, exponent) => {
                        add(a, adjoint * power_rule(value(a), exponent));
                    }
                    Instruction::Sin(a) => add(a, adjoint * libm::cos(value(a))),
                    Instruction::Cos(a) => add(a, -adjoint * libm::sin(value(a))),
                    Instruction::Tan(a) => add(a, adjoint * (1.0 + out * out)),
                    Instruction::Exp(a) => add(a, adjoint * out),
                    Instruction::Log(a) => add(a, adjoint / value(a)),
                    Instruction::Sqrt(a) => add(a, adjoint * 0.5 / out),
                    Instruction::Abs(a) => add(a, adjoint * sign(value(a))),
                    Instruction::Tanh(a) => add(a, adjoint * (1.0 - out * out)),
                    Instruction::Sigmoid(a) => add(a, adjoint * out * (1.0 - out)),
                    Instruction::Add(a, b) => {
                        add(a, adjoint);
                        add(b, adjoint);
                    }
                    Instruction::Subtract(a, b) => {
                        add(a, adjoint);
                        add(b, -adjoint);
                    }
                    Instruction::Multiply(a, b) => {
                        add(a, adjoint * value(b));
                        add(b, adjoint * value(a));
                    }
                    Instruction::Divide(a, b) => {
                        add(a, adjoint / value(b));
                        add(b, -adjoint * out / value(b));
                    }
                    Instruction::Power(a, b) => {
                        add(a, adjoint * power_rule(value(a), value(b)));
                        add(b, adjoint * out * libm::log(value(a)));
                    }
                    Instruction::Min(a, b) | Instruction::Max(a, b) => {
                        // `out` is the chosen operand itself (the first on a
                        // tie); a NaN operand makes both value and slope NaN.
                        if out.is_nan() {
                            add(a, f64::NAN);
                            add(b, f64::NAN);
                        } else if value(a) == out {
                            add(a, adjoint);
                        } else {
                            add(b, adjoint);
                        }
                    }
                }
            }
            (values[len - 1], gradient)
        })
    })
}
