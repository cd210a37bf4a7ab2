//! Small helpers for creating the buffers the kernels bind.

use bytemuck::Pod;
use wgpu::util::DeviceExt;

/// A zeroed storage buffer of `bytes` bytes (at least 4, the smallest
/// binding), with `extra` usages on top of STORAGE.
pub(crate) fn storage(
    device: &wgpu::Device,
    label: &str,
    bytes: usize,
    extra: wgpu::BufferUsages,
) -> wgpu::Buffer {
    device.create_buffer(&wgpu::BufferDescriptor {
        label: Some(label),
        size: bytes.max(4) as u64,
        usage: wgpu::BufferUsages::STORAGE | extra,
        mapped_at_creation: false,
    })
}

/// A storage buffer holding `contents`, with `extra` usages on top of STORAGE.
pub(crate) fn storage_from<T: Pod>(
    device: &wgpu::Device,
    label: &str,
    contents: &[T],
    extra: wgpu::BufferUsages,
) -> wgpu::Buffer {
    device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
        label: Some(label),
        contents: bytemuck::cast_slice(contents),
        usage: wgpu::BufferUsages::STORAGE | extra,
    })
}

/// A uniform buffer holding one `value`.
pub(crate) fn uniform<T: Pod>(device: &wgpu::Device, label: &str, value: &T) -> wgpu::Buffer {
    device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
        label: Some(label),
        contents: bytemuck::bytes_of(value),
        usage: wgpu::BufferUsages::UNIFORM,
    })
}
