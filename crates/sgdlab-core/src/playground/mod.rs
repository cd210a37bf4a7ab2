//! The 2-D playground: several optimizers racing on one landscape.
//!
//! This is the whole engine behind the page's landscape view, with no web
//! dependency: the wasm crate only turns its state into pixels. Every setter
//! validates its input and leaves the state untouched on error, returning a
//! message for the page to show next to the control.

pub mod config;
pub mod heatmap;
pub mod taylor;

use crate::landscape::DescentPath;
pub use crate::link::FieldError;
use crate::link::ListEdit;
use crate::optim::set_hyperparameter;
use crate::optim::steepest::Norm;
use crate::surfaces::Surface;
pub use config::{LANDSCAPE, Landscape, MAX_RACERS, MAX_SPEED, PlaygroundConfig, RacerConfig};
use serde::Serialize;
use serde_json::Value;
pub use taylor::TaylorModel;

/// A run stops after this many steps, so an open tab cannot fill memory.
pub const MAX_STEPS: u64 = 20_000;

/// Okabe & Ito's palette, which stays distinct under every common colour
/// vision deficiency (black swapped for white to show on dark valleys).
pub const PALETTE: [&str; 8] = [
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#CC79A7", "#D55E00", "#0072B2", "#FFFFFF",
];

/// One racing optimizer and its path.
pub struct Racer {
    pub config: RacerConfig,
    pub path: DescentPath,
    pub color: &'static str,
}

impl Racer {
    /// "adam (lr 0.05)": the name and the settings that differ from defaults.
    pub fn label(&self) -> String {
        let shown: Vec<String> = self
            .config
            .settings
            .iter()
            .map(|(k, v)| match v {
                Value::Number(n) => {
                    format!(
                        "{k} {}",
                        crate::link::format_number(n.as_f64().unwrap_or(0.0))
                    )
                }
                Value::String(text) => format!("{k} {text}"),
                other => format!("{k} {other}"),
            })
            .collect();
        if shown.is_empty() {
            self.config.optimizer.clone()
        } else {
            format!("{} ({})", self.config.optimizer, shown.join(", "))
        }
    }
}

/// Curvature at a point: what the Hessian panel shows.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Curvature {
    pub x: f64,
    pub y: f64,
    /// Eigenvalues of the Hessian, smallest first.
    pub eigenvalues: [f64; 2],
    /// κ = |λ|max / |λ|min, when both are non-zero and finite.
    pub condition: Option<f64>,
    /// GD is stable on the local quadratic model when lr < 2/λmax (λmax > 0).
    pub lr_bound: Option<f64>,
}

/// Eigenvalues of a symmetric 2×2 matrix, smallest first.
pub fn symmetric_eigenvalues(h: [[f64; 2]; 2]) -> [f64; 2] {
    let mean = 0.5 * (h[0][0] + h[1][1]);
    let half_diff = 0.5 * (h[0][0] - h[1][1]);
    let off = 0.5 * (h[0][1] + h[1][0]);
    let radius = libm::hypot(half_diff, off);
    [mean - radius, mean + radius]
}

/// Curvature of `surface` at (x, y).
pub fn curvature(surface: &dyn Surface, x: f64, y: f64) -> Curvature {
    let eigenvalues = symmetric_eigenvalues(surface.hessian(x, y));
    let (small, large) = (
        eigenvalues[0].abs().min(eigenvalues[1].abs()),
        eigenvalues[0].abs().max(eigenvalues[1].abs()),
    );
    let condition = (small > 0.0 && large.is_finite()).then(|| large / small);
    let lr_bound =
        (eigenvalues[1] > 0.0 && eigenvalues[1].is_finite()).then(|| 2.0 / eigenvalues[1]);
    Curvature {
        x,
        y,
        eigenvalues,
        condition,
        lr_bound,
    }
}

/// The playground: a landscape, a start point and the racers.
pub struct Playground {
    config: PlaygroundConfig,
    surface: Box<dyn Surface>,
    racers: Vec<Racer>,
}

impl Playground {
    /// The playground a link describes; bad parts of the link are reported
    /// and replaced by defaults.
    pub fn from_hash(hash: &str) -> (Self, Vec<FieldError>) {
        let (config, errors) = PlaygroundConfig::decode(hash, &PlaygroundConfig::default());
        match Self::new(config) {
            Ok(playground) => (playground, errors),
            Err(error) => {
                let mut errors = errors;
                errors.push(error);
                (
                    Self::new(PlaygroundConfig::default()).expect("the default config is valid"),
                    errors,
                )
            }
        }
    }

    /// A playground from a config (checked again here).
    pub fn new(config: PlaygroundConfig) -> Result<Self, FieldError> {
        let surface = config
            .landscape
            .build()
            .map_err(|m| FieldError::new("surface", m))?;
        let mut playground = Self {
            config,
            surface,
            racers: Vec::new(),
        };
        playground.rebuild_racers()?;
        Ok(playground)
    }

    /// The state as a link hash (no `#`).
    pub fn hash(&self) -> String {
        self.config.encode()
    }

    pub fn config(&self) -> &PlaygroundConfig {
        &self.config
    }

    pub fn surface(&self) -> &dyn Surface {
        self.surface.as_ref()
    }

    pub fn racers(&self) -> &[Racer] {
        &self.racers
    }

    /// Where every path starts.
    pub fn start(&self) -> [f64; 2] {
        self.config
            .start
            .unwrap_or_else(|| self.surface.default_start())
    }

