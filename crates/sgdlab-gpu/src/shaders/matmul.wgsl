// Tiled matrix product C = op(A)·op(B) through workgroup memory.
//
//   C: rows×cols,  op(A): rows×inner,  op(B): inner×cols
//   op(A) = A   (stored rows×inner)   or  Aᵀ (A stored inner×rows) when TRANSPOSE_A
//   op(B) = B   (stored inner×cols)   or  Bᵀ (B stored cols×inner) when TRANSPOSE_B
//
// The forward pass is  Z = X·W  (no transposes); the backward pass needs
// ∂W = Xᵀ·∂Z  (TRANSPOSE_A) and  ∂X = ∂Z·Wᵀ  (TRANSPOSE_B).
//
// Each workgroup owns one TILE×TILE block of C. For each TILE-wide slab of
// the inner dimension it first copies a TILE×TILE block of op(A) and one of
// op(B) into workgroup memory (every thread loads one element of each, with
// neighbouring threads reading neighbouring addresses), waits at a barrier,
// then every thread accumulates its dot product out of the fast shared
// copies. Each element of A and B is therefore read from global memory
// rows/TILE or cols/TILE times instead of rows or cols times. Out-of-range
// elements load as 0, so shapes need not be multiples of TILE.

override TRANSPOSE_A: bool = false;
override TRANSPOSE_B: bool = false;

const TILE: u32 = 16u;

struct MatmulDims {
    rows: u32,
    inner: u32,
    cols: u32,
    // Offsets (in elements) of the operands inside their buffers, so weight
    // matrices are read from, and gradients written into, one flat vector.
    a_offset: u32,
    b_offset: u32,
    c_offset: u32,
    pad0: u32,
    pad1: u32,
}

@group(0) @binding(0) var<uniform> dims: MatmulDims;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

// a_tile[r][k] = op(A)[block row + r, slab + k];  b_tile[k][j] = op(B)[slab + k, block col + j]
var<workgroup> a_tile: array<array<f32, TILE>, TILE>;
var<workgroup> b_tile: array<array<f32, TILE>, TILE>;

fn load_a(row: u32, k: u32, rows: u32, inner: u32) -> f32 {
    if row >= rows || k >= inner {
        return 0.0;
    }
    if TRANSPOSE_A {
        return a[dims.a_offset + k * rows + row];
    }
    return a[dims.a_offset + row * inner + k];
}

fn load_b(k: u32, col: u32, inner: u32, cols: u32) -> f32 {
    if k >= inner || col >= cols {
        return 0.0;
    }
    if TRANSPOSE_B {
        return b[dims.b_offset + col * inner + k];
    }
    return b[dims.b_offset + k * cols + col];
}

@compute @workgroup_size(16, 16)
fn matmul(
    @builtin(workgroup_id) group: vec3<u32>,
    @builtin(local_invocation_id) local: vec3<u32>,
) {
    let rows = resolve_size(dims.rows);
    let inner = resolve_size(dims.inner);
    let cols = resolve_size(dims.cols);
    let row0 = group.y * TILE;
    let col0 = group.x * TILE;
    let tx = local.x;
    let ty = local.y;

    var sum = 0.0;
    for (var slab = 0u; slab < inner; slab += TILE) {
        // Choose which element each thread loads so that threads next to
        // each other in x read memory next to each other (coalesced).
        if TRANSPOSE_A {
            a_tile[tx][ty] = load_a(row0 + tx, slab + ty, rows, inner);
        } else {
            a_tile[ty][tx] = load_a(row0 + ty, slab + tx, rows, inner);
        }
        if TRANSPOSE_B {
            b_tile[tx][ty] = load_b(slab + tx, col0 + ty, inner, cols);
        } else {
            b_tile[ty][tx] = load_b(slab + ty, col0 + tx, inner, cols);
        }
        workgroupBarrier();
        for (var k = 0u; k < TILE; k++) {
            sum = fma(a_tile[ty][k], b_tile[k][tx], sum);
        }
        workgroupBarrier();
    }
    let row = row0 + ty;
    let col = col0 + tx;
    if row < rows && col < cols {
        c[dims.c_offset + row * cols + col] = sum;
    }
}
