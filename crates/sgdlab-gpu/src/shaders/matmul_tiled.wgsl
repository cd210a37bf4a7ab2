// Register-blocked product C = op(A)·op(B) (operands, transposes and the
// epilogue: matmul_common.wgsl). The tile's shape comes from constants that
// src/kernels.rs writes in front of this file from a `TileConfig`
// (src/tiling.rs chooses it from the device's limits):
//
//   TILE_ROWS × TILE_COLS       outputs of C per workgroup
//   THREAD_ROWS × THREAD_COLS   outputs per thread (multiples of 4)
//   TILE_DEPTH                  width of the slab of the inner dimension staged at a time
//   TILE_PADDING                floats added to each k-row of a staged tile
//
// Why this is faster than one output per thread (matmul_naive.wgsl): there,
// every multiply-add reads two floats from workgroup memory, so the shared
// memory's bandwidth, not the arithmetic, sets the pace. Here a thread keeps
// a THREAD_ROWS × THREAD_COLS block of sums in registers; at each step of k
// it reads THREAD_ROWS values of op(A)'s column and THREAD_COLS values of
// op(B)'s row (as vec4s, four floats per read) and does every pairwise
// multiply-add: 8×8 = 64 multiply-adds for 4 vec4 reads at the large tile.
// The workgroup as a whole reads each element of A from global memory once
// per TILE_COLS columns of C and each element of B once per TILE_ROWS rows.
//
// One slab of the inner dimension, for one workgroup:
//
//   1. stage: all threads copy op(A)[row0 .. row0+TILE_ROWS, slab .. slab+TILE_DEPTH]
//      into a_tile and op(B)[slab .., col0 .. col0+TILE_COLS] into b_tile,
//      zeros where the tile hangs over the edge of the matrix;
//   2. barrier: the tiles are complete;
//   3. for each k of the slab: read this thread's rows of a_tile's k-row and
//      its columns of b_tile's k-row into registers, multiply-add them into
//      the block of sums (an outer product);
//   4. barrier: nobody still reads the tiles when the next slab overwrites them.
//
// At the end each thread passes its sums through the epilogue and stores
// the ones that lie inside C. Every sum adds its products in the order
// k = 0, 1, …, inner − 1 with one fma each, as the naive kernel does, and
// the zeros past the edge add nothing: the same sums as the naive kernel,
// rounded the same way wherever the driver compiles fma as one fused operation.

// Threads along x (columns of C) and y (rows of C).
const THREADS_X: u32 = TILE_COLS / THREAD_COLS;
const THREADS_Y: u32 = TILE_ROWS / THREAD_ROWS;
const THREADS: u32 = THREADS_X * THREADS_Y;
// vec4s per thread along a k-row of each tile.
const ROW_VECS: u32 = THREAD_ROWS / 4u;
const COL_VECS: u32 = THREAD_COLS / 4u;
// Floats from one k-row of a staged tile to the next.
const A_STRIDE: u32 = TILE_ROWS + TILE_PADDING;
const B_STRIDE: u32 = TILE_COLS + TILE_PADDING;

// The staged tiles, k-major so that the values one thread needs at one k sit
// side by side and load as vec4s:
//   op(A)[row0 + r, slab + k]  is float  k·A_STRIDE + r  of a_tile,
//   op(B)[slab + k, col0 + n]  is float  k·B_STRIDE + n  of b_tile.
// Without the padding, staging a row-major A (TILE_DEPTH neighbouring
// threads take one r and k = 0, 1, 2, …) would store their values TILE_ROWS
// floats apart: all in the same memory bank, served one after another. With
// it they land TILE_ROWS + 4 floats apart, spread over the banks (at most
// two threads of 16 share one).
var<workgroup> a_tile: array<vec4<f32>, TILE_DEPTH * A_STRIDE / 4u>;
var<workgroup> b_tile: array<vec4<f32>, TILE_DEPTH * B_STRIDE / 4u>;

// Which outputs thread (tx, ty) owns. Not one solid block: its rows come in
// ROW_VECS groups of four consecutive rows, THREADS_Y·4 rows apart, and its
// columns in COL_VECS groups of four, THREADS_X·4 apart:
//
//   rows  (i·THREADS_Y + ty)·4 + 0..3     i < ROW_VECS
//   cols  (j·THREADS_X + tx)·4 + 0..3     j < COL_VECS
//
// so in step 3 the threads tx = 0, 1, 2, … read vec4s 0, 1, 2, … of b_tile's
// k-row: neighbouring 16-byte words, no two threads on the same bank. (With
// solid 8-wide blocks, threads tx and tx + 4 would collide.) Threads with the
// same ty read the same vec4 of a_tile, which the hardware broadcasts.
// The sum for (row group i, row r within it, column group j) is the vec4
// acc[(i·4 + r)·COL_VECS + j], one lane per column.

