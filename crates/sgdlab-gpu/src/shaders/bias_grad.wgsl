// The bias gradient of one dense layer: the column sums of its Δ.
//
//   ∂b[j] = Σᵢ Δ[i,j]        (Δ is batch×cols; the sum goes into the flat gradient)
//
// The bias add and the activation (forward) and the activation's derivative
// (backward) need no pass of their own: the matrix products do them in
// their epilogue (see matmul_common.wgsl).

struct LayerInfo {
    cols: u32,
    // Where b starts in the flat parameter (and gradient) vector.
    bias_offset: u32,
    pad0: u32,
    pad1: u32,
}

@group(0) @binding(0) var<uniform> layer: LayerInfo;
@group(0) @binding(1) var<storage, read> delta: array<f32>;
@group(0) @binding(2) var<storage, read_write> grads: array<f32>;

// One thread per column: neighbouring threads read neighbouring columns of
// the same row, so the reads stay coalesced while each thread walks down.
@compute @workgroup_size(64)
fn bias_grad(@builtin(global_invocation_id) id: vec3<u32>) {
    let j = id.x;
    if j >= layer.cols {
        return;
    }
    var sum = 0.0;
    for (var i = 0u; i < this_step.batch_size; i++) {
        sum += delta[i * layer.cols + j];
    }
    grads[layer.bias_offset + j] = sum;
}
