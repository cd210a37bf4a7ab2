//! Descent on a 2-D landscape: one optimizer walking a [`Surface`].
//!
//! This is the experiment behind `sgdlab path` and each racing path on the
//! page. It stops at the first non-finite point or loss and records where, so
//! nothing downstream ever plots a NaN.
//!
//! Each step hands the optimizer the gradient, the Hessian when it asks for
//! one ([`Optimizer::needs_hessian`]), and the surface itself as the
//! objective oracle, so line searches can evaluate f along a ray and know
//! whether the surface is quadratic ([`Surface::is_quadratic`]).

use crate::optim::{Objective, OptimError, Optimizer, StepInput};
use crate::surfaces::Surface;

/// One point of a path: after `step` updates (step 0 is the start).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct PathPoint {
    pub step: u64,
    pub x: f64,
    pub y: f64,
    pub loss: f64,
}

/// Why a path stopped before its last step.
#[derive(Clone, Debug, PartialEq)]
pub enum PathStop {
    /// The point or the loss stopped being finite at this step.
    Diverged { step: u64 },
    /// The optimizer refused the step (e.g. a singular Hessian for Newton).
    Failed { step: u64, error: OptimError },
}

impl std::fmt::Display for PathStop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Diverged { step } => {
                write!(
                    f,
                    "diverged at step {step}: the loss is no longer a finite number"
                )
            }
            Self::Failed { step, error } => write!(f, "stopped at step {step}: {error}"),
        }
    }
}

/// An optimizer's walk on a surface, advanced one step at a time.
pub struct DescentPath {
    pub optimizer: Box<dyn Optimizer<f64>>,
    pub points: Vec<PathPoint>,
    pub stop: Option<PathStop>,
}

impl DescentPath {
    /// A path that starts at `start` (which must be finite with a finite loss,
    /// or the path is stopped at step 0).
    pub fn new(surface: &dyn Surface, optimizer: Box<dyn Optimizer<f64>>, start: [f64; 2]) -> Self {
        let loss = surface.value(start[0], start[1]);
        let first = PathPoint {
            step: 0,
            x: start[0],
            y: start[1],
            loss,
        };
        let stop = (!is_finite_point(&first)).then_some(PathStop::Diverged { step: 0 });
        Self {
            optimizer,
            points: vec![first],
            stop,
        }
    }

    /// The newest point.
    pub fn current(&self) -> PathPoint {
        *self
            .points
            .last()
            .expect("a path always has its start point")
    }

    /// Takes up to `steps` more steps; returns how many were taken.
    pub fn advance(&mut self, surface: &dyn Surface, steps: u64) -> u64 {
        for taken in 0..steps {
            if self.stop.is_some() {
                return taken;
            }
            self.step(surface);
        }
        steps
    }

    fn step(&mut self, surface: &dyn Surface) {
        let here = self.current();
        let step = here.step + 1;
        let mut params = [here.x, here.y];
        let grad = surface.gradient(here.x, here.y);
        let flat_hessian = self.optimizer.needs_hessian().then(|| {
            let h = surface.hessian(here.x, here.y);
            [h[0][0], h[0][1], h[1][0], h[1][1]]
        });
        let value = |p: &[f64]| surface.value(p[0], p[1]);
        let mut input = StepInput::gradient(&grad).with_objective(Objective {
            value: &value,
            quadratic: surface.is_quadratic(),
        });
        if let Some(hessian) = &flat_hessian {
            input = input.with_hessian(hessian);
        }
        if let Err(error) = self.optimizer.step(&mut params, &input) {
            self.stop = Some(PathStop::Failed { step, error });
            return;
        }
        let next = PathPoint {
            step,
            x: params[0],
            y: params[1],
            loss: surface.value(params[0], params[1]),
        };
        if is_finite_point(&next) {
            self.points.push(next);
        } else {
            self.stop = Some(PathStop::Diverged { step });
        }
    }
}

fn is_finite_point(point: &PathPoint) -> bool {
    point.x.is_finite() && point.y.is_finite() && point.loss.is_finite()
}
