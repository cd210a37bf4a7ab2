//! Matrix ops: product, transpose, and adding a bias row to every row.
//!
//! ```text
//! matmul     C = A·B          A: m×k, B: k×n, C: m×n
//!            ∂loss/∂A = Ḡ·Bᵀ      ∂loss/∂A[i,p] = Σⱼ Ḡ[i,j]·B[p,j]
//!            ∂loss/∂B = Aᵀ·Ḡ      ∂loss/∂B[p,:] = Σᵢ A[i,p]·Ḡ[i,:]
//! transpose  Y = Aᵀ           ∂loss/∂A = Ḡᵀ
//! add_row    Y = A + 1·b      A: m×n, b: 1×n (b added to each row of A)
//!            ∂loss/∂A = Ḡ         ∂loss/∂b = Σᵢ Ḡ[i,:]   (column sums)
//! ```
//!
//! The loops walk rows, so memory is read in order: row i of C is the sum of
//! the rows `A[i,p]·B[p,:]` (the i-k-j order), ∂/∂A is a dot product of two
//! rows, and row p of ∂/∂B is the sum of the rows `A[i,p]·Ḡ[i,:]`. No
//! transpose is ever materialised. All loops run in a fixed order, so the
//! results are bit-identical natively and in WebAssembly.

use super::graph::{Graph, Op, ParentGrads, Var};
use crate::Real;

impl<T: Real> Graph<T> {
    /// The matrix product a·b of an m×k and a k×n matrix.
    pub fn matmul(&mut self, a: Var, b: Var) -> Var {
        let ((m, k), (k_b, n)) = (self.value(a).shape(), self.value(b).shape());
        assert!(
            k == k_b,
            "matmul: an {m}×{k} matrix cannot multiply a {k_b}×{n} one (inner sizes differ)"
        );
        let mut out = self.output_buffer(m, n);
        if k > 0 && n > 0 {
            let (a_data, b_data) = (self.value(a).data(), self.value(b).data());
            for (out_row, a_row) in out
                .data_mut()
                .chunks_exact_mut(n)
                .zip(a_data.chunks_exact(k))
            {
                // C[i,:] += Σₚ A[i,p]·B[p,:]
                add_combination_of_rows(out_row, a_row.iter().copied().zip(b_data.chunks_exact(n)));
            }
        }
        self.record(out, Op::MatMul(a, b))
    }

    /// The transpose aᵀ.
    pub fn transpose(&mut self, a: Var) -> Var {
        let (rows, cols) = self.value(a).shape();
        let mut out = self.output_buffer(cols, rows);
        let input = self.value(a).data();
        let output = out.data_mut();
        for r in 0..rows {
            for c in 0..cols {
                output[c * rows + r] = input[r * cols + c];
            }
        }
        self.record(out, Op::Transpose(a))
    }

    /// a + b with the 1×n row `b` added to every row of the m×n matrix `a`
    /// (a bias added to each example of a batch).
    pub fn add_row(&mut self, a: Var, b: Var) -> Var {
        let ((m, n), row_shape) = (self.value(a).shape(), self.value(b).shape());
        assert!(
            row_shape == (1, n),
            "add_row: the row must be 1×{n} to match an {m}×{n} matrix, got {}×{}",
            row_shape.0,
            row_shape.1
        );
        let mut out = self.output_buffer(m, n);
        if n > 0 {
            let (a_data, row) = (self.value(a).data(), self.value(b).data());
            for (out_row, a_row) in out
                .data_mut()
                .chunks_exact_mut(n)
                .zip(a_data.chunks_exact(n))
            {
                for ((y, &x), &bias) in out_row.iter_mut().zip(a_row).zip(row) {
                    *y = x + bias;
                }
            }
        }
        self.record(out, Op::AddRow(a, b))
    }
}

/// out += Σₜ cₜ·rowₜ for the (coefficient cₜ, row rowₜ) pairs of `terms`,
/// with every row as long as `out`.
///
/// The columns are done in blocks whose running sums stay in registers while
/// all the terms go by, instead of reading and writing `out` once per term.
/// Each element still sums its terms in order, exactly like the plain loop
/// `for (c, row) in terms { out += c·row }`.
#[inline]
fn add_combination_of_rows<'a, T: Real>(
    out: &mut [T],
    terms: impl Iterator<Item = (T, &'a [T])> + Clone,
) {
    const BLOCK: usize = 16;
    let blocks = out.len() / BLOCK;
    for (block, out_block) in out.chunks_exact_mut(BLOCK).enumerate() {
        let start = block * BLOCK;
        let mut sums: [T; BLOCK] = out_block.try_into().expect("a full block");
        for (c, row) in terms.clone() {
            let row: &[T; BLOCK] = row[start..start + BLOCK].try_into().expect("a full block");
            for (sum, &x) in sums.iter_mut().zip(row) {
                *sum += c * x;
            }
        }
        out_block.copy_from_slice(&sums);
    }
    let tail = blocks * BLOCK;
    for (c, row) in terms {
        for (y, &x) in out[tail..].iter_mut().zip(&row[tail..]) {
            *y += c * x;
        }
    }
}

