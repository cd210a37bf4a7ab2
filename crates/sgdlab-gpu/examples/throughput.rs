//! GPU training throughput across network widths and batch sizes.
//!
//! ```text
//! cargo run --release -p sgdlab-gpu --example throughput [-- --steps N]
//! ```
//!
//! On a machine whose driver ships no Vulkan loader, put a `libvulkan.so.1`
//! on `LD_LIBRARY_PATH`; the NVIDIA ICD alone is not enough.
//!
//! Trains a 2 → w → w → 2 ReLU MLP with Adam on 10 000 spiral points for a
//! fixed number of steps at every width w ∈ {64, 256, 1024} and batch size
//! B ∈ {32, 256, 4096}, and prints steps/s and examples/s as a markdown
//! table. Each measurement runs warm-up steps first, then times N steps
//! submitted as one stream and ends with one metrics readback, so no step
//! waits for the CPU (as in real training). Headless: no window or surface.
//!
//! Beside each GPU figure it times the CPU path (`sgdlab_core::train`'s
//! hand-written f32 passes and the same Adam, one thread) on the same
//! machine, so the table shows where the GPU starts to win.
//!
//! Timings mean something only on a real GPU. On a software adapter
//! (lavapipe, SwiftShader) the table is printed with a warning and is for
//! checking that the example runs, never for quoting speed.

use serde_json::json;
use sgdlab_core::SeededRng;
use sgdlab_core::data::sampler::{MinibatchSampler, SamplerConfig};
use sgdlab_core::data::{DatasetConfig, DatasetKind};
use sgdlab_gpu::{
    Activation, Examples, GpuContext, GpuOptimizer, MlpSpec, MlpTrainer, TrainerSetup,
};
use std::time::Instant;

const WIDTHS: [usize; 3] = [64, 256, 1024];
const BATCHES: [usize; 3] = [32, 256, 4096];
const WARM_UP_STEPS: usize = 10;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let requested_steps = parse_steps()?;
    let context = pollster::block_on(GpuContext::request())?;
    let adapter = context.adapter.as_ref().map_or_else(
        || "unknown adapter".to_string(),
        |info| format!("{} ({:?}, {:?})", info.name, info.backend, info.device_type),
    );
    println!("adapter: {adapter}");
    if context.is_software() {
        println!("WARNING: software adapter; these numbers are not GPU speed.");
    }
    // A software adapter needs minutes per step at the largest sizes.
    let default_steps = if context.is_software() { 2 } else { 200 };
    let steps = requested_steps.unwrap_or(default_steps);

    let train = DatasetConfig {
        dataset: DatasetKind::Spirals,
        samples: 10_000,
        test_fraction: 0.0,
        ..DatasetConfig::default()
    }
    .generate_split()?
    .train;
    let features = train.features_f32();

    println!("\n{steps} timed steps per cell, 2 → w → w → 2 ReLU MLP, Adam, f32\n");
    println!(
        "| width | batch | GPU steps/s | GPU ms/step | CPU steps/s | CPU ms/step | GPU / CPU |"
    );
    println!(
        "|------:|------:|------------:|------------:|------------:|------------:|----------:|"
    );
    for width in WIDTHS {
        for batch in BATCHES {
            let spec = MlpSpec {
                inputs: 2,
                hidden: vec![width, width],
                classes: 2,
                activation: Activation::Relu,
            };
            let params = he_init(&spec);
            let mut trainer = MlpTrainer::new(
                &context,
                TrainerSetup {
                    spec,
                    initial_params: &params,
                    train: Examples {
                        features: &features,
                        labels: &train.labels,
                    },
                    test: None,
                    optimizer: GpuOptimizer::from_config("adam", json!({"lr": 1e-3}))?,
                    max_batch: batch,
                },
            )?;
            let sampler_config = SamplerConfig {
                batch_size: batch,
                drop_last: true,
                ..SamplerConfig::default()
            };
            let sampler = MinibatchSampler::new(sampler_config, train.len(), 0)?;
            let schedule: Vec<Vec<usize>> = (0..)
                .flat_map(|epoch| sampler.epoch_batches(epoch))
                .take(WARM_UP_STEPS + steps)
                .collect();

            trainer.train_batches(&schedule[..WARM_UP_STEPS])?;
            trainer.read_training_metrics().wait(&context)?;
            let start = Instant::now();
            trainer.train_batches(&schedule[WARM_UP_STEPS..])?;
            let metrics = trainer.read_training_metrics().wait(&context)?;
            let seconds = start.elapsed().as_secs_f64();
            if !metrics.loss.is_finite() {
                return Err(format!("width {width}, batch {batch}: the loss is not finite").into());
            }
            let per_second = steps as f64 / seconds;
            let cpu_per_second =
                cpu_steps_per_second(width, batch, &features, &train.labels, &schedule, &params)?;
            println!(
                "| {width} | {batch} | {per_second:.1} | {:.3} | {cpu_per_second:.1} | {:.3} | {:.2}× |",
                1e3 / per_second,
                1e3 / cpu_per_second,
                per_second / cpu_per_second
            );
        }
    }
    Ok(())
}

