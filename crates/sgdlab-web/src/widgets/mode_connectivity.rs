//! Mode connectivity ([`sgdlab_core::mode_connectivity`]): two networks
//! trained from different seeds on the same data, the loss along the
//! straight line between them, and a quadratic Bézier bend trained so that
//! the loss stays low along the curve (Garipov et al. 2018).
//!
//! - the plane: the training loss on the plane through w₁, w₂ and the bend
//!   θ, with the three points, the line and the curve (their figure 1). It
//!   is filled a few grid points per frame once the run is over; until then
//!   the points and paths are drawn on the current plane;
//! - the loss along t for the line and the curve, train (solid) and test
//!   (dashed);
//! - the minibatch losses of the two networks and of the bend as they
//!   train, and the phase in the progress readout.
//!
//! Each frame does as many units of work (optimizer steps or evaluations)
//! as fit its time budget. The training runs on the CPU (see the report of
//! the view's issue for why not on WebGPU).

use crate::now_ms;
use crate::registry::WidgetEntry;
use crate::render::chart::{Chart, Curve, Stroke, XAxis, YAxis};
use crate::render::chart_style::BACKGROUND;
use crate::render::grid_map::{self, GridMap};
use crate::render::{Projection, context, marks};
use crate::widget::{Canvases, Layout, Plot, Readout, Widget};
use crate::widgets::{readable, settings_methods};
use serde_json::{Value, json};
use sgdlab_core::link::FieldError;
use sgdlab_core::mode_connectivity::config::MODE_CONNECTIVITY;
use sgdlab_core::mode_connectivity::{
    ModeConnectivity, ModeConnectivityConfig, PathPoint, PathReport, Phase, Plane, PlanePoints,
};
use sgdlab_core::surfaces::ViewBox;
use wasm_bindgen::JsValue;
use web_sys::HtmlCanvasElement;

pub const ENTRY: WidgetEntry = WidgetEntry {
    name: "mode-connectivity",
    title: "Mode connectivity",
    summary: "Two networks trained from different seeds: the straight line between them crosses a loss barrier that a trained Bézier curve avoids (Garipov et al. 2018).",
    page: "mode-connectivity.html",
    open: |link| {
        let (widget, errors) = ModeConnectivityView::open(link);
        (Box::new(widget), errors)
    },
};

/// Units of work between two looks at the clock.
const UNITS_PER_CHECK: usize = 4;
/// Example passes × parameters one whole plane may cost.
const PLANE_BUDGET: f64 = 2.5e8;
/// Wall time one frame may spend filling the plane (the drawing after it
/// takes a few milliseconds more).
const PLANE_FRAME_MS: f64 = 4.0;
/// Points drawn along the curve.
const CURVE_SAMPLES: usize = 100;
/// The two networks, the line and the curve (Okabe–Ito).
const FIRST: &str = "#009E73";
const SECOND: &str = "#CC79A7";
const LINE: &str = "#56B4E9";
const CURVE: &str = "#E69F00";
/// Minibatch losses are averaged over this many buckets for the chart.
const LOSS_BUCKETS: usize = 80;

/// The loss on one plane, being filled row by row.
struct PlaneMap {
    plane: Plane,
    points: PlanePoints,
    grid: GridMap,
}

pub struct ModeConnectivityView {
    config: ModeConnectivityConfig,
    run: ModeConnectivity,
    map: Option<PlaneMap>,
    /// The step count the two charts were last drawn at: they are redrawn
    /// when the run moved (while playing, the page redraws side plots at
    /// most 20 times a second), never while only the plane fills.
    charts_drawn: Option<usize>,
}

impl ModeConnectivityView {
    fn open(link: &str) -> (Self, Vec<FieldError>) {
        let (config, mut errors) =
            ModeConnectivityConfig::decode(link, &ModeConnectivityConfig::default());
        let run = match ModeConnectivity::new(&config) {
            Ok(run) => run,
            Err(error) => {
                errors.push(error);
                ModeConnectivity::new(&ModeConnectivityConfig::default())
                    .expect("the defaults are valid")
            }
        };
        let view = Self {
            config: run.config().clone(),
            run,
            map: None,
            charts_drawn: None,
        };
        (view, errors)
    }

    /// Optimizer steps each network takes: epochs × ⌈n_train/B⌉.
    fn steps_per_network(&self) -> usize {
        self.config.epochs * self.config.train_size().div_ceil(self.config.batch_size)
    }

