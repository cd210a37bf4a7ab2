#!/usr/bin/env python3
"""Golden float64 trajectories from torch.optim, for sgdlab's optimizers.

Writes `torch_optim_golden.json` beside this file. The Rust test
`crates/sgdlab-core/tests/torch_golden.rs` replays every run and compares
every coordinate after every step; CI needs only the JSON, not PyTorch.

    python tests/reference/torch_optim_golden.py   # PyTorch 2.x, CPU is enough

What is recorded:
- `defaults`: each optimizer's default hyperparameters, in sgdlab's names
  (`betas` split into `beta1`/`beta2`; PyTorch's implementation switches
  `foreach`, `fused`, `capturable`, `differentiable` left out).
- `runs`: one per optimizer x flag combination x objective. A run starts at a
  fixed point, feeds the objective's gradient to `opt.step()` for `steps`
  steps and records the parameters after each (row 0 is the start). A run may
  change hyperparameters in `param_groups` after some step, which proves that
  the state carries over. Runs with `maximize` feed the gradient of -f, so
  they climb -f, that is descend f, and stay bounded.
- `errors`: for each optimizer, hyperparameters PyTorch rejects and the exact
  `ValueError` message.

Gradients are written out by hand in plain Python float arithmetic (no
autograd, no transcendental functions), so the Rust test can repeat them
operation for operation and both sides feed the optimizer identical bits.
Floats are stored as strings in Python's shortest round-trip form, so that
they parse back exactly (`str::parse::<f64>` is correctly rounded).
"""

import json
import math
import platform
from pathlib import Path

import torch

torch.set_default_dtype(torch.float64)  # also makes `step`/`mu_product` float64

STEPS = 60

# --- Objectives: gradients only, in plain float arithmetic -----------------


def rosenbrock_grad(p):
    """f = (1 - x)^2 + 100 (y - x^2)^2."""
    x, y = p
    return [
        -2.0 * (1.0 - x) - 400.0 * x * (y - x * x),
        200.0 * (y - x * x),
    ]


def quadratic_grad(p):
    """f = 1/2 [x y] A [x y]^T with A = [[8, 3.5], [3.5, 2]]: eigenvalues
    9.61 and 0.39 (condition number ~25), axes rotated by about 21 degrees."""
    x, y = p
    return [8.0 * x + 3.5 * y, 3.5 * x + 2.0 * y]


def beale_grad(p):
    """f = (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2."""
    x, y = p
    t1 = 1.5 - x + x * y
    t2 = 2.25 - x + x * y * y
    t3 = 2.625 - x + x * y * y * y
    return [
        2.0 * t1 * (y - 1.0) + 2.0 * t2 * (y * y - 1.0) + 2.0 * t3 * (y * y * y - 1.0),
        2.0 * t1 * x + 2.0 * t2 * (2.0 * x * y) + 2.0 * t3 * (3.0 * x * y * y),
    ]


LOG_QUADRATIC_DIAGONAL = [1.0, 2.0, 0.5, 3.0, 0.25]
LOG_QUADRATIC_COUPLING = 0.3


def log_quadratic5_grad(p):
    """f = sum_i log(1 + x_i^2) + 1/2 x^T Q x, Q tridiagonal with diagonal
    [1, 2, 0.5, 3, 0.25] and 0.3 beside it (non-convex where |x_i| > 1)."""
    grad = []
    for i, xi in enumerate(p):
        acc = LOG_QUADRATIC_DIAGONAL[i] * xi
        if i > 0:
            acc = acc + LOG_QUADRATIC_COUPLING * p[i - 1]
        if i < len(p) - 1:
            acc = acc + LOG_QUADRATIC_COUPLING * p[i + 1]
        grad.append(2.0 * xi / (1.0 + xi * xi) + acc)
    return grad


OBJECTIVES = {
    "rosenbrock": (rosenbrock_grad, [-1.2, 1.0]),
    "quadratic": (quadratic_grad, [2.0, -1.5]),
    "beale": (beale_grad, [1.5, 1.2]),
    "log_quadratic5": (log_quadratic5_grad, [1.5, -2.0, 0.5, 3.0, -1.0]),
}

