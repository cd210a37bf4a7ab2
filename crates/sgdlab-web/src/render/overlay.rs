//! Paths, step markers, the current points with their gradient and velocity
//! arrows, the start handle and the known minima, over the heatmap.

use super::{Projection, context};
use sgdlab_core::landscape::PathPoint;
use sgdlab_core::playground::Playground;
use wasm_bindgen::JsValue;
use web_sys::{CanvasRenderingContext2d, Path2d};

/// Points closer than this (in device pixels) to the last drawn one are
/// skipped: the picture is the same and long paths stay cheap to draw.
const MIN_SEGMENT_PX: f64 = 0.75;
/// Step markers are drawn only where they stand this far apart.
const MARKER_SPACING_PX: f64 = 7.0;

/// A racer's path as SVG path data for a `Path2D`, extended as the run goes
/// on: each frame converts only the new points, and the browser draws the
/// whole polyline in one call however long the run is.
#[derive(Default)]
pub struct PathTrace {
    points_seen: usize,
    last_vertex: Option<(f64, f64)>,
    last_marker: Option<(f64, f64)>,
    line: String,
    markers: String,
}

impl PathTrace {
    fn extend(&mut self, projection: &Projection, points: &[PathPoint], unit: f64) {
        use std::fmt::Write;
        if points.len() < self.points_seen {
            *self = Self::default(); // the run restarted
        }
        let radius = 2.0 * unit;
        for p in &points[self.points_seen..] {
            let (px, py) = projection.to_px(p.x, p.y);
            // Clamp far-away points so the canvas never sees huge coordinates.
            let (px, py) = (px.clamp(-1e5, 1e5), py.clamp(-1e5, 1e5));
            match self.last_vertex {
                None => {
                    let _ = write!(self.line, "M{px:.1} {py:.1}");
                }
                Some((lx, ly)) if (px - lx).hypot(py - ly) < MIN_SEGMENT_PX => continue,
                Some(_) => {
                    let _ = write!(self.line, "L{px:.1} {py:.1}");
                }
            }
            self.last_vertex = Some((px, py));
            let spaced = self
                .last_marker
                .is_none_or(|(mx, my)| (px - mx).hypot(py - my) >= MARKER_SPACING_PX * unit);
            if spaced {
                // A full circle as two half arcs.
                let _ = write!(
                    self.markers,
                    "M{:.1} {py:.1}A{radius:.1} {radius:.1} 0 1 0 {:.1} {py:.1}A{radius:.1} {radius:.1} 0 1 0 {:.1} {py:.1}Z",
                    px + radius,
                    px - radius,
                    px + radius
                );
                self.last_marker = Some((px, py));
            }
        }
        self.points_seen = points.len();
    }
}

/// Draws the overlay. `traces` caches each racer's path for this canvas size
/// (the caller clears it whenever the runs restart or the canvas changes).
pub fn draw(
    canvas: &web_sys::HtmlCanvasElement,
    playground: &Playground,
    traces: &mut Vec<PathTrace>,
) -> Result<(), JsValue> {
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

    traces.resize_with(playground.racers().len(), PathTrace::default);
    ctx.set_line_join("round");
    for (racer, trace) in playground.racers().iter().zip(traces.iter_mut()) {
        trace.extend(&projection, &racer.path.points, unit);
        let line = Path2d::new_with_path_string(&trace.line)?;
        // A dark halo under the coloured line keeps it visible on any colour.
        ctx.set_line_width(4.0 * unit);
        ctx.set_stroke_style_str("rgba(0, 0, 0, 0.55)");
        ctx.stroke_with_path(&line);
        ctx.set_line_width(2.0 * unit);
        ctx.set_stroke_style_str(racer.color);
        ctx.stroke_with_path(&line);
        ctx.set_fill_style_str(racer.color);
        ctx.fill_with_path_2d(&Path2d::new_with_path_string(&trace.markers)?);
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
    if let Some(v) = racer.path.optimizer.velocity()
        && v.len() == 2
    {
        let (vpx, vpy) = screen_direction(projection, -v[0], -v[1]);
        let ratio = v[0].hypot(v[1]) / gx.hypot(gy).max(1e-300);
        let length = (grad_len * ratio).clamp(4.0 * unit, 110.0 * unit);
        if let Some((dx, dy)) = unit_vector(vpx, vpy) {
            let tip = (px + dx * length, py + dy * length);
            draw_arrow(ctx, px, py, tip.0, tip.1, racer.color, 2.5 * unit);
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
