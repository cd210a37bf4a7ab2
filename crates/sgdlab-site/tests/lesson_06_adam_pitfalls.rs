//! Every claim that lesson 6 (www/lessons/06-adam-pitfalls.md) makes about
//! what its widgets show, checked by running the links written in the
//! lesson file itself. Change a link or a number in the lesson and this
//! fails.

mod common;

use common::{LessonFile, number, racer_points, round, run, run_to_end, surface};
use serde_json::Value;
use sgdlab_core::generalisation::{Generalisation, GeneralisationConfig};

const ONLINE_GOLDEN: &str = include_str!("../../../tests/reference/torch_online_convex.json");

fn lesson() -> LessonFile {
    LessonFile::open("06-adam-pitfalls.md")
}

/// The run of `optimizer` in an export's `runs`.
fn racer<'a>(export: &'a Value, optimizer: &str) -> &'a Value {
    export["runs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["optimizer"] == optimizer)
        .unwrap_or_else(|| panic!("no racer {optimizer}"))
}

/// `(final_x, average_regret)` of a racer.
fn end(export: &Value, optimizer: &str) -> (f64, f64) {
    let r = racer(export, optimizer);
    (number(&r["final_x"]), number(&r["average_regret"]))
}

#[test]
fn on_the_periodic_problem_adam_ends_at_plus_one_and_amsgrad_and_sgd_near_minus_one() {
    let export = run_to_end("online-convex", &lesson().widget_link("online"));
    assert_eq!(export["problem"], "periodic");
    assert_eq!(export["steps"], 30_000);
    assert_eq!(
        [
            &export["c"],
            &export["alpha"],
            &export["beta1"],
            &export["beta2"]
        ]
        .map(number),
        [3.0, 0.1, 0.0, 0.1]
    );
    assert_eq!(number(&export["best_point"]), -1.0);
    let (adam_x, adam_regret) = end(&export, "adam");
    assert_eq!(adam_x, 1.0);
    assert_eq!(round(adam_regret, 3), 0.665);
    assert!(adam_regret < 2.0 / 3.0 && 2.0 / 3.0 - adam_regret < 0.01);
    let (amsgrad_x, amsgrad_regret) = end(&export, "amsgrad");
    assert_eq!(
        (round(amsgrad_x, 4), round(amsgrad_regret, 4)),
        (-0.9996, 0.0068)
    );
    let (sgd_x, sgd_regret) = end(&export, "sgd");
    assert_eq!((round(sgd_x, 4), round(sgd_regret, 4)), (-0.9988, 0.0025));
    // "These are the numbers PyTorch gives": the committed torch run of the
    // same setup.
    let golden: Value = serde_json::from_str(ONLINE_GOLDEN).unwrap();
    let case = &golden["cases"][0];
    assert_eq!(case["config"]["c"], 3.0);
    assert_eq!(case["config"]["steps"], 30_000);
    for theirs in case["runs"].as_array().unwrap() {
        let name = theirs["optimizer"].as_str().unwrap();
        let torch: f64 = theirs["final_x"].as_str().unwrap().parse().unwrap();
        assert!((end(&export, name).0 - torch).abs() < 1e-14, "{name}");
    }
}

/// The point after `rounds` rounds of the lesson's periodic problem started
/// at x₁ = `start` (an end the racer drifts away from, so it has room to
/// move without touching the other).
fn x_after(rounds: u64, optimizer: &str, start: f64) -> f64 {
    let link = lesson()
        .widget_link("online")
        .replace("steps=30000", &format!("steps={rounds}&start={start}"));
    end(&run("online-convex", &link, rounds), optimizer).0
}

