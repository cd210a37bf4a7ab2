#!/usr/bin/env bash
# Installs what building and testing sgdlab needs, on a bare Debian 12
# machine with rustup. Safe to run again: every step skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== setup: %s\n' "$*"; }

log "Rust target and components"
rustup target add wasm32-unknown-unknown
rustup component add rustfmt clippy

# ---------------------------------------------------------------- web
# Browser, wasm tools and npm packages for the trunk build, the browser
# tests and the benchmark. Each step is cheap when already done.

log "Chromium and chromedriver (Debian packages)"
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  as_root=""
  if [ "$(id -u)" -ne 0 ]; then as_root="sudo"; fi
  $as_root apt-get update
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y chromium chromium-driver
fi

log "Mesa's lavapipe (software Vulkan, for the wgpu tests) and a font for CLI plots"
if ! dpkg -s mesa-vulkan-drivers >/dev/null 2>&1 || ! dpkg -s fonts-dejavu-core >/dev/null 2>&1; then
  as_root=""
  if [ "$(id -u)" -ne 0 ]; then as_root="sudo"; fi
  $as_root apt-get update
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y mesa-vulkan-drivers fonts-dejavu-core
fi

log "Node.js (20 or newer, for npm and node --test)"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  as_root=""
  if [ "$(id -u)" -ne 0 ]; then as_root="sudo"; fi
  $as_root apt-get update
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y nodejs npm
fi
node -e 'const m = Number(process.versions.node.split(".")[0]); if (m < 20) { console.error(`Node ${process.versions.node} is too old: the browser tests need Node 20 or newer`); process.exit(1); }'

# cargo install skips a tool already installed at the asked version.
log "wasm-bindgen CLI 0.2.130 (no --locked: the registry mirror lacks one locked dependency)"
cargo install wasm-bindgen-cli --version 0.2.130

log "trunk 0.21.14 (0.22 needs a newer rustc)"
cargo install trunk --version 0.21.14 --locked

log "npm packages: playwright-core (drives /usr/bin/chromium), binaryen 132 (wasm-opt)"
# node_modules/.sgdlab-lock is the lock file of the last `npm ci`.
if ! cmp -s package-lock.json node_modules/.sgdlab-lock 2>/dev/null; then
  npm ci --no-audit --no-fund
  cp package-lock.json node_modules/.sgdlab-lock
fi
# trunk finds wasm-opt on PATH; this is npm's binaryen 132, never Debian's 108.
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
wasm-opt --version

log "crate sources for offline wasm builds (trunk build --offline)"
cargo fetch
