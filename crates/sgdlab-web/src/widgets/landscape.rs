//! The landscape race: several optimizers racing on one 2-D loss surface
//! ([`sgdlab_core::playground`]), drawn as a heatmap with the paths, the
//! gradient and velocity arrows, loss curves, a pointer readout and the
//! Hessian panel.
//!
//! Pressing or dragging on the landscape moves the start point; hovering
//! reads out x, y, f and ∇f.

use crate::registry::WidgetEntry;
use crate::render::chart::{Chart, Curve, XAxis, YAxis};
use crate::render::{
    self,
    heatmap::HeatmapCache,
    overlay::{TAYLOR_LEVELS, Trails},
};
use crate::widget::{Canvases, Layout, Plot, Pointer, PointerKind, Readout, Widget};
use crate::widgets::readable;
use serde_json::{Value, json};
use sgdlab_core::link::{FieldError, ListEdit, ViewOptions, format_number};
use sgdlab_core::playground::{self as engine, LANDSCAPE, Playground};
use wasm_bindgen::JsValue;

pub const ENTRY: WidgetEntry = WidgetEntry {
    name: "landscape",
    title: "Landscape",
    summary: "Optimizers racing on a 2-D loss surface, with their paths, losses and the local curvature.",
    page: "index.html",
    open: |link| {
        let (widget, errors) = Landscape::open(link);
        (Box::new(widget), errors)
    },
};

/// The steps `sgdlab link` runs a landscape link for when not told (the
/// same as `sgdlab path`).
const DEFAULT_STEPS: u64 = 100;

/// A start point from the pointer is rounded to this many significant
/// digits of the view's width, so a click gives a short link.
const START_DIGITS: f64 = 1e4;

pub struct Landscape {
    engine: Playground,
    heatmap: Option<HeatmapCache>,
    /// The paths drawn so far; dropped whenever the runs restart or the
    /// canvas changes size.
    trails: Option<Trails>,
    /// The world point under the pointer, for the readout.
    hover: Option<[f64; 2]>,
}

impl Landscape {
    fn open(link: &str) -> (Self, Vec<FieldError>) {
        let (engine, errors) = Playground::from_hash(link);
        (
            Self {
                engine,
                heatmap: None,
                trails: None,
                hover: None,
            },
            errors,
        )
    }

    /// Forgets every drawing (the surface, the runs or the canvas changed).
    fn forget_drawings(&mut self) {
        self.heatmap = None;
        self.trails = None;
    }

    fn readout_text(&self) -> String {
        let Some([x, y]) = self.hover else {
            return "Point at the landscape to read x, y, f and ∇f.".into();
        };
        let surface = self.engine.surface();
        let [gx, gy] = surface.gradient(x, y);
        format!(
            "x = {}, y = {}, f = {}, ∇f = ({}, {})",
            readable(x),
            readable(y),
            readable(surface.value(x, y)),
            readable(gx),
            readable(gy)
        )
    }

    /// The Hessian panel at the first racer's point.
    fn hessian_text(&self) -> String {
        let [x, y] = self
            .engine
            .racers()
            .first()
            .map(|r| {
                let p = r.path.current();
                [p.x, p.y]
            })
            .unwrap_or_else(|| self.engine.start());
        let c = engine::curvature(self.engine.surface(), x, y);
        let condition = c.condition.map_or("—".into(), readable);
        let bound = c
            .lr_bound
            .map_or("none (no positive curvature)".into(), readable);
        format!(
            "At ({}, {}): eigenvalues of ∇²f {} and {}, condition number κ = {condition}, \
             GD is stable on the local quadratic for η < 2/λmax = {bound}",
            readable(x),
            readable(y),
            readable(c.eigenvalues[0]),
            readable(c.eigenvalues[1]),
        )
    }
}

impl Landscape {
    /// The Taylor overlay's numbers (`taylor=1`): the models at the first
    /// racer's point, their levels, Newton's point and the steepest step.
    fn taylor_json(&self) -> Value {
        let model = self.engine.taylor_model();
        let norm = self.engine.taylor_norm();
        let levels = model.contour_levels(&self.engine.surface().view_box(), TAYLOR_LEVELS);
        json!({
            "at": model.at,
            "value": model.value,
            "gradient": model.gradient,
            "hessian": model.hessian,
            "stationary_point": model.stationary_point(),
            "minimum": model.minimum().map(|(point, value)| json!({"at": point, "value": value})),
            "levels": levels,
            "norm": norm,
            "steepest_step": model.steepest_step(norm),
        })
    }

