//! The facts lessons 1, 3 and 5 rest on, checked through the real binary as
//! a reader would run them: the links the lessons use, given to
//! `sgdlab link`, and the same settings through `sgdlab path`.
//!
//! - steepest descent's first step for each norm (l2, l1, l∞), with the
//!   signs of the gradient's coordinates both ways;
//! - exact line search on the quadratic against Boyd & Vandenberghe's
//!   closed form, for γ = 10 and γ = 100;
//! - Adam's first step without bias correction, against
//!   η(1 − β₁)g / (√((1 − β₂)g²) + ε), at the default and other betas;
//! - κ of the whitened regression, `hessian.condition_number` in
//!   `sgdlab link --format json`: 1 up to rounding for every feature mean,
//!   spread, n and seed.

use serde_json::Value;
use std::process::{Command, Output};

fn sgdlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sgdlab"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(output: Output, args: &[&str]) -> String {
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// `sgdlab link LINK --steps N --format json`.
fn link_json(link: &str, steps: u64) -> Value {
    let steps = steps.to_string();
    let args = ["link", link, "--steps", &steps, "--format", "json"];
    serde_json::from_str(&stdout(sgdlab(&args), &args)).unwrap()
}

fn number(value: &Value) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("a number, got {value}"))
}

/// (x, y) of every point of landscape racer `index` in a link's JSON.
fn racer_path(export: &Value, index: usize) -> Vec<[f64; 2]> {
    export["racers"][index]["points"]
        .as_array()
        .expect("points")
        .iter()
        .map(|p| [number(&p["x"]), number(&p["y"])])
        .collect()
}

/// `sgdlab path … --format csv` as (x, y) per step.
fn path_csv(args: &[&str]) -> Vec<[f64; 2]> {
    let mut all = vec!["path"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "csv"]);
    let text = stdout(sgdlab(&all), &all);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("step,x,y,loss"));
    lines
        .map(|line| {
            let fields: Vec<f64> = line.split(',').map(|f| f.parse().unwrap()).collect();
            [fields[1], fields[2]]
        })
        .collect()
}

/// The unnormalised steepest step Δ for ∇f = g, written out per norm.
fn expected_step(norm: &str, g: [f64; 2]) -> [f64; 2] {
    match norm {
        "l2" => [-g[0], -g[1]],
        "l1" if g[0].abs() >= g[1].abs() => [-g[0], 0.0],
        "l1" => [0.0, -g[1]],
        "linf" => {
            let l1 = g[0].abs() + g[1].abs();
            [-l1 * g[0].signum(), -l1 * g[1].signum()]
        }
        _ => unreachable!(),
    }
}

#[test]
fn steepest_descent_first_steps_for_each_norm_through_link_and_path() {
    // f = x² + 10y² (quadratic a = 1, b = 10): ∇f = (2x, 20y).
    let eta = 0.02;
    for start in [[4.0, 1.0], [-3.0, 0.5], [2.0, -0.05], [-0.5, -0.8]] {
        let g = [2.0 * start[0], 20.0 * start[1]];
        for norm in ["l2", "l1", "linf"] {
            let step = expected_step(norm, g);
            let want = [start[0] + eta * step[0], start[1] + eta * step[1]];
            let link = format!(
                "s=quadratic&p=a:1,b:10&start={},{}&o=steepest,norm:{norm},lr:{eta}",
                start[0], start[1]
            );
            let through_link = racer_path(&link_json(&link, 1), 0)[1];
            let start_text = format!("{},{}", start[0], start[1]);
            let set = format!("norm={norm}");
            let through_path = path_csv(&[
                "--surface",
                "quadratic",
                "--surface-set",
                "a=1",
                "--surface-set",
                "b=10",
                "--start",
                &start_text,
                "--optimizer",
                "steepest",
                "--lr",
                "0.02",
                "--set",
                &set,
                "--steps",
                "1",
            ])[1];
            for axis in 0..2 {
                assert!(
                    (through_link[axis] - want[axis]).abs() < 1e-15,
                    "{norm} from {start:?}: {through_link:?} vs {want:?}"
                );
                assert!((through_path[axis] - want[axis]).abs() < 1e-15);
            }
        }
    }
}

