//! The generalisation experiment against PyTorch, and its claims.
//!
//! `tests/reference/torch_generalisation.py` (at the repository root) ran
//! every case with torch.optim in float64 on the labels the engine draws,
//! committed in `tests/reference/experiments_a_inputs.json`.

use serde_json::Value;
use sgdlab_core::generalisation::{
    Generalisation, GeneralisationConfig, MAX_POINTS, Method, RACER_NAMES, WilsonData,
};

const GOLDEN: &str = include_str!("../../../tests/reference/torch_generalisation.json");
const INPUTS: &str = include_str!("../../../tests/reference/experiments_a_inputs.json");

fn config_of(case: &Value) -> GeneralisationConfig {
    let c = &case["config"];
    GeneralisationConfig {
        samples: c["n"].as_u64().unwrap() as usize,
        p: c["p"].as_f64().unwrap(),
        seed: c["seed"].as_u64().unwrap(),
        test_samples: c["test"].as_u64().unwrap() as usize,
        steps: c["steps"].as_u64().unwrap(),
        ..GeneralisationConfig::default()
    }
}

fn floats(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect()
}

fn run_to_end(config: &GeneralisationConfig) -> Generalisation {
    let mut run = Generalisation::new(config).unwrap();
    run.run_to_end();
    run
}

#[test]
fn the_engine_still_draws_the_committed_labels() {
    let inputs: Value = serde_json::from_str(INPUTS).unwrap();
    let golden: Value = serde_json::from_str(GOLDEN).unwrap();
    let cases = inputs["generalisation"].as_array().unwrap();
    assert_eq!(cases.len(), golden["cases"].as_array().unwrap().len());
    for (case, gold) in cases.iter().zip(golden["cases"].as_array().unwrap()) {
        let data = WilsonData::generate(&config_of(gold));
        assert_eq!(
            data.train_labels(),
            floats(&case["train_labels"]).as_slice()
        );
        assert_eq!(data.test_labels(), floats(&case["test_labels"]).as_slice());
    }
}

#[test]
fn every_run_matches_torch_along_the_way() {
    let golden: Value = serde_json::from_str(GOLDEN).unwrap();
    let (mut worst_loss, mut worst_weight): (f64, f64) = (0.0, 0.0);
    for case in golden["cases"].as_array().unwrap() {
        let config = config_of(case);
        let mut run = Generalisation::new(&config).unwrap();
        let runs = case["runs"].as_array().unwrap();
        let checkpoints = runs[0]["trajectory"].as_array().unwrap();
        for (k, checkpoint) in checkpoints.iter().enumerate() {
            let step = checkpoint["step"].as_u64().unwrap();
            run.step(step - run.steps_taken());
            for (racer, theirs) in run.racers().iter().zip(runs) {
                assert_eq!(racer.method().name(), theirs["optimizer"].as_str().unwrap());
                let point = &theirs["trajectory"][k];
                let loss = point["train_loss"].as_f64().unwrap();
                let d = (racer.train_loss() - loss).abs();
                worst_loss = worst_loss.max(d);
                assert!(
                    d <= 1e-13,
                    "{config:?} step {step} {}: loss {} vs torch {loss}",
                    racer.method().name(),
                    racer.train_loss()
                );
                for (ours, theirs) in racer
                    .shared_weights()
                    .iter()
                    .zip(floats(&point["shared_weights"]))
                {
                    let d = (ours - theirs).abs();
                    worst_weight = worst_weight.max(d);
                    assert!(
                        d <= 1e-12,
                        "{config:?} step {step} {}: w {ours} vs torch {theirs}",
                        racer.method().name()
                    );
                }
                assert_eq!(
                    racer.test_error(),
                    point["test_error"].as_f64().unwrap(),
                    "{config:?} step {step}"
                );
            }
        }
        for (racer, theirs) in run.racers().iter().zip(runs) {
            let weights = floats(&theirs["weights"]);
            assert_eq!(racer.weights().len(), weights.len());
            for (ours, theirs) in racer.weights().iter().zip(&weights) {
                let d = (ours - theirs).abs();
                worst_weight = worst_weight.max(d);
                assert!(
                    d <= 1e-12,
                    "{config:?} {}: {ours} vs torch {theirs}",
                    racer.method().name()
                );
            }
        }
        assert_eq!(
            run.report().negative_share,
            case["negative_share"].as_f64().unwrap()
        );
    }
    println!("largest difference from torch: loss {worst_loss:e}, weight {worst_weight:e}");
}

