//! The network training lab as the page sees it: a [`TrainingLab`] that
//! trains one to four optimizers side by side on the same data from the same
//! initial weights ([`Trainer::side_by_side`]), records their curves, and
//! draws the decision boundaries and the curves.
//!
//! The page calls [`TrainingLab::train_frame`] once per animation frame with
//! a time budget: every optimizer takes one step per round, rounds repeat
//! until the speed or the budget is used up, so the page stays responsive
//! whatever the network size. Curves are recorded every half epoch (a step
//! count fixed by the config, not by timing), so a link reproduces the same
//! curves on any machine.
//!
//! A run that diverges stops with the last finite weights and says "diverged
//! at step k"; its curve ends there (no NaN is ever recorded).
//!
//! Backends: the CPU (wasm) always; WebGPU once the page hands over a
//! [`GpuDevice`] ([`TrainingLab::use_gpu`]). Then every optimizer with a
//! GPU kernel trains in a [`gpu::GpuRun`] (the others stay on the CPU), and
//! the lab goes back to the CPU by itself, saying why, when the device is
//! lost or fails ([`TrainingLab::backend_json`]).

pub mod gpu;
pub mod link;

use crate::render::{boundary, curves};
use crate::{console_error, errors_json, install_panic_hook, now_ms};
use gpu::{GpuDevice, GpuRun};
use link::{Backend, HIDEABLE, KEYS, LabConfig, MAX_RACERS, MAX_SPEED, MAX_WORK};
use serde::Serialize;
use serde_json::{Value, json};
use sgdlab_core::data::sampler::SAMPLING_ORDER_NAMES;
use sgdlab_core::data::{DATASET_NAMES, DatasetKind, MAX_NOISE, MAX_SAMPLES};
use sgdlab_core::optim::OPTIMIZERS;
use sgdlab_core::playground::FieldError;
use sgdlab_core::playground::config::format_number;
use sgdlab_core::schedule;
use sgdlab_core::train::{
    ACTIVATION_NAMES, MAX_EPOCHS, MAX_HIDDEN_LAYERS, MAX_WIDTH, Metrics, OptimizerChoice,
    TrainConfig, Trainer,
};
use sgdlab_gpu::GpuError;
use sgdlab_gpu::optimizer::GPU_OPTIMIZERS;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// The value of the `view` key that names this widget in embed links.
pub const VIEW: &str = "training";

/// Curve colours of the (up to four) runs, Okabe–Ito on a dark chart.
pub const RUN_COLORS: [&str; MAX_RACERS] = ["#E69F00", "#56B4E9", "#009E73", "#F0E442"];

/// How long a GPU error waits for the browser's device-lost report.
const FAILURE_GRACE_MS: f64 = 2000.0;

/// Keys whose change leaves the runs going.
const DISPLAY_KEYS: &[&str] = &["speed"];

/// One point of a run's curves.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
struct Record {
    step: u64,
    /// Steps divided by batches per epoch.
    epoch: f64,
    train_loss: f64,
    test_loss: Option<f64>,
    train_acc: f64,
    test_acc: Option<f64>,
}

/// One optimizer's run and its curves.
struct Run {
    trainer: Trainer,
    color: &'static str,
    history: Vec<Record>,
    /// Set when this run trains on the GPU; `trainer` then only holds the
    /// data and the weights last read back (for the boundary).
    gpu: Option<GpuRun>,
}

impl Run {
    fn new(config: &TrainConfig, color: &'static str) -> Result<Self, FieldError> {
        let trainer = Trainer::new(config).map_err(|e| FieldError::new("link", e.to_string()))?;
        let mut run = Self {
            trainer,
            color,
            history: Vec::new(),
            gpu: None,
        };
        run.record();
        Ok(run)
    }

    fn record(&mut self) {
        let metrics = self.trainer.evaluate();
        let steps = self.trainer.steps();
        self.push(steps, metrics);
    }

