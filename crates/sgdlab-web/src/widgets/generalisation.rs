//! Wilson et al.'s generalisation gap ([`sgdlab_core::generalisation`]):
//! SGD, Adam, Adagrad and RMSprop fit one over-parameterised least-squares
//! problem from w = 0. The charts show the training loss, the test error
//! (with the test set's share of negatives dashed: the error of calling
//! every point positive) and the weights on the three shared features,
//! against the step on a log axis (the errors are settled at the first
//! step, the fit within a few hundred). The charts keep their own points,
//! evenly spaced in log-time; the CSV export is the engine's series.

use crate::now_ms;
use crate::registry::WidgetEntry;
use crate::render::chart::{Chart, Curve, Stroke, XAxis, YAxis};
use crate::widget::{Canvases, Layout, Plot, Readout, Widget};
use crate::widgets::{LogSchedule, readable, set_restarts, settings_methods};
use serde_json::{Value, json};
use sgdlab_core::generalisation::config::{GENERALISATION, MAX_STEPS};
use sgdlab_core::generalisation::{Generalisation, GeneralisationConfig, Method, Sample};
use sgdlab_core::link::FieldError;
use wasm_bindgen::JsValue;

pub const ENTRY: WidgetEntry = WidgetEntry {
    name: "generalisation",
    title: "Generalisation",
    summary: "Wilson et al.'s least-squares construction: every optimizer fits the training set, but only SGD's solution classifies new points.",
    page: "generalisation.html",
    open: |link| {
        let (widget, errors) = GeneralisationWidget::open(link);
        (Box::new(widget), errors)
    },
};

/// The colours of SGD, Adam, Adagrad and RMSprop, in the engine's order.
const COLORS: [&str; 4] = ["#009E73", "#E69F00", "#CC79A7", "#56B4E9"];
/// The dashed line of the negatives' share.
const SHARE_COLOR: &str = "#B8BFCC";
pub struct GeneralisationWidget {
    config: GeneralisationConfig,
    run: Generalisation,
    /// The charts' points, evenly spaced in log-time.
    trace: Vec<Sample>,
    schedule: LogSchedule,
    dirty: bool,
}

fn label(method: Method) -> &'static str {
    match method {
        Method::Sgd => "SGD",
        Method::Adam => "Adam",
        Method::Adagrad => "Adagrad",
        Method::RmsProp => "RMSprop",
    }
}

impl GeneralisationWidget {
    fn open(link: &str) -> (Self, Vec<FieldError>) {
        let (config, errors) = GeneralisationConfig::decode(link, &GeneralisationConfig::default());
        (Self::new(config), errors)
    }

    fn new(config: GeneralisationConfig) -> Self {
        // A decoded config is valid, so the run always builds.
        let run = Generalisation::new(&config).unwrap_or_else(|_| {
            Generalisation::new(&GeneralisationConfig::default()).expect("the defaults are valid")
        });
        Self {
            config,
            run,
            trace: Vec::new(),
            schedule: LogSchedule::new(),
            dirty: true,
        }
    }

    fn restart(&mut self) {
        *self = Self::new(self.config.clone());
    }

    /// The racers now, as a point of the charts.
    fn sample(&self) -> Sample {
        let racers = self.run.racers();
        Sample {
            step: self.run.steps_taken(),
            train_loss: std::array::from_fn(|i| racers[i].train_loss()),
            test_error: std::array::from_fn(|i| racers[i].test_error()),
            shared_weights: std::array::from_fn(|i| racers[i].shared_weights()),
        }
    }

    /// Takes one step; false at the end of the run.
    fn step_once(&mut self) -> bool {
        if self.run.step(1) == 0 {
            return false;
        }
        let t = self.run.steps_taken();
        if t == self.schedule.due() {
            self.trace.push(self.sample());
            self.schedule.taken(t);
        }
        true
    }

    /// The charts' points with `current`, the state now, last.
    fn points<'a>(&'a self, current: &'a Sample) -> Vec<&'a Sample> {
        let last = self.trace.last().map(|p| p.step);
        let tail = (last != Some(current.step)).then_some(current);
        self.trace.iter().chain(tail).collect()
    }

    fn readout_lines(&self) -> Vec<String> {
        let data = self.run.data();
        let n = data.train_labels().len();
        let negatives = data.train_labels().iter().filter(|&&y| y < 0.0).count();
        let share = data.test_negative_share();
        let mut lines = vec![
            format!(
                "{n} training examples ({negatives} labelled −1), {} features: the label, two \
                 constants and a private block per example (1 feature for +1, 5 for −1)",
                data.columns()
            ),
            format!(
                "{} test points, {}% labelled −1 (dashed): the error of calling every point positive",
                data.test_labels().len(),
                readable(100.0 * share)
            ),
            "Shared weights: solid w₀ on the label feature, dashed w₁ = w₂ on the two constant \
             features (they coincide for the adaptive methods)"
                .into(),
        ];
        for racer in self.run.racers() {
            let [w0, w1, w2] = racer.shared_weights();
            let mut line = format!(
                "{} (lr {}): loss {}, test error {}, shared weights ({}, {}, {})",
                label(racer.method()),
                readable(racer.lr()),
                readable(racer.train_loss()),
                readable(racer.test_error()),
                readable(w0),
                readable(w1),
                readable(w2)
            );
            if let Some(stop) = racer.stopped() {
                line.push_str(&format!("; stopped at step {}: {}", stop.step, stop.reason));
            }
            lines.push(line);
        }
        lines
    }

