//! The optimizers against `torch.optim`, in float64.
//!
//! `tests/reference/torch_optim_golden.py` (at the repository root) ran every
//! optimizer and flag combination on four objectives with PyTorch and stored
//! the parameters after every step, the default hyperparameters, and the
//! messages of the constructors' `ValueError`s. These tests replay all of it.
//! `tests/reference/torch_optim_shared_golden.py` added runs, in the same
//! format, that combine `maximize` with L2 and decoupled weight decay (the
//! pieces sgdlab writes once for every optimizer). The gradients below
//! repeat the scripts' arithmetic operation for operation, so both sides
//! feed the optimizers the same bits.
//!
//! Also here: equivalences between optimizers and a long run without NaN.

use serde_json::Value;
use sgdlab_core::optim::adam::{Adam, AdamConfig};
use sgdlab_core::optim::adamw::{AdamW, AdamWConfig};
use sgdlab_core::optim::rmsprop::{RmsProp, RmsPropConfig};
use sgdlab_core::optim::sgd::{Sgd, SgdConfig};
use sgdlab_core::optim::{OPTIMIZERS, OptimError, Optimizer, Precision, StepInput, registry};
use sgdlab_core::{Real, SeededRng};

const GOLDEN: &str = include_str!("../../../tests/reference/torch_optim_golden.json");
const SHARED_GOLDEN: &str = include_str!("../../../tests/reference/torch_optim_shared_golden.json");

/// The largest relative difference allowed from PyTorch's numbers.
///
/// Why not zero: sgdlab repeats PyTorch's operations in PyTorch's order,
/// fusing a·b + c exactly where its CPU kernels do, so most runs agree to the
/// bit. The others drift by a few ulps because two library functions round
/// differently in the last place: PyTorch's tensor `sqrt` goes through
/// Intel MKL's vector maths, which is not always correctly rounded (about 1%
/// of results here, where sgdlab's IEEE `sqrt` is exact), and Python's
/// `β ** t` calls glibc's `pow`, which differs from `libm`'s in the last bit
/// for some t (0.999¹⁶, for one). The worst drift over all runs is ~2e-13.
const TOLERANCE: f64 = 1e-12;

/// How many runs must agree with PyTorch to the bit at every step. This is
/// what checks the order of operations, since a 1-ulp slip stays far below
/// [`TOLERANCE`] on these paths: the same code without fused multiply-adds
/// reproduces only 96 runs. SGD and Adagrad call neither `pow` nor (for SGD)
/// `sqrt`, and every one of their runs is exact.
const BIT_IDENTICAL_RUNS: usize = 168;

/// The same count for the 48 runs of `torch_optim_shared_golden.json`
/// (every SGD and Adagrad run among them, as above).
const SHARED_BIT_IDENTICAL_RUNS: usize = 29;

/// sgdlab's own flags on torch's optimizers, with the value that gives
/// torch's behaviour (the default). torch has no such key, so the golden
/// file cannot list it.
const SGDLAB_EXTENSIONS: [(&str, &str, bool); 2] = [
    ("adam", "bias_correction", true),
    ("adamw", "bias_correction", true),
];

fn golden() -> Value {
    serde_json::from_str(GOLDEN).expect("golden file is JSON")
}

/// The optimizers of the table that match a `torch.optim` class: exactly
/// the ones the golden file covers.
fn torch_optimizers() -> Vec<&'static str> {
    OPTIMIZERS
        .iter()
        .filter(|entry| entry.torch.is_some())
        .map(|entry| entry.name)
        .collect()
}

/// Builds an optimizer from sgdlab's hyperparameter names, as the CLI does.
fn build<T: Precision>(name: &str, config: &Value) -> Result<Box<dyn Optimizer<T>>, OptimError> {
    registry::build(name, config.clone())
}

// --- The objectives of the script, gradients only -------------------------

fn rosenbrock_grad(p: &[f64]) -> Vec<f64> {
    let (x, y) = (p[0], p[1]);
    vec![
        -2.0 * (1.0 - x) - 400.0 * x * (y - x * x),
        200.0 * (y - x * x),
    ]
}

