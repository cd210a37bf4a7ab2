"""Golden descent paths on the named surfaces, made with torch.optim in float64.

`crates/sgdlab-cli/tests/torch_paths.rs` runs `sgdlab path` on every case
below and checks each x, y and loss against these numbers. This tests the
whole chain a user sees: the surface formula and its gradient, the optimizer,
and the CLI's flags and CSV.

Regenerate (PyTorch from PyPI, CPU):
    python3 -m venv .venv && .venv/bin/pip install torch
    .venv/bin/python tests/reference/torch_paths_golden.py
"""

import json
import math
import os

import torch

torch.set_default_dtype(torch.float64)
pi = math.pi


def quadratic(x, y, a=4.0, b=1.0, theta=0.0):
    t = math.radians(theta)
    c, s = math.cos(t), math.sin(t)
    rot = torch.tensor([[c, -s], [s, c]])
    hess_half = rot @ torch.diag(torch.tensor([a, b])) @ rot.T
    v = torch.stack([x, y])
    return v @ hess_half @ v


SURFACES = {
    "quadratic": quadratic,
    "rosenbrock": lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
    "beale": lambda x, y: (1.5 - x + x * y) ** 2
    + (2.25 - x + x * y**2) ** 2
    + (2.625 - x + x * y**3) ** 2,
    "himmelblau": lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
    "booth": lambda x, y: (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2,
    "saddle": lambda x, y: x**2 - y**2,
    "rastrigin": lambda x, y: 20
    + x**2
    - 10 * torch.cos(2 * pi * x)
    + y**2
    - 10 * torch.cos(2 * pi * y),
    "ackley": lambda x, y: -20 * torch.exp(-0.2 * torch.sqrt(0.5 * (x**2 + y**2)))
    - torch.exp(0.5 * (torch.cos(2 * pi * x) + torch.cos(2 * pi * y)))
    + math.e
    + 20,
    "goldstein_price": lambda x, y: (
        1
        + (x + y + 1) ** 2
        * (19 - 14 * x + 3 * x**2 - 14 * y + 6 * x * y + 3 * y**2)
    )
    * (
        30
        + (2 * x - 3 * y) ** 2
        * (18 - 32 * x + 12 * x**2 + 48 * y - 36 * x * y + 27 * y**2)
    ),
    "six_hump_camel": lambda x, y: (4 - 2.1 * x**2 + x**4 / 3) * x**2
    + x * y
    + (-4 + 4 * y**2) * y**2,
}

# (surface, surface params, start, optimizer, torch kwargs, steps)
CASES = [
    ("rosenbrock", {}, (-1.5, 2.0), "sgd", dict(lr=1e-4), 200),
    ("rosenbrock", {}, (-1.2, 1.0), "sgd", dict(lr=2e-4, momentum=0.9), 200),
    ("rosenbrock", {}, (-1.2, 1.0), "sgd", dict(lr=2e-4, momentum=0.9, nesterov=True), 200),
    ("rosenbrock", {}, (0.5, -0.5), "sgd", dict(lr=1e-4, momentum=0.5, dampening=0.3, weight_decay=0.1), 150),
    ("rosenbrock", {}, (-1.5, 2.0), "adam", dict(lr=0.05), 300),
    ("rosenbrock", {}, (-1.5, 2.0), "adam", dict(lr=0.05, amsgrad=True, betas=(0.8, 0.99)), 300),
    ("rosenbrock", {}, (-1.5, 2.0), "adamw", dict(lr=0.05, weight_decay=0.1), 200),
    ("rosenbrock", {}, (-1.5, 2.0), "rmsprop", dict(lr=0.01, centered=True, momentum=0.5), 200),
    ("quadratic", {"a": 10.0, "b": 0.5, "theta": 30.0}, (2.0, 1.5), "sgd", dict(lr=0.04), 100),
    ("quadratic", {"a": 10.0, "b": 0.5, "theta": 30.0}, (2.0, 1.5), "adagrad", dict(lr=0.5, lr_decay=0.01), 100),
    ("quadratic", {}, (-2.5, 2.0), "rmsprop", dict(lr=0.02), 100),
    ("quadratic", {"a": 1.0, "b": 25.0, "theta": -60.0}, (1.0, -2.0), "adadelta", dict(lr=1.0, rho=0.95), 150),
    ("beale", {}, (1.0, 1.4), "adam", dict(lr=0.01, betas=(0.9, 0.99), eps=1e-6), 200),
    ("beale", {}, (-1.0, 1.0), "adamax", dict(lr=0.02), 200),
    ("beale", {}, (3.5, -1.0), "nadam", dict(lr=0.02, momentum_decay=0.008), 200),
    ("himmelblau", {}, (0.0, 0.0), "sgd", dict(lr=0.01, momentum=0.7), 150),
    ("himmelblau", {}, (-1.0, -1.5), "nadam", dict(lr=0.05, weight_decay=0.01, decoupled_weight_decay=True), 150),
    ("booth", {}, (-8.0, 9.0), "adagrad", dict(lr=1.0, initial_accumulator_value=0.1), 150),
    ("booth", {}, (5.0, -5.0), "rmsprop", dict(lr=0.05, alpha=0.9, weight_decay=0.01), 150),
    ("saddle", {}, (1.0, 1e-3), "sgd", dict(lr=0.05), 80),
    ("saddle", {}, (-1.0, 0.01), "adam", dict(lr=0.05, maximize=False), 80),
    ("rastrigin", {}, (2.2, -1.7), "sgd", dict(lr=0.002, momentum=0.9), 200),
    ("rastrigin", {}, (3.1, 2.4), "adam", dict(lr=0.1), 200),
    ("ackley", {}, (2.5, -1.5), "adamw", dict(lr=0.05, amsgrad=True), 200),
    ("ackley", {}, (1.7, 2.3), "sgd", dict(lr=0.01, momentum=0.9, nesterov=True), 150),
    ("goldstein_price", {}, (-0.6, 0.3), "adam", dict(lr=0.01), 200),
    ("goldstein_price", {}, (0.5, -0.5), "adamax", dict(lr=0.01, weight_decay=0.1), 150),
    ("six_hump_camel", {}, (-1.5, 1.0), "sgd", dict(lr=0.01), 150),
    ("six_hump_camel", {}, (1.2, -0.8), "adadelta", dict(lr=1.0), 150),
]

CLASSES = {
    "sgd": torch.optim.SGD,
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "rmsprop": torch.optim.RMSprop,
    "adagrad": torch.optim.Adagrad,
    "adadelta": torch.optim.Adadelta,
    "adamax": torch.optim.Adamax,
    "nadam": torch.optim.NAdam,
}


def cli_settings(kwargs):
    """torch keyword arguments as `sgdlab path` flags' key=value pairs."""
    settings = {}
    for key, value in kwargs.items():
        if key == "betas":
            settings["beta1"], settings["beta2"] = value
        else:
            settings[key] = value
    return settings


def run(surface, params, start, optimizer, kwargs, steps):
    f = SURFACES[surface]
    point = torch.tensor(start, requires_grad=True)
    opt = CLASSES[optimizer]([point], **kwargs)

    def loss():
        return f(point[0], point[1], **params)

    rows = []
    for step in range(steps + 1):
        opt.zero_grad()
        value = loss()
        rows.append([point[0].item(), point[1].item(), value.item()])
        if step == steps:
            break
        value.backward()
        opt.step()
    return rows


def main():
    cases = []
    for surface, params, start, optimizer, kwargs, steps in CASES:
        cases.append(
            {
                "surface": surface,
                "surface_params": params,
                "start": list(start),
                "optimizer": optimizer,
                "settings": cli_settings(kwargs),
                "steps": steps,
                "rows": run(surface, params, start, optimizer, kwargs, steps),
            }
        )
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_paths_golden.json")
    with open(out, "w") as handle:
        json.dump({"torch_version": torch.__version__, "cases": cases}, handle)
    print(f"wrote {len(cases)} cases to {out}")


if __name__ == "__main__":
    main()
