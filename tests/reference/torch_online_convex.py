"""Reddi et al.'s online problems on [-1, 1], run with torch.optim in float64.

`crates/sgdlab-core/tests/online_convex_golden.rs` runs the same cases with
`sgdlab_core::online_convex` and compares every number below.

Each round t = 1..T: the loss is g_t * x; each racer pays g_t * x_t, its
optimizer steps with gradient g_t and lr = alpha / sqrt(t) (set on the param
group before the step), and x is clamped to [-1, 1]. Adam and AMSGrad are
torch.optim.Adam (amsgrad False / True, eps 1e-8); SGD is torch.optim.SGD.
The regret is sum_t g_t x_t + |sum_t g_t| (the best fixed point in
hindsight is -sign(sum_t g_t)).

Every result is written as the string `repr(value)`, which Rust's
`str::parse::<f64>` reads back exactly (serde_json's default float parser
can be an ulp off on 17-digit numbers, which would hide a bit-exact match).

The stochastic problem replays the engine's own draws: the rounds with slope
1010 come from `experiments_a_inputs.json`, written by
`cargo run -p sgdlab-core --example export_reference_inputs`.

Regenerate (PyTorch from PyPI, CPU):
    python3 -m venv .venv && .venv/bin/pip install torch
    .venv/bin/python tests/reference/torch_online_convex.py
"""

import json
import math
import os

import torch

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))

# Rounds at which the trajectory is stored (those up to T).
CHECKPOINTS = [1, 2, 3, 4, 10, 100, 1000, 10000]


def exact(value):
    return repr(float(value))


def periodic(c):
    return lambda t: c if t % 3 == 1 else -1.0


def synthetic(t):
    return 1010.0 if t % 101 == 1 else -10.0


def replay(rare_rounds):
    rare = set(rare_rounds)
    return lambda t: 1010.0 if t in rare else -10.0


def make_optimizer(name, x, beta1, beta2):
    if name == "sgd":
        return torch.optim.SGD([x], lr=0.0)
    return torch.optim.Adam([x], lr=0.0, betas=(beta1, beta2), amsgrad=(name == "amsgrad"))


def run(slope, alpha, beta1, beta2, steps, start):
    runs = []
    for name in ["adam", "amsgrad", "sgd"]:
        x = torch.nn.Parameter(torch.tensor([start]))
        optimizer = make_optimizer(name, x, beta1, beta2)
        paid = 0.0
        slope_sum = 0.0
        trajectory = []
        for t in range(1, steps + 1):
            g = slope(t)
            slope_sum += g
            paid += g * x.item()
            for group in optimizer.param_groups:
                group["lr"] = alpha / math.sqrt(t)
            x.grad = torch.tensor([g])
            optimizer.step()
            with torch.no_grad():
                x.clamp_(-1.0, 1.0)
            if t in CHECKPOINTS or t == steps:
                trajectory.append({"step": t, "x": exact(x.item())})
        regret = paid + abs(slope_sum)
        runs.append(
            {
                "optimizer": name,
                "final_x": exact(x.item()),
                "regret": exact(regret),
                "average_regret": exact(regret / steps),
                "trajectory": trajectory,
            }
        )
    best_point = 1.0 if slope_sum < 0 else -1.0
    return best_point, runs


def main():
    with open(os.path.join(HERE, "experiments_a_inputs.json")) as f:
        inputs = json.load(f)
    cases = [
        # (problem, C, alpha, beta1, beta2, steps, start, seed)
        ("periodic", 3.0, 0.1, None, None, 30000, 0.0, 0),
        ("periodic", 2.5, 0.05, None, None, 10000, 0.0, 0),
        ("periodic", 5.0, 0.2, None, None, 20000, 0.5, 0),
        ("periodic", 10.0, 0.1, None, None, 5000, 1.0, 0),
        ("periodic", 3.0, 0.1, 0.9, 0.999, 30000, 0.0, 0),
        ("periodic", 4.0, 0.5, 0.5, 0.05, 3000, -0.5, 0),
        ("synthetic", 3.0, 0.1, None, None, 20000, 0.0, 0),
        ("synthetic", 3.0, 1.0, 0.9, 0.999, 10000, 1.0, 0),
    ]
    for case in inputs["online_convex_stochastic"]:
        cases.append(("stochastic", 3.0, 0.1, None, None, case["steps"], 0.0, case["seed"]))
    rare_by_seed = {
        (c["seed"], c["steps"]): c["rare_rounds"] for c in inputs["online_convex_stochastic"]
    }
    out = []
    for problem, c, alpha, beta1, beta2, steps, start, seed in cases:
        # The paper's betas when the case leaves them out.
        paper = (0.0, 1.0 / (1.0 + c * c)) if problem == "periodic" else (0.9, 0.99)
        b1 = paper[0] if beta1 is None else beta1
        b2 = paper[1] if beta2 is None else beta2
        if problem == "periodic":
            slope = periodic(c)
        elif problem == "synthetic":
            slope = synthetic
        else:
            slope = replay(rare_by_seed[(seed, steps)])
        best_point, runs = run(slope, alpha, b1, b2, steps, start)
        out.append(
            {
                "config": {
                    "problem": problem,
                    "c": c,
                    "alpha": alpha,
                    "beta1": beta1,
                    "beta2": beta2,
                    "steps": steps,
                    "start": start,
                    "seed": seed,
                },
                "beta1": exact(b1),
                "beta2": exact(b2),
                "best_point": exact(best_point),
                "runs": runs,
            }
        )
        print(problem, c, alpha, b1, b2, steps, [(r["optimizer"], r["final_x"]) for r in runs])
    meta = {"torch_version": torch.__version__, "cases": out}
    with open(os.path.join(HERE, "torch_online_convex.json"), "w") as f:
        json.dump(meta, f, indent=1)


if __name__ == "__main__":
    main()
