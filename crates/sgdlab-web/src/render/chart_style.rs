//! The look shared by every plotters chart (the line charts of
//! [`super::chart`] and the noise panel's): colours, the cleared canvas,
//! text, tick marks and the mesh, and how many labels fit an axis.

use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use std::ops::Range;
use wasm_bindgen::JsValue;
use web_sys::HtmlCanvasElement;

/// The chart background and ink.
pub const BACKGROUND: RGBColor = RGBColor(20, 24, 36);
pub const INK: RGBColor = RGBColor(220, 225, 235);
const AXIS: RGBColor = RGBColor(120, 128, 145);
const BOLD_GRID: RGBColor = RGBColor(52, 58, 76);
const LIGHT_GRID: RGBColor = RGBColor(30, 35, 50);
/// The cross at the end of a run that stopped.
const STOPPED: RGBColor = RGBColor(255, 59, 48);

/// A `#rrggbb` colour; a channel that does not parse is 255.
pub fn rgb(hex: &str) -> RGBColor {
    let channel =
        |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("ff"), 16).unwrap_or(255);
    RGBColor(channel(1), channel(3), channel(5))
}

/// A canvas as a plotters drawing area.
pub type Area = DrawingArea<CanvasBackend, Shift>;

/// The canvas as a plotters drawing area cleared to [`BACKGROUND`], with the
/// scale for text and lines: the canvas height over `base_height`, clamped
/// to 1..=`max_scale`. `None` when the canvas is too small to draw on.
/// Errors read "`what`: …".
pub fn open(
    canvas: &HtmlCanvasElement,
    base_height: f64,
    max_scale: f64,
    what: &str,
) -> Result<Option<(Area, f64)>, JsValue> {
    if canvas.width() < 40 || canvas.height() < 40 {
        return Ok(None);
    }
    let scale = (f64::from(canvas.height()) / base_height).clamp(1.0, max_scale);
    let backend = CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or_else(|| JsValue::from_str(&format!("{what}: no 2d context")))?;
    let root = backend.into_drawing_area();
    root.fill(&BACKGROUND)
        .map_err(|error| JsValue::from_str(&format!("{what}: {error}")))?;
    Ok(Some((root, scale)))
}

/// The size of axis text at scale 1, in canvas pixels.
const TEXT: f64 = 12.0;
/// The length of a tick mark at scale 1; tick labels sit twice as far
/// from the axis.
const TICK: f64 = 5.0;

/// The height of the label area under the x axis at text scale `scale`:
/// the tick labels' distance from the axis, a row of them, a gap and the
/// axis description, so the two never overlap.
pub fn x_label_area(scale: f64) -> u32 {
    ((2.0 * TICK + TEXT + 4.0 + TEXT) * scale).round() as u32
}

/// The mesh's label and axis-description text, tick marks, axis and grid
/// lines.
pub fn style_mesh<'m, 'a, 'b, X, Y, DB>(
    mesh: &'m mut MeshStyle<'a, 'b, X, Y, DB>,
    scale: f64,
) -> &'m mut MeshStyle<'a, 'b, X, Y, DB>
where
    X: Ranged,
    Y: Ranged,
    DB: DrawingBackend,
{
    let text = ("sans-serif", (TEXT * scale) as u32)
        .into_font()
        .color(&INK);
    mesh.label_style(text.clone())
        .axis_desc_style(text)
        .set_all_tick_mark_size((TICK * scale).round() as u32)
        .axis_style(AXIS)
        .bold_line_style(BOLD_GRID)
        .light_line_style(LIGHT_GRID)
}

/// The red cross that ends a run that stopped early.
pub fn stop_cross<C>(end: C, scale: f64) -> Cross<C, i32> {
    Cross::new(
        end,
        (6.0 * scale) as i32,
        STOPPED.stroke_width((2.0 * scale) as u32),
    )
}

/// Every k-th of `points` mapped by `at`, so that at most about `max` are
/// drawn, ending with the last point (added when the stride skipped it).
pub fn thin<P, X: Copy + PartialEq>(
    points: &[P],
    max: usize,
    at: impl Fn(&P) -> (X, f64),
) -> Vec<(X, f64)> {
    let stride = points.len().div_ceil(max).max(1);
    let mut series: Vec<(X, f64)> = points.iter().step_by(stride).map(&at).collect();
    if let Some(last) = points.last() {
        let end = at(last);
        if series.last().map(|s| s.0) != Some(end.0) {
            series.push(end);
        }
    }
    series
}

/// How many labels fit across an x axis `pixels` canvas pixels wide at
/// text scale `scale`: one per 80 pixels of scale-1 text (numbers are wide),
/// so labels never run together in a small embed, from 2 to 8.
pub fn labels_across(pixels: u32, scale: f64) -> usize {
    ((f64::from(pixels) / (80.0 * scale)).floor() as usize).clamp(2, 8)
}

