#!/usr/bin/env bash
# Measures the web budgets (frame time, heatmap rebuild, page weight) in
# headless Chromium and prints a markdown table. Installs and builds first.
# Extra arguments go to scripts/bench-web.mjs (e.g. --frames 600 --json out.json).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh >&2
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
trunk build --release --offline >&2
exec node scripts/bench-web.mjs "$@"
