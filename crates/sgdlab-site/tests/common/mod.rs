// Each test file includes this module and uses the part it needs.
#![allow(dead_code)]

//! What every lesson's claim tests share: the lesson file, the links in it,
//! and running a link headless through the widget registry — the path the
//! page, the embed and `sgdlab link` take — to read the widget's JSON
//! export after a number of steps.

use serde_json::Value;
use sgdlab_site::Lesson;
use std::path::Path;

/// Lesson `file` of `www/lessons/`.
pub fn lesson(file: &str) -> Lesson {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../www/lessons")
        .join(file);
    Lesson::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

/// The view and link of widget `id` of `lesson`.
pub fn widget(lesson: &Lesson, id: &str) -> (String, String) {
    let block = lesson
        .widget(id)
        .unwrap_or_else(|| panic!("no widget `{id}`"));
    (block.view.clone(), block.link.clone())
}

/// The link of the try button labelled `label` (its widget's view first).
pub fn try_button(lesson: &Lesson, label: &str) -> (String, String) {
    let button = lesson
        .try_button(label)
        .unwrap_or_else(|| panic!("no try button `{label}`"));
    let view = widget(lesson, &button.widget).0;
    (view, button.link.clone())
}

/// The JSON export of `view` opened on `link` after `steps` steps. A link
/// with any error fails the test.
pub fn run(view: &str, link: &str, steps: u64) -> Value {
    let entry = sgdlab_web::registry::entry(view).unwrap_or_else(|e| panic!("{e}"));
    let (mut widget, errors) = (entry.open)(link);
    assert!(errors.is_empty(), "{view} {link}: {errors:?}");
    widget.step(steps);
    widget.export_json()
}
