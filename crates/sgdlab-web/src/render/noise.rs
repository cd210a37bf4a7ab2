//! The gradient-noise panel: the cloud of K minibatch gradients around the
//! full gradient, measured vs predicted variance against 1/B (log-log), and
//! the histogram of angles between each minibatch gradient and ∇L.
//!
//! The cloud's frame is fixed by the per-example spread σ (the B = 1 cloud),
//! not by the cloud itself, so growing the batch visibly shrinks the cloud.

use super::chart::{js_error, short_number};
use super::chart_style::{
    self, BACKGROUND, INK, LogAxis, labels_across, labels_down, rgb, style_mesh, x_label_area,
};
use super::context;
use plotters::prelude::*;
use sgdlab_core::stochastic::gradient_noise::{ANGLE_BIN_DEGREES, ANGLE_BINS};
use sgdlab_core::stochastic::{BatchDraw, GradientNoise, VariancePoint};
use wasm_bindgen::JsValue;
use web_sys::HtmlCanvasElement;

const CLOUD: &str = "#E69F00";
const FULL: &str = "#56B4E9";
const UPHILL: &str = "#D55E00";

fn css(color: RGBColor) -> String {
    format!("rgb({}, {}, {})", color.0, color.1, color.2)
}

/// The cloud of minibatch gradients ĝₖ (dots), the full gradient g (arrow
/// from the origin), the cloud's mean (ring) and its 2-standard-deviation
/// ellipse. `names` are the two parameters' names for the axis labels.
pub fn draw_cloud(
    canvas: &HtmlCanvasElement,
    noise: &GradientNoise,
    names: [&str; 2],
) -> Result<(), JsValue> {
    let ctx = context(canvas)?;
    let (w, h) = (f64::from(canvas.width()), f64::from(canvas.height()));
    ctx.set_fill_style_str(&css(BACKGROUND));
    ctx.fill_rect(0.0, 0.0, w, h);
    if w < 40.0 || h < 40.0 {
        return Ok(());
    }
    let unit = (w.min(h) / 300.0).max(0.6);
    let g = noise.full_gradient;
    // The B = 1 cloud's spread per axis, about √(σ²/2).
    let sigma = (noise.example_variance / 2.0).sqrt();
    let reach = 2.5 * sigma;
    let (mut x_lo, mut x_hi) = (0.0_f64.min(g[0] - reach), 0.0_f64.max(g[0] + reach));
    let (mut y_lo, mut y_hi) = (0.0_f64.min(g[1] - reach), 0.0_f64.max(g[1] + reach));
    if !(x_lo.is_finite() && x_hi.is_finite() && y_lo.is_finite() && y_hi.is_finite()) {
        return Ok(());
    }
    // Equal scales on both axes so the angles on screen are the true ones.
    let span = (x_hi - x_lo).max(y_hi - y_lo).max(1e-12) * 1.1;
    let (cx, cy) = (0.5 * (x_lo + x_hi), 0.5 * (y_lo + y_hi));
    (x_lo, x_hi, y_lo, y_hi) = (
        cx - span / 2.0,
        cx + span / 2.0,
        cy - span / 2.0,
        cy + span / 2.0,
    );
    let side = w.min(h) - 16.0 * unit;
    let (ox, oy) = ((w - side) / 2.0, (h - side) / 2.0);
    let to_px = |x: f64, y: f64| {
        (
            (ox + (x - x_lo) / (x_hi - x_lo) * side).clamp(-1e5, 1e5),
            (oy + (y_hi - y) / (y_hi - y_lo) * side).clamp(-1e5, 1e5),
        )
    };

    // Axes through the origin.
    let (zx, zy) = to_px(0.0, 0.0);
    ctx.begin_path();
    ctx.move_to(ox, zy);
    ctx.line_to(ox + side, zy);
    ctx.move_to(zx, oy);
    ctx.line_to(zx, oy + side);
    ctx.set_stroke_style_str("rgba(160, 170, 190, 0.6)");
    ctx.set_line_width(unit);
    ctx.stroke();
    ctx.set_fill_style_str(&css(INK));
    ctx.set_font(&format!("{}px sans-serif", (11.0 * unit).round()));
    ctx.fill_text(
        &format!("∂L/∂{}", names[0]),
        ox + side - 44.0 * unit,
        zy - 4.0 * unit,
    )?;
    ctx.fill_text(
        &format!("∂L/∂{}", names[1]),
        zx + 4.0 * unit,
        oy + 12.0 * unit,
    )?;

    // The half-plane of uphill directions: ĝ·g < 0 beyond the line ⟂ g.
    let norm = g[0].hypot(g[1]);
    if norm > 0.0 && norm.is_finite() {
        let (px, py) = (-g[1] / norm * span, g[0] / norm * span);
        let (ax, ay) = to_px(px, py);
        let (bx, by) = to_px(-px, -py);
        ctx.begin_path();
        ctx.move_to(ax, ay);
        ctx.line_to(bx, by);
        ctx.set_stroke_style_str("rgba(213, 94, 0, 0.7)");
        ctx.set_line_dash(&js_sys::Array::of2(
            &JsValue::from_f64(4.0 * unit),
            &JsValue::from_f64(4.0 * unit),
        ))?;
        ctx.stroke();
        ctx.set_line_dash(&js_sys::Array::new())?;
    }

    // The cloud.
    ctx.begin_path();
    let r = 1.8 * unit;
    for &[x, y] in &noise.batch_gradients {
        let (px, py) = to_px(x, y);
        ctx.move_to(px + r, py);
        ctx.arc(px, py, r, 0.0, std::f64::consts::TAU)?;
    }
    ctx.set_fill_style_str("rgba(230, 159, 0, 0.45)");
    ctx.fill();

    // Two-standard-deviation ellipse of the covariance around g.
    let c = noise.covariance;
    let trace = c[0][0] + c[1][1];
    let det = c[0][0] * c[1][1] - c[0][1] * c[1][0];
    let gap = ((trace / 2.0).powi(2) - det).max(0.0).sqrt();
    let (l1, l2) = (trace / 2.0 + gap, (trace / 2.0 - gap).max(0.0));
    if l1 > 0.0 && l1.is_finite() {
        let angle = if c[0][1].abs() > 1e-300 {
            (l1 - c[0][0]).atan2(c[0][1])
        } else if c[0][0] >= c[1][1] {
            0.0
        } else {
            std::f64::consts::FRAC_PI_2
        };
        let (gx, gy) = to_px(g[0], g[1]);
        let px_per_unit = side / (x_hi - x_lo);
        ctx.begin_path();
        ctx.ellipse(
            gx,
            gy,
            (2.0 * l1.sqrt() * px_per_unit).min(1e5),
            (2.0 * l2.sqrt() * px_per_unit).min(1e5),
            -angle,
            0.0,
            std::f64::consts::TAU,
        )?;
        ctx.set_stroke_style_str(CLOUD);
        ctx.set_line_width(1.5 * unit);
        ctx.stroke();
    }

    // The full gradient as an arrow from the origin.
    let (gx, gy) = to_px(g[0], g[1]);
    arrow(&ctx, (zx, zy), (gx, gy), FULL, 3.0 * unit)?;
    ctx.set_fill_style_str(FULL);
    ctx.fill_text("∇L", gx + 6.0 * unit, gy - 6.0 * unit)?;

    // The cloud's mean.
    let (mx, my) = to_px(noise.mean_gradient[0], noise.mean_gradient[1]);
    ctx.begin_path();
    ctx.arc(mx, my, 4.0 * unit, 0.0, std::f64::consts::TAU)?;
    ctx.set_stroke_style_str("#ffffff");
    ctx.set_line_width(1.5 * unit);
    ctx.stroke();
    Ok(())
}

