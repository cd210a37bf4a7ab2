#!/usr/bin/env bash
# Installs what building and testing sgdlab needs, on a bare Debian 12
# machine with rustup. Safe to run again: every step skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== setup: %s\n' "$*"; }

log "Rust target and components"
rustup target add wasm32-unknown-unknown
rustup component add rustfmt clippy
