//! GPU training throughput across network widths and batch sizes, for the
//! register-blocked matmul and the naive one in the same run.
//!
//! ```text
//! cargo run --release -p sgdlab-gpu --example throughput -- \
//!     [--kernel naive|tiled|both] [--steps N] [--peak-tflops T] [--cpu]
//! ```
//!
//! On a machine whose driver ships no Vulkan loader, put a `libvulkan.so.1`
//! on `LD_LIBRARY_PATH`; the NVIDIA ICD alone is not enough.
//!
//! Trains a 2 → w → w → 2 ReLU MLP with Adam on 10 000 spiral points for a
//! fixed number of steps at every width w ∈ {64, 256, 1024} and batch size
//! B ∈ {32, 256, 4096}, on each kernel asked for (`--kernel`, default both:
//! `naive` is one output per thread, `tiled` the register-blocked kernel with
//! the tiles this device's limits allow), and prints a markdown table:
//! steps/s, and the achieved TFLOP/s counting 2·m·n·k for every matrix
//! product of a step (forward, input gradient, weight gradient; about 25.8
//! GFLOP per step at w = 1024, B = 4096). With `--peak-tflops` (the card's
//! FP32 peak, e.g. 67 for an H100 SXM) it adds the fraction of peak; with
//! both kernels, the ratio tiled/naive; with `--cpu`, the single-threaded
//! CPU path (`sgdlab_core::train`) on the same machine for scale (slow: it
//! takes half a minute at the largest size).
//!
//! Each measurement runs warm-up steps first, then times N steps submitted
//! as one stream and ends with one metrics readback, so no step waits for
//! the CPU (as in real training). Headless: no window or surface.
//!
//! Timings mean something only on a real GPU. On a software adapter
//! (lavapipe, SwiftShader) the table is printed with a warning and is for
//! checking that the example runs, never for quoting speed.

use serde_json::json;
use sgdlab_core::SeededRng;
use sgdlab_core::data::sampler::{MinibatchSampler, SamplerConfig};
use sgdlab_core::data::{DatasetConfig, DatasetKind};
use sgdlab_gpu::{
    Activation, Examples, GpuContext, GpuOptimizer, MatmulKernel, MlpSpec, MlpTrainer, TrainerSetup,
};
use std::time::Instant;

const WIDTHS: [usize; 3] = [64, 256, 1024];
const BATCHES: [usize; 3] = [32, 256, 4096];
/// Untimed steps before each measurement (1 on a software adapter, where
/// the largest step takes minutes and the timing means nothing anyway).
const WARM_UP_STEPS: usize = 10;
const USAGE: &str =
    "usage: throughput [--kernel naive|tiled|both] [--steps N] [--peak-tflops T] [--cpu]";

/// Which kernels to time.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kernels {
    Naive,
    Tiled,
    Both,
}

/// The command line.
#[derive(Debug, PartialEq)]
struct Options {
    kernels: Kernels,
    steps: Option<usize>,
    peak_tflops: Option<f64>,
    cpu: bool,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let options = parse_options(std::env::args().skip(1))?;
    let context = pollster::block_on(GpuContext::request())?;
    let adapter = context.adapter.as_ref().map_or_else(
        || "unknown adapter".to_string(),
        |info| format!("{} ({:?}, {:?})", info.name, info.backend, info.device_type),
    );
    println!("adapter: {adapter}");
    if context.is_software() {
        println!("WARNING: software adapter; these numbers are not GPU speed.");
    }
    let tiled = MatmulKernel::for_limits(&context.device.limits())?;
    let kernels: Vec<(&str, MatmulKernel)> = match options.kernels {
        Kernels::Naive => vec![("naive", MatmulKernel::Naive)],
        Kernels::Tiled => vec![("tiled", tiled)],
        Kernels::Both => vec![("naive", MatmulKernel::Naive), ("tiled", tiled)],
    };
    for (name, kernel) in &kernels {
        println!("{name}: {}", kernel.describe());
    }
    // A software adapter needs minutes per step at the largest sizes.
    let (default_steps, warm_up) = if context.is_software() {
        (2, 1)
    } else {
        (200, WARM_UP_STEPS)
    };
    let steps = options.steps.unwrap_or(default_steps);

