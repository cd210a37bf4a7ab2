//! Every claim that lesson 2 (www/lessons/02-minibatch-sgd.md) makes about
//! what its widgets show, checked by running the links written in the
//! lesson file itself.

mod common;

use common::{LessonFile, floor, number, pair, round, run};
use serde_json::Value;
use sgdlab_core::stochastic::StochasticConfig;

fn lesson() -> LessonFile {
    LessonFile::open("02-minibatch-sgd.md")
}

/// Path `index` (0 full batch, 1 minibatch, 2 per sample) of an export.
fn path(export: &Value, index: usize) -> &Value {
    &export["paths"][index]
}

/// The full-data loss of every point of a path.
fn losses(export: &Value, index: usize) -> Vec<f64> {
    path(export, index)["points"]
        .as_array()
        .expect("points")
        .iter()
        .map(|p| number(&p["loss"]))
        .collect()
}

fn examples(export: &Value, index: usize) -> Vec<u64> {
    path(export, index)["examples"]
        .as_array()
        .expect("examples")
        .iter()
        .map(|e| e.as_u64().expect("a count"))
        .collect()
}

/// The predicted and measured variance at batch size `b` in the variance plot.
fn variance_at(export: &Value, b: u64) -> (f64, f64) {
    let point = export["variance"]
        .as_array()
        .expect("the variance plot")
        .iter()
        .find(|p| p["batch_size"] == b)
        .unwrap_or_else(|| panic!("no B = {b}"));
    (number(&point["predicted"]), number(&point["measured"]))
}

#[test]
fn the_average_of_500_minibatch_gradients_is_0_02_from_the_full_gradient() {
    let export = run("stochastic", &lesson().widget_link("race"), 0);
    let noise = &export["noise"];
    assert_eq!(
        (
            noise["batch_size"].as_u64(),
            noise["batch_gradients"].as_array().map(Vec::len)
        ),
        (Some(10), Some(500))
    );
    let mean = pair(&noise["mean_gradient"]);
    let full = pair(&noise["full_gradient"]);
    assert_eq!(mean.map(|v| round(v, 3)), [-1.126, 3.324]);
    assert_eq!(full.map(|v| round(v, 3)), [-1.133, 3.342]);
    assert_eq!(round((mean[0] - full[0]).hypot(mean[1] - full[1]), 2), 0.02);
}

#[test]
fn after_300_steps_gd_sits_at_the_minimum_and_the_floors_are_0_0021_and_0_031() {
    let export = run("stochastic", &lesson().widget_link("race"), 300);
    let optimum = number(&export["hessian"]["loss"]);
    assert!((losses(&export, 0)[300] - optimum).abs() < 1e-12);
    assert_eq!(round(floor(&export, 1, 200, 300), 4), 0.0021);
    assert_eq!(round(floor(&export, 2, 200, 300), 3), 0.031);
    // Faster per example read: at 1,000 gradient evaluations (10 full steps,
    // 100 minibatch steps, 1,000 per-sample steps) the stochastic paths are lower.
    let at_cost = |index: usize, cost: u64| {
        let position = examples(&export, index)
            .iter()
            .position(|&e| e == cost)
            .unwrap();
        losses(&export, index)[position]
    };
    assert!(at_cost(1, 1000) < at_cost(0, 1000));
}

