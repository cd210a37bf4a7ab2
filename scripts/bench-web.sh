#!/usr/bin/env bash
# Measures the web budgets (frame time, heatmap and map rebuilds, four
# playing widgets, page weight, MLP training against PyTorch) in headless
# Chromium and prints markdown tables. Installs and builds first.
#
# PyTorch for the training comparison: $SGDLAB_TORCH_PYTHON when set (a
# Python with torch; `none` skips the comparison), else a local venv in
# tests/reference/.venv (ignored by git), made here on first use.
# Extra arguments go to scripts/bench-web.mjs (e.g. --frames 600 --json out.json).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh >&2
if [ -z "${SGDLAB_TORCH_PYTHON:-}" ]; then
  VENV=tests/reference/.venv
  if ! "$VENV/bin/python" -c 'import torch' 2>/dev/null; then
    echo "installing PyTorch (CPU) into $VENV" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet torch >&2
  fi
  export SGDLAB_TORCH_PYTHON="$PWD/$VENV/bin/python"
fi
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
trunk build --release --offline >&2
exec node scripts/bench-web.mjs "$@"
