//! Every claim that lesson 4 (www/lessons/04-momentum.md) makes about what
//! its widgets show, checked by running the links written in the lesson
//! file itself. Change a link or a number in the lesson and this fails.

mod common;

use common::{LessonFile, number, racer_points, round, surface};
use sgdlab_core::landscape::PathPoint;
use sgdlab_core::playground::curvature;

fn lesson() -> LessonFile {
    LessonFile::open("04-momentum.md")
}

/// One racer after a run, as the widget's JSON export gives it.
struct Racer {
    label: String,
    lr: f64,
    momentum: f64,
    points: Vec<PathPoint>,
    diverged: bool,
}

/// Runs a landscape link for `steps` steps through the widget registry and
/// returns its racers, read from the export.
fn run(link: &str, steps: u64) -> Vec<Racer> {
    let export = common::run("landscape", link, steps);
    export["racers"]
        .as_array()
        .expect("the export lists the racers")
        .iter()
        .map(|racer| Racer {
            label: racer["label"].as_str().unwrap_or_default().to_string(),
            lr: number(&racer["config"]["lr"]),
            momentum: racer["config"]["momentum"].as_f64().unwrap_or(0.0),
            points: racer_points(racer)
                .into_iter()
                .enumerate()
                .map(|(step, [x, y, loss])| PathPoint {
                    step: step as u64,
                    x,
                    y,
                    loss,
                })
                .collect(),
            diverged: racer["stopped"]
                .as_str()
                .is_some_and(|m| m.starts_with("diverged")),
        })
        .collect()
}

/// The first step at which the loss is below `tolerance`.
fn steps_to(racer: &Racer, tolerance: f64) -> Option<u64> {
    racer
        .points
        .iter()
        .find(|p| p.loss < tolerance)
        .map(|p| p.step)
}

/// The length of step `k` (from point k − 1 to point k).
fn step_length(racer: &Racer, k: usize) -> f64 {
    let (a, b) = (racer.points[k - 1], racer.points[k]);
    (b.x - a.x).hypot(b.y - a.y)
}

fn last(racer: &Racer) -> PathPoint {
    *racer.points.last().unwrap()
}

#[test]
fn the_ravine_has_curvatures_36_and_0_36_and_three_racers_at_eta_0_05() {
    let link = lesson().widget_link("ravine");
    let shape = curvature(surface(&link).as_ref(), 0.0, 0.0);
    assert_eq!(shape.eigenvalues.map(|e| round(e, 9)), [0.36, 36.0]);
    assert_eq!(round(shape.condition.unwrap(), 9), 100.0);
    let racers = run(&link, 0);
    let settings: Vec<(f64, f64)> = racers.iter().map(|r| (r.lr, r.momentum)).collect();
    assert_eq!(settings, [(0.05, 0.0), (0.05, 0.5), (0.05, 0.9)]);
}

#[test]
fn gradient_descent_flips_sides_across_the_ravine_and_keeps_0_982_along_it() {
    let racers = run(&lesson().widget_link("ravine"), 10);
    let gd = &racers[0];
    for pair in gd.points.windows(2) {
        assert!(
            (pair[1].x / pair[0].x + 0.8).abs() < 1e-12,
            "x is multiplied by 1 − 1.8"
        );
        assert!(
            (pair[1].y / pair[0].y - 0.982).abs() < 1e-12,
            "y is multiplied by 1 − 0.018"
        );
    }
}

#[test]
fn the_ravine_takes_372_178_and_133_steps_to_a_loss_below_1e_6() {
    let racers = run(&lesson().widget_link("ravine"), 1000);
    let steps: Vec<Option<u64>> = racers.iter().map(|r| steps_to(r, 1e-6)).collect();
    assert_eq!(steps, [Some(372), Some(178), Some(133)]);
}

