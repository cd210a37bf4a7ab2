//! Fenced `widget` blocks: one live widget each.
//!
//! ````text
//! ```widget
//! id: ravine
//! view: landscape
//! link: s=quadratic&p=a:10,b:1
//!       &o=sgd,lr:0.05
//!       &o=sgd,lr:0.05,momentum:0.9
//! controls: minimal
//! caption: Plain GD and heavy-ball momentum in a ravine.
//! ```
//! ````
//!
//! One `key: value` per line. A line that starts with spaces continues the
//! value above it: `link` pieces are joined as they are, other values with
//! a space.

use crate::error::{LessonError, LessonErrors};
use crate::front_matter::shorten;
use std::path::Path;

/// The keys a widget block may hold.
pub const KEYS: &[&str] = &[
    "id", "view", "link", "controls", "hide", "autoplay", "caption",
];

/// How much of its control panel a widget shows (the element's `controls`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Controls {
    /// Every control the widget has.
    Full,
    /// Play, step, reset and speed. The element's default.
    #[default]
    Minimal,
    /// No controls; try buttons and the script API still drive it.
    None,
}

impl Controls {
    pub const NAMES: &[&str] = &["full", "minimal", "none"];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::Minimal => "minimal",
            Self::None => "none",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "full" => Some(Self::Full),
            "minimal" => Some(Self::Minimal),
            "none" => Some(Self::None),
            _ => None,
        }
    }
}

/// One widget of a lesson, as its block describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WidgetBlock {
    /// The widget's id on the page and its key in the page hash.
    pub id: String,
    /// The registered view it shows (`landscape`, `stochastic`, …).
    pub view: String,
    /// Its state, in the view's link format (the page hash without `view=`).
    pub link: String,
    pub controls: Controls,
    /// Controls to hide, by name.
    pub hide: Vec<String>,
    pub autoplay: bool,
    /// One paragraph of inline Markdown under the widget.
    pub caption: Option<String>,
    /// The line of the opening fence.
    pub line: usize,
}

