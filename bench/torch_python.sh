#!/usr/bin/env bash
# Prints the path of a Python that has PyTorch: $TORCH_PYTHON when set,
# otherwise bench/.venv/bin/python, created and given the CPU torch wheel
# from PyPI the first time (about 3 minutes and a few GB). Progress goes to
# stderr, so `PYTHON="$(bash bench/torch_python.sh)"` reads the path only.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${TORCH_PYTHON:-}" ]; then
  echo "$TORCH_PYTHON"
  exit 0
fi
venv="$PWD/bench/.venv"
if ! "$venv/bin/python" -c 'import torch' >/dev/null 2>&1; then
  echo "== installing PyTorch (CPU) into bench/.venv" >&2
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet torch numpy >&2
fi
echo "$venv/bin/python"
