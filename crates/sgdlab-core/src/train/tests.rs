//! The fast passes against the general autograd, and training runs that must
//! learn, repeat themselves exactly, and stop when they diverge.

use super::*;
use crate::SeededRng;
use crate::autograd::{Graph, Tensor, Var};
use crate::data::DatasetKind;
use crate::data::sampler::SamplingOrder;
use crate::optim::OPTIMIZERS;
use crate::schedule::{LinearWarmup, ScheduleConfig};
use serde_json::json;

/// The same network and loss recorded on an autograd tape: returns the loss
/// and ∇L in the flat layout of [`MlpSpec::layers`].
fn autograd_loss_and_gradient(
    spec: &MlpSpec,
    params: &[f32],
    features: &[f32],
    labels: &[usize],
) -> (f32, Vec<f32>) {
    let mut graph = Graph::<f32>::new();
    let rows = labels.len();
    let mut a = graph.input(Tensor::from_vec(rows, spec.inputs, features.to_vec()).unwrap());
    let widths = spec.widths();
    let mut param_vars: Vec<Var> = Vec::new();
    let mut offset = 0;
    for (l, w) in widths.windows(2).enumerate() {
        let (fan_in, fan_out) = (w[0], w[1]);
        let weights = params[offset..offset + fan_in * fan_out].to_vec();
        offset += fan_in * fan_out;
        let bias = params[offset..offset + fan_out].to_vec();
        offset += fan_out;
        let weights = graph.param(Tensor::from_vec(fan_in, fan_out, weights).unwrap());
        let bias = graph.param(Tensor::row_vector(bias));
        param_vars.extend([weights, bias]);
        let product = graph.matmul(a, weights);
        a = graph.add_row(product, bias);
        if l + 1 < spec.depth() {
            a = match spec.activation {
                Activation::Relu => graph.relu(a),
                Activation::Tanh => graph.tanh(a),
                Activation::Sigmoid => graph.sigmoid(a),
            };
        }
    }
    let loss = graph.softmax_cross_entropy(a, labels);
    let grads = graph.backward(loss);
    let flat = param_vars
        .iter()
        .flat_map(|&v| grads.get(v).unwrap().data().to_vec())
        .collect();
    (graph.value(loss).item(), flat)
}

/// A random network, its weights, and a random labelled batch.
fn random_case(
    rng: &mut SeededRng,
    activation: Activation,
) -> (MlpSpec, Vec<f32>, Vec<f32>, Vec<usize>) {
    let depth = rng.below(4);
    let spec = MlpSpec {
        inputs: 1 + rng.below(4),
        hidden: (0..depth).map(|_| 1 + rng.below(40)).collect(),
        classes: 2 + rng.below(4),
        activation,
    };
    let rows = 1 + rng.below(37);
    let params = spec.init_parameters(rng.below(1000) as u64);
    let features = (0..rows * spec.inputs)
        .map(|_| rng.uniform_in(-2.0, 2.0) as f32)
        .collect();
    let labels = (0..rows).map(|_| rng.below(spec.classes)).collect();
    (spec, params, features, labels)
}

/// max |a − b| over the tensor, relative to its largest entry of `b`.
fn relative_error(a: &[f32], b: &[f32]) -> f32 {
    let scale = b.iter().fold(0.0_f32, |m, x| m.max(x.abs()));
    let diff = a
        .iter()
        .zip(b)
        .fold(0.0_f32, |m, (x, y)| m.max((x - y).abs()));
    if scale == 0.0 { diff } else { diff / scale }
}

#[test]
fn fast_passes_match_autograd_on_random_networks() {
    let mut rng = SeededRng::new(42);
    for activation in Activation::ALL {
        for case in 0..60 {
            let (spec, params, features, labels) = random_case(&mut rng, activation);
            let mut workspace = Workspace::new(&spec, labels.len() + rng.below(5));
            workspace.set_inputs(&features);
            let mut grad = vec![f32::NAN; params.len()];
            let loss = workspace.loss_and_gradient(&params, &labels, &mut grad);
            let (expected_loss, expected) =
                autograd_loss_and_gradient(&spec, &params, &features, &labels);
            assert!(
                (loss - expected_loss).abs() <= 1e-6 * expected_loss.abs().max(1.0),
                "{activation} case {case}: loss {loss} vs {expected_loss}"
            );
            for (range, name) in spec.layers().into_iter().zip(spec.layer_names()) {
                let error = relative_error(&grad[range.clone()], &expected[range]);
                assert!(
                    error <= 1e-5,
                    "{activation} case {case} {spec:?}: {name} differs by {error:e} (relative)"
                );
            }
        }
    }
}

