//! sgdlab-gpu: minibatch training of sgdlab's MLP in WGSL compute kernels,
//! natively on Vulkan (Mesa's lavapipe in CI) and in the browser on WebGPU.
//!
//! The layout follows the wgpu examples:
//! - [`context`]: getting a device, separate from the work, so tests and the
//!   page can pass their own in;
//! - [`mlp`]: the trainer (buffers, pipelines, [`MlpTrainer::step`],
//!   [`MlpTrainer::train_epoch`]); the whole step stays on the GPU;
//! - [`tiling`]: which matrix-product kernel and tile run, chosen from the
//!   device's limits (a pure function, unit-tested without a GPU);
//! - `shaders/`: one WGSL file per kernel family: `matmul_tiled.wgsl`
//!   (register-blocked: each thread a block of outputs, tiles staged in
//!   workgroup memory and read as vec4), `matmul_naive.wgsl` (one output
//!   per thread: for products too small to fill a GPU with blocks), `matmul_common.wgsl` (operands,
//!   transposes, and the epilogue that adds the bias and applies the
//!   activation or its derivative), `activation.wgsl`, `bias_grad.wgsl`,
//!   `loss.wgsl` (softmax cross-entropy and the metric reductions),
//!   `optim.wgsl` (SGD/momentum/Nesterov, Adam/AdamW/AMSGrad, RMSprop,
//!   Adagrad), `gather.wgsl` (minibatch rows by index);
//! - [`readback`]: loss and accuracy read back asynchronously, on request,
//!   never every step, with a path that never blocks for the browser.
//!
//! The trainer implements the same maths as the CPU path in `sgdlab-core`
//! (same parameter layout, same seeded minibatches, same optimizer update
//! rules); `tests/parity.rs` trains both side by side.
#![forbid(unsafe_code)]

mod buffers;
pub mod context;
mod error;
mod kernels;
pub mod matmul;
pub mod mlp;
pub mod optimizer;
pub mod readback;
pub mod spec;
pub mod tiling;

pub use context::GpuContext;
pub use error::GpuError;
pub use kernels::Transpose;
pub use mlp::{Examples, MlpTrainer, Split, TrainerSetup};
pub use optimizer::GpuOptimizer;
pub use readback::{Metrics, Pending};
pub use spec::{Activation, MlpSpec};
pub use tiling::{MatmulKernel, TileConfig, TilePlan};
