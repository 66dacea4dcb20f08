#!/usr/bin/env bash
# Installs PyTorch (CPU use only) into a virtual environment for the benchmark's peer column:
# a measuring tool, not a dependency of GANvas. Idempotent: an environment whose torch imports
# is kept. Prints the environment's python on stdout, or exits non-zero with the reason.
#
# PyPI's Linux torch wheels are CUDA builds: libtorch_cpu.so itself links libcudart and
# libcupti, so torch does not import without the nvidia-* wheels it names. What it does not
# need on a CPU is Triton (about 1 GB, used only by torch.compile on GPUs) and cuda-bindings,
# so torch goes in without dependencies and then every requirement but those two.
set -euo pipefail

VENV="${GANVAS_PEER_VENV:-$HOME/.cache/ganvas/peer-venv}"
TORCH_VERSION="${GANVAS_PEER_TORCH:-2.15.0}"
PY="$VENV/bin/python"

log() { printf '\033[1;34m[peer]\033[0m %s\n' "$*" >&2; }

if [ -x "$PY" ] && "$PY" -c 'import torch' >/dev/null 2>&1; then
  echo "$PY"
  exit 0
fi
command -v python3 >/dev/null 2>&1 || { echo "no python3" >&2; exit 1; }
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || {
  log "apt-get install python3-venv"
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq python3-venv >/dev/null; fi
}
start=$(date +%s)
log "installing torch $TORCH_VERSION into $VENV (CUDA runtime libraries included, Triton left out)"
rm -rf "$VENV"
python3 -m venv "$VENV"
pip_install() { "$VENV/bin/pip" install --quiet --no-cache-dir --disable-pip-version-check "$@"; }
pip_install --no-deps "torch==$TORCH_VERSION"
# torch's own requirements for this platform, less the two a CPU never loads.
requirements=()
while IFS= read -r requirement; do requirements+=("$requirement"); done < <("$PY" - <<'PYTHON'
import re
from importlib.metadata import requires

for line in requires("torch") or []:
    spec, _, marker = line.partition(";")
    if "extra ==" in marker:
        continue
    name = re.split(r"[\s\[<>=~!]", spec.strip(), maxsplit=1)[0].lower()
    if name in ("triton", "cuda-bindings"):
        continue
    if "platform_system" in marker and '"Linux"' not in marker:
        continue
    print(spec.strip())
PYTHON
)
pip_install "${requirements[@]}"
"$PY" -c 'import torch' >/dev/null
log "installed in $(( $(date +%s) - start )) s; $(du -sh "$VENV" | cut -f1) on disk"
echo "$PY"
