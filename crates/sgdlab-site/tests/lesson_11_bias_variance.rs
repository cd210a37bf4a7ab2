//! Every claim that lesson 11 (www/lessons/11-bias-variance.md) makes about
//! what its widgets show, checked by running the links written in the
//! lesson file itself through the widget registry. Change a link or a
//! number in the lesson and this fails.
//!
//! Each distinct link is run once per test binary and its export shared
//! between the tests that read it.

mod common;

use common::{LessonFile, decode, number, round, run_shared};
use sgdlab_core::bias_variance::config::BIAS_VARIANCE;
use sgdlab_core::bias_variance::{BiasVariance, BiasVarianceConfig};

const VIEW: &str = "bias-variance";

fn lesson() -> LessonFile {
    LessonFile::of_view("11-bias-variance.md", VIEW)
}

/// One capacity's figures, from the widget's JSON export.
#[derive(Clone, Debug)]
struct Capacity {
    label: String,
    bias2: f64,
    variance: f64,
    noise: f64,
    sum: f64,
    test_error: f64,
    residual_std: f64,
}

/// Every capacity of a whole run of `link`, least flexible first (each
/// run is made once and kept: links that differ only in the capacity
/// shown share it).
fn capacities(link: &str) -> Vec<Capacity> {
    let same_run = BiasVarianceConfig {
        pick: 0,
        ..decode(&BIAS_VARIANCE, link)
    }
    .encode();
    let export = run_shared(VIEW, link, 1_000_000, &same_run);
    assert_eq!(export["fits"], export["total_fits"], "the run is complete");
    export["capacities"]
        .as_array()
        .expect("capacities")
        .iter()
        .map(|c| Capacity {
            label: c["label"].as_str().unwrap().to_string(),
            bias2: number(&c["bias2"]),
            variance: number(&c["variance"]),
            noise: number(&c["noise"]),
            sum: number(&c["sum"]),
            test_error: number(&c["test_error"]),
            residual_std: number(&c["residual_std"]),
        })
        .collect()
}

/// The capacity with the smallest measured test error.
fn best(capacities: &[Capacity]) -> &Capacity {
    capacities
        .iter()
        .min_by(|a, b| a.test_error.total_cmp(&b.test_error))
        .unwrap()
}

/// Whether the widget draws the error axis logarithmically: by its rule,
/// when the summed error varies more than fivefold across capacity.
fn log_axis(capacities: &[Capacity]) -> bool {
    let low = capacities
        .iter()
        .map(|c| c.sum)
        .fold(f64::INFINITY, f64::min);
    let high = capacities.iter().map(|c| c.sum).fold(0.0, f64::max);
    high > 5.0 * low
}

#[test]
fn the_first_widget_is_bishops_setup_showing_the_stiffest_model() {
    let config = decode(&BIAS_VARIANCE, &lesson().widget_link("ridge"));
    assert_eq!(
        config,
        BiasVarianceConfig {
            pick: 0,
            ..BiasVarianceConfig::default()
        }
    );
    let c = capacities(&lesson().widget_link("ridge"));
    assert_eq!(c.len(), 21);
    assert_eq!(c[0].label, "ln λ = 2");
    assert_eq!(c[20].label, "ln λ = -3");
}

#[test]
fn at_ln_lambda_2_the_parts_add_up_to_the_measured_error_within_0_007() {
    let c = &capacities(&lesson().widget_link("ridge"))[0];
    assert_eq!(
        (round(c.bias2, 3), round(c.variance, 3), round(c.noise, 3)),
        (0.126, 0.017, 0.087)
    );
    assert_eq!((round(c.sum, 3), round(c.test_error, 3)), (0.229, 0.226));
    assert_eq!(round(c.residual_std, 3), 0.007);
    assert!((c.test_error - c.sum).abs() < c.residual_std);
}

