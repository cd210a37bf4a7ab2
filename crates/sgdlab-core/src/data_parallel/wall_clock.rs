//! A wall-clock model of one synchronous data-parallel step, and the
//! speed-up it predicts against the number of workers.
//!
//! ```text
//! step time   t(M) = c·G/M + [M > 1]·(2(M − 1)/M·a + 2(M − 1)·ℓ)
//!             c  compute time per example on one worker
//!             G  the global batch (fixed), so each worker computes G/M examples
//!             a  time to send the whole gradient once over one link
//!             ℓ  latency of one message
//! speed-up    S(M) = t(1)/t(M)
//! ```
//!
//! The all-reduce term is that of a ring all-reduce: each of the 2(M − 1)
//! rounds (reduce-scatter, then all-gather) sends a 1/M share of the
//! gradient, one message per round. Compute shrinks like 1/M while the
//! communication grows towards 2a + 2(M − 1)ℓ, so the speed-up levels off
//! and then falls: t(M) is smallest at M* = √((c·G − 2a)/(2ℓ)) when
//! c·G > 2a, and one worker is fastest otherwise.

use serde::Serialize;

/// The model's three constants, in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct WallClock {
    /// c: compute per example on one worker.
    pub compute_ms: f64,
    /// a: one full gradient over one link.
    pub allreduce_ms: f64,
    /// ℓ: one message's latency.
    pub latency_ms: f64,
}

/// The predicted step time and speed-up for one worker count.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct SpeedupPoint {
    /// M.
    pub workers: usize,
    /// t(M), in ms.
    pub step_ms: f64,
    /// t(1)/t(M).
    pub speedup: f64,
}

impl WallClock {
    /// t(M) for a global batch of `global_batch` examples.
    pub fn step_ms(&self, workers: usize, global_batch: usize) -> f64 {
        let m = workers as f64;
        let compute = self.compute_ms * global_batch as f64 / m;
        let communicate = if workers > 1 {
            2.0 * (m - 1.0) / m * self.allreduce_ms + 2.0 * (m - 1.0) * self.latency_ms
        } else {
            0.0
        };
        compute + communicate
    }

    /// t(M) and S(M) for M = 1 … `max_workers` at a fixed global batch. A
    /// model whose every time is 0 has speed-up 1 everywhere.
    pub fn speedup_series(&self, global_batch: usize, max_workers: usize) -> Vec<SpeedupPoint> {
        let single = self.step_ms(1, global_batch);
        (1..=max_workers)
            .map(|workers| {
                let step_ms = self.step_ms(workers, global_batch);
                let speedup = if step_ms > 0.0 { single / step_ms } else { 1.0 };
                SpeedupPoint {
                    workers,
                    step_ms,
                    speedup,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_communication_gives_linear_speedup() {
        let model = WallClock {
            compute_ms: 0.5,
            allreduce_ms: 0.0,
            latency_ms: 0.0,
        };
        for point in model.speedup_series(64, 16) {
            assert!(
                (point.speedup - point.workers as f64).abs() < 1e-12,
                "{point:?}"
            );
        }
    }

    #[test]
    fn communication_caps_then_lowers_the_speedup() {
        let model = WallClock {
            compute_ms: 0.05,
            allreduce_ms: 1.0,
            latency_ms: 0.05,
        };
        // G = 64: t(1) = 3.2, t(2) = 1.6 + 1 + 0.1 = 2.7.
        assert!((model.step_ms(1, 64) - 3.2).abs() < 1e-12);
        assert!((model.step_ms(2, 64) - 2.7).abs() < 1e-12);
        let series = model.speedup_series(64, 16);
        let best = series
            .iter()
            .max_by(|a, b| a.speedup.total_cmp(&b.speedup))
            .unwrap();
        assert!(best.workers > 1 && best.workers < 16, "{best:?}");
        assert!(series[15].speedup < best.speedup);
        assert_eq!(series[0].speedup, 1.0);
        // The fastest M is next to M* = √((c·G − 2a)/(2ℓ)) = √12 ≈ 3.46.
        assert!(best.workers == 3 || best.workers == 4, "{best:?}");
    }

    #[test]
    fn communication_above_the_compute_makes_one_worker_fastest() {
        // c·G = 1.6 < 2a = 2.
        let model = WallClock {
            compute_ms: 0.025,
            allreduce_ms: 1.0,
            latency_ms: 0.01,
        };
        let series = model.speedup_series(64, 16);
        assert!(series[1..].iter().all(|p| p.speedup < 1.0), "{series:?}");
    }

    #[test]
    fn a_model_of_zero_times_does_not_divide_by_zero() {
        let model = WallClock {
            compute_ms: 0.0,
            allreduce_ms: 0.0,
            latency_ms: 0.0,
        };
        assert!(model.speedup_series(8, 4).iter().all(|p| p.speedup == 1.0));
    }
}