    fn taylor_text(&self) -> String {
        let model = self.engine.taylor_model();
        let norm = self.engine.taylor_norm();
        let pair = |p: [f64; 2]| format!("({}, {})", readable(p[0]), readable(p[1]));
        let newton = match (model.minimum(), model.stationary_point()) {
            (Some((point, value)), _) => format!(
                "the quadratic model's minimum is at {} with value {}",
                pair(point),
                readable(value)
            ),
            (None, Some(point)) => format!(
                "the quadratic model has no minimum (H is not positive definite); its stationary point is {}",
                pair(point)
            ),
            (None, None) => "the quadratic model has no stationary point (H is singular)".into(),
        };
        let norm_name = match norm {
            sgdlab_core::optim::steepest::Norm::L2 => "l2",
            sgdlab_core::optim::steepest::Norm::L1 => "l1",
            sgdlab_core::optim::steepest::Norm::Linf => "l∞",
        };
        format!(
            "Taylor models at {}: f = {}, ∇f = {}; {newton}; steepest descent in {norm_name}: Δ = {}",
            pair(model.at),
            readable(model.value),
            pair(model.gradient),
            pair(model.steepest_step(norm)),
        )
    }
}

impl Widget for Landscape {
    fn link(&self) -> String {
        self.engine.hash()
    }

    fn load(&mut self, link: &str) -> Vec<FieldError> {
        let (next, errors) = Self::open(link);
        *self = next;
        errors
    }

    fn set(&mut self, key: &str, value: &str) -> Result<(), FieldError> {
        let before = self.engine.config().clone();
        match ListEdit::parse("o", key, value) {
            Some(edit) => {
                let edit = edit.map_err(|m| FieldError::new("o", m))?;
                self.engine.edit_racers(edit)?;
            }
            None => self.engine.set(key, value)?,
        }
        let after = self.engine.config();
        if after.landscape != before.landscape || after.log_color != before.log_color {
            self.forget_drawings();
        } else if after.start != before.start || after.racers.len() != before.racers.len() {
            self.trails = None;
        }
        if self.engine.step_count() == 0 {
            self.trails = None;
        }
        Ok(())
    }

    fn schema(&self) -> Value {
        LANDSCAPE.schema(self.engine.config())
    }

    fn options(&self) -> &ViewOptions {
        &self.engine.config().options
    }

    fn embed_link(&self, autoplay: bool, hide: &str) -> Result<String, FieldError> {
        LANDSCAPE.embed_link(self.engine.config(), autoplay, hide)
    }

    fn step(&mut self, n: u64) {
        self.engine.step(n);
    }

    fn play_frame(&mut self, _budget_ms: f64) {
        self.engine.step(u64::from(self.engine.config().speed));
    }

    fn reset(&mut self) {
        self.trails = None;
        self.engine.reset();
    }

    fn finished(&self) -> bool {
        self.engine.finished()
    }

    fn default_steps(&self) -> u64 {
        DEFAULT_STEPS
    }

    fn status(&self) -> Value {
        let runs: Vec<Value> = self
            .engine
            .racers()
            .iter()
            .map(|r| {
                let p = r.path.current();
                // The legend says where SWATS handed over to SGD (the map
                // rings that point).
                let label = match r.path.optimizer.switch_step() {
                    Some(step) => format!("{} · SGD from step {step}", r.label()),
                    None => r.label(),
                };
                json!({
                    "label": label,
                    "optimizer": r.config.optimizer,
                    "color": r.color,
                    "step": p.step,
                    "x": p.x,
                    "y": p.y,
                    "loss": p.loss,
                    "stopped": Playground::stop_message(r),
                    "switch_step": r.path.optimizer.switch_step(),
                })
            })
            .collect();
        json!({
            "step": self.engine.step_count(),
            "finished": self.engine.finished(),
            "runs": runs,
            "readouts": {
                "readout": self.readout_text(),
                "hessian": self.hessian_text(),
                "taylor": self.taylor_text(),
            },
        })
    }

