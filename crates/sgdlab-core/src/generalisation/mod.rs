//! Wilson et al.'s generalisation gap: on an over-parameterised least-squares
//! problem every optimizer fits the training set, but gradient descent's
//! solution classifies new points correctly and the adaptive methods' does not.
//!
//! ```text
//! data       X: n × d with d > n (see [`data`]), labels yᵢ = ±1, P(y = +1) = p
//! loss       L(w) = (1/2n)·‖Xw − y‖²,   ∇L(w) = (1/n)·Xᵀ(Xw − y),   every racer from w = 0
//! racers     gradient descent (torch.optim.SGD on the full batch), Adam, Adagrad, RMSprop
//!            (torch.optim with their defaults except lr)
//! GD         w stays in the row space of X, so it converges to the minimum-norm fit X⁺y
//! lemma      if X·sign(Xᵀy) = c·y for some c > 0, the adaptive iterates stay proportional to sign(Xᵀy)
//! test       a new point scores w₀y + w₁ + w₂ (its private columns are unseen, weight 0)
//! ```
//!
//! **Why GD generalises.** Starting from 0, every gradient is Xᵀ(…), so the
//! iterates never leave the row space of X; the only interpolating point
//! there is the minimum-norm solution X⁺y. It spreads the fit over the
//! columns that help most, above all the label column x₀ = y: for n = 40 and
//! p = 0.7 its shared weights are about (0.90, 0.04, 0.04). A new point then
//! scores ≈ 0.90y + 0.08, whose sign is y's: test error 0.
//!
//! **Why the adaptive methods do not.** Here Xᵀy = (n, Σy, Σy, then yᵢ on
//! each of example i's private columns), so with Σy > 0 the sign vector
//! s = sign(Xᵀy) is (1, 1, 1, then yᵢ), and X·s = 4y: a positive example
//! sums 1 + 1 + 1 + 1, a negative one −1 + 1 + 1 − 5. Suppose w = λs. Then
//! Xw − y = (4λ − 1)·y and ∇L = ((4λ − 1)/n)·Xᵀy: every coordinate's
//! gradient is one common number times (Xᵀy)ⱼ. Adagrad, RMSprop and Adam
//! divide each coordinate's (averaged) gradient history by the root of its
//! (averaged) squares, which cancels |(Xᵀy)ⱼ| and leaves sⱼ times a number
//! that is the same for every coordinate. So the step is again a multiple of
//! s, and by induction from w = 0 every iterate is (up to the tiny ε in the
//! denominators). The fit is reached at λ = ¼: shared weights (¼, ¼, ¼). A
//! new point scores (y + 2)/4 > 0 whatever its label, so every test point is
//! called positive and the test error is the share of negatives.
//!
//! Each racer records its training loss, test error and three shared
//! weights after every step, thinned to at most [`MAX_POINTS`] samples. A
//! racer whose loss stops being finite (too large a learning rate) stops
//! there with its last finite weights and says at which step.
//!
//! Reference: Wilson, Roelofs, Stern, Srebro & Recht, "The Marginal Value
//! of Adaptive Gradient Methods in Machine Learning" (NeurIPS 2017),
//! Section 3.3. `tests/reference/torch_generalisation.py` reproduces the
//! runs with torch.optim in float64.

pub mod config;
pub mod data;

pub use config::GeneralisationConfig;
pub use data::WilsonData;

use crate::link::format_number;
use crate::optim::adagrad::{Adagrad, AdagradConfig};
use crate::optim::adam::{Adam, AdamConfig};
use crate::optim::rmsprop::{RmsProp, RmsPropConfig};
use crate::optim::sgd::{Sgd, SgdConfig};
use crate::optim::{OptimError, Optimizer, StepInput};
use crate::playground::FieldError;
use serde::Serialize;

/// The most samples the drawn series keeps (plus the start and the last step).
pub const MAX_POINTS: u64 = 2000;

/// The racers' names, in the order the engine holds them.
pub const RACER_NAMES: [&str; 4] = ["sgd", "adam", "adagrad", "rmsprop"];

/// A racer's optimizer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// `torch.optim.SGD` on the full batch: gradient descent.
    Sgd,
    /// `torch.optim.Adam`.
    Adam,
    /// `torch.optim.Adagrad`.
    Adagrad,
    /// `torch.optim.RMSprop`.
    RmsProp,
}

impl Method {
    /// The four methods, in the engine's order.
    pub const ALL: [Method; 4] = [Self::Sgd, Self::Adam, Self::Adagrad, Self::RmsProp];

