//! The implicit-regularisation and bias–variance maths against float64
//! references made by `tests/reference/torch_experiments_b_golden.py`: the
//! modified loss from its definition (every batch enumerated) with its
//! torch.autograd gradient, and numpy's least-squares and ridge fits.

use serde_json::Value;
use sgdlab_core::bias_variance::{Basis, LeastSquares};
use sgdlab_core::implicit_reg::ModifiedLoss;
use sgdlab_core::stochastic::{EmpiricalRisk, LinearRegression, LogisticRegression2};
use std::sync::Arc;

const GOLDEN: &str = include_str!("../../../tests/reference/torch_experiments_b_golden.json");

fn number(value: &Value) -> f64 {
    value
        .as_str()
        .expect("floats are stored as strings")
        .parse()
        .expect("a float repr")
}

fn numbers(value: &Value) -> Vec<f64> {
    value.as_array().unwrap().iter().map(number).collect()
}

fn close(actual: f64, expected: f64, tolerance: f64) -> bool {
    (actual - expected).abs() <= tolerance * (1.0 + expected.abs())
}

#[test]
fn modified_loss_and_gradient_match_torch() {
    let golden: Value = serde_json::from_str(GOLDEN).unwrap();
    let reference = &golden["implicit_reg"];
    let lr = number(&reference["lr"]);
    let linear: Arc<dyn EmpiricalRisk> = Arc::new(LinearRegression::new(
        numbers(&reference["linear"]["inputs"]),
        numbers(&reference["linear"]["targets"]),
    ));
    let features: Vec<[f64; 2]> = reference["logistic"]["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| {
            let v = numbers(pair);
            [v[0], v[1]]
        })
        .collect();
    let labels: Vec<usize> = reference["logistic"]["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as usize)
        .collect();
    let logistic: Arc<dyn EmpiricalRisk> = Arc::new(LogisticRegression2::new(features, labels));
    let cases = reference["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 24);
    for case in cases {
        let model = match case["model"].as_str().unwrap() {
            "linear" => linear.clone(),
            _ => logistic.clone(),
        };
        let batch_size = case["batch_size"].as_u64().unwrap() as usize;
        let w = numbers(&case["w"]);
        let w = [w[0], w[1]];
        let loss = ModifiedLoss::new(model, lr, batch_size);
        let value = loss.value(w);
        let expected = number(&case["modified"]);
        assert!(
            close(value, expected, 1e-13),
            "{case}: L̃ = {value}, torch {expected}"
        );
        let gradient = loss.gradient(w);
        for (k, expected) in numbers(&case["gradient"]).into_iter().enumerate() {
            assert!(
                close(gradient[k], expected, 1e-12),
                "{case}: ∂L̃/∂θ{k} = {}, torch {expected}",
                gradient[k]
            );
        }
    }
}

/// Fits `basis` to the reference data with penalty `ridge`.
fn fit(inputs: &[f64], targets: &[f64], basis: Basis, ridge: f64) -> Vec<f64> {
    let p = basis.len();
    let mut solver = LeastSquares::new(inputs.len() + p, p);
    solver.start(p, ridge);
    let mut row = vec![0.0; p];
    for (&x, &t) in inputs.iter().zip(targets) {
        basis.fill(x, &mut row);
        solver.push_row(&row, t);
    }
    let mut w = vec![0.0; p];
    solver.solve(&mut w);
    w
}

#[test]
fn least_squares_and_ridge_fits_match_numpy() {
    let golden: Value = serde_json::from_str(GOLDEN).unwrap();
    let reference = &golden["bias_variance"];
    let inputs = numbers(&reference["inputs"]);
    let targets = numbers(&reference["targets"]);
    for case in reference["legendre"].as_array().unwrap() {
        let degree = case["degree"].as_u64().unwrap() as usize;
        let w = fit(&inputs, &targets, Basis::Legendre { degree }, 0.0);
        for (k, expected) in numbers(&case["coefficients"]).into_iter().enumerate() {
            assert!(
                close(w[k], expected, 1e-9),
                "degree {degree}, P{k}: {} vs numpy {expected}",
                w[k]
            );
        }
    }
    let gaussian = &reference["gaussian"];
    let basis = Basis::Gaussian {
        count: gaussian["bases"].as_u64().unwrap() as usize,
        width: number(&gaussian["width"]),
    };
    for case in gaussian["ridge"].as_array().unwrap() {
        let ln_lambda = number(&case["ln_lambda"]);
        let w = fit(&inputs, &targets, basis, libm::exp(ln_lambda));
        for (k, expected) in numbers(&case["coefficients"]).into_iter().enumerate() {
            assert!(
                close(w[k], expected, 1e-10),
                "ln λ = {ln_lambda}, w{k}: {} vs numpy {expected}",
                w[k]
            );
        }
    }
}
