//! The front matter: a small `---` block at the top of a lesson.
//!
//! ```text
//! ---
//! title: Momentum
//! summary: One line for the course index.
//! seeds:
//!   - 001 Fleuret, EE-559 5.2
//! references:
//!   - Polyak (1964), [Some methods of speeding up …](https://doi.org/…)
//! ---
//! ```
//!
//! It is the subset of YAML that GitHub shows as a table: `key: value`
//! lines, and `key:` followed by `  - item` lines for a list. A value that
//! holds `: ` or starts with a quote can be wrapped in double quotes.

use crate::error::{LessonError, LessonErrors};
use std::path::Path;

/// The keys a front matter block may hold.
pub const KEYS: &[&str] = &["title", "summary", "seeds", "references"];

/// What the front matter says about a lesson.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FrontMatter {
    /// The lesson's title (plain text).
    pub title: String,
    /// One line for the course index and the page's description (plain text).
    pub summary: String,
    /// The course notes the lesson draws on (at least one).
    pub seeds: Vec<String>,
    /// Papers and books, each one line of inline Markdown.
    pub references: Vec<String>,
}

/// The front matter and where the Markdown body starts.
#[derive(Clone, Debug)]
pub struct Split<'a> {
    pub front: FrontMatter,
    pub body: &'a str,
    /// The 1-based line of the file on which `body` starts.
    pub body_line: usize,
}

/// Splits a lesson file into its front matter and its Markdown body.
pub fn split<'a>(file: &Path, text: &'a str) -> Result<Split<'a>, LessonErrors> {
    let error = |line: usize, message: String| LessonError::new(file, line, message);
    let mut lines = text.split_inclusive('\n');
    let opening = lines.next().unwrap_or_default();
    if opening.trim_end() != "---" {
        return Err(error(
            1,
            "a lesson starts with a front matter block: a `---` line, then `title:`, `summary:` \
             and `seeds:`, then a closing `---`"
                .into(),
        )
        .into());
    }
    let mut offset = opening.len();
    let mut entries: Vec<(usize, String, Value)> = Vec::new();
    let mut errors = LessonErrors::default();
    let mut closed = None;
    for (index, raw) in lines.enumerate() {
        let line = index + 2;
        offset += raw.len();
        let content = raw.trim_end();
        if content == "---" {
            closed = Some((offset, line + 1));
            break;
        }
        if content.trim().is_empty() || content.trim_start().starts_with('#') {
            continue;
        }
        if let Some(item) = content.trim_start().strip_prefix("- ") {
            if !content.starts_with(char::is_whitespace) {
                errors.push(error(
                    line,
                    "a list item is indented under its key (`  - item`)".into(),
                ));
                continue;
            }
            match entries.last_mut() {
                Some((_, _, Value::List(items))) => match unquote(item.trim()) {
                    Ok(text) => items.push((line, text)),
                    Err(message) => errors.push(error(line, message)),
                },
                _ => errors.push(error(
                    line,
                    "a list item must follow a key with no value on its line (`seeds:`)".into(),
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
        if key.starts_with(char::is_whitespace) || !KEYS.contains(&key) {
            errors.push(error(
                line,
                format!(
                    "unknown front matter key `{}`; allowed: {}",
                    shorten(key.trim()),
                    KEYS.join(", ")
                ),
            ));
            continue;
        }
        if entries.iter().any(|(_, k, _)| k == key) {
            errors.push(error(line, format!("`{key}` is given twice")));
            continue;
        }
        let value = value.trim();
        let value = if value.is_empty() {
            Value::List(Vec::new())
        } else {
            match unquote(value) {
                Ok(text) => Value::Scalar(text),
                Err(message) => {
                    errors.push(error(line, message));
                    continue;
                }
            }
        };
        entries.push((line, key.to_string(), value));
    }
    let Some((body_offset, body_line)) = closed else {
        errors.push(error(
            1,
            "the front matter block has no closing `---` line".into(),
        ));
        return Err(errors);
    };
    let mut front = FrontMatter::default();
    for (line, key, value) in entries {
        match (key.as_str(), value) {
            ("title" | "summary", Value::Scalar(text)) => {
                if key == "title" {
                    front.title = text;
                } else {
                    front.summary = text;
                }
            }
            ("title" | "summary", Value::List(_)) => errors.push(error(
                line,
                format!("`{key}` takes one line of text after the colon"),
            )),
            ("seeds" | "references", value) => {
                let items: Vec<String> = match value {
                    Value::Scalar(text) => vec![text],
                    Value::List(items) => items.into_iter().map(|(_, text)| text).collect(),
                };
                if key == "seeds" {
                    front.seeds = items;
                } else {
                    front.references = items;
                }
            }
            _ => unreachable!("only known keys are collected"),
        }
    }
    for (key, missing) in [
        ("title", front.title.is_empty()),
        ("summary", front.summary.is_empty()),
        ("seeds", front.seeds.is_empty()),
    ] {
        if missing {
            errors.push(error(1, format!("the front matter needs `{key}`")));
        }
    }
    errors.into_result(Split {
        front,
        body: &text[body_offset..],
        body_line,
    })
}

enum Value {
    Scalar(String),
    List(Vec<(usize, String)>),
}

/// A plain value, or the text inside double or single quotes.
fn unquote(value: &str) -> Result<String, String> {
    let quoted =
        |quote: char| value.len() >= 2 && value.starts_with(quote) && value.ends_with(quote);
    if quoted('"') {
        let inner = &value[1..value.len() - 1];
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some(escaped @ ('"' | '\\')) => out.push(escaped),
                    _ => {
                        return Err(
                            "inside double quotes, only `\\\"` and `\\\\` are escapes".into()
                        );
                    }
                }
            } else {
                out.push(c);
            }
        }
        Ok(out)
    } else if quoted('\'') {
        Ok(value[1..value.len() - 1].replace("''", "'"))
    } else if value.starts_with(['"', '\'']) {
        Err("a quoted value must end with the same quote".into())
    } else {
        Ok(value.to_string())
    }
}

