//! sgdlab-web: the one object the page talks to, and the canvas drawing.
//!
//! JavaScript creates a [`Playground`] with three canvases and calls its
//! methods; every method validates its input and answers with an error
//! message instead of throwing, so nothing a user types or pastes can panic
//! across the wasm boundary. A panic hook still reports any bug on the page.
#![forbid(unsafe_code)]

mod render;
mod stochastic;
mod training;

pub use stochastic::Stochastic;
pub use training::{TrainingLab, bench_train_steps};

use serde::Serialize;
use serde_json::{Value, json};
use sgdlab_core::optim::OPTIMIZERS;
use sgdlab_core::playground::config::{HIDEABLE, format_number};
use sgdlab_core::playground::{
    self as engine, FieldError, MAX_RACERS, MAX_SPEED, PALETTE, Playground as Engine,
};
use sgdlab_core::surfaces;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// Installs a panic hook that shows the message on the page (through
/// `window.sgdlabReportBug`, when the page defines it) and in the console.
fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let text = format!("sgdlab hit a bug: {info}");
            console_error(&text);
            let report = web_sys::window()
                .and_then(|w| js_sys::Reflect::get(&w, &JsValue::from_str("sgdlabReportBug")).ok());
            if let Some(report) = report
                .as_ref()
                .and_then(|r| r.dyn_ref::<js_sys::Function>())
            {
                let _ = report.call1(&JsValue::NULL, &JsValue::from_str(&text));
            }
        }));
    });
}

/// `console.error(text)`.
fn console_error(text: &str) {
    web_sys::console::error_1(&JsValue::from_str(text));
}

fn errors_json(errors: &[FieldError]) -> String {
    serde_json::to_string(errors).unwrap_or_else(|_| "[]".into())
}

/// `""` for success, else the message: what the page shows beside a control.
fn outcome(result: Result<(), String>) -> String {
    result.err().unwrap_or_default()
}

/// Milliseconds since the page started (high resolution), or 0 outside a page.
fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

#[derive(Serialize)]
struct RacerStatus {
    label: String,
    optimizer: String,
    color: &'static str,
    step: u64,
    x: f64,
    y: f64,
    loss: f64,
    stopped: Option<String>,
    switch_step: Option<u64>,
}

/// The landscape playground as the page sees it.
#[wasm_bindgen]
pub struct Playground {
    engine: Engine,
    load_errors: Vec<FieldError>,
    canvases: render::Canvases,
    heatmap: Option<render::heatmap::HeatmapCache>,
    /// The paths drawn so far; dropped whenever the runs restart or the
    /// canvas is resized.
    trails: Option<render::overlay::Trails>,
    last_frame_ms: f64,
}

#[wasm_bindgen]
impl Playground {
    /// A playground from a link hash (with or without `#`) drawing on three
    /// canvases. Bad parts of the hash fall back to defaults; see
    /// [`load_errors`](Self::load_errors).
    #[wasm_bindgen(constructor)]
    pub fn new(
        hash: &str,
        heatmap: HtmlCanvasElement,
        overlay: HtmlCanvasElement,
        losses: HtmlCanvasElement,
    ) -> Playground {
        install_panic_hook();
        let (engine, load_errors) = Engine::from_hash(hash);
        Playground {
            engine,
            load_errors,
            canvases: render::Canvases {
                heatmap,
                overlay,
                losses,
            },
            heatmap: None,
            trails: None,
            last_frame_ms: 0.0,
        }
    }

    /// JSON `[{field, message}]`: what was wrong with the hash given to `new`.
    pub fn load_errors(&self) -> String {
        errors_json(&self.load_errors)
    }

    /// Applies a pasted link on top of the current state; JSON errors.
    pub fn load_hash(&mut self, hash: &str) -> String {
        let errors = self.engine.load_hash(hash);
        self.forget_drawings();
        errors_json(&errors)
    }

    /// The whole state as a hash (no `#`), lossless, seed included.
    pub fn hash(&self) -> String {
        self.engine.hash()
    }

