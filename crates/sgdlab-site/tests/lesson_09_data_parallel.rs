//! Every claim that lesson 9 (www/lessons/09-data-parallel.md) makes about
//! what its widgets show, checked by running the links written in the
//! lesson file itself. Change a link or a number in the lesson and this
//! fails.

mod common;

use common::{LessonFile, number, round, run, run_to_end};
use serde_json::Value;

fn lesson() -> LessonFile {
    LessonFile::open("09-data-parallel.md")
}

/// The model's speed-up with `workers` workers.
fn speedup(export: &Value, workers: usize) -> f64 {
    let point = &export["speedup"][workers - 1];
    assert_eq!(point["workers"], workers);
    number(&point["speedup"])
}

#[test]
fn four_workers_of_16_equal_one_of_64_up_to_one_float_step() {
    let export = run_to_end("data-parallel", &lesson().widget_link("equal"));
    assert_eq!(
        (
            &export["workers"],
            &export["batch_size"],
            &export["global_batch"]
        ),
        (&Value::from(4), &Value::from(16), &Value::from(64))
    );
    assert_eq!(export["shared_seed"], true);
    assert_eq!(export["reduce"], "mean");
    assert_eq!(number(&export["lr"]), 0.1);
    assert_eq!(export["steps"], 80, "10 epochs of 512/64 steps");
    let diff = number(&export["max_abs_diff"]);
    assert_eq!(diff, 2f64.powi(-23));
    assert_eq!(round(diff * 1e7, 1), 1.2);
    assert_eq!(round(number(&export["parameter_scale"]), 2), 1.91);
    let (workers, single) = (
        number(&export["workers_loss"]),
        number(&export["single_loss"]),
    );
    assert_eq!((round(workers, 6), round(single, 6)), (0.184567, 0.184567));
}

#[test]
fn one_worker_is_exact_and_sixteen_are_still_one_float_step() {
    let one = run_to_end("data-parallel", &lesson().try_link("With one worker of 64"));
    assert_eq!(
        (one["workers"].as_u64(), one["global_batch"].as_u64()),
        (Some(1), Some(64))
    );
    assert_eq!(number(&one["max_abs_diff"]), 0.0);
    let sixteen = run_to_end("data-parallel", &lesson().try_link("with 16 workers of 4"));
    assert_eq!(sixteen["workers"], 16);
    assert_eq!(number(&sixteen["max_abs_diff"]), 2f64.powi(-23));
}

#[test]
fn question_1_the_button_shows_the_same_order_of_sums_agrees_to_the_bit() {
    let link = lesson().answer_link(1);
    assert_eq!(link, lesson().try_link("With one worker of 64"));
    let export = run_to_end("data-parallel", &link);
    assert_eq!(number(&export["max_abs_diff"]), 0.0);
    assert_eq!(export["workers_loss"], export["single_loss"]);
}

#[test]
fn a_seed_per_worker_drifts_to_a_tenth_of_the_weights_and_still_trains() {
    let export = run_to_end("data-parallel", &lesson().widget_link("pitfalls"));
    assert_eq!(export["shared_seed"], false);
    assert_eq!(export["steps"], 400);
    let diff = number(&export["max_abs_diff"]);
    let scale = number(&export["parameter_scale"]);
    assert_eq!((round(diff, 2), round(scale, 2)), (0.24, 2.26));
    assert_eq!(round(diff / scale, 1), 0.1);
    assert_eq!(
        (
            round(number(&export["workers_loss"]), 4),
            round(number(&export["single_loss"]), 4)
        ),
        (0.0565, 0.0545)
    );
    // With the seed shared, the same 50 epochs stay at rounding level.
    let shared = run_to_end(
        "data-parallel",
        &lesson()
            .widget_link("pitfalls")
            .replace("&shared_seed=0", ""),
    );
    assert!(number(&shared["max_abs_diff"]) < 1e-6);
}

#[test]
fn summing_four_gradients_is_the_averaged_run_at_four_times_the_rate() {
    let link = lesson().try_link("Sum the four gradients");
    let summed = run_to_end("data-parallel", &link);
    assert_eq!(summed["reduce"], "sum");
    assert_eq!(round(number(&summed["max_abs_diff"]), 2), 0.37);
    let loss = number(&summed["workers_loss"]);
    assert_eq!(round(loss, 4), 0.0690);
    let averaged = run_to_end(
        "data-parallel",
        &link.replace("&reduce=sum", "").replace("lr=0.1", "lr=0.4"),
    );
    assert_eq!(averaged["reduce"], "mean");
    assert_eq!(number(&averaged["workers_loss"]), loss, "to every digit");
    // "With four workers it even trains faster."
    let reference = number(&summed["single_loss"]);
    assert!(loss < reference, "{loss} vs {reference}");
}

