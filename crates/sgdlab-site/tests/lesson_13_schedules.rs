//! Every claim that lesson 13 (www/lessons/13-schedules.md) makes about what
//! its widgets show, checked by running the links written in the lesson
//! file itself.

mod common;

use common::{LessonFile, floor, number, numbers, round, run};
use serde_json::Value;

fn lesson() -> LessonFile {
    LessonFile::open("13-schedules.md")
}

/// The rate each step of path `index` used: entry t − 1 for step t.
fn rates(export: &Value, index: usize) -> Vec<f64> {
    numbers(&export["paths"][index]["learning_rates"])
}

#[test]
fn the_step_drop_at_150_shrinks_the_floors_some_fiftyfold() {
    let export = run("stochastic", &lesson().widget_link("floor"), 300);
    assert_eq!(export["schedule"], "step:gamma=0.1,step_size=150");
    let lr = rates(&export, 1);
    assert!(lr[..150].iter().all(|&r| r == 0.3));
    assert!(lr[150..].iter().all(|&r| (r - 0.03).abs() < 1e-15));
    // Every path runs the same schedule.
    for index in [0, 2] {
        assert_eq!(rates(&export, index), lr);
    }
    assert_eq!(round(floor(&export, 1, 100, 150), 4), 0.0016);
    assert_eq!(round(floor(&export, 2, 100, 150), 3), 0.028);
    assert_eq!(round(floor(&export, 1, 250, 300), 6), 0.000035);
    assert_eq!(round(floor(&export, 2, 250, 300), 5), 0.00049);
    for index in [1, 2] {
        let ratio = floor(&export, index, 100, 150) / floor(&export, index, 250, 300);
        assert!(ratio > 40.0 && ratio < 60.0, "path {index}: {ratio}");
    }
}

#[test]
fn without_the_schedule_the_floor_stays_at_0_0018() {
    let export = run(
        "stochastic",
        &lesson().try_link("Take the schedule away"),
        300,
    );
    assert_eq!(export["schedule"], "constant");
    assert_eq!(round(floor(&export, 1, 250, 300), 4), 0.0018);
}

#[test]
fn every_schedule_but_the_warm_up_narrows_the_band_by_step_300() {
    let constant = floor(
        &run(
            "stochastic",
            &lesson().try_link("Take the schedule away"),
            300,
        ),
        1,
        250,
        300,
    );
    for label in [
        "a cosine over 300 steps",
        "an exponential decay by 0.99 per step",
        "milestones at 100 and 200",
        "reduce on plateau",
    ] {
        let export = run("stochastic", &lesson().try_link(label), 300);
        assert!(floor(&export, 1, 250, 300) < 0.6 * constant, "{label}");
    }
    let warm = run(
        "stochastic",
        &lesson().try_link("a warm-up over 50 steps"),
        300,
    );
    assert_eq!(warm["warmup"], 50);
    assert!((floor(&warm, 1, 250, 300) / constant - 1.0).abs() < 1e-3);
    // The values of the schedules, as torch defines them (η₀ = 0.3).
    let exponential = rates(
        &run(
            "stochastic",
            &lesson().try_link("an exponential decay by 0.99 per step"),
            300,
        ),
        1,
    );
    for (t, r) in exponential.iter().enumerate() {
        assert!(
            (r - 0.3 * 0.99f64.powi(t as i32)).abs() < 1e-15,
            "step {}",
            t + 1
        );
    }
    let multi = rates(
        &run(
            "stochastic",
            &lesson().try_link("milestones at 100 and 200"),
            300,
        ),
        1,
    );
    assert_eq!(
        (multi[99], round(multi[100], 15), round(multi[200], 15)),
        (0.3, 0.06, 0.012)
    );
}

#[test]
fn question_1_the_cosine_gives_half_at_step_151_zero_at_301_and_climbs_back() {
    let lesson = lesson();
    let link = lesson.answer_link(1);
    let export = run("stochastic", &link, 600);
    let lr = rates(&export, 1);
    assert!((lr[150] - 0.15).abs() < 1e-15);
    assert_eq!(lr[300], 0.0);
    assert!((lr[450] - 0.15).abs() < 1e-15);
    assert_eq!(round(lr[599], 4), 0.3);
    assert!(lr[599] < 0.3);
    // The band opens again as η climbs back.
    assert!(floor(&export, 1, 550, 600) > 10.0 * floor(&export, 1, 280, 320));
}