/// Whether `id` can name a widget: a lower-case letter, then lower-case
/// letters, digits and hyphens, at most 40 characters.
pub fn valid_id(id: &str) -> bool {
    id.len() <= 40
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Parses the lines inside a widget fence, each with its 1-based line number.
pub fn parse(
    file: &Path,
    fence_line: usize,
    lines: &[(usize, &str)],
) -> Result<WidgetBlock, LessonErrors> {
    let mut errors = LessonErrors::default();
    let error = |line: usize, message: String| LessonError::new(file, line, message);
    let mut entries: Vec<(usize, &'static str, String)> = Vec::new();
    for &(line, raw) in lines {
        let content = raw.trim_end();
        if content.trim().is_empty() {
            continue;
        }
        if content.starts_with(char::is_whitespace) {
            match entries.last_mut() {
                Some((_, key, value)) => {
                    let piece = content.trim();
                    if *key != "link" && !value.is_empty() {
                        value.push(' ');
                    }
                    value.push_str(piece);
                }
                None => errors.push(error(
                    line,
                    "a continuation line must follow a `key: value` line".into(),
                )),
            }
            continue;
        }
        let Some((key, value)) = content.split_once(':') else {
            errors.push(error(
                line,
                format!("expected `key: value`, found `{}`", shorten(content)),
            ));
            continue;
        };
        let Some(&key) = KEYS.iter().find(|&&k| k == key.trim_end()) else {
            errors.push(error(
                line,
                format!(
                    "unknown widget key `{}`; allowed: {}",
                    shorten(key),
                    KEYS.join(", ")
                ),
            ));
            continue;
        };
        if entries.iter().any(|(_, k, _)| *k == key) {
            errors.push(error(
                line,
                format!("`{key}` is given twice in this widget"),
            ));
            continue;
        }
        entries.push((line, key, value.trim().to_string()));
    }
    let given: Vec<&str> = entries.iter().map(|(_, key, _)| *key).collect();
    for key in ["id", "view"] {
        if !given.contains(&key) {
            errors.push(error(fence_line, format!("this widget needs `{key}:`")));
        }
    }
    let mut widget = WidgetBlock {
        id: String::new(),
        view: String::new(),
        link: String::new(),
        controls: Controls::default(),
        hide: Vec::new(),
        autoplay: false,
        caption: None,
        line: fence_line,
    };
    for (line, key, value) in entries {
        match key {
            "id" if valid_id(&value) => widget.id = value,
            "id" => errors.push(error(
                line,
                format!(
                    "widget id `{}` must start with a lower-case letter and hold only a-z, 0-9 and `-` \
                     (at most 40 characters)",
                    shorten(&value)
                ),
            )),
            "view" if valid_id(&value) => widget.view = value,
            "view" => errors.push(error(line, format!("`{}` is not a view name", shorten(&value)))),
            "link" => widget.link = value,
            "controls" => match Controls::parse(&value) {
                Some(controls) => widget.controls = controls,
                None => errors.push(error(
                    line,
                    format!("controls must be one of {}, not `{}`", Controls::NAMES.join(", "), shorten(&value)),
                )),
            },
            "hide" => {
                for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                    if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
                        widget.hide.push(name.to_string());
                    } else {
                        errors.push(error(line, format!("`{}` is not a control name", shorten(name))));
                    }
                }
            }
            "autoplay" => match value.as_str() {
                "true" => widget.autoplay = true,
                "false" => widget.autoplay = false,
                _ => errors.push(error(line, format!("autoplay must be true or false, not `{}`", shorten(&value)))),
            },
            "caption" => widget.caption = Some(value),
            _ => unreachable!("only known keys are collected"),
        }
    }
    errors.into_result(widget)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<(usize, &str)> {
        text.lines().enumerate().map(|(i, l)| (i + 11, l)).collect()
    }

    #[test]
    fn reads_every_key_and_joins_continued_links() {
        let text = "id: ravine\nview: landscape\nlink: s=quadratic\n  &o=sgd,lr:0.05\ncontrols: none\n\
                    hide: racers, speed\nautoplay: true\ncaption: Two\n   lines";
        let widget = parse(Path::new("l.md"), 10, &lines(text)).unwrap();
        assert_eq!(widget.id, "ravine");
        assert_eq!(widget.link, "s=quadratic&o=sgd,lr:0.05");
        assert_eq!(widget.controls, Controls::None);
        assert_eq!(widget.hide, ["racers", "speed"]);
        assert!(widget.autoplay);
        assert_eq!(widget.caption.as_deref(), Some("Two lines"));
        assert_eq!(widget.line, 10);
    }

    #[test]
    fn defaults_to_minimal_controls_without_autoplay() {
        let widget = parse(Path::new("l.md"), 1, &lines("id: a\nview: landscape")).unwrap();
        assert_eq!(
            (widget.controls, widget.autoplay, widget.link.as_str()),
            (Controls::Minimal, false, "")
        );
    }

    #[test]
    fn reports_bad_keys_and_values_at_their_lines() {
        let text = "id: Bad Id\nview: landscape\ncontrol: full\ncontrols: some\nautoplay: yes\nid: again\nnonsense";
        let errors = parse(Path::new("l.md"), 10, &lines(text))
            .unwrap_err()
            .to_string();
        assert!(
            errors.contains("l.md:11: widget id `Bad Id` must start"),
            "{errors}"
        );
        assert!(
            errors.contains("l.md:13: unknown widget key `control`; allowed: id, view, link"),
            "{errors}"
        );
        assert!(
            errors.contains("l.md:14: controls must be one of full, minimal, none, not `some`"),
            "{errors}"
        );
        assert!(
            errors.contains("l.md:15: autoplay must be true or false, not `yes`"),
            "{errors}"
        );
        assert!(
            errors.contains("l.md:16: `id` is given twice in this widget"),
            "{errors}"
        );
        assert!(
            errors.contains("l.md:17: expected `key: value`, found `nonsense`"),
            "{errors}"
        );
    }

    #[test]
    fn needs_an_id_and_a_view() {
        let errors = parse(Path::new("l.md"), 7, &lines("link: s=booth"))
            .unwrap_err()
            .to_string();
        assert!(
            errors.contains("l.md:7: this widget needs `id:`"),
            "{errors}"
        );
        assert!(
            errors.contains("l.md:7: this widget needs `view:`"),
            "{errors}"
        );
    }
}
