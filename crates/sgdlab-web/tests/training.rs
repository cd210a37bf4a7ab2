//! The training lab's exported API in a real headless Chromium
//! (wasm-bindgen-test).
#![cfg(target_arch = "wasm32")]

use serde_json::Value;
use sgdlab_web::{TrainingLab, bench_train_steps};
use wasm_bindgen_test::*;
use web_sys::HtmlCanvasElement;

mod common;

use common::*;

wasm_bindgen_test_configure!(run_in_browser);

struct Lab {
    lab: TrainingLab,
    boundary: HtmlCanvasElement,
    losses: HtmlCanvasElement,
    thumbs: Vec<HtmlCanvasElement>,
}

fn lab(hash: &str) -> Lab {
    let (boundary, losses) = (canvas(200, 200), canvas(300, 160));
    let thumbs: Vec<HtmlCanvasElement> = (0..4).map(|_| canvas(48, 48)).collect();
    let array = js_sys::Array::new();
    for t in &thumbs {
        array.push(t);
    }
    let lab = TrainingLab::new(
        hash,
        boundary.clone(),
        losses.clone(),
        canvas(300, 160),
        array,
    );
    Lab {
        lab,
        boundary,
        losses,
        thumbs,
    }
}

const SMALL: &str = "#d=moons&n=200&h=8,8&b=20&epochs=30&o=adam,lr:0.02&o=sgd,lr:0.2,momentum:0.9";

#[wasm_bindgen_test]
fn trains_side_by_side_and_draws() {
    let mut l = lab(SMALL);
    assert_eq!(l.lab.load_errors(), "[]");
    let before = json(&l.lab.status());
    l.lab.step(80);
    l.lab.render_curves();
    l.lab.render_boundaries();
    let status = json(&l.lab.status());
    assert_eq!(status["step"], 80);
    assert_eq!(status["runs"].as_array().unwrap().len(), 2);
    for i in 0..2 {
        let loss = |s: &Value| s["runs"][i]["metrics"]["train_loss"].as_f64().unwrap();
        assert!(loss(&status) < loss(&before), "run {i} should learn");
    }
    // Same data and same initial weights: identical metrics at step 0.
    assert_eq!(before["runs"][0]["metrics"], before["runs"][1]["metrics"]);
    assert_eq!(status["norms"].as_array().unwrap().len(), 6);
    assert!(distinct_colors(&pixels(&l.boundary)) > 20, "blank boundary");
    assert!(distinct_colors(&pixels(&l.losses)) > 3, "blank curves");
    assert!(
        distinct_colors(&pixels(&l.thumbs[1])) > 5,
        "blank thumbnail"
    );
}

#[wasm_bindgen_test]
fn the_frame_budget_bounds_the_work() {
    let mut l = lab("#n=2000&h=128,128&b=256&speed=500");
    let rounds = l.lab.train_frame(500, 5.0);
    assert!((1..500).contains(&rounds), "{rounds} rounds in 5 ms");
    assert!(l.lab.frame_time_ms() >= 0.0);
}

#[wasm_bindgen_test]
fn the_hash_reproduces_the_curves() {
    let mut a = lab(SMALL);
    a.lab.step(55);
    let mut b = lab(&format!("#{}", a.lab.hash()));
    b.lab.train_frame(30, 1000.0);
    b.lab.step(25);
    assert_eq!(a.lab.status(), b.lab.status());
    assert_eq!(a.lab.export_csv(), b.lab.export_csv());
    let embed = a.lab.embed_hash(true, "norms,nonsense");
    assert!(embed.starts_with("view=training&"));
    let c = lab(&embed);
    assert_eq!(c.lab.load_errors(), "[]");
    assert_eq!(json(&c.lab.embed_options())["hide"][0], "norms");
}

