//! The loss of a model as a [`Surface`]: over the whole dataset, or over one
//! minibatch, so the playground's heatmap and contour code draws both.
//!
//! ```text
//! full data    f(θ₁, θ₂) = L(θ)   = (1/n)·Σᵢ ℓᵢ(θ)
//! minibatch    f(θ₁, θ₂) = L_B(θ) = (1/|B|)·Σ_{i∈B} ℓᵢ(θ)
//!
//! view box     the square centred on the full-data minimiser θ* with
//!              half-width h = max(2, 1.25·‖start − θ*‖∞), so the start and
//!              the minimum are both in view
//! ```
//!
//! Every minibatch surface shares the full-data surface's view box, so the
//! overlay lines up with the map underneath. Evaluating either costs one
//! pass over its examples per point: the renderer should sample a coarser
//! grid for large datasets.

use super::EmpiricalRisk;
use crate::surfaces::{Surface, ViewBox};
use std::sync::Arc;

/// The smallest half-width of the view box.
const MIN_HALF_WIDTH: f64 = 2.0;

/// The full-data or one minibatch's loss of a model, as a surface over θ.
/// Build the full surface with [`full`](Self::full), then each minibatch's
/// with [`with_batch`](Self::with_batch).
#[derive(Clone)]
pub struct LossSurface {
    model: Arc<dyn EmpiricalRisk>,
    /// `None` for the full dataset.
    batch: Option<Vec<usize>>,
    name: String,
    /// The surface's own minimiser, where it is attained.
    minimum: Option<[f64; 2]>,
    view_box: ViewBox,
    start: [f64; 2],
}

impl LossSurface {
    /// The full-data loss L, framed to show `start` and the minimiser.
    pub fn full(model: Arc<dyn EmpiricalRisk>, start: [f64; 2]) -> Self {
        let minimum = model.minimizer();
        Self {
            name: model.name().to_string(),
            model,
            batch: None,
            minimum,
            view_box: view_box_around(minimum, start),
            start,
        }
    }

    /// The loss L_B of one minibatch of this surface's model (non-empty,
    /// indices below n; a programmer error otherwise), in the same view box.
    pub fn with_batch(&self, batch: Vec<usize>) -> Self {
        assert!(!batch.is_empty(), "a minibatch has at least one example");
        assert!(
            batch.iter().all(|&i| i < self.model.examples()),
            "minibatch index out of range"
        );
        Self {
            name: format!("{}/minibatch", self.model.name()),
            model: self.model.clone(),
            minimum: self.model.batch_minimizer(&batch),
            batch: Some(batch),
            view_box: self.view_box,
            start: self.start,
        }
    }

    /// The minibatch's example indices, or `None` for the full data.
    pub fn batch(&self) -> Option<&[usize]> {
        self.batch.as_deref()
    }

    /// The model whose loss this is.
    pub fn model(&self) -> &dyn EmpiricalRisk {
        self.model.as_ref()
    }
}

/// The square around the full-data minimiser (or around `start` when the
/// minimum is not attained) that also shows `start`.
fn view_box_around(minimum: Option<[f64; 2]>, start: [f64; 2]) -> ViewBox {
    let centre = minimum.unwrap_or(start);
    let reach = (start[0] - centre[0])
        .abs()
        .max((start[1] - centre[1]).abs());
    let half = MIN_HALF_WIDTH.max(1.25 * reach);
    ViewBox {
        x_min: centre[0] - half,
        x_max: centre[0] + half,
        y_min: centre[1] - half,
        y_max: centre[1] + half,
    }
}

impl Surface for LossSurface {
    fn name(&self) -> &str {
        &self.name
    }

    fn formula(&self) -> String {
        let formula = self.model.formula();
        match &self.batch {
            None => formula.to_string(),
            Some(batch) => format!(
                "{} over a minibatch of {} (n → |B|, Σᵢ → Σ_{{i∈B}})",
                formula,
                batch.len()
            ),
        }
    }

    fn description(&self) -> &str {
        match self.batch {
            None => "The empirical risk: the mean loss over the whole dataset.",
            Some(_) => "The loss of the current minibatch alone: a noisy copy of the full surface.",
        }
    }

