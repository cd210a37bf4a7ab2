//! Gradient checks for every op, plus equivalences and an end-to-end run.
//!
//! The central check: for random inputs x and random weights w shaped like
//! the op's output, the autograd gradient of
//!
//! ```text
//! F(x) = Σ w ⊙ op(x)
//! ```
//!
//! must match the central difference (F(x + h·eₖ) − F(x − h·eₖ)) / 2h for
//! every input element k. Random w means every output element's gradient
//! path is exercised with a different weight, so a wrong index or a missing
//! term cannot cancel out.

use super::{Axis, Graph, Tensor, Var, per_example_gradients};
use crate::{Real, SeededRng};

/// Random draws per op; shapes are drawn too.
const CASES: u64 = 8;
/// Central-difference step.
const STEP: f64 = 1e-5;
/// Allowed |autograd − numeric| is TOLERANCE · (1 + |numeric|).
const TOLERANCE: f64 = 1e-6;

fn random_shape(rng: &mut SeededRng) -> (usize, usize) {
    (1 + rng.below(4), 1 + rng.below(4))
}

fn random_tensor(
    rng: &mut SeededRng,
    (rows, cols): (usize, usize),
    draw: fn(&mut SeededRng) -> f64,
) -> Tensor<f64> {
    Tensor::from_fn(rows, cols, |_, _| draw(rng))
}

fn anywhere(rng: &mut SeededRng) -> f64 {
    rng.uniform_in(-2.0, 2.0)
}

fn positive(rng: &mut SeededRng) -> f64 {
    rng.uniform_in(0.2, 3.0)
}

/// |x| ∈ [0.5, 2), either sign: safe to divide by.
fn away_from_zero(rng: &mut SeededRng) -> f64 {
    let magnitude = rng.uniform_in(0.5, 2.0);
    if rng.uniform() < 0.5 {
        -magnitude
    } else {
        magnitude
    }
}

/// Anywhere but within 1e-3 of the kink at 0 (abs, relu).
fn off_the_kink(rng: &mut SeededRng) -> f64 {
    loop {
        let x = anywhere(rng);
        if x.abs() > 1e-3 {
            return x;
        }
    }
}

/// Σ w ⊙ op(inputs), with every input recorded as a parameter.
fn weighted_objective(
    inputs: &[Tensor<f64>],
    weights: &Tensor<f64>,
    op: &dyn Fn(&mut Graph<f64>, &[Var]) -> Var,
) -> (Graph<f64>, Var, Vec<Var>) {
    let mut g = Graph::new();
    let vars: Vec<Var> = inputs.iter().map(|x| g.param(x.clone())).collect();
    let output = op(&mut g, &vars);
    let w = g.input(weights.clone());
    let weighted = g.mul(w, output);
    let objective = g.sum(weighted);
    (g, objective, vars)
}

/// Checks the autograd gradient of Σ w ⊙ op(inputs) against central
/// differences, for random weights w drawn from `rng`.
fn check_gradients(
    name: &str,
    inputs: &[Tensor<f64>],
    rng: &mut SeededRng,
    op: &dyn Fn(&mut Graph<f64>, &[Var]) -> Var,
) {
    let output_shape = {
        let mut g = Graph::new();
        let vars: Vec<Var> = inputs.iter().map(|x| g.param(x.clone())).collect();
        let output = op(&mut g, &vars);
        g.value(output).shape()
    };
    let weights = random_tensor(rng, output_shape, |rng| rng.normal());
    let (g, objective, vars) = weighted_objective(inputs, &weights, op);
    let grads = g.backward(objective);

    let evaluate = |perturbed: &[Tensor<f64>]| {
        let (g, objective, _) = weighted_objective(perturbed, &weights, op);
        g.value(objective).item()
    };
    for (k, (input, &var)) in inputs.iter().zip(&vars).enumerate() {
        let analytic = grads.get(var).expect("every input is a parameter");
        assert_eq!(analytic.shape(), input.shape(), "{name}: gradient shape");
        for e in 0..input.len() {
            let mut shifted = inputs.to_vec();
            shifted[k].data_mut()[e] = input.data()[e] + STEP;
            let above = evaluate(&shifted);
            shifted[k].data_mut()[e] = input.data()[e] - STEP;
            let below = evaluate(&shifted);
            let numeric = (above - below) / (2.0 * STEP);
            let got = analytic.data()[e];
            assert!(
                (got - numeric).abs() <= TOLERANCE * (1.0 + numeric.abs()),
                "{name}: ∂/∂input{k}[{e}] autograd {got} vs finite difference {numeric} \
                 (inputs {inputs:?})"
            );
        }
    }
}

