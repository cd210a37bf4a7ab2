//! Every claim that lesson 1 (www/lessons/01-gradient-descent.md) makes
//! about what its widgets show, checked by running the links written in the
//! lesson file itself.

mod common;

use common::{LessonFile, number, pair, points, round, run, steps_to};

fn lesson() -> LessonFile {
    LessonFile::open("01-gradient-descent.md")
}

#[test]
fn the_risk_map_has_its_minimum_near_the_true_line_and_gd_reaches_it_in_74_steps() {
    let link = lesson().widget_link("risk");
    assert!(link.contains("truth=2,-1") && link.contains("n=100") && link.contains("lr=0.3"));
    let export = run("stochastic", &link, 300);
    let hessian = &export["hessian"];
    let at = pair(&hessian["at"]);
    assert_eq!([round(at[0], 2), round(at[1], 2)], [1.95, -1.13]);
    assert_eq!(round(number(&hessian["loss"]), 3), 0.144);
    let full = &export["paths"][0];
    assert_eq!(full["path"], "full_batch");
    assert_eq!(full["steps_to_tolerance"], 74);
    assert_eq!(export["tolerance"], 1e-6);
    // The map is the mean of the 100 losses: at the minimum it equals L*.
    let last = full["points"].as_array().unwrap().last().unwrap();
    assert!((number(&last["loss"]) - number(&hessian["loss"])).abs() < 1e-12);
}

#[test]
fn at_the_banana_start_the_quadratic_model_predicts_4_79_where_f_is_4_73() {
    let banana = lesson().widget_link("banana");
    let export = run("landscape", &banana, 0);
    let taylor = &export["taylor"];
    assert_eq!(round(number(&taylor["value"]), 9), 24.2);
    assert_eq!(
        pair(&taylor["gradient"]).map(|g| round(g, 9)),
        [-215.6, -88.0]
    );
    let h = &taylor["hessian"];
    assert_eq!(
        [pair(&h[0]), pair(&h[1])].map(|row| row.map(|v| round(v, 9))),
        [[1330.0, 480.0], [480.0, 200.0]]
    );
    let minimum = pair(&taylor["minimum"]["at"]);
    assert_eq!(
        [round(minimum[0], 3), round(minimum[1], 3)],
        [-1.175, 1.381]
    );
    assert_eq!(round(number(&taylor["minimum"]["value"]), 2), 4.79);
    // Newton steps exactly to the ring; f there is 4.73, a fifth of 24.2.
    let newton = run(
        "landscape",
        &banana.replace("o=sgd,lr:0.001", "o=newton"),
        1,
    );
    let landed = points(&newton, 0)[1];
    assert!((landed[0] - minimum[0]).abs() < 1e-12 && (landed[1] - minimum[1]).abs() < 1e-12);
    assert_eq!(round(landed[2], 2), 4.73);
    assert!(24.2 / landed[2] > 5.0);
    // Gradient descent's first step only gets to 5.35.
    let first = points(&run("landscape", &banana, 1), 0)[1];
    assert_eq!(round(first[2], 2), 5.35);
}

#[test]
fn at_half_half_the_model_is_a_saddle_with_eigenvalues_minus_54_9_and_356_9() {
    let link = lesson().try_link("Move the start to $(0.5, 0.5)$");
    let taylor = &run("landscape", &link, 0)["taylor"];
    assert!(taylor["minimum"].is_null());
    let h = &taylor["hessian"];
    let (a, b, c) = (number(&h[0][0]), number(&h[1][1]), number(&h[0][1]));
    let mean = (a + b) / 2.0;
    let radius = ((a - b) / 2.0).hypot(c);
    assert_eq!(
        [round(mean - radius, 1), round(mean + radius, 1)],
        [-54.9, 356.9]
    );
}

