//! A small line chart for any set of curves (loss or accuracy against step),
//! drawn with plotters on a canvas: the stochastic view's loss curves and
//! the training lab's loss and accuracy curves.
//!
//! With `log_y` the axis shows log₁₀ of the values when every value is
//! positive (a linear axis otherwise). Non-finite values are never plotted;
//! a curve that stopped ends in a red cross.

use super::chart_style::{self, rgb, stop_cross, style_mesh, thin};
use plotters::prelude::*;
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
    let log = axes.log_y && axes.y_range.is_none() && all().all(|p| p.1 > 0.0);
    let y_of = |v: f64| if log { v.log10() } else { v };
    let x_high = all().map(|p| p.0).fold(10.0_f64, f64::max);
    let (mut low, mut high) = match axes.y_range {
        Some(range) => range,
        None => all().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(y_of(p.1)), hi.max(y_of(p.1)))
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

    let mut chart = ChartBuilder::on(&root)
        .margin((8.0 * scale) as u32)
        .x_label_area_size((26.0 * scale) as u32)
        .y_label_area_size((52.0 * scale) as u32)
        .build_cartesian_2d(0.0..x_high, (low - pad)..(high + pad))
        .map_err(js_error)?;
    let y_label = |v: &f64| short_number(if log { 10f64.powf(*v) } else { *v });
    let x_label = |v: &f64| short_number(*v);
    let y_desc = if log {
        format!("{} (log)", axes.y_desc)
    } else {
        axes.y_desc.to_string()
    };
    style_mesh(&mut chart.configure_mesh(), scale)
        .x_desc(axes.x_desc)
        .y_desc(y_desc)
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .draw()
        .map_err(js_error)?;

    for curve in curves {
        let points: Vec<(f64, f64)> = curve.points.iter().copied().filter(finite).collect();
        let series = thin(&points, MAX_POINTS, |&(x, y)| (x, y_of(y)));
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
    root.present().map_err(js_error)?;
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
