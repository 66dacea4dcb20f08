#!/usr/bin/env bash
# Times every preset on every device and prints one table: native Flex and native wgpu
# (`ganvas bench`; lavapipe where there is no GPU), the browser's CPU fallback and WebGPU
# (headless Chromium, tests/e2e/bench.mjs; SwiftShader here), in steps/s and samples/s, with
# the first step's latency, a PyTorch peer on the same cores in the same run (scripts/peer/,
# installed into ~/.cache/ganvas/peer-venv) and the shipped wasm's size raw, gzip -9 and brotli.
# Installs and builds what it needs first. Figures, not pass/fail: a device that fails or
# times out is shown as "n/a (why)" and the table still prints.
#
# Usage: scripts/bench.sh [--quick] [--presets a,b] [--seconds S] [--browser-steps N]
#                         [--browser-seconds S] [--digits S] [--no-browser] [--no-peer]
#                         [--no-web-build]
# or the same through the environment: GANVAS_BENCH_PRESETS, GANVAS_BENCH_SECONDS (timed
# seconds per preset and device, natively and for PyTorch; default 3, --quick 1),
# GANVAS_BENCH_BROWSER_STEPS (most timed steps per model in the browser; default 200, --quick
# 50), GANVAS_BENCH_BROWSER_SECONDS (most timed seconds per model in the browser; default 5,
# --quick 2), GANVAS_BENCH_DIGITS_S (time to digits in the browser: each image preset trains
# afresh until the classifier sees every class, giving up after this many seconds; default 60,
# the classroom minute; --quick or 0: not measured), GANVAS_BENCH_TIMEOUT_S (per native preset and device; default 300, --quick 120),
# GANVAS_BENCH_BROWSER_TIMEOUT_S (per browser device, all models; default 1200, --quick 600,
# plus 15 × the time-to-digits limit).
# GANVAS_BENCH_PROFILE=dev times a dev-profile CLI (dependencies optimised, ours at opt-level
# 1) when no release build is at hand; the table says which. Raw results and the table land
# in target/bench/ (GANVAS_BENCH_OUT).
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0 browser=1 peer=1 web_build=1
presets="${GANVAS_BENCH_PRESETS:-}"
seconds="${GANVAS_BENCH_SECONDS:-}"
browser_steps="${GANVAS_BENCH_BROWSER_STEPS:-}"
browser_seconds="${GANVAS_BENCH_BROWSER_SECONDS:-}"
digits="${GANVAS_BENCH_DIGITS_S:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --presets) presets="$2"; shift ;;
    --seconds) seconds="$2"; shift ;;
    --browser-steps) browser_steps="$2"; shift ;;
    --browser-seconds) browser_seconds="$2"; shift ;;
    --digits) digits="$2"; shift ;;
    --no-browser) browser=0 ;;
    --no-peer) peer=0 ;;
    --no-web-build) web_build=0 ;;
    -h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$quick" = 1 ]; then
  : "${seconds:=1}" "${browser_steps:=50}" "${browser_seconds:=2}" "${digits:=0}"
  native_timeout="${GANVAS_BENCH_TIMEOUT_S:-120}"
  browser_timeout="${GANVAS_BENCH_BROWSER_TIMEOUT_S:-$((600 + 15 * ${digits%.*}))}"
else
  : "${seconds:=3}" "${browser_steps:=200}" "${browser_seconds:=5}" "${digits:=60}"
  native_timeout="${GANVAS_BENCH_TIMEOUT_S:-300}"
  browser_timeout="${GANVAS_BENCH_BROWSER_TIMEOUT_S:-$((1200 + 15 * ${digits%.*}))}"
fi

bash scripts/setup.sh native vulkan web browser bench
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ganvas/target}"
export CARGO_TERM_COLOR=never
export PATH="$HOME/.cargo/bin:$HOME/.cache/ganvas/bin:$PATH" # wasm-opt (see setup.sh)
# Mesa's lavapipe complains on every start when there is no runtime directory (as under CI).
if [ -z "${XDG_RUNTIME_DIR:-}" ] || [ ! -d "$XDG_RUNTIME_DIR" ]; then
  XDG_RUNTIME_DIR="$(mktemp -d)"
  export XDG_RUNTIME_DIR
fi

out="${GANVAS_BENCH_OUT:-target/bench}"
rm -rf "$out"
mkdir -p "$out"
step() { printf '\n\033[1;32m==>\033[0m %s\n' "$*" >&2; }
# Why a run failed, from its log, as a JSON string (quotes and escapes removed): a Rust
# panic's message, an `Error:` line, or else the last line that is not a note.
reason() {
  { grep -A1 -m1 'panicked at' "$1" | tail -n 1 | grep . ||
    grep -m1 '^Error' "$1" ||
    grep -v '^note:' "$1" | grep . | tail -n 1; } 2>/dev/null |
    tr -d '"\\' | tr -cd '[:print:]' | cut -c 1-160
}
error_line() { printf '{"preset":"%s","backend":"%s","error":"%s"}\n' "$1" "$2" "$3"; }

