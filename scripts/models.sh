#!/usr/bin/env bash
# Builds the trained starting points the page offers ("Start from a trained model"):
# static/models/<model>.ganvas, the list static/models/trained.txt the engine and the page read,
# and static/models/trained.md, the figures of each run. Everything is seeded (seed 7, the
# page's default), so a rerun on the same build gives the same files.
#
# Usage: scripts/models.sh [model ...]   (default: every model below)
# Each file holds the generator the page shows (the averaged G, where the preset keeps one;
# Pix2Pix's U-Net;
# training goes on from it) and D, without optimiser state, at the precision below: each file
# stays under 2 MiB and the whole of static/models/ under 10 MB (a file is fetched only when its
# preset is chosen).
set -euo pipefail
cd "$(dirname "$0")/.."

# model  data  steps  precision
MODELS='
toy-quadratic    quadratic  2000  f32
mnist-fast       mnist      5000  q5
fashion-fast     fashion    5000  q5
conditional-fast mnist      5000  q5
mnist-mlp        mnist      20000 q5
conditional-mlp  mnist      6000  q5
dcgan-small      mnist      3000  q5
mnist-mlp-large  mnist      10000 q4
conditional-dcgan-small mnist 3000 q5
dcgan            mnist      600   q4
pix2pix          fashion    3000  q5
'

bash scripts/setup.sh native
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ganvas/target}"
export PATH="$HOME/.cargo/bin:$PATH"
# The same build as the test command's (dependencies optimised), not a second one.
cargo build --workspace --bins
out=target/models
mkdir -p "$out"
# A copy: the longest runs take the better part of an hour, and a build meanwhile must not
# swap the binary under the runs still to come.
ganvas="$out/ganvas"
cp "$CARGO_TARGET_DIR/debug/ganvas" "$ganvas"

wanted=" $* "
while read -r model data steps precision; do
  [ -z "$model" ] && continue
  [ $# -gt 0 ] && [[ "$wanted" != *" $model "* ]] && continue
  printf '\n\033[1;32m==>\033[0m %s on %s, %s steps, %s\n' "$model" "$data" "$steps" "$precision" >&2
  "$ganvas" train --preset "$model" --dataset "$data" --steps "$steps" --seed 7 \
    --log-every 500 --out "$out/$model" --model-out "static/models/$model.ganvas" \
    --precision "$precision" --settings "model=$model&data=$data" >"$out/$model.log"
done <<<"$MODELS"

# The list and the figures: each model rebuilt now from its metrics.json, the others as the
# committed list and figures have them (a partial rebuild keeps every other row).
models=$(awk 'NF { print $1 }' <<<"$MODELS")
python3 - "$out" $models <<'PY'
import json, os, sys
out, models = sys.argv[1], sys.argv[2:]
def committed(path, key):
    if not os.path.isfile(path):
        return {}
    return {key(l): l.rstrip("\n") for l in open(path) if key(l)}
old_lines = committed("static/models/trained.txt",
                      lambda l: None if l.startswith("#") or not l.strip() else l.split()[2])
old_rows = committed("static/models/trained.md",
                     lambda l: l.split("`")[1] if l.startswith("| `") else None)
lines = ["# Trained starting points: model data file bytes steps (written by scripts/models.sh)"]
rows = []
for name in sorted(models):
    path = os.path.join(out, name, "metrics.json")
    if not os.path.isfile(path):
        file = f"{name}.ganvas"
        if file in old_lines and file in old_rows:
            lines.append(old_lines[file])
            rows.append(old_rows[file])
        else:
            print(f"{name}: neither rebuilt now nor in the committed list", file=sys.stderr)
        continue
    m = json.load(open(path))
    f = m.get("model_file")
    if not f:
        continue
    data = dict(p.split("=", 1) for p in f["settings"].split("&"))["data"]
    file = os.path.basename(f["file"])
    lines.append(f'{m["preset"]} {data} {file} {f["bytes"]} {m["steps"]}')
    def cells(r):
        return f'FD {r["fd"]:.1f} / confidence {r["mean_confidence"]:.2f} / rarest class {100 * r["smallest_class_share"]:.1f} %' if r else "—"
    if "drawing" in m:  # Pix2Pix: its held-out pairs
        def held(r):
            return f'L1 {r["l1"]:.1f} per image / classified as their item {100 * r["class_accuracy"]:.1f} % (real {100 * r["target_accuracy"]:.1f} %)'
        trained, shipped = held(m["readings"][-1]["held_out"]), held(f["held_out_as_loaded"])
    elif "image_quality" in m:
        trained, shipped = cells(m["image_quality"]["end"]), cells(f.get("quality_as_loaded"))
    else:  # a 2D GAN, stored exactly (f32)
        q = m["quality"]
        trained = f'JS {q["js"]:.3f}' + (f', curve error {100 * q["quadratic"]["median_relative_error"]:.1f} %' if q.get("quadratic") else "")
        shipped = "the same (f32)" if f["precision"] == "f32" else "—"
    rows.append(f'| `{file}` | {data} | {m["steps"]:,} | {f["precision"]} | {f["bytes"]:,} | '
                f'{m["steps_per_sec"]:.1f} | {trained} | {shipped} |')
open("static/models/trained.txt", "w").write("\n".join(lines) + "\n")
head = ("| file | data | steps | precision | bytes | steps/s | trained | as shipped (after rounding) |\n"
        "|---|---|---:|---|---:|---:|---|---|")
open("static/models/trained.md", "w").write(
    "# Trained starting points\n\nBuilt by `scripts/models.sh` (seed 7, native Flex, dev profile, "
    "2 cores, steps/s shared with other work); image quality from the shown generator on 1,000 samples "
    "and our own classifier; Pix2Pix on its first 500 held-out pairs; 2D quality as `ganvas train` reports it.\n\n"
    + head + "\n" + "\n".join(rows) + "\n")
PY
cat static/models/trained.txt
du -cb static/models/* | tail -n 1
