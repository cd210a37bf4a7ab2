"""Reference numbers for the engines of lessons 10 and 11, in float64.

`crates/sgdlab-core/tests/experiments_b_golden.rs` checks against them:

* implicit regularisation: the modified loss
      L~(w) = L(w) + (lr/4)·E‖∇L_B(w) − ∇L(w)‖² + (lr/4)·‖∇L(w)‖²
  computed from its definition (the expectation by enumerating every batch
  of B distinct examples) and differentiated by torch.autograd, for the
  linear model ½(w·x + b − y)² and the two-weight logistic model
  softplus(−s·(w·x)), s = 2y − 1. The Rust engine uses a closed form for the
  expectation and an analytic gradient; neither is used here.
* bias–variance: least-squares Legendre fits (numpy.polynomial.legendre.legfit
  on u = 2x − 1, the engine's basis) and ridge fits on Gaussian bases plus a
  bias, w = (ΦᵀΦ + λI)⁻¹Φᵀt (numpy.linalg.solve), which the engine computes
  by Householder QR instead.

The data are drawn here (Python's `random`, seed 5) and stored in the JSON,
so both sides use the same numbers. Every float is stored as its Python
repr, so it parses back exactly.

Regenerate (PyTorch and numpy from PyPI, CPU):
    python3 -m venv .venv && .venv/bin/pip install torch numpy
    .venv/bin/python tests/reference/torch_experiments_b_golden.py
"""

import itertools
import json
import math
import os
import random

import numpy as np
import torch

torch.set_default_dtype(torch.float64)
rng = random.Random(5)


def r(value):
    return repr(float(value))


# ---------------------------------------------------------------- implicit_reg

N = 10
LR = 0.3
BATCH_SIZES = [1, 2, 5, 10]
POINTS = [(-1.0, 2.0), (0.4, -0.7), (3.0, 1.5)]

linear_x = [rng.uniform(-1.0, 1.0) for _ in range(N)]
linear_y = [2.0 * x - 1.0 + rng.gauss(0.0, 0.5) for x in linear_x]
logistic_x = [(rng.gauss(0.0, 1.0), rng.gauss(0.0, 1.0)) for _ in range(N)]
logistic_y = [1 if rng.random() < 1.0 / (1.0 + math.exp(-(2.0 * a - b))) else 0 for a, b in logistic_x]


def linear_losses(w):
    x = torch.tensor(linear_x)
    y = torch.tensor(linear_y)
    return 0.5 * (w[0] * x + w[1] - y) ** 2


def logistic_losses(w):
    x = torch.tensor(logistic_x)
    s = 2.0 * torch.tensor(logistic_y, dtype=torch.float64) - 1.0
    u = -s * (x[:, 0] * w[0] + x[:, 1] * w[1])
    return torch.clamp(u, min=0.0) + torch.log1p(torch.exp(-u.abs()))


def per_example_gradients(losses, w):
    """The gradient of each example's loss, kept in the graph."""
    rows = [torch.autograd.grad(losses[i], w, create_graph=True)[0] for i in range(N)]
    return torch.stack(rows)


def modified_loss(losses_of, w, batch_size):
    losses = losses_of(w)
    grads = per_example_gradients(losses, w)
    full = grads.mean(dim=0)
    batches = list(itertools.combinations(range(N), batch_size))
    noise = sum(((grads[list(b)].mean(dim=0) - full) ** 2).sum() for b in batches) / len(batches)
    return losses.mean() + LR / 4.0 * noise + LR / 4.0 * (full**2).sum()


implicit_cases = []
for model, losses_of in [("linear", linear_losses), ("logistic", logistic_losses)]:
    for batch_size in BATCH_SIZES:
        for point in POINTS:
            w = torch.tensor(point, requires_grad=True)
            value = modified_loss(losses_of, w, batch_size)
            (gradient,) = torch.autograd.grad(value, w)
            implicit_cases.append(
                {
                    "model": model,
                    "batch_size": batch_size,
                    "w": [r(v) for v in point],
                    "modified": r(value.item()),
                    "gradient": [r(v) for v in gradient.tolist()],
                }
            )

# --------------------------------------------------------------- bias_variance

M = 15
fit_x = [rng.random() for _ in range(M)]
fit_t = [math.sin(2.0 * math.pi * x) + rng.gauss(0.0, 0.3) for x in fit_x]
x = np.array(fit_x)
t = np.array(fit_t)

legendre_cases = []
for degree in [0, 1, 3, 5, 9]:
    coefficients = np.polynomial.legendre.legfit(2.0 * x - 1.0, t, degree)
    legendre_cases.append({"degree": degree, "coefficients": [r(c) for c in coefficients]})

BASES = 6
WIDTH = 0.15
centres = np.arange(BASES) / (BASES - 1)
phi = np.hstack([np.ones((M, 1)), np.exp(-((x[:, None] - centres[None, :]) ** 2) / (2.0 * WIDTH**2))])
ridge_cases = []
for ln_lambda in [-3.0, 0.0, 2.0]:
    lam = math.exp(ln_lambda)
    w = np.linalg.solve(phi.T @ phi + lam * np.eye(BASES + 1), phi.T @ t)
    ridge_cases.append({"ln_lambda": r(ln_lambda), "coefficients": [r(c) for c in w]})

golden = {
    "torch_version": torch.__version__,
    "numpy_version": np.__version__,
    "implicit_reg": {
        "lr": r(LR),
        "linear": {"inputs": [r(v) for v in linear_x], "targets": [r(v) for v in linear_y]},
        "logistic": {"features": [[r(a), r(b)] for a, b in logistic_x], "labels": logistic_y},
        "cases": implicit_cases,
    },
    "bias_variance": {
        "inputs": [r(v) for v in fit_x],
        "targets": [r(v) for v in fit_t],
        "legendre": legendre_cases,
        "gaussian": {"bases": BASES, "width": r(WIDTH), "ridge": ridge_cases},
    },
}

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_experiments_b_golden.json")
with open(path, "w") as f:
    json.dump(golden, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(implicit_cases)} modified-loss cases, {len(legendre_cases)} + {len(ridge_cases)} fits to {path}")