#[test]
fn the_course_reference_sgd_generalises_and_the_adaptive_methods_call_everything_positive() {
    for seed in [0, 1, 2, 3] {
        let config = GeneralisationConfig {
            seed,
            ..GeneralisationConfig::default()
        };
        let report = run_to_end(&config).report();
        assert_eq!((report.samples, report.p), (40, 0.7));
        let negatives = report.negative_share;
        assert!((0.2..0.4).contains(&negatives), "seed {seed}: {negatives}");
        for run in &report.runs {
            assert!(
                run.train_loss < 1e-12,
                "seed {seed} {}: {}",
                run.optimizer,
                run.train_loss
            );
            assert!(run.stopped.is_none());
        }
        let sgd = &report.runs[0];
        assert_eq!(sgd.test_error, 0.0);
        // About (0.90, 0.04, 0.04); the exact split depends on the draw.
        let [w0, w1, w2] = sgd.shared_weights;
        assert!(
            (0.85..0.95).contains(&w0) && (0.02..0.08).contains(&w1) && w1 == w2,
            "seed {seed}: {:?}",
            sgd.shared_weights
        );
        for adaptive in &report.runs[1..] {
            assert_eq!(
                adaptive.test_error, negatives,
                "seed {seed} {}",
                adaptive.optimizer
            );
            for w in adaptive.shared_weights {
                assert!(
                    (w - 0.25).abs() < 1e-5,
                    "seed {seed} {}: {:?}",
                    adaptive.optimizer,
                    adaptive.shared_weights
                );
            }
        }
    }
}

#[test]
fn the_construction_has_the_papers_shape() {
    for (samples, p, seed) in [(40, 0.7, 0), (7, 0.5, 3), (100, 0.9, 8)] {
        let config = GeneralisationConfig {
            samples,
            p,
            seed,
            ..GeneralisationConfig::default()
        };
        let data = WilsonData::generate(&config);
        let y = data.train_labels();
        let negatives = y.iter().filter(|&&v| v < 0.0).count();
        let d = data.columns();
        assert_eq!(d, 3 + (samples - negatives) + 5 * negatives);
        let x = data.dense_features();
        assert_eq!(x.len(), samples * d);
        for (i, row) in x.chunks(d).enumerate() {
            assert_eq!(&row[..3], &[y[i], 1.0, 1.0]);
            let block = data.private_block(i);
            assert_eq!(block.len(), if y[i] > 0.0 { 1 } else { 5 });
            for (j, &value) in row.iter().enumerate().skip(3) {
                assert_eq!(value, if block.contains(&j) { 1.0 } else { 0.0 });
            }
        }
        // Every private column belongs to exactly one example.
        for j in 3..d {
            assert_eq!((0..samples).filter(|&i| x[i * d + j] != 0.0).count(), 1);
        }
        // X·sign(Xᵀy) = 4y whenever Σy > 0: the lemma's condition.
        let xty: Vec<f64> = (0..d)
            .map(|j| (0..samples).map(|i| x[i * d + j] * y[i]).sum())
            .collect();
        if y.iter().sum::<f64>() > 0.0 {
            for i in 0..samples {
                let value: f64 = (0..d).map(|j| x[i * d + j] * xty[j].signum()).sum();
                assert_eq!(value, 4.0 * y[i]);
            }
        }
        // The sparse loss and gradient agree with the dense formulas.
        let w: Vec<f64> = (0..d).map(|j| ((j * 37 % 11) as f64 - 5.0) / 7.0).collect();
        let mut residual = vec![0.0; samples];
        let mut grad = vec![0.0; d];
        data.residuals(&w, &mut residual);
        data.gradient(&residual, &mut grad);
        for i in 0..samples {
            let dense: f64 = (0..d).map(|j| x[i * d + j] * w[j]).sum::<f64>() - y[i];
            assert!((residual[i] - dense).abs() < 1e-12);
        }
        for j in 0..d {
            let dense: f64 = (0..samples)
                .map(|i| x[i * d + j] * residual[i])
                .sum::<f64>()
                / samples as f64;
            assert!((grad[j] - dense).abs() < 1e-12);
        }
        let loss: f64 = residual.iter().map(|r| r * r).sum::<f64>() / (2.0 * samples as f64);
        assert!((data.loss(&residual) - loss).abs() < 1e-12);
    }
}