#[test]
fn the_variance_panel_matches_sigma_squared_over_b_with_the_correction() {
    let export = run("stochastic", &lesson().widget_link("race"), 0);
    let (predicted, measured) = variance_at(&export, 1);
    assert_eq!((round(measured, 2), round(predicted, 2)), (6.90, 6.67));
    let (predicted, measured) = variance_at(&export, 16);
    assert_eq!((round(measured, 3), round(predicted, 3)), (0.342, 0.354));
    let (predicted, measured) = variance_at(&export, 100);
    assert_eq!(predicted, 0.0);
    assert!(measured.abs() < 1e-20, "{measured}");
    let ratio = variance_at(&export, 4).0 / variance_at(&export, 16).0;
    assert!((ratio - 4.0 * 96.0 / 84.0).abs() < 1e-12);
    assert_eq!(round(ratio, 2), 4.57);
    // The prediction: σ²/B·(n − B)/(n − 1) with σ² the B = 1 value.
    let sigma2 = variance_at(&export, 1).0;
    for b in [2u64, 4, 8, 16, 32, 64] {
        let expected = sigma2 / b as f64 * (100.0 - b as f64) / 99.0;
        assert!(
            (variance_at(&export, b).0 / expected - 1.0).abs() < 1e-12,
            "B = {b}"
        );
    }
}

#[test]
fn question_1_the_standard_error_falls_by_2_14_and_the_button_sets_b_16() {
    let lesson = lesson();
    let question = &lesson.questions()[0];
    assert!(question.answer.contains("$\\sqrt{4.57} = 2.14$"));
    assert_eq!(round(4.57f64.sqrt(), 2), 2.14);
    let link = lesson.answer_link(1);
    let export = run("stochastic", &link, 0);
    assert_eq!(export["noise"]["batch_size"], 16);
    let ratio = variance_at(&export, 4).0 / variance_at(&export, 16).0;
    assert_eq!(round(ratio.sqrt(), 2), 2.14);
}

#[test]
fn no_minibatch_gradient_points_uphill_at_the_start_and_32_percent_do_near_the_minimum() {
    let link = lesson().widget_link("race");
    let start = run("stochastic", &link, 0);
    assert_eq!(start["noise"]["share_beyond_90"], 0.0);
    let settled = run("stochastic", &link, 300);
    let share = number(&settled["noise"]["share_beyond_90"]);
    assert_eq!(round(100.0 * share, 0), 32.0);
    // Measured where the orange (minibatch) path stands.
    let last = path(&settled, 1)["points"][300].clone();
    assert_eq!(
        pair(&settled["noise"]["point"]),
        [number(&last["x"]), number(&last["y"])]
    );
}

#[test]
fn question_2_one_example_has_eleven_times_the_variance_and_a_smaller_step_lowers_both_floors() {
    let export = run("stochastic", &lesson().widget_link("race"), 0);
    let one = variance_at(&export, 1).0;
    let ten = number(&export["noise"]["predicted_variance"]);
    assert!((one / ten - 11.0).abs() < 1e-12);
    let lesson = lesson();
    let link = lesson.answer_link(2);
    assert!(link.contains("lr=0.03"));
    let small = run("stochastic", &link, 3000);
    let large = run("stochastic", &lesson.widget_link("race"), 3000);
    assert_eq!(round(floor(&large, 2, 2000, 3000), 3), 0.032);
    assert_eq!(round(floor(&large, 1, 2000, 3000), 4), 0.0016);
    assert_eq!(round(floor(&small, 2, 2000, 3000), 4), 0.0016);
    assert_eq!(round(floor(&small, 1, 2000, 3000), 5), 0.00002);
    for index in [1, 2] {
        assert!(floor(&small, index, 2000, 3000) * 10.0 < floor(&large, index, 2000, 3000));
    }
}

#[test]
fn ten_copies_make_a_minibatch_of_one_copy_a_full_step_at_a_tenth_of_the_cost() {
    let link = lesson().widget_link("copies");
    let export = run("stochastic", &link, 300);
    assert_eq!(
        (export["examples"].as_u64(), export["replicas"].as_u64()),
        (Some(200), Some(10))
    );
    assert_eq!(export["x_axis"], "grads");
    let (full, mini) = (losses(&export, 0), losses(&export, 1));
    for (t, (f, m)) in full.iter().zip(&mini).enumerate() {
        assert!((f - m).abs() <= 1e-12 * f, "step {t}");
    }
    let (full_cost, mini_cost) = (examples(&export, 0), examples(&export, 1));
    for t in 0..=300 {
        assert_eq!(
            (full_cost[t], mini_cost[t]),
            (200 * t as u64, 20 * t as u64)
        );
    }
    assert_eq!(path(&export, 0)["steps_to_tolerance"], 91);
    assert_eq!(path(&export, 1)["steps_to_tolerance"], 91);
    assert_eq!((full_cost[91], mini_cost[91]), (18_200, 1_820));
}

