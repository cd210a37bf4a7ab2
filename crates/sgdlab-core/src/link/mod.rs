//! The one link codec: every widget's state as a typed property table.
//!
//! A link is a widget's whole state as readable `key=value` parts joined by
//! `&`, the part of a URL after `#`:
//!
//! ```text
//! s=rosenbrock&o=adam,lr:0.05&o=sgd,lr:0.0005,momentum:0.9&speed=2&seed=0
//! ```
//!
//! Each widget describes its settings once, as a [`LinkTable`]: a list of
//! [`Prop`]s in the order a link writes them. A prop names its link key,
//! the label, help text and group of its control, and a typed [`Field`]
//! that reads and writes one setting of the widget's config. From that one
//! table come
//! - [`LinkTable::decode`]: a link read on top of a base config; every bad
//!   part becomes a [`FieldError`] naming its key and keeps the base's value,
//!   and settings that depend on each other are checked together at the end
//!   (the table's `check`);
//! - [`LinkTable::encode`]: the config as a link, numbers in the shortest
//!   form that reads back to the same bits, so `decode(encode(c)) == c`;
//! - [`LinkTable::set`]: one control edit, checked exactly as a link part;
//! - hiding: a link's `hide=` names groups of controls or panels of the
//!   widget ([`LinkTable::hide_names`]);
//! - [`LinkTable::schema`]: the control panel, as JSON, which the page's one
//!   panel renderer draws for any widget.
//!
//! Three settings belong to every widget and are handled here, in
//! [`ViewOptions`]: `autoplay=1`, `hide=a,b` and `theme=dark|light|auto`.
//! A link may also carry `view=NAME` (a page link names its widget that way);
//! the codec accepts its own view's name and refuses another.

pub mod text;

#[cfg(test)]
pub mod testing;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::fmt;
pub use text::{format_number, parse_number, shorten};

/// A part of a link or a control value that could not be used.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldError {
    /// The link key at fault (`lr`, `o`, `start`), or `link` for the link
    /// as a whole.
    pub field: String,
    /// What was wrong and what is allowed.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for FieldError {}

/// How a page shows a widget: the colours it draws with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    /// Follows the reader's `prefers-color-scheme`. The default.
    #[default]
    Auto,
    Light,
    Dark,
}

impl Theme {
    pub const NAMES: &'static [&'static str] = &["auto", "light", "dark"];

    pub fn name(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Light => "light",
            Self::Dark => "dark",
        }
    }

    pub fn from_name(name: &str) -> Result<Self, String> {
        match name {
            "auto" => Ok(Self::Auto),
            "light" => Ok(Self::Light),
            "dark" => Ok(Self::Dark),
            _ => Err(format!(
                "unknown theme `{}`; allowed: {}",
                shorten(name),
                Self::NAMES.join(", ")
            )),
        }
    }
}

/// The settings every widget's link has besides its own.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ViewOptions {
    /// Start playing once shown (slides, embeds). Written `autoplay=1`.
    pub autoplay: bool,
    /// Groups of controls and panels left out (`hide=speed,legend`).
    pub hide: Vec<String>,
    /// The colours. Written only when not `auto`.
    pub theme: Theme,
}

/// How a number control is best moved: evenly, or by orders of magnitude.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    Linear,
    Log,
}

/// One choice of a [`Field::Choice`]: its link text and its label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Opt {
    pub value: &'static str,
    pub label: &'static str,
}

/// How one setting is read from and written to its link text.
pub enum Field<C: 'static> {
    /// A whole number from `min` to `max`.
    Count {
        min: u64,
        max: u64,
        get: fn(&C) -> u64,
        set: fn(&mut C, u64),
    },
    /// A finite number from `min` to `max` (excluding `max` when
    /// `max_open`).
    Real {
        min: f64,
        max: f64,
        max_open: bool,
        scale: Scale,
        get: fn(&C) -> f64,
        set: fn(&mut C, f64),
    },
    /// Two numbers `a,b`, each from `-limit` to `limit`.
    Pair {
        limit: f64,
        get: fn(&C) -> [f64; 2],
        set: fn(&mut C, [f64; 2]),
    },
    /// On or off: `1` or `0` (`true` and `false` are read too).
    Flag {
        get: fn(&C) -> bool,
        set: fn(&mut C, bool),
    },
    /// One name from a list (the list may depend on the rest of the config).
    Choice {
        options: fn(&C) -> Vec<Opt>,
        get: fn(&C) -> &'static str,
        set: fn(&mut C, &'static str),
    },
    /// A seed: any whole number that fits 64 bits (written as text because a
    /// JS number cannot hold it exactly).
    Seed {
        get: fn(&C) -> u64,
        set: fn(&mut C, u64),
    },
    /// A setting with a text form of its own (a formula, layer widths, a
    /// schedule): `read` checks and sets it, `write` gives it back (`None`:
    /// left out of the link), `control` describes its control.
    Custom {
        read: fn(&mut C, &str) -> Result<(), String>,
        write: fn(&C) -> Option<String>,
        control: fn(&C) -> Value,
        /// Valid texts, for the property tests.
        examples: &'static [&'static str],
    },
    /// A list written one part per item (`o=adam,lr:0.05&o=sgd`). `read`
    /// gets every item of a link at once and keeps the ones it can use,
    /// returning a message per refused item (when none can be used it must
    /// leave the list as it was); `write` gives the items back.
    List {
        max: usize,
        read: fn(&mut C, &[String]) -> Vec<String>,
        write: fn(&C) -> Vec<String>,
        control: fn(&C) -> Value,
        /// Valid items, for the property tests.
        examples: &'static [&'static str],
    },
}

