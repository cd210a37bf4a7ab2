//! Reddi, Kale & Kumar's counterexample to Adam: online convex optimisation
//! on x ∈ [−1, 1], where Adam settles on the worst point and AMSGrad does not.
//!
//! ```text
//! round t = 1 … T:  play xₜ, then see the loss fₜ(x) = gₜ·x and pay fₜ(xₜ)
//! Adam, AMSGrad     torch.optim.Adam with lr set to αₜ = α/√t before the step:
//!                   m ← β₁m + (1 − β₁)gₜ,   v ← β₂v + (1 − β₂)gₜ²,   (AMSGrad: v ← max(v_max, v))
//!                   x ← x − αₜ/(1 − β₁ᵗ) · m / (√v/√(1 − β₂ᵗ) + ε),   ε = 1e-8
//! projected SGD     x ← x − αₜ·gₜ                     (torch.optim.SGD, one fused multiply-add)
//! projection        xₜ₊₁ = min(1, max(−1, x))          after every step
//! regret            R_T = Σₜ fₜ(xₜ) − min over x ∈ [−1, 1] of Σₜ fₜ(x) = Σₜ gₜxₜ + |G_T|,  G_T = Σₜ gₜ
//! best point        x* = −sign(G_T)                    (−1 when G_T = 0: every point ties)
//! ```
//!
//! **The periodic problem** (the paper's Theorem 1): gₜ = C on rounds
//! t = 1, 4, 7, … and −1 on the two rounds between, with C > 2. Each period
//! of three rounds costs (C − 2)·x, so the best fixed point is x* = −1 and
//! the worst is +1. Take β₁ = 0 and β₂ = 1/(1 + C²). The big slope C enters
//! v once and is almost forgotten by the next round (β₂ is tiny), so the two
//! −1 rounds are divided by a small √v and step right nearly as far as the
//! C round steps left: for C = 3, once v has settled into its 3-cycle, the
//! three steps are about −1.05αₜ, +0.76αₜ and +0.97αₜ. The net drift is to
//! the right, and Adam ends at x = +1, paying the largest regret there is:
//! R_T/T tends to (C − 2)·2/3 ≠ 0.
//! AMSGrad divides by the largest v seen, which remembers C², so the −1
//! rounds move it only about 1/C as far and it drifts to −1 with R_T/T → 0.
//! Projected SGD steps in proportion to the slopes and also finds −1.
//!
//! **The synthetic problem** (the paper's Section 5): gₜ = 1010 once every
//! 101 rounds (t = 1, 102, 203, …) and −10 otherwise, so a period sums to
//! +10 and again x* = −1. **The stochastic problem**: gₜ = 1010 with
//! probability 0.01, −10 otherwise, independently each round (expected
//! slope +0.2, so x* = −1 in expectation; the regret uses the realised
//! G_T). For both the paper uses β₁ = 0.9 and β₂ = 0.99, and they need
//! about a million rounds to show the gap.
//!
//! The failure is the small β₂: with PyTorch's default betas (0.9, 0.999)
//! Adam finds −1 on the periodic problem too.
//!
//! All racers start at x₁ = `start` (0 by default). On these problems the
//! projection soon erases the start: for the course's reference run every
//! x₁ in [−1, 1] gives the same final points.
//!
//! Every racer faces the same slopes, so one G_T and one best point serve
//! all three. A round allocates nothing: a run of millions of rounds keeps
//! only the current state and a thinned series of at most [`MAX_POINTS`]
//! samples for drawing.
//!
//! Reference: Reddi, Kale & Kumar, "On the Convergence of Adam and Beyond"
//! (ICLR 2018). `tests/reference/torch_online_convex.py` reproduces the runs
//! with `torch.optim.Adam` and `torch.optim.SGD` in float64.

pub mod config;
pub mod losses;

pub use config::{OnlineConvexConfig, PROBLEM_NAMES, Problem};
pub use losses::LossSequence;

use crate::link::format_number;
use crate::optim::adam::{Adam, AdamConfig, adam_step};
use crate::playground::FieldError;
use serde::Serialize;

/// The most samples the drawn series keeps (plus the start and the last round).
pub const MAX_POINTS: u64 = 2000;

/// The racers' names, in the order the engine holds them.
pub const RACER_NAMES: [&str; 3] = ["adam", "amsgrad", "sgd"];

/// Which update rule a racer follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RacerKind {
    /// `torch.optim.Adam` with `amsgrad = False`.
    Adam,
    /// `torch.optim.Adam` with `amsgrad = True`.
    Amsgrad,
    /// Projected SGD, `torch.optim.SGD` without momentum.
    Sgd,
}

impl RacerKind {
    /// The three racers, in the engine's order.
    pub const ALL: [RacerKind; 3] = [Self::Adam, Self::Amsgrad, Self::Sgd];

