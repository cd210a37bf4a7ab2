//! Implicit regularisation of SGD ([`sgdlab_core::implicit_reg`]): R
//! seeded SGD replicas start together on a loss built from data; their
//! mean is drawn against the gradient flow on the loss L and on the
//! modified loss L̃ of Smith, Dherin, Barrett & De (2021).
//!
//! - the map: a heatmap of L, L̃ or L̃ − L (the `map` control), the paths
//!   of the first replicas faintly, every replica's current point, the
//!   mean boldly and the two flows; press or drag to move the start;
//! - a close-up that frames the mean and the flows, so the gap between the
//!   flows (a few per cent of the map) reads clearly;
//! - the distance of the mean from each flow against t = k·η, with the
//!   epoch ends where the gaps are measured.
//!
//! Each frame takes up to `speed` SGD steps of every replica within its
//! time budget.

use crate::now_ms;
use crate::registry::WidgetEntry;
use crate::render::chart::{Chart, Curve, Stroke, XAxis, YAxis};
use crate::render::grid_map::{self, GridMap};
use crate::render::{self, Projection, context, marks};
use crate::widget::{Canvases, Layout, Plot, Pointer, PointerKind, Readout, Widget};
use crate::widgets::{readable, settings_methods};
use serde_json::{Value, json};
use sgdlab_core::implicit_reg::config::IMPLICIT_REG;
use sgdlab_core::implicit_reg::{ImplicitReg, ImplicitRegConfig, Quantity};
use sgdlab_core::link::{FieldError, format_number};
use sgdlab_core::surfaces::ViewBox;
use wasm_bindgen::JsValue;
use web_sys::HtmlCanvasElement;

pub const ENTRY: WidgetEntry = WidgetEntry {
    name: "implicit-reg",
    title: "Implicit regularisation",
    summary: "Many seeded SGD replicas from one start: their mean follows the gradient flow of the modified loss of Smith et al. (2021), not the flow of the loss itself.",
    page: "implicit-reg.html",
    open: |link| {
        let (widget, errors) = ImplicitRegView::open(link);
        (Box::new(widget), errors)
    },
};

/// Example terms (a gradient and a Hessian each) one full map may cost.
const MAP_BUDGET: f64 = 2.0e6;
/// The close-up is drawn on the charts' background.
const CLOSE_UP_BACKGROUND: &str = "rgb(20, 24, 36)";
/// The close-up frames the largest gap to a flow over this many last steps.
const ZOOM_STEPS: usize = 30;
/// The mean iterate, the flow on L and the flow on L̃ (Okabe–Ito).
const MEAN: &str = "#E69F00";
const PLAIN: &str = "#56B4E9";
const MODIFIED: &str = "#CC79A7";
/// The replicas' paths and points.
const REPLICA: &str = "rgba(255, 255, 255, 0.22)";
const REPLICA_POINT: &str = "rgba(255, 255, 255, 0.35)";
/// At most this many replicas' current points are drawn (a sample that
/// shows the cloud; all of them would cost more than a frame).
const POINTS_DRAWN: usize = 1000;
/// The standard error of the mean, on the distance chart.
const STANDARD_ERROR: &str = "#BBBBBB";

/// The map of one quantity at one canvas size.
struct MapCache {
    grid: GridMap,
    quantity: Quantity,
    canvas: (u32, u32),
}

pub struct ImplicitRegView {
    config: ImplicitRegConfig,
    run: ImplicitReg,
    map: Option<MapCache>,
    hover: Option<[f64; 2]>,
}

impl ImplicitRegView {
    fn open(link: &str) -> (Self, Vec<FieldError>) {
        let (config, mut errors) = ImplicitRegConfig::decode(link, &ImplicitRegConfig::default());
        let run = match ImplicitReg::new(&config) {
            Ok(run) => run,
            Err(error) => {
                errors.push(error);
                ImplicitReg::new(&ImplicitRegConfig::default()).expect("the defaults are valid")
            }
        };
        let view = Self {
            config: run.config().clone(),
            run,
            map: None,
            hover: None,
        };
        (view, errors)
    }

    /// A new run from `config`; on error nothing changes.
    fn rebuild(&mut self, config: ImplicitRegConfig) -> Result<(), FieldError> {
        self.run = ImplicitReg::new(&config)?;
        self.config = config;
        self.map = None;
        Ok(())
    }

