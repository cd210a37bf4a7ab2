//! Bias and variance ([`sgdlab_core::bias_variance`]): L datasets drawn
//! from sin(2πx) plus noise, fitted at every capacity, least flexible
//! first; the expected test error split into bias², variance and noise.
//!
//! - the decomposition: bias², variance, noise and their sum against
//!   capacity, with the measured test error as dots on the sum (on a log
//!   axis when the error varies more than fivefold); press or drag on it
//!   to pick the capacity the fits plot shows;
//! - the fits: the curves fitted to the first datasets at the picked
//!   capacity (faint grey), their mean h̄ (orange) with a band of one
//!   standard deviation across datasets, the target sin(2πx) (green,
//!   dashed) and the first dataset's points.
//!
//! Each frame fits up to `speed` datasets within its time budget.

use crate::now_ms;
use crate::registry::WidgetEntry;
use crate::render::chart::{Band, Chart, Curve, PlotArea, Stroke, XAxis, YAxis, short_number};
use crate::widget::{Canvases, Layout, Plot, Pointer, PointerKind, Readout, Widget};
use crate::widgets::{readable, settings_methods};
use serde_json::{Value, json};
use sgdlab_core::bias_variance::config::BIAS_VARIANCE;
use sgdlab_core::bias_variance::{BiasVariance, BiasVarianceConfig, CapacityReport, ModelFamily};
use sgdlab_core::link::FieldError;
use wasm_bindgen::JsValue;
use web_sys::HtmlCanvasElement;

pub const ENTRY: WidgetEntry = WidgetEntry {
    name: "bias-variance",
    title: "Bias–variance",
    summary: "Many datasets from one distribution, fitted by models of growing capacity: the expected test error splits into bias², variance and noise (Bishop, PRML §3.2).",
    page: "bias-variance.html",
    open: |link| {
        let (widget, errors) = BiasVarianceView::open(link);
        (Box::new(widget), errors)
    },
};

/// The parts of the decomposition (Okabe–Ito on a dark chart).
const BIAS: &str = "#56B4E9";
const VARIANCE: &str = "#E69F00";
const NOISE: &str = "#999999";
const SUM: &str = "#CC79A7";
const TEST_ERROR: &str = "#F0E442";
/// The fits, their mean and the target.
const FIT: &str = "#BBBBBB";
const MEAN_FIT: &str = "#E69F00";
const TARGET: &str = "#009E73";
const POINTS: &str = "#FFFFFF";

pub struct BiasVarianceView {
    config: BiasVarianceConfig,
    run: BiasVariance,
    /// Where the decomposition chart's plotting area was drawn.
    area: Option<PlotArea>,
}

impl BiasVarianceView {
    fn open(link: &str) -> (Self, Vec<FieldError>) {
        let (config, mut errors) = BiasVarianceConfig::decode(link, &BiasVarianceConfig::default());
        let run = match BiasVariance::new(&config) {
            Ok(run) => run,
            Err(error) => {
                errors.push(error);
                BiasVariance::new(&BiasVarianceConfig::default()).expect("the defaults are valid")
            }
        };
        let view = Self {
            config: run.config().clone(),
            run,
            area: None,
        };
        (view, errors)
    }

    /// The capacity the fits plot shows (the last one when the link's is
    /// past the axis).
    fn picked(&self) -> usize {
        self.config.pick.min(self.run.capacities().len() - 1)
    }

    /// Where capacity `k` sits on the chart's x axis: −ln λ for ridge
    /// (flexibility grows to the right), the degree for polynomials.
    fn x_of(&self, k: usize) -> f64 {
        let capacity = &self.run.capacities()[k];
        match capacity.ln_lambda {
            Some(ln_lambda) => -ln_lambda,
            None => capacity.capacity,
        }
    }

    /// The capacity nearest to chart x.
    fn nearest(&self, x: f64) -> usize {
        (0..self.run.capacities().len())
            .min_by(|&a, &b| {
                (self.x_of(a) - x)
                    .abs()
                    .total_cmp(&(self.x_of(b) - x).abs())
            })
            .unwrap_or(0)
    }

    fn picked_report(&self) -> Option<&CapacityReport> {
        self.run.results().get(self.picked())
    }

