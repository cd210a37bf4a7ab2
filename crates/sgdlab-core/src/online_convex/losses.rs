//! The sequence of linear losses fₜ(x) = gₜ·x, one slope per round.

use super::config::{
    COMMON_GRADIENT, OnlineConvexConfig, Problem, RARE_GRADIENT, RARE_PROBABILITY, SYNTHETIC_PERIOD,
};
use crate::SeededRng;

/// The slopes g₁, g₂, … of a problem, produced round by round.
///
/// The stochastic problem draws one uniform number per round from
/// `SeededRng::derive(seed, "online-convex/draws")` and takes the rare slope
/// when it falls below 0.01; the other problems are fixed by t alone.
#[derive(Clone, Debug)]
pub struct LossSequence {
    problem: Problem,
    c: f64,
    draws: SeededRng,
}

impl LossSequence {
    /// The sequence a config describes.
    pub fn new(config: &OnlineConvexConfig) -> Self {
        Self {
            problem: config.problem,
            c: config.c,
            draws: SeededRng::derive(config.seed, "online-convex/draws"),
        }
    }

    /// The slope gₜ of round `t` (from 1). Rounds must be asked for in
    /// order, once each: the stochastic problem draws as it goes.
    pub fn slope(&mut self, t: u64) -> f64 {
        match self.problem {
            Problem::Periodic => {
                if t % 3 == 1 {
                    self.c
                } else {
                    -1.0
                }
            }
            Problem::Synthetic => {
                if t % SYNTHETIC_PERIOD == 1 {
                    RARE_GRADIENT
                } else {
                    COMMON_GRADIENT
                }
            }
            Problem::Stochastic => {
                if self.draws.uniform() < RARE_PROBABILITY {
                    RARE_GRADIENT
                } else {
                    COMMON_GRADIENT
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slopes(config: &OnlineConvexConfig, rounds: u64) -> Vec<f64> {
        let mut losses = LossSequence::new(config);
        (1..=rounds).map(|t| losses.slope(t)).collect()
    }

    #[test]
    fn periodic_puts_c_on_rounds_one_four_seven() {
        let config = OnlineConvexConfig {
            c: 4.5,
            ..OnlineConvexConfig::default()
        };
        assert_eq!(slopes(&config, 7), [4.5, -1.0, -1.0, 4.5, -1.0, -1.0, 4.5]);
    }

    #[test]
    fn synthetic_puts_1010_on_rounds_1_102_203() {
        let config = OnlineConvexConfig {
            problem: Problem::Synthetic,
            ..OnlineConvexConfig::default()
        };
        let rare: Vec<usize> = slopes(&config, 303)
            .iter()
            .enumerate()
            .filter(|(_, g)| **g == RARE_GRADIENT)
            .map(|(i, _)| i + 1)
            .collect();
        assert_eq!(rare, [1, 102, 203]);
    }

    #[test]
    fn stochastic_draws_follow_the_seed_at_rate_one_in_a_hundred() {
        let config = |seed| OnlineConvexConfig {
            problem: Problem::Stochastic,
            seed,
            ..OnlineConvexConfig::default()
        };
        let a = slopes(&config(4), 200_000);
        assert_eq!(a, slopes(&config(4), 200_000));
        assert_ne!(a, slopes(&config(5), 200_000));
        assert!(
            a.iter()
                .all(|&g| g == RARE_GRADIENT || g == COMMON_GRADIENT)
        );
        let rare = a.iter().filter(|&&g| g == RARE_GRADIENT).count();
        // Binomial(200000, 0.01): mean 2000, standard deviation about 44.
        assert!((1800..2200).contains(&rare), "{rare} rare rounds");
    }
}
