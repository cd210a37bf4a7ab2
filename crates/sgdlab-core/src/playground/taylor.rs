//! The Taylor models of a surface at a point, which the landscape overlays
//! (`taylor=1`) at the first racer's current point.
//!
//! ```text
//! first order    f₁(x + Δ) = f(x) + gᵀΔ                  g = ∇f(x)
//! second order   f₂(x + Δ) = f(x) + gᵀΔ + ½·ΔᵀHΔ          H = ∇²f(x)
//! its stationary point   Δ* = −H⁻¹g   (Newton's step), value f(x) − ½·gᵀH⁻¹g
//! steepest descent of f₁ in a norm ‖·‖:  d = argmin { gᵀv : ‖v‖ ≤ 1 },
//!                        Δ_sd = ‖g‖_*·d  (the unnormalised step, gᵀΔ_sd = −‖g‖_*²)
//! ```
//!
//! The linear model has no minimum: it only says which way is down, and how
//! "down" is measured depends on the norm (see [`crate::optim::steepest`]).
//! The quadratic model has a minimum when H is positive definite; its
//! contours are then ellipses around Newton's point, and on a quadratic
//! surface they are the surface's own contours.
//!
//! Contour levels ([`TaylorModel::contour_levels`]):
//! - H positive definite: q* + (f − q*)·(j/K)², j = 1, …, K + ⌈K/3⌉, with
//!   q* the model's minimum. The ellipses are then evenly spaced in size and
//!   the K-th passes through the current point.
//! - otherwise (a saddle, a flat direction): f + δ·j for j = −K, …, K, with
//!   δ the model's range over the view divided by 2K. The level j = 0 is the
//!   one through the current point; at a saddle it is the pair of lines
//!   where the model crosses its value at the point.

use super::heatmap::contour_segments;
use crate::optim::steepest::{Norm, direction};
use crate::surfaces::{Surface, ViewBox};
use serde::Serialize;

/// Cells across the grid the model's contours are traced on.
pub const CONTOUR_GRID: usize = 64;

/// f, ∇f and ∇²f at one point, and the models they make.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct TaylorModel {
    /// The point x the models expand around.
    pub at: [f64; 2],
    /// f(x).
    pub value: f64,
    /// g = ∇f(x).
    pub gradient: [f64; 2],
    /// H = ∇²f(x), row-major and symmetric.
    pub hessian: [[f64; 2]; 2],
}

impl TaylorModel {
    /// The models of `surface` at `at`.
    pub fn of(surface: &dyn Surface, at: [f64; 2]) -> Self {
        let [x, y] = at;
        Self {
            at,
            value: surface.value(x, y),
            gradient: surface.gradient(x, y),
            hessian: surface.hessian(x, y),
        }
    }

    fn offset(&self, point: [f64; 2]) -> [f64; 2] {
        [point[0] - self.at[0], point[1] - self.at[1]]
    }

    /// f₁(point) = f + gᵀΔ with Δ = point − x.
    pub fn first_order(&self, point: [f64; 2]) -> f64 {
        let d = self.offset(point);
        self.value + self.gradient[0] * d[0] + self.gradient[1] * d[1]
    }

    /// f₂(point) = f + gᵀΔ + ½·ΔᵀHΔ with Δ = point − x.
    pub fn second_order(&self, point: [f64; 2]) -> f64 {
        let d = self.offset(point);
        let h = &self.hessian;
        let curvature =
            d[0] * (h[0][0] * d[0] + h[0][1] * d[1]) + d[1] * (h[1][0] * d[0] + h[1][1] * d[1]);
        self.first_order(point) + 0.5 * curvature
    }

    /// Whether H is positive definite, so f₂ has a minimum.
    pub fn is_convex(&self) -> bool {
        let h = &self.hessian;
        let det = h[0][0] * h[1][1] - h[0][1] * h[1][0];
        h[0][0] > 0.0 && det > 0.0 && det.is_finite()
    }

    /// The stationary point x − H⁻¹g of f₂ (where Newton's method steps),
    /// or `None` when H is singular up to rounding.
    pub fn stationary_point(&self) -> Option<[f64; 2]> {
        let h = &self.hessian;
        let det = h[0][0] * h[1][1] - h[0][1] * h[1][0];
        let size = h.iter().flatten().map(|v| v * v).sum::<f64>();
        if !det.is_finite() || det.abs() <= 1e-12 * size {
            return None;
        }
        let [gx, gy] = self.gradient;
        let step = [
            -(h[1][1] * gx - h[0][1] * gy) / det,
            -(h[0][0] * gy - h[1][0] * gx) / det,
        ];
        Some([self.at[0] + step[0], self.at[1] + step[1]])
    }

