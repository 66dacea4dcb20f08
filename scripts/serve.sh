#!/usr/bin/env bash
# Builds GANvas and serves it on http://127.0.0.1:8080/, installing what it needs first.
# Open the page in a browser with WebGPU (Chrome, Edge; Firefox Nightly) or any browser
# for the CPU fallback. `?backend=gpu|cpu|auto` in the address picks the device.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh native web
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ganvas/target}"
export PATH="$HOME/.cache/ganvas/bin:$PATH" # wasm-opt (see setup.sh)
exec env TRUNK_SKIP_VERSION_CHECK=true trunk serve --release --offline
