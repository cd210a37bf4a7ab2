//! One matrix product on the GPU through the same kernels the trainer uses
//! (`shaders/matmul_tiled.wgsl` or `matmul_naive.wgsl`, with the plain
//! epilogue): for checking each kernel and tile against the CPU on awkward
//! shapes.

use crate::buffers::{storage, storage_from, uniform};
use crate::kernels::{
    Epilogue, Layouts, MatmulDims, StepUniform, Transpose, bind_group, matmul_module,
    matmul_pipeline, slot_bytes, step_slots,
};
use crate::readback::{Pending, decode_f32s, staging_buffer};
use crate::{GpuContext, GpuError, MatmulKernel};

/// The shape of C = op(A)·op(B): C is rows×cols and the sum runs over inner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MatmulShape {
    pub rows: usize,
    pub inner: usize,
    pub cols: usize,
    /// Which operand is stored transposed: A as inner×rows, or B as cols×inner.
    pub transpose: Transpose,
}

/// Starts C = op(A)·op(B) for row-major `a` and `b` with `kernel` (and
/// the tile its plan picks for this shape) and returns the readback of C
/// (rows×cols, row-major).
pub fn matmul(
    context: &GpuContext,
    kernel: &MatmulKernel,
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
    if let Some(why) = kernel.misfit(&device.limits()) {
        return Err(GpuError::Limits(why));
    }
    let variant = kernel.variant_for(rows, cols);
    let layouts = Layouts::new(device);
    let module = matmul_module(device, variant);
    let pipeline = matmul_pipeline(device, &layouts, &module, transpose, Epilogue::Plain);

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
    // The plain epilogue reads nothing; A stands in for its operand.
    let group = bind_group(device, &layouts.matmul, &[&dims, &a, &b, &c, &a]);
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
        let (x, y) = variant.workgroups(rows, cols);
        pass.dispatch_workgroups(x, y, 1);
    }
    encoder.copy_buffer_to_buffer(&c, 0, &staging, 0, output_bytes as u64);
    context.queue.submit([encoder.finish()]);
    Ok(Pending::map(staging, decode_f32s))
}
