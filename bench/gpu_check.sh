#!/usr/bin/env bash
# The GPU check, one command (issue 23): on a machine with CUDA, run the CUDA tests, then
# print the speed table of sin, moons and digits swarms (1,000 / 10,000 bees) on CUDA
# against the same runs on the CPU. Under 8 minutes: each part has its own time limit.
#
#   bench/gpu_check.sh            # a CUDA machine, in an environment with a CUDA build of
#                                 # torch and this package (pip install -e ".[test]")
#   bench/gpu_check.sh --tiny     # anywhere: the CUDA tests (skipped without CUDA) and a
#                                 # tiny CPU-only table, to check the script itself
# PYTHON picks the interpreter (default: python).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python}"
tiny=""
case "${1:-}" in
  "") ;;
  --tiny) tiny="--tiny" ;;
  *) echo "gpu_check.sh: unknown argument '$1' (the only one is --tiny)" >&2; exit 2 ;;
esac

if ! "$PY" -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)"; then
  if [ -z "$tiny" ]; then
    echo "gpu_check.sh: CUDA is not available to $PY (use --tiny to check the script)" >&2
    exit 2
  fi
  echo "== no CUDA here: the CUDA tests will be skipped, the table is CPU only"
fi
"$PY" -c "import torch; print('torch', torch.__version__, '| CUDA', torch.version.cuda, '|',
  torch.cuda.get_device_name() if torch.cuda.is_available() else 'no device')"
uptime || true

echo "== CUDA tests (tests/test_cuda.py)"
status=0
timeout 120 "$PY" -m pytest tests/test_cuda.py -q -rs || status=$?

echo "== speed table (bench/gpu_speed.py $tiny)"
timeout 300 "$PY" bench/gpu_speed.py $tiny || status=$((status ? status : $?))
uptime || true
exit "$status"
