//! Stochastic landscapes: a loss surface built from data
//! ([`sgdlab_core::stochastic`]). Full-batch GD, minibatch SGD and
//! per-sample SGD race on the full-data heatmap while the next minibatch's
//! contours are drawn over it; the gradient-noise panel shows the cloud of
//! minibatch gradients around ∇L, their variance against 1/B and the
//! angles to ∇L. The loss curves are drawn against steps or gradient
//! evaluations (`x=`); with a schedule (`sched=`, `warm=`) a small plot
//! shows η against step, the rates used and those planned, read from the
//! paths' own schedule objects; a readout gives the Hessian at the minimum,
//! its eigenvalues and κ, and the steps each path needed to come within
//! [`TOLERANCE`] of the minimum.
//!
//! Pressing or dragging on the map moves the start; hovering reads out θ,
//! L and L_B.

use crate::now_ms;
use crate::registry::WidgetEntry;
use crate::render::chart::{Chart, Curve, Stroke, XAxis, YAxis};
use crate::render::{self, data_map, noise};
use crate::widget::{Canvases, Layout, Plot, Pointer, PointerKind, Readout, Widget};
use crate::widgets::readable;
use serde_json::{Value, json};
use sgdlab_core::link::{FieldError, ViewOptions, format_number};
use sgdlab_core::playground::MAX_STEPS;
use sgdlab_core::schedule::ScheduleConfig;
use sgdlab_core::stochastic::config::STOCHASTIC;
use sgdlab_core::stochastic::{
    BatchDraw, CurveAxis, GradientNoise, PathKind, StochasticConfig, StochasticRace, TOLERANCE,
    VariancePoint, doubling_batch_sizes, variance_vs_batch,
};
use sgdlab_core::surfaces::{Surface, ViewBox};
use sgdlab_core::train::lab::encode_schedule;
use wasm_bindgen::JsValue;

pub const ENTRY: WidgetEntry = WidgetEntry {
    name: "stochastic",
    title: "Stochastic",
    summary: "A loss surface built from data: full-batch GD, minibatch SGD and per-sample SGD race while the minibatch surface moves under them.",
    page: "stochastic.html",
    open: |link| {
        let (widget, errors) = Stochastic::open(link);
        (Box::new(widget), errors)
    },
};

/// Steps `sgdlab link` runs when not told: a few epochs of the default data.
const DEFAULT_STEPS: u64 = 100;
/// Gradient additions one point of the variance plot may cost.
const VARIANCE_PLOT_BUDGET: usize = 100_000;
/// The noise panel is measured again at most this often while playing.
const NOISE_INTERVAL_MS: f64 = 250.0;
/// [`TOLERANCE`] as the readout writes it.
const TOLERANCE_TEXT: &str = "10⁻⁶";
/// The η plot shows the planned rates this many steps ahead.
const SCHEDULE_LOOKAHEAD: u64 = 200;

/// The gradient-noise panel's numbers at one point, kept until the point or
/// the settings change.
struct NoisePanel {
    point: [f64; 2],
    config: StochasticConfig,
    noise: GradientNoise,
    variance: Vec<VariancePoint>,
    measured_at_ms: f64,
}

pub struct Stochastic {
    race: StochasticRace,
    map: Option<data_map::DataHeatmap>,
    noise: Option<NoisePanel>,
    /// Whether the noise panel's charts show the current measurement (they
    /// are redrawn only when it changes, not every frame).
    noise_drawn: bool,
    hover: Option<[f64; 2]>,
}

fn path_name(kind: PathKind) -> &'static str {
    match kind {
        PathKind::FullBatch => "full_batch",
        PathKind::Minibatch => "minibatch",
        PathKind::PerSample => "per_sample",
    }
}

impl Stochastic {
    fn open(link: &str) -> (Self, Vec<FieldError>) {
        let (race, errors) = StochasticRace::from_hash(link);
        (
            Self {
                race,
                map: None,
                noise: None,
                noise_drawn: false,
                hover: None,
            },
            errors,
        )
    }

    fn config(&self) -> &StochasticConfig {
        self.race.config()
    }

    /// The map's view: the cached one, or the surface's own.
    fn view(&self) -> ViewBox {
        self.map
            .as_ref()
            .and_then(|m| m.view_for(&self.race))
            .unwrap_or_else(|| self.race.full_surface().view_box())
    }

    /// The minibatch path's current point, where the noise is measured.
    fn noise_point(&self) -> [f64; 2] {
        let p = self.race.path(PathKind::Minibatch).current();
        [p.x, p.y]
    }

