//! The one line chart of every view: curves (solid, dashed, faint or
//! dots, with a red cross where a run stopped), bands between two curves,
//! dashed vertical marks, on linear or logarithmic axes.
//!
//! ```text
//! x axis   Steps         from 0 to the data's end (at least 10): steps, epochs
//!          Range(a, b)   exactly [a, b]: t ∈ [0, 1], ln λ, capacity, a whole run
//!          Log { end }   logarithmic from 1 to `end` (at least 10): runs of millions
//!                        of steps, decided in their first thousands; points before 1
//!                        are left out
//! y axis   Fitted        the data's range with a margin
//!          FromZero      the same, always including 0
//!          Fixed(a, b)   [a, b] with a margin (values outside are clipped): accuracy,
//!                        x ∈ [−1, 1]
//!          Log           logarithmic, ticked 1, 2, 5 × 10ᵏ, over the positive values;
//!                        a point at or below 0 is left out (a loss that reaches
//!                        exactly 0 ends there)
//!          LogOrFitted   Log when every value is positive, Fitted otherwise (a loss
//!                        that goes negative keeps its points)
//! ```
//!
//! Both axes carry as many labels as fit their length
//! ([`labels_across`], [`labels_down`]), so labels never run together in a
//! small embed; text scales with the canvas so it stays readable on a
//! projector, and the x label area fits the tick labels above the axis
//! description at any scale. Non-finite points are never drawn.

use super::chart_style::{
    self, LogAxis, labels_across, labels_down, rgb, stop_cross, style_mesh, thin,
};
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use wasm_bindgen::JsValue;
use web_sys::HtmlCanvasElement;

/// At most this many points per curve are drawn.
const MAX_POINTS: usize = 600;

/// How a curve is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stroke {
    Solid,
    /// A second quantity in the same colour (test beside train), or a
    /// reference (the flow on L).
    Dashed,
    /// Thin and translucent: one of many (the fits of many datasets).
    Faint,
    /// A dot at each point (measurements).
    Dots,
}

/// One curve: its colour (`#rrggbb`) and points in order of x.
pub struct Curve<'a> {
    pub color: &'a str,
    pub points: Vec<(f64, f64)>,
    pub stroke: Stroke,
    /// The run stopped early (diverged): a red cross ends the curve.
    pub stopped: bool,
}

impl<'a> Curve<'a> {
    /// A solid curve of a run that is still going.
    pub fn solid(color: &'a str, points: Vec<(f64, f64)>) -> Self {
        Self {
            color,
            points,
            stroke: Stroke::Solid,
            stopped: false,
        }
    }

    /// The same curve drawn with `stroke`.
    pub fn with(self, stroke: Stroke) -> Self {
        Self { stroke, ..self }
    }

    /// The same curve ending in a red cross when `stopped`.
    pub fn stopped(self, stopped: bool) -> Self {
        Self { stopped, ..self }
    }
}

/// A filled band between two curves sampled at the same x.
pub struct Band<'a> {
    pub color: &'a str,
    pub lower: Vec<(f64, f64)>,
    pub upper: Vec<(f64, f64)>,
}

/// How the x axis runs (see the module's table).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum XAxis {
    Steps,
    Range(f64, f64),
    Log { end: f64 },
}

/// How the y axis runs (see the module's table).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum YAxis {
    Fitted,
    FromZero,
    Fixed(f64, f64),
    Log,
    LogOrFitted,
}

/// The margin added to each end of a y axis, as a share of its length (of
/// its length in decades on a log axis).
const Y_MARGIN: f64 = 0.05;

/// A chart: its axes, what it draws, and how x ticks read.
pub struct Chart<'a> {
    pub x_desc: &'a str,
    pub y_desc: &'a str,
    pub x: XAxis,
    pub y: YAxis,
    pub curves: Vec<Curve<'a>>,
    pub bands: Vec<Band<'a>>,
    /// Dashed vertical lines at these x.
    pub marks: Vec<f64>,
    /// The text of an x tick (default: three significant digits).
    pub x_label: Option<&'a dyn Fn(f64) -> String>,
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
    /// over the plotting area (on a linear x axis).
    pub fn x_at(&self, share: f64) -> Option<f64> {
        if !(self.left..=self.right).contains(&share) || self.right <= self.left {
            return None;
        }
        let t = (share - self.left) / (self.right - self.left);
        Some(self.x_range.0 + t * (self.x_range.1 - self.x_range.0))
    }
}

/// A plotters error as the chart's error.
pub fn js_error(error: impl std::fmt::Display) -> JsValue {
    JsValue::from_str(&format!("chart: {error}"))
}

