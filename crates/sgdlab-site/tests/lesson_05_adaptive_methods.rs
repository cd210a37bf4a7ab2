//! Every claim that lesson 5 (www/lessons/05-adaptive-methods.md) makes
//! about what its widgets show, checked by running the links written in the
//! lesson file itself.

mod common;

use common::{LessonFile, number, racer_points, round, steps_to};
use serde_json::Value;

fn lesson() -> LessonFile {
    LessonFile::open("05-adaptive-methods.md")
}

struct Racer {
    optimizer: String,
    config: Value,
    /// (x, y, loss) from step 0.
    points: Vec<[f64; 3]>,
}

impl Racer {
    /// The move of step k, (Δx, Δy).
    fn step(&self, k: usize) -> [f64; 2] {
        let (a, b) = (self.points[k - 1], self.points[k]);
        [b[0] - a[0], b[1] - a[1]]
    }

    fn first_below(&self, level: f64) -> Option<usize> {
        steps_to(&self.points, level)
    }
}

fn run(link: &str, steps: u64) -> Vec<Racer> {
    let export = common::run("landscape", link, steps);
    export["racers"]
        .as_array()
        .expect("racers")
        .iter()
        .map(|r| Racer {
            optimizer: r["optimizer"].as_str().unwrap().to_string(),
            config: r["config"].clone(),
            points: racer_points(r),
        })
        .collect()
}

/// The racer running `optimizer`.
fn racer<'a>(racers: &'a [Racer], optimizer: &str) -> &'a Racer {
    racers
        .iter()
        .find(|r| r.optimizer == optimizer)
        .unwrap_or_else(|| panic!("no {optimizer} racer"))
}

#[test]
fn the_cone_slope_has_length_1_and_points_along_minus_0_78_0_62() {
    let start = [-2.5f64, 2.0];
    let r = (0.01 + start[0] * start[0] + start[1] * start[1]).sqrt();
    let g = [start[0] / r, start[1] / r];
    assert_eq!([round(g[0], 2), round(g[1], 2)], [-0.78, 0.62]);
    assert_eq!(round(g[0].abs() / g[1].abs(), 2), 1.25);
    let racers = run(&lesson().widget_link("cone"), 0);
    let names: Vec<&str> = racers.iter().map(|r| r.optimizer.as_str()).collect();
    assert_eq!(
        names,
        ["adagrad", "rmsprop", "adam", "adadelta", "adamax", "nadam"]
    );
    for racer in &racers {
        let lr = number(&racer.config["lr"]);
        let expected = if racer.optimizer == "adadelta" {
            1.0
        } else {
            0.05
        };
        assert_eq!(lr, expected, "{}", racer.optimizer);
    }
}

#[test]
fn every_racer_on_the_cone_starts_diagonally_with_its_own_step_size() {
    let racers = run(&lesson().widget_link("cone"), 400);
    for racer in &racers {
        let [dx, dy] = racer.step(1);
        assert!(
            (dx + dy).abs() < 1e-4 * dx.abs(),
            "{}: ({dx}, {dy})",
            racer.optimizer
        );
        assert!(dx > 0.0);
    }
    let first = |name: &str| racer(&racers, name).step(1)[0];
    assert!((first("adam") - 0.05).abs() < 1e-9);
    assert!((first("adamax") - 0.05).abs() < 1e-9);
    assert!((first("adagrad") - 0.05).abs() < 1e-9);
    assert!((first("rmsprop") - 0.5).abs() < 1e-7);
    assert_eq!(round(first("adadelta"), 4), 0.0032);
    assert!((first("adadelta") - 1e-3 / 0.1f64.sqrt()).abs() < 1e-6);
    assert_eq!(round(first("nadam"), 4), 0.0528);
    // Adam and AdaMax keep η per coordinate, step after step.
    for name in ["adam", "adamax"] {
        for k in 2..=5 {
            assert_eq!(
                round(racer(&racers, name).step(k)[0], 3),
                0.05,
                "{name} step {k}"
            );
        }
    }
    // Adagrad slows as η/√t and has not reached the tip after 400 steps.
    let adagrad = racer(&racers, "adagrad");
    let per_coordinate: Vec<f64> = [2, 10, 100]
        .iter()
        .map(|&k| round(adagrad.step(k)[0], 3))
        .collect();
    assert_eq!(per_coordinate, [0.035, 0.016, 0.005]);
    assert_eq!(adagrad.first_below(0.2), None);
}

#[test]
fn question_1_adagrad_moves_0_005_per_coordinate_at_step_100() {
    let lesson = lesson();
    let question = &lesson.questions()[0];
    assert!(question.answer.contains("$0.005 = 0.05/\\sqrt{100}$"));
    let link = lesson.answer_link(1);
    assert_eq!(link, lesson.widget_link("cone"));
    let racers = run(&link, 100);
    let [dx, dy] = racer(&racers, "adagrad").step(100);
    assert_eq!(round(dx, 3), 0.005);
    assert!((dx - 0.05 / 10.0).abs() < 2e-4 && (dy + 0.05 / 10.0).abs() < 2e-4);
}

