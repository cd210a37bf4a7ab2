//! The sgdlab course: Markdown lessons with maths and live widgets,
//! rendered to static HTML when the site is built.
//!
//! A lesson is one file, `www/lessons/NN-slug.md`, where `NN` is its place
//! in the course. It holds:
//!
//! - a front matter block (`title`, `summary`, `seeds`, optional
//!   `references`; see [`front_matter`]);
//! - Markdown prose with `$…$` and `$$…$$` maths, turned into MathML here
//!   ([`math`]), so the page needs no maths library;
//! - fenced ```` ```widget ```` blocks, each a live `<sgdlab-widget>` with
//!   an id ([`widget`]);
//! - try buttons: links to `try:WIDGET_ID#LINK` (or a bare `try:WIDGET_ID`
//!   for the widget's own link), which set that widget to that link;
//! - questions: a block quote whose first paragraph starts with
//!   **Question…**, holding a paragraph that starts with **Answer…**; the
//!   answer folds into a `<details>` and may hold try buttons.
//!
//! [`Lesson::load`] parses one file and reports every problem with its
//! file:line; [`Course::load`] loads a folder in course order;
//! [`Course::check_links`] runs each widget's link, and each try button's,
//! through a validator ([`links::validate_link`] decodes them with
//! the widget registry); [`site::write_site`] writes the lesson pages and
//! [`site::write_views`] a page per widget of the registry and `embed.html`.

pub mod course;
pub mod error;
pub mod front_matter;
pub mod html;
pub mod lesson;
pub mod links;
pub mod math;
pub mod page;
pub mod render;
pub mod site;
pub mod views;
pub mod widget;

pub use course::Course;
pub use error::{LessonError, LessonErrors};
pub use front_matter::FrontMatter;
pub use lesson::{Lesson, Question, Section, TryButton};
pub use widget::{Controls, WidgetBlock};
