#!/usr/bin/env bash
# Runs every check and test of sgdlab. On a fresh machine it installs what
# it needs first (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

step() { printf '\n== test: %s\n' "$*"; }

step "format"
cargo fmt --all -- --check

step "clippy"
cargo clippy --workspace --all-targets -- -D warnings

step "core builds for wasm32"
cargo check -p sgdlab-core --target wasm32-unknown-unknown

step "unit, property, golden and CLI tests"
cargo test --workspace

# ---------------------------------------------------------------- web
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

step "web: trunk build of www/ into dist/"
trunk build --release --offline

step "web: end-to-end tests in headless Chromium (tests/e2e)"
node --test --test-concurrency=1 tests/e2e/*.test.mjs
