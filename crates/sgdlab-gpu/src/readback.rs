//! Reading results back without stalling: copy into a small staging buffer,
//! ask for it to be mapped, and pick the bytes up when the GPU says so.
//!
//! [`Pending`] holds one such request. Three ways to collect it:
//! - [`Pending::try_take`] never blocks: it returns `None` until the map has
//!   completed. The page calls it once per animation frame.
//! - [`Pending::receive`] is a future (for `wasm_bindgen_futures` in the
//!   browser, where the event loop completes the map).
//! - [`Pending::wait`], native only, blocks on `Device::poll` (tests, CLI).
//!   It does not exist on wasm32, so the browser cannot block by mistake.

use crate::{GpuContext, GpuError};
use futures_channel::oneshot;

/// Loss and accuracy summed on the GPU since they were last read.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Metrics {
    /// Examples seen (summed over steps for training metrics).
    pub examples: u32,
    /// Mean softmax cross-entropy over those examples (0 when there were none).
    pub loss: f64,
    /// Share of those examples classified correctly, in [0, 1] (0 when none).
    pub accuracy: f64,
}

impl Metrics {
    /// Decodes an `Accumulator` of loss.wgsl: loss sum (f32), correct (u32),
    /// examples (u32), padding.
    pub(crate) fn from_accumulator(bytes: &[u8]) -> Self {
        let words: &[u32] = bytemuck::cast_slice(&bytes[..12]);
        let (loss_sum, correct, examples) = (f32::from_bits(words[0]), words[1], words[2]);
        if examples == 0 {
            return Self::default();
        }
        Self {
            examples,
            loss: f64::from(loss_sum) / f64::from(examples),
            accuracy: f64::from(correct) / f64::from(examples),
        }
    }
}

/// A readback in flight: a staging buffer being mapped for reading.
pub struct Pending<T> {
    staging: wgpu::Buffer,
    mapped: oneshot::Receiver<Result<(), wgpu::BufferAsyncError>>,
    decode: fn(&[u8]) -> T,
}

impl<T> Pending<T> {
    /// Maps `staging` and decodes it with `decode` once mapped. Call it
    /// after submitting the copy that fills `staging`.
    pub(crate) fn map(staging: wgpu::Buffer, decode: fn(&[u8]) -> T) -> Self {
        let (sender, mapped) = oneshot::channel();
        staging
            .slice(..)
            .map_async(wgpu::MapMode::Read, move |result| {
                // The receiver may have been dropped; then nobody wants the data.
                let _ = sender.send(result);
            });
        Self {
            staging,
            mapped,
            decode,
        }
    }

    fn finish(&self, mapped: Result<(), wgpu::BufferAsyncError>) -> Result<T, GpuError> {
        mapped.map_err(|e| GpuError::Readback(format!("mapping the readback failed: {e}")))?;
        let value = {
            let view = self.staging.slice(..).get_mapped_range().map_err(|e| {
                GpuError::Readback(format!("reading the mapped buffer failed: {e}"))
            })?;
            (self.decode)(&view)
        };
        self.staging.unmap();
        Ok(value)
    }

    /// The result if the GPU has finished, else `None`; never blocks.
    ///
    /// Natively it first gives the device one non-blocking poll so that
    /// finished work runs its callbacks; in the browser that poll does
    /// nothing and the event loop runs them. Returns `Some` once.
    pub fn try_take(&mut self, context: &GpuContext) -> Option<Result<T, GpuError>> {
        // A failed non-blocking poll (device lost) shows up as a failed map.
        let _ = context.device.poll(wgpu::PollType::Poll);
        match self.mapped.try_recv() {
            Ok(None) => None,
            Ok(Some(result)) => Some(self.finish(result)),
            Err(oneshot::Canceled) => Some(Err(lost())),
        }
    }

    /// Waits for the result without blocking the thread: in the browser,
    /// await it from `wasm_bindgen_futures::spawn_local`.
    pub async fn receive(mut self) -> Result<T, GpuError> {
        let result = (&mut self.mapped).await.map_err(|_| lost())?;
        self.finish(result)
    }

    /// Blocks until the GPU has finished and returns the result. Native
    /// only: the browser must never block on `poll`.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn wait(mut self, context: &GpuContext) -> Result<T, GpuError> {
        context
            .device
            .poll(wgpu::PollType::wait_indefinitely())
            .map_err(|e| GpuError::Readback(format!("waiting for the GPU failed: {e}")))?;
        self.try_take(context).unwrap_or_else(|| Err(lost()))
    }
}

fn lost() -> GpuError {
    GpuError::Readback("the readback was dropped before it completed (device lost?)".into())
}

/// A buffer the GPU can copy `size` bytes into and the CPU can map.
pub(crate) fn staging_buffer(device: &wgpu::Device, size: u64) -> wgpu::Buffer {
    device.create_buffer(&wgpu::BufferDescriptor {
        label: Some("readback"),
        size,
        usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        mapped_at_creation: false,
    })
}

/// Decodes little-endian `f32`s.
pub(crate) fn decode_f32s(bytes: &[u8]) -> Vec<f32> {
    bytemuck::cast_slice(bytes).to_vec()
}
