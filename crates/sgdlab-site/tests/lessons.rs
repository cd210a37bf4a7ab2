//! The lesson format end to end: parsing, rendering, escaping, errors with
//! file:line, link checks, the course order and the pages.

use sgdlab_site::math::MathRenderer;
use sgdlab_site::{Controls, Course, Lesson, LessonErrors, links, page, site};
use std::path::{Path, PathBuf};

const SAMPLE: &str = r#"---
title: Sample
summary: A lesson that uses every part of the format.
seeds:
  - seeds/001
references:
  - 'Polyak (1964), $O(\kappa)$, [a link](https://example.org/)'
---

## The bowl

Plain prose with $\eta\lambda < 2$ and a display:

$$
\begin{aligned} u_t &= \gamma u_{t-1} + \eta g_t \\ w_{t+1} &= w_t - u_t \end{aligned}
$$

```widget
id: bowl
view: landscape
link: s=quadratic&p=a:4,b:1
      &o=sgd,lr:0.1
controls: full
hide: racers
autoplay: true
caption: The bowl $a x^2 + b y^2$.
```

[Try a steeper bowl][steep], or [go back](try:bowl).

[steep]: try:bowl#s=quadratic&p=a:10,b:1&o=sgd,lr:0.1

## Questions

> **Question 1.** Is $\gamma = 0.9$ faster?
>
> **Answer.** Not here: [see it][q1].
>
> It overshoots.

[q1]: try:bowl#s=quadratic&o=sgd,lr:0.1,momentum:0.9

> An ordinary quotation.
"#;

fn parse(text: &str) -> Result<Lesson, LessonErrors> {
    Lesson::parse(
        Path::new("www/lessons/03-sample.md"),
        text,
        &MathRenderer::default(),
    )
}

fn errors(text: &str) -> String {
    parse(text).unwrap_err().to_string()
}

/// SAMPLE with `from` replaced by `to` (which must occur).
fn sample_with(from: &str, to: &str) -> String {
    assert!(SAMPLE.contains(from), "{from}");
    SAMPLE.replacen(from, to, 1)
}

#[test]
fn reads_front_matter_widgets_tries_questions_and_sections() {
    let lesson = parse(SAMPLE).unwrap();
    assert_eq!((lesson.number, lesson.slug.as_str()), (3, "sample"));
    assert_eq!(lesson.front.title, "Sample");
    assert_eq!(lesson.front.seeds, ["seeds/001"]);
    let bowl = lesson.widget("bowl").unwrap();
    assert_eq!(bowl.view, "landscape");
    assert_eq!(bowl.link, "s=quadratic&p=a:4,b:1&o=sgd,lr:0.1");
    assert_eq!(
        (bowl.controls, bowl.autoplay, bowl.line),
        (Controls::Full, true, 18)
    );
    assert_eq!(bowl.hide, ["racers"]);
    assert!(lesson.widget("nope").is_none());

    let tries: Vec<(&str, &str, usize)> = lesson
        .tries()
        .iter()
        .map(|t| (t.label.as_str(), t.link.as_str(), t.line))
        .collect();
    assert_eq!(
        tries,
        [
            (
                "Try a steeper bowl",
                "s=quadratic&p=a:10,b:1&o=sgd,lr:0.1",
                29
            ),
            ("go back", "s=quadratic&p=a:4,b:1&o=sgd,lr:0.1", 29),
            ("see it", "s=quadratic&o=sgd,lr:0.1,momentum:0.9", 37),
        ]
    );
    assert_eq!(lesson.tries_for("bowl").count(), 3);
    assert_eq!(lesson.try_button("see it").unwrap().question, Some(1));

    let [question] = lesson.questions() else {
        panic!("one question")
    };
    assert_eq!(
        (question.number, question.id.as_str(), question.line),
        (1, "question-1", 35)
    );
    assert_eq!(question.prompt, "Question 1. Is $\\gamma = 0.9$ faster?");
    assert_eq!(question.answer, "Not here: see it. It overshoots.");
    assert_eq!(question.answer_tries.len(), 1);
    assert_eq!(question.answer_tries[0].label, "see it");

    let sections: Vec<(&str, &str)> = lesson
        .sections()
        .iter()
        .map(|s| (s.id.as_str(), s.title.as_str()))
        .collect();
    assert_eq!(
        sections,
        [("the-bowl", "The bowl"), ("questions", "Questions")]
    );
}

