//! Every claim that lesson 3 (www/lessons/03-conditioning.md) makes about
//! what its widgets show, checked by running the links written in the
//! lesson file itself.

mod common;

use common::{LessonFile, number, points, round, run, steps_to, surface};
use sgdlab_core::playground::curvature;

fn lesson() -> LessonFile {
    LessonFile::open("03-conditioning.md")
}

/// Steps to a loss below 10⁻⁶ for every racer of a landscape link.
fn step_counts(link: &str, steps: u64) -> Vec<Option<usize>> {
    let export = run("landscape", link, steps);
    (0..export["racers"].as_array().unwrap().len())
        .map(|i| steps_to(&points(&export, i), 1e-6))
        .collect()
}

/// The Hessian eigenvalues of the surface of a landscape link, at the origin.
fn eigenvalues(link: &str) -> [f64; 2] {
    curvature(surface(link).as_ref(), 0.0, 0.0).eigenvalues
}

#[test]
fn the_bowl_has_eigenvalues_4_and_1_doubled_in_the_hessian_and_kappa_4() {
    for link in [
        lesson().widget_link("bowls"),
        lesson().try_link("turn the bowl by 45°"),
    ] {
        assert_eq!(eigenvalues(&link).map(|e| round(e, 9)), [2.0, 8.0]);
    }
}

#[test]
fn on_the_diagonal_bowl_coordinate_descent_needs_2_steps_gd_7_and_adam_107() {
    assert_eq!(
        step_counts(&lesson().widget_link("bowls"), 400),
        [Some(7), Some(2), Some(107)]
    );
}

#[test]
fn turned_by_45_degrees_gd_still_needs_7_coordinate_descent_13_and_adam_149() {
    let link = lesson().try_link("turn the bowl by 45°");
    assert!(link.contains("theta:45"));
    // (−2, 1.5) rotated by 45°, to four decimals.
    let (c, s) = (45f64.to_radians().cos(), 45f64.to_radians().sin());
    let turned = [c * -2.0 - s * 1.5, s * -2.0 + c * 1.5];
    assert_eq!(turned.map(|v| round(v, 4)), [-2.4749, -0.3536]);
    assert!(link.contains("start=-2.4749,-0.3536"));
    assert_eq!(step_counts(&link, 400), [Some(7), Some(13), Some(149)]);
}

#[test]
fn question_1_gradient_descent_takes_the_turned_copy_of_its_path() {
    let lesson = lesson();
    let link = lesson.answer_link(1);
    let straight = run("landscape", &lesson.widget_link("bowls"), 10);
    let turned = run("landscape", &link, 10);
    let (a, b) = (points(&straight, 0), points(&turned, 0));
    let (c, s) = (45f64.to_radians().cos(), 45f64.to_radians().sin());
    for k in 0..=10 {
        // Equal losses, up to the four-decimal start.
        assert!((a[k][2] - b[k][2]).abs() <= 1e-3 * a[k][2], "step {k}");
        let rotated = [c * a[k][0] - s * a[k][1], s * a[k][0] + c * a[k][1]];
        assert!((rotated[0] - b[k][0]).abs() < 1e-4 && (rotated[1] - b[k][1]).abs() < 1e-4);
    }
    assert_eq!(step_counts(&link, 100), [Some(7), Some(13)]);
}

#[test]
fn d2l_eta_0_4_crawls_and_eta_0_6_blows_up() {
    let link = lesson().widget_link("d2l");
    assert_eq!(eigenvalues(&link).map(|e| round(e, 12)), [0.2, 4.0]);
    let export = run("landscape", &link, 20);
    let (slow, fast) = (points(&export, 0), points(&export, 1));
    for k in 1..=20 {
        assert!((slow[k][0] / slow[k - 1][0] - 0.92).abs() < 1e-12);
        assert!((slow[k][1] / slow[k - 1][1] + 0.6).abs() < 1e-9);
        assert!((fast[k][1] / fast[k - 1][1] + 1.4).abs() < 1e-12);
    }
    assert_eq!(round(slow[20][0], 3), -0.472);
    assert_eq!(round(fast[20][1].abs(), 0), 837.0);
    assert_eq!(round(1.4f64.powi(20), 0), 837.0);
    let long = run("landscape", &link, 3000);
    assert_eq!(steps_to(&points(&long, 0), 1e-6), Some(81));
    assert_eq!(
        long["racers"][1]["stopped"],
        "diverged at step 1054: the loss is no longer a finite number"
    );
}

#[test]
fn question_2_the_best_rate_0_476_shrinks_by_0_905_and_needs_74_steps() {
    assert_eq!(round(2.0 / (0.2 + 4.0), 3), 0.476);
    assert_eq!(round(19.0 / 21.0, 3), 0.905);
    let lesson = lesson();
    let link = lesson.answer_link(2);
    let export = run("landscape", &link, 400);
    assert_eq!(number(&export["racers"][1]["config"]["lr"]), 0.476);
    let best = points(&export, 1);
    for k in 1..=30 {
        assert!((best[k][0] / best[k - 1][0] - (1.0 - 0.476 * 0.2)).abs() < 1e-12);
    }
    assert_eq!(steps_to(&best, 1e-6), Some(74));
    assert_eq!(steps_to(&points(&export, 0), 1e-6), Some(81));
}