    /// The name the report and the CSV use.
    pub fn name(self) -> &'static str {
        RACER_NAMES[self as usize]
    }
}

/// How a racer steps: `torch.optim.Adam` (with or without AMSGrad), or
/// plain projected SGD.
#[derive(Clone, Debug)]
enum Rule {
    Adam(Adam<f64>),
    Sgd,
}

/// One racer: its rule, its point and what it has paid.
#[derive(Clone, Debug)]
pub struct Racer {
    kind: RacerKind,
    rule: Rule,
    x: f64,
    last_loss: f64,
    cumulative_loss: f64,
    regret: f64,
}

impl Racer {
    fn new(kind: RacerKind, beta1: f64, beta2: f64, start: f64) -> Self {
        let rule = match kind {
            RacerKind::Adam | RacerKind::Amsgrad => Rule::Adam(Adam {
                config: AdamConfig {
                    lr: 0.0,
                    beta1,
                    beta2,
                    amsgrad: kind == RacerKind::Amsgrad,
                    ..AdamConfig::default()
                },
                state: Default::default(),
            }),
            RacerKind::Sgd => Rule::Sgd,
        };
        Self {
            kind,
            rule,
            x: start,
            last_loss: 0.0,
            cumulative_loss: 0.0,
            regret: 0.0,
        }
    }

    /// Plays round t with slope `g` and step size `lr` = α/√t: pays g·xₜ,
    /// steps, projects.
    fn play(&mut self, g: f64, lr: f64, best_total: f64) {
        self.last_loss = g * self.x;
        self.cumulative_loss += self.last_loss;
        self.regret = self.cumulative_loss - best_total;
        let x = match &mut self.rule {
            Rule::Adam(adam) => {
                adam.config.lr = lr;
                let mut params = [self.x];
                adam_step(&adam.config, &mut adam.state, &mut params, &[g], |_, _| {});
                params[0]
            }
            Rule::Sgd => libm::fma(-lr, g, self.x),
        };
        self.x = x.clamp(-1.0, 1.0);
    }

    pub fn kind(&self) -> RacerKind {
        self.kind
    }

    /// The point it will play next, xₜ₊₁ after t rounds (x₁ before any).
    pub fn x(&self) -> f64 {
        self.x
    }

    /// fₜ(xₜ) of the last round played (0 before any).
    pub fn last_loss(&self) -> f64 {
        self.last_loss
    }

    /// Σₜ fₜ(xₜ) over the rounds played.
    pub fn cumulative_loss(&self) -> f64 {
        self.cumulative_loss
    }

    /// R_t after the rounds played (0 before any).
    pub fn regret(&self) -> f64 {
        self.regret
    }
}

/// The state of the run after `step` rounds, as the drawn series keeps it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sample {
    /// Rounds played, t (0 is the start).
    pub step: u64,
    /// Each racer's next point xₜ₊₁, in the order of [`RACER_NAMES`].
    pub x: [f64; 3],
    /// Each racer's last loss fₜ(xₜ) (0 at the start).
    pub loss: [f64; 3],
    /// Each racer's regret R_t.
    pub regret: [f64; 3],
    /// Each racer's average regret R_t/t (0 at the start).
    pub average_regret: [f64; 3],
}

/// One racer's figures in the report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OnlineConvexRun {
    /// `adam`, `amsgrad` or `sgd`.
    pub optimizer: &'static str,
    /// The point after the last round, x_{T+1}.
    pub final_x: f64,
    /// R_T.
    pub regret: f64,
    /// R_T/T.
    pub average_regret: f64,
}

/// The JSON figures of the view.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OnlineConvexReport {
    /// `periodic`, `synthetic` or `stochastic`.
    pub problem: &'static str,
    /// C (the periodic problem only).
    pub c: Option<f64>,
    pub alpha: f64,
    pub beta1: f64,
    pub beta2: f64,
    /// x₁.
    pub start: f64,
    /// The seed of the draws (the stochastic problem only).
    pub seed: Option<u64>,
    /// Rounds played, T.
    pub steps: u64,
    /// The best fixed point in hindsight, −sign(G_T).
    pub best_point: f64,
    /// One entry per racer: adam, amsgrad, sgd.
    pub runs: Vec<OnlineConvexRun>,
}

/// The experiment: three racers facing one loss sequence, stepped a few
/// rounds at a time.
#[derive(Clone, Debug)]
pub struct OnlineConvex {
    config: OnlineConvexConfig,
    alpha: f64,
    total: u64,
    stride: u64,
    losses: LossSequence,
    /// Rounds played.
    t: u64,
    /// G_t = Σ gₛ over the rounds played.
    slope_sum: f64,
    racers: [Racer; 3],
    samples: Vec<Sample>,
}

