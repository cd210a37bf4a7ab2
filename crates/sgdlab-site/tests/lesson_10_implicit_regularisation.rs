//! Every claim that lesson 10 (www/lessons/10-implicit-regularisation.md)
//! makes about what its widgets show, checked by running the links written
//! in the lesson file itself through the widget registry. Change a link or
//! a number in the lesson and this fails.

mod common;

use common::{LessonFile, decode, round};
use serde_json::Value;
use sgdlab_core::implicit_reg::config::IMPLICIT_REG;
use sgdlab_core::implicit_reg::{ImplicitReg, ImplicitRegConfig};

const VIEW: &str = "implicit-reg";

fn lesson() -> LessonFile {
    LessonFile::of_view("10-implicit-regularisation.md", VIEW)
}

/// The figures of a whole run of `link`, from the widget's JSON export.
struct Gaps {
    plain: f64,
    modified: f64,
    standard_error: f64,
    replicas: u64,
}

impl Gaps {
    fn ratio(&self) -> f64 {
        self.plain / self.modified
    }
}

fn run(link: &str) -> Gaps {
    let export = common::run(VIEW, link, 1_000_000);
    let number = |key: &str| {
        export[key]
            .as_f64()
            .unwrap_or_else(|| panic!("{key} in {export}"))
    };
    assert_eq!(
        export["steps"], export["total_steps"],
        "the run is complete"
    );
    assert_eq!(export["stopped"], Value::Null);
    Gaps {
        plain: number("gap_plain"),
        modified: number("gap_modified"),
        standard_error: number("mean_standard_error"),
        replicas: export["replicas"].as_u64().unwrap(),
    }
}

/// The engine on the same link, for what the export does not carry.
fn engine(link: &str) -> ImplicitReg {
    let mut run = ImplicitReg::new(&decode(&IMPLICIT_REG, link)).unwrap();
    run.step(run.total_steps());
    run
}

