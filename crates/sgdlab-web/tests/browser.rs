//! The exported API in a real headless Chromium (wasm-bindgen-test).
#![cfg(target_arch = "wasm32")]

use serde_json::Value;
use sgdlab_web::Playground;
use wasm_bindgen_test::*;
use web_sys::HtmlCanvasElement;

mod common;

use common::*;

wasm_bindgen_test_configure!(run_in_browser);

fn playground(hash: &str) -> (Playground, HtmlCanvasElement, HtmlCanvasElement) {
    let heatmap = canvas(300, 300);
    let overlay = canvas(300, 300);
    let losses = canvas(400, 200);
    (
        Playground::new(hash, heatmap.clone(), overlay.clone(), losses),
        heatmap,
        overlay,
    )
}

#[wasm_bindgen_test]
fn renders_a_heatmap_and_paths() {
    let (mut pg, heatmap, overlay) = playground("");
    pg.render();
    assert!(
        distinct_colors(&pixels(&heatmap)) > 50,
        "the heatmap should be a gradient of colours"
    );
    let before = pixels(&overlay);
    pg.step(50);
    pg.render();
    assert_ne!(before, pixels(&overlay), "stepping should move the paths");
    let status: Value = serde_json::from_str(&pg.status()).unwrap();
    assert_eq!(status["step"], 50);
}

#[wasm_bindgen_test]
fn hostile_hashes_give_errors_not_panics() {
    for hash in [
        "#<script>alert(1)</script>",
        "#f=((((((((((",
        "#o=adam,lr:-1",
        "#start=NaN,1",
        "#%E0%A4%A",
    ] {
        let (mut pg, heatmap, _) = playground(hash);
        let errors: Value = serde_json::from_str(&pg.load_errors()).unwrap();
        assert!(!errors.as_array().unwrap().is_empty(), "{hash}");
        pg.step(5);
        pg.render();
        assert!(
            distinct_colors(&pixels(&heatmap)) > 50,
            "{hash}: blank heatmap"
        );
    }
}

#[wasm_bindgen_test]
fn setters_report_errors_and_keep_state() {
    let (mut pg, _, _) = playground("#s=booth");
    let hash = pg.hash();
    assert!(pg.set_expr("foo(x)").contains("unknown function"));
    assert!(!pg.set_racer_param(0, "lr", "-1").is_empty());
    assert!(!pg.set_surface("nope").is_empty());
    assert!(!pg.set_start(f64::NAN, 0.0).is_empty());
    assert!(!pg.remove_racer(99).is_empty());
    assert!(!pg.set_seed("-3").is_empty());
    assert_eq!(pg.hash(), hash);
    assert_eq!(pg.set_expr("x^2 + 3*y^2"), "");
    assert!(pg.hash().starts_with("f=x%5E2"));
}

#[wasm_bindgen_test]
fn the_hash_reproduces_the_run() {
    let (mut a, _, _) =
        playground("#s=beale&o=adam,lr:0.01&o=sgd,lr:0.001,momentum:0.9&start=1,1.4");
    a.step(40);
    let (mut b, _, _) = playground(&a.hash());
    b.step(40);
    assert_eq!(a.status(), b.status());
    assert_eq!(a.export_csv(), b.export_csv());
}

#[wasm_bindgen_test]
fn readout_and_exports_are_well_formed() {
    let (mut pg, _, _) = playground("#s=saddle&o=sgd,lr:0.1");
    let readout: Value = serde_json::from_str(&pg.readout(150.0, 150.0, 300.0, 300.0)).unwrap();
    assert!(readout["f"].is_number());
    assert_eq!(pg.readout(-5.0, 0.0, 300.0, 300.0), "null");
    pg.step(3);
    assert_eq!(pg.export_csv().lines().count(), 1 + 4);
    let json: Value = serde_json::from_str(&pg.export_json()).unwrap();
    assert_eq!(json["racers"][0]["points"].as_array().unwrap().len(), 4);
}
