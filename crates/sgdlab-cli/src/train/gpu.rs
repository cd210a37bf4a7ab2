//! `sgdlab train --backend gpu`: the same run on the GPU with native wgpu.
//!
//! The CPU [`Trainer`] is built first, only to produce what both backends
//! must share: the data split, the initial weights and the optimizer's
//! resolved settings. The GPU then trains with minibatches from the same
//! seeded sampler and the same per-epoch schedule, and loss and accuracy
//! are read back once per epoch, never per step.

use super::CurvePoint;
use crate::CliError;
use serde_json::Value;
use sgdlab_core::data::sampler::MinibatchSampler;
use sgdlab_core::train::{Metrics, TrainConfig, Trainer};
use sgdlab_gpu::{
    Activation, Examples, GpuContext, GpuError, GpuOptimizer, MlpSpec, MlpTrainer, Split,
    TrainerSetup,
};

/// What a GPU run produced.
pub struct GpuRun {
    pub curve: Vec<CurvePoint>,
    pub optimizer_config: Value,
    pub adapter: String,
    /// A CPU trainer holding the GPU's final weights (for `--plot`).
    pub trainer: Trainer,
    pub diverged: Option<String>,
}

fn gpu_error(error: GpuError) -> CliError {
    CliError(format!("GPU backend: {error}"))
}

pub fn train(config: &TrainConfig) -> Result<GpuRun, CliError> {
    let mut trainer = Trainer::new(config)?;
    // Everything that can be refused is checked before a device is opened.
    let optimizer_config = trainer.optimizer().config();
    let optimizer = GpuOptimizer::from_config(&config.optimizer.name, optimizer_config.clone())
        .map_err(gpu_error)?;
    let cpu_spec = trainer.spec().clone();
    let spec = MlpSpec {
        inputs: cpu_spec.inputs,
        hidden: cpu_spec.hidden.clone(),
        classes: cpu_spec.classes,
        activation: Activation::from_name(cpu_spec.activation.name()).map_err(gpu_error)?,
    };
    let context = pollster::block_on(GpuContext::request()).map_err(gpu_error)?;
    let adapter = context
        .adapter
        .as_ref()
        .map_or_else(|| "unknown adapter".into(), |a| a.name.clone());
    let train_features = trainer.train_set().features_f32();
    let test_features = trainer.test_set().features_f32();
    let has_test = !trainer.test_set().is_empty();
    let mut gpu = MlpTrainer::new(
        &context,
        TrainerSetup {
            spec,
            initial_params: trainer.params(),
            train: Examples {
                features: &train_features,
                labels: &trainer.train_set().labels,
            },
            test: has_test.then_some(Examples {
                features: &test_features,
                labels: &trainer.test_set().labels,
            }),
            optimizer,
            max_batch: config.batch_size,
        },
    )
    .map_err(gpu_error)?;
    let sampler = MinibatchSampler::with_labels(
        config.sampler_config(),
        &trainer.train_set().labels,
        config.seed,
    )?;
    // The CPU optimizer's rate already carries the schedule's factor of
    // epoch 0 (a warm-up's start): start from the schedule itself.
    let mut schedule = trainer.schedule().clone();
    gpu.set_lr(schedule.lr()).map_err(gpu_error)?;

    let measure = |gpu: &MlpTrainer| -> Result<Metrics, CliError> {
        let train = gpu
            .evaluate(Split::Train)
            .map_err(gpu_error)?
            .wait(&context)
            .map_err(gpu_error)?;
        let test = if has_test {
            Some(
                gpu.evaluate(Split::Test)
                    .map_err(gpu_error)?
                    .wait(&context)
                    .map_err(gpu_error)?,
            )
        } else {
            None
        };
        Ok(Metrics {
            train_loss: train.loss,
            test_loss: test.map(|t| t.loss),
            train_acc: train.accuracy,
            test_acc: test.map(|t| t.accuracy),
        })
    };
    let mut curve = vec![CurvePoint {
        epoch: 0,
        step: 0,
        metrics: measure(&gpu)?,
    }];
    let mut diverged = None;
    for epoch in 1..=config.epochs {
        gpu.train_epoch(&sampler, epoch as u64 - 1)
            .map_err(gpu_error)?;
        // The epoch's mean minibatch loss, accumulated on the GPU.
        let running = gpu
            .read_training_metrics()
            .wait(&context)
            .map_err(gpu_error)?;
        let metrics = measure(&gpu)?;
        let finite = [
            running.loss,
            metrics.train_loss,
            metrics.test_loss.unwrap_or(0.0),
        ]
        .iter()
        .all(|v| v.is_finite());
        if !finite {
            diverged = Some(format!(
                "diverged in epoch {epoch}: the loss is no longer a finite number"
            ));
            break;
        }
        curve.push(CurvePoint {
            epoch,
            step: gpu.steps_taken(),
            metrics,
        });
        let lr = if schedule.needs_metric() {
            schedule.step_with_metric(running.loss)
        } else {
            schedule.step()?
        };
        gpu.set_lr(lr).map_err(gpu_error)?;
    }
    let params = gpu.read_params().wait(&context).map_err(gpu_error)?;
    if params.iter().all(|p| p.is_finite()) {
        trainer.load_params(&params);
    }
    Ok(GpuRun {
        curve,
        optimizer_config,
        adapter,
        trainer,
        diverged,
    })
}