/// Runs [`check_gradients`] on `CASES` seeded draws of `make_inputs`.
fn check_op(
    name: &str,
    make_inputs: impl Fn(&mut SeededRng) -> Vec<Tensor<f64>>,
    op: impl Fn(&mut Graph<f64>, &[Var]) -> Var,
) {
    for case in 0..CASES {
        let mut rng = SeededRng::derive(case, name);
        let inputs = make_inputs(&mut rng);
        check_gradients(name, &inputs, &mut rng, &op);
    }
}

/// One random-shaped input drawn from `draw`.
fn one_input(draw: fn(&mut SeededRng) -> f64) -> impl Fn(&mut SeededRng) -> Vec<Tensor<f64>> {
    move |rng| {
        let shape = random_shape(rng);
        vec![random_tensor(rng, shape, draw)]
    }
}

/// Two inputs of one random shape, drawn from `draw_a` and `draw_b`.
fn two_inputs(
    draw_a: fn(&mut SeededRng) -> f64,
    draw_b: fn(&mut SeededRng) -> f64,
) -> impl Fn(&mut SeededRng) -> Vec<Tensor<f64>> {
    move |rng| {
        let shape = random_shape(rng);
        vec![
            random_tensor(rng, shape, draw_a),
            random_tensor(rng, shape, draw_b),
        ]
    }
}

/// Two inputs of one shape whose elements differ by at least 1e-3 (away
/// from the kink of minimum and maximum).
fn two_distinct_inputs(rng: &mut SeededRng) -> Vec<Tensor<f64>> {
    let shape = random_shape(rng);
    let a = random_tensor(rng, shape, anywhere);
    let b = Tensor::from_fn(shape.0, shape.1, |r, c| {
        loop {
            let candidate = anywhere(rng);
            if (candidate - a.get(r, c)).abs() > 1e-3 {
                break candidate;
            }
        }
    });
    vec![a, b]
}

// ---- elementwise binary ----

#[test]
fn gradcheck_add() {
    check_op("add", two_inputs(anywhere, anywhere), |g, v| {
        g.add(v[0], v[1])
    });
}

#[test]
fn gradcheck_sub() {
    check_op("sub", two_inputs(anywhere, anywhere), |g, v| {
        g.sub(v[0], v[1])
    });
}

#[test]
fn gradcheck_mul() {
    check_op("mul", two_inputs(anywhere, anywhere), |g, v| {
        g.mul(v[0], v[1])
    });
}

#[test]
fn gradcheck_div() {
    check_op("div", two_inputs(anywhere, away_from_zero), |g, v| {
        g.div(v[0], v[1])
    });
}

#[test]
fn gradcheck_pow() {
    check_op("pow", two_inputs(positive, anywhere), |g, v| {
        g.pow(v[0], v[1])
    });
}

#[test]
fn gradcheck_minimum() {
    check_op("minimum", two_distinct_inputs, |g, v| g.minimum(v[0], v[1]));
}

#[test]
fn gradcheck_maximum() {
    check_op("maximum", two_distinct_inputs, |g, v| g.maximum(v[0], v[1]));
}

// ---- elementwise unary ----

#[test]
fn gradcheck_neg() {
    check_op("neg", one_input(anywhere), |g, v| g.neg(v[0]));
}

