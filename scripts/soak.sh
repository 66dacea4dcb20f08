#!/usr/bin/env bash
# Soak test (not part of the test command): trains the toy and `mnist-mlp` side by side in
# headless Chromium with every view on and prints, once a minute, the JS heap, the wasm
# memory and the WebGPU buffers each page holds; at the end, the last reading against the one
# after warm-up. Memory must stay flat (within 10 %).
#
# Usage: scripts/soak.sh [MINUTES (default 60)] [gpu|cpu (default gpu: WebGPU on SwiftShader)]
# Builds the site first unless GANVAS_SOAK_NO_BUILD=1 (then dist/ must exist).
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-60}"
backend="${2:-gpu}"
bash scripts/setup.sh web browser
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ganvas/target}"
export PATH="$HOME/.cargo/bin:$HOME/.cache/ganvas/bin:$PATH" # wasm-opt (see setup.sh)
if [ "${GANVAS_SOAK_NO_BUILD:-0}" != 1 ]; then
  TRUNK_SKIP_VERSION_CHECK=true trunk build --release --offline
fi
cd tests/e2e
node soak.mjs "$minutes" "$backend"
