//! The loss heatmap with contour lines, computed once per surface and size.

use super::context;
use sgdlab_core::playground::heatmap::{
    ColorScale, colorize, contour_levels, contour_segments, sample_grid,
};
use sgdlab_core::surfaces::Surface;
use wasm_bindgen::{Clamped, JsCast, JsValue};
use web_sys::{HtmlCanvasElement, ImageData};

/// The heatmap is computed at most this many pixels across and scaled up.
const MAX_GRID: u32 = 600;
/// …and at least this many, however costly the surface.
const MIN_GRID: u32 = 160;
/// Contours are traced on a coarser grid: smooth enough, and cheap.
const CONTOUR_GRID: usize = 160;
const CONTOUR_LEVELS: usize = 14;

/// A rendered heatmap, kept until the surface, the size or the scale changes.
pub struct HeatmapCache {
    image: HtmlCanvasElement,
    width: u32,
    height: u32,
    log: bool,
    contours: Vec<[[f64; 2]; 2]>,
}

impl HeatmapCache {
    /// Samples the surface and colours it for a canvas of this size.
    pub fn build(
        surface: &dyn Surface,
        canvas: &HtmlCanvasElement,
        log: bool,
    ) -> Result<Self, JsValue> {
        let (width, height) = (canvas.width().max(1), canvas.height().max(1));
        // Expensive formulas get a coarser grid (same number of evaluations
        // per cost unit); the browser smooths it when scaling up.
        let max_grid =
            (f64::from(MAX_GRID) / surface.relative_cost().sqrt()).max(f64::from(MIN_GRID)) as u32;
        let (grid_w, grid_h) = (width.min(max_grid), height.min(max_grid));
        let view = surface.view_box();
        let values = sample_grid(surface, &view, grid_w as usize, grid_h as usize);
        let scale = ColorScale::fit(&values, log);
        let rgba = colorize(&values, &scale);
        let image = web_sys::window()
            .and_then(|w| w.document())
            .ok_or_else(|| JsValue::from_str("no document"))?
            .create_element("canvas")?
            .dyn_into::<HtmlCanvasElement>()?;
        image.set_width(grid_w);
        image.set_height(grid_h);
        let data = ImageData::new_with_u8_clamped_array_and_sh(Clamped(&rgba), grid_w, grid_h)?;
        context(&image)?.put_image_data(&data, 0.0, 0.0)?;

        let coarse = sample_grid(surface, &view, CONTOUR_GRID, CONTOUR_GRID);
        let levels = contour_levels(&scale, CONTOUR_LEVELS);
        let contours = contour_segments(&coarse, CONTOUR_GRID, CONTOUR_GRID, &levels);
        Ok(Self {
            image,
            width,
            height,
            log,
            contours,
        })
    }

    /// Whether this cache still matches the canvas and the scale.
    pub fn fits(&self, canvas: &HtmlCanvasElement, log: bool) -> bool {
        self.width == canvas.width().max(1)
            && self.height == canvas.height().max(1)
            && self.log == log
    }

    /// Paints the heatmap and contours onto the canvas.
    pub fn draw(&self, canvas: &HtmlCanvasElement) -> Result<(), JsValue> {
        let ctx = context(canvas)?;
        let (w, h) = (f64::from(self.width), f64::from(self.height));
        ctx.set_image_smoothing_enabled(true);
        ctx.draw_image_with_html_canvas_element_and_dw_and_dh(&self.image, 0.0, 0.0, w, h)?;
        // Grid cell (col, row) centres sit at ((col + 0.5)/n)·w.
        let n = CONTOUR_GRID as f64;
        ctx.begin_path();
        for [a, b] in &self.contours {
            ctx.move_to((a[0] + 0.5) / n * w, (a[1] + 0.5) / n * h);
            ctx.line_to((b[0] + 0.5) / n * w, (b[1] + 0.5) / n * h);
        }
        ctx.set_stroke_style_str("rgba(255, 255, 255, 0.35)");
        ctx.set_line_width((w / 600.0).max(1.0));
        ctx.stroke();
        Ok(())
    }
}