#[test]
fn gradcheck_scale() {
    check_op("scale", one_input(anywhere), |g, v| g.scale(v[0], -1.7));
}

#[test]
fn gradcheck_add_scalar() {
    check_op("add_scalar", one_input(anywhere), |g, v| {
        g.add_scalar(v[0], 0.3)
    });
}

#[test]
fn gradcheck_powf_fractional_exponent() {
    for p in [-1.5, 0.5, 2.7] {
        check_op("powf fractional", one_input(positive), move |g, v| {
            g.powf(v[0], p)
        });
    }
}

#[test]
fn gradcheck_powf_integer_exponent_of_any_sign_base() {
    for p in [2.0, 3.0] {
        check_op("powf integer", one_input(anywhere), move |g, v| {
            g.powf(v[0], p)
        });
    }
}

#[test]
fn gradcheck_exp() {
    check_op("exp", one_input(anywhere), |g, v| g.exp(v[0]));
}

#[test]
fn gradcheck_log() {
    check_op("log", one_input(positive), |g, v| g.log(v[0]));
}

#[test]
fn gradcheck_sqrt() {
    check_op("sqrt", one_input(positive), |g, v| g.sqrt(v[0]));
}

#[test]
fn gradcheck_abs() {
    check_op("abs", one_input(off_the_kink), |g, v| g.abs(v[0]));
}

#[test]
fn gradcheck_sin() {
    check_op("sin", one_input(anywhere), |g, v| g.sin(v[0]));
}

#[test]
fn gradcheck_cos() {
    check_op("cos", one_input(anywhere), |g, v| g.cos(v[0]));
}

#[test]
fn gradcheck_tan() {
    // |x| < 1.2 stays clear of the poles at ±π/2.
    check_op("tan", one_input(|rng| rng.uniform_in(-1.2, 1.2)), |g, v| {
        g.tan(v[0])
    });
}

#[test]
fn gradcheck_tanh() {
    check_op("tanh", one_input(anywhere), |g, v| g.tanh(v[0]));
}

#[test]
fn gradcheck_sigmoid() {
    check_op("sigmoid", one_input(anywhere), |g, v| g.sigmoid(v[0]));
}

#[test]
fn gradcheck_relu() {
    check_op("relu", one_input(off_the_kink), |g, v| g.relu(v[0]));
}

// ---- matrix ops ----

#[test]
fn gradcheck_matmul() {
    check_op(
        "matmul",
        |rng| {
            let (m, k, n) = (1 + rng.below(4), 1 + rng.below(12), 1 + rng.below(4));
            vec![
                random_tensor(rng, (m, k), anywhere),
                random_tensor(rng, (k, n), anywhere),
            ]
        },
        |g, v| g.matmul(v[0], v[1]),
    );
}

#[test]
fn gradcheck_transpose() {
    check_op("transpose", one_input(anywhere), |g, v| g.transpose(v[0]));
}

#[test]
fn gradcheck_add_row() {
    check_op(
        "add_row",
        |rng| {
            let (m, n) = random_shape(rng);
            vec![
                random_tensor(rng, (m, n), anywhere),
                random_tensor(rng, (1, n), anywhere),
            ]
        },
        |g, v| g.add_row(v[0], v[1]),
    );
}

// ---- reductions ----

#[test]
fn gradcheck_sum() {
    check_op("sum", one_input(anywhere), |g, v| g.sum(v[0]));
}

#[test]
fn gradcheck_mean() {
    check_op("mean", one_input(anywhere), |g, v| g.mean(v[0]));
}

#[test]
fn gradcheck_sum_axis() {
    for axis in [Axis::Rows, Axis::Cols] {
        check_op("sum_axis", one_input(anywhere), move |g, v| {
            g.sum_axis(v[0], axis)
        });
    }
}

#[test]
fn gradcheck_mean_axis() {
    for axis in [Axis::Rows, Axis::Cols] {
        check_op("mean_axis", one_input(anywhere), move |g, v| {
            g.mean_axis(v[0], axis)
        });
    }
}

// ---- losses ----

