// Each test file includes this module and uses the part it needs.
#![allow(dead_code)]

//! What every lesson's claim tests share: the lesson file and the links in
//! it ([`LessonFile`]), running a link headless through the widget registry
//! — the path the page, the embed and `sgdlab link` take — to read the
//! widget's JSON export, and reading numbers out of exports.

use serde_json::Value;
use sgdlab_core::link::LinkTable;
use sgdlab_core::playground::PlaygroundConfig;
use sgdlab_core::surfaces::Surface;
use sgdlab_site::Lesson;
use std::collections::HashMap;
use std::ops::Deref;
use std::path::Path;
use std::sync::{Mutex, OnceLock};

/// A lesson of `www/lessons/`, and the links its tests run.
pub struct LessonFile {
    lesson: Lesson,
    /// Every widget of the lesson shows this view, when set.
    view: Option<&'static str>,
}

impl LessonFile {
    /// Lesson `file` of `www/lessons/` (`"04-momentum.md"`).
    pub fn open(file: &str) -> Self {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../www/lessons")
            .join(file);
        let lesson = Lesson::load(&path).unwrap_or_else(|e| panic!("{e}"));
        Self { lesson, view: None }
    }

    /// The same lesson, checking that every link it hands out is for `view`.
    pub fn of_view(file: &str, view: &'static str) -> Self {
        Self {
            view: Some(view),
            ..Self::open(file)
        }
    }

    /// The view and link of widget `id`.
    pub fn widget(&self, id: &str) -> (String, String) {
        let block = self
            .lesson
            .widget(id)
            .unwrap_or_else(|| panic!("no widget `{id}`"));
        if let Some(view) = self.view {
            assert_eq!(block.view, view, "widget `{id}`");
        }
        (block.view.clone(), block.link.clone())
    }

    /// The link of widget `id`.
    pub fn widget_link(&self, id: &str) -> String {
        self.widget(id).1
    }

    /// The link of the try button labelled `label` (its widget's view is
    /// checked like the widget's).
    pub fn try_link(&self, label: &str) -> String {
        let button = self
            .lesson
            .try_button(label)
            .unwrap_or_else(|| panic!("no try button `{label}`"));
        self.widget(&button.widget);
        button.link.clone()
    }

    /// The link of the only try button in the answer to question `number`
    /// (from 1, as the lesson numbers them).
    pub fn answer_link(&self, number: usize) -> String {
        let question = &self.lesson.questions()[number - 1];
        let [button] = question.answer_tries.as_slice() else {
            panic!("one try button in the answer to question {number}")
        };
        self.widget(&button.widget);
        button.link.clone()
    }

    /// Checks that the lesson has exactly these widgets (by id) and try
    /// buttons (by label), in order, and `questions` questions: what its
    /// tests check, so a new one cannot go unchecked.
    pub fn assert_contents(&self, widgets: &[&str], tries: &[&str], questions: usize) {
        let ids: Vec<&str> = self.widgets().iter().map(|w| w.id.as_str()).collect();
        assert_eq!(ids, widgets);
        let labels: Vec<&str> = self.tries().iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, tries);
        assert_eq!(self.questions().len(), questions);
    }
}

impl Deref for LessonFile {
    type Target = Lesson;

    fn deref(&self) -> &Lesson {
        &self.lesson
    }
}

/// The widget `view` opened on `link`; a link with any error fails the test.
fn open(view: &str, link: &str) -> Box<dyn sgdlab_web::widget::Widget> {
    let entry = sgdlab_web::registry::entry(view).unwrap_or_else(|e| panic!("{e}"));
    let (widget, errors) = (entry.open)(link);
    assert!(errors.is_empty(), "{view} {link}: {errors:?}");
    widget
}

/// The JSON export of `view` opened on `link` after `steps` steps. A link
/// with any error fails the test.
pub fn run(view: &str, link: &str, steps: u64) -> Value {
    let mut widget = open(view, link);
    widget.step(steps);
    widget.export_json()
}

/// The JSON export of `view` opened on `link` and run to its own length.
pub fn run_to_end(view: &str, link: &str) -> Value {
    let mut widget = open(view, link);
    widget.step(widget.default_steps());
    widget.export_json()
}

/// [`run`], made once per test binary for each `key` and shared by the
/// tests that read it: the key is the link, or one key for links whose
/// runs are the same (links that differ only in what is shown).
pub fn run_shared(view: &str, link: &str, steps: u64, key: &str) -> Value {
    static RUNS: OnceLock<Mutex<HashMap<String, Value>>> = OnceLock::new();
    let runs = RUNS.get_or_init(Mutex::default);
    let key = format!("{view} {steps} {key}");
    if let Some(export) = runs.lock().unwrap().get(&key) {
        return export.clone();
    }
    let export = run(view, link, steps);
    runs.lock().unwrap().insert(key, export.clone());
    export
}

/// The settings `link` gives `table`'s widget; a link with any error fails
/// the test.
pub fn decode<C: Clone + PartialEq + Default>(table: &'static LinkTable<C>, link: &str) -> C {
    let (config, errors) = table.decode(link, &C::default());
    assert!(errors.is_empty(), "{link}: {errors:?}");
    config
}

/// The surface of a landscape link.
pub fn surface(link: &str) -> Box<dyn Surface> {
    PlaygroundConfig::decode(link, &PlaygroundConfig::default())
        .0
        .landscape
        .build()
        .unwrap()
}

/// A number of an export.
pub fn number(value: &Value) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("a number, got {value}"))
}

/// A pair of numbers of an export (`[a, b]`).
pub fn pair(value: &Value) -> [f64; 2] {
    [number(&value[0]), number(&value[1])]
}

/// The numbers of an array of an export.
pub fn numbers(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("an array, got {value}"))
        .iter()
        .map(number)
        .collect()
}

/// `value` rounded to `digits` decimals.
pub fn round(value: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (value * scale).round() / scale
}

/// (x, y, loss) of every point of a landscape racer of an export, one per
/// step from step 0.
pub fn racer_points(racer: &Value) -> Vec<[f64; 3]> {
    racer["points"]
        .as_array()
        .expect("points")
        .iter()
        .enumerate()
        .map(|(step, p)| {
            assert_eq!(p["step"], step, "one point per step from 0");
            [number(&p["x"]), number(&p["y"]), number(&p["loss"])]
        })
        .collect()
}

/// (x, y, loss) of every point of racer `index` of a landscape export.
pub fn points(export: &Value, index: usize) -> Vec<[f64; 3]> {
    racer_points(&export["racers"][index])
}

/// The first step at which the loss is below `tolerance`.
pub fn steps_to(points: &[[f64; 3]], tolerance: f64) -> Option<usize> {
    points.iter().position(|p| p[2] < tolerance)
}

/// The mean excess loss L − L* of path `index` (0 full batch, 1 minibatch,
/// 2 per sample) of a stochastic export over steps `from..=to`.
pub fn floor(export: &Value, index: usize, from: usize, to: usize) -> f64 {
    let optimum = number(&export["hessian"]["loss"]);
    let points = export["paths"][index]["points"].as_array().expect("points");
    points[from..=to]
        .iter()
        .map(|p| number(&p["loss"]) - optimum)
        .sum::<f64>()
        / (to - from + 1) as f64
}