#[test]
fn adams_settled_steps_are_minus_1_05_plus_0_76_and_plus_0_97_alpha_t() {
    // Rounds 301, 302, 303: slopes C, −1, −1.
    let steps: Vec<f64> = (301..=303)
        .map(|t| {
            let step = x_after(t, "adam", -1.0) - x_after(t - 1, "adam", -1.0);
            step / (0.1 / (t as f64).sqrt())
        })
        .collect();
    assert!(
        x_after(303, "adam", -1.0).abs() < 0.9,
        "still inside [−1, 1]"
    );
    assert_eq!(
        steps.iter().map(|s| round(*s, 2)).collect::<Vec<_>>(),
        [-1.05, 0.76, 0.97]
    );
    // The v of the three-round cycle: step = −g/√v.
    let v: Vec<f64> = [3.0, -1.0, -1.0]
        .iter()
        .zip(&steps)
        .map(|(g, s)| (g / s).powi(2))
        .collect();
    assert_eq!(
        [round(v[0], 1), round(v[1], 1), round(v[2], 2)],
        [8.2, 1.7, 1.07]
    );
    // The slopes of a block add up to +1, the steps to +0.68 α_t.
    assert_eq!(round(steps.iter().sum::<f64>(), 2), 0.68);
    // AMSGrad keeps C² in its denominator: its −1 rounds move about 1/C as
    // far as its C round.
    let amsgrad: Vec<f64> = (301..=303)
        .map(|t| (x_after(t, "amsgrad", 1.0) - x_after(t - 1, "amsgrad", 1.0)) * (t as f64).sqrt())
        .collect();
    assert!(
        x_after(303, "amsgrad", 1.0).abs() < 0.9,
        "still inside [−1, 1]"
    );
    assert!(amsgrad[0] < 0.0 && amsgrad[1] > 0.0);
    assert_eq!(round(amsgrad[1] / -amsgrad[0], 2), round(1.0 / 3.0, 2));
    assert!(amsgrad.iter().sum::<f64>() < 0.0, "AMSGrad drifts left");
}

#[test]
fn with_torch_default_betas_adam_finds_minus_one() {
    let link = lesson().try_link("Give Adam torch's default betas");
    let export = run_to_end("online-convex", &link);
    assert_eq!(
        [&export["beta1"], &export["beta2"]].map(number),
        [0.9, 0.999]
    );
    let (x, regret) = end(&export, "adam");
    assert_eq!((round(x, 3), round(regret, 4)), (-1.0, 0.0023));
    let (_, amsgrad_regret) = end(&export, "amsgrad");
    assert_eq!(round(amsgrad_regret, 4), 0.0023, "as good as AMSGrad");
}

#[test]
fn with_c_10_adam_again_ends_at_plus_one_paying_about_5_33() {
    let export = run_to_end(
        "online-convex",
        &lesson().try_link("Make the large gradient larger, $C = 10$"),
    );
    assert_eq!(number(&export["beta2"]), 1.0 / 101.0);
    let (x, regret) = end(&export, "adam");
    assert_eq!((x, round(regret, 2)), (1.0, 5.32));
    assert_eq!(round((10.0 - 2.0) * 2.0 / 3.0, 2), 5.33);
    for optimizer in ["amsgrad", "sgd"] {
        assert!(end(&export, optimizer).0 < -0.99, "{optimizer}");
    }
}

#[test]
fn question_1_with_momentum_adam_steps_left_every_round_and_ends_at_minus_one() {
    let link = lesson().answer_link(1);
    let export = run_to_end("online-convex", &link);
    assert_eq!([&export["beta1"], &export["beta2"]].map(number), [0.9, 0.1]);
    let (x, regret) = end(&export, "adam");
    assert_eq!((x, round(regret, 4)), (-1.0, 0.0016));
    // Every round, one at a time: Adam's x never moves right, and moves
    // left until it reaches −1.
    let entry = sgdlab_web::registry::entry("online-convex").unwrap();
    let (mut widget, errors) = (entry.open)(&link);
    assert!(errors.is_empty());
    let mut previous = 0.0;
    for t in 1..=30_000 {
        widget.step(1);
        let x = number(&widget.status()["runs"][0]["x"]);
        assert!(
            x < previous || (x == -1.0 && previous == -1.0),
            "round {t}: {previous} → {x}"
        );
        previous = x;
    }
}

