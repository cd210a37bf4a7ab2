//! The HTML pieces a lesson body is made of: widget figures, try buttons,
//! inline Markdown for captions and references, and the URL check.

use crate::html::{attr, escape};
use crate::lesson::{TryButton, markdown_options};
use crate::math::{Display, MathRenderer};
use crate::widget::WidgetBlock;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// URL schemes a lesson may link to; relative links and `#anchors` are
/// always allowed, and `try:` makes a button.
pub const URL_SCHEMES: &[&str] = &["http", "https", "mailto"];

/// Accepts relative links, `#anchors` and [`URL_SCHEMES`]; refuses the
/// rest (`javascript:`, `data:`, …).
pub fn check_url(dest: &str) -> Result<(), String> {
    let Some(end) = dest.find([':', '/', '?', '#']) else {
        return Ok(());
    };
    if !dest[end..].starts_with(':') {
        return Ok(());
    }
    let scheme = dest[..end].to_ascii_lowercase();
    if URL_SCHEMES.contains(&scheme.as_str()) {
        Ok(())
    } else {
        Err(format!(
            "links may use {} or a relative address, not `{}:`",
            URL_SCHEMES.join(", "),
            crate::front_matter::shorten(&scheme)
        ))
    }
}

/// The page address of a link: a relative link to another lesson's file,
/// `NN-slug.md` (with or without an `#anchor`), becomes its page,
/// `NN-slug.html`, so the source reads as Markdown on GitHub and the link
/// works on the site. Every other address is kept as it is.
pub fn page_url(dest: &str) -> String {
    let (file, anchor) = dest
        .split_once('#')
        .map_or((dest, None), |(f, a)| (f, Some(a)));
    let is_lesson =
        !file.contains('/') && crate::lesson::file_name_parts(std::path::Path::new(file)).is_ok();
    match (is_lesson, anchor) {
        (false, _) => dest.to_string(),
        (true, None) => format!("{}.html", file.trim_end_matches(".md")),
        (true, Some(anchor)) => format!("{}.html#{anchor}", file.trim_end_matches(".md")),
    }
}

