//! Writes the random inputs of the experiment reference runs as JSON, for
//! the PyTorch scripts to replay:
//!
//! ```text
//! cargo run -p sgdlab-core --example export_reference_inputs > tests/reference/experiments_a_inputs.json
//! ```
//!
//! - `online_convex_stochastic`: for each (seed, steps), the rounds t on
//!   which the stochastic problem's loss is 1010·x (all others are −10·x);
//! - `generalisation`: for each (n, p, seed, test), the training and test
//!   labels the engine draws.
//!
//! The tests check that the engine still draws exactly these inputs, and
//! then compare its runs with PyTorch's on them.

use serde_json::{Value, json};
use sgdlab_core::generalisation::{GeneralisationConfig, WilsonData};
use sgdlab_core::online_convex::config::RARE_GRADIENT;
use sgdlab_core::online_convex::{LossSequence, OnlineConvexConfig, Problem};

/// (seed, steps) of the stochastic online-convex cases.
const STOCHASTIC_CASES: [(u64, u64); 2] = [(0, 20_000), (3, 50_000)];

/// (n, p, seed, test points) of the generalisation cases.
const GENERALISATION_CASES: [(usize, f64, u64, usize); 5] = [
    (40, 0.7, 0, 1000),
    (40, 0.7, 1, 1000),
    (100, 0.6, 2, 500),
    (20, 0.8, 3, 1000),
    (200, 0.55, 4, 2000),
];

fn main() {
    let stochastic: Vec<Value> = STOCHASTIC_CASES
        .iter()
        .map(|&(seed, steps)| {
            let config = OnlineConvexConfig {
                problem: Problem::Stochastic,
                seed,
                steps: Some(steps),
                ..OnlineConvexConfig::default()
            };
            let mut losses = LossSequence::new(&config);
            let rare: Vec<u64> = (1..=steps)
                .filter(|&t| losses.slope(t) == RARE_GRADIENT)
                .collect();
            json!({ "seed": seed, "steps": steps, "rare_rounds": rare })
        })
        .collect();
    let generalisation: Vec<Value> = GENERALISATION_CASES
        .iter()
        .map(|&(samples, p, seed, test_samples)| {
            let config = GeneralisationConfig {
                samples,
                p,
                seed,
                test_samples,
                ..GeneralisationConfig::default()
            };
            let data = WilsonData::generate(&config);
            let as_ints = |labels: &[f64]| labels.iter().map(|&y| y as i64).collect::<Vec<_>>();
            json!({
                "n": samples,
                "p": p,
                "seed": seed,
                "test": test_samples,
                "train_labels": as_ints(data.train_labels()),
                "test_labels": as_ints(data.test_labels()),
            })
        })
        .collect();
    let inputs = json!({
        "online_convex_stochastic": stochastic,
        "generalisation": generalisation,
    });
    println!(
        "{}",
        serde_json::to_string(&inputs).expect("the inputs are plain JSON")
    );
}