#[test]
fn at_every_capacity_the_sum_is_within_one_standard_deviation_of_the_error() {
    for c in capacities(&lesson().widget_link("ridge")) {
        assert!(
            (c.test_error - c.sum).abs() < c.residual_std,
            "{}: {} vs {} (σ {})",
            c.label,
            c.test_error,
            c.sum,
            c.residual_std
        );
        assert_eq!(c.sum, c.bias2 + c.variance + c.noise);
    }
}

#[test]
fn the_most_flexible_model_has_a_hundredth_of_the_bias_and_four_times_the_variance() {
    let link = lesson().try_link("Pick the most flexible model");
    assert_eq!(decode(&BIAS_VARIANCE, &link).pick, 20);
    let c = capacities(&link);
    let (stiff, flexible) = (&c[0], &c[20]);
    assert_eq!(flexible.label, "ln λ = -3");
    assert_eq!(round(flexible.bias2, 4), 0.0012);
    assert_eq!(round(flexible.variance, 3), 0.074);
    assert!(stiff.bias2 / flexible.bias2 > 100.0);
    assert!(flexible.variance / stiff.variance > 4.0);
}

#[test]
fn variance_rises_all_the_way_and_bias_falls_until_it_levels_off() {
    let c = capacities(&lesson().widget_link("ridge"));
    assert!(c.windows(2).all(|w| w[1].variance > w[0].variance));
    assert!(c[..20].windows(2).all(|w| w[1].bias2 < w[0].bias2));
    for flexible in &c[18..] {
        assert_eq!(round(flexible.bias2, 4), 0.0012, "{}", flexible.label);
    }
    // The floor: h̄ from 100 fits scatters by variance/100.
    assert_eq!(round(c[20].variance / 100.0, 4), 0.0007);
}

#[test]
fn question_1_the_best_penalty_is_ln_lambda_minus_0_25() {
    let link = lesson().answer_link(1);
    assert_eq!(link, lesson().try_link("Pick it"));
    assert_eq!(decode(&BIAS_VARIANCE, &link).pick, 9);
    let c = capacities(&link);
    let best = best(&c);
    assert_eq!(best.label, "ln λ = -0.25");
    assert_eq!(best.label, c[9].label);
    assert_eq!(round(best.bias2 + best.variance, 3), 0.041);
    assert_eq!(round(best.test_error, 3), 0.127);
    let smallest = c
        .iter()
        .min_by(|a, b| (a.bias2 + a.variance).total_cmp(&(b.bias2 + b.variance)))
        .unwrap();
    assert_eq!(smallest.label, best.label);
}

#[test]
fn polynomials_are_best_at_degree_3() {
    let link = lesson().widget_link("poly");
    assert_eq!(decode(&BIAS_VARIANCE, &link).pick, 3);
    let c = capacities(&link);
    assert_eq!(c.len(), 7);
    assert!(log_axis(&c), "the caption says the axis is logarithmic");
    assert!(!log_axis(&capacities(&lesson().widget_link("ridge"))));
    assert_eq!(round(c[0].test_error, 2), 0.61);
    assert_eq!(best(&c).label, "degree 3");
    assert_eq!(round(c[3].test_error, 3), 0.115);
    assert_eq!(round(c[6].test_error, 2), 0.75);
    assert_eq!(round(c[6].variance, 2), 0.65);
    assert!(c[3..].windows(2).all(|w| w[1].test_error > w[0].test_error));
    assert!(c[..2].windows(2).all(|w| w[1].test_error < w[0].test_error));
}