    /// Everything the page needs to build its controls, as JSON.
    pub fn ui_model(&self) -> String {
        let surfaces: Vec<Value> = surfaces::all()
            .iter()
            .map(|s| {
                json!({
                    "name": s.name(),
                    "description": s.description(),
                    "formula": s.formula(),
                    "parameters": s.parameters().iter().map(|(k, v)| json!({"key": k, "value": v})).collect::<Vec<_>>(),
                })
            })
            .collect();
        let optimizers: Vec<Value> = OPTIMIZERS
            .iter()
            .filter_map(|entry| {
                let optimizer = entry.build::<f64>().ok()?;
                Some(json!({
                    "name": entry.name,
                    "description": entry.description,
                    "rule": optimizer.update_rule(),
                    "defaults": optimizer.config(),
                }))
            })
            .collect();
        let config = self.engine.config();
        let (surface, expr) = match &config.landscape {
            engine::Landscape::Named { name, .. } => (name.clone(), None),
            engine::Landscape::Custom { expr } => ("custom".to_string(), Some(expr.clone())),
        };
        let surface_params: Vec<Value> = self
            .engine
            .surface()
            .parameters()
            .iter()
            .map(|(k, v)| json!({"key": k, "value": v}))
            .collect();
        let racers: Vec<Value> = self
            .engine
            .racers()
            .iter()
            .map(|r| {
                json!({
                    "optimizer": r.config.optimizer,
                    "label": r.label(),
                    "color": r.color,
                    "rule": r.path.optimizer.update_rule(),
                    "config": r.path.optimizer.config(),
                })
            })
            .collect();
        json!({
            "surfaces": surfaces,
            "optimizers": optimizers,
            "palette": PALETTE,
            "hideable": HIDEABLE,
            "state": {
                "surface": surface,
                "expr": expr,
                "formula": self.engine.surface().formula(),
                "description": self.engine.surface().description(),
                "surface_params": surface_params,
                "start": self.engine.start(),
                "view": self.engine.surface().view_box(),
                "racers": racers,
                "speed": config.speed,
                "log_color": config.log_color,
                "seed": config.seed.to_string(),
            },
            "limits": {"max_racers": MAX_RACERS, "max_speed": MAX_SPEED, "max_expr_len": 4096, "max_steps": engine::MAX_STEPS},
        })
        .to_string()
    }

    pub fn set_surface(&mut self, name: &str) -> String {
        self.forget_drawings();
        outcome(self.engine.set_surface(name))
    }

    pub fn set_surface_param(&mut self, key: &str, value: &str) -> String {
        self.forget_drawings();
        outcome(self.engine.set_surface_param(key, value))
    }

    pub fn set_expr(&mut self, text: &str) -> String {
        let result = self.engine.set_expr(text);
        if result.is_ok() {
            self.forget_drawings();
        }
        outcome(result)
    }

    pub fn set_start(&mut self, x: f64, y: f64) -> String {
        self.trails = None;
        outcome(self.engine.set_start(x, y))
    }

    /// Sets the start from a pointer position on the landscape canvas (CSS px).
    pub fn set_start_from_canvas(
        &mut self,
        css_x: f64,
        css_y: f64,
        css_width: f64,
        css_height: f64,
    ) -> String {
        self.trails = None;
        let view = self.engine.surface().view_box();
        match render::css_to_world(&view, css_x, css_y, css_width, css_height) {
            Some([x, y]) => outcome(self.engine.set_start(x, y)),
            None => "that point is outside the landscape".into(),
        }
    }

    pub fn add_racer(&mut self, optimizer: &str) -> String {
        self.trails = None;
        outcome(self.engine.add_racer(optimizer))
    }

    pub fn remove_racer(&mut self, index: usize) -> String {
        self.trails = None;
        outcome(self.engine.remove_racer(index))
    }

    pub fn duplicate_racer(&mut self, index: usize) -> String {
        self.trails = None;
        outcome(self.engine.duplicate_racer(index))
    }

    pub fn set_racer_optimizer(&mut self, index: usize, name: &str) -> String {
        self.trails = None;
        outcome(self.engine.set_racer_optimizer(index, name))
    }

    /// Changes a hyperparameter mid-run (the optimizer keeps its state).
    pub fn set_racer_param(&mut self, index: usize, key: &str, value: &str) -> String {
        outcome(self.engine.set_racer_param(index, key, value))
    }

    pub fn set_speed(&mut self, speed: u32) -> String {
        outcome(self.engine.set_speed(speed))
    }

    pub fn set_log_color(&mut self, on: bool) {
        self.engine.set_log_color(on);
        self.forget_drawings();
    }

    /// The seed as text (a u64 does not fit a JS number exactly).
    pub fn set_seed(&mut self, seed: &str) -> String {
        match seed.trim().parse::<u64>() {
            Ok(seed) => {
                self.trails = None;
                outcome(self.engine.set_seed(seed))
            }
            Err(_) => "the seed must be a whole number from 0 to 18446744073709551615".into(),
        }
    }

    /// Advances every racer `n` steps.
    pub fn step(&mut self, n: u32) {
        let started = now_ms();
        self.engine.step(u64::from(n));
        self.last_frame_ms = now_ms() - started;
    }

    pub fn reset(&mut self) {
        self.trails = None;
        self.engine.reset();
    }

    /// Whether every racer has stopped.
    pub fn finished(&self) -> bool {
        self.engine.finished()
    }

    /// Forgets the cached heatmap (call after resizing the canvases).
    pub fn invalidate_heatmap(&mut self) {
        self.forget_drawings();
    }

    /// Redraws the three canvases at their current pixel sizes.
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

