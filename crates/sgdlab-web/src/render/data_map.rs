//! The stochastic view's map: the full-data loss as a heatmap with contours
//! (cached), and over it the current minibatch's contours, the three racing
//! paths, the minima and the start handle (redrawn every frame).
//!
//! A data-built surface costs one pass over its examples per point, so it is
//! sampled on a coarse grid that the browser scales up with smoothing:
//!
//! ```text
//! linear model   L is a quadratic in θ, so L(θ) = L(c) + ∇L(c)·d + ½·dᵀ·H·d
//!                with d = θ − c holds exactly: three O(n) passes at the
//!                view's centre c, then O(1) per grid point (any resolution)
//! logistic model side = clamp(√(budget / n), MIN, MAX) grid points across,
//!                so a rebuild costs about `budget` example losses
//! ```

use super::{Projection, context};
use sgdlab_core::playground::heatmap::{
    ColorScale, Segment, colorize, contour_levels, contour_segments, sample_grid,
};
use sgdlab_core::stochastic::{EmpiricalRisk, ModelKind, StochasticConfig, StochasticRace};
use sgdlab_core::surfaces::{Surface, ViewBox};
use wasm_bindgen::{Clamped, JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

/// Grid points across for a quadratic (linear-model) map: cheap to fill at
/// any size (contouring it is what costs), so the cached full map takes the
/// finest grid and the per-step minibatch contours the largest of theirs.
const QUADRATIC_GRID: usize = 200;
/// Example-loss evaluations one full-map rebuild may spend (logistic model).
const FULL_BUDGET: f64 = 6.0e5;
/// …and one minibatch overlay (redrawn every step, so much less).
const BATCH_BUDGET: f64 = 1.0e5;
const FULL_GRID: (usize, usize) = (10, 120);
const BATCH_GRID: (usize, usize) = (10, 64);
const CONTOUR_LEVELS: usize = 14;

/// Colours of the three paths (Okabe–Ito): full-batch GD, minibatch SGD,
/// per-sample SGD.
pub const PATH_COLORS: [&str; 3] = ["#56B4E9", "#E69F00", "#CC79A7"];
/// The minibatch surface's contours share the minibatch path's hue.
const BATCH_CONTOUR: &str = "rgba(240, 170, 40, 0.85)";

/// The settings the full-data map depends on; the map is rebuilt when any
/// of them changes.
#[derive(Clone, Debug, PartialEq)]
struct DataKey {
    model: ModelKind,
    samples: usize,
    noise: f64,
    truth: [f64; 2],
    seed: u64,
}

impl DataKey {
    fn of(config: &StochasticConfig) -> Self {
        Self {
            model: config.model,
            samples: config.samples,
            noise: config.noise,
            truth: config.truth,
            seed: config.seed,
        }
    }
}

/// Loss values on a grid of cell centres over `view`, row 0 at the top.
/// `batch` = `None` is the full data.
fn loss_grid(
    race: &StochasticRace,
    batch: Option<&[usize]>,
    view: &ViewBox,
    width: usize,
    height: usize,
) -> Vec<f64> {
    let model = race.model();
    if race.config().model == ModelKind::Linear {
        return quadratic_grid(model, batch, view, width, height);
    }
    match batch {
        None => sample_grid(race.full_surface(), view, width, height),
        Some(indices) => {
            let surface = race.full_surface().with_batch(indices.to_vec());
            sample_grid(&surface as &dyn Surface, view, width, height)
        }
    }
}

/// The exact second-order expansion of a quadratic loss around the view's
/// centre, evaluated on the grid.
fn quadratic_grid(
    model: &dyn EmpiricalRisk,
    batch: Option<&[usize]>,
    view: &ViewBox,
    width: usize,
    height: usize,
) -> Vec<f64> {
    let centre = [
        0.5 * (view.x_min + view.x_max),
        0.5 * (view.y_min + view.y_max),
    ];
    let (value, gradient, hessian) = match batch {
        None => (
            model.loss(centre),
            model.gradient(centre),
            model.hessian(centre),
        ),
        Some(b) => (
            model.batch_loss(centre, b),
            model.batch_gradient(centre, b),
            model.batch_hessian(centre, b),
        ),
    };
    let mut values = Vec::with_capacity(width * height);
    for row in 0..height {
        let y = view.y_max - (row as f64 + 0.5) / height as f64 * (view.y_max - view.y_min);
        let dy = y - centre[1];
        for col in 0..width {
            let x = view.x_min + (col as f64 + 0.5) / width as f64 * (view.x_max - view.x_min);
            let dx = x - centre[0];
            let quadratic = hessian[0][0] * dx * dx
                + (hessian[0][1] + hessian[1][0]) * dx * dy
                + hessian[1][1] * dy * dy;
            // A half mean of squares is never negative; rounding may dip below.
            values.push((value + gradient[0] * dx + gradient[1] * dy + 0.5 * quadratic).max(0.0));
        }
    }
    values
}

/// Grid points across for a surface whose points cost `examples` each
/// (for the quadratic linear-model loss, the top of `range`).
fn grid_side(race: &StochasticRace, examples: usize, budget: f64, range: (usize, usize)) -> usize {
    if race.config().model == ModelKind::Linear {
        return range.1;
    }
    let side = (budget / examples.max(1) as f64).sqrt() as usize;
    side.clamp(range.0, range.1)
}

/// The full-data heatmap, kept until the data, the canvas size or the view
/// changes.
pub struct DataHeatmap {
    image: HtmlCanvasElement,
    width: u32,
    height: u32,
    key: DataKey,
    view: ViewBox,
    grid: usize,
    scale: ColorScale,
    contours: Vec<Segment>,
}

impl DataHeatmap {
    /// Samples the race's full-data surface for a canvas of this size. The
    /// view is `keep` when given (the map stays put while the start moves
    /// inside it), else the surface's own view box.
    pub fn build(
        race: &StochasticRace,
        canvas: &HtmlCanvasElement,
        keep: Option<ViewBox>,
    ) -> Result<Self, JsValue> {
        let (width, height) = (canvas.width().max(1), canvas.height().max(1));
        let view = keep.unwrap_or_else(|| race.full_surface().view_box());
        let range = if race.config().model == ModelKind::Linear {
            (FULL_GRID.0, QUADRATIC_GRID)
        } else {
            FULL_GRID
        };
        let grid = grid_side(race, race.model().examples(), FULL_BUDGET, range);
        let values = loss_grid(race, None, &view, grid, grid);
        let scale = ColorScale::fit(&values, true);
        let rgba = colorize(&values, &scale);
        let image = offscreen_canvas(grid as u32, grid as u32)?;
        let data =
            ImageData::new_with_u8_clamped_array_and_sh(Clamped(&rgba), grid as u32, grid as u32)?;
        context(&image)?.put_image_data(&data, 0.0, 0.0)?;
        let levels = contour_levels(&scale, CONTOUR_LEVELS);
        let contours = contour_segments(&values, grid, grid, &levels);
        Ok(Self {
            image,
            width,
            height,
            key: DataKey::of(race.config()),
            view,
            grid,
            scale,
            contours,
        })
    }

    /// Whether this map still shows the race's data at this canvas size,
    /// with the start inside it.
    pub fn fits(&self, race: &StochasticRace, canvas: &HtmlCanvasElement) -> bool {
        let [sx, sy] = race.config().start;
        let v = &self.view;
        self.width == canvas.width().max(1)
            && self.height == canvas.height().max(1)
            && self.key == DataKey::of(race.config())
            && (v.x_min..=v.x_max).contains(&sx)
            && (v.y_min..=v.y_max).contains(&sy)
    }

    /// The view to keep when the map is rebuilt for a new canvas size or a
    /// start that moved inside it: this one, if the data is the same.
    pub fn view_for(&self, race: &StochasticRace) -> Option<ViewBox> {
        let [sx, sy] = race.config().start;
        let v = &self.view;
        let inside = (v.x_min..=v.x_max).contains(&sx) && (v.y_min..=v.y_max).contains(&sy);
        (self.key == DataKey::of(race.config()) && inside).then_some(self.view)
    }

    pub fn view(&self) -> ViewBox {
        self.view
    }

    /// Paints the heatmap and its contours onto the canvas.
    pub fn draw(&self, canvas: &HtmlCanvasElement) -> Result<(), JsValue> {
        let ctx = context(canvas)?;
        let (w, h) = (f64::from(self.width), f64::from(self.height));
        ctx.clear_rect(0.0, 0.0, w, h);
        ctx.set_image_smoothing_enabled(true);
        ctx.draw_image_with_html_canvas_element_and_dw_and_dh(&self.image, 0.0, 0.0, w, h)?;
        stroke_segments(&ctx, &self.contours, self.grid, w, h);
        ctx.set_stroke_style_str("rgba(255, 255, 255, 0.35)");
        ctx.set_line_width((w / 600.0).max(1.0));
        ctx.stroke();
        Ok(())
    }
}

fn offscreen_canvas(width: u32, height: u32) -> Result<HtmlCanvasElement, JsValue> {
    let canvas = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?
        .create_element("canvas")?
        .dyn_into::<HtmlCanvasElement>()?;
    canvas.set_width(width);
    canvas.set_height(height);
    Ok(canvas)
}

/// Adds grid-coordinate segments to the current path, scaled to w × h.
fn stroke_segments(
    ctx: &CanvasRenderingContext2d,
    segments: &[Segment],
    grid: usize,
    w: f64,
    h: f64,
) {
    let n = grid as f64;
    ctx.begin_path();
    for [a, b] in segments {
        ctx.move_to((a[0] + 0.5) / n * w, (a[1] + 0.5) / n * h);
        ctx.line_to((b[0] + 0.5) / n * w, (b[1] + 0.5) / n * h);
    }
}

/// Points closer than this many device pixels to the last vertex are skipped.
const MIN_SEGMENT_PX: f64 = 0.75;

/// Draws the overlay: the next minibatch's contours (when `show_batch`),
/// the minima, the three paths and their heads, and the start handle.
pub fn draw_overlay(
    canvas: &HtmlCanvasElement,
    race: &StochasticRace,
    map: &DataHeatmap,
    show_batch: bool,
) -> Result<(), JsValue> {
    let ctx = context(canvas)?;
    let (width, height) = (f64::from(canvas.width()), f64::from(canvas.height()));
    ctx.clear_rect(0.0, 0.0, width, height);
    let projection = Projection {
        view: map.view(),
        width,
        height,
    };
    let unit = (width.min(height) / 600.0).max(0.5);
    ctx.set_line_join("round");
    ctx.set_line_cap("round");

    if show_batch
        && let Some(surface) = race.minibatch_surface()
        && let Some(batch) = surface.batch()
    {
        let grid = grid_side(race, batch.len(), BATCH_BUDGET, BATCH_GRID);
        let values = loss_grid(race, Some(batch), &projection.view, grid, grid);
        // The full map's levels: where the two differ is the minibatch noise.
        let levels = contour_levels(&map.scale, CONTOUR_LEVELS / 2);
        let segments = contour_segments(&values, grid, grid, &levels);
        ctx.set_line_dash(&js_sys::Array::of2(
            &JsValue::from_f64(6.0 * unit),
            &JsValue::from_f64(4.0 * unit),
        ))?;
        stroke_segments(&ctx, &segments, grid, width, height);
        ctx.set_stroke_style_str(BATCH_CONTOUR);
        ctx.set_line_width(1.6 * unit);
        ctx.stroke();
        ctx.set_line_dash(&js_sys::Array::new())?;
        if let Some([x, y]) = race.model().batch_minimizer(batch) {
            let (px, py) = projection.to_px(x, y);
            draw_cross(&ctx, px, py, 5.0 * unit, BATCH_CONTOUR, 2.0 * unit);
        }
    }

    // The surface caches its minimiser (for logistic data an iterative solve).
    for [x, y] in race.full_surface().minima() {
        let (px, py) = projection.to_px(x, y);
        draw_cross(
            &ctx,
            px,
            py,
            6.0 * unit,
            "rgba(255, 255, 255, 0.95)",
            2.0 * unit,
        );
    }

    for (path, color) in race.paths().iter().zip(PATH_COLORS) {
        trace_path(&ctx, &projection, path.points(), unit);
        ctx.set_line_width(4.0 * unit);
        ctx.set_stroke_style_str("rgba(0, 0, 0, 0.5)");
        ctx.stroke();
        ctx.set_line_width(2.0 * unit);
        ctx.set_stroke_style_str(color);
        ctx.stroke();
    }

    let [sx, sy] = race.config().start;
    let (px, py) = projection.to_px(sx, sy);
    ctx.begin_path();
    ctx.arc(px, py, 7.0 * unit, 0.0, std::f64::consts::TAU)?;
    ctx.set_line_width(2.5 * unit);
    ctx.set_stroke_style_str("#ffffff");
    ctx.stroke();

    for (path, color) in race.paths().iter().zip(PATH_COLORS) {
        let p = path.current();
        let (px, py) = clamp_px(projection.to_px(p.x, p.y));
        ctx.begin_path();
        ctx.arc(px, py, 5.5 * unit, 0.0, std::f64::consts::TAU)?;
        ctx.set_fill_style_str(color);
        ctx.fill();
        ctx.set_line_width(1.5 * unit);
        ctx.set_stroke_style_str(if path.stop().is_some() {
            "#ff3b30"
        } else {
            "#111111"
        });
        ctx.stroke();
    }
    Ok(())
}

fn clamp_px((x, y): (f64, f64)) -> (f64, f64) {
    (x.clamp(-1e5, 1e5), y.clamp(-1e5, 1e5))
}

/// Adds a path's polyline to the context's current path, skipping points
/// that would not move the pen visibly.
fn trace_path(
    ctx: &CanvasRenderingContext2d,
    projection: &Projection,
    points: &[sgdlab_core::landscape::PathPoint],
    unit: f64,
) {
    ctx.begin_path();
    let mut last: Option<(f64, f64)> = None;
    for p in points {
        let (x, y) = clamp_px(projection.to_px(p.x, p.y));
        match last {
            None => ctx.move_to(x, y),
            Some((lx, ly)) if (x - lx).hypot(y - ly) < MIN_SEGMENT_PX * unit => continue,
            Some(_) => ctx.line_to(x, y),
        }
        last = Some((x, y));
    }
}

fn draw_cross(ctx: &CanvasRenderingContext2d, x: f64, y: f64, size: f64, color: &str, width: f64) {
    ctx.begin_path();
    ctx.move_to(x - size, y - size);
    ctx.line_to(x + size, y + size);
    ctx.move_to(x - size, y + size);
    ctx.line_to(x + size, y - size);
    ctx.set_stroke_style_str(color);
    ctx.set_line_width(width);
    ctx.stroke();
}
