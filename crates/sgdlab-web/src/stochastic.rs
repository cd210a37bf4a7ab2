//! The stochastic-landscapes view as the page sees it: a [`Stochastic`]
//! object that owns a [`StochasticRace`] and six canvases.
//!
//! Every setting goes through one setter, [`Stochastic::set`], with the
//! link key and the text the user typed; the text is checked by the same
//! decoder that reads links ([`StochasticConfig::decode`]), so a control
//! and a pasted link accept exactly the same values and give the same
//! messages. Settings that change the data or the descent restart the race;
//! display settings (speed, overlay, K, embed options) do not.
//!
//! A link for this view may carry `view=stochastic` (embed.html uses it to
//! pick the widget); that part is accepted and dropped here.

use crate::render::{self, data_map, noise};
use crate::{console_error, errors_json, install_panic_hook, now_ms};
use serde_json::json;
use sgdlab_core::data::MAX_SAMPLES;
use sgdlab_core::data::sampler::SAMPLING_ORDER_NAMES;
use sgdlab_core::playground::config::format_number;
use sgdlab_core::playground::{FieldError, MAX_SPEED, MAX_STEPS};
use sgdlab_core::stochastic::config::{
    HIDEABLE, KEYS, MAX_LR, MAX_NOISE_BATCHES, MAX_START, MODEL_NAMES,
};
use sgdlab_core::stochastic::{
    BatchDraw, GradientNoise, PathKind, StochasticConfig, StochasticRace, VariancePoint,
    doubling_batch_sizes, variance_vs_batch,
};
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// The value of the `view` key that names this widget in embed links.
pub const VIEW: &str = "stochastic";

/// Gradient additions one point of the variance plot may cost.
const VARIANCE_PLOT_BUDGET: usize = 100_000;

/// Keys whose change leaves the race running.
const DISPLAY_KEYS: &[&str] = &["speed", "overlay", "k", "autoplay", "hide"];

/// Splits `view=…` off a hash: the rest, and an error if the view is not
/// this one.
pub(crate) fn strip_view(hash: &str, view: &str) -> (String, Vec<FieldError>) {
    let hash = hash.strip_prefix('#').unwrap_or(hash);
    let mut errors = Vec::new();
    let rest: Vec<&str> = hash
        .split('&')
        .filter(|part| match part.strip_prefix("view=") {
            Some(name) if name == view => false,
            Some(other) => {
                let shown: String = other.chars().take(24).collect();
                errors.push(FieldError::new(
                    "view",
                    format!("this widget shows the `{view}` view, not `{shown}`"),
                ));
                false
            }
            None => true,
        })
        .collect();
    (rest.join("&"), errors)
}

/// The canvases the page gave us.
struct Canvases {
    heatmap: HtmlCanvasElement,
    overlay: HtmlCanvasElement,
    losses: HtmlCanvasElement,
    cloud: HtmlCanvasElement,
    variance: HtmlCanvasElement,
    angles: HtmlCanvasElement,
}

/// The gradient-noise panel's numbers at one point, kept until the point or
/// the settings change.
struct NoisePanel {
    point: [f64; 2],
    config: StochasticConfig,
    noise: GradientNoise,
    variance: Vec<VariancePoint>,
    compute_ms: f64,
}

/// The stochastic-landscapes view.
#[wasm_bindgen]
pub struct Stochastic {
    /// What the user set, display settings included; the race runs the
    /// same config (its display fields may lag, and are never read).
    config: StochasticConfig,
    race: StochasticRace,
    load_errors: Vec<FieldError>,
    canvases: Canvases,
    map: Option<data_map::DataHeatmap>,
    noise: Option<NoisePanel>,
    last_frame_ms: f64,
    last_map_ms: f64,
}