    /// Measures the gradient noise at `point` with the current settings.
    fn measure_noise(&self, point: [f64; 2]) -> Result<NoisePanel, FieldError> {
        let c = self.config();
        let model = self.race.model();
        let draw = BatchDraw::for_order(c.order);
        let noise =
            GradientNoise::measure(model, point, c.batch_size, c.noise_batches, draw, c.seed)?;
        // Each point of the variance plot costs K·B gradient additions; large
        // batches get fewer draws (at least 50) so the panel stays fast for
        // big datasets. The prediction needs no draws at all.
        let mut variance = Vec::new();
        for b in doubling_batch_sizes(model.examples()) {
            let draws = c.noise_batches.min((VARIANCE_PLOT_BUDGET / b).max(50));
            variance.extend(variance_vs_batch(model, point, &[b], draws, draw, c.seed)?);
        }
        Ok(NoisePanel {
            point,
            config: c.clone(),
            noise,
            variance,
            measured_at_ms: now_ms(),
        })
    }

    /// Measures the panel again when the point or a setting changed, at
    /// most every [`NOISE_INTERVAL_MS`].
    fn refresh_noise(&mut self) {
        let point = self.noise_point();
        let fresh = self
            .noise
            .as_ref()
            .is_some_and(|p| p.point == point && p.config == *self.config());
        let recent = self.noise.as_ref().is_some_and(|p| {
            p.config == *self.config() && now_ms() - p.measured_at_ms < NOISE_INTERVAL_MS
        });
        if !fresh && !recent {
            self.noise = self.measure_noise(point).ok();
            self.noise_drawn = false;
        }
    }

    fn noise_text(&self) -> String {
        let Some(panel) = &self.noise else {
            return "Gradient noise: not measured yet.".into();
        };
        let n = &panel.noise;
        let ratio = (n.predicted_variance > 0.0)
            .then(|| n.total_variance / n.predicted_variance)
            .map_or("—".into(), readable);
        format!(
            "At θ = ({}, {}), {} minibatches of B = {} ({}): measured variance {} vs \
             predicted σ²/B·(n−B)/(n−1) = {} (ratio {ratio}); {}% point more than 90° away from ∇L.",
            readable(panel.point[0]),
            readable(panel.point[1]),
            n.batch_gradients.len(),
            n.batch_size,
            noise::draw_name(n.draw),
            readable(n.total_variance),
            readable(n.predicted_variance),
            n.share_beyond_90
                .map_or("—".into(), |share| readable(100.0 * share)),
        )
    }

    fn readout_text(&self) -> String {
        let Some(theta) = self.hover else {
            return "Point at the map to read θ, the full loss L and the minibatch loss L_B."
                .into();
        };
        let model = self.race.model();
        let names = model.parameter_names();
        let batch_loss = self
            .race
            .path(PathKind::Minibatch)
            .upcoming_batch()
            .map(|b| model.batch_loss(theta, &b.indices));
        format!(
            "{} = {}, {} = {}, L = {}, L_B = {}",
            names[0],
            readable(theta[0]),
            names[1],
            readable(theta[1]),
            readable(model.loss(theta)),
            batch_loss.map_or("—".into(), readable)
        )
    }

    fn draw_curves(&self, canvas: &web_sys::HtmlCanvasElement) -> Result<(), JsValue> {
        let curves = PathKind::ALL
            .into_iter()
            .zip(data_map::PATH_COLORS)
            .map(|(kind, color)| {
                Curve::solid(color, self.race.loss_curve(kind))
                    .stopped(self.race.path(kind).stop().is_some())
            })
            .collect();
        let x_desc = match self.config().x_axis {
            CurveAxis::Steps => "step",
            CurveAxis::Grads => "gradient evaluations (examples)",
        };
        Chart {
            curves,
            ..Chart::new(x_desc, "full-data loss", XAxis::Steps, YAxis::LogOrFitted)
        }
        .draw(canvas)?;
        Ok(())
    }

    /// Whether the learning rate changes over the run, so the η plot is
    /// worth its room.
    fn has_schedule(&self) -> bool {
        self.config().path_schedule() != ScheduleConfig::Constant
    }