/// At most 40 characters of `text`, for messages.
pub(crate) fn shorten(text: &str) -> String {
    let mut shown: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        shown.push('…');
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Split<'_>, LessonErrors> {
        split(Path::new("l.md"), text)
    }

    #[test]
    fn reads_scalars_lists_and_quotes() {
        let text = "---\ntitle: Momentum\nsummary: \"Speed: and damping\"\nseeds:\n  - one\n  - 'two''s'\n\
                    references: Polyak 1964\n---\nBody\n";
        let split = parse(text).unwrap();
        assert_eq!(split.front.title, "Momentum");
        assert_eq!(split.front.summary, "Speed: and damping");
        assert_eq!(split.front.seeds, ["one", "two's"]);
        assert_eq!(split.front.references, ["Polyak 1964"]);
        assert_eq!(split.body, "Body\n");
        assert_eq!(split.body_line, 9);
    }

    #[test]
    fn reports_each_problem_at_its_line() {
        let text = "---\ntitle: A\ntitle: B\nsumary: x\n- stray\nseeds:\n---\n";
        let errors = parse(text).unwrap_err().to_string();
        assert!(
            errors.contains("l.md:3: `title` is given twice"),
            "{errors}"
        );
        assert!(errors.contains("l.md:4: unknown front matter key `sumary`; allowed: title, summary, seeds, references"), "{errors}");
        assert!(
            errors.contains("l.md:5: a list item is indented"),
            "{errors}"
        );
        assert!(
            errors.contains("l.md:1: the front matter needs `summary`"),
            "{errors}"
        );
        assert!(
            errors.contains("l.md:1: the front matter needs `seeds`"),
            "{errors}"
        );
    }

    #[test]
    fn needs_an_opening_and_a_closing_line() {
        assert!(
            parse("# Title\n")
                .unwrap_err()
                .to_string()
                .starts_with("l.md:1: a lesson starts with")
        );
        assert!(
            parse("---\ntitle: A\n")
                .unwrap_err()
                .to_string()
                .contains("no closing `---`")
        );
    }
}
