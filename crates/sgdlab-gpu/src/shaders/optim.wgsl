// Optimizer updates over the flat parameter vector, one thread per
// parameter. Each entry point is the update rule of one file in
// sgdlab-core's `optim/` (torch.optim semantics), operation for operation:
// `x + α·y` is one fused multiply-add as in PyTorch's CPU kernels, and every
// scalar (bias corrections, 1 − β, −lr, …) is formed on the CPU in f64 and
// arrives here rounded to f32 in the step uniform.
//
//   sgd      g ← g + λθ;  b ← μb + (1 − τ)g  (b ← g at t = 1);  d ← g + μb (Nesterov) or b;  θ ← θ − ηd
//   adam     g ← g + λθ  or  θ ← θ(1 − ηλ) (decoupled, AdamW);  m ← lerp(m, g, 1 − β₁)
//            v ← β₂v + (1 − β₂)g²;  v̂ ← max(v̂, v) (AMSGrad);  θ ← θ − η/(1 − β₁ᵗ) · m / (√v̂/√(1 − β₂ᵗ) + ε)
//   rmsprop  g ← g + λθ;  v ← αv + (1 − α)g²;  ḡ ← lerp(ḡ, g, 1 − α) (centered)
//            s ← √(v − ḡ²) + ε or √v + ε;  b ← μb + g/s, θ ← θ − ηb  (or θ ← θ − ηg/s)
//   adagrad  g ← g + λθ;  s ← s + g²;  θ ← θ − η/(1 + (t − 1)δ) · g/(√s + ε)
//
// Maximizing flips the sign of the gradient first. The state buffers hold,
// in order: sgd (momentum); adam (m, v, v̂); rmsprop (v, ḡ, b); adagrad (s).

const MAXIMIZE: u32 = 1u;
const WEIGHT_DECAY: u32 = 2u;
// sgd
const SGD_MOMENTUM: u32 = 4u;
const SGD_NESTEROV: u32 = 8u;
const SGD_FIRST_STEP: u32 = 16u;
// adam
const ADAM_DECOUPLED: u32 = 4u;
const ADAM_AMSGRAD: u32 = 8u;
// rmsprop
const RMSPROP_CENTERED: u32 = 4u;
const RMSPROP_MOMENTUM: u32 = 8u;

@group(0) @binding(0) var<storage, read_write> params: array<f32>;
@group(0) @binding(1) var<storage, read> grads: array<f32>;
@group(0) @binding(2) var<storage, read_write> state_a: array<f32>;
@group(0) @binding(3) var<storage, read_write> state_b: array<f32>;
@group(0) @binding(4) var<storage, read_write> state_c: array<f32>;

fn has(flag: u32) -> bool {
    return (this_step.flags & flag) != 0u;
}

// The gradient with the sign for maximizing and, where asked, λθ added.
fn l2_gradient(i: u32, weight_decay: f32) -> f32 {
    var g = grads[i];
    if has(MAXIMIZE) {
        g = -g;
    }
    if has(WEIGHT_DECAY) {
        g = fma(weight_decay, params[i], g);
    }
    return g;
}

// torch.lerp's two-branch form: accurate for small and large weights.
fn lerp(start: f32, end: f32, weight: f32) -> f32 {
    if abs(weight) < 0.5 {
        return fma(weight, end - start, start);
    }
    return fma(-(end - start), 1.0 - weight, end);
}

// scalars: lo = (−η, μ, 1 − τ, λ)
@compute @workgroup_size(256)
fn sgd(@builtin(global_invocation_id) id: vec3<u32>) {
    let i = id.x;
    if i >= arrayLength(&params) {
        return;
    }
    let neg_lr = this_step.scalars_lo.x;
    let momentum = this_step.scalars_lo.y;
    let one_minus_dampening = this_step.scalars_lo.z;
    var g = l2_gradient(i, this_step.scalars_lo.w);
    if has(SGD_MOMENTUM) {
        var b = g;
        if !has(SGD_FIRST_STEP) {
            b = fma(one_minus_dampening, g, state_a[i] * momentum);
        }
        state_a[i] = b;
        if has(SGD_NESTEROV) {
            g = fma(momentum, b, g);
        } else {
            g = b;
        }
    }
    params[i] = fma(neg_lr, g, params[i]);
}

