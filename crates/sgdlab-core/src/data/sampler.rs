//! Minibatch samplers: which examples make up each step's batch.
//!
//! ```text
//! n examples, batch size B, M workers, global batch G = M·B
//! batches per epoch  K = ⌈n/G⌉,  or ⌊n/G⌋ with drop_last (the short tail is dropped)
//!
//! sequential       order = 0, 1, …, n−1                      (no randomness)
//! shuffle          order = a fresh permutation π_e each epoch e (without replacement)
//! replacement      order = n draws i ~ U{0, …, n−1}, independent (with replacement)
//! class_balanced   each batch of size s draws ⌊s/C⌋ or ⌈s/C⌉ examples from each
//!                  of the C classes, classes interleaved round-robin
//! batch k of epoch e = order[k·G .. min((k+1)·G, n)]
//! ```
//!
//! The minibatch gradient ĝ = (1/|B|)·Σ_{i∈B} ∇ℓᵢ is an unbiased estimate of
//! the full gradient under every random order; shuffling makes each epoch
//! visit every example exactly once, sampling with replacement does not.
//!
//! **Sharding (synchronous data parallelism).** M simulated workers share
//! the seed, so they form the same epoch order. Worker m takes the m-th slice
//! of length B of each global batch: positions k·G + m·B .. k·G + (m+1)·B of
//! the order. Equivalently, cutting the order into batches of B, worker m
//! takes every M-th batch (batches m, m + M, m + 2M, …): the two descriptions
//! pick the same examples. The M shards of a step partition its global batch
//! and have equal size B, so the average of the workers' mean gradients is
//!
//! ```text
//! (1/M)·Σₘ (1/B)·Σ_{i∈Bₘ} ∇ℓᵢ = (1/(M·B))·Σ_{i∈B} ∇ℓᵢ
//! ```
//!
//! exactly one worker's mean gradient over the global batch of size M·B.
//! Equal shards need full global batches, so more than one worker requires
//! `drop_last`.
//!
//! Batch sizes are never clamped: a batch size (times workers) above the
//! number of examples is an error that says the largest allowed.
//!
//! Each epoch is drawn from its own stream `"shuffle/epoch e"` of the seed,
//! so any epoch can be computed directly ([`MinibatchSampler::epoch_batches`])
//! and comes out the same as when stepping to it ([`MinibatchSampler::next_batch`]).

use super::{DataError, check_count};
use crate::SeededRng;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The names of the sampling orders, as the CLI's `--sampling` takes them.
pub const SAMPLING_ORDER_NAMES: &[&str] =
    &["sequential", "shuffle", "replacement", "class_balanced"];

/// The most simulated workers.
pub const MAX_WORKERS: usize = 64;

/// How each epoch orders the examples.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SamplingOrder {
    /// In index order, the same every epoch.
    Sequential,
    /// A new random permutation every epoch (without replacement). The default.
    #[default]
    Shuffle,
    /// Independent uniform draws; an epoch is n draws.
    #[serde(rename = "replacement")]
    WithReplacement,
    /// Equal (±1) counts of every class in each batch; an epoch is n draws,
    /// each class cycling through its own reshuffled examples, so small
    /// classes are oversampled.
    ClassBalanced,
}

impl SamplingOrder {
    /// Every order, in the order of [`SAMPLING_ORDER_NAMES`].
    pub const ALL: [SamplingOrder; 4] = [
        Self::Sequential,
        Self::Shuffle,
        Self::WithReplacement,
        Self::ClassBalanced,
    ];

    /// The name the CLI and the URL use.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sequential => "sequential",
            Self::Shuffle => "shuffle",
            Self::WithReplacement => "replacement",
            Self::ClassBalanced => "class_balanced",
        }
    }

    /// How a control labels it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Sequential => "in order, every epoch the same",
            Self::Shuffle => "reshuffled every epoch",
            Self::WithReplacement => "drawn with replacement",
            Self::ClassBalanced => "class-balanced",
        }
    }

    /// Looks an order up by name.
    pub fn from_name(name: &str) -> Result<Self, DataError> {
        Self::ALL
            .into_iter()
            .find(|order| order.name() == name)
            .ok_or_else(|| DataError::UnknownSamplingOrder {
                name: name.to_string(),
            })
    }
}

