//! The bias–variance engine: the decomposition adds up to the measured test
//! error within its derived Monte-Carlo error, the trends across capacity,
//! and determinism.

use sgdlab_core::bias_variance::{
    BiasVariance, BiasVarianceConfig, CapacityReport, ModelFamily, PLOT_POINTS,
};

fn run(config: &BiasVarianceConfig) -> BiasVariance {
    let mut run = BiasVariance::new(config).unwrap();
    run.step(run.total_steps());
    assert!(run.finished());
    run
}

#[test]
fn the_decomposition_adds_up_within_its_monte_carlo_error() {
    // error − (bias² + variance + noise) = (2/T)·Σₛ (h̄ − f)(f − yₛ): given
    // the fits, a sum of independent N(0, σ²) label noises with standard
    // deviation 2σ·√(bias²/T) (see the engine's docs). Five of those bound
    // it except with probability below 1e-6 per capacity; the rest is
    // rounding.
    let cases = [
        BiasVarianceConfig::default(),
        BiasVarianceConfig {
            family: ModelFamily::Polynomial,
            ..BiasVarianceConfig::default()
        },
        BiasVarianceConfig {
            datasets: 30,
            samples: 50,
            noise: 0.6,
            test_points: 300,
            lambdas: 7,
            seed: 5,
            ..BiasVarianceConfig::default()
        },
        BiasVarianceConfig {
            family: ModelFamily::Polynomial,
            datasets: 40,
            samples: 12,
            noise: 0.1,
            max_degree: 9,
            test_points: 200,
            seed: 9,
            ..BiasVarianceConfig::default()
        },
    ];
    for (case, config) in cases.iter().enumerate() {
        for seed in [config.seed, config.seed + 1] {
            let config = BiasVarianceConfig {
                seed,
                ..config.clone()
            };
            let run = run(&config);
            let report = run.report();
            assert_eq!(report.capacities.len(), config.capacity_count());
            for c in &report.capacities {
                let residual = c.test_error - c.sum;
                let rounding = 1e-12 * c.test_error;
                assert!(
                    residual.abs() <= 5.0 * c.residual_std + rounding,
                    "case {case}, seed {seed}, {}: error {} vs sum {} (σ of the residual {})",
                    c.label,
                    c.test_error,
                    c.sum,
                    c.residual_std
                );
                assert_eq!(c.sum, c.bias2 + c.variance + c.noise);
            }
        }
    }
}

#[test]
fn without_label_noise_the_decomposition_is_exact() {
    let config = BiasVarianceConfig {
        noise: 0.0,
        datasets: 10,
        lambdas: 5,
        ..BiasVarianceConfig::default()
    };
    for c in run(&config).results() {
        assert_eq!(c.noise, 0.0);
        assert_eq!(c.residual_std, 0.0);
        assert!(
            (c.test_error - c.sum).abs() <= 1e-12 * c.test_error,
            "{}: {} vs {}",
            c.label,
            c.test_error,
            c.sum
        );
    }
}

#[test]
fn the_measured_noise_estimates_sigma_squared() {
    // (1/T)·Σₛ εₛ² with εₛ ~ N(0, σ²): mean σ², standard deviation σ²·√(2/T).
    for seed in 0..4 {
        let config = BiasVarianceConfig {
            seed,
            test_points: 2000,
            datasets: 2,
            lambdas: 2,
            ..BiasVarianceConfig::default()
        };
        let sigma2 = config.noise * config.noise;
        let noise = run(&config).results()[0].noise;
        let standard_deviation = sigma2 * (2.0 / 2000.0_f64).sqrt();
        assert!(
            (noise - sigma2).abs() < 5.0 * standard_deviation,
            "seed {seed}: {noise} vs σ² = {sigma2}"
        );
    }
}

/// The share of consecutive capacities where `value` moves the way `rises`
/// says (ties count as agreeing).
fn agreeing_share(
    results: &[CapacityReport],
    value: fn(&CapacityReport) -> f64,
    rises: bool,
) -> f64 {
    let agreeing = results
        .windows(2)
        .filter(|w| {
            let (a, b) = (value(&w[0]), value(&w[1]));
            if rises { b >= a } else { b <= a }
        })
        .count();
    agreeing as f64 / (results.len() - 1) as f64
}

#[test]
fn ridge_bias_falls_and_variance_rises_as_lambda_shrinks() {
    for seed in 0..4 {
        let config = BiasVarianceConfig {
            seed,
            ..BiasVarianceConfig::default()
        };
        let run = run(&config);
        let r = run.results();
        let (stiff, flexible) = (&r[0], &r[r.len() - 1]);
        assert!(
            stiff.bias2 > 20.0 * flexible.bias2,
            "seed {seed}: bias² {} → {}",
            stiff.bias2,
            flexible.bias2
        );
        assert!(
            flexible.variance > 3.0 * stiff.variance,
            "seed {seed}: variance {} → {}",
            stiff.variance,
            flexible.variance
        );
        assert!(
            agreeing_share(r, |c| c.bias2, false) >= 0.9,
            "seed {seed}: bias²"
        );
        assert!(
            agreeing_share(r, |c| c.variance, true) >= 0.9,
            "seed {seed}: variance"
        );
        // The test error has its minimum inside the range, not at an end
        // (Bishop's figure 3.6).
        let best = (0..r.len())
            .min_by(|&a, &b| r[a].test_error.total_cmp(&r[b].test_error))
            .unwrap();
        assert!(
            0 < best && best < r.len() - 1,
            "seed {seed}: best at {best}"
        );
    }
}

