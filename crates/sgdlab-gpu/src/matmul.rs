//! One matrix product on the GPU through the same tiled kernel the trainer
//! uses (`shaders/matmul.wgsl`): for checking the kernel against the CPU on
//! awkward shapes, and for measuring it alone.

use crate::buffers::{storage, storage_from, uniform};
use crate::kernels::{
    Layouts, MATMUL_TILE, MATMUL_WGSL, MatmulDims, StepUniform, Transpose, bind_group, groups,
    matmul_pipeline, shader, slot_bytes, step_slots,
};
use crate::readback::{Pending, decode_f32s, staging_buffer};
use crate::{GpuContext, GpuError};

/// The shape of C = op(A)·op(B): C is rows×cols and the sum runs over inner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MatmulShape {
    pub rows: usize,
    pub inner: usize,
    pub cols: usize,
    /// Which operand is stored transposed: A as inner×rows, or B as cols×inner.
    pub transpose: Transpose,
}

/// Starts C = op(A)·op(B) for row-major `a` and `b` and returns the
/// readback of C (rows×cols, row-major).
pub fn matmul(
    context: &GpuContext,
    a: &[f32],
    b: &[f32],
    shape: MatmulShape,
) -> Result<Pending<Vec<f32>>, GpuError> {
    let MatmulShape {
        rows,
        inner,
        cols,
        transpose,
    } = shape;
    if rows == 0 || inner == 0 || cols == 0 {
        return Err(GpuError::InvalidData(format!(
            "matmul sizes must be at least 1, got {rows}×{inner} times {inner}×{cols}"
        )));
    }
    if a.len() != rows * inner || b.len() != inner * cols {
        return Err(GpuError::InvalidData(format!(
            "matmul of {rows}×{inner} by {inner}×{cols} needs {} and {} values, got {} and {}",
            rows * inner,
            inner * cols,
            a.len(),
            b.len()
        )));
    }
    let device = &context.device;
    let layouts = Layouts::new(device);
    let module = shader(device, "matmul", MATMUL_WGSL);
    let pipeline = matmul_pipeline(device, &layouts, &module, transpose);

    let dims = MatmulDims {
        rows: rows as u32,
        inner: inner as u32,
        cols: cols as u32,
        ..MatmulDims::default()
    };
    let output_bytes = rows * cols * size_of::<f32>();
    let dims = uniform(device, "matmul dims", &dims);
    let a = storage_from(device, "A", a, wgpu::BufferUsages::empty());
    let b = storage_from(device, "B", b, wgpu::BufferUsages::empty());
    let c = storage(device, "C", output_bytes, wgpu::BufferUsages::COPY_SRC);
    let group = bind_group(device, &layouts.matmul, &[&dims, &a, &b, &c]);
    let (slots, stride) = step_slots(device, 1);
    context
        .queue
        .write_buffer(&slots, 0, &slot_bytes(&[StepUniform::default()], stride));
    let step_group = layouts.step_group(device, &slots);

    let staging = staging_buffer(device, output_bytes as u64);
    let mut encoder = device.create_command_encoder(&Default::default());
    {
        let mut pass = encoder.begin_compute_pass(&Default::default());
        pass.set_pipeline(&pipeline);
        pass.set_bind_group(0, &group, &[]);
        pass.set_bind_group(1, &step_group, &[0]);
        pass.dispatch_workgroups(groups(cols, MATMUL_TILE), groups(rows, MATMUL_TILE), 1);
    }
    encoder.copy_buffer_to_buffer(&c, 0, &staging, 0, output_bytes as u64);
    context.queue.submit([encoder.finish()]);
    Ok(Pending::map(staging, decode_f32s))
}
