//! Loss against step for every racer, drawn with plotters on a canvas.
//!
//! The y axis is logarithmic (log₁₀ of the loss) when every plotted loss is
//! positive; surfaces whose loss goes negative (the saddle, the six-hump
//! camel) get a linear axis instead. A run that diverged ends in a cross.

use super::chart_style::{self, rgb, stop_cross, style_mesh, thin};
use plotters::prelude::*;
use sgdlab_core::playground::Playground;
use wasm_bindgen::JsValue;

/// At most this many points per curve are drawn.
const MAX_POINTS: usize = 300;

fn js_error(error: impl std::fmt::Display) -> JsValue {
    JsValue::from_str(&format!("loss chart: {error}"))
}

pub fn draw(canvas: &web_sys::HtmlCanvasElement, playground: &Playground) -> Result<(), JsValue> {
    let Some((root, scale)) = chart_style::open(canvas, 220.0, 3.0, "loss chart")? else {
        return Ok(());
    };

    let racers = playground.racers();
    let log = racers
        .iter()
        .flat_map(|r| r.path.points.iter())
        .all(|p| p.loss > 0.0);
    let y_of = |loss: f64| if log { loss.log10() } else { loss };
    let (mut low, mut high) = (f64::INFINITY, f64::NEG_INFINITY);
    for p in racers.iter().flat_map(|r| r.path.points.iter()) {
        let y = y_of(p.loss);
        low = low.min(y);
        high = high.max(y);
    }
    if !(low.is_finite() && high.is_finite()) {
        return Ok(());
    }
    if high - low < 1e-9 {
        low -= 0.5;
        high += 0.5;
    }
    let pad = (high - low) * 0.05;
    let steps = playground.step_count().max(10);

    let mut chart = ChartBuilder::on(&root)
        .margin((8.0 * scale) as u32)
        .x_label_area_size((26.0 * scale) as u32)
        .y_label_area_size((52.0 * scale) as u32)
        .build_cartesian_2d(0u64..steps, (low - pad)..(high + pad))
        .map_err(js_error)?;
    // On the log axis a tick at v stands for the loss 10^v.
    let y_label = |v: &f64| short_number(if log { 10f64.powf(*v) } else { *v });
    style_mesh(&mut chart.configure_mesh(), scale)
        .x_desc("step")
        .y_desc(if log { "loss (log)" } else { "loss" })
        .x_labels(6)
        .y_labels(6)
        .y_label_formatter(&y_label)
        .draw()
        .map_err(js_error)?;

    for racer in racers {
        let series = thin(&racer.path.points, MAX_POINTS, |p| (p.step, y_of(p.loss)));
        let style = rgb(racer.color).stroke_width((2.0 * scale) as u32);
        chart
            .draw_series(LineSeries::new(series.iter().copied(), style))
            .map_err(js_error)?;
        if racer.path.stop.is_some()
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
fn short_number(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude == 0.0 {
        return "0".into();
    }
    if !(0.01..10_000.0).contains(&magnitude) {
        return format!("{value:.1e}");
    }
    let decimals = (2 - magnitude.log10().floor() as i32).max(0) as usize;
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}
