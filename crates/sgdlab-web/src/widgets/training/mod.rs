//! The network training lab: one to four optimizers train the same MLP
//! side by side, on the same data from the same initial weights (each with
//! its own batch size and warm-up if its link says so), with the decision
//! boundaries, the loss and accuracy curves (against epochs, steps or
//! examples seen), each run's learning rate by epoch and the per-layer
//! norms drawn live.
//!
//! - [`runs`]: the runs and their recorded curves;
//! - [`backend`]: WebGPU or the CPU, the device request and the fallback;
//! - [`gpu`]: a run trained on WebGPU, read back asynchronously;
//! - [`draw`]: curves and boundaries.
//!
//! Each animation frame trains within a time budget: every optimizer takes
//! one step per round, and rounds repeat until the speed or the budget is
//! used up, so the page stays responsive whatever the network size. GPU
//! runs queue their steps and never make a frame wait. Runs advance in
//! steps together, so a run with a larger batch finishes its epochs in
//! fewer rounds and waits for the others.
//!
//! The learning-rate plot draws [`Run::lr_by_epoch`]: the rates the
//! schedule that steps each run's optimizer gave and will give, so the
//! preview is what trains.

mod backend;
mod draw;
mod gpu;
mod runs;

use crate::registry::WidgetEntry;
use crate::widget::{Canvases, Layout, Plot, Pointer, PointerKind, Readout, Widget};
use crate::widgets::{readable, settings_methods};
use crate::{console_error, now_ms};
use backend::{GpuBackend, Verdict};
use gpu::GpuRun;
use runs::Run;
use serde_json::{Value, json};
use sgdlab_core::data::DatasetKind;
use sgdlab_core::link::{FieldError, ListEdit, format_number};
use sgdlab_core::train::lab::{LabConfig, MAX_RACERS, Racer, TRAINING};
use sgdlab_core::train::{MAX_EPOCHS, MAX_WIDTH, OptimizerChoice, TrainConfig, Trainer};
use sgdlab_gpu::GpuError;
use sgdlab_gpu::optimizer::GPU_OPTIMIZERS;
use wasm_bindgen::prelude::*;

pub const ENTRY: WidgetEntry = WidgetEntry {
    name: "training",
    title: "Training",
    summary: "An MLP on 2-D data: up to four optimizers train side by side from the same weights, on WebGPU when the browser has it.",
    page: "training.html",
    open: |link| {
        let (widget, errors) = TrainingLab::open(link);
        (Box::new(widget), errors)
    },
};

/// Curve colours of the (up to four) runs, Okabe–Ito on a dark chart.
const RUN_COLORS: [&str; MAX_RACERS] = ["#E69F00", "#56B4E9", "#009E73", "#F0E442"];
/// The boundaries (forward passes over a grid) are redrawn at most this
/// often while training.
const BOUNDARY_INTERVAL_MS: f64 = 250.0;
/// The names of the per-run boundary plots.
const RUN_PLOTS: [&str; MAX_RACERS] = ["run1", "run2", "run3", "run4"];

pub struct TrainingLab {
    config: LabConfig,
    runs: Vec<Run>,
    /// Which run the big boundary and the norms show.
    selected: usize,
    backend: GpuBackend,
    /// The step count and time of the last boundary drawing.
    boundary_drawn: Option<(u64, f64)>,
    /// The step count the runs' small boundaries were last drawn at.
    thumbnails_drawn: Option<u64>,
}

impl TrainingLab {
    fn open(link: &str) -> (Self, Vec<FieldError>) {
        let (config, mut errors) = LabConfig::decode(link, &LabConfig::default());
        let mut lab = Self {
            config: LabConfig::default(),
            runs: Vec::new(),
            selected: 0,
            backend: GpuBackend::default(),
            boundary_drawn: None,
            thumbnails_drawn: None,
        };
        if let Err(error) = lab.rebuild(config) {
            errors.push(error);
            lab.rebuild(LabConfig::default())
                .expect("the default lab is valid");
        }
        (lab, errors)
    }

