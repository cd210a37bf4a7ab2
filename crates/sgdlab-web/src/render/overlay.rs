//! Paths, step markers, the current points with their gradient and velocity
//! arrows, the start handle, the known minima and the point where SWATS
//! switched from Adam to SGD, over the heatmap; with `taylor=1`, the Taylor
//! models at the first racer's point.

use super::{Projection, context};
use sgdlab_core::landscape::PathPoint;
use sgdlab_core::optim::steepest::Norm;
use sgdlab_core::playground::Playground;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// Points closer than this (in device pixels) to the last drawn one are
/// skipped: the picture is the same and long paths stay cheap to draw.
const MIN_SEGMENT_PX: f64 = 0.75;
/// Step markers are drawn only where they stand this far apart.
const MARKER_SPACING_PX: f64 = 7.0;
/// The dark edge under each path. Opaque, so segments drawn one by one
/// never darken where they overlap.
const HALO: &str = "#1c1c1c";
/// The Taylor overlay's colour: light, and unlike any racer's.
const TAYLOR: &str = "rgba(255, 255, 255, 0.9)";
/// Contours of the second-order model inside the one through the point.
pub const TAYLOR_LEVELS: usize = 6;

/// The paths drawn so far, kept on an off-screen canvas: each frame draws only
/// the steps taken since the last one onto it, then copies it to the overlay
/// in one call, so a frame costs the same at step 10 and at step 10,000.
pub struct Trails {
    canvas: HtmlCanvasElement,
    traces: Vec<Trace>,
}

/// A position on the canvas, in device pixels.
type Pixel = (f64, f64);

/// How far a racer's path has been drawn.
#[derive(Clone, Copy, Default)]
struct Trace {
    points_drawn: usize,
    last_vertex: Option<Pixel>,
    last_marker: Option<Pixel>,
}

impl Trails {
    /// Empty trails for an overlay of this size.
    pub fn new(overlay: &HtmlCanvasElement) -> Result<Self, JsValue> {
        let canvas = web_sys::window()
            .and_then(|w| w.document())
            .ok_or_else(|| JsValue::from_str("no document"))?
            .create_element("canvas")?
            .dyn_into::<HtmlCanvasElement>()?;
        canvas.set_width(overlay.width());
        canvas.set_height(overlay.height());
        Ok(Self {
            canvas,
            traces: Vec::new(),
        })
    }

    /// Whether these trails were drawn for a canvas of this size.
    pub fn fits(&self, overlay: &HtmlCanvasElement) -> bool {
        self.canvas.width() == overlay.width() && self.canvas.height() == overlay.height()
    }

    /// Draws every racer's new steps.
    ///
    /// Segments are drawn one at a time in (step, racer) order, whatever
    /// number of steps each frame brings, so a run replayed from a link gives
    /// the same pixels as the run it was copied from.
    fn extend(
        &mut self,
        projection: &Projection,
        playground: &Playground,
        unit: f64,
    ) -> Result<(), JsValue> {
        let ctx = context(&self.canvas)?;
        ctx.set_line_join("round");
        ctx.set_line_cap("round");
        self.traces
            .resize(playground.racers().len(), Trace::default());
        let mut segments = Vec::new();
        for (index, (racer, trace)) in playground
            .racers()
            .iter()
            .zip(self.traces.iter_mut())
            .enumerate()
        {
            let points = &racer.path.points;
            let new = &points[trace.points_drawn.min(points.len())..];
            trace.points_drawn = points.len();
            segments.extend(
                trace
                    .advance(projection, new, unit)
                    .into_iter()
                    .map(|s| (index, s)),
            );
        }
        segments.sort_by_key(|(index, segment)| (segment.step, *index));
        for (index, segment) in segments {
            let color = playground.racers()[index].color;
            let (x, y) = segment.to;
            if let Some((x0, y0)) = segment.from {
                ctx.begin_path();
                ctx.move_to(x0, y0);
                ctx.line_to(x, y);
                // A dark halo under the coloured line keeps it visible on any colour.
                ctx.set_line_width(4.0 * unit);
                ctx.set_stroke_style_str(HALO);
                ctx.stroke();
                ctx.set_line_width(2.0 * unit);
                ctx.set_stroke_style_str(color);
                ctx.stroke();
            }
            if segment.marker {
                ctx.begin_path();
                ctx.arc(x, y, 2.0 * unit, 0.0, std::f64::consts::TAU)?;
                ctx.set_fill_style_str(color);
                ctx.fill();
            }
        }
        Ok(())
    }
}

