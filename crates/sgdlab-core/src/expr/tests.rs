//! Property tests over random formulas, and golden derivatives of known ones.
//!
//! Random trees are printed, parsed back, and differentiated three ways:
//! reverse mode, second-order forward mode (Jet2) and central finite
//! differences. Points where the formula is not smooth enough for finite
//! differences to be trusted (a kink of abs/min/max inside the stencil, or a
//! non-finite value) are skipped, and each test checks that most points
//! were not.

use super::program::Instruction;
use super::*;
use crate::SeededRng;
use crate::surfaces::Surface;

/// Grows a random tree of at most `depth` levels into `nodes` (postfix).
fn random_tree(rng: &mut SeededRng, depth: usize, nodes: &mut Vec<Node>) -> NodeId {
    let leaf = depth == 0 || rng.uniform() < 0.25;
    let node = if leaf {
        match rng.below(8) {
            0 | 1 => Node::X,
            2 | 3 => Node::Y,
            4 => Node::Pi,
            5 => Node::E,
            6 => Node::Number(rng.below(5) as f64),
            _ => Node::Number(rng.uniform_in(0.0, 3.0)),
        }
    } else {
        match rng.below(12) {
            0 => Node::Negate(random_tree(rng, depth - 1, nodes)),
            1..=4 => {
                let function = Function::ALL[rng.below(Function::ALL.len())];
                Node::Call(function, random_tree(rng, depth - 1, nodes))
            }
            choice => {
                let op = [
                    BinaryOp::Add,
                    BinaryOp::Subtract,
                    BinaryOp::Multiply,
                    BinaryOp::Divide,
                    BinaryOp::Power,
                    BinaryOp::Min,
                    BinaryOp::Max,
                ][choice - 5];
                let left = random_tree(rng, depth - 1, nodes);
                let right = if op == BinaryOp::Power && rng.uniform() < 0.7 {
                    // Mostly small constant exponents, as people write them.
                    nodes.push(Node::Number(rng.below(4) as f64 + 1.0));
                    nodes.len() - 1
                } else {
                    random_tree(rng, depth - 1, nodes)
                };
                Node::Binary { op, left, right }
            }
        }
    };
    nodes.push(node);
    nodes.len() - 1
}

/// A random formula, checked to survive printing and parsing unchanged.
fn random_expression(rng: &mut SeededRng) -> Expression {
    let mut nodes = Vec::new();
    let depth = 1 + rng.below(5);
    random_tree(rng, depth, &mut nodes);
    let ast = Ast::from_postfix(nodes);
    let printed = ast.to_string();
    let expression = Expression::parse(&printed)
        .unwrap_or_else(|error| panic!("printed `{printed}` does not parse: {error}"));
    assert_eq!(expression.ast(), &ast, "`{printed}` parsed to another tree");
    expression
}

/// Which branch every abs/min/max takes at (x, y): where this differs between
/// two points, a kink lies between them.
fn branches(expression: &Expression, x: f64, y: f64) -> Vec<bool> {
    let instructions = expression.program.instructions();
    let mut values = vec![0.0; instructions.len()];
    expression.program.forward(x, y, &mut values);
    instructions
        .iter()
        .filter_map(|instruction| match *instruction {
            Instruction::Abs(a) => Some(values[a as usize] >= 0.0),
            Instruction::Min(a, b) | Instruction::Max(a, b) => {
                Some(values[a as usize] <= values[b as usize])
            }
            _ => None,
        })
        .collect()
}

/// True when f is finite and takes the same branches everywhere on the
/// stencil of half-width `h` around (x, y).
fn smooth_around(expression: &Expression, x: f64, y: f64, h: f64) -> bool {
    let here = branches(expression, x, y);
    let stencil = [(x + h, y), (x - h, y), (x, y + h), (x, y - h)];
    expression.value(x, y).is_finite()
        && stencil.iter().all(|&(sx, sy)| {
            expression.value(sx, sy).is_finite() && branches(expression, sx, sy) == here
        })
}

/// Central difference of `f` along one axis.
fn central_difference(f: impl Fn(f64, f64) -> f64, x: f64, y: f64, axis: usize, h: f64) -> f64 {
    let (dx, dy) = if axis == 0 { (h, 0.0) } else { (0.0, h) };
    (f(x + dx, y + dy) - f(x - dx, y - dy)) / (2.0 * h)
}

