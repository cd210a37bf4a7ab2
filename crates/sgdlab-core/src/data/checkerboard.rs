//! A 4×4 checkerboard of alternating squares over [−1, 1]².
//!
//! ```text
//! cell (i, j), i, j ∈ {0, 1, 2, 3}, covers [−1 + i/2, −1 + (i+1)/2) × [−1 + j/2, −1 + (j+1)/2)
//! class of cell (i, j) = (i + j) mod 2
//! a point of class c: a cell of colour c chosen uniformly, then uᵢ ~ U[0, 1)
//! x = (−1 + (i + u₁)/2,  −1 + (j + u₂)/2) + N(0, σ²I)
//! ```
//!
//! Sixteen regions with straight edges: easy for ReLU units to carve, hard
//! for a narrow network, and quick to blur with noise.

use super::Dataset;
use crate::SeededRng;

/// Cells along each side of the board.
pub const CELLS_PER_SIDE: usize = 4;

/// `samples` clean points; point i has class i mod 2.
pub(crate) fn clean_points(samples: usize, rng: &mut SeededRng) -> Dataset {
    let cell = 2.0 / CELLS_PER_SIDE as f64;
    let mut data = Dataset::with_capacity(2, samples);
    for i in 0..samples {
        let class = i % 2;
        let column = rng.below(CELLS_PER_SIDE);
        // Rows of the right colour in this column: those with row ≡ column + class (mod 2).
        let row = 2 * rng.below(CELLS_PER_SIDE / 2) + (column + class) % 2;
        let x = -1.0 + cell * (column as f64 + rng.uniform());
        let y = -1.0 + cell * (row as f64 + rng.uniform());
        data.push([x, y], class);
    }
    data
}

/// The class of the cell holding `point` (for points inside [−1, 1]²).
pub fn class_at(point: [f64; 2]) -> usize {
    let cell =
        |v: f64| (((v + 1.0) * CELLS_PER_SIDE as f64 / 2.0) as usize).min(CELLS_PER_SIDE - 1);
    (cell(point[0]) + cell(point[1])) % 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_clean_point_lies_in_a_cell_of_its_colour() {
        let mut rng = SeededRng::new(3);
        let data = clean_points(2000, &mut rng);
        for (point, &label) in data.features.iter().zip(&data.labels) {
            assert_eq!(class_at(*point), label, "{point:?}");
        }
        // All sixteen cells are used.
        let mut used = [false; 16];
        for p in &data.features {
            let cell = |v: f64| ((v + 1.0) * 2.0) as usize;
            used[cell(p[0]) * 4 + cell(p[1])] = true;
        }
        assert!(used.iter().all(|&u| u));
    }
}