    /// Adds the curve point of step `steps` (replacing one already there).
    fn push(&mut self, steps: u64, metrics: Metrics) {
        let per_epoch = self.trainer.batches_per_epoch().max(1) as f64;
        if self.history.last().is_some_and(|r| r.step == steps) {
            self.history.pop();
        }
        self.history.push(Record {
            step: steps,
            epoch: steps as f64 / per_epoch,
            train_loss: metrics.train_loss,
            test_loss: metrics.test_loss,
            train_acc: metrics.train_acc,
            test_acc: metrics.test_acc,
        });
    }

    fn label(&self) -> String {
        let optimizer = self.trainer.optimizer();
        format!(
            "{} (lr {})",
            optimizer.name(),
            format_number(configured_lr(self.trainer.config()))
        )
    }

    fn steps(&self) -> u64 {
        self.gpu
            .as_ref()
            .map_or(self.trainer.steps(), GpuRun::steps)
    }

    fn epoch(&self) -> u64 {
        self.gpu
            .as_ref()
            .map_or(self.trainer.epoch(), GpuRun::epoch)
    }

    fn lr(&self) -> f64 {
        self.gpu.as_ref().map_or(self.trainer.lr(), GpuRun::lr)
    }

    fn finished(&self) -> bool {
        self.gpu
            .as_ref()
            .map_or(self.trainer.finished(), GpuRun::finished)
    }

    fn stopped(&self) -> bool {
        self.trainer.diverged().is_some()
            || self.gpu.as_ref().is_some_and(|g| g.stopped().is_some())
    }

    fn stop_message(&self) -> Option<String> {
        if let Some(message) = self.gpu.as_ref().and_then(GpuRun::stopped) {
            return Some(message.to_string());
        }
        self.trainer.diverged().map(|d| {
            format!(
                "diverged at step {} (epoch {}): {}",
                d.step, d.epoch, d.reason
            )
        })
    }
}

/// The configured learning rate of a run (before any schedule).
fn configured_lr(config: &TrainConfig) -> f64 {
    config
        .optimizer
        .build(config.seed)
        .map(|o| o.lr())
        .unwrap_or(f64::NAN)
}

/// The canvases the page gave us.
struct Canvases {
    boundary: HtmlCanvasElement,
    losses: HtmlCanvasElement,
    accuracy: HtmlCanvasElement,
    thumbnails: Vec<HtmlCanvasElement>,
}

/// The network training lab.
#[wasm_bindgen]
pub struct TrainingLab {
    config: LabConfig,
    runs: Vec<Run>,
    /// Which run the big boundary and the norms table show.
    selected: usize,
    load_errors: Vec<FieldError>,
    canvases: Canvases,
    last_frame_ms: f64,
    /// The WebGPU device, while the lab may use it.
    gpu: Option<GpuDevice>,
    /// The adapter's name, for the badge.
    gpu_label: String,
    /// Why the lab is on the CPU although the GPU was asked for.
    fallback_notice: String,
    /// Which optimizers stay on the CPU for lack of a GPU kernel.
    racer_notice: String,
    /// A GPU error and when it came: the lab falls back to the CPU once the
    /// browser says why (device lost) or after [`FAILURE_GRACE_MS`].
    gpu_failure: Option<(String, f64)>,
}

#[wasm_bindgen]
impl TrainingLab {
    /// The lab from a link hash (with or without `#`), drawing the selected
    /// run's boundary, the loss and accuracy curves, and one thumbnail per
    /// run (`thumbnails`: an array of up to four canvases).
    #[wasm_bindgen(constructor)]
    pub fn new(
        hash: &str,
        boundary: HtmlCanvasElement,
        losses: HtmlCanvasElement,
        accuracy: HtmlCanvasElement,
        thumbnails: js_sys::Array,
    ) -> TrainingLab {
        install_panic_hook();
        let (rest, mut load_errors) = crate::stochastic::strip_view(hash, VIEW);
        let (config, errors) = LabConfig::decode(&rest, &LabConfig::default());
        load_errors.extend(errors);
        let thumbnails = thumbnails
            .iter()
            .filter_map(|c| c.dyn_into::<HtmlCanvasElement>().ok())
            .take(MAX_RACERS)
            .collect();
        let mut lab = TrainingLab {
            config: LabConfig::default(),
            runs: Vec::new(),
            selected: 0,
            load_errors,
            canvases: Canvases {
                boundary,
                losses,
                accuracy,
                thumbnails,
            },
            last_frame_ms: 0.0,
            gpu: None,
            gpu_label: String::new(),
            fallback_notice: String::new(),
            racer_notice: String::new(),
            gpu_failure: None,
        };
        if let Err(error) = lab.rebuild(config) {
            lab.load_errors.push(error);
            lab.rebuild(LabConfig::default())
                .expect("the default lab is valid");
        }
        lab
    }

