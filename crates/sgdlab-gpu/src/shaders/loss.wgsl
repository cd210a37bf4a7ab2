// Softmax cross-entropy over a batch of logits, its gradient, and the
// running sums of loss and accuracy that are read back every few steps.
//
//   lseᵢ   = mᵢ + log Σ_c exp(Z[i,c] − mᵢ),   mᵢ = max_c Z[i,c]
//   lossᵢ  = lseᵢ − Z[i,yᵢ]                    L = (1/B) Σᵢ lossᵢ
//   Δ[i,c] = ∂L/∂Z[i,c] = (1/B)·(exp(Z[i,c] − lseᵢ) − [c = yᵢ])
//   correctᵢ = [argmax_c Z[i,c] = yᵢ]          (the first maximum wins ties)
//
// `softmax_cross_entropy` runs one thread per example and leaves (lossᵢ,
// correctᵢ) in `row_stats`; `reduce_metrics`, one workgroup, sums them with
// a tree reduction in workgroup memory and adds the totals to the chosen
// accumulator. Nothing is read back here: the CPU copies the accumulator out
// when it wants to (see src/readback.rs).

struct LossInfo {
    classes: u32,
    pad0: u32,
    pad1: u32,
    pad2: u32,
}

struct RowStat {
    loss: f32,
    correct: u32,
}

struct Accumulator {
    loss_sum: f32,
    correct: u32,
    examples: u32,
    pad: u32,
}

@group(0) @binding(0) var<uniform> info: LossInfo;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> y_batch: array<u32>;
@group(0) @binding(3) var<storage, read_write> delta: array<f32>;
@group(0) @binding(4) var<storage, read_write> row_stats: array<RowStat>;
@group(0) @binding(5) var<storage, read_write> metrics: array<Accumulator>;

@compute @workgroup_size(64)
fn softmax_cross_entropy(@builtin(global_invocation_id) id: vec3<u32>) {
    let i = id.x;
    if i >= this_step.batch_size {
        return;
    }
    let classes = info.classes;
    let row = i * classes;
    let label = y_batch[i];

    var max_logit = logits[row];
    var predicted = 0u;
    for (var c = 1u; c < classes; c++) {
        if logits[row + c] > max_logit {
            max_logit = logits[row + c];
            predicted = c;
        }
    }
    var sum = 0.0;
    for (var c = 0u; c < classes; c++) {
        sum += exp(logits[row + c] - max_logit);
    }
    let lse = max_logit + log(sum);

    let scale = 1.0 / f32(this_step.batch_size);
    for (var c = 0u; c < classes; c++) {
        let one_hot = select(0.0, 1.0, c == label);
        delta[row + c] = scale * (exp(logits[row + c] - lse) - one_hot);
    }
    row_stats[i] = RowStat(lse - logits[row + label], select(0u, 1u, predicted == label));
}

const REDUCE_THREADS: u32 = 256u;
var<workgroup> partial_loss: array<f32, REDUCE_THREADS>;
var<workgroup> partial_correct: array<u32, REDUCE_THREADS>;

@compute @workgroup_size(256)
fn reduce_metrics(@builtin(local_invocation_index) t: u32) {
    var loss = 0.0;
    var correct = 0u;
    for (var i = t; i < this_step.batch_size; i += REDUCE_THREADS) {
        loss += row_stats[i].loss;
        correct += row_stats[i].correct;
    }
    partial_loss[t] = loss;
    partial_correct[t] = correct;
    workgroupBarrier();
    for (var stride = REDUCE_THREADS / 2u; stride > 0u; stride /= 2u) {
        if t < stride {
            partial_loss[t] += partial_loss[t + stride];
            partial_correct[t] += partial_correct[t + stride];
        }
        workgroupBarrier();
    }
    if t == 0u {
        let slot = this_step.metrics_slot;
        metrics[slot].loss_sum += partial_loss[0];
        metrics[slot].correct += partial_correct[0];
        metrics[slot].examples += this_step.batch_size;
    }
}
