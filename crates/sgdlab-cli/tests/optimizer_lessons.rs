//! The optimizer facts the course's lessons rest on, checked through the
//! real binary with the flags a reader would type: steepest descent's
//! directions and exact line search (lesson 1), Adam without bias
//! correction (lesson 5), SWATS's switch (lesson 6), Newton and saddle-free
//! Newton at a saddle (lesson 7).

use std::process::{Command, Output};

fn sgdlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sgdlab"))
        .args(args)
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `sgdlab path … --format csv` as rows of (x, y, loss), from step 0.
fn path_rows(args: &[&str]) -> Vec<[f64; 3]> {
    let mut all = vec!["path"];
    all.extend_from_slice(args);
    let out = sgdlab(&all);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("step,x,y,loss"));
    lines
        .enumerate()
        .map(|(step, line)| {
            let fields: Vec<f64> = line.split(',').map(|f| f.parse().unwrap()).collect();
            assert_eq!(fields[0] as usize, step, "{line}");
            [fields[1], fields[2], fields[3]]
        })
        .collect()
}

#[test]
fn exact_line_search_on_the_quadratic_follows_the_closed_form_path() {
    // f = x² + 10y² = 2·½(x² + γy²) with γ = 10, from (γ, 1): Boyd &
    // Vandenberghe §9.3 give x_k = γ·r^k, y_k = (−r)^k, r = (γ − 1)/(γ + 1).
    let rows = path_rows(&[
        "--surface",
        "quadratic",
        "--surface-set",
        "a=1",
        "--surface-set",
        "b=10",
        "--start",
        "10,1",
        "--optimizer",
        "steepest",
        "--set",
        "line_search=exact",
        "--steps",
        "40",
        "--format",
        "csv",
    ]);
    assert_eq!(rows.len(), 41);
    let gamma = 10.0_f64;
    let r = (gamma - 1.0) / (gamma + 1.0);
    let mut worst = 0.0_f64;
    for (k, [x, y, loss]) in rows.iter().enumerate() {
        let expected = [gamma * r.powi(k as i32), (-r).powi(k as i32)];
        for (ours, closed) in [*x, *y].iter().zip(expected) {
            let error = (ours - closed).abs() / closed.abs();
            worst = worst.max(error);
            assert!(error <= 1e-12, "step {k}: {ours} vs {closed}");
        }
        assert!((loss - (x * x + 10.0 * y * y)).abs() <= 1e-15 * loss);
    }
    println!("worst relative error over 40 exact line-search steps: {worst:e}");
}

#[test]
fn steepest_directions_for_each_norm_on_the_first_step() {
    // quadratic with a = 4, b = 1: f = 4x² + y², ∇f(1, 1) = (8, 2).
    for (norm, expected) in [
        ("l2", [1.0 - 0.08, 1.0 - 0.02]),   // −η·g
        ("l1", [1.0 - 0.08, 1.0]),          // −η·g₁·e₁ (|8| > |2|)
        ("linf", [1.0 - 0.10, 1.0 - 0.10]), // −η·‖g‖₁·sign(g)
    ] {
        let rows = path_rows(&[
            "--surface",
            "quadratic",
            "--start",
            "1,1",
            "--optimizer",
            "steepest",
            "--lr",
            "0.01",
            "--set",
            &format!("norm={norm}"),
            "--steps",
            "1",
        ]);
        for (ours, want) in rows[1][..2].iter().zip(expected) {
            assert!((ours - want).abs() < 1e-15, "{norm}: {ours} vs {want}");
        }
    }
}

#[test]
fn armijo_decreases_the_loss_at_every_step() {
    for norm in ["l2", "l1", "linf"] {
        let rows = path_rows(&[
            "--surface",
            "rosenbrock",
            "--optimizer",
            "steepest",
            "--set",
            &format!("norm={norm}"),
            "--set",
            "line_search=armijo",
            "--steps",
            "300",
        ]);
        assert_eq!(rows.len(), 301, "{norm}");
        for (k, pair) in rows.windows(2).enumerate() {
            assert!(pair[1][2] < pair[0][2], "{norm}: step {}", k + 1);
        }
    }
}