#[test]
fn gathered_rows_and_evaluation_agree_with_the_training_pass() {
    let mut rng = SeededRng::new(7);
    let (spec, params, features, labels) = random_case(&mut rng, Activation::Tanh);
    let rows = labels.len();
    // Loading rows in reverse order gives the reversed batch.
    let reversed: Vec<usize> = (0..rows).rev().collect();
    let mut workspace = Workspace::new(&spec, rows);
    workspace.gather_inputs(&features, &reversed);
    let reversed_labels: Vec<usize> = reversed.iter().map(|&i| labels[i]).collect();
    let mut grad = vec![0.0; params.len()];
    let loss = workspace.loss_and_gradient(&params, &reversed_labels, &mut grad);
    let (sum, _) = workspace.loss_and_correct(&reversed_labels);
    assert!((sum / rows as f64 - f64::from(loss)).abs() < 1e-5);
    let (expected_loss, expected) = autograd_loss_and_gradient(&spec, &params, &features, &labels);
    assert!((loss - expected_loss).abs() < 1e-5);
    assert!(relative_error(&grad, &expected) < 1e-5);
}

fn quick_config(dataset: DatasetKind) -> TrainConfig {
    TrainConfig {
        dataset,
        samples: 200,
        hidden: vec![16, 16],
        epochs: 3,
        seed: 5,
        ..TrainConfig::default()
    }
}

#[test]
fn per_example_gradients_average_to_the_minibatch_gradient() {
    for activation in Activation::ALL {
        let config = TrainConfig {
            activation,
            ..quick_config(DatasetKind::Blobs)
        };
        let mut trainer = Trainer::new(&config).unwrap();
        trainer.run_epoch().unwrap();
        let batch: Vec<usize> = (3..3 + config.batch_size).collect();
        let per_example = trainer.example_gradients(&batch);
        let mut mean = vec![0.0_f32; trainer.params().len()];
        for g in &per_example {
            for (m, x) in mean.iter_mut().zip(g) {
                *m += x / batch.len() as f32;
            }
        }
        let minibatch = trainer.batch_gradient(&batch);
        let error = relative_error(&mean, &minibatch);
        assert!(error < 1e-5, "{activation}: {error:e}");
    }
}

fn curve(config: &TrainConfig) -> Vec<Metrics> {
    let mut trainer = Trainer::new(config).unwrap();
    let mut metrics = vec![trainer.evaluate()];
    for _ in 0..config.epochs {
        trainer.run_epoch().unwrap();
        metrics.push(trainer.evaluate());
    }
    metrics
}

#[test]
fn spirals_are_learned_to_95_percent_test_accuracy() {
    let config = TrainConfig {
        dataset: DatasetKind::Spirals,
        samples: 400,
        hidden: vec![32, 32],
        activation: Activation::Relu,
        optimizer: OptimizerChoice::new("adam", json!({"lr": 0.02})),
        batch_size: 32,
        epochs: 150,
        seed: 1,
        ..TrainConfig::default()
    };
    let last = *curve(&config).last().unwrap();
    assert!(last.test_acc.unwrap() >= 0.95, "{last:?}");
}

#[test]
fn every_first_order_optimizer_lowers_the_loss() {
    for name in OPTIMIZERS.iter().map(|entry| entry.name) {
        if name == "newton" {
            continue;
        }
        // Each optimizer's own default rate is made for its own rule (Adadelta
        // uses 1.0); coordinate descent moves one weight per step, so it
        // gets a large rate.
        let settings = match name {
            "adadelta" => json!({}),
            "coordinate" => json!({"lr": 0.5}),
            "lars" => json!({"lr": 0.02}),
            _ => json!({"lr": 0.02}),
        };
        let config = TrainConfig {
            optimizer: OptimizerChoice::new(name, settings),
            ..quick_config(DatasetKind::Moons)
        };
        let metrics = curve(&config);
        let (first, last) = (metrics[0].train_loss, metrics.last().unwrap().train_loss);
        assert!(last < first, "{name}: {first} → {last}");
    }
}

