//! Getting a device, kept apart from the work done with it.
//!
//! Everything else in this crate takes a [`GpuContext`], so tests and the
//! page can bring their own device (as the wgpu examples do), and only
//! [`GpuContext::request`] knows about instances and adapters.

use crate::GpuError;

/// A device and its queue, plus what the adapter said about itself.
#[derive(Clone, Debug)]
pub struct GpuContext {
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
    /// The adapter's name, backend and kind, when known.
    pub adapter: Option<wgpu::AdapterInfo>,
}

impl GpuContext {
    /// Wraps a device the caller already has.
    pub fn from_device(device: wgpu::Device, queue: wgpu::Queue) -> Self {
        Self {
            device,
            queue,
            adapter: None,
        }
    }

    /// Asks for the high-performance adapter and a device with its limits.
    ///
    /// In the browser this is WebGPU (and fails when `navigator.gpu` gives
    /// no adapter, the cue to fall back to the CPU); natively it is Vulkan,
    /// which on a machine without a GPU is Mesa's lavapipe.
    pub async fn request() -> Result<Self, GpuError> {
        let instance = wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle());
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions {
                power_preference: wgpu::PowerPreference::HighPerformance,
                ..Default::default()
            })
            .await
            .map_err(|e| GpuError::NoAdapter(e.to_string()))?;
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("sgdlab"),
                required_limits: adapter.limits(),
                ..Default::default()
            })
            .await
            .map_err(|e| GpuError::NoDevice(e.to_string()))?;
        Ok(Self {
            device,
            queue,
            adapter: Some(adapter.get_info()),
        })
    }

    /// Whether the adapter is a software rasteriser (lavapipe, SwiftShader):
    /// right for checking correctness, never for quoting speed.
    pub fn is_software(&self) -> bool {
        self.adapter
            .as_ref()
            .is_some_and(|info| info.device_type == wgpu::DeviceType::Cpu)
    }
}
