#!/usr/bin/env bash
# CPU training speed of sgdlab against PyTorch eager on one thread, on this
# machine, in one run: the criterion bench `train` of sgdlab-core, then
# bench/torch_mlp.py on the same shapes. Prints a markdown table.
#
# Usage: bench/cpu_vs_torch.sh [seconds per measurement, default 5]
# PyTorch comes from $TORCH_PYTHON, a Python with torch installed; without
# it, torch (CPU wheels) is installed once into bench/.venv (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${1:-5}"
PYTHON="$(bash bench/torch_python.sh)"

cargo bench -p sgdlab-core --bench train -- \
  --warm-up-time 1 --measurement-time "$SECONDS_EACH" >&2
TORCH_JSON="$("$PYTHON" bench/torch_mlp.py --seconds "$SECONDS_EACH")"

TORCH_JSON="$TORCH_JSON" python3 - <<'PY'
import json, os
torch = {}
for line in os.environ["TORCH_JSON"].splitlines():
    row = json.loads(line)
    torch[row["shape"]] = row["steps_per_s"]
print("| MLP | batch | sgdlab (steps/s) | PyTorch eager, 1 thread (steps/s) | ratio |")
print("|---|---:|---:|---:|---:|")
for shape, batch in [("2-64-64-2", 32), ("2-256-256-2", 256)]:
    path = f"target/criterion/train step adam/{shape} batch {batch}/new/estimates.json"
    with open(path) as f:
        median_ns = json.load(f)["median"]["point_estimate"]
    ours = 1e9 / median_ns
    print(f"| {shape} | {batch} | {ours:,.0f} | {torch[shape]:,.0f} | {ours / torch[shape]:.2f}× |")
PY