    /// The replicas' mean, L at it, and the steps so far.
    fn gaps_text(&self) -> Vec<String> {
        let report = self.run.report();
        let c = &self.config;
        let mut lines = vec![format!(
            "Step {} of {} (t = kη = {} of {}); {} of {} epochs done.",
            report.steps,
            report.total_steps,
            readable(self.run.time()),
            readable(report.total_steps as f64 * c.lr),
            report.epochs,
            c.epochs,
        )];
        match (report.gap_plain, report.gap_modified) {
            (Some(plain), Some(modified)) => {
                lines.push(format!(
                    "Mean distance of the mean of {} replicas from the flow on L: {}; from the \
                     flow on L̃: {}{}.",
                    c.replicas,
                    readable(plain),
                    readable(modified),
                    if modified > 0.0 && plain > modified {
                        format!(" ({:.1}× closer to L̃)", plain / modified)
                    } else {
                        String::new()
                    }
                ));
                if let Some(error) = report.mean_standard_error {
                    lines.push(format!(
                        "Standard error of the mean iterate: {} (what {} replicas can resolve).",
                        readable(error),
                        c.replicas
                    ));
                }
            }
            _ => lines.push("The gaps are measured at the end of each epoch.".into()),
        }
        if let Some(stopped) = self.run.stopped() {
            lines.push(stopped.to_string());
        }
        lines
    }

    fn formula_text(&self) -> String {
        let c = &self.config;
        format!(
            "L̃ = L + (η/4)·E‖∇L_B − ∇L‖² + (η/4)·‖∇L‖², with E‖∇L_B − ∇L‖² = c(B)·σ², \
             c(B) = (n − B)/(B(n − 1)) = {} for n = {}, B = {}; η = {}.",
            readable(self.run.modified_loss().noise_factor()),
            c.samples,
            c.batch_size,
            format_number(c.lr)
        )
    }

    fn pointer_text(&self) -> String {
        let Some(theta) = self.hover else {
            return "Point at the map to read L, L̃ and L̃ − L; press or drag to move the start."
                .into();
        };
        let terms = self.run.modified_loss().terms(theta);
        let names = self.run.model().parameter_names();
        format!(
            "{} = {}, {} = {}: L = {}, L̃ = {}, L̃ − L = {}",
            names[0],
            readable(theta[0]),
            names[1],
            readable(theta[1]),
            readable(terms.loss),
            readable(terms.modified),
            readable(terms.modified - terms.loss)
        )
    }

    /// The map of the chosen quantity, rebuilt when the canvas or the
    /// quantity changed.
    fn refresh_map(&mut self, canvas: &HtmlCanvasElement) -> Result<bool, JsValue> {
        let size = (canvas.width(), canvas.height());
        let fresh = self
            .map
            .as_ref()
            .is_some_and(|m| m.canvas == size && m.quantity == self.config.map);
        if fresh {
            return Ok(false);
        }
        let view = self.run.view_box();
        let side = grid_map::grid_side(self.config.samples, MAP_BUDGET, 40, 160);
        let values = self
            .run
            .modified_loss()
            .grid(self.config.map, &view, side, side);
        self.map = Some(MapCache {
            grid: GridMap::complete(view, side, side, values)?,
            quantity: self.config.map,
            canvas: size,
        });
        Ok(true)
    }

    fn draw_map(&self, canvas: &HtmlCanvasElement) -> Result<(), JsValue> {
        let Some(map) = &self.map else {
            return Ok(());
        };
        let ctx = context(canvas)?;
        let projection = projection(canvas, self.run.view_box());
        ctx.clear_rect(0.0, 0.0, projection.width, projection.height);
        map.grid.draw(&ctx, &projection)?;
        let caption = match self.config.map {
            Quantity::Loss => "the loss L",
            Quantity::Modified => "the modified loss L̃",
            Quantity::Difference => "the implicit regulariser L̃ − L",
        };
        marks::caption(&ctx, caption, unit(canvas))
    }