/// Three significant digits, in exponent form outside [0.01, 10⁴).
pub fn short_number(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude != 0.0 && !(0.01..10_000.0).contains(&magnitude) {
        format!("{value:.1e}")
    } else {
        let text = format!("{value:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

impl Chart<'_> {
    /// A chart with no curves yet.
    pub fn new<'a>(x_desc: &'a str, y_desc: &'a str, x: XAxis, y: YAxis) -> Chart<'a> {
        Chart {
            x_desc,
            y_desc,
            x,
            y,
            curves: Vec::new(),
            bands: Vec::new(),
            marks: Vec::new(),
            x_label: None,
        }
    }

    /// Every finite point of the curves and bands.
    fn points(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.curves
            .iter()
            .flat_map(|c| c.points.iter())
            .chain(
                self.bands
                    .iter()
                    .flat_map(|b| b.lower.iter().chain(&b.upper)),
            )
            .copied()
            .filter(|&(x, y)| x.is_finite() && y.is_finite())
    }

    /// Draws the chart on `canvas` (cleared first); `None` when the canvas
    /// is too small to draw on.
    pub fn draw(&self, canvas: &HtmlCanvasElement) -> Result<Option<PlotArea>, JsValue> {
        let Some((root, scale)) = chart_style::open(canvas, 220.0, 3.0, "chart")? else {
            return Ok(None);
        };
        let area = match self.x {
            XAxis::Steps => {
                let end = self.points().map(|p| p.0).fold(10.0_f64, f64::max);
                self.with_y(&root, canvas, scale, RangedCoordf64::from(0.0..end))
            }
            XAxis::Range(a, b) => {
                let (a, b) = if b > a { (a, b) } else { (a - 0.5, a + 0.5) };
                self.with_y(&root, canvas, scale, RangedCoordf64::from(a..b))
            }
            XAxis::Log { end } => {
                let high = if end.is_finite() { end.max(10.0) } else { 10.0 };
                self.with_y(&root, canvas, scale, LogAxis { low: 1.0, high })
            }
        }?;
        root.present().map_err(js_error)?;
        Ok(Some(area))
    }

    /// The chart once the x axis is chosen: picks the y axis.
    fn with_y<X>(
        &self,
        root: &chart_style::Area,
        canvas: &HtmlCanvasElement,
        scale: f64,
        x: X,
    ) -> Result<PlotArea, JsValue>
    where
        X: Ranged<ValueType = f64> + ValueFormatter<f64>,
    {
        let x_low = x.range().start;
        let ys = || self.points().filter(|p| p.0 >= x_low).map(|p| p.1);
        let fitted = |from_zero: bool| {
            let start = if from_zero {
                (0.0, 0.0)
            } else {
                (f64::INFINITY, f64::NEG_INFINITY)
            };
            let (mut low, mut high) = ys().fold(start, |(lo, hi), v| (lo.min(v), hi.max(v)));
            if !(low.is_finite() && high.is_finite()) {
                (low, high) = (0.0, 1.0);
            }
            if high - low < 1e-12 {
                if from_zero {
                    high = low + 1.0;
                } else {
                    low -= 0.5;
                    high += 0.5;
                }
            }
            let pad = (high - low) * Y_MARGIN;
            let low = if from_zero && low >= 0.0 {
                0.0
            } else {
                low - pad
            };
            RangedCoordf64::from(low..(high + pad))
        };
        let on_log = |every_positive: bool| {
            LogAxis::spanning(ys(), Y_MARGIN).filter(|_| !every_positive || ys().all(|v| v > 0.0))
        };
        let linear = Plotted::Linear;
        match self.y {
            YAxis::Fitted => self.plot(root, canvas, scale, x, fitted(false), linear),
            YAxis::FromZero => self.plot(root, canvas, scale, x, fitted(true), linear),
            YAxis::Fixed(low, high) => {
                let pad = (high - low).abs() * Y_MARGIN;
                let y = RangedCoordf64::from((low - pad)..(high + pad));
                self.plot(root, canvas, scale, x, y, linear)
            }
            YAxis::Log => match on_log(false) {
                Some(y) => self.plot(root, canvas, scale, x, y, Plotted::PositiveOnly),
                None => self.plot(root, canvas, scale, x, fitted(false), linear),
            },
            YAxis::LogOrFitted => match on_log(true) {
                Some(y) => self.plot(root, canvas, scale, x, y, linear),
                None => self.plot(root, canvas, scale, x, fitted(false), linear),
            },
        }
    }

    /// The chart on its two axes, keeping the points `plotted` allows.
    fn plot<X, Y>(
        &self,
        root: &chart_style::Area,
        canvas: &HtmlCanvasElement,
        scale: f64,
        x: X,
        y: Y,
        plotted: Plotted,
    ) -> Result<PlotArea, JsValue>
    where
        X: Ranged<ValueType = f64> + ValueFormatter<f64>,
        Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
    {
        let x_span = x.range();
        let y_span = y.range();
        let mut chart = ChartBuilder::on(root)
            .margin((8.0 * scale) as u32)
            .x_label_area_size(chart_style::x_label_area(scale))
            .y_label_area_size((60.0 * scale) as u32)
            .build_cartesian_2d(x, y)
            .map_err(js_error)?;
        let x_label = |v: &f64| match self.x_label {
            Some(label) => label(*v),
            None => short_number(*v),
        };
        let y_label = |v: &f64| short_number(*v);
        style_mesh(&mut chart.configure_mesh(), scale)
            .x_desc(self.x_desc)
            .y_desc(self.y_desc)
            .x_labels(labels_across(canvas.width(), scale))
            .y_labels(labels_down(canvas.height(), scale))
            .x_label_formatter(&x_label)
            .y_label_formatter(&y_label)
            .draw()
            .map_err(js_error)?;
        // Points inside the x span, clipped to the y span (a log axis of
        // the positive values drops what it cannot show).
        let inside = |&(px, py): &(f64, f64)| {
            px.is_finite()
                && py.is_finite()
                && px >= x_span.start
                && px <= x_span.end
                && (plotted == Plotted::Linear || py > 0.0)
        };
        let clip = |(px, py): (f64, f64)| (px, py.clamp(y_span.start, y_span.end));
        for band in &self.bands {
            let outline: Vec<(f64, f64)> = band
                .lower
                .iter()
                .chain(band.upper.iter().rev())
                .copied()
                .filter(inside)
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
        for &mark in &self.marks {
            chart
                .draw_series(DashedLineSeries::new(
                    [(mark, y_span.start), (mark, y_span.end)],
                    (5.0 * scale) as u32,
                    (4.0 * scale) as u32,
                    WHITE.mix(0.6).stroke_width(scale.max(1.0) as u32),
                ))
                .map_err(js_error)?;
        }
        for curve in &self.curves {
            let points: Vec<(f64, f64)> = curve
                .points
                .iter()
                .copied()
                .filter(inside)
                .map(clip)
                .collect();
            let points = thin(&points, MAX_POINTS, |&p| p);
            let color = rgb(curve.color);
            let width = |w: f64| (w * scale).max(1.0) as u32;
            match curve.stroke {
                Stroke::Solid => chart
                    .draw_series(LineSeries::new(
                        points.iter().copied(),
                        color.stroke_width(width(2.0)),
                    ))
                    .map(|_| ()),
                Stroke::Dashed => chart
                    .draw_series(DashedLineSeries::new(
                        points.iter().copied(),
                        (6.0 * scale) as u32,
                        (4.0 * scale) as u32,
                        color.stroke_width(width(1.5)),
                    ))
                    .map(|_| ()),
                Stroke::Faint => chart
                    .draw_series(LineSeries::new(
                        points.iter().copied(),
                        color.mix(0.35).stroke_width(width(1.0)),
                    ))
                    .map(|_| ()),
                Stroke::Dots => chart
                    .draw_series(
                        points
                            .iter()
                            .map(|&p| Circle::new(p, (3.0 * scale) as i32, color.filled())),
                    )
                    .map(|_| ()),
            }
            .map_err(js_error)?;
            if curve.stopped
                && let Some(&end) = points.last()
            {
                chart
                    .draw_series(std::iter::once(stop_cross(end, scale)))
                    .map_err(js_error)?;
            }
        }
        let (pixels, _) = chart.plotting_area().get_pixel_range();
        let width = f64::from(canvas.width()).max(1.0);
        Ok(PlotArea {
            left: f64::from(pixels.start) / width,
            right: f64::from(pixels.end) / width,
            x_range: (x_span.start, x_span.end),
        })
    }
}

/// Which points a y axis can show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Plotted {
    /// Any (out-of-range ones are clipped to the axis).
    Linear,
    /// Those above 0 (a log axis of the positive values).
    PositiveOnly,
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

    #[test]
    fn short_numbers_keep_three_digits() {
        assert_eq!(short_number(0.0), "0");
        assert_eq!(short_number(1.5), "1.5");
        assert_eq!(short_number(123.456), "123.456");
        assert_eq!(short_number(1e-5), "1.0e-5");
        assert_eq!(short_number(25000.0), "2.5e4");
    }
}
