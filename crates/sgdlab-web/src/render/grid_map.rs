//! A heatmap of values on a grid over a view box (the modified loss of the
//! implicit-regularisation view, the loss on the plane of the
//! mode-connectivity view), kept as a small image that the browser scales
//! up with smoothing, with contour lines.
//!
//! A costly grid can be filled a few values per frame ([`GridMap::push`]):
//! the complete rows so far are coloured on a scale fitted to them, and the
//! contours are traced once every row is in. [`GridMap::draw`] paints the image
//! wherever its view box falls under a [`Projection`], so a map made for a
//! wider view can serve a close-up.

use super::{Projection, context};
use sgdlab_core::playground::heatmap::{
    ColorScale, Segment, colorize, contour_levels, contour_segments,
};
use sgdlab_core::surfaces::ViewBox;
use wasm_bindgen::{Clamped, JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

/// Contour lines traced once the grid is complete.
const CONTOUR_LEVELS: usize = 12;

/// Grid points across for values that cost `cost` units each: about
/// `budget` units for the whole grid, between `min` and `max` across.
pub fn grid_side(cost: usize, budget: f64, min: usize, max: usize) -> usize {
    let side = (budget / cost.max(1) as f64).sqrt() as usize;
    side.clamp(min, max)
}

/// A grid of values over a view box, as an image.
pub struct GridMap {
    image: HtmlCanvasElement,
    view: ViewBox,
    width: usize,
    height: usize,
    /// The values so far, row by row from the top (largest y); the last
    /// row may be partly filled.
    values: Vec<f64>,
    contours: Vec<Segment>,
}

impl GridMap {
    /// An empty `width × height` map over `view`, to be filled row by row.
    pub fn new(view: ViewBox, width: usize, height: usize) -> Result<Self, JsValue> {
        let image = offscreen_canvas(width.max(1) as u32, height.max(1) as u32)?;
        Ok(Self {
            image,
            view,
            width: width.max(1),
            height: height.max(1),
            values: Vec::with_capacity(width * height),
            contours: Vec::new(),
        })
    }

    /// A complete map from its values (row 0 at the top).
    pub fn complete(
        view: ViewBox,
        width: usize,
        height: usize,
        values: Vec<f64>,
    ) -> Result<Self, JsValue> {
        let mut map = Self::new(view, width, height)?;
        map.push(&values)?;
        Ok(map)
    }

    /// The view box the grid covers.
    pub fn view(&self) -> ViewBox {
        self.view
    }

    /// Complete rows so far.
    pub fn rows(&self) -> usize {
        self.values.len() / self.width
    }

    /// Values so far (the next one to compute is at this index, counting
    /// along the rows from the top left).
    pub fn filled(&self) -> usize {
        self.values.len()
    }

    /// Grid points across and down.
    pub fn size(&self) -> (usize, usize) {
        (self.width, self.height)
    }

    /// Whether every row is in.
    pub fn is_complete(&self) -> bool {
        self.rows() >= self.height
    }

    /// Adds values in row order (at most up to the end of the grid) and,
    /// when a row was completed, recolours the complete rows on a scale
    /// fitted to every value so far; traces the contours once every row is
    /// in.
    pub fn push(&mut self, values: &[f64]) -> Result<(), JsValue> {
        let room = self.width * self.height - self.values.len();
        let rows_before = self.rows();
        self.values
            .extend_from_slice(&values[..values.len().min(room)]);
        let filled = self.rows();
        if filled == rows_before {
            return Ok(());
        }
        let complete = &self.values[..filled * self.width];
        let scale = ColorScale::fit(complete, true);
        let rgba = colorize(complete, &scale);
        let data = ImageData::new_with_u8_clamped_array_and_sh(
            Clamped(&rgba),
            self.width as u32,
            filled as u32,
        )?;
        context(&self.image)?.put_image_data(&data, 0.0, 0.0)?;
        if self.is_complete() {
            let levels = contour_levels(&scale, CONTOUR_LEVELS);
            self.contours = contour_segments(&self.values, self.width, self.height, &levels);
        }
        Ok(())
    }

    /// Paints the filled rows and the contours where the map's view box
    /// falls under `projection`.
    pub fn draw(
        &self,
        ctx: &CanvasRenderingContext2d,
        projection: &Projection,
    ) -> Result<(), JsValue> {
        let rows = self.rows();
        if rows == 0 {
            return Ok(());
        }
        let v = &self.view;
        let (x0, y0) = projection.to_px(v.x_min, v.y_max);
        let (x1, y1) = projection.to_px(v.x_max, v.y_min);
        let (w, h) = (x1 - x0, y1 - y0);
        let share = rows as f64 / self.height as f64;
        ctx.set_image_smoothing_enabled(true);
        ctx.draw_image_with_html_canvas_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
            &self.image,
            0.0,
            0.0,
            self.width as f64,
            rows as f64,
            x0,
            y0,
            w,
            h * share,
        )?;
        if self.contours.is_empty() {
            return Ok(());
        }
        let (n, m) = (self.width as f64, self.height as f64);
        ctx.begin_path();
        for [a, b] in &self.contours {
            ctx.move_to(x0 + (a[0] + 0.5) / n * w, y0 + (a[1] + 0.5) / m * h);
            ctx.line_to(x0 + (b[0] + 0.5) / n * w, y0 + (b[1] + 0.5) / m * h);
        }
        ctx.set_stroke_style_str("rgba(255, 255, 255, 0.3)");
        ctx.set_line_width((projection.width / 600.0).max(1.0));
        ctx.stroke();
        Ok(())
    }
}

fn offscreen_canvas(width: u32, height: u32) -> Result<HtmlCanvasElement, JsValue> {
    let canvas = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?
        .create_element("canvas")?
        .dyn_into::<HtmlCanvasElement>()?;
    canvas.set_width(width);
    canvas.set_height(height);
    Ok(canvas)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grids_cost_about_the_budget_within_their_bounds() {
        assert_eq!(grid_side(16, 1.0e6, 24, 160), 160);
        assert_eq!(grid_side(1000, 1.0e6, 24, 160), 31);
        assert_eq!(grid_side(1_000_000, 1.0e6, 24, 160), 24);
        assert_eq!(grid_side(0, 1.0e6, 24, 160), 160);
    }
}