/// One line of inline Markdown (a caption, a reference) as HTML, with the
/// maths as MathML. Blocks, raw HTML and try buttons are refused.
pub fn inline_markdown(text: &str, maths: &MathRenderer) -> Result<String, String> {
    let mut events = Vec::new();
    let mut paragraphs = 0;
    for event in Parser::new_ext(text, markdown_options()) {
        match event {
            Event::Start(Tag::Paragraph) => paragraphs += 1,
            Event::End(TagEnd::Paragraph) => {}
            Event::Start(Tag::Link { ref dest_url, .. }) if dest_url.starts_with("try:") => {
                return Err(
                    "try buttons go in the lesson's prose, not in a caption or a reference".into(),
                );
            }
            Event::Start(Tag::Link { ref dest_url, .. } | Tag::Image { ref dest_url, .. }) => {
                check_url(dest_url)?;
                events.push(event);
            }
            Event::Start(
                Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript,
            )
            | Event::End(_)
            | Event::Text(_)
            | Event::Code(_)
            | Event::SoftBreak
            | Event::HardBreak => events.push(event),
            Event::InlineMath(tex) => events.push(Event::InlineHtml(
                maths.render(&tex, Display::Inline)?.into(),
            )),
            Event::DisplayMath(tex) => events.push(Event::InlineHtml(
                maths.render(&tex, Display::Block)?.into(),
            )),
            Event::Html(_) | Event::InlineHtml(_) => {
                return Err("raw HTML is not allowed here".into());
            }
            _ => {
                return Err(
                    "only inline Markdown (text, emphasis, code, maths, links) is allowed here"
                        .into(),
                );
            }
        }
    }
    if paragraphs > 1 {
        return Err("only one paragraph is allowed here".into());
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    Ok(html)
}

/// `<button … data-try=ID data-link=LINK>`; the label and `</button>` follow.
pub fn try_button_open(button: &TryButton) -> String {
    format!(
        "<button type=\"button\" class=\"try\"{}{}>",
        attr("data-try", &button.widget),
        attr("data-link", &button.link)
    )
}

/// The attributes of a widget's `<sgdlab-widget>` element after `view`
/// and `link`: controls, hide, autoplay.
fn element_options(widget: &WidgetBlock) -> String {
    let mut out = attr("controls", widget.controls.as_str());
    if !widget.hide.is_empty() {
        out.push_str(&attr("hide", &widget.hide.join(",")));
    }
    if widget.autoplay {
        out.push_str(" autoplay");
    }
    out
}

/// The snippet that mounts this widget on any page, with `{site}` (the
/// site's root URL) and `{link}` (the link, escaped for an attribute) left
/// for the page to fill in.
pub fn element_snippet_template(widget: &WidgetBlock) -> String {
    format!(
        "<script type=\"module\" src=\"{{site}}sgdlab-widget.js\"></script>\n\
         <sgdlab-widget{} link=\"{{link}}\"{}></sgdlab-widget>",
        attr("view", &widget.view),
        element_options(widget)
    )
}

/// The iframe snippet for slides, with `{site}` and `{link}` as above.
pub fn iframe_snippet_template(widget: &WidgetBlock) -> String {
    format!(
        "<iframe src=\"{{site}}embed.html#view={}&amp;{{link}}\" width=\"960\" height=\"540\" \
         style=\"border:0\" loading=\"lazy\"{}></iframe>",
        escape(&widget.view),
        attr("title", &format!("sgdlab: {}", widget.view))
    )
}

/// A snippet template with the site root and the link filled in.
pub fn fill_snippet(template: &str, site: &str, link: &str) -> String {
    template
        .replace("{site}", site)
        .replace("{link}", &escape(link))
}

/// A widget block as the page shows it: the live element, its caption, a
/// note for print, and its toolbar (reset, embed code).
pub fn widget_figure(widget: &WidgetBlock, caption_html: Option<&str>) -> String {
    let element = element_snippet_template(widget);
    let iframe = iframe_snippet_template(widget);
    let caption = caption_html
        .map(|c| format!("<figcaption>{c}</figcaption>\n"))
        .unwrap_or_default();
    let snippet = |label: &str, template: &str| {
        format!(
            "<label class=\"embed-snippet\">{label}<textarea readonly rows=\"3\" spellcheck=\"false\"{}>{}</textarea></label>\n\
             <button type=\"button\" class=\"copy-embed\">Copy</button>\n",
            attr("data-template", template),
            escape(&fill_snippet(template, "../", &widget.link))
        )
    };
    format!(
        "<figure class=\"lesson-widget\"{data_widget}{data_link}>\n\
         <sgdlab-widget{id}{view}{link}{options}></sgdlab-widget>\n\
         <p class=\"widget-print-note\">Live widget ({view_text}): open this lesson in a browser to run it.</p>\n\
         {caption}\
         <div class=\"widget-toolbar\">\n\
         <button type=\"button\" class=\"widget-reset\"{data_reset}>Reset</button>\n\
         <details class=\"embed-code\"><summary>Copy embed code</summary>\n<div class=\"embed-code-body\">\n\
         {element_snippet}{iframe_snippet}</div>\n</details>\n</div>\n</figure>\n",
        data_widget = attr("data-widget", &widget.id),
        data_link = attr("data-link", &widget.link),
        id = attr("id", &widget.id),
        view = attr("view", &widget.view),
        link = attr("link", &widget.link),
        options = element_options(widget),
        view_text = escape(&widget.view),
        data_reset = attr("data-reset", &widget.id),
        element_snippet = snippet("As an element, on any page", &element),
        iframe_snippet = snippet("As an iframe, in slides", &iframe),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widget::Controls;

    #[test]
    fn refuses_script_urls_and_keeps_ordinary_ones() {
        for ok in [
            "https://distill.pub/2017/momentum/",
            "03-conditioning.html#top",
            "#references",
            "mailto:a@b.c",
            "../index.html",
        ] {
            assert_eq!(check_url(ok), Ok(()), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,x",
            "vbscript:x",
        ] {
            assert!(
                check_url(bad)
                    .unwrap_err()
                    .starts_with("links may use http, https, mailto"),
                "{bad}"
            );
        }
    }

    #[test]
    fn links_to_lesson_files_become_their_pages() {
        assert_eq!(page_url("08-batch-size.md"), "08-batch-size.html");
        assert_eq!(
            page_url("04-momentum.md#nesterov"),
            "04-momentum.html#nesterov"
        );
        for kept in [
            "03-conditioning.html#top",
            "notes.md",
            "../README.md",
            "https://example.org/04-momentum.md",
            "#references",
        ] {
            assert_eq!(page_url(kept), kept);
        }
    }

    #[test]
    fn inline_markdown_renders_maths_and_refuses_blocks_and_html() {
        let maths = MathRenderer::default();
        let html = inline_markdown("With $\\gamma = 0.9$ and *η*", &maths).unwrap();
        assert!(
            html.contains("<math>") && html.contains("<em>η</em>") && !html.contains("<p>"),
            "{html}"
        );
        assert!(inline_markdown("a <b>bold</b>", &maths).is_err());
        assert!(inline_markdown("# heading", &maths).is_err());
        assert!(inline_markdown("[x](try:w#s=booth)", &maths).is_err());
    }

    #[test]
    fn hostile_widget_text_stays_inside_its_attributes() {
        let widget = WidgetBlock {
            id: "w".into(),
            view: "landscape".into(),
            link: "s=booth\"><script>alert(1)</script>".into(),
            controls: Controls::Full,
            hide: vec!["racers".into()],
            autoplay: true,
            caption: None,
            line: 1,
        };
        let html = widget_figure(&widget, None);
        assert!(!html.contains("<script>alert"), "{html}");
        assert!(
            html.contains("link=\"s=booth&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""),
            "{html}"
        );
        assert!(
            html.contains("controls=\"full\" hide=\"racers\" autoplay>"),
            "{html}"
        );
    }

    #[test]
    fn snippets_hold_the_link_escaped_for_an_attribute() {
        let widget = WidgetBlock {
            id: "w".into(),
            view: "landscape".into(),
            link: "s=booth&o=adam".into(),
            controls: Controls::Minimal,
            hide: vec![],
            autoplay: false,
            caption: None,
            line: 1,
        };
        let element = fill_snippet(
            &element_snippet_template(&widget),
            "https://x.org/sgdlab/",
            &widget.link,
        );
        assert_eq!(
            element,
            "<script type=\"module\" src=\"https://x.org/sgdlab/sgdlab-widget.js\"></script>\n\
             <sgdlab-widget view=\"landscape\" link=\"s=booth&amp;o=adam\" controls=\"minimal\"></sgdlab-widget>"
        );
        let iframe = fill_snippet(&iframe_snippet_template(&widget), "../", &widget.link);
        assert!(
            iframe
                .starts_with("<iframe src=\"../embed.html#view=landscape&amp;s=booth&amp;o=adam\""),
            "{iframe}"
        );
    }
}
