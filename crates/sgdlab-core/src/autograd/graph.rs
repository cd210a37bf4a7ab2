//! The tape: every value computed so far, how it was computed, and the
//! backward pass that walks the tape in reverse.
//!
//! ```text
//! forward:   node k = op_k(parents of k)             k = 0, 1, 2, …, loss
//! backward:  ḡ_loss = 1
//!            ḡ_p   += (∂ node_k / ∂ node_p)ᵀ ḡ_k      for k = loss, …, 1, 0
//!                                                    and every parent p of k
//! ```
//!
//! Parents are always recorded before their children, so walking the node
//! indices downwards visits every node after all of its consumers: by the
//! time node k is reached its gradient ḡ_k is complete.

use super::Tensor;
use super::elementwise::{self, Binary, Unary};
use super::linalg;
use super::loss;
use super::reduce::{self, Axis};
use crate::Real;

/// A handle to a value recorded on a [`Graph`] (an index into its tape).
///
/// A `Var` is only meaningful on the graph that made it, and only until that
/// graph is [cleared](Graph::clear).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Var(pub(crate) usize);

/// How a node's value was computed from earlier nodes.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Op<T> {
    /// An input or a parameter: given, not computed.
    Leaf,
    Unary(Var, Unary<T>),
    Binary(Var, Var, Binary),
    MatMul(Var, Var),
    Transpose(Var),
    AddRow(Var, Var),
    Sum(Var),
    Mean(Var),
    SumAxis(Var, Axis),
    MeanAxis(Var, Axis),
    /// The labels are `graph.labels[labels_at..labels_at + rows of logits]`.
    SoftmaxCrossEntropy {
        logits: Var,
        labels_at: usize,
    },
    Mse(Var, Var),
}