#[test]
fn the_synthetic_problem_adam_at_plus_one_amsgrad_still_moving_left() {
    let export = run_to_end(
        "online-convex",
        &lesson().try_link("Run the synthetic problem"),
    );
    assert_eq!(export["problem"], "synthetic");
    assert_eq!(export["steps"], 1_000_000);
    assert_eq!(
        [&export["beta1"], &export["beta2"]].map(number),
        [0.9, 0.99]
    );
    assert_eq!(number(&export["best_point"]), -1.0);
    assert_eq!(end(&export, "adam").0, 1.0);
    assert_eq!(round(end(&export, "sgd").0, 2), -0.90);
    let amsgrad = end(&export, "amsgrad").0;
    assert_eq!(round(amsgrad, 2), -0.39);
    let halfway = run("online-convex", "problem=synthetic", 500_000);
    assert!(end(&halfway, "amsgrad").0 > amsgrad, "still moving left");
    let fast = run_to_end("online-convex", &lesson().try_link("With $\\alpha = 0.5$"));
    assert_eq!(round(end(&fast, "amsgrad").0, 3), -0.997);
    assert_eq!(end(&fast, "adam").0, 1.0);
}

#[test]
fn question_2_for_c_5_adam_pays_about_2_per_round() {
    let export = run_to_end("online-convex", &lesson().answer_link(2));
    assert_eq!(number(&export["c"]), 5.0);
    let (x, regret) = end(&export, "adam");
    assert_eq!((x, round(regret, 2)), (1.0, 1.99));
}

