//! Whole pages: the site header with its tabs, a lesson page, the index.

use crate::course::Course;
use crate::html::{attr, escape};
use crate::lesson::Lesson;

/// The maths font the lesson pages preload (in `fonts/`, named by lesson.css).
pub const MATH_FONT: &str = "NotoSansMath-Regular.woff2";

/// A header tab: its address from the site root, and its label.
pub type Tab<'a> = (&'a str, &'a str);

/// The view pages, in the registry's order.
pub fn view_tabs() -> Vec<Tab<'static>> {
    sgdlab_web::REGISTRY
        .iter()
        .map(|entry| (entry.page, entry.title))
        .collect()
}

/// The course's tab, beside the views.
pub const LESSONS_TAB: Tab<'static> = ("lessons/index.html", "Lessons");

/// The header tabs: the view pages, then the lessons.
pub fn header_tabs(views: &[Tab<'static>]) -> Vec<Tab<'static>> {
    views.iter().copied().chain([LESSONS_TAB]).collect()
}

/// Which tab is marked as the current one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Current<'a> {
    /// The page is the tab's own page (`aria-current="page"`).
    Page(&'a str),
    /// The page belongs to the tab's section (`aria-current="true"`).
    Section(&'a str),
}

/// The header's `<nav>` of tabs. `root` leads from the page to the site
/// root (`"../"` for pages in `lessons/`).
pub fn site_nav(tabs: &[Tab], current: Current, root: &str) -> String {
    let mut html = String::from("<nav class=\"views\" aria-label=\"Views\">\n");
    for (href, label) in tabs {
        let marker = match current {
            Current::Page(page) if page == *href => " aria-current=\"page\"",
            Current::Section(page) if page == *href => " aria-current=\"true\"",
            _ => "",
        };
        html.push_str(&format!(
            "<a{}{marker}>{}</a>\n",
            attr("href", &format!("{root}{href}")),
            escape(label)
        ));
    }
    html.push_str("</nav>\n");
    html
}

fn head(title: &str, description: &str, scripts: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<meta name=\"description\"{}>\n<meta name=\"color-scheme\" content=\"light\">\n\
         <link rel=\"icon\" href=\"data:,\">\n<link rel=\"stylesheet\" href=\"../css/style.css\">\n\
         <link rel=\"stylesheet\" href=\"../css/lesson.css\">\n{scripts}</head>\n",
        escape(title),
        attr("content", description)
    )
}

fn header(tabs: &[Tab], current: Current, share: bool) -> String {
    let share = if share {
        "<div class=\"share\" role=\"group\" aria-label=\"Share\">\n\
         <button type=\"button\" id=\"copy-link\">Copy link</button>\n\
         <input id=\"copy-link-fallback\" readonly hidden aria-label=\"Link to this page with your widget settings\">\n\
         <span id=\"copy-link-status\" class=\"copy-status\" role=\"status\" aria-live=\"polite\"></span>\n</div>\n"
    } else {
        ""
    };
    format!(
        "<header class=\"site-header\">\n<p class=\"site-name\"><a href=\"../index.html\">sgdlab</a> \
         <span class=\"tagline\">a course in stochastic optimization</span></p>\n{}{share}</header>\n",
        site_nav(tabs, current, "../")
    )
}

/// `4. Momentum`
fn numbered_title(lesson: &Lesson) -> String {
    format!("{}. {}", lesson.number, lesson.front.title)
}

fn pager_link(lesson: Option<&Lesson>, rel: &str, word: &str) -> String {
    match lesson {
        Some(lesson) => format!(
            "<a class=\"pager-{rel}\" rel=\"{rel}\"{}><span class=\"pager-word\">{word}</span> {}</a>\n",
            attr("href", &lesson.html_name()),
            escape(&numbered_title(lesson))
        ),
        None => format!("<span class=\"pager-{rel}\" aria-hidden=\"true\"></span>\n"),
    }
}

/// The page of lesson `index` of `course`.
pub fn lesson_page(course: &Course, index: usize, tabs: &[Tab]) -> String {
    let lessons = course.lessons();
    let lesson = &lessons[index];
    let front = &lesson.front;
    let scripts = format!(
        "<link rel=\"preload\" href=\"../fonts/{MATH_FONT}\" as=\"font\" type=\"font/woff2\" crossorigin>\n\
         <script type=\"module\" src=\"../sgdlab-widget.js\"></script>\n\
         <script type=\"module\" src=\"../js/lesson.js\"></script>\n"
    );
    let mut html = head(
        &format!("{} · sgdlab", numbered_title(lesson)),
        &front.summary,
        &scripts,
    );
    html.push_str("<body class=\"page-lesson\">\n<a class=\"skip-link\" href=\"#lesson\">Skip to the lesson</a>\n");
    html.push_str(&header(tabs, Current::Section(LESSONS_TAB.0), true));
    html.push_str("<div class=\"lesson-layout\">\n<nav class=\"toc\" id=\"toc\" aria-label=\"Contents of this lesson\">\n");
    html.push_str("<p class=\"toc-title\">Contents</p>\n<ol>\n");
    for section in lesson.sections() {
        html.push_str(&format!(
            "<li><a{}>{}</a></li>\n",
            attr("href", &format!("#{}", section.id)),
            section.title_html
        ));
    }
    html.push_str("<li><a href=\"#sources\">Sources</a></li>\n</ol>\n</nav>\n");
    html.push_str(
        "<main id=\"lesson\" class=\"lesson\">\n<article>\n<header class=\"lesson-head\">\n",
    );
    html.push_str(&format!(
        "<p class=\"lesson-kicker\">Lesson {}</p>\n<h1>{}</h1>\n<p class=\"lesson-summary\">{}</p>\n</header>\n",
        lesson.number,
        escape(&front.title),
        escape(&front.summary)
    ));
    html.push_str(lesson.body_html());
    html.push_str("<section class=\"sources\" id=\"sources\">\n<h2>Sources</h2>\n");
    if !lesson.references_html().is_empty() {
        html.push_str("<ol class=\"references\">\n");
        for reference in lesson.references_html() {
            html.push_str(&format!("<li>{reference}</li>\n"));
        }
        html.push_str("</ol>\n");
    }
    html.push_str("<p class=\"seeds\">Course notes drawn on:</p>\n<ul class=\"seeds\">\n");
    for seed in &front.seeds {
        html.push_str(&format!("<li>{}</li>\n", escape(seed)));
    }
    html.push_str("</ul>\n</section>\n</article>\n");
    html.push_str("<nav class=\"lesson-pager\" aria-label=\"Previous and next lesson\">\n");
    html.push_str(&pager_link(
        index.checked_sub(1).and_then(|i| lessons.get(i)),
        "prev",
        "Previous",
    ));
    html.push_str("<a class=\"pager-index\" href=\"index.html\">All lessons</a>\n");
    html.push_str(&pager_link(lessons.get(index + 1), "next", "Next"));
    html.push_str("</nav>\n</main>\n</div>\n</body>\n</html>\n");
    html
}

/// `lessons/index.html`: every lesson in order, with its summary.
pub fn index_page(course: &Course, tabs: &[Tab]) -> String {
    let mut html = head(
        "Lessons · sgdlab",
        "A course in stochastic optimization: short lessons, each with live widgets.",
        "",
    );
    html.push_str("<body class=\"page-lessons\">\n<a class=\"skip-link\" href=\"#lesson\">Skip to the lessons</a>\n");
    html.push_str(&header(tabs, Current::Page(LESSONS_TAB.0), false));
    html.push_str(
        "<main id=\"lesson\" class=\"lesson lesson-index\">\n<h1>Lessons</h1>\n\
         <p class=\"lesson-summary\">Each lesson is a short page of prose and maths around live widgets. \
         Press a \u{201c}try\u{201d} button to set a widget to the state the text talks about, change \
         anything you like, and copy the link to share exactly what you see.</p>\n<ol class=\"lesson-list\">\n",
    );
    for lesson in course.lessons() {
        html.push_str(&format!(
            "<li{}><a{}><span class=\"lesson-number\">{}</span> {}</a>\n<p>{}</p></li>\n",
            attr("value", &lesson.number.to_string()),
            attr("href", &lesson.html_name()),
            lesson.number,
            escape(&lesson.front.title),
            escape(&lesson.front.summary)
        ));
    }
    html.push_str("</ol>\n</main>\n</body>\n</html>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_come_from_the_list_with_the_current_one_marked() {
        let tabs = header_tabs(&view_tabs());
        let nav = site_nav(&tabs, Current::Section("lessons/index.html"), "../");
        assert!(
            nav.contains("<a href=\"../index.html\">Landscape</a>"),
            "{nav}"
        );
        assert!(
            nav.contains("<a href=\"../training.html\">Training</a>"),
            "{nav}"
        );
        assert!(
            nav.contains("<a href=\"../lessons/index.html\" aria-current=\"true\">Lessons</a>"),
            "{nav}"
        );
        let other = site_nav(&[("a\"b.html", "<x>")], Current::Page("none"), "");
        assert_eq!(
            other,
            "<nav class=\"views\" aria-label=\"Views\">\n<a href=\"a&quot;b.html\">&lt;x&gt;</a>\n</nav>\n"
        );
    }
}