    fn export_csv(&self) -> String {
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

    fn export_json(&self) -> Value {
        let racers: Vec<Value> = self
            .engine
            .racers()
            .iter()
            .map(|r| {
                json!({
                    "optimizer": r.config.optimizer,
                    "label": r.label(),
                    "config": r.path.optimizer.config(),
                    "stopped": Playground::stop_message(r),
                    "switch_step": r.path.optimizer.switch_step(),
                    "points": r.path.points,
                })
            })
            .collect();
        let mut export = json!({
            "view": ENTRY.name,
            "link": self.engine.hash(),
            "surface": self.engine.surface().name(),
            "formula": self.engine.surface().formula(),
            "start": self.engine.start(),
            "racers": racers,
        });
        if self.engine.config().taylor {
            export["taylor"] = self.taylor_json();
        }
        export
    }

    fn layout(&self) -> Layout {
        let hide = &self.engine.config().options.hide;
        let hidden = |name: &str| hide.iter().any(|h| h == name);
        Layout {
            plots: vec![
                Plot {
                    name: "landscape",
                    label: "Loss landscape with the optimizer paths. Press or drag to move the \
                            start point. Space plays or pauses, the right arrow takes one step, \
                            R resets."
                        .into(),
                    layers: &["heatmap", "overlay"],
                    pointer: true,
                    aspect: 1.0,
                    main: true,
                    hidden: false,
                },
                Plot {
                    name: "losses",
                    label: "Loss against step for every optimizer".into(),
                    layers: &["losses"],
                    pointer: false,
                    aspect: 0.55,
                    main: false,
                    hidden: hidden("losses"),
                },
            ],
            readouts: vec![
                Readout {
                    name: "readout",
                    label: "Under the pointer",
                    hidden: hidden("readout"),
                },
                Readout {
                    name: "hessian",
                    label: "Curvature",
                    hidden: hidden("hessian"),
                },
                Readout {
                    name: "taylor",
                    label: "Taylor models",
                    hidden: !self.engine.config().taylor,
                },
            ],
            legend: !hidden("legend"),
            export: !hidden("export"),
        }
    }

    fn render(&mut self, canvases: &Canvases) -> Result<(), JsValue> {
        let log = self.engine.config().log_color;
        if let Some(canvas) = canvases.get("heatmap") {
            let fresh = self
                .heatmap
                .as_ref()
                .is_some_and(|cache| cache.fits(canvas, log));
            if !fresh {
                // Drawn once per surface, size or scale change; cached after that.
                let cache = HeatmapCache::build(self.engine.surface(), canvas, log)?;
                cache.draw(canvas)?;
                self.heatmap = Some(cache);
                self.trails = None;
            }
        }
        if let Some(canvas) = canvases.get("overlay") {
            render::overlay::draw(canvas, &self.engine, &mut self.trails)?;
        }
        if let Some(canvas) = canvases.get("losses") {
            let curves = self
                .engine
                .racers()
                .iter()
                .map(|racer| {
                    let points = racer.path.points.iter();
                    Curve::solid(
                        racer.color,
                        points.map(|p| (p.step as f64, p.loss)).collect(),
                    )
                    .stopped(racer.path.stop.is_some())
                })
                .collect();
            Chart {
                curves,
                ..Chart::new("step", "loss", XAxis::Steps, YAxis::LogOrFitted)
            }
            .draw(canvas)?;
        }
        Ok(())
    }

    fn pointer(&mut self, pointer: &Pointer<'_>) -> Result<bool, FieldError> {
        if pointer.plot != "landscape" {
            return Ok(false);
        }
        let view = self.engine.surface().view_box();
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
                    return Err(FieldError::new(
                        "start",
                        "that point is outside the landscape",
                    ));
                };
                self.hover = Some([x, y]);
                // Decimals enough for a ten-thousandth of the view.
                let round = |v: f64, span: f64| {
                    let decimals = (START_DIGITS / span).log10().ceil().clamp(0.0, 12.0) as usize;
                    format!("{v:.decimals$}").parse::<f64>().unwrap_or(v)
                };
                let x = round(x, view.x_max - view.x_min);
                let y = round(y, view.y_max - view.y_min);
                self.engine
                    .set_start(x, y)
                    .map_err(|m| FieldError::new("start", m))?;
                self.trails = None;
                Ok(true)
            }
        }
    }

    fn resized(&mut self) {
        self.forget_drawings();
    }
}