#[test]
fn every_optimizer_fits_but_only_sgd_generalises() {
    let link = lesson().widget_link("gap");
    let export = run("generalisation", &link, 1000);
    assert_eq!(
        (export["samples"].as_u64(), number(&export["p"])),
        (Some(40), 0.7)
    );
    let share = number(&export["negative_share"]);
    assert_eq!(share, 0.269);
    for run in export["runs"].as_array().unwrap() {
        assert!(number(&run["train_loss"]) < 1e-6, "{run}");
    }
    let lr: Vec<f64> = export["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| number(&r["lr"]))
        .collect();
    assert_eq!(lr, [0.5, 0.01, 0.1, 0.001]);
    let sgd = racer(&export, "sgd");
    assert_eq!(number(&sgd["test_error"]), 0.0);
    let weights: Vec<f64> = sgd["shared_weights"]
        .as_array()
        .unwrap()
        .iter()
        .map(number)
        .collect();
    assert_eq!(
        weights.iter().map(|w| round(*w, 2)).collect::<Vec<_>>(),
        [0.90, 0.04, 0.04]
    );
    assert_eq!(round(weights[1] + weights[2], 2), 0.09);
    for name in ["adam", "adagrad", "rmsprop"] {
        let run = racer(&export, name);
        assert_eq!(number(&run["test_error"]), share, "{name}");
        for w in run["shared_weights"].as_array().unwrap() {
            assert_eq!(round(number(w), 4), 0.25, "{name}");
        }
    }
    // The errors are decided at the first step.
    let first = run("generalisation", &link, 1);
    assert_eq!(number(&racer(&first, "sgd")["test_error"]), 0.0);
    for name in ["adam", "adagrad", "rmsprop"] {
        assert_eq!(number(&racer(&first, name)["test_error"]), share, "{name}");
    }
}

#[test]
fn the_adaptive_iterates_stay_on_the_line_of_sign_xty() {
    let config = GeneralisationConfig::decode(
        &lesson().widget_link("gap"),
        &GeneralisationConfig::default(),
    )
    .0;
    let mut run = Generalisation::new(&config).unwrap();
    let data = run.data().clone();
    let labels = data.train_labels().to_vec();
    // s = sign(Xᵀy): (1, 1, 1) on the shared features (the positives are
    // the majority), yᵢ on example i's private block.
    let positives = labels.iter().filter(|&&y| y > 0.0).count();
    assert!(2 * positives > labels.len());
    let mut s = vec![1.0; data.columns()];
    for (i, &y) in labels.iter().enumerate() {
        for j in data.private_block(i) {
            s[j] = y;
        }
    }
    // X s = 4y: a positive example sums 1 + 1 + 1 + 1, a negative one −1 + 1 + 1 − 5.
    let x = data.dense_features();
    for (i, &y) in labels.iter().enumerate() {
        let row = &x[i * data.columns()..(i + 1) * data.columns()];
        let xs: f64 = row.iter().zip(&s).map(|(a, b)| a * b).sum();
        assert_eq!(xs, 4.0 * y);
    }
    // Adam, Adagrad and RMSprop: every iterate is λ·s, up to the ε in their
    // denominators (a relative 10⁻⁵ at most here).
    for steps in [10, 1000] {
        run.step(steps - run.steps_taken());
        for racer in &run.racers()[1..] {
            let w = racer.weights();
            let lambda = w[0];
            let off_line = w
                .iter()
                .zip(&s)
                .map(|(wj, sj)| (wj - lambda * sj).abs())
                .fold(0.0, f64::max);
            assert!(
                off_line < 1e-5 * lambda.abs(),
                "{:?} at {steps}: {off_line:e}",
                racer.method()
            );
            if steps == 1000 {
                assert_eq!(round(lambda, 6), 0.25, "the fit is at λ = 1/4");
            }
        }
    }
}

#[test]
fn another_data_set_the_adaptive_error_is_its_share_of_negatives() {
    let export = run(
        "generalisation",
        &lesson().try_link("Draw another data set"),
        1000,
    );
    assert_eq!(
        (export["samples"].as_u64(), export["test_samples"].as_u64()),
        (Some(100), Some(500))
    );
    let share = number(&export["negative_share"]);
    assert_eq!(share, 0.378);
    assert_eq!(number(&racer(&export, "sgd")["test_error"]), 0.0);
    for name in ["adam", "adagrad", "rmsprop"] {
        assert_eq!(number(&racer(&export, name)["test_error"]), share);
    }
}

#[test]
fn question_3_a_negative_point_scores_minus_0_81_with_sgd_and_0_25_with_adam() {
    let link = lesson().answer_link(3);
    assert_eq!(link, lesson().widget_link("gap"));
    let export = run("generalisation", &link, 1000);
    let score = |name: &str| {
        let w: Vec<f64> = racer(&export, name)["shared_weights"]
            .as_array()
            .unwrap()
            .iter()
            .map(number)
            .collect();
        -w[0] + w[1] + w[2]
    };
    assert_eq!(round(score("sgd"), 2), -0.81);
    assert_eq!(round(score("adam"), 2), 0.25);
}

/// One landscape racer from the JSON export.
struct Path {
    switch_step: Option<u64>,
    points: Vec<[f64; 3]>,
}

fn landscape(link: &str, steps: u64) -> Vec<Path> {
    run("landscape", link, steps)["racers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| Path {
            switch_step: r["switch_step"].as_u64(),
            points: racer_points(r),
        })
        .collect()
}