/// How minibatches are drawn.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SamplerConfig {
    /// Defaults to `shuffle`.
    pub order: SamplingOrder,
    /// Examples per batch per worker, B ≥ 1 with M·B ≤ n. Defaults to `32`.
    pub batch_size: usize,
    /// Drop each epoch's short last batch. Defaults to `false`; must be
    /// `true` with more than one worker.
    pub drop_last: bool,
    /// Simulated data-parallel workers M, 1 to [`MAX_WORKERS`]. Defaults to `1`.
    pub workers: usize,
}

impl Default for SamplerConfig {
    fn default() -> Self {
        Self {
            order: SamplingOrder::Shuffle,
            batch_size: 32,
            drop_last: false,
            workers: 1,
        }
    }
}

impl SamplerConfig {
    /// The examples consumed per step by all workers together, M·B.
    pub fn global_batch_size(&self) -> usize {
        self.workers * self.batch_size
    }

    /// Checks the config against a dataset of `examples` examples.
    pub fn validate(&self, examples: usize) -> Result<(), DataError> {
        if examples == 0 {
            return Err(DataError::Invalid(
                "cannot draw minibatches from an empty dataset".into(),
            ));
        }
        check_count("workers", self.workers, 1, MAX_WORKERS.min(examples))?;
        let largest = examples / self.workers;
        if !(1..=largest).contains(&self.batch_size) {
            let why = if self.workers == 1 {
                format!("the {examples} training examples")
            } else {
                format!(
                    "the {examples} training examples shared by {} workers",
                    self.workers
                )
            };
            return Err(DataError::OutOfRange {
                field: "batch_size",
                value: self.batch_size.to_string(),
                allowed: format!("an integer from 1 to {largest} ({why})"),
            });
        }
        if self.workers > 1 && !self.drop_last {
            return Err(DataError::Invalid(format!(
                "sharding across {} workers needs `drop_last` = true, so that every \
                 worker's shard has exactly batch_size examples",
                self.workers
            )));
        }
        Ok(())
    }
}

/// One step's global batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Batch {
    /// The epoch it belongs to, from 0.
    pub epoch: u64,
    /// Its position within the epoch, from 0.
    pub index: usize,
    /// The examples, M·B of them (fewer only for an undropped tail).
    pub indices: Vec<usize>,
}

/// Yields minibatches of example indices, epoch after epoch, determined by
/// the seed.
#[derive(Clone, Debug)]
pub struct MinibatchSampler {
    config: SamplerConfig,
    examples: usize,
    /// The examples of each class that has any (class-balanced order only).
    class_members: Vec<Vec<usize>>,
    seed: u64,
    epoch: u64,
    next_index: usize,
    current_epoch: Vec<Vec<usize>>,
}

impl MinibatchSampler {
    /// A sampler over examples `0..examples`. Class-balanced sampling needs
    /// the labels: use [`with_labels`](Self::with_labels).
    pub fn new(config: SamplerConfig, examples: usize, seed: u64) -> Result<Self, DataError> {
        if config.order == SamplingOrder::ClassBalanced {
            return Err(DataError::Invalid(
                "class_balanced sampling needs the class labels; this data has none".into(),
            ));
        }
        Self::build(config, examples, Vec::new(), seed)
    }

    /// A sampler over labelled examples, one label per example.
    pub fn with_labels(
        config: SamplerConfig,
        labels: &[usize],
        seed: u64,
    ) -> Result<Self, DataError> {
        let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (i, &label) in labels.iter().enumerate() {
            members.entry(label).or_default().push(i);
        }
        Self::build(config, labels.len(), members.into_values().collect(), seed)
    }

    fn build(
        config: SamplerConfig,
        examples: usize,
        class_members: Vec<Vec<usize>>,
        seed: u64,
    ) -> Result<Self, DataError> {
        config.validate(examples)?;
        let mut sampler = Self {
            config,
            examples,
            class_members,
            seed,
            epoch: 0,
            next_index: 0,
            current_epoch: Vec::new(),
        };
        sampler.current_epoch = sampler.epoch_batches(0);
        Ok(sampler)
    }