    /// JSON `[{field, message}]`: what was wrong with the hash given to `new`.
    pub fn load_errors(&self) -> String {
        errors_json(&self.load_errors)
    }

    /// Applies a pasted link on top of the current state (and restarts);
    /// JSON errors.
    pub fn load_hash(&mut self, hash: &str) -> String {
        let (rest, mut errors) = crate::stochastic::strip_view(hash, VIEW);
        let (config, decode_errors) = LabConfig::decode(&rest, &self.config);
        errors.extend(decode_errors);
        if let Err(error) = self.rebuild(config) {
            errors.push(error);
        }
        errors_json(&errors)
    }

    /// The whole state as a hash (no `#`, no `view`).
    pub fn hash(&self) -> String {
        self.config.encode()
    }

    /// Everything the page needs to build its controls, as JSON.
    pub fn ui_model(&self) -> String {
        let b = &self.config.base;
        let datasets: Vec<Value> = DatasetKind::ALL
            .iter()
            .map(|d| json!({"name": d.name(), "description": d.description(), "classes": d.classes()}))
            .collect();
        let optimizers: Vec<Value> = OPTIMIZERS
            .iter()
            .filter_map(|entry| {
                let optimizer = entry.build::<f32>().ok()?;
                (!optimizer.needs_hessian()).then(|| {
                    json!({
                        "name": entry.name,
                        "description": entry.description,
                        "rule": optimizer.update_rule(),
                        "defaults": optimizer.config(),
                    })
                })
            })
            .collect();
        let racers: Vec<Value> = self
            .runs
            .iter()
            .zip(&self.config.racers)
            .map(|(run, choice)| {
                json!({
                    "optimizer": choice.name,
                    "label": run.label(),
                    "color": run.color,
                    "rule": run.trainer.optimizer().update_rule(),
                    "config": run.trainer.optimizer().config(),
                })
            })
            .collect();
        let hidden: Vec<String> = b.hidden.iter().map(usize::to_string).collect();
        json!({
            "datasets": datasets,
            "dataset_names": DATASET_NAMES,
            "activations": ACTIVATION_NAMES,
            "orders": SAMPLING_ORDER_NAMES,
            "schedules": schedule::NAMES,
            "backends": Backend::NAMES,
            "gpu_optimizers": GPU_OPTIMIZERS,
            "optimizers": optimizers,
            "hideable": HIDEABLE,
            "keys": KEYS,
            "limits": {
                "max_racers": MAX_RACERS,
                "max_samples": MAX_SAMPLES,
                "max_noise": MAX_NOISE,
                "max_layers": MAX_HIDDEN_LAYERS,
                "max_width": MAX_WIDTH,
                "max_epochs": MAX_EPOCHS,
                "max_speed": MAX_SPEED,
                "max_work": MAX_WORK,
            },
            "state": {
                "d": b.dataset.name(),
                "n": b.samples,
                "noise": format_number(b.noise),
                "test": format_number(b.test_fraction),
                "seed": b.seed.to_string(),
                "h": hidden.join(","),
                "act": b.activation.name(),
                "b": b.batch_size,
                "order": b.sampling.name(),
                "epochs": b.epochs,
                "wd": format_number(self.config.weight_decay),
                "sched": link::encode_schedule(&self.config.schedule),
                "warm": self.config.warmup,
                "backend": self.config.backend.name(),
                "speed": self.config.speed,
                "autoplay": self.config.autoplay,
                "hide": self.config.hide,
                "racers": racers,
                "selected": self.selected,
            },
            "parameters": b.mlp_spec().parameter_count(),
            "layers": b.mlp_spec().layer_names(),
        })
        .to_string()
    }