    /// The name the report and the CSV use.
    pub fn name(self) -> &'static str {
        RACER_NAMES[self as usize]
    }

    /// The optimizer with PyTorch's defaults except the learning rate.
    fn build(self, lr: f64) -> Result<Box<dyn Optimizer<f64>>, OptimError> {
        Ok(match self {
            Self::Sgd => Box::new(Sgd::new(SgdConfig {
                lr,
                ..SgdConfig::default()
            })?),
            Self::Adam => Box::new(Adam::new(AdamConfig {
                lr,
                ..AdamConfig::default()
            })?),
            Self::Adagrad => Box::new(Adagrad::new(AdagradConfig {
                lr,
                ..AdagradConfig::default()
            })?),
            Self::RmsProp => Box::new(RmsProp::new(RmsPropConfig {
                lr,
                ..RmsPropConfig::default()
            })?),
        })
    }
}

/// One racer: an optimizer, its weights and where it stands.
pub struct Racer {
    method: Method,
    lr: f64,
    optimizer: Box<dyn Optimizer<f64>>,
    weights: Vec<f64>,
    /// The weights before the last step, put back if the step diverged.
    previous: Vec<f64>,
    residual: Vec<f64>,
    grad: Vec<f64>,
    train_loss: f64,
    test_error: f64,
    stopped: Option<RacerStop>,
}

/// Why a racer stopped early.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RacerStop {
    /// The step that failed, from 1; the racer keeps the weights before it.
    pub step: u64,
    pub reason: String,
}

impl Racer {
    fn new(method: Method, key: &str, lr: f64, data: &WilsonData) -> Result<Self, FieldError> {
        let optimizer = method
            .build(lr)
            .map_err(|e| FieldError::new(key, e.to_string()))?;
        let (n, d) = (data.train_labels().len(), data.columns());
        let mut racer = Self {
            method,
            lr,
            optimizer,
            weights: vec![0.0; d],
            previous: vec![0.0; d],
            residual: vec![0.0; n],
            grad: vec![0.0; d],
            train_loss: 0.0,
            test_error: 0.0,
            stopped: None,
        };
        racer.measure(data);
        Ok(racer)
    }

    fn measure(&mut self, data: &WilsonData) {
        data.residuals(&self.weights, &mut self.residual);
        self.train_loss = data.loss(&self.residual);
        self.test_error = data.test_error(self.shared_weights());
    }

    fn step(&mut self, data: &WilsonData, step: u64) {
        if self.stopped.is_some() {
            return;
        }
        data.gradient(&self.residual, &mut self.grad);
        self.previous.copy_from_slice(&self.weights);
        let result = self
            .optimizer
            .step(&mut self.weights, &StepInput::gradient(&self.grad));
        let reason = match result {
            Err(error) => Some(error.to_string()),
            Ok(()) => {
                data.residuals(&self.weights, &mut self.residual);
                let loss = data.loss(&self.residual);
                (!loss.is_finite()).then(|| {
                    "the training loss overflowed; try a smaller learning rate".to_string()
                })
            }
        };
        match reason {
            Some(reason) => {
                self.weights.copy_from_slice(&self.previous);
                self.measure(data);
                self.stopped = Some(RacerStop { step, reason });
            }
            None => self.measure(data),
        }
    }

    pub fn method(&self) -> Method {
        self.method
    }

    pub fn lr(&self) -> f64 {
        self.lr
    }

    /// All d weights.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// The weights (w₀, w₁, w₂) of the label feature and the two constant ones.
    pub fn shared_weights(&self) -> [f64; 3] {
        [self.weights[0], self.weights[1], self.weights[2]]
    }

    /// L(w) at the current weights.
    pub fn train_loss(&self) -> f64 {
        self.train_loss
    }

    /// The test error at the current weights.
    pub fn test_error(&self) -> f64 {
        self.test_error
    }

    /// Why and where the racer stopped, if it did.
    pub fn stopped(&self) -> Option<&RacerStop> {
        self.stopped.as_ref()
    }
}

/// Every racer's state after `step` steps, as the drawn series keeps it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sample {
    /// Steps taken (0 is the start, w = 0).
    pub step: u64,
    /// Each racer's L(w), in the order of [`RACER_NAMES`].
    pub train_loss: [f64; 4],
    /// Each racer's test error.
    pub test_error: [f64; 4],
    /// Each racer's (w₀, w₁, w₂).
    pub shared_weights: [[f64; 3]; 4],
}

/// One racer's figures in the report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GeneralisationRun {
    /// `sgd`, `adam`, `adagrad` or `rmsprop`.
    pub optimizer: &'static str,
    pub lr: f64,
    /// L(w) at the end.
    pub train_loss: f64,
    /// The share of test points misclassified at the end.
    pub test_error: f64,
    /// (w₀, w₁, w₂) at the end.
    pub shared_weights: [f64; 3],
    /// Set when the racer stopped early.
    pub stopped: Option<RacerStop>,
}

