//! Errors that point at the line of the lesson file that caused them.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in a lesson file, at a 1-based line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonError {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
}

impl LessonError {
    pub fn new(file: &Path, line: usize, message: impl Into<String>) -> Self {
        Self {
            file: file.to_path_buf(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for LessonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
    }
}

/// Every problem found in one pass over a lesson or a course, in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LessonErrors(pub Vec<LessonError>);

impl LessonErrors {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn push(&mut self, error: LessonError) {
        self.0.push(error);
    }

    pub fn extend(&mut self, other: LessonErrors) {
        self.0.extend(other.0);
    }

    /// `Ok(value)` when nothing was reported.
    pub fn into_result<T>(self, value: T) -> Result<T, LessonErrors> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &LessonError> {
        self.0.iter()
    }
}

impl From<LessonError> for LessonErrors {
    fn from(error: LessonError) -> Self {
        Self(vec![error])
    }
}

impl fmt::Display for LessonErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, error) in self.0.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LessonErrors {}
