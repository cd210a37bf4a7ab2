//! The compute pipelines and the bind-group layouts they share, built once
//! per trainer from the WGSL files in `shaders/`.
//!
//! Every kernel reads the per-step uniform ([`StepUniform`]) at group 1,
//! bound with a dynamic offset: a whole epoch's steps are written into one
//! buffer, one 256-byte slot each, and encoded in one submission. Group 0
//! holds the kernel family's own buffers.

use crate::tiling::{KernelVariant, MatmulKernel, TILE_PADDING, TileConfig};
use bytemuck::{Pod, Zeroable};
use std::num::NonZeroU64;

/// `Step` in common.wgsl, field for field.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub(crate) struct StepUniform {
    pub batch_offset: u32,
    pub batch_size: u32,
    pub sequential: u32,
    pub metrics_slot: u32,
    pub flags: u32,
    pub pad: [u32; 3],
    pub scalars: [f32; 8],
}

/// `MatmulDims` in matmul_common.wgsl. A size of 0 means the step's batch size.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub(crate) struct MatmulDims {
    pub rows: u32,
    pub inner: u32,
    pub cols: u32,
    pub a_offset: u32,
    pub b_offset: u32,
    pub c_offset: u32,
    pub aux_offset: u32,
    pub pad: u32,
}

/// `LayerInfo` (bias_grad.wgsl), `GatherInfo` and `LossInfo`: one size and
/// one offset, padded to 16 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Pod, Zeroable)]
pub(crate) struct SizeAndOffset {
    pub size: u32,
    pub offset: u32,
    pub pad: [u32; 2],
}

/// The side of a matrix product that is stored transposed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transpose {
    /// C = A·B (the forward pass).
    None,
    /// C = Aᵀ·B (weight gradients Xᵀ·Δ).
    A,
    /// C = A·Bᵀ (input gradients Δ·Wᵀ).
    B,
}

/// Threads per workgroup of the one-dimensional kernels.
pub(crate) const ELEMENTWISE_GROUP: u32 = 256;
/// Threads per workgroup of the per-row and per-column kernels.
pub(crate) const ROW_GROUP: u32 = 64;

/// How a kernel sees one binding of group 0.
#[derive(Clone, Copy)]
enum Binding {
    Uniform,
    Read,
    ReadWrite,
}

fn layout(device: &wgpu::Device, label: &str, bindings: &[Binding]) -> wgpu::BindGroupLayout {
    let entries: Vec<wgpu::BindGroupLayoutEntry> = bindings
        .iter()
        .enumerate()
        .map(|(index, binding)| wgpu::BindGroupLayoutEntry {
            binding: index as u32,
            visibility: wgpu::ShaderStages::COMPUTE,
            ty: wgpu::BindingType::Buffer {
                ty: match binding {
                    Binding::Uniform => wgpu::BufferBindingType::Uniform,
                    Binding::Read => wgpu::BufferBindingType::Storage { read_only: true },
                    Binding::ReadWrite => wgpu::BufferBindingType::Storage { read_only: false },
                },
                has_dynamic_offset: false,
                min_binding_size: None,
            },
            count: None,
        })
        .collect();
    device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
        label: Some(label),
        entries: &entries,
    })
}

/// A bind group of whole buffers, in binding order.
pub(crate) fn bind_group(
    device: &wgpu::Device,
    layout: &wgpu::BindGroupLayout,
    buffers: &[&wgpu::Buffer],
) -> wgpu::BindGroup {
    let entries: Vec<wgpu::BindGroupEntry> = buffers
        .iter()
        .enumerate()
        .map(|(index, buffer)| wgpu::BindGroupEntry {
            binding: index as u32,
            resource: buffer.as_entire_binding(),
        })
        .collect();
    device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: None,
        layout,
        entries: &entries,
    })
}

/// The bind-group layouts of every kernel family.
pub(crate) struct Layouts {
    /// Group 1 of every kernel: one [`StepUniform`] at a dynamic offset.
    pub step: wgpu::BindGroupLayout,
    /// dims, A, B, C, the epilogue's operand.
    pub matmul: wgpu::BindGroupLayout,
    /// info, features, labels, indices, X batch, y batch.
    pub gather: wgpu::BindGroupLayout,
    /// layer, delta, grads.
    pub bias_grad: wgpu::BindGroupLayout,
    /// info, logits, y batch, delta, row stats, metrics.
    pub loss: wgpu::BindGroupLayout,
    /// params, grads, three state vectors.
    pub optim: wgpu::BindGroupLayout,
}