#[test]
fn an_off_centre_feature_has_kappa_321_and_gd_needs_998_steps() {
    let export = run("stochastic", &lesson().widget_link("features"), 1200);
    let h = &export["hessian"];
    let [small, large] = [number(&h["eigenvalues"][0]), number(&h["eigenvalues"][1])];
    assert_eq!((round(small, 4), round(large, 2)), (0.0307, 9.84));
    assert_eq!(round(number(&h["condition_number"]), 0), 321.0);
    assert_eq!(round(2.0 / large, 3), 0.203);
    // ∇²L = XᵀX/n: (mean x², mean x; mean x, 1) with x around 3.
    let m = &h["matrix"];
    assert_eq!(number(&m[1][1]), 1.0);
    assert!((number(&m[0][1]) - 3.0).abs() < 0.1);
    assert_eq!(export["paths"][0]["steps_to_tolerance"], 998);
}

#[test]
fn one_example_has_curvature_up_to_17_and_the_stochastic_paths_bounce() {
    let link = lesson().widget_link("features");
    let (config, errors) = sgdlab_core::stochastic::StochasticConfig::decode(
        &link,
        &sgdlab_core::stochastic::StochasticConfig::default(),
    );
    assert!(errors.is_empty());
    let model = config.build_model().unwrap();
    let largest = (0..model.examples())
        .map(|i| {
            let h = model.example_hessian([0.0, 0.0], i);
            // [[x², x], [x, 1]] has eigenvalues 0 and x² + 1 = its trace.
            assert!((h[0][0] * h[1][1] - h[0][1] * h[1][0]).abs() < 1e-12);
            h[0][0] + h[1][1]
        })
        .fold(0.0f64, f64::max);
    assert!(largest > 16.5 && largest < 17.0, "{largest}");
    assert!(config.lr * largest > 2.0);
    let export = run("stochastic", &link, 200);
    let bouncing = |index: usize| {
        export["paths"][index]["points"].as_array().unwrap()[100..=200]
            .iter()
            .filter(|p| number(&p["loss"]) > 1.0)
            .count()
    };
    assert_eq!(bouncing(0), 0, "gradient descent does not bounce");
    assert!(bouncing(1) > 20 && bouncing(2) > bouncing(1));
}

#[test]
fn over_the_bound_at_eta_0_21_gradient_descent_blows_up() {
    let export = run("stochastic", &lesson().try_link("Try $\\eta = 0.21$"), 1000);
    let last = export["paths"][0]["points"][1000]["loss"].clone();
    assert!(number(&last) > 1e10, "{last}");
}

#[test]
fn whitened_kappa_is_1_and_gd_needs_one_step_at_eta_1_and_35_at_0_2() {
    let link = lesson().try_link("Whiten the feature");
    let export = run("stochastic", &link, 50);
    let kappa = number(&export["hessian"]["condition_number"]);
    assert!((kappa - 1.0).abs() < 1e-12, "{kappa}");
    assert_eq!(round(kappa, 3), 1.0);
    assert_eq!(export["paths"][0]["steps_to_tolerance"], 1);
    let slow = run("stochastic", &link.replace("lr=1&", "lr=0.2&"), 50);
    assert_eq!(slow["paths"][0]["steps_to_tolerance"], 35);
    // The whitened minimum is (s·w*, ȳ): the same line, other numbers.
    let raw = run("stochastic", &lesson().widget_link("features"), 0);
    let scale = number(&export["whitening"]["scale"]);
    let [w_raw, b_raw] = [0, 1].map(|i| number(&raw["hessian"]["at"][i]));
    let [w_white, b_white] = [0, 1].map(|i| number(&export["hessian"]["at"][i]));
    assert!((w_white - scale * w_raw).abs() < 1e-9);
    let mean = number(&export["whitening"]["mean"]);
    // ȳ = w*·x̄ + b* at the least-squares line.
    assert!((b_white - (w_raw * mean + b_raw)).abs() < 1e-9);
}

#[test]
fn question_3_the_best_rates_are_0_9938_and_0_894_about_eighteen_times_fewer_steps() {
    let export = run("stochastic", &lesson().widget_link("features"), 0);
    let kappa = number(&export["hessian"]["condition_number"]);
    let gd = (kappa - 1.0) / (kappa + 1.0);
    let momentum = (kappa.sqrt() - 1.0) / (kappa.sqrt() + 1.0);
    assert_eq!(round(gd, 4), 0.9938);
    assert_eq!(number(&export["hessian"]["best_gd_rate"]), gd);
    assert_eq!(round(momentum, 3), 0.894);
    assert_eq!(round(momentum.ln() / gd.ln(), 0), 18.0);
    let lesson = lesson();
    let link = lesson.answer_link(3);
    assert_eq!(link, lesson.widget_link("features"));
}

#[test]
fn every_try_button_and_widget_of_the_lesson_is_checked_here() {
    let lesson = lesson();
    lesson.assert_contents(
        &["bowls", "d2l", "features"],
        &[
            "turn the bowl by 45°",
            "Race them on the turned bowl",
            "Run it",
            "Try $\\eta = 0.21$",
            "Whiten the feature",
            "Back to the raw feature",
        ],
        3,
    );
}