/// One new piece of a path: the line from the last vertex (none for the
/// start) to the point after `step` steps, and whether it gets a marker.
struct Segment {
    step: u64,
    from: Option<Pixel>,
    to: Pixel,
    marker: bool,
}

impl Trace {
    /// The new segments. Points closer than `MIN_SEGMENT_PX` to the previous
    /// vertex add nothing visible and are skipped.
    fn advance(
        &mut self,
        projection: &Projection,
        points: &[PathPoint],
        unit: f64,
    ) -> Vec<Segment> {
        let mut segments = Vec::new();
        for p in points {
            let (px, py) = projection.to_px(p.x, p.y);
            // Clamp far-away points so the canvas never sees huge coordinates.
            let to = (px.clamp(-1e5, 1e5), py.clamp(-1e5, 1e5));
            if self
                .last_vertex
                .is_some_and(|(lx, ly)| (to.0 - lx).hypot(to.1 - ly) < MIN_SEGMENT_PX)
            {
                continue;
            }
            let marker = self
                .last_marker
                .is_none_or(|(mx, my)| (to.0 - mx).hypot(to.1 - my) >= MARKER_SPACING_PX * unit);
            if marker {
                self.last_marker = Some(to);
            }
            segments.push(Segment {
                step: p.step,
                from: self.last_vertex,
                to,
                marker,
            });
            self.last_vertex = Some(to);
        }
        segments
    }
}

/// Draws the overlay. `trails` holds the paths drawn so far; the caller
/// drops it whenever the runs restart or the canvas changes size.
pub fn draw(
    canvas: &HtmlCanvasElement,
    playground: &Playground,
    trails: &mut Option<Trails>,
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

    if !trails.as_ref().is_some_and(|t| t.fits(canvas)) {
        *trails = Some(Trails::new(canvas)?);
    }
    if let Some(trails) = trails.as_mut() {
        trails.extend(&projection, playground, unit)?;
        ctx.draw_image_with_html_canvas_element(&trails.canvas, 0.0, 0.0)?;
    }

    if playground.config().taylor {
        draw_taylor(&ctx, &projection, playground, unit)?;
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
        draw_switch(&ctx, &projection, racer, unit)?;
    }
    for racer in playground.racers() {
        draw_head(&ctx, &projection, playground, racer, unit)?;
    }
    Ok(())
}