#[test]
fn steepest_with_a_line_search_is_refused_with_a_reason() {
    for line_search in ["exact", "armijo"] {
        let config = TrainConfig {
            optimizer: OptimizerChoice::new("steepest", json!({ "line_search": line_search })),
            ..TrainConfig::default()
        };
        let err = Trainer::new(&config).err().unwrap().to_string();
        assert!(
            err.starts_with("steepest cannot train a network: its line search")
                && err.contains("line_search=none"),
            "{err}"
        );
    }
}

#[test]
fn newton_is_refused_with_a_reason() {
    let config = TrainConfig {
        optimizer: OptimizerChoice::new("newton", json!({})),
        ..TrainConfig::default()
    };
    let err = Trainer::new(&config).err().unwrap().to_string();
    assert!(
        err.starts_with("newton cannot train a network: it needs the Hessian"),
        "{err}"
    );
}

#[test]
fn the_same_seed_gives_the_same_curve_bit_for_bit() {
    for sampling in SamplingOrder::ALL {
        let config = TrainConfig {
            sampling,
            activation: Activation::Tanh,
            ..quick_config(DatasetKind::Spirals)
        };
        let bits = |metrics: Vec<Metrics>| -> Vec<u64> {
            metrics
                .iter()
                .flat_map(|m| [m.train_loss, m.test_loss.unwrap(), m.train_acc])
                .map(f64::to_bits)
                .collect()
        };
        let a = bits(curve(&config));
        assert_eq!(a, bits(curve(&config)), "{sampling:?}");
        let other_seed = TrainConfig { seed: 6, ..config };
        assert_ne!(a, bits(curve(&other_seed)), "{sampling:?}");
    }
}

#[test]
fn side_by_side_trainers_share_data_weights_and_batches() {
    let config = quick_config(DatasetKind::Xor);
    let choices = [
        OptimizerChoice::new("sgd", json!({"lr": 0.1, "momentum": 0.9})),
        OptimizerChoice::new("adam", json!({"lr": 0.01})),
        OptimizerChoice::new("rmsprop", json!({"lr": 0.01})),
    ];
    let mut trainers = Trainer::side_by_side(&config, &choices).unwrap();
    let first = &trainers[0];
    for other in &trainers[1..] {
        assert_eq!(other.train_set(), first.train_set());
        assert_eq!(other.test_set(), first.test_set());
        assert_eq!(other.params(), first.params());
    }
    // The first minibatch is the same for all: so is the first gradient.
    for trainer in &mut trainers {
        trainer.step().unwrap();
    }
    for other in &trainers[1..] {
        assert_eq!(other.last_gradient(), trainers[0].last_gradient());
        assert_ne!(other.params(), trainers[0].params());
        assert_eq!(other.optimizer().name(), other.config().optimizer.name);
    }
}

#[test]
fn a_diverging_run_stops_and_says_so_without_nan() {
    let config = TrainConfig {
        optimizer: OptimizerChoice::new("sgd", json!({"lr": 1e6})),
        epochs: 50,
        ..quick_config(DatasetKind::Moons)
    };
    let mut trainer = Trainer::new(&config).unwrap();
    let mut error = None;
    for _ in 0..config.epochs {
        if let Err(e) = trainer.run_epoch() {
            error = Some(e);
            break;
        }
    }
    let error = error.expect("lr 1e6 diverges");
    assert_eq!(trainer.diverged(), Some(&error));
    assert_eq!(error.step, trainer.steps() + 1);
    let message = error.to_string();
    assert!(
        message.starts_with("training diverged at step "),
        "{message}"
    );
    assert!(trainer.finished());
    // Stepping again repeats the verdict and changes nothing.
    let params = trainer.params().to_vec();
    assert_eq!(trainer.step().unwrap_err(), error);
    assert_eq!(trainer.params(), params);
    assert!(params.iter().all(|p| p.is_finite()));
    let metrics = trainer.evaluate();
    assert!(metrics.train_loss.is_finite() && metrics.test_loss.unwrap().is_finite());
    let view = trainer.view_box();
    assert!(
        trainer
            .predict_grid(&view, 8, 8)
            .iter()
            .all(|p| p.is_finite())
    );
}

