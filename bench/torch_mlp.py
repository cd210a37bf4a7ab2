"""Training steps per second of a small MLP in PyTorch eager, on one CPU thread.

Each step is what `sgdlab_core::train::Trainer::step` does: forward pass,
mean softmax cross-entropy, backward pass, Adam step, zero_grad. The shapes
and data sizes match `crates/sgdlab-core/benches/train.rs`.

Usage: python bench/torch_mlp.py [--seconds S]
Prints one JSON object per shape: {"shape": ..., "batch": ..., "steps_per_s": ...},
the median over many 0.1 s runs.
"""

import argparse
import json
import statistics
import time

import torch


SHAPES = [
    # (name, hidden widths, batch size)
    ("2-64-64-2", [64, 64], 32),
    ("2-256-256-2", [256, 256], 256),
]
EXAMPLES = 1024  # training examples the minibatches are drawn from


def build_model(hidden):
    layers, width = [], 2
    for h in hidden:
        layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
        width = h
    layers.append(torch.nn.Linear(width, 2))
    return torch.nn.Sequential(*layers)


def steps_per_second(hidden, batch, seconds):
    torch.manual_seed(0)
    model = build_model(hidden)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    features = torch.randn(EXAMPLES, 2)
    labels = (features[:, 0] * features[:, 1] > 0).long()
    batches = [
        (features[i : i + batch], labels[i : i + batch])
        for i in range(0, EXAMPLES - batch + 1, batch)
    ]

    def step(k):
        x, y = batches[k % len(batches)]
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()

    for k in range(200):  # warm-up: allocator, dispatcher caches
        step(k)
    rates = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        # Many short timed runs and their median, as criterion reports for
        # the Rust side: robust to other processes on a shared machine.
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < 0.1:
            step(n)
            n += 1
        rates.append(n / (time.perf_counter() - start))
    return statistics.median(rates)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time per shape")
    args = parser.parse_args()
    torch.set_num_threads(1)
    for name, hidden, batch in SHAPES:
        rate = steps_per_second(hidden, batch, args.seconds)
        print(json.dumps({"shape": name, "batch": batch, "steps_per_s": round(rate, 1)}))


if __name__ == "__main__":
    main()