#[test]
fn gradcheck_softmax_cross_entropy() {
    for case in 0..CASES {
        let mut rng = SeededRng::derive(case, "softmax_cross_entropy");
        let (batch, classes) = (1 + rng.below(5), 2 + rng.below(4));
        let logits = random_tensor(&mut rng, (batch, classes), |rng| 3.0 * rng.normal());
        let labels: Vec<usize> = (0..batch).map(|_| rng.below(classes)).collect();
        check_gradients("softmax_cross_entropy", &[logits], &mut rng, &|g, v| {
            g.softmax_cross_entropy(v[0], &labels)
        });
    }
}

#[test]
fn gradcheck_mse() {
    check_op("mse", two_inputs(anywhere, anywhere), |g, v| {
        g.mse(v[0], v[1])
    });
}

// ---- compositions ----

/// logits = tanh(x·W₁ + b₁)·W₂ + b₂ for params [W₁, b₁, W₂, b₂].
fn mlp_logits<T: Real>(g: &mut Graph<T>, x: Var, params: &[Var]) -> Var {
    let pre = g.matmul(x, params[0]);
    let pre = g.add_row(pre, params[1]);
    let hidden = g.tanh(pre);
    let out = g.matmul(hidden, params[2]);
    g.add_row(out, params[3])
}

fn random_mlp(rng: &mut SeededRng, sizes: [usize; 3]) -> Vec<Tensor<f64>> {
    let [inputs, hidden, outputs] = sizes;
    vec![
        random_tensor(rng, (inputs, hidden), |rng| rng.normal()),
        random_tensor(rng, (1, hidden), |rng| 0.1 * rng.normal()),
        random_tensor(rng, (hidden, outputs), |rng| rng.normal()),
        random_tensor(rng, (1, outputs), |rng| 0.1 * rng.normal()),
    ]
}

#[test]
fn gradcheck_mlp_with_cross_entropy() {
    for case in 0..CASES {
        let mut rng = SeededRng::derive(case, "mlp");
        let mut inputs = random_mlp(&mut rng, [2, 5, 3]);
        inputs.push(random_tensor(&mut rng, (4, 2), anywhere)); // the batch
        let labels: Vec<usize> = (0..4).map(|_| rng.below(3)).collect();
        check_gradients("mlp", &inputs, &mut rng, &|g, v| {
            let logits = mlp_logits(g, v[4], &v[..4]);
            g.softmax_cross_entropy(logits, &labels)
        });
    }
}

#[test]
fn a_node_used_twice_gets_both_contributions() {
    // x ⊙ x + x: derivative 2x + 1
    check_op("x*x + x", one_input(anywhere), |g, v| {
        let square = g.mul(v[0], v[0]);
        g.add(square, v[0])
    });
    let mut g = Graph::<f64>::new();
    let x = g.param(Tensor::scalar(3.0));
    let square = g.mul(x, x);
    let f = g.add(square, x);
    assert_eq!(g.backward(f).get(x).unwrap().item(), 7.0);
}

// ---- properties of the tape ----

#[test]
fn inputs_get_no_gradient_and_unused_params_get_zeros() {
    let mut g = Graph::<f64>::new();
    let x = g.input(Tensor::row_vector(vec![1.0, 2.0]));
    let w = g.param(Tensor::row_vector(vec![3.0, 4.0]));
    let unused = g.param(Tensor::scalar(5.0));
    let constant_only = g.exp(x);
    let product = g.mul(constant_only, w);
    let loss = g.sum(product);
    let after_loss = g.param(Tensor::scalar(1.0));
    let grads = g.backward(loss);
    assert!(grads.get(x).is_none());
    assert!(grads.get(constant_only).is_none());
    assert!(grads.get(after_loss).is_none());
    assert_eq!(grads.get(unused).unwrap().data(), &[0.0]);
    assert_eq!(
        grads.get(w).unwrap().data(),
        &[libm::exp(1.0), libm::exp(2.0)]
    );
}

