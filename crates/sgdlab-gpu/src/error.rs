//! What can go wrong on the GPU path, as typed errors with messages that say
//! what was wrong and what is allowed.

use sgdlab_core::optim::OptimError;
use std::fmt;

/// Why the GPU backend could not start, accept its input or read back.
#[derive(Clone, Debug, PartialEq)]
pub enum GpuError {
    /// No adapter (the browser has no WebGPU, or no Vulkan driver natively).
    NoAdapter(String),
    /// The adapter refused to give a device.
    NoDevice(String),
    /// The device's limits are too small for a kernel (workgroup memory,
    /// threads per workgroup).
    Limits(String),
    /// The optimizer exists on the CPU but has no GPU kernel.
    UnsupportedOptimizer { name: String },
    /// The optimizer's hyperparameters are invalid (the CPU's own message).
    Optimizer(OptimError),
    /// The network shape is outside what the trainer accepts.
    InvalidSpec(String),
    /// Features, labels or initial parameters do not fit the network.
    InvalidData(String),
    /// A minibatch is empty, too large or names an example that does not exist.
    InvalidBatch(String),
    /// Evaluation on the test split was asked for without test data.
    NoTestSet,
    /// Mapping a buffer for readback failed, or the device was lost.
    Readback(String),
}

impl fmt::Display for GpuError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoAdapter(why) => write!(f, "no GPU adapter: {why}"),
            Self::NoDevice(why) => write!(f, "the GPU adapter gave no device: {why}"),
            Self::Limits(why) => write!(f, "the GPU device is too small for the trainer: {why}"),
            Self::UnsupportedOptimizer { name } => write!(
                f,
                "optimizer `{name}` has no GPU kernel; allowed on the GPU: {}",
                crate::optimizer::GPU_OPTIMIZERS.join(", ")
            ),
            Self::Optimizer(error) => error.fmt(f),
            Self::InvalidSpec(message)
            | Self::InvalidData(message)
            | Self::InvalidBatch(message)
            | Self::Readback(message) => f.write_str(message),
            Self::NoTestSet => f.write_str("no test data was given to the GPU trainer"),
        }
    }
}

impl std::error::Error for GpuError {}

impl From<OptimError> for GpuError {
    fn from(error: OptimError) -> Self {
        Self::Optimizer(error)
    }
}
