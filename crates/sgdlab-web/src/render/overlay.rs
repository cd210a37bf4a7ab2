//! Paths, step markers, the current points with their gradient and velocity
//! arrows, the start handle and the known minima, over the heatmap.

use super::{Projection, context};
use sgdlab_core::playground::Playground;
use wasm_bindgen::JsValue;
use web_sys::CanvasRenderingContext2d;

/// Points closer than this (in device pixels) to the last drawn one are
/// skipped: the picture is the same and long paths stay cheap to draw.
const MIN_SEGMENT_PX: f64 = 0.75;
/// Step markers are drawn only where they stand this far apart.
const MARKER_SPACING_PX: f64 = 7.0;

pub fn draw(canvas: &web_sys::HtmlCanvasElement, playground: &Playground) -> Result<(), JsValue> {
    let ctx = context(canvas)?;
    let (width, height) = (f64::from(canvas.width()), f64::from(canvas.height()));
    ctx.clear_rect(0.0, 0.0, width, height);
    let surface = playground.surface();
    let projection = Projection {
        view: surface.view_box(),
        width,
        height,
    };
    let unit = (width.min(height) / 600.0).max(0.5);

    for [x, y] in surface.minima() {
        let (px, py) = projection.to_px(x, y);
        draw_cross(
            &ctx,
            px,
            py,
            5.0 * unit,
            "rgba(255, 255, 255, 0.9)",
            1.5 * unit,
        );
    }

    for racer in playground.racers() {
        draw_path(&ctx, &projection, racer, unit);
    }

    let [sx, sy] = playground.start();
    let (px, py) = projection.to_px(sx, sy);
    ctx.begin_path();
    ctx.arc(px, py, 7.0 * unit, 0.0, std::f64::consts::TAU)?;
    ctx.set_line_width(2.5 * unit);
    ctx.set_stroke_style_str("#ffffff");
    ctx.stroke();
    ctx.set_line_width(1.0 * unit);
    ctx.set_stroke_style_str("#111111");
    ctx.stroke();

    for racer in playground.racers() {
        draw_head(&ctx, &projection, playground, racer, unit)?;
    }
    Ok(())
}

fn draw_path(
    ctx: &CanvasRenderingContext2d,
    projection: &Projection,
    racer: &sgdlab_core::playground::Racer,
    unit: f64,
) {
    let points = &racer.path.points;
    let mut pixels = Vec::with_capacity(points.len().min(4096));
    let mut last = (f64::NAN, f64::NAN);
    for (i, p) in points.iter().enumerate() {
        let (px, py) = projection.to_px(p.x, p.y);
        // Clamp far-away points so the canvas never sees huge coordinates.
        let (px, py) = (px.clamp(-1e5, 1e5), py.clamp(-1e5, 1e5));
        let far = (px - last.0).hypot(py - last.1) >= MIN_SEGMENT_PX || last.0.is_nan();
        if far || i + 1 == points.len() {
            pixels.push((px, py));
            last = (px, py);
        }
    }
    if pixels.is_empty() {
        return;
    }
    ctx.begin_path();
    ctx.move_to(pixels[0].0, pixels[0].1);
    for &(px, py) in &pixels[1..] {
        ctx.line_to(px, py);
    }
    // A dark halo under the coloured line keeps it visible on any colour.
    ctx.set_line_join("round");
    ctx.set_line_width(4.0 * unit);
    ctx.set_stroke_style_str("rgba(0, 0, 0, 0.55)");
    ctx.stroke();
    ctx.set_line_width(2.0 * unit);
    ctx.set_stroke_style_str(racer.color);
    ctx.stroke();

    ctx.begin_path();
    let mut last_marker = (f64::NAN, f64::NAN);
    for &(px, py) in &pixels {
        if last_marker.0.is_nan()
            || (px - last_marker.0).hypot(py - last_marker.1) >= MARKER_SPACING_PX * unit
        {
            ctx.move_to(px + 2.0 * unit, py);
            let _ = ctx.arc(px, py, 2.0 * unit, 0.0, std::f64::consts::TAU);
            last_marker = (px, py);
        }
    }
    ctx.set_fill_style_str(racer.color);
    ctx.fill();
}