    /// η against step: each path's rates used (solid) and the minibatch
    /// path's planned rates (dashed), from the paths' schedule objects.
    fn draw_schedule(&self, canvas: &web_sys::HtmlCanvasElement) -> Result<(), JsValue> {
        let until = self.race.step_count() + SCHEDULE_LOOKAHEAD;
        let mut curves = Vec::new();
        let mut top: f64 = 0.0;
        for (kind, color) in PathKind::ALL.into_iter().zip(data_map::PATH_COLORS) {
            let plot = self.race.learning_rate_plot(kind, until);
            let points = |rates: &[(u64, f64)]| -> Vec<(f64, f64)> {
                rates.iter().map(|&(t, lr)| (t as f64, lr)).collect()
            };
            top = plot
                .used
                .iter()
                .chain(&plot.planned)
                .map(|p| p.1)
                .fold(top, f64::max);
            curves.push(Curve::solid(color, points(&plot.used)));
            if kind == PathKind::Minibatch {
                curves.push(Curve::solid(color, points(&plot.planned)).with(Stroke::Dashed));
            }
        }
        let top = if top > 0.0 { top * 1.05 } else { 1.0 };
        Chart {
            curves,
            ..Chart::new(
                "step",
                "learning rate η",
                XAxis::Steps,
                YAxis::Fixed(0.0, top),
            )
        }
        .draw(canvas)?;
        Ok(())
    }

    /// The curvature at the minimum and the steps each path needed.
    fn conditioning_text(&self) -> Vec<String> {
        let names = self.race.model().parameter_names();
        let mut lines = Vec::new();
        match self.race.hessian() {
            Some(h) => {
                let m = h.matrix;
                lines.push(format!(
                    "∇²L at the minimum ({} = {}, {} = {}): [[{}, {}], [{}, {}]]",
                    names[0],
                    readable(h.at[0]),
                    names[1],
                    readable(h.at[1]),
                    readable(m[0][0]),
                    readable(m[0][1]),
                    readable(m[1][0]),
                    readable(m[1][1]),
                ));
                lines.push(format!(
                    "eigenvalues {} and {}, condition number κ = {}; GD's best rate (κ−1)/(κ+1) = {} at η = 2/(λ₁+λ₂) = {}",
                    readable(h.eigenvalues[0]),
                    readable(h.eigenvalues[1]),
                    h.condition_number.map_or("—".into(), readable),
                    h.best_gd_rate.map_or("—".into(), readable),
                    readable(2.0 / (h.eigenvalues[0] + h.eigenvalues[1])),
                ));
            }
            None => lines.push(
                "The full-data loss has no single minimiser, so no Hessian at the minimum.".into(),
            ),
        }
        if let Some(s) = self.race.standardization() {
            lines.push(format!(
                "whitened: x' = (x − {})/{}",
                readable(s.mean),
                readable(s.scale)
            ));
        }
        for path in self.race.paths() {
            let kind = path.kind();
            let label = kind.label(self.config().batch_size);
            lines.push(match self.race.steps_to_tolerance(kind) {
                Some(step) => format!(
                    "{label}: within {TOLERANCE_TEXT} of L* from step {step} ({} gradient evaluations)",
                    path.examples()[step as usize]
                ),
                None => format!(
                    "{label}: not within {TOLERANCE_TEXT} of L* yet (step {})",
                    path.current().step
                ),
            });
        }
        lines
    }
}

impl Widget for Stochastic {
    fn link(&self) -> String {
        self.race.hash()
    }

    fn load(&mut self, link: &str) -> Vec<FieldError> {
        let (next, errors) = Self::open(link);
        *self = next;
        errors
    }

    fn set(&mut self, key: &str, value: &str) -> Result<(), FieldError> {
        self.race.set(key, value)
    }

    fn schema(&self) -> Value {
        let mut schema = STOCHASTIC.schema(self.config());
        schema["formula"] = json!(self.race.model().formula());
        schema
    }

    fn options(&self) -> &ViewOptions {
        &self.config().options
    }

    fn embed_link(&self, autoplay: bool, hide: &str) -> Result<String, FieldError> {
        STOCHASTIC.embed_link(self.config(), autoplay, hide)
    }

    fn step(&mut self, n: u64) {
        self.race.step(n);
    }

    fn play_frame(&mut self, _budget_ms: f64) {
        self.race.step(u64::from(self.config().speed));
    }

    fn busy(&self) -> bool {
        // A noise panel measured at an earlier point or with other settings
        // is measured again on a later frame, even when paused.
        let shown = !self.config().options.hide.iter().any(|h| h == "noise");
        shown
            && self.noise.as_ref().is_some_and(|panel| {
                panel.point != self.noise_point() || panel.config != *self.config()
            })
    }

