//! `sgdlab train` against the CLI contract of DESIGN.md: the CSV header and
//! rows, JSON, plots, and bad input that exits 2 with one line.

use std::process::{Command, Output};

fn sgdlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sgdlab"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// A small, quick run; `extra` flags are appended.
fn train(extra: &[&str]) -> Output {
    let mut args = vec![
        "train",
        "--dataset",
        "moons",
        "--samples",
        "200",
        "--hidden",
        "16,16",
        "--optimizer",
        "adam",
        "--lr",
        "0.01",
    ];
    args.extend_from_slice(extra);
    sgdlab(&args)
}

#[test]
fn csv_has_the_contract_header_and_one_row_per_epoch_from_epoch_0() {
    let out = train(&["--epochs", "5", "--batch-size", "40"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "epoch,step,train_loss,test_loss,train_acc,test_acc"
    );
    assert_eq!(lines.len(), 1 + 6);
    let mut losses = Vec::new();
    for (epoch, line) in lines[1..].iter().enumerate() {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields.len(), 6, "{line}");
        assert_eq!(fields[0], epoch.to_string());
        // 160 training examples in batches of 40: 4 steps per epoch, none before epoch 1.
        assert_eq!(fields[1], (4 * epoch).to_string());
        for field in &fields[2..] {
            let value: f64 = field.parse().unwrap();
            assert!(value.is_finite() && value >= 0.0, "{line}");
            assert_eq!(format!("{value:?}"), *field, "round-trip precision");
        }
        losses.push(fields[2].parse::<f64>().unwrap());
    }
    assert!(losses[5] < losses[0], "{losses:?}");
}

#[test]
fn the_same_seed_prints_the_same_curve() {
    let run = |seed: &str| {
        stdout(&train(&[
            "--epochs",
            "3",
            "--seed",
            seed,
            "--sampling",
            "replacement",
        ]))
    };
    assert_eq!(run("9"), run("9"));
    assert_ne!(run("9"), run("10"));
}