#[test]
fn polynomial_bias_falls_and_variance_rises_with_the_degree() {
    for seed in 0..4 {
        let config = BiasVarianceConfig {
            family: ModelFamily::Polynomial,
            seed,
            ..BiasVarianceConfig::default()
        };
        let run = run(&config);
        let r = run.results();
        let last = r.len() - 1;
        assert!(r[0].bias2 > 20.0 * r[last].bias2, "seed {seed}");
        assert!(r[last].variance > 3.0 * r[0].variance, "seed {seed}");
        // sin(2πx) is odd about ½: bias² falls with each odd degree.
        assert!(
            r[1].bias2 < r[0].bias2 && r[3].bias2 < r[1].bias2 && r[5].bias2 < r[3].bias2,
            "seed {seed}: {:?}",
            r.iter().map(|c| c.bias2).collect::<Vec<_>>()
        );
        assert_eq!(r[3].label, "degree 3");
        assert_eq!(r[3].capacity, 3.0);
    }
}

#[test]
fn a_seed_gives_the_same_figures_and_another_seed_others() {
    let config = BiasVarianceConfig {
        datasets: 30,
        lambdas: 6,
        ..BiasVarianceConfig::default()
    };
    let a = run(&config);
    let b = run(&config);
    assert_eq!(a.report(), b.report());
    assert_eq!(a.csv(), b.csv());
    assert_eq!(a.mean_curve(3), b.mean_curve(3));
    let other = run(&BiasVarianceConfig {
        seed: 1,
        ..config.clone()
    });
    assert_ne!(a.csv(), other.csv());
    // Stepping in pieces is stepping at once.
    let mut pieces = BiasVariance::new(&config).unwrap();
    while !pieces.finished() {
        pieces.step(7);
    }
    assert_eq!(pieces.report(), a.report());
    // Dataset l does not depend on how many datasets there are.
    let fewer = BiasVariance::new(&BiasVarianceConfig {
        datasets: 10,
        shown: 10,
        ..config
    })
    .unwrap();
    assert_eq!(fewer.dataset(4), a.dataset(4));
}

#[test]
fn curves_reports_and_csv_have_the_documented_shapes() {
    let config = BiasVarianceConfig {
        datasets: 10,
        shown: 4,
        lambdas: 3,
        ..BiasVarianceConfig::default()
    };
    let mut run = BiasVariance::new(&config).unwrap();
    assert_eq!(run.total_steps(), 30);
    assert_eq!(run.capacities()[0].label, "ln λ = 2");
    assert_eq!(run.capacities()[1].label, "ln λ = -0.5");
    assert_eq!(run.capacities()[2].capacity, libm::exp(-3.0));
    run.step(2);
    assert_eq!(run.current_capacity(), 0);
    assert!(run.fitted_curve(0, 1).is_some());
    assert!(run.fitted_curve(0, 2).is_none());
    assert!(run.mean_curve(0).is_none());
    assert!(run.report().capacities.is_empty());
    run.step(8);
    assert_eq!(run.current_capacity(), 1);
    assert_eq!(run.results().len(), 1);
    let mean = run.mean_curve(0).unwrap();
    assert_eq!(mean.len(), PLOT_POINTS);
    assert!(
        run.fitted_curve(0, 4).is_none(),
        "only `shown` curves are kept"
    );
    // h̄ is the mean of the fits: at least of the shown ones it is a blend.
    let spread = run.spread_curve(0).unwrap();
    assert!(spread.iter().all(|s| s.is_finite() && *s >= 0.0));
    assert_eq!(run.plot_inputs()[50], 0.5);
    assert!(run.plot_truth()[25] > 0.999);
    run.step(100);
    assert!(run.finished());
    let (x, t) = run.dataset(9);
    assert_eq!((x.len(), t.len()), (25, 25));
    assert!(x.iter().all(|v| (0.0..1.0).contains(v)));
    let csv = run.csv();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "capacity,label,bias2,variance,noise,sum,test_error,residual_std"
    );
    assert_eq!(lines.len(), 4);
    assert!(
        lines[1].starts_with(&format!("{},ln λ = 2,", libm::exp(2.0))),
        "{}",
        lines[1]
    );
    let json = serde_json::to_value(run.report()).unwrap();
    let first = &json["capacities"][0];
    for key in ["capacity", "bias2", "variance", "noise", "test_error"] {
        assert!(first[key].is_number(), "{key} in {first}");
    }
    assert_eq!(first["label"], "ln λ = 2");
    assert_eq!(json["model"], "ridge");
}

#[test]
fn extreme_settings_stay_finite() {
    for config in [
        BiasVarianceConfig {
            family: ModelFamily::Polynomial,
            samples: 16,
            max_degree: 15,
            datasets: 20,
            ..BiasVarianceConfig::default()
        },
        BiasVarianceConfig {
            family: ModelFamily::Polynomial,
            samples: 2,
            max_degree: 1,
            noise: 2.0,
            ..BiasVarianceConfig::default()
        },
        BiasVarianceConfig {
            bases: 50,
            width: 1.0,
            ln_lambda_min: -20.0,
            ln_lambda_max: 20.0,
            lambdas: 5,
            samples: 3,
            datasets: 5,
            shown: 5,
            ..BiasVarianceConfig::default()
        },
        BiasVarianceConfig {
            bases: 1,
            width: 0.01,
            ..BiasVarianceConfig::default()
        },
    ] {
        let run = run(&config);
        for c in run.results() {
            for v in [c.bias2, c.variance, c.noise, c.test_error, c.residual_std] {
                assert!(v.is_finite() && v >= 0.0, "{config:?}: {c:?}");
            }
        }
        serde_json::to_string(&run.report()).unwrap();
    }
}
