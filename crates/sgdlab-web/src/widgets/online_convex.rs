//! Reddi, Kale & Kumar's counterexample ([`sgdlab_core::online_convex`]):
//! Adam, AMSGrad and projected SGD play the same online linear losses on
//! [−1, 1]. One chart shows the points xₜ they play against the best fixed
//! point x* (dashed), the other their average regret R_t/t, both against
//! the round t on a log axis (the paper's runs are millions of rounds
//! long and decided in the first thousands).
//!
//! Time runs geometrically while playing: each frame plays about `speed` %
//! more rounds than were played before it, within a few milliseconds, so
//! the first rounds go by one at a time and a run of millions of rounds
//! still ends in a few hundred frames. The charts keep their own points,
//! spaced evenly in log-time ([`LogSchedule`]); the CSV export is the
//! engine's evenly thinned series.

use crate::now_ms;
use crate::registry::WidgetEntry;
use crate::render::chart::{Chart, Curve, Stroke, XAxis, YAxis};
use crate::widget::{Canvases, Layout, Plot, Readout, Widget};
use crate::widgets::{LogSchedule, readable, set_restarts, settings_methods};
use serde_json::{Value, json};
use sgdlab_core::link::{FieldError, format_number};
use sgdlab_core::online_convex::config::{MAX_STEPS, ONLINE_CONVEX};
use sgdlab_core::online_convex::{OnlineConvex, OnlineConvexConfig, Problem, RacerKind, Sample};
use wasm_bindgen::JsValue;

pub const ENTRY: WidgetEntry = WidgetEntry {
    name: "online-convex",
    title: "Online convex",
    summary: "Reddi et al.'s counterexample: on a periodic linear loss Adam settles on the worst point while AMSGrad and SGD find the best.",
    page: "online-convex.html",
    open: |link| {
        let (widget, errors) = OnlineConvexWidget::open(link);
        (Box::new(widget), errors)
    },
};

/// The colours of Adam, AMSGrad and SGD, in the engine's order.
const COLORS: [&str; 3] = ["#E69F00", "#56B4E9", "#009E73"];
/// The dashed line of the best fixed point.
const BEST_COLOR: &str = "#B8BFCC";
/// Rounds played between two looks at the clock.
const ROUNDS_PER_CHECK: u64 = 8192;

pub struct OnlineConvexWidget {
    config: OnlineConvexConfig,
    run: OnlineConvex,
    /// The charts' points, evenly spaced in log-time.
    trace: Vec<Sample>,
    schedule: LogSchedule,
    /// The charts need drawing again.
    dirty: bool,
}

fn label(kind: RacerKind) -> &'static str {
    match kind {
        RacerKind::Adam => "Adam",
        RacerKind::Amsgrad => "AMSGrad",
        RacerKind::Sgd => "projected SGD",
    }
}

impl OnlineConvexWidget {
    fn open(link: &str) -> (Self, Vec<FieldError>) {
        let (config, errors) = OnlineConvexConfig::decode(link, &OnlineConvexConfig::default());
        (Self::new(config), errors)
    }

    fn new(config: OnlineConvexConfig) -> Self {
        // A decoded config is valid, so the run always builds.
        let run = OnlineConvex::new(&config).unwrap_or_else(|_| {
            OnlineConvex::new(&OnlineConvexConfig::default()).expect("the defaults are valid")
        });
        Self {
            config,
            run,
            trace: Vec::new(),
            schedule: LogSchedule::new(),
            dirty: true,
        }
    }

    /// The racers now, as a point of the charts.
    fn sample(&self) -> Sample {
        let t = self.run.steps_taken();
        let racers = self.run.racers();
        let field = |f: fn(&sgdlab_core::online_convex::Racer) -> f64| racers.each_ref().map(f);
        let regret = field(|r| r.regret());
        Sample {
            step: t,
            x: field(|r| r.x()),
            loss: field(|r| r.last_loss()),
            regret,
            average_regret: regret.map(|r| r / t.max(1) as f64),
        }
    }

    fn restart(&mut self) {
        *self = Self::new(self.config.clone());
    }

    /// Plays `rounds` more rounds, within `budget_ms` of wall time,
    /// stopping at each point the charts keep.
    fn play(&mut self, rounds: u64, budget_ms: f64) {
        let started = now_ms();
        let mut left = rounds;
        while left > 0 {
            let to_point = self.schedule.due() - self.run.steps_taken();
            let done = self.run.step(left.min(ROUNDS_PER_CHECK).min(to_point));
            if done == 0 {
                break;
            }
            left -= done;
            let t = self.run.steps_taken();
            if t == self.schedule.due() {
                self.trace.push(self.sample());
                self.schedule.taken(t);
            }
            if now_ms() - started >= budget_ms {
                break;
            }
        }
        self.dirty = true;
    }

    /// The charts' points with `current`, the state now, last.
    fn points<'a>(&'a self, current: &'a Sample) -> Vec<&'a Sample> {
        let last = self.trace.last().map(|p| p.step);
        let tail = (last != Some(current.step)).then_some(current);
        self.trace.iter().chain(tail).collect()
    }