#[test]
fn lesson_1_norms_link_gives_2_4_0_6_then_2_5_0_6_then_2_0_5() {
    let link = "s=quadratic&p=a:1,b:10&start=2.5,1&taylor=1&o=steepest,lr:0.02\
                &o=steepest,norm:l1,lr:0.02&o=steepest,norm:linf,lr:0.02";
    let export = link_json(link, 1);
    let firsts: Vec<[f64; 2]> = (0..3)
        .map(|i| racer_path(&export, i)[1].map(|v| (v * 1e12).round() / 1e12))
        .collect();
    assert_eq!(firsts, [[2.4, 0.6], [2.5, 0.6], [2.0, 0.5]]);
    // The Taylor overlay's steepest step is the first steepest racer's (l2).
    let step = &export["taylor"]["steepest_step"];
    assert_eq!(export["taylor"]["norm"], "l2");
    let at = &export["taylor"]["at"];
    let g = [2.0 * number(&at[0]), 20.0 * number(&at[1])];
    assert_eq!([number(&step[0]), number(&step[1])], [-g[0], -g[1]]);
}

#[test]
fn exact_line_search_follows_the_closed_form_through_link_for_gamma_10_and_100() {
    for (gamma, steps) in [(10.0f64, 40u64), (100.0, 200)] {
        let link =
            format!("s=quadratic&p=a:1,b:{gamma}&start={gamma},1&o=steepest,line_search:exact");
        let export = link_json(&link, steps);
        let path = racer_path(&export, 0);
        assert_eq!(path.len(), steps as usize + 1);
        let ratio = (gamma - 1.0) / (gamma + 1.0);
        for (k, [x, y]) in path.iter().enumerate() {
            let closed = [gamma * ratio.powi(k as i32), (-ratio).powi(k as i32)];
            assert!(
                (x - closed[0]).abs() <= 1e-11 * closed[0].abs()
                    && (y - closed[1]).abs() <= 1e-11 * closed[1].abs(),
                "γ = {gamma}, step {k}: ({x}, {y}) vs {closed:?}"
            );
        }
        // The CSV export of the same link holds the same numbers.
        let steps_text = steps.to_string();
        let args = ["link", &link, "--steps", &steps_text, "--format", "csv"];
        let csv = stdout(sgdlab(&args), &args);
        let last = csv.lines().last().unwrap();
        let fields: Vec<&str> = last.split(',').collect();
        assert_eq!(fields[2], steps_text);
        assert_eq!(fields[3].parse::<f64>().unwrap(), path[steps as usize][0]);
    }
}

#[test]
fn adams_first_step_without_bias_correction_is_the_raw_formula() {
    // f = x² + y² at (1, −2): g = (2, −4).
    let g = [2.0f64, -4.0];
    for (beta1, beta2, lr) in [
        (0.9f64, 0.999f64, 0.1f64),
        (0.8, 0.99, 0.05),
        (0.5, 0.9999, 0.01),
    ] {
        let link = format!(
            "s=quadratic&p=a:1,b:1&start=1,-2&o=adam,lr:{lr},beta1:{beta1},beta2:{beta2},bias_correction:false\
             &o=adam,lr:{lr},beta1:{beta1},beta2:{beta2}"
        );
        let export = link_json(&link, 1);
        assert_eq!(export["racers"][0]["config"]["bias_correction"], false);
        let raw = racer_path(&export, 0)[1];
        let corrected = racer_path(&export, 1)[1];
        for axis in 0..2 {
            let step =
                lr * (1.0 - beta1) * g[axis] / (((1.0 - beta2) * g[axis] * g[axis]).sqrt() + 1e-8);
            let start = [1.0, -2.0][axis];
            assert!(
                (raw[axis] - (start - step)).abs() < 1e-15,
                "β = ({beta1}, {beta2}), axis {axis}: {} vs {}",
                raw[axis],
                start - step
            );
            // Corrected: η·sign(g) up to ε.
            assert!((corrected[axis] - (start - lr * g[axis].signum())).abs() < 1e-9);
        }
    }
    // At the default betas the raw first step is (1 − β₁)/√(1 − β₂) ≈ 3.16 times η.
    let export = link_json(
        "s=quadratic&p=a:1,b:1&start=1,-2&o=adam,lr:0.1,bias_correction:false",
        1,
    );
    let moved = 1.0 - racer_path(&export, 0)[1][0];
    assert_eq!((moved / 0.1 * 100.0).round() / 100.0, 3.16);
}