    fn reset(&mut self) {
        self.race.reset();
    }

    fn finished(&self) -> bool {
        self.race.finished()
    }

    fn default_steps(&self) -> u64 {
        DEFAULT_STEPS
    }

    fn status(&self) -> Value {
        let c = self.config();
        let runs: Vec<Value> = self
            .race
            .paths()
            .iter()
            .zip(data_map::PATH_COLORS)
            .map(|(path, color)| {
                let p = path.current();
                let stopped = match path.stop() {
                    Some(stop) => Some(stop.to_string()),
                    None if p.step >= MAX_STEPS => {
                        Some(format!("reached the {MAX_STEPS}-step limit"))
                    }
                    None => None,
                };
                json!({
                    "label": path.kind().label(c.batch_size),
                    "path": path_name(path.kind()),
                    "color": color,
                    "step": p.step,
                    "x": p.x,
                    "y": p.y,
                    "loss": p.loss,
                    "epochs": path.epochs(),
                    "stopped": stopped,
                })
            })
            .collect();
        let batch = self
            .race
            .path(PathKind::Minibatch)
            .upcoming_batch()
            .map(|b| json!({"epoch": b.epoch, "index": b.index, "size": b.indices.len()}));
        json!({
            "step": self.race.step_count(),
            "finished": self.race.finished(),
            "runs": runs,
            "next_batch": batch,
            "readouts": {
                "formula": format!("L(θ) = {}", self.race.model().formula()),
                "readout": self.readout_text(),
                "conditioning": self.conditioning_text(),
                "noise": self.noise_text(),
            },
        })
    }

    fn export_csv(&self) -> String {
        let mut csv = String::from("path,step,x,y,loss\n");
        for path in self.race.paths() {
            let name = path_name(path.kind());
            for p in path.points() {
                csv.push_str(&format!(
                    "{name},{},{},{},{}\n",
                    p.step,
                    format_number(p.x),
                    format_number(p.y),
                    format_number(p.loss)
                ));
            }
        }
        csv
    }

    fn export_json(&self) -> Value {
        let c = self.config();
        let paths: Vec<Value> = self
            .race
            .paths()
            .iter()
            .map(|path| {
                json!({
                    "path": path_name(path.kind()),
                    "label": path.kind().label(c.batch_size),
                    "stopped": path.stop().map(|s| s.to_string()),
                    "points": path.points(),
                    "examples": path.examples(),
                    "learning_rates": path.learning_rates(),
                    "steps_to_tolerance": self.race.steps_to_tolerance(path.kind()),
                })
            })
            .collect();
        // Measured afresh at the minibatch path's point, so the export
        // depends only on the link and the step count.
        let panel = self.measure_noise(self.noise_point()).ok();
        json!({
            "view": ENTRY.name,
            "link": self.race.hash(),
            "formula": self.race.model().formula(),
            "examples": self.race.model().examples(),
            "replicas": c.replicas,
            "whitening": self.race.standardization(),
            "hessian": self.race.hessian(),
            "tolerance": TOLERANCE,
            "schedule": encode_schedule(&c.schedule),
            "warmup": c.warmup,
            "x_axis": c.x_axis,
            "paths": paths,
            "noise": panel.as_ref().map(|p| &p.noise),
            "variance": panel.as_ref().map(|p| &p.variance),
        })
    }