#[test]
fn ties_of_minimum_and_maximum_send_the_gradient_to_the_first_argument() {
    let mut g = Graph::<f64>::new();
    let a = g.param(Tensor::scalar(1.0));
    let b = g.param(Tensor::scalar(1.0));
    let low = g.minimum(a, b);
    let high = g.maximum(a, b);
    let both = g.add(low, high);
    let grads = g.backward(both);
    assert_eq!(grads.get(a).unwrap().item(), 2.0);
    assert_eq!(grads.get(b).unwrap().item(), 0.0);
}

#[test]
fn kinks_and_zero_exponents_follow_pytorch() {
    let mut g = Graph::<f64>::new();
    let zero = g.param(Tensor::scalar(0.0));
    let abs = g.abs(zero);
    let relu = g.relu(zero);
    let constant = g.powf(zero, 0.0); // 0⁰ = 1, derivative 0
    let abs_plus_relu = g.add(abs, relu);
    let total = g.add(abs_plus_relu, constant);
    assert_eq!(g.value(total).item(), 1.0);
    assert_eq!(g.backward(total).get(zero).unwrap().item(), 0.0);

    // d/db 0ᵇ = 0 for b ≥ 0 (not 0·ln 0 = NaN)
    let mut g = Graph::<f64>::new();
    let base = g.param(Tensor::scalar(0.0));
    let exponent = g.param(Tensor::scalar(2.0));
    let power = g.pow(base, exponent);
    let grads = g.backward(power);
    assert_eq!(grads.get(base).unwrap().item(), 0.0);
    assert_eq!(grads.get(exponent).unwrap().item(), 0.0);
}

#[test]
#[should_panic(expected = "1×1 loss")]
fn backward_from_a_non_scalar_is_a_programmer_error() {
    let mut g = Graph::<f64>::new();
    let x = g.param(Tensor::row_vector(vec![1.0, 2.0]));
    let y = g.exp(x);
    g.backward(y);
}

#[test]
#[should_panic(expected = "inner sizes differ")]
fn matmul_of_mismatched_shapes_is_a_programmer_error() {
    let mut g = Graph::<f64>::new();
    let a = g.param(Tensor::zeros(2, 3));
    let b = g.param(Tensor::zeros(2, 3));
    g.matmul(a, b);
}

/// Records a 2-layer MLP loss on `g` and returns (loss, params).
fn record_mlp_loss(
    g: &mut Graph<f64>,
    params: &[Tensor<f64>],
    x: &Tensor<f64>,
    labels: &[usize],
) -> (Var, Vec<Var>) {
    let vars: Vec<Var> = params.iter().map(|p| g.param(p.clone())).collect();
    let x = g.input(x.clone());
    let logits = mlp_logits(g, x, &vars);
    (g.softmax_cross_entropy(logits, labels), vars)
}

#[test]
fn a_cleared_graph_computes_exactly_what_a_fresh_one_does() {
    let mut rng = SeededRng::new(11);
    let mut reused = Graph::new();
    let mut reused_grads = super::Gradients::new();
    // Alternate shapes so that reused buffers must change size.
    for (batch, hidden) in [(4, 5), (7, 3), (2, 8), (4, 5)] {
        let params = random_mlp(&mut rng, [2, hidden, 3]);
        let x = random_tensor(&mut rng, (batch, 2), anywhere);
        let labels: Vec<usize> = (0..batch).map(|_| rng.below(3)).collect();

        let mut fresh = Graph::new();
        let (fresh_loss, fresh_vars) = record_mlp_loss(&mut fresh, &params, &x, &labels);
        let fresh_grads = fresh.backward(fresh_loss);

        reused.clear();
        let (loss, vars) = record_mlp_loss(&mut reused, &params, &x, &labels);
        reused.backward_into(loss, &mut reused_grads);

        assert_eq!(reused.len(), fresh.len());
        assert_eq!(
            reused.value(loss).item().to_bits(),
            fresh.value(fresh_loss).item().to_bits()
        );
        for (&a, &b) in vars.iter().zip(&fresh_vars) {
            assert_eq!(reused_grads.get(a), fresh_grads.get(b));
        }
    }
}

