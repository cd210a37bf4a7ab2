//! The whole JS boundary: one [`WidgetHandle`] per mounted widget.
//!
//! The `<sgdlab-widget>` element creates a handle from its `view` and
//! `link`, builds the plots [`WidgetHandle::layout`] asks for inside its
//! own shadow root, hands each canvas over with
//! [`WidgetHandle::attach`], draws the panel [`WidgetHandle::schema`]
//! describes, and calls [`WidgetHandle::frame`] from its animation loop.
//! Dropping the element frees the handle (`free()`), and with it the
//! widget's memory.
//!
//! Every method answers with text (JSON, or a message) instead of
//! throwing on bad input; only a bug can panic, and the panic hook then
//! reports it on the page.

use crate::registry::{self, REGISTRY};
use crate::widget::{Canvases, Pointer, PointerKind, Widget, json_text};
use crate::{console_error, now_ms};
use serde_json::{Value, json};
use sgdlab_core::link::FieldError;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// The stepping time one animation frame of a page may take, shared by
/// the widgets playing on it (drawing and the page's own work come on top,
/// within the 8 ms a frame may cost the main thread).
const PAGE_FRAME_BUDGET_MS: f64 = 5.0;

/// While a widget plays, its main plot is redrawn every frame and its side
/// plots (charts, panels) at most this often: they read as well at 20 frames
/// a second, and a page of several widgets keeps to its frame budget.
const SIDE_PLOT_INTERVAL_MS: f64 = 50.0;

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

fn errors_json(errors: &[FieldError]) -> String {
    serde_json::to_string(errors).unwrap_or_else(|_| "[]".into())
}

/// `&`, `<`, `>` and `"` escaped for an HTML attribute value.
fn attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// What the legend says beside a run: why it stopped, or its loss.
fn legend_detail(run: &Value) -> String {
    match (run["stopped"].as_str(), run["loss"].as_f64()) {
        (Some(stopped), _) => stopped.to_string(),
        (None, Some(loss)) => format!("loss {}", crate::widgets::readable(loss)),
        (None, None) => String::new(),
    }
}

/// The registry as JSON: `[{name, title, summary, page}]`.
#[wasm_bindgen]
pub fn views() -> String {
    registry::to_json().to_string()
}

/// One widget mounted on a page.
#[wasm_bindgen]
pub struct WidgetHandle {
    view: &'static str,
    widget: Box<dyn Widget>,
    canvases: Canvases,
    load_errors: Vec<FieldError>,
    last_frame_ms: f64,
    /// When the side plots were last drawn while playing.
    side_plots_drawn_at: f64,
}

#[wasm_bindgen]
impl WidgetHandle {
    /// The widget `view` in the state `link` (the page-hash format, with or
    /// without `#` and `view=`). An unknown view is an error; bad parts of
    /// the link are reported by [`load_errors`](Self::load_errors) and keep
    /// the defaults.
    #[wasm_bindgen(constructor)]
    pub fn new(view: &str, link: &str) -> Result<WidgetHandle, JsError> {
        install_panic_hook();
        let entry = registry::entry(view.trim()).map_err(|m| JsError::new(&m))?;
        let (widget, load_errors) = (entry.open)(link);
        Ok(WidgetHandle {
            view: entry.name,
            widget,
            canvases: Canvases::default(),
            load_errors,
            last_frame_ms: 0.0,
            side_plots_drawn_at: f64::NEG_INFINITY,
        })
    }

    /// The registry name of this widget.
    pub fn view(&self) -> String {
        self.view.to_string()
    }

    /// JSON `[{field, message}]`: what was wrong with the link given to
    /// the constructor.
    pub fn load_errors(&self) -> String {
        errors_json(&self.load_errors)
    }

    /// JSON: the plots (each a stack of canvas layers) and readouts to
    /// create, honouring `hide=`.
    pub fn layout(&self) -> String {
        serde_json::to_string(&self.widget.layout()).unwrap_or_else(|_| "{}".into())
    }

    /// JSON: the control panel (groups, controls with their kinds, limits,
    /// options, labels, help and current values).
    pub fn schema(&self) -> String {
        self.widget.schema().to_string()
    }

    /// Gives the widget the canvas of layer `layer`.
    pub fn attach(&mut self, layer: &str, canvas: HtmlCanvasElement) {
        self.canvases.insert(layer, canvas);
        self.widget.resized();
    }

    /// The page resized the canvases.
    pub fn resized(&mut self) {
        self.widget.resized();
    }

    /// The theme the link asks for: `auto`, `light` or `dark` (the page
    /// resolves `auto` from the reader's colour scheme).
    pub fn theme(&self) -> String {
        self.widget.options().theme.name().to_string()
    }

    /// Whether the link asks to start playing.
    pub fn autoplay(&self) -> bool {
        self.widget.options().autoplay
    }

    /// The whole state as a link (no `#`, no `view=`).
    pub fn link(&self) -> String {
        self.widget.link()
    }

    /// Loads a link as the whole state and restarts; JSON errors.
    pub fn load(&mut self, link: &str) -> String {
        errors_json(&self.widget.load(link))
    }

    /// Sets a control (or edits the list of runs) from the text the user
    /// typed: `""` on success, else JSON `{field, message}`; on error
    /// nothing changed.
    pub fn set(&mut self, key: &str, value: &str) -> String {
        match self.widget.set(key, value) {
            Ok(()) => String::new(),
            Err(error) => serde_json::to_string(&error).unwrap_or_default(),
        }
    }

    /// Advances `n` steps (the step button, `el.step(n)`).
    pub fn step(&mut self, n: u32) {
        self.widget.step(u64::from(n));
    }