profile="${GANVAS_BENCH_PROFILE:-release}"
step "building the CLI ($profile profile)"
cargo build --profile "$profile" -p ganvas-cli
ganvas="$CARGO_TARGET_DIR/$([ "$profile" = dev ] && echo debug || echo "$profile")/ganvas"
if [ -z "$presets" ]; then
  presets="$("$ganvas" bench --list | paste -sd, -)"
fi
IFS=, read -r -a preset_list <<<"$presets"

# One process per preset and backend, so a crash or a hang costs only that cell.
native() {
  local backend="$1" file="$out/native-$1.jsonl"
  : >"$file"
  for preset in "${preset_list[@]}"; do
    step "native $backend: $preset (${seconds} s)"
    local log="$out/native-$backend-$preset.log" status=0
    timeout "$native_timeout" "$ganvas" bench --backend "$backend" --presets "$preset" \
      --seconds "$seconds" --json >>"$file" 2>"$log" || status=$?
    if [ "$status" = 124 ]; then
      error_line "$preset" "$backend" "timed out after ${native_timeout} s" >>"$file"
    elif [ "$status" != 0 ]; then
      error_line "$preset" "$backend" "exit $status: $(reason "$log")" >>"$file"
    fi
  done
}
native cpu

# The peer runs right after native Flex, on the same cores, with the same seconds.
if [ "$peer" = 1 ]; then
  step "PyTorch peer (CPU, 2 threads)"
  peer_presets="$(printf '%s\n' "${preset_list[@]}" | grep -xE 'mnist-mlp|dcgan|dcgan-small' | paste -sd, - || true)"
  if [ -z "$peer_presets" ]; then
    : >"$out/peer.jsonl"
  elif py="$(bash scripts/peer/setup.sh 2>"$out/peer-setup.log" | tail -n 1)" && [ -x "$py" ]; then
    cat "$out/peer-setup.log" >&2
    "$py" scripts/peer/torch_gans.py --json --threads "$(nproc)" --seconds "$seconds" \
      --presets "$peer_presets" >"$out/peer.jsonl" 2>"$out/peer.log" ||
      error_line "*" "pytorch-cpu" "$(reason "$out/peer.log")" >>"$out/peer.jsonl"
  else
    error_line "*" "pytorch-cpu" "install failed: $(reason "$out/peer-setup.log")" >"$out/peer.jsonl"
  fi
fi

native wgpu

if [ "$browser" = 1 ]; then
  built=1
  if [ "$web_build" = 1 ] || ! ls dist/*.wasm >/dev/null 2>&1; then
    step "web app: trunk build --release (fat LTO, then wasm-opt)"
    TRUNK_SKIP_VERSION_CHECK=true trunk build --release --offline 2>&1 | tee "$out/trunk.log" >&2 ||
      built=0
  fi
  wasm="$(find dist -maxdepth 1 -name '*.wasm' | head -n 1)"
  if [ "$built" = 1 ] && [ -n "$wasm" ]; then
    printf '{"file":"%s","raw":%d,"gzip":%d,"brotli":%d}\n' "$wasm" "$(wc -c <"$wasm")" \
      "$(gzip -9 -c "$wasm" | wc -c)" "$(brotli -c "$wasm" | wc -c)" >"$out/wasm.json"
  else
    printf '{"error":"trunk build failed: %s"}\n' "$(reason "$out/trunk.log")" |
      tee "$out/wasm.json" "$out/browser-cpu.json" >"$out/browser-gpu.json"
  fi
  for device in cpu gpu; do
    [ -s "$out/browser-$device.json" ] && continue
    step "browser $device (at most $browser_steps steps or $browser_seconds s per model)"
    BENCH_JSON="$out/browser-$device.json" BENCH_TIMEOUT_S="$browser_timeout" \
      timeout $((browser_timeout + 120)) node tests/e2e/bench.mjs "$presets" "$device" \
      "$browser_steps" "$browser_seconds" "$digits" >"$out/browser-$device.log" 2>&1 || true
    if [ ! -s "$out/browser-$device.json" ]; then
      printf '{"error":"%s"}\n' "$(reason "$out/browser-$device.log")" >"$out/browser-$device.json"
    fi
  done
fi

{
  printf '{"date":"%s","commit":"%s","cpu":"%s","cores":%d,"seconds":%s,' \
    "$(date -u +%FT%TZ)" "$(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo +)" \
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //' | tr -d '"\\')" \
    "$(nproc)" "$seconds"
  printf '"browser_steps":%d,"browser_seconds":%s,"digits_s":%s,"profile":"%s","presets":"%s"}\n' \
    "$browser_steps" "$browser_seconds" "$digits" "$profile" "$presets"
} >"$out/meta.json"
node scripts/bench-table.mjs "$out" | tee "$out/table.txt"
