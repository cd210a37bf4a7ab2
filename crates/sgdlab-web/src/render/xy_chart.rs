//! A line chart over a given x range, for the experiment views: the
//! decomposition against capacity and the fits over [0, 1] (bias–variance),
//! the loss along t (mode connectivity), the distances to the flows
//! against t (implicit regularisation).
//!
//! Unlike [`super::curves`] (loss against step, from 0), the x range and
//! its labels are the caller's: a capacity axis can be labelled ln λ, and
//! t runs over [0, 1]. Curves can be solid, dashed, faint or dots; a band
//! fills between two curves; vertical marks flag one x (the capacity
//! shown, the start of the bend). The y axis runs from 0 to the data, is
//! fixed, or is logarithmic (ticks 1-2-5). Non-finite points are skipped.

use super::chart_style::{self, LogAxis, labels_along, rgb, style_mesh};
use super::curves::{js_error, short_number};
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use std::ops::Range;
use wasm_bindgen::JsValue;
use web_sys::HtmlCanvasElement;

/// At most this many points per curve are drawn.
const MAX_POINTS: usize = 500;

/// How a curve is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Stroke {
    Solid,
    Dashed,
    /// Thin and translucent: one of many (the fits of many datasets).
    Faint,
    /// A dot at each point.
    Dots,
}

/// One curve: colour (`#rrggbb`), points in order of x, and its stroke.
pub struct Series<'a> {
    pub color: &'a str,
    pub points: Vec<(f64, f64)>,
    pub stroke: Stroke,
}

/// A filled band between two curves sampled at the same x.
pub struct Band<'a> {
    pub color: &'a str,
    pub lower: Vec<(f64, f64)>,
    pub upper: Vec<(f64, f64)>,
}

/// How the y axis is chosen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum YAxis {
    /// Fitted to the finite values with a margin, always including 0.
    FromZero,
    /// Exactly this range (values outside are clipped).
    Fixed(f64, f64),
    /// Logarithmic over the positive values.
    Log,
}

/// The frame of a chart.
pub struct Frame<'a> {
    pub x_desc: &'a str,
    pub y_desc: &'a str,
    pub x_range: (f64, f64),
    pub y_axis: YAxis,
    /// The text of an x tick.
    pub x_label: &'a dyn Fn(f64) -> String,
    /// Vertical lines at these x values.
    pub marks: Vec<f64>,
}

/// Where the plotting area landed, as shares of the canvas width, so a
/// pointer can be mapped back to x.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlotArea {
    pub left: f64,
    pub right: f64,
    pub x_range: (f64, f64),
}

impl PlotArea {
    /// The x under a pointer at share `share` of the canvas width, if it is
    /// over the plotting area.
    pub fn x_at(&self, share: f64) -> Option<f64> {
        if !(self.left..=self.right).contains(&share) || self.right <= self.left {
            return None;
        }
        let t = (share - self.left) / (self.right - self.left);
        Some(self.x_range.0 + t * (self.x_range.1 - self.x_range.0))
    }
}