fn distance(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

#[test]
fn the_first_widget_is_the_default_run_with_the_plain_loss_on_the_map() {
    let link = lesson().widget_link("mean");
    let (config, _) = ImplicitRegConfig::decode(&link, &ImplicitRegConfig::default());
    assert_eq!(
        config,
        ImplicitRegConfig {
            map: sgdlab_core::implicit_reg::Quantity::Loss,
            ..ImplicitRegConfig::default()
        }
    );
    assert_eq!((config.samples, config.batch_size, config.lr), (16, 1, 0.2));
    assert_eq!(config.total_steps() as f64 * config.lr, 12.8);
}

#[test]
fn the_mean_stays_3_1_times_closer_to_the_modified_flow() {
    let gaps = run(&lesson().widget_link("mean"));
    assert_eq!(gaps.replicas, 1000);
    assert_eq!(round(gaps.plain, 3), 0.072);
    assert_eq!(round(gaps.modified, 3), 0.023);
    assert_eq!(round(gaps.ratio(), 1), 3.1);
    assert_eq!(round(gaps.standard_error, 4), 0.0055);
    assert!(
        gaps.modified > 4.0 * gaps.standard_error,
        "both gaps are real"
    );
}

#[test]
fn at_every_epoch_end_the_mean_is_nearer_the_modified_flow() {
    let run = engine(&lesson().widget_link("mean"));
    assert_eq!(run.checkpoints().len(), 4);
    for checkpoint in run.checkpoints() {
        assert!(
            checkpoint.distance_modified < checkpoint.distance_plain,
            "epoch {}",
            checkpoint.epoch
        );
    }
}

#[test]
fn the_flows_part_by_at_most_0_17_two_percent_of_the_map_and_end_0_049_apart() {
    let run = engine(&lesson().widget_link("mean"));
    let separations: Vec<f64> = run
        .plain_flow_path()
        .iter()
        .zip(run.modified_flow_path())
        .map(|(&a, &b)| distance(a, b))
        .collect();
    let widest = separations.iter().copied().fold(0.0, f64::max);
    assert_eq!(round(widest, 2), 0.17);
    let view = run.view_box();
    assert_eq!(round(100.0 * widest / (view.x_max - view.x_min), 0), 2.0);
    assert_eq!(round(*separations.last().unwrap(), 3), 0.049);
}

#[test]
fn the_regulariser_is_the_mean_squared_example_gradient_lowest_near_the_minimum() {
    let link = lesson().widget_link("regulariser");
    assert!(link.contains("map=difference"));
    let run = engine(&link);
    let loss = run.modified_loss();
    let minimum = run.minimum().unwrap();
    let at_minimum = loss.terms(minimum);
    // At the minimum only the noise term (η/4)·c(B)·σ² is left, c(1) = 1.
    assert_eq!(loss.noise_factor(), 1.0);
    assert!(at_minimum.gradient_norm2 < 1e-20);
    assert_eq!(round(at_minimum.modified - at_minimum.loss, 4), 0.0122);
    // With B = 1 both terms add up to (η/4)·(1/n)·Σ‖gᵢ‖².
    let model = run.model();
    for w in [[0.0, 0.0], [-1.0, 2.0], minimum] {
        let mean_square = (0..model.examples())
            .map(|i| {
                let g = model.batch_gradient(w, &[i]);
                g[0] * g[0] + g[1] * g[1]
            })
            .sum::<f64>()
            / model.examples() as f64;
        let terms = loss.terms(w);
        let regulariser = terms.modified - terms.loss;
        assert!((regulariser - 0.2 / 4.0 * mean_square).abs() < 1e-12 * mean_square);
    }
    // Its lowest point on the map sits near the minimum of L, and it rises
    // away from it towards every edge.
    let view = run.view_box();
    let side = 81;
    let grid = loss.grid(
        sgdlab_core::implicit_reg::Quantity::Difference,
        &view,
        side,
        side,
    );
    let lowest = (0..grid.len())
        .min_by(|&a, &b| grid[a].total_cmp(&grid[b]))
        .unwrap();
    let at = |k: usize| {
        let (row, col) = (k / side, k % side);
        [
            view.x_min + (col as f64 + 0.5) / side as f64 * (view.x_max - view.x_min),
            view.y_max - (row as f64 + 0.5) / side as f64 * (view.y_max - view.y_min),
        ]
    };
    let width = view.x_max - view.x_min;
    assert!(distance(at(lowest), minimum) < 0.1 * width);
    let corners = [0, side - 1, side * (side - 1), side * side - 1];
    for corner in corners {
        assert!(grid[corner] > 5.0 * grid[lowest]);
    }
}

#[test]
fn batches_of_4_make_the_regulariser_5_times_smaller_and_the_mean_11_times_closer() {
    let link = lesson().try_link("Use batches of 4");
    let run = engine(&link);
    assert_eq!(run.config().batch_size, 4);
    assert_eq!(run.total_steps() as f64 * run.config().lr, 12.8);
    assert_eq!(round(run.modified_loss().noise_factor(), 12), 0.2);
    let at_minimum = run.modified_loss().terms(run.minimum().unwrap());
    assert_eq!(round(at_minimum.modified - at_minimum.loss, 4), 0.0024);
    let gaps = self::run(&link);
    assert_eq!(
        (round(gaps.plain, 3), round(gaps.modified, 4)),
        (0.052, 0.0047)
    );
    assert_eq!(round(gaps.ratio(), 0), 11.0);
}

#[test]
fn question_1_full_batch_descent_follows_the_modified_flow_ten_times_closer() {
    let link = lesson().answer_link(1);
    assert_eq!(link, lesson().try_link("64 full-batch steps"));
    let run = engine(&link);
    assert_eq!(run.modified_loss().noise_factor(), 0.0);
    assert_eq!(run.total_steps() as f64 * run.config().lr, 12.8);
    // Every replica takes the same steps.
    let first = run.replica_positions()[0];
    assert!(run.replica_positions().iter().all(|&w| w == first));
    let gaps = self::run(&link);
    assert!(gaps.standard_error < 1e-12, "rounding only");
    assert_eq!(
        (round(gaps.plain, 3), round(gaps.modified, 3)),
        (0.039, 0.004)
    );
    assert_eq!(round(gaps.ratio(), 0), 10.0);
}

#[test]
fn question_2_halving_eta_shrinks_the_gaps_1_5_and_3_1_fold() {
    let before = run(&lesson().widget_link("mean"));
    let link = lesson().answer_link(2);
    assert_eq!(link, lesson().try_link("Halve the learning rate"));
    let engine = engine(&link);
    assert_eq!(engine.config().lr, 0.1);
    assert_eq!(engine.total_steps() as f64 * engine.config().lr, 12.8);
    let after = run(&link);
    assert_eq!(round(after.plain, 3), 0.048);
    assert_eq!(round(after.modified, 4), 0.0075);
    assert_eq!(round(before.plain / after.plain, 1), 1.5);
    assert_eq!(round(before.modified / after.modified, 1), 3.1);
    assert_eq!(round(after.ratio(), 1), 6.4);
    assert_eq!(round(after.standard_error, 4), 0.0025);
    assert!(after.modified < before.modified && after.plain < before.plain);
}

#[test]
fn a_hundred_replicas_triple_the_standard_error() {
    let few = run(&lesson().try_link("100 replicas"));
    let many = run(&lesson().widget_link("mean"));
    assert_eq!(few.replicas, 100);
    assert_eq!(round(few.standard_error, 3), 0.018);
    assert_eq!(round(few.standard_error / many.standard_error, 1), 3.2);
    assert_eq!(round(few.modified, 3), 0.034);
    assert!(few.modified < 2.0 * few.standard_error, "mostly noise");
}

#[test]
fn too_far_the_standard_error_is_as_large_as_either_gap() {
    let gaps = run(&lesson().try_link("Push it too far"));
    assert_eq!(
        (round(gaps.plain, 3), round(gaps.modified, 3)),
        (0.055, 0.042)
    );
    assert_eq!(round(gaps.standard_error, 3), 0.040);
    assert!(gaps.standard_error > 0.7 * gaps.plain);
}

#[test]
fn the_logistic_model_puts_the_mean_5_9_times_closer() {
    let gaps = run(&lesson().try_link("the logistic model"));
    assert_eq!(round(gaps.ratio(), 1), 5.9);
}

#[test]
fn question_3_without_label_noise_the_mean_is_still_3_4_times_closer() {
    let link = lesson().answer_link(3);
    let gaps = run(&link);
    assert_eq!(
        (round(gaps.plain, 3), round(gaps.modified, 3)),
        (0.073, 0.022)
    );
    assert_eq!(round(gaps.ratio(), 1), 3.4);
    // At the minimum every residual is zero, and so is the regulariser.
    let run = engine(&link);
    let at_minimum = run.modified_loss().terms(run.minimum().unwrap());
    assert!(at_minimum.modified - at_minimum.loss < 1e-20);
}

#[test]
fn every_widget_and_try_button_of_the_lesson_is_checked_here() {
    let lesson = lesson();
    lesson.assert_contents(
        &["mean", "regulariser"],
        &[
            "Use batches of 4",
            "64 full-batch steps",
            "Halve the learning rate",
            "100 replicas",
            "Push it too far",
            "the logistic model",
            "Set the noise to 0",
        ],
        3,
    );
}
