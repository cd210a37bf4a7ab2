//! `sgdlab link` on the experiment views of lessons 10–12, with several
//! seeds and sizes: the figures of the CLI contract and the claims the
//! views exist to show, and bad links refused with one line.
//!
//! - `implicit-reg`: the mean of the replicas stays closer to the flow on
//!   the modified loss than to the flow on the loss (gap_modified <
//!   gap_plain);
//! - `bias-variance`: bias² + variance + noise equals the measured test
//!   error within its Monte-Carlo error (5 × residual_std), and across
//!   capacity the variance rises and bias² falls;
//! - `mode-connectivity`: the trained curve's highest training loss is
//!   below the line's and close to the endpoints'.
//!
//! The runs are small where the point survives, since the binary is a
//! debug build here.

use serde_json::Value;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn sgdlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sgdlab"))
        .args(args)
        .output()
        .expect("the sgdlab binary runs")
}

/// The JSON export of `link` run to its end.
fn json(link: &str) -> Value {
    let output = sgdlab(&["link", link, "--format", "json"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{link}: {stderr}");
    assert!(stderr.is_empty(), "{link}: {stderr}");
    serde_json::from_slice(&output.stdout).expect("valid JSON")
}

fn number(value: &Value, key: &str) -> f64 {
    value[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} in {value}"))
}

#[test]
fn implicit_reg_the_mean_is_closer_to_the_modified_flow() {
    let cases = [
        "m=linear&n=16&b=1&lr=0.2&replicas=400",
        "m=linear&n=24&b=4&lr=0.3&epochs=6&replicas=300",
        "m=linear&n=32&b=2&lr=0.1&noise=1&start=2,3&replicas=300",
        "m=logistic&n=20&b=5&lr=0.25&truth=1.5,-2&replicas=300",
        "m=logistic&n=12&b=1&lr=0.15&epochs=3&replicas=500",
    ];
    for case in cases {
        for seed in [1, 5, 12] {
            let link = format!("view=implicit-reg&{case}&seed={seed}");
            let export = json(&link);
            assert_eq!(export["view"], "implicit-reg");
            assert!(
                export["link"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("seed={seed}"))
            );
            assert_eq!(export["steps"], export["total_steps"], "{link}");
            let replicas = link
                .split('&')
                .find_map(|p| p.strip_prefix("replicas="))
                .unwrap();
            assert_eq!(export["replicas"].to_string(), replicas);
            let (plain, modified) = (
                number(&export, "gap_plain"),
                number(&export, "gap_modified"),
            );
            assert!(
                modified < plain,
                "{link}: gap_modified {modified} ≥ gap_plain {plain}"
            );
        }
    }
}

#[test]
fn implicit_reg_default_length_is_the_whole_run_and_csv_has_one_row_per_step() {
    let output = sgdlab(&["link", "view=implicit-reg&replicas=50&n=8&epochs=2"]);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "step,t,epoch_end,mean_1,mean_2,plain_1,plain_2,modified_1,modified_2,\
             distance_plain,distance_modified"
        )
    );
    assert_eq!(lines.count(), 17, "steps 0 to 16");
}

/// The capacities of a bias–variance export, least flexible first.
fn capacities(link: &str) -> Vec<Value> {
    let export = json(link);
    assert_eq!(export["view"], "bias-variance");
    assert_eq!(export["fits"], export["total_fits"], "{link}");
    export["capacities"].as_array().unwrap().clone()
}

/// The share of consecutive capacities where `key` moves the way `rises`
/// says.
fn agreeing(capacities: &[Value], key: &str, rises: bool) -> f64 {
    let moves = capacities.windows(2).filter(|w| {
        let (a, b) = (number(&w[0], key), number(&w[1], key));
        if rises { b > a } else { b < a }
    });
    moves.count() as f64 / (capacities.len() - 1) as f64
}

fn assert_decomposition_adds_up(link: &str, capacities: &[Value]) {
    for c in capacities {
        let (sum, error) = (number(c, "sum"), number(c, "test_error"));
        let parts = number(c, "bias2") + number(c, "variance") + number(c, "noise");
        assert!((parts - sum).abs() <= 1e-12 * sum);
        let margin = 5.0 * number(c, "residual_std") + 1e-12 * error;
        assert!(
            (error - parts).abs() <= margin,
            "{link}, {}: bias² + variance + noise = {parts}, test error {error}",
            c["label"]
        );
    }
}

#[test]
fn bias_variance_ridge_adds_up_and_trades_bias_for_variance() {
    let cases = [
        "sets=60&seed=1",
        "sets=40&n=40&noise=0.5&lambdas=9&seed=2&test=400",
        "sets=50&n=15&noise=0.2&bases=12&width=0.1&lmax=3&lmin=-4&lambdas=8&seed=7",
    ];
    for case in cases {
        let link = format!("view=bias-variance&model=ridge&{case}");
        let c = capacities(&link);
        assert_decomposition_adds_up(&link, &c);
        let (stiff, flexible) = (&c[0], &c[c.len() - 1]);
        assert!(
            number(stiff, "capacity") > number(flexible, "capacity"),
            "λ falls"
        );
        assert!(
            number(stiff, "bias2") > 5.0 * number(flexible, "bias2"),
            "{link}"
        );
        assert!(
            number(flexible, "variance") > 2.0 * number(stiff, "variance"),
            "{link}"
        );
        // The trends, not every step: the part of the variance that comes
        // from where the inputs fall can dip as a fit gets more flexible,
        // and the estimated bias² carries variance/L at the flexible end.
        assert!(
            agreeing(&c, "variance", true) >= 0.8,
            "{link}: variance rises"
        );
        assert!(agreeing(&c, "bias2", false) >= 0.75, "{link}: bias² falls");
    }
}

