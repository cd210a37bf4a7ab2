//! `--plot FILE.png|svg`: the decision boundary with the data points beside
//! the loss and accuracy curves, drawn with plotters.
//!
//! ```text
//! ┌──────────────┬───────────────────────────┐
//! │  decision    │ loss by epoch (log y)     │
//! │  boundary    ├───────────────────────────┤
//! │  + points    │ accuracy by epoch         │
//! └──────────────┴───────────────────────────┘
//! ```
//!
//! The boundary shades each cell by the predicted class probabilities (a
//! mix of the class colours, paler where the network is unsure); training
//! points are filled dots, test points rings. Colours are the Okabe–Ito
//! palette, which stays distinguishable with colour-blindness. The drawing
//! code is generic over the plotters backend, so PNG and SVG share it.
//!
//! Text needs a TrueType font. It is read at run time from `SGDLAB_FONT`
//! (a path, or `none` for no text) or else from the usual system places; a
//! machine with none gets the plot without text and a note on stderr.

use super::CurvePoint;
use crate::CliError;
use plotters::coord::Shift;
use plotters::coord::ranged1d::ValueFormatter;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use sgdlab_core::train::{Metrics, Trainer};
use std::path::Path;

/// Pixels of the whole figure.
const SIZE: (u32, u32) = (1200, 480);
/// Boundary cells per side: fine for a bitmap, fewer for SVG, where each
/// cell is an element of the file.
const PNG_CELLS: usize = 160;
const SVG_CELLS: usize = 64;
/// The Okabe–Ito colours of classes 0, 1, 2 (blue, orange, bluish green).
const CLASS_COLOURS: [RGBColor; 3] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
];
/// Where fonts usually are: Debian/Ubuntu, Fedora, Arch, macOS, Windows.
const FONT_PLACES: &[&str] = &[
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf",
    "/System/Library/Fonts/Supplemental/Arial.ttf",
    "C:\\Windows\\Fonts\\arial.ttf",
];

/// The image format, from the file's extension.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PlotFormat {
    Png,
    Svg,
}

impl PlotFormat {
    pub fn of(path: &Path) -> Result<Self, CliError> {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("png") => Ok(Self::Png),
            Some("svg") => Ok(Self::Svg),
            _ => Err(CliError(format!(
                "--plot needs a file name ending in .png or .svg, got `{}`",
                path.display()
            ))),
        }
    }
}

/// Draws the figure into `path`.
pub fn draw(
    path: &Path,
    format: PlotFormat,
    trainer: &mut Trainer,
    curve: &[CurvePoint],
) -> Result<(), CliError> {
    let with_text = load_font()?;
    let failed = |e: String| CliError(format!("cannot draw {}: {e}", path.display()));
    match format {
        PlotFormat::Png => {
            let root = BitMapBackend::new(path, SIZE).into_drawing_area();
            draw_figure(&root, trainer, curve, PNG_CELLS, with_text)
                .and_then(|()| root.present())
                .map_err(|e| failed(e.to_string()))?;
        }
        PlotFormat::Svg => {
            let root = SVGBackend::new(path, SIZE).into_drawing_area();
            draw_figure(&root, trainer, curve, SVG_CELLS, with_text)
                .and_then(|()| root.present())
                .map_err(|e| failed(e.to_string()))?;
        }
    }
    if !with_text {
        eprintln!(
            "sgdlab: no TrueType font found, so the plot has no text; set SGDLAB_FONT=/path/to/font.ttf"
        );
    }
    Ok(())
}

/// Registers a font for the labels; false when there is none to use.
fn load_font() -> Result<bool, CliError> {
    let bytes = match std::env::var("SGDLAB_FONT") {
        Ok(choice) if choice == "none" => return Ok(false),
        Ok(path) => Some(
            std::fs::read(&path)
                .map_err(|e| CliError(format!("SGDLAB_FONT=`{path}` cannot be read: {e}")))?,
        ),
        Err(_) => FONT_PLACES
            .iter()
            .find_map(|place| std::fs::read(place).ok()),
    };
    let Some(bytes) = bytes else {
        return Ok(false);
    };
    // plotters keeps fonts for the whole process; this one lives as long.
    let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    plotters::style::register_font("sans-serif", FontStyle::Normal, bytes)
        .map_err(|_| CliError("the font file is not a TrueType or OpenType font".into()))?;
    Ok(true)
}

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn draw_figure<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    trainer: &mut Trainer,
    curve: &[CurvePoint],
    cells: usize,
    with_text: bool,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let (boundary, curves) = root.split_horizontally(SIZE.1);
    let (losses, accuracies) = curves.split_vertically(SIZE.1 / 2);
    draw_boundary(&boundary, trainer, cells, with_text)?;
    draw_losses(&losses, curve, with_text)?;
    draw_accuracies(&accuracies, curve, with_text)
}

/// The chart frame: a caption and labelled axes when there is a font.
fn frame<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    caption: &str,
    with_text: bool,
) -> ChartBuilder<'a, 'a, DB> {
    let mut builder = ChartBuilder::on(area);
    builder.margin(10);
    if with_text {
        builder
            .caption(caption, ("sans-serif", 18))
            .x_label_area_size(30)
            .y_label_area_size(50);
    }
    builder
}

