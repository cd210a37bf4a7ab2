// What changes from one training step to the next, written by the CPU into
// one 256-byte slot per step and bound at that slot's dynamic offset.
// Mirrors `StepUniform` in src/kernels.rs field for field.
struct Step {
    // Where this step's example indices start in the index buffer.
    batch_offset: u32,
    // How many examples the batch has (the last batch of an epoch may be short).
    batch_size: u32,
    // 1: row i is example batch_offset + i (evaluation); 0: read the index buffer.
    sequential: u32,
    // Which metrics accumulator to add to: 0 training, 1 evaluation.
    metrics_slot: u32,
    // Optimizer switches (bit flags, see optim.wgsl).
    flags: u32,
    pad0: u32,
    pad1: u32,
    pad2: u32,
    // Optimizer scalars for this step, formed on the CPU in f64 and rounded.
    scalars_lo: vec4<f32>,
    scalars_hi: vec4<f32>,
}

@group(1) @binding(0) var<uniform> this_step: Step;

// A size that is 0 in a layer's uniform means "the batch size of this step".
fn resolve_size(size: u32) -> u32 {
    return select(size, this_step.batch_size, size == 0u);
}