#[test]
fn swats_is_adam_to_the_bit_until_step_43_then_sgd_at_the_rate_it_estimated() {
    let link = lesson().widget_link("swats");
    let paths = landscape(&link, 1000);
    let (adam, swats) = (&paths[0], &paths[1]);
    assert_eq!((adam.switch_step, swats.switch_step), (None, Some(43)));
    assert_eq!(adam.points[..=43], swats.points[..=43]);
    assert_ne!(adam.points[44], swats.points[44]);
    // The rule of the lesson, recomputed from the path: γ_k, λ_k and the
    // switch test at ε = 10⁻⁶, first passed at k = 43.
    let surface = surface(&link);
    let (beta1, beta2, tolerance) = (0.9, 0.999, 1e-6);
    let mut lambda = 0.0;
    let mut switch = None;
    for k in 1..=60 {
        let [x0, y0, _] = swats.points[k - 1];
        let [x1, y1, _] = swats.points[k];
        let g = surface.gradient(x0, y0);
        let p = [x1 - x0, y1 - y0];
        let gamma = (p[0] * p[0] + p[1] * p[1]) / -(p[0] * g[0] + p[1] * g[1]);
        lambda = beta2 * lambda + (1.0 - beta2) * gamma;
        let corrected = lambda / (1.0 - beta2.powi(k as i32));
        if k > 1 && (corrected - gamma).abs() < tolerance {
            switch = Some((k, corrected));
            break;
        }
    }
    let (k, rate) = switch.expect("the test passes");
    assert_eq!(k, 43);
    assert_eq!(round(rate * 1e4, 1), 7.8);
    // Close to Adam's η over the gradient's length there, 7.1·10⁻⁴.
    let [x43, y43, _] = swats.points[43];
    let g43 = surface.gradient(x43, y43);
    let eta_over_g = 0.01 / g43[0].hypot(g43[1]);
    assert_eq!(round(eta_over_g * 1e4, 1), 7.1);
    assert!(
        (rate / eta_over_g - 1.0).abs() < 0.15,
        "{rate} vs {eta_over_g}"
    );
    // After the switch: v ← β₁v + g, θ ← θ − (1 − β₁)Λv.
    let mut v = [0.0, 0.0];
    for k in 44..200 {
        let [x0, y0, _] = swats.points[k - 1];
        let g = surface.gradient(x0, y0);
        v = [beta1 * v[0] + g[0], beta1 * v[1] + g[1]];
        let expected = [
            x0 - (1.0 - beta1) * rate * v[0],
            y0 - (1.0 - beta1) * rate * v[1],
        ];
        let [x1, y1, _] = swats.points[k];
        assert!(
            (x1 - expected[0]).abs() < 1e-12 && (y1 - expected[1]).abs() < 1e-12,
            "step {k}"
        );
    }
    // After 1000 steps Adam is at the bottom and SWATS is still on its way.
    assert!(adam.points[1000][2] < 1e-4);
    assert_eq!(round(swats.points[1000][2], 2), 0.47);
}

#[test]
fn a_loose_tolerance_switches_at_step_2_and_beale_switches_at_32() {
    let loose = landscape(&lesson().try_link("Loosen it to $10^{-5}$"), 100);
    assert_eq!(loose[1].switch_step, Some(2));
    let beale = landscape(&lesson().try_link("the switch comes at step 32"), 100);
    assert!(
        lesson()
            .try_link("the switch comes at step 32")
            .starts_with("s=beale")
    );
    assert_eq!(
        (beale[0].switch_step, beale[1].switch_step),
        (None, Some(32))
    );
}

#[test]
fn question_4_with_the_papers_tolerance_swats_never_switches() {
    let link = lesson().answer_link(4);
    assert!(link.contains("switch_tolerance:1e-9"));
    let paths = landscape(&link, 1000);
    assert_eq!(paths[1].switch_step, None);
    assert_eq!(
        paths[0].points, paths[1].points,
        "SWATS stays Adam all the way"
    );
}

#[test]
fn every_try_button_and_widget_of_the_lesson_is_checked_here() {
    let lesson = lesson();
    let views: Vec<&str> = lesson.widgets().iter().map(|w| w.view.as_str()).collect();
    assert_eq!(views, ["online-convex", "generalisation", "landscape"]);
    lesson.assert_contents(
        &["online", "gap", "swats"],
        &[
            "Give Adam torch's default betas",
            "Make the large gradient larger, $C = 10$",
            "With momentum",
            "Run the synthetic problem",
            "With $\\alpha = 0.5$",
            "With $C = 5$",
            "Draw another data set",
            "Back to the first data set",
            "Loosen it to $10^{-5}$",
            "the switch comes at step 32",
            "Nothing",
        ],
        4,
    );
}
