//! Every claim that lesson 12 (www/lessons/12-mode-connectivity.md) makes
//! about what its widgets show, checked by running the links written in the
//! lesson file itself through the widget registry. Change a link or a
//! number in the lesson and this fails.
//!
//! Each distinct link is run once per test binary and its export shared
//! between the tests that read it.

mod common;

use common::{LessonFile, decode, number, round, run_shared};
use serde_json::Value;
use sgdlab_core::mode_connectivity::config::MODE_CONNECTIVITY;
use sgdlab_core::mode_connectivity::{ModeConnectivityConfig, bezier_weights};

const VIEW: &str = "mode-connectivity";

fn lesson() -> LessonFile {
    LessonFile::of_view("12-mode-connectivity.md", VIEW)
}

/// The JSON export of a whole run of `link` (each link is run once).
fn export(link: &str) -> Value {
    let export = run_shared(VIEW, link, 1_000_000, link);
    assert_eq!(export["phase"], "done", "the run is complete");
    assert_eq!(export["stopped"], Value::Null);
    export
}

/// The figures the lesson quotes for one run.
struct Figures {
    endpoints: [f64; 2],
    accuracies: [f64; 2],
    test_losses: [f64; 2],
    line: Value,
    curve: Value,
    line_points: Vec<Value>,
    removed: f64,
}

fn figures(link: &str) -> Figures {
    let export = export(link);
    let endpoint = |k: usize, key: &str| export["endpoints"][k][key].as_f64().unwrap();
    Figures {
        endpoints: [endpoint(0, "train_loss"), endpoint(1, "train_loss")],
        accuracies: [endpoint(0, "train_acc"), endpoint(1, "train_acc")],
        test_losses: [endpoint(0, "test_loss"), endpoint(1, "test_loss")],
        line: export["line"].clone(),
        curve: export["curve"].clone(),
        line_points: export["line_points"].as_array().unwrap().clone(),
        removed: export["barrier_removed"].as_f64().unwrap(),
    }
}

#[test]
fn the_first_widget_is_the_default_two_16_unit_layers_on_320_moons() {
    let config = decode(&MODE_CONNECTIVITY, &lesson().widget_link("pair"));
    assert_eq!(config, ModeConnectivityConfig::default());
    assert_eq!(config.train_size(), 320);
    assert_eq!(config.samples - config.train_size(), 80);
    assert_eq!(config.mlp_spec().parameter_count(), 354);
}

#[test]
fn both_networks_fit_the_moons_equally_well() {
    let f = figures(&lesson().widget_link("pair"));
    assert_eq!(f.endpoints.map(|l| round(l, 3)), [0.014, 0.013]);
    assert_eq!(f.accuracies.map(|a| round(100.0 * a, 1)), [99.7, 99.4]);
    assert_eq!(f.test_losses.map(|l| round(l, 3)), [0.041, 0.047]);
}

#[test]
fn the_line_peaks_at_0_359_near_the_middle_26_times_the_endpoints() {
    let f = figures(&lesson().widget_link("pair"));
    let peak = number(&f.line["max_train_loss"]);
    assert_eq!(round(peak, 3), 0.359);
    assert_eq!(number(&f.line["t_at_max"]), 0.525);
    let average = 0.5 * (f.endpoints[0] + f.endpoints[1]);
    assert_eq!(round(peak / average, 0), 26.0);
    assert_eq!(round(100.0 * number(&f.line["min_train_acc"]), 0), 86.0);
    assert_eq!(round(number(&f.line["max_test_loss"]), 2), 0.40);
    assert_eq!(round(number(&f.line["barrier"]), 3), 0.345);
}

#[test]
fn question_1_the_midpoint_of_the_line_is_nearly_as_bad_as_its_peak() {
    let link = lesson().answer_link(1);
    assert_eq!(link, lesson().widget_link("pair"));
    let f = figures(&link);
    let middle = &f.line_points[f.line_points.len() / 2];
    assert_eq!(number(&middle["t"]), 0.5);
    assert_eq!(round(number(&middle["train_loss"]), 3), 0.350);
    assert!(number(&middle["train_loss"]) > 0.95 * number(&f.line["max_train_loss"]));
}