    /// Whether the bend is final, so the plane through the three points is.
    fn bend_trained(&self) -> bool {
        matches!(self.run.phase(), Phase::Curve | Phase::Done)
            || self.run.stopped().is_some() && self.run.phase() != Phase::Endpoints
    }

    /// Fills the plane's map, one grid point at a time, until the frame's
    /// budget for it is spent. It starts once the run is over, so it never
    /// shares a frame with training.
    fn fill_plane(&mut self) -> Result<(), JsValue> {
        if !(self.bend_trained() && self.run.finished()) {
            return Ok(());
        }
        if self.map.is_none() {
            let plane = self.run.plane();
            let points = self.run.plane_points(&plane);
            let cost = self.config.train_size() * self.run.spec().parameter_count();
            let side = grid_map::grid_side(cost, PLANE_BUDGET, 16, 64);
            let grid = GridMap::new(square(points.view_box()), side, side)?;
            self.map = Some(PlaneMap {
                plane,
                points,
                grid,
            });
        }
        let started = now_ms();
        let Some(map) = self.map.as_mut() else {
            return Ok(());
        };
        let (width, height) = map.grid.size();
        let view = map.grid.view();
        let column = (view.x_max - view.x_min) / width as f64;
        let mut values = Vec::new();
        let mut next = map.grid.filled();
        while next < width * height {
            // Grid point (col, row) is the one point of a one-column grid
            // over that column's strip of the view.
            let (row, col) = (next / width, next % width);
            let strip = ViewBox {
                x_min: view.x_min + col as f64 * column,
                x_max: view.x_min + (col + 1) as f64 * column,
                ..view
            };
            self.run
                .plane_loss_rows(&map.plane, &strip, 1, height, row..row + 1, &mut values);
            next += 1;
            if now_ms() - started >= PLANE_FRAME_MS {
                break;
            }
        }
        map.grid.push(&values)
    }

    fn draw_plane(&self, canvas: &HtmlCanvasElement) -> Result<(), JsValue> {
        let ctx = context(canvas)?;
        let (width, height) = (f64::from(canvas.width()), f64::from(canvas.height()));
        let unit = (width.min(height) / 600.0).max(0.6);
        ctx.set_fill_style_str(&format!(
            "rgb({}, {}, {})",
            BACKGROUND.0, BACKGROUND.1, BACKGROUND.2
        ));
        ctx.fill_rect(0.0, 0.0, width, height);
        let (points, view) = match &self.map {
            Some(map) => (map.points, map.grid.view()),
            None => {
                let points = self.run.plane_points(&self.run.plane());
                (points, points.view_box())
            }
        };
        let projection = Projection {
            view: square(view),
            width,
            height,
        };
        if let Some(map) = &self.map {
            map.grid.draw(&ctx, &projection)?;
        }
        marks::trace(&ctx, &projection, [points.w1, points.w2], unit);
        marks::stroke(&ctx, LINE, 2.5 * unit, true)?;
        let curve = (0..=CURVE_SAMPLES).map(|i| points.curve(i as f64 / CURVE_SAMPLES as f64));
        marks::trace(&ctx, &projection, curve, unit);
        marks::stroke(&ctx, CURVE, 3.0 * unit, false)?;
        for (at, color, name) in [
            (points.w1, FIRST, "w₁"),
            (points.w2, SECOND, "w₂"),
            (points.bend, CURVE, "θ"),
        ] {
            marks::dot(&ctx, &projection, at, 6.0 * unit, color)?;
            marks::label(&ctx, &projection, at, name, unit)?;
        }
        let caption = match &self.map {
            Some(map) if map.grid.is_complete() => {
                "training loss on the plane through w₁, w₂ and θ".to_string()
            }
            Some(map) => format!(
                "drawing the loss on the plane: {} of {} rows",
                map.grid.rows(),
                map.grid.size().1
            ),
            None => "the loss on this plane is drawn once the bend is trained".to_string(),
        };
        marks::caption(&ctx, &caption, unit)
    }