/// How many labels fit down a y axis `pixels` canvas pixels tall at text
/// scale `scale`: one per 40 pixels of scale-1 text (labels are one line
/// high), from 3 to 10, so even a short chart names a middle value.
pub fn labels_down(pixels: u32, scale: f64) -> usize {
    ((f64::from(pixels) / (40.0 * scale)).floor() as usize).clamp(3, 10)
}

/// A logarithmic axis from `low` to `high` (both > 0) whose ticks are round
/// numbers, 1, 2 and 5 × 10ᵏ, thinned to whole decades (and to every other
/// decade, and so on) when the axis is short.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogAxis {
    pub low: f64,
    pub high: f64,
}

impl LogAxis {
    /// The axis spanning `values` (positive and finite ones only), padded by
    /// `pad` of its length in log space at each end; `None` when none is.
    pub fn spanning(values: impl Iterator<Item = f64>, pad: f64) -> Option<Self> {
        let (low, high) = values
            .filter(|v| *v > 0.0 && v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            });
        if !low.is_finite() {
            return None;
        }
        let (mut lo, mut hi) = (low.log10(), high.log10());
        if hi - lo < 0.3 {
            lo -= 0.15;
            hi += 0.15;
        }
        let margin = (hi - lo) * pad;
        Some(Self {
            low: 10f64.powf(lo - margin),
            high: 10f64.powf(hi + margin),
        })
    }
}

/// The round values 1, 2 and 5 × 10ᵏ in [`low`, `high`], at most `max` of
/// them: the 2s and 5s go first, then every other decade, and so on.
pub fn log_ticks(low: f64, high: f64, max: usize) -> Vec<f64> {
    if !(low > 0.0 && high > low && high.is_finite()) || max == 0 {
        return Vec::new();
    }
    let first = low.log10().floor() as i32;
    let last = high.log10().ceil() as i32;
    let within = |v: &f64| *v >= low * (1.0 - 1e-12) && *v <= high * (1.0 + 1e-12);
    let decades = |stride: i32, mantissas: &[f64]| -> Vec<f64> {
        (first..=last)
            .filter(|k| k.rem_euclid(stride) == 0)
            .flat_map(|k| mantissas.iter().map(move |m| m * 10f64.powi(k)))
            .filter(within)
            .collect()
    };
    let fine = decades(1, &[1.0, 2.0, 5.0]);
    if fine.len() <= max {
        return fine;
    }
    let mut stride = 1;
    loop {
        let ticks = decades(stride, &[1.0]);
        if ticks.len() <= max {
            return ticks;
        }
        stride += 1;
    }
}

impl Ranged for LogAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let (low, high) = (self.low.log10(), self.high.log10());
        let v = value.max(self.low * 1e-6).log10();
        let t = (v - low) / (high - low);
        let pixel = f64::from(limit.0) + t * f64::from(limit.1 - limit.0);
        pixel.clamp(-1e6, 1e6).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        log_ticks(self.low, self.high, hint.max_num_points())
    }

    fn range(&self) -> Range<f64> {
        self.low..self.high
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_ticks_are_round_and_thinned_to_fit() {
        assert_eq!(log_ticks(0.8, 60.0, 8), [1.0, 2.0, 5.0, 10.0, 20.0, 50.0]);
        assert_eq!(log_ticks(0.8, 60.0, 3), [1.0, 10.0]);
        assert_eq!(log_ticks(1e-15, 1e3, 6), [1e-12, 1e-8, 1e-4, 1.0]);
        assert_eq!(log_ticks(3.0, 4.0, 5), Vec::<f64>::new());
        assert!(log_ticks(0.0, 1.0, 5).is_empty());
        for (low, high) in [(1e-300, 1e300), (0.123, 0.124), (2.0, 2000.0)] {
            for max in 1..10 {
                assert!(log_ticks(low, high, max).len() <= max);
            }
        }
    }

    #[test]
    fn a_log_axis_maps_decades_evenly_and_spans_its_values() {
        let axis = LogAxis {
            low: 1.0,
            high: 1000.0,
        };
        assert_eq!(axis.map(&1.0, (0, 300)), 0);
        assert_eq!(axis.map(&10.0, (0, 300)), 100);
        assert_eq!(axis.map(&1000.0, (0, 300)), 300);
        assert_eq!(axis.map(&0.0, (0, 300)), -600);
        let span = LogAxis::spanning([0.5, 2.0, f64::NAN, -1.0].into_iter(), 0.0).unwrap();
        assert_eq!((span.low, span.high), (0.5, 2.0));
        assert!(LogAxis::spanning([0.0, -3.0].into_iter(), 0.1).is_none());
    }

    #[test]
    fn labels_fit_the_axis() {
        assert_eq!(labels_across(300, 1.0), 3);
        assert_eq!(labels_across(100, 1.0), 2);
        assert_eq!(labels_across(2000, 1.0), 8);
        assert_eq!(labels_across(960, 2.0), 6);
        // A 440-pixel chart is drawn at scale 2: five labels down its side.
        assert_eq!(labels_down(440, 2.0), 5);
        assert_eq!(labels_down(100, 1.0), 3);
        assert_eq!(labels_down(2000, 1.0), 10);
    }
}
