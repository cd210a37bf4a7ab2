//! Paths, points and labels drawn over a map (the replicas and flows of
//! the implicit-regularisation view, the line and curve of the
//! mode-connectivity view), in world coordinates through a [`Projection`].

use super::Projection;
use wasm_bindgen::JsValue;
use web_sys::CanvasRenderingContext2d;

/// Points closer than this many device pixels to the last vertex are
/// skipped: the picture is the same and long paths stay cheap.
const MIN_SEGMENT_PX: f64 = 0.75;

/// Keeps a pixel on a sane canvas range (a path far off the map still
/// draws its visible part).
fn clamp((x, y): (f64, f64)) -> (f64, f64) {
    (x.clamp(-1e5, 1e5), y.clamp(-1e5, 1e5))
}

/// Starts a new path on `ctx` through `points`, skipping non-finite ones
/// and vertices that would not move the pen visibly.
pub fn trace(
    ctx: &CanvasRenderingContext2d,
    projection: &Projection,
    points: impl IntoIterator<Item = [f64; 2]>,
    unit: f64,
) {
    ctx.begin_path();
    let mut last: Option<(f64, f64)> = None;
    for [x, y] in points {
        if !(x.is_finite() && y.is_finite()) {
            continue;
        }
        let (px, py) = clamp(projection.to_px(x, y));
        match last {
            None => ctx.move_to(px, py),
            Some((lx, ly)) if (px - lx).hypot(py - ly) < MIN_SEGMENT_PX * unit => continue,
            Some(_) => ctx.line_to(px, py),
        }
        last = Some((px, py));
    }
}

/// Strokes the current path in `color`, `width` device pixels wide, over a
/// dark halo so it reads on any part of a heatmap; dashed when asked.
pub fn stroke(
    ctx: &CanvasRenderingContext2d,
    color: &str,
    width: f64,
    dashed: bool,
) -> Result<(), JsValue> {
    if dashed {
        ctx.set_line_dash(&js_sys::Array::of2(
            &JsValue::from_f64(4.0 * width),
            &JsValue::from_f64(2.5 * width),
        ))?;
    }
    ctx.set_line_join("round");
    ctx.set_line_cap("round");
    ctx.set_line_width(width * 2.0);
    ctx.set_stroke_style_str("rgba(0, 0, 0, 0.55)");
    ctx.stroke();
    ctx.set_line_width(width);
    ctx.set_stroke_style_str(color);
    ctx.stroke();
    if dashed {
        ctx.set_line_dash(&js_sys::Array::new())?;
    }
    Ok(())
}

/// A filled disc with a dark edge at world point `at`.
pub fn dot(
    ctx: &CanvasRenderingContext2d,
    projection: &Projection,
    at: [f64; 2],
    radius: f64,
    color: &str,
) -> Result<(), JsValue> {
    let (x, y) = clamp(projection.to_px(at[0], at[1]));
    ctx.begin_path();
    ctx.arc(x, y, radius, 0.0, std::f64::consts::TAU)?;
    ctx.set_fill_style_str(color);
    ctx.fill();
    ctx.set_line_width((radius / 4.0).max(1.0));
    ctx.set_stroke_style_str("#111111");
    ctx.stroke();
    Ok(())
}

/// A ring (the start handle) at world point `at`.
pub fn ring(
    ctx: &CanvasRenderingContext2d,
    projection: &Projection,
    at: [f64; 2],
    radius: f64,
    color: &str,
) -> Result<(), JsValue> {
    let (x, y) = clamp(projection.to_px(at[0], at[1]));
    ctx.begin_path();
    ctx.arc(x, y, radius, 0.0, std::f64::consts::TAU)?;
    ctx.set_line_width((radius / 3.0).max(1.5));
    ctx.set_stroke_style_str(color);
    ctx.stroke();
    Ok(())
}

/// A cross (a minimum) at world point `at`.
pub fn cross(
    ctx: &CanvasRenderingContext2d,
    projection: &Projection,
    at: [f64; 2],
    size: f64,
    color: &str,
) {
    let (x, y) = clamp(projection.to_px(at[0], at[1]));
    ctx.begin_path();
    ctx.move_to(x - size, y - size);
    ctx.line_to(x + size, y + size);
    ctx.move_to(x - size, y + size);
    ctx.line_to(x + size, y - size);
    ctx.set_line_width((size / 3.0).max(1.5));
    ctx.set_stroke_style_str(color);
    ctx.stroke();
}

/// Text beside world point `at` (offset up and to the right), light on a
/// dark outline so it reads on any heatmap.
pub fn label(
    ctx: &CanvasRenderingContext2d,
    projection: &Projection,
    at: [f64; 2],
    text: &str,
    unit: f64,
) -> Result<(), JsValue> {
    let (x, y) = clamp(projection.to_px(at[0], at[1]));
    let (x, y) = (x + 9.0 * unit, y - 9.0 * unit);
    ctx.set_font(&format!("600 {}px sans-serif", (15.0 * unit).round()));
    ctx.set_text_align("left");
    ctx.set_text_baseline("alphabetic");
    ctx.set_line_width(3.0 * unit);
    ctx.set_stroke_style_str("rgba(0, 0, 0, 0.8)");
    ctx.stroke_text(text, x, y)?;
    ctx.set_fill_style_str("#ffffff");
    ctx.fill_text(text, x, y)?;
    Ok(())
}

/// A short caption in the top-left corner of a canvas (what the map shows).
pub fn caption(ctx: &CanvasRenderingContext2d, text: &str, unit: f64) -> Result<(), JsValue> {
    let unit = unit.max(1.0);
    let (x, y) = (8.0 * unit, 20.0 * unit);
    ctx.set_font(&format!("{}px sans-serif", (13.0 * unit).round()));
    ctx.set_text_align("left");
    ctx.set_text_baseline("alphabetic");
    ctx.set_line_width(3.0 * unit);
    ctx.set_stroke_style_str("rgba(0, 0, 0, 0.75)");
    ctx.stroke_text(text, x, y)?;
    ctx.set_fill_style_str("#f4f4f0");
    ctx.fill_text(text, x, y)?;
    Ok(())
}