    fn draw_path(&self, canvas: &HtmlCanvasElement) -> Result<(), JsValue> {
        let along = |path: &[PathPoint], test: bool| -> Vec<(f64, f64)> {
            path.iter()
                .filter_map(|p| {
                    let loss = if test {
                        p.test_loss
                    } else {
                        Some(p.train_loss)
                    };
                    loss.map(|l| (p.t, l))
                })
                .collect()
        };
        let curves = vec![
            Curve::solid(LINE, along(self.run.line(), true)).with(Stroke::Dashed),
            Curve::solid(CURVE, along(self.run.curve(), true)).with(Stroke::Dashed),
            Curve::solid(LINE, along(self.run.line(), false)),
            Curve::solid(CURVE, along(self.run.curve(), false)),
        ];
        let t = XAxis::Range(0.0, 1.0);
        Chart {
            curves,
            ..Chart::new("t", "cross-entropy", t, YAxis::FromZero)
        }
        .draw(canvas)?;
        Ok(())
    }

    fn draw_progress(&self, canvas: &HtmlCanvasElement) -> Result<(), JsValue> {
        let first = self.run.endpoint_losses(0);
        let second = self.run.endpoint_losses(1);
        let trained = self.steps_per_network();
        let bend: Vec<f32> = self.run.bend_losses().iter().map(|&(_, l)| l).collect();
        let curves = vec![
            Curve::solid(FIRST, bucket_means(first, 0.0)),
            Curve::solid(SECOND, bucket_means(second, 0.0)),
            Curve::solid(CURVE, bucket_means(&bend, trained as f64)),
        ];
        let end = (trained + self.run.config().bend_steps) as f64;
        Chart {
            curves,
            marks: vec![trained as f64],
            ..Chart::new(
                "optimizer step",
                "minibatch loss",
                XAxis::Range(0.0, end),
                YAxis::Log,
            )
        }
        .draw(canvas)?;
        Ok(())
    }

    fn progress_text(&self) -> Vec<String> {
        let c = &self.config;
        let steps = |k: usize| self.run.endpoint_losses(k).len();
        let per_network = self.steps_per_network();
        let phase = match self.run.phase() {
            Phase::Endpoints => format!(
                "Training the two networks with Adam: step {} and {} of {}.",
                steps(0),
                steps(1),
                per_network
            ),
            Phase::Line => format!(
                "Measuring the straight line: {} of {} points.",
                self.run.line().len(),
                c.points
            ),
            Phase::Bend => format!(
                "Training the bend θ, one fresh t per minibatch: step {} of {}.",
                self.run.bend_losses().len(),
                c.bend_steps
            ),
            Phase::Curve => format!(
                "Measuring the curve: {} of {} points.",
                self.run.curve().len(),
                c.points
            ),
            Phase::Done => "Done.".to_string(),
        };
        let mut lines = vec![format!(
            "{phase} ({}% of the run.)",
            (100.0 * self.run.progress()).floor()
        )];
        if let Some(stopped) = self.run.stopped() {
            lines.push(stopped.to_string());
        }
        lines
    }

    fn figures_text(&self) -> Vec<String> {
        let report = self.run.report();
        let mut lines = Vec::new();
        if let [a, b] = report.endpoints.as_slice() {
            lines.push(format!(
                "The two networks: training loss {} and {} (accuracy {:.1}% and {:.1}%).",
                readable(a.train_loss),
                readable(b.train_loss),
                100.0 * a.train_acc,
                100.0 * b.train_acc
            ));
        }
        let describe = |name: &str, path: &PathReport| {
            format!(
                "{name}: highest training loss {} at t = {} (a barrier of {} above the \
                 endpoints' interpolation).",
                readable(path.max_train_loss),
                readable(path.t_at_max),
                readable(path.barrier)
            )
        };
        if let Some(line) = &report.line {
            lines.push(describe("Line", line));
        }
        if let Some(curve) = &report.curve {
            lines.push(describe("Curve", curve));
        }
        if let Some(share) = self.barrier_removed() {
            lines.push(format!(
                "The curve removes {:.1}% of the line's barrier.",
                100.0 * share
            ));
        }
        if lines.is_empty() {
            lines.push("The figures appear as the paths are measured.".into());
        }
        lines
    }

    /// The share of the line's barrier the curve removes, once both are
    /// measured.
    fn barrier_removed(&self) -> Option<f64> {
        let report = self.run.report();
        let (line, curve) = (report.line?, report.curve?);
        (line.barrier > 0.0).then(|| 1.0 - curve.barrier / line.barrier)
    }
}