#[test]
fn renders_maths_as_mathml_and_the_parts_as_html() {
    let lesson = parse(SAMPLE).unwrap();
    let html = lesson.body_html();
    assert!(!html.contains('$'), "every maths span is converted: {html}");
    assert_eq!(html.matches("<math").count(), 4, "{html}");
    assert!(
        html.contains("<math display=\"block\"><mtable"),
        "aligned becomes a table: {html}"
    );
    assert!(html.contains("<h2 id=\"the-bowl\">The bowl</h2>"), "{html}");
    assert!(html.contains(
        "<figure class=\"lesson-widget\" data-widget=\"bowl\" data-link=\"s=quadratic&amp;p=a:4,b:1&amp;o=sgd,lr:0.1\">"
    ));
    assert!(html.contains(
        "<sgdlab-widget id=\"bowl\" view=\"landscape\" link=\"s=quadratic&amp;p=a:4,b:1&amp;o=sgd,lr:0.1\" \
         controls=\"full\" hide=\"racers\" autoplay></sgdlab-widget>"
    ));
    assert!(html.contains("<figcaption>The bowl <math>"), "{html}");
    assert!(html.contains(
        "<button type=\"button\" class=\"try\" data-try=\"bowl\" data-link=\"s=quadratic&amp;p=a:10,b:1&amp;o=sgd,lr:0.1\">\
         Try a steeper bowl</button>"
    ));
    assert!(
        html.contains("<section class=\"question\" id=\"question-1\">"),
        "{html}"
    );
    assert!(
        html.contains("<details class=\"answer\"><summary>Answer</summary>\n<p>Not here: <button"),
        "{html}"
    );
    assert!(
        html.contains("<blockquote>\n<p>An ordinary quotation.</p>\n</blockquote>"),
        "{html}"
    );
    assert!(
        lesson.references_html()[0].contains("<math>")
            && lesson.references_html()[0].contains("href=\"https://example.org/\"")
    );
}