#[test]
fn whitened_regression_has_kappa_1_for_every_mean_spread_n_and_seed() {
    let mut worst = 0.0f64;
    for (mean, spread) in [
        (0.0, 1.0),
        (3.0, 1.0),
        (-6.0, 0.05),
        (9.0, 0.5),
        (-2.5, 7.5),
    ] {
        for samples in [2, 17, 100, 5000] {
            for seed in [0u64, 7, 12_345] {
                let base = format!(
                    "view=stochastic&n={samples}&xm={mean}&xs={spread}&seed={seed}&b=1&k=10"
                );
                let white = link_json(&format!("{base}&whiten=1"), 0);
                let hessian = &white["hessian"];
                let kappa = number(&hessian["condition_number"]);
                let eigenvalues = [
                    number(&hessian["eigenvalues"][0]),
                    number(&hessian["eigenvalues"][1]),
                ];
                assert!(eigenvalues[0] <= eigenvalues[1]);
                // (serde_json reads numbers back to within an ulp.)
                assert!((kappa - eigenvalues[1] / eigenvalues[0]).abs() <= 1e-15 * kappa);
                for e in eigenvalues {
                    assert!((e - 1.0).abs() < 1e-12, "{base}: {eigenvalues:?}");
                }
                worst = worst.max((kappa - 1.0).abs());
                assert!((kappa - 1.0).abs() < 1e-12, "{base}: κ = {kappa}");
                assert!(white["whitening"]["mean"].is_number());
                // Without whitening κ is that of XᵀX/n = (mean x², mean x; mean x, 1).
                let raw = link_json(&base, 0);
                let m = &raw["hessian"]["matrix"];
                let (a, c, d) = (number(&m[0][0]), number(&m[0][1]), number(&m[1][1]));
                assert!((d - 1.0).abs() < 1e-15);
                let (centre, radius) = ((a + d) / 2.0, ((a - d) / 2.0).hypot(c));
                let kappa_raw = number(&raw["hessian"]["condition_number"]);
                assert!(
                    (kappa_raw - (centre + radius) / (centre - radius)).abs() <= 1e-9 * kappa_raw
                );
                assert!(kappa_raw >= kappa);
            }
        }
    }
    println!("largest |κ − 1| after whitening: {worst:e}");
}

#[test]
fn lesson_3_features_link_reports_kappa_321_then_1() {
    let link = "view=stochastic&m=linear&n=100&noise=0.5&truth=2,-1&seed=0&xm=3&b=10&lr=0.2";
    let raw = link_json(link, 0);
    assert_eq!(number(&raw["hessian"]["condition_number"]).round(), 321.0);
    let white = link_json(&format!("{link}&whiten=1"), 0);
    assert!((number(&white["hessian"]["condition_number"]) - 1.0).abs() < 1e-12);
    // Whitening is refused for the logistic model, with a one-line message.
    let args = [
        "link",
        "view=stochastic&m=logistic&whiten=1",
        "--format",
        "json",
    ];
    let output = sgdlab(&args);
    assert!(!output.status.success());
    let message = String::from_utf8_lossy(&output.stderr);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(message.contains("whiten"), "{message}");
}
