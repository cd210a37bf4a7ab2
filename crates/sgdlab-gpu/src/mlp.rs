//! Minibatch training of an MLP where the whole step stays on the GPU.
//!
//! One training step is a fixed sequence of compute dispatches, all reading
//! the step's slot of the step uniform (batch offset and size, optimizer
//! scalars):
//!
//! ```text
//! gather        X, y ← rows idx(batch) of the training set
//! forward       Aₗ ← f(Aₗ₋₁·Wₗ + bₗ)   (one matmul, bias and f in its epilogue)   l = 1 … L
//! loss          Δ_L ← (softmax(Z) − onehot(y))/B;  per-row loss, correct
//! metrics       accumulator += Σ loss, Σ correct, B                 (no readback)
//! backward      ∂bₗ = Σᵢ Δₗ[i,:];  ∂Wₗ = Aₗ₋₁ᵀ·Δₗ;                  l = L … 1
//!               Δₗ₋₁ = (Δₗ·Wₗᵀ) ⊙ f′(Aₗ₋₁)   (one matmul, f′ in its epilogue)
//! update        θ ← optimizer(θ, ∂θ, state)   (one dispatch over every layer's W and b)
//! ```
//!
//! That is 4L + 3 dispatches for L layers: 15 for two hidden layers, where
//! a separate bias-and-activation pass and activation-gradient pass made 20.
//! The matrix products run on the [`MatmulKernel`] the trainer was given,
//! by default a plan for the device's limits ([`MatmulKernel::for_limits`]):
//! the register-blocked kernel with a large or a fallback tile, or for
//! products too small to fill the GPU with blocks, one output per thread.
//!
//! The epoch's example indices (from `sgdlab_core`'s seeded
//! [`MinibatchSampler`], the same one the CPU trainer uses) and every step's
//! slot are uploaded once per epoch, and the epoch's steps go out in one
//! submission (in chunks of [`STEPS_PER_SUBMISSION`]). Loss and accuracy
//! accumulate on the GPU until [`MlpTrainer::read_training_metrics`] copies
//! them out, asynchronously, as a [`Pending`].

use crate::buffers::{storage, storage_from, uniform};
use crate::kernels::{
    BIAS_GRAD_WGSL, ELEMENTWISE_GROUP, GATHER_WGSL, LOSS_WGSL, Layouts, MatmulDims,
    MatmulPipelines, OPTIM_WGSL, ROW_GROUP, SizeAndOffset, StepUniform, bind_group, groups,
    pipeline, shader, slot_bytes, step_slots,
};
use crate::readback::{Metrics, Pending, decode_f32s, staging_buffer};
use crate::spec::{DenseLayer, MlpSpec};
use crate::{GpuContext, GpuError, GpuOptimizer, MatmulKernel};
use sgdlab_core::data::sampler::MinibatchSampler;
use wgpu::BufferUsages as Usage;

/// Steps encoded into one command buffer (and slots in the step buffer).
pub const STEPS_PER_SUBMISSION: usize = 256;

/// Bytes of one metrics accumulator (`Accumulator` in loss.wgsl).
const ACCUMULATOR_BYTES: u64 = 16;
/// Which accumulator a step adds to.
const TRAINING_METRICS: u32 = 0;
const EVALUATION_METRICS: u32 = 1;

/// Labelled examples: `features` row-major n×inputs, one label per row.
#[derive(Clone, Copy, Debug)]
pub struct Examples<'a> {
    pub features: &'a [f32],
    pub labels: &'a [usize],
}

/// Which examples to evaluate on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    Train,
    Test,
}

/// Everything a trainer starts from.
#[derive(Clone, Debug)]
pub struct TrainerSetup<'a> {
    pub spec: MlpSpec,
    /// The flat initial parameters (from the CPU side, so both backends
    /// start from the same weights).
    pub initial_params: &'a [f32],
    pub train: Examples<'a>,
    pub test: Option<Examples<'a>>,
    pub optimizer: GpuOptimizer,
    /// The largest minibatch that will be asked for; buffers are sized by it.
    pub max_batch: usize,
}

/// One dataset on the GPU, with the bind group that gathers from it.
struct DeviceExamples {
    len: usize,
    indices: wgpu::Buffer,
    index_capacity: usize,
    gather_group: wgpu::BindGroup,
}