/// The Taylor models at the first racer's point: the second-order model's
/// contours (dashed), its stationary point (a ring: Newton's target), and
/// the unit ball of the steepest-descent norm with the linear model's
/// steepest direction d drawn to its edge.
fn draw_taylor(
    ctx: &CanvasRenderingContext2d,
    projection: &Projection,
    playground: &Playground,
    unit: f64,
) -> Result<(), JsValue> {
    let model = playground.taylor_model();
    let view = projection.view;
    let levels = model.contour_levels(&view, TAYLOR_LEVELS);
    let segments = model.contours(&view, &levels);
    let dash = js_sys::Array::of2(&(5.0 * unit).into(), &(4.0 * unit).into());
    ctx.set_line_dash(&dash)?;
    ctx.begin_path();
    for [a, b] in &segments {
        let (x0, y0) = projection.to_px(a[0], a[1]);
        let (x1, y1) = projection.to_px(b[0], b[1]);
        ctx.move_to(x0, y0);
        ctx.line_to(x1, y1);
    }
    ctx.set_line_width(1.25 * unit);
    ctx.set_stroke_style_str(TAYLOR);
    ctx.stroke();
    ctx.set_line_dash(&js_sys::Array::new())?;

    if let Some([nx, ny]) = model.stationary_point() {
        let (px, py) = projection.to_px(nx, ny);
        if px.abs() < 1e5 && py.abs() < 1e5 {
            ctx.begin_path();
            ctx.arc(px, py, 4.0 * unit, 0.0, std::f64::consts::TAU)?;
            ctx.set_line_width(1.5 * unit);
            ctx.set_stroke_style_str(TAYLOR);
            ctx.stroke();
        }
    }

    // The norm's unit ball, 45 px across its radius, around the point.
    let [x, y] = model.at;
    let (cx, cy) = projection.to_px(x, y);
    if !(cx.abs() < 1e5 && cy.abs() < 1e5) {
        return Ok(());
    }
    let per_px = ((view.x_max - view.x_min) / projection.width)
        .max((view.y_max - view.y_min) / projection.height);
    let radius = 45.0 * unit * per_px;
    let norm = playground.taylor_norm();
    let corners: Vec<[f64; 2]> = match norm {
        Norm::L2 => (0..=48)
            .map(|k| {
                let angle = f64::from(k) / 48.0 * std::f64::consts::TAU;
                [angle.cos(), angle.sin()]
            })
            .collect(),
        Norm::L1 => vec![[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0], [1.0, 0.0]],
        Norm::Linf => vec![
            [1.0, 1.0],
            [-1.0, 1.0],
            [-1.0, -1.0],
            [1.0, -1.0],
            [1.0, 1.0],
        ],
    };
    ctx.begin_path();
    for (k, [u, v]) in corners.iter().enumerate() {
        let (px, py) = projection.to_px(x + radius * u, y + radius * v);
        if k == 0 {
            ctx.move_to(px, py);
        } else {
            ctx.line_to(px, py);
        }
    }
    ctx.set_line_width(1.5 * unit);
    ctx.set_stroke_style_str("rgba(255, 255, 255, 0.6)");
    ctx.stroke();
    // d = Δ / ‖Δ‖: the step scaled to the ball's edge.
    let step = model.steepest_step(norm);
    let size = match norm {
        Norm::L2 => step[0].hypot(step[1]),
        Norm::L1 => step[0].abs() + step[1].abs(),
        Norm::Linf => step[0].abs().max(step[1].abs()),
    };
    if size > 0.0 && size.is_finite() {
        let tip = [x + radius * step[0] / size, y + radius * step[1] / size];
        let (tx, ty) = projection.to_px(tip[0], tip[1]);
        draw_arrow(ctx, cx, cy, tx, ty, TAYLOR, 2.0 * unit);
    }
    Ok(())
}

/// A ring in the racer's colour around the point where it switched from
/// Adam to SGD (SWATS), if it has.
fn draw_switch(
    ctx: &CanvasRenderingContext2d,
    projection: &Projection,
    racer: &sgdlab_core::playground::Racer,
    unit: f64,
) -> Result<(), JsValue> {
    let Some(step) = racer.path.optimizer.switch_step() else {
        return Ok(());
    };
    let points = &racer.path.points;
    let Some(point) = usize::try_from(step)
        .ok()
        .and_then(|k| points.get(k))
        .filter(|p| p.step == step)
    else {
        return Ok(());
    };
    let (px, py) = projection.to_px(point.x, point.y);
    if !(px.is_finite() && py.is_finite()) || px.abs() > 1e5 || py.abs() > 1e5 {
        return Ok(());
    }
    ctx.begin_path();
    ctx.arc(px, py, 9.0 * unit, 0.0, std::f64::consts::TAU)?;
    ctx.set_line_width(4.5 * unit);
    ctx.set_stroke_style_str(HALO);
    ctx.stroke();
    ctx.set_line_width(2.5 * unit);
    ctx.set_stroke_style_str(racer.color);
    ctx.stroke();
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
