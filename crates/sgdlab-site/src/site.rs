//! Writing the course into a site folder (trunk's staging folder, or any
//! other): `lessons/index.html` and one page per lesson, and one page per
//! widget.

use crate::course::Course;
use crate::page::{self, Tab};
use crate::views;
use std::io;
use std::path::{Path, PathBuf};

/// Writes the index and every lesson page under `out/lessons/`; returns
/// the files written.
pub fn write_site(course: &Course, out: &Path, tabs: &[Tab]) -> io::Result<Vec<PathBuf>> {
    let dir = out.join("lessons");
    std::fs::create_dir_all(&dir)?;
    let mut written = Vec::new();
    let index = dir.join("index.html");
    std::fs::write(&index, page::index_page(course, tabs))?;
    written.push(index);
    for (number, lesson) in course.lessons().iter().enumerate() {
        let file = dir.join(lesson.html_name());
        std::fs::write(&file, page::lesson_page(course, number, tabs))?;
        written.push(file);
    }
    Ok(written)
}

/// Writes one page per widget of the registry, and `embed.html`, into
/// `out`; returns the files written. (`index.html` is the landscape's page:
/// it replaces the file trunk built from `www/index.html`.)
pub fn write_views(out: &Path, tabs: &[Tab]) -> io::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for entry in sgdlab_web::REGISTRY {
        let file = out.join(entry.page);
        std::fs::write(&file, views::view_page(entry, tabs))?;
        written.push(file);
    }
    let embed = out.join("embed.html");
    std::fs::write(&embed, views::embed_page())?;
    written.push(embed);
    Ok(written)
}

/// Copies the files of `from` (not its subfolders) into `to`.
pub fn copy_files(from: &Path, to: &Path) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(to)?;
    let mut written = Vec::new();
    for entry in std::fs::read_dir(from)? {
        let path = entry?.path();
        if path.is_file() {
            let target = to.join(path.file_name().expect("a file has a name"));
            std::fs::copy(&path, &target)?;
            written.push(target);
        }
    }
    Ok(written)
}
