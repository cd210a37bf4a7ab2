//! The implicit-regularisation engine against its definitions: the modified
//! loss against minibatches enumerated or drawn by reshuffling, and the
//! replicas' mean against the two gradient flows.

use sgdlab_core::SeededRng;
use sgdlab_core::implicit_reg::{ImplicitReg, ImplicitRegConfig, ModifiedLoss, Quantity};
use sgdlab_core::stochastic::{EmpiricalRisk, ModelKind};
use std::sync::Arc;

fn model(kind: ModelKind, samples: usize, seed: u64) -> Arc<dyn EmpiricalRisk> {
    ImplicitRegConfig {
        model: kind,
        samples,
        seed,
        ..ImplicitRegConfig::default()
    }
    .build_model()
    .unwrap()
}

fn squared_distance(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)
}

/// Every subset of `0..n` with `size` elements, in lexicographic order.
fn subsets(n: usize, size: usize) -> Vec<Vec<usize>> {
    let mut all = Vec::new();
    let mut current: Vec<usize> = (0..size).collect();
    loop {
        all.push(current.clone());
        // Advance the rightmost index that can still move.
        let Some(k) = (0..size).rev().find(|&k| current[k] < n - size + k) else {
            return all;
        };
        current[k] += 1;
        for j in k + 1..size {
            current[j] = current[j - 1] + 1;
        }
    }
}

#[test]
fn minibatch_noise_equals_the_average_over_every_batch() {
    // n = 10 examples: C(10, B) batches, all of them.
    for kind in [ModelKind::Linear, ModelKind::Logistic] {
        let model = model(kind, 10, 3);
        for batch_size in [1, 2, 3, 5, 10] {
            let lr = 0.3;
            let loss = ModifiedLoss::new(model.clone(), lr, batch_size);
            for w in [[-1.0, 2.0], [0.4, -0.7], [3.0, 1.5]] {
                let full = model.gradient(w);
                let batches = subsets(10, batch_size);
                let noise = batches
                    .iter()
                    .map(|batch| squared_distance(model.batch_gradient(w, batch), full))
                    .sum::<f64>()
                    / batches.len() as f64;
                let terms = loss.terms(w);
                assert!(
                    (terms.minibatch_noise - noise).abs() <= 1e-12 * (1.0 + noise),
                    "{kind:?} B={batch_size} at {w:?}: closed form {} vs {noise} over {} batches",
                    terms.minibatch_noise,
                    batches.len()
                );
                let definition = model.loss(w)
                    + lr / 4.0 * noise
                    + lr / 4.0 * (full[0].powi(2) + full[1].powi(2));
                assert!(
                    (terms.modified - definition).abs() <= 1e-12 * (1.0 + definition),
                    "{kind:?} B={batch_size}: L̃ {} vs {definition}",
                    terms.modified
                );
            }
        }
    }
}

#[test]
fn minibatch_noise_matches_reshuffled_epochs_within_monte_carlo_error() {
    // Random reshuffling: each epoch is a fresh permutation cut into m = n/B
    // batches. The per-epoch average (1/m)·Σₖ ‖∇L̂ₖ − ∇L‖² has expectation
    // N(w); over K independent epochs its mean has standard error s/√K,
    // with s the sample standard deviation. Five standard errors bound the
    // difference except with probability below 1e-6.
    let (n, batch_size, epochs) = (24, 4, 20_000);
    for kind in [ModelKind::Linear, ModelKind::Logistic] {
        let model = model(kind, n, 8);
        let loss = ModifiedLoss::new(model.clone(), 0.1, batch_size);
        let w = [0.5, 1.0];
        let full = model.gradient(w);
        let mut rng = SeededRng::new(42);
        let mut order: Vec<usize> = (0..n).collect();
        let samples: Vec<f64> = (0..epochs)
            .map(|_| {
                rng.shuffle(&mut order);
                order
                    .chunks_exact(batch_size)
                    .map(|batch| squared_distance(model.batch_gradient(w, batch), full))
                    .sum::<f64>()
                    / (n / batch_size) as f64
            })
            .collect();
        let mean = samples.iter().sum::<f64>() / epochs as f64;
        let variance =
            samples.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / (epochs - 1) as f64;
        let standard_error = (variance / epochs as f64).sqrt();
        let closed_form = loss.terms(w).minibatch_noise;
        assert!(
            (mean - closed_form).abs() < 5.0 * standard_error,
            "{kind:?}: reshuffled {mean} ± {standard_error} vs closed form {closed_form}"
        );
        // The check has teeth: sampling with replacement (factor 1/B, not
        // (n − B)/(B(n − 1))) is many standard errors away.
        let with_replacement = closed_form * (n - 1) as f64 / (n - batch_size) as f64;
        assert!((mean - with_replacement).abs() > 10.0 * standard_error);
    }
}

