"""Torch's value and autograd gradient of every named surface, in float64.

`crates/sgdlab-core/tests/torch_surfaces.rs` checks `Surface::value` and
`Surface::gradient` against these numbers: all of them to 1e-12, and most of
them bit for bit. Bit-exact agreement is what lets a descent path follow
torch.optim's for hundreds of steps, because near a minimum some optimizers
(Adadelta, Adam with a large lr) blow a last-bit difference up every step.

The formulas are the ones in `torch_paths_golden.py` (imported, not copied),
evaluated the way `torch_paths_golden.py` runs them: x and y are the two
entries of one float64 tensor that requires grad.

Points per surface: uniform in the surface's view box, uniform in [-2, 2]^2,
and Gaussian around its global minimum (where paths spend their last steps).
Every float is stored as its Python repr, so it parses back exactly.

Regenerate (PyTorch from PyPI, CPU):
    python3 -m venv .venv && .venv/bin/pip install torch
    .venv/bin/python tests/reference/torch_surface_golden.py
"""

import json
import os
import random

import torch

from torch_paths_golden import SURFACES

torch.set_default_dtype(torch.float64)

# The Rust surfaces' view boxes (x_min, x_max, y_min, y_max) and a global
# minimum of each (saddle has none; its origin is the stationary point).
VIEW_BOXES = {
    "quadratic": (-3.0, 3.0, -3.0, 3.0),
    "rosenbrock": (-2.0, 2.0, -1.0, 3.0),
    "beale": (-4.5, 4.5, -4.5, 4.5),
    "himmelblau": (-5.0, 5.0, -5.0, 5.0),
    "booth": (-10.0, 10.0, -10.0, 10.0),
    "saddle": (-2.0, 2.0, -2.0, 2.0),
    "rastrigin": (-5.12, 5.12, -5.12, 5.12),
    "ackley": (-5.0, 5.0, -5.0, 5.0),
    "goldstein_price": (-2.0, 2.0, -2.0, 2.0),
    "six_hump_camel": (-2.0, 2.0, -1.25, 1.25),
}
MINIMA = {
    "quadratic": (0.0, 0.0),
    "rosenbrock": (1.0, 1.0),
    "beale": (3.0, 0.5),
    "himmelblau": (3.0, 2.0),
    "booth": (1.0, 3.0),
    "saddle": (0.0, 0.0),
    "rastrigin": (0.0, 0.0),
    "ackley": (0.0, 0.0),
    "goldstein_price": (0.0, -1.0),
    "six_hump_camel": (0.08984201310031807, -0.7126564030207396),
}
# (a, b, theta in degrees) of the quadratic bowls: the default, the ones
# torch_paths_golden.py uses, and two more angles.
QUADRATIC_PARAMS = [
    (4.0, 1.0, 0.0),
    (10.0, 0.5, 30.0),
    (1.0, 25.0, -60.0),
    (7.3, 0.2, 123.0),
    (2.0, 3.0, 45.0),
]
IN_VIEW_BOX = 250
IN_SQUARE = 250
NEAR_MINIMUM = 100
NEAR_MINIMUM_SPREAD = 1e-2


def sample_points(surface, rng):
    """The points for one surface: view box, [-2, 2]^2, near the minimum."""
    x_min, x_max, y_min, y_max = VIEW_BOXES[surface]
    points = [(rng.uniform(x_min, x_max), rng.uniform(y_min, y_max)) for _ in range(IN_VIEW_BOX)]
    points += [(rng.uniform(-2.0, 2.0), rng.uniform(-2.0, 2.0)) for _ in range(IN_SQUARE)]
    cx, cy = MINIMA[surface]
    points += [
        (cx + rng.gauss(0.0, NEAR_MINIMUM_SPREAD), cy + rng.gauss(0.0, NEAR_MINIMUM_SPREAD))
        for _ in range(NEAR_MINIMUM)
    ]
    # Ackley's cone tip is not differentiable (torch's gradient there is NaN).
    return [(x, y) for x, y in points if (x, y) != (0.0, 0.0)]


def value_and_gradient(f, x, y, params):
    """f(x, y) and torch autograd's gradient, as torch_paths_golden.py runs it."""
    point = torch.tensor([x, y], requires_grad=True)
    value = f(point[0], point[1], **params)
    value.backward()
    return value.item(), point.grad[0].item(), point.grad[1].item()


def case(surface, params, seed):
    rng = random.Random(seed)
    rows = []
    for x, y in sample_points(surface, rng):
        numbers = (x, y) + value_and_gradient(SURFACES[surface], x, y, params)
        rows.append([repr(number) for number in numbers])
    return {"surface": surface, "params": params, "rows": rows}


def main():
    cases = []
    for index, (a, b, theta) in enumerate(QUADRATIC_PARAMS):
        cases.append(case("quadratic", {"a": a, "b": b, "theta": theta}, seed=100 + index))
    for index, surface in enumerate(name for name in SURFACES if name != "quadratic"):
        cases.append(case(surface, {}, seed=index))
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_surface_golden.json")
    with open(out, "w") as handle:
        json.dump(
            {"torch_version": torch.__version__, "columns": ["x", "y", "f", "df/dx", "df/dy"], "cases": cases},
            handle,
            separators=(",", ":"),
        )
    print(f"wrote {sum(len(c['rows']) for c in cases)} points in {len(cases)} cases to {out}")


if __name__ == "__main__":
    main()
