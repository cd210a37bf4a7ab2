//! Synchronous data-parallel SGD ([`sgdlab_core::data_parallel`]): M
//! simulated workers that share a shuffle and average their gradients,
//! beside one worker with the M-times larger batch. The charts show both
//! runs' minibatch losses, the largest difference of their parameters
//! over the run, and the speed-up a wall-clock model predicts against M.
//! The two pitfalls (a seed per worker, summed gradients) are controls.

use crate::now_ms;
use crate::registry::WidgetEntry;
use crate::render::chart::{Chart, Curve, Stroke, XAxis, YAxis};
use crate::widget::{Canvases, Layout, Plot, Readout, Widget};
use crate::widgets::{readable, set_restarts, settings_methods};
use serde_json::{Value, json};
use sgdlab_core::data_parallel::config::{DATA_PARALLEL, MAX_EPOCHS, MAX_WORKERS};
use sgdlab_core::data_parallel::{DataParallel, DataParallelConfig, Reduce, SpeedupPoint};
use sgdlab_core::link::FieldError;
use wasm_bindgen::JsValue;

pub const ENTRY: WidgetEntry = WidgetEntry {
    name: "data-parallel",
    title: "Data parallel",
    summary: "M workers sharing one shuffle and averaging their gradients take the same steps as one worker with an M-times larger batch.",
    page: "data-parallel.html",
    open: |link| {
        let (widget, errors) = DataParallelWidget::open(link);
        (Box::new(widget), errors)
    },
};

/// The M-worker run's colour.
const WORKERS_COLOR: &str = "#56B4E9";
/// The batch-M·B run's colour (drawn dashed over the other).
const SINGLE_COLOR: &str = "#E69F00";
/// Reference lines: the parameters' size, the ideal speed-up.
const REFERENCE_COLOR: &str = "#B8BFCC";
pub struct DataParallelWidget {
    config: DataParallelConfig,
    run: DataParallel,
    dirty: bool,
}

impl DataParallelWidget {
    fn open(link: &str) -> (Self, Vec<FieldError>) {
        let (config, errors) = DataParallelConfig::decode(link, &DataParallelConfig::default());
        (Self::new(config), errors)
    }

    fn new(config: DataParallelConfig) -> Self {
        // A decoded config is valid, so the run always builds.
        let run = DataParallel::new(&config).unwrap_or_else(|_| {
            DataParallel::new(&DataParallelConfig::default()).expect("the defaults are valid")
        });
        Self {
            config,
            run,
            dirty: true,
        }
    }

    fn restart(&mut self) {
        *self = Self::new(self.config.clone());
    }

    fn workers_label(&self) -> String {
        let c = &self.config;
        let mut label = format!("M = {} workers × B = {}", c.workers, c.batch_size);
        if !c.shared_seed {
            label.push_str(", a seed each");
        }
        if c.reduce == Reduce::Sum {
            label.push_str(", gradients summed");
        }
        label
    }

    fn single_label(&self) -> String {
        format!(
            "one worker, batch M·B = {}",
            self.config.global_batch_size()
        )
    }

    fn readout_lines(&self) -> Vec<String> {
        let c = &self.config;
        let shown = |name: &str| !c.options.hide.iter().any(|h| h == name);
        let key: Vec<&str> = [
            (
                "diff",
                "Difference: the largest |θ_M − θ_MB| at each step (dashed: the largest weight).",
            ),
            (
                "loss",
                "Losses: the M-worker run solid, the batch-M·B run dashed over it.",
            ),
            (
                "speedup",
                "Speed-up: the wall-clock model's (dashed: ideal, and this M).",
            ),
        ]
        .into_iter()
        .filter(|(panel, _)| shown(panel))
        .map(|(_, text)| text)
        .collect();
        let (m, b, g) = (c.workers, c.batch_size, c.global_batch_size());
        let shuffle = if c.shared_seed {
            "one shared shuffle"
        } else {
            "a shuffle of its own (pitfall 1: the shards no longer make one global batch)"
        };
        let combine = match c.reduce {
            Reduce::Mean => "their gradients are averaged".to_string(),
            Reduce::Sum => format!(
                "their gradients are summed (pitfall 2: {m} times the step, as η = {} with averaging)",
                readable(c.lr * m as f64)
            ),
        };
        let mut lines = vec![
            key.join(" "),
            format!(
                "Each step, {m} workers take B = {b} examples each from {shuffle}; {combine}; \
                 the reference takes the same {g} examples at once"
            ),
            format!(
                "Step {} of {} (epoch {}): max |θ_M − θ_MB| = {} now, {} at most so far; the largest |θ| is {}",
                self.run.steps_taken(),
                self.run.total_steps(),
                readable(self.run.epochs_done()),
                readable(self.run.diff()),
                readable(self.run.max_abs_diff()),
                readable(self.run.parameter_scale())
            ),
        ];
        let clock = self.run.wall_clock();
        let series = clock.speedup_series(g, MAX_WORKERS);
        let best = series
            .iter()
            .max_by(|a, b| a.speedup.total_cmp(&b.speedup))
            .map(|p| (p.workers, p.speedup));
        let here = series.get(m - 1);
        if let (Some(here), Some((best_m, best_s))) = (here, best) {
            lines.push(format!(
                "Wall clock (ring all-reduce): a step takes {} ms on one worker and {} ms on {m}, \
                 a speed-up of {}; the fastest is M = {best_m} ({}×)",
                readable(series[0].step_ms),
                readable(here.step_ms),
                readable(here.speedup),
                readable(best_s)
            ));
        }
        if let Some(stop) = self.run.stopped() {
            lines.push(format!("Stopped at step {}: {}", stop.step, stop.reason));
        }
        lines
    }