// Step 1 for op(A). Element e of the tile is numbered along the direction
// A is stored in, so threads next to each other read neighbouring addresses
// of global memory (few, wide transactions); a transpose, if any, happens on
// the way into a_tile. Every thread copies TILE_ROWS·TILE_DEPTH / THREADS
// elements (TileConfig::is_well_formed makes that a whole number).
fn stage_a(row0: u32, slab: u32, thread: u32, rows: u32, inner: u32) {
    for (var e = thread; e < TILE_ROWS * TILE_DEPTH; e += THREADS) {
        var r: u32;
        var k: u32;
        if TRANSPOSE_A {
            // A is stored inner×rows: r runs along memory.
            k = e / TILE_ROWS;
            r = e % TILE_ROWS;
        } else {
            // A is stored rows×inner: k runs along memory.
            r = e / TILE_DEPTH;
            k = e % TILE_DEPTH;
        }
        let at = k * A_STRIDE + r;
        a_tile[at / 4u][at % 4u] = load_a(row0 + r, slab + k, rows, inner);
    }
}

// Step 1 for op(B), numbered the same way.
fn stage_b(slab: u32, col0: u32, thread: u32, inner: u32, cols: u32) {
    for (var e = thread; e < TILE_COLS * TILE_DEPTH; e += THREADS) {
        var n: u32;
        var k: u32;
        if TRANSPOSE_B {
            // B is stored cols×inner: k runs along memory.
            n = e / TILE_DEPTH;
            k = e % TILE_DEPTH;
        } else {
            // B is stored inner×cols: n runs along memory.
            k = e / TILE_COLS;
            n = e % TILE_COLS;
        }
        let at = k * B_STRIDE + n;
        b_tile[at / 4u][at % 4u] = load_b(slab + k, col0 + n, inner, cols);
    }
}

@compute @workgroup_size(THREADS_X, THREADS_Y)
fn matmul(
    @builtin(workgroup_id) group: vec3<u32>,
    @builtin(local_invocation_id) local: vec3<u32>,
    @builtin(local_invocation_index) thread: u32,
) {
    let rows = resolve_size(dims.rows);
    let inner = resolve_size(dims.inner);
    let cols = resolve_size(dims.cols);
    let row0 = group.y * TILE_ROWS;
    let col0 = group.x * TILE_COLS;

    // The block of sums, zero to start with (WGSL zeroes a `var`). All loops
    // over it have constant bounds, so the compiler can unroll them and keep
    // every entry in a register.
    var acc: array<vec4<f32>, THREAD_ROWS * COL_VECS>;
    // This thread's values of one k-row of each tile.
    var a_regs: array<vec4<f32>, ROW_VECS>;
    var b_regs: array<vec4<f32>, COL_VECS>;

    // `inner` is the same for every thread (a uniform), so all of them run
    // the same number of slabs and reach the barriers together.
    for (var slab = 0u; slab < inner; slab += TILE_DEPTH) {
        stage_a(row0, slab, thread, rows, inner);
        stage_b(slab, col0, thread, inner, cols);
        workgroupBarrier();

        for (var k = 0u; k < TILE_DEPTH; k++) {
            for (var i = 0u; i < ROW_VECS; i++) {
                a_regs[i] = a_tile[k * (A_STRIDE / 4u) + i * THREADS_Y + local.y];
            }
            for (var j = 0u; j < COL_VECS; j++) {
                b_regs[j] = b_tile[k * (B_STRIDE / 4u) + j * THREADS_X + local.x];
            }
            // The outer product of this thread's piece of op(A)'s column k
            // and op(B)'s row k: one vec4 fma covers four columns.
            for (var i = 0u; i < ROW_VECS; i++) {
                for (var r = 0u; r < 4u; r++) {
                    let a_value = vec4(a_regs[i][r]);
                    for (var j = 0u; j < COL_VECS; j++) {
                        let slot = (i * 4u + r) * COL_VECS + j;
                        acc[slot] = fma(a_value, b_regs[j], acc[slot]);
                    }
                }
            }
        }
        workgroupBarrier();
    }

    // Epilogue and store, skipping the outputs past the edge of C.
    for (var i = 0u; i < ROW_VECS; i++) {
        for (var r = 0u; r < 4u; r++) {
            let row = row0 + (i * THREADS_Y + local.y) * 4u + r;
            if row >= rows {
                continue;
            }
            for (var j = 0u; j < COL_VECS; j++) {
                let sums = acc[(i * 4u + r) * COL_VECS + j];
                let col_group = col0 + (j * THREADS_X + local.x) * 4u;
                for (var lane = 0u; lane < 4u; lane++) {
                    if col_group + lane < cols {
                        store(row, col_group + lane, cols, sums[lane]);
                    }
                }
            }
        }
    }
}
