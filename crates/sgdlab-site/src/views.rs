//! The view pages and the embed page, one per widget of the registry: thin
//! shells around one `<sgdlab-widget>` that `js/page.js` keeps in step with
//! the URL hash. Adding a widget to the registry adds its page and its tab.

use crate::html::{attr, escape};
use crate::page::{Current, Tab, site_nav};
use sgdlab_web::WidgetEntry;

fn head(title: &str, description: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<meta name=\"description\"{}>\n\
         <link rel=\"icon\" href=\"data:,\">\n<link rel=\"stylesheet\" href=\"css/style.css\">\n\
         <link rel=\"modulepreload\" href=\"sgdlab-web.js\">\n\
         <script type=\"module\" src=\"js/page.js\"></script>\n</head>\n",
        escape(title),
        attr("content", description)
    )
}

const BUG_BANNER: &str = "<div id=\"bug-banner\" class=\"bug-banner\" role=\"alert\" hidden>\
    <strong>sgdlab hit an internal error.</strong> <span id=\"bug-text\"></span> \
    Reloading the page usually helps; the link keeps your settings.</div>\n";

/// The full page of one widget, with the site header.
pub fn view_page(entry: &WidgetEntry, tabs: &[Tab]) -> String {
    let mut html = head(&format!("sgdlab: {}", entry.title), entry.summary);
    html.push_str(&format!(
        "<body data-page=\"view\"{}>\n<a class=\"skip-link\" href=\"#widget\">Skip to the widget</a>\n{BUG_BANNER}",
        attr("data-view", entry.name)
    ));
    html.push_str(&format!(
        "<header class=\"site-header\">\n<a class=\"brand\" href=\"index.html\">sgdlab</a>\n{}\
         <div class=\"share\" role=\"group\" aria-label=\"Share\">\n\
         <button type=\"button\" id=\"copy-link\">Copy link</button>\n\
         <button type=\"button\" id=\"copy-embed\">Copy embed code</button>\n\
         <details class=\"embed-options\"><summary>Embed options</summary>\n\
         <label><input type=\"checkbox\" id=\"embed-autoplay\" checked> Autoplay</label>\n\
         <fieldset><legend>Hide in the embed</legend><div id=\"embed-hide\" class=\"embed-hide\"></div></fieldset>\n\
         </details>\n</div>\n</header>\n",
        site_nav(tabs, Current::Page(entry.page), "")
    ));
    html.push_str(&format!(
        "<p id=\"messages\" class=\"messages\" role=\"status\" aria-live=\"polite\"></p>\n\
         <textarea id=\"share-fallback\" class=\"share-fallback\" readonly hidden aria-label=\"Text to copy\"></textarea>\n\
         <main class=\"view-page\" id=\"widget\">\n<h1 class=\"view-title\">{}</h1>\n<p class=\"view-summary\">{}</p>\n\
         <sgdlab-widget{} controls=\"full\"></sgdlab-widget>\n\
         <noscript><p>This widget needs JavaScript and WebAssembly.</p></noscript>\n</main>\n</body>\n</html>\n",
        escape(entry.title),
        escape(entry.summary),
        attr("view", entry.name)
    ));
    html
}

/// `embed.html#view=NAME&LINK`: any widget with minimal chrome, filling its
/// frame, for slides.
pub fn embed_page() -> String {
    let mut html = head("sgdlab widget", "An sgdlab widget for slides and pages.");
    html.push_str("<body data-page=\"embed\" class=\"page-embed\">\n");
    html.push_str(BUG_BANNER);
    html.push_str(
        "<main class=\"embed\"><sgdlab-widget controls=\"minimal\"></sgdlab-widget></main>\n\
         <p class=\"embed-foot\"><span id=\"messages\" role=\"status\" aria-live=\"polite\"></span> \
         <a id=\"open-full\" href=\"index.html\" target=\"_blank\" rel=\"noopener\">open in sgdlab</a></p>\n\
         </body>\n</html>\n",
    );
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::{header_tabs, view_tabs};
    use sgdlab_web::REGISTRY;

    #[test]
    fn every_widget_gets_a_page_with_its_tab_marked() {
        let tabs = header_tabs(&view_tabs());
        for entry in REGISTRY {
            let page = view_page(entry, &tabs);
            assert!(
                page.contains(&format!(
                    "<sgdlab-widget view=\"{}\" controls=\"full\">",
                    entry.name
                )),
                "{page}"
            );
            assert!(
                page.contains(&format!(
                    "<a href=\"{}\" aria-current=\"page\">{}</a>",
                    entry.page, entry.title
                )),
                "{page}"
            );
            assert!(page.contains("<a href=\"lessons/index.html\">Lessons</a>"));
            for other in REGISTRY {
                assert!(page.contains(&format!("href=\"{}\"", other.page)));
            }
        }
        assert!(embed_page().contains("<sgdlab-widget controls=\"minimal\">"));
    }
}