    /// The configuration it samples with.
    pub fn config(&self) -> &SamplerConfig {
        &self.config
    }

    /// Global batches per epoch: ⌈n/G⌉, or ⌊n/G⌋ with `drop_last`.
    pub fn batches_per_epoch(&self) -> usize {
        let global = self.config.global_batch_size();
        if self.config.drop_last {
            self.examples / global
        } else {
            self.examples.div_ceil(global)
        }
    }

    /// The global batches of epoch `epoch`, in order.
    pub fn epoch_batches(&self, epoch: u64) -> Vec<Vec<usize>> {
        let n = self.examples;
        let global = self.config.global_batch_size();
        let batches = self.batches_per_epoch();
        let mut rng = SeededRng::derive(self.seed, &format!("shuffle/epoch {epoch}"));
        let order: Vec<usize> = match self.config.order {
            SamplingOrder::Sequential => (0..n).collect(),
            SamplingOrder::Shuffle => {
                let mut order: Vec<usize> = (0..n).collect();
                rng.shuffle(&mut order);
                order
            }
            SamplingOrder::WithReplacement => (0..n).map(|_| rng.below(n)).collect(),
            SamplingOrder::ClassBalanced => {
                return self.class_balanced_batches(batches, global, &mut rng);
            }
        };
        order
            .chunks(global)
            .take(batches)
            .map(<[usize]>::to_vec)
            .collect()
    }

    /// Batches whose sizes follow the epoch's chop (G each, then the tail),
    /// each filled round-robin over the classes in a random class order.
    fn class_balanced_batches(
        &self,
        batches: usize,
        global: usize,
        rng: &mut SeededRng,
    ) -> Vec<Vec<usize>> {
        let classes = self.class_members.len();
        let mut queues = self.class_members.clone();
        let mut positions = vec![0; classes];
        for queue in &mut queues {
            rng.shuffle(queue);
        }
        let mut class_order: Vec<usize> = (0..classes).collect();
        (0..batches)
            .map(|k| {
                let size = global.min(self.examples - k * global);
                rng.shuffle(&mut class_order);
                (0..size)
                    .map(|j| {
                        let class = class_order[j % classes];
                        if positions[class] == queues[class].len() {
                            // This class is used up: go round again in a new order.
                            rng.shuffle(&mut queues[class]);
                            positions[class] = 0;
                        }
                        positions[class] += 1;
                        queues[class][positions[class] - 1]
                    })
                    .collect()
            })
            .collect()
    }

    /// The next global batch, moving on to the next epoch after the last.
    pub fn next_batch(&mut self) -> Batch {
        if self.next_index == self.current_epoch.len() {
            self.epoch += 1;
            self.next_index = 0;
            self.current_epoch = self.epoch_batches(self.epoch);
        }
        let batch = Batch {
            epoch: self.epoch,
            index: self.next_index,
            indices: self.current_epoch[self.next_index].clone(),
        };
        self.next_index += 1;
        batch
    }