    /// Sets one setting by its link key (`d`, `h`, `b`, `sched`, …) from the
    /// text of a control; `""` on success, else the message for beside the
    /// control (the state is then unchanged). Changes restart the runs,
    /// except `speed`.
    pub fn set(&mut self, key: &str, value: &str) -> String {
        if !KEYS.contains(&key) || ["o", "autoplay", "hide"].contains(&key) {
            return format!(
                "`{}` is not a setting of this view",
                key.chars().take(24).collect::<String>()
            );
        }
        if value.contains(['&', '#']) || value.len() > 300 {
            return "the value may not contain & or #, and is at most 300 characters".into();
        }
        let (next, errors) = LabConfig::decode(&format!("{key}={}", value.trim()), &self.config);
        if let Some(first) = errors.first() {
            return first.message.clone();
        }
        if DISPLAY_KEYS.contains(&key) {
            self.config = next;
            return String::new();
        }
        self.rebuild(next)
            .err()
            .map(|e| e.message)
            .unwrap_or_default()
    }

    /// Replaces optimizer `index` with `name` at its defaults (the lr kept
    /// when the new one has an lr).
    pub fn set_racer_optimizer(&mut self, index: usize, name: &str) -> String {
        let mut next = self.config.clone();
        let Some(slot) = next.racers.get_mut(index) else {
            return format!("there is no optimizer {}", index + 1);
        };
        let mut settings = serde_json::Map::new();
        if let Some(lr) = slot.settings.get("lr") {
            settings.insert("lr".into(), lr.clone());
        }
        let choice = OptimizerChoice::new(name, Value::Object(settings.clone()));
        *slot = match link::normalized(choice) {
            Ok(choice) => choice,
            // Its default lr, when the old one does not suit it.
            Err(_) => match link::normalized(OptimizerChoice::new(name, json!({}))) {
                Ok(choice) => choice,
                Err(message) => return message,
            },
        };
        self.apply(next)
    }