fn run(config: &ImplicitRegConfig) -> ImplicitReg {
    let mut run = ImplicitReg::new(config).unwrap();
    run.step(run.total_steps());
    assert!(run.finished() && run.stopped().is_none());
    run
}

#[test]
fn mean_iterate_follows_the_modified_flow() {
    // Several seeds, both models and a few sizes, all at η = 0.2 over the
    // same time horizon t = 12.8. Over seeds 0–19 the smallest ratio
    // gap_plain/gap_modified measured was 2.3 (linear, n = 16, B = 1).
    for kind in [ModelKind::Linear, ModelKind::Logistic] {
        for (samples, batch_size, epochs) in [(16, 1, 4), (8, 1, 8), (32, 2, 4)] {
            for seed in 0..4 {
                let config = ImplicitRegConfig {
                    model: kind,
                    samples,
                    batch_size,
                    epochs,
                    seed,
                    ..ImplicitRegConfig::default()
                };
                let report = run(&config).report();
                let (plain, modified) = (report.gap_plain.unwrap(), report.gap_modified.unwrap());
                let label = format!("{kind:?} n={samples} B={batch_size} seed={seed}");
                assert!(
                    modified < 0.6 * plain,
                    "{label}: gap_modified {modified} vs gap_plain {plain}"
                );
                // The plain gap is resolved far beyond the replicas' noise.
                let noise = report.mean_standard_error.unwrap();
                assert!(plain > 5.0 * noise, "{label}: {plain} vs noise {noise}");
            }
        }
    }
}

#[test]
fn both_gaps_shrink_when_the_learning_rate_is_halved() {
    // Halving η and doubling the epochs keeps the horizon t = steps·η.
    // Theory: the flows part at first order in η, so gap_plain roughly
    // halves; the modified flow is off at second order, so gap_modified
    // falls faster (towards a quarter) until the replicas' noise floor.
    for kind in [ModelKind::Linear, ModelKind::Logistic] {
        for seed in 0..3 {
            let coarse = ImplicitRegConfig {
                model: kind,
                seed,
                replicas: 2000,
                ..ImplicitRegConfig::default()
            };
            let fine = ImplicitRegConfig {
                lr: coarse.lr / 2.0,
                epochs: coarse.epochs * 2,
                ..coarse.clone()
            };
            let (a, b) = (run(&coarse).report(), run(&fine).report());
            let label = format!("{kind:?} seed={seed}");
            let plain_ratio = a.gap_plain.unwrap() / b.gap_plain.unwrap();
            let modified_ratio = a.gap_modified.unwrap() / b.gap_modified.unwrap();
            assert!(
                plain_ratio > 1.3,
                "{label}: gap_plain fell by {plain_ratio}"
            );
            assert!(
                modified_ratio > 1.8 && modified_ratio > plain_ratio,
                "{label}: gap_modified fell by {modified_ratio}, gap_plain by {plain_ratio}"
            );
        }
    }
}

#[test]
fn a_seed_gives_the_same_run_and_another_seed_another() {
    let config = ImplicitRegConfig {
        replicas: 300,
        ..ImplicitRegConfig::default()
    };
    let a = run(&config);
    let b = run(&config);
    assert_eq!(a.csv(), b.csv());
    assert_eq!(a.report(), b.report());
    assert_eq!(a.replica_positions(), b.replica_positions());
    let other = run(&ImplicitRegConfig {
        seed: 1,
        ..config.clone()
    });
    assert_ne!(a.csv(), other.csv());
    // Stepping in pieces is stepping at once.
    let mut pieces = ImplicitReg::new(&config).unwrap();
    while !pieces.finished() {
        pieces.step(7);
    }
    assert_eq!(pieces.csv(), a.csv());
}