    /// Rebuilds every run from `config`; on error nothing changes.
    fn rebuild(&mut self, config: LabConfig) -> Result<(), FieldError> {
        config.validate()?;
        let mut runs = (0..config.racers.len())
            .map(|i| {
                Run::new(
                    &config.run_config(i),
                    config.racer_label(i),
                    RUN_COLORS[i % RUN_COLORS.len()],
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.backend.want(config.backend);
        self.attach_gpu(&mut runs);
        self.backend.forget_failure();
        self.runs = runs;
        self.config = config;
        self.selected = self.selected.min(self.runs.len().saturating_sub(1));
        self.boundary_drawn = None;
        self.thumbnails_drawn = None;
        Ok(())
    }

    /// The runs again from their initial weights, with the same settings.
    fn restart(&mut self) {
        let config = self.config.clone();
        if let Err(error) = self.rebuild(config) {
            console_error(&format!("sgdlab: restarting failed: {}", error.message));
        }
    }

    /// Puts every run whose optimizer has a GPU kernel on the GPU, when
    /// there is a device, and notes the ones left on the CPU.
    fn attach_gpu(&mut self, runs: &mut [Run]) {
        let Some(device) = &self.backend.device else {
            self.backend.racer_notice.clear();
            return;
        };
        let mut unsupported: Vec<String> = Vec::new();
        let mut failures: Vec<String> = Vec::new();
        for run in runs.iter_mut() {
            match GpuRun::new(&device.context, &run.trainer) {
                Ok(gpu) => run.gpu = Some(gpu),
                Err(GpuError::UnsupportedOptimizer { name }) => {
                    if !unsupported.contains(&name) {
                        unsupported.push(name);
                    }
                }
                Err(error) => failures.push(format!("{}: {error}", run.trainer.optimizer().name())),
            }
        }
        self.backend.racer_notice = backend::racer_notice(&unsupported, &failures, GPU_OPTIMIZERS);
    }

    /// Collects what the GPU finished, takes the answer of a device request
    /// and falls back to the CPU when the device is lost or failed. Never
    /// waits.
    fn poll(&mut self) {
        if let Some(true) = self.backend.poll_request() {
            self.restart();
        }
        match self.backend.check(now_ms()) {
            Verdict::FallBack(_) => {
                self.restart();
                return;
            }
            Verdict::Wait => return,
            Verdict::Keep => {}
        }
        for run in &mut self.runs {
            let Some(gpu) = run.gpu.as_mut() else {
                continue;
            };
            match gpu.poll(&mut run.trainer) {
                Ok(points) => {
                    for point in points {
                        run.push(point.step, point.metrics);
                    }
                }
                Err(error) => {
                    self.backend.failed(error.to_string(), now_ms());
                    return;
                }
            }
        }
    }

    /// Queues up to `steps` steps on every GPU run (without waiting),
    /// stopping at `deadline`; `read_back` asks for the end point too.
    fn submit_gpu(&mut self, steps: u64, deadline: f64, read_back: bool) {
        for run in &mut self.runs {
            if self.backend.failing() {
                return;
            }
            let Some(gpu) = run.gpu.as_mut() else {
                continue;
            };
            if let Err(error) = gpu.submit(steps, deadline, read_back) {
                self.backend.failed(error.to_string(), now_ms());
            }
        }
    }

    /// Whether a CPU run still has steps to take.
    fn cpu_running(&self) -> bool {
        self.runs
            .iter()
            .any(|r| r.gpu.is_none() && !r.trainer.finished())
    }

    fn steps(&self) -> u64 {
        self.runs.iter().map(Run::steps).max().unwrap_or(0)
    }

    /// The selected run's per-layer ‖w‖, ‖∇L‖ and LARS trust ratio.
    fn norm_rows(&self) -> Vec<String> {
        let Some(run) = self.runs.get(self.selected) else {
            return Vec::new();
        };
        let mut rows = vec![format!("{} — per layer:", run.label)];
        rows.extend(run.trainer.layer_norms().iter().map(|n| {
            format!(
                "{}: ‖w‖ = {}, ‖∇L‖ = {}, ‖w‖/‖∇L‖ = {}",
                n.name,
                readable(n.weight_norm),
                readable(n.grad_norm),
                readable(n.trust_ratio)
            )
        }));
        rows
    }

    fn backend_json(&self) -> Value {
        let on_gpu = self.runs.iter().filter(|r| r.gpu.is_some()).count();
        let (adapter, software) = self.backend.adapter();
        json!({
            "choice": self.config.backend.name(),
            "running": if on_gpu > 0 { "gpu" } else { "cpu" },
            "label": backend::badge(on_gpu, self.runs.len(), adapter.as_deref(), software),
            "notice": self.backend.notice(),
            "requesting": self.backend.requesting(),
            "busy": self.busy(),
        })
    }

    /// Rebuilds from an edited copy of the config.
    fn apply(
        &mut self,
        edit: impl FnOnce(&mut LabConfig) -> Result<(), String>,
    ) -> Result<(), FieldError> {
        let mut next = self.config.clone();
        edit(&mut next).map_err(|m| FieldError::new("o", m))?;
        self.rebuild(next)
    }
}

impl Widget for TrainingLab {
    settings_methods!(TRAINING);

    fn load(&mut self, link: &str) -> Vec<FieldError> {
        let (config, mut errors) = LabConfig::decode(link, &LabConfig::default());
        if let Err(error) = self.rebuild(config) {
            errors.push(error);
        }
        errors
    }

    fn set(&mut self, key: &str, value: &str) -> Result<(), FieldError> {
        if let Some(edit) = ListEdit::parse("o", key, value) {
            let edit = edit.map_err(|m| FieldError::new("o", m))?;
            let result = self.apply(|c| {
                let kept = match edit {
                    // Another optimizer in the same place keeps the racer's
                    // batch and warm-up: they belong to the lab.
                    ListEdit::Replace(index, _) => c.racers.get(index).cloned(),
                    _ => None,
                };
                edit.apply(&mut c.racers, MAX_RACERS, Racer::named, Racer::set)?;
                if let (ListEdit::Replace(index, _), Some(old)) = (edit, kept) {
                    c.racers[index].batch = old.batch;
                    c.racers[index].warmup = old.warmup;
                }
                Ok(())
            });
            self.selected = self.selected.min(self.runs.len().saturating_sub(1));
            return result;
        }
        let mut next = self.config.clone();
        TRAINING.set(&mut next, key, value)?;
        let display_only = LabConfig {
            speed: self.config.speed,
            options: self.config.options.clone(),
            x_axis: self.config.x_axis,
            ..next.clone()
        } == self.config;
        if display_only {
            self.config = next;
            Ok(())
        } else {
            self.rebuild(next)
        }
    }

    fn step(&mut self, n: u64) {
        self.poll();
        self.submit_gpu(n, f64::INFINITY, true);
        for _ in 0..n {
            if !self.cpu_running() {
                break;
            }
            self.runs.iter_mut().for_each(Run::step_cpu);
        }
    }

    fn play_frame(&mut self, budget_ms: f64) {
        let started = now_ms();
        let speed = u64::from(self.config.speed);
        self.poll();
        self.submit_gpu(speed, started + budget_ms, false);
        let mut rounds = 0;
        while rounds < speed && self.cpu_running() {
            self.runs.iter_mut().for_each(Run::step_cpu);
            rounds += 1;
            if now_ms() - started >= budget_ms {
                break;
            }
        }
    }

    fn busy(&self) -> bool {
        // A boundary drawn before the last steps is drawn again on a later
        // frame, even when paused.
        let steps: u64 = self.runs.iter().map(Run::steps).sum();
        let stale = self.boundary_drawn.is_some_and(|(drawn, _)| drawn != steps);
        let small_stale =
            self.runs.len() > 1 && self.thumbnails_drawn != self.boundary_drawn.map(|(d, _)| d);
        stale
            || small_stale
            || self.backend.requesting()
            || self.backend.failing()
            || self
                .runs
                .iter()
                .any(|r| r.gpu.as_ref().is_some_and(GpuRun::busy))
    }

    fn reset(&mut self) {
        self.restart();
    }

    fn finished(&self) -> bool {
        self.runs.iter().all(Run::finished)
    }

    /// Enough steps for every run to finish its epochs (the one with the
    /// smallest batch takes the most).
    fn default_steps(&self) -> u64 {
        self.runs
            .iter()
            .map(|r| r.trainer.batches_per_epoch() as u64 * self.config.base.epochs as u64)
            .max()
            .unwrap_or(0)
    }

    fn status(&self) -> Value {
        let runs: Vec<Value> = self
            .runs
            .iter()
            .map(|run| {
                let last = run.history.last();
                json!({
                    "label": run.label,
                    "optimizer": run.trainer.optimizer().name(),
                    "color": run.color,
                    "step": run.steps(),
                    "epoch": run.epoch(),
                    "batch": run.batch_size(),
                    "batches_per_epoch": run.trainer.batches_per_epoch(),
                    "examples": run.trainer.examples_after(run.steps()),
                    "lr": run.lr(),
                    "loss": last.map(|r| r.train_loss),
                    "metrics": last,
                    "stopped": run.stop_message(),
                    "finished": run.finished(),
                    "backend": run.backend(),
                })
            })
            .collect();
        let first = self.runs.first().map(|r| &r.trainer);
        let furthest = self.runs.iter().max_by_key(|r| r.steps());
        let backend = self.backend_json();
        let mut badge = format!("Backend: {}", backend["label"].as_str().unwrap_or(""));
        if self.backend.requesting() {
            badge = "Backend: looking for a GPU…".into();
        }
        let notice = self.backend.notice();
        json!({
            "step": self.steps(),
            "x": self.config.x_axis.name(),
            "epoch": furthest.map_or(0, Run::epoch),
            "epochs": self.config.base.epochs,
            "batches_per_epoch": first.map_or(0, Trainer::batches_per_epoch),
            "train_examples": first.map_or(0, |t| t.train_set().len()),
            "test_examples": first.map_or(0, |t| t.test_set().len()),
            "finished": self.finished(),
            "selected": self.selected,
            "runs": runs,
            "backend": backend,
            "readouts": {
                "backend": if notice.is_empty() { badge } else { format!("{badge}. {notice}") },
                "norms": self.norm_rows(),
            },
        })
    }

    fn export_csv(&self) -> String {
        let mut csv =
            String::from("optimizer,step,epoch,examples,train_loss,test_loss,train_acc,test_acc\n");
        let opt = |v: Option<f64>| v.map(format_number).unwrap_or_default();
        for (index, run) in self.runs.iter().enumerate() {
            for r in &run.history {
                csv.push_str(&format!(
                    "{}:{},{},{},{},{},{},{},{}\n",
                    index + 1,
                    run.trainer.optimizer().name(),
                    r.step,
                    format_number(r.epoch),
                    r.examples,
                    format_number(r.train_loss),
                    opt(r.test_loss),
                    format_number(r.train_acc),
                    opt(r.test_acc)
                ));
            }
        }
        csv
    }

    fn export_json(&self) -> Value {
        let runs: Vec<Value> = self
            .runs
            .iter()
            .enumerate()
            .map(|(index, run)| {
                json!({
                    "label": run.label,
                    "optimizer": run.trainer.optimizer().name(),
                    "config": run.trainer.optimizer().config(),
                    "batch": run.batch_size(),
                    "written_lr": self.config.written_lr(index),
                    "lr": self.config.racer_lr(index),
                    "warmup": self.config.racer_warmup(index),
                    "batches_per_epoch": run.trainer.batches_per_epoch(),
                    "lr_by_epoch": run.lr_by_epoch(),
                    "stopped": run.stop_message(),
                    "backend": run.backend(),
                    "curves": run.history,
                    "norms": run.trainer.layer_norms(),
                })
            })
            .collect();
        json!({
            "view": ENTRY.name,
            "link": self.config.encode(),
            "x": self.config.x_axis.name(),
            "scale_lr": self.config.scale_lr,
            "train_examples": self.runs.first().map_or(0, |r| r.trainer.train_set().len()),
            "runs": runs,
        })
    }

    fn layout(&self) -> Layout {
        let hide = &self.config.options.hide;
        let hidden = |name: &str| hide.iter().any(|h| h == name);
        let mut plots = vec![
            Plot {
                name: "boundary",
                label: "The selected optimizer's decision boundary with the training (filled) \
                        and test (ringed) points"
                    .into(),
                layers: &["boundary"],
                pointer: false,
                aspect: 1.0,
                main: true,
                hidden: false,
            },
            Plot {
                name: "losses",
                label: format!(
                    "Train (solid) and test (dashed) cross-entropy against {}",
                    self.config.x_axis.label()
                ),
                layers: &["losses"],
                pointer: false,
                aspect: 0.55,
                main: false,
                hidden: hidden("curves"),
            },
            Plot {
                name: "accuracy",
                label: format!(
                    "Train (solid) and test (dashed) accuracy against {}",
                    self.config.x_axis.label()
                ),
                layers: &["accuracy"],
                pointer: false,
                aspect: 0.55,
                main: false,
                hidden: hidden("curves"),
            },
            Plot {
                name: "schedule",
                label: "Each optimizer's learning rate by epoch, from the schedule that steps it"
                    .into(),
                layers: &["schedule"],
                pointer: false,
                aspect: 0.4,
                main: false,
                hidden: hidden("schedule"),
            },
        ];
        if self.runs.len() > 1 {
            for (index, run) in self.runs.iter().enumerate() {
                plots.push(Plot {
                    name: RUN_PLOTS[index],
                    label: format!("{}: its decision boundary; press to select it", run.label),
                    layers: &RUN_LAYERS[index],
                    pointer: true,
                    aspect: 1.0,
                    main: false,
                    hidden: false,
                });
            }
        }
        Layout {
            plots,
            readouts: vec![
                Readout {
                    name: "backend",
                    label: "Backend",
                    hidden: false,
                },
                Readout {
                    name: "norms",
                    label: "Layer norms",
                    hidden: hidden("norms"),
                },
            ],
            legend: !hidden("legend"),
            export: true,
        }
    }

    fn render(&mut self, canvases: &Canvases) -> Result<(), JsValue> {
        // Frames go on while a device request or a GPU readback is in
        // flight (`busy`), played or not: each one collects what came back.
        self.poll();
        let axis = self.config.x_axis;
        if let Some(canvas) = canvases.get("losses") {
            draw::losses(canvas, &self.runs, axis)?;
        }
        if let Some(canvas) = canvases.get("accuracy") {
            draw::accuracy(canvas, &self.runs, axis)?;
        }
        if let Some(canvas) = canvases.get("schedule") {
            draw::schedule(canvas, &self.runs)?;
        }
        let steps: u64 = self.runs.iter().map(Run::steps).sum();
        let now = now_ms();
        let due = match self.boundary_drawn {
            None => true,
            Some((drawn, at)) => drawn != steps && now - at >= BOUNDARY_INTERVAL_MS,
        };
        if due || self.finished() && self.boundary_drawn.is_some_and(|(drawn, _)| drawn != steps) {
            if let (Some(canvas), Some(run)) =
                (canvases.get("boundary"), self.runs.get_mut(self.selected))
            {
                draw::boundary(canvas, run, 96)?;
            }
            self.boundary_drawn = Some((steps, now));
        }
        // Each run's small boundary follows the big one, on the first frame
        // that draws the side plots.
        let shown = self.boundary_drawn.map(|(drawn, _)| drawn);
        let small: Vec<_> = (0..self.runs.len())
            .filter_map(|index| canvases.get(RUN_PLOTS[index]))
            .collect();
        if self.runs.len() > 1 && small.len() == self.runs.len() && self.thumbnails_drawn != shown {
            for (run, canvas) in self.runs.iter_mut().zip(small) {
                draw::boundary(canvas, run, 40)?;
            }
            self.thumbnails_drawn = shown;
        }
        Ok(())
    }

    fn pointer(&mut self, pointer: &Pointer<'_>) -> Result<bool, FieldError> {
        if pointer.kind != PointerKind::Down {
            return Ok(false);
        }
        if let Some(index) = RUN_PLOTS.iter().position(|p| *p == pointer.plot)
            && index < self.runs.len()
        {
            self.selected = index;
            self.boundary_drawn = None;
            self.thumbnails_drawn = None;
        }
        Ok(false)
    }

    fn resized(&mut self) {
        self.boundary_drawn = None;
        self.thumbnails_drawn = None;
    }

    fn lose_gpu(&self) -> bool {
        self.backend
            .device
            .as_ref()
            .map(gpu::GpuDevice::destroy)
            .is_some()
    }
}

/// The canvas layer of each run's boundary plot (named like the plot).
const RUN_LAYERS: [[&str; 1]; MAX_RACERS] = [["run1"], ["run2"], ["run3"], ["run4"]];

/// Milliseconds for `steps` training steps of a 2-`hidden`-`hidden`-2 ReLU
/// network with Adam (lr 1e-3) on minibatches of `batch` from 1,024
/// examples, after 20 warm-up steps: the same work as
/// `bench/torch_mlp.py` times in PyTorch. For the browser benchmark.
#[wasm_bindgen]
pub fn bench_train_steps(hidden: usize, batch: usize, steps: u32) -> f64 {
    let config = TrainConfig {
        dataset: DatasetKind::Xor,
        samples: 1024,
        test_fraction: 0.0,
        hidden: vec![hidden.clamp(1, MAX_WIDTH); 2],
        batch_size: batch.clamp(1, 1024),
        epochs: MAX_EPOCHS,
        optimizer: OptimizerChoice::new("adam", json!({"lr": 1e-3})),
        ..TrainConfig::default()
    };
    let Ok(mut trainer) = Trainer::new(&config) else {
        return f64::NAN;
    };
    for _ in 0..20 {
        let _ = trainer.step();
    }
    let started = now_ms();
    for _ in 0..steps {
        let _ = trainer.step();
    }
    now_ms() - started
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(link: &str) -> TrainingLab {
        let (lab, errors) = TrainingLab::open(link);
        assert!(errors.is_empty(), "{errors:?}");
        lab
    }

    const SMALL: &str = "d=moons&n=200&h=8&epochs=4&b=10&o=sgd,lr:0.1&o=adam,lr:0.01";

    #[test]
    fn the_panel_edits_a_racers_batch_and_warm_up() {
        let mut lab = open(SMALL);
        lab.set("o.1.batch", "40").unwrap();
        assert!(
            lab.link().contains("&o=adam,lr:0.01,batch:40&"),
            "{}",
            lab.link()
        );
        assert_eq!(lab.runs[1].batch_size(), 40);
        assert_eq!(lab.runs[1].trainer.batches_per_epoch(), 4);
        // Another optimizer in its place keeps the racer's batch.
        lab.set("o.1", "rmsprop").unwrap();
        assert!(
            lab.link().contains("&o=rmsprop,batch:40&"),
            "{}",
            lab.link()
        );
        lab.set("o.1.warm", "2").unwrap();
        assert_eq!(lab.runs[1].label, "rmsprop (lr 0.01, B 40, warm-up 2)");
        let link = lab.link();
        for (key, value) in [("o.1.batch", "161"), ("o.1.batch", "0"), ("o.1.warm", "-1")] {
            assert!(lab.set(key, value).is_err(), "{key}={value}");
            assert_eq!(lab.link(), link, "{key}={value} changed the state");
        }
        lab.set("o.1.batch", "").unwrap();
        lab.set("o.1.warm", "").unwrap();
        assert!(lab.link().contains("&o=rmsprop&"), "{}", lab.link());
    }

    #[test]
    fn the_x_axis_redraws_without_restarting_the_runs() {
        let mut lab = open(SMALL);
        lab.step(7);
        lab.set("x", "examples").unwrap();
        assert_eq!(lab.steps(), 7, "the runs were kept");
        assert_eq!(lab.status()["x"], "examples");
        assert!(
            lab.layout().plots[1]
                .label
                .ends_with("against examples seen")
        );
        lab.set("scale", "10").unwrap();
        assert_eq!(lab.steps(), 0, "a new rate restarts the runs");
    }

    #[test]
    fn runs_with_other_batches_finish_together_by_default() {
        let mut lab = open("d=moons&n=200&h=8&epochs=3&b=10&o=sgd,lr:0.1&o=sgd,lr:0.1,batch:80");
        assert_eq!(
            lab.default_steps(),
            48,
            "the batch of 10 takes the most steps"
        );
        lab.step(lab.default_steps());
        assert!(lab.finished());
        let status = lab.status();
        let runs = status["runs"].as_array().unwrap();
        assert_eq!(
            (runs[0]["step"].as_u64(), runs[1]["step"].as_u64()),
            (Some(48), Some(6))
        );
        assert_eq!(runs[0]["examples"], runs[1]["examples"]);
        assert_eq!(runs[1]["batch"], 80);
        // Every run records a point at the end of each of its epochs.
        for run in &lab.runs {
            let ends: Vec<f64> = run
                .history
                .iter()
                .map(|r| r.epoch)
                .filter(|e| e.fract() == 0.0)
                .collect();
            assert_eq!(ends, [0.0, 1.0, 2.0, 3.0], "{}", run.label);
        }
    }
}