fn draw_head(
    ctx: &CanvasRenderingContext2d,
    projection: &Projection,
    playground: &Playground,
    racer: &sgdlab_core::playground::Racer,
    unit: f64,
) -> Result<(), JsValue> {
    let here = racer.path.current();
    let (px, py) = projection.to_px(here.x, here.y);
    if !(px.is_finite() && py.is_finite()) || px.abs() > 1e5 || py.abs() > 1e5 {
        return Ok(());
    }
    if racer.path.stop.is_some() {
        // Where a run diverged or failed: a red cross at its last good point.
        draw_cross(ctx, px, py, 8.0 * unit, "#ff3b30", 3.0 * unit);
        return Ok(());
    }
    // Arrows in screen space: −∇f at a fixed length (its direction is the
    // information), the velocity scaled by |v|/|∇f| to show momentum building.
    let [gx, gy] = playground.surface().gradient(here.x, here.y);
    let (gpx, gpy) = screen_direction(projection, -gx, -gy);
    let grad_len = 36.0 * unit;
    if let Some((dx, dy)) = unit_vector(gpx, gpy) {
        draw_arrow(
            ctx,
            px,
            py,
            px + dx * grad_len,
            py + dy * grad_len,
            "rgba(255, 255, 255, 0.95)",
            1.5 * unit,
        );
    }
    if let Some(v) = racer.path.optimizer.velocity() {
        if v.len() == 2 {
            let (vpx, vpy) = screen_direction(projection, -v[0], -v[1]);
            let ratio = v[0].hypot(v[1]) / gx.hypot(gy).max(1e-300);
            let length = (grad_len * ratio).clamp(4.0 * unit, 110.0 * unit);
            if let Some((dx, dy)) = unit_vector(vpx, vpy) {
                draw_arrow(
                    ctx,
                    px,
                    py,
                    px + dx * length,
                    py + dy * length,
                    racer.color,
                    2.5 * unit,
                );
            }
        }
    }
    ctx.begin_path();
    ctx.arc(px, py, 5.0 * unit, 0.0, std::f64::consts::TAU)?;
    ctx.set_fill_style_str(racer.color);
    ctx.fill();
    ctx.set_line_width(1.5 * unit);
    ctx.set_stroke_style_str("#111111");
    ctx.stroke();
    Ok(())
}

/// A world-space direction as a screen-space one (the axes may scale
/// differently, and y points down on screen).
fn screen_direction(projection: &Projection, dx: f64, dy: f64) -> (f64, f64) {
    let v = &projection.view;
    (
        dx / (v.x_max - v.x_min) * projection.width,
        -dy / (v.y_max - v.y_min) * projection.height,
    )
}

fn unit_vector(dx: f64, dy: f64) -> Option<(f64, f64)> {
    let length = dx.hypot(dy);
    (length.is_finite() && length > 0.0).then(|| (dx / length, dy / length))
}

fn draw_arrow(
    ctx: &CanvasRenderingContext2d,
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    color: &str,
    width: f64,
) {
    let angle = (y1 - y0).atan2(x1 - x0);
    let head = 4.0 * width.max(1.0);
    ctx.begin_path();
    ctx.move_to(x0, y0);
    ctx.line_to(x1, y1);
    ctx.move_to(
        x1 - head * (angle - 0.45).cos(),
        y1 - head * (angle - 0.45).sin(),
    );
    ctx.line_to(x1, y1);
    ctx.line_to(
        x1 - head * (angle + 0.45).cos(),
        y1 - head * (angle + 0.45).sin(),
    );
    ctx.set_line_width(width + 2.0);
    ctx.set_stroke_style_str("rgba(0, 0, 0, 0.6)");
    ctx.stroke();
    ctx.set_line_width(width);
    ctx.set_stroke_style_str(color);
    ctx.stroke();
}

fn draw_cross(ctx: &CanvasRenderingContext2d, x: f64, y: f64, size: f64, color: &str, width: f64) {
    ctx.begin_path();
    ctx.move_to(x - size, y - size);
    ctx.line_to(x + size, y + size);
    ctx.move_to(x + size, y - size);
    ctx.line_to(x - size, y + size);
    ctx.set_line_width(width);
    ctx.set_stroke_style_str(color);
    ctx.stroke();
}
