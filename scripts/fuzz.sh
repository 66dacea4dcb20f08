#!/usr/bin/env bash
# Fuzzes the share format (crates/ganvas-share) with cargo-fuzz: the `decode` target feeds
# arbitrary bytes to the model decoder, `link` arbitrary text to the link parser, and `body`
# arbitrary bytes as a model's body, wrapped in a header with the right length and CRC so that
# mutations reach the body parser instead of failing the checksum.
# Usage: scripts/fuzz.sh [runs per target, default 5000000] [targets, default "decode link body"]
# Stable Rust only is installed here, so cargo-fuzz runs with RUSTC_BOOTSTRAP=1 and without a
# sanitizer (Rust is memory-safe; what we hunt is panics, hangs and runaway allocation).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-5000000}"
TARGETS="${2:-decode link body}"
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ganvas/target-fuzz}"
cd crates/ganvas-share
for target in $TARGETS; do
  echo "== fuzz target $target: $RUNS runs"
  mkdir -p "fuzz/corpus/$target" "$CARGO_TARGET_DIR/corpus-$target"
  # Seeds come from the committed corpus; new inputs go to the (uncommitted) cache copy.
  cargo fuzz run --sanitizer none "$target" "$CARGO_TARGET_DIR/corpus-$target" "fuzz/corpus/$target" -- \
    -runs="$RUNS" -max_len=65536 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
done