    /// The point the Taylor overlay expands around: the first racer's
    /// current point (the start when there is none).
    pub fn taylor_point(&self) -> [f64; 2] {
        self.racers.first().map_or_else(
            || self.start(),
            |r| {
                let p = r.path.current();
                [p.x, p.y]
            },
        )
    }

    /// The Taylor models at [`taylor_point`](Self::taylor_point).
    pub fn taylor_model(&self) -> TaylorModel {
        TaylorModel::of(self.surface.as_ref(), self.taylor_point())
    }

    /// The norm the overlay's steepest-descent direction uses: that of the
    /// first `steepest` racer, else l2 (the gradient's direction).
    pub fn taylor_norm(&self) -> Norm {
        self.racers
            .iter()
            .find(|r| r.config.optimizer == "steepest")
            .and_then(|r| r.path.optimizer.config().get("norm").cloned())
            .and_then(|norm| serde_json::from_value(norm).ok())
            .unwrap_or(Norm::L2)
    }

    /// Steps taken so far (the longest path).
    pub fn step_count(&self) -> u64 {
        self.racers
            .iter()
            .map(|r| r.path.current().step)
            .max()
            .unwrap_or(0)
    }

    /// Whether every racer has stopped (diverged, failed or at the step cap).
    pub fn finished(&self) -> bool {
        self.racers
            .iter()
            .all(|r| r.path.stop.is_some() || r.path.current().step >= MAX_STEPS)
    }

    /// Advances every racer `n` steps (up to [`MAX_STEPS`]).
    pub fn step(&mut self, n: u64) {
        for racer in &mut self.racers {
            let room = MAX_STEPS.saturating_sub(racer.path.current().step);
            racer.path.advance(self.surface.as_ref(), n.min(room));
        }
    }

    /// Back to the start, keeping every setting.
    pub fn reset(&mut self) {
        // Rebuilding from a config that was valid cannot fail.
        let _ = self.rebuild_racers();
    }

    fn rebuild_racers(&mut self) -> Result<(), FieldError> {
        let start = self.start();
        let mut racers = Vec::with_capacity(self.config.racers.len());
        for (index, racer) in self.config.racers.iter().enumerate() {
            let seed = self.config.seed.wrapping_add(index as u64);
            let optimizer = racer
                .build(seed)
                .map_err(|m| FieldError::new(format!("racer {}", index + 1), m))?;
            racers.push(Racer {
                config: racer.clone(),
                path: DescentPath::new(self.surface.as_ref(), optimizer, start),
                color: PALETTE[index % PALETTE.len()],
            });
        }
        self.racers = racers;
        Ok(())
    }

    /// Tries a change on a copy of the config; keeps it only if it builds.
    fn apply(
        &mut self,
        change: impl FnOnce(&mut PlaygroundConfig) -> Result<(), String>,
    ) -> Result<(), String> {
        let mut next = self.config.clone();
        change(&mut next)?;
        *self = Self::new(next).map_err(|e| e.message)?;
        Ok(())
    }

    /// Sets one control by its link key from the text the user typed (the
    /// same check as that part of a link). A change to the surface, the
    /// start, the racers or the seed restarts the paths; speed, colour scale
    /// and view options do not. On error nothing changes.
    pub fn set(&mut self, key: &str, text: &str) -> Result<(), FieldError> {
        let mut next = self.config.clone();
        LANDSCAPE.set(&mut next, key, text)?;
        let restart = next.landscape != self.config.landscape
            || next.start != self.config.start
            || next.racers != self.config.racers
            || next.seed != self.config.seed;
        if restart {
            *self = Self::new(next)?;
        } else {
            self.config = next;
        }
        Ok(())
    }

    /// Moves the start point (and restarts the paths).
    pub fn set_start(&mut self, x: f64, y: f64) -> Result<(), String> {
        config::check_start([x, y])?;
        self.apply(|c| {
            c.start = Some([x, y]);
            Ok(())
        })
    }

    /// Edits the racers: add, remove, duplicate or replace one (the paths
    /// restart), or change one hyperparameter of one mid-run (its optimizer
    /// keeps its state: moments, velocity, step count).
    pub fn edit_racers(&mut self, edit: ListEdit<'_>) -> Result<(), FieldError> {
        let error = |message: String| FieldError::new("o", message);
        if let ListEdit::Setting(index, key, value) = edit {
            let Some(racer) = self.racers.get_mut(index) else {
                return Err(error(format!("there is no optimizer {}", index + 1)));
            };
            set_hyperparameter(racer.path.optimizer.as_mut(), key, value)
                .map_err(|e| error(e.to_string()))?;
            let stored = racer.path.optimizer.config().get(key).cloned();
            racer
                .config
                .settings
                .insert(key.to_string(), stored.unwrap_or(Value::Null));
            self.config.racers[index] = racer.config.clone();
            return Ok(());
        }
        let seed = self.config.seed;
        self.apply(|c| {
            edit.apply(
                &mut c.racers,
                MAX_RACERS,
                |name| {
                    let racer = RacerConfig::new(name, Value::Null);
                    racer.build(seed)?;
                    Ok(racer)
                },
                |_, _, _| Ok(()),
            )
        })
        .map_err(error)
    }

    /// Why each racer stopped, if it did.
    pub fn stop_message(racer: &Racer) -> Option<String> {
        match &racer.path.stop {
            Some(stop) => Some(stop.to_string()),
            None if racer.path.current().step >= MAX_STEPS => {
                Some(format!("reached the {MAX_STEPS}-step limit"))
            }
            None => None,
        }
    }
}

#[cfg(test)]
mod tests;