/// Cross-entropy of the MLP plus the mean sigmoid of its logits (so that
/// more elementwise paths run), generic over the precision.
fn penalised_mlp_loss<T: Real>(
    g: &mut Graph<T>,
    params: &[Tensor<f64>],
    x: &Tensor<f64>,
    labels: &[usize],
) -> (Var, Vec<Var>) {
    let convert =
        |t: &Tensor<f64>| Tensor::from_fn(t.rows(), t.cols(), |r, c| T::from_f64(t.get(r, c)));
    let vars: Vec<Var> = params.iter().map(|p| g.param(convert(p))).collect();
    let x = g.input(convert(x));
    let logits = mlp_logits(g, x, &vars);
    let squashed = g.sigmoid(logits);
    let penalty = g.mean(squashed);
    let cross_entropy = g.softmax_cross_entropy(logits, labels);
    (g.add(cross_entropy, penalty), vars)
}

#[test]
fn f32_gradients_agree_with_f64_ones() {
    for case in 0..CASES {
        let mut rng = SeededRng::derive(case, "f32");
        let params = random_mlp(&mut rng, [3, 6, 4]);
        let x = random_tensor(&mut rng, (5, 3), anywhere);
        let labels: Vec<usize> = (0..5).map(|_| rng.below(4)).collect();

        let mut g64 = Graph::<f64>::new();
        let (loss64, vars64) = penalised_mlp_loss(&mut g64, &params, &x, &labels);
        let grads64 = g64.backward(loss64);
        let mut g32 = Graph::<f32>::new();
        let (loss32, vars32) = penalised_mlp_loss(&mut g32, &params, &x, &labels);
        let grads32 = g32.backward(loss32);

        let (value64, value32) = (g64.value(loss64).item(), g32.value(loss32).item());
        assert!((value64 - f64::from(value32)).abs() < 1e-5 * (1.0 + value64.abs()));
        for (&v64, &v32) in vars64.iter().zip(&vars32) {
            let (exact, single) = (grads64.get(v64).unwrap(), grads32.get(v32).unwrap());
            for (&e, &s) in exact.data().iter().zip(single.data()) {
                assert!(
                    (e - f64::from(s)).abs() < 1e-4 * (1.0 + e.abs()),
                    "f32 gradient {s} vs f64 {e}"
                );
            }
        }
    }
}

#[test]
fn per_example_gradients_average_to_the_minibatch_gradient() {
    let mut rng = SeededRng::new(21);
    let params = random_mlp(&mut rng, [2, 5, 3]);
    let batch = 6;
    let x = random_tensor(&mut rng, (batch, 2), anywhere);
    let labels: Vec<usize> = (0..batch).map(|_| rng.below(3)).collect();

    let mut g = Graph::new();
    let (loss, vars) = record_mlp_loss(&mut g, &params, &x, &labels);
    let batch_grads = g.backward(loss);

    let per_example = per_example_gradients(batch, |g, i| {
        let example = Tensor::row_vector(x.row(i).to_vec());
        record_mlp_loss(g, &params, &example, &labels[i..=i])
    });
    assert_eq!(per_example.len(), batch);
    let mut differ = 0;
    for (p, &var) in vars.iter().enumerate() {
        let expected = batch_grads.get(var).unwrap();
        for e in 0..expected.len() {
            let mean = per_example
                .iter()
                .map(|grads| grads[p].data()[e])
                .sum::<f64>()
                / batch as f64;
            assert!(
                (mean - expected.data()[e]).abs() < 1e-12,
                "param {p}[{e}]: mean of per-example {mean} vs batch {}",
                expected.data()[e]
            );
        }
        // The examples really disagree: this is the gradient noise.
        differ += usize::from(per_example[0][p] != per_example[1][p]);
    }
    assert_eq!(differ, vars.len());
}