    /// The minimum (point and value) of f₂, when H is positive definite.
    pub fn minimum(&self) -> Option<([f64; 2], f64)> {
        if !self.is_convex() {
            return None;
        }
        let point = self.stationary_point()?;
        Some((point, self.second_order(point)))
    }

    /// The unnormalised steepest-descent step of f₁ in `norm`,
    /// Δ = ‖g‖_*·d: −g for l2, −gᵢ·eᵢ (largest |gᵢ|) for l1,
    /// −‖g‖₁·sign(g) for l∞. The same code as the `steepest` optimizer.
    pub fn steepest_step(&self, norm: Norm) -> [f64; 2] {
        let step = direction(norm, &self.gradient);
        [step[0], step[1]]
    }

    /// The levels of f₂'s contours to draw over `view` (see the module
    /// doc), `count` of them inside the current one; empty when f₂ is flat
    /// or not finite.
    pub fn contour_levels(&self, view: &ViewBox, count: usize) -> Vec<f64> {
        let count = count.max(1);
        let f = self.value;
        if let Some((_, lowest)) = self.minimum()
            && f - lowest > 0.0
            && lowest.is_finite()
        {
            let rings = count + count.div_ceil(3);
            return (1..=rings)
                .map(|j| {
                    let share = j as f64 / count as f64;
                    lowest + (f - lowest) * share * share
                })
                .collect();
        }
        let values = self.grid(view, CONTOUR_GRID);
        let (low, high) = values
            .iter()
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        let spacing = (high - low) / (2 * count) as f64;
        if !(spacing > 0.0 && spacing.is_finite() && f.is_finite()) {
            return Vec::new();
        }
        let count = count as i64;
        (-count..=count).map(|j| f + spacing * j as f64).collect()
    }

    /// f₂ on a `cells × cells` grid of cell centres over `view`, row 0 at
    /// the top (largest y), as the heatmap samples the surface.
    fn grid(&self, view: &ViewBox, cells: usize) -> Vec<f64> {
        let mut values = Vec::with_capacity(cells * cells);
        for row in 0..cells {
            let y = view.y_max - (row as f64 + 0.5) / cells as f64 * (view.y_max - view.y_min);
            for col in 0..cells {
                let x = view.x_min + (col as f64 + 0.5) / cells as f64 * (view.x_max - view.x_min);
                values.push(self.second_order([x, y]));
            }
        }
        values
    }

