//! Linear least squares by Householder QR, optionally with a ridge penalty.
//!
//! ```text
//! minimise ½·‖Φw − t‖² + (λ/2)·‖w‖²       Φ: N×P, t: N, λ ≥ 0
//!    ⇔  minimise ½·‖A·w − b‖²,   A = [Φ; √λ·I] ((N+P)×P),  b = [t; 0]
//! A = Q·R  (Householder: P reflections Hₖ = I − 2vₖvₖᵀ/(vₖᵀvₖ))
//! w = R⁻¹·(Qᵀb)[0..P]                        back substitution
//! ```
//!
//! QR works on A itself, so the error grows with the condition number
//! κ(A), not with κ(A)² as solving the normal equations (ΦᵀΦ + λI)w = Φᵀt
//! would: Gaussian bases overlap heavily and monomials on [0, 1] are
//! notoriously ill-conditioned, so that square matters. Stacking √λ·I under
//! Φ turns ridge regression into an ordinary least-squares problem with the
//! same minimiser (‖A·w − b‖² = ‖Φw − t‖² + λ‖w‖²).
//!
//! **Rank deficiency.** Without a penalty and with repeated inputs, a
//! column may be (numerically) a combination of earlier ones: its diagonal
//! entry of R is then at rounding level. Such coefficients, |Rₖₖ| ≤
//! 10⁻¹²·maxⱼ|Rⱼⱼ|, are set to 0 and the rest solved without them, which
//! keeps every result finite. The configs keep P ≤ N, so this happens only
//! for inputs that coincide.

/// Reusable buffers for problems of up to `rows × cols`.
#[derive(Clone, Debug)]
pub struct LeastSquares {
    max_rows: usize,
    max_cols: usize,
    /// A, row-major; overwritten by R (on and above the diagonal) and the
    /// Householder vectors (below it).
    matrix: Vec<f64>,
    /// b, overwritten by Qᵀb.
    rhs: Vec<f64>,
    rows: usize,
    cols: usize,
}

/// Diagonal entries of R this small relative to the largest mark a
/// dependent column.
const RANK_TOLERANCE: f64 = 1e-12;

impl LeastSquares {
    /// Buffers for up to `max_rows` equations in `max_cols` unknowns (the
    /// penalty rows count: N + P for ridge).
    pub fn new(max_rows: usize, max_cols: usize) -> Self {
        Self {
            max_rows,
            max_cols,
            matrix: vec![0.0; max_rows * max_cols],
            rhs: vec![0.0; max_rows],
            rows: 0,
            cols: 0,
        }
    }

    /// Starts a problem with `cols` unknowns and, when `ridge` is positive,
    /// the penalty rows √λ·I; then add the data rows with
    /// [`push_row`](Self::push_row) and call [`solve`](Self::solve).
    pub fn start(&mut self, cols: usize, ridge: f64) {
        assert!(
            cols <= self.max_cols,
            "{cols} unknowns, room for {}",
            self.max_cols
        );
        self.cols = cols;
        self.rows = 0;
        if ridge > 0.0 {
            let root = ridge.sqrt();
            for k in 0..cols {
                let row = self.next_row();
                row.fill(0.0);
                row[k] = root;
                self.rhs[self.rows - 1] = 0.0;
            }
        }
    }

    fn next_row(&mut self) -> &mut [f64] {
        assert!(self.rows < self.max_rows, "room for {} rows", self.max_rows);
        let (start, cols) = (self.rows * self.cols, self.cols);
        self.rows += 1;
        &mut self.matrix[start..start + cols]
    }

    /// Adds the equation features·w ≈ target (one value per unknown).
    pub fn push_row(&mut self, features: &[f64], target: f64) {
        let row = self.next_row();
        row.copy_from_slice(features);
        self.rhs[self.rows - 1] = target;
    }