impl<T> Op<T> {
    /// The nodes this one was computed from (at most two).
    fn parents(&self) -> [Option<Var>; 2] {
        match *self {
            Op::Leaf => [None, None],
            Op::Unary(a, _)
            | Op::Transpose(a)
            | Op::Sum(a)
            | Op::Mean(a)
            | Op::SumAxis(a, _)
            | Op::MeanAxis(a, _)
            | Op::SoftmaxCrossEntropy { logits: a, .. } => [Some(a), None],
            Op::Binary(a, b, _) | Op::MatMul(a, b) | Op::AddRow(a, b) | Op::Mse(a, b) => {
                [Some(a), Some(b)]
            }
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Node<T> {
    pub(crate) value: Tensor<T>,
    pub(crate) op: Op<T>,
    /// True for parameters and for everything computed from one: the nodes
    /// the backward pass must visit.
    pub(crate) requires_grad: bool,
}

/// A tape of tensor operations that can be differentiated in reverse mode.
///
/// Build a computation with the op methods (`add`, `matmul`, `relu`,
/// `softmax_cross_entropy`, …), each of which computes its value at once and
/// records how; then call [`backward`](Graph::backward) on a 1×1 result.
///
/// A training loop should keep one graph and [`clear`](Graph::clear) it each
/// step: the tensors of the previous step are then reused instead of
/// allocated again.
#[derive(Clone, Debug)]
pub struct Graph<T> {
    /// `nodes[..len]` is the live tape. Nodes past `len` are left over from
    /// before the last `clear` and only lend their allocations.
    nodes: Vec<Node<T>>,
    len: usize,
    /// The class labels of every `softmax_cross_entropy` on the tape.
    pub(crate) labels: Vec<usize>,
}

impl<T: Real> Default for Graph<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Real> Graph<T> {
    pub fn new() -> Self {
        Self {
            nodes: Vec::new(),
            len: 0,
            labels: Vec::new(),
        }
    }

    /// Forgets every node, keeping the memory for the next computation.
    /// Every `Var` of this graph becomes meaningless.
    pub fn clear(&mut self) {
        self.len = 0;
        self.labels.clear();
    }

    /// The number of nodes on the tape.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Records a constant (data, targets): no gradient flows into it.
    pub fn input(&mut self, value: Tensor<T>) -> Var {
        self.push(value, Op::Leaf, false)
    }

    /// Records a parameter: [`Gradients`] will hold ∂loss/∂parameter.
    pub fn param(&mut self, value: Tensor<T>) -> Var {
        self.push(value, Op::Leaf, true)
    }

    /// The value of a recorded node.
    pub fn value(&self, var: Var) -> &Tensor<T> {
        &self.node(var).value
    }

    pub(crate) fn node(&self, var: Var) -> &Node<T> {
        assert!(
            var.0 < self.len,
            "Var {} is not on this graph (it has {} nodes; was it cleared?)",
            var.0,
            self.len
        );
        &self.nodes[var.0]
    }

    /// A rows × cols tensor of zeros for the next node's value, reusing the
    /// allocation of whichever node stood at that position before a `clear`.
    pub(crate) fn output_buffer(&mut self, rows: usize, cols: usize) -> Tensor<T> {
        let mut buffer = match self.nodes.get_mut(self.len) {
            Some(old) => std::mem::replace(&mut old.value, Tensor::zeros(0, 0)),
            None => Tensor::zeros(0, 0),
        };
        buffer.reset_to_zeros(rows, cols);
        buffer
    }

    /// Appends a computed node; it needs a gradient when any parent does.
    pub(crate) fn record(&mut self, value: Tensor<T>, op: Op<T>) -> Var {
        let requires_grad = op
            .parents()
            .into_iter()
            .flatten()
            .any(|parent| self.node(parent).requires_grad);
        self.push(value, op, requires_grad)
    }

    fn push(&mut self, value: Tensor<T>, op: Op<T>, requires_grad: bool) -> Var {
        let node = Node {
            value,
            op,
            requires_grad,
        };
        if self.len < self.nodes.len() {
            self.nodes[self.len] = node;
        } else {
            self.nodes.push(node);
        }
        self.len += 1;
        Var(self.len - 1)
    }

    /// ∂loss/∂p for every parameter p the loss was computed from.
    ///
    /// `loss` must be 1×1 (a programmer error otherwise).
    pub fn backward(&self, loss: Var) -> Gradients<T> {
        let mut gradients = Gradients::new();
        self.backward_into(loss, &mut gradients);
        gradients
    }

    /// Like [`backward`](Graph::backward), but writes into `gradients`,
    /// reusing its memory; a training loop calls this every step.
    pub fn backward_into(&self, loss: Var, gradients: &mut Gradients<T>) {
        let loss_node = self.node(loss);
        assert!(
            loss_node.value.shape() == (1, 1),
            "backward needs a 1×1 loss, this one is {}×{}",
            loss_node.value.rows(),
            loss_node.value.cols()
        );
        let live = &self.nodes[..=loss.0];
        gradients.prepare(live);
        if !loss_node.requires_grad {
            return; // no parameter reaches the loss
        }
        gradients.tensors[loss.0].data_mut()[0] = T::ONE;
        gradients.reached[loss.0] = true;

        for index in (0..=loss.0).rev() {
            if !gradients.reached[index] {
                continue; // ∂loss/∂node is zero: nothing to pass on
            }
            let (earlier, rest) = gradients.tensors.split_at_mut(index);
            let mut parents = ParentGrads {
                nodes: live,
                grads: earlier,
                reached: &mut gradients.reached[..index],
            };
            self.backward_node(index, rest[0].data(), &mut parents);
        }
    }

    /// Adds node `index`'s contribution to its parents' gradients, given its
    /// own gradient `upstream`. Each op's rule lives beside its forward code.
    fn backward_node(&self, index: usize, upstream: &[T], parents: &mut ParentGrads<'_, T>) {
        let node = &self.nodes[index];
        let output = &node.value;
        match node.op {
            Op::Leaf => {}
            Op::Unary(a, f) => elementwise::unary_backward(self, a, f, output, upstream, parents),
            Op::Binary(a, b, f) => {
                elementwise::binary_backward(self, a, b, f, output, upstream, parents)
            }
            Op::MatMul(a, b) => linalg::matmul_backward(self, a, b, upstream, parents),
            Op::Transpose(a) => linalg::transpose_backward(self, a, upstream, parents),
            Op::AddRow(a, b) => linalg::add_row_backward(self, a, b, upstream, parents),
            Op::Sum(a) => reduce::sum_backward(a, T::ONE, upstream, parents),
            Op::Mean(a) => {
                let scale = T::ONE / T::from_usize(self.value(a).len());
                reduce::sum_backward(a, scale, upstream, parents)
            }
            Op::SumAxis(a, axis) => {
                reduce::sum_axis_backward(self, a, axis, T::ONE, upstream, parents)
            }
            Op::MeanAxis(a, axis) => {
                let scale = T::ONE / T::from_usize(axis.length_of(self.value(a)));
                reduce::sum_axis_backward(self, a, axis, scale, upstream, parents)
            }
            Op::SoftmaxCrossEntropy { logits, labels_at } => {
                let labels = &self.labels[labels_at..labels_at + self.value(logits).rows()];
                loss::softmax_cross_entropy_backward(self, logits, labels, upstream, parents)
            }
            Op::Mse(a, b) => loss::mse_backward(self, a, b, upstream, parents),
        }
    }
}

/// Write access to the gradients of the nodes before the one being
/// differentiated, for accumulating into its parents.
pub(crate) struct ParentGrads<'a, T> {
    nodes: &'a [Node<T>],
    grads: &'a mut [Tensor<T>],
    reached: &'a mut [bool],
}

impl<T: Real> ParentGrads<'_, T> {
    /// The gradient buffer of `parent` to add into, or `None` when the
    /// parent needs no gradient (an input, or computed only from inputs).
    pub(crate) fn of(&mut self, parent: Var) -> Option<&mut [T]> {
        if !self.nodes[parent.0].requires_grad {
            return None;
        }
        self.reached[parent.0] = true;
        Some(self.grads[parent.0].data_mut())
    }
}

/// The result of a backward pass: ∂loss/∂node for the nodes that need it.
#[derive(Clone, Debug, Default)]
pub struct Gradients<T> {
    /// `tensors[i]` is ∂loss/∂node i when `has[i]`; otherwise a spare buffer.
    tensors: Vec<Tensor<T>>,
    has: Vec<bool>,
    /// Whether any gradient flowed into node i (scratch for the pass).
    reached: Vec<bool>,
}

impl<T: Real> Gradients<T> {
    /// An empty set, to be filled by [`Graph::backward_into`].
    pub fn new() -> Self {
        Self {
            tensors: Vec::new(),
            has: Vec::new(),
            reached: Vec::new(),
        }
    }

    /// ∂loss/∂var, shaped like `var`'s value. `None` when `var` is an input
    /// (or computed from inputs only) or was recorded after the loss. A
    /// parameter the loss does not depend on gets zeros.
    pub fn get(&self, var: Var) -> Option<&Tensor<T>> {
        if *self.has.get(var.0)? {
            Some(&self.tensors[var.0])
        } else {
            None
        }
    }

    /// Zeroed gradient buffers for every node of `live` that needs one.
    fn prepare(&mut self, live: &[Node<T>]) {
        if self.tensors.len() < live.len() {
            self.tensors.resize_with(live.len(), || Tensor::zeros(0, 0));
        }
        self.has.clear();
        self.reached.clear();
        for (node, tensor) in live.iter().zip(&mut self.tensors) {
            if node.requires_grad {
                let (rows, cols) = node.value.shape();
                tensor.reset_to_zeros(rows, cols);
            }
            self.has.push(node.requires_grad);
            self.reached.push(false);
        }
    }
}
