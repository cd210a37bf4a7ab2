#!/usr/bin/env python3
"""Golden float64 trajectories for what torch.optim's rules share.

`maximize` and weight decay are one piece of code in sgdlab
(`crates/sgdlab-core/src/optim/decay.rs`) used by every optimizer that has
them, so their order matters everywhere: PyTorch negates the gradient first
and adds the decay after, so that with `maximize` the L2 term still pulls
theta towards 0. These runs combine the two (L2 and decoupled decay), which
`torch_optim_golden.py` only tries one at a time, and turn the decay on
mid-run. The Rust test `crates/sgdlab-core/tests/torch_golden.rs` replays
them exactly as it replays `torch_optim_golden.json`.

    python tests/reference/torch_optim_shared_golden.py   # PyTorch 2.x, CPU

The objectives, the run loop and the file format are those of
`torch_optim_golden.py`, imported from beside this file. That script's own
numbers are not regenerated here: MKL's vectorised sqrt rounds differently
on different CPUs in the last bit, and the committed file is the one the
bit-for-bit counts of the Rust test refer to.
"""

import json
import platform
from pathlib import Path

import torch

from torch_optim_golden import OBJECTIVES, STEPS, case, change, run

CASES = [
    case("sgd", "maximize_weight_decay", {"momentum": 0.9, "weight_decay": 0.1, "maximize": True}),
    case("sgd", "maximize_then_weight_decay", {"momentum": 0.5, "maximize": True}, [change(30, weight_decay=0.2)]),
    case("adagrad", "maximize_weight_decay", {"lr": 0.1, "weight_decay": 0.1, "maximize": True}),
    case("rmsprop", "maximize_weight_decay", {"lr": 0.01, "weight_decay": 0.1, "centered": True, "maximize": True}),
    case("adadelta", "maximize_weight_decay", {"lr": 2.0, "weight_decay": 0.1, "maximize": True}),
    case("adam", "maximize_weight_decay", {"lr": 0.05, "weight_decay": 0.1, "maximize": True}),
    case(
        "adam",
        "maximize_decoupled_weight_decay",
        {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True, "maximize": True},
    ),
    case("adamw", "maximize_weight_decay", {"lr": 0.05, "weight_decay": 0.1, "amsgrad": True, "maximize": True}),
    case("adamax", "maximize_weight_decay", {"lr": 0.05, "weight_decay": 0.1, "maximize": True}),
    case("nadam", "maximize_weight_decay", {"lr": 0.05, "weight_decay": 0.1, "maximize": True}),
    case(
        "nadam",
        "maximize_decoupled_weight_decay",
        {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True, "maximize": True},
    ),
    case("adam", "maximize_then_decoupled_decay", {"lr": 0.05, "maximize": True}, [change(30, weight_decay=0.2, decoupled_weight_decay=True)]),
]


def main():
    golden = {
        "generated_by": "tests/reference/torch_optim_shared_golden.py",
        "torch_version": torch.__version__,
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "python": platform.python_version(),
        "steps": STEPS,
    }
    runs = [run(c, objective) for c in CASES for objective in OBJECTIVES]
    path = Path(__file__).with_name("torch_optim_shared_golden.json")
    lines = ",\n".join(json.dumps(r, separators=(",", ":")) for r in runs)
    head = json.dumps(golden, indent=1)[:-2]
    path.write_text(head + ',\n "runs": [\n' + lines + "\n ]\n}\n")
    print(f"wrote {len(runs)} runs to {path}")


if __name__ == "__main__":
    main()