#[test]
fn bias_variance_polynomials_add_up_and_trade_bias_for_variance() {
    let cases = ["seed=4", "sets=80&n=30&noise=0.4&degree=7&seed=9&test=500"];
    for case in cases {
        let link = format!("view=bias-variance&model=poly&{case}");
        let c = capacities(&link);
        assert_decomposition_adds_up(&link, &c);
        let degrees: Vec<f64> = c.iter().map(|c| number(c, "capacity")).collect();
        assert!(
            degrees.windows(2).all(|w| w[1] == w[0] + 1.0),
            "degrees 0, 1, 2, …"
        );
        let (stiff, flexible) = (&c[0], &c[c.len() - 1]);
        assert!(
            number(stiff, "bias2") > 20.0 * number(flexible, "bias2"),
            "{link}"
        );
        assert!(
            number(flexible, "variance") > 3.0 * number(stiff, "variance"),
            "{link}"
        );
        // sin(2πx) is odd about ½, so bias² falls with each odd degree.
        for k in [1, 3, 5] {
            assert!(
                number(&c[k], "bias2") < number(&c[k - 1], "bias2"),
                "{link}: degree {k}"
            );
        }
    }
}

/// The figures of a mode-connectivity export: endpoints' training losses,
/// and the line's and the curve's highest training losses.
fn connectivity(link: &str) -> ([f64; 2], f64, f64) {
    let export = json(link);
    assert_eq!(export["view"], "mode-connectivity");
    assert_eq!(export["phase"], "done", "{link}");
    let endpoints = export["endpoints"].as_array().unwrap();
    assert_eq!(endpoints.len(), 2);
    (
        [
            number(&endpoints[0], "train_loss"),
            number(&endpoints[1], "train_loss"),
        ],
        number(&export["line"], "max_train_loss"),
        number(&export["curve"], "max_train_loss"),
    )
}

#[test]
fn mode_connectivity_the_curve_removes_the_barrier_of_the_line() {
    let small = "n=200&epochs=50&bend=800&points=21";
    let cases = [
        format!("{small}&seed=1"),
        format!("{small}&seed=6&hidden=8,8"),
        format!("{small}&seed=3&data=circles"),
        format!("{small}&seed=2&data=blobs&b=16"),
        format!("{small}&seed=4&hidden=24&act=tanh&lr=0.02"),
    ];
    for case in &cases {
        let link = format!("view=mode-connectivity&{case}");
        let ([a, b], line, curve) = connectivity(&link);
        let ends = a.max(b);
        assert!(curve < line, "{link}: curve {curve} ≥ line {line}");
        assert!(
            line > ends + 0.05,
            "{link}: the line has a barrier ({line} vs {ends})"
        );
        // Close to the endpoints: at most a fifth of the line's rise above them.
        assert!(
            curve - ends <= 0.2 * (line - ends),
            "{link}: curve {curve}, line {line}, endpoints {a} and {b}"
        );
    }
}

#[test]
fn mode_connectivity_csv_has_one_row_per_t() {
    let output = sgdlab(&[
        "link",
        "view=mode-connectivity&n=100&epochs=5&bend=20&points=5&seed=3",
    ]);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "t,line_train_loss,line_test_loss,line_train_acc,line_test_acc,\
         curve_train_loss,curve_test_loss,curve_train_acc,curve_test_acc"
    );
    assert_eq!(lines.len(), 6);
    assert!(lines[1].starts_with("0,") && lines[5].starts_with("1,"));
    assert!(
        lines[1..]
            .iter()
            .all(|l| l.split(',').all(|f| !f.is_empty()))
    );
}

#[test]
fn bad_links_exit_2_with_one_line() {
    let long = format!("view=bias-variance&{}", "sets=5&".repeat(1000));
    let cases: Vec<(String, &str)> = vec![
        ("view=implicit-reg&b=3".into(), "b:"),
        ("view=implicit-reg&lr=0".into(), "lr:"),
        (
            "view=implicit-reg&replicas=99999999999999999999999".into(),
            "replicas:",
        ),
        (
            "view=implicit-reg&n=1000&b=500&replicas=5000".into(),
            "replicas:",
        ),
        ("view=implicit-reg&map=%zz".into(), "map:"),
        ("view=implicit-reg&start=nan,1".into(), "start:"),
        ("view=bias-variance&lmin=5".into(), "lmin:"),
        ("view=bias-variance&model=spline".into(), "model:"),
        (
            "view=bias-variance&model=poly&n=4&degree=9".into(),
            "degree:",
        ),
        (
            "view=bias-variance&sets=500&n=500&bases=50&lambdas=41&test=5000".into(),
            "sets:",
        ),
        (long, "link:"),
        ("view=mode-connectivity&hidden=0".into(), "hidden:"),
        ("view=mode-connectivity&hidden=8,8,8,8".into(), "hidden:"),
        ("view=mode-connectivity&n=20".into(), "b:"),
        ("view=mode-connectivity&test=1".into(), "test:"),
        ("view=mode-connectivity&data=<script>".into(), "data:"),
        (
            "view=mode-connectivity&n=1000&epochs=2000&hidden=64,64".into(),
            "epochs:",
        ),
        ("view=mode-connectivity&zoom=2".into(), "link:"),
    ];
    for (link, field) in &cases {
        let started = Instant::now();
        let output = sgdlab(&["link", link, "--format", "json"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{link}: {stderr}");
        assert!(output.stdout.is_empty(), "{link}");
        assert_eq!(stderr.lines().count(), 1, "{link}: {stderr}");
        assert!(
            stderr.starts_with(&format!("sgdlab: bad link: {field}")),
            "{link}: {stderr}"
        );
        assert!(stderr.len() < 600, "{link}: {stderr}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{link} is refused at once"
        );
    }
}
