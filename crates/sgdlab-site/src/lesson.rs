//! One lesson: its front matter, its widgets, its try buttons and
//! questions, and its body rendered to HTML with the maths as MathML.
//!
//! Parsing walks pulldown-cmark's event stream once. Widget blocks become
//! figures, `try:` links become buttons, question block quotes become a
//! prompt and a `<details>` answer, `$…$` and `$$…$$` become `<math>`, and
//! everything else goes through pulldown-cmark's own HTML writer, which
//! escapes text and attribute values. Raw HTML in a lesson is refused, so
//! nothing in a lesson file reaches the page unescaped.

use crate::error::{LessonError, LessonErrors};
use crate::front_matter::{self, FrontMatter, shorten};
use crate::html::{attr, escape};
use crate::math::{Display, MathRenderer};
use crate::render;
use crate::widget::{self, WidgetBlock};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The Markdown extensions a lesson may use.
pub fn markdown_options() -> Options {
    Options::ENABLE_MATH | Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// Element ids the lesson page itself uses; no widget or section may take them.
pub const PAGE_IDS: &[&str] = &[
    "lesson",
    "toc",
    "copy-link",
    "copy-link-status",
    "copy-link-fallback",
    "sources",
];

/// Characters kept on the same line as the inline maths they follow.
const TRAILING_PUNCTUATION: &[char] = &['.', ',', ';', ':', '!', '?', ')', '\u{2019}', '\u{201d}'];

/// A "try this" button: sets widget `widget` to `link`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TryButton {
    /// The button's text, with maths as its TeX source.
    pub label: String,
    /// The id of the widget it sets.
    pub widget: String,
    /// The link it sets (the widget's own link for a bare `try:ID`).
    pub link: String,
    pub line: usize,
    /// The number of the question it sits in, if any.
    pub question: Option<usize>,
}

/// A question with a collapsible answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    /// 1-based, in page order.
    pub number: usize,
    /// The element id of the question on the page (`question-3`).
    pub id: String,
    pub line: usize,
    /// The question's text, with maths as TeX.
    pub prompt: String,
    /// The answer's text (without its **Answer.** label), with maths as TeX.
    pub answer: String,
    /// The try buttons inside the answer: the states that show it.
    pub answer_tries: Vec<TryButton>,
}

/// A `##` section, for the table of contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub id: String,
    /// The heading as plain text (maths as TeX).
    pub title: String,
    /// The heading's inner HTML (maths as MathML).
    pub title_html: String,
    pub line: usize,
}

/// A parsed lesson.
#[derive(Clone, Debug)]
pub struct Lesson {
    pub path: PathBuf,
    /// Its place in the course (the `NN` of `NN-slug.md`).
    pub number: u32,
    /// The `slug` of `NN-slug.md`.
    pub slug: String,
    pub front: FrontMatter,
    widgets: Vec<WidgetBlock>,
    tries: Vec<TryButton>,
    questions: Vec<Question>,
    sections: Vec<Section>,
    body_html: String,
    references_html: Vec<String>,
}

impl Lesson {
    /// Reads and parses one lesson file.
    pub fn load(path: impl AsRef<Path>) -> Result<Lesson, LessonErrors> {
        Self::load_with(path.as_ref(), &MathRenderer::default())
    }

