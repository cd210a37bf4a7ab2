//! Every claim that lesson 7 (www/lessons/07-newton.md) makes about what its
//! widgets show, checked by running the links written in the lesson file
//! itself.

mod common;

use common::{LessonFile, number, points, round, run, steps_to, surface};
use sgdlab_core::playground::curvature;

fn lesson() -> LessonFile {
    LessonFile::open("07-newton.md")
}

#[test]
fn on_a_bowl_with_kappa_100_newton_needs_one_step_and_gd_373() {
    let link = lesson().widget_link("bowl");
    let shape = curvature(surface(&link).as_ref(), 0.0, 0.0);
    assert_eq!(round(shape.condition.unwrap(), 9), 100.0);
    assert_eq!(round(shape.eigenvalues[1], 9), 20.0);
    let export = run("landscape", &link, 1000);
    let newton = points(&export, 0);
    assert!(newton[1][2] < 1e-29, "{}", newton[1][2]);
    assert_eq!(round(newton[1][2] * 1e30, 0), 2.0);
    assert_eq!(steps_to(&newton, 1e-6), Some(1));
    assert_eq!(steps_to(&points(&export, 1), 1e-6), Some(373));
    // The overlay's model at Newton's point: its minimum is the true one.
    let start = run("landscape", &link, 0);
    let ring = &start["taylor"]["minimum"]["at"];
    assert!(number(&ring[0]).abs() < 1e-12 && number(&ring[1]).abs() < 1e-12);
}

#[test]
fn on_rosenbrock_newton_jumps_to_1412_then_converges_by_step_5() {
    let export = run("landscape", &lesson().widget_link("banana"), 2000);
    let newton = points(&export, 0);
    assert_eq!(
        [round(newton[1][0], 3), round(newton[1][1], 3)],
        [-1.175, 1.381]
    );
    let first: Vec<f64> = [24.2, 4.73, 1412.0, 0.056, 0.31].to_vec();
    let measured: Vec<f64> = newton[..5]
        .iter()
        .zip([1, 2, 0, 3, 2])
        .map(|(p, digits)| round(p[2], digits))
        .collect();
    assert_eq!(measured, first);
    assert_eq!(steps_to(&newton, 1e-6), Some(5));
    assert_eq!(steps_to(&points(&export, 2), 1e-6), Some(1386));
    assert_eq!(steps_to(&points(&export, 3), 1e-6), Some(1691));
    let damped = points(&export, 1);
    let early: Vec<f64> = damped[1..5].iter().map(|p| p[2]).collect();
    assert_eq!(
        [
            round(early[0], 2),
            round(early[1], 2),
            round(early[2], 2),
            round(early[3], 1)
        ],
        [4.71, 7.04, 2.79, 11.9]
    );
    assert!(damped.iter().all(|p| p[2] < 1412.0 / 10.0));
    assert_eq!(steps_to(&damped, 1e-6), Some(26));
}

#[test]
fn after_one_step_h_is_nearly_singular_and_the_ring_predicts_0_52_where_f_is_1412() {
    let export = run("landscape", &lesson().widget_link("banana"), 1);
    let taylor = &export["taylor"];
    let h = &taylor["hessian"];
    let (a, b, c) = (number(&h[0][0]), number(&h[1][1]), number(&h[0][1]));
    let (mean, radius) = ((a + b) / 2.0, ((a - b) / 2.0).hypot(c));
    assert_eq!(
        [round(mean - radius, 2), round(mean + radius, 0)],
        [0.34, 1307.0]
    );
    let ring = &taylor["minimum"];
    assert_eq!(
        [
            round(number(&ring["at"][0]), 3),
            round(number(&ring["at"][1]), 3)
        ],
        [0.763, -3.175]
    );
    assert_eq!(round(number(&ring["value"]), 2), 0.52);
    let next = run("landscape", &lesson().widget_link("banana"), 2);
    let landed = points(&next, 0)[2];
    assert!((landed[0] - number(&ring["at"][0])).abs() < 1e-9);
    assert_eq!(round(landed[2], 0), 1412.0);
}