    /// Replicas, the mean and both flows over the map.
    fn draw_paths(
        &self,
        canvas: &HtmlCanvasElement,
        view: ViewBox,
        close_up: bool,
    ) -> Result<(), JsValue> {
        let ctx = context(canvas)?;
        let projection = projection(canvas, view);
        let unit = unit(canvas);
        // Every frame starts from the same line style (a canvas keeps what
        // the last frame set), so a link gives the same pixels however it
        // was played.
        ctx.set_line_join("round");
        ctx.set_line_cap("round");
        if !close_up {
            ctx.clear_rect(0.0, 0.0, projection.width, projection.height);
        }
        if !close_up {
            for trail in self.run.trails() {
                marks::trace(&ctx, &projection, trail.iter().copied(), unit);
                ctx.set_line_width(unit);
                ctx.set_stroke_style_str(REPLICA);
                ctx.stroke();
            }
        }
        {
            ctx.set_fill_style_str(REPLICA_POINT);
            let size = 2.0 * unit;
            let shown = &self.run.replica_positions()[..self.config.replicas.min(POINTS_DRAWN)];
            for &[x, y] in shown {
                let (px, py) = projection.to_px(x, y);
                if px.is_finite() && py.is_finite() {
                    ctx.fill_rect(px - size / 2.0, py - size / 2.0, size, size);
                }
            }
        }
        // At each epoch end, the gaps: the mean joined to where each flow is.
        for checkpoint in self.run.checkpoints() {
            for (flow, color) in [(checkpoint.plain, PLAIN), (checkpoint.modified, MODIFIED)] {
                marks::trace(&ctx, &projection, [checkpoint.mean, flow], 0.0);
                ctx.set_line_width(unit);
                ctx.set_stroke_style_str(color);
                ctx.stroke();
            }
        }
        let paths = [
            (self.run.plain_flow_path(), PLAIN, 2.0, true),
            (self.run.modified_flow_path(), MODIFIED, 2.0, false),
            (self.run.mean_path(), MEAN, 3.0, false),
        ];
        for (path, color, width, dashed) in paths {
            marks::trace(&ctx, &projection, path.iter().copied(), unit);
            marks::stroke(&ctx, color, width * unit, dashed)?;
        }
        for checkpoint in self.run.checkpoints() {
            marks::dot(&ctx, &projection, checkpoint.plain, 3.0 * unit, PLAIN)?;
            marks::dot(&ctx, &projection, checkpoint.modified, 3.0 * unit, MODIFIED)?;
            marks::dot(&ctx, &projection, checkpoint.mean, 3.5 * unit, MEAN)?;
        }
        if let Some(minimum) = self.run.minimum() {
            marks::cross(
                &ctx,
                &projection,
                minimum,
                6.0 * unit,
                "rgba(255, 255, 255, 0.95)",
            );
        }
        marks::ring(&ctx, &projection, self.config.start, 7.0 * unit, "#ffffff")?;
        // Where each flow is now, and the mean on top.
        for (path, color, radius) in [
            (self.run.plain_flow_path(), PLAIN, 4.5),
            (self.run.modified_flow_path(), MODIFIED, 4.5),
            (self.run.mean_path(), MEAN, 5.5),
        ] {
            if let Some(&head) = path.last() {
                marks::dot(&ctx, &projection, head, radius * unit, color)?;
            }
        }
        Ok(())
    }

    /// The close-up's frame: centred on the mean now, its side six times
    /// the largest distance from the mean to a flow over the last
    /// [`ZOOM_STEPS`] steps (so it moves smoothly, and depends only on the
    /// run, not on how often it was drawn), between a fortieth and a half of
    /// the map.
    fn close_up_box(&self) -> ViewBox {
        let map = self.run.view_box();
        let width = map.x_max - map.x_min;
        let means = self.run.mean_path();
        let mean = means.last().copied().unwrap_or(self.config.start);
        let now = means.len().saturating_sub(1);
        let distance = |k: usize, flow: &[[f64; 2]]| match (means.get(k), flow.get(k)) {
            (Some(m), Some(f)) => (f[0] - m[0]).hypot(f[1] - m[1]),
            _ => 0.0,
        };
        let gap = (now.saturating_sub(ZOOM_STEPS)..=now)
            .map(|k| {
                distance(k, self.run.plain_flow_path())
                    .max(distance(k, self.run.modified_flow_path()))
            })
            .fold(0.0, f64::max);
        let span = (6.0 * gap).clamp(width / 40.0, width / 2.0);
        square(mean[0], mean[1], span)
    }