#[wasm_bindgen]
impl Stochastic {
    /// The view from a link hash (with or without `#`), drawing on six
    /// canvases. Bad parts of the hash fall back to defaults; see
    /// [`load_errors`](Self::load_errors).
    #[wasm_bindgen(constructor)]
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        hash: &str,
        heatmap: HtmlCanvasElement,
        overlay: HtmlCanvasElement,
        losses: HtmlCanvasElement,
        cloud: HtmlCanvasElement,
        variance: HtmlCanvasElement,
        angles: HtmlCanvasElement,
    ) -> Stochastic {
        install_panic_hook();
        let (rest, mut load_errors) = strip_view(hash, VIEW);
        let (race, errors) = StochasticRace::from_hash(&rest);
        load_errors.extend(errors);
        Stochastic {
            config: race.config().clone(),
            race,
            load_errors,
            canvases: Canvases {
                heatmap,
                overlay,
                losses,
                cloud,
                variance,
                angles,
            },
            map: None,
            noise: None,
            last_frame_ms: 0.0,
            last_map_ms: 0.0,
        }
    }

    /// JSON `[{field, message}]`: what was wrong with the hash given to `new`.
    pub fn load_errors(&self) -> String {
        errors_json(&self.load_errors)
    }

    /// Applies a pasted link on top of the current state (and restarts);
    /// JSON errors. Nothing changes when the link as a whole is unusable.
    pub fn load_hash(&mut self, hash: &str) -> String {
        let (rest, mut errors) = strip_view(hash, VIEW);
        let (next, decode_errors) = StochasticConfig::decode(&rest, &self.config);
        errors.extend(decode_errors);
        match StochasticRace::new(next.clone()) {
            Ok(race) => {
                self.race = race;
                self.config = next;
                self.noise = None;
            }
            Err(error) => errors.push(error),
        }
        errors_json(&errors)
    }

    /// The whole state as a hash (no `#`, no `view`), lossless, seed included.
    pub fn hash(&self) -> String {
        self.config.encode()
    }

    /// Everything the page needs to build its controls, as JSON.
    pub fn ui_model(&self) -> String {
        let c = &self.config;
        let names = self.race.model().parameter_names();
        let paths: Vec<_> = PathKind::ALL
            .iter()
            .zip(data_map::PATH_COLORS)
            .map(|(kind, color)| json!({"label": kind.label(c.batch_size), "color": color}))
            .collect();
        json!({
            "models": MODEL_NAMES,
            "orders": SAMPLING_ORDER_NAMES,
            "hideable": HIDEABLE,
            "keys": KEYS,
            "limits": {
                "max_samples": MAX_SAMPLES,
                "max_lr": MAX_LR,
                "max_speed": MAX_SPEED,
                "max_k": MAX_NOISE_BATCHES,
                "max_start": MAX_START,
                "max_steps": MAX_STEPS,
            },
            "state": {
                "m": c.model.name(),
                "n": c.samples,
                "noise": format_number(c.noise),
                "truth": [format_number(c.truth[0]), format_number(c.truth[1])],
                "seed": c.seed.to_string(),
                "b": c.batch_size,
                "order": c.order.name(),
                "drop": c.drop_last,
                "lr": format_number(c.lr),
                "mom": format_number(c.momentum),
                "start": [format_number(c.start[0]), format_number(c.start[1])],
                "k": c.noise_batches,
                "speed": c.speed,
                "overlay": c.overlay,
                "autoplay": c.autoplay,
                "hide": c.hide,
            },
            "formula": self.race.model().formula(),
            "parameters": names,
            "paths": paths,
        })
        .to_string()
    }

    /// Sets one setting by its link key (`b`, `lr`, `order`, …) from the
    /// text of a control. `""` on success, else the message to show beside
    /// the control (the state is then unchanged).
    pub fn set(&mut self, key: &str, value: &str) -> String {
        if !KEYS.contains(&key) || key == "autoplay" || key == "hide" {
            return format!(
                "`{}` is not a setting of this view",
                key.chars().take(24).collect::<String>()
            );
        }
        if value.contains(['&', '#', '=']) || value.len() > 200 {
            return "the value may not contain &, # or =, and is at most 200 characters".into();
        }
        let value = value.trim();
        let mut hash = format!("{key}={value}");
        // Shrinking the data below the batch size shrinks the batch with it,
        // and the linear model cannot keep class-balanced sampling.
        if key == "n"
            && let Ok(n) = value.parse::<usize>()
            && n >= 1
            && n < self.config.batch_size
        {
            hash.push_str(&format!("&b={n}"));
        }
        if key == "m" && value == "linear" && self.config.order.name() == "class_balanced" {
            hash.push_str("&order=shuffle");
        }
        let (next, errors) = StochasticConfig::decode(&hash, &self.config);
        if let Some(first) = errors.first() {
            return first.message.clone();
        }
        if DISPLAY_KEYS.contains(&key) {
            self.config = next;
            return String::new();
        }
        match StochasticRace::new(next.clone()) {
            Ok(race) => {
                self.race = race;
                self.config = next;
                self.noise = None;
                String::new()
            }
            Err(error) => error.message,
        }
    }

    /// Sets the start from a pointer position on the map canvas (CSS px).
    pub fn set_start_from_canvas(
        &mut self,
        css_x: f64,
        css_y: f64,
        css_width: f64,
        css_height: f64,
    ) -> String {
        let view = self.view();
        match render::css_to_world(&view, css_x, css_y, css_width, css_height) {
            Some([x, y]) => self.set("start", &format!("{},{}", fmt_start(x), fmt_start(y))),
            None => "that point is outside the map".into(),
        }
    }

    /// Advances the three paths `n` steps.
    pub fn step(&mut self, n: u32) {
        let started = now_ms();
        self.race.step(u64::from(n));
        self.last_frame_ms = now_ms() - started;
    }

    /// Back to the start with the same settings and the same batches.
    pub fn reset(&mut self) {
        self.race.reset();
    }

    /// Whether every path has stopped.
    pub fn finished(&self) -> bool {
        self.race.finished()
    }

    /// Steps taken so far.
    pub fn step_count(&self) -> f64 {
        self.race.step_count() as f64
    }

    /// Steps per frame as set.
    pub fn speed(&self) -> u32 {
        self.config.speed
    }

    /// Forgets the cached map (call after resizing the canvases).
    pub fn invalidate_heatmap(&mut self) {
        self.map = None;
    }

    /// Redraws the map, its overlay and the loss curves.
    pub fn render(&mut self) {
        let started = now_ms();
        if let Err(error) = self.draw() {
            console_error(&format!("sgdlab: drawing failed: {error:?}"));
        }
        self.last_frame_ms += now_ms() - started;
    }

    /// Wasm time of the last `step` plus the `render` after it (ms).
    pub fn frame_time_ms(&self) -> f64 {
        self.last_frame_ms
    }

    /// Wasm time of the last full-map rebuild (ms).
    pub fn map_time_ms(&self) -> f64 {
        self.last_map_ms
    }

    /// Measures the gradient noise at the minibatch path's current point
    /// (if it moved or a setting changed since the last call) and redraws
    /// the three noise canvases. Returns the panel's numbers as JSON, or
    /// `{"error": …}`.
    pub fn update_noise(&mut self) -> String {
        let point = {
            let p = self.race.path(PathKind::Minibatch).current();
            [p.x, p.y]
        };
        let stale = self
            .noise
            .as_ref()
            .is_none_or(|panel| panel.point != point || panel.config != self.config);
        if stale {
            let started = now_ms();
            match self.measure_noise(point) {
                Ok(panel) => self.noise = Some(panel),
                Err(error) => {
                    self.noise = None;
                    return json!({"error": error.message}).to_string();
                }
            }
            if let Some(panel) = &mut self.noise {
                panel.compute_ms = now_ms() - started;
            }
        }
        let Some(panel) = &self.noise else {
            return json!({"error": "no measurement"}).to_string();
        };
        if let Err(error) = self.draw_noise(panel) {
            console_error(&format!(
                "sgdlab: drawing the noise panel failed: {error:?}"
            ));
        }
        let n = &panel.noise;
        let finite = |v: f64| v.is_finite().then_some(v);
        let ratio = (n.predicted_variance > 0.0).then(|| n.total_variance / n.predicted_variance);
        json!({
            "point": point,
            "batch_size": n.batch_size,
            "batches": n.batch_gradients.len(),
            "draw": noise::draw_name(n.draw),
            "full_gradient": n.full_gradient,
            "mean_gradient": n.mean_gradient,
            "total_variance": finite(n.total_variance),
            "predicted_variance": finite(n.predicted_variance),
            "example_variance": finite(n.example_variance),
            "ratio": ratio.and_then(finite),
            "share_beyond_90": n.share_beyond_90,
            "angles_defined": n.angles.len(),
            "variance": panel.variance,
            "compute_ms": panel.compute_ms,
        })
        .to_string()
    }

    /// JSON `{x, y, loss, batch_loss, gx, gy}` under the pointer (CSS px).
    pub fn readout(&self, css_x: f64, css_y: f64, css_width: f64, css_height: f64) -> String {
        let Some([x, y]) = render::css_to_world(&self.view(), css_x, css_y, css_width, css_height)
        else {
            return "null".into();
        };
        let model = self.race.model();
        let finite = |v: f64| v.is_finite().then_some(v);
        let [gx, gy] = model.gradient([x, y]);
        let batch_loss = self
            .race
            .path(PathKind::Minibatch)
            .upcoming_batch()
            .map(|b| model.batch_loss([x, y], &b.indices));
        json!({
            "x": x, "y": y,
            "loss": finite(model.loss([x, y])),
            "batch_loss": batch_loss.and_then(finite),
            "gx": finite(gx), "gy": finite(gy),
        })
        .to_string()
    }

    /// JSON: the step counter, each path's point and state, and the next
    /// minibatch.
    pub fn status(&self) -> String {
        let c = &self.race.config();
        let paths: Vec<_> = self
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
                    "color": color,
                    "step": p.step,
                    "x": p.x, "y": p.y, "loss": p.loss,
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
            "paths": paths,
            "next_batch": batch,
            "parameters": self.race.model().parameter_names(),
        })
        .to_string()
    }

    /// Every path as CSV: `path,step,x,y,loss` (full-data loss).
    pub fn export_csv(&self) -> String {
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

    /// The state, every path and the current noise panel, as JSON.
    pub fn export_json(&self) -> String {
        let paths: Vec<_> = self
            .race
            .paths()
            .iter()
            .map(|path| {
                json!({
                    "path": path_name(path.kind()),
                    "label": path.kind().label(self.config.batch_size),
                    "stopped": path.stop().map(|s| s.to_string()),
                    "points": path.points(),
                })
            })
            .collect();
        json!({
            "view": VIEW,
            "state": self.config.encode(),
            "formula": self.race.model().formula(),
            "paths": paths,
            "noise": self.noise.as_ref().map(|p| &p.noise),
            "variance": self.noise.as_ref().map(|p| &p.variance),
        })
        .to_string()
    }

    /// JSON `{autoplay, hide}` for the embed page.
    pub fn embed_options(&self) -> String {
        json!({"autoplay": self.config.autoplay, "hide": self.config.hide}).to_string()
    }

    /// The hash of this state for an embed with these options (`hide` is a
    /// comma-separated list of control names), `view=stochastic` first.
    pub fn embed_hash(&self, autoplay: bool, hide: &str) -> String {
        let mut config = self.config.clone();
        config.autoplay = autoplay;
        config.hide = hide
            .split(',')
            .map(str::trim)
            .filter(|h| HIDEABLE.contains(h))
            .map(str::to_string)
            .collect();
        format!("view={VIEW}&{}", config.encode())
    }

    /// The current state as a JS object (for scripts and tests).
    pub fn state_object(&self) -> JsValue {
        serde_wasm_bindgen::to_value(&self.config).unwrap_or(JsValue::NULL)
    }
}