    fn picked_text(&self) -> String {
        let k = self.picked();
        let capacity = &self.run.capacities()[k];
        let count = self.run.capacities().len();
        match self.picked_report() {
            Some(r) => format!(
                "{} (capacity {} of {count}): bias² {}, variance {}, noise {}; their sum {} \
                 against the measured test error {} (they may differ by about ±{}).",
                capacity.label,
                k + 1,
                readable(r.bias2),
                readable(r.variance),
                readable(r.noise),
                readable(r.sum),
                readable(r.test_error),
                readable(2.0 * r.residual_std),
            ),
            None => format!(
                "{} (capacity {} of {count}): not fitted to every dataset yet.",
                capacity.label,
                k + 1
            ),
        }
    }

    fn progress_text(&self) -> Vec<String> {
        let c = &self.config;
        let done = self.run.step_count();
        let mut lines = vec![format!(
            "{done} of {} fits: {} datasets of {} points at {} capacities, {} test points.",
            self.run.total_steps(),
            c.datasets,
            c.samples,
            self.run.capacities().len(),
            c.test_points
        )];
        let best = self
            .run
            .results()
            .iter()
            .min_by(|a, b| (a.bias2 + a.variance).total_cmp(&(b.bias2 + b.variance)));
        if self.run.finished()
            && let Some(best) = best
        {
            lines.push(format!(
                "bias² + variance is smallest at {}: {} (test error {}).",
                best.label,
                readable(best.bias2 + best.variance),
                readable(best.test_error)
            ));
        }
        lines
    }

    fn draw_decomposition(&mut self, canvas: &HtmlCanvasElement) -> Result<(), JsValue> {
        let results = self.run.results();
        let along = |value: fn(&CapacityReport) -> f64| -> Vec<(f64, f64)> {
            results
                .iter()
                .enumerate()
                .map(|(k, r)| (self.x_of(k), value(r)))
                .collect()
        };
        let curves = vec![
            Curve::solid(NOISE, along(|r| r.noise)).with(Stroke::Dashed),
            Curve::solid(BIAS, along(|r| r.bias2)),
            Curve::solid(VARIANCE, along(|r| r.variance)),
            Curve::solid(SUM, along(|r| r.sum)),
            Curve::solid(TEST_ERROR, along(|r| r.test_error)).with(Stroke::Dots),
        ];
        let last = self.run.capacities().len() - 1;
        let (a, b) = (self.x_of(0), self.x_of(last));
        let pad = 0.03 * (b - a).abs().max(1.0);
        let ridge = self.config.family == ModelFamily::Ridge;
        // (+ 0.0 turns −0 into 0.)
        let label = |x: f64| short_number(if ridge { -x + 0.0 } else { x });
        let x_desc = if ridge {
            "ln λ  (stiff → flexible)"
        } else {
            "polynomial degree"
        };
        let y = if spans_decades(results) {
            YAxis::Log
        } else {
            YAxis::FromZero
        };
        self.area = Chart {
            curves,
            marks: vec![self.x_of(self.picked())],
            x_label: Some(&label),
            ..Chart::new(
                x_desc,
                "expected squared error",
                XAxis::Range(a - pad, b + pad),
                y,
            )
        }
        .draw(canvas)?;
        Ok(())
    }

    fn draw_fits(&self, canvas: &HtmlCanvasElement) -> Result<(), JsValue> {
        let k = self.picked();
        let xs = self.run.plot_inputs();
        let curve = |values: &[f64]| -> Vec<(f64, f64)> {
            xs.iter().copied().zip(values.iter().copied()).collect()
        };
        let mut curves: Vec<Curve<'_>> = (0..self.config.shown_curves())
            .filter_map(|l| self.run.fitted_curve(k, l))
            .map(|values| Curve::solid(FIT, curve(values)).with(Stroke::Faint))
            .collect();
        curves.push(Curve::solid(TARGET, curve(self.run.plot_truth())).with(Stroke::Dashed));
        let mut bands = Vec::new();
        if let (Some(mean), Some(spread)) = (self.run.mean_curve(k), self.run.spread_curve(k)) {
            let shifted = |sign: f64| -> Vec<(f64, f64)> {
                xs.iter()
                    .zip(mean.iter().zip(spread))
                    .map(|(&x, (&m, &s))| (x, m + sign * s))
                    .collect()
            };
            bands.push(Band {
                color: MEAN_FIT,
                lower: shifted(-1.0),
                upper: shifted(1.0),
            });
            curves.push(Curve::solid(MEAN_FIT, curve(mean)));
        }
        let (inputs, targets) = self.run.dataset(0);
        let data = inputs.iter().copied().zip(targets.iter().copied());
        curves.push(Curve::solid(POINTS, data.collect()).with(Stroke::Dots));
        let x = XAxis::Range(0.0, 1.0);
        Chart {
            curves,
            bands,
            ..Chart::new(
                "x",
                "fits at the capacity shown",
                x,
                YAxis::Fixed(-1.6, 1.6),
            )
        }
        .draw(canvas)?;
        Ok(())
    }
}