    /// JSON `{x, y, f, gx, gy}` under the pointer (CSS px on the landscape).
    pub fn readout(&self, css_x: f64, css_y: f64, css_width: f64, css_height: f64) -> String {
        let surface = self.engine.surface();
        let Some([x, y]) =
            render::css_to_world(&surface.view_box(), css_x, css_y, css_width, css_height)
        else {
            return "null".into();
        };
        let finite = |v: f64| v.is_finite().then_some(v);
        let [gx, gy] = surface.gradient(x, y);
        json!({"x": x, "y": y, "f": finite(surface.value(x, y)), "gx": finite(gx), "gy": finite(gy)}).to_string()
    }

    /// JSON: the step counter, each racer's position and state, and the
    /// Hessian panel at the first racer's point.
    pub fn status(&self) -> String {
        let racers: Vec<RacerStatus> = self
            .engine
            .racers()
            .iter()
            .map(|r| {
                let p = r.path.current();
                RacerStatus {
                    label: r.label(),
                    optimizer: r.config.optimizer.clone(),
                    color: r.color,
                    step: p.step,
                    x: p.x,
                    y: p.y,
                    loss: p.loss,
                    stopped: Engine::stop_message(r),
                    switch_step: r.path.optimizer.switch_step(),
                }
            })
            .collect();
        let at = self.engine.racers().first().map(|r| r.path.current());
        let [x, y] = at
            .map(|p| [p.x, p.y])
            .unwrap_or_else(|| self.engine.start());
        let c = engine::curvature(self.engine.surface(), x, y);
        let finite = |v: f64| v.is_finite().then_some(v);
        json!({
            "step": self.engine.step_count(),
            "finished": self.engine.finished(),
            "racers": racers,
            "hessian": {
                "x": x, "y": y,
                "eigenvalues": [finite(c.eigenvalues[0]), finite(c.eigenvalues[1])],
                "condition": c.condition.and_then(finite),
                "lr_bound": c.lr_bound.and_then(finite),
            },
        })
        .to_string()
    }

    /// Every path as CSV: `racer,optimizer,step,x,y,loss`.
    pub fn export_csv(&self) -> String {
        let mut csv = String::from("racer,optimizer,step,x,y,loss\n");
        for (index, racer) in self.engine.racers().iter().enumerate() {
            for p in &racer.path.points {
                csv.push_str(&format!(
                    "{},{},{},{},{},{}\n",
                    index + 1,
                    racer.config.optimizer,
                    p.step,
                    format_number(p.x),
                    format_number(p.y),
                    format_number(p.loss)
                ));
            }
        }
        csv
    }

    /// Every path and the state that made it, as JSON.
    pub fn export_json(&self) -> String {
        let racers: Vec<Value> = self
            .engine
            .racers()
            .iter()
            .map(|r| {
                json!({
                    "optimizer": r.config.optimizer,
                    "label": r.label(),
                    "config": r.path.optimizer.config(),
                    "stopped": Engine::stop_message(r),
                    "switch_step": r.path.optimizer.switch_step(),
                    "points": r.path.points,
                })
            })
            .collect();
        json!({
            "state": self.engine.hash(),
            "surface": self.engine.surface().name(),
            "formula": self.engine.surface().formula(),
            "start": self.engine.start(),
            "racers": racers,
        })
        .to_string()
    }

    /// JSON `{autoplay, hide}` for the embed page.
    pub fn embed_options(&self) -> String {
        let config = self.engine.config();
        json!({"autoplay": config.autoplay, "hide": config.hide}).to_string()
    }

    /// The hash of this state for an embed with these options (`hide` is a
    /// comma-separated list of control names).
    pub fn embed_hash(&self, autoplay: bool, hide: &str) -> String {
        let mut config = self.engine.config().clone();
        config.autoplay = autoplay;
        config.hide = hide
            .split(',')
            .map(str::trim)
            .filter(|h| HIDEABLE.contains(h))
            .map(str::to_string)
            .collect();
        config.encode()
    }

    /// The current state as a JS object (for scripts and tests).
    pub fn state_object(&self) -> JsValue {
        serde_wasm_bindgen::to_value(self.engine.config()).unwrap_or(JsValue::NULL)
    }
}

impl Playground {
    /// Drops the cached heatmap and path traces (the surface, the canvas or
    /// the runs changed).
    fn forget_drawings(&mut self) {
        self.heatmap = None;
        self.trails = None;
    }

    fn draw(&mut self) -> Result<(), JsValue> {
        let log = self.engine.config().log_color;
        let fresh = self
            .heatmap
            .as_ref()
            .is_some_and(|cache| cache.fits(&self.canvases.heatmap, log));
        if !fresh {
            // Drawn once per surface, size or scale change; cached after that.
            let cache = render::heatmap::HeatmapCache::build(
                self.engine.surface(),
                &self.canvases.heatmap,
                log,
            )?;
            cache.draw(&self.canvases.heatmap)?;
            self.heatmap = Some(cache);
            self.trails = None; // drawn for the old size
        }
        render::overlay::draw(&self.canvases.overlay, &self.engine, &mut self.trails)?;
        render::losses::draw(&self.canvases.losses, &self.engine)?;
        Ok(())
    }
}
