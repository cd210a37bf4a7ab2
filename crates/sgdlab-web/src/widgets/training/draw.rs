//! The lab's drawing: the loss and accuracy curves of every run (against
//! epochs, steps or examples seen), each run's learning rate by epoch, the
//! selected run's decision boundary with the data, and one small boundary
//! per run.

use super::runs::{Record, Run};
use crate::render::boundary;
use crate::render::chart::{Chart, Curve, Stroke, XAxis, YAxis};
use sgdlab_core::train::lab::CurveAxis;
use wasm_bindgen::JsValue;
use web_sys::HtmlCanvasElement;

/// Where a curve point sits on `axis`.
fn x_of(record: &Record, axis: CurveAxis) -> f64 {
    match axis {
        CurveAxis::Epochs => record.epoch,
        CurveAxis::Steps => record.step as f64,
        CurveAxis::Examples => record.examples as f64,
    }
}

/// Train (solid) and test (dashed) curves of every run, for one quantity.
fn curves_of<'a>(
    runs: &'a [Run],
    axis: CurveAxis,
    train: impl Fn(&Record) -> Option<f64>,
    test: impl Fn(&Record) -> Option<f64>,
) -> Vec<Curve<'a>> {
    let mut out = Vec::new();
    for run in runs {
        let series = |f: &dyn Fn(&Record) -> Option<f64>| -> Vec<(f64, f64)> {
            run.history
                .iter()
                .filter_map(|r| f(r).map(|v| (x_of(r, axis), v)))
                .collect()
        };
        out.push(Curve::solid(run.color, series(&train)).stopped(run.stopped()));
        out.push(Curve::solid(run.color, series(&test)).with(Stroke::Dashed));
    }
    out
}

/// Cross-entropy against `axis`, log scale.
pub(crate) fn losses(
    canvas: &HtmlCanvasElement,
    runs: &[Run],
    axis: CurveAxis,
) -> Result<(), JsValue> {
    Chart {
        curves: curves_of(runs, axis, |r| Some(r.train_loss), |r| r.test_loss),
        ..Chart::new(
            axis.description(),
            "cross-entropy",
            XAxis::Steps,
            YAxis::LogOrFitted,
        )
    }
    .draw(canvas)?;
    Ok(())
}

/// Accuracy against `axis`, from 0 to 1.
pub(crate) fn accuracy(
    canvas: &HtmlCanvasElement,
    runs: &[Run],
    axis: CurveAxis,
) -> Result<(), JsValue> {
    Chart {
        curves: curves_of(runs, axis, |r| Some(r.train_acc), |r| r.test_acc),
        ..Chart::new(
            axis.description(),
            "accuracy",
            XAxis::Steps,
            YAxis::Fixed(0.0, 1.0),
        )
    }
    .draw(canvas)?;
    Ok(())
}

/// Each run's learning rate against epoch, as steps: the rate of epoch e
/// holds from e to e + 1.
pub(crate) fn schedule(canvas: &HtmlCanvasElement, runs: &[Run]) -> Result<(), JsValue> {
    let rates: Vec<Vec<f64>> = runs.iter().map(Run::lr_by_epoch).collect();
    let top = rates
        .iter()
        .flatten()
        .copied()
        .filter(|r| r.is_finite())
        .fold(0.0_f64, f64::max);
    let curves = runs
        .iter()
        .zip(&rates)
        .map(|(run, rates)| Curve::solid(run.color, staircase(rates)))
        .collect();
    let top = if top > 0.0 { top } else { 1.0 };
    Chart {
        curves,
        ..Chart::new(
            "epoch",
            "learning rate",
            XAxis::Steps,
            YAxis::Fixed(0.0, top),
        )
    }
    .draw(canvas)?;
    Ok(())
}

/// (e, ηₑ) and (e + 1, ηₑ) for every epoch e.
fn staircase(rates: &[f64]) -> Vec<(f64, f64)> {
    rates
        .iter()
        .enumerate()
        .flat_map(|(epoch, &rate)| [(epoch as f64, rate), (epoch as f64 + 1.0, rate)])
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use sgdlab_core::train::lab::LabConfig;

    #[test]
    fn the_schedule_plot_draws_the_rates_the_optimizer_is_given() {
        let (lab, errors) = LabConfig::decode(
            "d=moons&n=200&h=8&epochs=6&b=20&scale=10&warm=3\
             &sched=step:step_size=4,gamma=0.5&o=sgd,lr:0.1",
            &LabConfig::default(),
        );
        assert!(errors.is_empty(), "{errors:?}");
        let mut run = Run::new(&lab.run_config(0), lab.racer_label(0), "#000").unwrap();
        let points = staircase(&run.lr_by_epoch());
        assert_eq!(points.len(), 12);
        while !run.trainer.finished() {
            let epoch = run.trainer.epoch() as usize;
            let given = run.trainer.optimizer().lr();
            assert_eq!(points[2 * epoch], (epoch as f64, given));
            assert_eq!(points[2 * epoch + 1], (epoch as f64 + 1.0, given));
            run.step_cpu();
        }
        // Warm-up from the reference rate 0.1 to 0.1·20/10, then halved.
        let ys: Vec<f64> = points.iter().step_by(2).map(|p| p.1).collect();
        assert_eq!(ys[0], 0.1);
        assert_eq!(ys[3], 0.2);
        assert_eq!(ys[5], 0.1);
    }
}