#[test]
fn warmup_scales_the_rate_per_epoch() {
    let config = TrainConfig {
        schedule: ScheduleConfig::Warmup(LinearWarmup {
            start_factor: 0.25,
            total_iters: 2,
            schedule: Box::new(ScheduleConfig::Constant),
        }),
        optimizer: OptimizerChoice::new("sgd", json!({"lr": 0.4})),
        ..quick_config(DatasetKind::Moons)
    };
    let mut trainer = Trainer::new(&config).unwrap();
    let mut rates = vec![trainer.lr()];
    for _ in 0..3 {
        trainer.run_epoch().unwrap();
        rates.push(trainer.lr());
    }
    let expected = [0.1, 0.25, 0.4, 0.4];
    for (rate, expected) in rates.iter().zip(expected) {
        assert!((rate - expected).abs() < 1e-12, "{rates:?}");
    }
}

#[test]
fn epochs_count_batches_and_steps() {
    let config = TrainConfig {
        batch_size: 30,
        ..quick_config(DatasetKind::Circles)
    };
    let mut trainer = Trainer::new(&config).unwrap();
    // 200 examples, 20% held out: 160 training examples in batches of 30.
    assert_eq!(trainer.train_set().len(), 160);
    assert_eq!(trainer.batches_per_epoch(), 6);
    trainer.step().unwrap();
    trainer.run_epoch().unwrap(); // finishes the epoch already begun
    assert_eq!((trainer.epoch(), trainer.steps()), (1, 6));
    trainer.run_epoch().unwrap();
    assert_eq!((trainer.epoch(), trainer.steps()), (2, 12));
}

#[test]
fn examples_seen_count_every_batch_with_the_short_last_one() {
    for (batch_size, order) in [
        (30, SamplingOrder::Shuffle),
        (32, SamplingOrder::Sequential),
        (7, SamplingOrder::WithReplacement),
        (160, SamplingOrder::Shuffle),
    ] {
        let config = TrainConfig {
            batch_size,
            sampling: order,
            ..quick_config(DatasetKind::Circles)
        };
        let mut trainer = Trainer::new(&config).unwrap();
        let sampler = crate::data::sampler::MinibatchSampler::with_labels(
            config.sampler_config(),
            &trainer.train_set().labels,
            config.seed,
        )
        .unwrap();
        let mut counted = 0;
        assert_eq!(trainer.examples_seen(), 0);
        for epoch in 0..3 {
            for batch in sampler.epoch_batches(epoch) {
                trainer.step().unwrap();
                counted += batch.len() as u64;
                assert_eq!(trainer.examples_seen(), counted, "B = {batch_size}");
            }
        }
        assert_eq!(counted, 3 * 160);
    }
}

#[test]
fn runs_with_other_batches_walk_the_same_shuffled_order() {
    let small = TrainConfig {
        batch_size: 10,
        ..quick_config(DatasetKind::Moons)
    };
    let large = TrainConfig {
        batch_size: 40,
        ..small.clone()
    };
    let (a, b) = (Trainer::new(&small).unwrap(), Trainer::new(&large).unwrap());
    assert_eq!(a.train_set(), b.train_set());
    assert_eq!(a.params(), b.params());
    let batches = |config: &TrainConfig, epoch| {
        crate::data::sampler::MinibatchSampler::with_labels(
            config.sampler_config(),
            &a.train_set().labels,
            config.seed,
        )
        .unwrap()
        .epoch_batches(epoch)
    };
    for epoch in 0..2 {
        let (small_batches, large_batches) = (batches(&small, epoch), batches(&large, epoch));
        assert_eq!(large_batches.len(), 4);
        // Each batch of 40 holds exactly four consecutive batches of 10.
        for (k, big) in large_batches.iter().enumerate() {
            assert_eq!(*big, small_batches[4 * k..4 * k + 4].concat());
        }
    }
    assert_ne!(batches(&small, 0).concat(), batches(&small, 1).concat());
}

