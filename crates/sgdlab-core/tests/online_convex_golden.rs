//! The online-convex experiment against PyTorch, and its claims.
//!
//! `tests/reference/torch_online_convex.py` (at the repository root) ran
//! every case below with `torch.optim.Adam` / `torch.optim.SGD` in float64;
//! the stochastic cases replay the engine's own draws, committed in
//! `tests/reference/experiments_a_inputs.json`.

use serde_json::Value;
use sgdlab_core::online_convex::config::RARE_GRADIENT;
use sgdlab_core::online_convex::{
    LossSequence, MAX_POINTS, OnlineConvex, OnlineConvexConfig, Problem, RACER_NAMES,
};

const GOLDEN: &str = include_str!("../../../tests/reference/torch_online_convex.json");
const INPUTS: &str = include_str!("../../../tests/reference/experiments_a_inputs.json");

/// The largest relative difference allowed from PyTorch's numbers. The
/// engine repeats torch's operations in torch's order, so most numbers
/// agree to the bit; torch's tensor `sqrt` (MKL, not always correctly
/// rounded) and Python's `β ** t` (glibc `pow`) can differ from the exact
/// `sqrt` and `libm::pow` in the last place, which moves a later Adam or
/// AMSGrad x by an ulp or so. The largest difference seen is 5e-16.
const TOLERANCE: f64 = 1e-14;

/// How many of the 258 stored points (x of each racer at each checkpoint)
/// must agree with PyTorch to the bit: all the SGD ones and most of Adam's
/// and AMSGrad's. This is what checks the order of operations.
const BIT_IDENTICAL_POINTS: usize = 248;

fn golden() -> Value {
    serde_json::from_str(GOLDEN).expect("golden file is JSON")
}

fn config_of(case: &Value) -> OnlineConvexConfig {
    let c = &case["config"];
    OnlineConvexConfig {
        problem: Problem::from_name(c["problem"].as_str().unwrap()).unwrap(),
        c: c["c"].as_f64().unwrap(),
        alpha: c["alpha"].as_f64().unwrap(),
        beta1: c["beta1"].as_f64(),
        beta2: c["beta2"].as_f64(),
        steps: c["steps"].as_u64(),
        start: c["start"].as_f64().unwrap(),
        seed: c["seed"].as_u64().unwrap(),
        ..OnlineConvexConfig::default()
    }
}

/// A result of the script, written as Python's `repr` so it reads back exactly.
fn exact(value: &Value) -> f64 {
    value
        .as_str()
        .and_then(|text| text.parse().ok())
        .expect("the script writes results as repr strings")
}

fn relative(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1.0)
}

