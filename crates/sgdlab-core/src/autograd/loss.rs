//! Losses that reduce a batch to one number: softmax cross-entropy for
//! classification and mean squared error for regression.
//!
//! ```text
//! softmax cross-entropy   Z: B×C logits, labels y₁ … y_B ∈ {0, …, C−1}
//!   lseᵢ = log Σ_c e^(Z[i,c])  =  mᵢ + log Σ_c e^(Z[i,c] − mᵢ),  mᵢ = max_c Z[i,c]
//!   L    = (1/B) Σᵢ (lseᵢ − Z[i,yᵢ])
//!   ∂L/∂Z[i,c] = (softmax(Zᵢ)_c − [c = yᵢ]) / B,   softmax(Zᵢ)_c = e^(Z[i,c] − lseᵢ)
//!
//! mean squared error      P, T: same shape, N elements
//!   L    = (1/N) Σ (P − T)²
//!   ∂L/∂P = 2(P − T)/N      ∂L/∂T = −2(P − T)/N
//! ```
//!
//! Subtracting the row maximum mᵢ before exponentiating keeps every e^(…) in
//! (0, 1], so large logits cannot overflow. This matches
//! `torch.nn.functional.cross_entropy` and `mse_loss` with the default
//! `reduction="mean"`.

use super::elementwise::assert_same_shape;
use super::graph::{Graph, Op, ParentGrads, Var};
use crate::Real;

impl<T: Real> Graph<T> {
    /// The mean softmax cross-entropy of B×C `logits` against one class
    /// label per row, as a 1×1 tensor.
    ///
    /// Panics (a programmer error) unless there is one label per row and
    /// every label is below C.
    pub fn softmax_cross_entropy(&mut self, logits: Var, labels: &[usize]) -> Var {
        let (batch, classes) = self.value(logits).shape();
        assert!(
            labels.len() == batch,
            "softmax_cross_entropy: {batch} rows of logits need {batch} labels, got {}",
            labels.len()
        );
        if let Some(&bad) = labels.iter().find(|&&label| label >= classes) {
            panic!("softmax_cross_entropy: label {bad} is not a class of {classes}");
        }
        let total: T = self
            .value(logits)
            .data()
            .chunks_exact(classes.max(1))
            .zip(labels)
            .map(|(row, &label)| log_sum_exp(row) - row[label])
            .sum();
        let mut out = self.output_buffer(1, 1);
        out.data_mut()[0] = total / T::from_usize(batch);
        let labels_at = self.labels.len();
        self.labels.extend_from_slice(labels);
        self.record(out, Op::SoftmaxCrossEntropy { logits, labels_at })
    }

    /// The mean of the squared differences (pred − target)², as a 1×1 tensor.
    pub fn mse(&mut self, pred: Var, target: Var) -> Var {
        assert_same_shape("mse", self.value(pred), self.value(target));
        let (p, t) = (self.value(pred).data(), self.value(target).data());
        let squares: T = p.iter().zip(t).map(|(&p, &t)| (p - t) * (p - t)).sum();
        let mean = squares / T::from_usize(p.len());
        let mut out = self.output_buffer(1, 1);
        out.data_mut()[0] = mean;
        self.record(out, Op::Mse(pred, target))
    }
}

/// log Σ eˣ over a row, computed stably around the row's maximum.
fn log_sum_exp<T: Real>(row: &[T]) -> T {
    let max = row.iter().copied().fold(-T::INFINITY, T::max);
    if !max.is_finite() {
        return max; // all −∞ gives −∞; any +∞ or NaN passes through
    }
    let sum: T = row.iter().map(|&z| (z - max).exp()).sum();
    max + sum.ln()
}