#[test]
fn question_2_the_warm_up_starts_at_0_1_and_reaches_0_3_at_step_51() {
    let lesson = lesson();
    let link = lesson.answer_link(2);
    let lr = rates(&run("stochastic", &link, 60), 1);
    assert!((lr[0] - 0.1).abs() < 1e-15);
    for t in 1..50 {
        assert!(
            (lr[t] - lr[t - 1] - 0.3 * (2.0 / 3.0) / 50.0).abs() < 1e-12,
            "step {}",
            t + 1
        );
        assert!(lr[t] < 0.3);
    }
    assert_eq!(lr[50], 0.3);
}

#[test]
fn question_3_the_blue_rate_halves_from_step_85_every_21_steps() {
    let lesson = lesson();
    let link = lesson.answer_link(3);
    let export = run("stochastic", &link, 300);
    assert_eq!(export["paths"][0]["steps_to_tolerance"], 74);
    let lr = rates(&export, 0);
    let changes: Vec<(usize, f64)> = (1..lr.len())
        .filter(|&i| lr[i] != lr[i - 1])
        .map(|i| (i + 1, lr[i]))
        .collect();
    assert_eq!(changes[0], (85, 0.15));
    for pair in changes.windows(2) {
        assert_eq!(pair[1].0 - pair[0].0, 21);
        assert_eq!(pair[1].1, pair[0].1 / 2.0);
    }
}

/// (epoch, train loss, test accuracy) at every whole epoch of the lab's first run.
fn epochs(link: &str) -> Vec<(f64, f64, f64)> {
    // 160 training examples in batches of 10: 16 steps per epoch.
    let export = run("training", link, 1600);
    export["runs"][0]["curves"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| number(&c["epoch"]).fract() == 0.0)
        .map(|c| {
            (
                number(&c["epoch"]),
                number(&c["train_loss"]),
                number(&c["test_acc"]),
            )
        })
        .collect()
}

/// The range and mean of the training loss over epochs 90 to 100.
fn late_band(curve: &[(f64, f64, f64)]) -> (f64, f64) {
    let late: Vec<f64> = curve[90..=100].iter().map(|c| c.1).collect();
    let (low, high) = late.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), &l| {
        (lo.min(l), hi.max(l))
    });
    (high - low, late.iter().sum::<f64>() / late.len() as f64)
}

#[test]
fn in_the_lab_a_drop_at_epoch_50_shrinks_the_band_and_lowers_the_loss() {
    let constant = epochs(&lesson().widget_link("lab"));
    assert_eq!(constant.len(), 101);
    assert_eq!(constant[100].0, 100.0);
    let (range, mean) = late_band(&constant);
    assert_eq!((round(range, 3), round(mean, 3)), (0.083, 0.240));
    let link = lesson().try_link("Divide the rate by 10 at epoch 50");
    assert!(link.contains("sched=step:step_size=50,gamma=0.1"));
    let stepped = epochs(&link);
    let (range, mean) = late_band(&stepped);
    assert_eq!((round(range, 4), round(mean, 3)), (0.0006, 0.215));
    assert_eq!((constant[100].2, stepped[100].2), (0.8, 0.825));
    // Before the drop the two runs are the same run.
    assert_eq!(constant[..=50], stepped[..=50]);
}

#[test]
fn every_try_button_and_widget_of_the_lesson_is_checked_here() {
    let lesson = lesson();
    lesson.assert_contents(
        &["floor", "lab"],
        &[
            "Take the schedule away",
            "a cosine over 300 steps",
            "an exponential decay by 0.99 per step",
            "milestones at 100 and 200",
            "a warm-up over 50 steps",
            "reduce on plateau",
            "Run it for 600 steps",
            "Watch the $\\eta$ plot",
            "See it on the blue $\\eta$ curve",
            "Divide the rate by 10 at epoch 50",
        ],
        3,
    );
}