fn quadratic_grad(p: &[f64]) -> Vec<f64> {
    let (x, y) = (p[0], p[1]);
    vec![8.0 * x + 3.5 * y, 3.5 * x + 2.0 * y]
}

fn beale_grad(p: &[f64]) -> Vec<f64> {
    let (x, y) = (p[0], p[1]);
    let t1 = 1.5 - x + x * y;
    let t2 = 2.25 - x + x * y * y;
    let t3 = 2.625 - x + x * y * y * y;
    vec![
        2.0 * t1 * (y - 1.0) + 2.0 * t2 * (y * y - 1.0) + 2.0 * t3 * (y * y * y - 1.0),
        2.0 * t1 * x + 2.0 * t2 * (2.0 * x * y) + 2.0 * t3 * (3.0 * x * y * y),
    ]
}

const LOG_QUADRATIC_DIAGONAL: [f64; 5] = [1.0, 2.0, 0.5, 3.0, 0.25];
const LOG_QUADRATIC_COUPLING: f64 = 0.3;

fn log_quadratic5_grad(p: &[f64]) -> Vec<f64> {
    (0..p.len())
        .map(|i| {
            let xi = p[i];
            let mut acc = LOG_QUADRATIC_DIAGONAL[i] * xi;
            if i > 0 {
                acc += LOG_QUADRATIC_COUPLING * p[i - 1];
            }
            if i < p.len() - 1 {
                acc += LOG_QUADRATIC_COUPLING * p[i + 1];
            }
            2.0 * xi / (1.0 + xi * xi) + acc
        })
        .collect()
}

fn objective(name: &str) -> fn(&[f64]) -> Vec<f64> {
    match name {
        "rosenbrock" => rosenbrock_grad,
        "quadratic" => quadratic_grad,
        "beale" => beale_grad,
        "log_quadratic5" => log_quadratic5_grad,
        other => panic!("no objective `{other}` in this test"),
    }
}

fn parse_floats(row: &Value) -> Vec<f64> {
    row.as_array()
        .expect("a row is an array")
        .iter()
        .map(|v| {
            v.as_str()
                .expect("floats are stored as strings")
                .parse()
                .expect("a float")
        })
        .collect()
}

/// Relative difference, measured against max(|expected|, 1e-3) so that a
/// coordinate crossing zero is not judged on its last few absolute ulps.
fn relative_error(actual: f64, expected: f64) -> f64 {
    (actual - expected).abs() / expected.abs().max(1e-3)
}

// --- The golden comparisons -------------------------------------------------

/// How closely a set of golden runs was replayed.
struct Agreement {
    runs: usize,
    identical_runs: usize,
    values: usize,
    identical_values: usize,
    worst: (f64, String),
}

impl std::fmt::Display for Agreement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} of {} runs and {} of {} values bit-identical to torch; worst relative error {:e} ({})",
            self.identical_runs,
            self.runs,
            self.identical_values,
            self.values,
            self.worst.0,
            self.worst.1
        )
    }
}

