//! The CLI contract of DESIGN.md, and bad input: every malformed or hostile
//! command exits non-zero with one line on stderr, quickly, without a panic.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn sgdlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sgdlab"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn path_csv_has_the_contract_header_and_one_row_per_step() {
    let out = sgdlab(&[
        "path",
        "--surface",
        "rosenbrock",
        "--optimizer",
        "adam",
        "--lr",
        "0.01",
        "--steps",
        "7",
    ]);
    assert!(out.status.success());
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "step,x,y,loss");
    assert_eq!(lines.len(), 1 + 8);
    for (i, line) in lines[1..].iter().enumerate() {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields.len(), 4);
        assert_eq!(fields[0], i.to_string());
        for field in &fields[1..] {
            let value: f64 = field.parse().unwrap();
            // Round-trip precision: printing the parsed value gives the same text.
            assert_eq!(format!("{value:?}"), *field);
        }
    }
}

#[test]
fn negative_start_works_in_both_spellings() {
    for args in [
        vec![
            "path",
            "--surface",
            "booth",
            "--optimizer",
            "sgd",
            "--start",
            "-1.5,2",
            "--steps",
            "1",
        ],
        vec![
            "path",
            "--surface",
            "booth",
            "--optimizer",
            "sgd",
            "--start=-1.5,2",
            "--steps",
            "1",
        ],
    ] {
        let out = sgdlab(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout(&out)
                .lines()
                .nth(1)
                .unwrap()
                .starts_with("0,-1.5,2.0,")
        );
    }
}

