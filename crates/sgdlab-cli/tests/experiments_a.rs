//! `sgdlab link` on the experiment views online-convex, generalisation and
//! data-parallel: the course's reference numbers, every case PyTorch ran
//! for the engines (the committed golden files), other settings, and bad
//! links, through the same path a page link takes.

use serde_json::Value;
use std::process::{Command, Output};

const ONLINE_GOLDEN: &str = include_str!("../../../tests/reference/torch_online_convex.json");
const GENERALISATION_GOLDEN: &str =
    include_str!("../../../tests/reference/torch_generalisation.json");

fn sgdlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sgdlab"))
        .args(args)
        .output()
        .unwrap()
}

/// The JSON export of `link` run for `steps` steps (its own length when `None`).
fn link_json(link: &str, steps: Option<u64>) -> Value {
    let steps = steps.map(|s| s.to_string());
    let mut args = vec!["link", link, "--format", "json"];
    if let Some(steps) = &steps {
        args.extend(["--steps", steps.as_str()]);
    }
    let out = sgdlab(&args);
    assert!(
        out.status.success(),
        "{link}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn number(value: &Value) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("not a number: {value}"))
}

/// A golden result, written as Python's `repr` so it reads back exactly.
fn exact(value: &Value) -> f64 {
    value.as_str().and_then(|t| t.parse().ok()).unwrap()
}

/// The run of `optimizer` in an export's `runs`.
fn run<'a>(export: &'a Value, optimizer: &str) -> &'a Value {
    export["runs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["optimizer"] == optimizer)
        .unwrap_or_else(|| panic!("no run {optimizer}"))
}

#[test]
fn online_convex_reference_adam_ends_at_plus_one_and_amsgrad_near_minus_one() {
    // COURSE.md, lesson 6: C = 3, α = 0.1, 30,000 steps, β₁ = 0, β₂ = 1/(1 + C²).
    let export = link_json("view=online-convex&c=3&alpha=0.1&steps=30000", None);
    assert_eq!(export["view"], "online-convex");
    assert_eq!(export["steps"], 30_000);
    assert_eq!(
        (number(&export["beta1"]), number(&export["beta2"])),
        (0.0, 0.1)
    );
    assert_eq!(number(&export["best_point"]), -1.0);
    let adam = run(&export, "adam");
    assert_eq!(number(&adam["final_x"]), 1.0);
    let amsgrad = number(&run(&export, "amsgrad")["final_x"]);
    assert!((amsgrad - -0.9996).abs() < 5e-5, "{amsgrad}");
    // Adam pays (C − 2)·2/3 per round at x = +1; AMSGrad and SGD tend to 0.
    assert!((number(&adam["average_regret"]) - 2.0 / 3.0).abs() < 0.01);
    for optimizer in ["amsgrad", "sgd"] {
        assert!(number(&run(&export, optimizer)["average_regret"]) < 0.01);
    }
    // The default link is the same run.
    assert_eq!(
        link_json("view=online-convex", None)["runs"],
        export["runs"]
    );
}

/// The link of a case of `torch_online_convex.json`.
fn online_link(config: &Value) -> String {
    let mut link = format!(
        "view=online-convex&problem={}&c={}&alpha={}&start={}&seed={}",
        config["problem"].as_str().unwrap(),
        config["c"],
        config["alpha"],
        config["start"],
        config["seed"]
    );
    for key in ["beta1", "beta2"] {
        if !config[key].is_null() {
            link.push_str(&format!("&{key}={}", config[key]));
        }
    }
    link
}