    /// Worker `worker`'s shard of a global batch: its m-th slice of length B.
    pub fn shard<'b>(&self, global_batch: &'b [usize], worker: usize) -> &'b [usize] {
        assert!(
            worker < self.config.workers,
            "worker {worker} of {}",
            self.config.workers
        );
        let b = self.config.batch_size;
        let start = (worker * b).min(global_batch.len());
        let end = ((worker + 1) * b).min(global_batch.len());
        &global_batch[start..end]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::regression::LinearConfig;

    fn config(order: SamplingOrder, batch_size: usize, drop_last: bool) -> SamplerConfig {
        SamplerConfig {
            order,
            batch_size,
            drop_last,
            workers: 1,
        }
    }

    fn sorted(batches: &[Vec<usize>]) -> Vec<usize> {
        let mut all: Vec<usize> = batches.concat();
        all.sort_unstable();
        all
    }

    #[test]
    fn shuffle_visits_every_example_once_per_epoch() {
        for (n, b) in [(10, 3), (64, 8), (100, 7), (5, 5), (33, 1)] {
            let sampler =
                MinibatchSampler::new(config(SamplingOrder::Shuffle, b, false), n, 9).unwrap();
            for epoch in 0..4 {
                let batches = sampler.epoch_batches(epoch);
                assert_eq!(batches.len(), n.div_ceil(b));
                assert_eq!(sorted(&batches), (0..n).collect::<Vec<_>>());
                assert!(batches.iter().take(batches.len() - 1).all(|x| x.len() == b));
            }
        }
    }

    #[test]
    fn shuffle_with_drop_last_keeps_full_batches_of_distinct_examples() {
        for (n, b) in [(10, 3), (64, 8), (100, 7)] {
            let sampler =
                MinibatchSampler::new(config(SamplingOrder::Shuffle, b, true), n, 9).unwrap();
            for epoch in 0..4 {
                let batches = sampler.epoch_batches(epoch);
                assert_eq!(batches.len(), n / b);
                assert!(batches.iter().all(|x| x.len() == b));
                let mut kept = sorted(&batches);
                kept.dedup();
                assert_eq!(kept.len(), (n / b) * b);
                assert!(kept.iter().all(|&i| i < n));
            }
        }
    }

    #[test]
    fn shuffle_reshuffles_every_epoch_and_follows_the_seed() {
        let sampler = |seed| {
            MinibatchSampler::new(config(SamplingOrder::Shuffle, 10, false), 50, seed).unwrap()
        };
        assert_ne!(sampler(1).epoch_batches(0), sampler(1).epoch_batches(1));
        assert_eq!(sampler(1).epoch_batches(3), sampler(1).epoch_batches(3));
        assert_ne!(sampler(1).epoch_batches(0), sampler(2).epoch_batches(0));
    }

    #[test]
    fn sequential_drop_last_drops_the_short_tail() {
        let keep =
            MinibatchSampler::new(config(SamplingOrder::Sequential, 3, false), 10, 0).unwrap();
        assert_eq!(
            keep.epoch_batches(5),
            vec![vec![0, 1, 2], vec![3, 4, 5], vec![6, 7, 8], vec![9]]
        );
        let drop =
            MinibatchSampler::new(config(SamplingOrder::Sequential, 3, true), 10, 0).unwrap();
        assert_eq!(
            drop.epoch_batches(5),
            vec![vec![0, 1, 2], vec![3, 4, 5], vec![6, 7, 8]]
        );
        assert_eq!(drop.batches_per_epoch(), 3);
    }

    #[test]
    fn with_replacement_draws_n_indices_in_range_with_repeats() {
        let n = 100;
        let sampler =
            MinibatchSampler::new(config(SamplingOrder::WithReplacement, 16, false), n, 3).unwrap();
        let batches = sampler.epoch_batches(0);
        assert_eq!(batches.len(), 7);
        let all = sorted(&batches);
        assert_eq!(all.len(), n);
        assert!(all.iter().all(|&i| i < n));
        let mut distinct = all.clone();
        distinct.dedup();
        // About n(1 − 1/e) ≈ 63 distinct; exactly n would mean no replacement.
        assert!(distinct.len() < 80, "{} distinct", distinct.len());
        let dropped =
            MinibatchSampler::new(config(SamplingOrder::WithReplacement, 16, true), n, 3).unwrap();
        assert!(dropped.epoch_batches(0).iter().all(|b| b.len() == 16));
        assert_eq!(dropped.batches_per_epoch(), 6);
    }

    #[test]
    fn class_balanced_batches_have_equal_class_counts() {
        // Imbalanced: 70 of class 0, 20 of class 1, 10 of class 2.
        let labels: Vec<usize> = (0..100)
            .map(|i| {
                if i < 70 {
                    0
                } else if i < 90 {
                    1
                } else {
                    2
                }
            })
            .collect();
        for (b, drop_last) in [(9, false), (10, false), (16, true), (2, false)] {
            let sampler = MinibatchSampler::with_labels(
                config(SamplingOrder::ClassBalanced, b, drop_last),
                &labels,
                5,
            )
            .unwrap();
            for epoch in 0..3 {
                let batches = sampler.epoch_batches(epoch);
                assert_eq!(batches.len(), sampler.batches_per_epoch());
                for batch in &batches {
                    let mut counts = [0usize; 3];
                    for &i in batch {
                        counts[labels[i]] += 1;
                    }
                    let (min, max) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
                    assert!(max - min <= 1, "B = {b}: {counts:?}");
                }
            }
        }
    }

    #[test]
    fn class_balanced_cycles_through_a_small_class_before_repeating() {
        // 4 examples of class 1: any 4 consecutive draws of class 1 within an
        // epoch's first cycle are the 4 different examples.
        let labels: Vec<usize> = (0..40).map(|i| usize::from(i >= 36)).collect();
        let sampler = MinibatchSampler::with_labels(
            config(SamplingOrder::ClassBalanced, 8, false),
            &labels,
            1,
        )
        .unwrap();
        let minority: Vec<usize> = sampler
            .epoch_batches(0)
            .concat()
            .into_iter()
            .filter(|&i| i >= 36)
            .collect();
        assert_eq!(minority.len(), 20);
        let mut first_cycle = minority[..4].to_vec();
        first_cycle.sort_unstable();
        assert_eq!(first_cycle, vec![36, 37, 38, 39]);
    }

    #[test]
    fn class_balanced_accepts_any_label_values() {
        let labels = [7, 7, 7, 7, usize::MAX, usize::MAX];
        let sampler = MinibatchSampler::with_labels(
            config(SamplingOrder::ClassBalanced, 2, false),
            &labels,
            0,
        )
        .unwrap();
        for batch in sampler.epoch_batches(0) {
            let big = batch.iter().filter(|&&i| labels[i] == usize::MAX).count();
            assert_eq!(big, 1, "{batch:?}");
        }
    }

    fn sharded(order: SamplingOrder, workers: usize, batch_size: usize) -> SamplerConfig {
        SamplerConfig {
            order,
            batch_size,
            drop_last: true,
            workers,
        }
    }

    #[test]
    fn shards_partition_each_global_batch() {
        for order in [
            SamplingOrder::Sequential,
            SamplingOrder::Shuffle,
            SamplingOrder::WithReplacement,
        ] {
            for (workers, b) in [(1, 8), (2, 5), (4, 3), (8, 12)] {
                let sampler = MinibatchSampler::new(sharded(order, workers, b), 100, 6).unwrap();
                for batch in sampler.epoch_batches(2) {
                    assert_eq!(batch.len(), workers * b);
                    let shards: Vec<&[usize]> =
                        (0..workers).map(|m| sampler.shard(&batch, m)).collect();
                    assert!(shards.iter().all(|s| s.len() == b));
                    assert_eq!(shards.concat(), batch);
                }
            }
        }
    }

    #[test]
    fn worker_slices_equal_every_mth_batch_of_the_shared_order() {
        // M workers with batch B see exactly the batches a single sampler
        // with batch B gives, dealt round-robin: worker m gets m, m + M, ….
        let (workers, b, n) = (3, 4, 50);
        let shared =
            MinibatchSampler::new(sharded(SamplingOrder::Shuffle, workers, b), n, 8).unwrap();
        let single = MinibatchSampler::new(config(SamplingOrder::Shuffle, b, true), n, 8).unwrap();
        let small_batches = single.epoch_batches(1);
        for (k, global) in shared.epoch_batches(1).iter().enumerate() {
            for m in 0..workers {
                assert_eq!(
                    shared.shard(global, m),
                    small_batches[k * workers + m].as_slice()
                );
            }
        }
    }

    #[test]
    fn averaging_worker_gradients_equals_the_global_batch_gradient() {
        // Least squares ℓᵢ(w, b) = ½(w·xᵢ + b − yᵢ)², ∇ℓᵢ = rᵢ·(xᵢ₁, xᵢ₂, 1).
        let data = LinearConfig {
            samples: 240,
            correlation: 0.5,
            ..LinearConfig::default()
        }
        .generate()
        .unwrap();
        let mut rng = SeededRng::new(77);
        let mean_gradient = |indices: &[usize], w: [f64; 3]| {
            let mut g = [0.0; 3];
            for &i in indices {
                let x = data.features[i];
                let r = w[0] * x[0] + w[1] * x[1] + w[2] - data.targets[i];
                for (gk, xk) in g.iter_mut().zip([x[0], x[1], 1.0]) {
                    *gk += r * xk / indices.len() as f64;
                }
            }
            g
        };
        for (workers, b) in [(2, 8), (4, 5), (6, 10)] {
            let mut sampler =
                MinibatchSampler::new(sharded(SamplingOrder::Shuffle, workers, b), data.len(), 12)
                    .unwrap();
            for _ in 0..25 {
                let w = [rng.normal(), rng.normal(), rng.normal()];
                let batch = sampler.next_batch();
                let global = mean_gradient(&batch.indices, w);
                let mut averaged = [0.0; 3];
                for m in 0..workers {
                    let g = mean_gradient(sampler.shard(&batch.indices, m), w);
                    for k in 0..3 {
                        averaged[k] += g[k] / workers as f64;
                    }
                }
                for k in 0..3 {
                    assert!(
                        (averaged[k] - global[k]).abs() < 1e-12,
                        "{averaged:?} vs {global:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn next_batch_walks_the_epochs_in_order() {
        let mut sampler =
            MinibatchSampler::new(config(SamplingOrder::Shuffle, 4, false), 10, 2).unwrap();
        let expected: Vec<(u64, usize, Vec<usize>)> = (0..3)
            .flat_map(|e| {
                sampler
                    .epoch_batches(e)
                    .into_iter()
                    .enumerate()
                    .map(move |(k, b)| (e, k, b))
            })
            .collect();
        for (epoch, index, indices) in expected {
            assert_eq!(
                sampler.next_batch(),
                Batch {
                    epoch,
                    index,
                    indices
                }
            );
        }
    }

    #[test]
    fn bad_configs_say_what_is_allowed() {
        let message = |config: SamplerConfig, n: usize| {
            MinibatchSampler::new(config, n, 0).unwrap_err().to_string()
        };
        assert_eq!(
            message(config(SamplingOrder::Shuffle, 0, false), 10),
            "`batch_size` = 0 is out of range; allowed: an integer from 1 to 10 (the 10 training examples)"
        );
        assert_eq!(
            message(config(SamplingOrder::Shuffle, 11, false), 10),
            "`batch_size` = 11 is out of range; allowed: an integer from 1 to 10 (the 10 training examples)"
        );
        assert_eq!(
            message(sharded(SamplingOrder::Shuffle, 4, 30), 100),
            "`batch_size` = 30 is out of range; allowed: an integer from 1 to 25 \
             (the 100 training examples shared by 4 workers)"
        );
        assert_eq!(
            message(sharded(SamplingOrder::Shuffle, 0, 3), 100),
            "`workers` = 0 is out of range; allowed: an integer from 1 to 64"
        );
        assert_eq!(
            message(
                SamplerConfig {
                    workers: 2,
                    ..SamplerConfig::default()
                },
                100
            ),
            "sharding across 2 workers needs `drop_last` = true, so that every worker's shard has exactly batch_size examples"
        );
        assert_eq!(
            message(SamplerConfig::default(), 0),
            "cannot draw minibatches from an empty dataset"
        );
        assert_eq!(
            message(config(SamplingOrder::ClassBalanced, 4, false), 100),
            "class_balanced sampling needs the class labels; this data has none"
        );
        assert_eq!(
            SamplingOrder::from_name("random").unwrap_err().to_string(),
            "unknown sampling order `random`; allowed: sequential, shuffle, replacement, class_balanced"
        );
        let err = serde_json::from_str::<SamplerConfig>(r#"{"batch": 4}"#).unwrap_err();
        assert!(err.to_string().contains("unknown field `batch`"), "{err}");
    }

    #[test]
    fn order_names_round_trip() {
        for order in SamplingOrder::ALL {
            assert_eq!(SamplingOrder::from_name(order.name()).unwrap(), order);
            let json = serde_json::to_string(&order).unwrap();
            assert_eq!(json, format!("\"{}\"", order.name()));
        }
        let names: Vec<&str> = SamplingOrder::ALL.iter().map(|o| o.name()).collect();
        assert_eq!(names, SAMPLING_ORDER_NAMES);
    }
}
