// The hidden layers' nonlinearity f, and its derivative written through the
// output a = f(z) (all the backward pass keeps):
//
//   f          f′ from a = f(z)
//   identity   1                      (the logits layer)
//   relu       1 if a > 0 else 0      (relu′(0) = 0, as PyTorch)
//   tanh       1 − a²
//   sigmoid    a·(1 − a)

// 0 identity, 1 relu, 2 tanh, 3 sigmoid (`Activation::shader_code` in src/spec.rs).
override ACTIVATION: u32 = 0u;

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