#[test]
fn online_convex_matches_torch_on_every_committed_case() {
    let golden: Value = serde_json::from_str(ONLINE_GOLDEN).unwrap();
    let cases = golden["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 10);
    for (i, case) in cases.iter().enumerate() {
        let config = &case["config"];
        let steps = config["steps"].as_u64().unwrap();
        // Half the cases give T in the link, half with --steps.
        let base = online_link(config);
        let export = if i % 2 == 0 {
            link_json(&format!("{base}&steps={steps}"), None)
        } else {
            link_json(&base, Some(steps))
        };
        assert_eq!(export["steps"], steps, "{base}");
        // serde_json reads numbers to within an ulp (the export itself
        // writes every bit), so the comparisons allow one.
        let beta2 = exact(&case["beta2"]);
        assert!(
            (number(&export["beta2"]) - beta2).abs() <= 2.0 * f64::EPSILON * beta2,
            "{base}"
        );
        assert_eq!(number(&export["best_point"]), exact(&case["best_point"]));
        for theirs in case["runs"].as_array().unwrap() {
            let ours = run(&export, theirs["optimizer"].as_str().unwrap());
            for key in ["final_x", "average_regret"] {
                let (a, b) = (number(&ours[key]), exact(&theirs[key]));
                assert!(
                    (a - b).abs() <= 1e-14 * b.abs().max(1.0),
                    "{base} {} {key}: {a} vs torch {b}",
                    theirs["optimizer"]
                );
            }
        }
    }
}

#[test]
fn online_convex_steps_flag_and_link_length_give_the_same_export() {
    // More steps than the link's T: the run grows and its link says so.
    for (link, steps) in [
        ("view=online-convex&c=4", 45_000),
        ("view=online-convex&c=2.5&alpha=0.3&steps=100", 777),
        (
            "view=online-convex&problem=stochastic&seed=9&steps=500",
            2_000,
        ),
    ] {
        let by_flag = link_json(link, Some(steps));
        assert_eq!(by_flag["steps"], steps);
        let normalised = by_flag["link"].as_str().unwrap().to_string();
        assert!(
            normalised.contains(&format!("steps={steps}")),
            "{normalised}"
        );
        let by_link = link_json(&format!("view=online-convex&{normalised}"), None);
        assert_eq!(by_flag, by_link, "{link}");
    }
    // Fewer steps than the link's T stop early, with the figures of a run
    // of that length.
    let short = link_json("view=online-convex&c=7", Some(1000));
    assert_eq!(short["steps"], 1000);
    let whole = link_json("view=online-convex&c=7&steps=1000", None);
    assert_eq!(short["runs"], whole["runs"]);
}

#[test]
fn online_convex_with_torch_default_betas_adam_converges() {
    for c in [3, 5, 10] {
        let export = link_json(
            &format!("view=online-convex&c={c}&beta1=0.9&beta2=0.999&steps=30000"),
            None,
        );
        let adam = run(&export, "adam");
        assert!(number(&adam["final_x"]) < -0.99, "C = {c}: {adam}");
        assert!(number(&adam["average_regret"]) < 0.05 * (c as f64 - 2.0) * 2.0 / 3.0);
    }
}

#[test]
fn online_convex_csv_is_the_thinned_series() {
    let out = sgdlab(&["link", "view=online-convex&steps=4000"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "step,adam_x,adam_loss,adam_regret,adam_average_regret,amsgrad_x,amsgrad_loss,\
         amsgrad_regret,amsgrad_average_regret,sgd_x,sgd_loss,sgd_regret,sgd_average_regret"
    );
    let rows: Vec<&str> = lines.collect();
    // The start, then every second round (⌈4000/2000⌉).
    assert_eq!(rows.len(), 2001);
    assert!(rows[0].starts_with("0,0,0,0,0,"));
    // Round 4000 has t mod 3 = 1, a round of slope C = 3: Adam played
    // x = 1 and paid 3, AMSGrad and SGD played close to −1 and gained about 3.
    let last: Vec<f64> = rows[2000].split(',').map(|v| v.parse().unwrap()).collect();
    assert_eq!(last.len(), 13);
    assert_eq!((last[0], last[2]), (4000.0, 3.0));
    assert!(last[6] < -2.99 && last[10] < -2.99, "{last:?}");
}

#[test]
fn generalisation_reference_sgd_generalises_and_the_adaptive_methods_err_on_every_negative() {
    let export = link_json("view=generalisation&n=40&p=0.7", None);
    assert_eq!(export["view"], "generalisation");
    assert_eq!(export["steps"], 1000);
    let share = number(&export["negative_share"]);
    assert!(share > 0.2 && share < 0.4, "{share}");
    assert_eq!(number(&run(&export, "sgd")["test_error"]), 0.0);
    for optimizer in ["adam", "adagrad", "rmsprop"] {
        let racer = run(&export, optimizer);
        assert_eq!(number(&racer["test_error"]), share, "{optimizer}");
        assert!(number(&racer["train_loss"]) < 1e-6, "{optimizer}");
    }
    assert!(number(&run(&export, "sgd")["train_loss"]) < 1e-6);
}

#[test]
fn generalisation_matches_torch_on_every_committed_case() {
    let golden: Value = serde_json::from_str(GENERALISATION_GOLDEN).unwrap();
    for case in golden["cases"].as_array().unwrap() {
        let c = &case["config"];
        let link = format!(
            "view=generalisation&n={}&p={}&seed={}&test={}&steps={}",
            c["n"], c["p"], c["seed"], c["test"], c["steps"]
        );
        let export = link_json(&link, None);
        assert_eq!(export["negative_share"], case["negative_share"], "{link}");
        for theirs in case["runs"].as_array().unwrap() {
            let ours = run(&export, theirs["optimizer"].as_str().unwrap());
            let last = theirs["trajectory"].as_array().unwrap().last().unwrap();
            assert_eq!(ours["test_error"], last["test_error"], "{link}");
            let (a, b) = (number(&ours["train_loss"]), number(&last["train_loss"]));
            assert!((a - b).abs() <= 1e-13, "{link}: loss {a} vs torch {b}");
        }
    }
}

#[test]
fn generalisation_other_n_p_and_seeds_keep_the_gap() {
    for (n, p, seed) in [(60, 0.65, 5), (25, 0.75, 11), (150, 0.6, 2)] {
        let export = link_json(
            &format!("view=generalisation&n={n}&p={p}&seed={seed}&steps=2000"),
            None,
        );
        let share = number(&export["negative_share"]);
        assert_eq!(number(&run(&export, "sgd")["test_error"]), 0.0, "n = {n}");
        for optimizer in ["adam", "adagrad", "rmsprop"] {
            assert_eq!(number(&run(&export, optimizer)["test_error"]), share);
        }
    }
}

/// The data-parallel export for `workers` × `batch` (plus `extra` settings).
fn data_parallel(workers: usize, batch: usize, extra: &str) -> Value {
    link_json(
        &format!("view=data-parallel&workers={workers}&b={batch}{extra}"),
        None,
    )
}

#[test]
fn data_parallel_m_workers_equal_one_worker_with_batch_m_b() {
    for workers in [1, 2, 4, 8] {
        let export = data_parallel(workers, 64 / workers, "");
        assert_eq!(export["view"], "data-parallel");
        assert_eq!(export["workers"], workers);
        assert_eq!(export["shared_seed"], true);
        assert_eq!(export["steps"], 80);
        let diff = number(&export["max_abs_diff"]);
        let scale = number(&export["parameter_scale"]);
        if workers == 1 {
            assert_eq!(diff, 0.0, "one worker is the same computation");
        }
        // Float rounding: a few units in the last place of f32 weights of size ~2.
        assert!(diff <= 1e-6 * scale, "M = {workers}: {diff:e} of {scale}");
    }
}

#[test]
fn data_parallel_other_m_and_b_stay_at_rounding_level() {
    for (workers, batch, extra) in [
        (3, 10, "&mom=0.9&epochs=5"),
        (16, 2, "&data=spirals&act=tanh"),
        (5, 7, "&n=300&lr=0.3&hidden=32"),
        (2, 100, "&data=blobs&seed=4&hidden=-"),
    ] {
        let export = data_parallel(workers, batch, extra);
        assert_eq!(export["workers"], workers);
        assert_eq!(export["batch_size"], batch);
        assert_eq!(export["global_batch"], workers * batch);
        let diff = number(&export["max_abs_diff"]);
        let scale = number(&export["parameter_scale"]);
        assert!(
            diff <= 1e-6 * scale,
            "M = {workers}, B = {batch}{extra}: {diff:e} of {scale}"
        );
    }
}

#[test]
fn data_parallel_pitfalls_move_the_runs_apart() {
    let rounding = number(&data_parallel(4, 16, "")["max_abs_diff"]);
    let separate = data_parallel(4, 16, "&shared_seed=0");
    assert_eq!(separate["shared_seed"], false);
    let summed = data_parallel(4, 16, "&reduce=sum&lr=0.02");
    for export in [separate, summed] {
        let diff = number(&export["max_abs_diff"]);
        assert!(diff > 1e-2 * number(&export["parameter_scale"]), "{diff}");
        assert!(diff > 1e4 * rounding.max(1e-7));
    }
    // Summing is the averaged run at M times the rate, to the bit for M = 4.
    let sum = link_json("view=data-parallel&reduce=sum&lr=0.02", None);
    let scaled = link_json("view=data-parallel&lr=0.08", None);
    assert_eq!(sum["workers_loss"], scaled["workers_loss"]);
}

#[test]
fn data_parallel_speedup_follows_the_wall_clock_model() {
    let export = link_json(
        "view=data-parallel&compute=0.05&allreduce=1&latency=0.05",
        Some(1),
    );
    let speedup = export["speedup"].as_array().unwrap();
    assert_eq!(speedup.len(), 16);
    // G = 64: t(1) = 3.2 ms and t(2) = 1.6 + 1 + 0.1 = 2.7 ms.
    assert!((number(&speedup[0]["step_ms"]) - 3.2).abs() < 1e-12);
    assert!((number(&speedup[1]["step_ms"]) - 2.7).abs() < 1e-12);
    let best = speedup
        .iter()
        .max_by(|a, b| number(&a["speedup"]).total_cmp(&number(&b["speedup"])))
        .unwrap();
    assert!(matches!(best["workers"].as_u64(), Some(3 | 4)), "{best}");
}

#[test]
fn data_parallel_steps_beyond_the_epochs_grow_the_run() {
    let export = link_json("view=data-parallel&epochs=2", Some(21));
    assert_eq!(export["steps"], 21);
    assert!(export["link"].as_str().unwrap().contains("&epochs=3&"));
}

#[test]
fn bad_links_exit_2_with_one_line() {
    let long = format!("view=generalisation&{}", "n=40&".repeat(400));
    for (link, expected) in [
        (
            "view=online-convex&c=abc",
            "bad link: c: `abc` is not a finite number",
        ),
        (
            "view=online-convex&c=2",
            "bad link: c: C must be above 2 (at C = 2 every point ties), got 2",
        ),
        (
            "view=online-convex&beta2=1",
            "bad link: beta2: must be a number from 0 up to but not including 1",
        ),
        (
            "view=online-convex&steps=0",
            "bad link: steps: must be a whole number from 1 to 10000000, got `0`",
        ),
        (
            "view=online-convex&problem=%3Cscript%3E",
            "bad link: problem: unknown choice `<script>`; allowed: periodic, synthetic, stochastic",
        ),
        (
            "view=generalisation&n=0",
            "bad link: n: must be a whole number from 1 to 1000, got `0`",
        ),
        (
            "view=generalisation&p=1.5",
            "bad link: p: must be a number from 0 to 1, got 1.5",
        ),
        (
            "view=generalisation&adam_lr=-1",
            "bad link: adam_lr: must be a number",
        ),
        (&long, "bad link: link: the link is too long"),
        (
            "view=data-parallel&workers=99",
            "bad link: workers: must be a whole number from 1 to 16, got `99`",
        ),
        (
            "view=data-parallel&b=1000",
            "bad link: b: the batch size per worker must be a whole number from 1 to 128",
        ),
        (
            "view=data-parallel&reduce=avg",
            "bad link: reduce: unknown choice `avg`; allowed: mean, sum",
        ),
        (
            "view=data-parallel&hidden=64,64,64",
            "bad link: hidden: each layer width must be a whole number from 1 to 32",
        ),
        (
            "view=data-parallel&zoom=2",
            "bad link: link: unknown setting `zoom`",
        ),
        ("view=online-convexx", "view: unknown view `online-convexx`"),
    ] {
        let out = sgdlab(&["link", link, "--format", "json"]);
        assert_eq!(out.status.code(), Some(2), "{link}");
        assert!(out.stdout.is_empty(), "{link}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{link}: {stderr}");
        assert!(
            stderr.contains(expected),
            "{link}: {stderr} lacks {expected}"
        );
    }
}

#[test]
fn list_views_names_the_three_experiments() {
    let out = sgdlab(&["list", "views"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for name in ["online-convex", "generalisation", "data-parallel"] {
        assert!(text.lines().any(|l| l.starts_with(name)), "{text}");
    }
}