fn draw_boundary<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    trainer: &mut Trainer,
    cells: usize,
    with_text: bool,
) -> DrawResult<DB> {
    let view = trainer.view_box();
    let classes = trainer.spec().classes;
    let probabilities = trainer.predict_grid(&view, cells, cells);
    let mut chart = frame(area, "decision boundary", with_text)
        .build_cartesian_2d(view.x_min..view.x_max, view.y_min..view.y_max)?;
    let (dx, dy) = (
        (view.x_max - view.x_min) / cells as f64,
        (view.y_max - view.y_min) / cells as f64,
    );
    chart.draw_series(
        probabilities
            .chunks_exact(classes)
            .enumerate()
            .map(|(k, p)| {
                let (row, column) = (k / cells, k % cells);
                let x = view.x_min + column as f64 * dx;
                let y = view.y_max - row as f64 * dy;
                Rectangle::new([(x, y), (x + dx, y - dy)], shade(p).filled())
            }),
    )?;
    let mut mesh = chart.configure_mesh();
    mesh.disable_mesh()
        .x_label_formatter(&tick)
        .y_label_formatter(&tick);
    if !with_text {
        mesh.x_labels(0).y_labels(0);
    }
    mesh.draw()?;
    let train = trainer.train_set();
    chart.draw_series(
        train
            .features
            .iter()
            .zip(&train.labels)
            .map(|(p, &c)| Circle::new((p[0], p[1]), 3, class_colour(c).filled())),
    )?;
    let test = trainer.test_set();
    chart.draw_series(
        test.features
            .iter()
            .zip(&test.labels)
            .map(|(p, &c)| Circle::new((p[0], p[1]), 3, class_colour(c).stroke_width(2))),
    )?;
    Ok(())
}

fn draw_losses<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    curve: &[CurvePoint],
    with_text: bool,
) -> DrawResult<DB> {
    let losses = curve
        .iter()
        .flat_map(|p| [Some(p.metrics.train_loss), p.metrics.test_loss])
        .flatten();
    // Losses are finite and ≥ 0; the floor keeps the log scale defined.
    let (low, high) = losses.fold((f64::INFINITY, 0.0_f64), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let low = low.max(1e-6);
    let high = high.max(low * 10.0);
    let mut chart = frame(area, "cross-entropy loss", with_text)
        .build_cartesian_2d(0.0..last_epoch(curve), (low / 1.2..high * 1.2).log_scale())?;
    draw_pair(
        &mut chart,
        curve,
        |m| Some(m.train_loss.max(low)),
        |m| m.test_loss.map(|v| v.max(low)),
        with_text,
    )
}

fn draw_accuracies<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    curve: &[CurvePoint],
    with_text: bool,
) -> DrawResult<DB> {
    let mut chart =
        frame(area, "accuracy", with_text).build_cartesian_2d(0.0..last_epoch(curve), 0.0..1.0)?;
    draw_pair(
        &mut chart,
        curve,
        |m| Some(m.train_acc),
        |m| m.test_acc,
        with_text,
    )
}

/// The train (blue) and test (orange) lines of one metric, with a legend.
fn draw_pair<'a, DB: DrawingBackend + 'a, Y>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, Y>>,
    curve: &[CurvePoint],
    train: impl Fn(&Metrics) -> Option<f64>,
    test: impl Fn(&Metrics) -> Option<f64>,
    with_text: bool,
) -> DrawResult<DB>
where
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let mut mesh = chart.configure_mesh();
    mesh.light_line_style(WHITE)
        .x_label_formatter(&tick)
        .y_label_formatter(&tick);
    if with_text {
        mesh.x_desc("epoch");
    } else {
        mesh.x_labels(0).y_labels(0);
    }
    mesh.draw()?;
    for (label, colour, metric) in [
        ("train", CLASS_COLOURS[0], &train as &dyn Fn(_) -> _),
        ("test", CLASS_COLOURS[1], &test),
    ] {
        let points: Vec<(f64, f64)> = curve
            .iter()
            .filter_map(|p| Some((p.epoch as f64, metric(&p.metrics)?)))
            .collect();
        let series = chart.draw_series(LineSeries::new(points, colour.stroke_width(2)))?;
        if with_text {
            series.label(label).legend(move |(x, y)| {
                PathElement::new([(x, y), (x + 20, y)], colour.stroke_width(2))
            });
        }
    }
    if with_text {
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw()?;
    }
    Ok(())
}

/// A tick label in at most three significant digits, without trailing
/// zeros or a minus sign on zero: `0.7`, `20`, `0.005`, `1e-5`.
fn tick(value: &f64) -> String {
    let v = *value;
    if v.abs() < 1e-12 {
        return "0".into();
    }
    if v.abs() < 1e-3 {
        return format!("{v:.0e}");
    }
    let digits = (2 - v.abs().log10().floor() as i32).max(0) as usize;
    let text = format!("{v:.digits$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// The x range of the curves: at least one epoch wide.
fn last_epoch(curve: &[CurvePoint]) -> f64 {
    curve.last().map_or(1.0, |p| p.epoch.max(1) as f64)
}

fn class_colour(class: usize) -> RGBColor {
    CLASS_COLOURS[class % CLASS_COLOURS.len()]
}

/// The probability-weighted mix of the class colours, paled towards white
/// where the most likely class is least sure.
fn shade(probabilities: &[f32]) -> RGBColor {
    let mut mix = [0.0_f64; 3];
    for (class, &p) in probabilities.iter().enumerate() {
        let RGBColor(r, g, b) = class_colour(class);
        for (m, channel) in mix.iter_mut().zip([r, g, b]) {
            *m += f64::from(p) * f64::from(channel);
        }
    }
    let confidence = probabilities.iter().fold(0.0_f32, |m, &p| m.max(p));
    // Certain: 60% colour; a coin flip between C classes: nearly white.
    let chance = 1.0 / probabilities.len() as f64;
    let strength = 0.6 * ((f64::from(confidence) - chance) / (1.0 - chance)).clamp(0.0, 1.0);
    let channel = |m: f64| (255.0 - strength * (255.0 - m)).round() as u8;
    RGBColor(channel(mix[0]), channel(mix[1]), channel(mix[2]))
}