    /// [`Lesson::load`] with a shared maths renderer.
    pub fn load_with(path: &Path, maths: &MathRenderer) -> Result<Lesson, LessonErrors> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| LessonError::new(path, 1, format!("cannot read the lesson: {e}")))?;
        Self::parse(path, &text, maths)
    }

    /// Parses a lesson's text; `path` names it in errors and gives its
    /// number and slug.
    pub fn parse(path: &Path, text: &str, maths: &MathRenderer) -> Result<Lesson, LessonErrors> {
        let mut errors = LessonErrors::default();
        let name = file_name_parts(path).map_err(|message| LessonError::new(path, 1, message));
        let split = front_matter::split(path, text)?;
        let mut walker = Walker::new(path, split.body, split.body_line, maths);
        walker.walk();
        let mut references_html = Vec::new();
        for reference in &split.front.references {
            let line = 1 + text[..text.find(reference.as_str()).unwrap_or(0)]
                .matches('\n')
                .count();
            match render::inline_markdown(reference, maths) {
                Ok(html) => references_html.push(html),
                Err(message) => errors.push(LessonError::new(path, line, message)),
            }
        }
        let walked = walker.finish();
        errors.extend(walked.errors);
        let (number, slug) = match name {
            Ok(parts) => parts,
            Err(error) => {
                errors.push(error);
                (0, String::new())
            }
        };
        errors.into_result(Lesson {
            path: path.to_path_buf(),
            number,
            slug,
            front: split.front,
            widgets: walked.widgets,
            tries: walked.tries,
            questions: walked.questions,
            sections: walked.sections,
            body_html: walked.body_html,
            references_html,
        })
    }

    /// The page's file name: `NN-slug.html`.
    pub fn html_name(&self) -> String {
        let stem = self
            .path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        format!("{stem}.html")
    }

    pub fn widgets(&self) -> &[WidgetBlock] {
        &self.widgets
    }

    /// The widget with this id.
    pub fn widget(&self, id: &str) -> Option<&WidgetBlock> {
        self.widgets.iter().find(|w| w.id == id)
    }

    /// Every try button, in page order (those in answers included).
    pub fn tries(&self) -> &[TryButton] {
        &self.tries
    }

    /// The try buttons that set widget `id`.
    pub fn tries_for<'s>(&'s self, id: &'s str) -> impl Iterator<Item = &'s TryButton> + 's {
        self.tries.iter().filter(move |t| t.widget == id)
    }

    /// The try button with this label (maths as TeX).
    pub fn try_button(&self, label: &str) -> Option<&TryButton> {
        self.tries.iter().find(|t| t.label == label)
    }

    pub fn questions(&self) -> &[Question] {
        &self.questions
    }

    /// The `##` sections, for the table of contents.
    pub fn sections(&self) -> &[Section] {
        &self.sections
    }

    /// The lesson's body as HTML (without title, contents or references).
    pub fn body_html(&self) -> &str {
        &self.body_html
    }

    /// Each reference as inline HTML.
    pub fn references_html(&self) -> &[String] {
        &self.references_html
    }
}

/// `04-momentum.md` → (4, "momentum").
pub fn file_name_parts(path: &Path) -> Result<(u32, String), String> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let shape = "a lesson file is named NN-slug.md (a number for its place in the course, then \
                 lower-case words joined by `-`), e.g. 04-momentum.md";
    let stem = name
        .strip_suffix(".md")
        .ok_or_else(|| format!("`{}`: {shape}", shorten(name)))?;
    let (digits, slug) = stem
        .split_once('-')
        .ok_or_else(|| format!("`{}`: {shape}", shorten(name)))?;
    if digits.len() < 2 || !digits.chars().all(|c| c.is_ascii_digit()) || !widget::valid_id(slug) {
        return Err(format!("`{}`: {shape}", shorten(name)));
    }
    let number = digits
        .parse()
        .map_err(|_| format!("`{}`: the number is too large", shorten(name)))?;
    Ok((number, slug.to_string()))
}

/// What one walk over a lesson body found.
struct Walked {
    errors: LessonErrors,
    widgets: Vec<WidgetBlock>,
    tries: Vec<TryButton>,
    questions: Vec<Question>,
    sections: Vec<Section>,
    body_html: String,
}

struct OpenHeading<'a> {
    position: usize,
    level: HeadingLevel,
    line: usize,
    text: String,
    inner: Vec<Event<'a>>,
}

struct OpenQuestion {
    depth: usize,
    in_answer: bool,
}

struct PendingTry {
    position: usize,
    /// The link after `#`, or `None` for a bare `try:ID`.
    link: Option<String>,
    button: TryButton,
    in_answer: bool,
}

