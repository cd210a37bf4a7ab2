"""Records torch.optim.lr_scheduler's learning rates for the cases in
crates/sgdlab-core/tests/schedule_golden.rs and prints them as Rust consts.

Run: /work/venv-torch/bin/python tests/reference/torch_schedule_golden.py
and paste the output over the generated block of that test file.
"""

import torch
from torch.optim import SGD
from torch.optim import lr_scheduler as lrs

BASE_LR = 0.1
EPOCHS = 24
# The metric fed to ReduceLROnPlateau each epoch: falls, then stalls, then
# falls a little and stalls again.
METRICS = [1.0, 0.8, 0.7, 0.69, 0.695, 0.7, 0.69, 0.6, 0.6, 0.6, 0.6, 0.61,
           0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]


def optimizer():
    return SGD([torch.zeros(1, dtype=torch.float64, requires_grad=True)], lr=BASE_LR)


def record(make, metrics=None):
    opt = optimizer()
    scheduler = make(opt)
    lrs_seen = [opt.param_groups[0]["lr"]]
    for epoch in range(EPOCHS):
        opt.step()
        if metrics is None:
            scheduler.step()
        else:
            scheduler.step(metrics[epoch])
        lrs_seen.append(opt.param_groups[0]["lr"])
    return lrs_seen


def warmup(inner):
    def make(opt):
        ramp = lrs.LinearLR(opt, start_factor=0.1, total_iters=4)
        return lrs.ChainedScheduler([ramp, inner(opt)])
    return make


CASES = {
    "STEP": lambda o: lrs.StepLR(o, step_size=3, gamma=0.5),
    "MULTI_STEP": lambda o: lrs.MultiStepLR(o, milestones=[2, 5, 5, 9], gamma=0.3),
    "EXPONENTIAL": lambda o: lrs.ExponentialLR(o, gamma=0.9),
    "COSINE": lambda o: lrs.CosineAnnealingLR(o, T_max=10, eta_min=0.001),
    "WARMUP_STEP": warmup(lambda o: lrs.StepLR(o, step_size=6, gamma=0.5)),
    "WARMUP_COSINE": warmup(lambda o: lrs.CosineAnnealingLR(o, T_max=12)),
    "WARMUP_ALONE": lambda o: lrs.LinearLR(o, start_factor=0.1, total_iters=4),
}

PLATEAU_CASES = {
    "PLATEAU_MIN_REL": lambda o: lrs.ReduceLROnPlateau(
        o, mode="min", factor=0.5, patience=2, threshold=0.01, cooldown=1, min_lr=0.01),
    "PLATEAU_MAX_ABS": lambda o: lrs.ReduceLROnPlateau(
        o, mode="max", factor=0.2, patience=1, threshold=0.05, threshold_mode="abs"),
}


def rust_array(name, values):
    body = ", ".join(repr(float(v)) for v in values)
    return f"const {name}: [f64; {len(values)}] = [{body}];"


def main():
    print(f"// Recorded with torch {torch.__version__.split('+')[0]} (CPU, float64).")
    print(rust_array("METRICS", METRICS))
    for name, make in CASES.items():
        print(rust_array(name, record(make)))
    for name, make in PLATEAU_CASES.items():
        # mode max watches an accuracy: feed 1 − loss.
        metrics = METRICS if "MIN" in name else [1.0 - m for m in METRICS]
        print(rust_array(name, record(make, metrics)))


if __name__ == "__main__":
    main()