/// Whether the summed error varies more than fivefold across capacity: then
/// a log axis keeps the small parts readable next to an exploding variance.
fn spans_decades(results: &[CapacityReport]) -> bool {
    let sums = results.iter().map(|r| r.sum).filter(|s| *s > 0.0);
    let (low, high) = sums.fold((f64::INFINITY, 0.0_f64), |(l, h), s| (l.min(s), h.max(s)));
    high > 5.0 * low
}

impl Widget for BiasVarianceView {
    settings_methods!(BIAS_VARIANCE, open);

    fn set(&mut self, key: &str, value: &str) -> Result<(), FieldError> {
        let mut next = self.config.clone();
        BIAS_VARIANCE.set(&mut next, key, value)?;
        if !next.same_run(&self.config) {
            self.run = BiasVariance::new(&next)?;
        }
        self.config = next;
        Ok(())
    }

    fn step(&mut self, n: u64) {
        self.run.step(usize::try_from(n).unwrap_or(usize::MAX));
    }

    fn play_frame(&mut self, budget_ms: f64) {
        let started = now_ms();
        for _ in 0..self.config.speed {
            if self.run.finished() {
                break;
            }
            self.run.step(1);
            if now_ms() - started >= budget_ms {
                break;
            }
        }
    }

    fn reset(&mut self) {
        if let Ok(run) = BiasVariance::new(&self.config) {
            self.run = run;
        }
    }

    fn finished(&self) -> bool {
        self.run.finished()
    }

    fn default_steps(&self) -> u64 {
        self.run.total_steps() as u64
    }

    fn status(&self) -> Value {
        let picked = self.picked_report();
        // The legend: each part of the decomposition with its value at the
        // picked capacity (or the last one measured).
        let shown = picked.or_else(|| self.run.results().last());
        let runs = [
            (BIAS, "bias²", shown.map(|r| r.bias2)),
            (VARIANCE, "variance", shown.map(|r| r.variance)),
            (NOISE, "noise (dashed)", shown.map(|r| r.noise)),
            (SUM, "bias² + variance + noise", shown.map(|r| r.sum)),
            (
                TEST_ERROR,
                "measured test error (dots)",
                shown.map(|r| r.test_error),
            ),
        ]
        .map(|(color, label, value)| {
            json!({
                "label": label,
                "color": color,
                "loss": value,
                "detail": value.map_or(String::new(), readable),
            })
        });
        json!({
            "step": self.run.step_count(),
            "finished": self.run.finished(),
            "capacity": self.run.current_capacity(),
            "picked": self.picked(),
            "runs": runs,
            "readouts": {
                "picked": self.picked_text(),
                "progress": self.progress_text(),
            },
        })
    }

    fn export_csv(&self) -> String {
        self.run.csv()
    }

    fn export_json(&self) -> Value {
        let mut out = json!({"view": ENTRY.name, "link": self.config.encode()});
        if let (Value::Object(out), Ok(Value::Object(report))) =
            (&mut out, serde_json::to_value(self.run.report()))
        {
            out.extend(report);
        }
        out
    }

    fn layout(&self) -> Layout {
        let hide = &self.config.options.hide;
        let hidden = |name: &str| hide.iter().any(|h| h == name);
        Layout {
            plots: vec![
                Plot {
                    name: "decomposition",
                    label: "Bias², variance, noise and their sum against capacity, with the \
                            measured test error as dots. Press to pick the capacity whose \
                            fits are drawn."
                        .into(),
                    layers: &["decomposition"],
                    pointer: true,
                    aspect: 0.7,
                    main: true,
                    hidden: false,
                },
                Plot {
                    name: "fits",
                    label: "Fits of several datasets at the picked capacity (faint grey), \
                            their mean (orange) with one standard deviation either side, the \
                            target sin(2πx) (green, dashed) and the first dataset's points"
                        .into(),
                    layers: &["fits"],
                    pointer: false,
                    aspect: 0.75,
                    main: false,
                    hidden: hidden("fits"),
                },
            ],
            readouts: vec![
                Readout {
                    name: "picked",
                    label: "The capacity shown",
                    hidden: false,
                },
                Readout {
                    name: "progress",
                    label: "Progress",
                    hidden: false,
                },
            ],
            legend: !hidden("legend"),
            export: !hidden("export"),
        }
    }