struct Walker<'a, 'm> {
    file: &'a Path,
    body: &'a str,
    body_line: usize,
    maths: &'m MathRenderer,
    events: Vec<(Event<'a>, Range<usize>)>,
    errors: LessonErrors,
    out: Vec<Event<'a>>,
    widgets: Vec<WidgetBlock>,
    tries: Vec<PendingTry>,
    questions: Vec<Question>,
    sections: Vec<Section>,
    heading: Option<OpenHeading<'a>>,
    question: Option<OpenQuestion>,
    open_try: Option<usize>,
    quote_depth: usize,
    /// Ids of widget blocks that had errors (already reported).
    broken_widget_ids: Vec<String>,
}

impl<'a, 'm> Walker<'a, 'm> {
    fn new(file: &'a Path, body: &'a str, body_line: usize, maths: &'m MathRenderer) -> Self {
        Self {
            file,
            body,
            body_line,
            maths,
            events: Parser::new_ext(body, markdown_options())
                .into_offset_iter()
                .collect(),
            errors: LessonErrors::default(),
            out: Vec::new(),
            widgets: Vec::new(),
            tries: Vec::new(),
            questions: Vec::new(),
            sections: Vec::new(),
            heading: None,
            question: None,
            open_try: None,
            quote_depth: 0,
            broken_widget_ids: Vec::new(),
        }
    }

    fn line_of(&self, offset: usize) -> usize {
        self.body_line
            + self.body[..offset.min(self.body.len())]
                .matches('\n')
                .count()
    }

    fn error(&mut self, offset: usize, message: impl Into<String>) {
        let line = self.line_of(offset);
        self.errors.push(LessonError::new(self.file, line, message));
    }

    /// Sends an event to the page (and to the heading being collected).
    fn emit(&mut self, event: Event<'a>) {
        if let Some(heading) = &mut self.heading {
            heading.inner.push(event.clone());
        }
        self.out.push(event);
    }

    /// Adds text to whatever is collecting plain text: a heading, a try
    /// label, a question's prompt or answer.
    fn collect_text(&mut self, text: &str) {
        if let Some(heading) = &mut self.heading {
            heading.text.push_str(text);
        }
        if let Some(index) = self.open_try {
            self.tries[index].button.label.push_str(text);
        }
        if let Some(question) = &self.question {
            let current = self
                .questions
                .last_mut()
                .expect("an open question is listed");
            if question.in_answer {
                current.answer.push_str(text);
            } else {
                current.prompt.push_str(text);
            }
        }
    }

    fn walk(&mut self) {
        let mut index = 0;
        while index < self.events.len() {
            index = self.step(index);
        }
    }