#[test]
fn question_2_degree_2_keeps_the_bias_of_degree_1_and_adds_variance() {
    let link = lesson().answer_link(2);
    assert_eq!(decode(&BIAS_VARIANCE, &link).pick, 2);
    let c = capacities(&link);
    let (one, two) = (&c[1], &c[2]);
    assert_eq!(
        (round(two.test_error, 2), round(one.test_error, 2)),
        (0.39, 0.33)
    );
    assert_eq!((round(one.bias2, 2), round(two.bias2, 2)), (0.21, 0.21));
    assert_eq!(
        (round(one.variance, 3), round(two.variance, 3)),
        (0.035, 0.089)
    );
    // The mean of the degree-2 fits is almost the straight line of degree 1.
    let mut run = BiasVariance::new(&decode(&BIAS_VARIANCE, &link)).unwrap();
    run.step(run.total_steps());
    let (line, parabola) = (run.mean_curve(1).unwrap(), run.mean_curve(2).unwrap());
    let apart = line
        .iter()
        .zip(parabola)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    let rms = (line
        .iter()
        .zip(parabola)
        .map(|(a, b)| (a - b) * (a - b))
        .sum::<f64>()
        / line.len() as f64)
        .sqrt();
    assert!(apart < 0.15 && rms < 0.07, "{apart} {rms}");
    // …while single fits bend both ways: the curvature of each varies in sign.
    let bends: Vec<f64> = (0..20)
        .map(|l| {
            let fit = run.fitted_curve(2, l).unwrap();
            fit[0] + fit[100] - 2.0 * fit[50]
        })
        .collect();
    assert!(bends.iter().any(|&b| b > 0.1) && bends.iter().any(|&b| b < -0.1));
}

#[test]
fn a_hundred_points_cut_the_variance_four_times() {
    let link = lesson().try_link("Give every dataset 100 points");
    let c = capacities(&link);
    let few = capacities(&lesson().widget_link("ridge"));
    assert_eq!(round(c[20].variance, 3), 0.017);
    assert!(few[20].variance / c[20].variance > 4.0);
    let best = best(&c);
    assert_eq!(
        (round(best.test_error, 3), best.label.as_str()),
        (0.097, "ln λ = 0.5")
    );
    assert_eq!(
        (round(few[0].bias2, 3), round(c[0].bias2, 3)),
        (0.126, 0.019)
    );
}

#[test]
fn question_3_without_noise_the_sum_is_exact_and_the_most_flexible_model_wins() {
    let lesson = lesson();
    assert!(lesson.questions()[2].prompt.contains("Take the noise away"));
    let link = lesson.try_link("Take the noise away");
    let c = capacities(&link);
    for capacity in &c {
        assert_eq!(capacity.noise, 0.0);
        assert!((capacity.test_error - capacity.sum).abs() <= 1e-12 * capacity.test_error);
    }
    assert!(c.windows(2).all(|w| w[1].test_error < w[0].test_error));
    assert_eq!(best(&c).label, "ln λ = -3");
}

#[test]
fn with_51_parameters_for_25_points_the_best_error_is_0_126_and_vanishing_penalty_explodes_it() {
    let link = lesson().widget_link("over");
    let settings = decode(&BIAS_VARIANCE, &link);
    assert_eq!((settings.bases + 1, settings.samples), (51, 25));
    assert_eq!(settings.pick, 2);
    let c = capacities(&link);
    assert_eq!(c.len(), 13);
    assert!(log_axis(&c), "the caption says the axis is logarithmic");
    let best = best(&c);
    assert_eq!(
        (round(best.test_error, 3), best.label.as_str()),
        (0.126, "ln λ = 0.5")
    );
    assert_eq!(c[2].label, best.label);
    let smaller = capacities(&lesson().widget_link("ridge"));
    assert_eq!(round(self::best(&smaller).test_error, 3), 0.127);
    assert!(best.test_error <= self::best(&smaller).test_error);
    let last = &c[12];
    assert_eq!(last.label, "ln λ = -9.5");
    assert_eq!(round(last.variance, 1), 5.8);
    assert!(c.windows(2).all(|w| w[1].variance > w[0].variance));
    assert_eq!(
        decode(&BIAS_VARIANCE, &lesson().try_link("look at those fits")).pick,
        12
    );
}

#[test]
fn every_widget_and_try_button_of_the_lesson_is_checked_here() {
    let lesson = lesson();
    lesson.assert_contents(
        &["ridge", "poly", "over"],
        &[
            "Pick the most flexible model",
            "Pick it",
            "Look at degree 2",
            "Give every dataset 100 points",
            "Take the noise away",
            "look at those fits",
        ],
        3,
    );
}