#[test]
fn exact_line_search_at_a_saddle_stops_and_says_why() {
    let out = sgdlab(&[
        "path",
        "--surface",
        "saddle",
        "--start",
        "0.1,1",
        "--optimizer",
        "steepest",
        "--set",
        "line_search=exact",
        "--steps",
        "5",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(
        message.contains("stopped at step 1") && message.contains("without bound"),
        "{message}"
    );
}

#[test]
fn bad_steepest_settings_exit_2_with_one_line() {
    for (set, needle) in [
        ("norm=l3", "`norm` must be one of l2, l1, linf, got `l3`"),
        (
            "line_search=newton",
            "`line_search` must be one of none, exact, armijo",
        ),
        ("armijo_beta=1", "strictly between 0 and 1"),
    ] {
        let out = sgdlab(&[
            "path",
            "--surface",
            "booth",
            "--optimizer",
            "steepest",
            "--set",
            set,
        ]);
        assert_eq!(out.status.code(), Some(2), "{set}");
        let message = stderr(&out);
        assert_eq!(message.trim_end().lines().count(), 1, "{message}");
        assert!(message.contains(needle), "{set}: {message}");
    }
}

#[test]
fn the_trainer_refuses_a_line_search() {
    let out = sgdlab(&[
        "train",
        "--dataset",
        "moons",
        "--optimizer",
        "steepest",
        "--set",
        "line_search=armijo",
        "--epochs",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let message = stderr(&out);
    assert!(
        message.contains("steepest cannot train a network") && message.contains("line_search=none"),
        "{message}"
    );
}

#[test]
fn adam_without_bias_correction_takes_the_raw_first_step() {
    // quadratic with a = 4, b = 1 from (1, 1): g = (8, 2). The first step is
    // η(1 − β₁)g / (√((1 − β₂)g²) + ε) in each coordinate, as Adam computes
    // it: m = (1 − β₁)g, v = ((1 − β₂)g)g, θ + (−η·m)/(√v + ε).
    let rows = path_rows(&[
        "--surface",
        "quadratic",
        "--start",
        "1,1",
        "--optimizer",
        "adam",
        "--lr",
        "0.1",
        "--set",
        "bias_correction=false",
        "--steps",
        "1",
    ]);
    let (lr, beta1, beta2, eps) = (0.1_f64, 0.9_f64, 0.999_f64, 1e-8_f64);
    for (ours, g) in rows[1][..2].iter().zip([8.0_f64, 2.0]) {
        let m = (1.0 - beta1) * g;
        let v = ((1.0 - beta2) * g) * g;
        let expected = 1.0 + (-(lr * m)) / (v.sqrt() + eps);
        assert_eq!(*ours, expected);
        // ≈ 1 − 3.16·η: (1 − β₁)/√(1 − β₂) times the corrected step.
        assert!((ours - (1.0 - lr * (1.0 - beta1) / (1.0 - beta2).sqrt())).abs() < 1e-6);
    }
    // With the default (torch's) correction the first step is η·sign(g).
    let corrected = path_rows(&[
        "--surface",
        "quadratic",
        "--start",
        "1,1",
        "--optimizer",
        "adam",
        "--lr",
        "0.1",
        "--steps",
        "1",
    ]);
    assert!((corrected[1][0] - 0.9).abs() < 1e-8 && (corrected[1][1] - 0.9).abs() < 1e-8);
}

#[test]
fn swats_switches_at_step_43_on_the_rotated_quadratic() {
    let out = sgdlab(&[
        "path",
        "--surface",
        "quadratic",
        "--surface-set",
        "a=10",
        "--surface-set",
        "b=1",
        "--surface-set",
        "theta=30",
        "--optimizer",
        "swats",
        "--lr",
        "0.01",
        "--set",
        "switch_tolerance=1e-6",
        "--steps",
        "300",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let document: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(document["switch_step"], 43);
    assert_eq!(document["points"].as_array().unwrap().len(), 301);
}

#[test]
fn newton_jumps_onto_the_saddle_and_saddle_free_newton_moves_away() {
    let saddle = |extra: &[&str]| {
        let mut args = vec![
            "--surface",
            "saddle",
            "--start",
            "1.5,0.7",
            "--optimizer",
            "newton",
            "--steps",
            "1",
        ];
        args.extend_from_slice(extra);
        path_rows(&args)[1]
    };
    // H = diag(2, −2), g = (3, −1.4): the Newton step from (x, y) is −(x, y).
    assert_eq!(saddle(&[]), [0.0, 0.0, 0.0]);
    // |H| = diag(2, 2): x lands on 0 and y doubles, downhill.
    let free = saddle(&["--set", "saddle_free=true"]);
    assert_eq!(free[..2], [0.0, 1.4]);
    assert!(free[2] < 0.0);
    // Damping δ shifts both eigenvalues: with δ = 1, H + δI = diag(3, −1)
    // still has the wrong sign along y, and y flips to −y; with δ = 3 it is
    // diag(5, 1), and the step moves away from the saddle along y.
    let damped = saddle(&["--set", "damping=1"]);
    assert!((damped[0] - 0.5).abs() < 1e-15 && (damped[1] + 0.7).abs() < 1e-15);
    let damped = saddle(&["--set", "damping=3"]);
    assert!((damped[0] - 0.9).abs() < 1e-15 && (damped[1] - 2.1).abs() < 1e-15);
}