fn arrow(
    ctx: &web_sys::CanvasRenderingContext2d,
    from: (f64, f64),
    to: (f64, f64),
    color: &str,
    width: f64,
) -> Result<(), JsValue> {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let length = dx.hypot(dy);
    ctx.begin_path();
    ctx.move_to(from.0, from.1);
    ctx.line_to(to.0, to.1);
    ctx.set_stroke_style_str("rgba(0, 0, 0, 0.6)");
    ctx.set_line_width(width + 2.0);
    ctx.stroke();
    ctx.set_stroke_style_str(color);
    ctx.set_line_width(width);
    ctx.stroke();
    if length > 1.0 {
        let (ux, uy) = (dx / length, dy / length);
        let head = (4.0 * width).min(length);
        ctx.begin_path();
        ctx.move_to(to.0, to.1);
        ctx.line_to(
            to.0 - head * ux + 0.5 * head * uy,
            to.1 - head * uy - 0.5 * head * ux,
        );
        ctx.line_to(
            to.0 - head * ux - 0.5 * head * uy,
            to.1 - head * uy + 0.5 * head * ux,
        );
        ctx.close_path();
        ctx.set_fill_style_str(color);
        ctx.fill();
    }
    Ok(())
}

/// Measured variance (dots) and the prediction (line) against 1/B on
/// log-log axes; the current batch size is ringed. Zero variances (a batch
/// of the whole data drawn without replacement) cannot sit on a log axis
/// and are left out.
pub fn draw_variance(
    canvas: &HtmlCanvasElement,
    points: &[VariancePoint],
    noise: &GradientNoise,
    examples: usize,
) -> Result<(), JsValue> {
    let Some((root, scale)) = chart_style::open(canvas, 300.0, 2.0, "chart")? else {
        return Ok(());
    };

    // The predicted curve on a fine log grid of B from 1 to n, as (1/B, v).
    let n = examples.max(1);
    let mut predicted: Vec<(f64, f64)> = Vec::new();
    let steps = 60;
    let mut last_b = 0;
    for i in 0..=steps {
        let b = ((n as f64).powf(f64::from(i) / f64::from(steps)).round() as usize).clamp(1, n);
        if b == last_b {
            continue;
        }
        last_b = b;
        let v = noise.draw.predicted_variance(noise.example_variance, n, b);
        if v > 0.0 && v.is_finite() {
            predicted.push((1.0 / b as f64, v));
        }
    }
    // A batch of all n examples drawn without replacement has no noise; its
    // measurement is rounding error (~1e-30) and would squash the axis.
    let largest = points.iter().map(|p| p.measured).fold(0.0, f64::max);
    let measured: Vec<(f64, f64, usize)> = points
        .iter()
        .filter(|p| p.measured > 1e-9 * largest && p.measured.is_finite())
        .map(|p| (1.0 / p.batch_size as f64, p.measured, p.batch_size))
        .collect();
    let ys = predicted
        .iter()
        .map(|p| p.1)
        .chain(measured.iter().map(|p| p.1));
    let y = LogAxis::spanning(ys, 0.08).unwrap_or(LogAxis {
        low: 0.1,
        high: 1.0,
    });
    let x = LogAxis {
        low: (1.0 / n as f64).min(0.3) / 1.25,
        high: 1.25,
    };
    let mut chart = ChartBuilder::on(&root)
        .margin((8.0 * scale) as u32)
        .x_label_area_size(x_label_area(scale))
        .y_label_area_size((64.0 * scale) as u32)
        .build_cartesian_2d(x, y)
        .map_err(js_error)?;
    let value = |v: &f64| short_number(*v);
    let inverse = |v: &f64| {
        if *v > 0.99 {
            "1".to_string()
        } else {
            format!("1/{}", short_number((1.0 / v).round()))
        }
    };
    style_mesh(&mut chart.configure_mesh(), scale)
        .x_desc("1/B (log)")
        .x_label_formatter(&inverse)
        .y_desc("E‖ĝ − ∇L‖² (log)")
        .x_labels(labels_across(canvas.width(), scale))
        .y_labels(labels_down(canvas.height(), scale))
        .y_label_formatter(&value)
        .draw()
        .map_err(js_error)?;
    chart
        .draw_series(LineSeries::new(
            predicted.iter().copied(),
            rgb(FULL).stroke_width((2.0 * scale) as u32),
        ))
        .map_err(js_error)?;
    chart
        .draw_series(
            measured
                .iter()
                .map(|&(x, y, _)| Circle::new((x, y), (3.5 * scale) as i32, rgb(CLOUD).filled())),
        )
        .map_err(js_error)?;
    if let Some(&(x, y, _)) = measured.iter().find(|p| p.2 == noise.batch_size) {
        chart
            .draw_series(std::iter::once(Circle::new(
                (x, y),
                (7.0 * scale) as i32,
                WHITE.stroke_width((2.0 * scale) as u32),
            )))
            .map_err(js_error)?;
    }
    root.present().map_err(js_error)?;
    Ok(())
}

