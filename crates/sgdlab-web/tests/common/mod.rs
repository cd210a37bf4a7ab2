//! Canvas helpers shared by the browser test suites.
#![allow(dead_code)] // each suite uses a different subset

use serde_json::Value;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// A detached canvas of this size in device pixels.
pub fn canvas(width: u32, height: u32) -> HtmlCanvasElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let canvas: HtmlCanvasElement = document
        .create_element("canvas")
        .unwrap()
        .dyn_into()
        .unwrap();
    canvas.set_width(width);
    canvas.set_height(height);
    canvas
}

/// Every RGBA byte the canvas holds.
pub fn pixels(canvas: &HtmlCanvasElement) -> Vec<u8> {
    let ctx: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    ctx.get_image_data(
        0.0,
        0.0,
        f64::from(canvas.width()),
        f64::from(canvas.height()),
    )
    .unwrap()
    .data()
    .0
}

/// How many different colours a pixel buffer holds.
pub fn distinct_colors(data: &[u8]) -> usize {
    let mut colors: Vec<&[u8]> = data.chunks_exact(4).collect();
    colors.sort_unstable();
    colors.dedup();
    colors.len()
}

/// Parses JSON a wasm method returned.
pub fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}