# --- Optimizers ------------------------------------------------------------

TORCH_CLASSES = {
    "sgd": torch.optim.SGD,
    "adagrad": torch.optim.Adagrad,
    "rmsprop": torch.optim.RMSprop,
    "adadelta": torch.optim.Adadelta,
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "adamax": torch.optim.Adamax,
    "nadam": torch.optim.NAdam,
}

IMPLEMENTATION_SWITCHES = {"foreach", "fused", "capturable", "differentiable"}

# SGD is not scale-invariant, so its learning rate depends on the objective.
SGD_LR = {"rosenbrock": 2e-4, "quadratic": 0.02, "beale": 0.01, "log_quadratic5": 0.05}


def case(optimizer, label, config, changes=()):
    return {"optimizer": optimizer, "label": label, "config": config, "changes": list(changes)}


def change(after_step, **settings):
    return {"after_step": after_step, "set": settings}


CASES = [
    # SGD (lr filled in per objective)
    case("sgd", "plain", {}),
    case("sgd", "momentum", {"momentum": 0.9}),
    case("sgd", "momentum_dampening", {"momentum": 0.9, "dampening": 0.5}),
    case("sgd", "nesterov", {"momentum": 0.9, "nesterov": True}),
    case("sgd", "weight_decay", {"weight_decay": 0.1}),
    case("sgd", "nesterov_weight_decay", {"momentum": 0.8, "nesterov": True, "weight_decay": 0.05}),
    case("sgd", "maximize_momentum", {"momentum": 0.5, "maximize": True}),
    case("sgd", "change_momentum", {"momentum": 0.9}, [change(30, momentum=0.5, dampening=0.2)]),
    # Adam
    case("adam", "plain", {"lr": 0.05}),
    case("adam", "amsgrad", {"lr": 0.05, "amsgrad": True}),
    case("adam", "weight_decay", {"lr": 0.05, "weight_decay": 0.1}),
    case("adam", "decoupled_weight_decay", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    case("adam", "maximize", {"lr": 0.05, "maximize": True}),
    case("adam", "unusual_betas_eps", {"lr": 0.05, "beta1": 0.5, "beta2": 0.9, "eps": 1e-3}),
    case("adam", "beta1_zero", {"lr": 0.02, "beta1": 0.0, "beta2": 0.99}),
    case("adam", "amsgrad_slow_betas", {"lr": 0.05, "beta1": 0.95, "beta2": 0.9999, "amsgrad": True, "weight_decay": 0.01}),
    case("adam", "change_lr_beta1", {"lr": 0.05}, [change(30, lr=0.01, beta1=0.5)]),
    # AdamW
    case("adamw", "default_decay", {"lr": 0.05}),
    case("adamw", "amsgrad_weight_decay", {"lr": 0.05, "weight_decay": 0.1, "amsgrad": True}),
    case("adamw", "maximize", {"lr": 0.05, "maximize": True}),
    case("adamw", "change_weight_decay_beta2", {"lr": 0.05}, [change(20, weight_decay=0.2, beta2=0.9)]),
    # RMSprop
    case("rmsprop", "plain", {"lr": 0.01}),
    case("rmsprop", "centered", {"lr": 0.01, "centered": True}),
    case("rmsprop", "momentum", {"lr": 0.01, "momentum": 0.9}),
    case("rmsprop", "centered_momentum", {"lr": 0.01, "momentum": 0.5, "centered": True}),
    case("rmsprop", "weight_decay", {"lr": 0.01, "weight_decay": 0.1}),
    case("rmsprop", "alpha_eps", {"lr": 0.01, "alpha": 0.9, "eps": 1e-4}),
    case("rmsprop", "maximize", {"lr": 0.01, "maximize": True}),
    case("rmsprop", "change_momentum_alpha", {"lr": 0.01, "momentum": 0.5, "centered": True}, [change(30, momentum=0.9, alpha=0.9, lr=0.005)]),
    # Adagrad
    case("adagrad", "plain", {"lr": 0.1}),
    case("adagrad", "lr_decay", {"lr": 0.1, "lr_decay": 0.05}),
    case("adagrad", "initial_accumulator_value", {"lr": 0.1, "initial_accumulator_value": 0.5}),
    case("adagrad", "weight_decay", {"lr": 0.1, "weight_decay": 0.1}),
    case("adagrad", "eps", {"lr": 0.1, "eps": 1e-3}),
    case("adagrad", "maximize", {"lr": 0.1, "maximize": True}),
    case("adagrad", "change_lr_decay", {"lr": 0.1, "lr_decay": 0.01}, [change(30, lr=0.3, lr_decay=0.1)]),
    # Adadelta
    case("adadelta", "plain", {}),
    case("adadelta", "rho", {"lr": 5.0, "rho": 0.5}),
    case("adadelta", "weight_decay", {"lr": 2.0, "weight_decay": 0.1}),
    case("adadelta", "eps", {"lr": 0.5, "eps": 1e-3}),
    case("adadelta", "maximize", {"lr": 2.0, "maximize": True}),
    case("adadelta", "change_rho", {"lr": 2.0}, [change(30, rho=0.6, lr=4.0)]),
    # Adamax
    case("adamax", "plain", {"lr": 0.05}),
    case("adamax", "weight_decay", {"lr": 0.05, "weight_decay": 0.1}),
    case("adamax", "betas", {"lr": 0.05, "beta1": 0.8, "beta2": 0.99}),
    case("adamax", "eps", {"lr": 0.05, "eps": 1e-2}),
    case("adamax", "maximize", {"lr": 0.05, "maximize": True}),
    case("adamax", "change_lr_beta1", {"lr": 0.05}, [change(30, lr=0.02, beta1=0.5)]),
    # NAdam
    case("nadam", "plain", {"lr": 0.05}),
    case("nadam", "weight_decay", {"lr": 0.05, "weight_decay": 0.1}),
    case("nadam", "decoupled_weight_decay", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    case("nadam", "momentum_decay", {"lr": 0.05, "momentum_decay": 0.05}),
    case("nadam", "no_momentum_decay", {"lr": 0.05, "momentum_decay": 0.0}),
    case("nadam", "betas_eps", {"lr": 0.05, "beta1": 0.5, "beta2": 0.9, "eps": 1e-4}),
    case("nadam", "maximize", {"lr": 0.05, "maximize": True}),
    case("nadam", "change_lr_momentum_decay", {"lr": 0.05}, [change(30, lr=0.01, momentum_decay=0.02)]),
]

# Hyperparameters each constructor rejects (sgdlab's names).
BAD_CONFIGS = {
    "sgd": [
        {"lr": -0.1},
        {"momentum": -0.5},
        {"weight_decay": -1e-4},
        {"nesterov": True},
        {"nesterov": True, "momentum": 0.9, "dampening": 0.1},
        {"lr": -1.0, "momentum": -1.0},
    ],
    "adagrad": [
        {"lr": -0.01},
        {"lr_decay": -0.5},
        {"weight_decay": -2.0},
        {"initial_accumulator_value": -1.0},
        {"eps": -1e-10},
        {"lr_decay": -1.0, "eps": -1.0},
    ],
    "rmsprop": [
        {"lr": -1.0},
        {"eps": -1e-8},
        {"momentum": -0.9},
        {"weight_decay": -0.001},
        {"alpha": -0.99},
        {"alpha": -1.0, "momentum": -1.0},
    ],
    "adadelta": [
        {"lr": -1.0},
        {"rho": -0.1},
        {"rho": 1.5},
        {"eps": -1e-6},
        {"weight_decay": -0.1},
    ],
    "adam": [
        {"lr": -0.001},
        {"eps": -1e-8},
        {"beta1": 1.0},
        {"beta1": -0.1},
        {"beta2": 1.0},
        {"beta2": 1.5},
        {"weight_decay": -0.01},
        {"eps": -1.0, "beta1": 2.0},
    ],
    "adamw": [
        {"lr": -0.5},
        {"eps": -0.1},
        {"beta1": 1.0},
        {"beta2": -0.5},
        {"weight_decay": -0.01},
    ],
    "adamax": [
        {"lr": -0.002},
        {"eps": -1e-8},
        {"beta1": 1.25},
        {"beta2": 1.0},
        {"weight_decay": -3.0},
    ],
    "nadam": [
        {"lr": -0.002},
        {"eps": -1e-8},
        {"beta1": 1.0},
        {"beta2": 2.0},
        {"weight_decay": -0.1},
        {"momentum_decay": -0.004},
    ],
}


def torch_kwargs(config):
    """sgdlab's hyperparameter names -> torch.optim keyword arguments."""
    kwargs = {k: v for k, v in config.items() if k not in ("beta1", "beta2")}
    if "beta1" in config or "beta2" in config:
        kwargs["betas"] = (config.get("beta1", 0.9), config.get("beta2", 0.999))
    return kwargs


def apply_change(group, settings):
    for key, value in settings.items():
        if key in ("beta1", "beta2"):
            betas = list(group["betas"])
            betas[0 if key == "beta1" else 1] = value
            group["betas"] = tuple(betas)
        else:
            group[key] = value


def defaults_of(name):
    opt = TORCH_CLASSES[name]([torch.zeros(1, requires_grad=True)])
    out = {}
    for key, value in opt.defaults.items():
        if key in IMPLEMENTATION_SWITCHES:
            continue
        if name == "adamw" and key == "decoupled_weight_decay":
            continue  # always true: AdamW is Adam with decoupled decay
        if key == "betas":
            out["beta1"], out["beta2"] = float(value[0]), float(value[1])
        elif isinstance(value, bool):
            out[key] = value
        else:
            out[key] = float(value)
    return out


def run(c, objective):
    grad_fn, start = OBJECTIVES[objective]
    config = dict(c["config"])
    if c["optimizer"] == "sgd":
        config["lr"] = SGD_LR[objective]
    negate = config.get("maximize", False)
    param = torch.tensor(start, requires_grad=True)
    opt = TORCH_CLASSES[c["optimizer"]]([param], foreach=False, **torch_kwargs(config))
    rows = [param.tolist()]
    for step in range(1, STEPS + 1):
        grad = grad_fn(param.tolist())
        if negate:
            grad = [-g for g in grad]
        param.grad = torch.tensor(grad)
        opt.step()
        rows.append(param.tolist())
        for ch in c["changes"]:
            if ch["after_step"] == step:
                apply_change(opt.param_groups[0], ch["set"])
    for row in rows:
        for value in row:
            assert math.isfinite(value), f"{c['optimizer']}/{c['label']} on {objective} diverged"
    return {
        "name": f"{c['optimizer']}/{c['label']}/{objective}",
        "optimizer": c["optimizer"],
        "objective": objective,
        "config": config,
        "negate_gradient": negate,
        "changes": c["changes"],
        "start": [repr(v) for v in start],
        "trajectory": [[repr(v) for v in row] for row in rows],
    }


def errors_of(name):
    out = []
    for config in BAD_CONFIGS[name]:
        try:
            TORCH_CLASSES[name]([torch.zeros(1, requires_grad=True)], **torch_kwargs(config))
        except ValueError as e:
            out.append({"config": config, "message": str(e)})
        else:
            raise AssertionError(f"torch accepted {name} {config}")
    return out


def main():
    golden = {
        "generated_by": "tests/reference/torch_optim_golden.py",
        "torch_version": torch.__version__,
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "python": platform.python_version(),
        "steps": STEPS,
        "defaults": {name: defaults_of(name) for name in TORCH_CLASSES},
        "errors": {name: errors_of(name) for name in TORCH_CLASSES},
        "runs": [run(c, objective) for c in CASES for objective in OBJECTIVES],
    }
    path = Path(__file__).with_name("torch_optim_golden.json")
    # One run per line: readable diffs without one line per number.
    runs = golden.pop("runs")
    lines = ",\n".join(json.dumps(r, separators=(",", ":")) for r in runs)
    head = json.dumps(golden, indent=1)[:-2]
    path.write_text(head + ',\n "runs": [\n' + lines + "\n ]\n}\n")
    print(f"wrote {len(runs)} runs to {path}")


if __name__ == "__main__":
    main()