/// Steps per second of the CPU path on the same network, batches and initial
/// weights: forward, backward and Adam, timed for at least half a second.
fn cpu_steps_per_second(
    width: usize,
    batch: usize,
    features: &[f32],
    labels: &[usize],
    schedule: &[Vec<usize>],
    initial_params: &[f32],
) -> Result<f64, Box<dyn std::error::Error>> {
    use sgdlab_core::optim::StepInput;
    use sgdlab_core::train::{Activation as CpuActivation, MlpSpec as CpuSpec, Workspace};
    let spec = CpuSpec {
        inputs: 2,
        hidden: vec![width, width],
        classes: 2,
        activation: CpuActivation::Relu,
    };
    let mut workspace = Workspace::new(&spec, batch);
    let mut params = initial_params.to_vec();
    let mut grad = vec![0.0_f32; params.len()];
    let mut optimizer = sgdlab_core::optim::registry::build::<f32>("adam", json!({"lr": 1e-3}))?;
    let layers = spec.layers();
    let mut batch_labels = Vec::with_capacity(batch);
    let mut run = |indices: &[usize]| -> Result<(), Box<dyn std::error::Error>> {
        workspace.gather_inputs(features, indices);
        batch_labels.clear();
        batch_labels.extend(indices.iter().map(|&i| labels[i]));
        workspace.loss_and_gradient(&params, &batch_labels, &mut grad);
        let input = StepInput::gradient(&grad).with_layers(&layers);
        optimizer.step(&mut params, &input)?;
        Ok(())
    };
    run(&schedule[0])?;
    let start = Instant::now();
    let mut taken = 0;
    while taken < 5 || start.elapsed().as_secs_f64() < 0.5 {
        run(&schedule[taken % schedule.len()])?;
        taken += 1;
    }
    Ok(taken as f64 / start.elapsed().as_secs_f64())
}

/// `--steps N`, if given (default 200 on a GPU, 2 on a software adapter).
fn parse_steps() -> Result<Option<usize>, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => Ok(None),
        [flag, n] if flag == "--steps" => n
            .parse()
            .ok()
            .filter(|&n| n > 0)
            .map(Some)
            .ok_or_else(|| format!("--steps needs a positive integer, got `{n}`")),
        _ => Err("usage: throughput [--steps N]".into()),
    }
}

/// N(0, 2/fan_in) weights and zero biases.
fn he_init(spec: &MlpSpec) -> Vec<f32> {
    let mut rng = SeededRng::derive(0, "init");
    let mut params = vec![0.0_f32; spec.param_count()];
    for layer in spec.layers() {
        let scale = (2.0 / layer.fan_in as f64).sqrt();
        for w in &mut params[layer.weights] {
            *w = (scale * rng.normal()) as f32;
        }
    }
    params
}