pub(crate) fn softmax_cross_entropy_backward<T: Real>(
    graph: &Graph<T>,
    logits: Var,
    labels: &[usize],
    upstream: &[T],
    parents: &mut ParentGrads<'_, T>,
) {
    let (batch, classes) = graph.value(logits).shape();
    let z = graph.value(logits).data();
    let Some(grad_logits) = parents.of(logits) else {
        return;
    };
    let g = upstream[0] / T::from_usize(batch);
    let rows = z.chunks_exact(classes.max(1));
    for ((grad_row, row), &label) in grad_logits
        .chunks_exact_mut(classes.max(1))
        .zip(rows)
        .zip(labels)
    {
        let lse = log_sum_exp(row);
        for (c, (gz, &z)) in grad_row.iter_mut().zip(row).enumerate() {
            let one_hot = if c == label { T::ONE } else { T::ZERO };
            *gz += g * ((z - lse).exp() - one_hot);
        }
    }
}

pub(crate) fn mse_backward<T: Real>(
    graph: &Graph<T>,
    pred: Var,
    target: Var,
    upstream: &[T],
    parents: &mut ParentGrads<'_, T>,
) {
    let (p, t) = (graph.value(pred).data(), graph.value(target).data());
    let g = T::TWO * upstream[0] / T::from_usize(p.len());
    if let Some(grad_pred) = parents.of(pred) {
        for ((gp, &p), &t) in grad_pred.iter_mut().zip(p).zip(t) {
            *gp += g * (p - t);
        }
    }
    if let Some(grad_target) = parents.of(target) {
        for ((gt, &p), &t) in grad_target.iter_mut().zip(p).zip(t) {
            *gt -= g * (p - t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::autograd::Tensor;

    #[test]
    fn softmax_cross_entropy_golden_values() {
        // torch.nn.functional.cross_entropy(torch.tensor([[1., 2., 3.]],
        //     dtype=torch.float64, requires_grad=True), torch.tensor([2]))
        // loss 0.40760596444438013; grad softmax − onehot
        let mut g = Graph::<f64>::new();
        let logits = g.param(Tensor::row_vector(vec![1.0, 2.0, 3.0]));
        let loss = g.softmax_cross_entropy(logits, &[2]);
        let expected_loss = libm::log(libm::exp(1.0) + libm::exp(2.0) + libm::exp(3.0)) - 3.0;
        assert!((g.value(loss).item() - expected_loss).abs() < 1e-15);
        assert!((expected_loss - 0.407_605_964_444_380_1).abs() < 1e-15);
        let grads = g.backward(loss);
        let expected = [
            0.090_030_573_170_380_5,
            0.244_728_471_054_797_6,
            -0.334_759_044_225_178_1,
        ];
        for (got, want) in grads.get(logits).unwrap().data().iter().zip(expected) {
            assert!((got - want).abs() < 1e-15, "{got} vs {want}");
        }
    }

    #[test]
    fn softmax_cross_entropy_survives_huge_logits() {
        let mut g = Graph::<f32>::new();
        let logits = g.param(Tensor::from_vec(2, 2, vec![1000.0, -1000.0, 500.0, 900.0]).unwrap());
        let loss = g.softmax_cross_entropy(logits, &[0, 0]);
        // Row 1 is confidently right (loss 0), row 2 confidently wrong (loss 400).
        assert_eq!(g.value(loss).item(), 200.0);
        let grads = g.backward(loss);
        assert_eq!(grads.get(logits).unwrap().data(), &[0.0, 0.0, -0.5, 0.5]);
    }

    #[test]
    fn mse_golden_value() {
        let mut g = Graph::<f64>::new();
        let pred = g.param(Tensor::column_vector(vec![1.0, 2.0, 4.0]));
        let target = g.input(Tensor::column_vector(vec![1.0, 0.0, 1.0]));
        let loss = g.mse(pred, target);
        assert_eq!(g.value(loss).item(), 13.0 / 3.0);
        let grads = g.backward(loss);
        assert_eq!(grads.get(pred).unwrap().data(), &[0.0, 4.0 / 3.0, 2.0]);
        assert!(grads.get(target).is_none());
    }
}