    /// Writes the minimiser into `solution` (length `cols`).
    pub fn solve(&mut self, solution: &mut [f64]) {
        let (rows, cols) = (self.rows, self.cols);
        let a = &mut self.matrix[..rows * cols];
        let b = &mut self.rhs[..rows];
        for k in 0..cols.min(rows) {
            let norm = (k..rows)
                .map(|i| a[i * cols + k] * a[i * cols + k])
                .sum::<f64>()
                .sqrt();
            if norm == 0.0 {
                continue;
            }
            // Reflect the column onto −sign(aₖₖ)·norm·eₖ, which never cancels.
            let diagonal = a[k * cols + k];
            let alpha = if diagonal > 0.0 { -norm } else { norm };
            a[k * cols + k] = diagonal - alpha;
            let v_norm2 = (k..rows)
                .map(|i| a[i * cols + k] * a[i * cols + k])
                .sum::<f64>();
            for j in k + 1..cols {
                let dot = (k..rows)
                    .map(|i| a[i * cols + k] * a[i * cols + j])
                    .sum::<f64>();
                let factor = 2.0 * dot / v_norm2;
                for i in k..rows {
                    a[i * cols + j] -= factor * a[i * cols + k];
                }
            }
            let dot = (k..rows).map(|i| a[i * cols + k] * b[i]).sum::<f64>();
            let factor = 2.0 * dot / v_norm2;
            for i in k..rows {
                b[i] -= factor * a[i * cols + k];
            }
            a[k * cols + k] = alpha;
        }
        let largest = (0..cols.min(rows))
            .map(|k| a[k * cols + k].abs())
            .fold(0.0, f64::max);
        let tolerance = RANK_TOLERANCE * largest;
        for k in (0..cols).rev() {
            let pivot = if k < rows { a[k * cols + k] } else { 0.0 };
            solution[k] = if pivot.abs() > tolerance && pivot != 0.0 {
                let known = (k + 1..cols)
                    .map(|j| a[k * cols + j] * solution[j])
                    .sum::<f64>();
                (b[k] - known) / pivot
            } else {
                0.0
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Solves by the normal equations in exact-enough arithmetic for a
    /// well-conditioned 3×3 system.
    fn normal_equations(rows: &[[f64; 3]], targets: &[f64], ridge: f64) -> [f64; 3] {
        let mut m = [[0.0; 3]; 3];
        let mut r = [0.0; 3];
        for (row, &t) in rows.iter().zip(targets) {
            for a in 0..3 {
                r[a] += row[a] * t;
                for b in 0..3 {
                    m[a][b] += row[a] * row[b];
                }
            }
        }
        for (a, row) in m.iter_mut().enumerate() {
            row[a] += ridge;
        }
        // Cramer's rule.
        let det = |m: [[f64; 3]; 3]| {
            m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
                - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        };
        let d = det(m);
        [0, 1, 2].map(|c| {
            let mut replaced = m;
            for a in 0..3 {
                replaced[a][c] = r[a];
            }
            det(replaced) / d
        })
    }

    #[test]
    fn matches_the_normal_equations_with_and_without_a_penalty() {
        let rows = [
            [1.0, 0.5, -1.0],
            [1.0, -0.3, 2.0],
            [1.0, 1.2, 0.1],
            [1.0, 0.0, 0.7],
            [1.0, -1.5, -0.4],
        ];
        let targets = [0.3, -1.0, 2.2, 0.5, -0.8];
        for ridge in [0.0, 0.1, 5.0] {
            let mut ls = LeastSquares::new(8, 3);
            ls.start(3, ridge);
            for (row, &t) in rows.iter().zip(&targets) {
                ls.push_row(row, t);
            }
            let mut w = [0.0; 3];
            ls.solve(&mut w);
            let expected = normal_equations(&rows, &targets, ridge);
            for k in 0..3 {
                assert!(
                    (w[k] - expected[k]).abs() < 1e-12,
                    "λ={ridge}: {w:?} vs {expected:?}"
                );
            }
        }
    }

    #[test]
    fn an_exact_fit_is_recovered_to_rounding() {
        // t = 2 − x + 3x² on five points.
        let mut ls = LeastSquares::new(5, 3);
        ls.start(3, 0.0);
        for x in [-1.0, -0.5, 0.0, 0.5, 1.0_f64] {
            ls.push_row(&[1.0, x, x * x], 2.0 - x + 3.0 * x * x);
        }
        let mut w = [0.0; 3];
        ls.solve(&mut w);
        assert!(
            (w[0] - 2.0).abs() < 1e-14 && (w[1] + 1.0).abs() < 1e-14 && (w[2] - 3.0).abs() < 1e-14
        );
    }

    #[test]
    fn dependent_columns_give_finite_coefficients() {
        // The second column repeats the first.
        let mut ls = LeastSquares::new(3, 2);
        ls.start(2, 0.0);
        for (x, t) in [(1.0, 2.0), (2.0, 4.1), (3.0, 5.9)] {
            ls.push_row(&[x, x], t);
        }
        let mut w = [f64::NAN; 2];
        ls.solve(&mut w);
        assert!(w.iter().all(|v| v.is_finite()), "{w:?}");
        // The fit itself is the least-squares line through the origin.
        let slope = (2.0 + 8.2 + 17.7) / 14.0;
        assert!((w[0] + w[1] - slope).abs() < 1e-12, "{w:?}");
    }
}