#[test]
fn on_a_rotated_bowl_the_model_is_the_surface_and_its_ring_the_minimum() {
    let link = lesson().try_link("on a rotated bowl");
    assert!(link.contains("s=quadratic") && link.contains("theta:30"));
    for steps in [0, 3, 10] {
        let taylor = &run("landscape", &link, steps)["taylor"];
        let minimum = pair(&taylor["minimum"]["at"]);
        assert!(
            minimum[0].abs() < 1e-9 && minimum[1].abs() < 1e-9,
            "{minimum:?}"
        );
        assert!(number(&taylor["minimum"]["value"]).abs() < 1e-9);
        let h = &taylor["hessian"];
        // The surface's Hessian is constant: 2·R·diag(4, 1)·Rᵀ has trace 10 and determinant 16.
        let (a, b, c) = (number(&h[0][0]), number(&h[1][1]), number(&h[0][1]));
        assert!((a + b - 10.0).abs() < 1e-9 && (a * b - c * c - 16.0).abs() < 1e-9);
    }
}

#[test]
fn the_first_steps_in_each_norm_and_the_step_counts_146_192_212() {
    let link = lesson().widget_link("norms");
    let start = run("landscape", &link, 0);
    assert_eq!(pair(&start["taylor"]["gradient"]), [5.0, 20.0]);
    assert_eq!(start["taylor"]["norm"], "l2");
    let export = run("landscape", &link, 400);
    let norms: Vec<&str> = (0..3)
        .map(|i| {
            export["racers"][i]["config"]["norm"]
                .as_str()
                .expect("a norm")
        })
        .collect();
    assert_eq!(norms, ["l2", "l1", "linf"]);
    let firsts: Vec<[f64; 2]> = (0..3)
        .map(|i| {
            let p = points(&export, i)[1];
            [round(p[0], 12), round(p[1], 12)]
        })
        .collect();
    assert_eq!(firsts, [[2.4, 0.6], [2.5, 0.6], [2.0, 0.5]]);
    // ℓ∞ moves both coordinates by η·‖g‖₁ = 0.02·25.
    assert_eq!(round(0.02 * (5.0 + 20.0), 12), 0.5);
    let counts: Vec<Option<usize>> = (0..3)
        .map(|i| steps_to(&points(&export, i), 1e-6))
        .collect();
    assert_eq!(counts, [Some(192), Some(212), Some(146)]);
}

#[test]
fn the_try_buttons_put_the_diamond_or_the_box_under_the_arrow() {
    for (label, norm, step) in [
        ("Put the $\\ell_1$ racer first", "l1", [0.0, -20.0]),
        ("the $\\ell_\\infty$ racer", "linf", [-25.0, -25.0]),
    ] {
        let taylor = &run("landscape", &lesson().try_link(label), 0)["taylor"];
        assert_eq!(taylor["norm"], norm, "{label}");
        assert_eq!(pair(&taylor["steepest_step"]), step, "{label}");
    }
}

#[test]
fn question_1_the_l1_racer_moves_only_y_by_0_4() {
    let lesson = lesson();
    let question = &lesson.questions()[0];
    assert!(question.answer.contains("0.02 \\cdot 20 = 0.4"));
    let link = lesson.answer_link(1);
    let export = run("landscape", &link, 1);
    assert_eq!(export["taylor"]["norm"], "l1");
    let path = points(&export, 0);
    assert_eq!(path[1][0], path[0][0], "x does not move");
    assert_eq!(round(path[0][1] - path[1][1], 12), 0.4);
}

/// The closed form of Boyd & Vandenberghe §9.3 for γ, from c·(γ, 1).
fn closed_form(gamma: f64, scale: f64, k: i32) -> [f64; 2] {
    let ratio = (gamma - 1.0) / (gamma + 1.0);
    [scale * gamma * ratio.powi(k), scale * (-ratio).powi(k)]
}

#[test]
fn exact_line_search_follows_the_closed_form_turning_at_right_angles() {
    let export = run("landscape", &lesson().widget_link("exact"), 60);
    let path = points(&export, 0);
    for (k, p) in path.iter().enumerate().take(41) {
        let [x, y] = closed_form(10.0, 0.25, k as i32);
        assert!(
            (p[0] - x).abs() <= 1e-12 * x.abs() && (p[1] - y).abs() <= 1e-12 * y.abs(),
            "step {k}: ({}, {}) vs ({x}, {y})",
            p[0],
            p[1]
        );
    }
    assert_eq!(round(path[1][0], 3), 2.045);
    assert_eq!(round(path[1][1], 4), -0.2045);
    assert!((path[1][1] + 0.25 * 9.0 / 11.0).abs() < 1e-15);
    assert_eq!(round(path[40][0], 6), 0.000816);
    for k in 1..40 {
        let ratio = path[k + 1][2] / path[k][2];
        assert!(
            (ratio - (9.0f64 / 11.0).powi(2)).abs() < 1e-9,
            "step {k}: {ratio}"
        );
        let before = [path[k][0] - path[k - 1][0], path[k][1] - path[k - 1][1]];
        let after = [path[k + 1][0] - path[k][0], path[k + 1][1] - path[k][1]];
        let cosine = (before[0] * after[0] + before[1] * after[1])
            / (before[0].hypot(before[1]) * after[0].hypot(after[1]));
        assert!(cosine.abs() < 1e-9, "step {k}: cos = {cosine}");
    }
    assert_eq!(round((9.0f64 / 11.0).powi(2), 3), 0.669);
    assert_eq!(steps_to(&path, 1e-6), Some(40));
}

