//! Training steps per second of the CPU engine: one [`Trainer::step`] (draw
//! the minibatch, forward, cross-entropy, backward, Adam step) for the
//! shapes `bench/torch_mlp.py` times in PyTorch.
//!
//! Run with `cargo bench -p sgdlab-core --bench train`, or
//! `bench/cpu_vs_torch.sh` for the comparison table.

use criterion::{Criterion, criterion_group, criterion_main};
use sgdlab_core::data::DatasetKind;
use sgdlab_core::train::{MAX_EPOCHS, OptimizerChoice, TrainConfig, Trainer};
use std::hint::black_box;

/// (benchmark name, hidden widths, batch size), as in `bench/torch_mlp.py`.
const SHAPES: [(&str, &[usize], usize); 2] = [
    ("2-64-64-2 batch 32", &[64, 64], 32),
    ("2-256-256-2 batch 256", &[256, 256], 256),
];

fn bench_training_steps(c: &mut Criterion) {
    let mut group = c.benchmark_group("train step adam");
    for (name, hidden, batch_size) in SHAPES {
        let config = TrainConfig {
            dataset: DatasetKind::Xor,
            // 1,280 examples, 20% held out: 1,024 to train on, as in the torch script.
            samples: 1280,
            hidden: hidden.to_vec(),
            optimizer: OptimizerChoice::new("adam", serde_json::json!({"lr": 1e-3})),
            batch_size,
            // Never finished, however many steps criterion takes (as the
            // browser benchmark's trainer).
            epochs: MAX_EPOCHS,
            ..TrainConfig::default()
        };
        let mut trainer = Trainer::new(&config).expect("the benchmark config is valid");
        group.bench_function(name, |b| {
            b.iter(|| black_box(trainer.step().expect("Adam at lr 1e-3 does not diverge")))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_training_steps);
criterion_main!(benches);