/// The JSON figures of the view.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GeneralisationReport {
    /// Training examples n.
    pub samples: usize,
    pub p: f64,
    pub test_samples: usize,
    pub seed: u64,
    /// Steps taken.
    pub steps: u64,
    /// Columns of X.
    pub features: usize,
    /// The share of −1 labels in the training set.
    pub train_negative_share: f64,
    /// The share of −1 labels in the test set: the adaptive methods' test error.
    pub negative_share: f64,
    /// One entry per racer: sgd, adam, adagrad, rmsprop.
    pub runs: Vec<GeneralisationRun>,
}

/// The experiment: four racers on one dataset, stepped a few steps at a time.
pub struct Generalisation {
    config: GeneralisationConfig,
    data: WilsonData,
    racers: Vec<Racer>,
    step: u64,
    stride: u64,
    samples: Vec<Sample>,
}

impl Generalisation {
    /// The run a config describes, at w = 0.
    pub fn new(config: &GeneralisationConfig) -> Result<Self, FieldError> {
        config.validate()?;
        let data = WilsonData::generate(config);
        let racers = Method::ALL
            .into_iter()
            .zip(config.learning_rates())
            .map(|(method, (key, lr))| Racer::new(method, key, lr, &data))
            .collect::<Result<Vec<_>, _>>()?;
        let stride = config.steps.div_ceil(MAX_POINTS).max(1);
        let mut run = Self {
            config: config.clone(),
            data,
            racers,
            step: 0,
            stride,
            samples: Vec::with_capacity((config.steps / stride + 2) as usize),
        };
        run.record();
        Ok(run)
    }

    fn record(&mut self) {
        let field = |f: fn(&Racer) -> f64| std::array::from_fn(|i| f(&self.racers[i]));
        let sample = Sample {
            step: self.step,
            train_loss: field(Racer::train_loss),
            test_error: field(Racer::test_error),
            shared_weights: std::array::from_fn(|i| self.racers[i].shared_weights()),
        };
        self.samples.push(sample);
    }

    /// Takes up to `steps` more steps (fewer at the end); returns how many.
    pub fn step(&mut self, steps: u64) -> u64 {
        let todo = steps.min(self.config.steps - self.step);
        for _ in 0..todo {
            self.step += 1;
            for racer in &mut self.racers {
                racer.step(&self.data, self.step);
            }
            if self.step.is_multiple_of(self.stride) || self.step == self.config.steps {
                self.record();
            }
        }
        todo
    }

    /// Takes every remaining step.
    pub fn run_to_end(&mut self) {
        self.step(self.config.steps - self.step);
    }

    /// Whether all steps have been taken.
    pub fn finished(&self) -> bool {
        self.step == self.config.steps
    }

    /// The length of the run, `steps`.
    pub fn total_steps(&self) -> u64 {
        self.config.steps
    }

    /// Steps taken so far.
    pub fn steps_taken(&self) -> u64 {
        self.step
    }

    pub fn config(&self) -> &GeneralisationConfig {
        &self.config
    }

    /// The labels and the feature layout.
    pub fn data(&self) -> &WilsonData {
        &self.data
    }

    /// SGD, Adam, Adagrad and RMSprop, in that order.
    pub fn racers(&self) -> &[Racer] {
        &self.racers
    }

    /// The thinned series: the start, every k-th step (k = ⌈steps/[`MAX_POINTS`]⌉)
    /// and the last step taken.
    pub fn samples(&self) -> &[Sample] {
        &self.samples
    }

    /// The view's JSON figures after the steps taken so far.
    pub fn report(&self) -> GeneralisationReport {
        GeneralisationReport {
            samples: self.config.samples,
            p: self.config.p,
            test_samples: self.config.test_samples,
            seed: self.config.seed,
            steps: self.step,
            features: self.data.columns(),
            train_negative_share: self.data.train_negative_share(),
            negative_share: self.data.test_negative_share(),
            runs: self
                .racers
                .iter()
                .map(|r| GeneralisationRun {
                    optimizer: r.method.name(),
                    lr: r.lr,
                    train_loss: r.train_loss,
                    test_error: r.test_error,
                    shared_weights: r.shared_weights(),
                    stopped: r.stopped.clone(),
                })
                .collect(),
        }
    }

    /// The thinned series as CSV: `step`, then each racer's training loss,
    /// test error and shared weights (`sgd_train_loss`, `sgd_test_error`,
    /// `sgd_w0`, `sgd_w1`, `sgd_w2`, `adam_train_loss`, …).
    pub fn csv(&self) -> String {
        let mut out = String::from("step");
        for name in RACER_NAMES {
            for column in ["train_loss", "test_error", "w0", "w1", "w2"] {
                out.push_str(&format!(",{name}_{column}"));
            }
        }
        out.push('\n');
        for s in &self.samples {
            out.push_str(&s.step.to_string());
            for i in 0..4 {
                let [w0, w1, w2] = s.shared_weights[i];
                for value in [s.train_loss[i], s.test_error[i], w0, w1, w2] {
                    out.push(',');
                    out.push_str(&format_number(value));
                }
            }
            out.push('\n');
        }
        out
    }
}
