//! Synchronous data parallelism: M workers with batch B against one worker
//! with batch M·B, and the two pitfalls.

use sgdlab_core::data::DatasetKind;
use sgdlab_core::data_parallel::{DataParallel, DataParallelConfig, MAX_POINTS, Reduce};
use sgdlab_core::train::Activation;

fn run_to_end(config: &DataParallelConfig) -> DataParallel {
    let mut run = DataParallel::new(config).unwrap();
    run.run_to_end();
    run
}

/// The largest |a − b| over two parameter vectors.
fn max_difference(a: &[f32], b: &[f32]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| f64::from((x - y).abs()))
        .fold(0.0, f64::max)
}

#[test]
fn m_workers_equal_one_worker_with_m_times_the_batch() {
    let mut largest: f64 = 0.0;
    let settings = [
        (DatasetKind::Moons, Activation::Relu, 0.1, 0.0),
        (DatasetKind::Spirals, Activation::Tanh, 0.3, 0.9),
        (DatasetKind::Blobs, Activation::Sigmoid, 0.5, 0.5),
    ];
    for (dataset, activation, lr, momentum) in settings {
        for workers in [1, 2, 4, 8] {
            let config = DataParallelConfig {
                dataset,
                activation,
                lr,
                momentum,
                workers,
                batch_size: 64 / workers,
                epochs: 20,
                seed: 3,
                ..DataParallelConfig::default()
            };
            let run = run_to_end(&config);
            let report = run.report();
            assert!(report.stopped.is_none());
            assert_eq!(report.steps, 20 * (512 / 64));
            let relative = report.max_abs_diff / report.parameter_scale;
            largest = largest.max(relative);
            if workers == 1 {
                assert_eq!(
                    report.max_abs_diff, 0.0,
                    "one worker is the same computation"
                );
            }
            assert!(relative <= 1e-5, "{dataset} M = {workers}: {relative:e}");
            let (w, s) = (report.workers_loss.unwrap(), report.single_loss.unwrap());
            assert!((w - s).abs() < 1e-4);
        }
    }
    println!("largest max_abs_diff / parameter scale: {largest:e}");
}

#[test]
fn separate_seeds_give_different_minibatches_and_a_large_difference() {
    for workers in [2, 4, 8] {
        let shared = DataParallelConfig {
            workers,
            batch_size: 64 / workers,
            epochs: 20,
            ..DataParallelConfig::default()
        };
        let separate = DataParallelConfig {
            shared_seed: false,
            ..shared.clone()
        };
        let (a, b) = (run_to_end(&shared).report(), run_to_end(&separate).report());
        assert!(!b.shared_seed);
        // Rounding only against a difference of the size of the weights' changes.
        assert!(
            b.max_abs_diff > 1e-2 * b.parameter_scale,
            "M = {workers}: {b:?}"
        );
        assert!(
            b.max_abs_diff > 1e4 * a.max_abs_diff.max(1e-7),
            "M = {workers}"
        );
    }
}

#[test]
fn summing_the_gradients_is_the_mean_run_at_m_times_the_rate() {
    for workers in [2, 3, 4, 8] {
        let summed = DataParallelConfig {
            workers,
            batch_size: 16,
            reduce: Reduce::Sum,
            lr: 0.02,
            epochs: 10,
            ..DataParallelConfig::default()
        };
        let scaled = DataParallelConfig {
            reduce: Reduce::Mean,
            lr: 0.02 * workers as f64,
            ..summed.clone()
        };
        let unscaled = DataParallelConfig {
            reduce: Reduce::Mean,
            ..summed.clone()
        };
        let (sum_run, scaled_run, mean_run) = (
            run_to_end(&summed),
            run_to_end(&scaled),
            run_to_end(&unscaled),
        );
        let d = max_difference(sum_run.workers_params(), scaled_run.workers_params());
        if workers.is_power_of_two() {
            // Scaling by a power of two is exact, so the runs agree to the bit.
            assert_eq!(d, 0.0, "M = {workers}");
        } else {
            assert!(d < 1e-5, "M = {workers}: {d:e}");
        }
        // Against the batch-M·B run at the unscaled rate, the sum pitfall is far off.
        let report = sum_run.report();
        assert!(
            report.max_abs_diff > 1e-2 * report.parameter_scale,
            "M = {workers}: {report:?}"
        );
        assert!(mean_run.report().max_abs_diff < 1e-5 * report.parameter_scale);
    }
}