#[test]
fn torch_buffer_times_eta_is_the_course_velocity_and_its_unrolled_sum() {
    let racers = run(&lesson().widget_link("ravine"), 40);
    let heavy = &racers[2];
    let (eta, gamma) = (heavy.lr, heavy.momentum);
    let gradient = |p: &PathPoint| [36.0 * p.x, 0.36 * p.y];
    let mut velocity = [0.0, 0.0];
    for t in 0..40 {
        let g = gradient(&heavy.points[t]);
        // u_t = γ u_{t−1} + η g_t, and w_{t+1} = w_t − u_t.
        velocity = [
            gamma * velocity[0] + eta * g[0],
            gamma * velocity[1] + eta * g[1],
        ];
        let step = [
            heavy.points[t].x - heavy.points[t + 1].x,
            heavy.points[t].y - heavy.points[t + 1].y,
        ];
        for axis in 0..2 {
            assert!(
                (step[axis] - velocity[axis]).abs()
                    <= 1e-12 * velocity[axis].abs().max(1e-300) + 1e-15
            );
        }
        // The unrolled form: u_t = η Σ_k γ^{t−k} g_k.
        let unrolled: f64 = (0..=t)
            .map(|k| eta * gamma.powi((t - k) as i32) * gradient(&heavy.points[k])[1])
            .sum();
        assert!((unrolled - velocity[1]).abs() <= 1e-12 * velocity[1].abs());
    }
}

#[test]
fn on_the_cone_steps_grow_to_one_two_and_ten_times_eta() {
    let racers = run(&lesson().widget_link("slope"), 500);
    let settings: Vec<(f64, f64)> = racers.iter().map(|r| (r.lr, r.momentum)).collect();
    assert_eq!(settings, [(0.01, 0.0), (0.01, 0.5), (0.01, 0.9)]);
    let at_30: Vec<f64> = racers
        .iter()
        .map(|r| round(step_length(r, 30), 3))
        .collect();
    assert_eq!(at_30, [0.010, 0.020, 0.096]);
    // The window η/(1 − γ): within 5% by step 30 for γ = 0.9, 0.1% for γ = 0.5.
    for racer in &racers {
        let limit = racer.lr / (1.0 - racer.momentum);
        let tolerance = if racer.momentum > 0.5 { 0.05 } else { 1e-3 };
        assert!(
            (step_length(racer, 30) / limit - 1.0).abs() < tolerance,
            "{}",
            racer.label
        );
    }
    // After one window (10 steps) γ = 0.9 moves at 65% of its top speed, 1 − 0.9¹⁰.
    let share = step_length(&racers[2], 10) / 0.1;
    assert_eq!(round(share, 2), 0.65);
    assert!((share - (1.0 - 0.9f64.powi(10))).abs() < 1e-3);
}

#[test]
fn the_cone_tip_takes_306_steps_without_momentum_and_40_with_0_9_which_overshoots() {
    let racers = run(&lesson().widget_link("slope"), 500);
    assert_eq!(steps_to(&racers[0], 0.2), Some(306));
    assert_eq!(steps_to(&racers[2], 0.2), Some(40));
    let rises = |r: &Racer| {
        r.points
            .windows(2)
            .filter(|w| w[1].loss > w[0].loss)
            .count()
    };
    assert_eq!(rises(&racers[0]), 0, "gradient descent never goes uphill");
    assert!(
        rises(&racers[2]) > 10,
        "momentum overshoots the tip and comes back"
    );
    let far = racers[2].points[40..]
        .iter()
        .map(|p| p.x.hypot(p.y))
        .fold(0.0, f64::max);
    assert!(far > 0.2, "it circles past the tip before settling");
}

#[test]
fn the_averaged_form_takes_full_steps_at_once_and_the_sum_needs_22() {
    let link = lesson().try_link("Race the two forms");
    let racers = run(&link, 30);
    let (sum, average) = (&racers[0], &racers[1]);
    assert_eq!((sum.lr, sum.momentum), (0.01, 0.9));
    assert_eq!((average.lr, average.momentum), (0.1, 0.9));
    assert!(link.contains("dampening:0.9"));
    for k in 1..=20 {
        assert_eq!(
            round(step_length(average, k), 3),
            0.1,
            "step {k} of the averaged form"
        );
    }
    let first_fast = (1..30).find(|&k| step_length(sum, k) >= 0.09);
    assert_eq!(first_fast, Some(22));
}

