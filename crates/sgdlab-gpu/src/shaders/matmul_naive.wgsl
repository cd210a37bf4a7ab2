// The simple tiled product: one output of C per thread.
// The trainer's default plan (src/tiling.rs) runs it for products too small
// or thin to give the register-blocked kernel (matmul_tiled.wgsl) enough
// workgroups; MatmulKernel::Naive runs it for every product, which the
// throughput example times against the register-blocked plan.
//
// Each workgroup owns one TILE×TILE block of C. For each TILE-wide slab of
// the inner dimension it first copies a TILE×TILE block of op(A) and one of
// op(B) into workgroup memory (every thread loads one element of each, with
// neighbouring threads reading neighbouring addresses), waits at a barrier,
// then every thread accumulates its dot product out of the shared copies.
// Each element of A and B is read from global memory rows/TILE or cols/TILE
// times instead of rows or cols times, but every multiply-add still needs
// two reads of workgroup memory, which caps the speed well below the
// arithmetic peak. Out-of-range elements load as 0, so shapes need not be
// multiples of TILE.

const TILE: u32 = 16u;

// a_tile[r][k] = op(A)[block row + r, slab + k];  b_tile[k][j] = op(B)[slab + k, block col + j]
var<workgroup> a_tile: array<array<f32, TILE>, TILE>;
var<workgroup> b_tile: array<array<f32, TILE>, TILE>;

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
        store(row, col, cols, sum);
    }
}
