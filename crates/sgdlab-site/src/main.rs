//! `sgdlab-site`: renders the lessons, and a page per widget of the
//! registry, into a site folder.
//!
//! trunk runs it after each build (the `[[hooks]]` entry in Trunk.toml),
//! with `TRUNK_STAGING_DIR` naming the folder that becomes `dist/`:
//!
//! ```text
//! sgdlab-site [--lessons www/lessons] [--fonts www/fonts] [--out DIR] [--check]
//! ```
//!
//! Every problem in every lesson (with its file:line) is printed on
//! stderr, and the exit status is 2; nothing is written then.

use clap::Parser;
use sgdlab_site::{Course, links, page, site};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "sgdlab-site",
    about = "Render the sgdlab lessons to static HTML"
)]
struct Args {
    /// The folder of NN-slug.md lesson files.
    #[arg(long, default_value = "www/lessons")]
    lessons: PathBuf,
    /// A folder of font files the lesson pages load; copied to OUT/fonts.
    #[arg(long)]
    fonts: Option<PathBuf>,
    /// Where to write (lessons/ goes inside). Defaults to $TRUNK_STAGING_DIR.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Check the lessons and their links; write nothing.
    #[arg(long)]
    check: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let course = match Course::load(&args.lessons) {
        Ok(course) => course,
        Err(errors) => return fail(&errors.to_string()),
    };
    if let Err(errors) = course.check_links(&links::validate_link) {
        return fail(&errors.to_string());
    }
    if args.check {
        println!(
            "sgdlab-site: {} lesson files and all their links are fine",
            course.lessons().len()
        );
        return ExitCode::SUCCESS;
    }
    let Some(out) = args
        .out
        .or_else(|| std::env::var_os("TRUNK_STAGING_DIR").map(PathBuf::from))
    else {
        return fail("say where to write: --out DIR, or run from trunk (TRUNK_STAGING_DIR)");
    };
    let tabs = page::header_tabs(&page::view_tabs());
    let pages = site::write_site(&course, &out, &tabs)
        .and_then(|lessons| Ok(lessons.len() + site::write_views(&out, &tabs)?.len()));
    let mut written = match pages {
        Ok(count) => count,
        Err(error) => return fail(&format!("cannot write into {}: {error}", out.display())),
    };
    if let Some(fonts) = &args.fonts {
        match site::copy_files(fonts, &out.join("fonts")) {
            Ok(files) => written += files.len(),
            Err(error) => {
                return fail(&format!(
                    "cannot copy the fonts from {}: {error}",
                    fonts.display()
                ));
            }
        }
    }
    println!("sgdlab-site: wrote {written} files into {}", out.display());
    ExitCode::SUCCESS
}

fn fail(message: &str) -> ExitCode {
    eprintln!("{message}");
    ExitCode::from(2)
}