#[test]
fn with_gamma_100_the_factor_is_0_961_and_it_takes_392_steps() {
    let link = lesson().try_link("$\\gamma = 100$");
    assert!(link.contains("start=2.5,0.025"));
    let export = run("landscape", &link, 700);
    let path = points(&export, 0);
    for (k, p) in path.iter().enumerate().take(100) {
        let [x, y] = closed_form(100.0, 0.025, k as i32);
        assert!((p[0] - x).abs() <= 1e-11 * x.abs() && (p[1] - y).abs() <= 1e-11 * y.abs());
    }
    assert!((path[5][2] / path[4][2] - (99.0f64 / 101.0).powi(2)).abs() < 1e-9);
    assert_eq!(round((99.0f64 / 101.0).powi(2), 3), 0.961);
    assert_eq!(steps_to(&path, 1e-6), Some(392));
}

#[test]
fn question_2_the_new_gradient_is_perpendicular_to_the_last_step() {
    let lesson = lesson();
    let link = lesson.answer_link(2);
    assert_eq!(link, lesson.widget_link("exact"));
    let path = points(&run("landscape", &link, 20), 0);
    for k in 1..20 {
        let step = [path[k][0] - path[k - 1][0], path[k][1] - path[k - 1][1]];
        // ∇f = (2x, 20y) at the new point.
        let gradient = [2.0 * path[k][0], 20.0 * path[k][1]];
        let cosine = (step[0] * gradient[0] + step[1] * gradient[1])
            / (step[0].hypot(step[1]) * gradient[0].hypot(gradient[1]));
        assert!(cosine.abs() < 1e-9, "step {k}");
    }
}

#[test]
fn question_3_linf_retraces_gradient_descent_and_l1_needs_two_steps() {
    let lesson = lesson();
    let question = &lesson.questions()[2];
    assert!(question.answer.contains("two steps"), "{}", question.answer);
    let link = lesson.answer_link(3);
    let export = run("landscape", &link, 40);
    let (l2, l1, linf) = (points(&export, 0), points(&export, 1), points(&export, 2));
    for (k, (a, b)) in l2.iter().zip(&linf).enumerate() {
        assert!(
            (a[0] - b[0]).abs() <= 1e-12 * a[0].abs() && (a[1] - b[1]).abs() <= 1e-12 * a[1].abs(),
            "step {k}"
        );
        // |x| = 10|y| along the path: the gradient lies on a diagonal.
        assert!((a[0].abs() - 10.0 * a[1].abs()).abs() <= 1e-12 * a[0].abs());
    }
    assert_eq!(l1[1][0], 0.0, "the first l1 step sets x to 0");
    assert_eq!(l1[1][1], 0.25, "and leaves y");
    assert!(l1[2][1].abs() < 1e-15 && l1[2][2] < 1e-30);
    assert_eq!(steps_to(&l1, 1e-6), Some(2));
}

#[test]
fn every_try_button_and_widget_of_the_lesson_is_checked_here() {
    let lesson = lesson();
    lesson.assert_contents(
        &["risk", "banana", "norms", "exact"],
        &[
            "Move the start to $(0.5, 0.5)$",
            "on a rotated bowl",
            "Put the $\\ell_1$ racer first",
            "the $\\ell_\\infty$ racer",
            "Show the diamond",
            "$\\gamma = 100$",
            "Run it again",
            "Race all three",
        ],
        3,
    );
}
