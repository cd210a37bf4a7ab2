//! `sgdlab train --backend gpu` against `--backend cpu`: the same data,
//! initial weights and minibatches must give per-epoch training losses within
//! 1e-3 relative over 20+ epochs, and final accuracies within 2 points.
//!
//! Runs on whatever Vulkan adapter is installed: Mesa's lavapipe in CI
//! (`scripts/setup.sh` installs `mesa-vulkan-drivers`), a real GPU elsewhere.

use std::process::Command;

fn train(backend: &str, args: &[&str]) -> Vec<Vec<f64>> {
    let runtime = std::env::temp_dir().join("sgdlab-xdg-runtime");
    std::fs::create_dir_all(&runtime).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_sgdlab"))
        .args(["train", "--backend", backend])
        .args(args)
        .env("XDG_RUNTIME_DIR", &runtime)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{backend} {args:?}: {stderr}");
    let text = String::from_utf8(output.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("epoch,step,train_loss,test_loss,train_acc,test_acc")
    );
    lines
        .map(|l| l.split(',').map(|f| f.parse().unwrap()).collect())
        .collect()
}

#[test]
fn gpu_and_cpu_curves_agree() {
    let runs: [&[&str]; 4] = [
        &[
            "--dataset",
            "moons",
            "--optimizer",
            "adam",
            "--lr",
            "0.01",
            "--hidden",
            "16,16",
            "--epochs",
            "25",
        ],
        &[
            "--dataset",
            "spirals",
            "--optimizer",
            "sgd",
            "--lr",
            "0.05",
            "--set",
            "momentum=0.9",
            "--set",
            "nesterov=true",
            "--hidden",
            "32,32",
            "--activation",
            "tanh",
            "--epochs",
            "20",
            "--seed",
            "3",
        ],
        &[
            "--dataset",
            "blobs",
            "--optimizer",
            "rmsprop",
            "--lr",
            "0.003",
            "--hidden",
            "24",
            "--batch-size",
            "50",
            "--epochs",
            "20",
            "--seed",
            "7",
        ],
        &[
            "--dataset",
            "circles",
            "--optimizer",
            "adamw",
            "--lr",
            "0.01",
            "--set",
            "amsgrad=true",
            "--hidden",
            "16,8",
            "--activation",
            "sigmoid",
            "--sampling",
            "sequential",
            "--epochs",
            "20",
            "--schedule",
            "cosine_annealing:T_max=20",
        ],
    ];
    for args in runs {
        let cpu = train("cpu", args);
        let gpu = train("gpu", args);
        assert_eq!(cpu.len(), gpu.len(), "{args:?}: epoch count");
        assert!(cpu.len() >= 21);
        for (c, g) in cpu.iter().zip(&gpu) {
            assert_eq!(c[..2], g[..2], "{args:?}: epoch and step columns");
            let relative = (c[2] - g[2]).abs() / c[2].abs();
            assert!(
                relative <= 1e-3,
                "{args:?} epoch {}: cpu loss {} gpu loss {}",
                c[0],
                c[2],
                g[2]
            );
        }
        let (c, g) = (cpu.last().unwrap(), gpu.last().unwrap());
        assert!(
            (c[4] - g[4]).abs() <= 0.02,
            "{args:?}: final train accuracy {} vs {}",
            c[4],
            g[4]
        );
        assert!(
            (c[5] - g[5]).abs() <= 0.02,
            "{args:?}: final test accuracy {} vs {}",
            c[5],
            g[5]
        );
        assert!(g.last().unwrap().is_finite());
    }
}

#[test]
fn optimizers_without_a_gpu_kernel_are_refused_with_one_line() {
    let output = Command::new(env!("CARGO_BIN_EXE_sgdlab"))
        .args([
            "train",
            "--backend",
            "gpu",
            "--dataset",
            "moons",
            "--optimizer",
            "lars",
            "--epochs",
            "1",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("GPU backend"), "{stderr}");
}
