//! Shared pieces of the browser test suites: widgets mounted through the
//! JS boundary ([`WidgetHandle`]) on real canvases, and pixel probes.
#![allow(dead_code)] // each suite uses a different subset

use serde_json::Value;
use sgdlab_web::{REGISTRY, WidgetHandle};
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
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// A widget mounted as the `<sgdlab-widget>` element mounts it: one canvas
/// per layer of every plot its layout shows, handed over with `attach`.
pub struct Mounted {
    pub handle: WidgetHandle,
    pub layers: Vec<(String, HtmlCanvasElement)>,
    /// Width in device pixels of the main plot and of the others.
    widths: [f64; 2],
}

impl Mounted {
    /// Mounts `view` in the state `link`, its main plot 240 pixels wide
    /// and the others 160; panics on an unknown view.
    pub fn new(view: &str, link: &str) -> Self {
        Self::sized(view, link, [240.0, 160.0])
    }

    /// Mounted on small canvases (96 and 64 pixels wide), for tests that
    /// mount many widgets.
    pub fn small(view: &str, link: &str) -> Self {
        Self::sized(view, link, [96.0, 64.0])
    }

    fn sized(view: &str, link: &str, widths: [f64; 2]) -> Self {
        let handle = WidgetHandle::new(view, link)
            .unwrap_or_else(|e| panic!("{view} refused to mount: {e:?}"));
        let mut mounted = Self {
            handle,
            layers: Vec::new(),
            widths,
        };
        mounted.attach();
        mounted
    }

    /// Creates and attaches the canvases the layout asks for (again, after
    /// a change of the layout such as a racer added to the training lab).
    pub fn attach(&mut self) {
        let layout = json(&self.handle.layout());
        for plot in layout["plots"].as_array().unwrap() {
            if plot["hidden"] == true {
                continue;
            }
            let width = if plot["main"] == true {
                self.widths[0]
            } else {
                self.widths[1]
            };
            let height = (width * plot["aspect"].as_f64().unwrap()).round();
            for layer in plot["layers"].as_array().unwrap() {
                let name = layer.as_str().unwrap();
                if self.layers.iter().any(|(n, _)| n == name) {
                    continue;
                }
                let layer_canvas = canvas(width as u32, height as u32);
                self.handle.attach(name, layer_canvas.clone());
                self.layers.push((name.to_string(), layer_canvas));
            }
        }
    }

    /// The canvas of layer `name`.
    pub fn layer(&self, name: &str) -> &HtmlCanvasElement {
        &self
            .layers
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no layer `{name}`"))
            .1
    }

    /// The bottom layer of the widget's main plot (its first and largest).
    pub fn main_layer(&self) -> String {
        let layout = json(&self.handle.layout());
        let plots = layout["plots"].as_array().unwrap();
        let main = plots
            .iter()
            .find(|p| p["main"] == true)
            .unwrap_or(&plots[0]);
        main["layers"][0].as_str().unwrap().to_string()
    }

    /// Distinct colours on layer `name`.
    pub fn colors(&self, name: &str) -> usize {
        distinct_colors(&pixels(self.layer(name)))
    }

    pub fn status(&self) -> Value {
        json(&self.handle.status())
    }

    pub fn step_count(&self) -> u64 {
        self.status()["step"].as_u64().unwrap()
    }

    pub fn errors(&self) -> Vec<Value> {
        json(&self.handle.load_errors()).as_array().unwrap().clone()
    }
}

/// A small, quick state of each view (the training lab on the CPU so that
/// a GPU answer can never restart a run mid-test).
pub fn small_link(view: &str) -> &'static str {
    match view {
        "landscape" => "s=beale&o=adam,lr:0.01&o=sgd,lr:0.001,momentum:0.9&start=1,1.4",
        "stochastic" => "m=logistic&n=150&b=7&order=replacement&lr=0.8&mom=0.5&start=-2,2.5&seed=9",
        "training" => {
            "d=moons&n=200&h=8,8&b=20&epochs=30&o=adam,lr:0.02&o=sgd,lr:0.2,momentum:0.9&backend=cpu"
        }
        // Every other widget's defaults are small and quick.
        _ => "",
    }
}

/// A registered view other than `view`.
pub fn other_view(view: &str) -> &'static str {
    REGISTRY.iter().find(|e| e.name != view).unwrap().name
}