    /// Sets hyperparameter `key` of optimizer `index` (restarts the runs so
    /// the comparison stays fair).
    pub fn set_racer_param(&mut self, index: usize, key: &str, value: &str) -> String {
        let mut next = self.config.clone();
        let Some(slot) = next.racers.get_mut(index) else {
            return format!("there is no optimizer {}", index + 1);
        };
        let text = value.trim();
        let parsed = match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => match sgdlab_core::playground::config::parse_number(text) {
                Ok(v) => Value::from(v),
                Err(message) => return message,
            },
        };
        let mut choice = slot.clone();
        choice.settings.insert(key.to_string(), parsed);
        match link::normalized(choice) {
            Ok(choice) => *slot = choice,
            Err(message) => return message,
        }
        self.apply(next)
    }

    /// Adds an optimizer (at most four).
    pub fn add_racer(&mut self, name: &str) -> String {
        if self.config.racers.len() >= MAX_RACERS {
            return format!("at most {MAX_RACERS} optimizers side by side");
        }
        let choice = match link::normalized(OptimizerChoice::new(name, json!({}))) {
            Ok(choice) => choice,
            Err(message) => return message,
        };
        let mut next = self.config.clone();
        next.racers.push(choice);
        self.apply(next)
    }

    /// Removes optimizer `index` (one always stays).
    pub fn remove_racer(&mut self, index: usize) -> String {
        if index >= self.config.racers.len() {
            return format!("there is no optimizer {}", index + 1);
        }
        if self.config.racers.len() == 1 {
            return "at least one optimizer must stay".into();
        }
        let mut next = self.config.clone();
        next.racers.remove(index);
        let message = self.apply(next);
        self.selected = self.selected.min(self.runs.len().saturating_sub(1));
        message
    }

    /// Shows run `index` on the big boundary and in the norms table.
    pub fn select(&mut self, index: usize) -> String {
        if index < self.runs.len() {
            self.selected = index;
            String::new()
        } else {
            format!("there is no optimizer {}", index + 1)
        }
    }

    /// Steps every running optimizer up to `max_steps` times (one step each
    /// per round), stopping early once `budget_ms` of wall time is used.
    /// GPU runs first collect what the GPU has finished, then queue up to
    /// `max_steps` more steps without waiting for them. Returns the most
    /// steps any run took or queued.
    pub fn train_frame(&mut self, max_steps: u32, budget_ms: f64) -> u32 {
        let started = now_ms();
        let deadline = started + budget_ms;
        let mut queued = 0;
        self.poll();
        for index in 0..self.runs.len() {
            if self.gpu_failure.is_some() {
                break;
            }
            let Some(gpu) = self.runs[index].gpu.as_mut() else {
                continue;
            };
            match gpu.submit(u64::from(max_steps), deadline, false) {
                Ok(n) => queued = queued.max(n as u32),
                Err(error) => {
                    self.gpu_failed(error);
                    break;
                }
            }
        }
        let mut rounds = 0;
        while rounds < max_steps && self.cpu_running() {
            self.round();
            rounds += 1;
            if now_ms() - started >= budget_ms {
                break;
            }
        }
        self.last_frame_ms = now_ms() - started;
        rounds.max(queued)
    }

    /// Exactly `n` rounds (no time budget): for single steps and tests. GPU
    /// runs queue `n` steps and a readback of where they end.
    pub fn step(&mut self, n: u32) {
        self.poll();
        for index in 0..self.runs.len() {
            if self.gpu_failure.is_some() {
                break;
            }
            let Some(gpu) = self.runs[index].gpu.as_mut() else {
                continue;
            };
            if let Err(error) = gpu.submit(u64::from(n), f64::INFINITY, true) {
                self.gpu_failed(error);
                break;
            }
        }
        for _ in 0..n {
            if !self.cpu_running() {
                break;
            }
            self.round();
        }
    }

    /// Collects what the GPU has finished (curve points and weights) and
    /// falls back to the CPU when the device is lost or fails. Returns
    /// whether readbacks are still on their way: the page keeps drawing
    /// frames while they are, even when paused. Never waits.
    pub fn poll(&mut self) -> bool {
        if let Some(trouble) = self.gpu.as_ref().and_then(GpuDevice::trouble) {
            self.fall_back(&trouble.0, &trouble.1);
            return false;
        }
        if let Some((detail, since)) = &self.gpu_failure {
            if now_ms() - since >= FAILURE_GRACE_MS {
                let detail = detail.clone();
                self.fall_back("the GPU failed", &detail);
            }
            return self.gpu_busy();
        }
        let mut failure = None;
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
                    failure = Some(error);
                    break;
                }
            }
        }
        if let Some(error) = failure {
            self.gpu_failed(error);
        }
        self.gpu_busy()
    }

    /// Whether GPU readbacks are on their way (or a failure waits for the
    /// next [`TrainingLab::poll`]).
    pub fn gpu_busy(&self) -> bool {
        self.gpu_failure.is_some()
            || self
                .runs
                .iter()
                .any(|r| r.gpu.as_ref().is_some_and(GpuRun::busy))
    }

    /// Trains on `device` from now on (every optimizer with a GPU kernel);
    /// the runs restart from their initial weights. `label` names the
    /// adapter on the badge. Returns the notice to show, if any.
    pub fn use_gpu(&mut self, device: GpuDevice, label: &str) -> String {
        if self.config.backend == Backend::Cpu {
            return "the CPU backend is selected".into();
        }
        let software = if device.is_software() {
            " (software)"
        } else {
            ""
        };
        self.gpu_label = format!(
            "{}{software}",
            label.chars().take(80).collect::<String>().trim()
        );
        self.gpu = Some(device);
        self.fallback_notice.clear();
        self.restart();
        self.notice()
    }

    /// Trains on the CPU from now on, showing `notice` (why), and restarts
    /// the runs when any was on the GPU.
    pub fn use_cpu(&mut self, notice: &str) {
        self.fallback_notice = notice.chars().take(300).collect();
        if self.gpu.take().is_some() || self.runs.iter().any(|r| r.gpu.is_some()) {
            self.restart();
        }
    }

    /// Destroys the GPU device, as a lost device would be; for tests of the
    /// fallback. Returns whether there was one.
    pub fn lose_gpu_for_tests(&self) -> bool {
        self.gpu.as_ref().map(GpuDevice::destroy).is_some()
    }

    /// JSON: the backend asked for (`choice`), the one running (`running`:
    /// `gpu` or `cpu`), the badge text (`label`), the notice to show (empty
    /// when none), whether readbacks are in flight (`busy`) and whether the
    /// lab holds a device (`device`).
    pub fn backend_json(&self) -> String {
        let on_gpu = self.runs.iter().filter(|r| r.gpu.is_some()).count();
        let name = if self.gpu_label.is_empty() {
            "WebGPU"
        } else {
            &self.gpu_label
        };
        let label = if on_gpu == 0 {
            "CPU (wasm)".to_string()
        } else if on_gpu == self.runs.len() {
            format!("GPU: {name}")
        } else {
            format!("GPU: {name} + CPU (wasm)")
        };
        json!({
            "choice": self.config.backend.name(),
            "running": if on_gpu > 0 { "gpu" } else { "cpu" },
            "label": label,
            "notice": self.notice(),
            "busy": self.gpu_busy(),
            "device": self.gpu.is_some(),
        })
        .to_string()
    }

    /// Steps per frame as set.
    pub fn speed(&self) -> u32 {
        self.config.speed
    }

    /// Back to the initial weights with the same settings.
    pub fn reset(&mut self) {
        let config = self.config.clone();
        if let Err(error) = self.rebuild(config) {
            console_error(&format!("sgdlab: reset failed: {}", error.message));
        }
    }

    /// Whether every run has finished its epochs or diverged (and every
    /// GPU readback is in).
    pub fn finished(&self) -> bool {
        self.runs.iter().all(Run::finished)
    }

    /// Wasm time of the last `train_frame` (ms).
    pub fn frame_time_ms(&self) -> f64 {
        self.last_frame_ms
    }

    /// Redraws the loss and accuracy curves (cheap; every frame).
    pub fn render_curves(&mut self) {
        if let Err(error) = self.draw_curves() {
            console_error(&format!("sgdlab: drawing the curves failed: {error:?}"));
        }
    }

    /// Redraws the decision boundaries: the selected run's big one (with
    /// the data) and every thumbnail. Costs forward passes over a grid; the
    /// page calls it a few times a second while training.
    pub fn render_boundaries(&mut self) {
        if let Err(error) = self.draw_boundaries() {
            console_error(&format!("sgdlab: drawing the boundaries failed: {error:?}"));
        }
    }

    /// JSON: each run's step, epoch, learning rate, latest metrics and stop
    /// message, and the selected run's per-layer norms.
    pub fn status(&self) -> String {
        let runs: Vec<Value> = self
            .runs
            .iter()
            .map(|run| {
                let t = &run.trainer;
                let last = run.history.last();
                json!({
                    "label": run.label(),
                    "color": run.color,
                    "step": run.steps(),
                    "epoch": run.epoch(),
                    "epochs": t.config().epochs,
                    "lr": run.lr(),
                    "metrics": last,
                    "stopped": run.stop_message(),
                    "finished": run.finished(),
                    "switch_step": t.optimizer().switch_step(),
                    "backend": if run.gpu.is_some() { "gpu" } else { "cpu" },
                })
            })
            .collect();
        let norms = self
            .runs
            .get(self.selected)
            .map(|run| run.trainer.layer_norms())
            .unwrap_or_default();
        let first = self.runs.first().map(|r| &r.trainer);
        // The furthest run: a diverged one stops counting.
        let furthest = self.runs.iter().max_by_key(|r| r.steps());
        json!({
            "step": furthest.map_or(0, Run::steps),
            "epoch": furthest.map_or(0, Run::epoch),
            "batches_per_epoch": first.map_or(0, |t| t.batches_per_epoch()),
            "train_examples": first.map_or(0, |t| t.train_set().len()),
            "test_examples": first.map_or(0, |t| t.test_set().len()),
            "finished": self.finished(),
            "selected": self.selected,
            "runs": runs,
            "norms": norms,
            "backend": serde_json::from_str::<Value>(&self.backend_json()).unwrap_or(Value::Null),
        })
        .to_string()
    }

    /// Every run's curves as CSV:
    /// `optimizer,step,epoch,train_loss,test_loss,train_acc,test_acc`.
    pub fn export_csv(&self) -> String {
        let mut csv =
            String::from("optimizer,step,epoch,train_loss,test_loss,train_acc,test_acc\n");
        let opt = |v: Option<f64>| v.map(format_number).unwrap_or_default();
        for (index, run) in self.runs.iter().enumerate() {
            for r in &run.history {
                csv.push_str(&format!(
                    "{}:{},{},{},{},{},{},{}\n",
                    index + 1,
                    run.trainer.optimizer().name(),
                    r.step,
                    format_number(r.epoch),
                    format_number(r.train_loss),
                    opt(r.test_loss),
                    format_number(r.train_acc),
                    opt(r.test_acc)
                ));
            }
        }
        csv
    }

    /// The state and every run's curves and stop message, as JSON.
    pub fn export_json(&self) -> String {
        let runs: Vec<Value> = self
            .runs
            .iter()
            .map(|run| {
                json!({
                    "label": run.label(),
                    "optimizer": run.trainer.optimizer().name(),
                    "config": run.trainer.optimizer().config(),
                    "stopped": run.stop_message(),
                    "backend": if run.gpu.is_some() { "gpu" } else { "cpu" },
                    "curves": run.history,
                    "norms": run.trainer.layer_norms(),
                })
            })
            .collect();
        json!({"view": VIEW, "state": self.config.encode(), "runs": runs}).to_string()
    }

    /// JSON `{autoplay, hide}` for the embed page.
    pub fn embed_options(&self) -> String {
        json!({"autoplay": self.config.autoplay, "hide": self.config.hide}).to_string()
    }

    /// The hash of this state for an embed (`view=training` first).
    pub fn embed_hash(&self, autoplay: bool, hide: &str) -> String {
        let mut config = self.config.clone();
        config.autoplay = autoplay;
        config.hide = hide
            .split(',')
            .map(str::trim)
            .filter(|h| HIDEABLE.contains(h))
            .map(str::to_string)
            .collect();
        format!("view={VIEW}&{}", config.encode())
    }
}