    /// One animation frame: a frame of play when `playing`, then a redraw.
    /// `playing_widgets` is how many widgets of the page play this frame:
    /// they share the page's stepping budget. Returns whether work is still
    /// in flight (the page keeps asking for frames while it is, even when
    /// paused).
    pub fn frame(&mut self, playing: bool, playing_widgets: u32) -> bool {
        let started = now_ms();
        let playing = playing && !self.widget.finished();
        if playing {
            self.widget
                .play_frame(PAGE_FRAME_BUDGET_MS / f64::from(playing_widgets.max(1)));
        }
        // The last frame of a run draws everything.
        let side_plots_due = !playing
            || self.widget.finished()
            || started - self.side_plots_drawn_at >= SIDE_PLOT_INTERVAL_MS;
        if side_plots_due {
            self.render();
            self.side_plots_drawn_at = started;
        } else {
            self.render_main_plot();
        }
        self.last_frame_ms = now_ms() - started;
        self.widget.busy()
    }

    /// Redraws only the main plot (the side plots keep their last frame).
    fn render_main_plot(&mut self) {
        let mut main = Canvases::default();
        for plot in self.widget.layout().plots.iter().filter(|p| p.main) {
            for layer in plot.layers {
                if let Some(canvas) = self.canvases.get(layer) {
                    main.insert(layer, canvas.clone());
                }
            }
        }
        if let Err(error) = self.widget.render(&main) {
            console_error(&format!(
                "sgdlab ({}): drawing failed: {error:?}",
                self.view
            ));
        }
    }

    /// Redraws every attached canvas.
    pub fn render(&mut self) {
        if self.canvases.is_empty() {
            return;
        }
        if let Err(error) = self.widget.render(&self.canvases) {
            console_error(&format!(
                "sgdlab ({}): drawing failed: {error:?}",
                self.view
            ));
        }
    }

    /// Wasm time of the last [`frame`](Self::frame), in milliseconds.
    pub fn frame_time_ms(&self) -> f64 {
        self.last_frame_ms
    }

    /// Back to the start with the same settings.
    pub fn reset(&mut self) {
        self.widget.reset();
    }

    /// Whether the run has nothing left to do.
    pub fn finished(&self) -> bool {
        self.widget.finished()
    }

    /// JSON: `{step, runs: [{label, color, loss, stopped}], readouts, …}`.
    pub fn status(&self) -> String {
        let mut status = self.widget.status();
        if let Some(runs) = status.get_mut("runs").and_then(Value::as_array_mut) {
            for run in runs {
                if run.get("detail").is_none() {
                    let detail = legend_detail(run);
                    run["detail"] = Value::from(detail);
                }
            }
        }
        status.to_string()
    }

    /// A pointer event on plot `plot` (`kind`: down, drag, hover, leave;
    /// position and plot size in CSS pixels). Returns JSON `{changed}` or
    /// `{error}`.
    pub fn pointer(&mut self, plot: &str, kind: &str, x: f64, y: f64, w: f64, h: f64) -> String {
        let Some(kind) = PointerKind::from_name(kind) else {
            return json!({"error": "unknown pointer event"}).to_string();
        };
        let pointer = Pointer {
            plot,
            kind,
            x,
            y,
            width: w,
            height: h,
        };
        match self.widget.pointer(&pointer) {
            Ok(changed) => json!({ "changed": changed }).to_string(),
            Err(error) => json!({ "error": error }).to_string(),
        }
    }

    /// Destroys the widget's GPU device as a lost device would be (the
    /// browser tests of the CPU fallback use it); whether there was one.
    pub fn lose_gpu_for_tests(&self) -> bool {
        self.widget.lose_gpu()
    }

    /// What the CSV export button saves.
    pub fn export_csv(&self) -> String {
        self.widget.export_csv()
    }

    /// What the JSON export button saves.
    pub fn export_json(&self) -> String {
        json_text(&self.widget.export_json())
    }

    /// JSON `{link, iframe, element}`: this state as an embed with these
    /// options (`hide`: a comma list, checked against the widget's names),
    /// and the two snippets a teacher pastes into a slide, with `site` the
    /// address of the site's root (ending in `/`).
    pub fn embed(&self, site: &str, autoplay: bool, hide: &str, controls: &str) -> String {
        let link = match self.widget.embed_link(autoplay, hide) {
            Ok(link) => link,
            Err(error) => return json!({ "error": error }).to_string(),
        };
        let controls = match controls {
            "full" | "none" => controls,
            _ => "minimal",
        };
        let site = attribute(site);
        let iframe = format!(
            "<iframe src=\"{site}embed.html#view={}&amp;{}\" width=\"960\" height=\"540\" \
             style=\"border:0;max-width:100%\" loading=\"lazy\" \
             title=\"sgdlab: {}\" allowfullscreen></iframe>",
            self.view,
            attribute(&link),
            attribute(self.title()),
        );
        let element = format!(
            "<script type=\"module\" src=\"{site}sgdlab-widget.js\"></script>\n\
             <sgdlab-widget view=\"{}\" link=\"{}\" controls=\"{controls}\"></sgdlab-widget>",
            self.view,
            attribute(&link),
        );
        json!({ "link": link, "iframe": iframe, "element": element }).to_string()
    }
}

impl WidgetHandle {
    fn title(&self) -> &'static str {
        REGISTRY
            .iter()
            .find(|e| e.name == self.view)
            .map_or("", |e| e.title)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_escaped() {
        assert_eq!(attribute("a&b<c>\"d\""), "a&amp;b&lt;c&gt;&quot;d&quot;");
    }

    #[test]
    fn json_answers_never_throw() {
        let value: serde_json::Value = serde_json::from_str(&views()).unwrap();
        assert_eq!(value.as_array().unwrap().len(), REGISTRY.len());
    }
}