#[test]
fn the_rates_by_epoch_are_the_rates_the_optimizer_was_given() {
    use crate::schedule::{CosineAnnealingLr, StepLr};
    for schedule in [
        ScheduleConfig::Warmup(LinearWarmup {
            start_factor: 0.25,
            total_iters: 3,
            schedule: Box::new(ScheduleConfig::CosineAnnealing(CosineAnnealingLr {
                t_max: 5,
                eta_min: 0.01,
            })),
        }),
        ScheduleConfig::Step(StepLr {
            step_size: 2,
            gamma: 0.5,
        }),
        ScheduleConfig::Constant,
    ] {
        let config = TrainConfig {
            schedule,
            optimizer: OptimizerChoice::new("sgd", json!({"lr": 0.4, "momentum": 0.9})),
            batch_size: 40,
            epochs: 6,
            ..quick_config(DatasetKind::Moons)
        };
        let mut trainer = Trainer::new(&config).unwrap();
        let preview = trainer.lr_by_epoch();
        assert_eq!(preview.len(), 6);
        let mut seen = vec![Vec::new(); 6];
        while !trainer.finished() {
            seen[trainer.epoch() as usize].push(trainer.optimizer().lr());
            trainer.step().unwrap();
            // Halfway, the past is what was applied and the rest still fits.
            assert_eq!(trainer.lr_by_epoch(), preview);
        }
        for (epoch, rates) in seen.iter().enumerate() {
            assert_eq!(rates.len(), 4, "four steps in epoch {epoch}");
            assert!(
                rates.iter().all(|&r| r == preview[epoch]),
                "{seen:?} vs {preview:?}"
            );
        }
    }
}

#[test]
fn layer_norms_are_the_norms_of_each_tensor() {
    let mut trainer = Trainer::new(&quick_config(DatasetKind::Moons)).unwrap();
    let before = trainer.layer_norms();
    assert!(
        before
            .iter()
            .all(|n| n.grad_norm == 0.0 && n.trust_ratio == 1.0)
    );
    trainer.step().unwrap();
    let norms = trainer.layer_norms();
    let names: Vec<&str> = norms.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["W1", "b1", "W2", "b2", "W3", "b3"]);
    for (n, range) in norms.iter().zip(trainer.spec().layers()) {
        let w: f64 = trainer.params()[range.clone()]
            .iter()
            .map(|&x| f64::from(x).powi(2))
            .sum();
        let g: f64 = trainer.last_gradient()[range]
            .iter()
            .map(|&x| f64::from(x).powi(2))
            .sum();
        assert!((n.weight_norm - w.sqrt()).abs() < 1e-9);
        assert!((n.grad_norm - g.sqrt()).abs() < 1e-9);
        assert!((n.trust_ratio - w.sqrt() / g.sqrt()).abs() < 1e-6 * n.trust_ratio);
    }
}

#[test]
fn the_decision_grid_holds_probabilities_that_match_the_training_points() {
    let mut trainer = Trainer::new(&quick_config(DatasetKind::Blobs)).unwrap();
    for _ in 0..3 {
        trainer.run_epoch().unwrap();
    }
    let view = trainer.view_box();
    let (width, height) = (7, 5);
    let grid = trainer.predict_grid(&view, width, height);
    assert_eq!(grid.len(), width * height * 3);
    for pixel in grid.chunks_exact(3) {
        assert!((pixel.iter().sum::<f32>() - 1.0).abs() < 1e-5);
    }
    // A one-pixel view centred on a training point predicts that point.
    let point = trainer.train_set().features[0];
    let tiny = crate::surfaces::ViewBox {
        x_min: point[0] - 1e-3,
        x_max: point[0] + 1e-3,
        y_min: point[1] - 1e-3,
        y_max: point[1] + 1e-3,
    };
    let probabilities = trainer.predict_grid(&tiny, 1, 1);
    let grad_free = {
        let mut w = Workspace::new(trainer.spec(), 1);
        w.set_inputs(&[point[0] as f32, point[1] as f32]);
        w.forward(trainer.params());
        let logits = w.logits().to_vec();
        let max = logits.iter().fold(f32::MIN, |m, &z| m.max(z));
        let e: Vec<f32> = logits.iter().map(|&z| crate::Real::exp(z - max)).collect();
        let s: f32 = e.iter().sum();
        e.into_iter().map(|x| x / s).collect::<Vec<_>>()
    };
    assert_eq!(probabilities, grad_free);
}

