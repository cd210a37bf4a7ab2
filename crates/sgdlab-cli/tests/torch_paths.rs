//! `sgdlab path` against torch.optim in float64 on the named surfaces.
//!
//! The numbers come from `tests/reference/torch_paths_golden.py` (run it to
//! regenerate `torch_paths_golden.json`). Each case is run through the real
//! binary with the same flags a user would type.

use serde_json::Value;
use std::process::Command;

const GOLDEN: &str = include_str!("../../../tests/reference/torch_paths_golden.json");

fn close(ours: f64, torch: f64) -> bool {
    (ours - torch).abs() <= 1e-9 * ours.abs().max(torch.abs()) + 1e-13
}

#[test]
fn paths_match_torch_optim_in_float64() {
    let golden: Value = serde_json::from_str(GOLDEN).unwrap();
    let cases = golden["cases"].as_array().unwrap();
    assert!(cases.len() >= 25);
    for case in cases {
        let surface = case["surface"].as_str().unwrap();
        let optimizer = case["optimizer"].as_str().unwrap();
        let start = &case["start"];
        let mut command = Command::new(env!("CARGO_BIN_EXE_sgdlab"));
        command.args(["path", "--surface", surface, "--optimizer", optimizer]);
        command.arg(format!("--start={},{}", start[0], start[1]));
        command.args(["--steps", &case["steps"].to_string()]);
        for (key, value) in case["surface_params"].as_object().unwrap() {
            command.args(["--surface-set", &format!("{key}={value}")]);
        }
        for (key, value) in case["settings"].as_object().unwrap() {
            command.args(["--set", &format!("{key}={value}")]);
        }
        let output = command.output().unwrap();
        let label = format!("{surface} {optimizer} {}", case["settings"]);
        assert!(
            output.status.success(),
            "{label}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let csv = String::from_utf8(output.stdout).unwrap();
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some("step,x,y,loss"));
        let rows = case["rows"].as_array().unwrap();
        let mut count = 0;
        for (step, (line, expected)) in lines.zip(rows).enumerate() {
            let fields: Vec<f64> = line.split(',').map(|f| f.parse().unwrap()).collect();
            assert_eq!(fields[0] as usize, step, "{label}");
            for (column, (&ours, torch)) in fields[1..]
                .iter()
                .zip(expected.as_array().unwrap())
                .enumerate()
            {
                let torch = torch.as_f64().unwrap();
                assert!(
                    close(ours, torch),
                    "{label}: step {step} column {column}: ours {ours} torch {torch}"
                );
            }
            count += 1;
        }
        assert_eq!(count, rows.len(), "{label}: row count");
    }
}