/// A square box around `view`'s centre holding all of it, so the plane's
/// distances read the same across and up.
fn square(view: ViewBox) -> ViewBox {
    let span = (view.x_max - view.x_min).max(view.y_max - view.y_min);
    let (cx, cy) = (
        0.5 * (view.x_min + view.x_max),
        0.5 * (view.y_min + view.y_max),
    );
    ViewBox {
        x_min: cx - span / 2.0,
        x_max: cx + span / 2.0,
        y_min: cy - span / 2.0,
        y_max: cy + span / 2.0,
    }
}

/// Minibatch losses averaged over at most [`LOSS_BUCKETS`] equal runs of
/// steps, at the runs' middle steps (shifted by `offset`).
fn bucket_means(losses: &[f32], offset: f64) -> Vec<(f64, f64)> {
    let size = losses.len().div_ceil(LOSS_BUCKETS).max(1);
    losses
        .chunks(size)
        .enumerate()
        .map(|(i, chunk)| {
            let mean = chunk.iter().map(|&l| f64::from(l)).sum::<f64>() / chunk.len() as f64;
            let middle = (i * size) as f64 + 0.5 * chunk.len() as f64;
            (offset + middle, mean)
        })
        .collect()
}

impl Widget for ModeConnectivityView {
    settings_methods!(MODE_CONNECTIVITY, open);

    fn set(&mut self, key: &str, value: &str) -> Result<(), FieldError> {
        let mut next = self.config.clone();
        MODE_CONNECTIVITY.set(&mut next, key, value)?;
        if !next.same_run(&self.config) {
            self.run = ModeConnectivity::new(&next)?;
            self.map = None;
            self.charts_drawn = None;
        }
        self.config = next;
        Ok(())
    }

    fn step(&mut self, n: u64) {
        self.run.step(usize::try_from(n).unwrap_or(usize::MAX));
    }

    fn play_frame(&mut self, budget_ms: f64) {
        let started = now_ms();
        while !self.run.finished() {
            self.run.step(UNITS_PER_CHECK);
            if now_ms() - started >= budget_ms {
                break;
            }
        }
    }

    /// The plane's map is still being filled (after the run).
    fn busy(&self) -> bool {
        self.bend_trained()
            && self.run.finished()
            && self.map.as_ref().is_none_or(|m| !m.grid.is_complete())
    }

    fn reset(&mut self) {
        if let Ok(run) = ModeConnectivity::new(&self.config) {
            self.run = run;
            self.map = None;
            self.charts_drawn = None;
        }
    }

    fn finished(&self) -> bool {
        self.run.finished()
    }

    fn default_steps(&self) -> u64 {
        self.run.total_steps() as u64
    }

    fn status(&self) -> Value {
        let report = self.run.report();
        let last = |k: usize| self.run.endpoint_losses(k).last().map(|&l| f64::from(l));
        let endpoint = |k: usize| {
            report
                .endpoints
                .get(k)
                .map(|e| e.train_loss)
                .or_else(|| last(k))
        };
        json!({
            "step": self.run.step_count(),
            "finished": self.run.finished(),
            "phase": self.run.phase(),
            "progress": self.run.progress(),
            "runs": [
                {"label": "network w₁", "color": FIRST, "loss": endpoint(0)},
                {"label": "network w₂", "color": SECOND, "loss": endpoint(1)},
                {"label": "line: highest loss", "color": LINE, "loss": report.line.map(|p| p.max_train_loss)},
                {"label": "curve: highest loss", "color": CURVE, "loss": report.curve.map(|p| p.max_train_loss)},
            ],
            "readouts": {
                "progress": self.progress_text(),
                "figures": self.figures_text(),
            },
        })
    }

    fn export_csv(&self) -> String {
        self.run.csv()
    }

    fn export_json(&self) -> Value {
        let mut out = json!({"view": ENTRY.name, "link": self.config.encode()});
        if let (Value::Object(out), Ok(Value::Object(report))) =
            (&mut out, serde_json::to_value(self.run.report()))
        {
            out.extend(report);
            out.insert("barrier_removed".into(), json!(self.barrier_removed()));
            out.insert("line_points".into(), json!(self.run.line()));
            out.insert("curve_points".into(), json!(self.run.curve()));
        }
        out
    }