#[test]
fn question_1_the_direction_was_downhill_just_too_long() {
    let lesson = lesson();
    let link = lesson.answer_link(1);
    let export = run("landscape", &link, 1);
    let taylor = &export["taylor"];
    let g = [
        number(&taylor["gradient"][0]),
        number(&taylor["gradient"][1]),
    ];
    let at = [number(&taylor["at"][0]), number(&taylor["at"][1])];
    let ring = [
        number(&taylor["minimum"]["at"][0]),
        number(&taylor["minimum"]["at"][1]),
    ];
    let step = [ring[0] - at[0], ring[1] - at[1]];
    assert!(g[0] * step[0] + g[1] * step[1] < 0.0, "downhill");
    assert!(step[0].hypot(step[1]) > 4.0, "and long");
}

#[test]
fn at_the_saddle_newton_lands_on_it_and_stays_while_the_others_escape() {
    let export = run("landscape", &lesson().widget_link("saddle"), 3000);
    let newton = points(&export, 0);
    assert_eq!([newton[1][0], newton[1][1]], [0.0, 0.0]);
    assert!(newton[1..].iter().all(|p| p[0] == 0.0 && p[1] == 0.0));
    let free = points(&export, 1);
    let ys: Vec<f64> = free[1..4].iter().map(|p| p[1]).collect();
    assert_eq!(ys, [1.0, 2.0, 4.0]);
    assert!(free[1..].iter().all(|p| p[0] == 0.0));
    assert!(
        export["racers"][1]["stopped"]
            .as_str()
            .unwrap()
            .starts_with("diverged"),
        "saddle-free Newton runs off the bottomless surface"
    );
    let gd = points(&export, 2);
    for k in 1..=20 {
        assert!((gd[k][0] / gd[k - 1][0] - 0.9).abs() < 1e-12);
        assert!((gd[k][1] / gd[k - 1][1] - 1.1).abs() < 1e-12);
    }
}

#[test]
fn question_2_damping_1_bounces_and_damping_3_escapes() {
    let lesson = lesson();
    let link = lesson.answer_link(2);
    let export = run("landscape", &link, 8);
    let (one, three) = (points(&export, 0), points(&export, 1));
    for k in 1..=8 {
        let expected = if k % 2 == 0 { 0.5 } else { -0.5 };
        assert_eq!(one[k][1], expected, "δ = 1, step {k}");
        assert!((one[k][0] - one[k - 1][0] / 3.0).abs() < 1e-15);
        assert!((three[k][1] - 3.0 * three[k - 1][1]).abs() < 1e-9 * three[k][1]);
    }
}

#[test]
fn the_cost_arithmetic_of_the_last_section() {
    // 10⁶ weights: 10¹² entries, 4 TB in f32, 8 TB in f64.
    let n = 1e6f64;
    assert_eq!(n * n * 4.0, 4e12);
    assert_eq!(n * n * 8.0, 8e12);
    // 10¹⁸ operations at 10¹⁵ per second: 1000 s, about 17 minutes.
    assert_eq!(round(n.powi(3) / 1e15 / 60.0, 0), 17.0);
    // Question 3: 25 million weights.
    let n = 2.5e7f64;
    assert_eq!(n * n, 6.25e14);
    assert_eq!(n * n * 4.0, 2.5e15);
    assert_eq!(n * 4.0, 1e8);
    let lesson = lesson();
    let question = &lesson.questions()[2];
    assert!(question.answer.contains("2.5 petabytes"));
    let link = lesson.answer_link(3);
    assert_eq!(link, lesson.widget_link("bowl"));
}

#[test]
fn every_try_button_and_widget_of_the_lesson_is_checked_here() {
    let lesson = lesson();
    lesson.assert_contents(
        &["bowl", "banana", "saddle"],
        &[
            "Take one step and look at the ring",
            "Race both",
            "Back to the one-step bowl",
        ],
        3,
    );
}