    fn problem_text(&self) -> String {
        let c = &self.config;
        let losses = match c.problem {
            Problem::Periodic => format!(
                "f_t(x) = {}·x when t mod 3 = 1, −x otherwise",
                format_number(c.c)
            ),
            Problem::Synthetic => "f_t(x) = 1010·x when t mod 101 = 1, −10·x otherwise".into(),
            Problem::Stochastic => format!(
                "f_t(x) = 1010·x with probability 0.01, −10·x otherwise (seed {})",
                c.seed
            ),
        };
        format!("{losses}, on x ∈ [−1, 1] with projection after each step")
    }

    fn readout_lines(&self) -> Vec<String> {
        let c = &self.config;
        let t = self.run.steps_taken();
        let paper = |set: Option<f64>| if set.is_some() { "" } else { " (the paper's)" };
        let beta2_note = if c.beta2.is_none() && c.problem == Problem::Periodic {
            " (the paper's, 1/(1 + C²))"
        } else {
            paper(c.beta2)
        };
        let step_now = if t == 0 {
            String::new()
        } else {
            format!(
                "; in round {t} it is {}",
                readable(c.alpha / (t as f64).sqrt())
            )
        };
        let mut lines = vec![
            self.problem_text(),
            format!("Step size α/√t = {}/√t{step_now}", format_number(c.alpha)),
            format!(
                "Adam and AMSGrad: β₁ = {}{}, β₂ = {}{beta2_note}, ε = 1e-8",
                readable(c.beta1()),
                paper(c.beta1),
                readable(c.beta2())
            ),
            format!(
                "After {t} of {} rounds the best fixed point is x* = {} (dashed)",
                self.run.total_steps(),
                format_number(self.run.best_point())
            ),
        ];
        let t = t.max(1) as f64;
        for racer in self.run.racers() {
            lines.push(format!(
                "{}: x = {}, loss per round {}, R_t/t = {}",
                label(racer.kind()),
                readable(racer.x()),
                readable(racer.cumulative_loss() / t),
                readable(racer.regret() / t)
            ));
        }
        lines
    }

    fn draw_points(
        &self,
        canvas: &web_sys::HtmlCanvasElement,
        points: &[&Sample],
    ) -> Result<(), JsValue> {
        let end = self.run.total_steps() as f64;
        let mut curves: Vec<Curve<'_>> = (0..3)
            .map(|i| {
                Curve::solid(
                    COLORS[i],
                    points.iter().map(|s| (s.step as f64, s.x[i])).collect(),
                )
            })
            .collect();
        let best = self.run.best_point();
        curves.push(Curve::solid(BEST_COLOR, vec![(1.0, best), (end, best)]).with(Stroke::Dashed));
        let rounds = XAxis::Log { end };
        Chart {
            curves,
            ..Chart::new("round t", "point x_t", rounds, YAxis::Fixed(-1.0, 1.0))
        }
        .draw(canvas)?;
        Ok(())
    }

    fn draw_regret(
        &self,
        canvas: &web_sys::HtmlCanvasElement,
        points: &[&Sample],
    ) -> Result<(), JsValue> {
        let curves = (0..3)
            .map(|i| {
                let regret = points.iter().map(|s| (s.step as f64, s.average_regret[i]));
                Curve::solid(COLORS[i], regret.collect())
            })
            .collect();
        let rounds = XAxis::Log {
            end: self.run.total_steps() as f64,
        };
        Chart {
            curves,
            ..Chart::new("round t", "average regret R_t/t", rounds, YAxis::Log)
        }
        .draw(canvas)?;
        Ok(())
    }
}

impl Widget for OnlineConvexWidget {
    settings_methods!(ONLINE_CONVEX, open);

    fn set(&mut self, key: &str, value: &str) -> Result<(), FieldError> {
        if set_restarts(
            &ONLINE_CONVEX,
            &mut self.config,
            key,
            value,
            OnlineConvexConfig::same_run,
        )? {
            self.restart();
        }
        self.dirty = true;
        Ok(())
    }

    /// Plays `n` more rounds. Asked for more than the run has left, the
    /// run grows to take them (up to the most a run may have): the link
    /// then names the new length, so `sgdlab link L --steps N` and the link
    /// it exports give the same figures.
    fn step(&mut self, n: u64) {
        let wanted = self.run.steps_taken().saturating_add(n).min(MAX_STEPS);
        if wanted > self.run.total_steps() {
            let taken = self.run.steps_taken();
            self.config.steps = Some(wanted);
            self.restart();
            self.play(taken, f64::INFINITY);
        }
        let left = wanted - self.run.steps_taken();
        self.play(left, f64::INFINITY);
    }

