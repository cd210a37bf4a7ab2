//! The stochastic view's exported API in a real headless Chromium
//! (wasm-bindgen-test).
#![cfg(target_arch = "wasm32")]

use sgdlab_web::Stochastic;
use wasm_bindgen_test::*;
use web_sys::HtmlCanvasElement;

mod common;

use common::*;

wasm_bindgen_test_configure!(run_in_browser);

struct View {
    st: Stochastic,
    heatmap: HtmlCanvasElement,
    overlay: HtmlCanvasElement,
    cloud: HtmlCanvasElement,
}

fn view(hash: &str) -> View {
    let (heatmap, overlay, cloud) = (canvas(240, 240), canvas(240, 240), canvas(200, 200));
    let st = Stochastic::new(
        hash,
        heatmap.clone(),
        overlay.clone(),
        canvas(300, 160),
        cloud.clone(),
        canvas(200, 200),
        canvas(200, 200),
    );
    View {
        st,
        heatmap,
        overlay,
        cloud,
    }
}

#[wasm_bindgen_test]
fn draws_the_map_the_paths_and_the_noise_panel() {
    for hash in ["", "#m=logistic&n=300&b=16"] {
        let mut v = view(hash);
        assert_eq!(v.st.load_errors(), "[]", "{hash}");
        v.st.render();
        assert!(
            distinct_colors(&pixels(&v.heatmap)) > 30,
            "{hash}: blank map"
        );
        let before = pixels(&v.overlay);
        v.st.step(20);
        v.st.render();
        assert_ne!(before, pixels(&v.overlay), "{hash}: the paths should move");
        let noise = json(&v.st.update_noise());
        assert!(noise["total_variance"].as_f64().unwrap() > 0.0, "{hash}");
        assert!(
            distinct_colors(&pixels(&v.cloud)) > 5,
            "{hash}: empty cloud"
        );
        let status = json(&v.st.status());
        assert_eq!(status["step"], 20);
        assert_eq!(status["paths"].as_array().unwrap().len(), 3);
    }
}

#[wasm_bindgen_test]
fn the_noise_shrinks_as_the_batch_grows() {
    let mut v = view("#n=200&k=800");
    let mut last = f64::INFINITY;
    for b in ["1", "4", "16", "64"] {
        assert_eq!(v.st.set("b", b), "");
        let noise = json(&v.st.update_noise());
        let measured = noise["total_variance"].as_f64().unwrap();
        let predicted = noise["predicted_variance"].as_f64().unwrap();
        assert!(measured < last, "B = {b}: {measured} after {last}");
        assert!(
            (measured / predicted - 1.0).abs() < 0.25,
            "B = {b}: measured {measured} vs predicted {predicted}"
        );
        last = measured;
    }
}

#[wasm_bindgen_test]
fn setters_check_their_input_and_keep_the_state() {
    let mut v = view("");
    let hash = v.st.hash();
    for (key, value) in [
        ("b", "abc"),
        ("b", "0"),
        ("b", "101"),
        ("lr", "-1"),
        ("lr", "NaN"),
        ("mom", "1"),
        ("order", "class_balanced"),
        ("m", "<img src=x>"),
        ("start", "1e309,0"),
        ("n", "99999999"),
        ("seed", "-1"),
        ("lr", "0.1&b=3"),
        ("view", "x"),
        ("hide", "lr"),
    ] {
        assert!(!v.st.set(key, value).is_empty(), "{key}={value} accepted");
        assert_eq!(v.st.hash(), hash, "{key}={value} changed the state");
    }
    assert_eq!(v.st.set("b", "50"), "");
    assert!(v.st.hash().contains("&b=50&"));
    // Shrinking the data below the batch size takes the batch along.
    assert_eq!(v.st.set("n", "20"), "");
    assert!(v.st.hash().contains("n=20&") && v.st.hash().contains("&b=20&"));
    // Display settings leave the run where it is.
    v.st.step(7);
    assert_eq!(v.st.set("speed", "5"), "");
    assert_eq!(v.st.set("overlay", "0"), "");
    assert_eq!(json(&v.st.status())["step"], 7);
}

#[wasm_bindgen_test]
fn the_hash_reproduces_the_run() {
    let mut a = view("#m=logistic&n=150&b=7&order=replacement&lr=0.8&mom=0.5&start=-2,2.5&seed=9");
    a.st.step(60);
    let mut b = view(&format!("#{}", a.st.hash()));
    b.st.step(60);
    assert_eq!(a.st.status(), b.st.status());
    assert_eq!(a.st.export_csv(), b.st.export_csv());
    let noise = |v: &mut View| {
        let mut n = json(&v.st.update_noise());
        n.as_object_mut().unwrap().remove("compute_ms");
        n
    };
    assert_eq!(noise(&mut a), noise(&mut b));
    // The embed link names the view, and the view accepts it.
    let embed = a.st.embed_hash(true, "lr,bogus");
    assert!(embed.starts_with("view=stochastic&"));
    let c = view(&embed);
    assert_eq!(c.st.load_errors(), "[]");
    assert_eq!(json(&c.st.embed_options())["hide"][0], "lr");
}

#[wasm_bindgen_test]
fn hostile_hashes_give_errors_not_panics() {
    let long = format!("#n={}", "9".repeat(10_000));
    for hash in [
        "#<script>alert(1)</script>",
        "#m=%3Cimg%20src=x%3E&b=-3",
        "#view=training&b=3",
        "#start=NaN,Infinity&lr=1e308",
        "#n=2&b=2&order=class_balanced",
        "#%E0%A4%A",
        long.as_str(),
    ] {
        let mut v = view(hash);
        let errors = json(&v.st.load_errors());
        assert!(!errors.as_array().unwrap().is_empty(), "{hash}");
        v.st.step(5);
        v.st.render();
        assert!(
            distinct_colors(&pixels(&v.heatmap)) > 30,
            "{hash}: blank map"
        );
        let _ = v.st.update_noise();
    }
}

#[wasm_bindgen_test]
fn a_diverging_run_stops_and_says_so() {
    let mut v = view("#lr=50&start=3,3");
    v.st.step(500);
    v.st.render();
    let status = json(&v.st.status());
    let stopped = status["paths"][0]["stopped"].as_str().unwrap_or_default();
    assert!(stopped.contains("diverged at step"), "{status}");
    assert!(status["paths"][0]["loss"].as_f64().unwrap().is_finite());
    assert!(v.st.finished());
}