/// The bind groups of one dense layer.
struct LayerGroups {
    /// Aₗ ← f(Aₗ₋₁·Wₗ + bₗ).
    forward: wgpu::BindGroup,
    /// ∂Wₗ ← Aₗ₋₁ᵀ·Δₗ.
    weight_grad: wgpu::BindGroup,
    /// Δₗ₋₁ ← (Δₗ·Wₗᵀ) ⊙ f′(Aₗ₋₁) (none for the first layer).
    input_grad: Option<wgpu::BindGroup>,
    /// ∂bₗ ← Σᵢ Δₗ[i,:].
    bias_grad: wgpu::BindGroup,
}

struct Pipelines {
    gather: wgpu::ComputePipeline,
    matmuls: MatmulPipelines,
    bias_grad: wgpu::ComputePipeline,
    softmax_cross_entropy: wgpu::ComputePipeline,
    reduce_metrics: wgpu::ComputePipeline,
    optimizer: wgpu::ComputePipeline,
}

/// Trains one MLP on the GPU. See the module docs for what a step does.
pub struct MlpTrainer {
    context: GpuContext,
    spec: MlpSpec,
    layers: Vec<DenseLayer>,
    optimizer: GpuOptimizer,
    steps_taken: u64,
    max_batch: usize,
    params: wgpu::Buffer,
    metrics: wgpu::Buffer,
    slots: wgpu::Buffer,
    slot_stride: u64,
    step_group: wgpu::BindGroup,
    train: DeviceExamples,
    test: Option<DeviceExamples>,
    pipelines: Pipelines,
    layer_groups: Vec<LayerGroups>,
    loss_group: wgpu::BindGroup,
    optimizer_group: wgpu::BindGroup,
}

fn check_examples(spec: &MlpSpec, examples: &Examples<'_>, what: &str) -> Result<(), GpuError> {
    let n = examples.labels.len();
    if n == 0 {
        return Err(GpuError::InvalidData(format!(
            "the {what} set has no examples"
        )));
    }
    if examples.features.len() != n * spec.inputs {
        return Err(GpuError::InvalidData(format!(
            "the {what} set has {n} labels, so it needs {} feature values ({} per example), got {}",
            n * spec.inputs,
            spec.inputs,
            examples.features.len()
        )));
    }
    if let Some(bad) = examples.labels.iter().find(|&&y| y >= spec.classes) {
        return Err(GpuError::InvalidData(format!(
            "label {bad} in the {what} set is not a class; allowed: 0 to {}",
            spec.classes - 1
        )));
    }
    Ok(())
}

impl MlpTrainer {
    /// Uploads the data and parameters and builds every pipeline, with the
    /// matrix products planned for the device's limits
    /// ([`MatmulKernel::for_limits`]).
    pub fn new(context: &GpuContext, setup: TrainerSetup<'_>) -> Result<Self, GpuError> {
        let kernel = MatmulKernel::for_limits(&context.device.limits())?;
        Self::with_kernel(context, setup, kernel)
    }