    fn draw_close_up(&self, canvas: &HtmlCanvasElement) -> Result<(), JsValue> {
        let view = self.close_up_box();
        let ctx = context(canvas)?;
        let projection = projection(canvas, view);
        ctx.set_fill_style_str(CLOSE_UP_BACKGROUND);
        ctx.fill_rect(0.0, 0.0, projection.width, projection.height);
        self.draw_paths(canvas, view, true)?;
        let unit = unit(canvas);
        let side = view.x_max - view.x_min;
        let bar = nice_length(side / 4.0);
        let (x0, y0) = (12.0 * unit, projection.height - 14.0 * unit);
        let length = bar / side * projection.width;
        ctx.begin_path();
        ctx.move_to(x0, y0);
        ctx.line_to(x0 + length, y0);
        ctx.set_line_width(2.0 * unit);
        ctx.set_stroke_style_str("#f4f4f0");
        ctx.stroke();
        marks::caption(
            &ctx,
            &format!("close-up of the mean; the bar is {}", format_number(bar)),
            unit,
        )
    }

    fn draw_gaps(&self, canvas: &HtmlCanvasElement) -> Result<(), JsValue> {
        let lr = self.config.lr;
        let distance = |a: [f64; 2], b: [f64; 2]| (a[0] - b[0]).hypot(a[1] - b[1]);
        let along = |flow: &[[f64; 2]]| -> Vec<(f64, f64)> {
            self.run
                .mean_path()
                .iter()
                .zip(flow)
                .enumerate()
                .map(|(k, (&m, &f))| (k as f64 * lr, distance(m, f)))
                .collect()
        };
        let checkpoints = self.run.checkpoints();
        let at_ends =
            |value: fn(&sgdlab_core::implicit_reg::Checkpoint) -> f64| -> Vec<(f64, f64)> {
                checkpoints.iter().map(|c| (c.time, value(c))).collect()
            };
        let curve = |color, points, stroke| Curve::solid(color, points).with(stroke);
        let curves = vec![
            curve(PLAIN, along(self.run.plain_flow_path()), Stroke::Faint),
            curve(
                MODIFIED,
                along(self.run.modified_flow_path()),
                Stroke::Faint,
            ),
            curve(PLAIN, at_ends(|c| c.distance_plain), Stroke::Solid),
            curve(MODIFIED, at_ends(|c| c.distance_modified), Stroke::Solid),
            curve(
                STANDARD_ERROR,
                at_ends(|c| c.standard_error),
                Stroke::Dashed,
            ),
            curve(PLAIN, at_ends(|c| c.distance_plain), Stroke::Dots),
            curve(MODIFIED, at_ends(|c| c.distance_modified), Stroke::Dots),
        ];
        let time = XAxis::Range(0.0, self.run.total_steps() as f64 * lr);
        Chart {
            curves,
            ..Chart::new(
                "t = step × η",
                "distance from the mean",
                time,
                YAxis::FromZero,
            )
        }
        .draw(canvas)?;
        Ok(())
    }
}

/// 1, 2 or 5 times a power of ten, at most `length`.
fn nice_length(length: f64) -> f64 {
    if !(length > 0.0 && length.is_finite()) {
        return 1.0;
    }
    let decade = 10f64.powf(length.log10().floor());
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|m| m * decade)
        .find(|&v| v <= length)
        .unwrap_or(decade)
}

/// A square view box of side `span` centred on (`cx`, `cy`).
fn square(cx: f64, cy: f64, span: f64) -> ViewBox {
    ViewBox {
        x_min: cx - span / 2.0,
        x_max: cx + span / 2.0,
        y_min: cy - span / 2.0,
        y_max: cy + span / 2.0,
    }
}

fn projection(canvas: &HtmlCanvasElement, view: ViewBox) -> Projection {
    Projection {
        view,
        width: f64::from(canvas.width()),
        height: f64::from(canvas.height()),
    }
}

/// Line widths and marks scale with the canvas.
fn unit(canvas: &HtmlCanvasElement) -> f64 {
    (f64::from(canvas.width().min(canvas.height())) / 600.0).max(0.6)
}

impl Widget for ImplicitRegView {
    settings_methods!(IMPLICIT_REG, open);