// scalars: lo = (−η/(1 − β₁ᵗ), √(1 − β₂ᵗ), 1 − β₁, 1 − β₂), hi = (β₂, ε, λ, 1 − ηλ)
@compute @workgroup_size(256)
fn adam(@builtin(global_invocation_id) id: vec3<u32>) {
    let i = id.x;
    if i >= arrayLength(&params) {
        return;
    }
    let neg_step_size = this_step.scalars_lo.x;
    let bias_correction2_sqrt = this_step.scalars_lo.y;
    let one_minus_beta1 = this_step.scalars_lo.z;
    let one_minus_beta2 = this_step.scalars_lo.w;
    let beta2 = this_step.scalars_hi.x;
    let eps = this_step.scalars_hi.y;
    let weight_decay = this_step.scalars_hi.z;
    let decay_factor = this_step.scalars_hi.w;

    var p = params[i];
    var g = grads[i];
    if has(MAXIMIZE) {
        g = -g;
    }
    if has(WEIGHT_DECAY) {
        if has(ADAM_DECOUPLED) {
            p *= decay_factor;
        } else {
            g = fma(weight_decay, p, g);
        }
    }
    let m = lerp(state_a[i], g, one_minus_beta1);
    state_a[i] = m;
    var v = fma(one_minus_beta2 * g, g, state_b[i] * beta2);
    state_b[i] = v;
    if has(ADAM_AMSGRAD) {
        v = max(state_c[i], v);
        state_c[i] = v;
    }
    let denom = sqrt(v) / bias_correction2_sqrt + eps;
    params[i] = p + neg_step_size * m / denom;
}

// scalars: lo = (−η, α, 1 − α, ε), hi = (μ, λ, –, –)
@compute @workgroup_size(256)
fn rmsprop(@builtin(global_invocation_id) id: vec3<u32>) {
    let i = id.x;
    if i >= arrayLength(&params) {
        return;
    }
    let neg_lr = this_step.scalars_lo.x;
    let alpha = this_step.scalars_lo.y;
    let one_minus_alpha = this_step.scalars_lo.z;
    let eps = this_step.scalars_lo.w;
    let momentum = this_step.scalars_hi.x;
    let g = l2_gradient(i, this_step.scalars_hi.y);

    let v = fma(one_minus_alpha * g, g, state_a[i] * alpha);
    state_a[i] = v;
    var rms = sqrt(v);
    if has(RMSPROP_CENTERED) {
        let mean = lerp(state_b[i], g, one_minus_alpha);
        state_b[i] = mean;
        rms = sqrt(fma(-mean, mean, v));
    }
    let scale = rms + eps;
    if has(RMSPROP_MOMENTUM) {
        let b = state_c[i] * momentum + g / scale;
        state_c[i] = b;
        params[i] = fma(neg_lr, b, params[i]);
    } else {
        params[i] = params[i] + neg_lr * g / scale;
    }
}

// scalars: lo = (−η/(1 + (t − 1)δ), ε, λ, –)
@compute @workgroup_size(256)
fn adagrad(@builtin(global_invocation_id) id: vec3<u32>) {
    let i = id.x;
    if i >= arrayLength(&params) {
        return;
    }
    let neg_clr = this_step.scalars_lo.x;
    let eps = this_step.scalars_lo.y;
    let g = l2_gradient(i, this_step.scalars_lo.z);
    let s = fma(g, g, state_a[i]);
    state_a[i] = s;
    params[i] = params[i] + neg_clr * g / (sqrt(s) + eps);
}