#[test]
fn question_1_the_steady_step_is_0_1_and_the_button_restores_the_cone() {
    let lesson = lesson();
    let question = &lesson.questions()[0];
    assert!(
        question
            .answer
            .contains("$\\eta/(1-\\gamma) = 0.01/0.1 = 0.1$")
    );
    let link = lesson.answer_link(1);
    assert_eq!(link, lesson.widget_link("slope"));
    let racers = run(&link, 30);
    assert_eq!(round(racers[2].lr / (1.0 - racers[2].momentum), 12), 0.1);
    assert_eq!(round(step_length(&racers[2], 30), 3), 0.096);
}

#[test]
fn in_the_two_wells_only_momentum_0_9_reaches_the_deep_well() {
    let racers = run(&lesson().widget_link("wells"), 3000);
    let momenta: Vec<f64> = racers.iter().map(|r| r.momentum).collect();
    assert_eq!(momenta, [0.0, 0.5, 0.9]);
    for shallow in &racers[..2] {
        let end = last(shallow);
        assert_eq!(
            (round(end.x, 2), round(end.y, 2), round(end.loss, 3)),
            (-1.43, 0.48, -0.262),
            "{}",
            shallow.label
        );
    }
    let deep = &racers[2];
    assert_eq!(steps_to(deep, -1.0), Some(31));
    let end = last(deep);
    assert_eq!(
        (round(end.x, 2), round(end.y, 2), round(end.loss, 3)),
        (1.41, -0.47, -1.266)
    );
}

#[test]
fn question_2_a_four_times_larger_step_does_not_get_gradient_descent_out() {
    let lesson = lesson();
    let link = lesson.answer_link(2);
    let racers = run(&link, 3000);
    assert_eq!((racers[0].lr, racers[0].momentum), (0.2, 0.0));
    assert_eq!(
        round(last(&racers[0]).loss, 3),
        -0.262,
        "still in the shallow well"
    );
    assert_eq!(
        round(last(&racers[1]).loss, 3),
        -1.266,
        "momentum still crosses"
    );
}

#[test]
fn steeper_walls_break_the_bounds_2_and_3_but_not_3_8() {
    let link = lesson().try_link("Make the walls steeper, $a = 35$");
    let lambda = curvature(surface(&link).as_ref(), 0.0, 0.0).eigenvalues[1];
    let racers = run(&link, 2000);
    for racer in &racers {
        let eta_lambda = racer.lr * lambda;
        assert_eq!(round(eta_lambda, 9), 3.5);
        let stable = eta_lambda < 2.0 + 2.0 * racer.momentum;
        assert_eq!(racer.diverged, !stable, "{}", racer.label);
    }
    assert_eq!(
        racers.iter().map(|r| r.diverged).collect::<Vec<_>>(),
        [true, true, false]
    );
    assert_eq!(steps_to(&racers[2], 1e-6), Some(149));
}

#[test]
fn question_3_on_the_bound_gradient_descent_bounces_forever() {
    let lesson = lesson();
    let link = lesson.answer_link(3);
    let lambda = curvature(surface(&link).as_ref(), 0.0, 0.0).eigenvalues[1];
    let racers = run(&link, 2000);
    assert_eq!(round(racers[0].lr * lambda, 12), 2.0);
    for (k, point) in racers[0].points.iter().enumerate() {
        let expected = if k % 2 == 0 { -2.5 } else { 2.5 };
        assert!(
            (point.x - expected).abs() < 1e-9,
            "step {k}: x = {}",
            point.x
        );
        assert!(point.loss >= 125.0);
    }
    assert!(last(&racers[0]).y.abs() < 1e-6, "y still creeps to 0");
    assert!(
        racers[1..].iter().all(|r| steps_to(r, 1e-6).is_some()),
        "both momentum racers converge"
    );
}