#[test]
fn every_case_matches_torch_step_by_step() {
    let golden = golden();
    let cases = golden["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 10);
    let mut worst: f64 = 0.0;
    let mut identical = 0;
    let mut compared = 0;
    for case in cases {
        let config = config_of(case);
        let mut run = OnlineConvex::new(&config).unwrap();
        let report = run.report();
        assert_eq!(report.beta1, exact(&case["beta1"]));
        assert_eq!(report.beta2, exact(&case["beta2"]));
        let runs = case["runs"].as_array().unwrap();
        // Walk the checkpoints in order with the incremental API.
        let checkpoints: Vec<u64> = runs[0]["trajectory"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["step"].as_u64().unwrap())
            .collect();
        for (k, &t) in checkpoints.iter().enumerate() {
            run.step(t - run.steps_taken());
            for (racer, expected) in run.racers().iter().zip(runs) {
                let x = exact(&expected["trajectory"][k]["x"]);
                let d = relative(racer.x(), x);
                worst = worst.max(d);
                compared += 1;
                identical += usize::from(racer.x() == x);
                assert!(
                    d <= TOLERANCE,
                    "{config:?} t = {t}: {} {} vs torch {x}",
                    racer.kind().name(),
                    racer.x()
                );
            }
        }
        assert!(run.finished());
        let report = run.report();
        assert_eq!(report.best_point, exact(&case["best_point"]));
        for (ours, theirs) in report.runs.iter().zip(runs) {
            assert_eq!(ours.optimizer, theirs["optimizer"].as_str().unwrap());
            for (name, value) in [
                ("final_x", ours.final_x),
                ("regret", ours.regret),
                ("average_regret", ours.average_regret),
            ] {
                let expected = exact(&theirs[name]);
                let d = relative(value, expected);
                worst = worst.max(d);
                assert!(
                    d <= TOLERANCE,
                    "{config:?} {} {name}: {value} vs torch {expected}",
                    ours.optimizer
                );
            }
        }
    }
    println!(
        "largest relative difference from torch: {worst:e}; {identical} of {compared} points bit-identical"
    );
    assert_eq!(compared, 258);
    assert!(
        identical >= BIT_IDENTICAL_POINTS,
        "{identical} of {compared}"
    );
}

#[test]
fn the_engine_still_draws_the_committed_stochastic_rounds() {
    let inputs: Value = serde_json::from_str(INPUTS).unwrap();
    for case in inputs["online_convex_stochastic"].as_array().unwrap() {
        let (seed, steps) = (
            case["seed"].as_u64().unwrap(),
            case["steps"].as_u64().unwrap(),
        );
        let config = OnlineConvexConfig {
            problem: Problem::Stochastic,
            seed,
            steps: Some(steps),
            ..OnlineConvexConfig::default()
        };
        let mut losses = LossSequence::new(&config);
        let rare: Vec<u64> = (1..=steps)
            .filter(|&t| losses.slope(t) == RARE_GRADIENT)
            .collect();
        let committed: Vec<u64> = case["rare_rounds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_u64().unwrap())
            .collect();
        assert_eq!(rare, committed, "seed {seed}");
    }
}

#[test]
fn the_course_reference_adam_at_plus_one_amsgrad_near_minus_one() {
    // COURSE.md, lesson 6: C = 3, α = 0.1, 30,000 steps.
    let mut run = OnlineConvex::new(&OnlineConvexConfig::default()).unwrap();
    run.run_to_end();
    let report = run.report();
    assert_eq!(
        (report.steps, report.c, report.beta2),
        (30_000, Some(3.0), 0.1)
    );
    let [adam, amsgrad, sgd] = [0, 1, 2].map(|i| &report.runs[i]);
    assert_eq!(adam.final_x, 1.0);
    assert!(
        (amsgrad.final_x - -0.9996).abs() < 5e-5,
        "{}",
        amsgrad.final_x
    );
    assert!(sgd.final_x < -0.99);
    assert_eq!(report.best_point, -1.0);
    // Adam's average regret tends to (C − 2)·2/3 (it pays x = 1 against x* = −1 every period).
    assert!(
        (adam.average_regret - 2.0 / 3.0).abs() < 0.01,
        "{}",
        adam.average_regret
    );
    assert!(amsgrad.average_regret < 0.01 && sgd.average_regret < 0.01);
    // The projection erases the start: every x₁ ends at the same points.
    for start in [-1.0, -0.5, 0.25, 1.0] {
        let mut other = OnlineConvex::new(&OnlineConvexConfig {
            start,
            ..OnlineConvexConfig::default()
        })
        .unwrap();
        other.run_to_end();
        let finals = other
            .report()
            .runs
            .iter()
            .map(|r| r.final_x)
            .collect::<Vec<_>>();
        assert_eq!(
            finals,
            [adam.final_x, amsgrad.final_x, sgd.final_x],
            "x₁ = {start}"
        );
    }
}

#[test]
fn with_torch_default_betas_adam_converges_on_the_periodic_problem() {
    for (c, alpha) in [(3.0, 0.1), (5.0, 0.1), (10.0, 0.05), (2.5, 0.2)] {
        let config = OnlineConvexConfig {
            c,
            alpha,
            beta1: Some(0.9),
            beta2: Some(0.999),
            ..OnlineConvexConfig::default()
        };
        let mut run = OnlineConvex::new(&config).unwrap();
        run.run_to_end();
        let adam = &run.report().runs[0];
        assert!(
            adam.final_x < -0.99,
            "C = {c}: Adam ends at {}",
            adam.final_x
        );
        // Under 5% of what the worst point, +1, pays per round: (C − 2)·2/3.
        let worst = (c - 2.0) * 2.0 / 3.0;
        assert!(
            adam.average_regret < 0.05 * worst,
            "C = {c}: R/T = {}",
            adam.average_regret
        );
    }
}

#[test]
fn regret_is_measured_against_the_best_point_in_hindsight() {
    // Recompute Σ fₜ(xₜ) − min over x of Σ fₜ(x) independently, round by
    // round, for each problem; the minimum of a linear loss on [−1, 1] is at
    // an end, so comparing x = −1 and x = +1 is exact.
    for problem in Problem::ALL {
        for steps in [1, 2, 50, 400] {
            let config = OnlineConvexConfig {
                problem,
                steps: Some(steps),
                seed: 11,
                ..OnlineConvexConfig::default()
            };
            let mut run = OnlineConvex::new(&config).unwrap();
            let mut losses = LossSequence::new(&config);
            let mut paid = [0.0; 3];
            let (mut at_minus, mut at_plus) = (0.0, 0.0);
            for t in 1..=steps {
                let g = losses.slope(t);
                for (p, racer) in paid.iter_mut().zip(run.racers()) {
                    *p += g * racer.x();
                }
                at_minus += -g;
                at_plus += g;
                run.step(1);
            }
            let best = if at_minus <= at_plus { -1.0 } else { 1.0 };
            let report = run.report();
            assert_eq!(report.best_point, best, "{problem} T = {steps}");
            for (p, r) in paid.iter().zip(&report.runs) {
                let regret = p - at_minus.min(at_plus);
                assert!(
                    (r.regret - regret).abs() <= 1e-9 * regret.abs().max(1.0),
                    "{problem}: {} vs {regret}",
                    r.regret
                );
                assert!(
                    r.regret >= -1e-9,
                    "regret against the best point is never negative here"
                );
            }
        }
    }
    // 50 stochastic rounds with no rare one: every slope is −10, so the best point is +1.
    let config = OnlineConvexConfig {
        problem: Problem::Stochastic,
        steps: Some(50),
        ..OnlineConvexConfig::default()
    };
    let mut losses = LossSequence::new(&config);
    if (1..=50).all(|t| losses.slope(t) != RARE_GRADIENT) {
        let mut run = OnlineConvex::new(&config).unwrap();
        run.run_to_end();
        assert_eq!(run.report().best_point, 1.0);
    }
}

#[test]
fn stepping_in_slices_gives_the_same_run_and_the_series_is_thinned() {
    for problem in Problem::ALL {
        let config = OnlineConvexConfig {
            problem,
            steps: Some(123_457),
            seed: 5,
            ..OnlineConvexConfig::default()
        };
        let mut whole = OnlineConvex::new(&config).unwrap();
        whole.run_to_end();
        let mut sliced = OnlineConvex::new(&config).unwrap();
        while !sliced.finished() {
            assert!(sliced.step(997) > 0);
        }
        assert_eq!(sliced.step(10), 0);
        assert_eq!(whole.report(), sliced.report());
        assert_eq!(whole.csv(), sliced.csv());
        let samples = whole.samples();
        assert!(samples.len() as u64 <= MAX_POINTS + 2);
        assert_eq!(samples.first().unwrap().step, 0);
        assert_eq!(samples.last().unwrap().step, 123_457);
        assert!(samples.windows(2).all(|w| w[0].step < w[1].step));
        let csv = whole.csv();
        let mut lines = csv.lines();
        let header = lines.next().unwrap();
        assert_eq!(header.split(',').count(), 1 + 4 * RACER_NAMES.len());
        assert!(
            header.starts_with("step,adam_x,adam_loss,adam_regret,adam_average_regret,amsgrad_x")
        );
        assert_eq!(lines.count(), samples.len());
    }
}

#[test]
fn extreme_settings_run_without_panics_or_non_finite_numbers() {
    let extremes = [
        OnlineConvexConfig {
            c: 10_000.0,
            alpha: 10.0,
            start: 1.0,
            steps: Some(1),
            ..OnlineConvexConfig::default()
        },
        OnlineConvexConfig {
            c: 2.000001,
            alpha: 0.0,
            start: -1.0,
            steps: Some(1000),
            ..OnlineConvexConfig::default()
        },
        OnlineConvexConfig {
            beta1: Some(0.999999),
            beta2: Some(0.0),
            steps: Some(1000),
            ..OnlineConvexConfig::default()
        },
        OnlineConvexConfig {
            problem: Problem::Stochastic,
            seed: u64::MAX,
            alpha: 10.0,
            steps: Some(1000),
            ..OnlineConvexConfig::default()
        },
    ];
    for config in extremes {
        let mut run = OnlineConvex::new(&config).unwrap();
        run.run_to_end();
        for r in run.report().runs {
            assert!(
                r.final_x.is_finite() && (-1.0..=1.0).contains(&r.final_x),
                "{config:?}: {r:?}"
            );
            assert!(r.regret.is_finite() && r.average_regret.is_finite());
        }
        assert!(!run.csv().contains("NaN") && !run.csv().contains("inf"));
    }
}
