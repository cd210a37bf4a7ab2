// Per-element work of one dense layer, all on a batch×cols matrix.
//
//   bias_activation      A[i,j] ← f(A[i,j] + b[j])          (in place, after A ← X·W)
//   activation_backward  Δ[i,j] ← Δ[i,j] · f′(A[i,j])        (∂L/∂A → ∂L/∂Z, in place)
//   bias_grad            ∂b[j]  = Σᵢ Δ[i,j]                   (into the flat gradient)
//
//   f          f′ written through the output a = f(z)
//   identity   1
//   relu       1 if a > 0 else 0    (relu′(0) = 0, as PyTorch)
//   tanh       1 − a²
//   sigmoid    a·(1 − a)

// 0 identity (the logits layer), 1 relu, 2 tanh, 3 sigmoid.
override ACTIVATION: u32 = 0u;

struct LayerInfo {
    cols: u32,
    // Where b starts in the flat parameter (and gradient) vector.
    bias_offset: u32,
    pad0: u32,
    pad1: u32,
}

@group(0) @binding(0) var<uniform> layer: LayerInfo;
@group(0) @binding(1) var<storage, read> params: array<f32>;
@group(0) @binding(2) var<storage, read_write> activations: array<f32>;
@group(0) @binding(3) var<storage, read_write> delta: array<f32>;
@group(0) @binding(4) var<storage, read_write> grads: array<f32>;

fn sigmoid(z: f32) -> f32 {
    // Two branches so that exp never overflows.
    if z >= 0.0 {
        return 1.0 / (1.0 + exp(-z));
    }
    let e = exp(z);
    return e / (1.0 + e);
}

fn activate(z: f32) -> f32 {
    switch ACTIVATION {
        case 1u: { return max(z, 0.0); }
        case 2u: { return tanh(z); }
        case 3u: { return sigmoid(z); }
        default: { return z; }
    }
}

fn derivative_from_output(a: f32) -> f32 {
    switch ACTIVATION {
        case 1u: { return select(0.0, 1.0, a > 0.0); }
        case 2u: { return 1.0 - a * a; }
        case 3u: { return a * (1.0 - a); }
        default: { return 1.0; }
    }
}

@compute @workgroup_size(256)
fn bias_activation(@builtin(global_invocation_id) id: vec3<u32>) {
    let i = id.x;
    if i >= this_step.batch_size * layer.cols {
        return;
    }
    let j = i % layer.cols;
    activations[i] = activate(activations[i] + params[layer.bias_offset + j]);
}

@compute @workgroup_size(256)
fn activation_backward(@builtin(global_invocation_id) id: vec3<u32>) {
    let i = id.x;
    if i >= this_step.batch_size * layer.cols {
        return;
    }
    delta[i] = delta[i] * derivative_from_output(activations[i]);
}

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
