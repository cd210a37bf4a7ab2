//! The look shared by every plotters chart (the playground's loss curves,
//! the curves of the stochastic view and the training lab, the noise panel):
//! colours, the cleared canvas, text and the mesh.

use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::coord::ranged1d::Ranged;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsValue;
use web_sys::HtmlCanvasElement;

/// The chart background and ink.
pub const BACKGROUND: RGBColor = RGBColor(20, 24, 36);
pub const INK: RGBColor = RGBColor(220, 225, 235);
const AXIS: RGBColor = RGBColor(120, 128, 145);
const BOLD_GRID: RGBColor = RGBColor(52, 58, 76);
const LIGHT_GRID: RGBColor = RGBColor(30, 35, 50);
/// The cross at the end of a run that stopped.
const STOPPED: RGBColor = RGBColor(255, 59, 48);

/// A `#rrggbb` colour; a channel that does not parse is 255.
pub fn rgb(hex: &str) -> RGBColor {
    let channel =
        |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("ff"), 16).unwrap_or(255);
    RGBColor(channel(1), channel(3), channel(5))
}

/// A canvas as a plotters drawing area.
pub type Area = DrawingArea<CanvasBackend, Shift>;

/// The canvas as a plotters drawing area cleared to [`BACKGROUND`], with the
/// scale for text and lines: the canvas height over `base_height`, clamped
/// to 1..=`max_scale`. `None` when the canvas is too small to draw on.
/// Errors read "`what`: …".
pub fn open(
    canvas: &HtmlCanvasElement,
    base_height: f64,
    max_scale: f64,
    what: &str,
) -> Result<Option<(Area, f64)>, JsValue> {
    if canvas.width() < 40 || canvas.height() < 40 {
        return Ok(None);
    }
    let scale = (f64::from(canvas.height()) / base_height).clamp(1.0, max_scale);
    let backend = CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or_else(|| JsValue::from_str(&format!("{what}: no 2d context")))?;
    let root = backend.into_drawing_area();
    root.fill(&BACKGROUND)
        .map_err(|error| JsValue::from_str(&format!("{what}: {error}")))?;
    Ok(Some((root, scale)))
}

/// The mesh's label and axis-description text, axis and grid lines.
pub fn style_mesh<'m, 'a, 'b, X, Y, DB>(
    mesh: &'m mut MeshStyle<'a, 'b, X, Y, DB>,
    scale: f64,
) -> &'m mut MeshStyle<'a, 'b, X, Y, DB>
where
    X: Ranged,
    Y: Ranged,
    DB: DrawingBackend,
{
    let text = ("sans-serif", (12.0 * scale) as u32)
        .into_font()
        .color(&INK);
    mesh.label_style(text.clone())
        .axis_desc_style(text)
        .axis_style(AXIS)
        .bold_line_style(BOLD_GRID)
        .light_line_style(LIGHT_GRID)
}

/// The red cross that ends a run that stopped early.
pub fn stop_cross<C>(end: C, scale: f64) -> Cross<C, i32> {
    Cross::new(
        end,
        (6.0 * scale) as i32,
        STOPPED.stroke_width((2.0 * scale) as u32),
    )
}

/// Every k-th of `points` mapped by `at`, so that at most about `max` are
/// drawn, ending with the last point (added when the stride skipped it).
pub fn thin<P, X: Copy + PartialEq>(
    points: &[P],
    max: usize,
    at: impl Fn(&P) -> (X, f64),
) -> Vec<(X, f64)> {
    let stride = points.len().div_ceil(max).max(1);
    let mut series: Vec<(X, f64)> = points.iter().step_by(stride).map(&at).collect();
    if let Some(last) = points.last() {
        let end = at(last);
        if series.last().map(|s| s.0) != Some(end.0) {
            series.push(end);
        }
    }
    series
}