impl Layouts {
    pub fn new(device: &wgpu::Device) -> Self {
        use Binding::{Read, ReadWrite, Uniform};
        let step = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("step"),
            entries: &[wgpu::BindGroupLayoutEntry {
                binding: 0,
                visibility: wgpu::ShaderStages::COMPUTE,
                ty: wgpu::BindingType::Buffer {
                    ty: wgpu::BufferBindingType::Uniform,
                    has_dynamic_offset: true,
                    min_binding_size: NonZeroU64::new(size_of::<StepUniform>() as u64),
                },
                count: None,
            }],
        });
        Self {
            step,
            matmul: layout(device, "matmul", &[Uniform, Read, Read, ReadWrite, Read]),
            gather: layout(
                device,
                "gather",
                &[Uniform, Read, Read, Read, ReadWrite, ReadWrite],
            ),
            bias_grad: layout(device, "bias grad", &[Uniform, Read, ReadWrite]),
            loss: layout(
                device,
                "loss",
                &[Uniform, Read, Read, ReadWrite, ReadWrite, ReadWrite],
            ),
            optim: layout(
                device,
                "optim",
                &[ReadWrite, Read, ReadWrite, ReadWrite, ReadWrite],
            ),
        }
    }

    /// The step bind group over `slots`, one [`StepUniform`] wide.
    pub fn step_group(&self, device: &wgpu::Device, slots: &wgpu::Buffer) -> wgpu::BindGroup {
        device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("step"),
            layout: &self.step,
            entries: &[wgpu::BindGroupEntry {
                binding: 0,
                resource: wgpu::BindingResource::Buffer(wgpu::BufferBinding {
                    buffer: slots,
                    offset: 0,
                    size: NonZeroU64::new(size_of::<StepUniform>() as u64),
                }),
            }],
        })
    }
}

/// A WGSL module: common.wgsl (the step uniform) followed by one family.
pub(crate) fn shader(device: &wgpu::Device, label: &str, family: &str) -> wgpu::ShaderModule {
    let source = format!("{}\n{family}", include_str!("shaders/common.wgsl"));
    device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: Some(label),
        source: wgpu::ShaderSource::Wgsl(source.into()),
    })
}

pub(crate) const GATHER_WGSL: &str = include_str!("shaders/gather.wgsl");
pub(crate) const BIAS_GRAD_WGSL: &str = include_str!("shaders/bias_grad.wgsl");
pub(crate) const LOSS_WGSL: &str = include_str!("shaders/loss.wgsl");
pub(crate) const OPTIM_WGSL: &str = include_str!("shaders/optim.wgsl");

/// A compute pipeline for `entry_point` with the given group-0 layout and
/// pipeline-overridable constants.
pub(crate) fn pipeline(
    device: &wgpu::Device,
    layouts: &Layouts,
    group0: &wgpu::BindGroupLayout,
    module: &wgpu::ShaderModule,
    entry_point: &str,
    constants: &[(&str, f64)],
) -> wgpu::ComputePipeline {
    let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
        label: Some(entry_point),
        bind_group_layouts: &[Some(group0), Some(&layouts.step)],
        immediate_size: 0,
    });
    device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
        label: Some(entry_point),
        layout: Some(&pipeline_layout),
        module,
        entry_point: Some(entry_point),
        compilation_options: wgpu::PipelineCompilationOptions {
            constants,
            ..Default::default()
        },
        cache: None,
    })
}

/// What a matrix product does with each output before storing it
/// (`EPILOGUE` in matmul_common.wgsl).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Epilogue {
    /// C = op(A)·op(B).
    Plain,
    /// C = f(op(A)·op(B) + b): the forward pass, with f given by its
    /// `ACTIVATION` code (0 for the logits layer).
    BiasActivation(u32),
    /// C = op(A)·op(B) ⊙ f′(Aₗ₋₁): the input gradient of a hidden layer.
    ActivationGradient(u32),
}

/// The WGSL of one matmul kernel variant: the step uniform, the
/// activations, the shared operand code, then the kernel, with the tile's
/// constants in front of the register-blocked one.
pub(crate) fn matmul_source(variant: KernelVariant) -> String {
    const COMMON: &str = include_str!("shaders/common.wgsl");
    const ACTIVATION: &str = include_str!("shaders/activation.wgsl");
    const SHARED: &str = include_str!("shaders/matmul_common.wgsl");
    match variant {
        KernelVariant::Naive => {
            let kernel = include_str!("shaders/matmul_naive.wgsl");
            format!("{COMMON}\n{ACTIVATION}\n{SHARED}\n{kernel}")
        }
        KernelVariant::Tiled(config) => {
            let kernel = include_str!("shaders/matmul_tiled.wgsl");
            let TileConfig {
                tile_rows,
                tile_cols,
                depth,
                thread_rows,
                thread_cols,
            } = config;
            format!(
                "// The tile, from TileConfig (src/tiling.rs).\n\
                 const TILE_ROWS: u32 = {tile_rows}u;\n\
                 const TILE_COLS: u32 = {tile_cols}u;\n\
                 const TILE_DEPTH: u32 = {depth}u;\n\
                 const THREAD_ROWS: u32 = {thread_rows}u;\n\
                 const THREAD_COLS: u32 = {thread_cols}u;\n\
                 const TILE_PADDING: u32 = {TILE_PADDING}u;\n\
                 {COMMON}\n{ACTIVATION}\n{SHARED}\n{kernel}"
            )
        }
    }
}