#[test]
fn in_the_rounder_bowl_momentum_0_9_is_the_slowest() {
    let racers = run(
        &lesson().try_link("Try a rounder bowl, $a = 10$, $b = 1$"),
        1000,
    );
    let steps: Vec<Option<u64>> = racers.iter().map(|r| steps_to(r, 1e-6)).collect();
    assert_eq!(steps, [Some(73), Some(27), Some(141)]);
    // Complex roots of modulus √γ: the loss envelope shrinks by γ per step.
    let peak = |from: usize| {
        racers[2].points[from..from + 20]
            .iter()
            .map(|p| p.loss)
            .fold(0.0, f64::max)
    };
    let per_step = (peak(300) / peak(200)).powf(1.0 / 100.0);
    assert!((per_step - 0.9).abs() < 2e-3, "{per_step}");
}

#[test]
fn the_optimal_pair_for_the_ravine_needs_71_steps() {
    let (small, large) = (0.36f64, 36.0f64);
    let eta = (2.0 / (small.sqrt() + large.sqrt())).powi(2);
    let gamma = ((large.sqrt() - small.sqrt()) / (large.sqrt() + small.sqrt())).powi(2);
    assert_eq!((round(eta, 4), round(gamma, 3)), (0.0918, 0.669));
    let kappa: f64 = large / small;
    assert!(((kappa.sqrt() - 1.0) / (kappa.sqrt() + 1.0) - 9.0 / 11.0).abs() < 1e-12);
    assert!(((kappa - 1.0) / (kappa + 1.0) - 99.0 / 101.0).abs() < 1e-12);
    let link = lesson().try_link("Add the optimal racer");
    assert!(link.contains("p=a:18,b:0.18"));
    let racers = run(&link, 1000);
    let optimal = racers.last().unwrap();
    assert_eq!((optimal.lr, optimal.momentum), (0.0918, 0.669));
    assert_eq!(steps_to(optimal, 1e-6), Some(71));
    assert!(racers.iter().all(|r| steps_to(r, 1e-6) >= Some(71)));
}

#[test]
fn nesterov_cuts_141_steps_to_44_in_the_rounder_bowl() {
    let racers = run(&lesson().try_link("add a Nesterov racer"), 1000);
    assert!(!racers[0].label.contains("nesterov") && racers[1].label.contains("nesterov true"));
    assert_eq!(
        (steps_to(&racers[0], 1e-6), steps_to(&racers[1], 1e-6)),
        (Some(141), Some(44))
    );
}

#[test]
fn question_4_nesterov_blows_up_in_the_ravine_past_its_bound_of_1_36() {
    let lesson = lesson();
    let link = lesson.answer_link(4);
    let racers = run(&link, 3000);
    assert!(racers[1].label.contains("nesterov true"));
    assert!(
        !racers[0].diverged && steps_to(&racers[0], 1e-6).is_some(),
        "heavy ball converges"
    );
    assert!(racers[1].diverged, "Nesterov diverges");
    // The bound (2 + 2γ)/(1 + 2γ) ≈ 1.357 for γ = 0.9: just under it converges, just over diverges.
    assert_eq!(round((2.0 + 2.0 * 0.9) / (1.0 + 2.0 * 0.9), 2), 1.36);
    for (a, converges) in [("13.5", true), ("14", false)] {
        let link = link.replace("a:18", &format!("a:{a}"));
        let nesterov = &run(&link, 3000)[1];
        assert_eq!(steps_to(nesterov, 1e-6).is_some(), converges, "a = {a}");
    }
}

#[test]
fn every_try_button_and_widget_of_the_lesson_is_checked_here() {
    let lesson = lesson();
    lesson.assert_contents(
        &["ravine", "slope", "wells"],
        &[
            "Race the two forms",
            "Run the cone again",
            "Give gradient descent $\\eta = 0.2$",
            "Make the walls steeper, $a = 35$",
            "It bounces forever",
            "Try a rounder bowl, $a = 10$, $b = 1$",
            "Add the optimal racer",
            "add a Nesterov racer",
            "Race the two in the ravine",
        ],
        4,
    );
}