/// A finite-difference estimate with a step small enough to be accurate and
/// large enough to beat rounding, or `None` when halving the step changes it
/// more than the tolerance (the function bends too fast here to check).
fn trusted_difference(
    f: impl Fn(f64, f64) -> f64 + Copy,
    x: f64,
    y: f64,
    axis: usize,
) -> Option<f64> {
    let h = 1e-5;
    let coarse = central_difference(f, x, y, axis, h);
    let fine = central_difference(f, x, y, axis, h / 2.0);
    (coarse.is_finite() && (coarse - fine).abs() <= 1e-7 * (1.0 + fine.abs())).then_some(fine)
}

fn assert_close(actual: f64, expected: f64, tolerance: f64, what: &str) {
    let scale = 1.0 + actual.abs().max(expected.abs());
    assert!(
        (actual - expected).abs() <= tolerance * scale,
        "{what}: {actual} vs {expected}"
    );
}

const FORMULAS: usize = 400;
const POINTS_PER_FORMULA: usize = 5;

#[test]
fn random_formulas_print_and_parse_back_to_the_same_tree() {
    let mut rng = SeededRng::derive(1, "expr-print");
    for _ in 0..2000 {
        let expression = random_expression(&mut rng);
        // Printing the canonical form again changes nothing.
        assert_eq!(expression.to_string(), expression.source());
    }
}

#[test]
fn reverse_mode_gradient_matches_finite_differences() {
    let mut rng = SeededRng::derive(2, "expr-gradient");
    let (mut checked, mut total) = (0, 0);
    for _ in 0..FORMULAS {
        let expression = random_expression(&mut rng);
        let f = |x, y| expression.value(x, y);
        for _ in 0..POINTS_PER_FORMULA {
            let (x, y) = (rng.uniform_in(-2.0, 2.0), rng.uniform_in(-2.0, 2.0));
            total += 1;
            let (value, gradient) = expression.gradient(x, y);
            if !smooth_around(&expression, x, y, 1e-4) || !gradient.iter().all(|g| g.is_finite()) {
                continue;
            }
            let Some(dx) = trusted_difference(f, x, y, 0) else {
                continue;
            };
            let Some(dy) = trusted_difference(f, x, y, 1) else {
                continue;
            };
            assert_eq!(value.to_bits(), expression.value(x, y).to_bits());
            let what = format!("∇({expression}) at ({x}, {y})");
            assert_close(gradient[0], dx, 1e-5, &what);
            assert_close(gradient[1], dy, 1e-5, &what);
            checked += 1;
        }
    }
    assert!(
        checked * 2 > total,
        "only {checked} of {total} points were checked"
    );
}

#[test]
fn jet_value_and_gradient_equal_plain_value_and_reverse_mode() {
    let mut rng = SeededRng::derive(3, "expr-jet");
    let mut checked = 0;
    for _ in 0..FORMULAS {
        let expression = random_expression(&mut rng);
        for _ in 0..POINTS_PER_FORMULA {
            let (x, y) = (rng.uniform_in(-2.0, 2.0), rng.uniform_in(-2.0, 2.0));
            let jet = expression.jet(x, y);
            let value = expression.value(x, y);
            // The same operations on the values, so the same bits.
            assert!(
                jet.value.to_bits() == value.to_bits() || (jet.value.is_nan() && value.is_nan()),
                "{expression} at ({x}, {y}): {} vs {value}",
                jet.value
            );
            let (_, gradient) = expression.gradient(x, y);
            if !(gradient.iter().chain(&jet.gradient).all(|g| g.is_finite())) {
                continue;
            }
            let what = format!("∇({expression}) at ({x}, {y})");
            assert_close(jet.gradient[0], gradient[0], 1e-10, &what);
            assert_close(jet.gradient[1], gradient[1], 1e-10, &what);
            checked += 1;
        }
    }
    assert!(
        checked * 2 > FORMULAS * POINTS_PER_FORMULA,
        "only {checked} points checked"
    );
}