/// The histogram of angles between ĝₖ and ∇L in 10° bins; bins past 90°
/// (uphill minibatch steps) in a warning colour, a dashed line at 90°.
pub fn draw_angles(canvas: &HtmlCanvasElement, noise: &GradientNoise) -> Result<(), JsValue> {
    let Some((root, scale)) = chart_style::open(canvas, 300.0, 2.0, "chart")? else {
        return Ok(());
    };
    let total = noise.angles.len().max(1) as f64;
    let shares: Vec<f64> = noise
        .angle_histogram
        .iter()
        .map(|&c| c as f64 / total)
        .collect();
    let top = shares.iter().copied().fold(0.05, f64::max) * 1.1;
    let mut chart = ChartBuilder::on(&root)
        .margin((8.0 * scale) as u32)
        .x_label_area_size(x_label_area(scale))
        .y_label_area_size((48.0 * scale) as u32)
        .build_cartesian_2d(0.0..180.0, 0.0..top)
        .map_err(js_error)?;
    let degrees = |v: &f64| format!("{v:.0}°");
    let percent = |v: &f64| format!("{:.0}%", v * 100.0);
    style_mesh(&mut chart.configure_mesh(), scale)
        .x_desc("angle between ĝ and ∇L")
        .x_labels(labels_across(canvas.width(), scale))
        .y_labels(labels_down(canvas.height(), scale))
        .x_label_formatter(&degrees)
        .y_label_formatter(&percent)
        .draw()
        .map_err(js_error)?;
    let bars = shares.iter().enumerate().take(ANGLE_BINS).map(|(i, &s)| {
        let x0 = i as f64 * ANGLE_BIN_DEGREES;
        let color = if x0 >= 90.0 { rgb(UPHILL) } else { rgb(FULL) };
        Rectangle::new(
            [(x0 + 0.8, 0.0), (x0 + ANGLE_BIN_DEGREES - 0.8, s)],
            color.filled(),
        )
    });
    chart.draw_series(bars).map_err(js_error)?;
    chart
        .draw_series(DashedLineSeries::new(
            [(90.0, 0.0), (90.0, top)],
            (5.0 * scale) as u32,
            (4.0 * scale) as u32,
            WHITE.stroke_width(scale as u32),
        ))
        .map_err(js_error)?;
    root.present().map_err(js_error)?;
    Ok(())
}

/// Which draw the panel used, in words.
pub fn draw_name(draw: BatchDraw) -> &'static str {
    match draw {
        BatchDraw::WithoutReplacement => "without replacement",
        BatchDraw::WithReplacement => "with replacement",
    }
}