    fn draw_loss(&self, canvas: &web_sys::HtmlCanvasElement) -> Result<(), JsValue> {
        let samples = self.run.samples();
        let stopped = self.run.stopped().is_some();
        let curves = vec![
            Curve::solid(
                WORKERS_COLOR,
                samples.iter().map(|s| (s.epoch, s.workers_loss)).collect(),
            )
            .stopped(stopped),
            Curve::solid(
                SINGLE_COLOR,
                samples.iter().map(|s| (s.epoch, s.single_loss)).collect(),
            )
            .with(Stroke::Dashed)
            .stopped(stopped),
        ];
        let epochs = XAxis::Range(0.0, self.config.epochs as f64);
        Chart {
            curves,
            ..Chart::new("epoch", "minibatch loss", epochs, YAxis::Log)
        }
        .draw(canvas)?;
        Ok(())
    }

    fn draw_diff(&self, canvas: &web_sys::HtmlCanvasElement) -> Result<(), JsValue> {
        let samples = self.run.samples();
        let positive: Vec<(f64, f64)> = samples
            .iter()
            .filter(|s| s.diff > 0.0)
            .map(|s| (s.step as f64, s.diff))
            .collect();
        // All zero (one worker): drawn as it is, on a linear axis.
        let points = if positive.is_empty() {
            samples.iter().map(|s| (s.step as f64, s.diff)).collect()
        } else {
            positive
        };
        let end = self.run.total_steps() as f64;
        let scale = self.run.parameter_scale();
        let curves = vec![
            Curve::solid(WORKERS_COLOR, points).stopped(self.run.stopped().is_some()),
            Curve::solid(REFERENCE_COLOR, vec![(0.0, scale), (end, scale)]).with(Stroke::Dashed),
        ];
        Chart {
            curves,
            ..Chart::new(
                "step",
                "max |θ_M − θ_MB|",
                XAxis::Range(0.0, end),
                YAxis::Log,
            )
        }
        .draw(canvas)?;
        Ok(())
    }

    fn draw_speedup(&self, canvas: &web_sys::HtmlCanvasElement) -> Result<(), JsValue> {
        let series = self
            .run
            .wall_clock()
            .speedup_series(self.config.global_batch_size(), MAX_WORKERS);
        let m = self.config.workers;
        let here = series[m - 1].speedup;
        let along = |y: fn(&SpeedupPoint) -> f64| -> Vec<(f64, f64)> {
            series.iter().map(|p| (p.workers as f64, y(p))).collect()
        };
        let curves = vec![
            Curve::solid(REFERENCE_COLOR, along(|p| p.workers as f64)).with(Stroke::Dashed),
            Curve::solid(WORKERS_COLOR, along(|p| p.speedup)),
            Curve::solid(SINGLE_COLOR, vec![(m as f64, 0.0), (m as f64, here)])
                .with(Stroke::Dashed),
        ];
        let workers = XAxis::Range(0.0, MAX_WORKERS as f64);
        Chart {
            curves,
            ..Chart::new("workers M", "speed-up", workers, YAxis::Fitted)
        }
        .draw(canvas)?;
        Ok(())
    }
}

impl Widget for DataParallelWidget {
    settings_methods!(DATA_PARALLEL, open);

    fn set(&mut self, key: &str, value: &str) -> Result<(), FieldError> {
        if set_restarts(
            &DATA_PARALLEL,
            &mut self.config,
            key,
            value,
            DataParallelConfig::same_run,
        )? {
            self.restart();
        }
        self.dirty = true;
        Ok(())
    }