    fn layout(&self) -> Layout {
        let hide = &self.config.options.hide;
        let hidden = |name: &str| hide.iter().any(|h| h == name);
        Layout {
            plots: vec![
                Plot {
                    name: "plane",
                    label: "The training loss on the plane through the two networks w₁, w₂ \
                            and the bend θ, with the straight line (blue, dashed) and the \
                            curve (orange)"
                        .into(),
                    layers: &["plane"],
                    pointer: false,
                    aspect: 1.0,
                    main: true,
                    hidden: false,
                },
                Plot {
                    name: "path",
                    label: "Loss against t along the line (blue) and the curve (orange), \
                            train solid and test dashed"
                        .into(),
                    layers: &["path"],
                    pointer: false,
                    aspect: 0.6,
                    main: false,
                    hidden: hidden("path"),
                },
                Plot {
                    name: "progress",
                    label: "Minibatch losses of the two networks and then of the bend as \
                            they train"
                        .into(),
                    layers: &["progress"],
                    pointer: false,
                    aspect: 0.6,
                    main: false,
                    hidden: hidden("progress"),
                },
            ],
            readouts: vec![
                Readout {
                    name: "progress",
                    label: "Progress",
                    hidden: false,
                },
                Readout {
                    name: "figures",
                    label: "The barrier",
                    hidden: false,
                },
            ],
            legend: !hidden("legend"),
            export: !hidden("export"),
        }
    }

    fn render(&mut self, canvases: &Canvases) -> Result<(), JsValue> {
        if let Some(canvas) = canvases.get("plane") {
            self.fill_plane()?;
            self.draw_plane(canvas)?;
        }
        let (path, progress) = (canvases.get("path"), canvases.get("progress"));
        let step = self.run.step_count();
        if path.is_none() && progress.is_none() || self.charts_drawn == Some(step) {
            return Ok(());
        }
        if let Some(canvas) = path {
            self.draw_path(canvas)?;
        }
        if let Some(canvas) = progress {
            self.draw_progress(canvas)?;
        }
        self.charts_drawn = Some(step);
        Ok(())
    }

    fn resized(&mut self) {
        self.charts_drawn = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run small enough for a debug build.
    const SMALL: &str = "n=200&epochs=20&bend=300&points=9";

    fn open(link: &str) -> ModeConnectivityView {
        let (view, errors) = ModeConnectivityView::open(link);
        assert!(errors.is_empty(), "{errors:?}");
        view
    }

    #[test]
    fn the_export_carries_the_contract_figures() {
        let mut view = open(SMALL);
        assert!(!view.busy());
        view.step(view.default_steps());
        assert!(view.finished());
        let json = view.export_json();
        assert_eq!(json["view"], "mode-connectivity");
        assert_eq!(json["link"], view.link());
        assert_eq!(json["endpoints"].as_array().unwrap().len(), 2);
        let peak = |path: &str| json[path]["max_train_loss"].as_f64().unwrap();
        assert!(peak("curve") < peak("line"));
        assert_eq!(json["line_points"].as_array().unwrap().len(), 9);
        assert!(json["barrier_removed"].as_f64().unwrap() > 0.5);
        assert!(view.busy(), "the plane is still to be drawn");
        assert_eq!(view.export_csv(), view.run.csv());
    }

    #[test]
    fn frames_run_the_phases_in_order() {
        let mut view = open(SMALL);
        view.play_frame(f64::INFINITY);
        assert!(
            view.finished(),
            "natively a frame has no clock, so it runs to the end"
        );
        view.reset();
        assert_eq!(view.run.step_count(), 0);
        assert!(view.progress_text()[0].starts_with("Training the two networks"));
        view.step(view.default_steps() - 1);
        assert!(view.progress_text()[0].starts_with("Measuring the curve"));
    }

    #[test]
    fn settings_restart_the_run_and_bad_ones_change_nothing() {
        let mut view = open(SMALL);
        view.step(10);
        view.set("hide", "progress").unwrap();
        assert_eq!(view.run.step_count(), 10);
        view.set("seed", "4").unwrap();
        assert_eq!(view.run.step_count(), 0);
        let before = view.link();
        assert_eq!(view.set("hidden", "0").unwrap_err().field, "hidden");
        assert_eq!(view.set("b", "500").unwrap_err().field, "b");
        assert_eq!(view.link(), before);
    }

    #[test]
    fn bucket_means_average_runs_of_steps() {
        let losses: Vec<f32> = (0..400).map(|i| i as f32).collect();
        let means = bucket_means(&losses, 10.0);
        assert_eq!(means.len(), 80);
        assert_eq!(means[0], (12.5, 2.0));
        assert_eq!(bucket_means(&[2.0], 0.0), [(0.5, 2.0)]);
        assert!(bucket_means(&[], 0.0).is_empty());
    }
}