    fn render(&mut self, canvases: &Canvases) -> Result<(), JsValue> {
        if let Some(canvas) = canvases.get("decomposition") {
            self.draw_decomposition(canvas)?;
        }
        if let Some(canvas) = canvases.get("fits") {
            self.draw_fits(canvas)?;
        }
        Ok(())
    }

    fn pointer(&mut self, pointer: &Pointer<'_>) -> Result<bool, FieldError> {
        let pressed = matches!(pointer.kind, PointerKind::Down | PointerKind::Drag);
        if pointer.plot != "decomposition" || !pressed || pointer.width <= 0.0 {
            return Ok(false);
        }
        let Some(x) = self.area.and_then(|a| a.x_at(pointer.x / pointer.width)) else {
            return Ok(false);
        };
        let k = self.nearest(x);
        if k == self.config.pick {
            return Ok(false);
        }
        self.set("pick", &k.to_string())?;
        Ok(true)
    }

    fn resized(&mut self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(link: &str) -> BiasVarianceView {
        let (view, errors) = BiasVarianceView::open(link);
        assert!(errors.is_empty(), "{errors:?}");
        view
    }

    #[test]
    fn the_export_lists_every_capacity_from_the_stiffest() {
        let mut view = open("sets=10&lambdas=4&test=200");
        view.step(view.default_steps());
        let json = view.export_json();
        assert_eq!(json["view"], "bias-variance");
        assert_eq!(json["link"], view.link());
        let capacities = json["capacities"].as_array().unwrap();
        assert_eq!(capacities.len(), 4);
        let lambdas: Vec<f64> = capacities
            .iter()
            .map(|c| c["capacity"].as_f64().unwrap())
            .collect();
        assert!(lambdas.windows(2).all(|w| w[0] > w[1]), "{lambdas:?}");
        for c in capacities {
            for key in ["bias2", "variance", "noise", "test_error"] {
                assert!(c[key].as_f64().unwrap() >= 0.0, "{key}");
            }
        }
        assert_eq!(view.export_csv(), view.run.csv());
    }

    #[test]
    fn picking_a_capacity_keeps_the_fits() {
        let mut view = open("sets=5&lambdas=3&speed=4");
        view.play_frame(f64::INFINITY);
        assert_eq!(view.run.step_count(), 4);
        view.set("pick", "0").unwrap();
        assert_eq!(view.run.step_count(), 4);
        view.set("noise", "0.5").unwrap();
        assert_eq!(view.run.step_count(), 0);
        assert_eq!(view.set("pick", "3").unwrap_err().field, "pick");
        view.set("model", "poly").unwrap();
        assert_eq!(view.run.capacities().len(), 7);
        assert_eq!((view.x_of(0), view.x_of(6)), (0.0, 6.0));
        assert_eq!(view.nearest(2.4), 2);
    }

    #[test]
    fn the_ridge_axis_grows_with_flexibility() {
        let view = open("lambdas=6&lmax=2&lmin=-3");
        let xs: Vec<f64> = (0..6).map(|k| view.x_of(k)).collect();
        assert_eq!(xs, [-2.0, -1.0, 0.0, 1.0, 2.0, 3.0]);
        assert_eq!(view.nearest(0.4), 2);
        assert_eq!(view.nearest(-9.0), 0);
    }

    #[test]
    fn the_pointer_picks_the_capacity_under_it() {
        let mut view = open("lambdas=6&lmax=2&lmin=-3");
        view.area = Some(PlotArea {
            left: 0.1,
            right: 0.9,
            x_range: (-2.0, 3.0),
        });
        let press = Pointer {
            plot: "decomposition",
            kind: PointerKind::Down,
            x: 26.0,
            y: 50.0,
            width: 100.0,
            height: 70.0,
        };
        assert_eq!(view.pointer(&press), Ok(true));
        assert_eq!(view.config.pick, 1, "x = −1 is ln λ = 1");
        assert!(view.link().contains("pick=1"));
        assert_eq!(view.pointer(&press), Ok(false), "already picked");
    }
}
