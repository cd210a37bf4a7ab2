//! The experiment views' line chart: the shared chart's look
//! ([`super::chart_style`]) with a choice of axes the loss curves do not
//! need. Time can run on a logarithmic axis (t from 1), for runs that are
//! millions of steps long and decided in their first thousands; the y axis
//! is a fixed range, a fitted one, or logarithmic, and always carries at
//! least five labels, so a short chart still names both ends of [−1, 1]
//! and the decade its data lies in.

use super::chart_style::{self, LogAxis, labels_along, rgb, stop_cross, style_mesh, thin};
use super::curves::{Curve, js_error, short_number};
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use wasm_bindgen::JsValue;
use web_sys::HtmlCanvasElement;

/// At most this many points per curve are drawn.
const MAX_POINTS: usize = 600;
/// The fewest labels on the y axis.
const MIN_Y_LABELS: usize = 5;

/// How the x axis is scaled.
#[derive(Clone, Copy, Debug)]
pub enum XAxis {
    /// From 0 to `end` (at least 10).
    Linear { end: f64 },
    /// Logarithmic from 1 to `end` (at least 10); points before 1 are left out.
    Log { end: f64 },
}

/// How the y axis is scaled.
#[derive(Clone, Copy, Debug)]
pub enum YAxis {
    /// A fixed range.
    Fixed(f64, f64),
    /// Linear, fitted to the values.
    Fitted,
    /// Logarithmic, fitted to the positive values (non-positive ones are
    /// left out); linear and fitted when there are none.
    Log,
}

/// The axes' words and scales.
pub struct Axes<'a> {
    pub x_desc: &'a str,
    pub y_desc: &'a str,
    pub x: XAxis,
    pub y: YAxis,
}

/// Draws `curves` on `canvas`, cleared first.
pub fn draw(
    canvas: &HtmlCanvasElement,
    curves: &[Curve<'_>],
    axes: &Axes<'_>,
) -> Result<(), JsValue> {
    let Some((root, scale)) = chart_style::open(canvas, 220.0, 3.0, "chart")? else {
        return Ok(());
    };
    let labels = (
        labels_along(canvas.width(), scale),
        labels_along(canvas.height(), scale).max(MIN_Y_LABELS),
    );
    match axes.x {
        XAxis::Linear { end } => {
            let x = RangedCoordf64::from(0.0..end.max(10.0));
            with_y(&root, x, 0.0, curves, axes, scale, labels)?;
        }
        XAxis::Log { end } => {
            let x = LogAxis {
                low: 1.0,
                high: end.max(10.0),
            };
            with_y(&root, x, 1.0, curves, axes, scale, labels)?;
        }
    }
    root.present().map_err(js_error)
}

/// The chart once the x axis is chosen: picks the y axis.
fn with_y<X>(
    root: &chart_style::Area,
    x: X,
    x_low: f64,
    curves: &[Curve<'_>],
    axes: &Axes<'_>,
    scale: f64,
    labels: (usize, usize),
) -> Result<(), JsValue>
where
    X: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let values = || {
        curves
            .iter()
            .flat_map(|c| c.points.iter())
            .filter(|(t, v)| *t >= x_low && t.is_finite() && v.is_finite())
            .map(|p| p.1)
    };
    let fitted = || {
        let (mut low, mut high) = values()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            });
        if !(low.is_finite() && high.is_finite()) {
            (low, high) = (0.0, 1.0);
        }
        if high - low < 1e-9 {
            low -= 0.5;
            high += 0.5;
        }
        let pad = (high - low) * 0.05;
        RangedCoordf64::from((low - pad)..(high + pad))
    };
    let plot = Plot {
        root,
        curves,
        axes,
        scale,
        labels,
        x_low,
    };
    match axes.y {
        YAxis::Fixed(low, high) => {
            let pad = (high - low) * 0.05;
            plot.draw(x, RangedCoordf64::from((low - pad)..(high + pad)), false)
        }
        YAxis::Fitted => plot.draw(x, fitted(), false),
        YAxis::Log => match LogAxis::spanning(values(), 0.05) {
            Some(y) => plot.draw(x, y, true),
            None => plot.draw(x, fitted(), false),
        },
    }
}

struct Plot<'p, 'a> {
    root: &'p chart_style::Area,
    curves: &'p [Curve<'a>],
    axes: &'p Axes<'p>,
    scale: f64,
    labels: (usize, usize),
    x_low: f64,
}

impl Plot<'_, '_> {
    fn draw<X, Y>(&self, x: X, y: Y, log_y: bool) -> Result<(), JsValue>
    where
        X: Ranged<ValueType = f64> + ValueFormatter<f64>,
        Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
    {
        let scale = self.scale;
        let (low, high) = (y.range().start, y.range().end);
        let mut chart = ChartBuilder::on(self.root)
            .margin((8.0 * scale) as u32)
            .x_label_area_size((34.0 * scale) as u32)
            .y_label_area_size((62.0 * scale) as u32)
            .build_cartesian_2d(x, y)
            .map_err(js_error)?;
        let label = |v: &f64| short_number(*v);
        style_mesh(&mut chart.configure_mesh(), scale)
            .x_desc(self.axes.x_desc)
            .y_desc(self.axes.y_desc)
            .x_labels(self.labels.0)
            .y_labels(self.labels.1)
            .x_label_formatter(&label)
            .y_label_formatter(&label)
            .draw()
            .map_err(js_error)?;
        for curve in self.curves {
            let points: Vec<(f64, f64)> = curve
                .points
                .iter()
                .copied()
                .filter(|(t, v)| {
                    *t >= self.x_low && t.is_finite() && v.is_finite() && (!log_y || *v > 0.0)
                })
                .map(|(t, v)| (t, v.clamp(low, high)))
                .collect();
            let series = thin(&points, MAX_POINTS, |&(t, v)| (t, v));
            let width = if curve.dashed { 1.5 } else { 2.0 };
            let style = rgb(curve.color).stroke_width((width * scale) as u32);
            if curve.dashed {
                chart
                    .draw_series(DashedLineSeries::new(
                        series.iter().copied(),
                        (6.0 * scale) as u32,
                        (4.0 * scale) as u32,
                        style,
                    ))
                    .map_err(js_error)?;
            } else {
                chart
                    .draw_series(LineSeries::new(series.iter().copied(), style))
                    .map_err(js_error)?;
            }
            if curve.stopped
                && let Some(&end) = series.last()
            {
                chart
                    .draw_series(std::iter::once(stop_cross(end, scale)))
                    .map_err(js_error)?;
            }
        }
        Ok(())
    }
}