/// One setting of a widget: its link key, its control and its field.
pub struct Prop<C: 'static> {
    /// The link key (`lr`, `b`, `o`).
    pub key: &'static str,
    /// The control's label.
    pub label: &'static str,
    /// One sentence for the control's help text.
    pub help: &'static str,
    /// The group the control sits in (a name in the table's `groups`).
    pub group: &'static str,
    /// Left out of a link while it has the default config's value.
    pub optional: bool,
    pub field: Field<C>,
}

/// A named group of controls or a panel (chart, readout, legend) of a
/// widget: what `hide=` can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Group {
    pub name: &'static str,
    pub label: &'static str,
}

/// A widget's settings, described once.
pub struct LinkTable<C: 'static> {
    /// The registry name of the widget (`view=` in a page link).
    pub view: &'static str,
    pub props: &'static [Prop<C>],
    /// The groups of controls, in the order the panel shows them.
    pub groups: &'static [Group],
    /// The parts of the widget that are not controls but can be hidden.
    pub panels: &'static [Group],
    /// The keys of the controls a `controls="minimal"` panel keeps.
    pub minimal: &'static [&'static str],
    /// A longer link is refused whole, so a paste cannot stall the page.
    pub max_len: usize,
    /// Checks the settings that depend on each other after a link or an edit
    /// is read: each one that no longer fits is reported and put back to the
    /// base's value (or to one that fits).
    pub check: fn(&mut C, &C, &mut Vec<FieldError>),
    pub options: fn(&C) -> &ViewOptions,
    pub options_mut: fn(&mut C) -> &mut ViewOptions,
}

/// The keys every widget shares.
const COMMON_KEYS: &[&str] = &["autoplay", "hide", "theme", "view"];

/// A flag from its text.
fn parse_flag(text: &str) -> Result<bool, String> {
    match text {
        "1" | "true" => Ok(true),
        "0" | "false" => Ok(false),
        _ => Err(format!("write 1 or 0, not `{}`", shorten(text))),
    }
}