    fn value(&self, x: f64, y: f64) -> f64 {
        match &self.batch {
            None => self.model.loss([x, y]),
            Some(batch) => self.model.batch_loss([x, y], batch),
        }
    }

    fn gradient(&self, x: f64, y: f64) -> [f64; 2] {
        match &self.batch {
            None => self.model.gradient([x, y]),
            Some(batch) => self.model.batch_gradient([x, y], batch),
        }
    }

    fn hessian(&self, x: f64, y: f64) -> [[f64; 2]; 2] {
        match &self.batch {
            None => self.model.hessian([x, y]),
            Some(batch) => self.model.batch_hessian([x, y], batch),
        }
    }

    fn view_box(&self) -> ViewBox {
        self.view_box
    }

    fn minima(&self) -> Vec<[f64; 2]> {
        self.minimum.into_iter().collect()
    }

    fn default_start(&self) -> [f64; 2] {
        self.start
    }

    fn minimum_value(&self) -> Option<f64> {
        self.minimum.map(|[x, y]| self.value(x, y))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::regression::{CurveConfig, LogisticConfig};
    use crate::stochastic::{LinearRegression, LogisticRegression2};

    fn linear() -> Arc<dyn EmpiricalRisk> {
        Arc::new(LinearRegression::from_config(&CurveConfig::line(2.0, -1.0)).unwrap())
    }

    #[test]
    fn full_surface_is_the_empirical_risk() {
        let model = linear();
        let surface = LossSurface::full(model.clone(), [-1.0, 2.0]);
        for [x, y] in [[0.0, 0.0], [3.0, -2.0], [-1.0, 2.0]] {
            assert_eq!(surface.value(x, y), model.loss([x, y]));
            assert_eq!(surface.gradient(x, y), model.gradient([x, y]));
            assert_eq!(surface.hessian(x, y), model.hessian([x, y]));
        }
        assert_eq!(surface.minima(), vec![model.minimizer().unwrap()]);
        assert_eq!(surface.default_start(), [-1.0, 2.0]);
    }

    #[test]
    fn minibatch_surface_is_the_batch_mean() {
        let model = linear();
        let batch = vec![3, 14, 15, 92];
        let surface = LossSurface::full(model.clone(), [0.0, 0.0]).with_batch(batch.clone());
        assert_eq!(surface.batch(), Some(&batch[..]));
        let [x, y] = [0.7, -0.2];
        let by_hand = batch
            .iter()
            .map(|&i| model.example_loss([x, y], i))
            .sum::<f64>()
            / 4.0;
        assert_eq!(surface.value(x, y), by_hand);
        assert_eq!(surface.gradient(x, y), model.batch_gradient([x, y], &batch));
        let [minimum] = surface.minima()[..] else {
            panic!("a batch of 4 distinct inputs has one minimiser")
        };
        let g = surface.gradient(minimum[0], minimum[1]);
        assert!(g[0].abs() < 1e-12 && g[1].abs() < 1e-12);
        // One example: a valley, no single minimum.
        assert!(
            LossSurface::full(model, [0.0, 0.0])
                .with_batch(vec![7])
                .minima()
                .is_empty()
        );
    }

    #[test]
    fn view_box_frames_the_minimiser_and_the_start() {
        let model = linear();
        let minimum = model.minimizer().unwrap();
        for start in [[-1.0, 2.0], [40.0, -3.0], minimum] {
            let view = LossSurface::full(model.clone(), start).view_box();
            for [x, y] in [start, minimum] {
                assert!(view.x_min < x && x < view.x_max && view.y_min < y && y < view.y_max);
            }
            assert!(view.x_max - view.x_min >= 2.0 * MIN_HALF_WIDTH);
            assert_eq!(view.x_max - view.x_min, view.y_max - view.y_min);
        }
        let logistic: Arc<dyn EmpiricalRisk> =
            Arc::new(LogisticRegression2::from_config(&LogisticConfig::default()).unwrap());
        let full = LossSurface::full(logistic, [0.0, 0.0]);
        assert_eq!(full.with_batch(vec![0, 1]).view_box(), full.view_box());
    }
}
