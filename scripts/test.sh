#!/usr/bin/env bash
# Runs every GANvas test on a fresh Debian machine, installing what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh native vulkan web browser
# Build outputs are a cache: keep them outside the checkout so a fresh clone reuses them.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ganvas/target}"
export CARGO_TERM_COLOR=never
export PATH="$HOME/.cache/ganvas/bin:$PATH" # wasm-opt (see setup.sh)
# Mesa's lavapipe complains on every start when there is no runtime directory (as under CI).
if [ -z "${XDG_RUNTIME_DIR:-}" ] || [ ! -d "$XDG_RUNTIME_DIR" ]; then
  XDG_RUNTIME_DIR="$(mktemp -d)"
  export XDG_RUNTIME_DIR
fi

step() { printf '\n\033[1;32m==>\033[0m %s\n' "$*"; }

step "rustfmt"
cargo fmt --all --check

step "clippy (native, warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings

step "clippy (wasm32: the engine must build for the browser, blocking calls banned)"
CLIPPY_CONF_DIR="$PWD/.clippy-wasm" cargo clippy --target wasm32-unknown-unknown \
  -p ganvas-engine -p ganvas-share -p ganvas-session -p ganvas-web -- -D warnings
# The web crate's component tests run in the browser too (the engine's tests run natively).
CLIPPY_CONF_DIR="$PWD/.clippy-wasm" cargo clippy --target wasm32-unknown-unknown \
  -p ganvas-web --all-targets -- -D warnings

step "rustdoc (broken intra-doc links are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps -p ganvas-engine -p ganvas-cli -p ganvas-share -p ganvas-session -q

step "tests: engine and CLI (Flex CPU always; wgpu on lavapipe where a Vulkan adapter exists)"
cargo test --workspace

step "component tests: wasm-bindgen-test in headless Chromium (WebGPU on SwiftShader)"
# The timeout covers the whole suite, not each test: 16 tests, four of them compiling kernels on
# SwiftShader, ran past 300 s once on a 2-core machine.
CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=600 \
  cargo test --target wasm32-unknown-unknown -p ganvas-web --test components

step "web app: trunk build --release (fat LTO, then wasm-opt)"
TRUNK_SKIP_VERSION_CHECK=true trunk build --release --offline

step "browser end-to-end tests (headless Chromium, WebGPU on SwiftShader)"
(cd tests/e2e && node --test --test-concurrency=1)