/// The shader module of one matmul kernel variant.
pub(crate) fn matmul_module(device: &wgpu::Device, variant: KernelVariant) -> wgpu::ShaderModule {
    device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: Some("matmul"),
        source: wgpu::ShaderSource::Wgsl(matmul_source(variant).into()),
    })
}

/// A matmul pipeline from `module` (see [`matmul_module`]) for one
/// [`Transpose`] and [`Epilogue`].
pub(crate) fn matmul_pipeline(
    device: &wgpu::Device,
    layouts: &Layouts,
    module: &wgpu::ShaderModule,
    transpose: Transpose,
    epilogue: Epilogue,
) -> wgpu::ComputePipeline {
    let (a, b) = match transpose {
        Transpose::None => (0.0, 0.0),
        Transpose::A => (1.0, 0.0),
        Transpose::B => (0.0, 1.0),
    };
    let (kind, activation) = match epilogue {
        Epilogue::Plain => (0, 0),
        Epilogue::BiasActivation(code) => (1, code),
        Epilogue::ActivationGradient(code) => (2, code),
    };
    pipeline(
        device,
        layouts,
        &layouts.matmul,
        module,
        "matmul",
        &[
            ("TRANSPOSE_A", a),
            ("TRANSPOSE_B", b),
            ("EPILOGUE", f64::from(kind)),
            ("ACTIVATION", f64::from(activation)),
        ],
    )
}

/// The matmul pipelines of a training step, for one kernel variant.
pub(crate) struct StepProducts {
    /// Aₗ = f(Aₗ₋₁·Wₗ + bₗ) for the hidden layers.
    pub forward_hidden: wgpu::ComputePipeline,
    /// Z = Aₗ₋₁·W_L + b_L (no activation) for the logits.
    pub forward_logits: wgpu::ComputePipeline,
    /// ∂Wₗ = Aₗ₋₁ᵀ·Δₗ.
    pub weight_grad: wgpu::ComputePipeline,
    /// Δₗ₋₁ = (Δₗ·Wₗᵀ) ⊙ f′(Aₗ₋₁).
    pub input_grad: wgpu::ComputePipeline,
}

/// Every matmul pipeline a trainer may dispatch: one [`StepProducts`] per
/// variant its [`MatmulKernel`] uses.
pub(crate) struct MatmulPipelines {
    kernel: MatmulKernel,
    compiled: Vec<(KernelVariant, StepProducts)>,
}

impl MatmulPipelines {
    /// Compiles the products for `kernel` with the hidden activation `activation`.
    pub fn new(
        device: &wgpu::Device,
        layouts: &Layouts,
        kernel: MatmulKernel,
        activation: u32,
    ) -> Self {
        let compiled = kernel
            .variants()
            .into_iter()
            .map(|variant| {
                let module = matmul_module(device, variant);
                let build = |transpose, epilogue| {
                    matmul_pipeline(device, layouts, &module, transpose, epilogue)
                };
                let products = StepProducts {
                    forward_hidden: build(Transpose::None, Epilogue::BiasActivation(activation)),
                    forward_logits: build(Transpose::None, Epilogue::BiasActivation(0)),
                    weight_grad: build(Transpose::A, Epilogue::Plain),
                    input_grad: build(Transpose::B, Epilogue::ActivationGradient(activation)),
                };
                (variant, products)
            })
            .collect();
        Self { kernel, compiled }
    }

    /// The kernel these pipelines implement.
    pub fn kernel(&self) -> &MatmulKernel {
        &self.kernel
    }

    /// The pipelines for a rows×cols product, and its workgroup counts.
    pub fn for_product(&self, rows: usize, cols: usize) -> (&StepProducts, (u32, u32)) {
        let variant = self.kernel.variant_for(rows, cols);
        let (_, products) = self
            .compiled
            .iter()
            .find(|(compiled, _)| *compiled == variant)
            .expect("variant_for only returns variants that variants() lists");
        (products, variant.workgroups(rows, cols))
    }
}

/// Workgroups needed to cover `n` items, `per_group` at a time.
pub(crate) fn groups(n: usize, per_group: u32) -> u32 {
    (n as u32).div_ceil(per_group)
}

/// A 256-byte-aligned buffer of `capacity` step slots, and its stride.
pub(crate) fn step_slots(device: &wgpu::Device, capacity: usize) -> (wgpu::Buffer, u64) {
    let align = u64::from(device.limits().min_uniform_buffer_offset_alignment);
    let stride = (size_of::<StepUniform>() as u64).div_ceil(align) * align;
    let buffer = device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("step slots"),
        size: stride * capacity as u64,
        usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    });
    (buffer, stride)
}

/// The slots as bytes, each [`StepUniform`] at its stride.
pub(crate) fn slot_bytes(steps: &[StepUniform], stride: u64) -> Vec<u8> {
    let mut bytes = vec![0u8; steps.len() * stride as usize];
    for (slot, step) in bytes.chunks_exact_mut(stride as usize).zip(steps) {
        slot[..size_of::<StepUniform>()].copy_from_slice(bytemuck::bytes_of(step));
    }
    bytes
}