    let train = DatasetConfig {
        dataset: DatasetKind::Spirals,
        samples: 10_000,
        test_fraction: 0.0,
        ..DatasetConfig::default()
    }
    .generate_split()?
    .train;
    let features = train.features_f32();

    println!("\n{steps} timed steps per cell, 2 → w → w → 2 ReLU MLP, Adam, f32");
    println!("TFLOP/s counts 2·m·n·k for each matrix product of a training step\n");
    let mut header = vec!["width".to_string(), "batch".into(), "GFLOP/step".into()];
    for (name, _) in &kernels {
        header.push(format!("{name} steps/s"));
        header.push(format!("{name} TFLOP/s"));
        if options.peak_tflops.is_some() {
            header.push(format!("{name} % of peak"));
        }
    }
    if kernels.len() == 2 {
        header.push("tiled / naive".into());
    }
    if options.cpu {
        header.extend(["CPU steps/s".into(), "GPU / CPU".into()]);
    }
    println!("| {} |", header.join(" | "));
    println!("|{}", "---:|".repeat(header.len()));

    for width in WIDTHS {
        for batch in BATCHES {
            let spec = MlpSpec {
                inputs: 2,
                hidden: vec![width, width],
                classes: 2,
                activation: Activation::Relu,
            };
            let flops = step_flops(&spec, batch);
            let params = he_init(&spec);
            let sampler_config = SamplerConfig {
                batch_size: batch,
                drop_last: true,
                ..SamplerConfig::default()
            };
            let sampler = MinibatchSampler::new(sampler_config, train.len(), 0)?;
            let schedule: Vec<Vec<usize>> = (0..)
                .flat_map(|epoch| sampler.epoch_batches(epoch))
                .take(warm_up + steps)
                .collect();

            let mut row = vec![
                width.to_string(),
                batch.to_string(),
                format!("{:.4}", flops / 1e9),
            ];
            let mut rates = Vec::new();
            for (_, kernel) in &kernels {
                let mut trainer = MlpTrainer::with_kernel(
                    &context,
                    TrainerSetup {
                        spec: spec.clone(),
                        initial_params: &params,
                        train: Examples {
                            features: &features,
                            labels: &train.labels,
                        },
                        test: None,
                        optimizer: GpuOptimizer::from_config("adam", json!({"lr": 1e-3}))?,
                        max_batch: batch,
                    },
                    *kernel,
                )?;
                trainer.train_batches(&schedule[..warm_up])?;
                trainer.read_training_metrics().wait(&context)?;
                let start = Instant::now();
                trainer.train_batches(&schedule[warm_up..])?;
                let metrics = trainer.read_training_metrics().wait(&context)?;
                let seconds = start.elapsed().as_secs_f64();
                if !metrics.loss.is_finite() {
                    return Err(format!(
                        "width {width}, batch {batch}, {kernel:?}: the loss is not finite"
                    )
                    .into());
                }
                let per_second = steps as f64 / seconds;
                let tflops = per_second * flops / 1e12;
                row.push(format!("{per_second:.1}"));
                row.push(format!("{tflops:.3}"));
                if let Some(peak) = options.peak_tflops {
                    row.push(format!("{:.1}%", 100.0 * tflops / peak));
                }
                rates.push(per_second);
            }
            if let [naive, tiled] = rates[..] {
                row.push(format!("{:.2}×", tiled / naive));
            }
            if options.cpu {
                let cpu = cpu_steps_per_second(
                    width,
                    batch,
                    &features,
                    &train.labels,
                    &schedule,
                    &params,
                )?;
                let fastest = rates.iter().copied().fold(0.0, f64::max);
                row.push(format!("{cpu:.1}"));
                row.push(format!("{:.1}×", fastest / cpu));
            }
            println!("| {} |", row.join(" | "));
        }
    }
    Ok(())
}

