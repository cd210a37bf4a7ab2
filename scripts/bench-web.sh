#!/usr/bin/env bash
# Measures the web budgets (frame time, heatmap and map rebuilds, four
# playing widgets, page weight, MLP training against PyTorch) in headless
# Chromium and prints markdown tables. Installs and builds first.
#
# PyTorch for the training comparison: $SGDLAB_TORCH_PYTHON when set (a
# Python with torch; `none` skips the comparison), else the one
# bench/torch_python.sh gives (bench/.venv, ignored by git, made on first use).
# Extra arguments go to scripts/bench-web.mjs (e.g. --frames 600 --json out.json).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh >&2
if [ -z "${SGDLAB_TORCH_PYTHON:-}" ]; then
  SGDLAB_TORCH_PYTHON="$(bash bench/torch_python.sh)"
  export SGDLAB_TORCH_PYTHON
fi
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
trunk build --release --offline >&2
exec node scripts/bench-web.mjs "$@"
