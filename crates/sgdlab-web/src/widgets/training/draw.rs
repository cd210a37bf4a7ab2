//! The lab's drawing: the loss and accuracy curves of every run, the
//! selected run's decision boundary with the data, and one small boundary
//! per run.

use super::runs::{Record, Run};
use crate::render::{boundary, curves};
use wasm_bindgen::JsValue;
use web_sys::HtmlCanvasElement;

/// Train (solid) and test (dashed) curves of every run, for one quantity.
fn curves_of<'a>(
    runs: &'a [Run],
    train: impl Fn(&Record) -> Option<f64>,
    test: impl Fn(&Record) -> Option<f64>,
) -> Vec<curves::Curve<'a>> {
    let mut out = Vec::new();
    for run in runs {
        let series = |f: &dyn Fn(&Record) -> Option<f64>| -> Vec<(f64, f64)> {
            run.history
                .iter()
                .filter_map(|r| f(r).map(|v| (r.epoch, v)))
                .collect()
        };
        out.push(curves::Curve {
            color: run.color,
            points: series(&train),
            stopped: run.stopped(),
            dashed: false,
        });
        out.push(curves::Curve {
            color: run.color,
            points: series(&test),
            stopped: false,
            dashed: true,
        });
    }
    out
}

/// Cross-entropy against epoch, log scale.
pub(crate) fn losses(canvas: &HtmlCanvasElement, runs: &[Run]) -> Result<(), JsValue> {
    curves::draw(
        canvas,
        &curves_of(runs, |r| Some(r.train_loss), |r| r.test_loss),
        &curves::Axes {
            x_desc: "epoch",
            y_desc: "cross-entropy",
            log_y: true,
            y_range: None,
        },
    )
}

/// Accuracy against epoch, from 0 to 1.
pub(crate) fn accuracy(canvas: &HtmlCanvasElement, runs: &[Run]) -> Result<(), JsValue> {
    curves::draw(
        canvas,
        &curves_of(runs, |r| Some(r.train_acc), |r| r.test_acc),
        &curves::Axes {
            x_desc: "epoch",
            y_desc: "accuracy",
            log_y: false,
            y_range: Some((0.0, 1.0)),
        },
    )
}

/// The decision boundary of `run` on `canvas`, with the data drawn when the
/// canvas is big enough to show it. `max_grid` caps the grid of forward
/// passes across.
pub(crate) fn boundary(
    canvas: &HtmlCanvasElement,
    run: &mut Run,
    max_grid: usize,
) -> Result<(), JsValue> {
    let view = run.trainer.view_box();
    let parameters = run.trainer.spec().parameter_count();
    let side = f64::from(canvas.width().min(canvas.height()));
    let radius = (side / 150.0).clamp(0.0, 6.0);
    boundary::draw(
        canvas,
        &mut run.trainer,
        &view,
        boundary::grid_side(parameters, max_grid),
        if radius < 1.0 { 0.0 } else { radius },
    )
}
