//! A small line chart for any set of curves (loss or accuracy against step),
//! drawn with plotters on a canvas: the stochastic view's loss curves and
//! the training lab's loss and accuracy curves.
//!
//! With `log_y` the y axis is logarithmic, ticked at 1, 2 and 5 × 10ᵏ, when
//! every value is positive (linear otherwise). Both axes carry as many
//! labels as fit their length. Non-finite values are never plotted;
//! a curve that stopped ends in a red cross.

use super::chart_style::{self, LogAxis, labels_along, rgb, stop_cross, style_mesh, thin};
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use std::ops::Range;
use wasm_bindgen::JsValue;

/// At most this many points per curve are drawn.
const MAX_POINTS: usize = 400;

/// One curve: its colour (`#rrggbb`), points (x, y) in order, and whether
/// its run stopped early.
pub struct Curve<'a> {
    pub color: &'a str,
    pub points: Vec<(f64, f64)>,
    pub stopped: bool,
    /// Dashed, for a second quantity in the same colour (test vs train).
    pub dashed: bool,
}

/// The axes' words and scale.
pub struct Axes<'a> {
    pub x_desc: &'a str,
    pub y_desc: &'a str,
    pub log_y: bool,
    /// A fixed y range (e.g. accuracy 0..1) instead of one fitted to the data.
    pub y_range: Option<(f64, f64)>,
}

pub fn js_error(error: impl std::fmt::Display) -> JsValue {
    JsValue::from_str(&format!("chart: {error}"))
}

/// Draws `curves` on `canvas` (cleared first).
pub fn draw(
    canvas: &web_sys::HtmlCanvasElement,
    curves: &[Curve<'_>],
    axes: &Axes<'_>,
) -> Result<(), JsValue> {
    let Some((root, scale)) = chart_style::open(canvas, 220.0, 3.0, "chart")? else {
        return Ok(());
    };
    let finite = |&(x, y): &(f64, f64)| x.is_finite() && y.is_finite();
    let all = || {
        curves
            .iter()
            .flat_map(|c| c.points.iter())
            .filter(|p| finite(p))
    };
    let x = 0.0..all().map(|p| p.0).fold(10.0_f64, f64::max);
    let labels = (
        labels_along(canvas.width(), scale),
        labels_along(canvas.height(), scale),
    );
    let log = axes.log_y && axes.y_range.is_none() && all().all(|p| p.1 > 0.0);
    if log && let Some(y) = LogAxis::spanning(all().map(|p| p.1), 0.05) {
        plot(&root, x, y, curves, axes, scale, labels)?;
    } else {
        let (mut low, mut high) = match axes.y_range {
            Some(range) => range,
            None => all().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
                (lo.min(p.1), hi.max(p.1))
            }),
        };
        if !(low.is_finite() && high.is_finite()) {
            (low, high) = (0.0, 1.0);
        }
        if high - low < 1e-9 {
            low -= 0.5;
            high += 0.5;
        }
        let pad = (high - low) * 0.05;
        let y = RangedCoordf64::from((low - pad)..(high + pad));
        plot(&root, x, y, curves, axes, scale, labels)?;
    }
    root.present().map_err(js_error)?;
    Ok(())
}

/// The chart on either kind of y axis.
fn plot<Y>(
    root: &chart_style::Area,
    x: Range<f64>,
    y: Y,
    curves: &[Curve<'_>],
    axes: &Axes<'_>,
    scale: f64,
    (x_labels, y_labels): (usize, usize),
) -> Result<(), JsValue>
where
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let mut chart = ChartBuilder::on(root)
        .margin((8.0 * scale) as u32)
        .x_label_area_size((26.0 * scale) as u32)
        .y_label_area_size((52.0 * scale) as u32)
        .build_cartesian_2d(x, y)
        .map_err(js_error)?;
    let label = |v: &f64| short_number(*v);
    style_mesh(&mut chart.configure_mesh(), scale)
        .x_desc(axes.x_desc)
        .y_desc(axes.y_desc)
        .x_labels(x_labels)
        .y_labels(y_labels)
        .x_label_formatter(&label)
        .y_label_formatter(&label)
        .draw()
        .map_err(js_error)?;
    for curve in curves {
        let points: Vec<(f64, f64)> = curve
            .points
            .iter()
            .copied()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .collect();
        let series = thin(&points, MAX_POINTS, |&(x, y)| (x, y));
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