#[test]
fn jet_hessian_matches_finite_differences_of_the_gradient() {
    let mut rng = SeededRng::derive(4, "expr-hessian");
    let (mut checked, mut total) = (0, 0);
    for _ in 0..FORMULAS {
        let expression = random_expression(&mut rng);
        for _ in 0..POINTS_PER_FORMULA {
            let (x, y) = (rng.uniform_in(-2.0, 2.0), rng.uniform_in(-2.0, 2.0));
            total += 1;
            let hessian = expression.hessian(x, y);
            if !smooth_around(&expression, x, y, 1e-4)
                || !hessian.iter().flatten().all(|h| h.is_finite())
            {
                continue;
            }
            let gradient_x = |x, y| expression.gradient(x, y).1[0];
            let gradient_y = |x, y| expression.gradient(x, y).1[1];
            let estimates = [
                trusted_difference(gradient_x, x, y, 0),
                trusted_difference(gradient_x, x, y, 1),
                trusted_difference(gradient_y, x, y, 0),
                trusted_difference(gradient_y, x, y, 1),
            ];
            let [Some(xx), Some(xy), Some(yx), Some(yy)] = estimates else {
                continue;
            };
            let what = format!("∇²({expression}) at ({x}, {y})");
            assert_close(hessian[0][0], xx, 1e-5, &what);
            assert_close(hessian[0][1], xy, 1e-5, &what);
            assert_close(hessian[1][0], yx, 1e-5, &what);
            assert_close(hessian[1][1], yy, 1e-5, &what);
            checked += 1;
        }
    }
    assert!(
        checked * 2 > total,
        "only {checked} of {total} points were checked"
    );
}

#[test]
fn rosenbrock_derivatives_match_the_analytic_ones() {
    // f = (1 − x)² + 100(y − x²)²
    // ∇f = [−2(1 − x) − 400x(y − x²), 200(y − x²)]
    // ∇²f = [[2 − 400(y − x²) + 800x², −400x], [−400x, 200]]
    let f = Expression::parse("(1 - x)^2 + 100*(y - x^2)^2").unwrap();
    let mut rng = SeededRng::derive(5, "expr-rosenbrock");
    for _ in 0..100 {
        let (x, y) = (rng.uniform_in(-2.0, 2.0), rng.uniform_in(-1.0, 3.0));
        let r = y - x * x;
        let (value, gradient) = f.gradient(x, y);
        assert_close(value, (1.0 - x) * (1.0 - x) + 100.0 * r * r, 1e-14, "f");
        assert_close(gradient[0], -2.0 * (1.0 - x) - 400.0 * x * r, 1e-13, "f_x");
        assert_close(gradient[1], 200.0 * r, 1e-13, "f_y");
        let hessian = f.hessian(x, y);
        assert_close(
            hessian[0][0],
            2.0 - 400.0 * r + 800.0 * x * x,
            1e-13,
            "f_xx",
        );
        assert_close(hessian[0][1], -400.0 * x, 1e-13, "f_xy");
        assert_eq!(hessian[0][1], hessian[1][0]);
        assert_close(hessian[1][1], 200.0, 1e-13, "f_yy");
    }
}

#[test]
fn rastrigin_gradient_matches_the_analytic_one() {
    // f = 20 + x² − 10cos(2πx) + y² − 10cos(2πy), ∂f/∂x = 2x + 20π·sin(2πx)
    let f = Expression::parse("20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)").unwrap();
    let tau = 2.0 * core::f64::consts::PI;
    for (x, y) in [(0.3, -1.2), (2.5, 0.01), (-0.75, 0.5)] {
        let (_, gradient) = f.gradient(x, y);
        assert_close(
            gradient[0],
            2.0 * x + 10.0 * tau * libm::sin(tau * x),
            1e-13,
            "f_x",
        );
        assert_close(
            gradient[1],
            2.0 * y + 10.0 * tau * libm::sin(tau * y),
            1e-13,
            "f_y",
        );
        let hessian = f.hessian(x, y);
        assert_close(
            hessian[0][0],
            2.0 + 10.0 * tau * tau * libm::cos(tau * x),
            1e-13,
            "f_xx",
        );
        assert_eq!(hessian[0][1], 0.0);
    }
}