#[test]
fn per_example_gradients_of_linear_regression_have_the_closed_form() {
    // ℓᵢ = (xᵢ·w + b − yᵢ)², so ∇_w ℓᵢ = 2rᵢ·xᵢ and ∂ℓᵢ/∂b = 2rᵢ.
    let mut rng = SeededRng::new(4);
    let (batch, features) = (5, 3);
    let x = random_tensor(&mut rng, (batch, features), anywhere);
    let y = random_tensor(&mut rng, (batch, 1), anywhere);
    let w = random_tensor(&mut rng, (features, 1), anywhere);
    let b = Tensor::scalar(0.25);

    let per_example = per_example_gradients(batch, |g, i| {
        let (wv, bv) = (g.param(w.clone()), g.param(b.clone()));
        let xi = g.input(Tensor::row_vector(x.row(i).to_vec()));
        let yi = g.input(Tensor::scalar(y.get(i, 0)));
        let product = g.matmul(xi, wv);
        let prediction = g.add_row(product, bv);
        (g.mse(prediction, yi), vec![wv, bv])
    });
    for (i, grads) in per_example.iter().enumerate() {
        let prediction: f64 = x
            .row(i)
            .iter()
            .zip(w.data())
            .map(|(a, b)| a * b)
            .sum::<f64>()
            + 0.25;
        let residual = prediction - y.get(i, 0);
        for f in 0..features {
            let expected = 2.0 * residual * x.get(i, f);
            assert!((grads[0].data()[f] - expected).abs() < 1e-12);
        }
        assert!((grads[1].item() - 2.0 * residual).abs() < 1e-12);
    }
}

#[test]
fn gradient_descent_trains_a_small_mlp_on_two_blobs() {
    // Two Gaussian blobs at (−1.5, −1.5) and (1.5, 1.5), σ = 0.5, in f32.
    let mut data_rng = SeededRng::derive(3, "data");
    let points = 40;
    let labels: Vec<usize> = (0..points).map(|i| i % 2).collect();
    let x = Tensor::from_fn(points, 2, |r, _| {
        let centre = if labels[r] == 0 { -1.5 } else { 1.5 };
        (centre + 0.5 * data_rng.normal()) as f32
    });
    let mut init_rng = SeededRng::derive(3, "init");
    // Small weights, so the untrained net is unsure (loss ≈ ln 2).
    let mut small = |rows: usize, cols: usize| {
        Tensor::from_fn(rows, cols, |_, _| (0.1 * init_rng.normal()) as f32)
    };
    let mut params = [
        small(2, 8),
        Tensor::zeros(1, 8),
        small(8, 2),
        Tensor::zeros(1, 2),
    ];

    let mut g = Graph::<f32>::new();
    let mut grads = super::Gradients::new();
    let mut losses = Vec::new();
    for _ in 0..100 {
        g.clear();
        let vars: Vec<Var> = params.iter().map(|p| g.param(p.clone())).collect();
        let input = g.input(x.clone());
        let hidden = g.matmul(input, vars[0]);
        let hidden = g.add_row(hidden, vars[1]);
        let hidden = g.relu(hidden);
        let logits = g.matmul(hidden, vars[2]);
        let logits = g.add_row(logits, vars[3]);
        let loss = g.softmax_cross_entropy(logits, &labels);
        losses.push(g.value(loss).item());
        g.backward_into(loss, &mut grads);
        for (param, &var) in params.iter_mut().zip(&vars) {
            let gradient = grads.get(var).unwrap().data();
            for (p, &d) in param.data_mut().iter_mut().zip(gradient) {
                *p -= 0.5 * d;
            }
        }
    }
    let (first, last) = (losses[0], losses[losses.len() - 1]);
    assert!(
        first > 0.5,
        "the untrained net should be unsure, loss {first}"
    );
    assert!(last < 0.01, "loss went from {first} to {last}");
    assert!(
        losses.windows(2).all(|pair| pair[1] < pair[0]),
        "a small enough step lowers the loss every time: {losses:?}"
    );
}
