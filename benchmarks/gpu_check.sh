#!/usr/bin/env bash
# One prepared GPU check for the qwen3-vl-4b preset (issue 13, item 8): random weights, bf16 flow chunk
# latency at batch 1 (goal < 45 ms; GR00T N1.5 reports 47.9 ms on an H100) and one stage-2 training
# step's peak memory at batch 8. Never needed by the tests or CI.
#
#   bash benchmarks/gpu_check.sh            # from the repository root, on a machine with a CUDA GPU
#
# Uses .venv/bin/python if present, else python3; that Python needs torch (CUDA), transformers >= 5
# and pydantic, and the repository importable (the script adds the root to PYTHONPATH). Writes the JSON
# report to $OUT/gpu_check.json when OUT is set (the device tool's output folder), else to stdout only.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=python3
if [ -x .venv/bin/python ]; then PY=.venv/bin/python; fi
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
"$PY" - <<'PYEOF'
import sys
try:
    import pydantic, torch, transformers  # noqa: F401
except ImportError as exc:
    sys.exit(f"gpu_check: this Python lacks {exc.name}; install torch, transformers and pydantic")
if not torch.cuda.is_available():
    sys.exit("gpu_check: torch sees no CUDA device")
print(f"torch {torch.__version__}, transformers {transformers.__version__}, {torch.cuda.get_device_name()}")
PYEOF
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
report=$("$PY" benchmarks/vla_gpu.py --batch 8 --chunks 20 --fast-tokens 200)
echo "$report"
if [ -n "${OUT:-}" ]; then printf '%s\n' "$report" > "$OUT/gpu_check.json"; fi
