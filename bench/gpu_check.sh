#!/usr/bin/env bash
# GPU check in <= 5 minutes on one GPU: torch backend on the GPU against numba on the CPU,
# then pass and epoch timings at 19 000 nodes (batch 1000). Run from the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD/workflow/lib${PYTHONPATH:+:$PYTHONPATH}"
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
timeout 300 "${PYTHON:-python}" bench/gpu_check.py "$@"