#[test]
fn in_the_ravine_adagrad_needs_81_adam_145_nadam_148_adamax_279_and_rmsprop_hops_after_463() {
    let link = lesson().try_link("Race the adaptive methods against it");
    assert!(link.contains("s=quadratic&p=a:18,b:0.18"));
    let racers = run(&link, 3000);
    let steps: Vec<(&str, Option<usize>)> = racers
        .iter()
        .map(|r| (r.optimizer.as_str(), r.first_below(1e-6)))
        .collect();
    assert_eq!(
        steps,
        [
            ("sgd", Some(372)),
            ("adagrad", Some(81)),
            ("rmsprop", Some(463)),
            ("adam", Some(145)),
            ("nadam", Some(148)),
            ("adamax", Some(279)),
        ]
    );
    assert_eq!(number(&racer(&racers, "adagrad").config["lr"]), 0.5);
    let rmsprop = racer(&racers, "rmsprop");
    assert_eq!(number(&rmsprop.config["lr"]), 0.01);
    let late: Vec<f64> = rmsprop.points[2000..].iter().map(|p| p[2]).collect();
    let (low, high) = late.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), &l| {
        (lo.min(l), hi.max(l))
    });
    assert!(low > 1e-6 && low < 3e-6, "{low}");
    assert!(high > 3e-3 && high < 4e-3, "{high}");
    // Its steps stay about η in each coordinate near the bottom.
    let mean: f64 = (2901..=3000)
        .map(|k| {
            let [dx, dy] = rmsprop.step(k);
            dx.hypot(dy)
        })
        .sum::<f64>()
        / 100.0;
    assert!(mean > 0.01 && mean < 0.015, "{mean}");
}

#[test]
fn the_uncorrected_first_step_is_3_16_eta_and_reaches_6_6_eta_by_step_12() {
    let eta = 0.01f64;
    let racers = run(&lesson().widget_link("bias"), 100);
    let (corrected, raw) = (&racers[0], &racers[1]);
    assert_eq!(corrected.config["bias_correction"], true);
    assert_eq!(raw.config["bias_correction"], false);
    // The formula: η(1 − β₁)g / (√((1 − β₂)g²) + ε) for each coordinate.
    let g = [-2.5f64, 2.0].map(|v| v / (0.01f64 + 6.25 + 4.0).sqrt());
    for (gradient, moved) in g.into_iter().zip(raw.step(1)) {
        let formula = eta * 0.1 * gradient / ((0.001 * gradient * gradient).sqrt() + 1e-8);
        assert!((-moved - formula).abs() < 1e-15);
    }
    assert_eq!(round(raw.step(1)[0], 4), 0.0316);
    assert_eq!(round(0.1 / 0.001f64.sqrt(), 2), 3.16);
    for k in 1..=12 {
        assert!((corrected.step(k)[0] - eta).abs() < 2e-5, "step {k}");
    }
    assert_eq!(round(raw.step(12)[0], 3), 0.066);
    assert!(raw.step(12)[0] > 6.0 * eta);
    assert_eq!(raw.first_below(0.2), Some(40));
    assert_eq!(corrected.first_below(0.2), None);
}

#[test]
fn question_2_with_beta2_0_99_the_first_uncorrected_step_is_exactly_eta() {
    let lesson = lesson();
    let link = lesson.answer_link(2);
    let racers = run(&link, 2);
    assert_eq!(number(&racers[1].config["beta2"]), 0.99);
    assert_eq!(racers[1].config["bias_correction"], false);
    let [dx, dy] = racers[1].step(1);
    assert!((dx - 0.01).abs() < 1e-8 && (dy + 0.01).abs() < 1e-8);
    // Not on the next one.
    assert!((racers[1].step(2)[0] - 0.01).abs() > 1e-3);
}

#[test]
fn question_3_rmsprop_has_no_correction_its_first_step_is_10_eta() {
    let lesson = lesson();
    let link = lesson.answer_link(3);
    let racers = run(&link, 1);
    let rmsprop = racer(&racers, "rmsprop");
    assert_eq!(number(&rmsprop.config["alpha"]), 0.99);
    assert!((rmsprop.step(1)[0] - 0.05 / (1.0f64 - 0.99).sqrt()).abs() < 1e-7);
    assert!((racer(&racers, "adam").step(1)[0] - 0.05).abs() < 1e-9);
}

#[test]
fn every_try_button_and_widget_of_the_lesson_is_checked_here() {
    let lesson = lesson();
    lesson.assert_contents(
        &["cone", "bias"],
        &[
            "Run the cone again",
            "Race the adaptive methods against it",
            "Try it",
            "Watch the first steps",
        ],
        3,
    );
}