    /// As [`MlpTrainer::new`], with the matrix products on `kernel` (to
    /// time the naive kernel, or force one tile in tests).
    pub fn with_kernel(
        context: &GpuContext,
        setup: TrainerSetup<'_>,
        kernel: MatmulKernel,
    ) -> Result<Self, GpuError> {
        if let Some(why) = kernel.misfit(&context.device.limits()) {
            return Err(GpuError::Limits(why));
        }
        let TrainerSetup {
            spec,
            initial_params,
            train,
            test,
            optimizer,
            max_batch,
        } = setup;
        spec.validate()?;
        let layers = spec.layers();
        let param_count = spec.param_count();
        if initial_params.len() != param_count {
            return Err(GpuError::InvalidData(format!(
                "the network has {param_count} parameters, got {} initial values",
                initial_params.len()
            )));
        }
        // One thread per parameter, in one row of workgroups.
        let most_params = 65_535 * ELEMENTWISE_GROUP as usize;
        if param_count > most_params {
            return Err(GpuError::InvalidSpec(format!(
                "the network has {param_count} parameters; the GPU trainer allows at most {most_params}"
            )));
        }
        check_examples(&spec, &train, "training")?;
        if let Some(test) = &test {
            check_examples(&spec, test, "test")?;
        }
        if !(1..=train.labels.len()).contains(&max_batch) {
            return Err(GpuError::InvalidBatch(format!(
                "max_batch = {max_batch} is out of range; allowed: 1 to {} (the training examples)",
                train.labels.len()
            )));
        }

        let device = &context.device;
        let layouts = Layouts::new(device);
        let f32_bytes = size_of::<f32>();

        let params = storage_from(device, "params", initial_params, Usage::COPY_SRC);
        let grads = storage(device, "grads", param_count * f32_bytes, Usage::empty());
        let initial_state = vec![optimizer.initial_state(); param_count];
        let state: Vec<wgpu::Buffer> = (0..3)
            .map(|_| storage_from(device, "optimizer state", &initial_state, Usage::empty()))
            .collect();
        let metrics = storage(
            device,
            "metrics",
            2 * ACCUMULATOR_BYTES as usize,
            Usage::COPY_SRC | Usage::COPY_DST,
        );
        let (slots, slot_stride) = step_slots(device, STEPS_PER_SUBMISSION);
        let step_group = layouts.step_group(device, &slots);

        // Per-step activations: the gathered batch, then Aₗ and Δₗ per layer.
        let x_batch = storage(
            device,
            "X batch",
            max_batch * spec.inputs * f32_bytes,
            Usage::empty(),
        );
        let y_batch = storage(device, "y batch", max_batch * 4, Usage::empty());
        let row_stats = storage(device, "row stats", max_batch * 8, Usage::empty());
        let activations: Vec<wgpu::Buffer> = layers
            .iter()
            .map(|l| {
                storage(
                    device,
                    "A",
                    max_batch * l.fan_out * f32_bytes,
                    Usage::empty(),
                )
            })
            .collect();
        let deltas: Vec<wgpu::Buffer> = layers
            .iter()
            .map(|l| {
                storage(
                    device,
                    "Δ",
                    max_batch * l.fan_out * f32_bytes,
                    Usage::empty(),
                )
            })
            .collect();

        let gather_info = uniform(
            device,
            "gather info",
            &SizeAndOffset {
                size: spec.inputs as u32,
                ..SizeAndOffset::default()
            },
        );
        let upload = |examples: &Examples<'_>, index_capacity: usize| {
            let labels: Vec<u32> = examples.labels.iter().map(|&y| y as u32).collect();
            let features = storage_from(device, "features", examples.features, Usage::empty());
            let labels = storage_from(device, "labels", &labels, Usage::empty());
            let indices = storage(device, "indices", index_capacity * 4, Usage::COPY_DST);
            let gather_group = bind_group(
                device,
                &layouts.gather,
                &[
                    &gather_info,
                    &features,
                    &labels,
                    &indices,
                    &x_batch,
                    &y_batch,
                ],
            );
            DeviceExamples {
                len: examples.labels.len(),
                indices,
                index_capacity,
                gather_group,
            }
        };
        let train = upload(&train, train.labels.len());
        // The test set is only ever read in order, so it needs no indices.
        let test = test.map(|test| upload(&test, 0));

        let layer_groups = layers
            .iter()
            .enumerate()
            .map(|(l, layer)| {
                let input = if l == 0 {
                    &x_batch
                } else {
                    &activations[l - 1]
                };
                let (fan_in, fan_out) = (layer.fan_in as u32, layer.fan_out as u32);
                let weights = layer.weights.start as u32;
                let dims = |dims: MatmulDims| uniform(device, "matmul dims", &dims);
                let forward = dims(MatmulDims {
                    rows: 0,
                    inner: fan_in,
                    cols: fan_out,
                    b_offset: weights,
                    // The epilogue adds bₗ, which follows Wₗ in the parameters.
                    aux_offset: layer.bias.start as u32,
                    ..MatmulDims::default()
                });
                let weight_grad = dims(MatmulDims {
                    rows: fan_in,
                    inner: 0,
                    cols: fan_out,
                    c_offset: weights,
                    ..MatmulDims::default()
                });
                let info = uniform(
                    device,
                    "layer info",
                    &SizeAndOffset {
                        size: fan_out,
                        offset: layer.bias.start as u32,
                        ..SizeAndOffset::default()
                    },
                );
                LayerGroups {
                    forward: bind_group(
                        device,
                        &layouts.matmul,
                        &[&forward, input, &params, &activations[l], &params],
                    ),
                    // The plain epilogue reads nothing; Δₗ stands in for its operand.
                    weight_grad: bind_group(
                        device,
                        &layouts.matmul,
                        &[&weight_grad, input, &deltas[l], &grads, &deltas[l]],
                    ),
                    input_grad: (l > 0).then(|| {
                        let input_grad = dims(MatmulDims {
                            rows: 0,
                            inner: fan_out,
                            cols: fan_in,
                            b_offset: weights,
                            ..MatmulDims::default()
                        });
                        // The epilogue multiplies by f′(Aₗ₋₁).
                        bind_group(
                            device,
                            &layouts.matmul,
                            &[
                                &input_grad,
                                &deltas[l],
                                &params,
                                &deltas[l - 1],
                                &activations[l - 1],
                            ],
                        )
                    }),
                    bias_grad: bind_group(device, &layouts.bias_grad, &[&info, &deltas[l], &grads]),
                }
            })
            .collect();