/// A start coordinate as link text: rounded to 4 significant decimals of the
/// view, so a click gives a short, readable link.
fn fmt_start(value: f64) -> String {
    format_number((value * 1e4).round() / 1e4)
}

fn path_name(kind: PathKind) -> &'static str {
    match kind {
        PathKind::FullBatch => "full_batch",
        PathKind::Minibatch => "minibatch",
        PathKind::PerSample => "per_sample",
    }
}

impl Stochastic {
    /// The map's view: the cached one, or the surface's own.
    fn view(&self) -> sgdlab_core::surfaces::ViewBox {
        use sgdlab_core::surfaces::Surface;
        self.map
            .as_ref()
            .and_then(|m| m.view_for(&self.race))
            .unwrap_or_else(|| self.race.full_surface().view_box())
    }

    fn measure_noise(&self, point: [f64; 2]) -> Result<NoisePanel, FieldError> {
        let c = &self.config;
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
            compute_ms: 0.0,
        })
    }

    fn draw_noise(&self, panel: &NoisePanel) -> Result<(), JsValue> {
        let names = self.race.model().parameter_names();
        noise::draw_cloud(&self.canvases.cloud, &panel.noise, names)?;
        noise::draw_variance(
            &self.canvases.variance,
            &panel.variance,
            &panel.noise,
            self.race.model().examples(),
        )?;
        noise::draw_angles(&self.canvases.angles, &panel.noise)
    }

    fn draw(&mut self) -> Result<(), JsValue> {
        let fresh = self
            .map
            .as_ref()
            .is_some_and(|m| m.fits(&self.race, &self.canvases.heatmap));
        if !fresh {
            let started = now_ms();
            let keep = self.map.as_ref().and_then(|m| m.view_for(&self.race));
            let map = data_map::DataHeatmap::build(&self.race, &self.canvases.heatmap, keep)?;
            map.draw(&self.canvases.heatmap)?;
            self.map = Some(map);
            self.last_map_ms = now_ms() - started;
        }
        if let Some(map) = &self.map {
            data_map::draw_overlay(&self.canvases.overlay, &self.race, map, self.config.overlay)?;
        }
        let curves: Vec<render::curves::Curve<'_>> = self
            .race
            .paths()
            .iter()
            .zip(data_map::PATH_COLORS)
            .map(|(path, color)| render::curves::Curve {
                color,
                points: path
                    .points()
                    .iter()
                    .map(|p| (p.step as f64, p.loss))
                    .collect(),
                stopped: path.stop().is_some(),
                dashed: false,
            })
            .collect();
        render::curves::draw(
            &self.canvases.losses,
            &curves,
            &render::curves::Axes {
                x_desc: "step",
                y_desc: "full-data loss",
                log_y: true,
                y_range: None,
            },
        )
    }
}
