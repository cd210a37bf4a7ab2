//! Reductions: sums and means over everything or along one axis.
//!
//! ```text
//! sum        y = Σᵢⱼ A[i,j]          (1×1)     ∂loss/∂A[i,j] = ḡ
//! mean       y = Σᵢⱼ A[i,j] / (m·n)  (1×1)     ∂loss/∂A[i,j] = ḡ / (m·n)
//! sum_axis(Rows)   y[j] = Σᵢ A[i,j]  (1×n)     ∂loss/∂A[i,j] = ḡ[j]
//! sum_axis(Cols)   y[i] = Σⱼ A[i,j]  (m×1)     ∂loss/∂A[i,j] = ḡ[i]
//! mean_axis        the same divided by the length of the summed axis
//! ```

use super::Tensor;
use super::graph::{Graph, Op, ParentGrads, Var};
use crate::Real;

/// The axis a reduction runs along (NumPy's `axis=0` and `axis=1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Axis {
    /// Down the rows (`axis=0`): an m×n matrix becomes a 1×n row, one value
    /// per column.
    Rows,
    /// Along the columns (`axis=1`): an m×n matrix becomes an m×1 column,
    /// one value per row.
    Cols,
}

impl Axis {
    /// How many elements each output value sums.
    pub(crate) fn length_of<T: Real>(self, input: &Tensor<T>) -> usize {
        match self {
            Axis::Rows => input.rows(),
            Axis::Cols => input.cols(),
        }
    }
}

impl<T: Real> Graph<T> {
    /// The sum of all elements, as a 1×1 tensor.
    pub fn sum(&mut self, a: Var) -> Var {
        let total = self.value(a).data().iter().copied().sum();
        let mut out = self.output_buffer(1, 1);
        out.data_mut()[0] = total;
        self.record(out, Op::Sum(a))
    }

    /// The mean of all elements, as a 1×1 tensor.
    pub fn mean(&mut self, a: Var) -> Var {
        let input = self.value(a);
        let mean = input.data().iter().copied().sum::<T>() / T::from_usize(input.len());
        let mut out = self.output_buffer(1, 1);
        out.data_mut()[0] = mean;
        self.record(out, Op::Mean(a))
    }

    /// Sums along `axis`: m×n → 1×n for [`Axis::Rows`], m×1 for [`Axis::Cols`].
    pub fn sum_axis(&mut self, a: Var, axis: Axis) -> Var {
        let out = self.reduce_axis(a, axis, T::ONE);
        self.record(out, Op::SumAxis(a, axis))
    }

    /// Means along `axis`: m×n → 1×n for [`Axis::Rows`], m×1 for [`Axis::Cols`].
    pub fn mean_axis(&mut self, a: Var, axis: Axis) -> Var {
        let scale = T::ONE / T::from_usize(axis.length_of(self.value(a)));
        let out = self.reduce_axis(a, axis, scale);
        self.record(out, Op::MeanAxis(a, axis))
    }

    /// `scale` × the sums along `axis`.
    fn reduce_axis(&mut self, a: Var, axis: Axis, scale: T) -> Tensor<T> {
        let (rows, cols) = self.value(a).shape();
        let mut out = match axis {
            Axis::Rows => self.output_buffer(1, cols),
            Axis::Cols => self.output_buffer(rows, 1),
        };
        let sums = out.data_mut();
        for (r, row) in self.value(a).data().chunks_exact(cols.max(1)).enumerate() {
            match axis {
                Axis::Rows => sums.iter_mut().zip(row).for_each(|(s, &x)| *s += x),
                Axis::Cols => sums[r] = row.iter().copied().sum(),
            }
        }
        sums.iter_mut().for_each(|s| *s *= scale);
        out
    }
}

/// ∂loss/∂A[i,j] += scale·ḡ for a 1×1 sum (scale 1) or mean (scale 1/(m·n)).
pub(crate) fn sum_backward<T: Real>(
    a: Var,
    scale: T,
    upstream: &[T],
    parents: &mut ParentGrads<'_, T>,
) {
    let Some(grad_a) = parents.of(a) else { return };
    let g = upstream[0] * scale;
    grad_a.iter_mut().for_each(|ga| *ga += g);
}

/// ∂loss/∂A[i,j] += scale·ḡ[j] (along rows) or scale·ḡ[i] (along columns).
pub(crate) fn sum_axis_backward<T: Real>(
    graph: &Graph<T>,
    a: Var,
    axis: Axis,
    scale: T,
    upstream: &[T],
    parents: &mut ParentGrads<'_, T>,
) {
    let cols = graph.value(a).cols();
    let Some(grad_a) = parents.of(a) else { return };
    for (r, grad_row) in grad_a.chunks_exact_mut(cols.max(1)).enumerate() {
        match axis {
            Axis::Rows => {
                for (ga, &g) in grad_row.iter_mut().zip(upstream) {
                    *ga += scale * g;
                }
            }
            Axis::Cols => {
                let g = scale * upstream[r];
                grad_row.iter_mut().for_each(|ga| *ga += g);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reductions_golden_values() {
        let mut g = Graph::<f64>::new();
        let a = g.input(Tensor::from_vec(2, 3, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).unwrap());
        let total = g.sum(a);
        let mean = g.mean(a);
        let column_sums = g.sum_axis(a, Axis::Rows);
        let row_means = g.mean_axis(a, Axis::Cols);
        assert_eq!(g.value(total).item(), 21.0);
        assert_eq!(g.value(mean).item(), 3.5);
        assert_eq!(g.value(column_sums).shape(), (1, 3));
        assert_eq!(g.value(column_sums).data(), &[5.0, 7.0, 9.0]);
        assert_eq!(g.value(row_means).shape(), (2, 1));
        assert_eq!(g.value(row_means).data(), &[2.0, 5.0]);
    }
}
