"""Wilson et al.'s least-squares construction, run with torch.optim in float64.

`crates/sgdlab-core/tests/generalisation_golden.rs` runs the same cases with
`sgdlab_core::generalisation` and compares every number below.

Data (the labels come from the engine, through `experiments_a_inputs.json`,
written by `cargo run -p sgdlab-core --example export_reference_inputs`):
columns 0, 1, 2 of example i are (y_i, 1, 1); then, example after example,
a private block of ones, 1 column wide when y_i = +1 and 5 wide when
y_i = -1. A test point has its own unseen private block, so it scores
w0 * y + w1 + w2 and counts as an error unless the score has the sign of y.

Loss 0.5 * mean((X w - y)^2), full batch, from w = 0; torch.optim.SGD (lr
0.5), Adam (0.01), Adagrad (0.1) and RMSprop (0.001) with their defaults
otherwise; 1000 steps. The minimum-norm solution pinv(X) y is stored too.

Regenerate (PyTorch from PyPI, CPU):
    python3 -m venv .venv && .venv/bin/pip install torch
    .venv/bin/python tests/reference/torch_generalisation.py
"""

import json
import os

import torch

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))

STEPS = 1000
CHECKPOINTS = [1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000]
OPTIMIZERS = [
    ("sgd", torch.optim.SGD, 0.5),
    ("adam", torch.optim.Adam, 0.01),
    ("adagrad", torch.optim.Adagrad, 0.1),
    ("rmsprop", torch.optim.RMSprop, 0.001),
]


def features(labels):
    columns = 3 + sum(1 if y > 0 else 5 for y in labels)
    x = torch.zeros(len(labels), columns)
    start = 3
    for i, y in enumerate(labels):
        width = 1 if y > 0 else 5
        x[i, 0] = float(y)
        x[i, 1] = 1.0
        x[i, 2] = 1.0
        x[i, start : start + width] = 1.0
        start += width
    return x


def test_error(w, test_labels):
    wrong = 0
    for y in test_labels:
        score = w[0] * y + w[1] + w[2]
        if (y > 0 and score <= 0) or (y < 0 and score >= 0):
            wrong += 1
    return wrong / len(test_labels)


def main():
    with open(os.path.join(HERE, "experiments_a_inputs.json")) as f:
        inputs = json.load(f)
    out = []
    for case in inputs["generalisation"]:
        x = features(case["train_labels"])
        y = torch.tensor([float(v) for v in case["train_labels"]])
        test_labels = case["test_labels"]
        runs = []
        for name, make, lr in OPTIMIZERS:
            w = torch.nn.Parameter(torch.zeros(x.shape[1]))
            optimizer = make([w], lr=lr)
            trajectory = []
            for step in range(1, STEPS + 1):
                optimizer.zero_grad()
                loss = 0.5 * ((x @ w - y) ** 2).mean()
                loss.backward()
                optimizer.step()
                if step in CHECKPOINTS:
                    with torch.no_grad():
                        loss = (0.5 * ((x @ w - y) ** 2).mean()).item()
                    shared = [w[k].item() for k in range(3)]
                    trajectory.append(
                        {
                            "step": step,
                            "train_loss": loss,
                            "shared_weights": shared,
                            "test_error": test_error(shared, test_labels),
                        }
                    )
            runs.append(
                {
                    "optimizer": name,
                    "lr": lr,
                    "weights": w.detach().tolist(),
                    "trajectory": trajectory,
                }
            )
        min_norm = (torch.linalg.pinv(x) @ y).tolist()
        negative_share = sum(1 for v in test_labels if v < 0) / len(test_labels)
        out.append(
            {
                "config": {
                    "n": case["n"],
                    "p": case["p"],
                    "seed": case["seed"],
                    "test": case["test"],
                    "steps": STEPS,
                },
                "negative_share": negative_share,
                "min_norm_weights": min_norm,
                "runs": runs,
            }
        )
        print(
            case["n"],
            case["p"],
            case["seed"],
            negative_share,
            [(r["optimizer"], r["trajectory"][-1]["test_error"], r["trajectory"][-1]["shared_weights"]) for r in runs],
        )
    meta = {"torch_version": torch.__version__, "cases": out}
    with open(os.path.join(HERE, "torch_generalisation.json"), "w") as f:
        json.dump(meta, f, indent=1)


if __name__ == "__main__":
    main()
