//! `sgdlab link` on the training lab's batch settings: a batch and a warm-up
//! per racer (`batch:`, `warm:` in its `o=` text), the learning rate scaled
//! with the batch (`scale=`) and the curves' x-axis (`x=`). And
//! `sgdlab train --warmup` on the GPU, whose schedule must start where the
//! CPU's does.

use serde_json::Value;
use std::process::{Command, Output};

fn sgdlab(args: &[&str]) -> Output {
    let runtime = std::env::temp_dir().join("sgdlab-xdg-runtime");
    std::fs::create_dir_all(&runtime).unwrap();
    Command::new(env!("CARGO_BIN_EXE_sgdlab"))
        .args(args)
        .env("XDG_RUNTIME_DIR", &runtime)
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// The JSON export of `link` (with `view=training&` in front).
fn json(link: &str, extra: &[&str]) -> Value {
    let link = format!("view=training&{link}");
    let mut args = vec!["link", link.as_str(), "--format", "json"];
    args.extend_from_slice(extra);
    let out = sgdlab(&args);
    assert!(out.status.success(), "{link}: {}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

/// 200 examples, 160 of them for training.
const SMALL: &str = "d=moons&n=200&h=8&epochs=3&b=16";

#[test]
fn the_normalised_link_and_the_runs_carry_each_racers_batch_and_rate() {
    let export = json(
        &format!("{SMALL}&scale=16&warm=2&o=sgd,lr:0.1&o=sgd,lr:0.1,batch:64,warm:0&x=steps"),
        &[],
    );
    let link = export["link"].as_str().unwrap();
    assert!(
        link.contains("&warm=2&scale=16&o=sgd,lr:0.1&o=sgd,lr:0.1,batch:64,warm:0&x=steps&"),
        "{link}"
    );
    assert_eq!(export["x"], "steps");
    assert_eq!(export["scale_lr"], 16);
    let runs = export["runs"].as_array().unwrap();
    assert_eq!(runs[0]["batch"], 16);
    assert_eq!(runs[1]["batch"], 64);
    assert_eq!(runs[0]["lr"], 0.1);
    assert_eq!(runs[1]["lr"], 0.4);
    assert_eq!(runs[1]["written_lr"], 0.1);
    assert_eq!(
        runs[1]["config"]["lr"], 0.4,
        "the optimizer got the scaled rate"
    );
    assert_eq!(runs[0]["warmup"], 2);
    assert_eq!(runs[1]["warmup"], 0);
    assert_eq!(
        runs[1]["label"],
        "sgd (lr 0.1·64/16 = 0.4, B 64, no warm-up)"
    );
    // 160 examples: 10 batches of 16, or 2 of 64 and one of 32.
    assert_eq!(runs[0]["batches_per_epoch"], 10);
    assert_eq!(runs[1]["batches_per_epoch"], 3);
    // The warm-up ramps 0.1 from a third; the other racer has none.
    let rates = |i: usize| -> Vec<f64> {
        runs[i]["lr_by_epoch"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_f64().unwrap())
            .collect()
    };
    let warm = rates(0);
    assert_eq!(warm.len(), 3);
    assert!(
        (warm[0] - 0.1 / 3.0).abs() < 1e-12 && warm[2] == 0.1,
        "{warm:?}"
    );
    assert_eq!(rates(1), [0.4; 3]);
}

#[test]
fn by_default_every_racer_runs_all_its_epochs() {
    let export = json(
        &format!("{SMALL}&o=adam,lr:0.01&o=adam,lr:0.01,batch:160"),
        &[],
    );
    for run in export["runs"].as_array().unwrap() {
        let last = run["curves"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["epoch"], 3.0, "{}", run["label"]);
        assert_eq!(last["examples"], 480, "{}", run["label"]);
    }
    let steps: Vec<u64> = export["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|run| {
            run["curves"].as_array().unwrap().last().unwrap()["step"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(steps, [30, 3]);
}

#[test]
fn the_csv_has_the_examples_seen_of_every_point() {
    let link = format!("view=training&{SMALL}&o=sgd,lr:0.1,batch:32&o=sgd,lr:0.1,batch:64");
    let out = sgdlab(&["link", &link, "--steps", "5"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("optimizer,step,epoch,examples,train_loss,test_loss,train_acc,test_acc")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    // Batch 32: 5 steps per epoch, a point every 2 steps and at 5.
    let first: Vec<(&str, &str, &str)> = rows
        .iter()
        .filter(|r| r[0] == "1:sgd")
        .map(|r| (r[1], r[2], r[3]))
        .collect();
    assert_eq!(
        first,
        [
            ("0", "0", "0"),
            ("2", "0.4", "64"),
            ("4", "0.8", "128"),
            ("5", "1", "160")
        ]
    );
    // Batch 64: 3 steps per epoch (64, 64, 32), so 5 steps have used 160 + 2·64.
    let second: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| r[0] == "2:sgd")
        .map(|r| (r[1], r[3]))
        .collect();
    assert_eq!(second.last(), Some(&("5", "288")));
}

#[test]
fn a_racer_batch_larger_than_the_training_set_is_refused_with_one_line() {
    for (link, wanted) in [
        (
            format!("{SMALL}&o=adam&o=sgd,lr:0.1,batch:161"),
            "bad link: o: optimizer 2: batch:161 is larger than the training set; allowed: 1 to 160",
        ),
        (
            format!("{SMALL}&b=200&o=adam"),
            "bad link: b: a batch of 200 is larger than the training set; allowed: 1 to 160",
        ),
        (
            format!("{SMALL}&o=sgd,batch:0"),
            "bad link: o: optimizer 1: batch must be a whole number from 1 to",
        ),
        (
            format!("{SMALL}&o=sgd,warm:many"),
            "bad link: o: optimizer 1: warm must be a whole number of epochs from 0 to 1000",
        ),
        (
            format!("{SMALL}&scale=-4"),
            "bad link: scale: must be a whole number",
        ),
        (
            format!("{SMALL}&x=minutes"),
            "bad link: x: unknown choice `minutes`",
        ),
    ] {
        let out = sgdlab(&["link", &format!("view=training&{link}")]);
        assert!(!out.status.success(), "{link} accepted");
        let message = stderr(&out);
        assert_eq!(message.lines().count(), 1, "{message}");
        assert!(message.contains(wanted), "{link}: {message}");
    }
}

/// `train` CSV rows as numbers.
fn train(backend: &str, args: &[&str]) -> Vec<Vec<f64>> {
    let mut all = vec!["train", "--backend", backend];
    all.extend_from_slice(args);
    let out = sgdlab(&all);
    assert!(out.status.success(), "{backend}: {}", stderr(&out));
    stdout(&out)
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(|f| f.parse().unwrap()).collect())
        .collect()
}

#[test]
fn a_warm_up_on_the_gpu_starts_from_the_same_rate_as_on_the_cpu() {
    let args = [
        "--dataset",
        "moons",
        "--samples",
        "400",
        "--hidden",
        "16,16",
        "--optimizer",
        "sgd",
        "--lr",
        "0.1",
        "--set",
        "momentum=0.9",
        "--warmup",
        "4",
        "--batch-size",
        "20",
        "--epochs",
        "12",
    ];
    let (cpu, gpu) = (train("cpu", &args), train("gpu", &args));
    assert_eq!(cpu.len(), 13);
    for (c, g) in cpu.iter().zip(&gpu) {
        let relative = (c[2] - g[2]).abs() / c[2];
        assert!(
            relative <= 1e-3,
            "epoch {}: cpu {} gpu {}",
            c[0],
            c[2],
            g[2]
        );
    }
}