    fn play_frame(&mut self, budget_ms: f64) {
        let t = self.run.steps_taken();
        let rounds = (t * u64::from(self.config.speed)).div_ceil(100).max(1);
        self.play(rounds, budget_ms);
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
        let t = self.run.steps_taken().max(1) as f64;
        let runs: Vec<Value> = self
            .run
            .racers()
            .iter()
            .zip(COLORS)
            .map(|(racer, color)| {
                json!({
                    "label": label(racer.kind()),
                    "optimizer": racer.kind().name(),
                    "color": color,
                    "x": racer.x(),
                    "regret": racer.regret(),
                    "average_regret": racer.regret() / t,
                    // The legend's number: the loss paid per round so far,
                    // Σ f_t(x_t)/t.
                    "loss": racer.cumulative_loss() / t,
                })
            })
            .collect();
        json!({
            "step": self.run.steps_taken(),
            "finished": self.run.finished(),
            "best_point": self.run.best_point(),
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
                    name: "points",
                    label: "The point x_t each racer plays against the round t, with the best \
                            fixed point dashed"
                        .into(),
                    layers: &["points"],
                    pointer: false,
                    aspect: 0.5,
                    main: true,
                    hidden: hidden("points"),
                },
                Plot {
                    name: "regret",
                    label: "Each racer's average regret R_t/t against the round t".into(),
                    layers: &["regret"],
                    pointer: false,
                    aspect: 0.6,
                    main: false,
                    hidden: hidden("regret"),
                },
            ],
            readouts: vec![Readout {
                name: "readout",
                label: "The problem and the racers",
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
        if let Some(canvas) = canvases.get("points") {
            self.draw_points(canvas, &points)?;
        }
        if let Some(canvas) = canvases.get("regret") {
            self.draw_regret(canvas, &points)?;
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

    fn open(link: &str) -> OnlineConvexWidget {
        let (widget, errors) = OnlineConvexWidget::open(link);
        assert!(errors.is_empty(), "{errors:?}");
        widget
    }

    #[test]
    fn the_export_carries_the_contract_figures() {
        let mut widget = open("c=3&steps=300");
        widget.step(widget.default_steps());
        let export = widget.export_json();
        assert_eq!(export["view"], "online-convex");
        assert_eq!(
            export["link"],
            "problem=periodic&c=3&seed=0&alpha=0.1&steps=300&start=0&speed=3"
        );
        let runs = export["runs"].as_array().unwrap();
        let names: Vec<&str> = runs
            .iter()
            .map(|r| r["optimizer"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["adam", "amsgrad", "sgd"]);
        for run in runs {
            assert!(run["final_x"].is_f64() && run["average_regret"].is_f64());
        }
        assert_eq!(export["steps"], 300);
    }

    #[test]
    fn stepping_past_the_end_grows_the_run_and_its_link() {
        let mut longer = open("steps=100");
        longer.step(60);
        longer.step(90);
        let mut direct = open("steps=150");
        direct.step(150);
        assert_eq!(longer.export_json(), direct.export_json());
        assert_eq!(longer.link(), direct.link());
        assert!(longer.finished());
        // The most a run may have is the cap.
        let mut capped = open("steps=10");
        capped.step(u64::MAX);
        assert_eq!(capped.config.steps, Some(MAX_STEPS));
    }

    #[test]
    fn play_frames_grow_geometrically_and_end_the_run() {
        let mut widget = open("steps=30000&speed=10");
        let mut frames = 0;
        let mut last = 0;
        while !widget.finished() {
            widget.play_frame(f64::INFINITY);
            let t = widget.run.steps_taken();
            assert!(t > last, "every frame plays at least one round");
            last = t;
            frames += 1;
        }
        // About ln(30000)/ln(1.1) ≈ 108 (fewer: the rounds per frame are
        // rounded up), plus the first ten rounds one at a time.
        assert!((80..130).contains(&frames), "{frames} frames");
    }

    #[test]
    fn a_speed_change_keeps_the_run_and_a_problem_change_restarts_it() {
        let mut widget = open("");
        widget.step(50);
        widget.set("speed", "7").unwrap();
        assert_eq!(widget.run.steps_taken(), 50);
        widget.set("c", "4").unwrap();
        assert_eq!(widget.run.steps_taken(), 0);
        assert_eq!(widget.run.report().beta2, 1.0 / 17.0);
        let error = widget.set("c", "2").unwrap_err();
        assert_eq!(error.field, "c");
        assert_eq!(widget.config.c, 4.0);
    }

    #[test]
    fn the_status_names_every_racer_and_the_problem() {
        let mut widget = open("");
        widget.step(3000);
        let status = widget.status();
        assert_eq!(status["step"], 3000);
        let labels: Vec<&str> = status["runs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["label"].as_str().unwrap())
            .collect();
        assert_eq!(labels, ["Adam", "AMSGrad", "projected SGD"]);
        let lines = status["readouts"]["readout"].as_array().unwrap();
        assert_eq!(
            lines[0],
            "f_t(x) = 3·x when t mod 3 = 1, −x otherwise, on x ∈ [−1, 1] with projection after each step"
        );
        assert!(
            lines[2]
                .as_str()
                .unwrap()
                .contains("β₂ = 0.1 (the paper's, 1/(1 + C²))")
        );
    }
}