        let loss_info = uniform(
            device,
            "loss info",
            &SizeAndOffset {
                size: spec.classes as u32,
                ..SizeAndOffset::default()
            },
        );
        let last = layers.len() - 1;
        let loss_group = bind_group(
            device,
            &layouts.loss,
            &[
                &loss_info,
                &activations[last],
                &y_batch,
                &deltas[last],
                &row_stats,
                &metrics,
            ],
        );
        let optimizer_group = bind_group(
            device,
            &layouts.optim,
            &[&params, &grads, &state[0], &state[1], &state[2]],
        );

        let bias_grad = shader(device, "bias grad", BIAS_GRAD_WGSL);
        let gather = shader(device, "gather", GATHER_WGSL);
        let loss = shader(device, "loss", LOSS_WGSL);
        let optim = shader(device, "optim", OPTIM_WGSL);
        let pipelines = Pipelines {
            gather: pipeline(device, &layouts, &layouts.gather, &gather, "gather", &[]),
            matmuls: MatmulPipelines::new(device, &layouts, kernel, spec.activation.shader_code()),
            bias_grad: pipeline(
                device,
                &layouts,
                &layouts.bias_grad,
                &bias_grad,
                "bias_grad",
                &[],
            ),
            softmax_cross_entropy: pipeline(
                device,
                &layouts,
                &layouts.loss,
                &loss,
                "softmax_cross_entropy",
                &[],
            ),
            reduce_metrics: pipeline(
                device,
                &layouts,
                &layouts.loss,
                &loss,
                "reduce_metrics",
                &[],
            ),
            optimizer: pipeline(
                device,
                &layouts,
                &layouts.optim,
                &optim,
                optimizer.entry_point(),
                &[],
            ),
        };

