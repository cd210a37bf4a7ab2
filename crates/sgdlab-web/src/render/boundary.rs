//! The decision boundary of a trained network: each pixel coloured by the
//! class probabilities (a blend of the class colours, paler where the
//! network is unsure), the 50 % line darker, and the data on top: training
//! points filled, test points as rings.
//!
//! The probabilities come from [`Trainer::predict_grid`] on a coarse grid
//! (its cost is one forward pass per grid point) that the browser scales up
//! with smoothing.

use super::context;
use sgdlab_core::surfaces::ViewBox;
use sgdlab_core::train::Trainer;
use wasm_bindgen::{Clamped, JsCast, JsValue};
use web_sys::{HtmlCanvasElement, ImageData};

/// Class colours (Okabe–Ito: blue, vermillion, bluish green, reddish purple,
/// yellow, sky blue), distinct under colour-vision deficiencies.
pub const CLASS_COLORS: [[u8; 3]; 6] = [
    [0, 114, 178],
    [213, 94, 0],
    [0, 158, 115],
    [204, 121, 167],
    [240, 228, 66],
    [86, 180, 233],
];
const PAPER: [f64; 3] = [248.0, 248.0, 244.0];

fn css([r, g, b]: [u8; 3]) -> String {
    format!("rgb({r}, {g}, {b})")
}

/// Grid points across for a network of `parameters` weights: about 2·10⁷
/// multiply-adds per drawing, between 24 and `max` points.
pub fn grid_side(parameters: usize, max: usize) -> usize {
    let side = (2.0e7 / parameters.max(1) as f64).sqrt() as usize;
    side.clamp(24.min(max), max)
}

/// Draws the boundary of `trainer` over `view` on `canvas` (cleared first).
/// `point_radius` is in canvas pixels (0 draws no points).
pub fn draw(
    canvas: &HtmlCanvasElement,
    trainer: &mut Trainer,
    view: &ViewBox,
    grid: usize,
    point_radius: f64,
) -> Result<(), JsValue> {
    let (w, h) = (f64::from(canvas.width()), f64::from(canvas.height()));
    if w < 8.0 || h < 8.0 {
        return Ok(());
    }
    let classes = trainer.spec().classes;
    let probabilities = trainer.predict_grid(view, grid, grid);
    let mut rgba = Vec::with_capacity(grid * grid * 4);
    for pixel in probabilities.chunks_exact(classes) {
        let mut mix = [0.0; 3];
        let mut top = 0.0_f32;
        for (c, &p) in pixel.iter().enumerate() {
            let colour = CLASS_COLORS[c % CLASS_COLORS.len()];
            for k in 0..3 {
                mix[k] += f64::from(p) * f64::from(colour[k]);
            }
            top = top.max(p);
        }
        // Confidence 1/C (undecided) → paper; 1 → the pure class colour.
        let floor = 1.0 / classes as f64;
        let confidence = ((f64::from(top) - floor) / (1.0 - floor)).clamp(0.0, 1.0);
        let strength = 0.25 + 0.55 * confidence;
        // A soft dark line where the classes are equally likely.
        let shade = 1.0 - 0.4 * (-(confidence / 0.12).powi(2)).exp();
        for k in 0..3 {
            let v = (PAPER[k] + (mix[k] - PAPER[k]) * strength) * shade;
            rgba.push(v.round().clamp(0.0, 255.0) as u8);
        }
        rgba.push(255);
    }
    let image = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?
        .create_element("canvas")?
        .dyn_into::<HtmlCanvasElement>()?;
    image.set_width(grid as u32);
    image.set_height(grid as u32);
    let data =
        ImageData::new_with_u8_clamped_array_and_sh(Clamped(&rgba), grid as u32, grid as u32)?;
    context(&image)?.put_image_data(&data, 0.0, 0.0)?;

    let ctx = context(canvas)?;
    ctx.set_image_smoothing_enabled(true);
    ctx.draw_image_with_html_canvas_element_and_dw_and_dh(&image, 0.0, 0.0, w, h)?;
    if point_radius <= 0.0 {
        return Ok(());
    }
    let to_px = |p: [f64; 2]| {
        (
            (p[0] - view.x_min) / (view.x_max - view.x_min) * w,
            (view.y_max - p[1]) / (view.y_max - view.y_min) * h,
        )
    };
    let r = point_radius;
    for (set, filled) in [(trainer.train_set(), true), (trainer.test_set(), false)] {
        for class in 0..classes {
            let colour = css(CLASS_COLORS[class % CLASS_COLORS.len()]);
            ctx.begin_path();
            for (p, _) in set
                .features
                .iter()
                .zip(&set.labels)
                .filter(|(_, label)| **label == class)
            {
                let (x, y) = to_px(*p);
                ctx.move_to(x + r, y);
                ctx.arc(x, y, r, 0.0, std::f64::consts::TAU)?;
            }
            if filled {
                ctx.set_fill_style_str(&colour);
                ctx.fill();
                ctx.set_stroke_style_str("rgba(255, 255, 255, 0.9)");
                ctx.set_line_width((r * 0.35).max(0.5));
                ctx.stroke();
            } else {
                ctx.set_fill_style_str("rgba(255, 255, 255, 0.9)");
                ctx.fill();
                ctx.set_stroke_style_str(&colour);
                ctx.set_line_width((r * 0.6).max(1.0));
                ctx.stroke();
            }
        }
    }
    Ok(())
}
