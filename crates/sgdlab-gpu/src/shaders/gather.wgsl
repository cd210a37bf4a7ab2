// Gathers this step's minibatch out of the dataset into contiguous buffers:
//
//   X_batch[i, :] = features[idx(i), :],   y_batch[i] = labels[idx(i)]
//   idx(i) = batch_offset + i                  (evaluation, in order)
//          = indices[batch_offset + i]         (training, from the sampler)
//
// The epoch's index list is uploaded once, so a step costs no transfer.

struct GatherInfo {
    inputs: u32,
    pad0: u32,
    pad1: u32,
    pad2: u32,
}

@group(0) @binding(0) var<uniform> info: GatherInfo;
@group(0) @binding(1) var<storage, read> features: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read> indices: array<u32>;
@group(0) @binding(4) var<storage, read_write> x_batch: array<f32>;
@group(0) @binding(5) var<storage, read_write> y_batch: array<u32>;

@compute @workgroup_size(64)
fn gather(@builtin(global_invocation_id) id: vec3<u32>) {
    let i = id.x;
    if i >= this_step.batch_size {
        return;
    }
    var example = this_step.batch_offset + i;
    if this_step.sequential == 0u {
        example = indices[example];
    }
    for (var j = 0u; j < info.inputs; j++) {
        x_batch[i * info.inputs + j] = features[example * info.inputs + j];
    }
    y_batch[i] = labels[example];
}