        Ok(Self {
            context: context.clone(),
            spec,
            layers,
            optimizer,
            steps_taken: 0,
            max_batch,
            params,
            metrics,
            slots,
            slot_stride,
            step_group,
            train,
            test,
            pipelines,
            layer_groups,
            loss_group,
            optimizer_group,
        })
    }

    /// The network being trained.
    pub fn spec(&self) -> &MlpSpec {
        &self.spec
    }

    /// Optimizer steps taken so far.
    pub fn steps_taken(&self) -> u64 {
        self.steps_taken
    }

    /// The kernel the matrix products run on.
    pub fn matmul_kernel(&self) -> &MatmulKernel {
        self.pipelines.matmuls.kernel()
    }

    /// The optimizer and its current hyperparameters.
    pub fn optimizer(&self) -> &GpuOptimizer {
        &self.optimizer
    }

    /// Sets the learning rate from the next step on (for schedules); the
    /// optimizer state is kept.
    pub fn set_lr(&mut self, lr: f64) -> Result<(), GpuError> {
        if !(lr >= 0.0 && lr.is_finite()) {
            return Err(GpuError::Optimizer(
                sgdlab_core::optim::OptimError::Invalid(format!("Invalid learning rate: {lr}")),
            ));
        }
        self.optimizer.set_lr(lr);
        Ok(())
    }

    /// One optimizer step on the training examples at `batch`.
    pub fn step(&mut self, batch: &[usize]) -> Result<(), GpuError> {
        self.train_batches(&[batch])
    }

    /// One epoch, in the order the seeded `sampler` gives for `epoch` (the
    /// same batches the CPU trainer sees for that epoch).
    pub fn train_epoch(&mut self, sampler: &MinibatchSampler, epoch: u64) -> Result<(), GpuError> {
        self.train_batches(&sampler.epoch_batches(epoch))
    }

    /// One optimizer step per batch, in order. The batches are checked
    /// first, so a bad one leaves the trainer untouched.
    pub fn train_batches<B: AsRef<[usize]>>(&mut self, batches: &[B]) -> Result<(), GpuError> {
        for batch in batches {
            self.check_batch(batch.as_ref())?;
        }
        // Upload as many batches' indices as fit, run them, repeat.
        let mut rest = batches;
        while !rest.is_empty() {
            let mut indices: Vec<u32> = Vec::new();
            let mut steps: Vec<StepUniform> = Vec::new();
            let mut taken = 0;
            for batch in rest {
                let batch = batch.as_ref();
                if indices.len() + batch.len() > self.train.index_capacity {
                    break;
                }
                self.steps_taken += 1;
                let scalars = self.optimizer.step_scalars(self.steps_taken);
                steps.push(StepUniform {
                    batch_offset: indices.len() as u32,
                    batch_size: batch.len() as u32,
                    sequential: 0,
                    metrics_slot: TRAINING_METRICS,
                    flags: scalars.flags,
                    scalars: scalars.scalars,
                    ..StepUniform::default()
                });
                indices.extend(batch.iter().map(|&i| i as u32));
                taken += 1;
            }
            self.context
                .queue
                .write_buffer(&self.train.indices, 0, bytemuck::cast_slice(&indices));
            self.submit_steps(&steps, &self.train, true);
            rest = &rest[taken..];
        }
        Ok(())
    }

    fn check_batch(&self, batch: &[usize]) -> Result<(), GpuError> {
        if batch.is_empty() || batch.len() > self.max_batch {
            return Err(GpuError::InvalidBatch(format!(
                "a batch of {} examples is out of range; allowed: 1 to {} (max_batch)",
                batch.len(),
                self.max_batch
            )));
        }
        if let Some(bad) = batch.iter().find(|&&i| i >= self.train.len) {
            return Err(GpuError::InvalidBatch(format!(
                "example {bad} does not exist; the training set has {} examples",
                self.train.len
            )));
        }
        Ok(())
    }

    /// Starts reading the training loss and accuracy accumulated since the
    /// last call (averaged over every example of every step), and resets
    /// the accumulator. Call it every few steps, never every step.
    pub fn read_training_metrics(&self) -> Pending<Metrics> {
        self.read_accumulator(TRAINING_METRICS)
    }

    /// Starts a full pass over the `split` (forward only, in order, in
    /// chunks of max_batch) and returns the readback of its mean loss and
    /// accuracy at the current parameters.
    pub fn evaluate(&self, split: Split) -> Result<Pending<Metrics>, GpuError> {
        let examples = match split {
            Split::Train => &self.train,
            Split::Test => self.test.as_ref().ok_or(GpuError::NoTestSet)?,
        };
        let offset = u64::from(EVALUATION_METRICS) * ACCUMULATOR_BYTES;
        let mut encoder = self
            .context
            .device
            .create_command_encoder(&Default::default());
        encoder.clear_buffer(&self.metrics, offset, Some(ACCUMULATOR_BYTES));
        self.context.queue.submit([encoder.finish()]);
        let steps: Vec<StepUniform> = (0..examples.len)
            .step_by(self.max_batch)
            .map(|start| StepUniform {
                batch_offset: start as u32,
                batch_size: self.max_batch.min(examples.len - start) as u32,
                sequential: 1,
                metrics_slot: EVALUATION_METRICS,
                ..StepUniform::default()
            })
            .collect();
        self.submit_steps(&steps, examples, false);
        Ok(self.read_accumulator(EVALUATION_METRICS))
    }

    /// Starts reading the current flat parameter vector.
    pub fn read_params(&self) -> Pending<Vec<f32>> {
        let bytes = self.params.size();
        let staging = staging_buffer(&self.context.device, bytes);
        let mut encoder = self
            .context
            .device
            .create_command_encoder(&Default::default());
        encoder.copy_buffer_to_buffer(&self.params, 0, &staging, 0, bytes);
        self.context.queue.submit([encoder.finish()]);
        Pending::map(staging, decode_f32s)
    }

    fn read_accumulator(&self, slot: u32) -> Pending<Metrics> {
        let offset = u64::from(slot) * ACCUMULATOR_BYTES;
        let staging = staging_buffer(&self.context.device, ACCUMULATOR_BYTES);
        let mut encoder = self
            .context
            .device
            .create_command_encoder(&Default::default());
        encoder.copy_buffer_to_buffer(&self.metrics, offset, &staging, 0, ACCUMULATOR_BYTES);
        encoder.clear_buffer(&self.metrics, offset, Some(ACCUMULATOR_BYTES));
        self.context.queue.submit([encoder.finish()]);
        Pending::map(staging, Metrics::from_accumulator)
    }

    /// Writes the step slots and encodes the steps, [`STEPS_PER_SUBMISSION`]
    /// per command buffer. Queue writes and submissions run in order, so
    /// reusing the slots for the next chunk is safe.
    fn submit_steps(&self, steps: &[StepUniform], examples: &DeviceExamples, train: bool) {
        for chunk in steps.chunks(STEPS_PER_SUBMISSION) {
            self.context
                .queue
                .write_buffer(&self.slots, 0, &slot_bytes(chunk, self.slot_stride));
            let mut encoder = self
                .context
                .device
                .create_command_encoder(&Default::default());
            {
                let mut pass = encoder.begin_compute_pass(&Default::default());
                for (k, step) in chunk.iter().enumerate() {
                    let slot = (k as u64 * self.slot_stride) as u32;
                    self.encode_step(&mut pass, slot, step.batch_size as usize, examples, train);
                }
            }
            self.context.queue.submit([encoder.finish()]);
        }
    }

    /// The dispatches of one step: forward, loss and metrics, and with
    /// `train` also backward and the update.
    fn encode_step(
        &self,
        pass: &mut wgpu::ComputePass<'_>,
        slot: u32,
        batch: usize,
        examples: &DeviceExamples,
        train: bool,
    ) {
        let p = &self.pipelines;
        let mut dispatch =
            |pipeline: &wgpu::ComputePipeline, group: &wgpu::BindGroup, (x, y): (u32, u32)| {
                pass.set_pipeline(pipeline);
                pass.set_bind_group(0, group, &[]);
                pass.set_bind_group(1, &self.step_group, &[slot]);
                pass.dispatch_workgroups(x, y, 1);
            };
        let matmuls = &p.matmuls;
        let last = self.layers.len() - 1;

        dispatch(
            &p.gather,
            &examples.gather_group,
            (groups(batch, ROW_GROUP), 1),
        );
        for (l, (layer, g)) in self.layers.iter().zip(&self.layer_groups).enumerate() {
            let (products, workgroups) = matmuls.for_product(batch, layer.fan_out);
            let forward = if l == last {
                &products.forward_logits
            } else {
                &products.forward_hidden
            };
            dispatch(forward, &g.forward, workgroups);
        }
        dispatch(
            &p.softmax_cross_entropy,
            &self.loss_group,
            (groups(batch, ROW_GROUP), 1),
        );
        dispatch(&p.reduce_metrics, &self.loss_group, (1, 1));
        if !train {
            return;
        }
        for l in (0..=last).rev() {
            let (layer, g) = (&self.layers[l], &self.layer_groups[l]);
            dispatch(
                &p.bias_grad,
                &g.bias_grad,
                (groups(layer.fan_out, ROW_GROUP), 1),
            );
            let (products, workgroups) = matmuls.for_product(layer.fan_in, layer.fan_out);
            dispatch(&products.weight_grad, &g.weight_grad, workgroups);
            if let Some(input_grad) = &g.input_grad {
                let (products, workgroups) = matmuls.for_product(batch, layer.fan_in);
                dispatch(&products.input_grad, input_grad, workgroups);
            }
        }
        let params = self.layers[last].bias.end;
        dispatch(
            &p.optimizer,
            &self.optimizer_group,
            (groups(params, ELEMENTWISE_GROUP), 1),
        );
    }
}
