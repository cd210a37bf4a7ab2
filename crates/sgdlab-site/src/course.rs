//! The course: every lesson file of a folder, in the order of its number.

use crate::error::{LessonError, LessonErrors};
use crate::lesson::{Lesson, file_name_parts};
use crate::links::LinkValidator;
use crate::math::MathRenderer;
use std::path::{Path, PathBuf};

/// The lessons of one folder, ordered by the `NN` of `NN-slug.md`.
#[derive(Clone, Debug)]
pub struct Course {
    pub dir: PathBuf,
    lessons: Vec<Lesson>,
}

impl Course {
    /// Loads every `*.md` file of `dir` except `README.md`. All problems of
    /// all lessons are reported together.
    pub fn load(dir: impl AsRef<Path>) -> Result<Course, LessonErrors> {
        let dir = dir.as_ref();
        let entries = std::fs::read_dir(dir).map_err(|e| {
            LessonError::new(dir, 1, format!("cannot read the lessons folder: {e}"))
        })?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|e| e == "md")
                    && p.file_name().is_some_and(|n| n != "README.md")
            })
            .collect();
        paths.sort();
        let maths = MathRenderer::default();
        let mut errors = LessonErrors::default();
        let mut lessons: Vec<Lesson> = Vec::new();
        for path in &paths {
            if let Ok((number, _)) = file_name_parts(path)
                && let Some(other) = lessons.iter().find(|l| l.number == number)
            {
                errors.push(LessonError::new(
                    path,
                    1,
                    format!(
                        "lesson number {number} is also used by {}",
                        other.path.display()
                    ),
                ));
            }
            match Lesson::load_with(path, &maths) {
                Ok(lesson) => lessons.push(lesson),
                Err(found) => errors.extend(found),
            }
        }
        if paths.is_empty() {
            errors.push(LessonError::new(
                dir,
                1,
                "the lessons folder holds no NN-slug.md file",
            ));
        }
        lessons.sort_by_key(|l| l.number);
        errors.into_result(Course {
            dir: dir.to_path_buf(),
            lessons,
        })
    }

    /// The lessons in course order.
    pub fn lessons(&self) -> &[Lesson] {
        &self.lessons
    }

    /// The lesson with this slug (`momentum` for `04-momentum.md`).
    pub fn lesson(&self, slug: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|l| l.slug == slug)
    }

    /// Checks every widget's link and every try button's link with
    /// `validator` (given the view of the widget each one sets).
    pub fn check_links(&self, validator: &LinkValidator) -> Result<(), LessonErrors> {
        let mut errors = LessonErrors::default();
        for lesson in &self.lessons {
            for widget in lesson.widgets() {
                if let Err(messages) = validator(&widget.view, &widget.link) {
                    for message in messages {
                        let text = format!("widget `{}`: bad link: {message}", widget.id);
                        errors.push(LessonError::new(&lesson.path, widget.line, text));
                    }
                }
            }
            for button in lesson.tries() {
                let Some(widget) = lesson.widget(&button.widget) else {
                    continue;
                };
                if let Err(messages) = validator(&widget.view, &button.link) {
                    for message in messages {
                        let text = format!(
                            "try button `{}`: bad link for the {} view: {message}",
                            button.label, widget.view
                        );
                        errors.push(LessonError::new(&lesson.path, button.line, text));
                    }
                }
            }
        }
        errors.into_result(())
    }
}