#[test]
fn hostile_text_is_escaped_everywhere() {
    let hostile = "\"><script>alert(1)</script>";
    let text = sample_with(
        "&o=sgd,lr:0.1\ncontrols",
        &format!("&o=sgd,lr:0.1{hostile}\ncontrols"),
    );
    let text = text.replacen("caption: The bowl", "caption: The \"bowl\" & <3", 1);
    let text = text.replacen(
        "[steep]: try:bowl#s=quadratic",
        "[steep]: try:bowl#s=quadratic\"><img>",
        1,
    );
    let text = text.replacen("## The bowl", "## The bowl & \"friends\" <3", 1);
    let lesson = parse(&text).unwrap_or_else(|e| panic!("{e}"));
    let html = lesson.body_html();
    assert!(
        !html.contains("<script") && !html.contains("<img"),
        "{html}"
    );
    assert!(
        html.contains("lr:0.1&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""),
        "{html}"
    );
    assert!(
        html.contains("data-link=\"s=quadratic&quot;&gt;&lt;img&gt;&amp;p=a:10"),
        "{html}"
    );
    assert!(
        html.contains("The bowl &amp; \"friends\" &lt;3</h2>"),
        "{html}"
    );
    assert!(
        html.contains("<figcaption>The \"bowl\" &amp; &lt;3 <math>"),
        "{html}"
    );
    let dir = temp_dir("hostile");
    std::fs::write(dir.join("03-sample.md"), &text).unwrap();
    let course = Course::load(&dir).unwrap();
    let page = page::lesson_page(&course, 0, &page::header_tabs(&page::view_tabs()));
    assert!(
        !page.contains("<script>alert") && !page.contains("<img"),
        "{page}"
    );

    // Markup written as text is refused, in the prose and in a caption.
    let found = errors(&sample_with(
        "caption: The bowl",
        &format!("caption: The bowl {hostile}"),
    ));
    assert!(
        found.contains("03-sample.md:18: caption: raw HTML is not allowed here"),
        "{found}"
    );
    let found = errors(&sample_with(
        "Plain prose",
        &format!("Plain {hostile} prose"),
    ));
    assert!(
        found.contains("03-sample.md:12: raw HTML (`<script>`) is not allowed in a lesson"),
        "{found}"
    );
}

#[test]
fn every_bad_input_is_reported_at_its_line() {
    let cases = [
        (
            sample_with("controls: full", "contrls: full"),
            "03-sample.md:23: unknown widget key `contrls`; allowed: id, view, link",
        ),
        (
            sample_with("controls: full", "controls: most"),
            "03-sample.md:23: controls must be one of full, minimal, none, not `most`",
        ),
        (
            sample_with("[steep]: try:bowl#", "[steep]: try:bowel#"),
            "03-sample.md:29: the try button `Try a steeper bowl` names widget `bowel`, but this lesson has no widget with that id (its widgets: bowl)",
        ),
        (
            sample_with("a display:", "a display: $\\frac{1}$"),
            "03-sample.md:12: the maths `\\frac{1}` does not parse",
        ),
        (
            sample_with("## Questions", "## Questions\n\nSome <b>bold</b> text."),
            "03-sample.md:35: raw HTML (`<b>`) is not allowed in a lesson",
        ),
        (
            sample_with("## Questions", "## Questions\n\n<div>\nblock\n</div>"),
            "03-sample.md:35: raw HTML (`<div>`) is not allowed",
        ),
        (
            sample_with("## Questions", "## Questions\n\n[x](javascript:alert(1))"),
            "03-sample.md:35: links may use http, https, mailto or a relative address, not `javascript:`",
        ),
        (
            sample_with(
                "> **Answer.** Not here: [see it][q1].\n>\n> It overshoots.",
                "> No answer here.",
            ),
            "03-sample.md:35: this question has no answer",
        ),
        (
            sample_with("## The bowl", "# The bowl"),
            "03-sample.md:10: the title comes from the front matter",
        ),
        (
            sample_with("## Questions", "## Bowl"),
            "03-sample.md:33: the heading's id `bowl` is taken by a widget or by the page",
        ),
        (
            sample_with("title: Sample", "title: Sample\ncolour: red"),
            "03-sample.md:3: unknown front matter key `colour`",
        ),
    ];
    for (text, expected) in cases {
        let found = errors(&text);
        assert!(
            found.contains(expected),
            "expected `{expected}` in:\n{found}"
        );
    }
}

#[test]
fn a_duplicate_widget_id_is_reported_at_the_second_block() {
    let second = "```widget\nid: bowl\nview: landscape\n```\n\n## Questions";
    let found = errors(&sample_with("## Questions", second));
    assert!(
        found
            .contains("03-sample.md:33: widget id `bowl` is already used by the widget at line 18"),
        "{found}"
    );
}

#[test]
fn html_comments_are_dropped() {
    let text = sample_with(
        "## Questions",
        "<!-- FIRST\nSECOND -->\n\nText <!-- THIRD --> here.\n\n## Questions",
    );
    let lesson = parse(&text).unwrap();
    let html = lesson.body_html();
    assert!(html.contains("<p>Text  here.</p>"), "{html}");
    assert!(
        !html.contains("FIRST") && !html.contains("SECOND") && !html.contains("THIRD"),
        "{html}"
    );
}

#[test]
fn the_file_name_gives_number_and_slug() {
    let maths = MathRenderer::default();
    for bad in [
        "4-momentum.md",
        "04_momentum.md",
        "04-Momentum.md",
        "momentum.md",
        "04-momentum.txt",
    ] {
        let found = Lesson::parse(Path::new(bad), SAMPLE, &maths)
            .unwrap_err()
            .to_string();
        assert!(
            found.starts_with(&format!(
                "{bad}:1: `{bad}`: a lesson file is named NN-slug.md"
            )),
            "{found}"
        );
    }
}

#[test]
fn links_are_checked_by_the_validator_with_file_and_line() {
    let dir = temp_dir("links");
    std::fs::write(
        dir.join("03-sample.md"),
        sample_with("p=a:10,b:1", "p=a:-10,b:1"),
    )
    .unwrap();
    let course = Course::load(&dir).unwrap();
    let found = course
        .check_links(&links::validate_link)
        .unwrap_err()
        .to_string();
    assert!(found.contains("03-sample.md:29: try button `Try a steeper bowl`: bad link for the landscape view: p: surface parameter `a`"), "{found}");
    assert_eq!(found.lines().count(), 1, "{found}");

    let refuse_all = |view: &str, link: &str| Err(vec![format!("{view} {link}")]);
    let found = course.check_links(&refuse_all).unwrap_err().to_string();
    assert!(
        found.contains(
            "03-sample.md:18: widget `bowl`: bad link: landscape s=quadratic&p=a:4,b:1&o=sgd,lr:0.1"
        ),
        "{found}"
    );
    assert_eq!(
        found.lines().count(),
        4,
        "one widget and three try buttons: {found}"
    );
}

#[test]
fn the_course_is_ordered_by_number_and_rejects_clashes() {
    let dir = temp_dir("order");
    std::fs::write(
        dir.join("10-later.md"),
        SAMPLE.replace("title: Sample", "title: Later"),
    )
    .unwrap();
    std::fs::write(
        dir.join("02-first.md"),
        SAMPLE.replace("title: Sample", "title: First"),
    )
    .unwrap();
    std::fs::write(dir.join("README.md"), "Not a lesson.").unwrap();
    let course = Course::load(&dir).unwrap();
    let titles: Vec<&str> = course
        .lessons()
        .iter()
        .map(|l| l.front.title.as_str())
        .collect();
    assert_eq!(titles, ["First", "Later"]);
    assert_eq!(course.lesson("later").unwrap().number, 10);

    std::fs::write(dir.join("02-again.md"), SAMPLE).unwrap();
    let found = Course::load(&dir).unwrap_err().to_string();
    assert!(
        found.contains("02-first.md:1: lesson number 2 is also used by"),
        "{found}"
    );
}

#[test]
fn pages_link_the_lessons_in_order() {
    let dir = temp_dir("pages");
    for (name, title) in [
        ("01-one.md", "One"),
        ("02-two.md", "Two"),
        ("05-five.md", "Five"),
    ] {
        std::fs::write(
            dir.join(name),
            SAMPLE.replace("title: Sample", &format!("title: {title}")),
        )
        .unwrap();
    }
    let course = Course::load(&dir).unwrap();
    let out = dir.join("site");
    let written = site::write_site(&course, &out, &page::header_tabs(&page::view_tabs())).unwrap();
    assert_eq!(written.len(), 4);
    let index = std::fs::read_to_string(out.join("lessons/index.html")).unwrap();
    let order: Vec<usize> = ["01-one.html", "02-two.html", "05-five.html"]
        .iter()
        .map(|f| index.find(f).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{index}");
    assert!(index.contains(
        "<li value=\"5\"><a href=\"05-five.html\"><span class=\"lesson-number\">5</span> Five</a>"
    ));
    assert!(index.contains("A lesson that uses every part of the format."));

    let middle = std::fs::read_to_string(out.join("lessons/02-two.html")).unwrap();
    assert!(middle.contains("<a class=\"pager-prev\" rel=\"prev\" href=\"01-one.html\"><span class=\"pager-word\">Previous</span> 1. One</a>"));
    assert!(middle.contains("<a class=\"pager-next\" rel=\"next\" href=\"05-five.html\"><span class=\"pager-word\">Next</span> 5. Five</a>"));
    assert!(middle.contains("<a href=\"../lessons/index.html\" aria-current=\"true\">Lessons</a>"));
    assert!(
        middle.contains("<li><a href=\"#the-bowl\">The bowl</a></li>"),
        "the contents list the sections"
    );
    assert!(middle.contains("<script type=\"module\" src=\"../sgdlab-widget.js\"></script>"));
    assert!(middle.contains(
        "<link rel=\"preload\" href=\"../fonts/NotoSansMath-Regular.woff2\" as=\"font\""
    ));
    let first = std::fs::read_to_string(out.join("lessons/01-one.html")).unwrap();
    assert!(!first.contains("rel=\"prev\"") && first.contains("rel=\"next\" href=\"02-two.html\""));
}

#[test]
fn the_real_course_loads_and_its_links_decode() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../www/lessons");
    let course = Course::load(&dir).unwrap_or_else(|e| panic!("{e}"));
    course
        .check_links(&links::validate_link)
        .unwrap_or_else(|e| panic!("{e}"));
    for lesson in course.lessons() {
        assert!(
            lesson.widgets().len() >= 2,
            "{}: at least two widgets",
            lesson.path.display()
        );
        assert!(
            lesson.tries().len() >= 3,
            "{}: several try buttons",
            lesson.path.display()
        );
        assert!(
            !lesson.questions().is_empty(),
            "{}: questions",
            lesson.path.display()
        );
        assert!(
            lesson.body_html().contains("<math"),
            "{}",
            lesson.path.display()
        );
    }
}

/// A fresh folder under the target directory's tmp.
fn temp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("sgdlab-site-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