/// Floating-point operations of the matrix products of one training step:
/// 2·m·n·k for the forward product of every layer, its weight gradient, and
/// its input gradient (every layer but the first).
fn step_flops(spec: &MlpSpec, batch: usize) -> f64 {
    spec.layers()
        .iter()
        .enumerate()
        .map(|(l, layer)| {
            let product = 2.0 * (batch * layer.fan_in * layer.fan_out) as f64;
            let products = if l == 0 { 2.0 } else { 3.0 };
            products * product
        })
        .sum()
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

/// Reads the flags; each bad value gets a message saying what is allowed.
fn parse_options(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        kernels: Kernels::Both,
        steps: None,
        peak_tflops: None,
        cpu: false,
    };
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        if flag == "--cpu" {
            options.cpu = true;
            continue;
        }
        let value = match flag.as_str() {
            "--kernel" | "--steps" | "--peak-tflops" => args
                .next()
                .ok_or_else(|| format!("{flag} needs a value; {USAGE}"))?,
            _ => return Err(format!("unknown argument `{flag}`; {USAGE}")),
        };
        match flag.as_str() {
            "--kernel" => {
                options.kernels = match value.as_str() {
                    "naive" => Kernels::Naive,
                    "tiled" => Kernels::Tiled,
                    "both" => Kernels::Both,
                    _ => {
                        return Err(format!(
                            "--kernel must be naive, tiled or both, got `{value}`"
                        ));
                    }
                }
            }
            "--steps" => {
                let steps = value
                    .parse()
                    .ok()
                    .filter(|&n: &usize| (1..=100_000).contains(&n));
                options.steps = Some(steps.ok_or_else(|| {
                    format!("--steps needs an integer from 1 to 100000, got `{value}`")
                })?);
            }
            _ => {
                let peak = value
                    .parse()
                    .ok()
                    .filter(|&t: &f64| t.is_finite() && t > 0.0);
                options.peak_tflops = Some(peak.ok_or_else(|| {
                    format!("--peak-tflops needs a positive number of TFLOP/s, got `{value}`")
                })?);
            }
        }
    }
    Ok(options)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, String> {
        parse_options(args.iter().map(|a| a.to_string()))
    }

    #[test]
    fn the_flags_parse_and_bad_values_say_what_is_allowed() {
        assert_eq!(
            parse(&[]).unwrap(),
            Options {
                kernels: Kernels::Both,
                steps: None,
                peak_tflops: None,
                cpu: false
            }
        );
        let options = parse(&["--kernel", "naive", "--peak-tflops", "67", "--steps", "50"]);
        assert_eq!(
            options.unwrap(),
            Options {
                kernels: Kernels::Naive,
                steps: Some(50),
                peak_tflops: Some(67.0),
                cpu: false
            }
        );
        assert!(parse(&["--cpu"]).unwrap().cpu);
        let message = parse(&["--kernel", "fast"]).unwrap_err();
        assert_eq!(message, "--kernel must be naive, tiled or both, got `fast`");
        assert!(
            parse(&["--steps", "0"])
                .unwrap_err()
                .contains("1 to 100000")
        );
        assert!(
            parse(&["--peak-tflops", "-3"])
                .unwrap_err()
                .contains("positive")
        );
        assert!(
            parse(&["--steps"])
                .unwrap_err()
                .starts_with("--steps needs a value")
        );
        assert!(
            parse(&["--fast"])
                .unwrap_err()
                .contains("unknown argument `--fast`")
        );
    }

    #[test]
    fn a_step_of_the_widest_network_is_about_25_8_gflop() {
        let spec = MlpSpec {
            inputs: 2,
            hidden: vec![1024, 1024],
            classes: 2,
            activation: Activation::Relu,
        };
        // 2·4096·(2·(2·1024) + 3·1024² + 3·(1024·2)).
        let expected = 2.0 * 4096.0 * (2.0 * 2048.0 + 3.0 * 1_048_576.0 + 3.0 * 2048.0);
        assert_eq!(step_flops(&spec, 4096), expected);
        assert!((step_flops(&spec, 4096) / 1e9 - 25.85).abs() < 0.01);
    }
}