impl OnlineConvex {
    /// The run a config describes, before its first round.
    pub fn new(config: &OnlineConvexConfig) -> Result<Self, FieldError> {
        config.validate()?;
        let (beta1, beta2, start) = (config.beta1(), config.beta2(), config.start);
        let total = config.steps();
        let stride = total.div_ceil(MAX_POINTS).max(1);
        let racers = RacerKind::ALL.map(|kind| Racer::new(kind, beta1, beta2, start));
        let mut run = Self {
            config: config.clone(),
            alpha: config.alpha,
            total,
            stride,
            losses: LossSequence::new(config),
            t: 0,
            slope_sum: 0.0,
            racers,
            samples: Vec::with_capacity((total / stride + 2) as usize),
        };
        run.record();
        Ok(run)
    }

    fn record(&mut self) {
        let t = self.t;
        let field = |f: fn(&Racer) -> f64| self.racers.each_ref().map(f);
        let regret = field(Racer::regret);
        let sample = Sample {
            step: t,
            x: field(Racer::x),
            loss: field(Racer::last_loss),
            regret,
            average_regret: regret.map(|r| if t == 0 { 0.0 } else { r / t as f64 }),
        };
        self.samples.push(sample);
    }

    /// Plays up to `rounds` more rounds (fewer at the end); returns how many.
    pub fn step(&mut self, rounds: u64) -> u64 {
        let todo = rounds.min(self.total - self.t);
        for _ in 0..todo {
            self.t += 1;
            let t = self.t;
            let g = self.losses.slope(t);
            self.slope_sum += g;
            let best_total = -self.slope_sum.abs();
            let lr = self.alpha / (t as f64).sqrt();
            for racer in &mut self.racers {
                racer.play(g, lr, best_total);
            }
            if t.is_multiple_of(self.stride) || t == self.total {
                self.record();
            }
        }
        todo
    }

    /// Plays every remaining round.
    pub fn run_to_end(&mut self) {
        self.step(self.total - self.t);
    }

    /// Whether all T rounds have been played.
    pub fn finished(&self) -> bool {
        self.t == self.total
    }

    /// T, the length of the run.
    pub fn total_steps(&self) -> u64 {
        self.total
    }

    /// Rounds played so far.
    pub fn steps_taken(&self) -> u64 {
        self.t
    }

    pub fn config(&self) -> &OnlineConvexConfig {
        &self.config
    }

    /// Adam, AMSGrad and SGD, in that order.
    pub fn racers(&self) -> &[Racer; 3] {
        &self.racers
    }

    /// G_t, the sum of the slopes so far.
    pub fn slope_sum(&self) -> f64 {
        self.slope_sum
    }

    /// The best fixed point in hindsight over the rounds played, −sign(G_t)
    /// (−1 while G_t = 0).
    pub fn best_point(&self) -> f64 {
        if self.slope_sum < 0.0 { 1.0 } else { -1.0 }
    }

    /// The thinned series: the start, every k-th round (k = ⌈T/[`MAX_POINTS`]⌉)
    /// and the last round played.
    pub fn samples(&self) -> &[Sample] {
        &self.samples
    }

    /// The view's JSON figures after the rounds played so far.
    pub fn report(&self) -> OnlineConvexReport {
        let periodic = self.config.problem == Problem::Periodic;
        let stochastic = self.config.problem == Problem::Stochastic;
        let t = self.t.max(1) as f64;
        OnlineConvexReport {
            problem: self.config.problem.name(),
            c: periodic.then_some(self.config.c),
            alpha: self.alpha,
            beta1: self.config.beta1(),
            beta2: self.config.beta2(),
            start: self.config.start,
            seed: stochastic.then_some(self.config.seed),
            steps: self.t,
            best_point: self.best_point(),
            runs: self
                .racers
                .iter()
                .map(|r| OnlineConvexRun {
                    optimizer: r.kind.name(),
                    final_x: r.x,
                    regret: r.regret,
                    average_regret: r.regret / t,
                })
                .collect(),
        }
    }

    /// The thinned series as CSV: `step`, then x, loss, regret and average
    /// regret of each racer (`adam_x`, `adam_loss`, …).
    pub fn csv(&self) -> String {
        let mut out = String::from("step");
        for name in RACER_NAMES {
            for column in ["x", "loss", "regret", "average_regret"] {
                out.push_str(&format!(",{name}_{column}"));
            }
        }
        out.push('\n');
        for s in &self.samples {
            out.push_str(&s.step.to_string());
            for i in 0..3 {
                for value in [s.x[i], s.loss[i], s.regret[i], s.average_regret[i]] {
                    out.push(',');
                    out.push_str(&format_number(value));
                }
            }
            out.push('\n');
        }
        out
    }
}