#[test]
fn outputs_have_the_documented_shapes() {
    let config = ImplicitRegConfig {
        replicas: 50,
        ..ImplicitRegConfig::default()
    };
    let mut run = ImplicitReg::new(&config).unwrap();
    let report = run.report();
    assert_eq!((report.gap_plain, report.gap_modified), (None, None));
    run.step(20);
    assert_eq!(run.step_count(), 20);
    assert_eq!(run.mean_path().len(), 21);
    assert_eq!(run.checkpoints().len(), 1);
    assert_eq!(run.trails().len(), 32);
    assert!(run.trails().iter().all(|t| t.len() == 21));
    run.step(1000);
    assert_eq!(run.step_count(), 64);
    assert_eq!(run.checkpoints().len(), 4);
    let csv = run.csv();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "step,t,epoch_end,mean_1,mean_2,plain_1,plain_2,modified_1,modified_2,distance_plain,distance_modified"
    );
    assert_eq!(lines.len(), 66);
    assert!(
        lines[1].starts_with("0,0,0,-1,2,-1,2,-1,2,0,0"),
        "{}",
        lines[1]
    );
    assert!(lines[17].starts_with("16,3.2,1,"), "{}", lines[17]);
    let json = serde_json::to_value(run.report()).unwrap();
    for key in ["replicas", "gap_plain", "gap_modified"] {
        assert!(json[key].is_number(), "{key} in {json}");
    }
    let view = run.view_box();
    let grid = run.modified_loss().grid(Quantity::Difference, &view, 8, 5);
    assert_eq!(grid.len(), 40);
    assert!(grid.iter().all(|v| v.is_finite() && *v >= 0.0));
}

#[test]
fn a_run_that_diverges_stops_and_says_so() {
    // η = 10 on least squares with inputs in [−1, 1): every step overshoots.
    let config = ImplicitRegConfig {
        lr: 10.0,
        replicas: 20,
        epochs: 40,
        ..ImplicitRegConfig::default()
    };
    let mut run = ImplicitReg::new(&config).unwrap();
    run.step(run.total_steps());
    assert!(run.finished());
    let message = run.stopped().expect("a divergent run stops");
    assert!(message.contains("try a smaller learning rate"), "{message}");
    assert!(run.step_count() < run.total_steps());
    let report = run.report();
    assert!(report.final_mean.iter().all(|v| v.is_finite()));
    // What is on show is the last finite state.
    let finite = |w: &[f64; 2]| w[0].is_finite() && w[1].is_finite();
    assert!(run.replica_positions().iter().all(finite));
    assert!(finite(&report.final_plain) && finite(&report.final_modified));
    assert!(
        run.csv()
            .lines()
            .all(|line| !line.contains("NaN") && !line.contains("inf"))
    );
    serde_json::to_string(&report).unwrap();
}

#[test]
fn edge_configs_run_without_panicking() {
    for config in [
        // Two examples, full batch: no minibatch noise at all.
        ImplicitRegConfig {
            samples: 2,
            batch_size: 2,
            replicas: 1,
            epochs: 3,
            substeps: 1,
            ..ImplicitRegConfig::default()
        },
        ImplicitRegConfig {
            model: ModelKind::Logistic,
            samples: 3,
            batch_size: 1,
            truth: [1000.0, -1000.0],
            start: [100.0, -100.0],
            lr: 10.0,
            replicas: 7,
            ..ImplicitRegConfig::default()
        },
        ImplicitRegConfig {
            noise: 0.0,
            start: [-100.0, 100.0],
            lr: 1e-300,
            ..ImplicitRegConfig::default()
        },
    ] {
        assert!(config.validate().is_ok(), "{config:?}");
        let mut run = ImplicitReg::new(&config).unwrap();
        run.step(run.total_steps());
        assert!(run.finished());
        let json = serde_json::to_string(&run.report()).unwrap();
        assert!(!json.contains("NaN") && !json.contains("inf"), "{json}");
        let view = run.view_box();
        for quantity in Quantity::ALL {
            let grid = run.modified_loss().grid(quantity, &view, 3, 3);
            assert!(
                grid.iter().all(|v| v.is_finite()),
                "{config:?} {quantity:?}"
            );
        }
    }
}