impl<C: Clone + PartialEq + Default + 'static> LinkTable<C> {
    /// The prop behind link key `key`.
    pub fn prop(&self, key: &str) -> Option<&Prop<C>> {
        self.props.iter().find(|p| p.key == key)
    }

    /// Every link key, in the order links write them.
    pub fn keys(&self) -> Vec<&'static str> {
        self.props
            .iter()
            .map(|p| p.key)
            .chain(COMMON_KEYS.iter().copied())
            .collect()
    }

    /// What `hide=` may name: `controls` (the whole panel), each group and
    /// each panel.
    pub fn hide_names(&self) -> Vec<&'static str> {
        std::iter::once("controls")
            .chain(self.groups.iter().map(|g| g.name))
            .chain(self.panels.iter().map(|g| g.name))
            .collect()
    }

    /// The config as a link (no `#`, no `view=`).
    pub fn encode(&self, config: &C) -> String {
        let default = C::default();
        let mut parts = Vec::new();
        for prop in self.props {
            let texts = write_field(&prop.field, config);
            if prop.optional && texts == write_field(&prop.field, &default) {
                continue;
            }
            parts.extend(texts.into_iter().map(|t| format!("{}={t}", prop.key)));
        }
        let options = (self.options)(config);
        if options.autoplay {
            parts.push("autoplay=1".into());
        }
        if !options.hide.is_empty() {
            parts.push(format!("hide={}", options.hide.join(",")));
        }
        if options.theme != Theme::Auto {
            parts.push(format!("theme={}", options.theme.name()));
        }
        parts.join("&")
    }

    /// Reads a link (with or without `#`, `view=` allowed) on top of `base`.
    /// Parts are applied in the table's order, so their order in the link
    /// does not matter; a key given twice keeps its last value. Every part
    /// that is wrong is reported and leaves `base`'s value in place.
    pub fn decode(&self, link: &str, base: &C) -> (C, Vec<FieldError>) {
        let mut config = base.clone();
        let mut errors = Vec::new();
        let link = link.strip_prefix('#').unwrap_or(link);
        if link.len() > self.max_len {
            errors.push(FieldError::new(
                "link",
                format!(
                    "the link is too long ({} characters; at most {}); nothing was changed",
                    link.len(),
                    self.max_len
                ),
            ));
            return (config, errors);
        }
        let mut parts: Vec<(&str, String)> = Vec::new();
        for part in link.split('&').filter(|p| !p.trim().is_empty()) {
            let (key, raw) = part.split_once('=').unwrap_or((part, ""));
            let known = self.prop(key).is_some() || COMMON_KEYS.contains(&key);
            if !known {
                errors.push(FieldError::new(
                    "link",
                    format!(
                        "unknown setting `{}`; allowed: {}",
                        shorten(key),
                        self.keys().join(", ")
                    ),
                ));
                continue;
            }
            match text::percent_decode(raw) {
                Ok(value) => parts.push((key, value)),
                Err(message) => errors.push(FieldError::new(key, message)),
            }
        }
        let values = |key: &str| -> Vec<String> {
            parts
                .iter()
                .filter(|(k, _)| *k == key)
                .map(|(_, v)| v.clone())
                .collect()
        };
        for value in values("view") {
            if value != self.view {
                errors.push(FieldError::new(
                    "view",
                    format!(
                        "this is the `{}` widget, not `{}`",
                        self.view,
                        shorten(&value)
                    ),
                ));
            }
        }
        for prop in self.props {
            let texts = values(prop.key);
            if !texts.is_empty() {
                errors.extend(read_prop(prop, &mut config, texts));
            }
        }
        self.read_options(&mut config, &values, &mut errors);
        (self.check)(&mut config, base, &mut errors);
        (config, errors)
    }

    fn read_options(
        &self,
        config: &mut C,
        values: &dyn Fn(&str) -> Vec<String>,
        errors: &mut Vec<FieldError>,
    ) {
        let allowed = self.hide_names();
        let options = (self.options_mut)(config);
        for text in values("autoplay") {
            match parse_flag(&text) {
                Ok(on) => options.autoplay = on,
                Err(message) => errors.push(FieldError::new("autoplay", message)),
            }
        }
        for text in values("theme") {
            match Theme::from_name(&text) {
                Ok(theme) => options.theme = theme,
                Err(message) => errors.push(FieldError::new("theme", message)),
            }
        }
        for text in values("hide") {
            let mut hide = Vec::new();
            for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                if allowed.contains(&name) {
                    if !hide.iter().any(|h| h == name) {
                        hide.push(name.to_string());
                    }
                } else {
                    errors.push(FieldError::new(
                        "hide",
                        format!(
                            "cannot hide `{}`; allowed: {}",
                            shorten(name),
                            allowed.join(", ")
                        ),
                    ));
                }
            }
            options.hide = hide;
        }
    }

    /// Checks a config built in code (not read from a link) against the
    /// table: it must read back from its own link without an error. The
    /// error names the link key at fault.
    pub fn validate(&self, config: &C) -> Result<(), FieldError> {
        let (_, errors) = self.decode(&self.encode(config), &C::default());
        errors.into_iter().next().map_or(Ok(()), Err)
    }

    /// The link of `config` with view options on top: `autoplay` when
    /// asked, and `hide` (a comma list of [`hide_names`](Self::hide_names))
    /// replacing the config's own.
    pub fn embed_link(&self, config: &C, autoplay: bool, hide: &str) -> Result<String, FieldError> {
        let mut next = config.clone();
        if autoplay {
            (self.options_mut)(&mut next).autoplay = true;
        }
        self.set(&mut next, "hide", hide)?;
        Ok(self.encode(&next))
    }

    /// Sets one control from the text the user typed, checked exactly as
    /// the same part of a link would be. On error nothing changes.
    pub fn set(&self, config: &mut C, key: &str, value: &str) -> Result<(), FieldError> {
        let (next, errors) = self.decode(&format!("{key}={}", text::percent_encode(value)), config);
        match errors.into_iter().next() {
            Some(error) => Err(error),
            None => {
                *config = next;
                Ok(())
            }
        }
    }

    /// The control panel as JSON: the groups in order, each control with
    /// its key, label, help, kind, limits or options, and current value;
    /// the panels that can be hidden; what `controls="minimal"` keeps.
    pub fn schema(&self, config: &C) -> Value {
        let controls: Vec<Value> = self
            .props
            .iter()
            .map(|prop| {
                let mut control = describe_field(&prop.field, config);
                if let Value::Object(map) = &mut control {
                    map.insert("key".into(), json!(prop.key));
                    map.insert("label".into(), json!(prop.label));
                    map.insert("help".into(), json!(prop.help));
                    map.insert("group".into(), json!(prop.group));
                    map.insert("minimal".into(), json!(self.minimal.contains(&prop.key)));
                }
                control
            })
            .collect();
        let options = (self.options)(config);
        json!({
            "view": self.view,
            "groups": self.groups,
            "panels": self.panels,
            "controls": controls,
            "hide": options.hide,
            "hide_names": self.hide_names(),
            "theme": options.theme.name(),
            "autoplay": options.autoplay,
        })
    }
}