#[test]
fn kinks_take_the_documented_branch() {
    let gradient = |source: &str, x, y| Expression::parse(source).unwrap().gradient(x, y).1;
    assert_eq!(gradient("abs(x)", 0.0, 0.0), [0.0, 0.0]);
    assert_eq!(gradient("abs(x)", -2.0, 0.0), [-1.0, 0.0]);
    assert_eq!(gradient("min(x, y)", 1.0, 1.0), [1.0, 0.0]);
    assert_eq!(gradient("max(y, x)", 1.0, 1.0), [0.0, 1.0]);
    assert_eq!(gradient("max(x, 2*y)", 1.0, 3.0), [0.0, 2.0]);
    // The branch min did not choose cannot poison the gradient, even where
    // its slope is infinite (√y at y = 0).
    assert_eq!(gradient("min(x, sqrt(y))", -1.0, 0.0), [1.0, 0.0]);
    // Domain errors are NaN, not errors.
    assert!(
        Expression::parse("log(x)")
            .unwrap()
            .gradient(-1.0, 0.0)
            .0
            .is_nan()
    );
}

#[test]
fn square_is_bit_identical_to_pow() {
    let square = Expression::parse("x^2").unwrap();
    let folded = Expression::parse("x^(1+1)").unwrap();
    let variable = Expression::parse("x^y").unwrap();
    let mut rng = SeededRng::derive(6, "expr-square");
    for _ in 0..10_000 {
        let x = rng.normal() * libm::exp(rng.uniform_in(-30.0, 30.0));
        let want = libm::pow(x, 2.0);
        assert_eq!(square.value(x, 0.0).to_bits(), want.to_bits(), "{x}");
        assert_eq!(folded.value(x, 0.0).to_bits(), want.to_bits(), "{x}");
        assert_eq!(variable.value(x, 2.0).to_bits(), want.to_bits(), "{x}");
    }
}

#[test]
fn compiling_folds_constants_and_loads_each_variable_once() {
    let count = |source: &str| Expression::parse(source).unwrap().instruction_count();
    assert_eq!(count("2*pi*x"), 3); // 2π, x, ·
    assert_eq!(count("sin(pi/2) + e^2"), 1);
    assert_eq!(count("x*x*x + x"), 4);
    assert_eq!(count("x^3"), 2);
    let folded = Expression::parse("sqrt(2)*x").unwrap();
    assert_eq!(folded.value(3.0, 0.0), 2.0_f64.sqrt() * 3.0);
    assert_eq!(
        Expression::parse("2^10").unwrap().gradient(1.0, 1.0),
        (1024.0, [0.0, 0.0])
    );
}

#[test]
fn large_formulas_evaluate_past_the_inline_scratch() {
    // 300 terms: far more slots than are kept on the stack.
    let source = (1..=300)
        .map(|k| format!("{k}*x^2"))
        .collect::<Vec<_>>()
        .join(" + ");
    let f = Expression::parse(&source).unwrap();
    assert!(f.instruction_count() > 64);
    let sum: f64 = (1..=300).map(f64::from).sum();
    let (value, gradient) = f.gradient(2.0, 1.0);
    assert_eq!(value, 4.0 * sum);
    assert_eq!(gradient, [4.0 * sum, 0.0]);
    assert_eq!(f.hessian(2.0, 1.0), [[2.0 * sum, 0.0], [0.0, 0.0]]);
}

#[test]
fn expression_surface_reports_its_formula_and_derivatives() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<ExprSurface>();
    let surface = ExprSurface::parse("x^2 + 3*x*y").unwrap();
    let surface: &dyn Surface = &surface;
    assert_eq!(surface.name(), "custom");
    assert_eq!(surface.formula(), "x^2 + 3*x*y");
    assert_eq!(surface.value(1.0, 2.0), 7.0);
    assert_eq!(surface.gradient(1.0, 2.0), [8.0, 3.0]);
    assert_eq!(surface.hessian(1.0, 2.0), [[2.0, 3.0], [3.0, 0.0]]);
    assert!(surface.minima().is_empty());
    let view = surface.view_box();
    let [x, y] = surface.default_start();
    assert!((view.x_min..=view.x_max).contains(&x) && (view.y_min..=view.y_max).contains(&y));
    assert_eq!(
        ExprSurface::parse("x^2 + foo(y)").unwrap_err().to_string(),
        format!(
            "unknown function `foo` at column 7; allowed: {}",
            FUNCTION_NAMES.join(", ")
        )
    );
}