#[test]
fn json_carries_the_config_and_the_curve() {
    let out = train(&[
        "--epochs",
        "2",
        "--format",
        "json",
        "--weight-decay",
        "0.001",
        "--sampling",
        "class_balanced",
        "--activation",
        "tanh",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["config"]["dataset"], "moons");
    assert_eq!(doc["config"]["activation"], "tanh");
    assert_eq!(doc["config"]["sampling"], "class_balanced");
    assert_eq!(doc["config"]["optimizer"]["name"], "adam");
    assert_eq!(doc["optimizer_config"]["weight_decay"], 0.001);
    let curve = doc["curve"].as_array().unwrap();
    assert_eq!(curve.len(), 3);
    assert_eq!(curve[0]["epoch"], 0);
    assert_eq!(curve[0]["step"], 0);
    assert!(curve[2]["train_loss"].as_f64().unwrap() < curve[0]["train_loss"].as_f64().unwrap());
    // 2-16-16-2: six tensors, each with its norms and trust ratio.
    assert_eq!(doc["parameters"], 2 * 16 + 16 + 16 * 16 + 16 + 16 * 2 + 2);
    let norms = doc["layer_norms"].as_array().unwrap();
    assert_eq!(norms.len(), 6);
    assert!(
        norms
            .iter()
            .all(|n| n["trust_ratio"].as_f64().unwrap() > 0.0)
    );
    assert!(doc["diverged"].is_null());
}

#[test]
fn schedules_in_both_forms_and_warmup_are_accepted() {
    for extra in [
        &["--schedule", "step:step_size=2,gamma=0.5"][..],
        &["--schedule", r#"{"kind":"cosine_annealing","T_max":3}"#],
        &["--schedule", "multi_step:milestones=1;2"],
        &["--schedule", "reduce_on_plateau:patience=1,mode=min"],
        &["--warmup", "2"],
        &["--warmup", "2", "--schedule", "exponential:gamma=0.9"],
    ] {
        let mut args = vec!["--epochs", "3", "--format", "json"];
        args.extend_from_slice(extra);
        let out = train(&args);
        assert!(out.status.success(), "{extra:?}: {}", stderr(&out));
        let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(doc["curve"].as_array().unwrap().len(), 4, "{extra:?}");
    }
}

#[test]
fn an_empty_test_set_leaves_the_test_columns_empty() {
    let out = train(&["--epochs", "1", "--test-fraction", "0"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let row: Vec<&str> = text.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(row[3], "");
    assert_eq!(row[5], "");
}

#[test]
fn a_diverging_run_stops_and_says_so() {
    let out = sgdlab(&[
        "train",
        "--dataset",
        "moons",
        "--samples",
        "200",
        "--optimizer",
        "sgd",
        "--lr",
        "1e6",
        "--epochs",
        "20",
    ]);
    assert!(out.status.success());
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("sgdlab: training diverged at step "),
        "{err}"
    );
    let text = stdout(&out);
    // The rows stop before the diverged epoch and hold no NaN.
    assert!(text.lines().count() < 1 + 21);
    assert!(!text.to_lowercase().contains("nan") && !text.contains("inf"));
}

#[test]
fn plots_are_written_as_png_and_svg() {
    let dir = std::env::temp_dir().join(format!("sgdlab-train-plot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let png = dir.join("curves.png");
    let svg = dir.join("curves.svg");
    for (path, font) in [
        (&png, None),
        (&svg, None),
        (&dir.join("plain.png"), Some("none")),
    ] {
        let mut command = Command::new(env!("CARGO_BIN_EXE_sgdlab"));
        command.args([
            "train",
            "--dataset",
            "blobs",
            "--samples",
            "150",
            "--hidden",
            "8",
            "--optimizer",
            "adam",
            "--lr",
            "0.05",
            "--epochs",
            "3",
            "--plot",
        ]);
        command.arg(path);
        if let Some(font) = font {
            command.env("SGDLAB_FONT", font);
        }
        let out = command.output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    // The IHDR chunk holds the width and height, big-endian.
    assert_eq!(u32::from_be_bytes(bytes[16..20].try_into().unwrap()), 1200);
    assert_eq!(u32::from_be_bytes(bytes[20..24].try_into().unwrap()), 480);
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg") && text.trim_end().ends_with("</svg>"));
    assert!(text.contains("decision boundary") && text.contains("accuracy"));
    assert!(!text.contains("NaN"));
    assert_eq!(
        &std::fs::read(dir.join("plain.png")).unwrap()[..4],
        b"\x89PNG"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_input_exits_2_with_one_line() {
    let base = ["train", "--dataset", "moons", "--optimizer", "adam"];
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["train", "--optimizer", "adam"],
            "--dataset NAME is required; allowed: spirals",
        ),
        (
            vec!["train", "--dataset", "moons"],
            "--optimizer NAME is required; allowed: sgd",
        ),
        (
            vec!["train", "--dataset", "swirl", "--optimizer", "sgd"],
            "unknown dataset `swirl`",
        ),
        (
            vec!["train", "--dataset", "xor", "--optimizer", "adamm"],
            "unknown optimizer `adamm`",
        ),
        (
            vec!["train", "--dataset", "xor", "--optimizer", "newton"],
            "newton cannot train a network",
        ),
        (vec!["--samples", "5"], "`samples` = 5 is out of range"),
        (
            vec!["--samples", "1000000"],
            "`samples` = 1000000 is out of range",
        ),
        (vec!["--samples", "-5"], "--samples must be a whole number"),
        (vec!["--noise", "-0.1"], "`noise` = -0.1 is out of range"),
        (vec!["--noise", "nan"], "--noise must be a finite number"),
        (
            vec!["--test-fraction", "1"],
            "`test_fraction` = 1 is out of range",
        ),
        (vec!["--hidden", "64,x"], "--hidden expects widths"),
        (vec!["--hidden", "64,0"], "a layer of width 0"),
        (vec!["--hidden", "4096"], "widths from 1 to 1024"),
        (vec!["--hidden", "8,8,8,8,8,8,8"], "at most 6 hidden layers"),
        (vec!["--activation", "gelu"], "allowed: relu, tanh, sigmoid"),
        (vec!["--lr", "-1"], "Invalid learning rate: -1.0"),
        (vec!["--lr", "abc"], "`lr` must be a finite number"),
        (vec!["--set", "momentum"], "--set expects KEY=VALUE"),
        (vec!["--set", "betas=0.9"], "no hyperparameter `betas`"),
        (vec!["--weight-decay", "-1"], "Invalid weight_decay value"),
        (
            vec!["--batch-size", "0"],
            "`batch_size` = 0 is out of range",
        ),
        (
            vec!["--batch-size", "100000"],
            "`batch_size` = 100000 is out of range",
        ),
        (
            vec!["--epochs", "10001"],
            "`epochs` = 10001 is out of range",
        ),
        (vec!["--epochs", "-3"], "--epochs must be a whole number"),
        (vec!["--seed", "-1"], "--seed must be a whole number"),
        (
            vec!["--sampling", "random"],
            "unknown sampling order `random`",
        ),
        (
            vec!["--schedule", "sawtooth"],
            "not a learning-rate schedule",
        ),
        (vec!["--schedule", "step:step_size=0"], "step_size"),
        (
            vec!["--schedule", "{not json"],
            "not a learning-rate schedule",
        ),
        (vec!["--warmup", "0"], "total_iters"),
        (
            vec!["--warmup", "2", "--schedule", "warmup"],
            "already a warm-up",
        ),
        (vec!["--backend", "tpu"], "invalid value 'tpu'"),
        (vec!["--format", "xml"], "invalid value 'xml'"),
        (
            vec!["--plot", "out.jpg"],
            "--plot needs a file name ending in .png or .svg",
        ),
        (
            vec!["--plot", "/nonexistent-dir/x.png"],
            "cannot draw /nonexistent-dir/x.png",
        ),
    ];
    for (args, expected) in cases {
        let full: Vec<&str> = if args.first() == Some(&"train") {
            args.clone()
        } else {
            base.iter().copied().chain(args.iter().copied()).collect()
        };
        let out = sgdlab(&full);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("sgdlab: "), "{args:?}: {err}");
        assert!(
            err.contains(expected),
            "{args:?}: expected `{expected}` in {err}"
        );
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn negative_values_reach_the_validator_in_both_spellings() {
    for lr in [["--lr", "-0.5"].as_slice(), &["--lr=-0.5"]] {
        let mut args = vec!["train", "--dataset", "xor", "--optimizer", "sgd"];
        args.extend_from_slice(lr);
        let out = sgdlab(&args);
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stderr(&out).contains("Invalid learning rate: -0.5"),
            "{}",
            stderr(&out)
        );
    }
}
