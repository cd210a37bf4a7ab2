//! What each view shows, through the JS boundary in a real headless
//! Chromium (wasm-bindgen-test): the gradient noise against the batch size,
//! runs that diverge, the training lab's frame budget and backend choice.
#![cfg(target_arch = "wasm32")]

use sgdlab_web::bench_train_steps;
use wasm_bindgen_test::*;

mod common;

use common::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn the_gradient_noise_shrinks_as_the_batch_grows() {
    let mut w = Mounted::new("stochastic", "n=200&k=800");
    let mut last = f64::INFINITY;
    for b in ["1", "4", "16", "64"] {
        assert_eq!(w.handle.set("b", b), "");
        let noise = json(&w.handle.export_json())["noise"].clone();
        let measured = noise["total_variance"].as_f64().unwrap();
        let predicted = noise["predicted_variance"].as_f64().unwrap();
        assert!(measured < last, "B = {b}: {measured} after {last}");
        assert!(
            (measured / predicted - 1.0).abs() < 0.25,
            "B = {b}: measured {measured} vs predicted {predicted}"
        );
        last = measured;
    }
    w.handle.frame(false, 1);
    let text = w.status()["readouts"]["noise"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(text.contains("B = 64"), "{text}");
    assert!(w.colors("cloud") > 5 && w.colors("variance") > 5 && w.colors("angles") > 5);
}

#[wasm_bindgen_test]
fn a_diverging_run_stops_and_says_so() {
    let mut s = Mounted::new("stochastic", "lr=50&start=3,3");
    s.handle.step(500);
    s.handle.frame(false, 1);
    let status = s.status();
    let stopped = status["runs"][0]["stopped"].as_str().unwrap_or_default();
    assert!(stopped.contains("diverged at step"), "{status}");
    assert!(status["runs"][0]["loss"].as_f64().unwrap().is_finite());
    assert!(s.handle.finished());

    let mut t = Mounted::new(
        "training",
        "d=xor&n=200&h=16&act=tanh&b=10&o=sgd,lr:1e38&o=adam,lr:0.01&epochs=20&backend=cpu",
    );
    t.handle.step(100);
    t.handle.frame(false, 1);
    let status = t.status();
    let stopped = status["runs"][0]["stopped"].as_str().unwrap_or_default();
    assert!(stopped.starts_with("diverged at step"), "{status}");
    assert!(status["runs"][0]["loss"].as_f64().unwrap().is_finite());
    assert!(status["runs"][1]["stopped"].is_null());
    assert!(!t.handle.export_csv().contains("NaN"));
    assert!(t.colors("losses") > 3);
}

#[wasm_bindgen_test]
fn a_training_frame_keeps_to_its_budget() {
    let mut w = Mounted::new("training", "n=1000&h=64,64&b=200&speed=500&backend=cpu");
    w.handle.frame(true, 1);
    let steps = w.step_count();
    assert!((1..500).contains(&steps), "{steps} rounds in one frame");
    assert!(w.handle.frame_time_ms() > 0.0);
}

/// Without a device (this runner's Chromium has no WebGPU flag) the lab
/// trains on the CPU, keeps the backend asked for in its link, and has no
/// device to lose.
#[wasm_bindgen_test]
fn the_backend_choice_lives_in_the_link() {
    let mut w = Mounted::new("training", "d=moons&n=200&h=8,8&b=20&epochs=30");
    let backend = &w.status()["backend"];
    assert_eq!(backend["choice"], "auto");
    assert_eq!(backend["running"], "cpu");
    assert_eq!(backend["label"], "CPU (wasm)");
    assert!(!w.handle.link().contains("backend="), "auto is the default");
    assert_eq!(w.handle.set("backend", "gpu"), "");
    assert!(w.handle.link().contains("backend=gpu"));
    w.handle.step(10);
    assert_eq!(w.step_count(), 10);
    assert!(!w.handle.lose_gpu_for_tests());
    assert_eq!(w.handle.set("backend", "cpu"), "");
    let backend = &w.status()["backend"];
    assert_eq!(backend["choice"], "cpu");
    assert_eq!(backend["notice"], "", "choosing the CPU is no fallback");
    assert!(w.handle.link().contains("backend=cpu"));
}

#[wasm_bindgen_test]
fn the_training_benchmark_helper_runs() {
    let ms = bench_train_steps(64, 32, 20);
    assert!(ms.is_finite() && ms >= 0.0);
}