/// Σᵢ xᵢ·yᵢ, summed in eight interleaved lanes so the compiler can use SIMD
/// (the order is fixed, so the result is still deterministic).
#[inline]
fn dot<T: Real>(x: &[T], y: &[T]) -> T {
    const LANES: usize = 8;
    let mut lanes = [T::ZERO; LANES];
    let (x_chunks, y_chunks) = (x.chunks_exact(LANES), y.chunks_exact(LANES));
    let tail: T = x_chunks
        .remainder()
        .iter()
        .zip(y_chunks.remainder())
        .map(|(&a, &b)| a * b)
        .sum();
    for (xs, ys) in x_chunks.zip(y_chunks) {
        for lane in 0..LANES {
            lanes[lane] += xs[lane] * ys[lane];
        }
    }
    let [l0, l1, l2, l3, l4, l5, l6, l7] = lanes;
    ((l0 + l4) + (l1 + l5)) + ((l2 + l6) + (l3 + l7)) + tail
}

pub(crate) fn matmul_backward<T: Real>(
    graph: &Graph<T>,
    a: Var,
    b: Var,
    upstream: &[T],
    parents: &mut ParentGrads<'_, T>,
) {
    let ((_, k), (_, n)) = (graph.value(a).shape(), graph.value(b).shape());
    if k == 0 || n == 0 {
        return; // an empty product: nothing flows back
    }
    let (a_data, b_data) = (graph.value(a).data(), graph.value(b).data());
    if let Some(grad_a) = parents.of(a) {
        // ∂loss/∂A[i,p] += Ḡ[i,:]·B[p,:]
        for (grad_a_row, g_row) in grad_a.chunks_exact_mut(k).zip(upstream.chunks_exact(n)) {
            for (ga, b_row) in grad_a_row.iter_mut().zip(b_data.chunks_exact(n)) {
                *ga += dot(g_row, b_row);
            }
        }
    }
    if let Some(grad_b) = parents.of(b) {
        // ∂loss/∂B[p,:] += Σᵢ A[i,p]·Ḡ[i,:]
        for (p, grad_b_row) in grad_b.chunks_exact_mut(n).enumerate() {
            let a_column = a_data.iter().copied().skip(p).step_by(k);
            add_combination_of_rows(grad_b_row, a_column.zip(upstream.chunks_exact(n)));
        }
    }
}

pub(crate) fn transpose_backward<T: Real>(
    graph: &Graph<T>,
    a: Var,
    upstream: &[T],
    parents: &mut ParentGrads<'_, T>,
) {
    let (rows, cols) = graph.value(a).shape();
    let Some(grad_a) = parents.of(a) else { return };
    // Ḡ is cols×rows; ∂loss/∂A[r,c] += Ḡ[c,r]
    for r in 0..rows {
        for c in 0..cols {
            grad_a[r * cols + c] += upstream[c * rows + r];
        }
    }
}

pub(crate) fn add_row_backward<T: Real>(
    graph: &Graph<T>,
    a: Var,
    b: Var,
    upstream: &[T],
    parents: &mut ParentGrads<'_, T>,
) {
    let n = graph.value(b).cols();
    if let Some(grad_a) = parents.of(a) {
        for (ga, &g) in grad_a.iter_mut().zip(upstream) {
            *ga += g;
        }
    }
    if n == 0 {
        return;
    }
    if let Some(grad_b) = parents.of(b) {
        for g_row in upstream.chunks_exact(n) {
            for (gb, &g) in grad_b.iter_mut().zip(g_row) {
                *gb += g;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autograd::Tensor;

    #[test]
    fn matmul_and_add_row_golden_values() {
        let mut g = Graph::<f64>::new();
        let a = g.input(Tensor::from_vec(2, 3, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).unwrap());
        let b = g.input(Tensor::from_vec(3, 2, vec![7.0, 8.0, 9.0, 10.0, 11.0, 12.0]).unwrap());
        let c = g.matmul(a, b);
        assert_eq!(g.value(c).data(), &[58.0, 64.0, 139.0, 154.0]);
        let bias = g.input(Tensor::row_vector(vec![1.0, -1.0]));
        let y = g.add_row(c, bias);
        assert_eq!(g.value(y).data(), &[59.0, 63.0, 140.0, 153.0]);
        let t = g.transpose(a);
        assert_eq!(g.value(t).shape(), (3, 2));
        assert_eq!(g.value(t).data(), &[1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
    }

    #[test]
    fn blocked_row_combination_rounds_like_the_plain_loop() {
        let mut rng = crate::SeededRng::new(9);
        for len in [1, 5, 16, 17, 40] {
            let rows: Vec<Vec<f32>> = (0..7)
                .map(|_| (0..len).map(|_| rng.normal() as f32).collect())
                .collect();
            let coefficients: Vec<f32> = (0..7).map(|_| rng.normal() as f32).collect();
            let start: Vec<f32> = (0..len).map(|_| rng.normal() as f32).collect();
            let mut plain = start.clone();
            for (&c, row) in coefficients.iter().zip(&rows) {
                for (y, &x) in plain.iter_mut().zip(row) {
                    *y += c * x;
                }
            }
            let mut blocked = start;
            let terms = coefficients
                .iter()
                .copied()
                .zip(rows.iter().map(Vec::as_slice));
            add_combination_of_rows(&mut blocked, terms);
            assert_eq!(blocked, plain, "length {len}");
        }
    }

    #[test]
    fn dot_matches_a_plain_sum_for_every_tail_length() {
        for len in 0..20 {
            let x: Vec<f64> = (0..len).map(|i| i as f64 + 0.5).collect();
            let y: Vec<f64> = (0..len).map(|i| 2.0 - i as f64).collect();
            let plain: f64 = x.iter().zip(&y).map(|(a, b)| a * b).sum();
            assert_eq!(dot(&x, &y), plain, "length {len}");
        }
    }
}