/// Draws the chart on `canvas` (cleared first). `None` when the canvas is
/// too small to draw on.
pub fn draw(
    canvas: &HtmlCanvasElement,
    frame: &Frame<'_>,
    series: &[Series<'_>],
    bands: &[Band<'_>],
) -> Result<Option<PlotArea>, JsValue> {
    let Some((root, scale)) = chart_style::open(canvas, 260.0, 3.0, "chart")? else {
        return Ok(None);
    };
    let finite = |&(x, y): &(f64, f64)| x.is_finite() && y.is_finite();
    let ys = || {
        series
            .iter()
            .flat_map(|s| s.points.iter())
            .chain(bands.iter().flat_map(|b| b.lower.iter().chain(&b.upper)))
            .filter(|p| finite(p))
            .map(|p| p.1)
    };
    let (x0, x1) = frame.x_range;
    let x = if x1 > x0 { x0..x1 } else { x0 - 0.5..x0 + 0.5 };
    let area = match frame.y_axis {
        YAxis::Log => match LogAxis::spanning(ys(), 0.06) {
            Some(y) => plot(&root, x, y, frame, series, bands, scale, canvas)?,
            None => plot(
                &root,
                x,
                linear(0.0, 1.0),
                frame,
                series,
                bands,
                scale,
                canvas,
            )?,
        },
        YAxis::Fixed(low, high) => plot(
            &root,
            x,
            linear(low, high),
            frame,
            series,
            bands,
            scale,
            canvas,
        )?,
        YAxis::FromZero => {
            let (low, mut high) =
                ys().fold((0.0, 0.0), |(l, h): (f64, f64), y| (l.min(y), h.max(y)));
            if high - low < 1e-12 {
                high = low + 1.0;
            }
            let pad = 0.06 * (high - low);
            let low = if low >= 0.0 { 0.0 } else { low - pad };
            plot(
                &root,
                x,
                linear(low, high + pad),
                frame,
                series,
                bands,
                scale,
                canvas,
            )?
        }
    };
    root.present().map_err(js_error)?;
    Ok(Some(area))
}

fn linear(low: f64, high: f64) -> RangedCoordf64 {
    RangedCoordf64::from(low..high)
}

#[allow(clippy::too_many_arguments)]
fn plot<Y>(
    root: &chart_style::Area,
    x: Range<f64>,
    y: Y,
    frame: &Frame<'_>,
    series: &[Series<'_>],
    bands: &[Band<'_>],
    scale: f64,
    canvas: &HtmlCanvasElement,
) -> Result<PlotArea, JsValue>
where
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let x_range = (x.start, x.end);
    let y_span = y.range();
    let mut chart = ChartBuilder::on(root)
        .margin((8.0 * scale) as u32)
        .x_label_area_size((30.0 * scale) as u32)
        .y_label_area_size((52.0 * scale) as u32)
        .build_cartesian_2d(x, y)
        .map_err(js_error)?;
    let x_label = |v: &f64| (frame.x_label)(*v);
    let y_label = |v: &f64| short_number(*v);
    style_mesh(&mut chart.configure_mesh(), scale)
        .x_desc(frame.x_desc)
        .y_desc(frame.y_desc)
        .x_labels(labels_along(canvas.width(), scale))
        .y_labels(labels_along(canvas.height(), scale))
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .draw()
        .map_err(js_error)?;
    let clip = |(px, py): (f64, f64)| (px, py.clamp(y_span.start, y_span.end));
    for band in bands {
        let outline: Vec<(f64, f64)> = band
            .lower
            .iter()
            .chain(band.upper.iter().rev())
            .copied()
            .filter(|&(x, y)| x.is_finite() && y.is_finite())
            .map(clip)
            .collect();
        if outline.len() >= 3 {
            chart
                .draw_series(std::iter::once(Polygon::new(
                    outline,
                    rgb(band.color).mix(0.22).filled(),
                )))
                .map_err(js_error)?;
        }
    }
    for &mark in &frame.marks {
        chart
            .draw_series(DashedLineSeries::new(
                [(mark, y_span.start), (mark, y_span.end)],
                (5.0 * scale) as u32,
                (4.0 * scale) as u32,
                WHITE.mix(0.6).stroke_width(scale.max(1.0) as u32),
            ))
            .map_err(js_error)?;
    }
    for curve in series {
        let points: Vec<(f64, f64)> = curve
            .points
            .iter()
            .copied()
            .filter(|&(x, y)| x.is_finite() && y.is_finite())
            .map(clip)
            .collect();
        let points = chart_style::thin(&points, MAX_POINTS, |&(x, y)| (x, y));
        let color = rgb(curve.color);
        match curve.stroke {
            Stroke::Solid => chart
                .draw_series(LineSeries::new(
                    points,
                    color.stroke_width((2.0 * scale) as u32),
                ))
                .map(|_| ()),
            Stroke::Dashed => chart
                .draw_series(DashedLineSeries::new(
                    points,
                    (6.0 * scale) as u32,
                    (4.0 * scale) as u32,
                    color.stroke_width((2.0 * scale) as u32),
                ))
                .map(|_| ()),
            Stroke::Faint => chart
                .draw_series(LineSeries::new(
                    points,
                    color.mix(0.35).stroke_width(scale.max(1.0) as u32),
                ))
                .map(|_| ()),
            Stroke::Dots => chart
                .draw_series(
                    points
                        .into_iter()
                        .map(|p| Circle::new(p, (3.0 * scale) as i32, color.filled())),
                )
                .map(|_| ()),
        }
        .map_err(js_error)?;
    }
    let (pixels, _) = chart.plotting_area().get_pixel_range();
    let width = f64::from(canvas.width()).max(1.0);
    Ok(PlotArea {
        left: f64::from(pixels.start) / width,
        right: f64::from(pixels.end) / width,
        x_range,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pointer_maps_back_to_x_over_the_plotting_area_only() {
        let area = PlotArea {
            left: 0.2,
            right: 0.8,
            x_range: (0.0, 6.0),
        };
        assert_eq!(area.x_at(0.2), Some(0.0));
        assert!((area.x_at(0.5).unwrap() - 3.0).abs() < 1e-12);
        assert_eq!(area.x_at(0.1), None);
        assert_eq!(area.x_at(0.9), None);
    }
}
