#!/usr/bin/env bash
# Builds and serves GANvas on a fresh Debian machine, installing what it needs first.
#
# Until the browser app lands (see the issues), this trains the toy GAN natively with the
# CLI, writes its samples picture, and serves the output folder on http://127.0.0.1:8080/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh native
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ganvas/target}"
cargo build --release -p ganvas-cli
out=target/demo
"$CARGO_TARGET_DIR/release/ganvas" train --preset toy-quadratic --steps 3000 --seed 7 --out "$out"
echo "Serving $out on http://127.0.0.1:8080/ (samples.png, samples.csv, metrics.json)"
exec python3 -m http.server 8080 --bind 127.0.0.1 --directory "$out"