#[test]
fn the_adaptive_iterates_stay_proportional_to_sign_of_xty() {
    for (samples, p, seed) in [(40, 0.7, 0), (60, 0.8, 5), (25, 0.6, 9)] {
        let config = GeneralisationConfig {
            samples,
            p,
            seed,
            ..GeneralisationConfig::default()
        };
        let mut run = Generalisation::new(&config).unwrap();
        let data = run.data().clone();
        let y = data.train_labels();
        if y.iter().sum::<f64>() <= 0.0 {
            continue;
        }
        // sign(Xᵀy): +1 on the shared columns, yᵢ on example i's private block.
        let mut sign = vec![1.0; data.columns()];
        for (i, &label) in y.iter().enumerate() {
            sign[data.private_block(i)].fill(label);
        }
        // Early on: once a racer has fitted the data (Adagrad does within
        // about 50 steps) its gradients are rounding noise and the ratios wander.
        for step in [1, 2, 5, 10, 20] {
            run.step(step - run.steps_taken());
            for racer in &run.racers()[1..] {
                let w = racer.weights();
                let scale = w[0];
                assert!(scale > 0.0);
                for (j, (&wj, &sj)) in w.iter().zip(&sign).enumerate() {
                    // Exact but for ε in the denominators: RMSprop's 1e-8
                    // against √v ≈ 0.1·|g| ≈ 0.1/n on a private column moves
                    // the ratio by a few parts in a million.
                    let ratio = wj / scale;
                    assert!(
                        (ratio - sj).abs() < 1e-4,
                        "{:?} step {step}, column {j}: w/w₀ = {ratio}, sign {sj}",
                        racer.method()
                    );
                }
            }
            // Gradient descent is not proportional to it: it weighs the
            // label column more than the constant ones.
            let gd = run.racers()[0].weights();
            assert!(gd[1] / gd[0] < 0.9, "step {step}: {:?}", &gd[..3]);
        }
    }
}

/// Solves A·x = b for a symmetric positive definite A (n × n, row-major) by
/// Cholesky.
fn solve_spd(a: &[f64], b: &[f64]) -> Vec<f64> {
    let n = b.len();
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum();
            l[i * n + j] = if i == j {
                (a[i * n + i] - s).sqrt()
            } else {
                (a[i * n + j] - s) / l[j * n + j]
            };
        }
    }
    let mut z = vec![0.0; n];
    for i in 0..n {
        let s: f64 = (0..i).map(|k| l[i * n + k] * z[k]).sum();
        z[i] = (b[i] - s) / l[i * n + i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let s: f64 = (i + 1..n).map(|k| l[k * n + i] * x[k]).sum();
        x[i] = (z[i] - s) / l[i * n + i];
    }
    x
}

#[test]
fn gradient_descent_finds_the_minimum_norm_solution() {
    let golden: Value = serde_json::from_str(GOLDEN).unwrap();
    for case in golden["cases"].as_array().unwrap() {
        let config = config_of(case);
        let run = run_to_end(&config);
        let data = run.data();
        let (n, d) = (config.samples, data.columns());
        let x = data.dense_features();
        // X⁺y = Xᵀ(XXᵀ)⁻¹y: the rows are independent (each has its own private columns).
        let gram: Vec<f64> = (0..n * n)
            .map(|k| {
                (0..d)
                    .map(|j| x[(k / n) * d + j] * x[(k % n) * d + j])
                    .sum()
            })
            .collect();
        let alpha = solve_spd(&gram, data.train_labels());
        let min_norm: Vec<f64> = (0..d)
            .map(|j| (0..n).map(|i| x[i * d + j] * alpha[i]).sum())
            .collect();
        let gd = run.racers()[0].weights();
        let torch_pinv = floats(&case["min_norm_weights"]);
        for j in 0..d {
            assert!(
                (gd[j] - min_norm[j]).abs() < 1e-8,
                "{config:?} column {j}: {} vs {}",
                gd[j],
                min_norm[j]
            );
            assert!((torch_pinv[j] - min_norm[j]).abs() < 1e-10);
        }
        // The adaptive solutions fit too, with a larger norm.
        let norm = |w: &[f64]| w.iter().map(|v| v * v).sum::<f64>().sqrt();
        for racer in &run.racers()[1..] {
            assert!(
                norm(racer.weights()) > norm(&min_norm) * 1.01,
                "{:?}",
                racer.method()
            );
        }
    }
}

