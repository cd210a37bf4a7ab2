// What both matrix-product kernels (matmul_naive.wgsl, matmul_tiled.wgsl)
// share: the operands, reading op(A) and op(B) with zeros outside the
// matrices, and the epilogue that finishes each output before it is stored.
//
//   C: rows×cols,  op(A): rows×inner,  op(B): inner×cols
//   op(A) = A   (stored rows×inner)   or  Aᵀ (A stored inner×rows) when TRANSPOSE_A
//   op(B) = B   (stored inner×cols)   or  Bᵀ (B stored cols×inner) when TRANSPOSE_B
//
// The three products of a training step, for a layer Aₗ = f(Aₗ₋₁·Wₗ + bₗ):
//
//   forward          Aₗ   = f(Aₗ₋₁·Wₗ + bₗ)         no transpose   EPILOGUE = BIAS_ACTIVATION
//   input gradient   Δₗ₋₁ = (Δₗ·Wₗᵀ) ⊙ f′(Aₗ₋₁)     TRANSPOSE_B    EPILOGUE = ACTIVATION_GRADIENT
//   weight gradient  ∂Wₗ  = Aₗ₋₁ᵀ·Δₗ                 TRANSPOSE_A    EPILOGUE = PLAIN
//
// Adding the bias and applying f (or multiplying by f′) while the output is
// still in a register saves a separate pass that would read and write the
// whole batch×width matrix again, and one dispatch per layer.

override TRANSPOSE_A: bool = false;
override TRANSPOSE_B: bool = false;
override EPILOGUE: u32 = 0u;

// C = op(A)·op(B).
const PLAIN: u32 = 0u;
// C = f(op(A)·op(B) + bias), the bias at aux[aux_offset + col].
const BIAS_ACTIVATION: u32 = 1u;
// C = op(A)·op(B) · f′, f's outputs at aux[aux_offset + row·cols + col].
const ACTIVATION_GRADIENT: u32 = 2u;

struct MatmulDims {
    // A size of 0 means "this step's batch size" (see resolve_size).
    rows: u32,
    inner: u32,
    cols: u32,
    // Offsets (in elements) of the operands inside their buffers, so weight
    // matrices are read from, and gradients written into, one flat vector.
    a_offset: u32,
    b_offset: u32,
    c_offset: u32,
    aux_offset: u32,
    pad: u32,
}

@group(0) @binding(0) var<uniform> dims: MatmulDims;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
// What the epilogue reads: the parameters (for the bias) or the layer's
// activations (for f′); unused, and bound to any buffer, when PLAIN.
@group(0) @binding(4) var<storage, read> aux: array<f32>;

// op(A)[row, k], or 0 outside the rows×inner matrix.
fn load_a(row: u32, k: u32, rows: u32, inner: u32) -> f32 {
    if row >= rows || k >= inner {
        return 0.0;
    }
    if TRANSPOSE_A {
        return a[dims.a_offset + k * rows + row];
    }
    return a[dims.a_offset + row * inner + k];
}

// op(B)[k, col], or 0 outside the inner×cols matrix.
fn load_b(k: u32, col: u32, inner: u32, cols: u32) -> f32 {
    if k >= inner || col >= cols {
        return 0.0;
    }
    if TRANSPOSE_B {
        return b[dims.b_offset + col * inner + k];
    }
    return b[dims.b_offset + k * cols + col];
}

// Finishes output (row, col) of the product with the epilogue and stores it.
// The caller has checked that (row, col) lies inside C.
fn store(row: u32, col: u32, cols: u32, product: f32) {
    var value = product;
    if EPILOGUE == BIAS_ACTIVATION {
        value = activate(product + aux[dims.aux_offset + col]);
    } else if EPILOGUE == ACTIVATION_GRADIENT {
        value = product * derivative_from_output(aux[dims.aux_offset + row * cols + col]);
    }
    c[dims.c_offset + row * cols + col] = value;
}
