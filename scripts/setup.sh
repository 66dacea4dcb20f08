#!/usr/bin/env bash
# Installs what GANvas needs on a fresh Debian machine. Idempotent: every step checks first.
# Usage: scripts/setup.sh [native|vulkan|web|browser|bench]...
#   native   Rust toolchain pieces for the engine and CLI
#   vulkan   Mesa's software Vulkan driver (lavapipe), so the wgpu backend runs without a GPU
#   web      Trunk, wasm-bindgen-cli (pinned to the wasm-bindgen crate's version) and a current
#            wasm-opt (npm's binaryen; Debian's is too old), linked into ~/.cache/ganvas/bin
#   browser  Debian's Chromium and ChromeDriver, Node.js and the end-to-end tests' npm packages
#   bench    brotli, to report the compressed wasm size (scripts/bench.sh; its PyTorch peer
#            installs itself, scripts/peer/setup.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

setup_native() {
  export PATH="$HOME/.cargo/bin:$PATH"
  if ! command -v cargo >/dev/null 2>&1; then
    apt_install curl ca-certificates build-essential
    log "installing rustup"
    curl -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --default-toolchain none
    # shellcheck disable=SC1091
    . "$HOME/.cargo/env"
  fi
  # rust-toolchain.toml names the toolchain, the wasm32 target, clippy and rustfmt;
  # `rustup show` installs whatever of it is missing.
  rustup show active-toolchain >/dev/null 2>&1 || rustup show >/dev/null
  rustup target list --installed | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
  rustup component list --installed | grep -q clippy || rustup component add clippy rustfmt
  apt_install pkg-config
}

setup_vulkan() {
  apt_install mesa-vulkan-drivers libvulkan1
}

# Versions must match: trunk 0.22 needs a newer rustc; the CLI must equal the crate exactly.
TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130
BINARYEN_VERSION=132.0.0
TOOLS="$HOME/.cache/ganvas"

setup_web() {
  setup_native
  if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
    log "cargo install trunk $TRUNK_VERSION"
    cargo install trunk --version "$TRUNK_VERSION" --locked
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
    log "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION"
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  fi
  # Trunk runs the `wasm-opt` it finds on PATH (scripts put $TOOLS/bin first).
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  if ! "$TOOLS/bin/wasm-opt" --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
    log "npm install binaryen@$BINARYEN_VERSION (wasm-opt)"
    mkdir -p "$TOOLS/binaryen" "$TOOLS/bin"
    npm install --prefix "$TOOLS/binaryen" --no-audit --no-fund "binaryen@$BINARYEN_VERSION" >/dev/null
    printf '#!/bin/sh\nexec node "%s" "$@"\n' "$TOOLS/binaryen/node_modules/binaryen/bin/wasm-opt" \
      > "$TOOLS/bin/wasm-opt"
    chmod +x "$TOOLS/bin/wasm-opt"
  fi
}

setup_browser() {
  apt_install chromium chromium-driver
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  if [ ! -d tests/e2e/node_modules/playwright-core ]; then
    log "npm ci (tests/e2e)"
    (cd tests/e2e && npm ci --no-audit --no-fund)
  fi
}

setup_bench() {
  apt_install brotli
}

for what in "${@:-native}"; do
  "setup_$what"
done
