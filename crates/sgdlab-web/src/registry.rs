//! The one list of widgets. Adding a view is one module in
//! [`crate::widgets`] and one line here: the CLI's `sgdlab list views` and
//! `sgdlab link`, the site's navigation and pages, and the `<sgdlab-widget>`
//! element all read this table.

use crate::widget::Widget;
use crate::widgets;
use serde::Serialize;
use serde_json::{Value, json};
use sgdlab_core::link::{FieldError, shorten};

/// How the registry opens a widget from a link: the widget, and what was
/// wrong with the link.
pub type Open = fn(&str) -> (Box<dyn Widget>, Vec<FieldError>);

/// A widget as the registry lists it.
#[derive(Clone, Copy, Serialize)]
pub struct WidgetEntry {
    /// What `view=` and the element's `view` attribute name it.
    pub name: &'static str,
    /// The tab title.
    pub title: &'static str,
    /// One line on what it shows.
    pub summary: &'static str,
    /// The page of the site that shows it full size.
    pub page: &'static str,
    /// The widget a link describes (read on top of its defaults); bad
    /// parts of the link are reported and keep the defaults.
    #[serde(skip)]
    pub open: Open,
}

/// Every widget, in the order the site's tabs show them.
pub const REGISTRY: &[WidgetEntry] = &[
    widgets::landscape::ENTRY,
    widgets::stochastic::ENTRY,
    widgets::training::ENTRY,
    widgets::online_convex::ENTRY,
    widgets::generalisation::ENTRY,
    widgets::data_parallel::ENTRY,
    widgets::implicit_reg::ENTRY,
    widgets::bias_variance::ENTRY,
    widgets::mode_connectivity::ENTRY,
];

/// The widget called `name`.
pub fn entry(name: &str) -> Result<&'static WidgetEntry, String> {
    REGISTRY.iter().find(|e| e.name == name).ok_or_else(|| {
        let names: Vec<&str> = REGISTRY.iter().map(|e| e.name).collect();
        format!(
            "unknown view `{}`; allowed: {}",
            shorten(name),
            names.join(", ")
        )
    })
}

/// A page link (a whole URL, or the part after `#`) split into its view
/// and the rest of the link. The view is `view=` when the link has it,
/// else the widget whose page a whole URL names (`…/stochastic.html#…`),
/// else the landscape.
pub fn split_view(link: &str) -> (String, String) {
    let (address, hash) = match link.split_once('#') {
        Some((address, hash)) => (address, hash),
        None if link.contains("://") => (link, ""),
        None => ("", link),
    };
    let page = address
        .split('?')
        .next()
        .and_then(|path| path.rsplit('/').next())
        .unwrap_or("");
    let by_page = REGISTRY.iter().find(|e| !page.is_empty() && e.page == page);
    let mut view = by_page.unwrap_or(&REGISTRY[0]).name.to_string();
    let mut rest = Vec::new();
    for part in hash.split('&').filter(|p| !p.is_empty()) {
        match part.strip_prefix("view=") {
            Some(name) => view = name.to_string(),
            None => rest.push(part),
        }
    }
    (view, rest.join("&"))
}

/// Opens the widget a page link describes: its view, and the widget with
/// the link's errors.
pub fn open_link(link: &str) -> Result<(Box<dyn Widget>, Vec<FieldError>), FieldError> {
    let (view, rest) = split_view(link);
    let entry = entry(&view).map_err(|message| FieldError::new("view", message))?;
    Ok((entry.open)(&rest))
}

/// The registry as JSON, for pages.
pub fn to_json() -> Value {
    json!(REGISTRY)
}

#[cfg(test)]
mod tests {
    use super::split_view;

    #[test]
    fn a_link_names_its_view_by_view_or_by_its_page() {
        let split = |link: &str| split_view(link);
        assert_eq!(
            split("s=booth&speed=3"),
            ("landscape".into(), "s=booth&speed=3".into())
        );
        assert_eq!(
            split("view=training&d=xor"),
            ("training".into(), "d=xor".into())
        );
        assert_eq!(
            split("https://x.org/sgdlab/stochastic.html#m=logistic&b=5"),
            ("stochastic".into(), "m=logistic&b=5".into())
        );
        assert_eq!(
            split("http://127.0.0.1:8080/training.html?x=1#d=moons").0,
            "training"
        );
        assert_eq!(split("https://x.org/training.html").0, "training");
        // view= wins over the page; embed.html and index.html name no other view.
        assert_eq!(
            split("https://x.org/index.html#view=stochastic&n=50").0,
            "stochastic"
        );
        assert_eq!(split("https://x.org/embed.html#d=moons").0, "landscape");
        assert_eq!(split("https://x.org/#s=booth").0, "landscape");
    }
}