#[test]
fn runs_are_deterministic_and_slicing_changes_nothing() {
    let config = DataParallelConfig {
        workers: 3,
        batch_size: 10,
        shared_seed: false,
        epochs: 7,
        seed: 9,
        ..DataParallelConfig::default()
    };
    let whole = run_to_end(&config);
    let again = run_to_end(&config);
    assert_eq!(whole.workers_params(), again.workers_params());
    let mut sliced = DataParallel::new(&config).unwrap();
    while !sliced.finished() {
        assert!(sliced.step(5) > 0);
    }
    assert_eq!(sliced.step(1), 0);
    assert_eq!(whole.workers_params(), sliced.workers_params());
    assert_eq!(whole.single_params(), sliced.single_params());
    assert_eq!(whole.report(), sliced.report());
    assert_eq!(whole.csv(), sliced.csv());
    let other = run_to_end(&DataParallelConfig { seed: 10, ..config });
    assert_ne!(whole.workers_params(), other.workers_params());
}

#[test]
fn the_report_and_the_csv_carry_the_figures() {
    let config = DataParallelConfig {
        epochs: 100,
        batch_size: 2,
        workers: 2,
        ..DataParallelConfig::default()
    };
    let run = run_to_end(&config);
    let report = run.report();
    assert_eq!(
        (report.workers, report.batch_size, report.global_batch),
        (2, 2, 4)
    );
    assert_eq!(report.total_steps, 100 * 128);
    assert_eq!(report.steps, report.total_steps);
    assert!(report.shared_seed && report.reduce == "mean");
    assert_eq!(report.speedup.len(), 16);
    assert_eq!(report.speedup[0].speedup, 1.0);
    let json = serde_json::to_value(&report).unwrap();
    for key in ["workers", "shared_seed", "max_abs_diff"] {
        assert!(json.get(key).is_some(), "{key}");
    }
    let samples = run.samples();
    assert!(samples.len() as u64 <= MAX_POINTS + 2);
    assert_eq!(samples.last().unwrap().step, report.steps);
    assert_eq!(samples.last().unwrap().max_abs_diff, report.max_abs_diff);
    assert!(samples.windows(2).all(|w| w[0].step < w[1].step));
    // The loss falls while training.
    assert!(report.single_loss.unwrap() < samples[0].single_loss);
    let csv = run.csv();
    assert!(csv.starts_with("step,epoch,workers_loss,single_loss,diff,max_abs_diff\n0,0,"));
    assert_eq!(csv.lines().count(), samples.len() + 1);
}

#[test]
fn a_diverging_run_stops_with_its_last_finite_weights() {
    // Sixteen summed gradients at lr 10 with momentum 0.99: an effective
    // rate of 160 that the buffer multiplies further.
    let config = DataParallelConfig {
        dataset: DatasetKind::Checkerboard,
        samples: 2000,
        noise: 1.0,
        hidden: vec![32, 32],
        workers: 16,
        batch_size: 1,
        reduce: Reduce::Sum,
        lr: 10.0,
        momentum: 0.99,
        epochs: 20,
        ..DataParallelConfig::default()
    };
    let run = run_to_end(&config);
    let report = run.report();
    let stop = report.stopped.as_ref().expect("this run overflows f32");
    assert!(
        stop.reason.ends_with("try a smaller learning rate"),
        "{stop:?}"
    );
    assert_eq!(stop.step, report.steps + 1);
    assert!(run.finished());
    assert!(run.workers_params().iter().all(|v| v.is_finite()));
    assert!(report.max_abs_diff.is_finite() && report.parameter_scale.is_finite());
    // Weights of 1e27 overflow the f32 logits over the whole set: no number, not NaN.
    assert!(report.workers_loss.is_none_or(f64::is_finite));
    assert!(report.single_loss.is_none_or(f64::is_finite));
    assert!(!run.csv().contains("NaN") && !run.csv().contains("inf"));
}

#[test]
fn the_smallest_and_largest_settings_run() {
    let configs = [
        DataParallelConfig {
            samples: 10,
            workers: 10,
            batch_size: 1,
            hidden: vec![],
            epochs: 3,
            ..DataParallelConfig::default()
        },
        DataParallelConfig {
            samples: 2000,
            workers: 16,
            batch_size: 125,
            hidden: vec![32, 32],
            epochs: 2,
            dataset: DatasetKind::Blobs,
            compute_ms: 0.0,
            allreduce_ms: 10_000.0,
            latency_ms: 10_000.0,
            ..DataParallelConfig::default()
        },
    ];
    for config in configs {
        let run = run_to_end(&config);
        let report = run.report();
        assert_eq!(report.steps, report.total_steps);
        assert!(
            report.max_abs_diff <= 1e-5 * report.parameter_scale,
            "{report:?}"
        );
        assert!(
            report
                .speedup
                .iter()
                .all(|p| p.speedup.is_finite() && p.step_ms.is_finite())
        );
    }
}