#[test]
fn fleurets_sum_form_with_rate_k_eta_over_one_copy_is_the_widgets_step() {
    let link = lesson().widget_link("copies");
    let (config, errors) = StochasticConfig::decode(&link, &StochasticConfig::default());
    assert!(errors.is_empty());
    let model = config.build_model().unwrap();
    let (k, m) = (config.replicas, config.samples);
    let export = run("stochastic", &link, 5);
    let points = path(&export, 1)["points"].as_array().unwrap().clone();
    // Sequential batches of 20 out of 10 copies of 20: batch t is copy t mod 10.
    let eta = config.lr;
    let eta_sum = eta / (k * m) as f64;
    for t in 0..5 {
        let theta = [number(&points[t]["x"]), number(&points[t]["y"])];
        let copy: Vec<usize> = ((t % k) * m..(t % k + 1) * m).collect();
        let over_copy = copy.iter().fold([0.0, 0.0], |acc, &i| {
            let g = model.example_gradient(theta, i);
            [acc[0] + g[0], acc[1] + g[1]]
        });
        let over_all = (0..k * m).fold([0.0, 0.0], |acc, i| {
            let g = model.example_gradient(theta, i);
            [acc[0] + g[0], acc[1] + g[1]]
        });
        // Σ over the N examples = K · Σ over one copy.
        for axis in 0..2 {
            assert!(
                (over_all[axis] - k as f64 * over_copy[axis]).abs() < 1e-9 * over_all[axis].abs()
            );
        }
        let next = [number(&points[t + 1]["x"]), number(&points[t + 1]["y"])];
        for axis in 0..2 {
            let sum_form = theta[axis] - k as f64 * eta_sum * over_copy[axis];
            assert!((next[axis] - sum_form).abs() < 1e-12, "step {t}");
        }
    }
}

#[test]
fn against_steps_the_copies_curves_coincide() {
    let export = run(
        "stochastic",
        &lesson().try_link("Draw the curves against steps"),
        100,
    );
    assert_eq!(export["x_axis"], "steps");
    assert_eq!(
        losses(&export, 0)
            .iter()
            .map(|l| round(*l, 10))
            .collect::<Vec<_>>(),
        losses(&export, 1)
            .iter()
            .map(|l| round(*l, 10))
            .collect::<Vec<_>>()
    );
}

#[test]
fn question_3_shuffled_copies_keep_the_tenfold_saving_880_against_8800() {
    let lesson = lesson();
    let link = lesson.answer_link(3);
    assert!(link.contains("order=shuffle"));
    let export = run("stochastic", &link, 300);
    let optimum = number(&export["hessian"]["loss"]);
    let first_within = |index: usize, gap: f64| {
        let position = losses(&export, index)
            .iter()
            .position(|l| l - optimum < gap)?;
        Some(examples(&export, index)[position])
    };
    assert_eq!(first_within(1, 1e-3), Some(880));
    assert_eq!(first_within(0, 1e-3), Some(8_800));
    // It keeps jittering: never within 10⁻⁶ in 300 steps.
    assert!(path(&export, 1)["steps_to_tolerance"].is_null());
}

#[test]
fn every_try_button_and_widget_of_the_lesson_is_checked_here() {
    let lesson = lesson();
    lesson.assert_contents(
        &["race", "copies"],
        &[
            "Set $B = 16$",
            "Take a ten times smaller step",
            "Draw the curves against steps",
            "Shuffle them",
        ],
        3,
    );
}
