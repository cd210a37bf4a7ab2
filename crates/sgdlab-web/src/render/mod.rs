//! Drawing with plotters (charts) and `ImageData` (heatmaps). The
//! landscape draws its heatmap once per surface and its paths overlay and
//! loss curves every frame; the other views' modules are named for what
//! they draw. Every line chart is a [`chart::Chart`].

pub mod chart;
pub mod chart_style;
pub mod heatmap;
pub mod overlay;
// The stochastic view and the training lab.
pub mod boundary;
pub mod data_map;
pub mod noise;
// The experiment views' maps and marks.
pub mod grid_map;
pub mod marks;

use sgdlab_core::surfaces::ViewBox;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// The 2-D context of a canvas.
pub fn context(canvas: &HtmlCanvasElement) -> Result<CanvasRenderingContext2d, JsValue> {
    canvas
        .get_context("2d")?
        .ok_or_else(|| JsValue::from_str("the canvas has no 2d context"))?
        .dyn_into::<CanvasRenderingContext2d>()
        .map_err(|_| JsValue::from_str("the 2d context has an unexpected type"))
}

/// Maps world coordinates to canvas pixels and back. The view box fills the
/// canvas; y grows upwards in the world and downwards on the canvas.
#[derive(Clone, Copy, Debug)]
pub struct Projection {
    pub view: ViewBox,
    pub width: f64,
    pub height: f64,
}

impl Projection {
    pub fn to_px(self, x: f64, y: f64) -> (f64, f64) {
        let v = &self.view;
        (
            (x - v.x_min) / (v.x_max - v.x_min) * self.width,
            (v.y_max - y) / (v.y_max - v.y_min) * self.height,
        )
    }

    pub fn to_world(self, px: f64, py: f64) -> [f64; 2] {
        let v = &self.view;
        [
            v.x_min + px / self.width * (v.x_max - v.x_min),
            v.y_max - py / self.height * (v.y_max - v.y_min),
        ]
    }
}

/// A pointer position in CSS pixels as world coordinates, if it is on the
/// canvas and the numbers are sane.
pub fn css_to_world(
    view: &ViewBox,
    css_x: f64,
    css_y: f64,
    css_width: f64,
    css_height: f64,
) -> Option<[f64; 2]> {
    let sane = [css_x, css_y, css_width, css_height]
        .iter()
        .all(|v| v.is_finite());
    if !sane || css_width <= 0.0 || css_height <= 0.0 {
        return None;
    }
    if !(0.0..=css_width).contains(&css_x) || !(0.0..=css_height).contains(&css_y) {
        return None;
    }
    Some(
        Projection {
            view: *view,
            width: css_width,
            height: css_height,
        }
        .to_world(css_x, css_y),
    )
}