#[wasm_bindgen_test]
fn setters_check_their_input_and_keep_the_state() {
    let mut l = lab(SMALL);
    let hash = l.lab.hash();
    for (key, value) in [
        ("h", "16,abc"),
        ("h", "2000"),
        ("h", "1,1,1,1,1,1,1"),
        ("n", "5"),
        ("b", "100000"),
        ("b", "500"),
        ("d", "<img src=x>"),
        ("act", "gelu"),
        ("sched", "cosine_annealing:T_max=-3"),
        ("sched", "warp"),
        ("wd", "-1"),
        ("test", "1"),
        ("o", "adam"),
        ("epochs", "0"),
    ] {
        assert!(!l.lab.set(key, value).is_empty(), "{key}={value} accepted");
        assert_eq!(l.lab.hash(), hash, "{key}={value} changed the state");
    }
    assert!(!l.lab.set_racer_param(0, "lr", "-1").is_empty());
    assert!(!l.lab.set_racer_param(0, "nonsense", "1").is_empty());
    assert!(!l.lab.set_racer_optimizer(0, "newton").is_empty());
    assert!(!l.lab.remove_racer(7).is_empty());
    assert_eq!(l.lab.hash(), hash);

    assert_eq!(l.lab.set("h", "4,4,4"), "");
    assert_eq!(l.lab.set("sched", "step:step_size=5,gamma=0.5"), "");
    assert_eq!(l.lab.set("warm", "3"), "");
    assert_eq!(l.lab.add_racer("rmsprop"), "");
    assert_eq!(l.lab.add_racer("lars"), "");
    assert!(!l.lab.add_racer("adagrad").is_empty(), "a fifth optimizer");
    assert_eq!(l.lab.set_racer_param(2, "lr", "0.001"), "");
    let hash = l.lab.hash();
    assert!(
        hash.contains("h=4,4,4") && hash.contains("warm=3"),
        "{hash}"
    );
    assert_eq!(json(&l.lab.status())["runs"].as_array().unwrap().len(), 4);
}

#[wasm_bindgen_test]
fn divergence_stops_the_run_and_says_so() {
    let mut l = lab("#d=xor&n=200&h=16&act=tanh&b=10&o=sgd,lr:1e38&o=adam,lr:0.01&epochs=20");
    l.lab.step(100);
    l.lab.render_curves();
    let status = json(&l.lab.status());
    let stopped = status["runs"][0]["stopped"].as_str().unwrap_or_default();
    assert!(stopped.starts_with("diverged at step"), "{status}");
    assert!(
        status["runs"][0]["metrics"]["train_loss"]
            .as_f64()
            .unwrap()
            .is_finite()
    );
    assert!(status["runs"][1]["stopped"].is_null());
    assert!(!l.lab.export_csv().contains("NaN"));
}

#[wasm_bindgen_test]
fn hostile_hashes_give_errors_not_panics() {
    let long = format!("#h={}", "9,".repeat(3000));
    for hash in [
        "#<script>alert(1)</script>",
        "#d=%3Cimg%20src=x%3E&h=-1",
        "#view=stochastic",
        "#o=newton&o=adam,lr:NaN&o=sgd,lr:1e400",
        "#n=10000&h=1024,1024,1024",
        "#sched=step:step_size=1e99",
        "#%E0%A4%A",
        long.as_str(),
    ] {
        let mut l = lab(hash);
        let errors = json(&l.lab.load_errors());
        assert!(!errors.as_array().unwrap().is_empty(), "{hash}");
        l.lab.step(3);
        l.lab.render_boundaries();
        assert!(distinct_colors(&pixels(&l.boundary)) > 10, "{hash}: blank");
    }
}

#[wasm_bindgen_test]
fn the_training_benchmark_helper_runs() {
    let ms = bench_train_steps(64, 32, 20);
    assert!(ms.is_finite() && ms >= 0.0);
}

/// Without a device (this runner's Chromium has no WebGPU flag) the lab
/// trains on the CPU, keeps the backend asked for in its link, and shows
/// the notice it is given.
#[wasm_bindgen_test]
fn the_backend_choice_lives_in_the_link_and_the_cpu_fallback_says_why() {
    let mut l = lab(SMALL);
    let backend = json(&l.lab.backend_json());
    assert_eq!(backend["choice"], "auto");
    assert_eq!(backend["running"], "cpu");
    assert_eq!(backend["label"], "CPU (wasm)");
    assert_eq!(backend["notice"], "");
    assert!(!l.lab.hash().contains("backend="), "auto is the default");

    assert_eq!(l.lab.set("backend", "gpu"), "");
    assert!(l.lab.hash().contains("backend=gpu"));
    assert!(l.lab.set("backend", "tpu").contains("unknown backend"));
    l.lab
        .use_cpu("WebGPU is not available in this browser: training on the CPU.");
    let backend = json(&l.lab.backend_json());
    assert_eq!(backend["choice"], "gpu");
    assert_eq!(backend["running"], "cpu");
    assert!(
        backend["notice"]
            .as_str()
            .unwrap()
            .starts_with("WebGPU is not")
    );
    l.lab.step(10);
    assert!(!l.lab.poll(), "nothing in flight on the CPU");
    assert_eq!(json(&l.lab.status())["step"], 10);
    assert!(!l.lab.lose_gpu_for_tests());

    // Choosing the CPU is no fallback: the notice goes.
    assert_eq!(l.lab.set("backend", "cpu"), "");
    assert_eq!(json(&l.lab.backend_json())["notice"], "");
    assert!(l.lab.hash().contains("backend=cpu"));
}