    /// Handles the event at `index`; returns the index of the next one.
    fn step(&mut self, index: usize) -> usize {
        let (event, range) = self.events[index].clone();
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if info.split_whitespace().next() == Some("widget") =>
            {
                if info.split_whitespace().nth(1).is_some() {
                    self.error(
                        range.start,
                        "write the widget's settings inside the block, not after ```widget",
                    );
                }
                return self.widget_block(index, range.start);
            }
            Event::Start(Tag::BlockQuote(None))
                if self.question.is_none() && self.starts_with_label(index + 1, "Question") =>
            {
                self.quote_depth += 1;
                let number = self.questions.len() + 1;
                let id = format!("question-{number}");
                self.emit(Event::Html(
                    format!("<section class=\"question\"{}>\n", attr("id", &id)).into(),
                ));
                self.questions.push(Question {
                    number,
                    id,
                    line: self.line_of(range.start),
                    prompt: String::new(),
                    answer: String::new(),
                    answer_tries: Vec::new(),
                });
                self.question = Some(OpenQuestion {
                    depth: self.quote_depth,
                    in_answer: false,
                });
            }
            Event::Start(Tag::Paragraph)
                if self
                    .question
                    .as_ref()
                    .is_some_and(|q| !q.in_answer && q.depth == self.quote_depth)
                    && self.starts_with_label(index, "Answer") =>
            {
                return self.answer_start(index);
            }
            Event::Start(Tag::BlockQuote(kind)) => {
                self.quote_depth += 1;
                self.emit(Event::Start(Tag::BlockQuote(kind)));
            }
            Event::End(TagEnd::BlockQuote(kind)) => {
                if self
                    .question
                    .as_ref()
                    .is_some_and(|q| q.depth == self.quote_depth)
                {
                    let question = self.question.take().expect("checked above");
                    if question.in_answer {
                        self.emit(Event::Html("</details>\n".into()));
                    } else {
                        let line = self.questions.last().map_or(0, |q| q.line);
                        self.errors.push(LessonError::new(
                            self.file,
                            line,
                            "this question has no answer: add a paragraph that starts with **Answer.** \
                             inside the same block quote",
                        ));
                    }
                    self.emit(Event::Html("</section>\n".into()));
                } else {
                    self.emit(Event::End(TagEnd::BlockQuote(kind)));
                }
                self.quote_depth -= 1;
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                if level == HeadingLevel::H1 {
                    self.error(range.start, "the title comes from the front matter; start the lesson's sections at `##`");
                }
                let position = self.out.len();
                self.out.push(Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }));
                self.heading = Some(OpenHeading {
                    position,
                    level,
                    line: self.line_of(range.start),
                    text: String::new(),
                    inner: Vec::new(),
                });
            }
            Event::End(TagEnd::Heading(level)) => {
                self.out.push(Event::End(TagEnd::Heading(level)));
                if let Some(heading) = self.heading.take() {
                    self.close_heading(heading);
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with("try:") => {
                self.try_start(&dest_url, range.start);
            }
            Event::End(TagEnd::Link) if self.open_try.is_some() => {
                self.open_try = None;
                self.emit(Event::Html("</button>".into()));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if let Err(message) = render::check_url(&dest_url) {
                    self.error(range.start, message);
                }
                self.emit(Event::Start(Tag::Link {
                    link_type,
                    dest_url: render::page_url(&dest_url).into(),
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                if let Err(message) = render::check_url(&dest_url) {
                    self.error(range.start, message);
                }
                self.emit(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::InlineMath(ref tex) | Event::DisplayMath(ref tex) => {
                let display = if matches!(event, Event::DisplayMath(_)) {
                    Display::Block
                } else {
                    Display::Inline
                };
                let mathml = match self.maths.render(tex, display) {
                    Ok(mathml) => mathml,
                    Err(message) => {
                        self.error(range.start, message);
                        String::new()
                    }
                };
                self.collect_text(&format!("${tex}$"));
                // Punctuation right after inline maths stays on its line.
                let punctuation = match self.events.get(index + 1) {
                    Some((Event::Text(next), _)) if display == Display::Inline => {
                        let cut = next
                            .find(|c: char| !TRAILING_PUNCTUATION.contains(&c))
                            .unwrap_or(next.len());
                        next[..cut].to_string()
                    }
                    _ => String::new(),
                };
                if punctuation.is_empty() {
                    self.emit(Event::InlineHtml(mathml.into()));
                } else {
                    self.collect_text(&punctuation);
                    let (next, next_range) = self.events[index + 1].clone();
                    if let Event::Text(text) = next {
                        let rest = text[punctuation.len()..].to_string();
                        self.events[index + 1] = (Event::Text(rest.into()), next_range);
                    }
                    self.emit(Event::InlineHtml(
                        format!(
                            "<span class=\"math-nowrap\">{mathml}{}</span>",
                            escape(&punctuation)
                        )
                        .into(),
                    ));
                }
            }
            Event::Start(Tag::HtmlBlock) => return self.html_block(index, range.start),
            Event::Html(html) | Event::InlineHtml(html) => {
                if !html.trim_start().starts_with("<!--") {
                    self.error(range.start, raw_html_message(&html));
                }
            }
            Event::Text(text) => {
                self.collect_text(&text);
                self.emit(Event::Text(text));
            }
            Event::Code(code) => {
                self.collect_text(&code);
                self.emit(Event::Code(code));
            }
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph) => {
                self.collect_text(" ");
                self.emit(event);
            }
            other => self.emit(other),
        }
        index + 1
    }

    /// Whether the paragraph starting at `index` opens with **Label…**.
    fn starts_with_label(&self, index: usize, label: &str) -> bool {
        matches!(
            self.events.get(index..index + 3),
            Some([(Event::Start(Tag::Paragraph), _), (Event::Start(Tag::Strong), _), (Event::Text(text), _)])
                if text.trim_start().starts_with(label)
        )
    }

    /// Opens the answer: `<details>` with the **Answer.** label as its summary.
    fn answer_start(&mut self, index: usize) -> usize {
        let label = match &self.events[index + 2].0 {
            Event::Text(text) => text.trim().trim_end_matches(['.', ':']).to_string(),
            _ => unreachable!("starts_with_label checked the shape"),
        };
        self.emit(Event::Html(
            format!(
                "<details class=\"answer\"><summary>{}</summary>\n",
                escape(&label)
            )
            .into(),
        ));
        if let Some(question) = &mut self.question {
            question.in_answer = true;
        }
        self.emit(Event::Start(Tag::Paragraph));
        // Skip the label's Strong, then trim the space after it.
        let mut next = index + 2;
        while !matches!(self.events[next].0, Event::End(TagEnd::Strong)) {
            next += 1;
        }
        next += 1;
        if let Some((Event::Text(text), range)) = self.events.get(next).cloned() {
            let trimmed = text.trim_start().to_string();
            self.events[next] = (Event::Text(trimmed.into()), range);
        }
        next
    }

    /// A ```widget block: parsed, then written as a figure.
    fn widget_block(&mut self, index: usize, start: usize) -> usize {
        let fence_line = self.line_of(start);
        let mut lines: Vec<(usize, String)> = Vec::new();
        let mut next = index + 1;
        while let Some((event, range)) = self.events.get(next) {
            match event {
                Event::End(TagEnd::CodeBlock) => break,
                Event::Text(text) => {
                    let first = self.line_of(range.start);
                    for (offset, line) in text.lines().enumerate() {
                        lines.push((first + offset, line.to_string()));
                    }
                }
                _ => {}
            }
            next += 1;
        }
        let borrowed: Vec<(usize, &str)> = lines.iter().map(|(n, l)| (*n, l.as_str())).collect();
        match widget::parse(self.file, fence_line, &borrowed) {
            Ok(widget) => {
                if let Some(other) = self.widgets.iter().find(|w| w.id == widget.id) {
                    let message = format!(
                        "widget id `{}` is already used by the widget at line {}",
                        widget.id, other.line
                    );
                    self.errors
                        .push(LessonError::new(self.file, fence_line, message));
                }
                let caption_html = match widget
                    .caption
                    .as_deref()
                    .map(|c| render::inline_markdown(c, self.maths))
                {
                    Some(Ok(html)) => Some(html),
                    Some(Err(message)) => {
                        self.errors.push(LessonError::new(
                            self.file,
                            fence_line,
                            format!("caption: {message}"),
                        ));
                        None
                    }
                    None => None,
                };
                self.emit(Event::Html(
                    render::widget_figure(&widget, caption_html.as_deref()).into(),
                ));
                self.widgets.push(widget);
            }
            Err(errors) => {
                // Its id still counts, so try buttons that name it are not
                // reported as well.
                let id = lines
                    .iter()
                    .find_map(|(_, l)| l.strip_prefix("id:").map(|v| v.trim().to_string()));
                self.broken_widget_ids.extend(id);
                self.errors.extend(errors);
            }
        }
        next + 1
    }

    /// A `[label](try:ID#LINK)` link: opens a button (its attributes are
    /// written once every widget is known).
    fn try_start(&mut self, dest: &str, start: usize) {
        if self.open_try.is_some() {
            self.error(start, "a try button cannot hold another link");
            return;
        }
        let target = &dest["try:".len()..];
        let (id, link) = match target.split_once('#') {
            Some((id, link)) => (id, Some(link.to_string())),
            None => (target, None),
        };
        if !widget::valid_id(id) {
            self.error(
                start,
                format!(
                    "`{}` is not a widget id; a try link is written try:WIDGET_ID#LINK",
                    shorten(id)
                ),
            );
        }
        let line = self.line_of(start);
        let question = self.question.as_ref().map(|_| self.questions.len());
        let in_answer = self.question.as_ref().is_some_and(|q| q.in_answer);
        self.open_try = Some(self.tries.len());
        self.tries.push(PendingTry {
            position: self.out.len(),
            link,
            button: TryButton {
                label: String::new(),
                widget: id.to_string(),
                link: String::new(),
                line,
                question,
            },
            in_answer,
        });
        self.emit(Event::Html(CowStr::Borrowed("")));
    }

    /// An HTML block: comments are dropped, anything else is refused.
    fn html_block(&mut self, index: usize, start: usize) -> usize {
        let mut next = index + 1;
        let mut first = None;
        while let Some((event, _)) = self.events.get(next) {
            match event {
                Event::End(TagEnd::HtmlBlock) => break,
                Event::Html(html) if first.is_none() => first = Some(html.to_string()),
                _ => {}
            }
            next += 1;
        }
        let html = first.unwrap_or_default();
        if !html.trim_start().starts_with("<!--") {
            self.error(start, raw_html_message(&html));
        }
        next + 1
    }

    fn close_heading(&mut self, heading: OpenHeading<'a>) {
        let title = heading.text.trim().to_string();
        let base = slug(&title);
        let mut id = base.clone();
        let mut count = 1;
        while self.sections.iter().any(|s| s.id == id) {
            count += 1;
            id = format!("{base}-{count}");
        }
        if let Event::Start(Tag::Heading { id: slot, .. }) = &mut self.out[heading.position] {
            *slot = Some(id.clone().into());
        }
        let mut title_html = String::new();
        pulldown_cmark::html::push_html(&mut title_html, heading.inner.into_iter());
        if heading.level == HeadingLevel::H2 {
            self.sections.push(Section {
                id,
                title,
                title_html,
                line: heading.line,
            });
        }
    }

    fn finish(mut self) -> Walked {
        let ids: Vec<String> = self.widgets.iter().map(|w| w.id.clone()).collect();
        for pending in &mut self.tries {
            let Some(widget) = self.widgets.iter().find(|w| w.id == pending.button.widget) else {
                if self.broken_widget_ids.contains(&pending.button.widget) {
                    continue;
                }
                self.errors.push(LessonError::new(
                    self.file,
                    pending.button.line,
                    format!(
                        "the try button `{}` names widget `{}`, but this lesson has no widget with that id \
                         (its widgets: {})",
                        shorten(&pending.button.label),
                        shorten(&pending.button.widget),
                        if ids.is_empty() { "none".to_string() } else { ids.join(", ") }
                    ),
                ));
                continue;
            };
            pending.button.label = pending.button.label.trim().to_string();
            pending.button.link = pending.link.clone().unwrap_or_else(|| widget.link.clone());
            self.out[pending.position] =
                Event::Html(render::try_button_open(&pending.button).into());
        }
        for section in &self.sections {
            let taken = ids.contains(&section.id)
                || PAGE_IDS.contains(&section.id.as_str())
                || section.id.starts_with("question-");
            if taken {
                self.errors.push(LessonError::new(
                    self.file,
                    section.line,
                    format!("the heading's id `{}` is taken by a widget or by the page; reword the heading", section.id),
                ));
            }
        }
        for widget in &self.widgets {
            if PAGE_IDS.contains(&widget.id.as_str()) || widget.id.starts_with("question-") {
                self.errors.push(LessonError::new(
                    self.file,
                    widget.line,
                    format!(
                        "widget id `{}` is used by the page itself; choose another",
                        widget.id
                    ),
                ));
            }
        }
        let mut tries = Vec::with_capacity(self.tries.len());
        for pending in self.tries {
            if pending.in_answer
                && let Some(number) = pending.button.question
                && let Some(question) = self.questions.get_mut(number - 1)
            {
                question.answer_tries.push(pending.button.clone());
            }
            tries.push(pending.button);
        }
        for question in &mut self.questions {
            question.prompt = collapse_spaces(&question.prompt);
            question.answer = collapse_spaces(&question.answer);
        }
        let mut body_html = String::new();
        pulldown_cmark::html::push_html(&mut body_html, self.out.into_iter());
        Walked {
            errors: self.errors,
            widgets: self.widgets,
            tries,
            questions: self.questions,
            sections: self.sections,
            body_html,
        }
    }
}

fn raw_html_message(html: &str) -> String {
    format!(
        "raw HTML (`{}`) is not allowed in a lesson: write Markdown, a ```widget block or a try: link \
         (HTML comments are fine)",
        shorten(html.trim())
    )
}

/// A heading's id: lower-case words joined by `-`.
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "section".to_string()
    } else {
        out
    }
}

fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