    fn layout(&self) -> Layout {
        let hide = &self.config().options.hide;
        let hidden = |name: &str| hide.iter().any(|h| h == name);
        let noise_hidden = hidden("noise");
        Layout {
            plots: vec![
                Plot {
                    name: "map",
                    label: "The full-data loss with the three paths and the next minibatch's \
                            contours. Press or drag to move the start."
                        .into(),
                    layers: &["heatmap", "overlay"],
                    pointer: true,
                    aspect: 1.0,
                    main: true,
                    hidden: false,
                },
                Plot {
                    name: "losses",
                    label: match self.config().x_axis {
                        CurveAxis::Steps => "Full-data loss against step for the three paths",
                        CurveAxis::Grads => {
                            "Full-data loss against gradient evaluations for the three paths"
                        }
                    }
                    .into(),
                    layers: &["losses"],
                    pointer: false,
                    aspect: 0.55,
                    main: false,
                    hidden: false,
                },
                Plot {
                    name: "schedule",
                    label: "Learning rate against step: the rates used, and the planned ones \
                            dashed"
                        .into(),
                    layers: &["schedule"],
                    pointer: false,
                    aspect: 0.4,
                    main: false,
                    hidden: hidden("schedule") || !self.has_schedule(),
                },
                Plot {
                    name: "cloud",
                    label: "The cloud of minibatch gradients around the full gradient".into(),
                    layers: &["cloud"],
                    pointer: false,
                    aspect: 1.0,
                    main: false,
                    hidden: noise_hidden,
                },
                Plot {
                    name: "variance",
                    label: "Measured and predicted gradient variance against one over the \
                            batch size"
                        .into(),
                    layers: &["variance"],
                    pointer: false,
                    aspect: 0.75,
                    main: false,
                    hidden: noise_hidden,
                },
                Plot {
                    name: "angles",
                    label: "Angles between minibatch gradients and the full gradient".into(),
                    layers: &["angles"],
                    pointer: false,
                    aspect: 0.6,
                    main: false,
                    hidden: noise_hidden,
                },
            ],
            readouts: vec![
                Readout {
                    name: "formula",
                    label: "The empirical risk",
                    hidden: false,
                },
                Readout {
                    name: "readout",
                    label: "Under the pointer",
                    hidden: false,
                },
                Readout {
                    name: "conditioning",
                    label: "Curvature at the minimum",
                    hidden: hidden("conditioning"),
                },
                Readout {
                    name: "noise",
                    label: "Gradient noise",
                    hidden: noise_hidden,
                },
            ],
            legend: !hidden("legend"),
            export: !hidden("export"),
        }
    }

    fn render(&mut self, canvases: &Canvases) -> Result<(), JsValue> {
        if let Some(heatmap) = canvases.get("heatmap") {
            let fresh = self
                .map
                .as_ref()
                .is_some_and(|m| m.fits(&self.race, heatmap));
            if !fresh {
                let keep = self.map.as_ref().and_then(|m| m.view_for(&self.race));
                let map = data_map::DataHeatmap::build(&self.race, heatmap, keep)?;
                map.draw(heatmap)?;
                self.map = Some(map);
            }
        }
        if let (Some(overlay), Some(map)) = (canvases.get("overlay"), &self.map) {
            data_map::draw_overlay(overlay, &self.race, map, self.config().overlay)?;
        }
        if let Some(canvas) = canvases.get("losses") {
            self.draw_curves(canvas)?;
        }
        if let Some(canvas) = canvases.get("schedule") {
            self.draw_schedule(canvas)?;
        }
        let cloud = canvases.get("cloud");
        if cloud.is_some() && !self.config().options.hide.iter().any(|h| h == "noise") {
            self.refresh_noise();
            if let Some(panel) = self.noise.as_ref().filter(|_| !self.noise_drawn) {
                let names = self.race.model().parameter_names();
                if let Some(canvas) = cloud {
                    noise::draw_cloud(canvas, &panel.noise, names)?;
                }
                if let Some(canvas) = canvases.get("variance") {
                    noise::draw_variance(
                        canvas,
                        &panel.variance,
                        &panel.noise,
                        self.race.model().examples(),
                    )?;
                }
                if let Some(canvas) = canvases.get("angles") {
                    noise::draw_angles(canvas, &panel.noise)?;
                }
                self.noise_drawn = true;
            }
        }
        Ok(())
    }

    fn pointer(&mut self, pointer: &Pointer<'_>) -> Result<bool, FieldError> {
        if pointer.plot != "map" {
            return Ok(false);
        }
        let view = self.view();
        let world =
            render::css_to_world(&view, pointer.x, pointer.y, pointer.width, pointer.height);
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
                self.race
                    .set("start", &format!("{},{}", round(x), round(y)))?;
                Ok(true)
            }
        }
    }

    fn resized(&mut self) {
        self.map = None;
        self.noise_drawn = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readout_writes_the_tolerance_the_engine_uses() {
        assert_eq!(TOLERANCE, 1e-6, "update TOLERANCE_TEXT with TOLERANCE");
        let (widget, errors) = Stochastic::open("n=20&lr=1&whiten=1");
        assert!(errors.is_empty(), "{errors:?}");
        let mut widget = widget;
        widget.step(3);
        let lines = widget.conditioning_text();
        assert_eq!(
            lines.last().map(String::as_str),
            Some("per-sample SGD (B = 1): not within 10⁻⁶ of L* yet (step 3)")
        );
        assert!(
            lines[lines.len() - 3].starts_with(
                "full-batch GD: within 10⁻⁶ of L* from step 1 (20 gradient evaluations)"
            ),
            "{lines:?}"
        );
    }
}