impl TrainingLab {
    /// Rebuilds every run from `config`; on error nothing changes.
    fn rebuild(&mut self, config: LabConfig) -> Result<(), FieldError> {
        config.validate()?;
        let mut runs = (0..config.racers.len())
            .map(|i| Run::new(&config.run_config(i), RUN_COLORS[i % RUN_COLORS.len()]))
            .collect::<Result<Vec<_>, _>>()?;
        if config.backend == Backend::Cpu {
            self.gpu = None;
            self.fallback_notice.clear();
        }
        self.racer_notice = self.attach_gpu(&mut runs);
        self.gpu_failure = None;
        self.runs = runs;
        self.config = config;
        self.selected = self.selected.min(self.runs.len().saturating_sub(1));
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
    /// there is a device; returns the notice for those left on the CPU.
    fn attach_gpu(&self, runs: &mut [Run]) -> String {
        let Some(device) = &self.gpu else {
            return String::new();
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
        let mut notice = Vec::new();
        if !unsupported.is_empty() {
            notice.push(format!(
                "{} {} on the CPU: the GPU has kernels for {} only.",
                unsupported.join(", "),
                if unsupported.len() == 1 {
                    "trains"
                } else {
                    "train"
                },
                GPU_OPTIMIZERS.join(", ")
            ));
        }
        if !failures.is_empty() {
            notice.push(format!(
                "Could not train on the GPU ({}): on the CPU instead.",
                failures.join("; ")
            ));
        }
        notice.join(" ")
    }

    /// Stops using the GPU; the next poll falls back to the CPU.
    fn gpu_failed(&mut self, error: GpuError) {
        self.gpu_failure
            .get_or_insert_with(|| (error.to_string(), now_ms()));
    }

    /// Drops the GPU and restarts every run on the CPU, saying why.
    fn fall_back(&mut self, what: &str, detail: &str) {
        self.gpu = None;
        let detail: String = detail.chars().take(200).collect();
        self.fallback_notice = if detail.is_empty() {
            format!("{what}: switched to the CPU; the runs restarted.")
        } else {
            format!("{what}: switched to the CPU; the runs restarted ({detail}).")
        };
        self.restart();
    }

    /// Everything the page should tell about the backend.
    fn notice(&self) -> String {
        [self.fallback_notice.as_str(), self.racer_notice.as_str()]
            .iter()
            .filter(|n| !n.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Whether a CPU run still has steps to take.
    fn cpu_running(&self) -> bool {
        self.runs
            .iter()
            .any(|r| r.gpu.is_none() && !r.trainer.finished())
    }

    fn apply(&mut self, next: LabConfig) -> String {
        self.rebuild(next)
            .err()
            .map(|e| e.message)
            .unwrap_or_default()
    }

    /// One step of every running optimizer; curves recorded every half
    /// epoch and when a run ends.
    fn round(&mut self) {
        for run in &mut self.runs {
            if run.gpu.is_some() || run.trainer.finished() {
                continue;
            }
            let stepped = run.trainer.step().is_ok();
            let every = (run.trainer.batches_per_epoch() / 2).max(1) as u64;
            if !stepped || run.trainer.steps() % every == 0 || run.trainer.finished() {
                run.record();
            }
        }
    }

    fn draw_curves(&self) -> Result<(), JsValue> {
        let mut losses = Vec::new();
        let mut accuracy = Vec::new();
        for run in &self.runs {
            let stopped = run.stopped();
            let series = |f: &dyn Fn(&Record) -> Option<f64>| -> Vec<(f64, f64)> {
                run.history
                    .iter()
                    .filter_map(|r| f(r).map(|v| (r.epoch, v)))
                    .collect()
            };
            losses.push(curves::Curve {
                color: run.color,
                points: series(&|r| Some(r.train_loss)),
                stopped,
                dashed: false,
            });
            losses.push(curves::Curve {
                color: run.color,
                points: series(&|r| r.test_loss),
                stopped: false,
                dashed: true,
            });
            accuracy.push(curves::Curve {
                color: run.color,
                points: series(&|r| Some(r.train_acc)),
                stopped,
                dashed: false,
            });
            accuracy.push(curves::Curve {
                color: run.color,
                points: series(&|r| r.test_acc),
                stopped: false,
                dashed: true,
            });
        }
        curves::draw(
            &self.canvases.losses,
            &losses,
            &curves::Axes {
                x_desc: "epoch",
                y_desc: "cross-entropy",
                log_y: true,
                y_range: None,
            },
        )?;
        curves::draw(
            &self.canvases.accuracy,
            &accuracy,
            &curves::Axes {
                x_desc: "epoch",
                y_desc: "accuracy",
                log_y: false,
                y_range: Some((0.0, 1.0)),
            },
        )
    }

    fn draw_boundaries(&mut self) -> Result<(), JsValue> {
        let Some(first) = self.runs.first() else {
            return Ok(());
        };
        let view = first.trainer.view_box();
        let parameters = first.trainer.spec().parameter_count();
        let big = &self.canvases.boundary;
        let radius = (f64::from(big.width().min(big.height())) / 150.0).clamp(1.5, 6.0);
        if let Some(run) = self.runs.get_mut(self.selected) {
            boundary::draw(
                big,
                &mut run.trainer,
                &view,
                boundary::grid_side(parameters, 96),
                radius,
            )?;
        }
        for (run, canvas) in self.runs.iter_mut().zip(&self.canvases.thumbnails) {
            let radius = (f64::from(canvas.width()) / 120.0).clamp(0.0, 2.0);
            boundary::draw(
                canvas,
                &mut run.trainer,
                &view,
                boundary::grid_side(parameters, 40),
                if radius < 1.0 { 0.0 } else { radius },
            )?;
        }
        Ok(())
    }
}

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