    fn series(
        &self,
        points: &[&Sample],
        value: impl Fn(&Sample, usize) -> f64,
    ) -> Vec<Curve<'static>> {
        (0..COLORS.len())
            .map(|i| {
                let values = points.iter().map(|s| (s.step as f64, value(s, i)));
                Curve::solid(COLORS[i], values.collect())
                    .stopped(self.run.racers()[i].stopped().is_some())
            })
            .collect()
    }

    /// The time axis, logarithmic to the end of the run.
    fn time_axis(&self) -> XAxis {
        XAxis::Log {
            end: self.run.total_steps() as f64,
        }
    }

    fn t_end(&self) -> f64 {
        self.run.total_steps() as f64
    }

    fn draw_loss(
        &self,
        canvas: &web_sys::HtmlCanvasElement,
        points: &[&Sample],
    ) -> Result<(), JsValue> {
        // A loss of exactly 0 has no place on a log axis: the curve ends
        // where it gets there.
        Chart {
            curves: self.series(points, |s, i| s.train_loss[i]),
            ..Chart::new("step", "training loss", self.time_axis(), YAxis::Log)
        }
        .draw(canvas)?;
        Ok(())
    }

    fn draw_error(
        &self,
        canvas: &web_sys::HtmlCanvasElement,
        points: &[&Sample],
    ) -> Result<(), JsValue> {
        let mut curves = self.series(points, |s, i| s.test_error[i]);
        let share = self.run.data().test_negative_share();
        let share_line = vec![(1.0, share), (self.t_end(), share)];
        curves.push(Curve::solid(SHARE_COLOR, share_line).with(Stroke::Dashed));
        let highest = curves
            .iter()
            .flat_map(|c| c.points.iter().filter(|p| p.0 >= 1.0).map(|p| p.1))
            .fold(0.5_f64, f64::max);
        let errors = YAxis::Fixed(0.0, (highest * 10.0).ceil() / 10.0);
        Chart {
            curves,
            ..Chart::new("step", "test error", self.time_axis(), errors)
        }
        .draw(canvas)?;
        Ok(())
    }

    fn draw_weights(
        &self,
        canvas: &web_sys::HtmlCanvasElement,
        points: &[&Sample],
    ) -> Result<(), JsValue> {
        let mut curves = self.series(points, |s, i| s.shared_weights[i][0]);
        let constants = self.series(points, |s, i| s.shared_weights[i][1]);
        curves.extend(constants.into_iter().map(|c| c.with(Stroke::Dashed)));
        let (low, high) = curves
            .iter()
            .flat_map(|c| c.points.iter().map(|p| p.1))
            .filter(|v| v.is_finite())
            .fold((0.0_f64, 1.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
        Chart {
            curves,
            ..Chart::new(
                "step",
                "shared weights",
                self.time_axis(),
                YAxis::Fixed(low, high),
            )
        }
        .draw(canvas)?;
        Ok(())
    }
}

impl Widget for GeneralisationWidget {
    settings_methods!(GENERALISATION, open);

    fn set(&mut self, key: &str, value: &str) -> Result<(), FieldError> {
        if set_restarts(
            &GENERALISATION,
            &mut self.config,
            key,
            value,
            GeneralisationConfig::same_run,
        )? {
            self.restart();
        }
        self.dirty = true;
        Ok(())
    }

    /// Takes `n` more steps. Asked for more than the run has left, the run
    /// grows to take them (up to the most a run may have), and the link
    /// names the new length.
    fn step(&mut self, n: u64) {
        let wanted = self.run.steps_taken().saturating_add(n).min(MAX_STEPS);
        if wanted > self.run.total_steps() {
            let taken = self.run.steps_taken();
            self.config.steps = wanted;
            self.restart();
            for _ in 0..taken {
                self.step_once();
            }
        }
        while self.run.steps_taken() < wanted && self.step_once() {}
        self.dirty = true;
    }

    fn play_frame(&mut self, budget_ms: f64) {
        let started = now_ms();
        for _ in 0..self.config.speed {
            if !self.step_once() || now_ms() - started >= budget_ms {
                break;
            }
        }
        self.dirty = true;
    }

    fn reset(&mut self) {
        self.restart();
    }

    fn finished(&self) -> bool {
        self.run.finished()
    }

    fn default_steps(&self) -> u64 {
        self.run.total_steps()
    }

    fn status(&self) -> Value {
        let runs: Vec<Value> = self
            .run
            .racers()
            .iter()
            .zip(COLORS)
            .map(|(racer, color)| {
                json!({
                    "label": format!("{} (lr {})", label(racer.method()), readable(racer.lr())),
                    "optimizer": racer.method().name(),
                    "color": color,
                    "loss": racer.train_loss(),
                    "test_error": racer.test_error(),
                    "shared_weights": racer.shared_weights(),
                    "stopped": racer.stopped().map(|s| format!("stopped at step {}: {}", s.step, s.reason)),
                })
            })
            .collect();
        json!({
            "step": self.run.steps_taken(),
            "finished": self.run.finished(),
            "negative_share": self.run.data().test_negative_share(),
            "runs": runs,
            "readouts": {"readout": self.readout_lines()},
        })
    }

    fn export_csv(&self) -> String {
        self.run.csv()
    }

    fn export_json(&self) -> Value {
        let mut export = json!(self.run.report());
        export["view"] = json!(ENTRY.name);
        export["link"] = json!(self.link());
        export
    }

    fn layout(&self) -> Layout {
        let hidden = |name: &str| self.config.options.hide.iter().any(|h| h == name);
        Layout {
            plots: vec![
                Plot {
                    name: "error",
                    label: "Test error of each optimizer against the step, with the test \
                            set's share of negatives dashed"
                        .into(),
                    layers: &["error"],
                    pointer: false,
                    aspect: 0.45,
                    main: true,
                    hidden: hidden("error"),
                },
                Plot {
                    name: "loss",
                    label: "Training loss of each optimizer against the step".into(),
                    layers: &["loss"],
                    pointer: false,
                    aspect: 0.6,
                    main: false,
                    hidden: hidden("loss"),
                },
                Plot {
                    name: "weights",
                    label: "Weights on the label feature (solid) and the two constant \
                            features (dashed) against the step"
                        .into(),
                    layers: &["weights"],
                    pointer: false,
                    aspect: 0.6,
                    main: false,
                    hidden: hidden("weights"),
                },
            ],
            readouts: vec![Readout {
                name: "readout",
                label: "The data and the racers",
                hidden: hidden("readout"),
            }],
            legend: !hidden("legend"),
            export: !hidden("export"),
        }
    }

    fn render(&mut self, canvases: &Canvases) -> Result<(), JsValue> {
        if !self.dirty {
            return Ok(());
        }
        let current = self.sample();
        let points = self.points(&current);
        if let Some(canvas) = canvases.get("error") {
            self.draw_error(canvas, &points)?;
        }
        if let Some(canvas) = canvases.get("loss") {
            self.draw_loss(canvas, &points)?;
        }
        if let Some(canvas) = canvases.get("weights") {
            self.draw_weights(canvas, &points)?;
        }
        // Drawn in full: nothing left to draw until the run moves.
        if canvases.has_all(&self.layout()) {
            self.dirty = false;
        }
        Ok(())
    }

    fn resized(&mut self) {
        self.dirty = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(link: &str) -> GeneralisationWidget {
        let (widget, errors) = GeneralisationWidget::open(link);
        assert!(errors.is_empty(), "{errors:?}");
        widget
    }

    #[test]
    fn the_export_carries_the_contract_figures() {
        let mut widget = open("");
        widget.step(widget.default_steps());
        let export = widget.export_json();
        assert_eq!(export["view"], "generalisation");
        let share = export["negative_share"].as_f64().unwrap();
        let runs = export["runs"].as_array().unwrap();
        let names: Vec<&str> = runs
            .iter()
            .map(|r| r["optimizer"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["sgd", "adam", "adagrad", "rmsprop"]);
        assert_eq!(runs[0]["test_error"], 0.0);
        for run in &runs[1..] {
            assert_eq!(run["test_error"].as_f64(), Some(share));
            assert!(run["train_loss"].as_f64().unwrap() < 1e-3);
        }
    }

    #[test]
    fn stepping_past_the_end_grows_the_run_and_its_link() {
        let mut longer = open("steps=40");
        longer.step(30);
        longer.step(30);
        let mut direct = open("steps=60");
        direct.step(60);
        assert_eq!(longer.export_json(), direct.export_json());
        assert!(longer.link().contains("&steps=60&"));
    }

    #[test]
    fn play_frames_take_speed_steps_and_a_rate_change_restarts() {
        let mut widget = open("speed=7&steps=20");
        widget.play_frame(f64::INFINITY);
        assert_eq!(widget.run.steps_taken(), 7);
        widget.play_frame(f64::INFINITY);
        widget.play_frame(f64::INFINITY);
        assert!(widget.finished());
        widget.set("speed", "3").unwrap();
        assert!(widget.finished());
        widget.set("adam_lr", "0.02").unwrap();
        assert_eq!(widget.run.steps_taken(), 0);
        assert!(widget.set("p", "2").is_err());
    }
}