#[test]
fn bad_settings_are_refused_with_what_is_allowed() {
    let message = |config: TrainConfig| Trainer::new(&config).err().unwrap().to_string();
    assert_eq!(
        message(TrainConfig {
            epochs: 10_001,
            ..TrainConfig::default()
        }),
        "`epochs` = 10001 is out of range; allowed: an integer from 0 to 10000"
    );
    assert_eq!(
        message(TrainConfig {
            batch_size: 321,
            ..TrainConfig::default()
        }),
        "`batch_size` = 321 is out of range; allowed: an integer from 1 to 320 (the 320 training examples)"
    );
    assert_eq!(
        message(TrainConfig {
            batch_size: 0,
            ..TrainConfig::default()
        }),
        "`batch_size` = 0 is out of range; allowed: an integer from 1 to 320 (the 320 training examples)"
    );
    assert!(
        message(TrainConfig {
            hidden: vec![2048],
            ..TrainConfig::default()
        })
        .contains("widths from 1 to 1024")
    );
    assert!(
        message(TrainConfig {
            samples: 1_000_000,
            ..TrainConfig::default()
        })
        .contains("`samples`")
    );
    assert!(
        message(TrainConfig {
            optimizer: OptimizerChoice::new("adam", json!({"lr": -1.0})),
            ..TrainConfig::default()
        })
        .contains("Invalid learning rate: -1.0")
    );
    let err = serde_json::from_str::<TrainConfig>(r#"{"epoch": 3}"#).unwrap_err();
    assert!(err.to_string().contains("unknown field `epoch`"), "{err}");
}

#[test]
fn config_round_trips_through_json() {
    let config = TrainConfig {
        dataset: DatasetKind::Checkerboard,
        hidden: vec![8, 4],
        activation: Activation::Sigmoid,
        optimizer: OptimizerChoice::new("lars", json!({"lr": 0.1, "momentum": 0.5})),
        sampling: SamplingOrder::ClassBalanced,
        schedule: ScheduleConfig::Warmup(LinearWarmup::default()),
        ..TrainConfig::default()
    };
    let text = serde_json::to_string(&config).unwrap();
    assert_eq!(serde_json::from_str::<TrainConfig>(&text).unwrap(), config);
    let partial: TrainConfig =
        serde_json::from_str(r#"{"dataset": "xor", "hidden": [3]}"#).unwrap();
    assert_eq!(partial.hidden, [3]);
    assert_eq!(partial.batch_size, 32);
}

#[test]
fn an_example_gets_the_same_bits_alone_or_anywhere_in_a_batch() {
    // Tiles and edges add the same terms in the same order, so an example's
    // logits do not depend on which rows share its pass.
    let mut rng = SeededRng::new(11);
    for activation in Activation::ALL {
        let spec = MlpSpec {
            inputs: 2,
            hidden: vec![19, 8],
            classes: 3,
            activation,
        };
        let params = spec.init_parameters(2);
        let rows = 13;
        let features: Vec<f32> = (0..2 * rows)
            .map(|_| rng.uniform_in(-1.5, 1.5) as f32)
            .collect();
        let mut batch = Workspace::new(&spec, rows);
        batch.set_inputs(&features);
        batch.forward(&params);
        let mut single = Workspace::new(&spec, 1);
        for (i, point) in features.chunks_exact(2).enumerate() {
            single.set_inputs(point);
            single.forward(&params);
            let expected: Vec<u32> = single.logits().iter().map(|z| z.to_bits()).collect();
            let in_batch: Vec<u32> = batch.logits()[3 * i..3 * i + 3]
                .iter()
                .map(|z| z.to_bits())
                .collect();
            assert_eq!(in_batch, expected, "{activation}, row {i}");
        }
    }
}
