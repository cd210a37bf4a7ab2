#!/usr/bin/env bash
# Builds the playground and serves it on http://127.0.0.1:8080 (PORT=… to
# change the port). On a fresh machine it first installs what is missing
# (scripts/setup.sh: wasm target, wasm-bindgen, trunk, Chromium, npm
# packages). trunk rebuilds and reloads the page when a source file changes.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

# wasm-opt comes from npm's binaryen 132 (node_modules/.bin), never Debian's.
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

port="${PORT:-8080}"
printf '\n== serve: http://127.0.0.1:%s/  (embed: /embed.html, benchmark: /bench.html)\n' "$port"
exec trunk serve --release --offline --address 127.0.0.1 --port "$port"
