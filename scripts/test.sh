#!/usr/bin/env bash
# Runs every check and test of sgdlab. On a fresh machine it installs what
# it needs first (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

# Mesa (lavapipe, behind the wgpu tests) wants a private runtime directory.
if [ -z "${XDG_RUNTIME_DIR:-}" ] || [ ! -d "$XDG_RUNTIME_DIR" ] || [ ! -w "$XDG_RUNTIME_DIR" ]; then
  XDG_RUNTIME_DIR="$(mktemp -d)"
  chmod 700 "$XDG_RUNTIME_DIR"
fi
export XDG_RUNTIME_DIR

step() { printf '\n== test: %s\n' "$*"; }

step "format"
cargo fmt --all -- --check

step "clippy"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p sgdlab-web --all-targets --target wasm32-unknown-unknown -- -D warnings

step "core builds for wasm32"
cargo check -p sgdlab-core --target wasm32-unknown-unknown

step "unit, property, golden and CLI tests"
cargo test --workspace

step "wasm: the exported API and native/wasm bit-equality in headless Chromium (wasm-bindgen-test)"
PATH="$HOME/.cargo/bin:$PATH" CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --target wasm32-unknown-unknown -p sgdlab-web

# ---------------------------------------------------------------- web
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

step "web: trunk build of www/ into dist/"
trunk build --release --offline

step "web: end-to-end tests in headless Chromium (tests/e2e)"
node --test --test-concurrency=1 tests/e2e/*.test.mjs