#[test]
fn a_diverging_racer_stops_with_finite_numbers_and_the_others_go_on() {
    let config = GeneralisationConfig {
        sgd_lr: 10.0,
        rmsprop_lr: 10.0,
        steps: 5000,
        ..GeneralisationConfig::default()
    };
    let run = run_to_end(&config);
    let report = run.report();
    let sgd = &report.runs[0];
    let stop = sgd.stopped.as_ref().expect("GD at lr 10 diverges");
    assert!(
        stop.step > 1 && stop.reason.contains("smaller learning rate"),
        "{stop:?}"
    );
    assert!(sgd.train_loss.is_finite() && sgd.shared_weights.iter().all(|w| w.is_finite()));
    assert!(report.runs[1].stopped.is_none() && report.runs[1].train_loss < 1e-12);
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains("null,") || json.contains("\"stopped\":null"));
    let csv = run.csv();
    assert!(!csv.contains("NaN") && !csv.contains("inf"), "{csv}");
}

#[test]
fn stepping_in_slices_gives_the_same_run_and_the_csv_has_every_sample() {
    let config = GeneralisationConfig {
        samples: 30,
        steps: 4321,
        seed: 12,
        ..GeneralisationConfig::default()
    };
    let whole = run_to_end(&config);
    let mut sliced = Generalisation::new(&config).unwrap();
    while !sliced.finished() {
        assert!(sliced.step(17) > 0);
    }
    assert_eq!(whole.report(), sliced.report());
    assert_eq!(whole.csv(), sliced.csv());
    assert!(whole.samples().len() as u64 <= MAX_POINTS + 2);
    assert_eq!(whole.samples().last().unwrap().step, 4321);
    let csv = whole.csv();
    let header = csv.lines().next().unwrap();
    assert_eq!(header.split(',').count(), 1 + 5 * RACER_NAMES.len());
    assert!(
        header
            .starts_with("step,sgd_train_loss,sgd_test_error,sgd_w0,sgd_w1,sgd_w2,adam_train_loss")
    );
    assert_eq!(csv.lines().count(), whole.samples().len() + 1);
    // At w = 0 every score is 0, which counts as wrong: test error 1.
    let first: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(&first[..3], &["0", "0.5", "1"]);
    assert_eq!(Method::ALL.map(Method::name), RACER_NAMES);
}

#[test]
fn edge_settings_run_without_panics_or_non_finite_numbers() {
    let configs = [
        GeneralisationConfig {
            samples: 1,
            p: 0.0,
            test_samples: 1,
            steps: 1,
            ..GeneralisationConfig::default()
        },
        GeneralisationConfig {
            samples: 3,
            p: 1.0,
            steps: 200,
            ..GeneralisationConfig::default()
        },
        GeneralisationConfig {
            p: 0.3,
            sgd_lr: 0.0,
            adam_lr: 10.0,
            adagrad_lr: 10.0,
            rmsprop_lr: 10.0,
            steps: 300,
            ..GeneralisationConfig::default()
        },
    ];
    for config in configs {
        let run = run_to_end(&config);
        let report = run.report();
        for r in &report.runs {
            assert!(
                r.train_loss.is_finite() && r.shared_weights.iter().all(|w| w.is_finite()),
                "{config:?}: {r:?}"
            );
            assert!((0.0..=1.0).contains(&r.test_error));
        }
        assert!(!run.csv().contains("NaN") && !run.csv().contains("inf"));
    }
}