    /// The contours of f₂ at `levels` over `view`, as line segments in world
    /// coordinates, traced on a [`CONTOUR_GRID`]-cell grid.
    pub fn contours(&self, view: &ViewBox, levels: &[f64]) -> Vec<[[f64; 2]; 2]> {
        let cells = CONTOUR_GRID;
        let values = self.grid(view, cells);
        let to_world = |[col, row]: [f64; 2]| {
            [
                view.x_min + (col + 0.5) / cells as f64 * (view.x_max - view.x_min),
                view.y_max - (row + 0.5) / cells as f64 * (view.y_max - view.y_min),
            ]
        };
        contour_segments(&values, cells, cells, levels)
            .into_iter()
            .map(|[a, b]| [to_world(a), to_world(b)])
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surfaces::by_name;

    fn surface(name: &str, params: &[(&str, f64)]) -> Box<dyn Surface> {
        let params: Vec<(String, f64)> = params.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        by_name(name, &params).unwrap()
    }

    #[test]
    fn on_a_quadratic_the_second_order_model_is_the_surface() {
        let bowl = surface("quadratic", &[("a", 4.0), ("b", 1.0), ("theta", 30.0)]);
        let model = TaylorModel::of(bowl.as_ref(), [1.5, -2.0]);
        for point in [[0.0, 0.0], [3.0, 1.0], [-2.5, 2.5], [1.5, -2.0]] {
            let exact = bowl.value(point[0], point[1]);
            assert!((model.second_order(point) - exact).abs() < 1e-12 * (1.0 + exact));
        }
        // Its minimum is the surface's: one Newton step away.
        let (point, lowest) = model.minimum().unwrap();
        assert!(
            point[0].abs() < 1e-12 && point[1].abs() < 1e-12,
            "{point:?}"
        );
        assert!(lowest.abs() < 1e-12);
        assert_eq!(model.stationary_point(), Some(point));
    }

    #[test]
    fn the_models_agree_with_the_surface_to_first_and_second_order() {
        let banana = surface("rosenbrock", &[]);
        let at = [-0.7, 0.9];
        let model = TaylorModel::of(banana.as_ref(), at);
        assert_eq!(model.value, banana.value(at[0], at[1]));
        // Along a direction, the linear model's error shrinks like h², the
        // quadratic's like h³.
        let error = |h: f64, second: bool| {
            let point = [at[0] + 0.6 * h, at[1] - 0.8 * h];
            let exact = banana.value(point[0], point[1]);
            let approx = if second {
                model.second_order(point)
            } else {
                model.first_order(point)
            };
            (exact - approx).abs()
        };
        let first = error(1e-2, false) / error(5e-3, false);
        let second = error(1e-2, true) / error(5e-3, true);
        assert!((first - 4.0).abs() < 0.1, "{first}");
        assert!((second - 8.0).abs() < 0.2, "{second}");
    }

    #[test]
    fn steepest_steps_for_each_norm() {
        // f = x² + 10y² at (4, 1): g = (8, 20).
        let bowl = surface("quadratic", &[("a", 1.0), ("b", 10.0)]);
        let model = TaylorModel::of(bowl.as_ref(), [4.0, 1.0]);
        assert_eq!(model.gradient, [8.0, 20.0]);
        assert_eq!(model.steepest_step(Norm::L2), [-8.0, -20.0]);
        assert_eq!(model.steepest_step(Norm::L1), [0.0, -20.0]);
        assert_eq!(model.steepest_step(Norm::Linf), [-28.0, -28.0]);
        // gᵀΔ = −‖g‖_*² with the dual norms l2, l∞ and l1.
        let dot = |d: [f64; 2]| 8.0 * d[0] + 20.0 * d[1];
        assert_eq!(dot(model.steepest_step(Norm::L2)), -(64.0 + 400.0));
        assert_eq!(dot(model.steepest_step(Norm::L1)), -(20.0f64 * 20.0));
        assert_eq!(dot(model.steepest_step(Norm::Linf)), -(28.0f64 * 28.0));
    }

    #[test]
    fn convex_levels_are_evenly_spaced_ellipses_and_one_passes_through_the_point() {
        let bowl = surface("quadratic", &[("a", 4.0), ("b", 1.0)]);
        let at = [1.0, 2.0];
        let model = TaylorModel::of(bowl.as_ref(), at);
        let view = bowl.view_box();
        let levels = model.contour_levels(&view, 6);
        assert_eq!(levels.len(), 8);
        assert!((levels[5] - model.value).abs() < 1e-12);
        // Level j is the ellipse through (j/6)·(at − minimum).
        for (j, level) in levels.iter().enumerate() {
            let share = (j + 1) as f64 / 6.0;
            let point = [share * at[0], share * at[1]];
            assert!((model.second_order(point) - level).abs() < 1e-12);
        }
        // The contour drawn at the point's level passes through the point.
        let segments = model.contours(&view, &[model.value]);
        let nearest = segments
            .iter()
            .flatten()
            .map(|p| (p[0] - at[0]).hypot(p[1] - at[1]))
            .fold(f64::INFINITY, f64::min);
        let cell = (view.x_max - view.x_min) / CONTOUR_GRID as f64;
        assert!(nearest < cell, "{nearest} vs a cell of {cell}");
        for [a, b] in &segments {
            for p in [a, b] {
                assert!((model.second_order(*p) / model.value - 1.0).abs() < 0.05);
            }
        }
    }

    #[test]
    fn at_a_saddle_the_levels_straddle_the_point_and_newton_points_at_the_saddle() {
        let saddle = surface("saddle", &[]);
        let model = TaylorModel::of(saddle.as_ref(), [1.0, 0.5]);
        assert!(!model.is_convex());
        assert_eq!(model.minimum(), None);
        assert_eq!(model.stationary_point(), Some([0.0, 0.0]));
        let levels = model.contour_levels(&saddle.view_box(), 5);
        assert_eq!(levels.len(), 11);
        assert_eq!(levels[5], model.value);
        assert!((levels[4] + levels[6] - 2.0 * model.value).abs() < 1e-12);
        assert!(!model.contours(&saddle.view_box(), &levels).is_empty());
    }

    #[test]
    fn a_flat_model_has_no_levels() {
        let flat = TaylorModel {
            at: [0.0, 0.0],
            value: 1.0,
            gradient: [0.0, 0.0],
            hessian: [[0.0, 0.0], [0.0, 0.0]],
        };
        let view = ViewBox {
            x_min: -1.0,
            x_max: 1.0,
            y_min: -1.0,
            y_max: 1.0,
        };
        assert!(flat.contour_levels(&view, 4).is_empty());
        assert_eq!(flat.stationary_point(), None);
    }
}