/// Replays every run of a golden file, failing on any value further than
/// [`TOLERANCE`] from torch's, and on any SGD or Adagrad run that is not
/// bit-identical.
fn replay(runs: &[Value]) -> Agreement {
    let mut agreement = Agreement {
        runs: runs.len(),
        identical_runs: 0,
        values: 0,
        identical_values: 0,
        worst: (0.0, String::new()),
    };
    for run in runs {
        let name = run["name"].as_str().expect("name");
        let mut opt = build::<f64>(
            run["optimizer"].as_str().expect("optimizer"),
            &run["config"],
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        let gradient = objective(run["objective"].as_str().expect("objective"));
        let negate = run["negate_gradient"].as_bool().expect("flag");
        let changes = run["changes"].as_array().expect("changes");
        let trajectory = run["trajectory"].as_array().expect("trajectory");

        let mut run_is_identical = true;
        let mut params = parse_floats(&run["start"]);
        assert_eq!(
            params,
            parse_floats(&trajectory[0]),
            "{name}: row 0 is the start"
        );
        for (step, expected_row) in trajectory.iter().enumerate().skip(1) {
            let mut grad = gradient(&params);
            if negate {
                grad.iter_mut().for_each(|g| *g = -*g);
            }
            opt.step(&mut params, &StepInput::gradient(&grad))
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            for (i, (&actual, expected)) in
                params.iter().zip(parse_floats(expected_row)).enumerate()
            {
                let error = relative_error(actual, expected);
                assert!(
                    error <= TOLERANCE,
                    "{name}: step {step}, coordinate {i}: sgdlab {actual:e}, torch {expected:e} (relative error {error:e})"
                );
                agreement.values += 1;
                let same_bits = actual.to_bits() == expected.to_bits();
                agreement.identical_values += usize::from(same_bits);
                run_is_identical &= same_bits;
                if error > agreement.worst.0 {
                    agreement.worst = (error, format!("{name} step {step}"));
                }
            }
            for change in changes {
                if change["after_step"].as_u64() == Some(step as u64) {
                    opt.set_config(change["set"].clone())
                        .unwrap_or_else(|e| panic!("{name}: {e}"));
                }
            }
        }
        let optimizer = run["optimizer"].as_str().expect("optimizer");
        if optimizer == "sgd" || optimizer == "adagrad" {
            assert!(run_is_identical, "{name}: not bit-identical to torch");
        }
        agreement.identical_runs += usize::from(run_is_identical);
    }
    agreement
}

#[test]
fn every_trajectory_matches_torch_optim() {
    let golden = golden();
    let runs = golden["runs"].as_array().expect("runs");
    assert!(runs.len() >= 200, "the golden file holds every combination");
    let agreement = replay(runs);
    println!("{agreement}");
    assert!(agreement.identical_runs >= BIT_IDENTICAL_RUNS);
}

#[test]
fn maximize_with_weight_decay_matches_torch_optim() {
    let golden: Value = serde_json::from_str(SHARED_GOLDEN).expect("golden file is JSON");
    let runs = golden["runs"].as_array().expect("runs");
    let agreement = replay(runs);
    println!("{agreement}");
    // Every torch optimizer of the table has runs with both pieces at once.
    for name in torch_optimizers() {
        assert!(
            runs.iter().any(|run| run["optimizer"] == name
                && run["config"]["maximize"] == true
                && run["config"]["weight_decay"].as_f64() > Some(0.0)),
            "{name}: no run combines maximize and weight decay"
        );
    }
    assert!(
        agreement.identical_runs >= SHARED_BIT_IDENTICAL_RUNS,
        "{agreement}"
    );
}

#[test]
fn the_golden_file_covers_every_torch_optimizer_of_the_table() {
    let golden = golden();
    let mut covered: Vec<&str> = golden["defaults"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut ours = torch_optimizers();
    covered.sort_unstable();
    ours.sort_unstable();
    assert_eq!(covered, ours);
    for name in ours {
        let runs = golden["runs"].as_array().unwrap();
        assert!(
            runs.iter().filter(|run| run["optimizer"] == name).count() >= 16,
            "{name}: too few golden runs"
        );
    }
}

#[test]
fn defaults_match_torch_optim() {
    let golden = golden();
    for name in torch_optimizers() {
        let mut ours = registry::default_optimizer::<f64>(name).unwrap().config();
        let ours = ours.as_object_mut().unwrap();
        for (optimizer, key, torch_behaviour) in SGDLAB_EXTENSIONS {
            if optimizer == name {
                let default = ours.remove(key);
                assert_eq!(default, Some(Value::Bool(torch_behaviour)), "{name}.{key}");
            }
        }
        let theirs = golden["defaults"][name].as_object().unwrap();
        let mut our_keys: Vec<_> = ours.keys().collect();
        let mut their_keys: Vec<_> = theirs.keys().collect();
        our_keys.sort();
        their_keys.sort();
        assert_eq!(our_keys, their_keys, "{name}: hyperparameter names");
        for (key, value) in theirs {
            match value {
                Value::Bool(b) => assert_eq!(ours[key].as_bool(), Some(*b), "{name}.{key}"),
                _ => assert_eq!(ours[key].as_f64(), value.as_f64(), "{name}.{key}"),
            }
        }
    }
}

#[test]
fn invalid_hyperparameters_get_torchs_messages() {
    let golden = golden();
    let mut checked = 0;
    for name in torch_optimizers() {
        for case in golden["errors"][name].as_array().expect("errors") {
            let (config, message) = (&case["config"], case["message"].as_str().unwrap());
            let err = build::<f64>(name, config)
                .err()
                .unwrap_or_else(|| panic!("{name}: {config} was accepted; torch says {message}"));
            assert_eq!(err.to_string(), message, "{name}: {config}");

            // The same value set mid-run is refused too, leaving the config as it was.
            let mut opt = build::<f64>(name, &serde_json::json!({})).unwrap();
            let before = opt.config();
            let err = opt.set_config(config.clone()).unwrap_err();
            assert_eq!(err.to_string(), message, "{name}: set_config({config})");
            assert_eq!(opt.config(), before);
            checked += 1;
        }
    }
    assert!(checked >= 40);
}

// --- Equivalences -------------------------------------------------------------

/// A fixed sequence of gradients that does not depend on the parameters.
fn random_gradients(seed: u64, steps: usize, dim: usize) -> Vec<Vec<f64>> {
    let mut rng = SeededRng::derive(seed, "torch_golden gradients");
    (0..steps)
        .map(|_| (0..dim).map(|_| 3.0 * rng.normal()).collect())
        .collect()
}

#[test]
fn adam_without_momentum_is_bias_corrected_rmsprop() {
    // With β₁ = 0 and ε = 0, Adam's step is RMSprop's (α = β₂) times
    // √(1 − β₂ᵗ), and both keep the same running average of g².
    let beta2 = 0.95;
    let mut adam = Adam::new(AdamConfig {
        lr: 0.01,
        beta1: 0.0,
        beta2,
        eps: 0.0,
        ..AdamConfig::default()
    })
    .unwrap();
    let mut rmsprop = RmsProp::new(RmsPropConfig {
        lr: 0.01,
        alpha: beta2,
        eps: 0.0,
        ..RmsPropConfig::default()
    })
    .unwrap();
    for (t, grad) in random_gradients(7, 200, 3).iter().enumerate() {
        let (mut a, mut r) = ([0.0_f64; 3], [0.0_f64; 3]);
        adam.step(&mut a, &StepInput::gradient(grad)).unwrap();
        rmsprop.step(&mut r, &StepInput::gradient(grad)).unwrap();
        assert_eq!(adam.state.exp_avg_sq, rmsprop.state.square_avg);
        assert_eq!(adam.state.exp_avg, *grad, "β₁ = 0: m is the gradient");
        let correction = (1.0 - Real::powi(beta2, t as i32 + 1)).sqrt();
        for (a, r) in a.iter().zip(r) {
            assert!((a - r * correction).abs() <= 1e-14 * a.abs(), "step {t}");
        }
    }
}

#[test]
fn sgd_without_momentum_is_plain_gradient_descent() {
    // Without momentum, dampening does nothing and no buffer is kept.
    let mut sgd = Sgd::new(SgdConfig {
        lr: 0.05,
        dampening: 0.7,
        ..SgdConfig::default()
    })
    .unwrap();
    let mut theta = [1.5_f64, -2.0];
    for _ in 0..100 {
        let grad = quadratic_grad(&theta);
        let expected = [theta[0] - 0.05 * grad[0], theta[1] - 0.05 * grad[1]];
        sgd.step(&mut theta, &StepInput::gradient(&grad)).unwrap();
        for (actual, expected) in theta.iter().zip(expected) {
            // Only the rounding of the fused θ − ηg can differ.
            assert!((actual - expected).abs() <= 2.0 * f64::EPSILON * expected.abs().max(1e-300));
        }
        assert!(sgd.velocity().is_none());
    }
}

#[test]
fn adamw_without_weight_decay_is_adam() {
    let mut adamw = AdamW::new(AdamWConfig {
        lr: 0.03,
        weight_decay: 0.0,
        ..AdamWConfig::default()
    })
    .unwrap();
    let mut adam = Adam::new(AdamConfig {
        lr: 0.03,
        ..AdamConfig::default()
    })
    .unwrap();
    let (mut a, mut b) = ([-1.2_f64, 1.0], [-1.2_f64, 1.0]);
    for _ in 0..300 {
        let (ga, gb) = (rosenbrock_grad(&a), rosenbrock_grad(&b));
        adamw.step(&mut a, &StepInput::gradient(&ga)).unwrap();
        adam.step(&mut b, &StepInput::gradient(&gb)).unwrap();
    }
    assert_eq!(a, b);
}

#[test]
fn l2_weight_decay_is_an_l2_term_in_the_loss() {
    // weight_decay = λ on f gives the path of λ = 0 on f + λ/2·‖θ‖².
    for name in ["sgd", "adagrad", "rmsprop", "adam", "adamax", "nadam"] {
        let lambda = 0.1;
        let lr = if name == "sgd" { 0.02 } else { 0.01 };
        let mut decayed =
            build::<f64>(name, &serde_json::json!({"lr": lr, "weight_decay": lambda})).unwrap();
        let mut penalised = build::<f64>(name, &serde_json::json!({"lr": lr})).unwrap();
        let (mut a, mut b) = ([2.0_f64, -1.5], [2.0_f64, -1.5]);
        for _ in 0..100 {
            let ga = quadratic_grad(&a);
            let gb: Vec<f64> = quadratic_grad(&b)
                .iter()
                .zip(b)
                .map(|(g, x)| g + lambda * x)
                .collect();
            decayed.step(&mut a, &StepInput::gradient(&ga)).unwrap();
            penalised.step(&mut b, &StepInput::gradient(&gb)).unwrap();
        }
        for (a, b) in a.iter().zip(b) {
            assert!(relative_error(*a, b) < 1e-12, "{name}: {a} vs {b}");
        }
    }
}

// --- Robustness -----------------------------------------------------------------

#[test]
fn no_nan_on_a_long_run() {
    let flagged = [
        (
            "sgd",
            serde_json::json!({"lr": 1e-4, "momentum": 0.9, "nesterov": true}),
        ),
        ("adagrad", serde_json::json!({"lr": 0.1, "lr_decay": 0.01})),
        (
            "rmsprop",
            serde_json::json!({"momentum": 0.9, "centered": true}),
        ),
        ("adadelta", serde_json::json!({})),
        ("adam", serde_json::json!({"lr": 0.01, "amsgrad": true})),
        ("adamw", serde_json::json!({"lr": 0.01})),
        ("adamax", serde_json::json!({"lr": 0.01})),
        (
            "nadam",
            serde_json::json!({"lr": 0.01, "decoupled_weight_decay": true, "weight_decay": 0.01}),
        ),
    ];
    for (name, config) in flagged {
        let mut f64_opt = build::<f64>(name, &config).unwrap();
        let mut f32_opt = build::<f32>(name, &config).unwrap();
        let mut theta = [-1.2_f64, 1.0];
        let mut theta32 = [-1.2_f32, 1.0];
        for step in 0..20_000 {
            // Stretches of zero gradient, where 0/0 would appear without ε.
            let zero = step % 1000 >= 990;
            let grad = if zero {
                vec![0.0; 2]
            } else {
                rosenbrock_grad(&theta)
            };
            f64_opt
                .step(&mut theta, &StepInput::gradient(&grad))
                .unwrap();
            let grad32: Vec<f32> = if zero {
                vec![0.0; 2]
            } else {
                let wide = [f64::from(theta32[0]), f64::from(theta32[1])];
                rosenbrock_grad(&wide).iter().map(|&g| g as f32).collect()
            };
            f32_opt
                .step(&mut theta32, &StepInput::gradient(&grad32))
                .unwrap();
            assert!(
                theta.iter().all(|v| v.is_finite()) && theta32.iter().all(|v| v.is_finite()),
                "{name}: not finite at step {step}"
            );
        }
        let (x, y) = (theta[0], theta[1]);
        let loss = (1.0 - x) * (1.0 - x) + 100.0 * (y - x * x) * (y - x * x);
        assert!(
            loss < 4.84,
            "{name}: no progress from the start (loss {loss})"
        );
    }
}
