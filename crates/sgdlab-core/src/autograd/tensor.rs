//! A dense, row-major, two-dimensional array of reals.
//!
//! Every value in the autograd is a matrix: a scalar is 1×1, a row vector
//! 1×n, a column vector n×1, a minibatch of B examples with n features B×n.
//! Element (r, c) lives at `data[r * cols + c]`.

use crate::Real;
use std::fmt;

/// A rows × cols matrix stored row by row.
#[derive(Clone, Debug, PartialEq)]
pub struct Tensor<T> {
    rows: usize,
    cols: usize,
    data: Vec<T>,
}

/// The data handed to [`Tensor::from_vec`] does not fill the requested shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShapeError {
    pub rows: usize,
    pub cols: usize,
    /// How many values were given.
    pub len: usize,
}

impl fmt::Display for ShapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.rows.checked_mul(self.cols) {
            Some(needed) => write!(
                f,
                "a {}×{} tensor needs {needed} values (rows × cols), got {}",
                self.rows, self.cols, self.len
            ),
            None => write!(
                f,
                "a {}×{} tensor is too large to store; rows × cols must fit in memory",
                self.rows, self.cols
            ),
        }
    }
}

impl std::error::Error for ShapeError {}

impl<T: Real> Tensor<T> {
    /// A rows × cols tensor of zeros.
    pub fn zeros(rows: usize, cols: usize) -> Self {
        Self::filled(rows, cols, T::ZERO)
    }

    /// A rows × cols tensor with every element equal to `value`.
    pub fn filled(rows: usize, cols: usize, value: T) -> Self {
        let len = rows
            .checked_mul(cols)
            .unwrap_or_else(|| panic!("a {rows}×{cols} tensor is too large"));
        Self {
            rows,
            cols,
            data: vec![value; len],
        }
    }

    /// A 1×1 tensor.
    pub fn scalar(value: T) -> Self {
        Self {
            rows: 1,
            cols: 1,
            data: vec![value],
        }
    }

    /// A rows × cols tensor from its elements in row-major order.
    ///
    /// Fails when `data.len() != rows * cols`.
    pub fn from_vec(rows: usize, cols: usize, data: Vec<T>) -> Result<Self, ShapeError> {
        if rows.checked_mul(cols) != Some(data.len()) {
            return Err(ShapeError {
                rows,
                cols,
                len: data.len(),
            });
        }
        Ok(Self { rows, cols, data })
    }

    /// A 1×n row vector.
    pub fn row_vector(data: Vec<T>) -> Self {
        Self {
            rows: 1,
            cols: data.len(),
            data,
        }
    }

    /// An n×1 column vector.
    pub fn column_vector(data: Vec<T>) -> Self {
        Self {
            rows: data.len(),
            cols: 1,
            data,
        }
    }

    /// A rows × cols tensor whose element (r, c) is `element(r, c)`.
    pub fn from_fn(rows: usize, cols: usize, mut element: impl FnMut(usize, usize) -> T) -> Self {
        let mut data = Vec::with_capacity(rows * cols);
        for r in 0..rows {
            for c in 0..cols {
                data.push(element(r, c));
            }
        }
        Self { rows, cols, data }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    /// `(rows, cols)`.
    pub fn shape(&self) -> (usize, usize) {
        (self.rows, self.cols)
    }

    /// The number of elements, rows × cols.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The elements in row-major order.
    pub fn data(&self) -> &[T] {
        &self.data
    }

    /// The elements in row-major order, for writing in place.
    pub fn data_mut(&mut self) -> &mut [T] {
        &mut self.data
    }

    /// The elements in row-major order, without copying.
    pub fn into_vec(self) -> Vec<T> {
        self.data
    }

    /// Element (row, col). Panics when out of range.
    pub fn get(&self, row: usize, col: usize) -> T {
        assert!(
            row < self.rows && col < self.cols,
            "element ({row}, {col}) is outside a {}×{} tensor",
            self.rows,
            self.cols
        );
        self.data[row * self.cols + col]
    }

    /// Row `row` as a slice. Panics when out of range.
    pub fn row(&self, row: usize) -> &[T] {
        assert!(
            row < self.rows,
            "row {row} is outside a {}×{} tensor",
            self.rows,
            self.cols
        );
        &self.data[row * self.cols..(row + 1) * self.cols]
    }

    /// The value of a 1×1 tensor. Panics on any other shape.
    pub fn item(&self) -> T {
        assert!(
            self.shape() == (1, 1),
            "item() needs a 1×1 tensor, this one is {}×{}",
            self.rows,
            self.cols
        );
        self.data[0]
    }

    /// Turns this tensor into rows × cols zeros, reusing its allocation.
    pub(crate) fn reset_to_zeros(&mut self, rows: usize, cols: usize) {
        self.rows = rows;
        self.cols = cols;
        self.data.clear();
        self.data.resize(rows * cols, T::ZERO);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_vec_checks_the_shape() {
        let t = Tensor::from_vec(2, 3, vec![1.0_f64, 2.0, 3.0, 4.0, 5.0, 6.0]).unwrap();
        assert_eq!(t.shape(), (2, 3));
        assert_eq!(t.get(1, 0), 4.0);
        assert_eq!(t.row(1), &[4.0, 5.0, 6.0]);

        let err = Tensor::from_vec(2, 3, vec![1.0_f64; 5]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a 2×3 tensor needs 6 values (rows × cols), got 5"
        );
        let err = Tensor::<f64>::from_vec(usize::MAX, 2, vec![]).unwrap_err();
        assert!(err.to_string().contains("too large"), "{err}");
    }

    #[test]
    fn constructors_give_the_documented_shapes() {
        assert_eq!(Tensor::<f32>::zeros(3, 2).data(), &[0.0; 6]);
        assert_eq!(Tensor::scalar(2.5_f64).item(), 2.5);
        assert_eq!(Tensor::row_vector(vec![1.0_f64, 2.0]).shape(), (1, 2));
        assert_eq!(Tensor::column_vector(vec![1.0_f64, 2.0]).shape(), (2, 1));
        let t = Tensor::from_fn(2, 2, |r, c| (10 * r + c) as f64);
        assert_eq!(t.data(), &[0.0, 1.0, 10.0, 11.0]);
    }
}