#[test]
fn question_2_sixteen_summed_workers_at_0_5_fall_apart() {
    let export = run_to_end("data-parallel", &lesson().answer_link(2));
    assert_eq!(
        (export["workers"].as_u64(), export["batch_size"].as_u64()),
        (Some(16), Some(4))
    );
    assert_eq!(
        (number(&export["lr"]), export["reduce"].as_str()),
        (0.5, Some("sum"))
    );
    assert_eq!(round(number(&export["max_abs_diff"]), -2), 300.0);
    assert_eq!(round(number(&export["workers_loss"]), 2), 2.62);
    assert_eq!(round(number(&export["single_loss"]), 3), 0.058);
}

#[test]
fn question_3_summing_at_a_quarter_of_the_rate_is_the_averaged_run_to_the_bit() {
    let link = lesson().answer_link(3);
    let rescaled = run_to_end("data-parallel", &link);
    assert_eq!(
        (number(&rescaled["lr"]), rescaled["reduce"].as_str()),
        (0.025, Some("sum"))
    );
    let averaged = run_to_end("data-parallel", &lesson().widget_link("equal"));
    assert_eq!(rescaled["workers_loss"], averaged["workers_loss"]);
    assert_eq!(round(number(&rescaled["workers_loss"]), 6), 0.184567);
    // The reference run now uses 0.025 with its batch of 64: they differ.
    assert!(number(&rescaled["max_abs_diff"]) > 0.1);
}

#[test]
fn the_clock_four_workers_give_2_59_and_twelve_are_fastest() {
    let link = lesson().widget_link("clock");
    let export = run("data-parallel", &link, 0);
    let series = export["speedup"].as_array().unwrap();
    assert_eq!(series.len(), 16);
    assert_eq!(number(&series[0]["step_ms"]), 6.4);
    assert_eq!(round(number(&series[3]["step_ms"]), 2), 2.47);
    assert_eq!(round(speedup(&export, 4), 2), 2.59);
    let best = series
        .iter()
        .max_by(|a, b| number(&a["speedup"]).total_cmp(&number(&b["speedup"])))
        .unwrap();
    assert_eq!(best["workers"], 12);
    assert_eq!(round(number(&best["speedup"]), 2), 3.39);
    assert_eq!(round(speedup(&export, 16), 2), 3.30);
    // M* = √((cG − 2a)/(2ℓ)) = √135 ≈ 11.6.
    let m_star = ((0.1_f64 * 64.0 - 2.0 * 0.5) / (2.0 * 0.02)).sqrt();
    assert_eq!((round(m_star * m_star, 6), round(m_star, 1)), (135.0, 11.6));
    // The lesson's clock shows the speed-up chart only.
    let entry = sgdlab_web::registry::entry("data-parallel").unwrap();
    let (widget, _) = (entry.open)(&link);
    let shown: Vec<&str> = widget
        .layout()
        .plots
        .iter()
        .filter(|p| !p.hidden)
        .map(|p| p.name)
        .collect();
    assert_eq!(shown, ["speedup"]);
}

#[test]
fn a_global_batch_of_512_gives_6_78_with_eight_workers_and_10_8_with_sixteen() {
    let export = run(
        "data-parallel",
        &lesson().try_link("Make the global batch 512"),
        0,
    );
    assert_eq!(export["global_batch"], 512);
    assert_eq!(round(speedup(&export, 8), 2), 6.78);
    assert_eq!(round(speedup(&export, 16), 1), 10.8);
}

#[test]
fn free_communication_gives_a_speedup_of_exactly_m() {
    let export = run(
        "data-parallel",
        &lesson().try_link("Make communication free"),
        0,
    );
    for m in 1..=16 {
        // Exactly M, up to the rounding of c·G/M.
        assert_eq!(round(speedup(&export, m), 12), m as f64);
    }
}

#[test]
fn question_4_a_second_worker_on_a_batch_of_10_is_slower() {
    let export = run("data-parallel", &lesson().answer_link(4), 0);
    assert_eq!(export["global_batch"], 10);
    let series = &export["speedup"];
    assert_eq!(number(&series[0]["step_ms"]), 1.0);
    assert_eq!(round(number(&series[1]["step_ms"]), 12), 1.04);
    assert_eq!(round(speedup(&export, 2), 2), 0.96);
}

#[test]
fn every_try_button_and_widget_of_the_lesson_is_checked_here() {
    let lesson = lesson();
    assert!(lesson.widgets().iter().all(|w| w.view == "data-parallel"));
    lesson.assert_contents(
        &["equal", "pitfalls", "clock"],
        &[
            "With one worker of 64",
            "with 16 workers of 4",
            "With one worker",
            "Sum the four gradients",
            "The run falls apart",
            "Sum at 0.025",
            "Make the global batch 512",
            "Make communication free",
            "See it",
        ],
        4,
    );
}