    fn set(&mut self, key: &str, value: &str) -> Result<(), FieldError> {
        let mut next = self.config.clone();
        IMPLICIT_REG.set(&mut next, key, value)?;
        if next.same_run(&self.config) {
            self.config = next;
            Ok(())
        } else {
            self.rebuild(next)
        }
    }

    fn step(&mut self, n: u64) {
        self.run.step(usize::try_from(n).unwrap_or(usize::MAX));
    }

    fn play_frame(&mut self, budget_ms: f64) {
        let started = now_ms();
        for _ in 0..self.config.speed {
            if self.run.finished() {
                break;
            }
            self.run.step(1);
            if now_ms() - started >= budget_ms {
                break;
            }
        }
    }

    fn reset(&mut self) {
        let config = self.config.clone();
        if let Ok(run) = ImplicitReg::new(&config) {
            self.run = run;
        }
    }

    fn finished(&self) -> bool {
        self.run.finished()
    }

    fn default_steps(&self) -> u64 {
        self.run.total_steps() as u64
    }

    fn status(&self) -> Value {
        let loss = |path: &[[f64; 2]]| path.last().map(|&w| self.run.model().loss(w));
        let c = &self.config;
        json!({
            "step": self.run.step_count(),
            "finished": self.run.finished(),
            "runs": [
                {
                    "label": format!("mean of {} replicas", c.replicas),
                    "color": MEAN,
                    "loss": loss(self.run.mean_path()),
                    "stopped": self.run.stopped(),
                },
                {
                    "label": "gradient flow on L (dashed)",
                    "color": PLAIN,
                    "loss": loss(self.run.plain_flow_path()),
                },
                {
                    "label": "gradient flow on L̃",
                    "color": MODIFIED,
                    "loss": loss(self.run.modified_flow_path()),
                },
            ],
            "readouts": {
                "gaps": self.gaps_text(),
                "formula": self.formula_text(),
                "pointer": self.pointer_text(),
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
            out.insert("checkpoints".into(), json!(self.run.checkpoints()));
        }
        out
    }

    fn layout(&self) -> Layout {
        let hide = &self.config.options.hide;
        let hidden = |name: &str| hide.iter().any(|h| h == name);
        Layout {
            plots: vec![
                Plot {
                    name: "map",
                    label: "The chosen heatmap with the replicas (faint), their mean (orange), \
                            the flow on L (blue, dashed) and the flow on L̃ (pink). Press or \
                            drag to move the start."
                        .into(),
                    layers: &["heatmap", "paths"],
                    pointer: true,
                    aspect: 1.0,
                    main: true,
                    hidden: false,
                },
                Plot {
                    name: "zoom",
                    label: "Close-up around the mean of the replicas, with both flows and the \
                            gaps at each epoch end; the bar gives the scale"
                        .into(),
                    layers: &["zoom"],
                    pointer: false,
                    aspect: 1.0,
                    main: false,
                    hidden: hidden("zoom"),
                },
                Plot {
                    name: "gaps",
                    label: "Distance of the mean iterate from the flow on L (blue) and on L̃ \
                            (pink) against t; dots at epoch ends, the standard error dashed"
                        .into(),
                    layers: &["gaps"],
                    pointer: false,
                    aspect: 0.6,
                    main: false,
                    hidden: hidden("gaps"),
                },
            ],
            readouts: vec![
                Readout {
                    name: "gaps",
                    label: "The gaps",
                    hidden: false,
                },
                Readout {
                    name: "formula",
                    label: "The modified loss",
                    hidden: false,
                },
                Readout {
                    name: "pointer",
                    label: "Under the pointer",
                    hidden: false,
                },
            ],
            legend: !hidden("legend"),
            export: !hidden("export"),
        }
    }

    fn render(&mut self, canvases: &Canvases) -> Result<(), JsValue> {
        if let Some(canvas) = canvases.get("heatmap")
            && self.refresh_map(canvas)?
        {
            self.draw_map(canvas)?;
        }
        if let Some(canvas) = canvases.get("paths") {
            self.draw_paths(canvas, self.run.view_box(), false)?;
        }
        if let Some(canvas) = canvases.get("zoom") {
            self.draw_close_up(canvas)?;
        }
        if let Some(canvas) = canvases.get("gaps") {
            self.draw_gaps(canvas)?;
        }
        Ok(())
    }

    fn pointer(&mut self, pointer: &Pointer<'_>) -> Result<bool, FieldError> {
        if pointer.plot != "map" {
            return Ok(false);
        }
        let world = render::css_to_world(
            &self.run.view_box(),
            pointer.x,
            pointer.y,
            pointer.width,
            pointer.height,
        );
        match pointer.kind {
            PointerKind::Leave => {
                self.hover = None;
                Ok(false)
            }
            PointerKind::Hover => {
                self.hover = world;
                Ok(false)
            }
            PointerKind::Down | PointerKind::Drag => {
                let Some([x, y]) = world else {
                    return Err(FieldError::new("start", "that point is outside the map"));
                };
                self.hover = Some([x, y]);
                let round = |v: f64| format_number((v * 1e4).round() / 1e4);
                self.set("start", &format!("{},{}", round(x), round(y)))?;
                Ok(true)
            }
        }
    }

    fn resized(&mut self) {
        self.map = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(link: &str) -> ImplicitRegView {
        let (view, errors) = ImplicitRegView::open(link);
        assert!(errors.is_empty(), "{errors:?}");
        view
    }

    #[test]
    fn the_export_carries_the_contract_figures_and_the_link() {
        let mut view = open("replicas=50&epochs=2");
        view.step(view.default_steps());
        let json = view.export_json();
        assert_eq!(json["view"], "implicit-reg");
        assert_eq!(json["link"], view.link());
        assert_eq!(json["replicas"], 50);
        assert!(json["gap_plain"].as_f64().unwrap() > json["gap_modified"].as_f64().unwrap());
        assert_eq!(json["checkpoints"].as_array().unwrap().len(), 2);
        assert_eq!(view.export_csv(), view.run.csv());
        assert!(view.finished());
    }

    #[test]
    fn display_settings_keep_the_run_and_run_settings_restart_it() {
        let mut view = open("replicas=20");
        view.step(5);
        view.set("map", "difference").unwrap();
        view.set("speed", "7").unwrap();
        assert_eq!(view.run.step_count(), 5);
        view.set("lr", "0.1").unwrap();
        assert_eq!(view.run.step_count(), 0);
        let error = view.set("b", "3").unwrap_err();
        assert_eq!(error.field, "b");
        assert!(view.link().contains("lr=0.1&") && view.link().contains("map=difference"));
    }

    #[test]
    fn frames_take_speed_steps_and_stop_at_the_end() {
        let mut view = open("replicas=10&speed=5&epochs=1");
        view.play_frame(f64::INFINITY);
        assert_eq!(view.run.step_count(), 5);
        for _ in 0..10 {
            view.play_frame(f64::INFINITY);
        }
        assert!(view.finished());
        assert_eq!(view.run.step_count(), 16);
        view.reset();
        assert_eq!(view.run.step_count(), 0);
    }

    #[test]
    fn a_bad_link_keeps_the_defaults_and_says_why() {
        let (view, errors) = ImplicitRegView::open("lr=-1&replicas=lots");
        assert_eq!(view.config, ImplicitRegConfig::default());
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["lr", "replicas"]);
    }

    #[test]
    fn scale_bars_are_round_lengths() {
        assert_eq!(nice_length(0.37), 0.2);
        assert_eq!(nice_length(0.05), 0.05);
        assert_eq!(nice_length(9.9), 5.0);
        assert_eq!(nice_length(1.0), 1.0);
        assert_eq!(nice_length(f64::NAN), 1.0);
    }

    #[test]
    fn the_pointer_moves_the_start_and_reads_the_map() {
        let mut view = open("replicas=10");
        let map = view.run.view_box();
        let hover = Pointer {
            plot: "map",
            kind: PointerKind::Hover,
            x: 150.0,
            y: 150.0,
            width: 300.0,
            height: 300.0,
        };
        assert_eq!(view.pointer(&hover), Ok(false));
        assert!(view.pointer_text().contains("L̃ − L = "));
        let press = Pointer {
            kind: PointerKind::Down,
            ..hover
        };
        assert_eq!(view.pointer(&press), Ok(true));
        let expected = [0.5 * (map.x_min + map.x_max), 0.5 * (map.y_min + map.y_max)];
        for (got, want) in view.config.start.iter().zip(expected) {
            assert!((got - want).abs() < 1e-4);
        }
    }
}
