//! What every widget is: one trait, and the plain descriptions of the
//! canvases and readouts it draws on.
//!
//! A widget owns its engine (from `sgdlab-core`) and its link table. The
//! same object runs headless (the CLI's `sgdlab link`, the lesson tests) and
//! in a page, where the handle ([`crate::handle::WidgetHandle`]) gives it
//! the canvases the element created from [`Widget::layout`] and forwards
//! pointer events to it.

use serde::Serialize;
use serde_json::Value;
use sgdlab_core::link::{FieldError, ViewOptions};
use wasm_bindgen::JsValue;
use web_sys::HtmlCanvasElement;

/// One drawing area of a widget: a stack of canvases of the same size.
#[derive(Clone, Debug, Serialize)]
pub struct Plot {
    /// The name the widget knows it by (`landscape`, `losses`).
    pub name: &'static str,
    /// What a screen reader announces.
    pub label: String,
    /// The canvases, bottom first (`["heatmap", "overlay"]`).
    pub layers: &'static [&'static str],
    /// Pointer events on the top layer go to [`Widget::pointer`].
    pub pointer: bool,
    /// Height over width.
    pub aspect: f64,
    /// The first, large plot of the widget, or a smaller one beside it.
    pub main: bool,
    /// Left out because `hide=` names its panel.
    pub hidden: bool,
}

/// A block of text the widget updates every frame (a readout, the Hessian
/// panel, a notice).
#[derive(Clone, Debug, Serialize)]
pub struct Readout {
    pub name: &'static str,
    pub label: &'static str,
    pub hidden: bool,
}

/// Where a widget draws: its plots and readouts, in page order.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Layout {
    pub plots: Vec<Plot>,
    pub readouts: Vec<Readout>,
    /// The legend (one entry per run, from the status) is shown.
    pub legend: bool,
    /// The export buttons are shown.
    pub export: bool,
}

/// The canvases a page gave a widget, by layer name.
#[derive(Default)]
pub struct Canvases {
    layers: Vec<(String, HtmlCanvasElement)>,
}

impl Canvases {
    pub fn insert(&mut self, name: &str, canvas: HtmlCanvasElement) {
        self.layers.retain(|(n, _)| n != name);
        self.layers.push((name.to_string(), canvas));
    }

    /// The canvas of layer `name`, if the page gave one.
    pub fn get(&self, name: &str) -> Option<&HtmlCanvasElement> {
        self.layers.iter().find(|(n, _)| n == name).map(|(_, c)| c)
    }

    pub fn is_empty(&self) -> bool {
        self.layers.is_empty()
    }

    /// Whether every layer of every plot `layout` shows is here (a page
    /// that is playing redraws only the main plot on most frames).
    pub fn has_all(&self, layout: &Layout) -> bool {
        layout
            .plots
            .iter()
            .filter(|plot| !plot.hidden)
            .flat_map(|plot| plot.layers.iter())
            .all(|layer| self.get(layer).is_some())
    }
}

/// What a pointer did on a plot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PointerKind {
    /// Pressed (or a tap).
    Down,
    /// Moved while pressed.
    Drag,
    /// Moved without a press.
    Hover,
    /// Left the plot.
    Leave,
}

impl PointerKind {
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "down" => Some(Self::Down),
            "drag" => Some(Self::Drag),
            "hover" => Some(Self::Hover),
            "leave" => Some(Self::Leave),
            _ => None,
        }
    }
}

/// A pointer event on a plot, in CSS pixels of that plot.
#[derive(Clone, Copy, Debug)]
pub struct Pointer<'a> {
    pub plot: &'a str,
    pub kind: PointerKind,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// The text of a JSON export: pretty-printed, ending in a newline. The
/// page's export button and `sgdlab link --format json` both write this.
pub fn json_text(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".into());
    text.push('\n');
    text
}

/// One view of sgdlab: an engine, its link, its controls and its drawing.
///
/// Every method that takes user text validates it and answers with a
/// [`FieldError`]; none may panic on user input.
pub trait Widget {
    /// The whole state as a link (no `#`, no `view=`), lossless.
    fn link(&self) -> String;
    /// Loads a link as the whole state (read on top of the defaults) and
    /// restarts. Bad parts are reported and keep the defaults.
    fn load(&mut self, link: &str) -> Vec<FieldError>;
    /// Sets one control by its link key, or edits a list (`o+`, `o-`, `o*`,
    /// `o.2`, `o.2.lr`: see [`sgdlab_core::link::ListEdit`]). On error
    /// nothing changes.
    fn set(&mut self, key: &str, value: &str) -> Result<(), FieldError>;
    /// The control panel, from the widget's link table.
    fn schema(&self) -> Value;
    /// Autoplay, hidden controls and theme.
    fn options(&self) -> &ViewOptions;
    /// The link of this state as an embed: with `autoplay` (when asked) and
    /// the groups and panels named in `hide` (a comma list, checked by the
    /// widget's table) left out.
    fn embed_link(&self, autoplay: bool, hide: &str) -> Result<String, FieldError>;

    /// Advances the run by `n` steps.
    fn step(&mut self, n: u64);
    /// One animation frame while playing: the widget's own speed, cut
    /// short after `budget_ms` of wall time (the page shares one frame's
    /// budget among the widgets playing on it).
    fn play_frame(&mut self, budget_ms: f64);
    /// Work still going on without play (a GPU readback in flight): the
    /// page keeps drawing frames while this is true.
    fn busy(&self) -> bool {
        false
    }
    /// Back to the start with the same settings.
    fn reset(&mut self);
    /// Whether the run has nothing left to do.
    fn finished(&self) -> bool;
    /// The natural length of a run, for `sgdlab link` without `--steps`
    /// (its epochs, its T, or a step count that shows the point).
    fn default_steps(&self) -> u64;
    /// The step counter, every run's label, colour and loss, and the
    /// readouts' text, as JSON.
    fn status(&self) -> Value;
    /// What the page's CSV export button gives.
    fn export_csv(&self) -> String;
    /// What the page's JSON export button gives; it names `view` and the
    /// normalised `link`.
    fn export_json(&self) -> Value;

    /// The plots and readouts to create, honouring `hide=`.
    fn layout(&self) -> Layout;
    /// Redraws on the canvases. (The plots look the same in both themes:
    /// dark charts and the landscape's own colour map.)
    fn render(&mut self, canvases: &Canvases) -> Result<(), JsValue>;
    /// A pointer event on a plot: `Ok(true)` when the state changed (the
    /// link must be written back), `Ok(false)` when only a readout did.
    fn pointer(&mut self, pointer: &Pointer<'_>) -> Result<bool, FieldError> {
        let _ = pointer;
        Ok(false)
    }
    /// The canvases changed size: drop drawings cached at the old size.
    fn resized(&mut self);
    /// Destroys the widget's GPU device, as a lost device would be, for the
    /// tests of the fallback; whether there was one.
    fn lose_gpu(&self) -> bool {
        false
    }
}