    /// Takes `n` more steps of both runs. Asked for more than the run has
    /// left, the run grows by whole epochs to take them (up to the most
    /// epochs a run may have), and the link names the new length.
    fn step(&mut self, n: u64) {
        let taken = self.run.steps_taken();
        let wanted = taken.saturating_add(n);
        if wanted > self.run.total_steps() && self.run.stopped().is_none() {
            let per_epoch = self.run.total_steps() / self.config.epochs as u64;
            let epochs = wanted.div_ceil(per_epoch).min(MAX_EPOCHS as u64) as usize;
            if epochs > self.config.epochs {
                self.config.epochs = epochs;
                self.restart();
                self.run.step(taken);
            }
        }
        self.run.step(wanted - taken);
        self.dirty = true;
    }

    fn play_frame(&mut self, budget_ms: f64) {
        let started = now_ms();
        for _ in 0..self.config.speed {
            if self.run.step(1) == 0 || now_ms() - started >= budget_ms {
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
        let last = self.run.samples().last();
        let stopped = self
            .run
            .stopped()
            .map(|s| format!("stopped at step {}: {}", s.step, s.reason));
        let runs = [
            json!({
                "label": self.workers_label(),
                "color": WORKERS_COLOR,
                "loss": last.map(|s| s.workers_loss),
                "stopped": stopped,
            }),
            json!({
                "label": self.single_label(),
                "color": SINGLE_COLOR,
                "loss": last.map(|s| s.single_loss),
                "stopped": stopped,
            }),
        ];
        json!({
            "step": self.run.steps_taken(),
            "finished": self.run.finished(),
            "workers": self.config.workers,
            "shared_seed": self.config.shared_seed,
            "diff": self.run.diff(),
            "max_abs_diff": self.run.max_abs_diff(),
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
                    name: "diff",
                    label: "The largest difference between the M-worker parameters and the \
                            batch-M·B parameters against the step"
                        .into(),
                    layers: &["diff"],
                    pointer: false,
                    aspect: 0.5,
                    main: true,
                    hidden: hidden("diff"),
                },
                Plot {
                    name: "loss",
                    label: "Minibatch loss of the M-worker run (solid) and the batch-M·B run \
                            (dashed) against the epoch"
                        .into(),
                    layers: &["loss"],
                    pointer: false,
                    aspect: 0.6,
                    main: false,
                    hidden: hidden("loss"),
                },
                Plot {
                    name: "speedup",
                    label: "The wall-clock model's speed-up against the number of workers, \
                            with the ideal dashed"
                        .into(),
                    layers: &["speedup"],
                    pointer: false,
                    aspect: 0.6,
                    main: false,
                    hidden: hidden("speedup"),
                },
            ],
            readouts: vec![Readout {
                name: "readout",
                label: "The workers and the clock",
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
        if let Some(canvas) = canvases.get("diff") {
            self.draw_diff(canvas)?;
        }
        if let Some(canvas) = canvases.get("loss") {
            self.draw_loss(canvas)?;
        }
        if let Some(canvas) = canvases.get("speedup") {
            self.draw_speedup(canvas)?;
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

    fn open(link: &str) -> DataParallelWidget {
        let (widget, errors) = DataParallelWidget::open(link);
        assert!(errors.is_empty(), "{errors:?}");
        widget
    }

    #[test]
    fn the_export_carries_the_contract_figures() {
        let mut widget = open("workers=8&b=8");
        widget.step(widget.default_steps());
        let export = widget.export_json();
        assert_eq!(export["view"], "data-parallel");
        assert_eq!(export["workers"], 8);
        assert_eq!(export["shared_seed"], true);
        let diff = export["max_abs_diff"].as_f64().unwrap();
        assert!(diff < 1e-5, "{diff}");
        assert_eq!(export["steps"], 80);
    }

    #[test]
    fn stepping_past_the_end_grows_the_run_by_whole_epochs() {
        let mut widget = open("epochs=2");
        // 512 / 64 = 8 steps per epoch.
        assert_eq!(widget.default_steps(), 16);
        widget.step(10);
        widget.step(11);
        assert_eq!(widget.run.steps_taken(), 21);
        assert!(widget.link().contains("&epochs=3&"));
        let mut direct = open("epochs=3");
        direct.step(21);
        assert_eq!(widget.export_json(), direct.export_json());
    }

    #[test]
    fn a_pitfall_shows_in_the_labels_and_the_readout() {
        let mut widget = open("shared_seed=0&reduce=sum");
        widget.step(5);
        let status = widget.status();
        assert_eq!(
            status["runs"][0]["label"],
            "M = 4 workers × B = 16, a seed each, gradients summed"
        );
        let first = status["readouts"]["readout"][1]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            first.contains("pitfall 1") && first.contains("pitfall 2"),
            "{first}"
        );
        widget.set("speed", "5").unwrap();
        assert_eq!(widget.run.steps_taken(), 5);
        widget.set("workers", "2").unwrap();
        assert_eq!(widget.run.steps_taken(), 0);
    }
}