#[test]
fn custom_expression_path_descends() {
    let out = sgdlab(&[
        "path",
        "--expr",
        "(x-1)^2 + 3*(y+2)^2",
        "--optimizer",
        "sgd",
        "--lr",
        "0.1",
        "--start=0,0",
        "--steps",
        "50",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    let last: Vec<f64> = text
        .lines()
        .last()
        .unwrap()
        .split(',')
        .map(|f| f.parse().unwrap())
        .collect();
    assert!(
        (last[1] - 1.0).abs() < 1e-3 && (last[2] + 2.0).abs() < 1e-3,
        "{last:?}"
    );
}

#[test]
fn json_output_is_valid_and_carries_the_config() {
    let out = sgdlab(&[
        "path",
        "--surface",
        "quadratic",
        "--surface-set",
        "theta=45",
        "--optimizer",
        "sgd",
        "--set",
        "momentum=0.9",
        "--steps",
        "3",
        "--format",
        "json",
    ]);
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["config"]["momentum"], 0.9);
    assert_eq!(doc["points"].as_array().unwrap().len(), 4);
}

#[test]
fn every_optimizer_runs_on_every_surface() {
    let list = stdout(&sgdlab(&["list", "optimizers"]));
    let surfaces = stdout(&sgdlab(&["list", "surfaces"]));
    let optimizers: Vec<&str> = list
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert!(optimizers.len() >= 12);
    for surface in surfaces
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
    {
        for optimizer in &optimizers {
            let out = sgdlab(&[
                "path",
                "--surface",
                surface,
                "--optimizer",
                optimizer,
                "--steps",
                "20",
            ]);
            assert!(
                out.status.success(),
                "{surface} {optimizer}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(stdout(&out).lines().count() >= 2);
        }
    }
}

#[test]
fn a_diverging_run_stops_and_says_so() {
    let out = sgdlab(&[
        "path",
        "--surface",
        "rosenbrock",
        "--optimizer",
        "sgd",
        "--lr",
        "1",
        "--steps",
        "100",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("diverged at step"), "{err}");
    let text = stdout(&out);
    assert!(text.lines().count() < 102);
    assert!(!text.contains("NaN") && !text.contains("inf"));
}

#[test]
fn torch_validation_messages_reach_the_user() {
    let out = sgdlab(&[
        "path",
        "--surface",
        "booth",
        "--optimizer",
        "sgd",
        "--set",
        "nesterov=true",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("Nesterov momentum requires a momentum and zero dampening")
    );
    let out = sgdlab(&[
        "path",
        "--surface",
        "booth",
        "--optimizer",
        "adam",
        "--set",
        "beta1=1",
    ]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Invalid beta parameter at index 0: 1.0")
    );
}

#[test]
fn hostile_inputs_fail_with_one_line_quickly() {
    let deep = "(".repeat(100_000);
    let minus = "-".repeat(100_000);
    let long_number = "9".repeat(5000);
    let cases: Vec<Vec<&str>> = vec![
        vec![],
        vec!["frobnicate"],
        vec!["path"],
        vec!["path", "--surface", "rosenbrock"],
        vec!["path", "--optimizer", "sgd"],
        vec!["path", "--surface", "nope", "--optimizer", "sgd"],
        vec!["path", "--surface", "rosenbrock", "--optimizer", "nope"],
        vec![
            "path",
            "--surface",
            "rosenbrock",
            "--expr",
            "x",
            "--optimizer",
            "sgd",
        ],
        vec![
            "path",
            "--surface",
            "rosenbrock",
            "--optimizer",
            "sgd",
            "--lr",
            "abc",
        ],
        vec![
            "path",
            "--surface",
            "rosenbrock",
            "--optimizer",
            "sgd",
            "--lr",
            "-1",
        ],
        vec![
            "path",
            "--surface",
            "rosenbrock",
            "--optimizer",
            "sgd",
            "--lr",
            "nan",
        ],
        vec![
            "path",
            "--surface",
            "rosenbrock",
            "--optimizer",
            "sgd",
            "--lr",
            "inf",
        ],
        vec![
            "path",
            "--surface",
            "rosenbrock",
            "--optimizer",
            "sgd",
            "--set",
            "momentum",
        ],
        vec![
            "path",
            "--surface",
            "rosenbrock",
            "--optimizer",
            "sgd",
            "--set",
            "=3",
        ],
        vec![
            "path",
            "--surface",
            "rosenbrock",
            "--optimizer",
            "sgd",
            "--set",
            "betas=0.9",
        ],
        vec![
            "path",
            "--surface",
            "rosenbrock",
            "--optimizer",
            "sgd",
            "--set",
            "nesterov=yes",
        ],
        vec![
            "path",
            "--surface",
            "rosenbrock",
            "--optimizer",
            "sgd",
            "--set",
            "momentum=-0.5",
        ],
        vec![
            "path",
            "--surface",
            "rosenbrock",
            "--optimizer",
            "adam",
            "--set",
            "beta2=1.5",
        ],
        vec![
            "path",
            "--surface",
            "rosenbrock",
            "--optimizer",
            "adam",
            "--set",
            "eps=-1",
        ],
        vec![
            "path",
            "--surface",
            "rosenbrock",
            "--optimizer",
            "sgd",
            "--start",
            "1",
        ],
        vec![
            "path",
            "--surface",
            "rosenbrock",
            "--optimizer",
            "sgd",
            "--start",
            "1,2,3",
        ],
        vec![
            "path",
            "--surface",
            "rosenbrock",
            "--optimizer",
            "sgd",
            "--start",
            "a,b",
        ],
        vec![
            "path",
            "--surface",
            "rosenbrock",
            "--optimizer",
            "sgd",
            "--start",
            "nan,1",
        ],
        vec![
            "path",
            "--surface",
            "rosenbrock",
            "--optimizer",
            "sgd",
            "--start",
            "1e999,1",
        ],
        vec![
            "path",
            "--surface",
            "rosenbrock",
            "--optimizer",
            "sgd",
            "--steps",
            "-3",
        ],
        vec![
            "path",
            "--surface",
            "rosenbrock",
            "--optimizer",
            "sgd",
            "--steps",
            "99999999999999999999999",
        ],
        vec![
            "path",
            "--surface",
            "rosenbrock",
            "--optimizer",
            "sgd",
            "--steps",
            "1000000000",
        ],
        vec![
            "path",
            "--surface",
            "rosenbrock",
            "--optimizer",
            "sgd",
            "--format",
            "xml",
        ],
        vec![
            "path",
            "--surface",
            "rosenbrock",
            "--surface-set",
            "a=2",
            "--optimizer",
            "sgd",
        ],
        vec![
            "path",
            "--surface",
            "quadratic",
            "--surface-set",
            "a=-2",
            "--optimizer",
            "sgd",
        ],
        vec![
            "path",
            "--surface",
            "quadratic",
            "--surface-set",
            "a=nan",
            "--optimizer",
            "sgd",
        ],
        vec![
            "path",
            "--surface",
            "quadratic",
            "--surface-set",
            "zz=1",
            "--optimizer",
            "sgd",
        ],
        vec!["path", "--expr", "", "--optimizer", "sgd"],
        vec!["path", "--expr", "foo(x)", "--optimizer", "sgd"],
        vec!["path", "--expr", "x +* y", "--optimizer", "sgd"],
        vec!["path", "--expr", "2x", "--optimizer", "sgd"],
        vec!["path", "--expr", "sin(x", "--optimizer", "sgd"],
        vec!["path", "--expr", "min(x)", "--optimizer", "sgd"],
        vec!["path", "--expr", "z^2", "--optimizer", "sgd"],
        vec!["path", "--expr", &deep, "--optimizer", "sgd"],
        vec!["path", "--expr", &minus, "--optimizer", "sgd"],
        vec!["path", "--expr", &long_number, "--optimizer", "sgd"],
        vec!["path", "--expr", "x 🙂 y", "--optimizer", "sgd"],
        vec!["path", "--expr", "1e999*x", "--optimizer", "sgd"],
        vec![
            "path",
            "--surface",
            "booth",
            "--optimizer",
            "newton",
            "--set",
            "damping=-1",
        ],
        vec!["list"],
        vec!["list", "everything"],
    ];
    for args in cases {
        let started = Instant::now();
        let out = sgdlab(&args);
        let shown: Vec<String> = args.iter().map(|a| a.chars().take(40).collect()).collect();
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{shown:?} was slow"
        );
        assert_eq!(
            out.status.code(),
            Some(2),
            "{shown:?} should fail with status 2"
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            err.trim_end().lines().count(),
            1,
            "{shown:?}: stderr is not one line: {err}"
        );
        assert!(!err.contains("panicked"), "{shown:?}: {err}");
        assert!(err.len() < 600, "{shown:?}: message too long");
        assert!(out.stdout.is_empty(), "{shown:?}: printed output");
    }
}

#[test]
fn help_and_lists_succeed() {
    assert!(sgdlab(&["--help"]).status.success());
    assert!(sgdlab(&["path", "--help"]).status.success());
    for what in ["surfaces", "optimizers", "datasets"] {
        let out = sgdlab(&["list", what]);
        assert!(out.status.success());
        assert!(stdout(&out).lines().count() >= 6, "{what}");
    }
}