/// Reads every text a link gives for `prop` into `config`: a list at once
/// (capped at its `max`), any other field one text after the other.
fn read_prop<C>(prop: &Prop<C>, config: &mut C, mut texts: Vec<String>) -> Vec<FieldError> {
    let error = |message: String| FieldError::new(prop.key, message);
    if let Field::List { max, read, .. } = &prop.field {
        let mut errors = Vec::new();
        if texts.len() > *max {
            errors.push(error(format!(
                "at most {max} may be given; the {} after that were left out",
                texts.len() - max
            )));
            texts.truncate(*max);
        }
        errors.extend(read(config, &texts).into_iter().map(error));
        return errors;
    }
    texts
        .iter()
        .filter_map(|text| read_one(&prop.field, config, text).err())
        .map(error)
        .collect()
}

/// An edit of a list control (the racing optimizers), as the panel sends
/// it: the list's key with a suffix, and a value.
///
/// ```text
/// o+   = adam      add an item of this kind
/// o-   = 2         remove item 2 (items count from 0)
/// o*   = 2         add a copy of item 2 after it
/// o.2  = sgd       make item 2 this kind, with its defaults
/// o.2.lr = 0.01    change one setting of item 2
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListEdit<'a> {
    Add(&'a str),
    Remove(usize),
    Duplicate(usize),
    Replace(usize, &'a str),
    Setting(usize, &'a str, &'a str),
}

impl<'a> ListEdit<'a> {
    /// The edit `key` = `value` makes to the list called `list`, if `key`
    /// is one of its edit keys.
    pub fn parse(list: &str, key: &'a str, value: &'a str) -> Option<Result<Self, String>> {
        let rest = key.strip_prefix(list)?;
        let index = |text: &str| {
            text.parse::<usize>()
                .map_err(|_| format!("`{}` is not an item number", shorten(text)))
        };
        Some(match rest {
            "+" => Ok(Self::Add(value)),
            "-" => index(value).map(Self::Remove),
            "*" => index(value).map(Self::Duplicate),
            _ => {
                let rest = rest.strip_prefix('.')?;
                match rest.split_once('.') {
                    None => index(rest).map(|i| Self::Replace(i, value)),
                    Some((i, setting)) => index(i).map(|i| Self::Setting(i, setting, value)),
                }
            }
        })
    }

    /// Applies the edit to `items` (at most `max`, at least one): `new`
    /// makes an item of a kind, `setting` changes one setting of an item.
    pub fn apply<T: Clone>(
        self,
        items: &mut Vec<T>,
        max: usize,
        new: impl Fn(&str) -> Result<T, String>,
        setting: impl Fn(&mut T, &str, &str) -> Result<(), String>,
    ) -> Result<(), String> {
        let missing = |i: usize| format!("there is no optimizer {}", i + 1);
        match self {
            Self::Add(_) | Self::Duplicate(_) if items.len() >= max => {
                Err(format!("at most {max} may run side by side"))
            }
            Self::Add(kind) => {
                items.push(new(kind)?);
                Ok(())
            }
            Self::Duplicate(i) => {
                let copy = items.get(i).cloned().ok_or_else(|| missing(i))?;
                items.insert(i + 1, copy);
                Ok(())
            }
            Self::Remove(i) if i >= items.len() => Err(missing(i)),
            Self::Remove(_) if items.len() == 1 => Err("at least one must run".into()),
            Self::Remove(i) => {
                items.remove(i);
                Ok(())
            }
            Self::Replace(i, kind) => {
                let slot = items.get_mut(i).ok_or_else(|| missing(i))?;
                *slot = new(kind)?;
                Ok(())
            }
            Self::Setting(i, key, value) => {
                let slot = items.get_mut(i).ok_or_else(|| missing(i))?;
                setting(slot, key, value)
            }
        }
    }
}

fn read_one<C>(field: &Field<C>, config: &mut C, text: &str) -> Result<(), String> {
    match field {
        Field::Count { min, max, set, .. } => {
            let value = text::parse_whole(text)
                .ok()
                .filter(|v| (min..=max).contains(&v))
                .ok_or_else(|| {
                    format!(
                        "must be a whole number from {min} to {max}, got `{}`",
                        shorten(text)
                    )
                })?;
            set(config, value);
        }
        Field::Real {
            min,
            max,
            max_open,
            set,
            ..
        } => {
            let value = parse_number(text)?;
            let inside = value >= *min
                && if *max_open {
                    value < *max
                } else {
                    value <= *max
                };
            if !inside {
                let to = if *max_open {
                    "up to but not including"
                } else {
                    "to"
                };
                return Err(format!(
                    "must be a number from {} {to} {}, got {}",
                    format_number(*min),
                    format_number(*max),
                    format_number(value)
                ));
            }
            set(config, value);
        }
        Field::Pair { limit, set, .. } => {
            let pair = text::parse_pair(text)?;
            if !pair.iter().all(|v| v.abs() <= *limit) {
                return Err(format!(
                    "both numbers must be from -{} to {}, got {}",
                    format_number(*limit),
                    format_number(*limit),
                    text::format_pair(pair)
                ));
            }
            set(config, pair);
        }
        Field::Flag { set, .. } => set(config, parse_flag(text)?),
        Field::Choice { options, set, .. } => {
            let options = options(config);
            let Some(option) = options.iter().find(|o| o.value == text) else {
                let names: Vec<&str> = options.iter().map(|o| o.value).collect();
                return Err(format!(
                    "unknown choice `{}`; allowed: {}",
                    shorten(text),
                    names.join(", ")
                ));
            };
            set(config, option.value);
        }
        Field::Seed { set, .. } => {
            let seed = text.trim().parse::<u64>().map_err(|_| {
                format!(
                    "the seed must be a whole number from 0 to {}, got `{}`",
                    u64::MAX,
                    shorten(text)
                )
            })?;
            set(config, seed);
        }
        Field::Custom { read, .. } => read(config, text)?,
        Field::List { .. } => unreachable!("lists are read whole by read_prop"),
    }
    Ok(())
}

/// The link texts of a field (one per part; none when left out).
fn write_field<C>(field: &Field<C>, config: &C) -> Vec<String> {
    match field {
        Field::Count { get, .. } => vec![get(config).to_string()],
        Field::Real { get, .. } => vec![format_number(get(config))],
        Field::Pair { get, .. } => vec![text::format_pair(get(config))],
        Field::Flag { get, .. } => vec![u8::from(get(config)).to_string()],
        Field::Choice { get, .. } => vec![get(config).to_string()],
        Field::Seed { get, .. } => vec![get(config).to_string()],
        Field::Custom { write, .. } => write(config).into_iter().collect(),
        Field::List { write, .. } => write(config),
    }
}

fn describe_field<C>(field: &Field<C>, config: &C) -> Value {
    let value = write_field(field, config).into_iter().next();
    match field {
        Field::Count { min, max, .. } => {
            json!({"kind": "count", "min": min, "max": max, "value": value})
        }
        Field::Real {
            min,
            max,
            max_open,
            scale,
            get,
            ..
        } => json!({
            "kind": "real",
            "min": min,
            "max": max,
            "max_open": max_open,
            "log": *scale == Scale::Log,
            "value": value,
            "number": get(config),
        }),
        Field::Pair { limit, .. } => json!({"kind": "pair", "limit": limit, "value": value}),
        Field::Flag { get, .. } => json!({"kind": "flag", "value": get(config)}),
        Field::Choice { options, .. } => {
            json!({"kind": "choice", "options": options(config), "value": value})
        }
        Field::Seed { .. } => json!({"kind": "seed", "value": value}),
        Field::Custom { control, .. } | Field::List { control, .. } => control(config),
    }
}

#[cfg(test)]
mod tests;