#[test]
fn the_curve_stays_below_0_022_and_removes_97_4_percent_of_the_barrier() {
    let f = figures(&lesson().widget_link("pair"));
    assert_eq!(round(number(&f.curve["max_train_loss"]), 3), 0.022);
    assert_eq!(round(number(&f.curve["barrier"]), 4), 0.0089);
    assert_eq!(round(100.0 * f.removed, 1), 97.4);
    assert!(number(&f.curve["min_train_acc"]) > 0.99);
    assert_eq!(round(number(&f.curve["max_test_loss"]), 3), 0.076);
    assert!(number(&f.curve["max_train_loss"]) < number(&f.line["max_train_loss"]));
}

#[test]
fn on_the_plane_the_line_crosses_a_ridge_and_the_curve_a_valley() {
    // Both paths lie in the plane through w₁, w₂ and θ, so the losses
    // measured along them are the plane's loss along the two paths.
    let export = export(&lesson().widget_link("pair"));
    let middle = |path: &str| {
        let points = export[path].as_array().unwrap();
        let point = &points[points.len() / 2];
        assert_eq!(number(&point["t"]), 0.5);
        number(&point["train_loss"])
    };
    assert!(middle("line_points") > 10.0 * middle("curve_points"));
    // At t = ½ the curve puts half its weight on the bend.
    assert_eq!(bezier_weights(0.5), [0.25, 0.5, 0.25]);
}

#[test]
fn fewer_bend_steps_remove_63_and_87_percent() {
    let hundred = figures(&lesson().try_link("Give it only 100 steps"));
    let three_hundred = figures(&lesson().try_link("300 steps"));
    assert_eq!(
        decode(
            &MODE_CONNECTIVITY,
            &lesson().try_link("Give it only 100 steps")
        )
        .bend_steps,
        100
    );
    assert_eq!(round(100.0 * hundred.removed, 0), 63.0);
    assert_eq!(round(100.0 * three_hundred.removed, 0), 87.0);
    // The endpoints do not depend on the bend.
    let full = figures(&lesson().widget_link("pair"));
    assert_eq!(hundred.endpoints, full.endpoints);
}

#[test]
fn question_2_after_one_bend_step_the_curve_is_almost_the_line() {
    let link = lesson().answer_link(2);
    assert_eq!(decode(&MODE_CONNECTIVITY, &link).bend_steps, 1);
    let f = figures(&link);
    assert_eq!(round(number(&f.curve["max_train_loss"]), 3), 0.344);
    assert_eq!(round(100.0 * f.removed, 0), 4.0);
}

#[test]
fn seed_2_peaks_at_0_69_and_the_curve_removes_99_2_percent() {
    let f = figures(&lesson().try_link("With seed 2"));
    assert_eq!(round(number(&f.line["max_train_loss"]), 2), 0.69);
    assert_eq!(round(100.0 * f.removed, 1), 99.2);
}

#[test]
fn on_the_spirals_the_curve_removes_82_percent() {
    let link = lesson().widget_link("spirals");
    assert_eq!(
        decode(&MODE_CONNECTIVITY, &link),
        ModeConnectivityConfig {
            dataset: sgdlab_core::data::DatasetKind::Spirals,
            ..ModeConnectivityConfig::default()
        }
    );
    let f = figures(&link);
    assert_eq!(f.endpoints.map(|l| round(l, 2)), [0.22, 0.22]);
    assert_eq!(f.accuracies.map(|a| round(100.0 * a, -1)), [90.0, 90.0]);
    assert_eq!(round(number(&f.line["barrier"]), 2), 0.84);
    assert_eq!(round(100.0 * f.removed, 0), 82.0);
    assert_eq!(round(number(&f.curve["barrier"]), 2), 0.15);
}

#[test]
fn question_3_four_hidden_units_keep_more_of_the_barrier() {
    let link = lesson().answer_link(3);
    assert_eq!(decode(&MODE_CONNECTIVITY, &link).hidden, [4]);
    let f = figures(&link);
    assert_eq!(
        (round(f.endpoints[0], 3), round(f.endpoints[1], 2)),
        (0.047, 0.10)
    );
    assert_eq!(round(100.0 * f.removed, 0), 83.0);
    assert!(f.removed < figures(&lesson().widget_link("pair")).removed);
}

#[test]
fn every_widget_and_try_button_of_the_lesson_is_checked_here() {
    let lesson = lesson();
    lesson.assert_contents(
        &["pair", "spirals"],
        &[
            "The line's loss",
            "Give it only 100 steps",
            "300 steps",
            "With one step",
            "With seed 2",
            "With 4 hidden units",
        ],
        3,
    );
}
